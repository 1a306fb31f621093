"""Reconciling an invoice in the worker, with progress on its job (pages and the API start it here)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from jaring.contributions.invoices import Reconciled, invoice_prepare, invoice_reconcile
from jaring.contributions.models import Invoice
from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.models import Job, User
from jaring.core.services import job_create, job_fail, job_finish
from jaring.programmes.models import Programme

JOB_KIND = "contributions.reconcile"


def invoice_start(
    *, programme: Programme, file_name: str, content: bytes | Path, actor: Actor | User, month: date | None = None
) -> Reconciled:
    """Check the file and queue its reconciliation (the same file as the month's current invoice: that one,
    unchanged, nothing queued). InvoiceFileError when the file cannot be read at all."""
    prepared = invoice_prepare(programme=programme, file_name=file_name, content=content, actor=actor)
    if prepared.unchanged:
        return prepared
    invoice = prepared.invoice
    job = job_create(
        kind=JOB_KIND,
        label=_("Pencocokan tagihan %(code)s: %(file)s") % {"code": programme.code, "file": invoice.file_name[:80]},
        actor=actor,
        params={"invoice": invoice.pk, "month": month.isoformat() if month else ""},
    )
    if job.funder_id is None:
        Job.objects.filter(pk=job.pk).update(funder=programme.funder)
    Invoice.objects.filter(pk=invoice.pk).update(job=job)
    invoice.job = job
    transaction.on_commit(lambda: invoice_reconcile_task.enqueue(invoice_id=invoice.pk))
    return prepared


def _uploader(invoice: Invoice) -> Actor:
    """Who the reconciliation acts as: the officer who uploaded the invoice (still held to their role), or, for a
    partner's upload or the command line (checked when the file was accepted), the system under their label."""
    if invoice.created_by is not None:
        return Actor.officer(invoice.created_by)
    return Actor.system(invoice.created_by_label or "worker")


@task()
def invoice_reconcile_task(invoice_id: int) -> dict[str, object]:
    invoice = Invoice.objects.select_related("job", "created_by").get(pk=invoice_id)
    job = invoice.job
    if invoice.status != Invoice.Status.RECONCILING:
        return {"invoice": invoice.pk, "status": invoice.status}  # run twice: done already
    actor = _uploader(invoice)
    month = date.fromisoformat(job.params["month"]) if job is not None and job.params.get("month") else None
    try:
        outcome = invoice_reconcile(invoice=invoice, actor=actor, month=month, job=job)
    except DomainError as exc:
        if job is not None:
            job_fail(job=job, message=exc.message)
        return {"invoice": invoice.pk, "status": Invoice.Status.FAILED, "error": exc.message}
    except Exception as exc:
        Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.FAILED, error=str(exc)[:500])
        if job is not None:
            job_fail(job=job, message=str(exc)[:500])
        raise
    if job is not None:
        job_finish(job=job, result={"invoice": outcome.invoice.pk, "rows": outcome.invoice.rows})
    return {"invoice": outcome.invoice.pk, "status": outcome.invoice.status}


# -- the result file of a large invoice ----------------------------------------------------------------------

RESULT_JOB_KIND = "contributions.result"
RESULT_INLINE_ROWS = 20_000  # larger invoices get their result file from the worker
EXPORT_DIR = "exports"


def result_start(*, invoice: Invoice, actor: User) -> Job:
    job = job_create(
        kind=RESULT_JOB_KIND,
        label=_("Berkas hasil tagihan %(code)s %(month)s")
        % {"code": invoice.programme.code, "month": f"{invoice.month:%m/%Y}"},
        actor=actor,
        params={"invoice": invoice.pk},
    )
    transaction.on_commit(lambda: invoice_result_task.enqueue(job_id=job.pk))
    return job


@task()
def invoice_result_task(job_id: int) -> None:
    from django.conf import settings

    from jaring.contributions.result import result_download_name, result_write
    from jaring.core.services import job_start

    job = Job.objects.get(pk=job_id)
    invoice = Invoice.objects.select_related("programme").get(pk=job.params["invoice"])
    job_start(job=job, total=invoice.rows)
    try:
        folder = Path(settings.MEDIA_ROOT) / EXPORT_DIR
        folder.mkdir(parents=True, exist_ok=True)
        name = result_download_name(invoice)
        result_write(invoice, folder / name)
    except Exception as exc:
        job_fail(job=job, message=str(exc)[:500])
        raise
    job_finish(job=job, result={"file": f"{EXPORT_DIR}/{name}", "rows": invoice.rows})
