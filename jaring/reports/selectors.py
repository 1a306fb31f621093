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
from datetime import date

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from jaring.claims.models import ClaimKind
from jaring.claims.states import ClaimStatus
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


def snapshot_of(programme: Programme) -> Snapshot | None:
    return Snapshot.objects.filter(programme=programme).first()


def report_months(programme: Programme, snapshot: Snapshot | None) -> list[date]:
    """The months the viewer may choose: from the first month with any figure (decisions come in the autumn
    before the cover) to the cover's last."""
    first = snapshot.first_month if snapshot and snapshot.first_month else programme.cover_start
    last = snapshot.last_month if snapshot and snapshot.last_month else programme.cover_end
    return figures.months_from(first, last)


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


# -- one programme's snapshot, read once per page --------------------------------------------------------

Key = tuple[str, str]  # (dimension, key)
MONTHLY_SMALL = (
    D.PLACES,
    D.CARDS_PRINTED,
    D.CARDS_HANDED,
    D.DECIDED,
    D.DECIDED_LATE,
    D.DECISION_DAYS,
    D.DOUBLE_FUNDED,
    D.CONTRIB_EXPECTED,
    D.CONTRIB_INVOICED,
    D.CONTRIB_PAID,
    D.CLAIMS_REPORTED,
    D.CLAIMS_PAID,
    D.CLAIMS_PAID_AMOUNT,
)


