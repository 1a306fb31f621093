"""Reads about contributions: a member's cover on a day with their arrears (what the claims app asks), the
programme's billing terms and the contribution due for a month."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Least
from django.utils.translation import gettext as _

from jaring.allocation.models import EndReason
from jaring.contributions import billing
from jaring.contributions.models import BillingTerms, CoverRule, PaidMonth
from jaring.contributions.reconcile import Member
from jaring.core import clock
from jaring.enrolment.models import Membership, MembershipEvent
from jaring.programmes.models import Programme
from jaring.programmes.money import Contribution, monthly_contribution
from jaring.programmes.selectors import contribution_brackets

ARREARS_REASON = "arrears"  # MembershipEvent.reason of a membership made non-active for unpaid months


def terms_of(programme: Programme | int) -> BillingTerms:
    """The programme's billing terms, or the defaults (unsaved) when the manager never set them."""
    programme_id = programme if isinstance(programme, int) else programme.pk
    terms = BillingTerms.objects.filter(programme_id=programme_id).first()
    return terms if terms is not None else BillingTerms(programme_id=programme_id)


def contribution_for(programme: Programme, month: date) -> Contribution:
    """What one member of `programme` costs for `month`: the table in force on the month's first day, at the
    programme's income basis. Never the PP 50/2025 discount: it excludes participants paid from the APBD.
    Raises money.NoRates when no table is in force."""
    return monthly_contribution(programme.income_basis, contribution_brackets(), billing.month_of(month))


def _date(day: date) -> str:
    return day.strftime("%d-%m-%Y")


@dataclass(frozen=True)
class CoverWindow:
    """The days this programme pays a member's cover for, and why it stops (empty while it runs on)."""

    starts: date
    ends: date
    end_reason: str  # EndReason value, "" when cover runs to the programme's end
    end_note: str


def cover_window(membership: Membership) -> CoverWindow:
    """From the membership's start to its end or its place's, whichever is earlier: a hand-over to another
    funder ends the place (allocation.place_hand_over) before the membership hears of it."""
    place = membership.place
    if membership.end_reason:
        reason, note = membership.end_reason, place.end_note
    elif place.ends < membership.ends:
        reason, note = place.end_reason, place.end_note
    else:
        reason = note = ""
    return CoverWindow(
        starts=membership.starts, ends=min(membership.ends, place.ends), end_reason=reason, end_note=note
    )


def _billable(window: CoverWindow, terms: BillingTerms) -> list[date]:
    return billing.billable_months(window.starts, window.ends, whole_month=terms.cover_rule == CoverRule.WHOLE_MONTH)


@dataclass(frozen=True)
class CoverOnDay:
    """Whether a member's cover held on a day. `reason` (Bahasa Indonesia) says why not and since when; it is
    empty when covered. `unpaid_months`: months in arrears on that day (0 to NON_ACTIVE_AFTER and beyond)."""

    covered: bool
    reason: str
    unpaid_months: int
    since: date | None = None  # from when it did not hold


def _status_on(membership: Membership, day: date) -> MembershipEvent | None:
    """The lifecycle event in force on `day`: the latest one effective on or before it."""
    found = None
    for event in membership.events.all():  # ordered by the model: recorded order
        if event.effective <= day and (found is None or event.effective >= found.effective):
            found = event
    return found


