"""Registering at the counter (/pendaftaran/baru/): the form's data and the service the form calls."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jaring.core.models import User
from jaring.eligibility.models import DocumentKind
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel
from jaring.registry.services import Upload, applicant_register
from tests.helpers.applicants import applicant, parsed
from tests.helpers.documents import PDF, PNG


def files(*kinds: str) -> dict[str, SimpleUploadedFile]:
    samples = {
        "ktp": SimpleUploadedFile("ktp.png", PNG, content_type="image/png"),
        "kk": SimpleUploadedFile("kk.pdf", PDF, content_type="application/pdf"),
        "aplikator_letter": SimpleUploadedFile("surat.pdf", PDF, content_type="application/pdf"),
    }
    return {f"dokumen_{kind}": samples[kind] for kind in kinds}


def form(programme: Programme | None, *, token: str = "", documents: tuple[str, ...] = (), **overrides: Any):
    data: dict[str, Any] = {k: v for k, v in applicant(**overrides).items() if v is not None}
    if programme is not None:
        data["programme"] = str(programme.pk)
    if token:
        data["submission"] = token
    data.update(files(*documents))
    return data


def register(actor: User, programme: Programme, *, uploads: bool = True, **overrides: Any) -> Application:
    """An application made through the service, as another counter visit earlier would have."""
    documents = [Upload(DocumentKind.KTP, PNG, "ktp.png"), Upload(DocumentKind.KK, PDF, "kk.pdf")]
    if uploads:
        documents.append(Upload(DocumentKind.APLIKATOR_LETTER, PDF, "surat.pdf"))
    return applicant_register(
        data=parsed(applicant(**overrides)),
        programme=programme,
        channel=Channel.COUNTER,
        actor=actor,
        uploads=documents,
    )
