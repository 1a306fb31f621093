"""Writes of a case on its way to BPJS and back: taken up, sent (complete and covered), returned for more,
paid, refused, withdrawn; and the hand-over of a paid benefit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jaring.claims import rules
from jaring.claims.models import DEATH_KINDS, Claim, ClaimKind
from jaring.claims.selectors import documents_missing, missing_labels, rates_of
from jaring.claims.services import NAME_MAX, REASON_MAX, check_claim, clean_text, lock_claim, refuse
from jaring.claims.states import ClaimStatus, ClaimTransition, next_claim_status
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.selectors import holidays_between
from jaring.core.services import audit_record

S = ClaimStatus
T = ClaimTransition


def _move(
    claim: Claim, transition: str, *, actor: Actor | User, reason: str = "", data: dict[str, Any] | None = None
) -> None:
    """Change the locked case's status by a named transition, and record it."""
    before = claim.status
    claim.status = next_claim_status(before, transition)
    claim.status_reason = reason
    claim.status_changed_at = clock.now()
    audit_record(
        actor=actor,
        action=f"claim.{transition}",
        target=claim,
        data={"from": before, "to": claim.status, "reason": reason, **(data or {})},
    )


def _reason(text: str, *, field: str = "reason") -> str:
    reason = clean_text(text, REASON_MAX)
    if not reason:
        raise DomainError(_("Tuliskan alasannya."), field=field)
    return reason


def claim_take_up(*, claim: Claim, actor: Actor | User) -> Claim:
    """An officer takes up a family's report from the public form: the case starts gathering documents."""
    check_claim(actor, claim, Capability.HANDLE_CLAIMS)
    with transaction.atomic():
        locked = lock_claim(claim)
        _move(locked, T.TAKE_UP, actor=actor)
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
    claim.refresh_from_db()
    return claim


def claim_submit(*, claim: Claim, actor: Actor | User) -> Claim:
    """Send a complete case to BPJS. Refused while the member was not covered, a document or (for a death) an
    heir is missing, or a JKK right has lapsed. A JKM claim must then be paid within the table's working days."""
    check_claim(actor, claim, Capability.HANDLE_CLAIMS)
    today = clock.today()
    with transaction.atomic():
        locked = lock_claim(claim)
        next_claim_status(locked.status, T.SUBMIT)  # the state comes first: a paid case is not "incomplete"
        if not locked.covered:
            raise DomainError(
                _("Klaim tidak dapat diajukan: %(reason)s") % {"reason": locked.coverage_reason}, field="covered"
            )
        if locked.jkk_lapses_on is not None and today > locked.jkk_lapses_on:
            raise DomainError(
                _("Hak klaim JKK sudah gugur pada %(day)s (5 tahun sesudah kecelakaan).")
                % {"day": rules.day_text(locked.jkk_lapses_on)},
                field="event_date",
            )
        if locked.kind in DEATH_KINDS and not locked.heirs.exists():
            raise DomainError(_("Isi ahli waris lebih dahulu."), field="heirs")
        missing = documents_missing(locked)
        if missing:
            raise DomainError(
                _("Dokumen belum lengkap: %(kinds)s.") % {"kinds": ", ".join(missing_labels(missing))},
                field="documents",
            )
        _move(locked, T.SUBMIT, actor=actor)
        locked.submitted_at = clock.now()
        if locked.kind == ClaimKind.JKM and locked.benefit_table is not None:
            rates = rates_of(locked.benefit_table)
            holidays = holidays_between(today, today + timedelta(days=31))
            locked.bpjs_pays_by = rules.bpjs_pays_by(today, rates, holidays)
        locked.save(update_fields=["status", "status_reason", "status_changed_at", "submitted_at", "bpjs_pays_by"])
    claim.refresh_from_db()
    return claim


def claim_return(*, claim: Claim, reason: str, actor: Actor | User) -> Claim:
    """BPJS asks for more before it pays: the case gathers documents again; its payment clock stops."""
    check_claim(actor, claim, Capability.HANDLE_CLAIMS)
    reason = _reason(reason)
    with transaction.atomic():
        locked = lock_claim(claim)
        _move(locked, T.RETURN, actor=actor, reason=reason)
        locked.bpjs_pays_by = None
        locked.save(update_fields=["status", "status_reason", "status_changed_at", "bpjs_pays_by"])
    claim.refresh_from_db()
    return claim


