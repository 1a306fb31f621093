"""Starting, resuming and running an import.

`import_batch_start` checks the file as a whole (refusing it with nothing stored), keeps the original and
records an ImportBatch; `import_batch_run` then reads it chunk after chunk: each row is parsed by the same
`parse_applicant` as every other channel, each chunk judged by the same eligibility engine and stored
set-based (`chunks`) in one transaction with every one of its rows' outcome (ImportRow). A run killed at any
moment leaves whole chunks only, and running it again skips the rows with an outcome: none is lost or created
twice. When every row has its outcome the batch is done (the counts final, the applications in the queues);
the result file is written right after by the same run, and offered for download once it is there.

One thing runs alongside: the rows of the next chunk are read and parsed by a second thread (no database)
while the current chunk is stored (`_ahead`), the one piece of concurrency the 20 s figure needs.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import Job, Sector, User
from jaring.core.permissions import Capability
from jaring.core.services import audit_record, job_create, job_fail, job_finish, job_progress, job_start
from jaring.eligibility.selectors import ruleset_of
from jaring.eligibility.services import rule_version_ensure
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programme_routes
from jaring.registry.imports import chunks
from jaring.registry.imports.chunks import ParsedRow, RunContext
from jaring.registry.imports.files import CheckedFile, file_check, is_empty_row
from jaring.registry.imports.results import result_write
from jaring.registry.imports.selectors import import_batch_resumable
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.models import ImportBatch, ImportRow
from jaring.registry.services import programme_check_open

B = ImportBatch.Status
UPLOAD_DIR = "imports"
CHUNK_SIZE = 2000
# A chunk is stored again when a single registration of one of its persons raced it to the database.
CHUNK_ATTEMPTS = 3
ATTESTATION_MAX = 200

_T = TypeVar("_T")


def import_check_may(*, actor: Actor | User, programme: Programme) -> None:
    """Registration officers and programme managers of the programme's funder; a partner token of that funder
    with the registration scope; the system (the server's own CLI)."""
    Actor.of(actor).require(Capability.IMPORT_APPLICANTS, programme=programme)


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
        # Every row is in; only a result file whose writing failed or died is written again.
        if not import_batch_resumable(batch):
            raise Conflict(_("Impor ini sudah selesai."))
    else:
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


def import_batch_run(
    *,
    batch: ImportBatch,
    checked: CheckedFile | None = None,
    stop: Callable[[], bool] | None = None,
    on_progress: Callable[[ImportBatch], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportBatch:
    """Import (or finish importing) a batch. Safe to run again after a crash, and alongside another run.

    `stop` is asked before each chunk; when it says so the run ends after the last committed chunk and the
    batch is interrupted (the next run finishes it)."""
    batch = ImportBatch.objects.select_related("programme__funder", "created_by", "api_token", "job").get(pk=batch.pk)
    if batch.status == B.DONE:
        return result_ensure(batch=batch)  # its result file, when the run that finished it died writing it
    _started(batch)
    # Messages (reasons, the result file) in the language of whoever started the import.
    language = batch.options.get("language") or settings.LANGUAGE_CODE
    with _outcome_recorded(batch), translation.override(language), _few_collections():
        if checked is None:
            checked = file_check(Path(settings.MEDIA_ROOT) / batch.stored_file)
        committed = _progress_reporter(batch, on_progress)
        rows_in = _rows_import(_context(batch), checked, chunk_size=chunk_size, stop=stop, on_committed=committed)
        if rows_in:
            _finish(batch)
    if not rows_in:
        return _interrupted(batch)
    with _few_collections():
        return result_ensure(batch=batch, checked=checked)


def _started(batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=B.RUNNING, started_at=batch.started_at or clock.now(), error=""
    )
    if batch.job is not None:
        job_start(job=batch.job, total=batch.rows_total)


def _progress_reporter(batch: ImportBatch, on_progress: Callable[[ImportBatch], None] | None) -> Callable[[int], None]:
    """What to do after each committed chunk (`position`: data rows read): the batch's counts, the job's
    progress, the caller's own report."""

    def committed(position: int) -> None:
        batch.refresh_from_db(fields=["rows_done", "created_count", "duplicate_count", "rejected_count"])
        if batch.job is not None:
            job_progress(job=batch.job, done=position)
        if on_progress is not None:
            on_progress(batch)

    return committed


def _interrupted(batch: ImportBatch) -> ImportBatch:
    """Asked to stop: the batch waits after its last committed chunk for the next run."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=B.INTERRUPTED)
    if batch.job is not None:
        job_progress(job=batch.job, done=batch.rows_done, message=_("Dihentikan; akan dilanjutkan."))
    batch.refresh_from_db()
    return batch


@contextmanager
def _outcome_recorded(batch: ImportBatch) -> Iterator[None]:
    """A run that raises leaves the batch failed with the reason (and its job), or interrupted when it was
    killed; the error goes on."""
    try:
        yield
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


def _rows_import(
    context: RunContext,
    checked: CheckedFile,
    *,
    chunk_size: int,
    stop: Callable[[], bool] | None,
    on_committed: Callable[[int], None],
) -> bool:
    """Import every row without an outcome, chunk after chunk in file order (so a NIK repeated further down the
    file is a duplicate of the row that created it); False when `stop` asked to stop."""
    recorded = set(ImportRow.objects.filter(batch=context.batch).values_list("row_number", flat=True))
    parsed = _parsed(
        _pending(checked, recorded, chunk_size),
        checked=checked,
        index=ReferenceIndex.load(),
        region_code=context.programme.funder.region_id,
        today=clock.today(),
    )
    for rows, position in _ahead(parsed, language=translation.get_language()):
        if stop is not None and stop():
            return False
        _chunk_commit(context, chunks.chunk_judge(context, rows, position=position))
        on_committed(position)
    return True


def _parsed(
    pending: Iterator[tuple[list[tuple[int, list[object]]], int]],
    *,
    checked: CheckedFile,
    index: ReferenceIndex,
    region_code: str,
    today: date,
) -> Iterator[tuple[list[ParsedRow], int]]:
    memo: dict[tuple[Any, ...], Any] = {}  # dates, incomes, RT/RW repeat: each distinct value is parsed once
    for rows, position in pending:
        parsed = []
        for number, row in rows:
            values = checked.layout.values(row)
            result = parse_applicant(values, index=index, region_code=region_code, today=today, memo=memo)
            parsed.append(ParsedRow(number, result.data, result.errors))
        yield parsed, position


def _ahead(items: Iterator[_T], *, language: str | None) -> Iterator[_T]:
    """`items`, each next one made by a second thread while the caller works on the current one.

    Reading and parsing a chunk's rows needs no database; storing a chunk mostly waits for PostgreSQL (taking
    the rows, checking the foreign keys at commit). So chunk N+1 is read and parsed meanwhile: about 4 s of a
    100,000-row import (docs/import.md, Performance). The thread never touches the database, so this is the
    same on every database, inside a transaction or not; an error in it is raised here."""

    def make_next() -> _T | None:
        with translation.override(language):  # messages in the run's language: the override is per thread
            return next(items, None)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-read") as pool:
        coming = pool.submit(make_next)
        while (item := coming.result()) is not None:
            coming = pool.submit(make_next)
            yield item


def _pending(
    checked: CheckedFile, recorded: set[int], size: int
) -> Iterator[tuple[list[tuple[int, list[object]]], int]]:
    """Rows without an outcome, `size` at a time, each lot with the position (data rows read) it ends at. The
    last lot may be empty: its position still counts the empty rows at the end of the file."""
    pending: list[tuple[int, list[object]]] = []
    position = 0
    for position, (number, row) in enumerate(checked.rows(), start=1):
        if number in recorded or is_empty_row(row):
            continue
        pending.append((number, row))
        if len(pending) >= size:
            yield pending, position
            pending = []
    yield pending, position


def _chunk_commit(context: RunContext, chunk: chunks.Chunk) -> None:
    for attempt in range(1, CHUNK_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                result = chunks.chunk_store(context, chunk)
        except IntegrityError:
            # A single registration of a person of this chunk committed between the duplicate check and our
            # insert; the constraint refused the chunk whole. Again: that person is now a duplicate.
            if attempt == CHUNK_ATTEMPTS:
                raise
            continue
        context.seen.update(result.seen)
        return


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


def _finish(batch: ImportBatch) -> None:
    """Mark the batch done, once, before its result file is written (`result_ensure`).

    Done comes first, in its own transaction: every row has its outcome, the applications are in the
    verification queues and the counts are final, so the officer sees the import finished without waiting the
    15-20 s the result file of 100,000 rows takes (docs/import.md, Performance). The same run writes the file
    right after, while the job says so; the download appears when it is there. A second run of the batch that
    got here too (they take turns per chunk) waits for the batch row and finds it done."""
    with transaction.atomic():
        status = ImportBatch.objects.select_for_update().filter(pk=batch.pk).values_list("status", flat=True).get()
        if status != B.DONE:
            finished = clock.now()
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=B.DONE, rows_done=batch.rows_total, finished_at=finished, updated_at=finished
            )
            batch.refresh_from_db()
            counts = {
                "created": batch.created_count,
                "duplicate": batch.duplicate_count,
                "rejected": batch.rejected_count,
            }
            audit_record(actor=_batch_actor(batch), action="import.finish", target=batch, data=counts)
            if batch.job is not None:
                message = _("Semua baris tercatat; berkas hasil sedang ditulis.")
                job_progress(job=batch.job, done=batch.rows_total, message=message)


def result_ensure(*, batch: ImportBatch, checked: CheckedFile | None = None) -> ImportBatch:
    """Write the result file of a done batch that has none yet (also after a worker died while writing it), and
    finish its job. Once: a second run waits for the batch row and finds the file there. When writing fails the
    batch stays done without a file, its job failed with the reason, and resuming it writes the file again."""
    try:
        return _result_ensure(batch, checked)
    except Exception as exc:
        if batch.job is not None:
            job_fail(job=batch.job, message=_("Berkas hasil gagal ditulis: %(error)s") % {"error": str(exc)[:300]})
        raise


def _result_ensure(batch: ImportBatch, checked: CheckedFile | None) -> ImportBatch:
    with transaction.atomic():
        current = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status != B.DONE or current.result_file:
            batch.refresh_from_db()
            return batch
        batch.refresh_from_db()
        if checked is None:
            checked = file_check(Path(settings.MEDIA_ROOT) / batch.stored_file)
        language = batch.options.get("language") or settings.LANGUAGE_CODE
        with translation.override(language):
            relative = result_write(batch=batch, checked=checked)
        ImportBatch.objects.filter(pk=batch.pk).update(result_file=relative)
        batch.refresh_from_db()
        if batch.job is not None:
            counts = {
                "created": batch.created_count,
                "duplicate": batch.duplicate_count,
                "rejected": batch.rejected_count,
            }
            job_finish(job=batch.job, result={"batch": batch.pk, **counts})
    return batch


def _fail(batch: ImportBatch, message: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(status=B.FAILED, error=message)
    if batch.job is not None:
        job_fail(job=batch.job, message=message)
