"""Lists with the same person typed twice, written as real XLSX (openpyxl) and CSV files."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook

from jaring.core.actors import Actor
from jaring.core.models import Region, Sector, User
from jaring.registry.models import Person
from jaring.registry.services import person_upsert
from tests.helpers.reference import LAMARU, MANGGAR, TESTS

COLUMNS = ("nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "nama_ibu_kandung", "kode_kelurahan", "no_hp")

# Siti Rahmawati of Manggar and the same woman as another office typed her.
SITI = {
    "nik": "6471015203880003",
    "no_kk": "6471010101880007",
    "nama": "Siti Rahmawati",
    "tanggal_lahir": "12-03-1988",
    "jenis_kelamin": "P",
    "nama_ibu_kandung": "Aminah",
    "kode_kelurahan": MANGGAR,
    "no_hp": "081234567001",
}
MUHAMMAD = {
    "nik": "6471011708900001",
    "no_kk": "6471010101900002",
    "nama": "Muhammad Rizki Pratama",
    "tanggal_lahir": "17-08-1990",
    "jenis_kelamin": "L",
    "nama_ibu_kandung": "Nur Aisyah",
    "kode_kelurahan": MANGGAR,
    "no_hp": "081298765001",
}
# Twins: one family card, one mother, one birth date, NIKs one serial apart, names alike. Two people.
HASAN = {
    "nik": "6471012005950001",
    "no_kk": "6471010101950005",
    "nama": "Hasan Basri",
    "tanggal_lahir": "20-05-1995",
    "jenis_kelamin": "L",
    "nama_ibu_kandung": "Rahmah",
    "kode_kelurahan": LAMARU,
    "no_hp": "081255500001",
}
HUSAIN = {**HASAN, "nik": "6471012005950002", "nama": "Husain Basri"}


def with_changes(row: dict[str, object], **changes: object) -> dict[str, object]:
    return {**row, **changes}


def xlsx_of(rows: Sequence[dict[str, object]], *, columns: Sequence[str] = COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "pendaftar"
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(name) for name in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_of(rows: Sequence[dict[str, object]], *, columns: Sequence[str] = COLUMNS, delimiter: str = ";") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else row.get(name) for name in columns])
    return buffer.getvalue().encode("utf-8")


def read_pairs(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def registered(row: dict[str, Any], *, actor: Actor | User = TESTS) -> Person:
    """A person in the registry with the row's data."""
    day, month, year = (int(part) for part in str(row["tanggal_lahir"]).split("-"))
    return person_upsert(
        nik=str(row["nik"]),
        kk_number=str(row.get("no_kk") or ""),
        name=str(row["nama"]),
        birth_date=date(year, month, day),
        sex=str(row["jenis_kelamin"]),
        mother_name=str(row.get("nama_ibu_kandung") or ""),
        address="Jl. Mulawarman No. 1",
        kelurahan=Region.objects.get(code=row["kode_kelurahan"]),
        domicile_since=date(2015, 1, 1),
        phone="+62" + str(row["no_hp"])[1:] if row.get("no_hp") else "",
        sector=Sector.objects.get(code="ojol"),
        monthly_income=2_500_000,
        aplikator="Gojek",
        actor=actor,
    )


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
