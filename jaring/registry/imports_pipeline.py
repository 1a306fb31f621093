"""The chunk loop of an import run: read, parse and judge a chunk of rows, then store it in its own
transaction, in file order, so that duplicates inside the file resolve row after row.

Three threads share the work (docs/import.md, Performance): one reads and parses rows ahead (no database), this
one judges each chunk, and on PostgreSQL another stores the previous chunk on its own connection meanwhile, so
that PostgreSQL's part of a chunk (taking the rows, checking foreign keys at commit) overlaps with Python's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from queue import Empty, Full, Queue
from typing import Any, TypeVar, cast

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from jaring.registry import imports_store
from jaring.registry.imports_read import CheckedFile, is_empty_row
from jaring.registry.imports_store import ParsedRow, PreparedChunk, RunContext
from jaring.registry.intake import ReferenceIndex, parse_applicant

_T = TypeVar("_T")
AHEAD = 2  # chunks read and parsed in advance (each about 2,000 rows)
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


def _parsed(
    checked: CheckedFile, done: set[int], chunk_size: int, *, index: ReferenceIndex, region_code: str, today: date
) -> Iterator[tuple[list[ParsedRow], int]]:
    layout = checked.layout
    memo: dict[tuple[Any, ...], Any] = {}  # dates, incomes, RT/RW repeat: each distinct value is parsed once
    for rows, position in _pending(checked, done, chunk_size):
        parsed = []
        for number, row in rows:
            result = parse_applicant(layout.values(row), index=index, region_code=region_code, today=today, memo=memo)
            parsed.append(ParsedRow(number, result.data, result.errors))
        yield parsed, position


@contextmanager
def _ahead(items: Iterator[_T], *, language: str | None) -> Iterator[Iterator[_T]]:
    """`items`, produced by a thread of their own up to AHEAD items in advance.

    Reading and parsing the next chunk needs no database, so it runs while this thread waits for PostgreSQL to
    take the current chunk's rows and check its foreign keys at commit: those waits were a third of an import.
    Python runs one thread at a time, so the thread only gains what the other spends waiting."""
    queue: Queue[tuple[str, object]] = Queue(maxsize=AHEAD)
    stopping = threading.Event()

    def produce() -> None:
        if language:
            translation.activate(language)  # messages in the run's language: the override is per thread
        try:
            for item in items:
                while not stopping.is_set():
                    try:
                        queue.put(("item", item), timeout=0.1)
                        break
                    except Full:
                        continue
                if stopping.is_set():
                    return
            queue.put(("end", None))
        except BaseException as exc:  # handed to the consumer, raised there
            queue.put(("error", exc))
        finally:
            translation.deactivate()

    def consume() -> Iterator[_T]:
        while True:
            kind, value = queue.get()
            if kind == "end":
                return
            if kind == "error":
                assert isinstance(value, BaseException)
                raise value
            yield cast("_T", value)

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        yield consume()
    finally:
        stopping.set()
        while thread.is_alive():
            with suppress(Empty):
                queue.get(timeout=0.1)  # unblock a producer waiting for room
        thread.join()


class _Storer:
    """Stores prepared chunks one after another, in order, on a thread with its own database connection, so that
    PostgreSQL takes one chunk's rows and checks its foreign keys while this thread judges the next chunk.

    Used on PostgreSQL outside a transaction only (a second connection could not see an open transaction's
    rows, and SQLite allows one writer). A chunk handed over is always stored whole: when the run stops or
    fails (a second SIGTERM included), the chunk being stored is finished, committed or rolled back, before
    `close` returns."""

    def __init__(self, context: RunContext, *, language: str | None) -> None:
        self._context = context
        self._language = language
        self._todo: Queue[PreparedChunk | None] = Queue()
        self._done: Queue[BaseException | None] = Queue()
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="import-store", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if self._language:
            translation.activate(self._language)
        try:
            while (chunk := self._todo.get()) is not None:
                try:
                    chunk_commit(self._context, chunk)
                except BaseException as exc:  # handed to the run's thread, raised there
                    self._done.put(exc)
                    return
                self._done.put(None)
        finally:
            translation.deactivate()
            connection.close()  # this thread's own connection

    def store(self, chunk: PreparedChunk) -> None:
        assert not self._busy
        self._todo.put(chunk)
        self._busy = True

    def wait(self) -> None:
        """Until the chunk handed over last is committed; raises what storing it raised."""
        if not self._busy:
            return
        failure = self._done.get()
        self._busy = False
        if failure is not None:
            raise failure

    def close(self) -> None:
        self._todo.put(None)
        self._thread.join()


def _storing_aside() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


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
    language = translation.get_language()
    parsed = _parsed(
        checked,
        done,
        chunk_size,
        index=ReferenceIndex.load(),
        region_code=context.programme.funder.region_id,
        today=timezone.localdate(),
    )
    with _ahead(parsed, language=language) as chunks:
        if not _storing_aside():
            for rows, position in chunks:
                if stop is not None and stop():
                    return False
                chunk_commit(context, imports_store.chunk_prepare(context, rows, position=position))
                on_committed(position)
            return True
        storer = _Storer(context, language=language)
        stored: int | None = None  # position of the chunk being stored
        try:
            for rows, position in chunks:
                if stop is not None and stop():
                    break
                chunk = imports_store.chunk_prepare(context, rows, position=position)
                if stored is not None:
                    storer.wait()
                    on_committed(stored)
                    stored = None
                    if stop is not None and stop():
                        break  # asked while the previous chunk was stored: this one is left for the next run
                storer.store(chunk)
                stored = position
            else:
                if stored is not None:
                    storer.wait()
                    on_committed(stored)
                return True
            if stored is not None:
                storer.wait()
                on_committed(stored)
            return False
        finally:
            storer.close()
