"""The import runs in the background worker: queued by the page, run by `jaring worker`, stopped cleanly by
SIGTERM between two chunks and queued again, so the next worker start finishes it."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from jaring.core.models import Job, User
from jaring.programmes.models import Programme
from jaring.registry.imports import chunks, services
from jaring.registry.models import Application, ImportBatch, ImportRow
from jaring.registry.tasks import applicant_import
from tests.helpers.imports import csv_bytes, good

# The worker closes its connections between tasks, as in production: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def test_an_upload_is_imported_by_the_worker_with_progress_on_its_job(
    registration_officer: User, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    client = client_for(registration_officer)
    content = csv_bytes([good(1), good(2), good(3, nik="0")])
    response = client.post("/impor/", {"programme": bpn_2026.pk, "file": SimpleUploadedFile("a.csv", content)})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.job is not None and batch.job.task_result_id
    call_command("worker", batch=True, interval=0.1)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE, batch.error
    assert (batch.created_count, batch.rejected_count) == (2, 1)
    job = Job.objects.get(pk=batch.job_id)
    assert (job.status, job.done, job.total, job.result["created"]) == (Job.Status.DONE, 3, 3, 2)
    assert "file" not in job.result  # the result is downloaded (and logged) from the import page only
    page = client.get(f"/impor/{batch.pk}/kemajuan/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-result"' in page


def test_sigterm_stops_the_task_between_chunks_and_the_next_worker_run_finishes_it(
    registration_officer: User,
    bpn_2026: Programme,
    client_for: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [good(n) for n in range(1, 21)]
    client_for(registration_officer).post(
        "/impor/", {"programme": bpn_2026.pk, "file": SimpleUploadedFile("a.csv", csv_bytes(rows))}
    )
    batch = ImportBatch.objects.get()
    monkeypatch.setattr(services, "CHUNK_SIZE", 3)
    original = chunks.chunk_store
    sent = {"n": 0}

    def store_then_terminate(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        if not sent["n"]:
            sent["n"] = 1
            os.kill(os.getpid(), signal.SIGTERM)
        return result

    monkeypatch.setattr(chunks, "chunk_store", store_then_terminate)
    applicant_import.call(batch_id=batch.pk)  # as the worker runs it
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED  # interrupted, and queued again
    # Stopped after the chunks being stored: the one that sent the signal, and the next if it was handed over.
    assert ImportRow.objects.filter(batch=batch).count() in (3, 6)
    assert DBTaskResult.objects.filter(status="READY").count() >= 1
    monkeypatch.setattr(chunks, "chunk_store", original)
    call_command("worker", batch=True, interval=0.1)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert Application.objects.count() == 20
    assert ImportRow.objects.filter(batch=batch).count() == 20
