"""The pure rules of the reports, by tables of cases: months, age bands, spreading counts over months, the median
of a histogram, and the suppression of small counts in open data."""

from __future__ import annotations

import statistics
from datetime import date

import pytest

from jaring.reports import figures as f
from jaring.reports.figures import Cell

# -- months -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-03", date(2026, 3, 1)),
        (" 2026-12 ", date(2026, 12, 1)),
        ("2026-13", None),
        ("2026-00", None),
        ("2026-3", None),
        ("03-2026", None),
        ("2026-03-01", None),
        ("", None),
        ("1999-12", None),
    ],
)
def test_a_month_is_written_year_dash_month(text: str, month: date | None) -> None:
    assert f.parse_month(text) == month


def test_months_are_consecutive_numbers_across_a_new_year() -> None:
    assert f.month_index(date(2027, 1, 31)) == f.month_index(date(2026, 12, 1)) + 1
    assert f.month_of_index(f.month_index(date(2026, 7, 19))) == date(2026, 7, 1)
    assert f.months_from(date(2026, 11, 5), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


# -- age bands --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (17, "<25"),
        (24, "<25"),
        (25, "25-34"),
        (34, "25-34"),
        (35, "35-44"),
        (54, "45-54"),
        (55, "55-64"),
        (64, "55-64"),
        (65, "65+"),
        (80, "65+"),
    ],
)
def test_the_age_bands_of_the_spec(age: int, band: str) -> None:
    assert f.AGE_BANDS[f.age_band_of(age)] == band


@pytest.mark.parametrize(
    ("birth", "month", "age"),
    [
        (date(1990, 8, 15), date(2015, 8, 1), 24),  # the birthday comes later in August
        (date(1990, 8, 15), date(2015, 9, 1), 25),
        (date(1990, 8, 1), date(2015, 8, 1), 25),  # born on the 1st: a year older that very day
        (date(1990, 8, 1), date(2015, 7, 1), 24),
        (date(1961, 12, 31), date(2026, 12, 1), 64),
        (date(1961, 12, 31), date(2027, 1, 1), 65),
    ],
)
def test_age_is_taken_on_the_first_day_of_the_month(birth: date, month: date, age: int) -> None:
    assert f.age_on_first_of(f.month_index(month), f.birth_index(birth)) == age


def _age_on_first(birth: date, month: date) -> int:
    """Age in whole years on the first day of `month`, the plain way."""
    years = month.year - birth.year
    return years - (1 if (month.month, 1) < (birth.month, birth.day) else 0)


@pytest.mark.parametrize(
    "birth",
    [date(1990, 8, 15), date(2001, 3, 1), date(2001, 6, 30), date(1961, 11, 2), date(1992, 1, 1), date(1940, 5, 5)],
)
def test_band_and_switch_give_the_band_of_every_month_of_a_long_cover(birth: date) -> None:
    first, last = f.month_index(date(2020, 1, 1)), f.month_index(date(2041, 12, 1))
    band0, switch = f.band_switch(birth=f.birth_index(birth), first=first, last=last)
    for month in range(first, last + 1):
        expected = f.age_band_of(_age_on_first(birth, f.month_of_index(month)))
        assert f.band_at(month, band0=band0, switch=switch) == expected, f.month_of_index(month)


# -- counts spread over months ----------------------------------------------------------------------------


def test_spans_are_added_month_by_month_and_clipped_to_the_months_counted() -> None:
    jan, dec = f.month_index(date(2026, 1, 1)), f.month_index(date(2026, 12, 1))
    counts = f.MonthlyCounts(jan, dec)
    counts.add("a", jan, dec, 3)
    counts.add("a", jan + 2, jan + 3, 2)
    counts.add("b", jan - 5, jan, 1)  # clipped to January
    counts.add("b", dec + 1, dec + 4, 9)  # wholly outside: nothing
    counts.add("c", jan + 5, jan + 4, 7)  # ends before it starts: nothing
    found = {(key, month - jan): n for key, month, n in counts.items()}
    assert found[("a", 0)] == 3
    assert found[("a", 2)] == found[("a", 3)] == 5
    assert found[("a", 4)] == 3
    assert found[("a", 11)] == 3
    assert {k: v for k, v in found.items() if k[0] == "b"} == {("b", 0): 1}
    assert not [k for k in found if k[0] == "c"]


