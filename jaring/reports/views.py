"""The role's home page: its scope and its figures. Lives in reports because it reads every part."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from jaring.core import clock, selectors
from jaring.core.actors import officer_of
from jaring.core.http import domain_errors_as_pages
from jaring.core.permissions import Capability, user_can
from jaring.eligibility.selectors import documents_to_prepare
from jaring.programmes.selectors import cover_from, programmes_taking_registrations
from jaring.registry.selectors import application_counts_by_status
from jaring.registry.states import ApplicationStatus
from jaring.verification.selectors import queue_counts


def home(request: HttpRequest) -> HttpResponseBase:
    """Applicants land on a welcome page (register, check status); officers on their role's home."""
    if not request.user.is_authenticated:
        # The cover someone registering today would get: next year's from October, when it is open.
        today = clock.today()
        offers = [
            {"programme": p, "cover": cover_from(p, today), "documents": documents_to_prepare(programme=p)}
            for p in programmes_taking_registrations(on=today)
        ]
        return render(request, "reports/welcome.html", {"offers": offers})
    return officer_home(request)


@login_required
@domain_errors_as_pages
def officer_home(request: HttpRequest) -> HttpResponse:
    """Each role's home: its scope, its figures and the things it does most."""
    user = officer_of(request)
    scope = selectors.scope_of(user)
    counts = application_counts_by_status(user)
    statuses = [(s.value, s.label, counts.get(s.value, 0)) for s in ApplicationStatus]
    funders = selectors.funders_visible_to(user)
    queue = queue_counts(user) if user_can(user, Capability.VERIFY) and scope.agency_id else None
    context = {
        "queue": queue,
        "scope": scope,
        "statuses": statuses,
        "total": sum(counts.values()),
        "funders": funders,
        "can_view_applications": user_can(user, Capability.VIEW_APPLICATIONS),
        "role_label": user.get_role_display() if user.role else _("Administrator sistem"),
    }
    return render(request, "reports/home.html", context)
