"""Officer pages on applications: the scoped list with its search, the detail view (whose opening is logged),
and documents. Registration and correction are in registration_views.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jaring.core.actors import officer_of
from jaring.core.audit_text import action_text, actor_text
from jaring.core.errors import DomainError, NotFound, PermissionDenied
from jaring.core.http import domain_errors_as_pages
from jaring.core.models import AuditRecord, User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import require
from jaring.eligibility.models import DocumentKind
from jaring.registry.assessment import outcome_rows
from jaring.registry.documents import document_response
from jaring.registry.models import Application, Channel
from jaring.registry.officer_support import (
    application_of,
    clean_text,
    log_person_view,
    search_recall,
    search_remember,
    upload_of,
)
from jaring.registry.selectors import applications_visible_to, identity_confirmation_of
from jaring.registry.services import document_add
from jaring.registry.states import OPEN_STATUSES, ApplicationStatus

# What an officer reads in the outcome table; the stored ids stay stable across rule versions.


# -- list and detail ---------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@domain_errors_as_pages
def application_list(request: HttpRequest) -> HttpResponse:
    """The search box takes a NIK, so it is posted and the list shown after a redirect that names the search
    by its session key (`cari`); the status filter may stay in the URL."""
    user = officer_of(request)
    if request.method == "POST":
        return _list_search(request, user)
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values:
        status = ""
    key = request.GET.get("cari", "")
    query = search_recall(request, key)
    applications = applications_visible_to(user, status=status, query=query or "")
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "q": query or "",
        "expired": bool(key) and query is None,
        "statuses": ApplicationStatus.choices,
        "may_register": user_can(user, Capability.REGISTER_APPLICANTS),
    }
    return render(request, "registry/list.html", context)


def _list_search(request: HttpRequest, user: User) -> HttpResponse:
    require(user, Capability.VIEW_APPLICATIONS)
    params: dict[str, str] = {}
    query = clean_text(request.POST.get("q", "")).strip()
    if query:
        params["cari"] = search_remember(request, query)
    status = request.POST.get("status", "")
    if status in ApplicationStatus.values:
        params["status"] = status
    url = reverse("registry:list")
    return redirect(f"{url}?{urlencode(params)}" if params else url)


@never_cache  # full NIK and address: never kept by a browser or proxy cache
@login_required
@domain_errors_as_pages
def application_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = officer_of(request)
    application = application_of(user, number)
    person = application.person
    # The full NIK and address are shown here, so the view is logged (UU PDP: who saw whose data).
    log_person_view(request, user=user, person=person, what="application_detail", programme=application.programme)
    history = _history(application)
    outcomes = outcome_rows(application)
    may_register = user_can(user, Capability.REGISTER_APPLICANTS)
    context = {
        "application": application,
        "person": person,
        "history": history,
        "outcomes": outcomes,
        "warnings": [w for w in application.warnings if isinstance(w, dict)],
        "identity_confirmation": identity_confirmation_of(application),
        "documents": application.documents.select_related("uploaded_by").order_by("kind", "-uploaded_at", "-id"),
        "document_kinds": DocumentKind.choices,
        "may_upload": may_register and application.status in OPEN_STATUSES,
        "may_correct": may_register and application.status == ApplicationStatus.RETURNED,
    }
    return render(request, "registry/detail.html", context)


def _history(application: Application) -> list[dict[str, object]]:
    """The application's audit records as sentences: what happened, who did it (by name and role, never a bare
    code), and the reason or note given."""
    records = (
        AuditRecord.objects.filter(target_type="registry.application", target_id=str(application.pk))
        .select_related("actor")
        .order_by("at", "id")
    )
    channels = {code: str(label) for code, label in Channel.choices}
    rows = []
    for record in records:
        data = record.data if isinstance(record.data, dict) else {}
        sentence = action_text(record.action)
        if record.action == "application.create" and data.get("channel") in channels:
            sentence = _("%(sentence)s lewat jalur %(channel)s") % {
                "sentence": sentence,
                "channel": channels[data["channel"]],
            }
        elif record.action == "document.add" and data.get("kind") in DocumentKind.values:
            sentence = _("%(sentence)s: %(kind)s") % {"sentence": sentence, "kind": DocumentKind(data["kind"]).label}
        detail = data.get("reason") or data.get("note") or ""
        rows.append(
            {
                "at": record.at,
                "actor": actor_text(record.actor_label, record.actor, channels=channels),
                "sentence": sentence,
                "action": record.action,
                "detail": detail if isinstance(detail, str) else "",
            }
        )
    return rows


# -- documents ---------------------------------------------------------------------------------------


@never_cache  # an identity card: never kept by a browser or proxy cache
@login_required
@domain_errors_as_pages
def document_view(request: HttpRequest, number: str, document_id: int) -> HttpResponseBase:
    """Stream one document from private storage to an officer who may see its application."""
    user = officer_of(request)
    application = application_of(user, number)
    document = application.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("Dokumen tidak ditemukan pada pendaftaran ini."))
    response = document_response(application, document)
    log_person_view(
        request, user=user, person=application.person, what=f"document:{document.kind}", programme=application.programme
    )
    return response


@require_POST
@login_required
@domain_errors_as_pages
def document_upload(request: HttpRequest, number: str) -> HttpResponse:
    user = officer_of(request)
    require(user, Capability.REGISTER_APPLICANTS)
    application = application_of(user, number)
    kind = request.POST.get("jenis", "")
    uploaded = request.FILES.get("berkas")
    detail = reverse("registry:detail", args=[application.number])
    if kind not in DocumentKind.values:
        messages.error(request, _("Pilih jenis dokumen."))
        return redirect(detail + "#documents-heading")
    if not isinstance(uploaded, UploadedFile):
        messages.error(request, _("Pilih berkas yang akan diunggah."))
        return redirect(detail + "#documents-heading")
    try:
        document_add(application=application, upload=upload_of(kind, uploaded), actor=user)
    except PermissionDenied:
        raise  # a 403 page, not a flash message
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(kind)s tersimpan untuk pendaftaran %(number)s.")
            % {
                "kind": DocumentKind(kind).label,
                "number": application.number,
            },
        )
    return redirect(detail + "#documents-heading")
