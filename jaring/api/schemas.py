from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from jaring.registry.states import ApplicationStatus


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class TokenOut(Schema):
    name: str
    funder: str
    scopes: list[str]
    created_at: datetime


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None


class SectorOut(Schema):
    code: str
    name: str
    is_transport: bool
    default_agency_kind: str


class HealthOut(Schema):
    status: str
    database: str


# -- applications ---------------------------------------------------------------------------------------

TextOrNumber = str | int | None


class ApplicationIn(Schema):
    """The body of POST /applications, described for the OpenAPI document. The handler reads the body itself
    so that every problem, of type or of content, is answered at once per field; it holds each text to the
    `max_length` given here (`text_limits`), so no unbounded string reaches a query."""

    programme: str = Field(
        max_length=40, description="Kode program / programme code, e.g. BPN-2026", examples=["BPN-2026"]
    )
    nik: str = Field(
        max_length=40, description="NIK 16 angka sebagai teks / 16-digit NIK as a string", examples=["6471011508900001"]
    )
    no_kk: str | None = Field(
        None, max_length=40, description="Nomor KK 16 angka sebagai teks / family-card number as a string"
    )
    nama: str = Field(max_length=200, description="Nama sesuai KTP / name as on the KTP", examples=["Budi Santoso"])
    tempat_lahir: str | None = Field(None, max_length=100)
    tanggal_lahir: str = Field(
        max_length=40, description="YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY", examples=["1990-08-15"]
    )
    jenis_kelamin: str = Field(max_length=20, description="L/P, Laki-laki/Perempuan", examples=["L"])
    nama_ibu_kandung: str | None = Field(None, max_length=200)
    alamat: str = Field(max_length=500, description="Alamat sesuai KTP / street address on the KTP")
    rt: TextOrNumber = Field(None, max_length=10)
    rw: TextOrNumber = Field(None, max_length=10)
    kode_kelurahan: str | None = Field(
        None,
        max_length=40,
        description="Kode Kemendagri kelurahan/desa, wajib kecuali kelurahan+kecamatan diisi / Kemendagri village "
        "code, required unless kelurahan and kecamatan are given",
        examples=["64.71.01.1001"],
    )
    kelurahan: str | None = Field(None, max_length=100, description="Nama kelurahan (dengan kecamatan) / village name")
    kecamatan: str | None = Field(None, max_length=100, description="Nama kecamatan / district name")
    domisili_sejak: str = Field(
        max_length=40, description="Tanggal mulai tinggal di alamat ini / living here since", examples=["2015-01-01"]
    )
    no_hp: str | None = Field(None, max_length=40, description="08…, +628… atau 628…")
    sektor: str = Field(
        max_length=100, description="Kode sektor (GET /sectors) atau namanya / sector code or name", examples=["ojol"]
    )
    penghasilan_bulanan: str | int = Field(
        max_length=40, description='Rupiah per bulan: 2500000, "2.500.000", "Rp2.500.000", "2,5 jt"', examples=[2500000]
    )
    aplikator: str | None = Field(None, max_length=100, description="Wajib untuk ojol / required for ojol, e.g. Gojek")
    keterangan: str | None = Field(None, max_length=1000)


class EligibilityOut(Schema):
    rule: str
    passed: bool
    reason: str


class ApplicationOut(Schema):
    number: str = Field(examples=["BPN-2026-000123"])
    programme: str = Field(examples=["BPN-2026"])
    status: ApplicationStatus
    eligible: bool | None
    complete: bool | None
    eligibility: list[EligibilityOut]
    verifying_agency: str | None = Field(description="Kode instansi verifikasi / verifying agency", examples=["DPPP"])
    submitted_at: str | None = Field(
        json_schema_extra={"format": "date-time"},
        description="ISO 8601, WITA (+08:00)",
        examples=["2026-11-03T09:15:00+08:00"],
    )
    reasons: list[str] = Field(
        description="Alasan status yang boleh dibaca pemohon (tidak memenuhi syarat, dikembalikan, ditolak) / "
        "reasons an applicant may read"
    )
    warnings: list[str] = Field(
        description="Keraguan yang tidak menolak, mis. NIK tidak cocok dengan tanggal lahir / doubts that do not refuse"
    )


class DuplicateOut(ErrorOut):
    number: str | None = Field(
        None,
        description="Nomor pendaftaran yang sudah ada, bila orang yang sama sudah mendaftar (tidak ada bila program "
        "tidak menerima pendaftaran) / the existing application's number, when the same person already applies "
        "(absent when the programme is not accepting applications)",
    )


class ApplicationPage(Schema):
    count: int
    next: str | None
    results: list[ApplicationOut]


class DocumentOut(Schema):
    kind: str
    sha256: str
    size: int
    content_type: str


class StatusIn(Schema):
    number: str = Field(max_length=40, examples=["BPN-2026-000123"])
    nik: str = Field(max_length=40, examples=["6471011508900001"])


class StatusOut(Schema):
    number: str
    status: ApplicationStatus
    reasons: list[str]


def text_limits(schema: type[Schema]) -> dict[str, int]:
    """The `max_length` of each field of a schema that has one."""
    limits: dict[str, int] = {}
    for name, info in schema.model_fields.items():
        for meta in info.metadata:
            limit = getattr(meta, "max_length", None)
            if isinstance(limit, int):
                limits[name] = limit
    return limits