class Numbers:
    """One programme's snapshot as a page reads it, in two queries whatever it shows: the member breakdowns of
    one month, every month of the smaller figures (places, cards, decisions, people funded twice), the figures
    as of the count, and members month by month. Within one kelurahan when `kelurahan` is given (verification
    figures are the programme's: they have no kelurahan)."""

    def __init__(self, programme: Programme, month: date, *, kelurahan: str | None = None) -> None:
        self.programme = programme
        self.month = month
        self.kelurahan = kelurahan
        qs = Figure.objects.filter(programme=programme)
        if kelurahan is not None:
            qs = qs.filter(kelurahan=kelurahan)
        # month -> (dimension, key) -> sum over kelurahan; None is "as of the count"
        self._sums: dict[date | None, dict[Key, int]] = defaultdict(lambda: defaultdict(int))
        # (dimension, key) -> kelurahan -> value, for the month's member breakdowns
        self._by_kelurahan: dict[str, int] = defaultdict(int)
        wanted = qs.filter(
            Q(month=month, dimension__in=MEMBER_DIMENSIONS) | Q(dimension__in=MONTHLY_SMALL) | Q(month__isnull=True)
        ).values_list("month", "kelurahan", "dimension", "key", "value")
        for when, code, dimension, key, value in wanted:
            self._sums[when][(dimension, key)] += value
            if dimension == D.MEMBERS_SEX:
                self._by_kelurahan[code] += value
        self._members: dict[date, int] = {
            when: total or 0
            for when, total in qs.filter(dimension=D.MEMBERS_SEX)
            .values_list("month")
            .annotate(total=Sum("value"))
            .order_by()
            .values_list("month", "total")
            if when is not None
        }

    def _of(self, when: date | None, dimension: str) -> dict[str, int]:
        return {key: value for (d, key), value in self._sums.get(when, {}).items() if d == dimension}

    def _total(self, when: date | None, dimension: str, key: str = "") -> int:
        return self._sums.get(when, {}).get((dimension, key), 0)

    # -- members ------------------------------------------------------------------------------------------

    def coverage(self) -> Coverage:
        """Members covered in the month by sector, kecamatan, kelurahan, sex and age band; each breakdown adds
        up to the members. Age bands and sexes are listed even when empty."""
        month = self.month
        kecamatan: dict[str, int] = defaultdict(int)
        for code, value in self._by_kelurahan.items():
            kecamatan[kecamatan_of(code)] += value
        counts: dict[str, dict[str, int]] = {
            "sector": self._of(month, D.MEMBERS_SECTOR),
            "kecamatan": dict(kecamatan),
            "kelurahan": dict(self._by_kelurahan),
            "sex": self._of(month, D.MEMBERS_SEX),
            "age_band": self._of(month, D.MEMBERS_AGE),
        }
        labels = breakdown_labels(
            sectors=counts["sector"], kecamatan=counts["kecamatan"], kelurahan=counts["kelurahan"]
        )
        for sex in labels[D.MEMBERS_SEX]:
            counts["sex"].setdefault(sex, 0)
        titles = {
            "sector": (D.MEMBERS_SECTOR, _("Sektor")),
            "kecamatan": ("kecamatan", _("Kecamatan")),
            "kelurahan": ("kelurahan", _("Kelurahan/desa")),
            "sex": (D.MEMBERS_SEX, _("Jenis kelamin")),
            "age_band": (D.MEMBERS_AGE, _("Kelompok umur")),
        }
        breakdowns = []
        for name, (dimension, title) in titles.items():
            cells = counts[name]
            if name == "age_band":
                rows = [Row(band, _age_label(band), cells.get(band, 0)) for band in figures.AGE_BANDS]
            else:
                rows = [Row(key, labels[dimension].get(key, key), n) for key, n in ordered(dimension, cells)]
            breakdowns.append(Breakdown(name, title, rows))
        members = sum(counts["sex"].values())
        return Coverage(programme=self.programme, month=month, members=members, breakdowns=breakdowns)

    # -- month by month -----------------------------------------------------------------------------------

    def months(self, months: Sequence[date], *, agency_id: int | None = None) -> list[MonthFigures]:
        """Members, places, cards and decisions month by month (decisions of one agency with `agency_id`)."""
        result = []
        for month in months:
            decided: dict[str, int] = defaultdict(int)
            if self.kelurahan is None:
                for key, value in self._of(month, D.DECIDED).items():
                    agency_text, _sep, outcome = key.partition(":")
                    if agency_id is None or agency_text == str(agency_id):
                        decided[outcome] += value
            result.append(
                MonthFigures(
                    month=month,
                    members=self._members.get(month, 0),
                    places=self._total(month, D.PLACES),
                    cards_printed=self._total(month, D.CARDS_PRINTED),
                    cards_handed=self._total(month, D.CARDS_HANDED),
                    approved=decided[Outcome.APPROVE],
                    returned=decided[Outcome.RETURN],
                    rejected=decided[Outcome.REJECT],
                )
            )
        return result

    # -- quota, waitlist, applications now ----------------------------------------------------------------

    def quota(self) -> Quota:
        return Quota(
            quota=self.programme.quota,
            places=self._total(self.month, D.PLACES),
            waitlisted=self._total(None, D.STATUS_NOW, S.WAITLISTED),
        )

    def statuses(self) -> list[Row]:
        """Applications by status as of the count, in the state machine's order (empty ones left out)."""
        counts = self._of(None, D.STATUS_NOW)
        return [Row(status.value, str(status.label), counts[status.value]) for status in S if counts.get(status.value)]

    # -- verification -------------------------------------------------------------------------------------

    def verification(self, *, agency_id: int | None = None) -> list[AgencyRow]:
        """Per agency: decisions taken in the month (by outcome, late, median working days), and its open,
        overdue and returned work as of the count. Only `agency_id`'s row when given."""
        per: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        days: dict[int, dict[int, int]] = defaultdict(dict)
        found = [(d, k, v) for (d, k), v in self._sums.get(self.month, {}).items()]
        found += [(d, k, v) for (d, k), v in self._sums.get(None, {}).items() if d != D.STATUS_NOW]
        for dimension, key, value in found:
            if dimension not in (D.DECIDED, D.DECIDED_LATE, D.DECISION_DAYS, D.OPEN_NOW, D.OVERDUE_NOW, D.RETURNED_NOW):
                continue
            agency_text, _sep, rest = key.partition(":")
            agency_pk = int(agency_text)
            if dimension == D.DECIDED:
                per[agency_pk][rest] += value
            elif dimension == D.DECISION_DAYS:
                days[agency_pk][int(rest)] = value
            else:
                per[agency_pk][dimension] += value
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

    # -- cards and people funded twice --------------------------------------------------------------------

    def cards(self) -> Cards:
        to_date = [when for when in self._sums if when is not None and when <= self.month]
        return Cards(
            printed=self._total(self.month, D.CARDS_PRINTED),
            handed=self._total(self.month, D.CARDS_HANDED),
            printed_to_date=sum(self._total(when, D.CARDS_PRINTED) for when in to_date),
            handed_to_date=sum(self._total(when, D.CARDS_HANDED) for when in to_date),
        )

    def double_funding(self) -> DoubleFunding:
        others = [Row(key, key, value) for key, value in self._of(self.month, D.DOUBLE_FUNDED).items() if key != "*"]
        return DoubleFunding(
            people=self._total(self.month, D.DOUBLE_FUNDED, "*"),
            others=sorted(others, key=lambda r: (-r.value, r.key)),
        )

    # -- money and claims ---------------------------------------------------------------------------------

    def budget(self) -> Budget | None:
        """The budget realisation as of the count; None where it is not counted (a kelurahan's figures)."""
        found = self._of(None, D.BUDGET)
        if not found:
            return None
        return Budget(
            budget=found.get("budget", 0),
            paid=found.get("paid", 0),
            owed=found.get("owed", 0),
            committed=found.get("committed", 0),
            left=found.get("left", 0),
        )

    def money(self, months: Sequence[date]) -> list[MoneyMonth]:
        """Each month's expected contributions, BPJS's invoice (None: none uploaded) and what was paid."""
        return [
            MoneyMonth(
                month=month,
                expected=self._total(month, D.CONTRIB_EXPECTED),
                invoiced=self._sums.get(month, {}).get((D.CONTRIB_INVOICED, "")),
                paid=self._total(month, D.CONTRIB_PAID),
            )
            for month in months
        ]

    def claims(self) -> Claims:
        """Claims by status as of the count; by kind, reported and paid in the month and paid to date."""
        statuses = self._of(None, D.CLAIMS_STATUS)
        by_status = [Row(s.value, str(s.label), statuses[s.value]) for s in ClaimStatus if statuses.get(s.value)]
        kinds: list[ClaimKindRow] = []
        to_date = [when for when in self._sums if when is not None and when <= self.month]
        for kind in ClaimKind:
            row = ClaimKindRow(
                kind=kind.value,
                label=str(kind.label),
                reported=self._total(self.month, D.CLAIMS_REPORTED, kind.value),
                paid=self._total(self.month, D.CLAIMS_PAID, kind.value),
                paid_amount=self._total(self.month, D.CLAIMS_PAID_AMOUNT, kind.value),
                paid_to_date=sum(self._total(when, D.CLAIMS_PAID, kind.value) for when in to_date),
                paid_amount_to_date=sum(self._total(when, D.CLAIMS_PAID_AMOUNT, kind.value) for when in to_date),
            )
            if row.reported or row.paid_to_date:
                kinds.append(row)
        return Claims(by_status=by_status, kinds=kinds)


