"""What a recipient's month shows, as a table: received, missed once it is over, still due, not yet, outside."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.aid.months import MonthStatus, Span, add_months, month_status, parse_period, periods

YEAR = Span(date(2026, 1, 1), date(2026, 12, 31))
FROM_APRIL = Span(date(2026, 4, 1), date(2026, 12, 31))
LEFT_IN_AUGUST = Span(date(2026, 1, 1), date(2026, 8, 31))

S = MonthStatus


@pytest.mark.parametrize(
    ("period", "today", "span", "received", "expected"),
    [
        (date(2026, 3, 1), date(2026, 7, 10), YEAR, True, S.RECEIVED),
        (date(2026, 3, 1), date(2026, 7, 10), YEAR, False, S.MISSED),
        (date(2026, 7, 1), date(2026, 7, 10), YEAR, False, S.DUE),
        (date(2026, 8, 1), date(2026, 7, 10), YEAR, False, S.NOT_YET),
        (date(2026, 2, 1), date(2026, 7, 10), FROM_APRIL, False, S.OUTSIDE),
        (date(2026, 4, 1), date(2026, 7, 10), FROM_APRIL, False, S.MISSED),
        (date(2026, 9, 1), date(2026, 12, 10), LEFT_IN_AUGUST, False, S.OUTSIDE),
        (date(2026, 8, 1), date(2026, 12, 10), LEFT_IN_AUGUST, False, S.MISSED),
    ],
)
def test_a_monthly_recipients_month(period: date, today: date, span: Span, received: bool, expected: str) -> None:
    assert month_status(period=period, today=today, span=span, received=received, once=False) == expected


@pytest.mark.parametrize(
    ("today", "received", "expected"),
    [
        (date(2026, 5, 1), False, S.DUE),
        (date(2026, 12, 31), False, S.DUE),
        (date(2027, 1, 1), False, S.MISSED),
        (date(2027, 1, 1), True, S.RECEIVED),
    ],
)
def test_aid_given_once_is_missed_only_when_the_recipients_time_is_over(
    today: date, received: bool, expected: str
) -> None:
    status = month_status(period=date(2026, 1, 1), today=today, span=YEAR, received=received, once=True)
    assert status == expected


def test_a_monthly_programme_hands_out_every_month_of_its_cover_and_a_once_programme_one_period() -> None:
    assert periods(date(2026, 1, 1), date(2026, 12, 31), once=False) == [date(2026, m, 1) for m in range(1, 13)]
    assert periods(date(2025, 4, 1), date(2025, 12, 31), once=False)[0] == date(2025, 4, 1)
    assert periods(date(2026, 1, 1), date(2026, 12, 31), once=True) == [date(2026, 1, 1)]
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-03", date(2026, 3, 1)), (" 2026-12 ", date(2026, 12, 1)), ("2026-13", None), ("03-2026", None), ("", None)],
)
def test_a_month_is_written_year_dash_month(text: str, expected: date | None) -> None:
    assert parse_period(text) == expected
