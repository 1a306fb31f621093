"""Bulk import of applicant lists (issue 7; the file: ../shared/spec/applicant-import.md; docs/import.md).

`import_batch_start` checks the file as a whole (refusing it with nothing stored), keeps the original and
records an ImportBatch; `import_batch_run` then reads it in chunks: each row is parsed by the same
`parse_applicant` as every other channel, judged by the same eligibility engine, and stored set-based
(imports_store). Each chunk commits its applications, persons, audit records and ImportRow outcomes in one
transaction, so a run killed at any moment is finished by running it again: rows with an outcome are
skipped, none is lost or created twice.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError, NotFound
from jaring.core.models import Job, Sector, User
from jaring.core.permissions import Capability
from jaring.core.selectors import require
from jaring.core.services import audit_record, job_create, job_fail, job_finish, job_progress, job_start
from jaring.eligibility.selectors import ruleset_of
from jaring.eligibility.services import rule_version_ensure
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programme_routes
from jaring.registry.imports_pipeline import chunks_run, storing_aside
from jaring.registry.imports_read import CheckedFile, file_check
from jaring.registry.imports_result import ResultStream, result_write
from jaring.registry.imports_store import RunContext
from jaring.registry.models import ImportBatch, ImportRow
from jaring.registry.services import programme_check_open

B = ImportBatch.Status
UPLOAD_DIR = "imports"
CHUNK_SIZE = 2000
# A running batch whose last chunk is older than this is taken for dead (its worker was killed).
STALLED_AFTER = timedelta(minutes=2)
ATTESTATION_MAX = 200

# -- who may import --------------------------------------------------------------------------------


def import_check_may(*, actor: Actor | User, programme: Programme) -> None:
    """Registration officers and programme managers of the programme's funder; a partner token of that funder
    with the registration scope; the system (the server's own CLI)."""
    Actor.of(actor).require(Capability.IMPORT_APPLICANTS, programme=programme)


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
    """Interrupted, failed, or running without progress for a while (its worker was killed)."""
    if batch.status in (B.INTERRUPTED, B.FAILED):
        return True
    return batch.status == B.RUNNING and clock.now() - batch.updated_at > STALLED_AFTER


# -- starting and resuming -------------------------------------------------------------------------


def import_batch_start(
    *,
    programme: Programme,
    actor: Actor | User,
    file_name: str,
    content: bytes,
    documents_checked_by: str = "",
    enqueue: bool = True,
) -> tuple[ImportBatch, CheckedFile | None]:
    """Check the file and record a batch to import it into `programme` (queued for the worker when `enqueue`).

    The same file into the same programme while an earlier batch of it is unfinished resumes that batch
    instead (its CheckedFile is then None). A file that cannot be imported raises ImportFileError and
    nothing is stored.
    """
    actor = Actor.of(actor)
    import_check_may(actor=actor, programme=programme)
    programme_check_open(programme=programme)
    attestation = " ".join(documents_checked_by.split())
    if len(attestation) > ATTESTATION_MAX:
        raise DomainError(
            _("Isian “dokumen diperiksa oleh” paling panjang %(max)s karakter.") % {"max": ATTESTATION_MAX},
            field="documents_checked_by",
        )
    checked = file_check(content)
    digest = hashlib.sha256(content).hexdigest()
    unfinished = (
        ImportBatch.objects.filter(programme=programme, file_sha256=digest)
        .exclude(status=B.DONE)
        .order_by("-pk")
        .first()
    )
    if unfinished is not None:
        if enqueue and import_batch_resumable(unfinished):
            import_batch_resume(batch=unfinished, actor=actor)
        return unfinished, None
    stored = _store_original(content, digest=digest, kind=checked.kind)
    with transaction.atomic():
        job = job_create(
            kind="applicant_import",
            label=_("Impor %(file)s ke %(programme)s") % {"file": file_name[:120], "programme": programme.code},
            actor=actor,
            total=checked.rows_total,
        )
        batch = ImportBatch.objects.create(
            programme=programme,
            created_by=actor.user,
            api_token=actor.token,
            actor_label=actor.label,
            file_name=Path(file_name).name[:255] or "impor",
            file_sha256=digest,
            file_size=len(content),
            file_kind=checked.kind,
            stored_file=stored,
            sheet_name=checked.sheet_name[:100],
            options={"documents_checked_by": attestation, "language": translation.get_language()},
            unknown_columns=checked.layout.unknown,
            rows_total=checked.rows_total,
            job=job,
        )
        Job.objects.filter(pk=job.pk).update(params={"batch": batch.pk}, funder=programme.funder)
        audit_record(
            actor=actor,
            action="import.create",
            target=batch,
            data={
                "file": batch.file_name,
                "sha256": digest,
                "rows": checked.rows_filled,
                "unknown_columns": checked.layout.unknown,
                "documents_checked_by": attestation,
            },
        )
        if enqueue:
            transaction.on_commit(lambda: import_batch_enqueue(batch))
    return batch, checked


def _store_original(content: bytes, *, digest: str, kind: str) -> str:
    """Keep the original under MEDIA_ROOT/imports/, content-addressed (never served directly)."""
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    relative = f"{UPLOAD_DIR}/{digest}.{kind}"
    path = Path(settings.MEDIA_ROOT) / relative
    if not path.exists():
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(content)
        partial.replace(path)
    return relative


def import_batch_resume(*, batch: ImportBatch, actor: Actor | User) -> ImportBatch:
    """Queue an unfinished batch again; the run skips the rows it already recorded."""
    import_check_may(actor=actor, programme=batch.programme)
    if batch.status == B.DONE:
        raise Conflict(_("Impor ini sudah selesai."))
    if batch.status == B.RUNNING and not import_batch_resumable(batch):
        raise Conflict(_("Impor ini masih berjalan."))
    ImportBatch.objects.filter(pk=batch.pk).update(status=B.QUEUED, error="")
    audit_record(actor=actor, action="import.resume", target=batch, data={"rows_done": batch.rows_done})
    transaction.on_commit(lambda: import_batch_enqueue(batch))
    batch.refresh_from_db()
    return batch


def import_batch_enqueue(batch: ImportBatch) -> None:
    """Hand the batch to the worker (after the current transaction commits, when there is one)."""
    # Imported here: the task module imports this one.
    from jaring.registry.tasks import applicant_import

    result = applicant_import.enqueue(batch_id=batch.pk)
    if batch.job_id:
        Job.objects.filter(pk=batch.job_id).update(task_result_id=str(result.id), status=Job.Status.QUEUED)


# -- running ---------------------------------------------------------------------------------------


def _batch_actor(batch: ImportBatch) -> Actor:
    """Who started the batch acts for its run: the officer, the partner's token, or the system (the CLI)."""
    if batch.created_by is not None:
        return Actor.officer(batch.created_by)
    if batch.api_token is not None:
        return Actor.partner(batch.api_token)
    return Actor.system(batch.actor_label)


def _context(batch: ImportBatch) -> RunContext:
    programme = batch.programme
    version = rule_version_ensure(programme=programme)
    seen = {
        nik: (row_number, number, application_id)
        for nik, row_number, number, application_id in ImportRow.objects.filter(
            batch=batch, status=ImportRow.Status.CREATED
        ).values_list("nik", "row_number", "number", "application_id")
    }
    return RunContext(
        batch=batch,
        programme=programme,
        version=version,
        ruleset=ruleset_of(version=version),
        agencies=programme_routes(programme),
        sector_ids=dict(Sector.objects.values_list("code", "pk")),
        actor=_batch_actor(batch),
        application_date=clock.today(),
        seen=seen,
    )


def import_batch_run(
    *,
    batch: ImportBatch,
    checked: CheckedFile | None = None,
    stop: Callable[[], bool] | None = None,
    on_progress: Callable[[ImportBatch], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportBatch:
    """Import (or finish importing) a batch. Safe to run again after a crash, and alongside another run."""
    batch = ImportBatch.objects.select_related("programme__funder", "created_by", "api_token", "job").get(pk=batch.pk)
    if batch.status == B.DONE:
        return batch
    actor = _batch_actor(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=B.RUNNING, started_at=batch.started_at or clock.now(), error=""
    )
    if batch.job is not None:
        job_start(job=batch.job, total=batch.rows_total)

    def committed(position: int) -> None:
        batch.refresh_from_db(fields=["rows_done", "created_count", "duplicate_count", "rejected_count"])
        if batch.job is not None:
            job_progress(job=batch.job, done=position)
        if on_progress is not None:
            on_progress(batch)

    # Messages (reasons, the result file) in the language of whoever started the import.
    language = batch.options.get("language") or settings.LANGUAGE_CODE
    try:
        with translation.override(language), _few_collections():
            if checked is None:
                checked = file_check(Path(settings.MEDIA_ROOT) / batch.stored_file)
            context = _context(batch)
            done = set(ImportRow.objects.filter(batch=batch).values_list("row_number", flat=True))
            # A fresh run on PostgreSQL writes its result file as it goes, in a helper process (imports_result).
            stream = ResultStream.start(batch, checked) if not done and storing_aside() else None
            try:
                finished = chunks_run(
                    context=context,
                    checked=checked,
                    done=done,
                    chunk_size=chunk_size,
                    stop=stop,
                    on_committed=committed,
                    on_stored=stream.add_chunk if stream is not None else None,
                )
                if finished:
                    return _finish(batch, checked, actor=actor, stream=stream)
            finally:
                if stream is not None:
                    stream.abort()  # after a stop or a failure; nothing left to do once finished
        ImportBatch.objects.filter(pk=batch.pk).update(status=B.INTERRUPTED)
        if batch.job is not None:
            job_progress(job=batch.job, done=batch.rows_done, message=_("Dihentikan; akan dilanjutkan."))
        batch.refresh_from_db()
        return batch
    except DomainError as exc:
        _fail(batch, exc.message)
        raise
    except Exception as exc:
        _fail(batch, _("Impor terhenti karena galat: %(error)s") % {"error": str(exc)[:300]})
        raise
    except BaseException:
        # Ctrl-C or a second SIGTERM: the open chunk was rolled back; the next run resumes after the last one.
        ImportBatch.objects.filter(pk=batch.pk).update(status=B.INTERRUPTED)
        raise


@contextmanager
def _few_collections() -> Iterator[None]:
    """A run allocates millions of short-lived objects and makes almost no reference cycles, so the cyclic
    collector's passes over the whole heap were a fifth of a 100,000-row import. Objects that exist now are
    left out of its passes and young ones are collected less often; restored afterwards."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _finish(batch: ImportBatch, checked: CheckedFile, *, actor: Actor, stream: ResultStream | None) -> ImportBatch:
    batch.refresh_from_db()
    relative = (stream.finish(batch) if stream is not None else None) or result_write(batch=batch, checked=checked)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=B.DONE, result_file=relative, rows_done=batch.rows_total, finished_at=clock.now()
    )
    batch.refresh_from_db()
    counts = {
        "created": batch.created_count,
        "duplicate": batch.duplicate_count,
        "rejected": batch.rejected_count,
    }
    audit_record(actor=actor, action="import.finish", target=batch, data=counts)
    if batch.job is not None:
        job_finish(job=batch.job, result={"batch": batch.pk, **counts})
    return batch


def _fail(batch: ImportBatch, message: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(status=B.FAILED, error=message)
    if batch.job is not None:
        job_fail(job=batch.job, message=message)
