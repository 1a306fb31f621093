"""The application state machine: every state and every named transition, in one place.

Later parts of the system (verification, allocation, enrolment) add their transitions here,
so the whole life of an application can be read from this file.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.errors import Conflict


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    NOT_ELIGIBLE = "not_eligible", _("Tidak memenuhi syarat")
    AWAITING_VERIFICATION = "awaiting_verification", _("Menunggu verifikasi")
    RETURNED = "returned", _("Dikembalikan untuk perbaikan")
    REJECTED = "rejected", _("Ditolak")
    APPROVED = "approved", _("Disetujui")
    WAITLISTED = "waitlisted", _("Daftar tunggu")
    ENROLLED = "enrolled", _("Terdaftar di BPJS")
    WITHDRAWN = "withdrawn", _("Dibatalkan")


S = ApplicationStatus

# A person may hold at most one application per programme in these states.
OPEN_STATUSES: frozenset[str] = frozenset(
    {S.DRAFT, S.SUBMITTED, S.AWAITING_VERIFICATION, S.RETURNED, S.APPROVED, S.WAITLISTED, S.ENROLLED}
)
CLOSED_STATUSES: frozenset[str] = frozenset(set(S.values) - OPEN_STATUSES)


class Transition(models.TextChoices):
    SUBMIT = "submit", _("Ajukan")
    FIND_NOT_ELIGIBLE = "find_not_eligible", _("Nyatakan tidak memenuhi syarat")
    SEND_TO_VERIFICATION = "send_to_verification", _("Kirim ke verifikasi")
    RETURN_FOR_CORRECTION = "return_for_correction", _("Kembalikan untuk perbaikan")
    RESUBMIT = "resubmit", _("Ajukan ulang setelah perbaikan")
    REJECT = "reject", _("Tolak")
    APPROVE = "approve", _("Setujui")
    WAITLIST = "waitlist", _("Masukkan ke daftar tunggu")
    ADMIT_FROM_WAITLIST = "admit_from_waitlist", _("Terima dari daftar tunggu")
    ENROL = "enrol", _("Catat terdaftar di BPJS")
    WITHDRAW = "withdraw", _("Batalkan")
    REEVALUATE = "reevaluate", _("Nilai ulang syarat")


T = Transition

# transition -> (states it may start from, state it ends in)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    T.SUBMIT: (frozenset({S.DRAFT}), S.SUBMITTED),
    T.FIND_NOT_ELIGIBLE: (frozenset({S.SUBMITTED, S.AWAITING_VERIFICATION, S.RETURNED}), S.NOT_ELIGIBLE),
    T.SEND_TO_VERIFICATION: (frozenset({S.SUBMITTED}), S.AWAITING_VERIFICATION),
    T.RETURN_FOR_CORRECTION: (frozenset({S.SUBMITTED, S.AWAITING_VERIFICATION}), S.RETURNED),
    T.RESUBMIT: (frozenset({S.RETURNED}), S.SUBMITTED),
    T.REJECT: (frozenset({S.SUBMITTED, S.AWAITING_VERIFICATION}), S.REJECTED),
    T.APPROVE: (frozenset({S.AWAITING_VERIFICATION}), S.APPROVED),
    T.WAITLIST: (frozenset({S.AWAITING_VERIFICATION, S.APPROVED}), S.WAITLISTED),
    T.ADMIT_FROM_WAITLIST: (frozenset({S.WAITLISTED}), S.APPROVED),
    T.ENROL: (frozenset({S.APPROVED}), S.ENROLLED),
    T.WITHDRAW: (frozenset(OPEN_STATUSES), S.WITHDRAWN),
    # A rule change can make a not-eligible application eligible again, and the reverse.
    T.REEVALUATE: (frozenset({S.NOT_ELIGIBLE}), S.SUBMITTED),
}


class InvalidTransition(Conflict):
    pass


def next_status(current: str, transition: str) -> str:
    """The state `transition` leads to from `current`, or InvalidTransition with a readable reason."""
    try:
        sources, target = TRANSITIONS[transition]
    except KeyError:
        raise InvalidTransition(_("Tindakan tidak dikenal: %(t)s.") % {"t": transition}) from None
    if current not in sources:
        raise InvalidTransition(
            _("Tindakan “%(action)s” tidak dapat dilakukan pada pendaftaran berstatus “%(status)s”.")
            % {"status": S(current).label, "action": Transition(transition).label}
        )
    return target
