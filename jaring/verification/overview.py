"""Reads for programme managers: how each agency keeps up with its queue, where each sector is routed, and the
outbox of messages to applicants.

Figures are counted in the database, a few queries per page whatever the number of agencies; only the median
is taken in Python, over one list of small integers.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, Count, Min, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.core.errors import NotFound, PermissionDenied
from jaring.core.models import Agency, AgencyKind, Notification, Sector, User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import Scope, filter_by_funder, require, scope_of
from jaring.programmes.models import Programme, SectorRoute
from jaring.programmes.selectors import programme_in_scope, programme_routes
from jaring.registry.models import Application
from jaring.registry.selectors import applications_visible_to
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Decision

S = ApplicationStatus

# The select value meaning "the programme's owning office" (a route without an agency).
OWNING_OFFICE = ""


# -- who may look -----------------------------------------------------------------------------------------


def _overseer_scope(user: User | object) -> Scope:
    """Managers run a programme; leadership and auditors watch it (VIEW_DASHBOARD)."""
    scope = scope_of(user)
    if not (user_can(user, Capability.MANAGE_PROGRAMMES) or user_can(user, Capability.VIEW_DASHBOARD)):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    return scope


def _not_found(code: str) -> NotFound:
    return NotFound(_("Program %(code)s tidak ditemukan atau di luar wewenang Anda.") % {"code": code[:30]})


def programmes_managed_by(user: User) -> QuerySet[Programme]:
    """Programmes whose routing, deadline and reasons the user may change: their funder's, every funder's for the
    system operator."""
    scope = require(user, Capability.MANAGE_PROGRAMMES)
    qs = Programme.objects.select_related("funder", "owning_agency").order_by("-year", "code")
    return filter_by_funder(qs, scope)


def programmes_overseen_by(user: User) -> QuerySet[Programme]:
    """Programmes whose verification figures the user may read."""
    scope = _overseer_scope(user)
    qs = Programme.objects.select_related("funder", "owning_agency").order_by("-year", "code")
    return filter_by_funder(qs, scope)


def programme_overseen(user: User, *, code: str) -> Programme:
    return programme_in_scope(_overseer_scope(user), code, related=("funder", "owning_agency"))


# -- the per-agency overview ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyFigures:
    agency: Agency
    open: int  # awaiting verification
    overdue: int  # awaiting, past the due date
    returned: int  # sent back for correction, waiting for the applicant or the office
    decided: int
    late: int  # decisions taken after the due date
    median_days: float | None  # working days to decide; None without decisions
    oldest_due: date | None  # of the work still awaiting a decision


def verification_overview(user: User, *, programme: Programme) -> list[AgencyFigures]:
    """One row per agency that verifies a sector of the programme now or has or had work in it, by name: an
    agency with nothing in its queue shows as zeros rather than missing."""
    scope = _overseer_scope(user)
    if not scope.covers(programme.funder_id):
        raise _not_found(programme.code)
    today = clock.today()
    awaiting = Q(status=S.AWAITING_VERIFICATION)
    work = {
        row["verifying_agency_id"]: row
        for row in Application.objects.filter(programme=programme, verifying_agency__isnull=False)
        .values("verifying_agency_id")
        .annotate(
            open=Count("pk", filter=awaiting),
            overdue=Count("pk", filter=awaiting & Q(verification_due__lt=today)),
            returned=Count("pk", filter=Q(status=S.RETURNED)),
            oldest_due=Min("verification_due", filter=awaiting),
        )
        .order_by()
    }
    decisions = Decision.objects.filter(application__programme=programme)
    decided = {
        row["agency_id"]: row
        for row in decisions.values("agency_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(late=True)))
        .order_by()
    }
    days: dict[int, list[int]] = defaultdict(list)
    for agency_id, working_days in decisions.values_list("agency_id", "working_days").order_by():
        days[agency_id].append(working_days)
    routed = {agency.pk for agency in programme_routes(programme).values()}
    agencies = Agency.objects.filter(pk__in=set(work) | set(decided) | routed).order_by("name", "pk")
    rows = []
    for agency in agencies:
        w = work.get(agency.pk, {})
        d = decided.get(agency.pk, {})
        spent = days.get(agency.pk)
        rows.append(
            AgencyFigures(
                agency=agency,
                open=w.get("open", 0),
                overdue=w.get("overdue", 0),
                returned=w.get("returned", 0),
                decided=d.get("n", 0),
                late=d.get("late", 0),
                median_days=statistics.median(spent) if spent else None,
                oldest_due=w.get("oldest_due"),
            )
        )
    return rows


@dataclass(frozen=True)
class ProgrammeFigures:
    programme: Programme
    open: int
    overdue: int
    returned: int


def programmes_overview(user: User) -> list[ProgrammeFigures]:
    """The programmes the user oversees with their open and overdue work, in one aggregate query."""
    programmes = list(programmes_overseen_by(user))
    today = clock.today()
    awaiting = Q(status=S.AWAITING_VERIFICATION)
    counts = {
        row["programme_id"]: row
        for row in Application.objects.filter(programme__in=programmes)
        .values("programme_id")
        .annotate(
            open=Count("pk", filter=awaiting),
            overdue=Count("pk", filter=awaiting & Q(verification_due__lt=today)),
            returned=Count("pk", filter=Q(status=S.RETURNED)),
        )
        .order_by()
    }
    return [
        ProgrammeFigures(
            programme=p,
            open=counts.get(p.pk, {}).get("open", 0),
            overdue=counts.get(p.pk, {}).get("overdue", 0),
            returned=counts.get(p.pk, {}).get("returned", 0),
        )
        for p in programmes
    ]


# -- routes -----------------------------------------------------------------------------------------------


def offices_of(programme: Programme) -> QuerySet[Agency]:
    """The funder's offices that can verify or own a programme (kelurahan offices nominate, they do not verify)."""
    return Agency.objects.filter(funder_id=programme.funder_id).exclude(kind=AgencyKind.KELURAHAN).order_by("name")


