"""Partner API of contributions (spec/bpjs-invoice.md, "Command, page and API"): a BPJS invoice sent for
reconciliation and followed, a month's contribution figures, and the programme's members (paged).

Only the token's own funder's programmes: another funder's code answers 404.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Annotated, Any

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Least
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view
from pydantic import BeforeValidator, WithJsonSchema

from jaring.api.auth import PartnerToken, partner
from jaring.api.common import page_of, partner_saw
from jaring.api.docs import openapi
from jaring.api.errors import invalid_body
from jaring.api.schemas import ErrorOut, Out, WitaMoment
from jaring.contributions import billing
from jaring.contributions.figures import month_figures
from jaring.contributions.invoice_read import InvoiceFileError
from jaring.contributions.models import Invoice
from jaring.contributions.result import result_download_name, result_workbook
from jaring.contributions.tasks import invoice_start
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError, NotFound
from jaring.core.models import ApiScope, ApiToken
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.registry.models import mask_nik

router = Router(tags=["contributions"])

MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")
PAGE_SIZE_MAX = 500


def _month(value: object) -> date | None:
    """A month as partners write it, YYYY-MM (its first day); None when empty."""
    text = value.strip() if isinstance(value, str) else ""
    if value is None or (isinstance(value, str) and not text):
        return None
    match = MONTH.fullmatch(text)
    if match is None or not 1 <= int(match["month"]) <= 12:
        raise ValueError(_("Tulis bulan sebagai YYYY-MM, misalnya 2026-11."))
    return date(int(match["year"]), int(match["month"]), 1)


Month = Annotated[
    date | None,
    BeforeValidator(_month),
    WithJsonSchema({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "examples": ["2026-11"]}),
]


class InvoiceIn(Schema):
    month: Month = Field(
        None,
        description="Bulan tagihan, hanya bila berkas menagih beberapa bulan / the month billed, only when the "
        "file bills several",
    )


class StatusSumOut(Schema):
    count: int
    sum: int


class InvoiceOut(Out):
    id: int
    programme: str = Field(validation_alias="programme.code")
    month: str
    status: str
    file_name: str
    rows: int
    invoiced: int
    expected: int
    proposed: int
    paid: int
    members: int
    statuses: dict[str, StatusSumOut]
    error: str
    status_url: str
    result_url: str | None
    created_at: WitaMoment | None

    @staticmethod
    def resolve_month(invoice: Invoice) -> str:
        return f"{invoice.month:%Y-%m}"

    @staticmethod
    def resolve_members(invoice: Invoice) -> int:
        return int(invoice.summary.get("members", 0))

    @staticmethod
    def resolve_statuses(invoice: Invoice) -> dict[str, Any]:
        return {k: v for k, v in invoice.summary.items() if isinstance(v, dict)}

    @staticmethod
    def resolve_status_url(invoice: Invoice) -> str:
        return reverse("api:invoice_detail", kwargs={"code": invoice.programme.code, "invoice_id": invoice.pk})

    @staticmethod
    def resolve_result_url(invoice: Invoice) -> str | None:
        if invoice.status not in (Invoice.Status.CURRENT, Invoice.Status.REPLACED):
            return None
        return reverse("api:invoice_result", kwargs={"code": invoice.programme.code, "invoice_id": invoice.pk})


class ContributionsOut(Schema):
    month: str
    members: int
    expected: int
    invoiced: int
    proposed: int
    paid: int
    unpaid_members: int


class ProgrammeMemberOut(Schema):
    kpj: str
    nik_masked: str
    nama: str
    status: str
    cover_start: date
    cover_end: date


class MemberPage(Schema):
    count: int
    next: str | None
    results: list[ProgrammeMemberOut]


AUTH = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
UPLOAD = {200: InvoiceOut, 202: InvoiceOut, **AUTH, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}
ONE = {200: InvoiceOut, **AUTH}
FIGURES = {200: ContributionsOut, **AUTH, 422: ErrorOut}
MEMBERS = {200: MemberPage, **AUTH, 422: ErrorOut}


def _programme(token: ApiToken, code: str) -> Programme:
    programme = Programme.objects.select_related("funder").filter(code=code[:30], funder=token.funder).first()
    if programme is None:
        raise NotFound(_("Program %(code)s tidak ditemukan.") % {"code": code[:30]})
    return programme


def _invoice(programme: Programme, invoice_id: int) -> Invoice:
    invoice = Invoice.objects.select_related("programme").filter(pk=invoice_id, programme=programme).first()
    if invoice is None:
        raise NotFound(_("Tagihan tidak ditemukan."))
    return invoice


@router.post(
    "/{code}/invoices",
    auth=PartnerToken(ApiScope.CONTRIBUTIONS),
    response=UPLOAD,
    summary="Cocokkan tagihan iuran BPJS / Reconcile a BPJS invoice",
    description=(
        "Multipart: `file` (Rincian Tagihan Iuran dari kantor cabang BPJS, XLSX atau CSV), `month` (opsional, "
        "YYYY-MM; hanya bila berkas menagih beberapa bulan). Berkas diperiksa utuh dulu (422 bila tidak dapat "
        "dibaca; tidak ada yang disimpan), lalu dicocokkan di latar belakang: jawaban 202 berisi `status_url`. "
        "Berkas yang sama dengan tagihan bulan itu yang berlaku: 200 dengan tagihan itu, tidak ada yang berubah. "
        "Cakupan: `contributions`.\n\n"
        "Multipart: `file` (the branch's invoice, XLSX or CSV), `month` (optional YYYY-MM; only when the file "
        "bills several months). The file is checked as a whole first (422 when unreadable; nothing stored), then "
        "reconciled in the background: the 202 answer carries `status_url`. The same file as the month's current "
        "invoice: 200 with that invoice, nothing changes. Scope: `contributions`."
    ),
    openapi_extra=openapi(
        UPLOAD,
        texts={
            200: "Berkas yang sama dengan tagihan bulan itu yang berlaku; tidak ada yang berubah. / The same file as "
            "the month's current invoice; nothing changed.",
            202: "Diterima; dicocokkan di latar belakang (lihat `status_url`). / Accepted; reconciled in the "
            "background (see `status_url`).",
            409: "Tagihan bulan itu sudah dibayar dan tidak dapat diganti. / That month's invoice is paid and "
            "cannot be replaced.",
            422: "Berkas tidak dapat dibaca, atau `month` tidak valid. / The file cannot be read, or `month` is "
            "invalid.",
        },
    ),
)
@decorate_view(never_cache)
def invoice_create(request: HttpRequest, code: str, file: File[UploadedFile], form: Form[InvoiceIn]) -> Any:
    token = partner(request)
    programme = _programme(token, code)
    if file.size is not None and file.size > settings.INVOICE_MAX_BYTES:
        message = _("Berkas terlalu besar; paling besar %(max)s MB.") % {"max": settings.INVOICE_MAX_BYTES // 1_048_576}
        return Status(413, {"detail": message, "errors": {"file": [message]}})
    try:
        outcome = invoice_start(
            programme=programme,
            file_name=file.name or "tagihan",
            content=file.read(),
            actor=Actor.partner(token),
            month=form.month,
        )
    except InvoiceFileError as exc:
        return Status(422, invalid_body({"file": [exc.message]}))
    except DomainError as exc:
        if exc.status_code != DomainError.status_code:
            raise
        return Status(422, invalid_body(exc.errors or {"file": [exc.message]}))
    return Status(200 if outcome.unchanged else 202, outcome.invoice)


@router.get(
    "/{code}/invoices/{invoice_id}",
    auth=PartnerToken(ApiScope.CONTRIBUTIONS, ApiScope.REPORTS),
    response=ONE,
    url_name="invoice_detail",
    summary="Status pencocokan tagihan / Invoice reconciliation status",
    description=(
        "`status`: reconciling, current, replaced atau failed (dengan `error`); per status baris jumlah dan "
        "Rupiah-nya. Cakupan: `contributions` atau `reports`.\n\n"
        "`status`: reconciling, current, replaced or failed (with `error`); per row status its count and Rupiah. "
        "Scope: `contributions` or `reports`."
    ),
    openapi_extra=openapi(ONE),
)
@decorate_view(never_cache)
def invoice_detail(request: HttpRequest, code: str, invoice_id: int) -> Invoice:
    return _invoice(_programme(partner(request), code), invoice_id)


@router.get(
    "/{code}/invoices/{invoice_id}/result",
    auth=PartnerToken(ApiScope.CONTRIBUTIONS),
    response={200: None, **AUTH, 409: ErrorOut},
    url_name="invoice_result",
    summary="Berkas hasil pencocokan / Reconciliation result file",
    description=(
        "XLSX: baris tagihan dengan kolom `status`, `selisih`, `alasan`, lalu peserta `tidak_ditagih`, dan "
        "lembar ringkasan. 409 selama belum selesai. Cakupan: `contributions`.\n\n"
        "XLSX: the invoice's rows with `status`, `selisih`, `alasan`, then the `tidak_ditagih` members, and a "
        "summary sheet. 409 until reconciled. Scope: `contributions`."
    ),
)
@decorate_view(never_cache)
def invoice_result(request: HttpRequest, code: str, invoice_id: int) -> Any:
    invoice = _invoice(_programme(partner(request), code), invoice_id)
    if invoice.status not in (Invoice.Status.CURRENT, Invoice.Status.REPLACED):
        raise Conflict(_("Tagihan belum selesai dicocokkan; berkas hasil belum tersedia."))
    partner_saw(request, person_ref=f"invoice:{invoice.pk}", person_label=invoice.file_name, what="api_invoice_result")
    return FileResponse(
        io.BytesIO(result_workbook(invoice)), as_attachment=True, filename=result_download_name(invoice)
    )


@router.get(
    "/{code}/contributions",
    auth=PartnerToken(ApiScope.REPORTS, ApiScope.CONTRIBUTIONS),
    response=FIGURES,
    summary="Iuran sebulan / A month's contributions",
    description=(
        "`members`: peserta tertanggung bulan itu; `expected`: iuran seharusnya (peserta x tabel iuran yang "
        "berlaku, tanpa potongan PP 50/2025); `invoiced` dan `proposed`: tagihan BPJS bulan itu yang berlaku dan "
        "yang diusulkan dibayar; `paid`: iuran bulan itu yang sudah dibayar; `unpaid_members`: peserta yang "
        "iuran bulan itu belum dibayar. Rupiah sebagai bilangan bulat. `month` YYYY-MM, bawaan bulan ini. "
        "Cakupan: `reports` atau `contributions`.\n\n"
        "`members`: covered that month; `expected`: members x the contribution table in force (never the "
        "PP 50/2025 discount); `invoiced`, `proposed`: the month's current BPJS invoice and what it proposes to "
        "pay; `paid`: that month's contributions paid; `unpaid_members`: members whose month is unpaid. Rupiah as "
        "integers. `month` YYYY-MM, default this month. Scope: `reports` or `contributions`."
    ),
    openapi_extra=openapi(FIGURES),
)
@decorate_view(never_cache)
def contributions(request: HttpRequest, code: str, month: Query[Month] = None) -> dict[str, Any]:
    programme = _programme(partner(request), code)
    wanted = month or billing.month_of(clock.today())
    figure = month_figures(programme, [wanted])[0]
    return {
        "month": f"{wanted:%Y-%m}",
        "members": figure.members,
        "expected": figure.expected,
        "invoiced": figure.invoiced or 0,
        "proposed": figure.proposed,
        "paid": figure.paid,
        "unpaid_members": figure.unpaid_members,
    }


@router.get(
    "/{code}/members",
    auth=PartnerToken(ApiScope.MEMBERSHIP),
    response=MEMBERS,
    summary="Peserta program / The programme's members",
    description=(
        "Kepesertaan program, per halaman (`page`, `page_size` sampai 500), urut KPJ: KPJ, NIK tersamar, nama, "
        "status (active, non_active, ended) dan masa perlindungan. Setiap halaman dicatat di log akses data "
        "pribadi. Cakupan: `membership`.\n\n"
        "The programme's memberships, paged, by KPJ: KPJ, masked NIK, name, status and cover period. Every page "
        "is recorded in the personal-data access log. Scope: `membership`."
    ),
    openapi_extra=openapi(MEMBERS),
)
@decorate_view(never_cache)
def members(
    request: HttpRequest,
    code: str,
    page: int = Query(1, ge=1, le=1_000_000),
    page_size: int = Query(100, ge=1, le=PAGE_SIZE_MAX),
) -> dict[str, Any]:
    programme = _programme(partner(request), code)
    rows = (
        Membership.objects.filter(programme=programme)
        .annotate(until=Least(F("ends"), F("place__ends")))
        .order_by("kpj", "pk")
        .values_list("kpj", "person__nik", "person__name", "status", "starts", "until")
    )
    count, found, following = page_of(request, rows, page=page, page_size=page_size)
    partner_saw(
        request,
        person_ref=f"programme:{programme.code}:members",
        person_label=_("Peserta %(code)s, halaman %(page)s") % {"code": programme.code, "page": page},
        what="api_member_list",
    )
    results = [
        {
            "kpj": kpj,
            "nik_masked": mask_nik(nik),
            "nama": name,
            "status": status,
            "cover_start": start,
            "cover_end": end,
        }
        for kpj, nik, name, status, start, end in found
    ]
    return {"count": count, "next": following, "results": results}
