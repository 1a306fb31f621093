"""The dense rules of the reports, as pure code: months as numbers, age bands, spreading grouped counts over the
months they cover, the median from a histogram, and the suppression of small counts in open data.

No database here: the snapshot (reports.services) feeds these functions plain values, and
tests/reports/test_figures.py checks them with tables of cases.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

# -- months as numbers ------------------------------------------------------------------------------------
# A month is counted as year * 12 + month - 1, so consecutive months are consecutive integers and a span of
# months is a range. SQL computes the same number from a date (services.month_index_of).


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_of_index(index: int) -> date:
    """The first day of the month numbered `index`."""
    return date(index // 12, index % 12 + 1, 1)


def months_from(first: date, last: date) -> list[date]:
    """The first days of the months from `first`'s to `last`'s, both included."""
    return [month_of_index(i) for i in range(month_index(first), month_index(last) + 1)]


MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date | None:
    """`YYYY-MM` -> the first day of that month; None for anything else (the caller names the field)."""
    found = MONTH_PATTERN.match(text.strip())
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


# -- age bands --------------------------------------------------------------------------------------------
# The spec's bands (claims-api.md, Reports). A member's age is taken on the first day of the month counted.

AGE_BANDS: tuple[str, ...] = ("<25", "25-34", "35-44", "45-54", "55-64", "65+")
BAND_LOWER_AGES: tuple[int, ...] = (25, 35, 45, 55, 65)  # the age at which each next band starts
BAND_YEARS = 10  # every band but the first and the last spans ten years


def age_band_of(age: int) -> int:
    """The index in AGE_BANDS of a whole age in years."""
    for index, lower in enumerate(BAND_LOWER_AGES):
        if age < lower:
            return index
    return len(BAND_LOWER_AGES)


def birth_index(birth: date) -> int:
    """The month number from whose first day a person has completed a whole number of years since birth: the
    birth month itself for someone born on the 1st, the next month otherwise. Age on the first day of month
    `m` is then (m - birth_index) // 12 (services computes the same in SQL)."""
    return month_index(birth) + (1 if birth.day > 1 else 0)


def age_on_first_of(month: int, birth: int) -> int:
    return (month - birth) // 12


def band_at(month: int, *, band0: int, switch: int | None) -> int:
    """The age band in month `month` of someone in band `band0` in the first month counted, who reaches the
    next band in month `switch` (None: not within the months counted). Bands are ten years apart, so after
    the first switch the next comes 120 months later, up to the last band."""
    if switch is None or month < switch:
        return band0
    return min(band0 + 1 + (month - switch) // (12 * BAND_YEARS), len(AGE_BANDS) - 1)


def band_switch(*, birth: int, first: int, last: int) -> tuple[int, int | None]:
    """(band in month `first`, the month of the first band change up to `last` or None): the two numbers the
    refresh groups members by instead of their birth month."""
    age = age_on_first_of(first, birth)
    band0 = age_band_of(age)
    if band0 >= len(BAND_LOWER_AGES):
        return band0, None
    switch = birth + 12 * BAND_LOWER_AGES[band0]
    return band0, switch if switch <= last else None


# -- spreading grouped counts over months -----------------------------------------------------------------


class MonthlyCounts:
    """Counts of keys per month, added a span of months at a time and read month by month.

    A difference array per key: adding a span costs two additions whatever its length, so a hundred thousand
    groups of members with their first and last month of cover are spread over a year in a blink."""

    def __init__(self, first: int, last: int) -> None:
        self.first = first
        self.last = last
        self._steps: dict[Hashable, list[int]] = defaultdict(lambda: [0] * (last - first + 2))

    def add(self, key: Hashable, start: int, end: int, count: int) -> None:
        """Add `count` to `key` in every month from `start` to `end` (clipped to the months counted)."""
        start, end = max(start, self.first), min(end, self.last)
        if end < start or count == 0:
            return
        steps = self._steps[key]
        steps[start - self.first] += count
        steps[end - self.first + 1] -= count

    def items(self) -> Iterable[tuple[Any, int, int]]:
        """(key, month number, count) for every count that is not zero."""
        for key, steps in self._steps.items():
            running = 0
            for offset in range(self.last - self.first + 1):
                running += steps[offset]
                if running:
                    yield key, self.first + offset, running


# -- the median of a histogram ----------------------------------------------------------------------------


def median_of_histogram(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}; None when there are none. The same number
    statistics.median gives for the values written out (the mean of the two middle ones for an even count)."""
    total = sum(n for n in counts.values() if n > 0)
    if total == 0:
        return None
    ordered = sorted((value, n) for value, n in counts.items() if n > 0)

    def nth(position: int) -> int:  # the value at a 0-based position of the sorted values
        seen = 0
        for value, n in ordered:
            seen += n
            if position < seen:
                return value
        raise AssertionError("position beyond the values")

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


# -- open data: small counts suppressed -------------------------------------------------------------------

SMALL = 5  # counts under this are never published
SMALL_TEXT = "<5"
# A cell hidden only so that a "<5" cannot be worked out by subtracting the other cells from the total.
HIDDEN_TEXT = "x"


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class PublishedCell:
    key: str
    label: str
    text: str  # a whole number of at least SMALL, SMALL_TEXT, or HIDDEN_TEXT


def suppress(cells: Sequence[Cell]) -> list[PublishedCell]:
    """The cells of one breakdown as they may be published, in their order.

    Counts of 1 to 4 are written "<5" (cells of 0 are left out). Because the breakdown adds up to a total that
    is published too, a single "<5" could be worked out as the total minus the other cells; so while the cells
    hidden hold fewer than five people together, or only one cell is hidden, the smallest cell still shown is
    hidden too (written "x"). A total under five hides every cell, as each of them is under five."""
    present = [cell for cell in cells if cell.count > 0]
    small = {cell.key for cell in present if cell.count < SMALL}
    hidden = set(small)
    while hidden:
        hidden_sum = sum(cell.count for cell in present if cell.key in hidden)
        if len(hidden) > 1 and hidden_sum >= SMALL:
            break
        shown = [cell for cell in present if cell.key not in hidden]
        if not shown:
            break
        hidden.add(min(shown, key=lambda cell: (cell.count, cell.key)).key)
    published = []
    for cell in present:
        if cell.key in small:
            text = SMALL_TEXT
        elif cell.key in hidden:
            text = HIDDEN_TEXT
        else:
            text = str(cell.count)
        published.append(PublishedCell(cell.key, cell.label, text))
    return published


def total_text(total: int) -> str:
    return str(total) if total >= SMALL else SMALL_TEXT
