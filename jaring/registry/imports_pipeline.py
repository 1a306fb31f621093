"""The chunk loop of an import run: read, parse and judge a chunk of rows, then store it in its own
transaction, in file order, so that duplicates inside the file resolve row after row.

Measured and left out: storing each chunk in a second thread (its own connection) while the next one is read.
On the 2-core reference machine it made a 100,000-row import no faster (31 s either way) and used 2 s more
CPU: the work is Python's, and the GIL lets only one of the two threads do it at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import IntegrityError, transaction
from django.utils import timezone

from jaring.registry import imports_store
from jaring.registry.imports_read import CheckedFile, is_empty_row
from jaring.registry.imports_store import ParsedRow, PreparedChunk, RunContext
from jaring.registry.intake import ReferenceIndex, parse_applicant

# The same chunk is tried again when a single registration of the same person raced it to the database.
CHUNK_ATTEMPTS = 3


def chunk_commit(context: RunContext, chunk: PreparedChunk) -> None:
    for attempt in range(1, CHUNK_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                result = imports_store.chunk_store(context, chunk)
        except IntegrityError:
            # A single registration of a person of this chunk committed between the duplicate check and our
            # insert; the constraint refused the chunk whole. Again: that person is now a duplicate.
            if attempt == CHUNK_ATTEMPTS:
                raise
            continue
        context.seen.update(result.seen)
        return


def _pending(checked: CheckedFile, done: set[int], size: int) -> Iterator[tuple[list[tuple[int, list[object]]], int]]:
    """Rows still to do, `size` at a time, each batch with the position (data rows read so far) it ends at."""
    pending: list[tuple[int, list[object]]] = []
    position = 0
    for position, (row_number, row) in enumerate(checked.source.rows(), start=1):
        if row_number in done or is_empty_row(row):
            continue
        pending.append((row_number, row))
        if len(pending) >= size:
            yield pending, position
            pending = []
    yield pending, position


def chunks_run(
    *,
    context: RunContext,
    checked: CheckedFile,
    done: set[int],
    chunk_size: int,
    stop: Callable[[], bool] | None,
    on_committed: Callable[[int], None],
) -> bool:
    """Import every row not in `done`; False when `stop` asked to stop (it is asked between two chunks)."""
    index = ReferenceIndex.load()
    region_code = context.programme.funder.region_id
    today = timezone.localdate()
    layout = checked.layout
    for rows, position in _pending(checked, done, chunk_size):
        if stop is not None and stop():
            return False
        parsed = []
        for number, row in rows:
            result = parse_applicant(layout.values(row), index=index, region_code=region_code, today=today)
            parsed.append(ParsedRow(number, result.data, result.errors))
        chunk_commit(context, imports_store.chunk_prepare(context, parsed, position=position))
        on_committed(position)
    return True