def coverage_of(programme: Programme, month: date, *, kelurahan: str | None = None) -> Coverage:
    return Numbers(programme, month, kelurahan=kelurahan).coverage()


def _age_label(band: str) -> str:
    if band == figures.AGE_BANDS[0]:
        return _("di bawah 25 tahun")
    if band == figures.AGE_BANDS[-1]:
        return _("65 tahun ke atas")
    return _("%(band)s tahun") % {"band": band}


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


@dataclass(frozen=True)
class Cards:
    printed: int  # in the month
    handed: int
    printed_to_date: int  # up to the end of the month
    handed_to_date: int


@dataclass(frozen=True)
class DoubleFunding:
    people: int
    others: list[Row]  # per other programme: people funded by both


@dataclass(frozen=True)
class Budget:
    """Rupiah: the programme's budget, paid by SP2D, owed for months up to this one, committed for the months
    to come, and what is left after all three (contributions.figures.realisation)."""

    budget: int
    paid: int
    owed: int
    committed: int
    left: int

    @property
    def used(self) -> int:
        return self.paid + self.owed + self.committed

    @property
    def percent(self) -> int | None:
        return min(self.used * 100 // self.budget, 999) if self.budget > 0 else None


@dataclass(frozen=True)
class MoneyMonth:
    month: date
    expected: int
    invoiced: int | None
    paid: int


@dataclass(frozen=True)
class ClaimKindRow:
    kind: str
    label: str
    reported: int  # in the month
    paid: int  # in the month
    paid_amount: int
    paid_to_date: int
    paid_amount_to_date: int


@dataclass(frozen=True)
class Claims:
    by_status: list[Row]
    kinds: list[ClaimKindRow]

    @property
    def total(self) -> int:
        return sum(row.value for row in self.by_status)

    @property
    def paid_amount(self) -> int:
        return sum(row.paid_amount for row in self.kinds)

    @property
    def paid_amount_to_date(self) -> int:
        return sum(row.paid_amount_to_date for row in self.kinds)


# -- across funders ---------------------------------------------------------------------------------------


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
