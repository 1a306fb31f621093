"""Reads: a programme's rules as the pure ``RuleSet`` the engine evaluates, and BPJS cover by NIK."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_FLOOR

from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.core.errors import DomainError
from jaring.core.models import MinimumWage, Region, Sector
from jaring.eligibility import rules
from jaring.eligibility.models import DocumentKind, ExistingParticipant, IncomeCeiling, RuleVersion
from jaring.eligibility.target_lists import target_list_current, target_list_label
from jaring.programmes.models import Programme

# The reference scheme's documents (eligibility.services.DEFAULT_RULES), for a programme without rules yet: what
# its version 1 will require. Written here too because services is the writer and imports this module's peers.
DEFAULT_REQUIRED_DOCUMENTS: dict[str, list[str]] = {
    rules.ALL_SECTORS: [DocumentKind.KTP, DocumentKind.KK],
    "ojol": [DocumentKind.APLIKATOR_LETTER],
    "nelayan": [DocumentKind.SECTOR_EVIDENCE],
    "pembudidaya_ikan": [DocumentKind.SECTOR_EVIDENCE],
    "petani": [DocumentKind.SECTOR_EVIDENCE],
    "peternak": [DocumentKind.SECTOR_EVIDENCE],
}


def rule_version_current(*, programme: Programme) -> RuleVersion | None:
    return RuleVersion.objects.filter(programme=programme).order_by("-version").first()


def rule_version_by_number(*, programme: Programme, version: int) -> RuleVersion | None:
    return RuleVersion.objects.filter(programme=programme, version=version).first()


def income_ceiling_of(*, version: RuleVersion) -> tuple[int | None, str]:
    """The ceiling in whole Rupiah and its label; the UMK is rounded down (Rp3.856.694,43 -> Rp3.856.694)."""
    programme = version.programme
    if version.income_ceiling == IncomeCeiling.NONE:
        return None, ""
    if version.income_ceiling == IncomeCeiling.FIXED:
        return version.income_ceiling_amount, ""
    region = programme.funder.region
    if version.income_ceiling == IncomeCeiling.RESIDENCE and region.level == Region.Level.PROVINCE:
        # Judged per applicant (income_ceilings_where_living); a city or regency funder's residents all live in it.
        return None, _("UMK kabupaten/kota tempat tinggal pemohon")
    # The UMK of a year is set in late December, while that year's registration runs from the autumn: until it
    # is entered, judge by the latest known year's and say so (entering it re-judges the open applications).
    wage = MinimumWage.objects.filter(region=region, year__lte=programme.year).order_by("-year").first()
    if wage is None:
        raise DomainError(
            _(
                "UMK %(region)s tahun %(year)s belum diisi di data rujukan; administrator perlu mengisinya "
                "sebelum syarat penghasilan dapat dinilai."
            )
            % {"region": region.name, "year": programme.year}
        )
    kind = _("UMP") if region.level == 1 else _("UMK")
    label = _("%(kind)s %(region)s %(year)s") % {"kind": kind, "region": region.name, "year": wage.year}
    if wage.year != programme.year:
        label = _("%(kind)s %(year)s belum ditetapkan; memakai %(known)s") % {
            "kind": kind,
            "year": programme.year,
            "known": label,
        }
    return int(wage.amount.to_integral_value(rounding=ROUND_FLOOR)), label


def income_ceilings_where_living(*, version: RuleVersion) -> dict[str, tuple[int, str]] | None:
    """For a province scheme judging income against the UMK of where the applicant lives: each kabupaten/kota's
    UMK of the programme's year (or the latest known before it, said in the label), by region code. One query.
    None for any other choice."""
    programme = version.programme
    region = programme.funder.region
    if version.income_ceiling != IncomeCeiling.RESIDENCE or region.level != Region.Level.PROVINCE:
        return None
    found: dict[str, tuple[int, str]] = {}
    wages = (
        MinimumWage.objects.filter(region__parent=region, region__level=Region.Level.REGENCY, year__lte=programme.year)
        .select_related("region")
        .order_by("region_id", "-year")
    )
    for wage in wages:
        if wage.region_id in found:
            continue
        label = _("%(kind)s %(region)s %(year)s") % {"kind": _("UMK"), "region": wage.region.name, "year": wage.year}
        if wage.year != programme.year:
            label = _("%(kind)s %(year)s belum ditetapkan; memakai %(known)s") % {
                "kind": _("UMK"),
                "year": programme.year,
                "known": label,
            }
        found[wage.region_id] = (int(wage.amount.to_integral_value(rounding=ROUND_FLOOR)), label)
    return found


def province_wage_fallback(*, version: RuleVersion) -> tuple[int, str] | None:
    """For a province scheme judging by where the applicant lives: the province's UMP of the programme's year (or
    the latest known), used for a kabupaten/kota whose UMK is not entered; None otherwise or when no UMP is known."""
    programme = version.programme
    region = programme.funder.region
    if version.income_ceiling != IncomeCeiling.RESIDENCE or region.level != Region.Level.PROVINCE:
        return None
    wage = MinimumWage.objects.filter(region=region, year__lte=programme.year).order_by("-year").first()
    if wage is None:
        return None
    label = _("%(kind)s %(region)s %(year)s") % {"kind": _("UMP"), "region": region.name, "year": wage.year}
    return int(wage.amount.to_integral_value(rounding=ROUND_FLOOR)), label


# Sector names only word the reasons; read once a minute per process, not on every assessment.
SECTOR_NAMES_SECONDS = 60.0
_sector_names: tuple[float, dict[str, str]] | None = None


def sector_names() -> dict[str, str]:
    global _sector_names
    now = clock.monotonic()
    if _sector_names is None or now - _sector_names[0] > SECTOR_NAMES_SECONDS:
        _sector_names = (now, dict(Sector.objects.values_list("code", "name")))
    return _sector_names[1]


def target_list_of(*, version: RuleVersion) -> str | None:
    """How the rules name the scheme's list from the appointing office: None when the scheme has no such rule,
    "" when it has one but no list is loaded yet."""
    if not version.on_target_list:
        return None
    current = target_list_current(version.programme)
    return target_list_label(current) if current is not None else ""


def ruleset_of(*, version: RuleVersion) -> rules.RuleSet:
    programme = version.programme
    ceiling, label = income_ceiling_of(version=version)
    return rules.RuleSet(
        region_code=programme.funder.region_id,
        region_name=programme.funder.region.name,
        min_domicile_months=version.min_domicile_months,
        income_ceiling=ceiling,
        income_ceiling_label=label,
        min_age=version.min_age,
        max_age=version.max_age,
        eligible_sectors=frozenset(version.eligible_sectors),
        sector_names=sector_names(),
        required_documents={key: frozenset(kinds) for key, kinds in version.required_documents.items()},
        document_names={kind.value: str(kind.label) for kind in DocumentKind},
        check_not_covered=version.check_not_covered,
        version=str(version.version),
        income_ceilings=income_ceilings_where_living(version=version),
        income_ceiling_fallback=province_wage_fallback(version=version),
        target_list=target_list_of(version=version),
    )


def bpjs_coverage(niks: Iterable[str], *, own: Mapping[str, str] | None = None) -> dict[str, rules.Coverage]:
    """Active BPJS Ketenagakerjaan participants among these NIKs, from the branch's lists. One query.

    `own` maps the NIKs this funder itself covers to their KPJ: the branch's list holds the funder's own members
    too, and a member is not "covered elsewhere" by the cover the funder pays (a row for that NIK with the same
    KPJ, or with none, is the funder's own; a row with another KPJ is cover from somewhere else)."""
    own = own or {}
    found: dict[str, rules.Coverage] = {}
    rows = ExistingParticipant.objects.filter(nik__among=set(niks), status=ExistingParticipant.Status.ACTIVE)
    for nik, kpj, segment in rows.values_list("nik", "kpj", "segment"):
        if nik in own and (not kpj or kpj == own[nik]):
            continue
        label = _("KPJ %(kpj)s") % {"kpj": kpj} if kpj else _("terdaftar")
        if segment:
            label = f"{label}, {segment}"
        found[nik] = rules.Coverage(source=rules.COVERAGE_BPJS, label=label)
    return found


def documents_to_prepare(*, programme: Programme) -> list[tuple[str, str]]:
    """What an applicant of `programme` must bring, from its current rules: ("Semua pemohon", "Foto KTP, Kartu
    Keluarga"), then each group of sectors that needs more ("Nelayan, Petani": "Bukti sektor ..."). Sectors with
    the same extra documents are named together; the rules' own order of document kinds is kept."""
    version = rule_version_current(programme=programme)
    documents: Mapping[str, Iterable[str]] = (
        version.required_documents if version is not None else DEFAULT_REQUIRED_DOCUMENTS
    )
    names = {kind.value: str(kind.label) for kind in DocumentKind}

    def listed(kinds: Iterable[str]) -> str:
        wanted = set(kinds)
        return ", ".join(names[kind] for kind in names if kind in wanted)

    rows: list[tuple[str, str]] = []
    everyone = listed(documents.get(rules.ALL_SECTORS, ()))
    if everyone:
        rows.append((_("Semua pemohon"), everyone))
    sector_names_now = sector_names()
    groups: dict[str, list[str]] = {}
    for code, kinds in documents.items():
        if code == rules.ALL_SECTORS or not listed(kinds):
            continue
        if version is not None and version.eligible_sectors and code not in version.eligible_sectors:
            continue
        groups.setdefault(listed(kinds), []).append(sector_names_now.get(code, code))
    for what, sectors in sorted(groups.items(), key=lambda item: sorted(item[1])[0]):
        rows.append((", ".join(sorted(sectors)), what))
    return rows
