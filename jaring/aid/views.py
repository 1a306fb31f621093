"""Officers' pages of in-kind aid: the goods programmes, a period's delivery list (to print, as XLSX, and to
record deliveries in one form), a recipient's history with missed months, and correcting one delivery.

Who: registration officers and programme managers record (Capability.RECORD_AID); leadership and auditors read
(VIEW_AID); all for their own funder's programmes, another funder's answered as not found. Every page that shows
recipients is recorded in the personal-data access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jaring.aid import selectors
from jaring.aid.exports import XLSX_MIME, delivery_list_xlsx, file_stem
from jaring.aid.forms import CorrectForm, RecordForm
from jaring.aid.models import DeliveryScan
from jaring.aid.months import period_text
from jaring.aid.services import deliveries_record, delivery_correct, delivery_scan_add
from jaring.core import clock
from jaring.core.actors import officer_of
from jaring.core.errors import DomainError
from jaring.core.http import domain_errors_as_pages, officer_saw
from jaring.core.permissions import Capability, user_can
from jaring.programmes.models import Programme
from jaring.registry.documents import stored_file_response


@login_required
@domain_errors_as_pages
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    programmes = list(selectors.aid_programmes_visible_to(user))
    today = clock.today()
    rows = [(p, selectors.default_period(p, today)) for p in programmes]
    return render(request, "aid/index.html", {"rows": rows})


@login_required
@domain_errors_as_pages
@require_GET
def programme_page(request: HttpRequest, code: str) -> HttpResponse:
    programme = selectors.aid_programme_of(officer_of(request), code)
    period = selectors.default_period(programme, clock.today())
    return redirect("aid:month", code=programme.code, month=f"{period:%Y-%m}")


def _month_context(request: HttpRequest, programme: Programme, month: str) -> dict[str, object]:
    period = selectors.period_of(programme, month)
    rows = selectors.delivery_sheet(programme, period)
    periods = selectors.programme_periods(programme)
    once = selectors.is_once(programme)
    return {
        "programme": programme,
        "period": period,
        "period_label": period_text(period, once=once),
        "month": f"{period:%Y-%m}",
        "rows": rows,
        "counts": selectors.sheet_counts(rows),
        "periods": [(f"{p:%Y-%m}", period_text(p, once=once)) for p in periods],
        "once": once,
        "scans": list(selectors.scans_of(programme, period)),
    }


def _record_form(rows: list[selectors.SheetRow], data: object = None, files: object = None) -> RecordForm:
    # Every recipient of the list, received or not: a second submission of the same form is answered by the
    # service ("already recorded"), not refused as an unknown choice.
    choices = [(row.place.pk, row.place.person.name) for row in rows]
    return RecordForm(data, files, choices=choices, initial={"delivered_on": clock.today()})


@never_cache  # names and masked NIKs of the recipients
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def month_page(request: HttpRequest, code: str, month: str) -> HttpResponse:
    user = officer_of(request)
    recording = request.method == "POST"
    programme = selectors.aid_programme_of(user, code, record=recording)
    context = _month_context(request, programme, month)
    rows: list[selectors.SheetRow] = context["rows"]  # type: ignore[assignment]
    may_record = user_can(user, Capability.RECORD_AID)
    form = _record_form(rows, request.POST, request.FILES) if recording else _record_form(rows)
    status = 200
    if recording:
        if form.is_valid():
            data = form.cleaned_data
            try:
                scan = None
                if data["scan"] is not None:
                    upload = data["scan"]
                    scan = delivery_scan_add(
                        programme=programme,
                        period=context["period"],  # type: ignore[arg-type]
                        content=upload.read(),
                        name=upload.name or "",
                        actor=user,
                    )
                recorded = deliveries_record(
                    programme=programme,
                    period=context["period"],  # type: ignore[arg-type]
                    place_ids=data["places"],
                    delivered_on=data["delivered_on"],
                    signed=data["signed"],
                    handed_over_by=data["handed_over_by"],
                    notes=data["notes"],
                    scan=scan,
                    actor=user,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                text = _("%(count)s penyerahan dicatat.") % {"count": len(recorded.created)}
                if recorded.already:
                    text += " " + _(
                        "%(count)s penerima sudah tercatat menerima untuk bulan ini; tidak dicatat dua kali."
                    ) % {"count": len(recorded.already)}
                messages.success(request, text)
                return redirect("aid:month", code=programme.code, month=context["month"])
        status = 400
    officer_saw(
        request,
        funder=programme.funder,
        ref=f"aid:{programme.code}:{context['month']}",
        label=_("Daftar penyerahan %(code)s %(month)s") % {"code": programme.code, "month": context["period_label"]},
        what="aid_delivery_list",
    )
    context.update({"form": form, "may_record": may_record})
    return render(request, "aid/month.html", context, status=status)


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def print_page(request: HttpRequest, code: str, month: str) -> HttpResponse:
    programme = selectors.aid_programme_of(officer_of(request), code)
    context = _month_context(request, programme, month)
    officer_saw(
        request,
        funder=programme.funder,
        ref=f"aid:{programme.code}:{context['month']}",
        label=_("Daftar penyerahan %(code)s %(month)s") % {"code": programme.code, "month": context["period_label"]},
        what="aid_delivery_print",
    )
    return render(request, "aid/print.html", context)


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def xlsx_download(request: HttpRequest, code: str, month: str) -> HttpResponse:
    programme = selectors.aid_programme_of(officer_of(request), code)
    period = selectors.period_of(programme, month)
    rows = selectors.delivery_sheet(programme, period)
    officer_saw(
        request,
        funder=programme.funder,
        ref=f"aid:{programme.code}:{period:%Y-%m}",
        label=_("Daftar penyerahan %(code)s %(month)s")
        % {"code": programme.code, "month": selectors.label_of_period(programme, period)},
        what="aid_delivery_xlsx",
    )
    response = HttpResponse(delivery_list_xlsx(programme, period, rows), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{file_stem(programme, period)}.xlsx"'
    return response


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def recipient_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    user = officer_of(request)
    programme = selectors.aid_programme_of(user, code)
    place = selectors.place_of(programme, pk)
    history = selectors.recipient_history(programme, place)
    officer_saw(
        request,
        funder=programme.funder,
        ref=f"person:{place.person_id}",
        label=place.person.name,
        what="aid_recipient_history",
    )
    context = {
        "programme": programme,
        "place": place,
        "history": history,
        "missed": sum(1 for row in history if row.status == "missed"),
        "may_record": user_can(user, Capability.RECORD_AID),
    }
    return render(request, "aid/recipient.html", context)


@never_cache
@login_required
@domain_errors_as_pages
@require_http_methods(["GET", "POST"])
def correct_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    user = officer_of(request)
    programme = selectors.aid_programme_of(user, code, record=True)
    delivery = selectors.delivery_of(programme, pk)
    status = 200
    if request.method == "POST":
        form = CorrectForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                scan = None
                if data["scan"] is not None:
                    scan = delivery_scan_add(
                        programme=programme,
                        period=delivery.period,
                        content=data["scan"].read(),
                        name=data["scan"].name or "",
                        actor=user,
                    )
                delivery_correct(
                    delivery=delivery,
                    actor=user,
                    delivered_on=data["delivered_on"],
                    received_by=data["received_by"],
                    representative_name=data["representative_name"],
                    representative_relation=data["representative_relation"],
                    quantity=data["quantity"],
                    signed=data["signed"],
                    handed_over_by=data["handed_over_by"],
                    notes=data["notes"],
                    scan=scan,
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Catatan penyerahan dikoreksi."))
                return redirect("aid:recipient", code=programme.code, pk=delivery.place_id)
        status = 400
    else:
        form = CorrectForm(
            initial={
                "delivered_on": delivery.delivered_on,
                "received_by": delivery.received_by,
                "representative_name": delivery.representative_name,
                "representative_relation": delivery.representative_relation,
                "quantity": delivery.quantity,
                "signed": delivery.signed,
                "handed_over_by": delivery.handed_over_by,
                "notes": delivery.notes,
            }
        )
    officer_saw(
        request,
        funder=programme.funder,
        ref=f"person:{delivery.person_id}",
        label=delivery.person.name,
        what="aid_delivery",
    )
    context = {
        "programme": programme,
        "delivery": delivery,
        "period_label": selectors.label_of_period(programme, delivery.period),
        "form": form,
    }
    return render(request, "aid/correct.html", context, status=status)


@never_cache
@login_required
@domain_errors_as_pages
@require_GET
def scan_download(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = selectors.aid_programme_of(officer_of(request), code)
    scan: DeliveryScan = selectors.scan_of(programme, pk)
    officer_saw(
        request,
        funder=programme.funder,
        ref=f"aid:{programme.code}:{scan.period:%Y-%m}",
        label=_("Pindaian daftar %(code)s %(month)s") % {"code": programme.code, "month": f"{scan.period:%Y-%m}"},
        what="aid_scan",
    )
    response = stored_file_response(
        scan.file, content_type=scan.content_type, filename=f"{file_stem(programme, scan.period)}{scan.extension}"
    )
    return response  # type: ignore[return-value]
