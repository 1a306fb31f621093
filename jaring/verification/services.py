"""Decisions of the verifying agencies, and the routing that decides which agency's queue work is in.

Every decision is one `Decision` row, one audit record and one message to the applicant, written in the
transaction that moves the application, so a decision is either wholly on record or not taken at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from jaring.allocation.services import PersonHasPlace, places_allocate
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError, PermissionDenied
from jaring.core.models import Agency, Sector, User
from jaring.core.notifications import Message, notifications_queue
from jaring.core.permissions import Capability
from jaring.core.selectors import holidays_between
from jaring.core.services import audit_record, audit_records_many
from jaring.core.workdays import working_days_between
from jaring.programmes.models import Programme, RejectionReason, SectorRoute
from jaring.programmes.selectors import programme_routes, verification_due
from jaring.registry.models import Application, Channel
from jaring.registry.states import ApplicationStatus, Transition, next_status
from jaring.verification.models import Decision, Fix, Outcome

S = ApplicationStatus
NOTE_MAX = 2000
BULK_MAX = 1000

TRANSITION_OF: dict[str, str] = {
    Outcome.APPROVE: Transition.APPROVE,
    Outcome.RETURN: Transition.RETURN_FOR_CORRECTION,
    Outcome.REJECT: Transition.REJECT,
}

# Channels whose applicant corrects the application themselves on the status page; the others go back to
# the officer (counter, kelurahan, import) who entered it.
SELF_SERVICE_CHANNELS = frozenset({Channel.ONLINE, Channel.API})

# -- who may decide ---------------------------------------------------------------------------------------


def _actor_agency(actor: Actor) -> tuple[int | None, int | None]:
    """(funder id, agency id) the actor decides for; None for an operator who may act everywhere. An agency's
    verifier, or an agency's own system through its verification token."""
    scope = actor.require(Capability.VERIFY)
    if scope.everything:
        return None, None
    if scope.agency_id is None:
        raise PermissionDenied(_("Hanya verifikator instansi yang dapat memutuskan verifikasi."))
    return scope.funder, scope.agency_id


def _check_may_decide(application: Application, funder_id: int | None, agency_id: int | None) -> None:
    if agency_id is None:
        return
    if application.programme.funder_id != funder_id or application.verifying_agency_id != agency_id:
        # The same answer as for a number that does not exist: numbers cannot be probed.
        raise PermissionDenied(
            _("Pendaftaran %(number)s tidak berada di antrean instansi Anda.") % {"number": application.number}
        )


# -- decisions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionInput:
    outcome: str
    reason: RejectionReason | None = None
    note: str = ""
    fixes: tuple[str, ...] = ()


