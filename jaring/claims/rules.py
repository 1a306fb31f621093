"""The rules of a claim as pure code: the benefit items, the scholarship and its children, the heirs' legal
order, the documents each kind of case needs, the dates that matter and whether the cover included a day.

Values in, values out; no database. The numbers come from a benefit table row (`Rates`), never from here:
PP 82/2019 is the seeded row, and a later regulation is a new row. Messages are Bahasa Indonesia through
gettext, called only inside the functions.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.core.workdays import add_working_days

# -- the benefit table, as values ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rates:
    """One row of the benefit table (claims.models.BenefitTable)."""

    jkm_lump_sum: int
    periodic_lump: int
    funeral: int
    jkk_death_factor: int
    jkk_disability_factor: int
    temporary_full_months: int
    temporary_full_percent: int
    temporary_after_percent: int
    jkk_claim_years: int
    scholarship_children: int
    scholarship_max_total: int
    scholarship_jkm_months: int
    scholarship_max_age: int
    scholarship_tk_sd: int
    scholarship_smp: int
    scholarship_sma: int
    scholarship_university: int
    scholarship_tk_sd_years: int
    scholarship_smp_years: int
    scholarship_sma_years: int
    scholarship_university_years: int
    npwp_above: int
    jkm_payment_working_days: int


# Kinds of case, as claims.models.ClaimKind spells them (this module imports no model).
JKM, JKK_DEATH, JKK_INJURY, JKK_DISABILITY = "jkm", "jkk_death", "jkk_injury", "jkk_disability"
DEATHS = frozenset({JKM, JKK_DEATH})


# -- benefit items ------------------------------------------------------------------------------------------

ITEM_LABELS = {
    "santunan_sekaligus": gettext_lazy("Santunan sekaligus"),
    "santunan_berkala": gettext_lazy("Santunan berkala (dibayar sekaligus)"),
    "biaya_pemakaman": gettext_lazy("Biaya pemakaman"),
    "santunan_kematian": gettext_lazy("Santunan kematian karena kecelakaan kerja"),
    "santunan_cacat_total_tetap": gettext_lazy("Santunan cacat total tetap"),
    "perawatan_medis": gettext_lazy("Perawatan dan pengobatan sesuai kebutuhan medis, tanpa batas biaya"),
    "stmb_bulan_pertama": gettext_lazy("Santunan tidak mampu bekerja, bulan-bulan pertama"),
    "stmb_per_bulan_sesudahnya": gettext_lazy("Santunan tidak mampu bekerja per bulan sesudahnya"),
}


@dataclass(frozen=True)
class Item:
    item: str  # a stable identifier (ITEM_LABELS)
    amount: int | None  # Rupiah; None where the regulation sets no amount (care has no cap)
    in_total: bool = True  # False for a per-month rate or an uncapped item: shown, not added up
    note: str = ""

    @property
    def label(self) -> str:
        return str(ITEM_LABELS.get(self.item, self.item))


@dataclass(frozen=True)
class Benefit:
    items: tuple[Item, ...]

    @property
    def total(self) -> int:
        return sum(item.amount or 0 for item in self.items if item.in_total)


def _percent(basis: int, percent: int) -> int:
    return basis * percent // 100


def benefit_for(kind: str, *, basis: int, rates: Rates) -> Benefit:
    """The benefit reference of a covered case (PP 82/2019 for BPU participants): JKM a lump sum, the periodic
    benefit paid at once and the funeral costs; a JKK death a multiple of the income basis, at least the JKM
    lump sum, with the same periodic and funeral items; total permanent disability a multiple of the basis; an
    injury the care without a cap and the temporary-disability pay (full for the first months, then a part)."""
    if kind == JKM:
        return Benefit(
            (
                Item("santunan_sekaligus", rates.jkm_lump_sum),
                Item("santunan_berkala", rates.periodic_lump),
                Item("biaya_pemakaman", rates.funeral),
            )
        )
    if kind == JKK_DEATH:
        multiple = rates.jkk_death_factor * basis
        note = _("%(factor)s x dasar upah Rp%(basis)s") % {"factor": rates.jkk_death_factor, "basis": rupiah(basis)}
        if multiple < rates.jkm_lump_sum:
            note = _("%(note)s, paling sedikit santunan sekaligus JKM") % {"note": note}
        return Benefit(
            (
                Item("santunan_kematian", max(multiple, rates.jkm_lump_sum), note=note),
                Item("santunan_berkala", rates.periodic_lump),
                Item("biaya_pemakaman", rates.funeral),
            )
        )
    if kind == JKK_DISABILITY:
        note = _("%(factor)s x dasar upah Rp%(basis)s") % {
            "factor": rates.jkk_disability_factor,
            "basis": rupiah(basis),
        }
        return Benefit((Item("santunan_cacat_total_tetap", rates.jkk_disability_factor * basis, note=note),))
    if kind == JKK_INJURY:
        full = _percent(basis, rates.temporary_full_percent)
        after = _percent(basis, rates.temporary_after_percent)
        return Benefit(
            (
                Item("perawatan_medis", None, in_total=False, note=_("dibayar BPJS langsung ke fasilitas kesehatan")),
                Item(
                    "stmb_bulan_pertama",
                    full * rates.temporary_full_months,
                    note=_("%(percent)s%% dasar upah x %(months)s bulan")
                    % {"percent": rates.temporary_full_percent, "months": rates.temporary_full_months},
                ),
                Item(
                    "stmb_per_bulan_sesudahnya",
                    after,
                    in_total=False,
                    note=_("%(percent)s%% dasar upah per bulan sampai sembuh")
                    % {"percent": rates.temporary_after_percent},
                ),
            )
        )
    raise ValueError(f"unknown claim kind {kind!r}")


def rupiah(amount: int) -> str:
    """42000000 -> 42.000.000."""
    return f"{amount:,}".replace(",", ".")


# -- time ---------------------------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 when `end` is not after `start`)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    return max(months, 0)


def years_and_months(months: int) -> str:
    years, rest = divmod(months, 12)
    if years and rest:
        return _("%(years)s tahun %(months)s bulan") % {"years": years, "months": rest}
    if years:
        return _("%(years)s tahun") % {"years": years}
    return _("%(months)s bulan") % {"months": rest}


def jkk_lapses_on(event_date: date, rates: Rates) -> date:
    """The last day a JKK claim may be made: the right lapses `jkk_claim_years` (5) years after the accident."""
    return add_years(event_date, rates.jkk_claim_years)


def bpjs_pays_by(submitted_on: date, rates: Rates, holidays: Container[date]) -> date:
    """BPJS pays a complete JKM claim within this many working days of receiving it."""
    return add_working_days(submitted_on, rates.jkm_payment_working_days, holidays)


def day_text(day: date) -> str:
    return day.strftime("%d-%m-%Y")


# -- the scholarship ----------------------------------------------------------------------------------------

LEVELS_IN_SCHOOL = ("tk", "sd", "smp", "sma", "kuliah")


def yearly_amount(level: str, rates: Rates) -> int:
    """The scholarship of one child for one school year at `level` (PP 82/2019); 0 before school age."""
    return {
        "belum_sekolah": 0,
        "tk": rates.scholarship_tk_sd,
        "sd": rates.scholarship_tk_sd,
        "smp": rates.scholarship_smp,
        "sma": rates.scholarship_sma,
        "kuliah": rates.scholarship_university,
    }[level]


@dataclass(frozen=True)
class ChildIn:
    name: str
    birth_date: date
    level: str


@dataclass(frozen=True)
class ChildDecision:
    child: ChildIn
    eligible: bool
    reason: str


@dataclass(frozen=True)
class Scholarship:
    eligible: bool
    reason: str
    children: tuple[ChildDecision, ...]
    max_total: int

    @property
    def granted(self) -> int:
        return sum(1 for child in self.children if child.eligible)


def scholarship_for(
    kind: str,
    *,
    covered: bool,
    member_since: date | None,
    event_date: date,
    children: Sequence[ChildIn],
    rates: Rates,
) -> Scholarship:
    """Whether the case gives the children's scholarship, and to which children (PP 82/2019): a JKM death
    after at least `scholarship_jkm_months` (36) months of contributions, or any JKK death or total permanent
    disability; at most `scholarship_children` (2) children, in the order reported, younger than
    `scholarship_max_age` (23) on the event date."""
    eligible, reason = _scholarship_right(
        kind, covered=covered, member_since=member_since, event_date=event_date, rates=rates
    )
    decisions: list[ChildDecision] = []
    granted = 0
    for position, child in enumerate(children, start=1):
        if not eligible:
            decisions.append(ChildDecision(child, False, _("Kasus ini tidak memberi hak beasiswa.")))
            continue
        age = age_on(child.birth_date, event_date)
        if age >= rates.scholarship_max_age:
            decisions.append(
                ChildDecision(
                    child,
                    False,
                    _("Berusia %(age)s tahun pada tanggal peristiwa; beasiswa hanya sampai usia %(max)s tahun.")
                    % {"age": age, "max": rates.scholarship_max_age},
                )
            )
            continue
        if granted >= rates.scholarship_children:
            decisions.append(
                ChildDecision(
                    child,
                    False,
                    _(
                        "Beasiswa paling banyak untuk %(max)s anak; anak ini anak ke-%(position)s yang didaftarkan, "
                        "sesudah %(max)s anak penerima."
                    )
                    % {"max": rates.scholarship_children, "position": position},
                )
            )
            continue
        granted += 1
        amount = yearly_amount(child.level, rates)
        if amount:
            text = _("Penerima beasiswa: Rp%(amount)s per tahun untuk jenjang saat ini.") % {"amount": rupiah(amount)}
        else:
            text = _("Penerima beasiswa: dibayar mulai anak bersekolah.")
        decisions.append(ChildDecision(child, True, text))
    if eligible:
        refused = len(decisions) - granted
        reason = _("%(reason)s %(granted)s anak menerima beasiswa (paling banyak %(max)s anak).") % {
            "reason": reason,
            "granted": granted,
            "max": rates.scholarship_children,
        }
        if refused:
            reason += " " + _("%(refused)s anak tidak termasuk; alasannya tertulis pada anak itu.") % {
                "refused": refused
            }
    return Scholarship(eligible, reason, tuple(decisions), rates.scholarship_max_total)


def _scholarship_right(
    kind: str, *, covered: bool, member_since: date | None, event_date: date, rates: Rates
) -> tuple[bool, str]:
    if not covered:
        return False, _("Tidak ada beasiswa: peristiwa tidak termasuk perlindungan peserta.")
    if kind == JKK_INJURY:
        return False, _("Beasiswa hanya untuk anak peserta yang meninggal dunia atau cacat total tetap.")
    if kind in (JKK_DEATH, JKK_DISABILITY):
        return True, _("Kecelakaan kerja: beasiswa tanpa syarat masa iuran.")
    if member_since is None:
        return False, _(
            "Tanggal mulai kepesertaan BPJS tidak diketahui, sehingga masa iuran %(min)s bulan untuk beasiswa JKM "
            "tidak dapat dipastikan. Isi dari jawaban BPJS atau daftar peserta BPJS."
        ) % {"min": rates.scholarship_jkm_months}
    months = months_between(member_since, event_date)
    facts = {
        "since": day_text(member_since),
        "months": months,
        "span": years_and_months(months),
        "min": rates.scholarship_jkm_months,
        "min_span": years_and_months(rates.scholarship_jkm_months),
    }
    if months < rates.scholarship_jkm_months:
        return False, _(
            "Peserta BPJS sejak %(since)s: %(months)s bulan (%(span)s) iuran sampai tanggal meninggal. Beasiswa JKM "
            "memerlukan paling sedikit %(min)s bulan (%(min_span)s) iuran."
        ) % facts
    return True, _(
        "Peserta BPJS sejak %(since)s: %(months)s bulan (%(span)s) iuran, memenuhi syarat paling sedikit %(min)s "
        "bulan untuk beasiswa JKM."
    ) % facts


# -- heirs --------------------------------------------------------------------------------------------------

# PP 82/2019 (as PP 44/2015 Pasal 1): the widow, widower or children; failing them the member's lineal relatives
# up and down to the second degree; then siblings; then parents-in-law; then whom a will names.
HEIR_RANKS: dict[str, int] = {
    "istri": 1,
    "suami": 1,
    "anak": 1,
    "orang_tua": 2,
    "kakek_nenek": 2,
    "cucu": 2,
    "saudara_kandung": 3,
    "mertua": 4,
    "lainnya": 5,
}
RANK_LABELS = {
    1: gettext_lazy("Golongan 1: suami/istri dan anak"),
    2: gettext_lazy("Golongan 2: keturunan sedarah garis lurus (orang tua, kakek/nenek, cucu)"),
    3: gettext_lazy("Golongan 3: saudara kandung"),
    4: gettext_lazy("Golongan 4: mertua"),
    5: gettext_lazy("Golongan 5: pihak yang ditunjuk dalam wasiat"),
}
SPOUSES = frozenset({"istri", "suami"})

H = TypeVar("H")


def heir_rank(relationship: str) -> int:
    return HEIR_RANKS[relationship]


def in_legal_order(heirs: Sequence[H], relationship: Callable[[H], str]) -> list[H]:
    """The heirs by group of the legal order, as reported within a group."""
    return sorted(heirs, key=lambda heir: heir_rank(relationship(heir)))


def entitled_rank(relationships: Sequence[str]) -> int | None:
    """The group that receives the benefit: the first group of the legal order with anyone in it."""
    return min((heir_rank(r) for r in relationships), default=None)


# -- documents ----------------------------------------------------------------------------------------------


def documents_required(kind: str, *, heir_relationships: Sequence[str], total: int | None, rates: Rates) -> list[str]:
    """The papers BPJS asks for this case (ClaimDocumentKind values), in the order an officer gathers them."""
    if kind in DEATHS:
        kinds = [
            "kartu_peserta",
            "ktp_peserta",
            "akta_kematian",
            "kartu_keluarga",
            "surat_keterangan_ahli_waris",
            "ktp_ahli_waris",
        ]
        if SPOUSES & set(heir_relationships):
            kinds.append("buku_nikah")
        if kind == JKK_DEATH:
            kinds += ["laporan_kecelakaan", "surat_keterangan_dokter"]
    else:
        kinds = ["kartu_peserta", "ktp_peserta", "laporan_kecelakaan", "surat_keterangan_dokter"]
    kinds.append("buku_tabungan")
    if total is not None and total > rates.npwp_above:
        kinds.append("npwp")
    return kinds
