"""Contribution billing as pure rules: months, who is covered (and so billed) in a month, when a month is due,
and how many months a member is in arrears. Values in, values out; tested with tables, no database.

A month is a `date` on its first day. A member's cover is the days from `starts` to `ends`, both included.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date, timedelta

# DOMAIN: "after 3 unpaid months membership becomes non-active" (BPJS's rule for BPU).
NON_ACTIVE_AFTER = 3


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def months_from(first: date, last: date) -> Iterator[date]:
    """The months from the month of `first` to the month of `last`, both included."""
    month, end = month_of(first), month_of(last)
    while month <= end:
        yield month
        month = next_month(month)


def month_text(month: date) -> str:
    """11/2026: how officers write a month."""
    return f"{month.month:02d}/{month.year}"


def is_billable(starts: date, ends: date, month: date, *, whole_month: bool) -> bool:
    """Is a member whose cover runs from `starts` to `ends` covered in `month`: on at least one of its days,
    or (`whole_month`) on every one of them."""
    first, last = month_of(month), month_last_day(month)
    if whole_month:
        return starts <= first and ends >= last
    return starts <= last and ends >= first


def billable_months(starts: date, ends: date, *, whole_month: bool, until: date | None = None) -> list[date]:
    """The months a cover from `starts` to `ends` is billed for, up to the month of `until` when given."""
    last = ends if until is None else min(ends, month_last_day(month_of(until)))
    if last < starts:
        return []
    return [m for m in months_from(starts, last) if is_billable(starts, ends, m, whole_month=whole_month)]


def due_date(month: date, due_day: int) -> date:
    """The last day to pay `month` (DOMAIN: BPU pay by the 15th of the month covered)."""
    return month.replace(day=min(due_day, calendar.monthrange(month.year, month.month)[1]))


def overdue_on(month: date, day: date, due_day: int) -> bool:
    """Is `month` past its due date on `day`?"""
    return day > due_date(month, due_day)


def unpaid_run(months: Sequence[date], paid: Collection[date]) -> list[date]:
    """The unpaid months at the end of `months` (oldest first): how many months in a row are owed at the last
    of them. A paid last month owes none."""
    run: list[date] = []
    for month in reversed(months):
        if month in paid:
            break
        run.append(month)
    return run[::-1]


def arrears_on(
    *,
    billable: Sequence[date],
    paid_on: Mapping[date, date],
    day: date,
    due_day: int,
    tracked_from: date | None,
) -> list[date]:
    """The months a member is in arrears for on `day`: of the billed months from `tracked_from` that are past
    their due date on `day`, the unpaid ones in a row up to the latest of them. A month counts as paid on `day`
    when it was paid (its SP2D date) on or before `day`. Without `tracked_from` Jaring follows no payment:
    never any arrears."""
    if tracked_from is None:
        return []
    overdue = [m for m in billable if m >= tracked_from and overdue_on(m, day, due_day)]
    paid = {m for m, on in paid_on.items() if on <= day}
    return unpaid_run(overdue, paid)


def arrears_in(*, billable: Sequence[date], paid: Collection[date], month: date, tracked_from: date | None) -> int:
    """How many months in a row a member owes at `month` (included), with every payment known counted: 0 when
    `month` is paid, not billed, or before `tracked_from`."""
    if tracked_from is None or month < tracked_from or month not in billable:
        return 0
    months = [m for m in billable if tracked_from <= m <= month]
    return len(unpaid_run(months, paid))


def lapse_day(run: Sequence[date], due_day: int) -> date | None:
    """The day a run of unpaid months makes the membership non-active: the day after the due date of its
    third month. None for a shorter run."""
    if len(run) < NON_ACTIVE_AFTER:
        return None
    return due_date(run[NON_ACTIVE_AFTER - 1], due_day) + timedelta(days=1)


def people_who_can_start(*, left: int, monthly: int, months: int) -> int:
    """How many more people the money left pays for, each from a month for `months` months."""
    if left <= 0 or monthly <= 0 or months <= 0:
        return 0
    return left // (monthly * months)
