"""Documents through the API, and sending a returned application in again once they are complete."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jaring.programmes.models import Programme
from jaring.registry.models import Application, Document
from tests.helpers.api import URL, Partner, assert_error_shape, body
from tests.helpers.documents import OPEN_ACTION_JS, PDF, PNG

pytestmark = pytest.mark.django_db


def upload(partner: Partner, number: str, kind: str, content: bytes, name: str = "scan.png", **headers: str) -> Any:
    data = {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="image/png")}
    return partner.upload(f"{URL}/{number}/documents", data, **headers)


@pytest.fixture
def returned(gojek: Partner, bpn_2026: Programme) -> str:
    """An ojol driver registered by a partner, returned because the documents are still to come."""
    response = gojek.post(URL, body())
    assert response.json()["status"] == "returned"
    return str(response.json()["number"])


def test_a_png_document_is_stored_and_described(gojek: Partner, returned: str) -> None:
    response = upload(gojek, returned, "ktp", PNG)
    assert response.status_code == 201, response.content
    assert response.json() == {
        "kind": "ktp",
        "sha256": hashlib.sha256(PNG).hexdigest(),
        "size": len(PNG),
        "content_type": "image/png",
    }
    document = Document.objects.get()
    assert document.application.number == returned and document.uploaded_by_label == "api:Gojek"


def test_a_file_that_is_not_what_it_claims_is_422_on_the_file_field(gojek: Partner, returned: str) -> None:
    answer = assert_error_shape(upload(gojek, returned, "ktp", b"just some text, not a picture"), 422)
    assert list(answer["errors"]) == ["file"]
    assert not Document.objects.exists()


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n truncated"])
def test_an_empty_or_truncated_file_is_422(gojek: Partner, returned: str, content: bytes) -> None:
    assert "file" in assert_error_shape(upload(gojek, returned, "ktp", content), 422)["errors"]


def test_an_oversized_file_is_422(gojek: Partner, returned: str, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 1024
    answer = assert_error_shape(upload(gojek, returned, "ktp", PNG[:-12] + b"\x00" * 2048 + PNG[-12:]), 422)
    assert "file" in answer["errors"]


def test_an_unknown_kind_or_a_missing_file_is_422(gojek: Partner, returned: str) -> None:
    assert "kind" in assert_error_shape(upload(gojek, returned, "selfie", PNG), 422)["errors"]
    missing = gojek.upload(f"{URL}/{returned}/documents", {"kind": "ktp"})
    assert "file" in assert_error_shape(missing, 422)["errors"]
    no_kind = gojek.upload(f"{URL}/{returned}/documents", {"file": SimpleUploadedFile("a.png", PNG)})
    assert "kind" in assert_error_shape(no_kind, 422)["errors"]


def test_another_funders_partner_cannot_add_documents(samarinda_partner: Partner, returned: str) -> None:
    assert_error_shape(upload(samarinda_partner, returned, "ktp", PNG), 404)


def test_a_reports_token_cannot_add_documents(dashboard: Partner, returned: str) -> None:
    assert_error_shape(upload(dashboard, returned, "ktp", PNG), 403)


def test_the_same_upload_retried_with_its_key_is_stored_once(gojek: Partner, returned: str) -> None:
    first = upload(gojek, returned, "ktp", PNG, HTTP_IDEMPOTENCY_KEY="ktp-1")
    again = upload(gojek, returned, "ktp", PNG, HTTP_IDEMPOTENCY_KEY="ktp-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Document.objects.count() == 1
    assert upload(gojek, returned, "kk", PDF, HTTP_IDEMPOTENCY_KEY="ktp-1").status_code == 409


def test_a_returned_application_is_sent_in_again_once_its_documents_are_complete(gojek: Partner, returned: str) -> None:
    for kind, content in (("ktp", PNG), ("kk", PDF), ("aplikator_letter", PDF)):
        assert upload(gojek, returned, kind, content).status_code == 201
    response = gojek.post(f"{URL}/{returned}/submit")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["status"] == "awaiting_verification"
    assert answer["complete"] is True and answer["reasons"] == []
    # Balikpapan's owning office verifies ojol drivers itself (Dinas Sosial from 2026).
    assert answer["verifying_agency"] == "DINSOS"
    assert gojek.get(f"{URL}/{returned}").json() == answer


def test_sending_in_an_application_that_is_still_incomplete_returns_it_again(gojek: Partner, returned: str) -> None:
    upload(gojek, returned, "ktp", PNG)
    answer = gojek.post(f"{URL}/{returned}/submit").json()
    assert answer["status"] == "returned" and answer["complete"] is False
    assert "Kartu Keluarga" in answer["reasons"][0]


def test_an_application_that_is_not_returned_cannot_be_sent_in_again(gojek: Partner, returned: str) -> None:
    # The partner's own application, already sent on to verification (as if its documents had come another way).
    Application.objects.filter(number=returned).update(status="awaiting_verification")
    assert_error_shape(gojek.post(f"{URL}/{returned}/submit"), 409)
    assert Application.objects.get(number=returned).status == "awaiting_verification"


def test_a_fisher_goes_to_the_dppp_once_complete(gojek: Partner, bpn_2026: Programme) -> None:
    number = gojek.post(URL, body(sektor="nelayan", aplikator=None)).json()["number"]
    for kind, content in (("ktp", PNG), ("kk", PDF), ("sector_evidence", PDF)):
        upload(gojek, number, kind, content)
    answer = gojek.post(f"{URL}/{number}/submit", HTTP_IDEMPOTENCY_KEY="send-1").json()
    assert answer["status"] == "awaiting_verification" and answer["verifying_agency"] == "DPPP"
    # A retry of the same send answers the same, instead of a 409 for an application no longer returned.
    again = gojek.post(f"{URL}/{number}/submit", HTTP_IDEMPOTENCY_KEY="send-1")
    assert again.status_code == 200 and again.json() == answer


def test_another_partner_of_the_same_funder_cannot_add_documents_or_send_in_again(grab: Partner, returned: str) -> None:
    assert_error_shape(upload(grab, returned, "ktp", PNG), 404)
    assert_error_shape(grab.post(f"{URL}/{returned}/submit", {}), 404)
    assert not Document.objects.exists()


def test_a_partner_cannot_change_an_application_that_came_another_way(
    gojek: Partner, make_application: Any, bpn_2026: Programme
) -> None:
    imported = make_application(bpn_2026, status="submitted")
    assert imported.channel != "api"
    assert_error_shape(upload(gojek, imported.number, "kk", PNG), 404)
    assert_error_shape(gojek.post(f"{URL}/{imported.number}/submit", {}), 404)
    assert not Document.objects.exists()


def test_the_api_refuses_it_on_the_file_field_naming_the_document(gojek: Partner, bpn_2026: Programme) -> None:
    number = gojek.post(URL, body()).json()["number"]
    upload = SimpleUploadedFile("kk.pdf", OPEN_ACTION_JS, content_type="application/pdf")
    answer = assert_error_shape(gojek.upload(f"{URL}/{number}/documents", {"kind": "kk", "file": upload}), 422)
    assert "PDF berisi skrip" in answer["errors"]["file"][0]
    assert answer["errors"]["file"][0].startswith("Kartu Keluarga") or "KK" in answer["errors"]["file"][0]
    assert not Document.objects.exists()
