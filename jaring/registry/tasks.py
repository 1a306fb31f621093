"""Background work of the registry, run by `jaring worker`: applicant imports.

The task takes the batch id only. Run twice, or after the worker was killed, it finishes the batch: rows
with a recorded outcome are skipped (registry/imports/services.py).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from django_tasks import task

from jaring.registry.imports import services
from jaring.registry.imports.services import B, import_batch_enqueue, import_batch_run
from jaring.registry.models import ImportBatch


@contextmanager
def stop_on_sigterm() -> Iterator[Callable[[], bool]]:
    """A flag set by SIGTERM while the block runs; the previous handler (the worker's) still runs, so the worker
    exits after this task. Outside the main thread (a worker run in a test thread) signals cannot be caught."""
    stopping = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stopping.is_set
        return
    previous = signal.getsignal(signal.SIGTERM)

    def handler(signum: int, frame: FrameType | None) -> None:
        first = not stopping.is_set()
        stopping.set()
        if callable(previous) and previous not in (signal.SIG_IGN, signal.SIG_DFL):
            previous(signum, frame)
        elif not first and previous == signal.SIG_DFL:
            raise SystemExit(143)  # a second SIGTERM: stop now; the open chunk is rolled back

    signal.signal(signal.SIGTERM, handler)
    try:
        yield stopping.is_set
    finally:
        signal.signal(signal.SIGTERM, previous)


@task()
def applicant_import(batch_id: int) -> dict[str, Any]:
    batch = ImportBatch.objects.get(pk=batch_id)
    with stop_on_sigterm() as stop:
        batch = import_batch_run(batch=batch, stop=stop, chunk_size=services.CHUNK_SIZE)
    if batch.status == B.INTERRUPTED:
        # Stopped cleanly between two chunks: queue the rest, so the next worker start finishes it.
        ImportBatch.objects.filter(pk=batch.pk).update(status=B.QUEUED)
        import_batch_enqueue(batch)
    return {"batch": batch.pk, "status": batch.status}
