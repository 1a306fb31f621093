"""Reads of the reports: who sees which programme's figures, and the figures themselves from the snapshot.

Scope, decided here once:

- an officer of a funder sees their funder's programmes; a kelurahan operator the figures of their own
  kelurahan only; a verifier the verification figures of their own agency only;
- leadership, managers and auditors of a province (Kalimantan Timur) also see, as aggregates only, the
  programmes of the cities and regencies inside it: the province funds people there too;
- the system operator sees every programme.

Every figure is a count; no name or NIK is ever read here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from jaring.core.errors import NotFound
from jaring.core.models import Agency, Funder, Region, User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import Scope, scope_of
from jaring.programmes.models import Programme
from jaring.registry.states import ApplicationStatus
from jaring.reports import figures
from jaring.reports.models import MEMBER_DIMENSIONS, Dimension, Figure, Snapshot
from jaring.reports.services import breakdown_labels, kecamatan_of, ordered
from jaring.verification.models import Outcome

D = Dimension
S = ApplicationStatus


# -- who sees what ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    user: User
    scope: Scope
    province: Region | None  # set for a province's overseers: other funders' programmes there, as aggregates

    @property
    def kelurahan(self) -> str | None:
        return self.scope.kelurahan_code

    @property
    def agency_id(self) -> int | None:
        return self.scope.agency_id

    @property
    def sees_members(self) -> bool:
        """Verifiers judge applications; the members of a programme are not their business (as in enrolment)."""
        return self.agency_id is None

    @property
    def sees_verification(self) -> bool:
        """A kelurahan operator nominates people; the agencies' workload is not theirs to watch."""
        return self.kelurahan is None


OVERSEERS = (Capability.VIEW_DASHBOARD,)


def viewer_of(user: User | object) -> Viewer:
    """The viewer's scope; PermissionDenied for an account without a role and funder (the outsider)."""
    scope = scope_of(user)
    assert isinstance(user, User)
    province = None
    if not scope.everything and any(user_can(user, capability) for capability in OVERSEERS):
        funder = Funder.objects.select_related("region").get(pk=scope.funder)
        if funder.region.level == Region.Level.PROVINCE:
            province = funder.region
    return Viewer(user=user, scope=scope, province=province)


@dataclass(frozen=True)
class ProgrammeChoice:
    programme: Programme
    own: bool  # False: another funder's, seen as aggregates only


def programmes_for(viewer: Viewer) -> list[ProgrammeChoice]:
    """The programmes the viewer may read figures of: own funder's first, newest first."""
    qs = Programme.objects.select_related("funder", "funder__region", "owning_agency").order_by("-year", "code")
    if viewer.scope.everything:
        return [ProgrammeChoice(p, True) for p in qs]
    own = [ProgrammeChoice(p, True) for p in qs.filter(funder_id=viewer.scope.funder)]
    if viewer.province is None:
        return own
    inside = Q(funder__region__code__startswith=viewer.province.code + ".")
    others = [ProgrammeChoice(p, False) for p in qs.filter(inside).exclude(funder_id=viewer.scope.funder)]
    return own + others


def programme_for(viewer: Viewer, code: str) -> ProgrammeChoice:
    """One programme the viewer may read; NotFound otherwise, so codes of other funders cannot be probed."""
    for choice in programmes_for(viewer):
        if choice.programme.code == code:
            return choice
    raise NotFound(_("Program %(code)s tidak ditemukan atau di luar wewenang Anda.") % {"code": code[:30]})


def default_programme(choices: Sequence[ProgrammeChoice], today: date) -> ProgrammeChoice | None:
    """The viewer's own programme running today, else their newest; another funder's only without one."""
    for wanted in (True, False):
        mine = [c for c in choices if c.own == wanted]
        running = [c for c in mine if c.programme.cover_start <= today <= c.programme.cover_end]
        if running or mine:
            return (running or mine)[0]
    return None


def default_month(programme: Programme, today: date) -> date:
    """This month while the cover runs; its first month before, its last after."""
    if today < programme.cover_start:
        return programme.cover_start.replace(day=1)
    if today > programme.cover_end:
        return programme.cover_end.replace(day=1)
    return today.replace(day=1)


