"""The yearly re-verification as a background job: every active member of a programme becomes a renewal
application of next year's programme, judged and routed like a new one.

The task takes the job's id only. `reverification_run` skips members already taken in, so a run that stopped
half-way, or ran twice, is simply run again.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from jaring.core.actors import Actor
from jaring.core.models import Job, User
from jaring.core.services import job_create, job_enqueue_on_commit, job_failure_recorded, job_finish
from jaring.enrolment.models import ReverificationCampaign
from jaring.enrolment.services import REVERIFICATION_COUNTS, reverification_run

KIND = "enrolment.reverification"
UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)


def reverification_job_start(*, campaign: ReverificationCampaign, actor: User) -> Job:
    """Queue the campaign's run; an unfinished run is returned instead of a second one (a double click, or two
    managers at once, must not take the same members in twice in parallel)."""
    with transaction.atomic():
        locked = (
            ReverificationCampaign.objects.select_for_update().select_related("source", "target").get(pk=campaign.pk)
        )
        running = Job.objects.filter(kind=KIND, params__campaign_id=locked.pk, status__in=UNFINISHED).first()
        if running is not None:
            return running
        job = job_create(
            kind=KIND,
            label=_("Verifikasi ulang %(source)s ke %(target)s")
            % {"source": locked.source.code, "target": locked.target.code},
            actor=actor,
            params={"campaign_id": locked.pk, "programme": locked.source.code, "target": locked.target.code},
        )
        locked.job = job
        locked.save(update_fields=["job"])
        job_enqueue_on_commit(job, task=reverification_campaign_run)
    return job


@task()
def reverification_campaign_run(job_id: int) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    with job_failure_recorded(job):
        campaign = ReverificationCampaign.objects.select_related("source__funder", "target__funder").get(
            pk=job.params["campaign_id"]
        )
        counts = reverification_run(campaign=campaign, actor=Actor.of_job(job), job=job)
    job_finish(job=job, result=counts, message=reverification_message(counts))


def reverification_message(counts: dict[str, int]) -> str:
    return _(
        "%(members)s peserta aktif; %(created)s pendaftaran ulang dibuat: %(to_verification)s masuk antrean "
        "verifikasi, %(not_eligible)s tidak memenuhi syarat, %(returned)s dikembalikan; %(skipped)s sudah "
        "terdaftar ulang sebelumnya."
    ) % {key: counts.get(key, 0) for key, _label in REVERIFICATION_COUNTS}
