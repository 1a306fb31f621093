"""Judging a programme's open applications again after its rules changed, as a background job.

It lives in `registry` because the work is `applications_reassess`, and `eligibility` (where the rules are
edited) comes before `registry` in the import order. The task takes the job's id only; running it twice
judges the same applications by the same rules and changes nothing the second time.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_tasks import task

from jaring.core.actors import Actor
from jaring.core.models import Job, MinimumWage, Region, User
from jaring.core.services import (
    job_create,
    job_enqueue_on_commit,
    job_failure_recorded,
    job_finish,
    minimum_wage_set,
)
from jaring.programmes.models import Programme
from jaring.registry.reassessment import applications_reassess

KIND = "eligibility.reassess"
UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)


def reassess_job_latest(*, programme: Programme, jobs: QuerySet[Job]) -> Job | None:
    """The newest re-assessment job of the programme among `jobs` (those the officer may see)."""
    return jobs.filter(kind=KIND, params__programme_id=programme.pk).order_by("-created_at", "-pk").first()


def reassess_start(*, programme: Programme, actor: User) -> Job:
    """Queue a re-assessment of the programme's open applications; an unfinished one is returned instead of a
    second (a double click, or two managers at once, must not judge everything twice in parallel)."""
    running = Job.objects.filter(kind=KIND, params__programme_id=programme.pk, status__in=UNFINISHED).first()
    if running is not None:
        return running
    job = job_create(
        kind=KIND,
        label=_("Nilai ulang pendaftaran terbuka %(code)s") % {"code": programme.code},
        actor=actor,
        params={"programme_id": programme.pk, "programme": programme.code},
    )
    job_enqueue_on_commit(job, task=reassess_applications)
    return job


def minimum_wage_enter(
    *, region: Region, year: int, amount: Decimal, legal_basis: str, actor: User
) -> tuple[MinimumWage, list[Job]]:
    """Enter a year's UMK (or UMP) and re-judge the open applications that were judged without it: registration
    for next year runs before the UMK is set in late December, on the latest known one. Every programme of the
    region from that year on that is not closed is re-judged; an unchanged application stays as it was."""
    wage = minimum_wage_set(region=region, year=year, amount=amount, legal_basis=legal_basis, actor=actor)
    programmes = (
        Programme.objects.filter(funder__region=region, year__gte=year)
        .exclude(status=Programme.Status.CLOSED)
        .select_related("funder")
        .order_by("year", "code")
    )
    return wage, [reassess_start(programme=programme, actor=actor) for programme in programmes]


@task()
def reassess_applications(job_id: int) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    with job_failure_recorded(job):
        programme = Programme.objects.select_related("funder", "funder__region").get(pk=job.params["programme_id"])
        counts = applications_reassess(programme=programme, actor=Actor.of_job(job), job=job)
    job_finish(job=job, result=counts, message=reassess_message(counts))


def reassess_message(counts: dict[str, int]) -> str:
    message = _(
        "%(assessed)s pendaftaran terbuka dinilai ulang; %(changed)s berubah penilaiannya: %(moved)s pindah status, "
        "%(eligible)s menjadi memenuhi syarat, %(not_eligible)s menjadi tidak memenuhi syarat."
    ) % {
        "assessed": counts.get("assessed", 0),
        "changed": counts.get("changed", 0),
        "moved": counts.get("moved", 0),
        "eligible": counts.get("became_eligible", 0),
        "not_eligible": counts.get("became_not_eligible", 0),
    }
    if counts.get("skipped"):
        message += " " + _(
            "%(skipped)s tidak dibuka kembali karena orangnya sudah punya pendaftaran lain yang masih berjalan."
        ) % {"skipped": counts["skipped"]}
    return message
