"""Officer pages of claims: the case list with filters and overdue flags, reporting a case for a member found by
KPJ, NIK or name, and the children whose yearly scholarship claim is due. The case page is `case_views`.

Searches are posted and kept in the session (a NIK never lands in a URL). Every page that shows a member's or
an heir's data is recorded in the personal-data access log."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jaring.claims import rules
from jaring.claims.forms import (
    ReportForm,
)
from jaring.claims.models import Claim, ClaimKind
from jaring.claims.selectors import (
    claims_visible_to,
    flags_of,
    may_report,
    members_for_report,
    membership_for_report,
    scholarship_due,
)
from jaring.claims.services import (
    DuplicateClaim,
    claim_report,
)
from jaring.claims.states import ClaimStatus
from jaring.core import clock
from jaring.core.actors import officer_of
from jaring.core.errors import DomainError, PermissionDenied
from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.core.models import User
from jaring.core.services import access_logs_write
from jaring.registry.models import mask_nik
from jaring.registry.officer_support import clean_text, log_person_view, search_recall, search_remember

PAGE_SIZE = 50
S = ClaimStatus


def _log_list(request: HttpRequest, user: User, claims: list[Claim], what: str) -> None:
    """One access-log row per person a list shows (names and what happened to them), in one INSERT."""
    access_logs_write(
        [
            {
                "actor": user,
                "person_ref": str(claim.person_id),
                "person_label": claim.person.name,
                "what": what,
                "path": request.path,
                "ip_address": client_ip(request),
                "funder": claim.programme.funder,
            }
            for claim in claims
        ]
    )


# -- the case list ---------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def claim_list(request: HttpRequest) -> HttpResponse:
    """Filters (status, kind, overdue) stay in the URL; the search box takes a name, KPJ, NIK or claim number,
    so it is posted and named in the URL by a session key (`cari`)."""
    user = officer_of(request)
    if request.method == "POST":
        params: dict[str, str] = {}
        text = clean_text(request.POST.get("q", "")).strip()
        if text:
            params["cari"] = search_remember(request, text)
        for name in ("status", "jenis", "terlambat"):
            value = clean_text(request.POST.get(name, ""), 30)
            if value:
                params[name] = value
        url = reverse("claims:list")
        return redirect(f"{url}?{urlencode(params)}" if params else url)
    status = request.GET.get("status") or ""
    status = status if status in S.values else ""
    kind = request.GET.get("jenis") or ""
    kind = kind if kind in ClaimKind.values else ""
    overdue = request.GET.get("terlambat") == "1"
    key = clean_text(request.GET.get("cari", ""), 20)
    query = search_recall(request, key)
    claims = claims_visible_to(user, status=status, kind=kind, overdue=overdue, query=query or "")
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"claim": claim, "flags": flags_of(claim), "nik": mask_nik(claim.person.nik)} for claim in page]
    _log_list(request, user, list(page), "claim_list")
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": S.choices,
        "kind": kind,
        "kinds": ClaimKind.choices,
        "overdue": overdue,
        "q": query or "",
        "expired": bool(key) and query is None,
        "may_report": may_report(user),
    }
    return render(request, "claims/list.html", context)


# -- reporting a case ------------------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def report_search(request: HttpRequest) -> HttpResponse:
    """Find the member: by KPJ, NIK (whole or its start) or name, among the officer's own."""
    user = officer_of(request)
    if not may_report(user):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    if request.method == "POST":
        query = clean_text(request.POST.get("q", "")).strip()
        url = reverse("claims:report")
        return redirect(f"{url}?{urlencode({'cari': search_remember(request, query)})}" if query else url)
    key = clean_text(request.GET.get("cari", ""), 20)
    query = search_recall(request, key) or ""
    found = members_for_report(user, query=query)
    if found:
        access_logs_write(
            [
                {
                    "actor": user,
                    "person_ref": str(m.person_id),
                    "person_label": m.person.name,
                    "what": "claim_member_search",
                    "path": request.path,
                    "ip_address": client_ip(request),
                    "funder": m.programme.funder,
                }
                for m in found
            ]
        )
    rows = [{"membership": m, "nik": mask_nik(m.person.nik)} for m in found]
    return render(request, "claims/report_search.html", {"q": query, "rows": rows, "searched": bool(query)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def report_form(request: HttpRequest, membership_id: int) -> HttpResponse:
    user = officer_of(request)
    membership = membership_for_report(user, membership_id)
    status = 200
    duplicate = None
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = claim_report(
                    membership=membership,
                    kind=data["kind"],
                    event_date=data["event_date"],
                    reported_by=data["reported_by"],
                    reporter_phone=data["reporter_phone"],
                    heirs=form.heirs(),
                    children=form.children(),
                    actor=user,
                    channel="officer",
                )
            except PermissionDenied:
                raise
            except DuplicateClaim as exc:
                duplicate = exc.number
                form.add_error(None, exc.message)
                status = 409
            except DomainError as exc:
                form.add_domain_errors(exc.errors, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Klaim %(number)s dibuat. Lengkapi dokumennya.") % {"number": claim.number})
                return redirect("claims:detail", number=claim.number)
        else:
            status = 400
    else:
        form = ReportForm(initial={"event_date": clock.today()})
    log_person_view(
        request, user=user, person=membership.person, what="claim_report_form", programme=membership.programme
    )
    context = {"membership": membership, "person": membership.person, "form": form, "duplicate": duplicate}
    return render(request, "claims/report_form.html", context, status=status)


# -- the scholarship reminder list -----------------------------------------------------------------------------


@never_cache
@login_required
@domain_errors_as_pages
def scholarship_reminders(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    children = list(scholarship_due(user))
    today = clock.today()
    rows = [
        {
            "child": child,
            "overdue": child.next_claim_due is not None and child.next_claim_due < today,
            "age": rules.age_on(child.birth_date, today),
        }
        for child in children
    ]
    _log_list(request, user, [child.claim for child in children], "scholarship_due")
    return render(request, "claims/scholarship_due.html", {"rows": rows})
