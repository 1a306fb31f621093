"""Enrolment with BPJS: batches of approved places, the branch's answer, the membership lifecycle, card tokens
and the yearly re-verification campaign. Every change is audited; membership changes are also events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.allocation.models import EndReason, Place
from jaring.allocation.services import place_end
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.bulk import bulk_insert
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import Agency, Job, User
from jaring.core.permissions import Capability
from jaring.core.services import audit_record, audit_records_many, job_progress, job_start
from jaring.eligibility.models import RuleVersion
from jaring.eligibility.selectors import income_ceiling_of
from jaring.eligibility.services import rule_version_ensure
from jaring.enrolment.columns import DEFAULT_COLUMNS, row_of
from jaring.enrolment.models import (
    Batch,
    BatchMember,
    Card,
    ColumnTemplate,
    Membership,
    MembershipEvent,
    ReverificationCampaign,
)
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programme_routes, refuse_unless_bpjs
from jaring.registry.assessment import (
    assessments_of,
    enter_queue,
    queue_due,
    reason_text,
    routing_for,
    status_after,
    stored_outcomes,
)
from jaring.registry.models import Application, Channel
from jaring.registry.services import application_numbers_reserve
from jaring.registry.states import ApplicationStatus, Transition, next_status

S = ApplicationStatus
CARD_SALT = "jaring.enrolment.card"


def check_may_exchange(actor: Actor | User, programme: Programme) -> None:
    """May `actor` exchange data with BPJS for `programme` (batches, answers, cards, the membership
    lifecycle)? PermissionDenied otherwise; NotForBpjs for a goods programme, whoever asks."""
    refuse_unless_bpjs(programme)
    Actor.of(actor).require(Capability.EXCHANGE_WITH_BPJS, programme=programme)


def _check_may_exchange_all(actor: Actor | User, programme_ids: set[int]) -> None:
    if not programme_ids:
        return
    for programme in Programme.objects.filter(pk__in=programme_ids):
        check_may_exchange(actor, programme)


# -- column template and batches --------------------------------------------------------------------------


def column_template_of(programme: Programme) -> list[str]:
    template = ColumnTemplate.objects.filter(programme=programme).first()
    return list(template.columns) if template else list(DEFAULT_COLUMNS)


def column_template_set(*, programme: Programme, columns: Sequence[str], actor: Actor | User) -> ColumnTemplate:
    from jaring.enrolment.columns import COLUMNS

    check_may_exchange(actor, programme)
    columns = list(dict.fromkeys(columns))
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise DomainError(_("Kolom tidak dikenal: %(cols)s.") % {"cols": ", ".join(unknown)}, field="columns")
    if "nik" not in columns:
        raise DomainError(_("Kolom NIK wajib ada: jawaban BPJS dicocokkan dengan NIK."), field="columns")
    with transaction.atomic():
        before = column_template_of(programme)
        template, _created = ColumnTemplate.objects.update_or_create(programme=programme, defaults={"columns": columns})
        audit_record(
            actor=actor, action="programme.batch_columns_set", target=programme, data={"from": before, "to": columns}
        )
    return template


def places_ready_for_batch(programme: Programme) -> QuerySet[Place]:
    """Active places of approved applications with no membership yet and in no open batch."""
    return (
        Place.objects.filter(programme=programme, status=Place.Status.ACTIVE, application__status=S.APPROVED)
        .filter(membership__isnull=True)
        .exclude(person__in=BatchMember.objects.filter(open=True).values("person"))
        .select_related(
            "person",
            "person__kelurahan__parent__parent__parent",
            "person__sector",
            "programme__funder",
            "application",
        )
        .order_by("person__kelurahan__name", "person__name", "pk")
    )


class BatchMadeMeanwhile(Conflict):
    """The officer saw fewer batches than there are now (a double click, or a colleague): none is made."""

    def __init__(self, batch: Batch) -> None:
        super().__init__(_("Batch %(number)s baru saja dibuat; batch kedua tidak dibuat.") % {"number": batch.number})
        self.batch = batch


def batch_create(
    *,
    programme: Programme,
    actor: Actor | User,
    place_ids: Sequence[int] | None = None,
    expected_batches: int | None = None,
) -> Batch:
    """Freeze the ready places (all, or those chosen) into a numbered batch for the BPJS branch. With
    `expected_batches` (how many batches the officer's page showed), BatchMadeMeanwhile when there are more by
    now: two clicks of one button make one batch."""
    check_may_exchange(actor, programme)
    with transaction.atomic():
        # The programme row is the lock: two clicks at once are decided one after the other.
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        if expected_batches is not None:
            made = Batch.objects.filter(programme=locked).order_by("-created_at", "-pk")
            latest = made.first()
            if latest is not None and made.count() != expected_batches:
                raise BatchMadeMeanwhile(latest)
        ready = places_ready_for_batch(locked)
        if place_ids is not None:
            ready = ready.filter(pk__in=list(place_ids))
        places = list(ready)
        if not places:
            raise DomainError(_("Tidak ada peserta yang siap didaftarkan ke BPJS."), field="places")
        columns = column_template_of(locked)
        count = Batch.objects.filter(programme=locked).count()
        batch = Batch.objects.create(
            programme=locked,
            number=f"{locked.code}-K{count + 1:03d}",
            columns=columns,
            created_by=Actor.of(actor).user,
        )
        try:
            BatchMember.objects.bulk_create(
                BatchMember(
                    batch=batch,
                    application=place.application,
                    person=place.person,
                    place=place,
                    position=i,
                    nik=place.person.nik,
                    row=[str(v) if not isinstance(v, int) else v for v in row_of(place, columns)],
                )
                for i, place in enumerate(places, start=1)
            )
        except IntegrityError:
            # Another batch took one of these people meanwhile (a double click): nothing is made.
            raise Conflict(_("Sebagian peserta baru saja dimasukkan ke batch lain. Muat ulang halaman.")) from None
        audit_record(
            actor=actor, action="batch.create", target=batch, data={"members": len(places), "columns": columns}
        )
    return batch


# -- the branch's answer -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    row_number: int
    nik: str
    accepted: bool
    kpj: str = ""
    reason: str = ""
    starts: date | None = None
    member_since: date | None = None  # first day as a BPJS participant at all, when the branch says


@dataclass
class AnswerResult:
    accepted: int = 0
    rejected: int = 0
    unchanged: int = 0  # answered the same way before: importing the same file twice changes nothing
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (row number, NIK) matching nobody
    conflicting: list[tuple[int, str]] = field(default_factory=list)  # answered differently before

    def as_dict(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "unchanged": self.unchanged,
            "unknown": len(self.unknown),
            "conflicting": len(self.conflicting),
        }


def batch_answers_apply(*, programme: Programme, answers: Sequence[Answer], actor: Actor | User) -> AnswerResult:
    """Apply the branch's answers (already checked row by row by the file reader). Accepted people become
    active members with their KPJ; rejected ones go back to the owning office with BPJS's reason; rows that
    match no one waiting are reported, never dropped; a row answered the same way before changes nothing.
    Set-based: the number of statements does not grow with the number of rows."""
    check_may_exchange(actor, programme)
    result = AnswerResult()
    now = clock.now()
    user = Actor.of(actor).user
    label = Actor.of(actor).name
    with transaction.atomic():
        niks = [a.nik for a in answers]
        waiting = {
            m.nik: m
            for m in BatchMember.objects.select_for_update(of=("self",))
            .filter(batch__programme=programme, open=True, nik__among=niks)
            .select_related("place", "application", "batch", "application__programme__funder")
        }
        answered = {
            m.nik: m
            for m in BatchMember.objects.filter(batch__programme=programme, open=False, nik__among=niks).order_by(
                "answered_at"
            )
        }
        records: list[tuple[str, Any, dict[str, object]]] = []
        batches: set[int] = set()
        members: list[BatchMember] = []
        memberships: list[Membership] = []
        enrolled: list[Application] = []
        rejected: list[Application] = []
        for answer in answers:
            member = waiting.pop(answer.nik, None)
            if member is None:
                before = answered.get(answer.nik)
                if before is None:
                    result.unknown.append((answer.row_number, answer.nik))
                elif (before.outcome == BatchMember.Outcome.ACCEPTED) == answer.accepted and (
                    not answer.accepted or before.kpj == answer.kpj
                ):
                    result.unchanged += 1
                else:
                    result.conflicting.append((answer.row_number, answer.nik))
                continue
            batches.add(member.batch_id)
            member.open = False
            member.answered_at = now
            member.reason = answer.reason[:300]
            application = member.application
            if answer.accepted:
                member.outcome = BatchMember.Outcome.ACCEPTED
                member.kpj = answer.kpj
                memberships.append(
                    _membership_of(member, kpj=answer.kpj, starts=answer.starts, member_since=answer.member_since)
                )
                to = next_status(application.status, Transition.ENROL)  # InvalidTransition if not approved
                records.append(
                    (
                        f"application.{Transition.ENROL}",
                        application,
                        {"from": application.status, "to": to, "reason": "", "kpj": answer.kpj},
                    )
                )
                application.status = to
                application.status_reason = ""
                application.status_changed_at = now
                enrolled.append(application)
                result.accepted += 1
            else:
                member.outcome = BatchMember.Outcome.REJECTED
                application.status_reason = _("Ditolak BPJS: %(reason)s") % {"reason": answer.reason or "-"}
                rejected.append(application)
                records.append(
                    ("application.bpjs_reject", application, {"reason": answer.reason, "batch": member.batch.number})
                )
                result.rejected += 1
            members.append(member)
        if enrolled:
            moved = Application.objects.filter(pk__in=[a.pk for a in enrolled], status=S.APPROVED).update(
                status=S.ENROLLED, status_reason="", status_changed_at=now
            )
            if moved != len(enrolled):  # changed meanwhile by someone else: apply nothing
                raise Conflict(_("Sebagian pendaftaran baru saja berubah status. Muat ulang lalu impor lagi."))
            created = Membership.objects.bulk_create(memberships)
            MembershipEvent.objects.bulk_create(
                MembershipEvent(
                    membership=membership,
                    from_status="",
                    to_status=Membership.Status.ACTIVE,
                    effective=membership.starts,
                    reason="bpjs_accepted",
                    note=_("KPJ %(kpj)s") % {"kpj": membership.kpj},
                    actor=user,
                    actor_label=label,
                )
                for membership in created
            )
        if rejected:
            Application.objects.bulk_update(rejected, ["status_reason"], batch_size=500)
        BatchMember.objects.bulk_update(members, ["open", "answered_at", "reason", "outcome", "kpj"], batch_size=500)
        audit_records_many(actor=actor, records=records)
        if batches:
            still_open = BatchMember.objects.filter(batch_id__in=batches, open=True).values("batch_id")
            Batch.objects.filter(pk__in=batches, status=Batch.Status.OPEN).exclude(pk__in=still_open).update(
                status=Batch.Status.CLOSED, closed_at=now
            )
        audit_record(actor=actor, action="programme.bpjs_answer", target=programme, data=result.as_dict())
    return result


def _membership_of(member: BatchMember, *, kpj: str, starts: date | None, member_since: date | None) -> Membership:
    place = member.place
    # Cover starts when BPJS says, but never before the place nor after it ends.
    begins = min(max(starts or place.starts, place.starts), place.ends)
    return Membership(
        # A participant at least since this cover began; earlier when the branch says so.
        bpjs_since=min(member_since, begins) if member_since is not None else begins,
        programme_id=place.programme_id,
        person_id=member.person_id,
        application=member.application,
        place=place,
        kpj=kpj,
        starts=begins,
        ends=place.ends,
        status_since=begins,
    )


# -- lifecycle ---------------------------------------------------------------------------------------------


def _event(membership: Membership, *, to: str, effective: date, reason: str, note: str, actor: Actor | User) -> None:
    MembershipEvent.objects.create(
        membership=membership,
        from_status=membership.status,
        to_status=to,
        effective=effective,
        reason=reason,
        note=note[:300],
        actor=Actor.of(actor).user,
        actor_label=Actor.of(actor).name,
    )
    audit_record(
        actor=actor,
        action=f"membership.{to}",
        target=membership,
        data={"from": membership.status, "to": to, "effective": effective.isoformat(), "reason": reason, "note": note},
        funder=membership.programme.funder,
    )


NON_ACTIVE_REASONS = ("non_active", "arrears")  # set by the manager; three months unpaid (contributions)
REACTIVATE_REASONS = ("reactivated", "arrears_paid")


def membership_deactivate(
    *, membership: Membership, effective: date, note: str, actor: Actor | User, reason: str = "non_active"
) -> Membership:
    """Non-active: cover is suspended, the place is kept. `reason` "arrears" when three months in a row are
    unpaid (contributions.services.arrears_apply), "non_active" when the manager decides it."""
    if reason not in NON_ACTIVE_REASONS:
        raise DomainError(_("Alasan penonaktifan tidak dikenal."), field="reason")
    refusal = _("Hanya kepesertaan aktif yang dapat dinonaktifkan.")
    return _membership_switch(
        membership,
        to=Membership.Status.NON_ACTIVE,
        reason=reason,
        refusal=refusal,
        effective=effective,
        note=note,
        actor=actor,
    )


def membership_reactivate(
    *, membership: Membership, effective: date, note: str, actor: Actor | User, reason: str = "reactivated"
) -> Membership:
    """Active again: by the manager ("reactivated"), or when the arrears are paid ("arrears_paid")."""
    if reason not in REACTIVATE_REASONS:
        raise DomainError(_("Alasan pengaktifan kembali tidak dikenal."), field="reason")
    refusal = _("Hanya kepesertaan nonaktif yang dapat diaktifkan kembali.")
    return _membership_switch(
        membership,
        to=Membership.Status.ACTIVE,
        reason=reason,
        refusal=refusal,
        effective=effective,
        note=note,
        actor=actor,
    )


def _membership_switch(
    membership: Membership, *, to: str, reason: str, refusal: str, effective: date, note: str, actor: Actor | User
) -> Membership:
    """Between active and non-active, in either direction; Conflict (`refusal`) when it is not in the other one."""
    check_may_exchange(actor, membership.programme)
    source = Membership.Status.NON_ACTIVE if to == Membership.Status.ACTIVE else Membership.Status.ACTIVE
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("programme__funder").get(pk=membership.pk)
        if locked.status != source:
            raise Conflict(refusal)
        _event(locked, to=to, effective=effective, reason=reason, note=note, actor=actor)
        locked.status = to
        locked.status_since = effective
        locked.save(update_fields=["status", "status_since"])
    membership.refresh_from_db()
    return membership


def membership_end(
    *, membership: Membership, reason: str, effective: date, actor: Actor | User, note: str = ""
) -> Membership:
    """End a membership (died, moved out, became a wage earner, reached the age limit, failed re-verification,
    withdrew, handed over): cover ends with the month, the place is freed and the next on the waitlist is
    admitted."""
    check_may_exchange(actor, membership.programme)
    if reason not in EndReason.values:
        raise DomainError(_("Pilih alasan berakhir dari daftar."), field="reason")
    with transaction.atomic():
        locked = (
            Membership.objects.select_for_update().select_related("programme__funder", "place").get(pk=membership.pk)
        )
        if locked.status == Membership.Status.ENDED:
            raise Conflict(_("Kepesertaan ini sudah berakhir."))
        if effective < locked.starts:
            raise DomainError(_("Tanggal berakhir tidak boleh sebelum awal perlindungan."), field="effective")
        _event(locked, to=Membership.Status.ENDED, effective=effective, reason=reason, note=note, actor=actor)
        place = place_end(place=locked.place, reason=reason, on=effective, actor=actor, note=note).place
        locked.status = Membership.Status.ENDED
        locked.status_since = effective
        locked.end_reason = reason
        locked.ends = place.ends
        locked.save(update_fields=["status", "status_since", "end_reason", "ends"])
    membership.refresh_from_db()
    return membership


# -- cards -------------------------------------------------------------------------------------------------


def card_token(card: Card) -> str:
    """What a card's QR holds: this card's id, signed. Never the NIK; forged or altered tokens fail."""
    return signing.dumps({"c": card.pk}, salt=CARD_SALT, compress=True)


def card_from_token(token: str) -> Card | None:
    try:
        payload = signing.loads(token, salt=CARD_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("c"), int):
        return None
    return Card.objects.select_related("membership__programme__funder").filter(pk=payload["c"]).first()


def card_is_valid(card: Card, *, on: date | None = None) -> bool:
    on = on or clock.today()
    membership = card.membership
    return membership.status == Membership.Status.ACTIVE and membership.starts <= on <= min(
        card.valid_until, membership.ends
    )


def cards_issue(*, memberships: Sequence[Membership], actor: Actor | User) -> list[Card]:
    """One new card per membership (a reprint supersedes nothing: every printed card stays checkable). The
    actor must exchange data with BPJS for every programme of these memberships."""
    _check_may_exchange_all(actor, {m.programme_id for m in memberships})
    cards = Card.objects.bulk_create(Card(membership=m, valid_until=m.ends) for m in memberships)
    audit_records_many(
        actor=actor, records=[("card.issue", card, {"membership": card.membership_id}) for card in cards]
    )
    return cards


@dataclass(frozen=True)
class Handover:
    handed_on: date
    place: str
    handed_by: str
    received_by: str = ""  # empty: the member themself


def cards_hand_over(*, cards: Sequence[Card], handover: Handover, actor: Actor | User) -> int:
    """Record that these cards reached their members (one card or a whole ceremony). A card handed over
    already keeps its first record and is counted as skipped."""
    if not handover.place.strip():
        raise DomainError(_("Tempat penyerahan wajib diisi."), field="place")
    if not handover.handed_by.strip():
        raise DomainError(_("Nama petugas yang menyerahkan wajib diisi."), field="handed_by")
    if handover.handed_on > clock.today():
        raise DomainError(_("Tanggal penyerahan tidak boleh di masa depan."), field="handed_on")
    with transaction.atomic():
        pending = list(
            Card.objects.select_for_update(of=("self",))
            .filter(pk__in=[c.pk for c in cards], handed_on__isnull=True)
            .select_related("membership__person", "membership__programme__funder")
        )
        _check_may_exchange_all(actor, {card.membership.programme_id for card in pending})
        for card in pending:
            card.handed_on = handover.handed_on
            card.handed_at_place = handover.place.strip()[:200]
            card.handed_by = handover.handed_by.strip()[:150]
            card.received_by = (handover.received_by.strip() or card.membership.person.name)[:150]
            card.handover_recorded_by = Actor.of(actor).user
        Card.objects.bulk_update(
            pending,
            ["handed_on", "handed_at_place", "handed_by", "received_by", "handover_recorded_by"],
            batch_size=500,
        )
        audit_records_many(
            actor=actor,
            records=[
                ("card.hand_over", card, {"on": handover.handed_on.isoformat(), "place": card.handed_at_place})
                for card in pending
            ],
        )
    return len(pending)


# -- yearly re-verification --------------------------------------------------------------------------------


def reverification_start(*, source: Programme, target: Programme, actor: Actor | User) -> ReverificationCampaign:
    """Open next year's cycle for this year's members (run it with reverification_run, in the worker)."""
    refuse_unless_bpjs(source)  # goods programmes are never sent to BPJS, whoever asks
    refuse_unless_bpjs(target)
    Actor.of(actor).require(Capability.MANAGE_PROGRAMMES, programme=source)
    if target.funder_id != source.funder_id or target.scheme != source.scheme or target.year <= source.year:
        raise DomainError(
            _("Program tujuan harus program pemberi dana dan skema yang sama untuk tahun berikutnya."), field="target"
        )
    # The next year's rules must be judgeable before anyone is taken in (for example, its UMK entered).
    income_ceiling_of(version=rule_version_ensure(programme=target))
    campaign, created = ReverificationCampaign.objects.get_or_create(
        source=source, target=target, defaults={"created_by": Actor.of(actor).user}
    )
    if created:
        audit_record(actor=actor, action="programme.reverification_start", target=source, data={"target": target.code})
    return campaign


REVERIFICATION_COUNTS = (
    ("members", gettext_lazy("Peserta aktif")),
    ("created", gettext_lazy("Pendaftaran ulang dibuat")),
    ("to_verification", gettext_lazy("Masuk antrean verifikasi")),
    ("not_eligible", gettext_lazy("Tidak memenuhi syarat")),
    ("returned", gettext_lazy("Dikembalikan untuk perbaikan")),
    ("skipped", gettext_lazy("Sudah terdaftar ulang sebelumnya")),
)
"""The counts a re-verification run returns, in the order pages show them, with their labels."""
_OUTCOME_KEYS: dict[str, str] = {
    S.AWAITING_VERIFICATION: "to_verification",
    S.NOT_ELIGIBLE: "not_eligible",
    S.RETURNED: "returned",
}


REVERIFICATION_CHUNK = 500  # members taken in per transaction


def reverification_run(
    *, campaign: ReverificationCampaign, actor: Actor | User, job: Job | None = None
) -> dict[str, int]:
    """Take every active member of the source programme into the target programme: a renewal application
    judged by the target's rules (age limit, residence, income, not covered elsewhere) and, when it passes,
    routed to the sector agency's queue with the same deadlines as a new application. Members already taken
    in are skipped, so a run that stopped half-way is simply run again. With a `job`, progress is reported on
    it; finishing the job (with its counts and sentence) is the caller's.

    Set-based, REVERIFICATION_CHUNK members per transaction and a fixed handful of statements each (Kutai
    Timur has 150,000 members): each renewal is created, submitted and judged as `application_create` and
    `application_submit` would, with the same audit records, one block of numbers per chunk."""
    source, target = campaign.source, campaign.target
    version = rule_version_ensure(programme=target)
    agencies = programme_routes(target)
    ids = list(
        Membership.objects.filter(programme=source, status=Membership.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counts = dict.fromkeys((key for key, _label in REVERIFICATION_COUNTS), 0)
    counts["members"] = len(ids)
    if job is not None:
        job_start(job=job, total=len(ids))
    for start in range(0, len(ids), REVERIFICATION_CHUNK):
        with transaction.atomic():
            members = list(
                Membership.objects.filter(pk__among=ids[start : start + REVERIFICATION_CHUNK])
                .select_related("person", "person__sector", "application", "programme")
                .order_by("pk")
            )
            taken = set(
                Application.objects.filter(
                    programme=target, person_id__among=[m.person_id for m in members]
                ).values_list("person_id", flat=True)
            )
            todo = [m for m in members if m.person_id not in taken]
            counts["skipped"] += len(members) - len(todo)
            for application in _renewals(todo, target=target, version=version, agencies=agencies, actor=actor):
                counts["created"] += 1
                key = _OUTCOME_KEYS.get(application.status)
                if key:
                    counts[key] += 1
        if job is not None:
            job_progress(job=job, done=min(start + REVERIFICATION_CHUNK, len(ids)))
    campaign.counts = counts
    campaign.save(update_fields=["counts"])
    audit_record(
        actor=actor, action="programme.reverification_run", target=source, data={"target": target.code, **counts}
    )
    return counts


def _renewals(
    members: Sequence[Membership],
    *,
    target: Programme,
    version: RuleVersion,
    agencies: dict[int, Agency],
    actor: Actor | User,
) -> list[Application]:
    """Create, submit and judge the renewal applications of these members (inside the caller's transaction).
    Judged before they are written, and written once in their final state: updating thousands of rows field by
    field afterwards (`bulk_update`) was nine tenths of the run."""
    if not members:
        return []
    now = clock.now()
    user = Actor.of(actor).user
    source = members[0].programme
    applications = [
        Application(
            number=number,
            programme=target,
            person=membership.person,
            channel=Channel.RENEWAL,
            kelurahan_id=membership.person.kelurahan_id,
            sector_id=membership.person.sector_id,
            note=_("Verifikasi ulang peserta KPJ %(kpj)s") % {"kpj": membership.kpj},
            # The membership's own documents stand for this year's: checked when the member was enrolled.
            documents_attestation=_("Dokumen kepesertaan %(number)s (%(code)s)")
            % {"number": membership.application.number, "code": source.code},
            warnings=[],
            created_by=user,
            submitted_at=now,
            status_changed_at=now,
            assessed_at=now,
            rule_version=version,
        )
        for membership, number in zip(
            members, application_numbers_reserve(programme=target, count=len(members)), strict=True
        )
    ]
    assessments = assessments_of(applications, version=version)
    due = queue_due(target, now)
    routes = []
    for application, assessment in zip(applications, assessments, strict=True):
        routing = routing_for(S.SUBMITTED, assessment)
        application.eligible = assessment.eligible
        application.complete = assessment.complete
        application.eligibility = stored_outcomes(assessment)
        application.status = status_after(S.SUBMITTED, routing)
        application.status_reason = reason_text(routing)
        if routing.to_verification:
            enter_queue(application, agency=agencies[application.sector_id], at=now, due=due)
        routes.append(routing)
    bulk_insert(applications)
    # Created, submitted and judged at one moment (one at a time they would be a few milliseconds apart).
    Application.objects.filter(pk__among=[a.pk for a in applications]).update(created_at=now)
    records: list[tuple[str, Any, dict[str, object]]] = []
    for application, assessment, routing in zip(applications, assessments, routes, strict=True):
        # The records application_create, application_submit and application_assess write, in their order.
        records += [
            ("application.create", application, {"channel": Channel.RENEWAL.value}),
            ("application.submit", application, {"from": S.DRAFT.value, "to": S.SUBMITTED.value, "reason": ""}),
            (
                "application.assess",
                application,
                {
                    "rule_version": version.version,
                    "eligible": assessment.eligible,
                    "complete": assessment.complete,
                    "failed": [o.rule for o in assessment.failed()],
                },
            ),
        ]
        status = S.SUBMITTED.value
        for transition in routing.transitions:
            after = next_status(status, transition)
            data = {"from": status, "to": after, "reason": application.status_reason, "automatic": True}
            records.append((f"application.{transition}", application, data))
            status = after
    audit_records_many(actor=actor, records=records)
    return applications
