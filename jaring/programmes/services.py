"""Writes with rules about programmes: routing, deadlines and the list of rejection reasons."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from jaring.core.errors import DomainError
from jaring.core.models import User
from jaring.core.services import audit_record
from jaring.programmes.models import Programme, RejectionReason

# Reasons agencies gave in the letters they sent back in 2024-2025; a programme edits its own copy.
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


def rejection_reasons_seed(*, programme: Programme, actor: User | str | None) -> int:
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


def rejection_reason_add(*, programme: Programme, label: str, actor: User | str | None) -> RejectionReason:
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


def rejection_reason_retire(*, reason: RejectionReason, actor: User | str | None) -> RejectionReason:
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


def programme_verification_days_set(*, programme: Programme, days: int, actor: User | str | None) -> Programme:
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
