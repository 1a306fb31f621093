"""Reads of persons and applications, scoped to the officer asking."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from jaring.core.errors import NotFound, PermissionDenied
from jaring.core.models import User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import Scope, require, scope_of
from jaring.registry.models import Application
from jaring.registry.states import ApplicationStatus


def _scoped(qs: QuerySet[Application], scope: Scope) -> QuerySet[Application]:
    if scope.everything:
        return qs
    qs = qs.filter(programme__funder_id=scope.funder)
    if scope.agency_id is not None:
        qs = qs.filter(verifying_agency_id=scope.agency_id)
    if scope.kelurahan_code is not None:
        qs = qs.filter(kelurahan_id=scope.kelurahan_code)
    return qs


def applications_visible_to(
    user: User, *, status: str = "", programme_code: str = "", query: str = ""
) -> QuerySet[Application]:
    scope = require(user, Capability.VIEW_APPLICATIONS)
    qs = Application.objects.select_related(
        "person", "programme", "programme__funder", "kelurahan", "sector", "verifying_agency"
    )
    qs = _scoped(qs, scope)
    if status:
        qs = qs.filter(status=status)
    if programme_code:
        qs = qs.filter(programme__code=programme_code)
    query = query.strip()
    if query:
        if query.isdigit():
            qs = qs.filter(person__nik__startswith=query)
        else:
            qs = qs.filter(person__name__icontains=query) | qs.filter(number__iexact=query)
    return qs


def application_for(user: User, *, number: str) -> Application:
    """One application the officer may see; NotFound (not 403) so numbers cannot be probed."""
    application = applications_visible_to(user).filter(number=number).first()
    if application is None:
        raise NotFound(_("Pendaftaran %(number)s tidak ditemukan atau di luar wewenang Anda.") % {"number": number})
    return application


def application_counts_by_status(user: User) -> dict[str, int]:
    """Counts for a home page or dashboard: officers who see applications, and leadership (figures only)."""
    scope = scope_of(user)
    if not (user_can(user, Capability.VIEW_APPLICATIONS) or user_can(user, Capability.VIEW_DASHBOARD)):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    rows = _scoped(Application.objects.all(), scope).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def application_status_lookup(*, number: str, nik: str) -> Application | None:
    """The application with this number AND this NIK, for the public status check; None for any mismatch,
    so the answer never tells which of the two was wrong."""
    number, nik = number.strip().upper(), "".join(nik.split())
    if not number or not nik:
        return None
    return Application.objects.select_related("programme", "person").filter(number=number, person__nik=nik).first()


def public_reasons(application: Application) -> list[str]:
    """What an applicant may read about their own application: the reasons when it is not eligible, returned
    or rejected. Nothing else about the person."""
    if application.status == ApplicationStatus.NOT_ELIGIBLE:
        failed = [
            o["reason"] for o in application.eligibility if not o.get("passed") and o.get("affects") != "completeness"
        ]
        return failed or ([application.status_reason] if application.status_reason else [])
    if application.status in (ApplicationStatus.RETURNED, ApplicationStatus.REJECTED) and application.status_reason:
        return [application.status_reason]
    return []