@dataclass(frozen=True)
class RouteRow:
    sector: Sector
    agency: Agency  # who verifies the sector now
    choice: str  # the route as a select value: an agency id, or OWNING_OFFICE
    default_choice: str  # the sector catalogue's default, as a select value
    is_default: bool
    open: int  # awaiting verification or returned: the work a change of route would move


def programme_route_rows(programme: Programme) -> list[RouteRow]:
    """Every sector with its verifying agency in the programme, the catalogue's default beside it. Mirrors
    `programmes.selectors.programme_routes`, which stays the one source of the routing itself."""
    owning = programme.owning_agency
    by_kind: dict[str, Agency] = {}
    for agency in Agency.objects.filter(funder_id=programme.funder_id):
        by_kind.setdefault(agency.kind, agency)
    explicit = {r.sector_id: r.agency for r in SectorRoute.objects.filter(programme=programme).select_related("agency")}
    open_work = dict(
        Application.objects.filter(programme=programme, status__in=(S.AWAITING_VERIFICATION, S.RETURNED))
        .values("sector_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("sector_id", "n")
    )
    rows = []
    for sector in Sector.objects.order_by("name"):
        default_agency = by_kind.get(sector.default_agency_kind) if sector.default_agency_kind else None
        default_choice = str(default_agency.pk) if default_agency else OWNING_OFFICE
        routed = explicit.get(sector.pk, default_agency)  # an explicit None (the owning office) is kept
        choice = str(routed.pk) if routed is not None else OWNING_OFFICE
        agency = routed or owning
        rows.append(
            RouteRow(
                sector=sector,
                agency=agency,
                choice=choice,
                default_choice=default_choice,
                is_default=choice == default_choice,
                open=open_work.get(sector.pk, 0),
            )
        )
    return rows


def open_work_at(programme: Programme, agency: Agency) -> int:
    """Open work (awaiting or returned) of the programme at one agency."""
    return Application.objects.filter(
        programme=programme, verifying_agency=agency, status__in=(S.AWAITING_VERIFICATION, S.RETURNED)
    ).count()


# -- the outbox -------------------------------------------------------------------------------------------


def outbox_for(user: User, *, status: str = "", channel: str = "") -> QuerySet[Notification]:
    """Messages to applicants the officer may read, newest first. Funder-wide officers read their funder's; a
    verifier only those about applications of their agency, a kelurahan operator those of their kelurahan; the
    system operator every funder's."""
    scope = scope_of(user)
    if not (user_can(user, Capability.VIEW_APPLICATIONS) or user_can(user, Capability.MANAGE_PROGRAMMES)):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    qs = filter_by_funder(Notification.objects.all(), scope)
    if scope.agency_id is not None or scope.kelurahan_code is not None:
        visible = applications_visible_to(user).annotate(key=Cast("pk", CharField())).values("key")
        qs = qs.filter(target_type=Application._meta.label_lower, target_id__in=visible)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    return qs.order_by("-created_at", "-id")


def mask_recipient(recipient: str) -> str:
    """A phone number with every digit but the last four hidden; an e-mail address with its name hidden."""
    if not recipient:
        return ""
    if "@" in recipient:
        name, _at, domain = recipient.partition("@")
        return f"{name[:1]}•••@{domain}"
    digits = sum(c.isdigit() for c in recipient)
    shown = 0
    out = []
    for c in reversed(recipient):
        if c.isdigit():
            shown += 1
            out.append(c if shown <= 4 or digits <= 4 else "•")
        else:
            out.append(c)
    return "".join(reversed(out))
