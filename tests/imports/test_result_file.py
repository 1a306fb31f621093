"""The batch is done (rows in, counts final, visible to the officer) before its result file is written; the file is
written right after by the same run, and its download appears when it is there. A failed or killed write leaves
the batch done, and resuming it writes the file without importing anything again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from jaring.core.models import AuditRecord, Job, User
from jaring.programmes.models import Programme
from jaring.registry.imports import services
from jaring.registry.imports.services import import_batch_resume, import_batch_run, import_batch_start
from jaring.registry.models import Application, ImportBatch
from tests.helpers.imports import csv_bytes, good

pytestmark = pytest.mark.django_db


def started(officer: User, programme: Programme, rows: int = 3) -> tuple[ImportBatch, Any]:
    content = csv_bytes([good(n) for n in range(1, rows + 1)])
    return import_batch_start(programme=programme, actor=officer, file_name="a.csv", content=content, enqueue=False)


def test_while_the_result_file_is_written_the_batch_is_done_with_final_counts_and_no_download_yet(
    registration_officer: User,
    bpn_2026: Programme,
    client_for: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batch, checked = started(registration_officer, bpn_2026)
    client = client_for(registration_officer)
    seen: dict[str, Any] = {}
    write = services.result_write

    def write_while_looking(**kwargs: Any) -> str:
        seen["batch"] = ImportBatch.objects.get(pk=batch.pk)
        seen["page"] = client.get(f"/impor/{batch.pk}/kemajuan/", HTTP_HX_REQUEST="true").content.decode()
        seen["job"] = Job.objects.get(pk=batch.job_id)
        return write(**kwargs)

    monkeypatch.setattr(services, "result_write", write_while_looking)
    batch = import_batch_run(batch=batch, checked=checked)

    during = seen["batch"]
    assert (during.status, during.created_count, during.rows_done, during.result_file) == ("done", 3, 3, "")
    assert AuditRecord.objects.filter(action="import.finish", target_id=str(batch.pk)).count() == 1
    assert 'id="import-result"' not in seen["page"]
    assert 'id="import-result-writing"' in seen["page"] and 'hx-trigger="every 1s"' in seen["page"]
    assert seen["job"].status == Job.Status.RUNNING and "berkas hasil sedang ditulis" in seen["job"].message
    assert batch.result_file and Job.objects.get(pk=batch.job_id).status == Job.Status.DONE
    page = client.get(f"/impor/{batch.pk}/kemajuan/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-result"' in page and "every 1s" not in page
    assert client.get(f"/impor/{batch.pk}/hasil.xlsx").status_code == 200


def test_a_failed_result_file_leaves_the_batch_done_and_resuming_writes_it_without_importing_again(
    registration_officer: User,
    bpn_2026: Programme,
    client_for: Callable[[User], Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batch, checked = started(registration_officer, bpn_2026)
    write = services.result_write

    def disk_full(**kwargs: Any) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(services, "result_write", disk_full)
    with pytest.raises(OSError):
        import_batch_run(batch=batch, checked=checked)
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.result_file) == ("done", 3, "")
    job = Job.objects.get(pk=batch.job_id)
    assert job.status == Job.Status.FAILED and "Berkas hasil gagal ditulis" in job.message
    client = client_for(registration_officer)
    page = client.get(f"/impor/{batch.pk}/").content.decode()
    assert 'id="import-result-missing"' in page and 'id="import-resume"' in page
    assert client.get(f"/impor/{batch.pk}/hasil.xlsx").status_code == 404

    monkeypatch.setattr(services, "result_write", write)
    import_batch_resume(batch=batch, actor=registration_officer)
    batch = import_batch_run(batch=batch)  # as the worker runs the queued task
    assert batch.status == "done" and batch.result_file
    assert Application.objects.filter(programme=bpn_2026).count() == 3
    assert AuditRecord.objects.filter(action="import.finish", target_id=str(batch.pk)).count() == 1
    assert Job.objects.get(pk=batch.job_id).status == Job.Status.DONE
    assert client.get(f"/impor/{batch.pk}/hasil.xlsx").status_code == 200


def test_a_done_batch_with_its_result_file_cannot_be_resumed(registration_officer: User, bpn_2026: Programme) -> None:
    batch, checked = started(registration_officer, bpn_2026)
    batch = import_batch_run(batch=batch, checked=checked)
    with pytest.raises(services.Conflict):
        import_batch_resume(batch=batch, actor=registration_officer)
