"""Partner API: the decree (SK) lists of the token's funder (issue 5).

Scope "reports" reads the decrees, their totals and entries; NIKs are masked unless the token also holds
"membership" (the partners who enrol and pay for the participants need them in full). Every read of the
entries is recorded in the access log (UU PDP)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, Path, Query, Router
from ninja.decorators import decorate_view

from jaring.allocation.decrees.exports import XLSX_MIME, decree_xlsx, file_stem
from jaring.allocation.models import Decree, DecreeEntry
from jaring.api.auth import PartnerToken, partner
from jaring.api.common import partner_saw
from jaring.api.docs import openapi
from jaring.api.schemas import ErrorOut, Out, WitaMoment
from jaring.api.selectors import programme_for_partner
from jaring.core.errors import NotFound
from jaring.core.models import ApiScope, ApiToken
from jaring.registry.models import mask_nik

router = Router(tags=["decrees"])

# Primary keys are bigints: a larger number names no row, and the database would refuse it as a parameter.
ID_MAX = 2**63 - 1

AUTH = {401: ErrorOut, 403: ErrorOut}
NOT_FOUND_TEXT = "Tidak ada SK ini di pemberi dana token. / No such decree at the token's funder."


def _nik_masked(context: dict[str, Any]) -> bool:
    """A decree's NIKs are shown in full only to a token that may also look members up by NIK."""
    return not partner(context["request"]).has_scope(ApiScope.MEMBERSHIP)


class DecreeTotalsOut(Out):
    participants: int = 0
    new: int = 0
    continuing: int = 0
    dropped: int = 0


class DecreeOut(Out):
    id: int
    programme: str = Field(validation_alias="programme.code")
    number: str
    decree_date: date
    title: str
    status: str
    previous: str | None
    generated_at: WitaMoment
    signed_at: WitaMoment | None
    totals: DecreeTotalsOut
    digest: str

    @staticmethod
    def resolve_previous(decree: Decree) -> str | None:
        return decree.previous.number if decree.previous is not None else None

    @staticmethod
    def resolve_totals(decree: Decree) -> dict[str, int]:
        totals = decree.totals or {}
        return {key: int(totals.get(key, 0)) for key in ("participants", "new", "continuing", "dropped")}


class DecreeEntryOut(Out):
    position: int
    category: str
    nik: str
    name: str
    birth_date: date
    sex: str
    kelurahan: str
    kecamatan: str
    sector: str
    application_number: str
    starts: date | None
    ends: date | None
    reason: str

    @staticmethod
    def resolve_nik(entry: DecreeEntry, context: dict[str, Any]) -> str:
        return mask_nik(entry.nik) if _nik_masked(context) else entry.nik


class DecreeDetailOut(DecreeOut):
    nik_masked: bool
    entries: list[DecreeEntryOut]

    @staticmethod
    def resolve_entries(decree: Decree) -> list[DecreeEntry]:
        """Participants by number, then the dropped ones (position 0) with their reason, by name."""
        listed = decree.entries.exclude(position=0).order_by("position")
        return [*listed, *decree.entries.filter(position=0).order_by("name", "nik")]

    @staticmethod
    def resolve_nik_masked(decree: Decree, context: dict[str, Any]) -> bool:
        return _nik_masked(context)


LIST = {200: list[DecreeOut], **AUTH, 404: ErrorOut, 422: ErrorOut}
DETAIL = {200: DecreeDetailOut, **AUTH, 404: ErrorOut, 422: ErrorOut}
FILE = {**AUTH, 404: ErrorOut, 422: ErrorOut}


def _decrees(token: ApiToken) -> Any:
    return Decree.objects.filter(programme__funder_id=token.funder_id).select_related("programme", "previous")


def _decree_of(token: ApiToken, pk: int) -> Decree:
    decree = _decrees(token).select_related("programme__funder").filter(pk=pk).first()
    if decree is None:
        # Another funder's decree answers as one that does not exist: ids cannot be probed.
        raise NotFound(_("SK tidak ditemukan."), field="id")
    return decree


