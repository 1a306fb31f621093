"""Contributions and budgets: pure functions, table-tested, used by the planner and the quota pages.

BPU contributions (PP 44/2015 Lampiran II, as amended by PP 82/2019 and PP 49/2023): JKK is a rate of the
income basis of the person's bracket, JKM a flat amount. The PP 50/2025 discount on BPU contributions
excludes participants paid from APBN/APBD, so it is never applied here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Bracket:
    effective_from: date
    lower_bound: Decimal
    income_basis: Decimal
    jkk_rate: Decimal
    jkm_amount: Decimal


@dataclass(frozen=True)
class Contribution:
    income_basis: Decimal
    jkk: Decimal
    jkm: Decimal

    @property
    def total(self) -> Decimal:
        return self.jkk + self.jkm


class NoRates(ValueError):
    """No contribution table is in force on the date asked."""


def rupiah(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def brackets_in_force(brackets: Sequence[Bracket], on: date) -> list[Bracket]:
    """The rows of the newest table whose effective date is on or before `on`, lowest bound first."""
    dates = [b.effective_from for b in brackets if b.effective_from <= on]
    if not dates:
        raise NoRates(on)
    newest = max(dates)
    return sorted((b for b in brackets if b.effective_from == newest), key=lambda b: b.lower_bound)


def bracket_for(income: Decimal, brackets: Sequence[Bracket], on: date) -> Bracket:
    """The bracket with the largest lower bound at or below `income`; an income below every bound pays on
    the lowest bracket (the minimum basis BPJS accepts)."""
    rows = brackets_in_force(brackets, on)
    chosen = rows[0]
    for row in rows:
        if row.lower_bound <= income:
            chosen = row
    return chosen


def monthly_contribution(income: Decimal, brackets: Sequence[Bracket], on: date) -> Contribution:
    row = bracket_for(income, brackets, on)
    return Contribution(income_basis=row.income_basis, jkk=rupiah(row.income_basis * row.jkk_rate), jkm=row.jkm_amount)


def budget_needed(*, people: int, months: int, monthly: Decimal) -> Decimal:
    """What `people` places cost for `months` months at `monthly` each."""
    if people < 0 or months < 0:
        raise ValueError("people and months must not be negative")
    return rupiah(Decimal(people) * months * monthly)


def people_covered(*, budget: Decimal, months: int, monthly: Decimal) -> int:
    """How many people a budget pays for during `months` months (whole people only, rounded down)."""
    if months <= 0 or monthly <= 0:
        raise ValueError("months and the monthly contribution must be positive")
    if budget < 0:
        raise ValueError("budget must not be negative")
    return int(budget // (monthly * months))


def months_between(starts: date, ends: date) -> int:
    """Calendar months from the month of `starts` to the month of `ends`, both included."""
    if ends < starts:
        return 0
    return (ends.year - starts.year) * 12 + ends.month - starts.month + 1