def report_months(programme: Programme) -> list[date]:
    """The months the viewer may choose: from the first month with any figure (decisions come in the autumn
    before the cover) to the cover's last."""
    snapshot = Snapshot.objects.filter(programme=programme).first()
    first = snapshot.first_month if snapshot and snapshot.first_month else programme.cover_start
    last = snapshot.last_month if snapshot and snapshot.last_month else programme.cover_end
    return figures.months_from(first, last)


def computed_at(programme: Programme) -> datetime | None:
    snapshot = Snapshot.objects.filter(programme=programme).first()
    return snapshot.computed_at if snapshot else None


# -- breakdowns -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: int


@dataclass(frozen=True)
class Breakdown:
    name: str  # sector, kecamatan, kelurahan, sex, age_band
    title: str
    rows: list[Row]

    @property
    def total(self) -> int:
        return sum(row.value for row in self.rows)


@dataclass(frozen=True)
class Coverage:
    """Members covered in one month, and the same number broken down; every breakdown adds up to `members`."""

    programme: Programme
    month: date
    members: int
    breakdowns: list[Breakdown]

    def by(self, name: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.name == name)


def _figures(programme: Programme, kelurahan: str | None) -> QuerySet[Figure]:
    qs = Figure.objects.filter(programme=programme)
    return qs.filter(kelurahan=kelurahan) if kelurahan is not None else qs


