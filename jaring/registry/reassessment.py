"""Judging a programme's open applications again after its rules changed: set-based, in chunks, with
progress on a Job, every changed application audited singly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction

from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.models import Agency, Job, User
from jaring.core.services import audit_record, audit_records_many, job_progress, job_start
from jaring.eligibility.models import RuleVersion
from jaring.eligibility.rules import Assessment
from jaring.eligibility.services import rule_version_ensure
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programme_routes
from jaring.registry.assessment import (
    REASSESSABLE,
    Routing,
    assess_many,
    enter_queue,
    queue_due,
    reason_text,
    routing_for,
    stored_outcomes,
)
from jaring.registry.models import Application
from jaring.registry.states import OPEN_STATUSES, ApplicationStatus, next_status

S = ApplicationStatus


REJUDGED_FIELDS = [
    "eligible",
    "complete",
    "eligibility",
    "rule_version",
    "assessed_at",
    "status",
    "status_reason",
    "status_changed_at",
    "verifying_agency",
    "queued_at",
    "verification_due",
]


def applications_reassess(
    *, programme: Programme, actor: Actor | User, job: Job | None = None, chunk_size: int = 1000
) -> dict[str, int]:
    """Judge every open application of the programme again by its current rules, set-based in chunks,
    and move the ones whose outcome changed. Returns counts: assessed, changed (outcome text or state),
    moved (state changed), became_eligible, became_not_eligible, skipped (a newer open application of the
    same person blocks reopening)."""
    version = rule_version_ensure(programme=programme)
    agencies = programme_routes(programme)
    ids = list(
        Application.objects.filter(programme=programme, status__in=REASSESSABLE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    counts = dict.fromkeys(("assessed", "changed", "moved", "became_eligible", "became_not_eligible", "skipped"), 0)
    if job is not None:
        job_start(job=job, total=len(ids))
    for start in range(0, len(ids), chunk_size):
        with transaction.atomic():
            chunk = list(
                Application.objects.select_for_update(of=("self",))
                .select_related("person", "person__sector", "programme", "programme__funder")
                .filter(pk__in=ids[start : start + chunk_size], status__in=REASSESSABLE)
                .order_by("pk")
            )
            now = clock.now()
            rejudging = _Rejudging(
                version=version,
                agencies=agencies,
                now=now,
                due=queue_due(programme, now),  # once per chunk: every application routed here enters at `now`
                blocked=_persons_with_other_open(chunk, programme=programme),
                counts=counts,
            )
            assessments = assess_many(chunk, version=version)
            changed = [a for a in chunk if rejudging.rejudge(a, assessments[a.pk])]
            Application.objects.bulk_update(changed, REJUDGED_FIELDS, batch_size=500)
            audit_records_many(actor=actor, records=rejudging.records)
        if job is not None:
            job_progress(job=job, done=min(start + chunk_size, len(ids)))
    audit_record(
        actor=actor, action="programme.reassess", target=programme, data={"rule_version": version.version, **counts}
    )
    return counts


@dataclass
class _Rejudging:
    """One chunk judged again: what its applications share, the counts of the whole run, its audit records."""

    version: RuleVersion
    agencies: dict[int, Agency]
    now: datetime
    due: date
    blocked: set[int]  # persons whose newer open application keeps a not-eligible one from reopening
    counts: dict[str, int]
    records: list[tuple[str, Application, dict[str, object]]] = field(default_factory=list)

    def rejudge(self, application: Application, assessment: Assessment) -> bool:
        """Store the new judgement on the application and move it on; False when nothing changed."""
        self.counts["assessed"] += 1
        outcomes = stored_outcomes(assessment)
        routing = routing_for(application.status, assessment)
        if application.status == S.NOT_ELIGIBLE and routing.transitions and application.person_id in self.blocked:
            self.counts["skipped"] += 1
            routing = Routing((), application.status_reason, False)
        unchanged = outcomes == application.eligibility and application.rule_version_id == self.version.pk
        if unchanged and not routing.transitions:
            return False
        was_eligible = application.eligible
        application.eligible = assessment.eligible
        application.complete = assessment.complete
        application.eligibility = outcomes
        application.rule_version = self.version
        application.assessed_at = self.now
        self.counts["changed"] += 1
        data: dict[str, object] = {"rule_version": self.version.version, "eligible": assessment.eligible}
        self.records.append(("application.reassess", application, data))
        if routing.transitions:
            self._move(application, routing)
        if was_eligible is not True and assessment.eligible:
            self.counts["became_eligible"] += 1
        if was_eligible is not False and not assessment.eligible:
            self.counts["became_not_eligible"] += 1
        return True

    def _move(self, application: Application, routing: Routing) -> None:
        status = application.status
        for transition in routing.transitions:
            after = next_status(status, transition)
            self.records.append(
                (f"application.{transition}", application, {"from": status, "to": after, "automatic": True})
            )
            status = after
        application.status = status
        application.status_reason = reason_text(routing)
        application.status_changed_at = self.now
        if routing.to_verification:
            enter_queue(application, agency=self.agencies[application.sector_id], at=self.now, due=self.due)
        self.counts["moved"] += 1


def _persons_with_other_open(chunk: Sequence[Application], *, programme: Programme) -> set[int]:
    """Persons of not-eligible applications who meanwhile have another open application in the programme."""
    person_ids = [a.person_id for a in chunk if a.status == S.NOT_ELIGIBLE]
    if not person_ids:
        return set()
    return set(
        Application.objects.filter(
            programme=programme, person_id__among=person_ids, status__in=OPEN_STATUSES
        ).values_list("person_id", flat=True)
    )
