"""Working days: Monday to Friday, except the dates an operator's holiday table lists.

Pure functions: the caller passes the holidays (national, cuti bersama, regional) it read once, so a
queue of thousands of applications computes its due dates without a query each.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta

SATURDAY = 5


def is_working_day(day: date, holidays: Container[date]) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def add_working_days(start: date, days: int, holidays: Container[date]) -> date:
    """The working day `days` working days after `start` (which itself never counts, as in a letter's
    deadline: received on Friday, five working days runs to the next Friday if nothing intervenes)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    left = days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_between(start: date, end: date, holidays: Container[date]) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count
