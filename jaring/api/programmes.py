"""Partner API: programmes with their quota and budget figures, the waitlist (positions and numbers only), the
contribution table and the budget planner. Read-only; figures need the scope `reports` and show only the
token's own funder."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from jaring.allocation.selectors import Figures, figures_of
from jaring.allocation.services import waitlist_of
from jaring.api.auth import PartnerToken, partner
from jaring.api.common import page_of, wita
from jaring.api.docs import openapi
from jaring.api.errors import Unprocessable
from jaring.api.schemas import ErrorOut
from jaring.core import clock
from jaring.core.errors import NotFound
from jaring.core.models import ApiScope, ApiToken
from jaring.core.validation import Invalid, parse_rupiah
from jaring.programmes.models import Programme
from jaring.programmes.money import Contribution, NoRates, bracket_for, brackets_in_force, plan, rupiah
from jaring.programmes.selectors import contribution_brackets

router = Router(tags=["programmes"])

PAGE_SIZE_MAX = 500
PEOPLE_MAX = 10_000_000


class FiguresOut(Schema):
    quota: int
    allocated: int
    waitlisted: int
    free: int
    monthly_contribution: int | None
    cover_months: int
    remaining_months: int
    budget: int
    budget_committed: int
    budget_remaining: int
    people_remaining: int
    budget_for_quota: int | None


class ProgrammeOut(Schema):
    code: str
    name: str
    funder: str
    year: int
    scheme: str = Field(description="The scheme's code, the same every year; a funder runs several schemes a year")
    owning_agency: str
    status: str
    cover_start: date
    cover_end: date
    jht: bool
    income_basis: int
    budget_source: str
    budget_line: str
    waitlist_order: list[str]
    figures: FiguresOut | None


class QuotaOut(Schema):
    quota: int
    allocated: int
    waitlisted: int
    free: int


class WaitingOut(Schema):
    position: int
    number: str
    submitted_at: str | None


class WaitlistPage(Schema):
    count: int
    next: str | None
    results: list[WaitingOut]


class ContributionOut(Schema):
    income_basis: int
    jkk: int
    jkm: int
    total: int


class BracketOut(Schema):
    effective_from: date
    lower_bound: int
    income_basis: int
    jkk_rate: str
    jkm_amount: int


class ContributionAnswer(Schema):
    income: int
    on: date
    bracket: BracketOut
    contribution: ContributionOut


class PlannerOut(Schema):
    on: date
    months: int
    income_basis: int
    contribution: ContributionOut
    budget: int | None
    people_covered: int | None
    quota: int | None
    budget_needed: int | None


AUTH = {401: ErrorOut, 403: ErrorOut}
LIST = {200: list[ProgrammeOut], **AUTH}
ONE = {200: ProgrammeOut, **AUTH, 404: ErrorOut}
QUOTA = {200: QuotaOut, **AUTH, 404: ErrorOut}
WAITLIST = {200: WaitlistPage, **AUTH, 404: ErrorOut, 422: ErrorOut}
CONTRIBUTION = {200: ContributionAnswer, **AUTH, 422: ErrorOut}
PLANNER = {200: PlannerOut, **AUTH, 422: ErrorOut}


def _whole(amount: Decimal) -> int:
    return int(rupiah(amount))


def _contribution_out(contribution: Contribution) -> dict[str, int]:
    return {
        "income_basis": _whole(contribution.income_basis),
        "jkk": _whole(contribution.jkk),
        "jkm": _whole(contribution.jkm),
        "total": _whole(contribution.total),
    }


def _figures_out(figures: Figures) -> dict[str, Any]:
    return {
        "quota": figures.quota,
        "allocated": figures.used,
        "waitlisted": figures.waitlisted,
        "free": figures.free,
        "monthly_contribution": _whole(figures.monthly.total) if figures.monthly else None,
        "cover_months": figures.cover_months,
        "remaining_months": figures.remaining_months,
        "budget": figures.budget,
        "budget_committed": figures.committed,
        "budget_remaining": figures.remaining,
        "people_remaining": figures.people_remaining,
        "budget_for_quota": figures.quota_cost,
    }


def _programme_out(programme: Programme, figures: Figures | None) -> dict[str, Any]:
    return {
        "code": programme.code,
        "name": programme.name,
        "funder": programme.funder.code,
        "year": programme.year,
        "scheme": programme.scheme,
        "owning_agency": programme.owning_agency.code,
        "status": programme.status,
        "cover_start": programme.cover_start,
        "cover_end": programme.cover_end,
        "jht": programme.jht,
        "income_basis": _whole(programme.income_basis),
        "budget_source": programme.budget_source,
        "budget_line": programme.budget_line,
        "waitlist_order": list(programme.waitlist_order or []),
        "figures": _figures_out(figures) if figures is not None else None,
    }


def _programme(token: ApiToken, code: str) -> Programme:
    """A programme of the token's funder. Another funder's is not found: its figures are not public."""
    code = code.strip()[:40]
    programme = (
        Programme.objects.select_related("funder", "owning_agency")
        .filter(code__iexact=code, funder_id=token.funder_id)
        .first()
    )
    if programme is None:
        raise NotFound(_("Program %(code)s tidak ditemukan.") % {"code": code}, field="code")
    return programme


def _rupiah(value: str | None, *, field: str) -> int | None:
    if value is None or not value.strip():
        return None
    try:
        return parse_rupiah(value[:40], field=field)
    except Invalid as exc:
        raise Unprocessable(exc.error.problem or exc.error.message, field=field) from None


def _no_rates(day: date) -> Unprocessable:
    return Unprocessable(_("Tidak ada tabel iuran yang berlaku pada %(date)s.") % {"date": day.isoformat()}, field="on")


# Fixed paths first: "/planner" must not be read as the code of a programme.


@router.get(
    "/contribution",
    auth=PartnerToken(ApiScope.REPORTS),
    response=CONTRIBUTION,
    summary="Iuran BPU sebulan / Monthly BPU contribution",
    description=(
        "Golongan tabel iuran BPU untuk penghasilan `income` (rupiah; boleh ditulis 1000000 atau Rp1.000.000; "
        "bawaan: dasar penghasilan terendah tabel) yang berlaku pada `on` (YYYY-MM-DD, bawaan hari ini), dan "
        "iurannya: JKK = tarif × dasar penghasilan, JKM "
        "jumlah tetap. Cakupan: `reports`.\n\n"
        "The BPU bracket for monthly income `income` (default: the table's lowest income basis) in force on `on` "
        "(default today), and its contribution. "
        "Scope: `reports`."
    ),
    openapi_extra=openapi(
        CONTRIBUTION,
        texts={
            422: "Penghasilan atau tanggal tidak valid, atau tidak ada tabel iuran yang berlaku pada tanggal itu. "
            "/ Invalid income or date, or no contribution table in force on that date."
        },
    ),
)
@decorate_view(never_cache)
def contribution(request: HttpRequest, income: str = "", on: date | None = None) -> dict[str, Any]:
    partner(request)
    given = _rupiah(income, field="income")
    day = on or clock.today()
    brackets = contribution_brackets()
    try:
        amount = _whole(brackets_in_force(brackets, day)[0].income_basis) if given is None else given
        row = bracket_for(Decimal(amount), brackets, day)
    except NoRates:
        raise _no_rates(day) from None
    return {
        "income": amount,
        "on": day,
        "bracket": {
            "effective_from": row.effective_from,
            "lower_bound": _whole(row.lower_bound),
            "income_basis": _whole(row.income_basis),
            "jkk_rate": str(row.jkk_rate.normalize()),
            "jkm_amount": _whole(row.jkm_amount),
        },
        "contribution": _contribution_out(row.contribution()),
    }


@router.get(
    "/planner",
    auth=PartnerToken(ApiScope.REPORTS),
    response=PLANNER,
    summary="Perencana anggaran / Budget planner",
    description=(
        "Dari `budget` (rupiah), berapa orang yang dibiayai selama `months` bulan (1-12, bawaan 12); dari `quota` "
        "(orang), anggaran yang dibutuhkan. Iuran dari dasar penghasilan `income_basis` (bawaan: dasar "
        "terendah tabel) menurut tabel iuran yang berlaku pada `on`: anggaran = orang × bulan × iuran sebulan. "
        "Cakupan: `reports`.\n\n"
        "From `budget`, the people it covers for `months` months; from `quota`, the budget needed. Scope: `reports`."
    ),
    openapi_extra=openapi(PLANNER),
)
@decorate_view(never_cache)
def planner(
    request: HttpRequest,
    budget: str = "",
    quota: int | None = Query(None, ge=0, le=PEOPLE_MAX),
    months: int = Query(12, ge=1, le=12),
    income_basis: str = "",
    on: date | None = None,
) -> dict[str, Any]:
    partner(request)
    amount = _rupiah(budget, field="budget")
    given = _rupiah(income_basis, field="income_basis")
    day = on or clock.today()
    brackets = contribution_brackets()
    try:
        income = _whole(brackets_in_force(brackets, day)[0].income_basis) if given is None else given
        monthly = bracket_for(Decimal(income), brackets, day).contribution()
    except NoRates:
        raise _no_rates(day) from None
    figures = plan(monthly=monthly.total, months=months, budget=amount, people=quota)
    return {
        "on": day,
        "months": months,
        "income_basis": income,
        "contribution": _contribution_out(monthly),
        "budget": amount,
        "people_covered": figures.covered,
        "quota": quota,
        "budget_needed": _whole(figures.needed) if figures.needed is not None else None,
    }


@router.get(
    "",
    response=LIST,
    summary="Program pemberi dana token / The token's funder's programmes",
    description=(
        "Program pemberi dana token ini. Dengan cakupan `reports`, setiap program membawa `figures`: kuota, "
        "tempat terisi (`allocated`), daftar tunggu, tempat kosong, iuran sebulan, anggaran, anggaran terpakai "
        "tahun ini dan sisanya; tanpa cakupan itu `figures` bernilai null.\n\n"
        "The programmes of the token's funder. With the `reports` scope each carries `figures` (quota, allocated, "
        "waitlisted, free, monthly contribution, budget, budget committed for the year and what remains); "
        "without it `figures` is null."
    ),
    openapi_extra=openapi(LIST),
)
@decorate_view(never_cache)
def programme_list(request: HttpRequest) -> list[dict[str, Any]]:
    token = partner(request)
    programmes = list(Programme.objects.filter(funder=token.funder).select_related("funder", "owning_agency"))
    if token.has_scope(ApiScope.REPORTS):
        return [_programme_out(f.programme, f) for f in figures_of(programmes)]
    return [_programme_out(p, None) for p in programmes]


@router.get(
    "/{code}",
    auth=PartnerToken(ApiScope.REPORTS),
    response=ONE,
    summary="Satu program dengan angkanya / One programme with its figures",
    description=(
        "Program pemberi dana token ini dengan kuota dan anggarannya; program pemberi dana lain dijawab 404. "
        "Cakupan: `reports`.\n\n"
        "A programme of the token's funder with its quota and budget figures; another funder's answers 404. "
        "Scope: `reports`."
    ),
    openapi_extra=openapi(ONE),
)
@decorate_view(never_cache)
def programme_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    token = partner(request)
    programme = _programme(token, code)
    return _programme_out(programme, figures_of([programme])[0])


@router.get(
    "/{code}/quota",
    auth=PartnerToken(ApiScope.REPORTS),
    response=QUOTA,
    summary="Kuota program / Programme quota",
    description=(
        "`quota`, tempat terisi (`allocated`), `waitlisted` dan `free`. Cakupan: `reports`.\n\n"
        "`quota`, places given (`allocated`), `waitlisted` and `free`. Scope: `reports`."
    ),
    openapi_extra=openapi(QUOTA),
)
@decorate_view(never_cache)
def programme_quota(request: HttpRequest, code: str) -> dict[str, int]:
    token = partner(request)
    figures = figures_of([_programme(token, code)])[0]
    return {"quota": figures.quota, "allocated": figures.used, "waitlisted": figures.waitlisted, "free": figures.free}


@router.get(
    "/{code}/waitlist",
    auth=PartnerToken(ApiScope.REPORTS),
    response=WAITLIST,
    summary="Daftar tunggu / Waitlist",
    description=(
        "Pendaftaran yang menunggu tempat, dalam urutan prioritas program (`position` 1 diterima lebih dahulu): "
        "nomor dan waktu pengajuan saja, tanpa NIK atau nama. Per halaman (`page`, `page_size` sampai 500). "
        "Cakupan: `reports`.\n\n"
        "Applications waiting for a place in the programme's priority order: numbers and submission times only, "
        "no NIK or names. Paginated. Scope: `reports`."
    ),
    openapi_extra=openapi(WAITLIST),
)
@decorate_view(never_cache)
def programme_waitlist(
    request: HttpRequest,
    code: str,
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(100, ge=1, le=PAGE_SIZE_MAX),
) -> dict[str, Any]:
    token = partner(request)
    programme = _programme(token, code)
    waiting = waitlist_of(programme).values_list("number", "submitted_at")
    count, rows, following = page_of(request, waiting, page=page, page_size=page_size)
    offset = (page - 1) * page_size
    results = [
        {"position": offset + i + 1, "number": number, "submitted_at": wita(submitted)}
        for i, (number, submitted) in enumerate(rows)
    ]
    return {"count": count, "next": following, "results": results}
