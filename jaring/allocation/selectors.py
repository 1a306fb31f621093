"""Reads about places: a programme's quota and budget figures, its waitlist, its participants and the people it
shares with another funder. Scope: a funder's managers, leadership and auditors see their own funder's
programmes only; another funder's programme code is answered as not found."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from jaring.allocation.models import Place
from jaring.allocation.services import conflicts_of, month_start, waitlist_of
from jaring.core import clock
from jaring.core.errors import NotFound, PermissionDenied
from jaring.core.models import User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import Scope, filter_by_funder, require, scope_of
from jaring.eligibility.rules import format_rupiah
from jaring.programmes.models import Programme, WaitlistKey
from jaring.programmes.money import (
    Bracket,
    Contribution,
    NoRates,
    budget_needed,
    monthly_contribution,
    months_between,
    people_covered,
    thousands,
)
from jaring.programmes.selectors import contribution_brackets, programme_in_scope, programme_managed_by
from jaring.registry.models import Application
from jaring.registry.states import ApplicationStatus

S = ApplicationStatus
READERS = (Capability.MANAGE_PROGRAMMES, Capability.VIEW_DASHBOARD)
WAITING = (S.AWAITING_VERIFICATION, S.WAITLISTED)


def rupiah_text(amount: int | Decimal) -> str:
    return format_rupiah(int(amount))


# -- who may read ----------------------------------------------------------------------------------------------


def reader_scope(user: User | object) -> Scope:
    """The scope of someone who may read quota and budget figures: programme managers, leadership, auditors."""
    scope = scope_of(user)
    if not any(user_can(user, capability) for capability in READERS):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    return scope


def may_manage(user: User | object) -> bool:
    return user_can(user, Capability.MANAGE_PROGRAMMES)


def programmes_for(user: User) -> QuerySet[Programme]:
    """Programmes whose figures the user may read: their funder's (every funder's for the system operator)."""
    scope = reader_scope(user)
    qs = Programme.objects.select_related("funder", "owning_agency").order_by("-year", "code")
    return filter_by_funder(qs, scope)


def programme_of(user: User, code: str, *, manage: bool = False) -> Programme:
    """One programme by code. `manage`: the user must be able to change it (and to see its people). Another
    funder's code is NotFound, so codes cannot be probed."""
    if manage:
        return programme_managed_by(user, code)
    return programme_in_scope(reader_scope(user), code, related=("funder", "owning_agency"))


def _check_reads(user: User, programme: Programme) -> None:
    _check_in_scope(reader_scope(user), programme)


def _check_managed(user: User, programme: Programme) -> None:
    _check_in_scope(require(user, Capability.MANAGE_PROGRAMMES), programme)


def _check_in_scope(scope: Scope, programme: Programme) -> None:
    """NotFound, not 403, for another funder's programme, so codes cannot be probed."""
    if not scope.covers(programme.funder_id):
        raise NotFound(_("Program %(code)s tidak ditemukan atau di luar wewenang Anda.") % {"code": programme.code})


