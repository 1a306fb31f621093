"""Reads of in-kind aid, scoped to the officer's funder: the goods programmes, a period's delivery sheet (every
recipient with their delivery or the lack of one), a recipient's history, and a period's deliveries for partners.

Who reads: officers who record deliveries (registration officers, programme managers) and leadership and
auditors, who read. Another funder's programme is answered as not found, so codes cannot be probed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jaring.aid.models import Delivery, DeliveryScan
from jaring.aid.months import MonthStatus, Span, first_of, month_status, parse_period, period_text, periods
from jaring.allocation.models import Place
from jaring.allocation.services import month_end
from jaring.core import clock
from jaring.core.errors import DomainError, NotFound
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.selectors import Scope, filter_by_funder, require
from jaring.programmes.models import BenefitKind, Programme
from jaring.programmes.selectors import programme_in_scope

GOODS = (BenefitKind.GOODS_ONCE, BenefitKind.GOODS_MONTHLY)


def aid_scope(user: User | object, *, record: bool = False) -> Scope:
    """The officer's scope for reading (or, with `record`, recording) deliveries; PermissionDenied otherwise."""
    return require(user, Capability.RECORD_AID if record else Capability.VIEW_AID)


def goods_programmes(qs: QuerySet[Programme]) -> QuerySet[Programme]:
    return qs.filter(benefit_kind__in=GOODS)


def aid_programmes_visible_to(user: User) -> QuerySet[Programme]:
    scope = aid_scope(user)
    qs = goods_programmes(Programme.objects.select_related("funder", "owning_agency")).order_by("-year", "code")
    return filter_by_funder(qs, scope)


def aid_programme_of(user: User, code: str, *, record: bool = False) -> Programme:
    """A goods programme of the officer's funder; NotFound for another funder's, or for a BPJS programme."""
    return aid_programme_in(aid_scope(user, record=record), code)


def aid_programme_in(scope: Scope, code: str) -> Programme:
    programme = programme_in_scope(scope, code, related=("funder", "owning_agency"))
    if not programme.gives_goods:
        raise NotFound(_("Program %(code)s bukan program bantuan barang.") % {"code": programme.code})
    return programme


def programme_periods(programme: Programme) -> list[date]:
    return periods(programme.cover_start, programme.cover_end, once=programme.benefit_kind == BenefitKind.GOODS_ONCE)


def period_of(programme: Programme, text: str) -> date:
    """The period `YYYY-MM` names, if the programme hands goods out for it; DomainError (field `month`) otherwise.
    Aid given once has one period: any month of its cover names it."""
    period = parse_period(text)
    if period is None:
        raise DomainError(_("Bulan harus ditulis TTTT-BB, misalnya 2026-03."), field="month")
    known = programme_periods(programme)
    if programme.benefit_kind == BenefitKind.GOODS_ONCE and first_of(programme.cover_start) <= period <= first_of(
        programme.cover_end
    ):
        return known[0]
    if period not in known:
        raise DomainError(
            _("Bulan %(month)s di luar masa program %(code)s (%(start)s s.d. %(end)s).")
            % {
                "month": text.strip()[:7],
                "code": programme.code,
                "start": programme.cover_start.strftime("%m/%Y"),
                "end": programme.cover_end.strftime("%m/%Y"),
            },
            field="month",
        )
    return period


def default_period(programme: Programme, today: date) -> date:
    """This month while the programme runs; its first period before, its last after."""
    known = programme_periods(programme)
    current = first_of(today)
    if current in known:
        return current
    return known[0] if current < known[0] else known[-1]


def is_once(programme: Programme) -> bool:
    return programme.benefit_kind == BenefitKind.GOODS_ONCE


def label_of_period(programme: Programme, period: date) -> str:
    return period_text(period, once=is_once(programme))


