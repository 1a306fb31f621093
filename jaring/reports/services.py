"""Counting a programme's figures into its snapshot, and publishing its open data.

`snapshot_refresh` reads the other apps' tables with a handful of GROUP BY queries (members grouped by
kelurahan, sector, sex, age band and their first and last month of cover; places by their span; cards, decisions
and applications by month or status), spreads the groups over the months (figures.MonthlyCounts) and replaces the
programme's Figure rows in one transaction. At a million members that is seconds of work for the worker
(bench/dashboard.py), after which every dashboard, API answer and open-data file reads a few thousand numbers.

`publication_refresh` turns the snapshot into the public rows: the same breakdowns as the coverage API, months
up to the current one, counts under five suppressed (figures.suppress), no kelurahan, names or NIKs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, ExpressionWrapper, F, IntegerField, Q, Sum, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, ExtractMonth, ExtractYear, Least
from django.utils import translation

from jaring.allocation.models import Place
from jaring.claims.models import Claim
from jaring.contributions.figures import realisation
from jaring.core import clock
from jaring.core.bulk import rows_insert
from jaring.core.models import Region, Sector
from jaring.enrolment.models import Card, Membership
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Sex
from jaring.registry.states import ApplicationStatus
from jaring.reports import figures
from jaring.reports.models import Dimension, Figure, Publication, Snapshot
from jaring.verification.models import Decision

D = Dimension
S = ApplicationStatus


# -- months in SQL ----------------------------------------------------------------------------------------


def month_index_of(field: str) -> Combinable:
    """figures.month_index in SQL, for a date or (in the configured time zone) a moment."""
    # PostgreSQL's EXTRACT answers numeric: cast, so the age below is an integer division on both databases.
    return Cast(ExtractYear(field), IntegerField()) * 12 + Cast(ExtractMonth(field), IntegerField()) - 1


def _next_month_if_not_first(field: str) -> Case:
    return Case(When(**{f"{field}__day__gt": 1}, then=Value(1)), default=Value(0), output_field=IntegerField())


# -- members ----------------------------------------------------------------------------------------------


def _member_groups(programme: Programme, first: int, last: int) -> Iterable[tuple]:
    """Members grouped by kelurahan, sector, sex, age band in the first month counted, the month they move to the
    next band (when within the months counted), and their first and last month of cover.

    Covered in a month: the membership's cover (starts to ends) touches the month, and it was not non-active
    from the month's first day (a membership made non-active on the 10th still counts that month; one
    non-active since the 1st does not). Ended memberships end with the month of their end (enrolment sets
    `ends`). Age is taken on the first day of each month (figures.birth_index)."""
    birth = "person__birth_date"
    last_covered = Case(
        When(
            status=Membership.Status.NON_ACTIVE,
            then=Least(
                month_index_of("ends"), month_index_of("status_since") + _next_month_if_not_first("status_since") - 1
            ),
        ),
        default=month_index_of("ends"),
        output_field=IntegerField(),
    )
    lower = figures.BAND_LOWER_AGES
    band = Case(
        *(When(age0__lt=age, then=Value(index)) for index, age in enumerate(lower)),
        default=Value(len(lower)),
        output_field=IntegerField(),
    )
    next_lower = Case(
        *(When(age0__lt=age, then=Value(age)) for age in lower), default=None, output_field=IntegerField()
    )
    return (
        Membership.objects.filter(programme=programme)
        .annotate(birth_t=month_index_of(birth) + _next_month_if_not_first(birth))
        .annotate(age0=ExpressionWrapper((Value(first) - F("birth_t")) / Value(12), output_field=IntegerField()))
        .annotate(switch_at=F("birth_t") + Value(12) * next_lower)
        .annotate(
            band0=band,
            switch=Case(When(switch_at__lte=last, then=F("switch_at")), default=None, output_field=IntegerField()),
            t_start=month_index_of("starts"),
            t_end=last_covered,
        )
        .values_list(
            "application__kelurahan_id",
            "application__sector_id",
            "person__sex",
            "band0",
            "switch",
            "t_start",
            "t_end",
        )
        .annotate(n=Count("id"))
        .order_by()
    )


def _age_spans(start: int, end: int, band0: int, switch: int | None) -> Iterable[tuple[int, int, int]]:
    """(band, first month, last month) of a group's cover from `start` to `end`."""
    month = start
    while month <= end:
        band = figures.band_at(month, band0=band0, switch=switch)
        if switch is None or band == len(figures.AGE_BANDS) - 1:
            upto = end
        elif month < switch:
            upto = min(end, switch - 1)
        else:
            step = 12 * figures.BAND_YEARS
            upto = min(end, switch + ((month - switch) // step + 1) * step - 1)
        yield band, month, upto
        month = upto + 1


def _count_members(programme: Programme, counts: figures.MonthlyCounts) -> None:
    sectors = dict(Sector.objects.values_list("pk", "code"))
    for kelurahan, sector_id, sex, band0, switch, start, end, n in _member_groups(programme, counts.first, counts.last):
        counts.add((D.MEMBERS_SECTOR, kelurahan, sectors.get(sector_id, str(sector_id))), start, end, n)
        counts.add((D.MEMBERS_SEX, kelurahan, sex), start, end, n)
        for band, first, upto in _age_spans(max(start, counts.first), end, band0, switch):
            counts.add((D.MEMBERS_AGE, kelurahan, figures.AGE_BANDS[band]), first, upto, n)


# -- places, cards, decisions -----------------------------------------------------------------------------


def _count_places(programme: Programme, counts: figures.MonthlyCounts) -> None:
    """Places (active or ended) whose months include the month: the quota used that month."""
    for kelurahan, start, end, n in (
        Place.objects.filter(programme=programme)
        .annotate(t_start=month_index_of("starts"), t_end=month_index_of("ends"))
        .values_list("application__kelurahan_id", "t_start", "t_end")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts.add((D.PLACES, kelurahan, ""), start, end, n)


FigureRow = tuple[date | None, str, str, str, int]  # month, kelurahan, dimension, key, value


def _cards(programme: Programme) -> list[FigureRow]:
    cards = Card.objects.filter(membership__programme=programme)
    kelurahan = "membership__application__kelurahan_id"
    rows: list[FigureRow] = []
    for dimension, qs in (
        (D.CARDS_PRINTED, cards.annotate(t=month_index_of("issued_at"))),
        (D.CARDS_HANDED, cards.filter(handed_on__isnull=False).annotate(t=month_index_of("handed_on"))),
    ):
        for code, month, n in qs.values_list(kelurahan, "t").annotate(n=Count("id")).order_by():
            rows.append((figures.month_of_index(month), code, dimension, "", n))
    return rows


def _decisions(programme: Programme) -> list[FigureRow]:
    decisions = Decision.objects.filter(application__programme=programme).annotate(t=month_index_of("decided_at"))
    rows: list[FigureRow] = []
    for month, agency, outcome, n, late in (
        decisions.values_list("t", "agency_id", "outcome")
        .annotate(n=Count("id"), late=Count("id", filter=Q(late=True)))
        .order_by()
    ):
        when = figures.month_of_index(month)
        rows.append((when, "", D.DECIDED, f"{agency}:{outcome}", n))
        if late:
            rows.append((when, "", D.DECIDED_LATE, str(agency), late))
    for month, agency, days, n in (
        decisions.values_list("t", "agency_id", "working_days").annotate(n=Count("id")).order_by()
    ):
        rows.append((figures.month_of_index(month), "", D.DECISION_DAYS, f"{agency}:{days}", n))
    return rows


def _now(programme: Programme, today: date) -> list[FigureRow]:
    """Applications by status per kelurahan, and each agency's open, overdue and returned work, as of today."""
    applications = Application.objects.filter(programme=programme)
    rows: list[FigureRow] = [
        (None, kelurahan, D.STATUS_NOW, status, n)
        for kelurahan, status, n in applications.values_list("kelurahan_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ]
    awaiting = Q(status=S.AWAITING_VERIFICATION)
    for agency, waiting, overdue, returned in (
        applications.filter(verifying_agency__isnull=False)
        .values_list("verifying_agency_id")
        .annotate(
            waiting=Count("id", filter=awaiting),
            overdue=Count("id", filter=awaiting & Q(verification_due__lt=today)),
            returned=Count("id", filter=Q(status=S.RETURNED)),
        )
        .order_by()
    ):
        for dimension, n in ((D.OPEN_NOW, waiting), (D.OVERDUE_NOW, overdue), (D.RETURNED_NOW, returned)):
            if n:
                rows.append((None, "", dimension, str(agency), n))
    return rows


# -- money and claims -------------------------------------------------------------------------------------


def _money(programme: Programme, today: date) -> list[FigureRow]:
    """The budget realisation (contributions.figures, as the budget page shows it) and each month's expected
    contributions, BPJS's invoice and what was paid, in Rupiah."""
    budget = realisation(programme, today=today)
    rows: list[FigureRow] = [
        (None, "", D.BUDGET, key, value)
        for key, value in (
            ("budget", budget.budget),
            ("paid", budget.paid),
            ("owed", budget.owed),
            ("committed", budget.committed),
            ("left", budget.left),
        )
    ]
    for month in budget.months:
        rows.append((month.month, "", D.CONTRIB_EXPECTED, "", month.expected))
        rows.append((month.month, "", D.CONTRIB_PAID, "", month.paid))
        if month.invoiced is not None:
            rows.append((month.month, "", D.CONTRIB_INVOICED, "", month.invoiced))
    return rows


def _claims(programme: Programme) -> list[FigureRow]:
    """Claims by status (as of the count), reported per month, and paid per month with the Rupiah paid, by kind."""
    claims = Claim.objects.filter(programme=programme)
    rows: list[FigureRow] = [
        (None, "", D.CLAIMS_STATUS, status, n)
        for status, n in claims.values_list("status").annotate(n=Count("id")).order_by()
    ]
    for month, kind, n in (
        claims.annotate(t=month_index_of("created_at")).values_list("t", "kind").annotate(n=Count("id")).order_by()
    ):
        rows.append((figures.month_of_index(month), "", D.CLAIMS_REPORTED, kind, n))
    for month, kind, n, amount in (
        claims.filter(paid_on__isnull=False)
        .annotate(t=month_index_of("paid_on"))
        .values_list("t", "kind")
        .annotate(n=Count("id"), amount=Sum("paid_amount"))
        .order_by()
    ):
        rows.append((figures.month_of_index(month), "", D.CLAIMS_PAID, kind, n))
        rows.append((figures.month_of_index(month), "", D.CLAIMS_PAID_AMOUNT, kind, int(amount or 0)))
    return rows


# -- people funded twice ----------------------------------------------------------------------------------


def _double_funded(programme: Programme) -> list[FigureRow]:
    """Per month, people with a place in this programme and one in another programme (any funder) for the same
    month: per other programme, and as people ("*", each person once however many others fund them).

    The allocation services refuse this for new places; it can still come from lists loaded before, or from a
    hand-over gone wrong, so leadership sees it as a number that should stay zero."""
    table = connection.ops.quote_name(Place._meta.db_table)
    sql = (
        f"SELECT p1.person_id, p2.programme_id, p1.starts, p1.ends, p2.starts, p2.ends "  # noqa: S608 - names from _meta
        f"FROM {table} p1 JOIN {table} p2 ON p2.person_id = p1.person_id AND p2.programme_id <> p1.programme_id "
        f"AND p2.starts <= p1.ends AND p2.ends >= p1.starts WHERE p1.programme_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [programme.pk])
        found = cursor.fetchall()
    if not found:
        return []
    codes = dict(Programme.objects.filter(pk__in={row[1] for row in found}).values_list("pk", "code"))
    pairs: dict[tuple[int, str], int] = defaultdict(int)
    people: dict[int, set[int]] = defaultdict(set)
    for person, other, starts, ends, other_starts, other_ends in found:
        first = figures.month_index(max(_as_date(starts), _as_date(other_starts)))
        last = figures.month_index(min(_as_date(ends), _as_date(other_ends)))
        for month in range(first, last + 1):
            pairs[(month, codes[other])] += 1
            people[month].add(person)
    rows: list[FigureRow] = [
        (figures.month_of_index(month), "", D.DOUBLE_FUNDED, code, n) for (month, code), n in pairs.items()
    ]
    rows += [(figures.month_of_index(month), "", D.DOUBLE_FUNDED, "*", len(ids)) for month, ids in people.items()]
    return rows


def _as_date(value: date | str) -> date:
    # SQLite hands raw dates back as text.
    return value if isinstance(value, date) else date.fromisoformat(value)


# -- the snapshot -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refreshed:
    programme: Programme
    figures: int
    seconds: float


def snapshot_refresh(*, programme: Programme) -> Refreshed:
    """Count the programme's figures again and replace its snapshot. Safe to run twice or at the same time as
    another refresh of the same programme: the rows are replaced under a lock on its Snapshot row, whole."""
    started = clock.monotonic()
    today = clock.today()
    first = figures.month_index(programme.cover_start)
    last = figures.month_index(programme.cover_end)
    monthly = figures.MonthlyCounts(first, last)
    _count_members(programme, monthly)
    _count_places(programme, monthly)
    rows: list[FigureRow] = [
        (figures.month_of_index(month), kelurahan or "", dimension, key or "", n)
        for (dimension, kelurahan, key), month, n in monthly.items()
    ]
    rows += _cards(programme) + _decisions(programme) + _now(programme, today) + _double_funded(programme)
    rows += _money(programme, today) + _claims(programme)
    months = [row[0] for row in rows if row[0] is not None]
    first_month = min([programme.cover_start.replace(day=1), *months])
    last_month = max([programme.cover_end.replace(day=1), *months])
    _snapshot_row(programme)
    with transaction.atomic():
        snapshot = Snapshot.objects.select_for_update().get(programme=programme)
        Figure.objects.filter(programme=programme).delete()
        rows_insert(
            Figure,
            ("programme_id", "month", "kelurahan", "dimension", "key", "value"),
            [(programme.pk, month, kelurahan, dimension, key, n) for month, kelurahan, dimension, key, n in rows],
            ids=False,
        )
        snapshot.computed_at = clock.now()
        snapshot.seconds = round(clock.monotonic() - started, 3)
        snapshot.first_month = first_month
        snapshot.last_month = last_month
        snapshot.save()
    return Refreshed(programme=programme, figures=len(rows), seconds=snapshot.seconds)


def _snapshot_row(programme: Programme) -> None:
    if Snapshot.objects.filter(programme=programme).exists():
        return
    try:
        with transaction.atomic():
            Snapshot.objects.create(programme=programme)
    except IntegrityError:
        pass  # another refresh made it first


# -- open data --------------------------------------------------------------------------------------------

# The public names of the breakdowns (CSV column `dimensi`) and what each counts.
OPEN_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("sektor", D.MEMBERS_SECTOR),
    ("kecamatan", "kecamatan"),
    ("jenis_kelamin", D.MEMBERS_SEX),
    ("kelompok_umur", D.MEMBERS_AGE),
)
TOTAL_DIMENSION = "jumlah"
TOTAL_CATEGORY = "semua"


def open_months(programme: Programme, today: date) -> list[date]:
    """The months published: the cover's, up to the current month (later months have not happened yet)."""
    last = min(programme.cover_end, today)
    if last < programme.cover_start:
        return []
    return figures.months_from(programme.cover_start, last)


def publication_refresh(*, programme: Programme, today: date | None = None) -> Publication | None:
    """Rebuild the programme's open data from its snapshot; None (and nothing published) for a programme still
    being prepared or whose cover has not started."""
    today = today or clock.today()
    with translation.override("id"):  # the public files are in Bahasa Indonesia whoever refreshes them
        return _publication_refresh(programme, today)


def _publication_refresh(programme: Programme, today: date) -> Publication | None:
    months = open_months(programme, today)
    if programme.status == Programme.Status.DRAFT or not months:
        Publication.objects.filter(programme=programme).delete()
        return None
    breakdowns = _member_breakdowns(programme, months)
    rows: list[dict[str, str]] = []
    for month in months:
        key = figures.month_key(month)
        by = breakdowns.get(month, {})
        total = sum(cell.count for cell in by.get(D.MEMBERS_SEX, []))
        rows.append(
            {
                "bulan": key,
                "dimensi": TOTAL_DIMENSION,
                "kode": "",
                "kategori": TOTAL_CATEGORY,
                "peserta": figures.total_text(total),
            }
        )
        for public, dimension in OPEN_DIMENSIONS:
            for cell in figures.suppress(by.get(dimension, [])):
                rows.append(
                    {"bulan": key, "dimensi": public, "kode": cell.key, "kategori": cell.label, "peserta": cell.text}
                )
    publication, _created = Publication.objects.update_or_create(
        programme=programme,
        defaults={"published_at": clock.now(), "first_month": months[0], "last_month": months[-1], "rows": rows},
    )
    return publication


def _member_breakdowns(programme: Programme, months: list[date]) -> dict[date, dict[str, list[figures.Cell]]]:
    """Members per month in the four public breakdowns, kecamatan summed from their kelurahan."""
    found = (
        Figure.objects.filter(
            programme=programme, dimension__in=(D.MEMBERS_SECTOR, D.MEMBERS_SEX, D.MEMBERS_AGE), month__in=months
        )
        .values_list("month", "dimension", "key", "kelurahan", "value")
        .order_by()
    )
    counts: dict[date, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for month, dimension, key, kelurahan, value in found:
        assert month is not None  # member figures are monthly
        counts[month][dimension][key] += value
        if dimension == D.MEMBERS_SEX:
            counts[month]["kecamatan"][kecamatan_of(kelurahan)] += value
    labels = breakdown_labels(
        sectors={k for by in counts.values() for k in by[D.MEMBERS_SECTOR]},
        kecamatan={k for by in counts.values() for k in by["kecamatan"]},
    )
    result: dict[date, dict[str, list[figures.Cell]]] = {}
    for month, by in counts.items():
        result[month] = {
            dimension: [figures.Cell(key, labels[dimension].get(key, key), n) for key, n in ordered(dimension, cells)]
            for dimension, cells in by.items()
        }
    return result


def kecamatan_of(kelurahan: str) -> str:
    """64.71.01.1001 -> 64.71.01: region codes nest by prefix."""
    return kelurahan.rsplit(".", 1)[0] if kelurahan.count(".") == 3 else kelurahan


def breakdown_labels(
    *, sectors: Iterable[str] = (), kecamatan: Iterable[str] = (), kelurahan: Iterable[str] = ()
) -> dict[str, dict[str, str]]:
    """Readable names of the keys of each breakdown, in Bahasa Indonesia (open data and the API are not
    translated: their labels are names)."""
    regions = dict(Region.objects.filter(code__in={*kecamatan, *kelurahan}).values_list("code", "name"))
    return {
        D.MEMBERS_SECTOR: dict(Sector.objects.filter(code__in=set(sectors)).values_list("code", "name")),
        D.MEMBERS_SEX: {sex.value: str(sex.label) for sex in Sex},
        D.MEMBERS_AGE: {band: band for band in figures.AGE_BANDS},
        "kecamatan": regions,
        "kelurahan": regions,
    }


def ordered(dimension: str, cells: dict[str, int]) -> list[tuple[str, int]]:
    """Age bands and sexes in their natural order; other breakdowns largest first, then by key."""
    if dimension == D.MEMBERS_AGE:
        return [(band, cells[band]) for band in figures.AGE_BANDS if band in cells]
    if dimension == D.MEMBERS_SEX:
        return [(sex, cells[sex]) for sex in (Sex.MALE, Sex.FEMALE) if sex in cells]
    return sorted(cells.items(), key=lambda item: (-item[1], item[0]))