def coverage_of(programme: Programme, month: date, *, kelurahan: str | None = None) -> Coverage:
    """Members covered in `month` by sector, kecamatan, kelurahan, sex and age band (all of them within one
    kelurahan when `kelurahan` is given). Age bands and sexes are listed even when empty."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    found = (
        _figures(programme, kelurahan)
        .filter(dimension__in=MEMBER_DIMENSIONS, month=month)
        .values_list("dimension", "key", "kelurahan", "value")
    )
    for dimension, key, code, value in found:
        counts[dimension][key] += value
        if dimension == D.MEMBERS_SEX:
            counts["kecamatan"][kecamatan_of(code)] += value
            counts["kelurahan"][code] += value
    labels = breakdown_labels(
        sectors=counts[D.MEMBERS_SECTOR], kecamatan=counts["kecamatan"], kelurahan=counts["kelurahan"]
    )
    for band in figures.AGE_BANDS:
        counts[D.MEMBERS_AGE].setdefault(band, 0)
    for sex in labels[D.MEMBERS_SEX]:
        counts[D.MEMBERS_SEX].setdefault(sex, 0)
    titles = {
        "sector": (D.MEMBERS_SECTOR, _("Sektor")),
        "kecamatan": ("kecamatan", _("Kecamatan")),
        "kelurahan": ("kelurahan", _("Kelurahan/desa")),
        "sex": (D.MEMBERS_SEX, _("Jenis kelamin")),
        "age_band": (D.MEMBERS_AGE, _("Kelompok umur")),
    }
    breakdowns = []
    for name, (dimension, title) in titles.items():
        cells = counts[dimension]
        if dimension == D.MEMBERS_AGE:
            rows = [Row(band, _age_label(band), cells[band]) for band in figures.AGE_BANDS]
        else:
            rows = [Row(key, labels[dimension].get(key, key), n) for key, n in ordered(dimension, cells)]
        breakdowns.append(Breakdown(name, title, rows))
    members = sum(counts[D.MEMBERS_SEX].values())
    return Coverage(programme=programme, month=month, members=members, breakdowns=breakdowns)


def _age_label(band: str) -> str:
    if band == figures.AGE_BANDS[0]:
        return _("di bawah 25 tahun")
    if band == figures.AGE_BANDS[-1]:
        return _("65 tahun ke atas")
    return _("%(band)s tahun") % {"band": band}


# -- month by month ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    month: date
    members: int
    places: int
    cards_printed: int
    cards_handed: int
    approved: int
    returned: int
    rejected: int

    @property
    def decided(self) -> int:
        return self.approved + self.returned + self.rejected


def months_of(
    programme: Programme,
    months: Sequence[date],
    *,
    kelurahan: str | None = None,
    agency_id: int | None = None,
) -> list[MonthFigures]:
    """Members, places, cards and decisions month by month (decisions of one agency with `agency_id`)."""
    wanted = (D.MEMBERS_SEX, D.PLACES, D.CARDS_PRINTED, D.CARDS_HANDED)
    sums: dict[tuple[date, str], int] = defaultdict(int)
    for month, dimension, total in (
        _figures(programme, kelurahan)
        .filter(dimension__in=wanted, month__in=list(months))
        .values_list("month", "dimension")
        .annotate(total=Sum("value"))
        .order_by()
    ):
        sums[(month, dimension)] += total or 0
    decided: dict[tuple[date, str], int] = defaultdict(int)
    if kelurahan is None:
        for month, key, value in Figure.objects.filter(
            programme=programme, dimension=D.DECIDED, month__in=list(months)
        ).values_list("month", "key", "value"):
            agency, _sep, outcome = key.partition(":")
            if agency_id is None or agency == str(agency_id):
                decided[(month, outcome)] += value
    return [
        MonthFigures(
            month=month,
            members=sums[(month, D.MEMBERS_SEX)],
            places=sums[(month, D.PLACES)],
            cards_printed=sums[(month, D.CARDS_PRINTED)],
            cards_handed=sums[(month, D.CARDS_HANDED)],
            approved=decided[(month, Outcome.APPROVE)],
            returned=decided[(month, Outcome.RETURN)],
            rejected=decided[(month, Outcome.REJECT)],
        )
        for month in months
    ]


# -- quota, waitlist, applications now --------------------------------------------------------------------


@dataclass(frozen=True)
class Quota:
    quota: int
    places: int  # places covering the month
    waitlisted: int  # now

    @property
    def free(self) -> int:
        return max(self.quota - self.places, 0)

    @property
    def percent(self) -> int | None:
        return min(self.places * 100 // self.quota, 999) if self.quota else None


def quota_of(programme: Programme, month: date, *, kelurahan: str | None = None) -> Quota:
    figures_ = _figures(programme, kelurahan)
    places = figures_.filter(dimension=D.PLACES, month=month).aggregate(n=Sum("value"))["n"] or 0
    waitlisted = figures_.filter(dimension=D.STATUS_NOW, key=S.WAITLISTED).aggregate(n=Sum("value"))["n"] or 0
    return Quota(quota=programme.quota, places=places, waitlisted=waitlisted)


def statuses_of(programme: Programme, *, kelurahan: str | None = None) -> list[Row]:
    """Applications by status as of the snapshot, in the state machine's order (empty ones left out)."""
    counts: dict[str, int] = defaultdict(int)
    for key, value in _figures(programme, kelurahan).filter(dimension=D.STATUS_NOW).values_list("key", "value"):
        counts[key] += value
    return [Row(status.value, str(status.label), counts[status.value]) for status in S if counts[status.value]]


# -- verification -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyRow:
    agency: Agency
    approved: int
    returned: int
    rejected: int
    late: int
    median_days: float | None
    waiting: int  # now
    overdue: int  # now
    returned_now: int  # now

    @property
    def decided(self) -> int:
        return self.approved + self.returned + self.rejected


