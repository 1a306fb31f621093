"""Money figures of a programme by month: what its members cost (the expected bill), what the branch billed,
what was paid and by how many members it is still owed; and the budget realisation (budget, paid, owed,
committed for the months to come, what is left, and how many more people that pays for from a month on).

Set-based: members are counted from their cover spans (a few per programme), paid months by one grouped
query, so a programme of a million members costs the same handful of queries as one of ten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet, Sum

from jaring.contributions import billing
from jaring.contributions.models import CoverRule, Invoice, PaidMonth, Payment
from jaring.contributions.selectors import contribution_for, covered_count, spans_of, terms_of
from jaring.core import clock
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.selectors import filter_by_funder, require
from jaring.programmes.models import Programme
from jaring.programmes.money import NoRates
from jaring.programmes.selectors import bpjs_only, programme_in_scope, refuse_unless_bpjs


def contribution_programmes(user: User) -> QuerySet[Programme]:
    """Programmes whose contributions the officer may see: their funder's (every funder's for the operator)."""
    scope = require(user, Capability.VIEW_CONTRIBUTIONS)
    return filter_by_funder(bpjs_only(Programme.objects.select_related("funder").order_by("-year", "code")), scope)


def contribution_programme(user: User, code: str, *, capability: str = Capability.VIEW_CONTRIBUTIONS) -> Programme:
    """One programme by code for an officer holding `capability`; another funder's code is NotFound."""
    programme = programme_in_scope(require(user, capability), code, related=("funder", "owning_agency"))
    refuse_unless_bpjs(programme)
    return programme


@dataclass(frozen=True)
class MonthFigures:
    month: date
    members: int  # covered that month
    monthly: int | None  # one member's contribution that month (None: no table in force)
    invoice: Invoice | None  # the month's current invoice
    paid: int  # contributions of that month paid, whatever invoice paid them
    paid_members: int
    due: bool  # past its due date today

    @property
    def expected(self) -> int:
        return self.members * (self.monthly or 0)

    @property
    def invoiced(self) -> int | None:
        return self.invoice.invoiced if self.invoice else None

    @property
    def proposed(self) -> int:
        return self.invoice.proposed if self.invoice else 0

    @property
    def unpaid_members(self) -> int:
        return max(self.members - self.paid_members, 0)

    @property
    def unpaid(self) -> int:
        return max(self.expected - self.paid, 0)


def month_figures(programme: Programme, months: list[date], *, today: date | None = None) -> list[MonthFigures]:
    today = today or clock.today()
    terms = terms_of(programme)
    whole = terms.cover_rule == CoverRule.WHOLE_MONTH
    spans = spans_of(programme)
    invoices = {
        invoice.month: invoice
        for invoice in Invoice.objects.filter(programme=programme, status=Invoice.Status.CURRENT, month__in=months)
    }
    paid = {
        month: (total, count)
        for month, total, count in PaidMonth.objects.filter(membership__programme=programme, month__in=months)
        .values("month")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by()
        .values_list("month", "total", "count")
    }
    figures = []
    for month in months:
        try:
            monthly: int | None = int(contribution_for(programme, month).total)
        except NoRates:
            monthly = None
        total, count = paid.get(month, (0, 0))
        figures.append(
            MonthFigures(
                month=month,
                members=covered_count(spans, month, whole_month=whole),
                monthly=monthly,
                invoice=invoices.get(month),
                paid=int(total or 0),
                paid_members=int(count or 0),
                due=billing.overdue_on(month, today, terms.due_day),
            )
        )
    return figures


def cover_months(programme: Programme) -> list[date]:
    return list(billing.months_from(programme.cover_start, programme.cover_end))


@dataclass(frozen=True)
class Starters:
    month: date
    months: int  # from that month to the cover end
    people: int


@dataclass(frozen=True)
class Realisation:
    """The budget as it stands on `today`: `paid` is what SP2Ds paid out, `owed` the expected contributions of
    the months up to this one not paid yet, `committed` the expected contributions of the months still to come
    (the members as they are now), `left` what remains of the budget after all three."""

    today: date
    budget: int
    paid: int
    owed: int
    committed: int
    months: list[MonthFigures]
    starters: list[Starters]

    @property
    def left(self) -> int:
        return self.budget - self.paid - self.owed - self.committed


def realisation(programme: Programme, *, today: date | None = None) -> Realisation:
    today = today or clock.today()
    months = cover_months(programme)
    figures = month_figures(programme, months, today=today)
    current = billing.month_of(today)
    paid = Payment.objects.filter(invoice__programme=programme).aggregate(total=Sum("amount"))["total"] or 0
    owed = sum(f.unpaid for f in figures if f.month <= current)
    committed = sum(f.expected for f in figures if f.month > current)
    left = programme.budget - int(paid) - owed - committed
    starters = []
    for index, figure in enumerate(figures):
        if figure.month <= current or figure.monthly is None:
            continue
        remaining = len(figures) - index
        people = billing.people_who_can_start(left=left, monthly=figure.monthly, months=remaining)
        starters.append(Starters(month=figure.month, months=remaining, people=people))
    return Realisation(
        today=today,
        budget=programme.budget,
        paid=int(paid),
        owed=owed,
        committed=committed,
        months=figures,
        starters=starters,
    )
