"""Background work of the shared kernel, run by `jaring worker`.

A job is a row (core.Job) plus a django-tasks task that does the work and reports progress on the
row. Tasks take the job's id only, so a task that is run twice finds the row and redoes it safely.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from jaring.core import clock, xlsx
from jaring.core.models import AuditRecord, Job, User
from jaring.core.selectors import audit_records_visible_to
from jaring.core.services import (
    job_create,
    job_enqueue_on_commit,
    job_failure_recorded,
    job_finish,
    job_progress,
    job_start,
)

EXPORT_DIR = "exports"
PROGRESS_EVERY = 500


AUDIT_FILTERS = ("action", "actor", "target_type", "target_id")


def audit_export_start(*, actor: User, filters: dict[str, str] | None = None) -> Job:
    """Queue an XLSX export of the audit records the actor may see, with the audit page's filters."""
    filters = {k: v for k, v in (filters or {}).items() if k in AUDIT_FILTERS}
    job = job_create(kind="audit_export", label=_("Ekspor log audit"), actor=actor, params=filters)
    job_enqueue_on_commit(job, task=audit_export)
    return job


@task()
def audit_export(job_id: int) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    with job_failure_recorded(job):
        _audit_export_run(job)


def _audit_export_run(job: Job) -> None:
    actor = job.created_by
    assert actor is not None
    records = audit_records_visible_to(actor, **{k: job.params.get(k, "") for k in AUDIT_FILTERS}).order_by("at", "id")
    total = records.count()
    job_start(job=job, total=total)
    folder = Path(settings.MEDIA_ROOT) / EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"audit-{clock.local():%Y%m%d-%H%M%S}-{job.pk}.xlsx"
    workbook = xlsx.workbook()
    sheet = workbook.create_sheet("audit")
    header = [_("Waktu"), _("Pelaku"), _("Tindakan"), _("Jenis objek"), _("ID objek"), _("Objek"), _("Data")]
    sheet.append(xlsx.row(sheet, header))
    done = 0
    record: AuditRecord
    for record in records.iterator(chunk_size=2000):
        # Names, labels and data come from anyone (an applicant's name sent through the API): text, never formulas.
        sheet.append(
            xlsx.row(
                sheet,
                [
                    clock.local(record.at).replace(tzinfo=None),
                    record.actor_label,
                    record.action,
                    record.target_type,
                    record.target_id,
                    record.target_label,
                    str(record.data),
                ],
            )
        )
        done += 1
        if done % PROGRESS_EVERY == 0:
            job_progress(job=job, done=done)
    workbook.save(folder / name)
    job_finish(job=job, result={"file": f"{EXPORT_DIR}/{name}", "rows": done})


@task()
def notifications_send(ids: list[int]) -> None:
    from jaring.core.notifications import notifications_deliver

    notifications_deliver(ids)