def verification_of(programme: Programme, month: date, *, agency_id: int | None = None) -> list[AgencyRow]:
    """Per agency: decisions taken in `month` (by outcome, late, median working days), and its open, overdue
    and returned work as of the snapshot. Only `agency_id`'s row when given."""
    month_dims = (D.DECIDED, D.DECIDED_LATE, D.DECISION_DAYS)
    now_dims = (D.OPEN_NOW, D.OVERDUE_NOW, D.RETURNED_NOW)
    found = Figure.objects.filter(programme=programme).filter(
        Q(dimension__in=month_dims, month=month) | Q(dimension__in=now_dims)
    )
    per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    days: dict[int, dict[int, int]] = defaultdict(dict)
    for dimension, key, value in found.values_list("dimension", "key", "value"):
        agency_text, _sep, rest = key.partition(":")
        agency = int(agency_text)
        if dimension == D.DECIDED:
            per[agency][rest] += value
        elif dimension == D.DECISION_DAYS:
            days[agency][int(rest)] = value
        else:
            per[agency][dimension] += value
    ids = set(per) | set(days)
    if agency_id is not None:
        ids &= {agency_id}
    rows = []
    for agency in Agency.objects.filter(pk__in=ids).order_by("name", "pk"):
        counts = per[agency.pk]
        rows.append(
            AgencyRow(
                agency=agency,
                approved=counts[Outcome.APPROVE],
                returned=counts[Outcome.RETURN],
                rejected=counts[Outcome.REJECT],
                late=counts[D.DECIDED_LATE],
                median_days=figures.median_of_histogram(days[agency.pk]),
                waiting=counts[D.OPEN_NOW],
                overdue=counts[D.OVERDUE_NOW],
                returned_now=counts[D.RETURNED_NOW],
            )
        )
    return rows


# -- cards ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cards:
    printed: int  # in the month
    handed: int
    printed_to_date: int  # up to the end of the month
    handed_to_date: int


def cards_of(programme: Programme, month: date, *, kelurahan: str | None = None) -> Cards:
    totals: dict[tuple[str, bool], int] = defaultdict(int)
    for dimension, when, value in (
        _figures(programme, kelurahan)
        .filter(dimension__in=(D.CARDS_PRINTED, D.CARDS_HANDED), month__lte=month)
        .values_list("dimension", "month", "value")
    ):
        totals[(dimension, when == month)] += value
    return Cards(
        printed=totals[(D.CARDS_PRINTED, True)],
        handed=totals[(D.CARDS_HANDED, True)],
        printed_to_date=totals[(D.CARDS_PRINTED, True)] + totals[(D.CARDS_PRINTED, False)],
        handed_to_date=totals[(D.CARDS_HANDED, True)] + totals[(D.CARDS_HANDED, False)],
    )


# -- across funders ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoubleFunding:
    people: int
    others: list[Row]  # per other programme: people funded by both


def double_funding_of(programme: Programme, month: date) -> DoubleFunding:
    people = 0
    others = []
    for key, value in Figure.objects.filter(programme=programme, dimension=D.DOUBLE_FUNDED, month=month).values_list(
        "key", "value"
    ):
        if key == "*":
            people = value
        else:
            others.append(Row(key, key, value))
    return DoubleFunding(people=people, others=sorted(others, key=lambda r: (-r.value, r.key)))


@dataclass
class ProgrammeLine:
    """One programme in the leadership's table across funders, for one calendar month."""

    programme: Programme
    own: bool
    in_cover: bool
    members: int = 0
    places: int = 0
    waitlisted: int = 0
    double_funded: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def across_funders(choices: Iterable[ProgrammeChoice], month: date) -> list[ProgrammeLine]:
    """Each programme's members, places, waitlist and people funded twice in `month`: aggregates only."""
    lines = {
        c.programme.pk: ProgrammeLine(
            c.programme, c.own, c.programme.cover_start.replace(day=1) <= month <= c.programme.cover_end
        )
        for c in choices
    }
    rows = (
        Figure.objects.filter(programme_id__in=list(lines))
        .filter(
            Q(dimension__in=(D.MEMBERS_SEX, D.PLACES), month=month)
            | Q(dimension=D.DOUBLE_FUNDED, month=month, key="*")
            | Q(dimension=D.STATUS_NOW, key=S.WAITLISTED)
        )
        .values_list("programme_id", "dimension")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for programme_id, dimension, total in rows:
        line = lines[programme_id]
        if dimension == D.MEMBERS_SEX:
            line.members = total
        elif dimension == D.PLACES:
            line.places = total
        elif dimension == D.DOUBLE_FUNDED:
            line.double_funded = total
        else:
            line.waitlisted = total
    return list(lines.values())
