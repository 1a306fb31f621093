"""An applicant's fields as every channel takes them, valid and eligible in BPN-2026 unless changed."""

from __future__ import annotations

from datetime import date

from jaring.eligibility.models import DocumentKind
from jaring.registry.intake import ReferenceIndex, parse_applicant
from jaring.registry.services import Upload
from tests.helpers.documents import PDF, PNG
from tests.helpers.reference import MANGGAR

TODAY = date(2026, 11, 3)


def applicant(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "nik": "6471011508900001",
        "no_kk": "6471010101100001",
        "nama": "Budi Santoso",
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
    }
    values.update(overrides)
    return values


def parsed(values: dict[str, object]):
    result = parse_applicant(values, index=ReferenceIndex.load(), region_code="64.71", today=TODAY)
    assert result.data is not None, result.errors
    return result.data


ALL_DOCUMENTS = [
    Upload(DocumentKind.KTP, PNG, "ktp.png"),
    Upload(DocumentKind.KK, PDF, "kk.pdf"),
    Upload(DocumentKind.APLIKATOR_LETTER, PDF, "surat.pdf"),
]


EVIDENCE = {
    "ojol": DocumentKind.APLIKATOR_LETTER,
    "nelayan": DocumentKind.SECTOR_EVIDENCE,
    "pembudidaya_ikan": DocumentKind.SECTOR_EVIDENCE,
    "petani": DocumentKind.SECTOR_EVIDENCE,
    "peternak": DocumentKind.SECTOR_EVIDENCE,
}


def applicant_values(serial: int, *, sector: str, kelurahan: str, name: str) -> dict[str, object]:
    return {
        "nik": f"647101150890{serial:04d}",
        "no_kk": f"647101010110{serial:04d}",
        "nama": name,
        "tempat_lahir": "Balikpapan",
        "tanggal_lahir": "15-08-1990",
        "jenis_kelamin": "L",
        "nama_ibu_kandung": "Siti Aminah",
        "alamat": "Jl. Mulawarman No. 12",
        "rt": "5",
        "rw": "2",
        "kode_kelurahan": kelurahan,
        "domisili_sejak": "2015-01-01",
        "no_hp": f"0812-3456-{serial:04d}",
        "sektor": sector,
        "penghasilan_bulanan": "Rp2.500.000",
        "aplikator": "Gojek" if sector == "ojol" else "",
    }
