"""The chunk loop of an import run: read, parse and judge a chunk of rows, then store it in its own
transaction, in file order, so that duplicates inside the file resolve row after row.

Threads share the work (docs/import.md, Performance): one reads and parses rows ahead (no database), this one
judges each chunk, and on PostgreSQL two more store the chunks before it, each on its own connection, taking
turns (`_Relay`), so that PostgreSQL's part of a chunk (taking the rows, checking foreign keys at commit)
overlaps with Python's and with the next chunk's.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from queue import Empty, Full, Queue
from typing import Any, TypeVar, cast

from django.db import IntegrityError, connection, transaction
from django.utils import translation

from jaring.core import clock
from jaring.registry import imports_store
from jaring.registry.imports_read import CheckedFile, is_empty_row
from jaring.registry.imports_store import ChunkResult, ParsedRow, PreparedChunk, RunContext
from jaring.registry.intake import ReferenceIndex, parse_applicant

_T = TypeVar("_T")
AHEAD = 2  # chunks read and parsed in advance (each about 2,000 rows)
# The same chunk is tried again when a single registration of the same person raced it to the database.
CHUNK_ATTEMPTS = 3
RUN_LOCK_NAMESPACE = 7001  # pg_advisory_lock(namespace, batch id): one run at a time per import batch


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


Raw = list[tuple[int, list[object]]]  # rows as read, with their row numbers


def _pending(checked: CheckedFile, done: set[int], size: int) -> Iterator[tuple[Raw, int, Raw]]:
    """Rows still to do, `size` at a time, each batch with the position (data rows read so far) it ends at and
    every row read for it, empty ones included (for a result file written as the run goes)."""
    pending: Raw = []
    read: Raw = []
    position = 0
    for position, (row_number, row) in enumerate(checked.source.rows(), start=1):
        if row_number in done:
            continue
        read.append((row_number, row))
        if is_empty_row(row):
            continue
        pending.append((row_number, row))
        if len(pending) >= size:
            yield pending, position, read
            pending, read = [], []
    yield pending, position, read


def _parsed(
    checked: CheckedFile, done: set[int], chunk_size: int, *, index: ReferenceIndex, region_code: str, today: date
) -> Iterator[tuple[list[ParsedRow], int, Raw]]:
    layout = checked.layout
    memo: dict[tuple[Any, ...], Any] = {}  # dates, incomes, RT/RW repeat: each distinct value is parsed once
    for rows, position, read in _pending(checked, done, chunk_size):
        parsed = []
        for number, row in rows:
            result = parse_applicant(layout.values(row), index=index, region_code=region_code, today=today, memo=memo)
            parsed.append(ParsedRow(number, result.data, result.errors))
        yield parsed, position, read


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


class _Abandoned(Exception):
    """A chunk not stored because an earlier one failed; the earlier failure is the one reported."""


class _Relay:
    """Stores prepared chunks in file order on two threads, each with its own database connection, taking turns:
    while one commits chunk N (PostgreSQL checks its foreign keys then, about a third of the storing time), the
    other already looks up and writes chunk N+1. The run's thread meanwhile judges chunk N+2.

    What keeps this the same as storing one chunk after the other:
    - Turns are taken in file order, and chunk N+1 starts when chunk N has computed its outcomes (its rows are
      written, not yet committed): a NIK created by chunk N is a duplicate in chunk N+1 (`context.seen`).
    - Commits happen in file order: chunk N+1 reserves its numbers, and writes its progress, on the programme and
      batch rows that chunk N's transaction holds, so it waits for that commit.
    - A second runner of the same batch waits for this run's advisory lock (held by the run's own connection
      for the whole run) instead of locking the batch row per chunk.
    - A failure stops the relay: chunks after the failed one are rolled back (`_Abandoned`); the failure is raised
      in the run's thread. A chunk that fails while committing after the next one started makes that one fail
      too (it is checked again before its commit).

    Used on PostgreSQL outside a transaction only (a second connection could not see an open transaction's
    rows, and SQLite allows one writer). Every chunk handed over is finished, committed or rolled back, before
    `close` returns."""

    LANES = 2

    def __init__(self, context: RunContext, *, language: str | None) -> None:
        self._context = context
        self._language = language
        self._todo: list[Queue[tuple[int, PreparedChunk] | None]] = [Queue() for _ in range(self.LANES)]
        self._done: list[Queue[ChunkResult | BaseException]] = [Queue() for _ in range(self.LANES)]
        self._baton = threading.Condition()
        self._turn = 0  # the number of the chunk whose turn it is to be stored
        self._failed = False
        self._handed = 0
        self._confirmed = 0
        self._threads = [
            threading.Thread(target=self._run, args=(lane,), name=f"import-store-{lane}", daemon=True)
            for lane in range(self.LANES)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def in_flight(self) -> int:
        return self._handed - self._confirmed

    def store(self, chunk: PreparedChunk) -> None:
        assert self.in_flight < self.LANES
        self._todo[self._handed % self.LANES].put((self._handed, chunk))
        self._handed += 1

    def wait(self) -> ChunkResult:
        """Until the oldest chunk handed over is committed; raises what storing it raised."""
        outcome = self._done[self._confirmed % self.LANES].get()
        self._confirmed += 1
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def close(self) -> None:
        for queue in self._todo:
            queue.put(None)
        for thread in self._threads:
            thread.join()

    def _run(self, lane: int) -> None:
        if self._language:
            translation.activate(self._language)
        try:
            while (item := self._todo[lane].get()) is not None:
                number, chunk = item
                try:
                    result = self._store(number, chunk)
                except BaseException as exc:  # handed to the run's thread, raised there
                    with self._baton:
                        self._failed = True
                        self._baton.notify_all()
                    self._done[lane].put(exc)
                    return
                self._done[lane].put(result)
        finally:
            translation.deactivate()
            connection.close()  # this thread's own connection

    def _store(self, number: int, chunk: PreparedChunk) -> ChunkResult:
        with self._baton:
            self._baton.wait_for(lambda: self._turn == number or self._failed)
            if self._failed:
                raise _Abandoned
        context = self._context
        for attempt in range(1, CHUNK_ATTEMPTS + 1):
            passed = False
            try:
                with transaction.atomic():
                    result = imports_store.chunk_store(context, chunk, lock_batch=False)
                    with self._baton:
                        if self._failed:  # the chunk before failed while committing: this one relied on it
                            raise _Abandoned
                        context.seen.update(result.seen)
                        self._turn = number + 1
                        self._baton.notify_all()
                    passed = True
                return result
            except IntegrityError:
                # As in chunk_commit: a single registration of a person of this chunk got there first. Tried again
                # only while the next chunk has not relied on this one's outcomes.
                if passed or attempt == CHUNK_ATTEMPTS:
                    raise
                continue
        raise AssertionError  # every attempt returns or raises


@contextmanager
def _run_lock(batch_id: int) -> Iterator[None]:
    """The batch's advisory lock on the run's own connection, for the whole run (see _Relay)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK_NAMESPACE, batch_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_NAMESPACE, batch_id])


