"""Writes with rules about programmes: routing, deadlines and the list of rejection reasons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.models import User
from jaring.core.services import audit_record
from jaring.programmes.models import BudgetSource, ContributionRate, Programme, RejectionReason, WaitlistKey
from jaring.programmes.money import NoRates, monthly_contribution, thousands
from jaring.programmes.selectors import contribution_brackets

# A starting list of reasons, drawn from the eligibility rules (domicile, income, already a participant, wage
# earner) and the routine ones (identity mismatch, death); not taken from agencies' letters. A programme edits its
# own copy.
DEFAULT_REJECTION_REASONS: tuple[str, ...] = (
    "Tidak bekerja di sektor yang dinyatakan",
    "Tidak berdomisili di alamat KTP",
    "Data identitas tidak sesuai dengan dokumen kependudukan",
    "Sudah menjadi peserta BPJS Ketenagakerjaan",
    "Penghasilan di atas batas yang ditetapkan",
    "Pekerja penerima upah (memiliki pemberi kerja)",
    "Meninggal dunia",
    "Lainnya (lihat catatan)",
)


def rejection_reasons_seed(*, programme: Programme, actor: Actor | User) -> int:
    """Give a programme without reasons the default list. Returns how many were added."""
    if RejectionReason.objects.filter(programme=programme).exists():
        return 0
    RejectionReason.objects.bulk_create(
        RejectionReason(programme=programme, label=label, position=i)
        for i, label in enumerate(DEFAULT_REJECTION_REASONS)
    )
    audit_record(
        actor=actor,
        action="programme.rejection_reasons_seed",
        target=programme,
        data={"count": len(DEFAULT_REJECTION_REASONS)},
    )
    return len(DEFAULT_REJECTION_REASONS)


def rejection_reason_add(*, programme: Programme, label: str, actor: Actor | User) -> RejectionReason:
    label = " ".join(label.split())
    if not label:
        raise DomainError(_("Alasan penolakan wajib diisi."), field="label")
    if len(label) > 200:
        raise DomainError(_("Alasan penolakan paling banyak 200 karakter."), field="label")
    with transaction.atomic():
        existing = RejectionReason.objects.select_for_update().filter(programme=programme, label__iexact=label).first()
        if existing is not None:
            if existing.active:
                raise DomainError(_("Alasan “%(label)s” sudah ada.") % {"label": label}, field="label")
            existing.active = True
            existing.save(update_fields=["active"])
            reason = existing
        else:
            last = RejectionReason.objects.filter(programme=programme).order_by("-position").first()
            reason = RejectionReason.objects.create(
                programme=programme, label=label, position=(last.position + 1) if last else 0
            )
        audit_record(
            actor=actor,
            action="programme.rejection_reason_add",
            target=programme,
            data={"reason": reason.pk, "label": label},
        )
    return reason


def rejection_reason_retire(*, reason: RejectionReason, actor: Actor | User) -> RejectionReason:
    """Withdraw a reason from the list. Past decisions keep it, so it is never deleted."""
    with transaction.atomic():
        reason.active = False
        reason.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="programme.rejection_reason_retire",
            target=reason.programme,
            data={"reason": reason.pk, "label": reason.label},
        )
    return reason


def programme_verification_days_set(*, programme: Programme, days: int, actor: Actor | User) -> Programme:
    """Working days agencies get from now on. Applications already queued keep the deadline they were given."""
    if not 1 <= days <= 60:
        raise DomainError(_("Batas waktu verifikasi harus antara 1 dan 60 hari kerja."), field="verification_days")
    with transaction.atomic():
        before = programme.verification_days
        programme.verification_days = days
        programme.save(update_fields=["verification_days"])
        audit_record(
            actor=actor, action="programme.verification_days_set", target=programme, data={"from": before, "to": days}
        )
    return programme


# -- money settings and the contribution table (issue 5) ------------------------------------------------------

SETTINGS_FIELDS = ("jht", "income_basis", "budget", "budget_source", "budget_line", "waitlist_order")
BUDGET_MAX = 10**15  # far above any regional budget; keeps a typo of extra zeros out of the figures
INCOME_BASIS_MAX = Decimal("1000000000")


class _Refused(Exception):
    """A setting that cannot be stored, with the message that says why."""


def _settings_cleaned(programme: Programme, fields: dict[str, Any]) -> dict[str, Any]:
    """The settings as they will be stored, or DomainError naming every field that is wrong."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"unknown programme settings: {sorted(unknown)}")
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in SETTINGS_FIELDS:
        if name not in fields:
            continue
        try:
            cleaned[name] = SETTING_CLEANERS[name](programme, fields[name])
        except _Refused as refused:
            errors[name] = [str(refused)]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, field=next(iter(errors)), errors=errors)
    return cleaned


