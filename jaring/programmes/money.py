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

    def contribution(self) -> Contribution:
        """What one person on this bracket pays a month: JKK a rate of the income basis, JKM a flat amount."""
        return Contribution(
            income_basis=self.income_basis, jkk=rupiah(self.income_basis * self.jkk_rate), jkm=self.jkm_amount
        )


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


def thousands(number: int | Decimal) -> str:
    """5000 -> 5.000: the Indonesian way of grouping digits (whole numbers; Decimals are rounded)."""
    whole = int(rupiah(number)) if isinstance(number, Decimal) else number
    return f"{whole:,}".replace(",", ".")


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
    return bracket_for(income, brackets, on).contribution()


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


@dataclass(frozen=True)
class Plan:
    """The budget planner's figures for one monthly contribution. `covered` (with what they cost and what is
    left of the budget) is None without a budget or when the contribution is zero; `needed` is None without a
    number of people."""

    monthly: Decimal
    months: int
    per_person: Decimal  # one person for `months` months
    budget: Decimal | None = None
    covered: int | None = None
    covered_cost: Decimal | None = None
    leftover: Decimal | None = None
    people: int | None = None
    needed: Decimal | None = None


def plan(*, monthly: Decimal, months: int, budget: int | Decimal | None = None, people: int | None = None) -> Plan:
    """From a budget, the people it covers for `months` months; from a number of people, the budget needed."""
    if months <= 0:
        raise ValueError("months must be positive")
    covered = covered_cost = leftover = needed = None
    amount = None if budget is None else Decimal(budget)
    if amount is not None and monthly > 0:
        covered = people_covered(budget=amount, months=months, monthly=monthly)
        covered_cost = budget_needed(people=covered, months=months, monthly=monthly)
        leftover = amount - covered_cost
    if people is not None:
        needed = budget_needed(people=people, months=months, monthly=monthly)
    return Plan(
        monthly=monthly,
        months=months,
        per_person=rupiah(monthly * months),
        budget=amount,
        covered=covered,
        covered_cost=covered_cost,
        leftover=leftover,
        people=people,
        needed=needed,
    )
