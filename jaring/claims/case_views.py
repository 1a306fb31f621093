"""The case page of a claim: coverage, benefit items, heirs in legal order, scholarship children and their yearly
claims, documents, the dates that matter and the actions of the case's state; its documents uploaded and served
(sandboxed). Opening the page or a document is recorded in the personal-data access log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jaring.claims import rules
from jaring.claims.bpjs_services import (
    Handover,
    claim_hand_over,
    claim_record_payment,
    claim_reject,
    claim_return,
    claim_submit,
    claim_take_up,
    claim_withdraw,
)
from jaring.claims.document_services import claim_document_add
from jaring.claims.forms import (
    ChildForm,
    DocumentForm,
    HandoverForm,
    HeirForm,
    PaymentForm,
    ReasonForm,
    ScholarshipClaimForm,
)
from jaring.claims.models import Claim, ClaimDocumentKind, ScholarshipChild, ScholarshipClaim
from jaring.claims.scholarship import scholarship_child_end, scholarship_year_claim, scholarship_year_paid
from jaring.claims.selectors import (
    benefit_total,
    claim_for,
    claim_history,
    current_documents,
    documents_missing,
    documents_required_for,
    flags_of,
    may_handle,
    may_report,
    scholarship_paid_total,
)
from jaring.claims.services import (
    ChildIn,
    HeirIn,
    claim_child_add,
    claim_coverage_check,
    claim_heir_add,
)
from jaring.claims.states import PREPARING, ClaimStatus, ClaimTransition, transitions_from
from jaring.core import clock
from jaring.core.actors import officer_of
from jaring.core.errors import DomainError, NotFound, PermissionDenied
from jaring.core.http import domain_errors_as_pages
from jaring.core.models import User
from jaring.core.selectors import holiday_calendar_warning
from jaring.registry.documents import stored_file_response
from jaring.registry.officer_support import clean_text, log_person_view
from jaring.registry.services import Upload

S = ClaimStatus


# -- one case --------------------------------------------------------------------------------------------------

ACTIONS = ("terima", "ajukan", "kembalikan", "bayar", "tolak", "batalkan", "serahkan", "periksa", "ahli-waris", "anak")
SCHOLARSHIP_ACTIONS = ("beasiswa", "beasiswa-dibayar", "beasiswa-selesai")


def _forms(claim: Claim, data: Any = None, posted: str = "") -> dict[str, Any]:
    """The forms the case page offers, the posted one bound to its data."""
    children = [(c.pk, c.name) for c in claim.children.order_by("position")]
    eligible = [(c.pk, c.name) for c in claim.children.filter(eligible=True, ended_on=None).order_by("position")]

    def bound(name: str, form_class: Any, **kwargs: Any) -> Any:
        return form_class(data if posted == name else None, prefix=name, **kwargs)

    today = clock.today()
    return {
        "dokumen": bound("dokumen", DocumentForm, children=children),
        "kembalikan": bound("kembalikan", ReasonForm),
        "tolak": bound("tolak", ReasonForm),
        "batalkan": bound("batalkan", ReasonForm),
        "bayar": bound(
            "bayar",
            PaymentForm,
            initial={"paid_on": today, "amount": benefit_total(claim)},
        ),
        "serahkan": bound(
            "serahkan",
            HandoverForm,
            initial={"handed_on": today, "received_by": next(iter(claim.heirs.values_list("name", flat=True)), "")},
        ),
        "ahli-waris": bound("ahli-waris", HeirForm),
        "anak": bound("anak", ChildForm),
        "beasiswa": bound(
            "beasiswa", ScholarshipClaimForm, children=eligible, initial={"school_year": today.year - (today.month < 7)}
        ),
    }


def _context(request: HttpRequest, user: User, claim: Claim, forms: dict[str, Any]) -> dict[str, Any]:
    today = clock.today()
    heirs = list(claim.heirs.order_by("rank", "position"))
    entitled = rules.entitled_rank([h.relationship for h in heirs])
    documents = list(current_documents(claim))
    missing = documents_missing(claim) if claim.status in (*PREPARING, S.SUBMITTED_TO_BPJS) else []
    required = documents_required_for(claim)
    children = list(claim.children.order_by("position").prefetch_related("claims"))
    table = claim.benefit_table
    transitions = transitions_from(claim.status)
    handle, report = may_handle(user), may_report(user)
    warning = ""
    if claim.bpjs_pays_by is not None:
        warning = holiday_calendar_warning(today, claim.bpjs_pays_by)
    return {
        "claim": claim,
        "person": claim.person,
        "membership": claim.membership,
        "flags": flags_of(claim, today=today),
        "items": [
            {"item": i.item, "label": rules.ITEM_LABELS.get(i.item, i.item), "amount": i.amount, "in_total": i.in_total}
            for i in claim.items.all()
        ],
        "total": benefit_total(claim),
        "heirs": [
            {"heir": h, "entitled": h.rank == entitled, "group": rules.RANK_LABELS.get(h.rank, "")} for h in heirs
        ],
        "documents": documents,
        "required": [(kind, ClaimDocumentKind(kind).label, kind not in missing) for kind in required],
        "missing": missing,
        "children": children,
        "scholarship_total": scholarship_paid_total(claim),
        "scholarship_max": table.scholarship_max_total if table is not None else 0,
        "transitions": transitions,
        "T": {t.name: t.value for t in ClaimTransition},
        "may_handle": handle,
        "may_report": report,
        "preparing": claim.status in PREPARING,
        "document_form": forms["dokumen"],
        "payment_form": forms["bayar"],
        "handover_form": forms["serahkan"],
        "heir_form": forms["ahli-waris"],
        "child_form": forms["anak"],
        "scholarship_form": forms["beasiswa"],
        "reason_forms": [
            (
                "kembalikan",
                _("BPJS meminta kelengkapan"),
                handle and ClaimTransition.RETURN in transitions,
                forms["kembalikan"],
            ),
            ("tolak", _("Tolak klaim"), handle and ClaimTransition.REJECT in transitions, forms["tolak"]),
            (
                "batalkan",
                _("Batalkan klaim"),
                (handle or report) and ClaimTransition.WITHDRAW in transitions,
                forms["batalkan"],
            ),
        ],
        "history": claim_history(claim),
        "calendar_warning": warning,
    }


@never_cache  # the heirs' NIKs and the member's: never kept by a browser or proxy cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def claim_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = officer_of(request)
    claim = claim_for(user, number)
    status = 200
    posted = ""
    data = None
    if request.method == "POST":
        posted = clean_text(request.POST.get("tindakan", ""), 30)
        data = request.POST
        outcome = _act(request, user, claim, posted)
        if isinstance(outcome, HttpResponse):
            return outcome
        forms, status = outcome
    else:
        forms = _forms(claim)
    log_person_view(request, user=user, person=claim.person, what="claim_detail", programme=claim.programme)
    context = _context(request, user, claim, forms)
    context["posted"] = posted if data is not None else ""
    return render(request, "claims/detail.html", context, status=status)


def _act(request: HttpRequest, user: User, claim: Claim, action: str) -> HttpResponse | tuple[dict[str, Any], int]:
    """Run one action of the case page: a redirect when done, or the forms with the errors by their fields."""
    detail = reverse("claims:detail", kwargs={"number": claim.number})
    if action not in ACTIONS and action not in SCHOLARSHIP_ACTIONS:
        messages.error(request, _("Tindakan tidak dikenal."))
        return redirect(detail)
    forms = _forms(claim, request.POST, action)
    form = forms.get(action)
    if form is not None and not form.is_valid():
        return forms, 400
    data = form.cleaned_data if form is not None else {}
    try:
        done = _run(request, user, claim, action, data)
    except PermissionDenied:
        raise  # a 403 page, not a message on the form
    except DomainError as exc:
        if form is None or exc.status_code == 409:
            messages.warning(request, exc.message)
            return redirect(detail)
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        return forms, exc.status_code
    messages.success(request, done)
    return redirect(detail)


def _run(request: HttpRequest, user: User, claim: Claim, action: str, data: dict[str, Any]) -> str:
    """Run the action through its service; the message that says what was done."""
    return RUNNERS[action](request, user, claim, data)


def _take_up(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    claim_take_up(claim=claim, actor=user)
    return _("Laporan diterima; kumpulkan dokumennya.")


def _submit(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    claim = claim_submit(claim=claim, actor=user)
    if claim.bpjs_pays_by:
        return _("Klaim diajukan ke BPJS; BPJS membayar paling lambat %(day)s.") % {
            "day": rules.day_text(claim.bpjs_pays_by)
        }
    return _("Klaim diajukan ke BPJS.")


def _return(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    claim_return(claim=claim, reason=data["reason"], actor=user)
    return _("Klaim kembali dilengkapi: %(reason)s") % {"reason": data["reason"]}


def _pay(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    claim_record_payment(
        claim=claim, amount=data["amount"], paid_on=data["paid_on"], reference=data["reference"], actor=user
    )
    return _("Pembayaran BPJS dicatat.")


def _reject(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    claim_reject(claim=claim, reason=data["reason"], actor=user)
    return _("Klaim ditolak.")


def _withdraw(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    claim_withdraw(claim=claim, reason=data["reason"], actor=user)
    return _("Klaim dibatalkan.")


def _hand_over(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    handover = Handover(
        handed_on=data["handed_on"],
        place=data["place"],
        handed_by=data["handed_by"],
        received_by=data["received_by"],
        note=data["note"],
    )
    claim_hand_over(claim=claim, handover=handover, actor=user)
    return _("Penyerahan manfaat dicatat.")


def _check_coverage(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    claim = claim_coverage_check(claim=claim, actor=user)
    return _("Perlindungan diperiksa ulang: %(reason)s") % {"reason": claim.coverage_reason}


def _add_heir(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    claim_heir_add(claim=claim, heir=HeirIn(data["name"], data["nik"], data["relationship"]), actor=user)
    return _("Ahli waris ditambahkan.")


def _add_child(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    child = claim_child_add(claim=claim, child=ChildIn(data["name"], data["birth_date"], data["level"]), actor=user)
    return _("Anak ditambahkan: %(reason)s") % {"reason": child.reason}


def _claim_scholarship(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    child = _child_of(claim, data["child"])
    year_claim = scholarship_year_claim(child=child, school_year=data["school_year"], level=data["level"], actor=user)
    return _("Beasiswa %(name)s tahun ajaran %(year)s/%(next)s diajukan: Rp%(amount)s.") % {
        "name": child.name,
        "year": year_claim.school_year,
        "next": year_claim.school_year + 1,
        "amount": rules.rupiah(year_claim.amount),
    }


def _scholarship_paid(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    year_claim = _year_claim_of(claim, request.POST.get("klaim_tahunan", ""))
    scholarship_year_paid(year_claim=year_claim, paid_on=clock.today(), actor=user)
    return _("Pembayaran beasiswa dicatat.")


def _end_scholarship(request: HttpRequest, user: User, claim: Claim, data: dict[str, Any]) -> str:
    child = _child_of(claim, request.POST.get("anak", ""))
    scholarship_child_end(child=child, reason=clean_text(request.POST.get("alasan", ""), 200), actor=user)
    return _("Beasiswa %(name)s diakhiri.") % {"name": child.name}


# What each action of the case page runs (`_act` has let through only the actions of ACTIONS and
# SCHOLARSHIP_ACTIONS).
RUNNERS: dict[str, Callable[[HttpRequest, User, Claim, dict[str, Any]], str]] = {
    "terima": _take_up,
    "ajukan": _submit,
    "kembalikan": _return,
    "bayar": _pay,
    "tolak": _reject,
    "batalkan": _withdraw,
    "serahkan": _hand_over,
    "periksa": _check_coverage,
    "ahli-waris": _add_heir,
    "anak": _add_child,
    "beasiswa": _claim_scholarship,
    "beasiswa-dibayar": _scholarship_paid,
    "beasiswa-selesai": _end_scholarship,
}


def _pk(value: object) -> int:
    text = str(value)
    return int(text) if text.isdigit() else 0


def _child_of(claim: Claim, value: object) -> ScholarshipChild:
    child = claim.children.filter(pk=_pk(value)).first()
    if child is None:
        raise DomainError(_("Pilih anak dari daftar."), field="child")
    return child


def _year_claim_of(claim: Claim, value: object) -> ScholarshipClaim:
    found = ScholarshipClaim.objects.filter(child__claim=claim, pk=_pk(value)).select_related("child__claim").first()
    if found is None:
        raise NotFound(_("Klaim beasiswa tahunan tidak ditemukan pada klaim ini."))
    return found


# -- documents -------------------------------------------------------------------------------------------------


@require_POST
@login_required
@domain_errors_as_pages
def document_upload(request: HttpRequest, number: str) -> HttpResponse:
    user = officer_of(request)
    claim = claim_for(user, number)
    children = [(c.pk, c.name) for c in claim.children.order_by("position")]
    form = DocumentForm(request.POST, request.FILES, prefix="dokumen", children=children)
    if not form.is_valid():
        forms = _forms(claim)
        forms["dokumen"] = form
        log_person_view(request, user=user, person=claim.person, what="claim_detail", programme=claim.programme)
        return render(request, "claims/detail.html", _context(request, user, claim, forms), status=400)
    data = form.cleaned_data
    uploaded = data["file"]
    assert isinstance(uploaded, UploadedFile)
    child = claim.children.filter(pk=data["child"]).first() if data.get("child") else None
    upload = Upload(kind=data["kind"], content=uploaded.read(), name=uploaded.name or "")
    try:
        claim_document_add(claim=claim, upload=upload, child=child, actor=user)
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(kind)s tersimpan.") % {"kind": ClaimDocumentKind(data["kind"]).label})
    return redirect(reverse("claims:detail", kwargs={"number": claim.number}) + "#dokumen")


@never_cache  # a death certificate, an identity card
@login_required
@domain_errors_as_pages
def document_view(request: HttpRequest, number: str, document_id: int) -> HttpResponseBase:
    """Stream one document from private storage to an officer who may see its case; recorded."""
    user = officer_of(request)
    claim = claim_for(user, number)
    document = claim.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("Dokumen tidak ditemukan pada klaim ini."))
    response = stored_file_response(
        document.file,
        content_type=document.content_type,
        filename=f"{claim.number}-{document.kind}{document.extension}",
    )
    log_person_view(
        request, user=user, person=claim.person, what=f"claim_document:{document.kind}", programme=claim.programme
    )
    return response
