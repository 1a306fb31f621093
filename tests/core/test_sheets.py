"""Every importer reads spreadsheets through jaring.core.sheets.table_open, the one reader: a workbook that
would inflate to gigabytes, an encrypted one and a cell longer than Excel allows are refused before anything
is judged or stored."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from openpyxl import Workbook

from jaring.core.errors import DomainError
from jaring.core.sheets import MAX_CELL_CHARS, SpreadsheetError, zip_check
from jaring.eligibility.participants import parse_participants
from jaring.enrolment.answers import parse_answer
from jaring.registry.imports.files import file_check

ENCRYPTED = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    + b"\x00" * 504
    + "EncryptionInfo".encode("utf-16-le")
    + b"\x00" * 64
    + "EncryptedPackage".encode("utf-16-le")
    + b"\x00" * 512
)


def shared_strings_bomb(characters: int = 20_000_000) -> bytes:
    """The outside test's file, smaller: one huge string in xl/sharedStrings.xml, a tiny upload."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", '<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>')
        archive.writestr("xl/sharedStrings.xml", b"<sst><si><t>" + b"A" * characters + b"</t></si></sst>")
    return buffer.getvalue()


# The columns every reader needs, so that only the long cell is wrong.
HEADER = ["nik", "nama", "tanggal_lahir", "jenis_kelamin", "alamat", "domisili_sejak", "sektor"]
HEADER += ["penghasilan_bulanan", "kode_kelurahan", "status", "kpj"]
ROW = ["6471011508900001", "B" * (MAX_CELL_CHARS + 1), "1990-08-15", "L", "Jl. Mulawarman", "2015-01-01", "ojol"]
ROW += ["2500000", "64.71.01.1001", "aktif", "12345678901"]


def workbook_with_a_long_cell() -> bytes:
    """openpyxl cuts a cell at Excel's limit, so the long text is put into the saved XML afterwards."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append([*ROW[:1], "PLACEHOLDER", *ROW[2:]])
    saved = io.BytesIO()
    workbook.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, source.read(item).replace(b"PLACEHOLDER", ROW[1].encode()))
    return out.getvalue()


READERS: dict[str, Callable[[bytes, str], object]] = {
    "applicant import": lambda content, name: file_check(content),
    "BPJS participant list": lambda content, name: parse_participants(file_name=name, content=content),
    "BPJS answer": lambda content, name: parse_answer(file_name=name, content=content),
}


@pytest.mark.django_db
@pytest.mark.parametrize("reader", READERS)
def test_a_workbook_whose_shared_strings_inflate_a_thousandfold_is_refused_unread(reader: str) -> None:
    content = shared_strings_bomb()
    assert len(content) < 100_000
    with pytest.raises(DomainError) as refused:
        READERS[reader](content, "daftar.xlsx")
    assert refused.value.message.startswith("Isi workbook terlalu besar")
    assert refused.value.field == "file"


@pytest.mark.django_db
@pytest.mark.parametrize("reader", READERS)
def test_an_encrypted_workbook_is_refused_saying_how_to_remove_the_password(reader: str) -> None:
    with pytest.raises(DomainError) as refused:
        READERS[reader](ENCRYPTED, "daftar.xlsx")
    assert "dilindungi kata sandi" in refused.value.message


@pytest.mark.django_db
@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_cell_longer_than_excel_allows_is_refused(reader: str, kind: str) -> None:
    if kind == "xlsx":
        content = workbook_with_a_long_cell()
    else:
        content = (";".join(HEADER) + "\r\n" + ";".join(ROW) + "\r\n").encode()
    with pytest.raises(DomainError) as refused:
        READERS[reader](content, f"daftar.{kind}")
    assert "lebih dari 32.767 karakter" in refused.value.message
    assert "Baris 2" in refused.value.message


def test_a_real_list_passes_the_member_checks() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for n in range(20_000):  # every row alike: the best a real list compresses
        sheet.append(["6471011508900001", "Budi Santoso", "1990-08-15", "L", "Jl. Mulawarman No. 1", "ojol", n])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "xl/workbook.xml" in zip_check(buffer.getvalue(), max_bytes=1_048_576)


def test_a_big_shared_strings_part_is_refused_even_when_it_compresses_poorly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("jaring.core.sheets.MAX_SHARED_STRINGS_BYTES", 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # stored, not compressed: ratio 1
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"x" * 2000 + b"</sst>")
    with pytest.raises(SpreadsheetError):
        zip_check(buffer.getvalue(), max_bytes=1_048_576)