def _jht(programme: Programme, value: Any) -> bool:
    return bool(value)


def _income_basis(programme: Programme, value: Any) -> Decimal:
    try:
        basis = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        basis = Decimal("NaN")
    if not basis.is_finite() or basis <= 0 or basis > INCOME_BASIS_MAX:
        raise _Refused(_("Dasar penghasilan harus lebih dari Rp0 dan paling besar Rp1.000.000.000."))
    try:
        monthly_contribution(basis, contribution_brackets(), programme.cover_start)
    except NoRates:
        raise _Refused(
            _("Belum ada tabel iuran yang berlaku pada %(date)s; isi tabel iuran terlebih dahulu.")
            % {"date": programme.cover_start.strftime("%d-%m-%Y")}
        ) from None
    return basis.quantize(Decimal("0.01"))


def _budget(programme: Programme, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= BUDGET_MAX:
        raise _Refused(_("Anggaran harus berupa rupiah bulat, tidak negatif."))
    return value


def _budget_source(programme: Programme, value: Any) -> str:
    if value not in BudgetSource.values:
        raise _Refused(_("Pilih sumber anggaran dari daftar."))
    return str(value)


def _budget_line(programme: Programme, value: Any) -> str:
    line = " ".join(str(value or "").split())
    if len(line) > 120:
        raise _Refused(_("Kode rekening paling banyak 120 karakter."))
    return line


def _waitlist_order(programme: Programme, value: Any) -> list[str]:
    order = [str(key) for key in value or []]
    if any(key not in WaitlistKey.values for key in order):
        raise _Refused(_("Urutan daftar tunggu memuat kunci yang tidak dikenal."))
    if len(set(order)) != len(order):
        raise _Refused(_("Setiap kunci urutan daftar tunggu hanya boleh dipilih sekali."))
    return order


# How each setting is checked and normalised before it is stored.
SETTING_CLEANERS: dict[str, Callable[[Programme, Any], Any]] = {
    "jht": _jht,
    "income_basis": _income_basis,
    "budget": _budget,
    "budget_source": _budget_source,
    "budget_line": _budget_line,
    "waitlist_order": _waitlist_order,
}


def programme_settings_set(*, programme: Programme, actor: Actor | User, **fields: Any) -> Programme:
    """Change a programme's money settings (JHT, income basis, budget and its source and line) and the order of
    its waitlist. Only the fields given change; the audit record keeps each changed field's before and after."""
    cleaned = _settings_cleaned(programme, fields)
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        changes = {
            name: {"from": getattr(locked, name), "to": value}
            for name, value in cleaned.items()
            if getattr(locked, name) != value
        }
        if changes:
            for name in changes:
                setattr(locked, name, cleaned[name])
            locked.save(update_fields=list(changes))
            audit_record(actor=actor, action="programme.settings_set", target=locked, data=changes)
    programme.refresh_from_db()
    return programme


# The one bracket every Kaltim scheme registers at (DOMAIN.md, Contributions); migration 0003 seeds it too.
LOWEST_BRACKET_FROM = date(2015, 7, 1)
LOWEST_BRACKET_BOUND = Decimal("1000000")


def contribution_rate_seed(*, actor: Actor) -> ContributionRate:
    """The lowest bracket of the contribution table, when it is missing (the migration seeds it; a flushed or
    restored database, the demo and the tests call this). Idempotent; an existing row is never changed."""
    existing = ContributionRate.objects.filter(
        effective_from=LOWEST_BRACKET_FROM, lower_bound=LOWEST_BRACKET_BOUND
    ).first()
    return existing or contribution_rate_add(
        effective_from=LOWEST_BRACKET_FROM,
        lower_bound=LOWEST_BRACKET_BOUND,
        income_basis=Decimal("1000000"),
        jkk_rate=Decimal("0.0100"),
        jkm_amount=Decimal("6800"),
        legal_basis="PP 44/2015 Lampiran II (BPU), sebagaimana diubah PP 82/2019",
        actor=actor,
    )


def contribution_rate_add(
    *,
    effective_from: date,
    lower_bound: Decimal,
    income_basis: Decimal,
    jkk_rate: Decimal,
    jkm_amount: Decimal,
    legal_basis: str,
    actor: Actor | User,
) -> ContributionRate:
    """Add one row to the BPU contribution table. Rows are never edited: a new regulation adds rows with its
    own effective date, and the table in force on a date is the newest one on or before it. The table is
    national and shared by every funder, so only the system operator (not a funder's administrator) adds rows."""
    Actor.of(actor).require_operator(
        _("Tabel iuran berlaku nasional; hanya administrator sistem yang dapat mengubahnya.")
    )
    errors: dict[str, list[str]] = {}
    if not lower_bound.is_finite() or lower_bound < 0 or lower_bound > INCOME_BASIS_MAX:
        errors["lower_bound"] = [_("Batas bawah penghasilan tidak boleh negatif.")]
    if not income_basis.is_finite() or income_basis <= 0 or income_basis > INCOME_BASIS_MAX:
        errors["income_basis"] = [_("Dasar penghasilan harus lebih dari Rp0.")]
    if not jkk_rate.is_finite() or not Decimal("0") < jkk_rate < Decimal("1"):
        errors["jkk_rate"] = [_("Tarif JKK harus lebih dari 0 dan kurang dari 1 (misalnya 0,01 untuk 1%).")]
    if not jkm_amount.is_finite() or jkm_amount < 0 or jkm_amount > INCOME_BASIS_MAX:
        errors["jkm_amount"] = [_("Iuran JKM tidak boleh negatif.")]
    legal_basis = " ".join(legal_basis.split())
    if len(legal_basis) > 200:
        errors["legal_basis"] = [_("Dasar hukum paling banyak 200 karakter.")]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, field=next(iter(errors)), errors=errors)
    with transaction.atomic():
        if ContributionRate.objects.filter(effective_from=effective_from, lower_bound=lower_bound).exists():
            raise DomainError(
                _("Tabel yang berlaku sejak %(date)s sudah punya baris untuk penghasilan mulai Rp%(bound)s.")
                % {"date": effective_from.strftime("%d-%m-%Y"), "bound": thousands(lower_bound)},
                field="lower_bound",
            )
        rate = ContributionRate.objects.create(
            effective_from=effective_from,
            lower_bound=lower_bound.quantize(Decimal("0.01")),
            income_basis=income_basis.quantize(Decimal("0.01")),
            jkk_rate=jkk_rate.quantize(Decimal("0.0001")),
            jkm_amount=jkm_amount.quantize(Decimal("0.01")),
            legal_basis=legal_basis,
        )
        audit_record(
            actor=actor,
            action="programme.contribution_rate_add",
            target=rate,
            data={
                "effective_from": effective_from.isoformat(),
                "lower_bound": str(rate.lower_bound),
                "income_basis": str(rate.income_basis),
                "jkk_rate": str(rate.jkk_rate),
                "jkm_amount": str(rate.jkm_amount),
                "legal_basis": legal_basis,
            },
        )
    return rate
