"""Applicant lists for the bulk import, built in memory as CSV or XLSX, and their recorded outcomes."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

from jaring.registry.models import ImportBatch, ImportRow
from tests.helpers.reference import MANGGAR

HEADER = [
    "nik",
    "no_kk",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "nama_ibu_kandung",
    "alamat",
    "rt",
    "rw",
    "kode_kelurahan",
    "kelurahan",
    "kecamatan",
    "domisili_sejak",
    "no_hp",
    "sektor",
    "penghasilan_bulanan",
    "aplikator",
    "keterangan",
]


def good(serial: int = 1, **overrides: object) -> dict[str, object]:
    """A row that is valid and eligible in BPN-2026 (a man of Manggar born 15-08-1990, an ojol driver)."""
    row: dict[str, object] = {
        "nik": f"647101150890{serial:04d}",
        "no_kk": "6471010101100001",
        "nama": f"Budi Santoso {chr(64 + serial % 26 + 1)}",
        "tempat_lahir": "Balikpapan",
        "tanggal_lahir": "15-08-1990",
        "jenis_kelamin": "L",
        "nama_ibu_kandung": "Siti Aminah",
        "alamat": "Jl. Mulawarman No. 12",
        "rt": "5",
        "rw": "2",
        "kode_kelurahan": MANGGAR,
        "domisili_sejak": "2015-01-01",
        "no_hp": "0812-3456-7890",
        "sektor": "ojol",
        "penghasilan_bulanan": "Rp2.500.000",
        "aplikator": "Gojek",
        "keterangan": "",
    }
    row.update(overrides)
    return row


def _table(rows: Sequence[dict[str, object]], header: Sequence[str] | None) -> tuple[list[str], list[list[object]]]:
    columns = list(header) if header is not None else list(HEADER)
    return columns, [[row.get(column, "") for column in columns] for row in rows]


def csv_bytes(
    rows: Sequence[dict[str, object]],
    *,
    header: Sequence[str] | None = None,
    sep: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    import csv

    columns, table = _table(rows, header)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(columns)
    for row in table:
        writer.writerow(["" if value is None else value for value in row])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(
    rows: Sequence[dict[str, object]],
    *,
    header: Sequence[str] | None = None,
    sheet: str = "pendaftar",
    before: Sequence[str] = (),
) -> bytes:
    """An XLSX written by openpyxl; values keep their Python type (a NIK given as int becomes a number cell)."""
    columns, table = _table(rows, header)
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    for index, name in enumerate(before):
        other = first if index == 0 else workbook.create_sheet(name)
        other.title = name
        other.append(["Catatan", "isi"])
    data = workbook.create_sheet(sheet) if before else first
    data.title = sheet
    data.append(columns)
    for row in table:
        data.append([None if value == "" else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def outcomes(batch: ImportBatch) -> dict[int, ImportRow]:
    return {row.row_number: row for row in ImportRow.objects.filter(batch=batch)}


def reasons(batch: ImportBatch, row_number: int = 2) -> str:
    return "; ".join(ImportRow.objects.get(batch=batch, row_number=row_number).reasons)
