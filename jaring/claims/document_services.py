"""Writes of a case's documents: each checked by its bytes as an application's are, a newer one of a kind
superseding the older; the death certificate of a death case ends the member's membership, once."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from jaring.allocation.models import EndReason
from jaring.claims import rules
from jaring.claims.models import DEATH_KINDS, Claim, ClaimDocument, ClaimDocumentKind, ScholarshipChild
from jaring.claims.services import check_claim, lock_claim
from jaring.claims.states import OPEN_STATUSES, ClaimStatus
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.services import audit_record
from jaring.enrolment.models import Membership
from jaring.enrolment.services import membership_end
from jaring.registry.documents import sniff
from jaring.registry.services import Upload

S = ClaimStatus


def claim_document_add(
    *, claim: Claim, upload: Upload, actor: Actor | User, child: ScholarshipChild | None = None
) -> ClaimDocument:
    """Store one document of the case, checked by its bytes as an application's are (JPEG, PNG or PDF within the
    size limit; a PDF with scripts or automatic actions refused). A proof of schooling belongs to one child. The
    death certificate of a death case ends the member's membership (died, on the event date), once."""
    check_claim(actor, claim, Capability.HANDLE_CLAIMS, Capability.REPORT_CLAIMS)
    if upload.kind not in ClaimDocumentKind.values:
        raise DomainError(_("Jenis dokumen tidak dikenal."), field="kind")
    schooling = upload.kind == ClaimDocumentKind.BUKTI_SEKOLAH
    if schooling and (child is None or child.claim_id != claim.pk):
        raise DomainError(_("Pilih anak yang bukti sekolahnya diunggah."), field="child")
    if not schooling:
        child = None
    sniffed = sniff(upload.content, max_bytes=settings.UPLOAD_MAX_BYTES)
    if sniffed.content_type is None:
        raise DomainError(
            _("%(kind)s: %(problem)s") % {"kind": ClaimDocumentKind(upload.kind).label, "problem": sniffed.problem},
            field="file",
        )
    digest = hashlib.sha256(upload.content).hexdigest()
    with transaction.atomic():
        locked = lock_claim(claim)
        allowed = {S.SUBMITTED_TO_BPJS, S.PAID} if schooling else OPEN_STATUSES
        if locked.status not in allowed:
            raise Conflict(
                _("Klaim berstatus “%(status)s” tidak dapat diberi dokumen ini.")
                % {"status": locked.get_status_display()}
            )
        now = clock.now()
        superseded = ClaimDocument.objects.filter(claim=locked, kind=upload.kind, child=child, superseded_at=None)
        replaced = list(superseded.values_list("pk", flat=True))
        superseded.update(superseded_at=now)
        document = ClaimDocument(
            claim=locked,
            kind=upload.kind,
            child=child,
            sha256=digest,
            size=len(upload.content),
            content_type=sniffed.content_type,
            original_name=upload.name[-200:],
            uploaded_by=Actor.of(actor).user,
            uploaded_by_label=Actor.of(actor).label,
        )
        name = f"documents/{digest[:2]}/{digest}{document.extension}"
        if document.file.storage.exists(name):
            document.file.name = name  # the same bytes are stored already: keep one copy
        else:
            document.file.save(name, ContentFile(upload.content), save=False)
        document.save()
        audit_record(
            actor=actor,
            action="claim.document_add",
            target=locked,
            data={"kind": upload.kind, "sha256": digest, "size": len(upload.content), "replaces": replaced},
        )
        if upload.kind == ClaimDocumentKind.AKTA_KEMATIAN:
            _end_membership_for_death(locked, actor=actor)
    return document


def _end_membership_for_death(claim: Claim, *, actor: Actor | User) -> list[Membership]:
    """End every membership of the member still running on the event date (reason died, effective that day;
    cover runs to the end of that month), which frees the places for the waitlists. Once per case, and never
    for a membership ended already (by another case, or by hand)."""
    if claim.kind not in DEATH_KINDS:
        return []
    if not Claim.objects.filter(pk=claim.pk, membership_ended_at=None).update(membership_ended_at=clock.now()):
        return []
    # The enrolment services check an officer's BPJS-exchange capability; here the case is the authority (the
    # reporting or handling officer was checked above), so the system acts as the case, which names the officer.
    acting = Actor.system(f"klaim {claim.number} ({Actor.of(actor).label})")
    note = _("Meninggal dunia %(day)s; klaim %(number)s, akta kematian diunggah.") % {
        "day": rules.day_text(claim.event_date),
        "number": claim.number,
    }
    ended = []
    running = Membership.objects.filter(person_id=claim.person_id, ends__gte=claim.event_date).exclude(
        status=Membership.Status.ENDED
    )
    for membership in running.order_by("starts", "pk"):
        effective = max(claim.event_date, membership.starts)
        membership_end(membership=membership, reason=EndReason.DIED, effective=effective, actor=acting, note=note)
        ended.append(membership)
    audit_record(
        actor=actor,
        action="claim.membership_end",
        target=claim,
        data={"memberships": [f"{m.programme.code}:{m.kpj}" for m in ended]},
    )
    return ended