# -- figures ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Quota and budget use of one programme. Money in whole Rupiah; `monthly` is None when no contribution
    table is in force at the cover start (the administrator must enter one)."""

    programme: Programme
    quota: int
    used: int
    waitlisted: int
    monthly: Contribution | None
    cover_months: int
    remaining_months: int
    budget: int
    committed: int
    place_months: int

    @property
    def free(self) -> int:
        return max(self.quota - self.used, 0)

    @property
    def remaining(self) -> int:
        return self.budget - self.committed

    @property
    def people_remaining(self) -> int:
        """People the budget not yet committed still pays for, for the cover months still to come."""
        if self.monthly is None or self.remaining_months <= 0 or self.remaining <= 0 or self.monthly.total <= 0:
            return 0
        return people_covered(budget=Decimal(self.remaining), months=self.remaining_months, monthly=self.monthly.total)

    @property
    def quota_cost(self) -> int | None:
        """What the whole quota costs for the whole cover period."""
        if self.monthly is None:
            return None
        return int(budget_needed(people=self.quota, months=self.cover_months, monthly=self.monthly.total))

    @property
    def over_budget(self) -> bool:
        return self.budget > 0 and self.committed > self.budget

    @property
    def quota_over_budget(self) -> bool:
        cost = self.quota_cost
        return cost is not None and cost > self.budget

    @property
    def committed_percent(self) -> int | None:
        if self.budget <= 0:
            return None
        return min(int(self.committed * 100 // self.budget), 999)

    @property
    def used_percent(self) -> int | None:
        if self.quota <= 0:
            return None
        return min(int(self.used * 100 // self.quota), 100)

    # Texts for pages, written the Indonesian way (dots for thousands).
    @property
    def quota_text(self) -> str:
        return thousands(self.quota)

    @property
    def used_text(self) -> str:
        return thousands(self.used)

    @property
    def waitlisted_text(self) -> str:
        return thousands(self.waitlisted)

    @property
    def free_text(self) -> str:
        return thousands(self.free)

    @property
    def monthly_text(self) -> str:
        return rupiah_text(self.monthly.total) if self.monthly else ""

    @property
    def income_basis_text(self) -> str:
        return rupiah_text(self.programme.income_basis)

    @property
    def budget_text(self) -> str:
        return rupiah_text(self.budget)

    @property
    def committed_text(self) -> str:
        return rupiah_text(self.committed)

    @property
    def remaining_text(self) -> str:
        return rupiah_text(self.remaining)

    @property
    def quota_cost_text(self) -> str:
        cost = self.quota_cost
        return rupiah_text(cost) if cost is not None else ""

    @property
    def people_remaining_text(self) -> str:
        return thousands(self.people_remaining)


def _monthly(programme: Programme, brackets: Sequence[Bracket]) -> Contribution | None:
    try:
        return monthly_contribution(programme.income_basis, brackets, programme.cover_start)
    except NoRates:
        return None


def _remaining_months(programme: Programme, today: date) -> int:
    if today > programme.cover_end:
        return 0
    return months_between(max(programme.cover_start, month_start(today)), programme.cover_end)


def figures_of(programmes: Iterable[Programme], *, today: date | None = None) -> list[Figures]:
    """Figures of many programmes in four queries, whatever their number of places."""
    programmes = list(programmes)
    today = today or clock.today()
    ids = [p.pk for p in programmes]
    used: dict[int, int] = dict(
        Place.objects.filter(programme_id__in=ids, status=Place.Status.ACTIVE)
        .values("programme_id")
        .annotate(n=Count("id"))
        .values_list("programme_id", "n")
    )
    waitlisted: dict[int, int] = dict(
        Application.objects.filter(programme_id__in=ids, status=S.WAITLISTED)
        .values("programme_id")
        .annotate(n=Count("id"))
        .values_list("programme_id", "n")
    )
    # Places share a few spans (from the month they were given to the cover end): count by span, not by row.
    place_months: dict[int, int] = defaultdict(int)
    for programme_id, starts, ends, n in (
        Place.objects.filter(programme_id__in=ids)
        .values("programme_id", "starts", "ends")
        .annotate(n=Count("id"))
        .values_list("programme_id", "starts", "ends", "n")
    ):
        place_months[programme_id] += months_between(starts, ends) * n
    brackets = contribution_brackets()
    result = []
    for programme in programmes:
        monthly = _monthly(programme, brackets)
        months = place_months.get(programme.pk, 0)
        committed = int(budget_needed(people=months, months=1, monthly=monthly.total)) if monthly else 0
        result.append(
            Figures(
                programme=programme,
                quota=programme.quota,
                used=used.get(programme.pk, 0),
                waitlisted=waitlisted.get(programme.pk, 0),
                monthly=monthly,
                cover_months=months_between(programme.cover_start, programme.cover_end),
                remaining_months=_remaining_months(programme, today),
                budget=programme.budget,
                committed=committed,
                place_months=months,
            )
        )
    return result


def programme_figures(user: User, programme: Programme) -> Figures:
    _check_reads(user, programme)
    return figures_of([programme])[0]


def programmes_figures(user: User) -> list[Figures]:
    return figures_of(programmes_for(user))


# -- the waitlist ----------------------------------------------------------------------------------------------


def waitlist_for(user: User, programme: Programme) -> QuerySet[Application]:
    """The programme's waitlist in its priority order: names and incomes, so for its managers only."""
    _check_managed(user, programme)
    return waitlist_of(programme)