def claim_record_payment(
    *, claim: Claim, amount: int, paid_on: date, actor: Actor | User, reference: str = ""
) -> Claim:
    """What BPJS paid and when."""
    check_claim(actor, claim, Capability.HANDLE_CLAIMS)
    if amount <= 0:
        raise DomainError(_("Jumlah yang dibayar BPJS harus lebih dari nol."), field="amount")
    if paid_on > clock.today():
        raise DomainError(_("Tanggal dibayar tidak boleh di masa depan."), field="paid_on")
    with transaction.atomic():
        locked = lock_claim(claim)
        if locked.submitted_at is not None and paid_on < clock.localdate(locked.submitted_at):
            raise DomainError(_("Tanggal dibayar tidak boleh sebelum klaim diajukan ke BPJS."), field="paid_on")
        _move(
            locked, T.RECORD_PAYMENT, actor=actor, data={"amount": amount, "paid_on": paid_on, "reference": reference}
        )
        locked.paid_amount = amount
        locked.paid_on = paid_on
        locked.bpjs_reference = clean_text(reference, 60)
        locked.save(
            update_fields=["status", "status_reason", "status_changed_at", "paid_amount", "paid_on", "bpjs_reference"]
        )
    claim.refresh_from_db()
    return claim


def claim_reject(*, claim: Claim, reason: str, actor: Actor | User) -> Claim:
    """Refused (by BPJS, or by the office: not a member's event, the right lapsed), with the reason."""
    check_claim(actor, claim, Capability.HANDLE_CLAIMS)
    reason = _reason(reason)
    with transaction.atomic():
        locked = lock_claim(claim)
        _move(locked, T.REJECT, actor=actor, reason=reason)
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
    claim.refresh_from_db()
    return claim


def claim_withdraw(*, claim: Claim, reason: str, actor: Actor | User) -> Claim:
    """Withdrawn before it went to BPJS (reported by mistake, the family chose otherwise). A membership the case
    ended stays ended: a death certificate was on file."""
    check_claim(actor, claim, Capability.HANDLE_CLAIMS, Capability.REPORT_CLAIMS)
    reason = _reason(reason)
    with transaction.atomic():
        locked = lock_claim(claim)
        _move(locked, T.WITHDRAW, actor=actor, reason=reason)
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
    claim.refresh_from_db()
    return claim


@dataclass(frozen=True)
class Handover:
    handed_on: date
    place: str  # "Balai Kota Balikpapan"
    handed_by: str  # "Wali Kota Balikpapan"
    received_by: str  # the heir, as they signed
    note: str = ""


def claim_hand_over(*, claim: Claim, handover: Handover, actor: Actor | User) -> Claim:
    """Record the hand-over of a paid benefit to the heirs (or the member), often at a ceremony. Once."""
    check_claim(actor, claim, Capability.HANDLE_CLAIMS)
    errors: dict[str, list[str]] = {}
    if not clean_text(handover.place, 200):
        errors["place"] = [_("Tempat penyerahan wajib diisi.")]
    if not clean_text(handover.handed_by, NAME_MAX):
        errors["handed_by"] = [_("Nama pejabat atau petugas yang menyerahkan wajib diisi.")]
    if not clean_text(handover.received_by, NAME_MAX):
        errors["received_by"] = [_("Nama penerima wajib diisi.")]
    if handover.handed_on > clock.today():
        errors["handed_on"] = [_("Tanggal penyerahan tidak boleh di masa depan.")]
    if errors:
        raise refuse(errors)
    with transaction.atomic():
        locked = lock_claim(claim)
        if locked.status != S.PAID:
            raise Conflict(_("Hanya manfaat yang sudah dibayar BPJS yang dapat diserahkan."))
        if locked.handed_on is not None:
            raise Conflict(
                _("Penyerahan klaim ini sudah dicatat pada %(day)s.") % {"day": rules.day_text(locked.handed_on)}
            )
        if locked.paid_on is not None and handover.handed_on < locked.paid_on:
            raise DomainError(_("Tanggal penyerahan tidak boleh sebelum BPJS membayar."), field="handed_on")
        locked.handed_on = handover.handed_on
        locked.handed_at_place = clean_text(handover.place, 200)
        locked.handed_by = clean_text(handover.handed_by, NAME_MAX)
        locked.received_by = clean_text(handover.received_by, NAME_MAX)
        locked.handover_note = clean_text(handover.note, REASON_MAX)
        locked.save(update_fields=["handed_on", "handed_at_place", "handed_by", "received_by", "handover_note"])
        audit_record(
            actor=actor,
            action="claim.hand_over",
            target=locked,
            data={"on": handover.handed_on, "place": locked.handed_at_place, "by": locked.handed_by},
        )
    claim.refresh_from_db()
    return claim
