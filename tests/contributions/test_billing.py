"""The pure billing rules: who is billed in a month, due dates, arrears. Tables of cases, no database."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.contributions import billing

JAN, FEB, MAR, APR, MAY, JUN = (date(2026, m, 1) for m in range(1, 7))


@pytest.mark.parametrize(
    ("starts", "ends", "month", "any_day", "whole_month"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), MAR, True, True),
        # Starts mid-month: billed for that month only when one day is enough.
        (date(2026, 3, 10), date(2026, 12, 31), MAR, True, False),
        # Ends mid-month (a death on 20 March, cover to the end of the month is the place's; the day is this).
        (date(2026, 1, 1), date(2026, 3, 20), MAR, True, False),
        (date(2026, 1, 1), date(2026, 2, 28), MAR, False, False),
        (date(2026, 4, 1), date(2026, 12, 31), MAR, False, False),
        # One day: the last of the month.
        (date(2026, 3, 31), date(2026, 12, 31), MAR, True, False),
        (date(2026, 2, 1), date(2026, 2, 28), FEB, True, True),
    ],
)
def test_a_member_is_billed_for_a_month_by_the_programmes_rule(starts, ends, month, any_day, whole_month):  # type: ignore[no-untyped-def]
    assert billing.is_billable(starts, ends, month, whole_month=False) is any_day
    assert billing.is_billable(starts, ends, month, whole_month=True) is whole_month


def test_billable_months_run_from_the_start_to_the_end_or_to_a_given_month() -> None:
    assert billing.billable_months(date(2026, 3, 10), date(2026, 6, 5), whole_month=False) == [MAR, APR, MAY, JUN]
    assert billing.billable_months(date(2026, 3, 10), date(2026, 6, 5), whole_month=True) == [APR, MAY]
    assert billing.billable_months(date(2026, 1, 1), date(2026, 12, 31), whole_month=False, until=date(2026, 3, 2)) == [
        JAN,
        FEB,
        MAR,
    ]
    assert billing.billable_months(date(2026, 5, 1), date(2026, 12, 31), whole_month=False, until=MAR) == []


@pytest.mark.parametrize(
    ("month", "due_day", "due"),
    [(MAR, 15, date(2026, 3, 15)), (FEB, 30, date(2026, 2, 28)), (date(2028, 2, 1), 29, date(2028, 2, 29))],
)
def test_a_month_is_due_by_its_due_day_or_its_last_day(month, due_day, due):  # type: ignore[no-untyped-def]
    assert billing.due_date(month, due_day) == due
    assert not billing.overdue_on(month, due, due_day)
    assert billing.overdue_on(month, date.fromordinal(due.toordinal() + 1), due_day)


YEAR = [JAN, FEB, MAR, APR, MAY, JUN]


@pytest.mark.parametrize(
    ("paid", "day", "expected"),
    [
        # Nothing paid, on 10 March: January and February are past their 15th, March is not yet.
        ({}, date(2026, 3, 10), [JAN, FEB]),
        ({}, date(2026, 3, 16), [JAN, FEB, MAR]),
        # January paid on time: the run starts in February.
        ({JAN: date(2026, 1, 12)}, date(2026, 3, 16), [FEB, MAR]),
        # February paid, January not: one month owed in a row (January is still owed, but not in a row).
        ({FEB: date(2026, 2, 10), MAR: date(2026, 3, 1)}, date(2026, 3, 16), []),
        ({FEB: date(2026, 2, 10)}, date(2026, 3, 16), [MAR]),
        # Paid late, on 20 April: on 16 April the three months were owed, on 21 April none.
        ({JAN: date(2026, 4, 20), FEB: date(2026, 4, 20), MAR: date(2026, 4, 20)}, date(2026, 3, 16), [JAN, FEB, MAR]),
        ({JAN: date(2026, 4, 20), FEB: date(2026, 4, 20), MAR: date(2026, 4, 20)}, date(2026, 4, 21), [APR]),
    ],
)
def test_arrears_on_a_day_are_the_unpaid_overdue_months_in_a_row(paid, day, expected):  # type: ignore[no-untyped-def]
    assert billing.arrears_on(billable=YEAR, paid_on=paid, day=day, due_day=15, tracked_from=JAN) == expected


def test_months_before_payments_are_followed_are_never_arrears() -> None:
    assert billing.arrears_on(billable=YEAR, paid_on={}, day=date(2026, 6, 30), due_day=15, tracked_from=None) == []
    assert billing.arrears_on(billable=YEAR, paid_on={}, day=date(2026, 4, 16), due_day=15, tracked_from=MAR) == [
        MAR,
        APR,
    ]


@pytest.mark.parametrize(
    ("paid", "month", "expected"),
    [
        (set(), MAR, 3),
        ({MAR}, MAR, 0),
        ({FEB}, MAR, 1),
        ({JAN}, APR, 3),
        (set(), date(2026, 9, 1), 0),  # not billed: after the cover
    ],
)
def test_months_in_arrears_at_a_month_count_back_to_the_last_paid_one(paid, month, expected):  # type: ignore[no-untyped-def]
    assert billing.arrears_in(billable=YEAR, paid=paid, month=month, tracked_from=JAN) == expected


def test_the_third_unpaid_month_makes_a_member_lapse_the_day_after_its_due_date() -> None:
    assert billing.lapse_day([JAN, FEB], 15) is None
    assert billing.lapse_day([JAN, FEB, MAR], 15) == date(2026, 3, 16)
    assert billing.lapse_day([JAN, FEB, MAR, APR], 15) == date(2026, 3, 16)


@pytest.mark.parametrize(
    ("left", "monthly", "months", "people"),
    [(1_008_000, 16_800, 12, 5), (1_007_999, 16_800, 12, 4), (0, 16_800, 3, 0), (-5, 16_800, 3, 0), (100, 0, 1, 0)],
)
def test_the_money_left_says_how_many_more_people_can_start(left, monthly, months, people):  # type: ignore[no-untyped-def]
    assert billing.people_who_can_start(left=left, monthly=monthly, months=months) == people