def waitlist_order_text(programme: Programme) -> list[str]:
    """The waitlist order in words, most important first, ending with the tie-breakers every list has."""
    labels = dict(WaitlistKey.choices)
    keys = [key for key in programme.waitlist_order or [] if key in labels]
    lines = [str(labels[key]) for key in keys]
    if WaitlistKey.SUBMITTED not in keys:
        lines.append(str(labels[WaitlistKey.SUBMITTED]))
    lines.append(_("Nomor pendaftaran lebih kecil lebih dahulu"))
    return lines


# -- places ----------------------------------------------------------------------------------------------------


def places_for(user: User, programme: Programme, *, status: str = "", query: str = "") -> QuerySet[Place]:
    _check_managed(user, programme)
    qs = Place.objects.filter(programme=programme).select_related("person", "application")
    if status in Place.Status.values:
        qs = qs.filter(status=status)
    query = " ".join(query.split())[:100]
    if query:
        qs = qs.filter(Q(person__name__icontains=query) | Q(application__number__icontains=query))
    return qs.order_by("status", "application__number")


def place_of(user: User, programme: Programme, pk: int) -> Place:
    place = places_for(user, programme).filter(pk=pk).first()
    if place is None:
        raise NotFound(_("Tempat ini tidak ditemukan di program %(code)s.") % {"code": programme.code})
    return place


# -- people two funders want to pay for ------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    """A person with a place in one programme and a waiting application in another, for the same months.
    `incoming`: the application is this programme's and the place another funder's; otherwise the reverse.
    Handing over ends `place` the month before `months[i]` and gives `application` a place from it."""

    application: Application
    place: Place
    incoming: bool
    months: list[date]

    @property
    def other_programme(self) -> Programme:
        return self.place.programme if self.incoming else self.application.programme

    @property
    def default_month(self) -> date | None:
        if not self.months:
            return None
        following = _next_month(clock.today())
        return following if following in self.months else self.months[0]


def hand_over_months(place: Place, target: Programme) -> list[date]:
    """The months a hand-over may start: after the place's first month, up to its last, within the target's
    cover (what place_hand_over accepts)."""
    first = max(_next_month(place.starts), month_start(target.cover_start))
    last = min(place.ends, target.cover_end)
    months: list[date] = []
    current = first
    while current <= last and len(months) < 120:
        months.append(current)
        current = _next_month(current)
    return months


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def conflicts_for(user: User, programme: Programme) -> list[ConflictRow]:
    """Both directions: this programme's waiting applicants who hold another funder's place, and this programme's
    participants who wait for a place at another funder for some of the same months."""
    _check_managed(user, programme)
    rows = [
        ConflictRow(application=a, place=p, incoming=True, months=hand_over_months(p, programme))
        for a, p in conflicts_of(programme)
    ]
    holders = Place.objects.filter(programme=programme, status=Place.Status.ACTIVE)
    others = list(
        Application.objects.filter(person_id__in=holders.values("person_id"), status__in=WAITING)
        .exclude(programme=programme)
        .select_related("programme", "programme__funder", "person")
        .order_by("number")
    )
    if others:
        places = {
            p.person_id: p
            for p in holders.filter(person_id__in=[a.person_id for a in others]).select_related(
                "programme", "programme__funder", "person", "application"
            )
        }
        for application in others:
            place = places.get(application.person_id)
            if place is None:
                continue
            target = application.programme
            if place.starts <= target.cover_end and place.ends >= target.cover_start:
                rows.append(
                    ConflictRow(
                        application=application, place=place, incoming=False, months=hand_over_months(place, target)
                    )
                )
    return rows


def conflict_of(user: User, programme: Programme, *, place_id: int, application_id: int) -> ConflictRow:
    """The conflict a hand-over form names, only if it is one of this programme's: forged ids of places or
    applications of other funders find nothing."""
    for row in conflicts_for(user, programme):
        if row.place.pk == place_id and row.application.pk == application_id:
            return row
    raise NotFound(_("Konflik ini tidak ditemukan atau sudah diselesaikan."))