def cover_on(membership: Membership, day: date) -> CoverOnDay:
    """Did `membership`'s cover hold on `day`, considering its cover period, its lifecycle (non-active) and
    its arrears as they stood on that day (payments counted from their SP2D date)? For claims: an accident or
    a death on `day` is covered only when this says so."""
    membership = (
        Membership.objects.select_related("place", "programme").prefetch_related("events").get(pk=membership.pk)
    )
    window = cover_window(membership)
    terms = terms_of(membership.programme_id)
    billable = _billable(window, terms)
    paid = dict(PaidMonth.objects.filter(membership=membership).values_list("month", "paid_on"))
    run = billing.arrears_on(
        billable=billable, paid_on=paid, day=day, due_day=terms.due_day, tracked_from=terms.tracked_from
    )
    unpaid = len(run)
    if day < window.starts:
        return CoverOnDay(
            False,
            _("Perlindungan belum mulai pada %(day)s; mulai %(start)s.")
            % {"day": _date(day), "start": _date(window.starts)},
            unpaid,
            None,
        )
    if day > window.ends:
        since = window.ends + timedelta(days=1)
        why = str(EndReason(window.end_reason).label) if window.end_reason in EndReason.values else ""
        if window.end_note:
            why = f"{why}: {window.end_note}" if why else window.end_note
        if why:
            reason = _("Perlindungan berakhir sejak %(since)s (%(why)s).") % {"since": _date(since), "why": why}
        else:
            reason = _("Perlindungan berakhir sejak %(since)s: masa perlindungan program selesai.") % {
                "since": _date(since)
            }
        return CoverOnDay(False, reason, unpaid, since)
    lapsed = billing.lapse_day(run, terms.due_day)
    if lapsed is not None:
        return CoverOnDay(
            False,
            _("Nonaktif sejak %(since)s: iuran %(count)s bulan berturut-turut belum dibayar (%(months)s).")
            % {"since": _date(lapsed), "count": unpaid, "months": ", ".join(billing.month_text(m) for m in run)},
            unpaid,
            lapsed,
        )
    event = _status_on(membership, day)
    if event is not None and event.to_status == Membership.Status.NON_ACTIVE and event.reason != ARREARS_REASON:
        note = event.note or _("dinonaktifkan pengelola program")
        return CoverOnDay(
            False,
            _("Nonaktif sejak %(since)s: %(note)s.") % {"since": _date(event.effective), "note": note.rstrip(".")},
            unpaid,
            event.effective,
        )
    if run and not terms.cover_in_arrears:
        since = billing.due_date(run[0], terms.due_day) + timedelta(days=1)
        return CoverOnDay(
            False,
            _("Perlindungan ditangguhkan sejak %(since)s: iuran %(months)s belum dibayar.")
            % {"since": _date(since), "months": ", ".join(billing.month_text(m) for m in run)},
            unpaid,
            since,
        )
    return CoverOnDay(True, "", unpaid, None)


def months_in_arrears(membership: Membership, month: date) -> int:
    """How many months in a row `membership` owes at `month` (included), with every payment recorded so far:
    0 when that month is paid, not billed (outside the cover, or before the programme's payments are followed),
    1 for that month alone, and so on."""
    membership = Membership.objects.select_related("place").get(pk=membership.pk)
    terms = terms_of(membership.programme_id)
    billable = _billable(cover_window(membership), terms)
    paid = set(PaidMonth.objects.filter(membership=membership).values_list("month", flat=True))
    return billing.arrears_in(
        billable=billable, paid=paid, month=billing.month_of(month), tracked_from=terms.tracked_from
    )


# -- set-based reads for a whole programme -----------------------------------------------------------------------


def members_of(programme: Programme, *, kpjs: Collection[str] | None = None) -> Iterator[Member]:
    """Every membership of the programme (or those with these KPJs) as the reconciler needs it, streamed (a
    province has a million)."""
    memberships = Membership.objects.filter(programme=programme)
    if kpjs is not None:
        memberships = memberships.filter(kpj__in=list(kpjs))
    rows = (
        memberships.order_by()
        .values_list(
            "pk",
            "kpj",
            "person__nik",
            "starts",
            "ends",
            "end_reason",
            "place__ends",
            "place__end_reason",
            "place__end_note",
        )
        .iterator(chunk_size=20_000)
    )
    for pk, kpj, nik, starts, ends, end_reason, place_ends, place_reason, place_note in rows:
        if end_reason:
            reason, note = end_reason, place_note
        elif place_ends < ends:
            reason, note = place_reason, place_note
        else:
            reason = note = ""
        yield Member(pk, kpj, nik, starts, min(ends, place_ends), reason, note)


def paid_in(programme: Programme, month: date) -> dict[int, str]:
    """Membership id -> the payment that paid its `month` ("SP2D 900/BPKAD/2026, 14-03-2026")."""
    rows = PaidMonth.objects.filter(membership__programme=programme, month=month).values_list(
        "membership_id", "payment__sp2d_number", "paid_on"
    )
    return {pk: _("SP2D %(number)s, %(date)s") % {"number": number, "date": _date(on)} for pk, number, on in rows}


def spans_of(programme: Programme) -> list[tuple[date, date, int]]:
    """(cover starts, cover ends, members) of the programme's memberships, grouped: members share a few spans
    (from the month they joined to the cover end), so a month's covered members are counted from these."""
    return list(
        Membership.objects.filter(programme=programme)
        .annotate(until=Least("ends", "place__ends"))
        .values("starts", "until")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("starts", "until", "n")
    )


