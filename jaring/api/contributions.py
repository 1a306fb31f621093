"""Partner API of contributions (spec/bpjs-invoice.md, "Command, page and API"): a BPJS invoice sent for
reconciliation and followed, a month's contribution figures, and the programme's members (paged).

Only the token's own funder's programmes: another funder's code answers 404.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Least
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.decorators import decorate_view

from jaring.api.auth import require_any_scope, require_scope
from jaring.api.common import page_of, token_actor, wita
from jaring.api.docs import openapi
from jaring.api.errors import Unprocessable, invalid_body
from jaring.api.schemas import ErrorOut
from jaring.contributions import billing
from jaring.contributions.figures import month_figures
from jaring.contributions.invoice_read import InvoiceFileError
from jaring.contributions.models import Invoice
from jaring.contributions.result import result_download_name, result_workbook
from jaring.contributions.tasks import invoice_start
from jaring.core import clock
from jaring.core.errors import Conflict, DomainError, NotFound
from jaring.core.http import client_ip
from jaring.core.models import ApiScope, ApiToken
from jaring.core.services import access_log_write
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.registry.models import mask_nik

router = Router(tags=["contributions"])

MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")
PAGE_SIZE_MAX = 500


class StatusSumOut(Schema):
    count: int
    sum: int


class InvoiceOut(Schema):
    id: int
    programme: str
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
    created_at: str | None


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


def _month(value: str, *, field: str = "month") -> date:
    match = MONTH.fullmatch(value.strip())
    if match is None or not 1 <= int(match["month"]) <= 12:
        raise Unprocessable(
            _("Data tidak valid."), errors={field: [_("Tulis bulan sebagai YYYY-MM, misalnya 2026-11.")]}
        )
    return date(int(match["year"]), int(match["month"]), 1)


def _invoice_out(invoice: Invoice) -> dict[str, Any]:
    code = invoice.programme.code
    current = invoice.status in (Invoice.Status.CURRENT, Invoice.Status.REPLACED)
    return {
        "id": invoice.pk,
        "programme": code,
        "month": f"{invoice.month:%Y-%m}",
        "status": invoice.status,
        "file_name": invoice.file_name,
        "rows": invoice.rows,
        "invoiced": invoice.invoiced,
        "expected": invoice.expected,
        "proposed": invoice.proposed,
        "paid": invoice.paid,
        "members": int(invoice.summary.get("members", 0)),
        "statuses": {k: v for k, v in invoice.summary.items() if isinstance(v, dict)},
        "error": invoice.error,
        "status_url": reverse("api:invoice_detail", kwargs={"code": code, "invoice_id": invoice.pk}),
        "result_url": reverse("api:invoice_result", kwargs={"code": code, "invoice_id": invoice.pk})
        if current
        else None,
        "created_at": wita(invoice.created_at),
    }


def _invoice(programme: Programme, invoice_id: int) -> Invoice:
    invoice = Invoice.objects.select_related("programme").filter(pk=invoice_id, programme=programme).first()
    if invoice is None:
        raise NotFound(_("Tagihan tidak ditemukan."))
    return invoice


@router.post(
    "/{code}/invoices",
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
def invoice_create(request: HttpRequest, code: str, file: File[UploadedFile], month: Form[str] = "") -> Any:
    token = require_scope(request, ApiScope.CONTRIBUTIONS)
    programme = _programme(token, code)
    if file.size is not None and file.size > settings.INVOICE_MAX_BYTES:
        message = _("Berkas terlalu besar; paling besar %(max)s MB.") % {"max": settings.INVOICE_MAX_BYTES // 1_048_576}
        return Status(413, {"detail": message, "errors": {"file": [message]}})
    billed = _month(month) if month.strip() else None
    try:
        outcome = invoice_start(
            programme=programme,
            file_name=file.name or "tagihan",
            content=file.read(),
            actor=token_actor(token),
            month=billed,
        )
    except InvoiceFileError as exc:
        return Status(422, invalid_body({"file": [exc.message]}))
    except DomainError as exc:
        if exc.status_code != DomainError.status_code:
            raise
        return Status(422, invalid_body(exc.errors or {"file": [exc.message]}))
    return Status(200 if outcome.unchanged else 202, _invoice_out(outcome.invoice))


@router.get(
    "/{code}/invoices/{invoice_id}",
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
def invoice_detail(request: HttpRequest, code: str, invoice_id: int) -> dict[str, Any]:
    token = require_any_scope(request, ApiScope.CONTRIBUTIONS, ApiScope.REPORTS)
    return _invoice_out(_invoice(_programme(token, code), invoice_id))


@router.get(
    "/{code}/invoices/{invoice_id}/result",
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
    token = require_scope(request, ApiScope.CONTRIBUTIONS)
    programme = _programme(token, code)
    invoice = _invoice(programme, invoice_id)
    if invoice.status not in (Invoice.Status.CURRENT, Invoice.Status.REPLACED):
        raise Conflict(_("Tagihan belum selesai dicocokkan; berkas hasil belum tersedia."))
    access_log_write(
        actor=token_actor(token),
        person_ref=f"invoice:{invoice.pk}",
        person_label=invoice.file_name,
        what="api_invoice_result",
        path=request.path,
        ip_address=client_ip(request),
        funder=token.funder,
    )
    return FileResponse(
        io.BytesIO(result_workbook(invoice)), as_attachment=True, filename=result_download_name(invoice)
    )


@router.get(
    "/{code}/contributions",
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
def contributions(request: HttpRequest, code: str, month: str = "") -> dict[str, Any]:
    token = require_any_scope(request, ApiScope.REPORTS, ApiScope.CONTRIBUTIONS)
    programme = _programme(token, code)
    wanted = _month(month) if month.strip() else billing.month_of(clock.today())
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
    token = require_scope(request, ApiScope.MEMBERSHIP)
    programme = _programme(token, code)
    rows = (
        Membership.objects.filter(programme=programme)
        .annotate(until=Least(F("ends"), F("place__ends")))
        .order_by("kpj", "pk")
        .values_list("kpj", "person__nik", "person__name", "status", "starts", "until")
    )
    count, found, following = page_of(request, rows, page=page, page_size=page_size)
    access_log_write(
        actor=token_actor(token),
        person_ref=f"programme:{programme.code}:members",
        person_label=_("Peserta %(code)s, halaman %(page)s") % {"code": programme.code, "page": page},
        what="api_member_list",
        path=request.path,
        ip_address=client_ip(request),
        funder=token.funder,
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
