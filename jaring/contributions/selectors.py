"""Reads about contributions: a member's cover on a day with their arrears (what the claims app asks), the
programme's billing terms and the contribution due for a month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from jaring.allocation.models import EndReason
from jaring.contributions import billing
from jaring.contributions.models import BillingTerms, CoverRule, PaidMonth
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