# -- the median of a histogram ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [[3], [1, 2], [5, 1, 3], [0, 0, 7, 7], [2, 2, 2, 9, 9, 1], list(range(11)), [4, 4, 5, 6, 6, 6, 1, 12]],
)
def test_the_median_of_a_histogram_is_the_median_of_its_values(values: list[int]) -> None:
    histogram: dict[int, int] = {}
    for value in values:
        histogram[value] = histogram.get(value, 0) + 1
    assert f.median_of_histogram(histogram) == statistics.median(values)


def test_no_values_have_no_median() -> None:
    assert f.median_of_histogram({}) is None
    assert f.median_of_histogram({3: 0}) is None


# -- suppression ------------------------------------------------------------------------------------------


def cells(**counts: int) -> list[Cell]:
    return [Cell(key, key.title(), n) for key, n in counts.items()]


def published(found: list[f.PublishedCell]) -> dict[str, str]:
    return {cell.key: cell.text for cell in found}


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # Nothing small: everything shown.
        ({"a": 120, "b": 35, "c": 5}, {"a": "120", "b": "35", "c": "5"}),
        # One small cell alone would be total minus the others: the smallest other one is hidden too.
        ({"a": 120, "b": 35, "c": 3}, {"a": "120", "b": "x", "c": "<5"}),
        # Two small cells holding five people together protect each other.
        ({"a": 120, "b": 3, "c": 2}, {"a": "120", "b": "<5", "c": "<5"}),
        # Two small cells of fewer than five together: a third is hidden.
        ({"a": 120, "b": 30, "c": 2, "d": 1}, {"a": "120", "b": "x", "c": "<5", "d": "<5"}),
        # Empty cells are left out.
        ({"a": 20, "b": 0, "c": 9}, {"a": "20", "c": "9"}),
        # A total under five: every cell is under five.
        ({"a": 3, "b": 1}, {"a": "<5", "b": "<5"}),
        # Both sexes, one of them small.
        ({"L": 60, "P": 4}, {"L": "x", "P": "<5"}),
    ],
)
def test_small_counts_are_suppressed_so_that_none_can_be_worked_out(
    counts: dict[str, int], expected: dict[str, str]
) -> None:
    assert published(f.suppress(cells(**counts))) == expected


@pytest.mark.parametrize("seed", range(40))
def test_no_published_cell_is_a_count_under_five_and_hidden_cells_hold_at_least_five(seed: int) -> None:
    import random

    rng = random.Random(seed)
    counts = {f"k{i}": rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 30, 200]) for i in range(rng.randint(1, 8))}
    found = published(f.suppress(cells(**counts)))
    for key, text in found.items():
        if text.isdigit():
            assert int(text) >= f.SMALL
            assert int(text) == counts[key]
        else:
            assert text in (f.SMALL_TEXT, f.HIDDEN_TEXT)
            assert text != f.SMALL_TEXT or counts[key] < f.SMALL
    hidden = [key for key, text in found.items() if not text.isdigit()]
    total = sum(counts.values())
    shown = [key for key in found if key not in hidden]
    if hidden and shown:
        # What the total minus the shown cells reveals is the hidden cells together: never one cell, never under 5.
        assert len(hidden) >= 2
        assert sum(counts[key] for key in hidden) >= f.SMALL or total < f.SMALL


def test_a_total_is_written_small_under_five() -> None:
    assert [f.total_text(n) for n in (0, 4, 5, 7100)] == ["<5", "<5", "5", "7100"]
