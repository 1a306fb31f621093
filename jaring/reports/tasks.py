"""Counting the figures in the background: `jaring worker` runs `reports_refresh`, `jaring reports-refresh` (cron)
runs the same work at once.

A dashboard, the coverage API or the monthly report that finds a programme never counted counts it on the spot
(so the first look shows figures); one counted longer ago than JARING_REPORTS_MAX_AGE_MINUTES is shown as it is,
with its time, and a refresh is queued for the worker. One refresh job at a time: a second request while one
is queued or running gets that one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.models import Job, User
from jaring.core.services import (
    job_create,
    job_enqueue_on_commit,
    job_failure_recorded,
    job_finish,
    job_progress,
    job_start,
)
from jaring.programmes.models import Programme
from jaring.reports.models import Snapshot
from jaring.reports.services import publication_refresh, snapshot_refresh

KIND = "reports.refresh"
UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)
# The system counting by itself: figures gone stale, the public pages asking for fresh ones.
REFRESHER = Actor.system("system:reports")


def programmes_to_count(codes: Sequence[str] = ()) -> list[Programme]:
    """The programmes a refresh counts: the ones named, or all of them."""
    qs = Programme.objects.select_related("funder").order_by("-year", "code")
    return list(qs.filter(code__in=list(codes)) if codes else qs)


def refresh_all(programmes: Iterable[Programme], *, job: Job | None = None) -> dict[str, float]:
    """Count each programme again and republish its open data; seconds per programme code."""
    timings: dict[str, float] = {}
    for done, programme in enumerate(programmes, start=1):
        refreshed = snapshot_refresh(programme=programme)
        publication_refresh(programme=programme)
        timings[programme.code] = refreshed.seconds
        if job is not None:
            job_progress(job=job, done=done)
    return timings


def refresh_start(*, actor: Actor | User, codes: Sequence[str] = ()) -> Job:
    """Queue a refresh (of `codes`, or of every programme); the refresh already queued or running, if any."""
    with transaction.atomic():
        running = Job.objects.filter(kind=KIND, status__in=UNFINISHED).order_by("created_at").first()
        if running is not None:
            return running
        job = job_create(kind=KIND, label=_("Hitung ulang angka laporan"), actor=actor, params={"codes": list(codes)})
        job_enqueue_on_commit(job, task=reports_refresh)
    return job


@task()
def reports_refresh(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    with job_failure_recorded(job):
        programmes = programmes_to_count(job.params.get("codes") or ())
        job_start(job=job, total=len(programmes))
        timings = refresh_all(programmes, job=job)
    job_finish(job=job, result={"programmes": len(timings), "seconds": round(sum(timings.values()), 3)})


def max_age() -> timedelta:
    return timedelta(minutes=settings.REPORTS_MAX_AGE_MINUTES)


def snapshots_ensure(programmes: Iterable[Programme]) -> None:
    """Count now the programmes never counted; queue one refresh (by the system) if any other is older than the
    maximum age."""
    programmes = list(programmes)
    computed = dict(
        Snapshot.objects.filter(programme__in=programmes, computed_at__isnull=False).values_list(
            "programme_id", "computed_at"
        )
    )
    for programme in programmes:
        if programme.pk not in computed:
            snapshot_refresh(programme=programme)
            publication_refresh(programme=programme)
    oldest = min((moment for moment in computed.values() if moment is not None), default=None)
    if oldest is not None and clock.now() - oldest > max_age():
        refresh_start(actor=REFRESHER)


def refresh_if_stale() -> None:
    """For the public open-data pages, which never count on request: queue a refresh (by the system) when a
    programme has not been counted for longer than the maximum age, or never."""
    counted = Snapshot.objects.filter(computed_at__gt=clock.now() - max_age()).values("programme_id")
    if Programme.objects.exclude(pk__in=counted).exists():
        refresh_start(actor=REFRESHER)
