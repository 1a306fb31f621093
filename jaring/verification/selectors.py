"""Reads of the verification queues: what an agency's verifier has to decide, and what it decided.

A verifier's queue is the work routed to their agency in their funder's programmes. Anything outside it is
answered as if it did not exist, so application numbers of other agencies cannot be probed."""

from __future__ import annotations

import re

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.core.errors import NotFound, PermissionDenied
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.selectors import Scope, require
from jaring.registry.models import Application
from jaring.registry.selectors import application_number_normalise
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Decision

S = ApplicationStatus
_NIK_NOISE = re.compile(r"[\s.\-]+")

WAITING = "waiting"
OVERDUE = "overdue"
RETURNED = "returned"
DECIDED = "decided"
ALL = "all"
QUEUE_STATUSES: tuple[str, ...] = (WAITING, OVERDUE, RETURNED, DECIDED, ALL)

# Where an application goes after an agency approved or rejected it; it stays "decided" by that agency.
DECIDED_STATUSES: frozenset[str] = frozenset({S.APPROVED, S.REJECTED, S.WAITLISTED, S.ENROLLED})


def queue_scope(user: User) -> Scope:
    """The verifier's scope: an agency of a funder (or everything for a system administrator)."""
    scope = require(user, Capability.VERIFY)
    if not scope.everything and scope.agency_id is None:
        raise PermissionDenied(_("Hanya verifikator instansi yang memiliki antrean verifikasi."))
    return scope


def _decided_by(scope: Scope) -> QuerySet[Decision]:
    decisions = Decision.objects.all()
    if scope.agency_id is not None:
        decisions = decisions.filter(agency_id=scope.agency_id)
    return decisions


def _applications(scope: Scope) -> QuerySet[Application]:
    qs = Application.objects.select_related(
        "person", "programme", "programme__funder", "kelurahan", "sector", "verifying_agency"
    )
    return qs if scope.everything else qs.filter(programme__funder_id=scope.funder)


def _routed_here(scope: Scope) -> Q:
    return Q(verifying_agency__isnull=False) if scope.everything else Q(verifying_agency_id=scope.agency_id)


def _with_overdue(qs: QuerySet[Application]) -> QuerySet[Application]:
    today = clock.today()
    overdue = Q(status=S.AWAITING_VERIFICATION, verification_due__lt=today)
    return qs.annotate(is_overdue=ExpressionWrapper(overdue, output_field=BooleanField()))


def _matching(qs: QuerySet[Application], query: str) -> QuerySet[Application]:
    """Applications a verifier's search names: a NIK (all 16 digits, or its first digits as the masked NIK shows
    them), a registration number as people type it, or part of a name."""
    text = " ".join(query.split())
    digits = _NIK_NOISE.sub("", text)
    if digits.isascii() and digits.isdigit():
        return qs.filter(person__nik=digits) if len(digits) == 16 else qs.filter(person__nik__startswith=digits)
    number = application_number_normalise(text)
    if any(ch.isdigit() for ch in text):
        return qs.filter(Q(number=number) | Q(number__icontains=text))
    return qs.filter(person__name__icontains=text)


def queue_in_scope(
    scope: Scope,
    *,
    status: str = WAITING,
    kelurahan: str = "",
    sector: str = "",
    programme_code: str = "",
    query: str = "",
) -> QuerySet[Application]:
    """The queue of a scope (a verifier's, or an agency system's token), oldest due first. `status`: waiting
    (default), overdue, returned, decided (by this agency) or all (routed here or decided here, any status); an
    unknown value reads as waiting. Filters are codes (kelurahan, sector, programme); empty means any; `query`
    searches by name, NIK or number (`_matching`). Each row carries `is_overdue`."""
    qs = _applications(scope)
    here = _routed_here(scope)
    decided_here = Q(pk__in=_decided_by(scope).values("application_id"))
    if status == OVERDUE:
        qs = qs.filter(here, status=S.AWAITING_VERIFICATION, verification_due__lt=clock.today())
    elif status == RETURNED:
        qs = qs.filter(here, status=S.RETURNED)
    elif status == DECIDED:
        qs = qs.filter(decided_here, status__in=DECIDED_STATUSES)
    elif status == ALL:
        qs = qs.filter(here | decided_here)
    else:
        qs = qs.filter(here, status=S.AWAITING_VERIFICATION)
    if kelurahan:
        qs = qs.filter(kelurahan_id=kelurahan)
    if sector:
        qs = qs.filter(sector__code=sector)
    if programme_code:
        qs = qs.filter(programme__code=programme_code)
    if query.strip():
        qs = _matching(qs, query)
    # Work without a deadline (routed before deadlines existed) is listed after the dated work.
    return _with_overdue(qs).order_by(
        F("verification_due").asc(nulls_last=True), F("queued_at").asc(nulls_last=True), "pk"
    )


def queue_for(
    user: User,
    *,
    status: str = WAITING,
    kelurahan: str = "",
    sector: str = "",
    programme_code: str = "",
    query: str = "",
) -> QuerySet[Application]:
    """The verifier's queue (`queue_in_scope` of their scope); PermissionDenied for anyone but a verifier."""
    return queue_in_scope(
        queue_scope(user),
        status=status,
        kelurahan=kelurahan,
        sector=sector,
        programme_code=programme_code,
        query=query,
    )


def queue_application_for(user: User, *, number: str) -> Application:
    """One application of the verifier's queue (any status); NotFound for anything else, with the same
    message as for a number that does not exist."""
    if "\x00" in number:
        number = ""  # not an application number, and PostgreSQL would refuse it as a parameter
    application = queue_for(user, status=ALL).filter(number=number).first() if number else None
    if application is None:
        raise NotFound(_("Pendaftaran %(number)s tidak ditemukan atau di luar wewenang Anda.") % {"number": number})
    return application


def queue_next(
    user: User,
    *,
    status: str = WAITING,
    kelurahan: str = "",
    sector: str = "",
    programme_code: str = "",
    query: str = "",
) -> Application | None:
    """The next application to decide: the oldest due still waiting, within the same filters and search."""
    if status != OVERDUE:
        status = WAITING
    filters = {"kelurahan": kelurahan, "sector": sector, "programme_code": programme_code, "query": query}
    found = queue_for(user, status=status, **filters).first()
    if found is None and status == OVERDUE:
        found = queue_for(user, status=WAITING, **filters).first()
    return found


def queue_counts(user: User) -> dict[str, int]:
    """Waiting, overdue and returned counts of the verifier's queue, in one query (menu and home page)."""
    scope = queue_scope(user)
    qs = Application.objects.filter(verifying_agency__isnull=False)
    if not scope.everything:
        qs = qs.filter(programme__funder_id=scope.funder, verifying_agency_id=scope.agency_id)
    today = clock.today()
    counts = qs.aggregate(
        waiting=Count("pk", filter=Q(status=S.AWAITING_VERIFICATION)),
        overdue=Count("pk", filter=Q(status=S.AWAITING_VERIFICATION, verification_due__lt=today)),
        returned=Count("pk", filter=Q(status=S.RETURNED)),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def decisions_of(application: Application) -> QuerySet[Decision]:
    """Every agency decision on the application, oldest first (its verification history)."""
    return (
        Decision.objects.filter(application=application)
        .select_related("agency", "reason", "decided_by")
        .order_by("decided_at", "id")
    )
