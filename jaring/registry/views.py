"""Officer pages on applications: the scoped list, and the detail view (whose opening is logged)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from jaring.core.http import client_ip, domain_errors_as_pages
from jaring.core.models import AuditRecord, User
from jaring.core.services import access_log_write
from jaring.registry.selectors import application_for, applications_visible_to
from jaring.registry.states import ApplicationStatus


@login_required
@domain_errors_as_pages
def application_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values:
        status = ""
    query = request.GET.get("q", "")[:100]
    applications = applications_visible_to(user, status=status, query=query)
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    context = {"page": page, "status": status, "q": query, "statuses": ApplicationStatus.choices}
    return render(request, "registry/list.html", context)


@never_cache  # full NIK and address: never kept by a browser or proxy cache
@login_required
@domain_errors_as_pages
def application_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    application = application_for(user, number=number)
    person = application.person
    # The full NIK and address are shown here, so the view is logged (UU PDP: who saw whose data).
    access_log_write(
        actor=user,
        person_ref=str(person.pk),
        person_label=person.name,
        what="application_detail",
        path=request.path,
        ip_address=client_ip(request),
        funder=application.programme.funder,
    )
    history = AuditRecord.objects.filter(target_type="registry.application", target_id=str(application.pk)).order_by(
        "at", "id"
    )
    return render(request, "registry/detail.html", {"application": application, "person": person, "history": history})
