"""Each funder shows its own logo (issue 21): a funder administrator uploads it, it is checked and kept like a
document, and it appears on the funder's pages, its public pages, its cards and its SK annex; without one, pages
show Jaring's mark. And no page asks for a favicon in vain."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from jaring.allocation.decrees.exports import decree_pdf
from jaring.allocation.decrees.services import decree_generate
from jaring.core.branding import funder_logo_bytes
from jaring.core.errors import DomainError, PermissionDenied
from jaring.core.models import AuditRecord, Funder, Role, User
from jaring.core.services import funder_logo_remove, funder_logo_set
from jaring.enrolment.cards.pdf import CardFace, faces_pdf
from jaring.programmes.models import Programme

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-03")]

LOGOS = "/pengguna/logo/"


def image(width: int = 300, height: int = 200, kind: str = "PNG", colour: str = "#c8102e") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format=kind)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(client: Client, funder: str, content: bytes, name: str = "logo.png"):  # type: ignore[no-untyped-def]
    return client.post(LOGOS, {"funder": funder, "action": "upload", "logo": SimpleUploadedFile(name, content)})


def test_a_funder_administrator_uploads_the_logo_and_it_is_kept_as_a_small_png_and_audited(
    administrator: User, balikpapan: Funder, client_for: Callable[[User], Client], media: Path
) -> None:
    client = client_for(administrator)
    response = upload(client, "balikpapan", image(2000, 1000, "JPEG"), name="lambang-balikpapan.jpg")
    assert response.status_code == 302
    balikpapan.refresh_from_db()
    assert balikpapan.logo_sha256 and balikpapan.logo.name.startswith("logos/")
    stored = media / balikpapan.logo.name
    with Image.open(stored) as kept:
        assert kept.format == "PNG" and max(kept.size) == 512  # redrawn, metadata dropped
    record = AuditRecord.objects.get(action="funder.logo_set")
    assert record.actor == administrator and record.data["file"] == "lambang-balikpapan.jpg"

    served = client.get(balikpapan.logo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == stored.read_bytes()
    assert 'id="funder-brand-logo"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just text pretending to be a picture", "Logo harus gambar PNG atau JPEG."),
        (image(20, 20), "Logo terlalu kecil (20 × 20 piksel)"),
        (image()[:60], "Gambar logo rusak atau tidak utuh"),
        (b"GIF89a" + b"\x00" * 100, "Logo harus gambar PNG atau JPEG."),
        (b"", "Berkas logo kosong"),
    ],
)
def test_what_is_not_a_usable_image_is_refused_with_a_reason_and_changes_nothing(
    content: bytes, message: str, administrator: User, balikpapan: Funder, client_for: Callable[[User], Client]
) -> None:
    response = upload(client_for(administrator), "balikpapan", content)
    assert response.status_code == 400
    assert message in response.content.decode()
    balikpapan.refresh_from_db()
    assert not balikpapan.logo_sha256 and not AuditRecord.objects.filter(action="funder.logo_set").exists()


def test_a_logo_over_the_size_limit_is_refused(
    settings, administrator: User, balikpapan: Funder, client_for: Callable[[User], Client]
) -> None:  # type: ignore[no-untyped-def]
    settings.LOGO_MAX_KB = 16
    big = Image.effect_noise((400, 400), 80).convert("RGB")
    buffer = io.BytesIO()
    big.save(buffer, format="PNG")
    response = upload(client_for(administrator), "balikpapan", buffer.getvalue())
    assert response.status_code == 400 and "melebihi batas 16 KB" in response.content.decode()


def test_another_funders_administrator_and_other_roles_cannot_change_it(
    make_officer: Callable[..., User],
    samarinda: Funder,
    balikpapan: Funder,
    programme_manager: User,
    client_for: Callable[[User], Client],
) -> None:
    samarinda_admin = make_officer("admin_smd", Role.ADMINISTRATOR, samarinda, is_staff=True)
    assert upload(client_for(samarinda_admin), "balikpapan", image()).status_code == 403
    with pytest.raises(PermissionDenied):
        funder_logo_set(funder=balikpapan, content=image(), file_name="x.png", actor=samarinda_admin)
    assert client_for(programme_manager).get(LOGOS).status_code == 403
    balikpapan.refresh_from_db()
    assert not balikpapan.logo_sha256


def test_the_logo_is_on_the_funders_public_pages_and_the_default_mark_without_one(
    administrator: User, balikpapan: Funder, bpn_2026: Programme, client: Client
) -> None:
    client.post("/daftar/program/", {"programme": "BPN-2026"})
    page = client.get("/daftar/identitas/").content.decode()
    assert 'id="funder-brand-default"' in page  # the programme's funder, no logo yet: Jaring's mark
    funder_logo_set(funder=balikpapan, content=image(), file_name="logo.png", actor=administrator)
    page = client.get("/daftar/identitas/").content.decode()
    assert 'id="funder-brand-logo"' in page and balikpapan.name in page
    funder_logo_remove(funder=balikpapan, actor=administrator)
    assert 'id="funder-brand-default"' in client.get("/daftar/identitas/").content.decode()
    assert AuditRecord.objects.filter(action="funder.logo_remove").exists()


def test_the_cards_and_the_sk_annex_carry_the_logo(
    administrator: User, balikpapan: Funder, bpn_2026: Programme, programme_manager: User
) -> None:
    face = CardFace(
        funder="Pemerintah Kota Balikpapan",
        programme="BPN-2026",
        name="Budi",
        nik="6471**********01",
        kpj="26100000001",
        valid_until=date(2026, 12, 31),
        url="https://jaring.example/kartu/t/",
        number=1,
    )
    decree = decree_generate(programme=bpn_2026, number="SK-1", decree_date=date(2026, 12, 1), actor=programme_manager)
    assert b"/Subtype /Image" not in faces_pdf([face]) and b"/Subtype /Image" not in decree_pdf(decree)

    funder_logo_set(funder=balikpapan, content=image(), file_name="logo.png", actor=administrator)
    balikpapan.refresh_from_db()
    logo = funder_logo_bytes(balikpapan)
    assert logo is not None
    with_logo = replace(face, logo=logo)
    one, eight = faces_pdf([with_logo]), faces_pdf([with_logo] * 8)
    # Embedded once (the image and its transparency mask), however many cards the sheet holds.
    assert one.count(b"/Subtype /Image") == eight.count(b"/Subtype /Image") == 2
    decree.programme.funder.refresh_from_db()
    assert b"/Subtype /Image" in decree_pdf(decree)


def test_the_favicon_is_served_and_every_page_names_its_icon(client: Client, reference: None) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".ico")
    page = client.get("/masuk/").content.decode()
    assert 'rel="icon"' in page and "favicon" in page


def test_a_missing_logo_file_leaves_the_pdf_without_it_rather_than_failing(
    administrator: User, balikpapan: Funder, media: Path
) -> None:
    funder_logo_set(funder=balikpapan, content=image(), file_name="logo.png", actor=administrator)
    balikpapan.refresh_from_db()
    (media / balikpapan.logo.name).unlink()
    assert funder_logo_bytes(balikpapan) is None


def test_the_service_refuses_a_non_image_naming_the_field(administrator: User, balikpapan: Funder) -> None:
    with pytest.raises(DomainError) as caught:
        funder_logo_set(funder=balikpapan, content=b"%PDF-1.4", file_name="logo.pdf", actor=administrator)
    assert caught.value.field == "logo"
