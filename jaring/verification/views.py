"""The verifier's pages: the agency queue, one application with everything needed to decide on it (its
opening is logged), and approval of many at once. Decisions are the service's (`application_decide`,
`applications_approve`); these views only translate between the pages and it."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jaring.core import clock
from jaring.core.actors import officer_of
from jaring.core.errors import Conflict, DomainError, PermissionDenied
from jaring.core.http import domain_errors_as_pages
from jaring.core.models import User
from jaring.core.selectors import holiday_calendar_warning
from jaring.eligibility.models import DocumentKind
from jaring.registry.assessment import outcome_rows
from jaring.registry.models import Application
from jaring.registry.officer_support import clean_text, log_person_view, search_recall, search_remember
from jaring.registry.selectors import identity_confirmation_of
from jaring.registry.states import ApplicationStatus
from jaring.verification.forms import FILTER_FIELDS, SEARCH_MAX, DecisionForm, QueueFilterForm, selector_filters
from jaring.verification.selectors import (
    ALL,
    OVERDUE,
    WAITING,
    decisions_of,
    queue_application_for,
    queue_counts,
    queue_for,
    queue_next,
    queue_scope,
)
from jaring.verification.services import BULK_MAX, DecisionInput, application_decide, applications_approve

S = ApplicationStatus

PAGE_SIZE = 50
SKIPPED_SHOWN = 10  # a bulk approval lists this many skipped numbers, then "and N more"

# The registry's detail page names the rules the same way (its views may not be imported from here).


# -- filters carried from the queue to an application and back -------------------------------------


def _filters(user: User, data: QueryDict) -> tuple[QueueFilterForm, dict[str, str]]:
    form = QueueFilterForm({name: data.get(name, "") for name in FILTER_FIELDS}, scope=queue_scope(user))
    return form, form.filters()


def _query(filters: dict[str, str]) -> str:
    return urlencode({name: value for name, value in filters.items() if value})


def _queue_url(filters: dict[str, str]) -> str:
    query = _query(filters)
    url = reverse("verification:queue")
    return f"{url}?{query}" if query else url


def _detail_url(number: str, filters: dict[str, str]) -> str:
    query = _query(filters)
    url = reverse("verification:detail", args=[number])
    return f"{url}?{query}" if query else url


# -- the queue ---------------------------------------------------------------------------------------


def _search_text(request: HttpRequest, filters: dict[str, str]) -> str:
    """The search the `cari` filter names (kept in the session), or ""."""
    return search_recall(request, filters.get("cari", "")) or ""


@never_cache  # names and masked NIKs of the agency's applicants
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def queue(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    if request.method == "POST":
        # A search by name, NIK or number is posted and kept in the session; the URL names it by a key only.
        _form, filters = _filters(user, request.POST)
        text = clean_text(request.POST.get("q", "")).strip()[:SEARCH_MAX]
        filters["cari"] = search_remember(request, text) if text else ""
        return redirect(_queue_url(filters))
    form, filters = _filters(user, request.GET)
    search = _search_text(request, filters)
    applications = queue_for(user, **selector_filters(filters), query=search)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "search": search,
        "search_expired": bool(filters["cari"]) and not search,
        "unsearched_url": _queue_url({**filters, "cari": ""}),
        "filter_query": _query(filters),
        "filtered": any(filters[name] for name in ("kelurahan", "sector", "programme")),
        "page": page,
        "counts": queue_counts(user),
        "awaiting": ApplicationStatus.AWAITING_VERIFICATION.value,
        "agency": user.agency,
        "bulk_max": BULK_MAX,
        "may_bulk": filters["status"] in ("", WAITING, OVERDUE, ALL),
        "calendar_warning": _calendar_warning([a.verification_due for a in page]),
    }
    return render(request, "verification/queue.html", context)


def _calendar_warning(due_dates: list[date | None]) -> str:
    """Deadlines counted in a year the holiday table does not cover skip weekends only: say so beside them."""
    known = [due for due in due_dates if due is not None]
    if not known:
        return ""
    return holiday_calendar_warning(min(known), max(known))


# -- one application ---------------------------------------------------------------------------------


@never_cache  # full NIK, address and identity documents: never kept by a browser or proxy cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def application_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = officer_of(request)
    application = queue_application_for(user, number=number)
    _form, filters = _filters(user, request.POST if request.method == "POST" else request.GET)
    decision_form = DecisionForm(programme=application.programme)
    status = 200
    if request.method == "POST":
        if application.status != ApplicationStatus.AWAITING_VERIFICATION:
            # A double click, or a colleague was quicker: the first decision stands.
            messages.warning(request, _already_decided(application))
            return redirect(_queue_url(filters))
        decision_form = DecisionForm(request.POST, programme=application.programme)
        if decision_form.is_valid():
            data = decision_form.cleaned_data
            decision = DecisionInput(
                outcome=data["outcome"], reason=data["reason"], note=data["note"], fixes=tuple(data["fixes"])
            )
            try:
                application_decide(application=application, decision=decision, actor=user)
            except (Conflict, PermissionDenied) as exc:
                messages.warning(request, exc.message)
                return redirect(_queue_url(filters))
            except DomainError as exc:
                field = exc.field if exc.field in decision_form.fields else None
                decision_form.add_error(field, exc.message)
            else:
                # The service reloaded the application: an approval may have ended on the waiting list.
                placed = application.status != S.WAITLISTED
                (messages.success if placed else messages.warning)(request, _decided_message(application))
                following = queue_next(user, **selector_filters(filters), query=_search_text(request, filters))
                if following is None:
                    return redirect(_queue_url(filters))
                return redirect(_detail_url(following.number, filters))
        status = 400
    return render(
        request,
        "verification/detail.html",
        _detail_context(request, user, application, filters, decision_form),
        status=status,
    )


def _detail_context(
    request: HttpRequest, user: User, application: Application, filters: dict[str, str], decision_form: DecisionForm
) -> dict[str, Any]:
    person = application.person
    # The full NIK, address and documents are shown here, so the view is logged (UU PDP: who saw whose data).
    log_person_view(request, user=user, person=person, what="verification_detail", programme=application.programme)
    outcomes = outcome_rows(application)
    # In the order the rules list them (KTP first), newest first within a kind.
    rank = {kind: i for i, kind in enumerate(DocumentKind.values)}
    documents = sorted(application.documents.order_by("-uploaded_at", "-id"), key=lambda d: rank.get(d.kind, len(rank)))
    today = clock.today()
    awaiting = application.status == ApplicationStatus.AWAITING_VERIFICATION
    return {
        "application": application,
        "person": person,
        "outcomes": outcomes,
        "warnings": [w for w in application.warnings if isinstance(w, dict)],
        "identity_confirmation": identity_confirmation_of(application),
        "documents": [d for d in documents if d.superseded_at is None],
        "superseded": [d for d in documents if d.superseded_at is not None],
        "decisions": decisions_of(application),
        "overdue": awaiting and application.verification_due is not None and application.verification_due < today,
        "calendar_warning": _calendar_warning([application.verification_due]),
        "may_decide": awaiting,
        "form": decision_form,
        "filters": filters,
        "filter_query": _query(filters),
        "queue_url": _queue_url(filters),
    }


def _already_decided(application: Application) -> str:
    return _("Pendaftaran %(number)s sudah diputuskan (status: %(status)s); keputusan pertama yang berlaku.") % {
        "number": application.number,
        "status": ApplicationStatus(application.status).label,
    }


def _decided_message(application: Application) -> str:
    """What the decision led to, told by the application's status after it (an approval with the quota full
    puts the application on the waiting list)."""
    texts = {
        S.APPROVED: _("Pendaftaran %(number)s disetujui."),
        S.WAITLISTED: _("Pendaftaran %(number)s disetujui dan masuk daftar tunggu (kuota penuh)."),
        S.RETURNED: _("Pendaftaran %(number)s dikembalikan untuk perbaikan."),
        S.REJECTED: _("Pendaftaran %(number)s ditolak."),
    }
    text = texts.get(S(application.status), _("Pendaftaran %(number)s diputuskan (status: %(status)s)."))
    return text % {"number": application.number, "status": S(application.status).label}


# -- many at once ------------------------------------------------------------------------------------


def _ids(values: list[str]) -> tuple[list[int], int]:
    """The ids that are plain numbers, and how many values were not."""
    ids: list[int] = []
    bad = 0
    for value in values:
        # ASCII digits only (int() takes "²" and "١"), and short enough for a bigint column.
        if value.isascii() and value.isdigit() and len(value) <= 18:
            ids.append(int(value))
        else:
            bad += 1
    return list(dict.fromkeys(ids)), bad


@require_POST
@login_required
@domain_errors_as_pages
def bulk_approve(request: HttpRequest) -> HttpResponse:
    user = officer_of(request)
    _form, filters = _filters(user, request.POST)
    back = _queue_url(filters)
    ids, bad = _ids(request.POST.getlist("ids"))
    if bad:
        messages.error(
            request,
            ngettext("%(n)d pilihan tidak dikenali dan diabaikan.", "%(n)d pilihan tidak dikenali dan diabaikan.", bad)
            % {"n": bad},
        )
    if not ids:
        if not bad:
            messages.error(request, _("Pilih minimal satu pendaftaran."))
        return redirect(back)
    if len(ids) > BULK_MAX:
        messages.error(request, _("Paling banyak %(n)d pendaftaran sekali setuju.") % {"n": BULK_MAX})
        return redirect(back)
    # Only ids of the agency's own queue reach the service: the others are "not found", without the number
    # they belong to, so another agency's numbers cannot be learnt by posting ids.
    mine = set(queue_for(user, status=ALL).filter(pk__in=ids).values_list("pk", flat=True))
    unknown = len([pk for pk in ids if pk not in mine])
    skipped: list[str] = []
    approved, waitlisted, skipped_count = 0, 0, unknown
    if mine:
        try:
            result = applications_approve(ids=[pk for pk in ids if pk in mine], actor=user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(back)
        approved, waitlisted = len(result.approved), len(result.waitlisted)
        skipped = [f"{number} ({why})" for number, why in result.skipped]
        skipped_count += len(result.skipped)
    if unknown:
        skipped.append(
            ngettext("%(n)d tidak ditemukan", "%(n)d tidak ditemukan", unknown) % {"n": unknown},
        )
    _bulk_message(request, approved, waitlisted, skipped, skipped_count)
    return redirect(back)


def _bulk_message(request: HttpRequest, approved: int, waitlisted: int, skipped: list[str], count: int) -> None:
    """Tells "N disetujui, W masuk daftar tunggu (kuota penuh), M dilewati: ..."; a success only when every
    one selected got a place."""
    text = ngettext("%(n)d disetujui", "%(n)d disetujui", approved) % {"n": approved}
    if waitlisted:
        text += ", " + ngettext(
            "%(n)d masuk daftar tunggu (kuota penuh)", "%(n)d masuk daftar tunggu (kuota penuh)", waitlisted
        ) % {"n": waitlisted}
    if skipped:
        shown = skipped[:SKIPPED_SHOWN]
        rest = len(skipped) - len(shown)
        listing = "; ".join(shown)
        if rest:
            listing += "; " + ngettext("dan %(n)d lainnya", "dan %(n)d lainnya", rest) % {"n": rest}
        text += ", " + ngettext("%(m)d dilewati: %(list)s", "%(m)d dilewati: %(list)s", count) % {
            "m": count,
            "list": listing,
        }
    (messages.success if approved and not waitlisted and not skipped else messages.warning)(request, text + ".")
