"""Judging a programme's open applications again after its rules changed: set-based, in chunks, with
progress on a Job, every changed application audited singly."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.models import Job, User
from jaring.core.services import audit_record, audit_records_many, job_progress, job_start
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
        chunk_ids = ids[start : start + chunk_size]
        with transaction.atomic():
            chunk = list(
                Application.objects.select_for_update(of=("self",))
                .select_related("person", "person__sector", "programme", "programme__funder")
                .filter(pk__in=chunk_ids, status__in=REASSESSABLE)
                .order_by("pk")
            )
            assessments = assess_many(chunk, version=version)
            blocked = _persons_with_other_open(chunk, programme=programme)
            now = clock.now()
            due = queue_due(programme, now)  # once per chunk: every application routed here enters at `now`
            records: list[tuple[str, Application, dict[str, object]]] = []
            changed: list[Application] = []
            for application in chunk:
                counts["assessed"] += 1
                assessment = assessments[application.pk]
                outcomes = stored_outcomes(assessment)
                routing = routing_for(application.status, assessment)
                if application.status == S.NOT_ELIGIBLE and routing.transitions and application.person_id in blocked:
                    counts["skipped"] += 1
                    routing = Routing((), application.status_reason, False)
                if (
                    outcomes == application.eligibility
                    and application.rule_version_id == version.pk
                    and not routing.transitions
                ):
                    continue
                was_eligible = application.eligible
                application.eligible = assessment.eligible
                application.complete = assessment.complete
                application.eligibility = outcomes
                application.rule_version = version
                application.assessed_at = now
                counts["changed"] += 1
                records.append(
                    (
                        "application.reassess",
                        application,
                        {"rule_version": version.version, "eligible": assessment.eligible},
                    )
                )
                if routing.transitions:
                    status = application.status
                    for transition in routing.transitions:
                        after = next_status(status, transition)
                        records.append(
                            (f"application.{transition}", application, {"from": status, "to": after, "automatic": True})
                        )
                        status = after
                    application.status = status
                    application.status_reason = reason_text(routing)
                    application.status_changed_at = now
                    if routing.to_verification:
                        enter_queue(application, agency=agencies[application.sector_id], at=now, due=due)
                    counts["moved"] += 1
                if was_eligible is not True and assessment.eligible:
                    counts["became_eligible"] += 1
                if was_eligible is not False and not assessment.eligible:
                    counts["became_not_eligible"] += 1
                changed.append(application)
            Application.objects.bulk_update(
                changed,
                [
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
                ],
                batch_size=500,
            )
            audit_records_many(actor=actor, records=records)
        if job is not None:
            job_progress(job=job, done=min(start + chunk_size, len(ids)))
    audit_record(
        actor=actor, action="programme.reassess", target=programme, data={"rule_version": version.version, **counts}
    )
    return counts


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