def covered_count(spans: Sequence[tuple[date, date, int]], month: date, *, whole_month: bool) -> int:
    return sum(n for starts, ends, n in spans if billing.is_billable(starts, ends, month, whole_month=whole_month))


# -- arrears of a whole programme --------------------------------------------------------------------------------


def latest_overdue(on: date, due_day: int) -> date:
    """The latest month past its due date on `on`."""
    month = billing.month_of(on)
    return month if billing.overdue_on(month, on, due_day) else billing.previous_month(month)


def _with_until(qs: QuerySet[Membership]) -> QuerySet[Membership]:
    return qs.annotate(until=Least("ends", "place__ends"))


def _billable_in(month: date, terms: BillingTerms) -> Q:
    first, last = month, billing.month_last_day(month)
    if terms.cover_rule == CoverRule.WHOLE_MONTH:
        return Q(starts__lte=first, until__gte=last)
    return Q(starts__lte=last, until__gte=first)


def owes(month: date, *, on: date, terms: BillingTerms) -> Q:
    """Memberships (annotated with `until`) billed for `month` and not paid by `on`."""
    if terms.tracked_from is None or month < terms.tracked_from:
        return Q(pk__in=[])
    paid = PaidMonth.objects.filter(membership=OuterRef("pk"), month=month, paid_on__lte=on)
    return _billable_in(month, terms) & ~Q(Exists(paid))


def arrears_candidates(programme: Programme, *, on: date, terms: BillingTerms) -> QuerySet[Membership]:
    """Active memberships owing the three latest overdue months on `on`: those arrears_apply makes non-active."""
    last = latest_overdue(on, terms.due_day)
    months = [last, billing.previous_month(last), billing.previous_month(billing.previous_month(last))]
    qs = _with_until(Membership.objects.filter(programme=programme, status=Membership.Status.ACTIVE))
    for month in months:
        qs = qs.filter(owes(month, on=on, terms=terms))
    return qs.select_related("place", "programme__funder").order_by("pk")


def arrears_run_of(membership: Membership, *, on: date, terms: BillingTerms) -> list[date]:
    """The months `membership` owes in a row on `on` (see billing.arrears_on)."""
    billable = _billable(cover_window(membership), terms)
    paid = dict(PaidMonth.objects.filter(membership=membership).values_list("month", "paid_on"))
    return billing.arrears_on(
        billable=billable, paid_on=paid, day=on, due_day=terms.due_day, tracked_from=terms.tracked_from
    )


@dataclass(frozen=True)
class AtRisk:
    """Members owing the latest overdue month on a day, by how many months in a row (3 means 3 or more)."""

    month: date  # the latest overdue month
    one: int
    two: int
    three: int
    members: QuerySet[Membership]  # annotated with `owed` (1, 2 or 3), most owed first

    @property
    def total(self) -> int:
        return self.one + self.two + self.three

    def lapse_day(self, owed: int, due_day: int) -> date:
        """When a member owing `owed` months becomes (or became) non-active if nothing is paid."""
        month = self.month
        for _step in range(billing.NON_ACTIVE_AFTER - owed):
            month = billing.next_month(month)
        return billing.due_date(month, due_day) + timedelta(days=1)


def members_at_risk(programme: Programme, *, on: date | None = None) -> AtRisk:
    """Who owes contributions on `on` (default today) and is at risk of lapsing, before it happens: members
    owing the latest overdue month, counted by months in a row (a set-based count: a province has a million)."""
    on = on or clock.today()
    terms = terms_of(programme)
    last = latest_overdue(on, terms.due_day)
    second = billing.previous_month(last)
    third = billing.previous_month(second)
    owes_two = owes(second, on=on, terms=terms)
    owes_three = owes_two & owes(third, on=on, terms=terms)
    qs = _with_until(
        Membership.objects.filter(
            programme=programme, status__in=(Membership.Status.ACTIVE, Membership.Status.NON_ACTIVE)
        )
    ).filter(owes(last, on=on, terms=terms))
    counts = qs.aggregate(
        one=Count("id", filter=~owes_two),
        two=Count("id", filter=owes_two & ~owes_three),
        three=Count("id", filter=owes_three),
    )
    members = (
        qs.annotate(owed=Case(When(owes_three, then=Value(3)), When(owes_two, then=Value(2)), default=Value(1)))
        .select_related("person")
        .order_by("-owed", "person__name", "pk")
    )
    return AtRisk(month=last, one=counts["one"], two=counts["two"], three=counts["three"], members=members)
