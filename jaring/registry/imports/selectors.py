"""Reads of the bulk import: which programmes an officer may import into, which imports they see."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.core.errors import NotFound
from jaring.core.models import Job, User
from jaring.core.permissions import Capability
from jaring.core.selectors import require
from jaring.programmes.models import Programme
from jaring.registry.models import ImportBatch

B = ImportBatch.Status
# A running batch whose last chunk is older than this is taken for dead (its worker was killed).
STALLED_AFTER = timedelta(minutes=2)


def import_programmes_for(user: User) -> QuerySet[Programme]:
    """The open programmes an officer may import into."""
    scope = require(user, Capability.IMPORT_APPLICANTS)
    programmes = Programme.objects.filter(status=Programme.Status.OPEN).select_related("funder")
    return programmes if scope.everything else programmes.filter(funder_id=scope.funder)


def import_batches_visible_to(user: User) -> QuerySet[ImportBatch]:
    scope = require(user, Capability.IMPORT_APPLICANTS)
    batches = ImportBatch.objects.select_related("programme", "programme__funder", "created_by", "job")
    return batches if scope.everything else batches.filter(programme__funder_id=scope.funder)


def import_batch_for(user: User, *, pk: int) -> ImportBatch:
    batch = import_batches_visible_to(user).filter(pk=pk).first()
    if batch is None:
        raise NotFound(_("Impor tidak ditemukan atau di luar wewenang Anda."))
    return batch


def import_batch_resumable(batch: ImportBatch) -> bool:
    """Interrupted, failed, or running without progress for a while (its worker was killed); or done without
    its result file when writing it failed or its worker was killed meanwhile."""
    if batch.status in (B.INTERRUPTED, B.FAILED):
        return True
    stalled = clock.now() - batch.updated_at > STALLED_AFTER
    if batch.status == B.DONE:
        failed = batch.job is not None and batch.job.status == Job.Status.FAILED
        return not batch.result_file and (failed or stalled)
    return batch.status == B.RUNNING and stalled


def import_result_writing(batch: ImportBatch) -> bool:
    """Done, its result file being written (the download appears when it is there)."""
    return batch.status == B.DONE and not batch.result_file and not import_batch_resumable(batch)
