"""A file that cannot be imported as a whole is refused with a clear message in Bahasa Indonesia, and
nothing changes: no batch, no stored file, no application, no audit record."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from openpyxl import Workbook

from jaring.core.models import AuditRecord, Job, User
from jaring.programmes.models import Programme
from jaring.registry.imports.files import ImportFileError
from jaring.registry.imports.services import import_batch_start
from jaring.registry.models import Application, ImportBatch, Person
from tests.helpers.imports import HEADER, csv_bytes, good, xlsx_bytes

pytestmark = pytest.mark.django_db

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def encrypted_workbook() -> bytes:
    """What Excel writes for a workbook with a password: an OLE2 container holding the encrypted package."""
    return (
        OLE2
        + b"\x00" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 64
        + "EncryptedPackage".encode("utf-16-le")
        + os.urandom(2048)
    )


def legacy_xls() -> bytes:
    return OLE2 + b"\x00" * 504 + "Workbook".encode("utf-16-le") + os.urandom(2048)


def corrupt_zip() -> bytes:
    valid = xlsx_bytes([good(1)])
    return valid[: len(valid) // 2]


def docx_like() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def xlsx_without_sheet_data() -> bytes:
    valid = io.BytesIO(xlsx_bytes([good(1)]))
    out = io.BytesIO()
    with zipfile.ZipFile(valid) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if not item.filename.startswith("xl/worksheets/"):
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


def wrong_sheet() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Rekap"
    sheet.append(["Kelurahan", "Jumlah"])
    sheet.append(["Manggar", 120])
    other = workbook.create_sheet("Data")
    other.append(HEADER)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


REFUSED = {
    "empty": (b"", "Berkas kosong (0 bita). Pilih berkas XLSX atau CSV yang berisi daftar pemohon."),
    "random bytes": (
        bytes(range(256)) * 8,
        "Berkas ini bukan XLSX atau CSV. Unggah daftar pemohon sebagai .xlsx atau .csv.",
    ),
    "a csv with a NUL byte far down": (
        csv_bytes([good(1)]) + b"a" * 70_000 + b"\x00\r\n",
        "Berkas ini bukan XLSX atau CSV.",
    ),
    "corrupt zip": (corrupt_zip(), "Berkas XLSX rusak dan tidak dapat dibuka"),
    "xlsx missing its sheet": (xlsx_without_sheet_data(), "Berkas XLSX rusak dan tidak dapat dibuka"),
    "password-protected workbook": (encrypted_workbook(), "Workbook dilindungi kata sandi"),
    "old .xls": (legacy_xls(), "Berkas Excel format lama (.xls) tidak didukung."),
    "zip that is not a workbook": (docx_like(), "Berkas ini arsip ZIP tetapi bukan workbook XLSX"),
    "wrong sheet": (
        wrong_sheet(),
        "Lembar pertama “Rekap” tidak berisi kolom daftar pemohon (nik, nama, tanggal_lahir, ...). Letakkan daftar "
        "di lembar pertama atau beri nama lembarnya “pendaftar”. Lembar yang ada: Rekap, Data.",
    ),
    "missing columns": (
        csv_bytes(
            [good(1)],
            header=[c for c in HEADER if c not in ("tanggal_lahir", "sektor", "kode_kelurahan", "kecamatan")],
        ),
        "Kolom wajib tidak ada: tanggal_lahir, sektor, kode_kelurahan (atau kelurahan dan kecamatan). Nama kolom dan "
        "aliasnya ada di templat impor.",
    ),
    "a column twice": (
        csv_bytes([{**good(1), "no_ktp": "6471011508900002"}], header=[*HEADER, "no_ktp"]),
        "Kolom nik muncul lebih dari sekali (nik, no_ktp); hapus salah satunya.",
    ),
    "header only": (csv_bytes([]), "Berkas tidak berisi baris data di bawah baris judul."),
    "blank sheet": (b"\r\n\r\n", "Lembar “CSV” kosong."),
}


def nothing_changed(before_audit: int) -> None:
    assert not ImportBatch.objects.exists()
    assert not Application.objects.exists()
    assert not Person.objects.exists()
    assert not Job.objects.exists()
    assert AuditRecord.objects.count() == before_audit
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()


@pytest.mark.parametrize("kind", list(REFUSED))
def test_a_file_that_cannot_be_imported_is_refused_with_its_reason_and_nothing_changes(
    bpn_2026: Programme, registration_officer: User, kind: str
) -> None:
    content, message = REFUSED[kind]
    before = AuditRecord.objects.count()
    with pytest.raises(ImportFileError) as refused:
        import_batch_start(
            programme=bpn_2026, actor=registration_officer, file_name="daftar", content=content, enqueue=False
        )
    assert refused.value.message.startswith(message)
    assert refused.value.field == "file"
    nothing_changed(before)


@override_settings(IMPORT_MAX_ROWS=3)
def test_a_file_with_more_rows_than_allowed_is_refused(bpn_2026: Programme, registration_officer: User) -> None:
    before = AuditRecord.objects.count()
    with pytest.raises(ImportFileError) as refused:
        import_batch_start(
            programme=bpn_2026,
            actor=registration_officer,
            file_name="daftar.csv",
            content=csv_bytes([good(n) for n in range(1, 5)]),
            enqueue=False,
        )
    assert refused.value.message == (
        "Berkas berisi lebih dari 3 baris data, batas satu impor. Pecah daftar menjadi beberapa berkas."
    )
    nothing_changed(before)


@override_settings(IMPORT_MAX_BYTES=1000)
def test_a_file_larger_than_allowed_is_refused(bpn_2026: Programme, registration_officer: User) -> None:
    content = csv_bytes([good(n) for n in range(1, 20)])
    with pytest.raises(ImportFileError) as refused:
        import_batch_start(
            programme=bpn_2026, actor=registration_officer, file_name="daftar.csv", content=content, enqueue=False
        )
    assert refused.value.message.startswith("Berkas terlalu besar")
    assert not ImportBatch.objects.exists()


@override_settings(IMPORT_MAX_BYTES=100_000)
def test_a_workbook_that_inflates_far_beyond_its_size_is_refused(
    bpn_2026: Programme, registration_officer: User
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x20" * (settings.IMPORT_MAX_BYTES * 21))
    with pytest.raises(ImportFileError) as refused:
        import_batch_start(
            programme=bpn_2026,
            actor=registration_officer,
            file_name="bom.xlsx",
            content=buffer.getvalue(),
            enqueue=False,
        )
    assert refused.value.message.startswith("Isi workbook terlalu besar")


def test_a_closed_programme_refuses_an_import(bpn_2026: Programme, registration_officer: User) -> None:
    bpn_2026.status = Programme.Status.CLOSED
    bpn_2026.save()
    with pytest.raises(Exception) as refused:
        import_batch_start(
            programme=bpn_2026,
            actor=registration_officer,
            file_name="a.csv",
            content=csv_bytes([good(1)]),
            enqueue=False,
        )
    assert "tidak menerima pendaftaran" in str(refused.value)
    assert not ImportBatch.objects.exists()
