"""cover_on and months_in_arrears: what the claims app asks about a member on the day of an accident or a death."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.allocation.models import EndReason
from jaring.allocation.services import place_hand_over
from jaring.contributions.models import BillingTerms, Invoice, InvoiceLine, LineStatus, PaidMonth, Payment
from jaring.contributions.selectors import cover_on, months_in_arrears
from jaring.enrolment.models import Membership
from jaring.enrolment.services import membership_deactivate, membership_end
from jaring.registry.models import Application, Channel
from jaring.registry.states import ApplicationStatus
from tests.conftest import programme_for
from tests.helpers.reference import TESTS

pytestmark = pytest.mark.today("2026-06-20")

JAN, FEB, MAR, APR = (date(2026, m, 1) for m in range(1, 5))


def paid(membership: Membership, months: list[date], *, on: date) -> None:
    """Record these months of `membership` as paid on `on` (what payment_record leaves behind)."""
    invoice = Invoice.objects.create(
        programme=membership.programme,
        month=months[-1],
        status=Invoice.Status.REPLACED,
        file_name="x.xlsx",
        file_sha256=f"{membership.pk}-{on}",
    )
    payment = Payment.objects.create(invoice=invoice, sp2d_number=f"SP2D/{on}", sp2d_date=on, amount=16_800)
    for position, month in enumerate(months, start=1):
        line = InvoiceLine.objects.create(
            invoice=invoice, position=position, status=LineStatus.COCOK, membership=membership, month=month
        )
        PaidMonth.objects.create(
            membership=membership, month=month, amount=16_800, paid_on=on, payment=payment, line=line
        )


@pytest.fixture
def followed(bpn_2026):  # type: ignore[no-untyped-def]
    """BPN-2026 follows payments from January; members pay by the 15th."""
    return BillingTerms.objects.create(programme=bpn_2026, tracked_from=JAN)


def test_a_member_is_covered_within_their_cover_when_nothing_is_owed(bpn_2026, enrol):  # type: ignore[no-untyped-def]
    (member,) = enrol(bpn_2026, 1, starts=MAR)
    before = cover_on(member, date(2026, 2, 27))
    assert not before.covered and before.unpaid_months == 0
    assert before.reason == "Perlindungan belum mulai pada 27-02-2026; mulai 01-03-2026."
    assert cover_on(member, date(2026, 3, 1)) == cover_on(member, date(2026, 6, 1))
    assert cover_on(member, date(2026, 3, 1)).covered
    # Without an invoice, Jaring follows no payment: nobody is in arrears.
    assert months_in_arrears(member, date(2026, 5, 1)) == 0


def test_cover_ends_with_the_membership_and_says_why_and_since_when(bpn_2026, enrol, programme_manager):  # type: ignore[no-untyped-def]
    member, other = enrol(bpn_2026, 2)
    membership_end(
        membership=member, reason=EndReason.DIED, effective=date(2026, 4, 9), actor=programme_manager, note=""
    )
    assert cover_on(member, date(2026, 4, 30)).covered  # cover runs to the end of the month
    after = cover_on(member, date(2026, 5, 1))
    assert not after.covered and after.since == date(2026, 5, 1)
    assert after.reason == "Perlindungan berakhir sejak 01-05-2026 (Meninggal dunia)."
    assert cover_on(other, date(2026, 5, 1)).covered


def test_a_member_handed_over_to_another_funder_is_not_covered_by_this_one_from_that_month(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, reference
):
    from jaring.core.models import Funder

    kaltim = programme_for(
        Funder.objects.get(code="kaltim"), code="KALTIM-2026", name="Kaltim", owner="disnaker", quota=9
    )
    (member,) = enrol(bpn_2026, 1)
    target = Application.objects.create(
        number="KALTIM-2026-000001",
        programme=kaltim,
        person=member.person,
        channel=Channel.COUNTER,
        status=ApplicationStatus.AWAITING_VERIFICATION,
        kelurahan=member.person.kelurahan,
        sector=member.person.sector,
    )
    place_hand_over(place=member.place, to_application=target, from_month=JUN_FIRST, actor=TESTS)
    assert cover_on(member, date(2026, 5, 31)).covered
    moved = cover_on(member, JUN_FIRST)
    assert not moved.covered and moved.since == JUN_FIRST
    assert moved.reason.startswith(
        "Perlindungan berakhir sejak 01-06-2026 (Dialihkan ke pemberi dana lain: Dialihkan ke"
    )


JUN_FIRST = date(2026, 6, 1)


def test_three_unpaid_months_in_a_row_end_cover_the_day_after_the_third_is_due_until_paid(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, followed
):
    (member,) = enrol(bpn_2026, 1)
    paid(member, [JAN], on=date(2026, 1, 14))
    # February and March owed on 16 March: at risk, still covered.
    at_risk = cover_on(member, date(2026, 3, 16))
    assert at_risk.covered and at_risk.unpaid_months == 2 and at_risk.reason == ""
    lapsed = cover_on(member, date(2026, 4, 16))
    assert not lapsed.covered and lapsed.unpaid_months == 3 and lapsed.since == date(2026, 4, 16)
    assert lapsed.reason == (
        "Nonaktif sejak 16-04-2026: iuran 3 bulan berturut-turut belum dibayar (02/2026, 03/2026, 04/2026)."
    )
    assert months_in_arrears(member, APR) == 3
    # The arrears are paid on 20 April (SP2D date): covered again from then, and what was is not rewritten.
    paid(member, [FEB, MAR, APR], on=date(2026, 4, 20))
    assert not cover_on(member, date(2026, 4, 19)).covered
    assert cover_on(member, date(2026, 4, 20)).covered
    assert months_in_arrears(member, APR) == 0
    assert months_in_arrears(member, date(2026, 6, 1)) == 2  # May and June owed since


def test_a_programme_may_suspend_cover_from_the_first_unpaid_month(bpn_2026, enrol, followed):  # type: ignore[no-untyped-def]
    followed.cover_in_arrears = False
    followed.save()
    (member,) = enrol(bpn_2026, 1)
    assert cover_on(member, date(2026, 1, 15)).covered
    owed = cover_on(member, date(2026, 1, 16))
    assert not owed.covered and owed.unpaid_months == 1
    assert owed.reason == "Perlindungan ditangguhkan sejak 16-01-2026: iuran 01/2026 belum dibayar."


def test_a_membership_made_non_active_by_the_manager_is_not_covered_with_the_note(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager
):
    (member,) = enrol(bpn_2026, 1)
    membership_deactivate(
        membership=member, effective=date(2026, 5, 4), note="Data KPJ ganda di BPJS", actor=programme_manager
    )
    assert cover_on(member, date(2026, 5, 3)).covered
    stopped = cover_on(member, date(2026, 5, 4))
    assert not stopped.covered and stopped.reason == "Nonaktif sejak 04-05-2026: Data KPJ ganda di BPJS."


def test_only_months_from_when_payments_are_followed_count(bpn_2026, enrol):  # type: ignore[no-untyped-def]
    BillingTerms.objects.create(programme=bpn_2026, tracked_from=APR)
    (member,) = enrol(bpn_2026, 1)
    assert months_in_arrears(member, MAR) == 0
    assert months_in_arrears(member, APR) == 1
    assert cover_on(member, date(2026, 6, 16)).unpaid_months == 3