def storing_aside() -> bool:
    """Whether chunks are stored by the relay (PostgreSQL, outside a transaction)."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def chunks_run(
    *,
    context: RunContext,
    checked: CheckedFile,
    done: set[int],
    chunk_size: int,
    stop: Callable[[], bool] | None,
    on_committed: Callable[[int], None],
    on_stored: Callable[[Raw, ChunkResult], None] | None = None,
) -> bool:
    """Import every row not in `done`; False when `stop` asked to stop (it is asked between two chunks).

    `on_stored` is given, in file order, each committed chunk's rows as read and what storing them gave (when
    the relay stores them, see `storing_aside`)."""
    language = translation.get_language()
    parsed = _parsed(
        checked,
        done,
        chunk_size,
        index=ReferenceIndex.load(),
        region_code=context.programme.funder.region_id,
        today=clock.today(),
    )
    with _ahead(parsed, language=language) as chunks:
        if not storing_aside():
            for rows, position, _read in chunks:
                if stop is not None and stop():
                    return False
                chunk_commit(context, imports_store.chunk_prepare(context, rows, position=position))
                on_committed(position)
            return True
        with _run_lock(context.batch.pk):
            return _relayed(
                context, chunks, stop=stop, on_committed=on_committed, on_stored=on_stored, language=language
            )


def _relayed(
    context: RunContext,
    chunks: Iterator[tuple[list[ParsedRow], int, Raw]],
    *,
    stop: Callable[[], bool] | None,
    on_committed: Callable[[int], None],
    on_stored: Callable[[Raw, ChunkResult], None] | None,
    language: str | None,
) -> bool:
    relay = _Relay(context, language=language)
    in_flight: deque[tuple[int, Raw]] = deque()  # the chunks handed over, oldest first: position, rows as read

    def confirm() -> None:
        result = relay.wait()
        position, read = in_flight.popleft()
        on_committed(position)
        if on_stored is not None:
            on_stored(read, result)

    try:
        for rows, position, read in chunks:
            if stop is not None and stop():
                break
            chunk = imports_store.chunk_prepare(context, rows, position=position)
            if relay.in_flight == _Relay.LANES:
                confirm()
                if stop is not None and stop():
                    break  # asked while earlier chunks were stored: this one is left for the next run
            relay.store(chunk)
            in_flight.append((position, read))
        else:
            while in_flight:
                confirm()
            return True
        while in_flight:
            confirm()
        return False
    finally:
        relay.close()
