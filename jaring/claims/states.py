"""The claim state machine (claims-api.md): every state and every named transition, in one place.

A family's report from the public form waits as `reported` until an officer takes it up; a report by an officer
or a partner system starts at `documents_incomplete`, where papers are gathered (the list of what is missing is
the case's, not a state). Complete and covered, it is sent to BPJS; BPJS pays, refuses, or asks for more.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jaring.core.errors import Conflict


class ClaimStatus(models.TextChoices):
    REPORTED = "reported", _("Dilaporkan")
    DOCUMENTS_INCOMPLETE = "documents_incomplete", _("Dokumen belum lengkap")
    SUBMITTED_TO_BPJS = "submitted_to_bpjs", _("Diajukan ke BPJS")
    PAID = "paid", _("Dibayar BPJS")
    REJECTED = "rejected", _("Ditolak")
    WITHDRAWN = "withdrawn", _("Dibatalkan")


S = ClaimStatus

OPEN_STATUSES: frozenset[str] = frozenset({S.REPORTED, S.DOCUMENTS_INCOMPLETE, S.SUBMITTED_TO_BPJS})
# A case still being prepared by the office: documents may be added, heirs corrected.
PREPARING: frozenset[str] = frozenset({S.REPORTED, S.DOCUMENTS_INCOMPLETE})


class ClaimTransition(models.TextChoices):
    TAKE_UP = "take_up", _("Terima laporan keluarga")
    SUBMIT = "submit", _("Ajukan ke BPJS")
    RETURN = "return", _("BPJS meminta kelengkapan")
    RECORD_PAYMENT = "record_payment", _("Catat pembayaran BPJS")
    REJECT = "reject", _("Tolak")
    WITHDRAW = "withdraw", _("Batalkan")


T = ClaimTransition

# transition -> (states it may start from, state it ends in)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    T.TAKE_UP: (frozenset({S.REPORTED}), S.DOCUMENTS_INCOMPLETE),
    T.SUBMIT: (frozenset({S.DOCUMENTS_INCOMPLETE}), S.SUBMITTED_TO_BPJS),
    T.RETURN: (frozenset({S.SUBMITTED_TO_BPJS}), S.DOCUMENTS_INCOMPLETE),
    T.RECORD_PAYMENT: (frozenset({S.SUBMITTED_TO_BPJS}), S.PAID),
    T.REJECT: (frozenset(OPEN_STATUSES), S.REJECTED),
    T.WITHDRAW: (frozenset(PREPARING), S.WITHDRAWN),
}


class InvalidClaimTransition(Conflict):
    pass


def next_claim_status(current: str, transition: str) -> str:
    """The state `transition` leads to from `current`, or InvalidClaimTransition with a readable reason."""
    try:
        sources, target = TRANSITIONS[transition]
    except KeyError:
        raise InvalidClaimTransition(_("Tindakan tidak dikenal: %(t)s.") % {"t": transition}) from None
    if current not in sources:
        raise InvalidClaimTransition(
            _("Tindakan “%(action)s” tidak dapat dilakukan pada klaim berstatus “%(status)s”.")
            % {"status": S(current).label, "action": T(transition).label}
        )
    return target


def transitions_from(current: str) -> list[str]:
    return [t for t, (sources, _target) in TRANSITIONS.items() if current in sources]
