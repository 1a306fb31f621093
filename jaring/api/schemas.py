from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, PlainSerializer, StringConstraints, WithJsonSchema

from jaring.api.common import wita
from jaring.registry.models import Application
from jaring.registry.selectors import public_reasons
from jaring.registry.states import ApplicationStatus

# A moment as partners read it: ISO 8601 in WITA (+08:00), to the second.
WitaMoment = Annotated[
    datetime,
    PlainSerializer(wita, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


class Out(Schema):
    """An answer, read by ninja from the models (dotted aliases such as "programme.code", `resolve_*` methods),
    or from a dict of its own fields: the answer an Idempotency-Key kept."""

    model_config = ConfigDict(from_attributes=True, validate_by_alias=True, validate_by_name=True)


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


def _cell(value: object) -> object:
    """A column as a spreadsheet cell holds it (text, a number, or nothing): the registry reads every channel's
    columns alike. What else JSON can send (true, a list, an object) is refused."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(str(_("harus berupa teks.")))
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(str(_("angka terlalu besar.")))
    return value


def _number_as_text(value: object) -> object:
    """A number is held to the length of its digits, as a text would be."""
    value = _cell(value)
    return str(value) if isinstance(value, int | float) else value


def _text_only(problem: Any) -> Callable[[object], object]:
    def check(value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(str(problem))
        return _cell(value)

    return check


# Texts, and the columns a partner may also send as a JSON number (RT/RW, the income). A JSON number loses
# digits in many partners' languages (JavaScript keeps 15-16), and an Excel-style serial date is not what anyone
# means in JSON: identity numbers and dates must be strings.
Text = Annotated[str | None, BeforeValidator(_text_only(_("harus berupa teks.")))]
NumberOrText = Annotated[
    str | None,
    BeforeValidator(_number_as_text),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}),
]
IdentityNumber = Annotated[
    str | None,
    BeforeValidator(
        _text_only(_("kirim sebagai teks (string) 16 angka, bukan angka JSON, supaya tidak ada digit yang hilang."))
    ),
]
DateText = Annotated[str | None, BeforeValidator(_text_only(_("kirim tanggal sebagai teks, misalnya “1990-08-15”.")))]


class ApplicationIn(Schema):
    """The body of POST /applications: the applicant's columns as the import file names them, plus `programme`.

    It says what JSON may carry in each column and how long a text may be; what the columns mean (a real NIK, a
    kelurahan of the funder's region, an income under the ceiling) is the registry's to judge, as for every other
    channel. Both kinds of problem are answered at once, so the handler validates with it (see applications)."""

    programme: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        max_length=40, description="Kode program / programme code, e.g. BPN-2026", examples=["BPN-2026"]
    )
    nik: IdentityNumber = Field(
        max_length=40, description="NIK 16 angka sebagai teks / 16-digit NIK as a string", examples=["6471011508900001"]
    )
    no_kk: IdentityNumber = Field(
        None, max_length=40, description="Nomor KK 16 angka sebagai teks / family-card number as a string"
    )
    nama: Text = Field(max_length=200, description="Nama sesuai KTP / name as on the KTP", examples=["Budi Santoso"])
    tempat_lahir: Text = Field(None, max_length=100)
    tanggal_lahir: DateText = Field(
        max_length=40, description="YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY", examples=["1990-08-15"]
    )
    jenis_kelamin: Text = Field(max_length=20, description="L/P, Laki-laki/Perempuan", examples=["L"])
    nama_ibu_kandung: Text = Field(None, max_length=200)
    alamat: Text = Field(max_length=500, description="Alamat sesuai KTP / street address on the KTP")
    rt: NumberOrText = Field(None, max_length=10)
    rw: NumberOrText = Field(None, max_length=10)
    kode_kelurahan: Text = Field(
        None,
        max_length=40,
        description="Kode Kemendagri kelurahan/desa, wajib kecuali kelurahan+kecamatan diisi / Kemendagri village "
        "code, required unless kelurahan and kecamatan are given",
        examples=["64.71.01.1001"],
    )
    kelurahan: Text = Field(None, max_length=100, description="Nama kelurahan (dengan kecamatan) / village name")
    kecamatan: Text = Field(None, max_length=100, description="Nama kecamatan / district name")
    domisili_sejak: DateText = Field(
        max_length=40, description="Tanggal mulai tinggal di alamat ini / living here since", examples=["2015-01-01"]
    )
    no_hp: Text = Field(None, max_length=40, description="08…, +628… atau 628…")
    sektor: Text = Field(
        max_length=100, description="Kode sektor (GET /sectors) atau namanya / sector code or name", examples=["ojol"]
    )
    penghasilan_bulanan: NumberOrText = Field(
        max_length=40, description='Rupiah per bulan: 2500000, "2.500.000", "Rp2.500.000", "2,5 jt"', examples=[2500000]
    )
    aplikator: Text = Field(None, max_length=100, description="Wajib untuk ojol / required for ojol, e.g. Gojek")
    keterangan: Text = Field(None, max_length=1000)


class EligibilityOut(Schema):
    rule: str
    passed: bool
    reason: str


class ApplicationFacts(Out):
    """What every answer about an application says the same way: each rule's outcome, and the reasons the
    applicant may read."""

    @staticmethod
    def resolve_eligibility(application: Application) -> list[dict[str, object]]:
        return [
            {"rule": str(o.get("rule", "")), "passed": bool(o.get("passed")), "reason": str(o.get("reason", ""))}
            for o in application.eligibility
        ]

    @staticmethod
    def resolve_reasons(application: Application) -> list[str]:
        return public_reasons(application)


class ApplicationOut(ApplicationFacts):
    """The application as api-core.md shows it. No NIK, name or address: a partner reads only the application."""

    number: str = Field(examples=["BPN-2026-000123"])
    programme: str = Field(examples=["BPN-2026"], validation_alias="programme.code")
    status: ApplicationStatus
    eligible: bool | None
    complete: bool | None
    eligibility: list[EligibilityOut]
    verifying_agency: str | None = Field(description="Kode instansi verifikasi / verifying agency", examples=["DPPP"])
    submitted_at: WitaMoment | None = Field(
        description="ISO 8601, WITA (+08:00)", examples=["2026-11-03T09:15:00+08:00"]
    )
    reasons: list[str] = Field(
        description="Alasan status yang boleh dibaca pemohon (tidak memenuhi syarat, dikembalikan, ditolak) / "
        "reasons an applicant may read"
    )
    warnings: list[str] = Field(
        description="Keraguan yang tidak menolak, mis. NIK tidak cocok dengan tanggal lahir / doubts that do not refuse"
    )

    @staticmethod
    def resolve_verifying_agency(application: Application) -> str | None:
        agency = application.verifying_agency
        return agency.code.upper() if agency is not None else None

    @staticmethod
    def resolve_warnings(application: Application) -> list[str]:
        return [str(w.get("message", "")) for w in application.warnings]


class DuplicateOut(ErrorOut):
    number: str | None = Field(
        None,
        description="Nomor pendaftaran yang sudah ada, bila orang yang sama sudah mendaftar (tidak ada bila program "
        "tidak menerima pendaftaran) / the existing application's number, when the same person already applies "
        "(absent when the programme is not accepting applications)",
    )


class ApplicationPage(Out):
    count: int
    next: str | None
    results: list[ApplicationOut]


class DocumentOut(Out):
    kind: str
    sha256: str
    size: int
    content_type: str


class StatusIn(Schema):
    number: str = Field(max_length=40, examples=["BPN-2026-000123"])
    nik: str = Field(max_length=40, examples=["6471011508900001"])


class StatusOut(ApplicationFacts):
    number: str
    status: ApplicationStatus
    reasons: list[str]