def _clean(application: Application, decision: DecisionInput) -> DecisionInput:
    """The decision with its note tidied, or DomainError naming the field that is wrong."""
    if decision.outcome not in Outcome.values:
        raise DomainError(_("Pilih keputusan: setujui, kembalikan, atau tolak."), field="outcome")
    note = decision.note.replace("\r\n", "\n").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(_("Catatan paling banyak %(n)d karakter.") % {"n": NOTE_MAX}, field="note")
    fixes = tuple(dict.fromkeys(decision.fixes))
    unknown = [f for f in fixes if f not in Fix.values]
    if unknown:
        raise DomainError(_("Butir perbaikan tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}, field="fixes")
    reason = decision.reason
    if decision.outcome == Outcome.RETURN:
        if not fixes and not note:
            raise DomainError(
                _("Sebutkan apa yang harus diperbaiki: pilih butir perbaikan atau tulis catatan."), field="fixes"
            )
        reason = None
    elif decision.outcome == Outcome.REJECT:
        if reason is None:
            raise DomainError(_("Pilih alasan penolakan dari daftar program."), field="reason")
        if reason.programme_id != application.programme_id or not reason.active:
            raise DomainError(_("Alasan penolakan ini bukan bagian dari daftar program."), field="reason")
        fixes = ()
    else:
        reason, fixes = None, ()
    return DecisionInput(outcome=decision.outcome, reason=reason, note=note, fixes=fixes)


def status_reason_of(decision: DecisionInput) -> str:
    """What the applicant reads on the status page: one line per thing to fix or the rejection reason, then
    the verifier's note. Written in Bahasa Indonesia whatever the officer's page language was."""
    with translation.override("id"):
        labels = dict(Fix.choices)
        lines = [str(labels[code]) for code in decision.fixes]
        if decision.reason is not None:
            lines.append(decision.reason.label)
        if decision.note:
            lines.append(_("Catatan verifikator: %(note)s") % {"note": " ".join(decision.note.split())})
    return "\n".join(lines)


@dataclass
class Clock:
    """The moment of a decision and the holidays to count its working days with, read once per request."""

    now: datetime = field(default_factory=clock.now)
    holidays: frozenset[date] = frozenset()

    @classmethod
    def around(cls, applications: Sequence[Application]) -> Clock:
        now = clock.now()
        today = clock.localdate(now)
        starts = [clock.localdate(a.queued_at) for a in applications if a.queued_at is not None]
        start = min(starts, default=today)
        return cls(now=now, holidays=holidays_between(min(start, today), max(start, today)))

    def decision_row(
        self, application: Application, decision: DecisionInput, *, actor: Actor, agency_id: int
    ) -> Decision:
        queued_at = application.queued_at or application.submitted_at or self.now
        queued_on = clock.localdate(queued_at)
        today = clock.localdate(self.now)
        due = application.verification_due or verification_due(programme=application.programme, start=queued_on)
        return Decision(
            application=application,
            agency_id=agency_id,
            outcome=decision.outcome,
            reason=decision.reason,
            fixes=list(decision.fixes),
            note=decision.note,
            decided_by=actor.user,
            api_token=actor.token,
            actor_label=actor.name,
            queued_at=queued_at,
            due=due,
            decided_at=self.now,
            working_days=min(working_days_between(queued_on, today, self.holidays), 32767),
            late=today > due,
        )


def waitlist_reason() -> str:
    with translation.override("id"):
        return str(_("Lolos verifikasi; kuota program penuh, masuk daftar tunggu."))


def _message(application: Application, decision: Decision) -> Message:
    person = application.person
    template = {
        Outcome.APPROVE: "decision_approved" if application.status == S.APPROVED else "decision_waitlisted",
        Outcome.RETURN: "decision_returned"
        if application.channel in SELF_SERVICE_CHANNELS
        else "decision_returned_to_office",
        Outcome.REJECT: "decision_rejected",
    }[Outcome(decision.outcome)]
    return Message(
        target=application,
        template=template,
        phone=person.phone,
        funder=application.programme.funder,
        context={
            "name": person.name,
            "number": application.number,
            "programme": application.programme.name,
            "agency": application.verifying_agency.name if application.verifying_agency else "",
            "office": application.programme.owning_agency.name,
            "goods": application.programme.goods_description if not application.programme.sends_to_bpjs else "",
            "reasons": [line for line in application.status_reason.splitlines() if line.strip()],
        },
    )


def _locked(ids: Sequence[int]) -> list[Application]:
    return list(
        Application.objects.select_for_update(of=("self",))
        .select_related("person", "programme", "programme__funder", "programme__owning_agency", "verifying_agency")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def application_decide(*, application: Application, decision: DecisionInput, actor: Actor | User) -> Decision:
    """Approve, return with what to fix, or reject one application in the actor's queue."""
    actor = Actor.of(actor)
    funder_id, agency_id = _actor_agency(actor)
    with transaction.atomic():
        found = _locked([application.pk])
        if not found:
            raise Conflict(_("Pendaftaran tidak ditemukan."))
        locked = found[0]
        _check_may_decide(locked, funder_id, agency_id)
        if locked.status != S.AWAITING_VERIFICATION:
            raise Conflict(
                _("Pendaftaran %(number)s sudah tidak menunggu verifikasi (status: %(status)s).")
                % {"number": locked.number, "status": S(locked.status).label}
            )
        cleaned = _clean(locked, decision)
        clock = Clock.around([locked])
        transition = TRANSITION_OF[cleaned.outcome]
        reason_text = status_reason_of(cleaned)
        if cleaned.outcome == Outcome.APPROVE:
            # The place is taken in this transaction, or the approval does not happen at all.
            allocation = places_allocate(programme=locked.programme, applications=[locked])
            if allocation.conflicts:
                raise PersonHasPlace(*allocation.conflicts[0])
            if allocation.waitlisted:
                transition = Transition.WAITLIST
                reason_text = waitlist_reason()
        row = clock.decision_row(locked, cleaned, actor=actor, agency_id=locked.verifying_agency_id or 0)
        row.save()
        before = locked.status
        locked.status = next_status(before, transition)
        locked.status_reason = reason_text
        locked.status_changed_at = clock.now
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
        audit_record(
            actor=actor,
            action=f"application.{transition}",
            target=locked,
            data={
                "from": before,
                "to": locked.status,
                "decision": row.pk,
                "agency": row.agency_id,
                "reason": cleaned.reason.label if cleaned.reason else "",
                "fixes": list(cleaned.fixes),
                "note": cleaned.note,
                "late": row.late,
            },
        )
        notifications_queue([_message(locked, row)])
    application.refresh_from_db()
    return row


@dataclass
class BulkApproval:
    approved: list[str] = field(default_factory=list)
    waitlisted: list[str] = field(default_factory=list)  # approved, but the quota was full
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (number, why)


def applications_approve(*, ids: Sequence[int], actor: Actor | User, note: str = "") -> BulkApproval:
    """Approve many applications of the actor's queue at once: set-based, yet each one gets its own decision,
    audit record and message. Applications no longer awaiting verification (decided meanwhile by a colleague,
    or a double click) are skipped and reported, never decided twice."""
    actor = Actor.of(actor)
    funder_id, agency_id = _actor_agency(actor)
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise DomainError(_("Pilih minimal satu pendaftaran."), field="applications")
    if len(ids) > BULK_MAX:
        raise DomainError(_("Paling banyak %(n)d pendaftaran sekali setuju.") % {"n": BULK_MAX}, field="applications")
    result = BulkApproval()
    with transaction.atomic():
        ready = _awaiting_of(ids, funder_id=funder_id, agency_id=agency_id, result=result)
        if not ready:
            return result
        cleaned = _clean(ready[0], DecisionInput(outcome=Outcome.APPROVE, note=note))
        clock = Clock.around(ready)
        waitlisted = _places_take(ready, clock=clock, result=result)
        conflicted = {number for number, _why in result.skipped}
        ready = [a for a in ready if a.number not in conflicted]
        if ready:
            _approvals_record(ready, waitlisted, cleaned=cleaned, clock=clock, actor=actor, result=result)
    return result


def _awaiting_of(
    ids: Sequence[int], *, funder_id: int | None, agency_id: int | None, result: BulkApproval
) -> list[Application]:
    """The applications of `ids` in the actor's queue still awaiting verification, locked; the others skipped."""
    locked = _locked(ids)
    missing = set(ids) - {a.pk for a in locked}
    result.skipped.extend((str(pk), _("tidak ditemukan")) for pk in sorted(missing))
    ready: list[Application] = []
    for application in locked:
        try:
            _check_may_decide(application, funder_id, agency_id)
        except PermissionDenied:
            # Told like a missing id: posting ids must not reveal another agency's numbers.
            result.skipped.append((str(application.pk), _("tidak ditemukan")))
            continue
        if application.status != S.AWAITING_VERIFICATION:
            result.skipped.append((application.number, str(S(application.status).label)))
            continue
        ready.append(application)
    return ready


def _places_take(ready: list[Application], *, clock: Clock, result: BulkApproval) -> set[int]:
    """Places in each programme's quota for the approved, oldest submission first; returns the ids of those
    that wait (the quota ran out). A person who already has a place elsewhere is skipped."""
    waitlisted: set[int] = set()
    by_programme: dict[int, list[Application]] = {}
    for application in ready:
        by_programme.setdefault(application.programme_id, []).append(application)
    for group in by_programme.values():
        # Oldest submission first: when the quota runs out, the later ones wait.
        group.sort(key=lambda a: (a.submitted_at or clock.now, a.pk))
        allocation = places_allocate(programme=group[0].programme, applications=group)
        waitlisted.update(a.pk for a in allocation.waitlisted)
        for application, other in allocation.conflicts:
            result.skipped.append((application.number, str(PersonHasPlace(application, other).message)))
    return waitlisted


def _approvals_record(
    ready: list[Application],
    waitlisted: set[int],
    *,
    cleaned: DecisionInput,
    clock: Clock,
    actor: Actor,
    result: BulkApproval,
) -> None:
    """Each approval's decision, new status, audit record and message, written set-based."""
    rows = [clock.decision_row(a, cleaned, actor=actor, agency_id=a.verifying_agency_id or 0) for a in ready]
    Decision.objects.bulk_create(rows)
    reason, waiting_reason = status_reason_of(cleaned), waitlist_reason()
    for status, text, ids in (
        (S.APPROVED, reason, [a.pk for a in ready if a.pk not in waitlisted]),
        (S.WAITLISTED, waiting_reason, sorted(waitlisted)),
    ):
        if ids:
            Application.objects.filter(pk__in=ids).update(
                status=status, status_reason=text, status_changed_at=clock.now
            )
    records = []
    for application, row in zip(ready, rows, strict=True):
        placed = application.pk not in waitlisted
        application.status = S.APPROVED if placed else S.WAITLISTED
        application.status_reason = reason if placed else waiting_reason
        data = {
            "from": S.AWAITING_VERIFICATION,
            "to": application.status,
            "decision": row.pk,
            "agency": row.agency_id,
            "note": cleaned.note,
            "late": row.late,
            "bulk": True,
        }
        records.append((f"application.{Transition.APPROVE if placed else Transition.WAITLIST}", application, data))
        (result.approved if placed else result.waitlisted).append(application.number)
    audit_records_many(actor=actor, records=records)
    notifications_queue([_message(a, row) for a, row in zip(ready, rows, strict=True)])


# -- routing ----------------------------------------------------------------------------------------------

ROUTED_STATUSES = (S.AWAITING_VERIFICATION, S.RETURNED)


def open_work_reroute(*, programme: Programme, actor: Actor | User, cause: str) -> int:
    """Move every application waiting at (or returned by) an agency that no longer verifies its sector to the
    agency that now does. Work awaiting a decision starts afresh there, with a new deadline. Each move is
    audited with where it came from and why; nothing is dropped. Returns how many moved."""
    routes = programme_routes(programme)
    now = clock.now()
    due = verification_due(programme=programme, start=clock.localdate(now))
    moved: list[tuple[Application, Agency, Agency | None]] = []
    with transaction.atomic():
        for application in (
            Application.objects.select_for_update(of=("self",))
            .select_related("programme__funder", "verifying_agency")
            .filter(programme=programme, status__in=ROUTED_STATUSES, verifying_agency__isnull=False)
            .order_by("pk")
        ):
            target = routes[application.sector_id]
            if application.verifying_agency_id != target.pk:
                moved.append((application, target, application.verifying_agency))
        by_target: dict[tuple[int, str], list[int]] = {}
        for application, target, _old in moved:
            by_target.setdefault((target.pk, application.status), []).append(application.pk)
        for (target_id, status), ids in by_target.items():
            if status == S.AWAITING_VERIFICATION:
                Application.objects.filter(pk__in=ids).update(
                    verifying_agency_id=target_id, queued_at=now, verification_due=due
                )
            else:
                Application.objects.filter(pk__in=ids).update(verifying_agency_id=target_id)
        audit_records_many(
            actor=actor,
            records=[
                (
                    "application.reroute",
                    application,
                    {
                        "from_agency": old.name if old else "",
                        "to_agency": target.name,
                        "status": application.status,
                        "cause": cause,
                    },
                )
                for application, target, old in moved
            ],
        )
    return len(moved)


def programme_routes_set(
    *, programme: Programme, routes: Sequence[tuple[Sector, Agency | None]], actor: Actor | User
) -> int:
    """Route each sector of `programme` to its agency (None: the owning office), all or none, then move the
    open work once (a scan of the programme's open applications, not one per sector). Returns how many moved.
    A foreign agency is refused with the sector's code as the error key."""
    for sector, agency in routes:
        if agency is not None and agency.funder_id != programme.funder_id:
            message = _("Instansi verifikasi harus milik pemberi dana program ini.")
            raise DomainError(message, field="agency", errors={sector.code: [str(message)]})
    with transaction.atomic():
        Programme.objects.select_for_update().filter(pk=programme.pk).first()
        existing = {
            r.sector_id: r
            for r in SectorRoute.objects.filter(programme=programme, sector__in=[s for s, _a in routes]).select_related(
                "agency"
            )
        }
        changes = []
        for sector, agency in routes:
            route = existing.get(sector.pk)
            before = (route.agency.name if route.agency else _("instansi pengelola")) if route else _("bawaan")
            SectorRoute.objects.update_or_create(programme=programme, sector=sector, defaults={"agency": agency})
            changes.append((sector, str(before), agency.name if agency else str(_("instansi pengelola"))))
        cause = "route:" + ",".join(sector.code for sector, _b, _t in changes)
        moved = open_work_reroute(programme=programme, actor=actor, cause=cause)
        audit_records_many(
            actor=actor,
            records=[
                ("programme.route_set", programme, {"sector": sector.code, "from": before, "to": to, "moved": moved})
                for sector, before, to in changes
            ],
        )
    return moved


def programme_route_set(*, programme: Programme, sector: Sector, agency: Agency | None, actor: Actor | User) -> int:
    """Route one sector (see programme_routes_set)."""
    return programme_routes_set(programme=programme, routes=[(sector, agency)], actor=actor)


def programme_owning_agency_change(*, programme: Programme, agency: Agency, actor: Actor | User) -> int:
    """Hand the programme to another office (Balikpapan: Disnaker to Dinas Sosial in 2026). The sectors the
    owning office verifies follow it, with their open work."""
    if agency.funder_id != programme.funder_id:
        raise DomainError(_("Instansi pengelola harus milik pemberi dana program ini."), field="owning_agency")
    with transaction.atomic():
        locked = Programme.objects.select_for_update().select_related("owning_agency").get(pk=programme.pk)
        before = locked.owning_agency
        if before.pk == agency.pk:
            return 0
        locked.owning_agency = agency
        locked.save(update_fields=["owning_agency"])
        moved = open_work_reroute(programme=locked, actor=actor, cause="owning_agency")
        audit_record(
            actor=actor,
            action="programme.owning_agency_change",
            target=locked,
            data={"from": before.name, "to": agency.name, "moved": moved},
        )
    programme.refresh_from_db()
    return moved
