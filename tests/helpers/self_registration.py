"""The public self-registration (/daftar/), step by step."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jaring.registry.models import Application
from tests.helpers.documents import PDF, PNG

IDENTITY = {
    "nik": "6471011508900001",
    "no_kk": "6471010101100001",
    "nama": "Budi Santoso",
    "tempat_lahir": "Balikpapan",
    "tanggal_lahir": "15-08-1990",
    "jenis_kelamin": "L",
    "nama_ibu_kandung": "Siti Aminah",
}


ADDRESS = {
    "wilayah": "64.71",
    "alamat": "Jl. Mulawarman No. 12",
    "rt": "5",
    "rw": "2",
    "kode_kelurahan": "64.71.01.1001",
    "domisili_sejak": "01-01-2015",
    "no_hp": "0812-3456-7890",
}


WORK = {"sektor": "ojol", "penghasilan_bulanan": "2.500.000", "aplikator": "Gojek", "keterangan": ""}


ALL_DOCUMENTS = {"ktp": ("ktp.png", PNG), "kk": ("kk.pdf", PDF), "aplikator_letter": ("surat.pdf", PDF)}


def step(name: str) -> str:
    return reverse("public:register_step", args=[name])


def files(documents: dict[str, tuple[str, bytes]]) -> dict[str, SimpleUploadedFile]:
    return {f"dokumen_{kind}": SimpleUploadedFile(name, content) for kind, (name, content) in documents.items()}


def fill(
    client: Client,
    *,
    identity: dict[str, str] | None = None,
    address: dict[str, str] | None = None,
    work: dict[str, str] | None = None,
    documents: dict[str, tuple[str, bytes]] | None = None,
    programme: str = "BPN-2026",
) -> None:
    """Every step up to the review, each answered with a redirect to the next."""
    answers = [
        ("program", {"programme": programme}),
        ("identitas", {**IDENTITY, **(identity or {})}),
        ("alamat", {**ADDRESS, **(address or {})}),
        ("pekerjaan", {**WORK, **(work or {})}),
        ("dokumen", {"action": "next", **files(ALL_DOCUMENTS if documents is None else documents)}),
    ]
    for name, data in answers:
        response = client.post(step(name), data)
        assert response.status_code == 302, (name, response.content.decode()[:3000])


def submit(client: Client) -> object:
    return client.post(step("periksa"), {"pernyataan": "1"})


def register(client: Client, **kwargs: object) -> Application:
    fill(client, **kwargs)  # type: ignore[arg-type]
    response = submit(client)
    assert response.status_code == 302 and response["Location"] == reverse("public:register_done")
    return Application.objects.order_by("-pk").first()  # type: ignore[return-value]
