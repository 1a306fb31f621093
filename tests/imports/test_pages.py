"""The import pages (/impor/): who may import into which programme, the upload form, the batch page with
its progress bar, resuming, the result download (logged) and the template."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from jaring.core.errors import PermissionDenied
from jaring.core.models import AccessLog, User
from jaring.programmes.models import Programme
from jaring.registry.imports.files import REQUIRED_COLUMNS
from jaring.registry.imports.results import EXAMPLE
from jaring.registry.imports.services import import_batch_run, import_batch_start
from jaring.registry.intake import COLUMNS, TEMPLATE_EXAMPLE_NIK
from jaring.registry.models import Application, ImportBatch, ImportRow
from tests.helpers.imports import csv_bytes, good, outcomes, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(client: Client, programme: Programme, content: bytes, name: str = "daftar.csv", **extra: str):
    return client.post(
        "/impor/",
        {"programme": programme.pk, "file": SimpleUploadedFile(name, content), **extra},
    )


# -- who may import ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["registration_officer", "programme_manager"])
def test_registration_officers_and_programme_managers_may_import(
    request: pytest.FixtureRequest, persona: str, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    user = request.getfixturevalue(persona)
    response = upload(client_for(user), bpn_2026, csv_bytes([good(1)]))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/impor/{batch.pk}/"
    assert batch.created_by == user and batch.status == ImportBatch.Status.QUEUED


@pytest.mark.parametrize("persona", ["dppp_verifier", "kelurahan_operator_manggar", "auditor", "outsider"])
def test_verifiers_kelurahan_operators_and_others_cannot_import(
    request: pytest.FixtureRequest, persona: str, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/impor/").status_code == 403
    assert upload(client, bpn_2026, csv_bytes([good(1)])).status_code == 403
    with pytest.raises(PermissionDenied):
        import_batch_start(
            programme=bpn_2026,
            actor=request.getfixturevalue(persona),
            file_name="a.csv",
            content=csv_bytes([good(1)]),
            enqueue=False,
        )
    assert not ImportBatch.objects.exists()


def test_an_officer_of_another_funder_cannot_import_into_bpn_2026(
    samarinda_officer: User, bpn_2026: Programme, smd_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    client = client_for(samarinda_officer)
    page = client.get("/impor/").content.decode()
    assert "SMD-2026" in page and "BPN-2026" not in page
    response = upload(client, bpn_2026, csv_bytes([good(1)]))
    assert response.status_code == 400  # not one of the offered programmes
    with pytest.raises(PermissionDenied) as refused:
        import_batch_start(
            programme=bpn_2026, actor=samarinda_officer, file_name="a.csv", content=csv_bytes([good(1)]), enqueue=False
        )
    assert refused.value.message == "Program BPN-2026 bukan milik instansi Anda."
    assert not ImportBatch.objects.exists()


def test_an_import_of_another_funder_is_not_found(
    registration_officer: User, samarinda_officer: User, smd_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    batch, _checked = import_batch_start(
        programme=smd_2026, actor=samarinda_officer, file_name="a.csv", content=csv_bytes([good(1)]), enqueue=False
    )
    client = client_for(registration_officer)
    for path in ("", "kemajuan/", "hasil.xlsx"):
        assert client.get(f"/impor/{batch.pk}/{path}").status_code == 404
    assert client.post(f"/impor/{batch.pk}/lanjutkan/").status_code == 404
    assert batch.pk not in [b.pk for b in client.get("/impor/").context["batches"]]


# -- the upload form ---------------------------------------------------------------------------------


def test_a_refused_file_is_shown_next_to_the_file_field_and_nothing_is_stored(
    registration_officer: User, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    response = upload(client_for(registration_officer), bpn_2026, b"", name="kosong.csv")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="file-errors"' in page
    assert "Berkas kosong (0 bita)." in page
    assert not ImportBatch.objects.exists()


def test_an_upload_without_a_file_or_programme_asks_for_them(
    registration_officer: User, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    response = client_for(registration_officer).post("/impor/", {"programme": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"programme", "file"}


def test_the_documents_checked_by_text_is_kept_with_the_batch(
    registration_officer: User, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    upload(
        client_for(registration_officer), bpn_2026, csv_bytes([good(1)]), documents_checked_by=" Kelurahan  Manggar "
    )
    batch = ImportBatch.objects.get()
    assert batch.documents_checked_by == "Kelurahan Manggar"
    run = import_batch_run(batch=batch)
    assert Application.objects.get().documents_attestation == "Kelurahan Manggar"
    assert run.created_count == 1


def test_uploading_the_same_file_again_while_it_is_queued_leads_to_the_same_import(
    registration_officer: User, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    client = client_for(registration_officer)
    first = upload(client, bpn_2026, csv_bytes([good(1)]))
    second = upload(client, bpn_2026, csv_bytes([good(1)]), name="lagi.csv")
    assert first["Location"] == second["Location"]
    assert ImportBatch.objects.count() == 1


# -- the batch page, progress and result ---------------------------------------------------------------


def test_the_progress_fragment_polls_while_the_import_runs_and_offers_the_result_when_done(
    registration_officer: User, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    client = client_for(registration_officer)
    upload(client, bpn_2026, csv_bytes([good(1), good(2, nik="1")]))
    batch = ImportBatch.objects.get()
    queued = client.get(f"/impor/{batch.pk}/kemajuan/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in queued and 'id="import-progress"' in queued
    assert "import-result" not in queued
    import_batch_run(batch=batch)
    done = client.get(f"/impor/{batch.pk}/kemajuan/", HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in done
    assert 'id="import-result"' in done and 'id="count-created">1<' in done and 'id="count-rejected">1<' in done
    page = client.get(f"/impor/{batch.pk}/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]


def test_downloading_the_result_is_logged_as_access_to_personal_data(
    registration_officer: User, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    client = client_for(registration_officer)
    upload(client, bpn_2026, csv_bytes([good(1)]), name="kelurahan manggar.csv")
    batch = ImportBatch.objects.get()
    assert client.get(f"/impor/{batch.pk}/hasil.xlsx").status_code == 404  # not done yet
    import_batch_run(batch=batch)
    response = client.get(f"/impor/{batch.pk}/hasil.xlsx")
    assert response.status_code == 200
    assert 'filename="kelurahan manggar-hasil.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["hasil"]  # type: ignore[attr-defined]
    assert [cell.value for cell in sheet[1]][-3:] == ["status", "nomor_pendaftaran", "alasan"]
    log = AccessLog.objects.get()
    assert (log.actor, log.what, log.person_ref) == (registration_officer, "import_result", f"import:{batch.pk}")
    assert log.funder_id == bpn_2026.funder_id


def test_an_interrupted_import_offers_to_resume_and_resuming_queues_it(
    registration_officer: User, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    client = client_for(registration_officer)
    upload(client, bpn_2026, csv_bytes([good(1)]))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.INTERRUPTED)
    page = client.get(f"/impor/{batch.pk}/").content.decode()
    assert 'id="import-resume"' in page
    response = client.post(f"/impor/{batch.pk}/lanjutkan/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED


def test_a_running_import_is_offered_for_resuming_only_once_it_has_stalled(
    registration_officer: User, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    client = client_for(registration_officer)
    upload(client, bpn_2026, csv_bytes([good(1)]))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    assert 'id="import-resume"' not in client.get(f"/impor/{batch.pk}/").content.decode()
    assert client.post(f"/impor/{batch.pk}/lanjutkan/").status_code == 409
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    assert 'id="import-resume"' in client.get(f"/impor/{batch.pk}/").content.decode()
    assert client.post(f"/impor/{batch.pk}/lanjutkan/").status_code == 302


def test_the_list_of_past_imports_shows_them_with_their_counts(
    registration_officer: User, bpn_2026: Programme, client_for: Callable[[User], Client]
) -> None:
    client = client_for(registration_officer)
    upload(client, bpn_2026, csv_bytes([good(1)]), name="manggar.csv")
    import_batch_run(batch=ImportBatch.objects.get())
    page = client.get("/impor/").content.decode()
    assert "manggar.csv" in page and 'id="batches"' in page


# -- the template ------------------------------------------------------------------------------------


def test_the_template_has_the_spec_columns_over_empty_text_rows_and_the_example_in_the_notes_sheet(
    registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(registration_officer).get("/impor/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["pendaftar", "catatan"]
    sheet = workbook["pendaftar"]
    header = [cell.value for cell in sheet[1]]
    assert header == list(COLUMNS)
    # No person in the sheet that is imported: only the header, over rows formatted for what is typed later.
    assert all(value is None for row in sheet.iter_rows(min_row=2, values_only=True) for value in row)
    for name in ("nik", "no_kk", "no_hp"):
        column = header.index(name) + 1
        assert sheet.cell(row=2, column=column).number_format == "@"
        assert sheet.cell(row=50, column=column).number_format == "@"  # rows typed in later stay text too
    notes = workbook["catatan"]
    assert [cell.value for cell in notes[1]][4] == "contoh (bukan pemohon)"
    rows = {row[0].value: row for row in notes.iter_rows(min_row=2) if row[0].value in COLUMNS}
    assert set(COLUMNS) <= set(rows)
    assert all(rows[name][2].value.startswith("ya") for name in REQUIRED_COLUMNS)
    assert (rows["nik"][4].value, rows["nik"][4].number_format) == (TEMPLATE_EXAMPLE_NIK, "@")
    assert rows["nama"][4].value == "Budi Santoso"


def test_the_empty_template_sent_back_is_refused_as_a_file_without_rows(
    bpn_2026: Programme, registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(registration_officer)
    content = client.get("/impor/template.xlsx").content
    response = upload(client, bpn_2026, content, name="template.xlsx")
    assert response.status_code == 400
    assert "Berkas tidak berisi baris data di bawah baris judul." in response.content.decode()
    assert not Application.objects.exists()


def test_the_example_row_of_an_older_template_is_refused_and_the_real_rows_are_imported(
    run_import: Callable[..., ImportBatch], bpn_2026: Programme
) -> None:
    # An older template carried the example as its first data row; the officer typed the real people below it.
    rows = [dict(EXAMPLE), good(2), good(3)]
    batch = run_import(xlsx_bytes(rows), name="daftar-kelurahan.xlsx")
    assert (batch.created_count, batch.rejected_count) == (2, 1)
    example = outcomes(batch)[2]
    assert example.status == ImportRow.Status.REJECTED
    assert example.reasons == [
        "Kolom nik: baris ini contoh dari templat impor (Budi Santoso, NIK 6471011508900001), bukan pemohon; "
        "hapus baris ini."
    ]
    assert not Application.objects.filter(person__nik=TEMPLATE_EXAMPLE_NIK).exists()


def test_a_real_person_holding_the_example_nik_is_imported(
    run_import: Callable[..., ImportBatch], bpn_2026: Programme
) -> None:
    batch = run_import(xlsx_bytes([{**EXAMPLE, "nama": "Budiman Saputra"}]), name="daftar.xlsx")
    assert (batch.created_count, batch.rejected_count) == (1, 0)
    assert Application.objects.get().person.name == "Budiman Saputra"
