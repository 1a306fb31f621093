"""Pages of contributions (/iuran/): the programme's months (expected bill, invoiced, paid, unpaid), the BPJS
invoice uploaded and reconciled with progress, its rows and result file, payments by SP2D, members at risk of
lapsing, the budget realisation, and the billing terms with the invoice's column template.

Finance officers (bendahara), programme managers, BPJS liaisons, leadership and auditors of the programme's
funder see them (VIEW_CONTRIBUTIONS); who may upload, pay or change settings is its capability's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jaring.contributions import billing
from jaring.contributions.figures import (
    contribution_programme,
    contribution_programmes,
    cover_months,
    month_figures,
    realisation,
)
from jaring.contributions.forms import BillingTermsForm, InvoiceColumnsForm, InvoiceUploadForm, PaymentForm
from jaring.contributions.models import Invoice, InvoiceLine, LineStatus
from jaring.contributions.result import result_download_name, result_workbook
from jaring.contributions.selectors import members_at_risk, terms_of
from jaring.contributions.services import arrears_apply, billing_terms_set, payment_record
from jaring.contributions.tasks import RESULT_INLINE_ROWS, invoice_start, result_start
from jaring.core import clock
from jaring.core.actors import officer_of
from jaring.core.errors import DomainError, NotFound
from jaring.core.http import domain_errors_as_pages, officer_saw
from jaring.core.models import User
from jaring.core.permissions import Capability, user_can
from jaring.programmes.models import Programme
from jaring.registry.models import mask_nik

LINES_PER_PAGE = 100
MEMBERS_PER_PAGE = 100
INVOICES_SHOWN = 36


def _context(user: User, programme: Programme, current: str) -> dict[str, Any]:
    return {
        "programme": programme,
        "current": current,
        "can_reconcile": user_can(user, Capability.RECONCILE_INVOICES),
        "can_pay": user_can(user, Capability.RECORD_PAYMENTS),
        "can_manage": user_can(user, Capability.MANAGE_PROGRAMMES),
    }


@login_required
@domain_errors_as_pages
@require_GET
def programmes(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    month = billing.month_of(clock.today())
    rows = [(programme, month_figures(programme, [month])[0]) for programme in contribution_programmes(user)]
    return render(request, "contributions/programmes.html", {"rows": rows, "month": month})


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def overview(request: HttpRequest, code: str) -> HttpResponse:
    """The programme's months and invoices; officers who reconcile upload the month's invoice here."""
    user = officer_of(request)
    programme = contribution_programme(user, code)
    form = InvoiceUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        contribution_programme(user, code, capability=Capability.RECONCILE_INVOICES)
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            content: bytes | Path
            if hasattr(uploaded, "temporary_file_path"):  # a large upload Django kept on disk
                content = Path(uploaded.temporary_file_path())
            else:
                content = uploaded.read()
            try:
                outcome = invoice_start(
                    programme=programme,
                    file_name=uploaded.name or "tagihan",
                    content=content,
                    actor=user,
                    month=form.cleaned_data["month"],
                )
            except DomainError as exc:
                form.add_error("month" if exc.field == "month" else "file", exc.message)
                status = 400
            else:
                if outcome.unchanged:
                    messages.info(request, _("Berkas yang sama sudah dicocokkan; tidak ada yang berubah."))
                return redirect("contributions:invoice", code=programme.code, pk=outcome.invoice.pk)
        else:
            status = 400
    today = clock.today()
    figures = month_figures(programme, cover_months(programme), today=today)
    invoices = (
        Invoice.objects.filter(programme=programme).select_related("created_by").order_by("-month", "-created_at")
    )[:INVOICES_SHOWN]
    at_risk = members_at_risk(programme, on=today)
    context = {
        **_context(user, programme, "overview"),
        "figures": figures,
        "invoices": invoices,
        "at_risk": at_risk,
        "form": form,
        "this_month": billing.month_of(today),
        "terms": terms_of(programme),
    }
    return render(request, "contributions/overview.html", context, status=status)


def _invoice(programme: Programme, pk: int) -> Invoice:
    invoice = Invoice.objects.select_related("programme__funder", "job", "replaces").filter(pk=pk, programme=programme)
    found = invoice.first()
    if found is None:
        raise NotFound(_("Tagihan tidak ditemukan."))
    return found


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def invoice(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One invoice: its progress while reconciled, then its rows by status, payments and the payment form."""
    user = officer_of(request)
    programme = contribution_programme(user, code)
    found = _invoice(programme, pk)
    form = PaymentForm(request.POST or None, initial={"amount": found.unpaid or None, "sp2d_date": clock.today()})
    status = 200
    if request.method == "POST":
        contribution_programme(user, code, capability=Capability.RECORD_PAYMENTS)
        if form.is_valid():
            data = form.cleaned_data
            try:
                paid = payment_record(
                    invoice=found,
                    sp2d_number=data["sp2d_number"],
                    sp2d_date=data["sp2d_date"],
                    amount=data["amount"],
                    note=data["note"],
                    actor=user,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("SP2D %(number)s dicatat: %(months)s bulan peserta terbayar, %(active)s aktif kembali.")
                    % {"number": paid.payment.sp2d_number, "months": paid.months, "active": paid.reactivated},
                )
                return redirect("contributions:invoice", code=programme.code, pk=found.pk)
        else:
            status = 400
    wanted = request.GET.get("status", "")
    lines = InvoiceLine.objects.filter(invoice=found).order_by("position")
    if wanted in LineStatus.values:
        lines = lines.filter(status=wanted)
    else:
        wanted = ""
        lines = lines.exclude(status=LineStatus.COCOK)  # the rows to look at; cocok rows on request
    page = Paginator(lines, LINES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(line, mask_nik(line.nik) if line.nik else "") for line in page]
    if rows:
        officer_saw(
            request, funder=programme.funder, ref=f"invoice:{found.pk}", label=found.file_name, what="invoice_rows"
        )
    statuses = [
        (status_, label, found.summary.get(status_, {}).get("count", 0), found.summary.get(status_, {}).get("sum", 0))
        for status_, label in LineStatus.choices
    ]
    context = {
        **_context(user, programme, "overview"),
        "invoice": found,
        "statuses": statuses,
        "wanted": wanted,
        "page": page,
        "rows": rows,
        "payments": list(found.payments.select_related("created_by").order_by("sp2d_date", "pk")),
        "form": form,
        "may_pay": user_can(user, Capability.RECORD_PAYMENTS)
        and found.status == Invoice.Status.CURRENT
        and found.unpaid > 0,
    }
    return render(request, "contributions/invoice.html", context, status=status)


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def invoice_progress(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The progress bar while an invoice is reconciled; once done, htmx reloads the page."""
    programme = contribution_programme(officer_of(request), code)
    found = _invoice(programme, pk)
    if found.status != Invoice.Status.RECONCILING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "contributions/_progress.html", {"invoice": found, "programme": programme})


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def invoice_result(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    """The result file: made at once for an invoice of a few thousand rows, by the worker for larger ones."""
    user = officer_of(request)
    programme = contribution_programme(user, code, capability=Capability.VIEW_CONTRIBUTIONS)
    if not (user_can(user, Capability.RECONCILE_INVOICES) or user_can(user, Capability.RECORD_PAYMENTS)):
        contribution_programme(user, code, capability=Capability.RECONCILE_INVOICES)  # the refusal, worded
    found = _invoice(programme, pk)
    if found.status not in (Invoice.Status.CURRENT, Invoice.Status.REPLACED):
        raise NotFound(_("Tagihan belum selesai dicocokkan; berkas hasil belum tersedia."))
    officer_saw(
        request, funder=programme.funder, ref=f"invoice:{found.pk}", label=found.file_name, what="invoice_result"
    )
    if found.rows > RESULT_INLINE_ROWS:
        job = result_start(invoice=found, actor=user)
        return redirect("core:job", pk=job.pk)
    return FileResponse(iter([result_workbook(found)]), as_attachment=True, filename=result_download_name(found))


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def arrears(request: HttpRequest, code: str) -> HttpResponse:
    """Members owing contributions, most months first, with the day they lapse if nothing is paid."""
    user = officer_of(request)
    programme = contribution_programme(user, code)
    if request.method == "POST":
        contribution_programme(user, code, capability=Capability.RECONCILE_INVOICES)
        outcome = arrears_apply(programme=programme, actor=user)
        messages.success(
            request,
            _("%(off)s peserta dinonaktifkan karena tunggakan, %(on)s aktif kembali.")
            % {"off": outcome.deactivated, "on": outcome.reactivated},
        )
        return redirect("contributions:arrears", code=programme.code)
    terms = terms_of(programme)
    at_risk = members_at_risk(programme)
    page = Paginator(at_risk.members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(m, mask_nik(m.person.nik), at_risk.lapse_day(m.owed, terms.due_day)) for m in page]  # type: ignore[attr-defined]
    if rows:
        officer_saw(
            request,
            funder=programme.funder,
            ref=f"programme:{programme.code}:arrears",
            label=programme.code,
            what="arrears",
        )
    context = {**_context(user, programme, "arrears"), "at_risk": at_risk, "page": page, "rows": rows, "terms": terms}
    return render(request, "contributions/arrears.html", context)


@login_required
@domain_errors_as_pages
@require_GET
def budget(request: HttpRequest, code: str) -> HttpResponse:
    user = officer_of(request)
    programme = contribution_programme(user, code)
    context = {**_context(user, programme, "budget"), "realisation": realisation(programme)}
    return render(request, "contributions/budget.html", context)


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest, code: str) -> HttpResponse:
    """The programme's billing terms and the invoice's column template (programme managers)."""
    user = officer_of(request)
    programme = contribution_programme(user, code, capability=Capability.MANAGE_PROGRAMMES)
    current = terms_of(programme)
    initial = {
        "cover_rule": current.cover_rule,
        "due_day": current.due_day,
        "cover_in_arrears": current.cover_in_arrears,
        "tracked_from": current.tracked_from,
        "payment_code": current.payment_code,
    }
    action = request.POST.get("aksi", "") if request.method == "POST" else ""
    form = BillingTermsForm(request.POST if action == "ketentuan" else None, initial=initial)
    columns = InvoiceColumnsForm(request.POST if action == "kolom" else None, current=current.invoice_headers)
    status = 200
    if action:
        bound = form if action == "ketentuan" else columns
        if bound.is_valid():
            fields = form.cleaned_data if action == "ketentuan" else {"invoice_headers": columns.headers()}
            try:
                billing_terms_set(programme=programme, actor=user, **fields)
            except DomainError as exc:
                bound.add_error(exc.field if exc.field in bound.fields else None, exc.message)
                status = 400
            else:
                messages.success(request, _("Ketentuan iuran %(code)s disimpan.") % {"code": programme.code})
                return redirect("contributions:terms", code=programme.code)
        else:
            status = 400
    context = {**_context(user, programme, "terms"), "form": form, "columns": columns}
    return render(request, "contributions/terms.html", context, status=status)