def recipients_in(programme: Programme, period: date) -> QuerySet[Place]:
    """Places of the programme held during the period (a recipient who left after it still shows; for aid
    given once, every place), in the printed order: by kelurahan, then name."""
    places = Place.objects.filter(programme=programme)
    if not is_once(programme):
        places = places.filter(starts__lte=month_end(period), ends__gte=period)
    return places.select_related("person", "person__kelurahan", "person__kelurahan__parent", "application").order_by(
        "person__kelurahan__name", "person__name", "pk"
    )


@dataclass(frozen=True)
class SheetRow:
    number: int
    place: Place
    delivery: Delivery | None
    status: MonthStatus

    @property
    def status_label(self) -> str:
        return str(self.status.label)


def delivery_sheet(programme: Programme, period: date, *, today: date | None = None) -> list[SheetRow]:
    """Every recipient of the period with their delivery, or what its absence means (missed, still due)."""
    today = today or clock.today()
    places = list(recipients_in(programme, period))
    deliveries = {
        d.place_id: d
        for d in Delivery.objects.filter(
            programme=programme, period=period, place__in=[p.pk for p in places]
        ).select_related("scan")
    }
    rows = []
    for number, place in enumerate(places, start=1):
        delivery = deliveries.get(place.pk)
        status = month_status(
            period=period,
            today=today,
            span=Span(place.starts, place.ends),
            received=delivery is not None,
            once=is_once(programme),
        )
        rows.append(SheetRow(number, place, delivery, status))
    return rows


def sheet_counts(rows: list[SheetRow]) -> dict[str, int]:
    counts = {status.value: 0 for status in MonthStatus}
    for row in rows:
        counts[row.status.value] += 1
    return counts


@dataclass(frozen=True)
class HistoryRow:
    period: date
    label: str
    delivery: Delivery | None
    status: MonthStatus


HISTORY_MONTHS = 12


def place_of(programme: Programme, pk: int) -> Place:
    place = (
        Place.objects.filter(programme=programme, pk=pk)
        .select_related("person", "person__kelurahan", "application", "programme__funder")
        .first()
    )
    if place is None:
        raise NotFound(_("Penerima tidak ditemukan di program ini."))
    return place


def recipient_history(programme: Programme, place: Place, *, today: date | None = None) -> list[HistoryRow]:
    """The recipient's periods in the programme, at most the twelve of a year, each with its delivery or its
    status (a month with none that is over is missed)."""
    today = today or clock.today()
    known = programme_periods(programme)[:HISTORY_MONTHS]
    deliveries = {d.period: d for d in Delivery.objects.filter(place=place).select_related("scan")}
    once = is_once(programme)
    return [
        HistoryRow(
            period,
            period_text(period, once=once),
            deliveries.get(period),
            month_status(
                period=period,
                today=today,
                span=Span(place.starts, place.ends),
                received=period in deliveries,
                once=once,
            ),
        )
        for period in known
    ]


def delivery_of(programme: Programme, pk: int) -> Delivery:
    delivery = (
        Delivery.objects.filter(programme=programme, pk=pk)
        .select_related("place", "person", "programme__funder", "scan")
        .first()
    )
    if delivery is None:
        raise NotFound(_("Catatan penyerahan tidak ditemukan di program ini."))
    return delivery


def scans_of(programme: Programme, period: date) -> QuerySet[DeliveryScan]:
    return DeliveryScan.objects.filter(programme=programme, period=period, superseded_at=None).order_by("-uploaded_at")


def scan_of(programme: Programme, pk: int) -> DeliveryScan:
    scan = DeliveryScan.objects.filter(programme=programme, pk=pk).first()
    if scan is None:
        raise NotFound(_("Pindaian tidak ditemukan di program ini."))
    return scan


def deliveries_of_period(programme: Programme, period: date) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(programme=programme, period=period)
        .select_related("person", "person__kelurahan", "place")
        .order_by("person__kelurahan__name", "person__name", "pk")
    )
