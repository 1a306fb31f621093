"""Partner API of the reports: `GET /api/v1/reports/coverage` (../shared/spec/claims-api.md, Reports and open
data), for partners' own dashboards.

Mounted on the API by the project's urls.py: `reports` and `api` are both at the end of the import chain, so
neither imports the other; the project gives the router its `auth` (the `reports` scope, checked before the
query is read). The query is validated by its schema and errors are DomainErrors, both answered in the API's one
error shape by its handlers.

A token reads its own funder's programmes; a province's token also the programmes of the cities and regencies
inside the province, as the province's leadership does on the dashboard. Counts only, never a person.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import BeforeValidator, Field, WithJsonSchema

from jaring.core.errors import DomainError, NotFound
from jaring.core.models import ApiToken, Region
from jaring.programmes.models import Programme
from jaring.reports import figures, selectors
from jaring.reports.tasks import snapshots_ensure

router = Router(tags=["reports"])


class Unprocessable(DomainError):
    status_code = 422


def _month(value: object) -> date:
    day = figures.parse_month(value) if isinstance(value, str) else None
    if day is None:
        raise ValueError(_("Tulis bulan sebagai YYYY-MM, misalnya 2026-03."))
    return day


Month = Annotated[
    date, BeforeValidator(_month), WithJsonSchema({"type": "string", "description": "YYYY-MM", "examples": ["2026-03"]})
]


class CellOut(Schema):
    key: str = Field(description="Kode kategori / category code", examples=["nelayan"])
    label: str = Field(description="Nama kategori / category name", examples=["Nelayan"])
    members: int = Field(description="Peserta / members", examples=[412])


class CoverageOut(Schema):
    programme: str = Field(examples=["BPN-2026"])
    month: str = Field(description="YYYY-MM", examples=["2026-03"])
    members: int = Field(description="Peserta terlindungi bulan itu / members covered that month", examples=[7100])
    computed_at: datetime | None = Field(description="Waktu angka dihitung / when the figures were counted")
    by_sector: list[CellOut]
    by_kecamatan: list[CellOut]
    by_sex: list[CellOut]
    by_age_band: list[CellOut]


# The error answers name the API's one error shape (jaring.api.schemas.ErrorOut, a component of the document);
# `reports` may not import `api`, so they are declared here by reference.
ERROR_SHAPE = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
TEXTS = {
    200: "Berhasil. / OK.",
    401: "Token tidak sah, dicabut, atau tidak dikirim. / Missing, invalid or revoked bearer token.",
    403: "Token tidak memiliki cakupan `reports`. / The token lacks the `reports` scope.",
    404: "Program tidak ditemukan di wilayah token. / No such programme within the token's reach.",
    422: "Bulan tidak valid atau di luar masa perlindungan program. / Invalid month, or outside the programme's cover.",
}


def _programme(token: ApiToken, code: str) -> Programme:
    """A programme of the token's funder or, for a province's token, of a funder inside the province."""
    code = code.strip()[:30]
    qs = Programme.objects.select_related("funder", "funder__region")
    found = qs.filter(code__iexact=code, funder_id=token.funder_id).first()
    if found is None:
        region = token.funder.region
        if region.level == Region.Level.PROVINCE:
            found = qs.filter(code__iexact=code, funder__region__code__startswith=region.code + ".").first()
    if found is None:
        raise NotFound(_("Program %(code)s tidak ditemukan.") % {"code": code}, field="programme")
    return found


def _cells(breakdown: selectors.Breakdown) -> list[dict[str, Any]]:
    return [{"key": row.key, "label": row.label, "members": row.value} for row in breakdown.rows]


@router.get(
    "/coverage",
    response={200: CoverageOut},
    summary="Peserta terlindungi sebulan / Members covered in a month",
    description=(
        "Peserta program `programme` yang terlindungi pada bulan `month` (YYYY-MM), dan angka yang sama menurut "
        "sektor, kecamatan, jenis kelamin dan kelompok umur (umur pada tanggal 1 bulan itu): setiap daftar "
        "`{key, label, members}` berjumlah `members`. Angka dari hitungan terakhir (`computed_at`; dihitung ulang "
        "di latar belakang setiap beberapa menit). Cakupan: `reports`. Token provinsi juga membaca program "
        "kota/kabupaten di provinsinya.\n\n"
        "Members of programme `programme` covered in month `month` (YYYY-MM), and the same number by sector, "
        "kecamatan, sex and age band (age on the first day of the month): each list of `{key, label, members}` adds "
        "up to `members`. Figures as last counted (`computed_at`). Scope: `reports`. A province's token also reads "
        "the programmes of the cities and regencies inside it."
    ),
    openapi_extra={
        "responses": {
            code: {"description": text, **({"content": ERROR_SHAPE} if code >= 400 else {})}
            for code, text in TEXTS.items()
        }
    },
)
@decorate_view(never_cache)
def coverage(
    request: HttpRequest,
    month: Query[Month],
    programme: str = Query(..., max_length=30, description="Kode program / programme code, e.g. BPN-2026"),
) -> dict[str, Any]:
    token = request.auth  # type: ignore[attr-defined]  # the calling token, as the router's auth let it in
    assert isinstance(token, ApiToken)
    found = _programme(token, programme)
    day = month
    if not found.cover_start.replace(day=1) <= day <= found.cover_end:
        raise Unprocessable(
            _("Bulan %(month)s di luar masa perlindungan program %(code)s (%(first)s sampai %(last)s).")
            % {
                "month": figures.month_key(day),
                "code": found.code,
                "first": figures.month_key(found.cover_start),
                "last": figures.month_key(found.cover_end),
            },
            field="month",
        )
    snapshots_ensure([found])
    result = selectors.coverage_of(found, day)
    snapshot = selectors.snapshot_of(found)
    return {
        "programme": found.code,
        "month": figures.month_key(day),
        "members": result.members,
        "computed_at": snapshot.computed_at if snapshot else None,
        "by_sector": _cells(result.by("sector")),
        "by_kecamatan": _cells(result.by("kecamatan")),
        "by_sex": _cells(result.by("sex")),
        "by_age_band": _cells(result.by("age_band")),
    }
