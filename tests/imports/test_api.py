"""The import through the partner API: POST /api/v1/imports (202 with a status URL), GET its status, GET its
result file. A token imports only into its funder's programmes and sees only its own imports."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from openpyxl import load_workbook

from jaring.core.models import AccessLog, Funder, User
from jaring.core.services import api_token_create
from jaring.programmes.models import Programme
from jaring.registry.imports.services import import_batch_run
from jaring.registry.models import Application, ImportBatch
from tests.helpers.imports import csv_bytes, good

pytestmark = pytest.mark.django_db


class Partner:
    def __init__(self, secret: str) -> None:
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def send(self, programme: str, content: bytes, name: str = "drivers.csv", **extra: Any) -> Any:
        data = {"programme": programme, "file": SimpleUploadedFile(name, content), **extra}
        headers = {k: v for k, v in extra.items() if k.startswith("HTTP_")}
        for key in headers:
            data.pop(key)
        return self.client.post("/api/v1/imports", data, **self.auth, **headers)

    def get(self, path: str) -> Any:
        return self.client.get(path, **self.auth)


@pytest.fixture
def partner(administrator: User) -> Callable[..., Partner]:
    def make(funder: Funder, name: str = "Maxim", scopes: tuple[str, ...] = ("registration",)) -> Partner:
        _token, secret = api_token_create(name=name, funder=funder, scopes=list(scopes), actor=administrator)
        return Partner(secret)

    return make


def test_a_partner_sends_a_list_follows_it_and_downloads_the_result(
    partner: Callable[..., Partner], balikpapan: Funder, bpn_2026: Programme
) -> None:
    maxim = partner(balikpapan)
    response = maxim.send("BPN-2026", csv_bytes([good(1), good(2, nik="1")]), documents_checked_by="Maxim Balikpapan")
    assert response.status_code == 202, response.json()
    body = response.json()
    batch = ImportBatch.objects.get(pk=body["id"])
    assert body["status"] == "queued" and body["status_url"] == f"/api/v1/imports/{batch.pk}"
    assert body["result_url"] is None
    assert batch.actor_label == "api:Maxim" and batch.api_token is not None
    assert maxim.get(f"/api/v1/imports/{batch.pk}/result").status_code == 409

    import_batch_run(batch=batch)  # what the worker does
    status = maxim.get(body["status_url"]).json()
    assert (status["status"], status["created"], status["rejected"], status["rows_done"]) == ("done", 1, 1, 2)
    result = maxim.get(status["result_url"])
    assert result.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(result.streaming_content)))["hasil"]
    assert [row[-3] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["dibuat", "ditolak"]
    application = Application.objects.get()
    assert application.api_token == batch.api_token and application.channel == "import"
    assert application.documents_attestation == "Maxim Balikpapan"
    log = AccessLog.objects.get()
    assert (log.actor_label, log.what) == ("api:Maxim", "api_import_result")


def test_a_file_that_cannot_be_imported_is_a_422_naming_the_file(
    partner: Callable[..., Partner], balikpapan: Funder, bpn_2026: Programme
) -> None:
    response = partner(balikpapan).send("BPN-2026", b"", name="kosong.csv")
    assert response.status_code == 422
    assert response.json()["errors"]["file"][0].startswith("Berkas kosong (0 bita).")
    assert not ImportBatch.objects.exists()


def test_the_import_keeps_the_language_of_the_request_for_its_messages(
    partner: Callable[..., Partner], balikpapan: Funder, bpn_2026: Programme
) -> None:
    body = partner(balikpapan).send("BPN-2026", csv_bytes([good(1)]), HTTP_ACCEPT_LANGUAGE="en").json()
    assert ImportBatch.objects.get(pk=body["id"]).options["language"] == "en"


def test_a_programme_of_another_funder_is_not_found(
    partner: Callable[..., Partner], balikpapan: Funder, smd_2026: Programme
) -> None:
    response = partner(balikpapan).send("SMD-2026", csv_bytes([good(1)]))
    assert response.status_code == 404
    assert not ImportBatch.objects.exists()


def test_a_token_without_the_registration_scope_is_refused(
    partner: Callable[..., Partner], balikpapan: Funder, bpn_2026: Programme
) -> None:
    response = partner(balikpapan, scopes=("reports",)).send("BPN-2026", csv_bytes([good(1)]))
    assert response.status_code == 403
    assert Client().post("/api/v1/imports", {}).status_code == 401


def test_a_token_sees_only_its_own_imports(
    partner: Callable[..., Partner], balikpapan: Funder, bpn_2026: Programme
) -> None:
    body = partner(balikpapan, name="Maxim").send("BPN-2026", csv_bytes([good(1)])).json()
    other = partner(balikpapan, name="Grab")
    assert other.get(f"/api/v1/imports/{body['id']}").status_code == 404
    assert other.get(f"/api/v1/imports/{body['id']}/result").status_code == 404


def test_the_same_idempotency_key_replays_the_first_answer(
    partner: Callable[..., Partner], balikpapan: Funder, bpn_2026: Programme
) -> None:
    maxim = partner(balikpapan)
    content = csv_bytes([good(1)])
    first = maxim.send("BPN-2026", content, HTTP_IDEMPOTENCY_KEY="daftar-nov-1")
    again = maxim.send("BPN-2026", content, HTTP_IDEMPOTENCY_KEY="daftar-nov-1")
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    other = maxim.send("BPN-2026", csv_bytes([good(2)]), HTTP_IDEMPOTENCY_KEY="daftar-nov-1")
    assert other.status_code == 409
    assert ImportBatch.objects.count() == 1


def test_the_import_endpoints_are_in_the_openapi_document(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/imports", "/api/v1/imports/{batch_id}", "/api/v1/imports/{batch_id}/result"} <= set(paths)


@override_settings(IMPORT_MAX_BYTES=100)
def test_a_file_larger_than_allowed_is_a_413(
    partner: Callable[..., Partner], balikpapan: Funder, bpn_2026: Programme
) -> None:
    response = partner(balikpapan).send("BPN-2026", csv_bytes([good(1), good(2)]))
    assert response.status_code == 413
    assert response.json()["errors"]["file"]
    assert not ImportBatch.objects.exists()
