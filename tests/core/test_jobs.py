"""Background jobs: queued by a page, run by the worker, reporting progress a page shows as a bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from jaring.core.models import AuditRecord, Job, User
from jaring.core.services import job_create, job_progress

pytestmark = pytest.mark.django_db


def test_progress_is_reported_as_done_of_total_and_a_percentage(registration_officer: User) -> None:
    job = job_create(kind="test", label="Uji", actor=registration_officer, total=200)
    job_progress(job=job, done=50)
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (50, 200, 25)


def test_the_progress_fragment_polls_while_running_and_stops_when_done(
    auditor: User, client_for: Callable[[User], Client]
) -> None:
    job = job_create(kind="test", label="Uji", actor=auditor, total=10)
    client = client_for(auditor)
    running = client.get(f"/pekerjaan/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in running
    assert 'id="job-progress"' in running
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, done=10)
    finished = client.get(f"/pekerjaan/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in finished
    assert "100%" in finished


# The worker closes its database connections between tasks, as it must in production; so this test
# commits for real instead of running inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True)
def test_an_auditor_exports_the_audit_log_through_the_worker(
    auditor: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(auditor)
    response = client.post("/audit/ekspor/", {"action": ""})
    assert response.status_code == 302
    job = Job.objects.get(kind="audit_export")
    assert job.status == Job.Status.QUEUED
    call_command("worker", batch=True, interval=0.1)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    # Everything the auditor could see when the export ran; the job's own finish is recorded after it.
    visible = AuditRecord.objects.filter(funder=auditor.funder).exclude(action="job.finish").count()
    assert AuditRecord.objects.filter(action="job.finish", actor=auditor, target_id=str(job.pk)).exists()
    assert job.result["rows"] == visible == job.total == job.done
    download = client.get(f"/pekerjaan/{job.pk}/unduh/")
    assert download.status_code == 200
    path = Path(settings.MEDIA_ROOT) / job.result["file"]
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet.max_row == visible + 1


def test_another_officers_job_is_not_found(
    auditor: User, samarinda_officer: User, client_for: Callable[[User], Client]
) -> None:
    job = job_create(kind="test", label="Uji", actor=auditor)
    assert client_for(samarinda_officer).get(f"/pekerjaan/{job.pk}/").status_code == 404


@pytest.fixture
def finished_audit_export(administrator: User) -> Job:
    job = job_create(kind="audit_export", label="Ekspor log audit", actor=administrator)
    folder = Path(settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"audit-{job.pk}.xlsx").write_bytes(b"PK")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, result={"file": f"exports/audit-{job.pk}.xlsx"})
    return job


@pytest.mark.parametrize(
    "persona", ["kelurahan_operator_manggar", "dppp_verifier", "registration_officer", "leadership", "outsider"]
)
def test_an_officer_without_the_audit_capability_cannot_follow_or_download_the_audit_export(
    persona: str,
    finished_audit_export: Job,
    request: pytest.FixtureRequest,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/pekerjaan/{finished_audit_export.pk}/unduh/").status_code in (403, 404)
    assert client.get(f"/pekerjaan/{finished_audit_export.pk}/").status_code in (403, 404)


def test_the_auditor_of_the_same_funder_downloads_the_audit_export(
    finished_audit_export: Job, auditor: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(auditor).get(f"/pekerjaan/{finished_audit_export.pk}/unduh/").status_code == 200


def test_the_audit_export_writes_a_formula_typed_as_a_name_as_plain_text(auditor: User) -> None:
    from jaring.core.actors import Actor
    from jaring.core.services import audit_record
    from jaring.core.tasks import _audit_export_run

    evil = '=HYPERLINK("http://evil.example/","klik")'
    audit_record(actor=Actor.system(evil), action="application.create", target=auditor, data={"nama": evil})
    job = job_create(kind="audit_export", label="Ekspor log audit", actor=auditor)
    _audit_export_run(job)
    job.refresh_from_db()
    sheet = load_workbook(Path(settings.MEDIA_ROOT) / job.result["file"]).active
    assert sheet is not None
    cells = [
        cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert cells
    assert all(cell.data_type == "s" for cell in cells)
