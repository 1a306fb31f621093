"""Reads with rules. Scoping of officers is decided here and nowhere else.

`scope_of(user)` says which slice of the data an officer may see; other apps' selectors filter
their querysets with the helpers below instead of repeating role checks in views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jaring.core.errors import PermissionDenied
from jaring.core.models import AccessLog, Agency, AuditRecord, Funder, Holiday, Job, Region, Role, User
from jaring.core.permissions import JOB_KIND_CAPABILITIES, Capability, job_kinds_for, user_can


@dataclass(frozen=True)
class Scope:
    """The slice of data an officer may see. `funder_id=None` with `everything` means all funders."""

    everything: bool
    funder_id: int | None
    agency_id: int | None = None
    kelurahan_code: str | None = None

    @property
    def funder(self) -> int:
        """The funder of a scoped (not everything) officer."""
        assert self.funder_id is not None, "a scope that is not everything always has a funder"
        return self.funder_id

    def covers(self, funder_id: int | None) -> bool:
        """Whether data of this funder is inside the scope: the one funder check."""
        return self.everything or (self.funder_id is not None and self.funder_id == funder_id)


def scope_of(user: User | object) -> Scope:
    """The officer's scope, or PermissionDenied for anyone without a usable role (the outsider)."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Silakan masuk terlebih dahulu."))
    if user.is_system_administrator:
        return Scope(everything=True, funder_id=None)
    if not user.role or user.funder_id is None:
        raise PermissionDenied(_("Akun Anda belum diberi peran dan pemberi dana. Hubungi administrator."))
    if user.role == Role.VERIFIER:
        if user.agency_id is None:
            raise PermissionDenied(_("Akun verifikator belum terhubung ke instansi. Hubungi administrator."))
        return Scope(everything=False, funder_id=user.funder_id, agency_id=user.agency_id)
    if user.role == Role.KELURAHAN_OPERATOR:
        if user.kelurahan_id is None:
            raise PermissionDenied(_("Akun operator belum terhubung ke kelurahan. Hubungi administrator."))
        return Scope(everything=False, funder_id=user.funder_id, kelurahan_code=user.kelurahan_id)
    return Scope(everything=False, funder_id=user.funder_id)


def require(user: User | object, capability: str) -> Scope:
    """The scope of an officer who holds `capability`; PermissionDenied otherwise."""
    scope = scope_of(user)
    if not user_can(user, capability):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    return scope


def filter_by_funder(qs: QuerySet, scope: Scope, *, field: str = "funder") -> QuerySet:
    if scope.everything:
        return qs
    return qs.filter(**{f"{field}_id": scope.funder})


def funders_visible_to(user: User) -> QuerySet[Funder]:
    scope = scope_of(user)
    qs = Funder.objects.select_related("region")
    return qs if scope.everything else qs.filter(pk=scope.funder)


def agencies_visible_to(user: User) -> QuerySet[Agency]:
    scope = scope_of(user)
    return filter_by_funder(Agency.objects.select_related("funder", "region"), scope)


def users_visible_to(user: User) -> QuerySet[User]:
    scope = require(user, Capability.ADMINISTER)
    qs = User.objects.select_related("funder", "agency", "kelurahan").order_by("funder__name", "role", "username")
    return filter_by_funder(qs, scope)


def audit_records_visible_to(
    user: User,
    *,
    action: str = "",
    actor: str = "",
    target_type: str = "",
    target_id: str = "",
) -> QuerySet[AuditRecord]:
    scope = require(user, Capability.VIEW_AUDIT)
    qs = filter_by_funder(AuditRecord.objects.select_related("actor", "funder"), scope)
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    return qs


def access_logs_visible_to(user: User, *, actor: str = "", person_ref: str = "") -> QuerySet[AccessLog]:
    scope = require(user, Capability.VIEW_AUDIT)
    qs = filter_by_funder(AccessLog.objects.select_related("actor", "funder"), scope)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if person_ref:
        qs = qs.filter(person_ref=person_ref)
    return qs


def jobs_visible_to(user: User) -> QuerySet[Job]:
    """Jobs of a kind whose capability the officer holds (JOB_KIND_CAPABILITIES), within their scope; a job of
    an unlisted kind only to its creator."""
    scope = scope_of(user)
    unlisted_own = Q(created_by=user) & ~Q(kind__in=list(JOB_KIND_CAPABILITIES))
    jobs = Job.objects.filter(Q(kind__in=job_kinds_for(user)) | unlisted_own)
    if scope.everything:
        return jobs
    # An officer follows their own jobs; others of the same funder with the capability may see them too.
    return jobs.filter(Q(created_by=user) | Q(funder_id=scope.funder))


def regions_search(*, query: str = "", level: int | None = None, within: str = "", limit: int = 50) -> QuerySet[Region]:
    """Regions whose name contains `query` or whose code (dotted or plain) starts with it."""
    qs = Region.objects.select_related("parent")
    if level is not None:
        qs = qs.filter(level=level)
    if within:
        qs = qs.filter(code__startswith=within)
    query = query.strip()
    if query:
        digits = query.replace(".", "")
        if digits.isdigit():
            dotted = _dot_code(digits)
            qs = qs.filter(code__startswith=dotted)
        else:
            qs = qs.filter(name__icontains=query)
    return qs.order_by("level", "code")[:limit]


def _dot_code(digits: str) -> str:
    """6471011001 -> 64.71.01.1001 (partial codes are dotted as far as they go)."""
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(p for p in parts if p)


def region_by_code(code: str) -> Region | None:
    digits = code.strip().replace(".", "")
    if not digits.isdigit():
        return None
    return Region.objects.filter(code=_dot_code(digits)).first()


def holidays_between(start: date, end: date) -> frozenset[date]:
    """Non-working dates from the holiday table (lokal-id's calendar as seeded, plus the operator's own)."""
    return frozenset(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def holiday_years_missing(start: date, end: date) -> list[int]:
    """Years from `start` to `end` for which the holiday table has no national holiday: a deadline counted there
    skips weekends only, and the page that shows it must say so (lokal-id carries 2026-2027; the operator adds
    other years at /referensi/libur/)."""
    known = set(
        Holiday.objects.filter(
            kind=Holiday.Kind.NATIONAL, date__gte=date(start.year, 1, 1), date__lte=date(end.year, 12, 31)
        ).values_list("date__year", flat=True)
    )
    return [year for year in range(start.year, end.year + 1) if year not in known]


def holiday_calendar_warning(start: date, end: date) -> str:
    """The warning to show beside deadlines between `start` and `end`, or "" when every year has its calendar."""
    missing = holiday_years_missing(start, end)
    if not missing:
        return ""
    return _(
        "Daftar hari libur tahun %(years)s belum diisi: tenggat pada tahun itu dihitung tanpa hari libur nasional "
        "dan cuti bersama (hanya Sabtu dan Minggu). Administrator dapat melengkapinya di halaman Hari libur."
    ) % {"years": ", ".join(str(year) for year in missing)}
