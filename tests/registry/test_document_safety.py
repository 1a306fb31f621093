"""A PDF that acts when opened (JavaScript, an open action, a launch) is refused at upload, naming the document;
a stored document is handed out so that it can never run as a page of this site."""

from __future__ import annotations

import zlib
from typing import Any

import pytest

from jaring.programmes.models import Programme
from jaring.registry.documents import PDF as PDF_TYPE
from jaring.registry.documents import sniff
from tests.helpers.counter import register
from tests.helpers.documents import OPEN_ACTION_JS, PDF

ESCAPED_NAME = b"%PDF-1.7\n1 0 obj<</Type/Catalog/Names<</J#61vaScript 3 0 R>>>>endobj\ntrailer<<>>\n%%EOF\n"
LAUNCH = b"%PDF-1.7\n1 0 obj<</Type/Action/S/Launch/F(calc.exe)>>endobj\ntrailer<<>>\n%%EOF\n"
HIDDEN = zlib.compress(b"1 0 obj<</Type/Catalog/OpenAction 5 0 R>>endobj")
IN_OBJECT_STREAM = (
    b"%PDF-1.7\n4 0 obj<</Type/ObjStm/Filter/FlateDecode/Length "
    + str(len(HIDDEN)).encode()
    + b">>stream\n"
    + HIDDEN
    + b"\nendstream\nendobj\ntrailer<<>>\n%%EOF\n"
)


@pytest.mark.parametrize(
    "content",
    [OPEN_ACTION_JS, ESCAPED_NAME, LAUNCH, IN_OBJECT_STREAM],
    ids=["open-action-javascript", "escaped-name", "launch", "compressed-object-stream"],
)
def test_a_pdf_that_acts_when_opened_is_refused(content: bytes) -> None:
    sniffed = sniff(content, max_bytes=5_000_000)
    assert sniffed.content_type is None
    assert "PDF berisi skrip atau tindakan otomatis" in sniffed.problem


def test_a_plain_pdf_is_accepted() -> None:
    assert sniff(PDF, max_bytes=5_000_000).content_type == PDF_TYPE


@pytest.mark.django_db
def test_stored_documents_are_sandboxed_and_a_pdf_is_a_download(
    bpn_2026: Programme, registration_officer: Any, client_for: Any
) -> None:
    application = register(registration_officer, bpn_2026)
    client = client_for(registration_officer)
    for kind, disposition in (("ktp", "inline"), ("kk", "attachment")):
        document = application.documents.get(kind=kind)
        response = client.get(f"/pendaftaran/{application.number}/dokumen/{document.pk}/")
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith(disposition)
        assert response["Content-Security-Policy"].startswith("sandbox")