def _log(request: HttpRequest, decree: Decree, what: str) -> None:
    label = f"SK {decree.number} ({decree.programme.code})"
    partner_saw(request, person_ref=f"decree:{decree.pk}", person_label=label, what=what)


@router.get(
    "",
    auth=PartnerToken(ApiScope.REPORTS),
    response=LIST,
    summary="SK peserta / Decree lists",
    description=(
        "SK peserta pemberi dana token ini, terbaru dahulu; `programme` menyaring satu program. Cakupan: "
        "`reports`.\n\nThe decree lists of the token's funder, newest first; `programme` filters one programme. "
        "Scope: `reports`."
    ),
    openapi_extra=openapi(
        LIST,
        texts={
            403: "Token tanpa cakupan `reports`, atau program milik pemberi dana lain. / Token without the "
            "`reports` scope, or a programme of another funder.",
            404: "Program tidak ditemukan. / Unknown programme.",
        },
    ),
)
@decorate_view(never_cache)
def decree_list(request: HttpRequest, programme: str = Query("", max_length=40)) -> list[Decree]:
    token = partner(request)
    decrees = _decrees(token)
    if programme.strip():
        decrees = decrees.filter(programme=programme_for_partner(token, code=programme))
    return list(decrees.order_by("-decree_date", "-id"))


@router.get(
    "/{decree_id}",
    auth=PartnerToken(ApiScope.REPORTS),
    response=DETAIL,
    summary="Satu SK dengan daftarnya / One decree with its list",
    description=(
        "SK dengan seluruh barisnya: peserta menurut nomor urut, lalu yang tidak dilanjutkan (nomor 0) dengan "
        "alasannya. NIK disamarkan kecuali token juga memiliki cakupan `membership`. Cakupan: `reports`.\n\n"
        "The decree with all its entries: participants by number, then the dropped ones (position 0) with their "
        "reason. NIKs are masked unless the token also holds `membership`. Scope: `reports`."
    ),
    openapi_extra=openapi(DETAIL, texts={404: NOT_FOUND_TEXT}),
)
@decorate_view(never_cache)
def decree_detail(request: HttpRequest, decree_id: int = Path(..., ge=1, le=ID_MAX)) -> Decree:
    token = partner(request)
    decree = _decree_of(token, decree_id)
    _log(request, decree, "api_decree_detail")
    return decree


@router.get(
    "/{decree_id}/xlsx",
    auth=PartnerToken(ApiScope.REPORTS),
    response=FILE,
    summary="SK sebagai XLSX / The decree as XLSX",
    description=(
        "Lembar “Lampiran SK” (daftar bernomor) dan “Perbandingan” (baru, lanjutan, tidak dilanjutkan dengan "
        "alasannya). NIK disamarkan kecuali token juga memiliki cakupan `membership`. Cakupan: `reports`.\n\n"
        "Sheets “Lampiran SK” (the numbered list) and “Perbandingan” (new, continuing, dropped with reasons). "
        "NIKs are masked unless the token also holds `membership`. Scope: `reports`."
    ),
    openapi_extra={
        **openapi(FILE, texts={404: NOT_FOUND_TEXT}),
        "responses": {
            **openapi(FILE, texts={404: NOT_FOUND_TEXT})["responses"],
            200: {"description": "Berkas XLSX. / The XLSX file.", "content": {XLSX_MIME: {}}},
        },
    },
)
@decorate_view(never_cache)
def decree_file(request: HttpRequest, decree_id: int = Path(..., ge=1, le=ID_MAX)) -> HttpResponse:
    token = partner(request)
    decree = _decree_of(token, decree_id)
    content = decree_xlsx(decree, masked=not token.has_scope(ApiScope.MEMBERSHIP))
    _log(request, decree, "api_decree_xlsx")
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{file_stem(decree)}.xlsx"'
    return response
