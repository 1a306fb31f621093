"""The match probability of a pair: a Fellegi-Sunter model. Pure: no database.

For every comparison level the model holds `m`, the probability of that level when the two records are the
same person, and `u`, its probability when they are not. A pair's weight is the sum of log2(m/u) over its
comparisons plus the prior log-odds that two records are one person; the probability is 1/(1+2^-weight).
A missing value weighs nothing (m = u).

Plain Fellegi-Sunter assumes the comparisons independent. Among different people they are not, and that is
where twins and family members come from:

- **Twins** have NIKs that agree on the district and the birth date (only the sex digit or the serial
  differs), so their birth dates, kelurahan and often family card agree too. Counting each of those as if
  strangers had agreed on it counts one fact four times.
- **Family members** share a family card (KK), a mother, an address and often a phone; a brother shares a
  surname.

- **The NIK carries the birth date** (and the sex): two strangers born on one day in neighbouring districts
  have NIKs a digit or two apart, and their stated birth dates then agree as a matter of course.

So the model follows the chain rule: the NIK is weighed against all different people; the household (KK and
mother) against different people whose NIKs say the same birth date (and district) or not; and every other
comparison against different people of the same *context*: strangers, one household, one NIK birth date,
one NIK birth date and district (twins), and those with one household. Within a household, what tells twins
apart (a different given name, sex) counts, and what they share (birth date, address) counts little.

Two more corrections:

- **Population size**: the chance that two strangers share an identifier (NIK, KK, phone) shrinks with the
  number of records, and so does the prior that two records are one person. Those `u` are stored for the
  training population `n_reference` and scaled to the population being compared; the prior is
  `duplicates_per_record / (n - 1)`.
- **Common names**: among strangers, two records agree on a name as often as that name is common (`Siti
  Aminah` is); the name's u is its frequency among the records compared (term frequency).

The numbers are in `weights.py`, estimated by `bench/duplicates_train.py` from generated data with known truth.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jaring.duplicates.comparisons import (
    COMPARISONS,
    CONTEXT_FAMILY,
    CONTEXT_LOCAL_BIRTH,
    CONTEXT_NIK_DATE,
    CONTEXT_STRANGERS,
    CONTEXTS,
    FAMILY,
    LEVELS,
    DateLevel,
    HouseholdLevel,
    Levels,
    NikLevel,
    PlaceLevel,
    SexLevel,
)
from jaring.duplicates.names import NameLevel

NIK = COMPARISONS.index("nik")
HOUSEHOLD = COMPARISONS.index("household")
NAME = COMPARISONS.index("name")
MISSING_LEVELS = {
    "nik": NikLevel.MISSING,
    "name": NameLevel.MISSING,
    "birth_date": DateLevel.MISSING,
    "sex": SexLevel.MISSING,
    "household": HouseholdLevel.NONE,
    "kelurahan": PlaceLevel.MISSING,
}
# Levels on which two strangers agree less often the more people there are: identifiers.
# Not the near NIKs: two strangers born on one day in neighbouring districts have NIKs a digit or two apart
# (serials start at 0001 for every district and date) however many people there are.
SCALED_LEVELS: dict[str, frozenset[int]] = {
    "nik": frozenset({NikLevel.EXACT}),
    "household": frozenset(
        {HouseholdLevel.KK_AND_MOTHER, HouseholdLevel.KK, HouseholdLevel.KK_ONE_DIGIT, HouseholdLevel.PHONE}
    ),
}
TERM_FREQUENCY_LEVELS = frozenset({NameLevel.EXACT, NameLevel.SPELLING})
SMALLEST = 1e-12
# A short list is still drawn from a city: two of its rows sharing a family card, or being one person, are
# judged as among at least this many records (else three rows would make strangers look like one person).
POPULATION_FLOOR = 100_000

Table = Mapping[str, Sequence[float]]


@dataclass(frozen=True)
class Model:
    m: Table
    # u per context (comparisons.CONTEXTS): among strangers (at n_reference records), within one household,
    # within one birth (NIK district and date), within both. The NIK always takes the strangers' u; the
    # household takes the strangers' or the birth's.
    u: Mapping[int, Table]
    n_reference: int
    duplicates_per_record: float  # how many other records of the same person a record has, on average
    trained_on: str = ""

    def __post_init__(self) -> None:
        for name in COMPARISONS:
            size = len(LEVELS[name])
            tables = [self.m, *self.u.values()]
            for table in tables:
                if name in table and len(table[name]) != size:
                    raise ValueError(f"{name}: expected {size} levels, got {len(table[name])}")


@dataclass(frozen=True)
class Scorer:
    """A model's weights for one population size: what scoring a pair reads."""

    population: int
    prior: float
    tables: Mapping[int, tuple[tuple[float, ...], ...]]  # [context][comparison][level] in bits
    name_m: tuple[float, float]  # m of the name levels that take the term frequency (EXACT, SPELLING)
    name_counts: Mapping[str, int]

    @classmethod
    def for_population(cls, model: Model, population: int, name_counts: Mapping[str, int] | None = None) -> Scorer:
        n = max(population, POPULATION_FLOOR)
        scale = model.n_reference / n
        tables = {}
        for context in CONTEXTS:
            rows = []
            for name in COMPARISONS:
                source = source_of(name, context)
                u_row = model.u[source][name]
                scaled = SCALED_LEVELS.get(name, frozenset()) if source == CONTEXT_STRANGERS else frozenset()
                missing = MISSING_LEVELS[name]
                row = tuple(
                    0.0 if level == missing else _bits(m, u_row[level] * (scale if level in scaled else 1.0))
                    for level, m in enumerate(model.m[name])
                )
                rows.append(row)
            tables[context] = tuple(rows)
        return cls(
            population=n,
            prior=math.log2(model.duplicates_per_record / (n - 1)),
            tables=tables,
            name_m=(model.m["name"][NameLevel.EXACT], model.m["name"][NameLevel.SPELLING]),
            name_counts=name_counts or {},
        )

    def weight(self, levels: Levels, context: int, name_key: str = "") -> float:
        """The pair's log2 odds of being one person."""
        table = self.tables[context]
        total = self.prior
        for comparison, level in enumerate(levels):
            total += table[comparison][level]
        name_level = levels[NAME]
        if name_key and context == CONTEXT_STRANGERS and name_level in TERM_FREQUENCY_LEVELS:
            count = self.name_counts.get(name_key, 0)
            if count > 2:
                # u of this very name: how often another record bears it (a name of this pair only keeps the
                # level's average u: its count says nothing beyond the pair itself).
                m = self.name_m[0] if name_level == NameLevel.EXACT else self.name_m[1]
                total += _bits(m, count / self.population) - table[NAME][name_level]
        return total

    def contributions(self, levels: Levels, context: int) -> list[tuple[str, float]]:
        """Each comparison's weight in bits, for showing why a pair scored as it did."""
        table = self.tables[context]
        return [(name, table[i][levels[i]]) for i, name in enumerate(COMPARISONS)]


def source_of(comparison: str, context: int) -> int:
    """Which context's u weighs `comparison` in `context`, by the chain rule: the NIK first (against everyone),
    then the household (given what the NIKs say of the birth), then birth date and kelurahan (given NIKs and
    household), then the rest (given everything)."""
    from_niks = bool(context & CONTEXT_NIK_DATE)
    if comparison == "nik":
        return CONTEXT_STRANGERS
    if comparison == "household":
        return context & (CONTEXT_NIK_DATE | CONTEXT_LOCAL_BIRTH) if from_niks else CONTEXT_STRANGERS
    if comparison in ("birth_date", "kelurahan") and not from_niks:
        return context & CONTEXT_FAMILY  # they decided the local birth themselves
    return context


def in_family(levels: Levels) -> bool:
    return levels[HOUSEHOLD] in FAMILY


def _bits(m: float, u: float) -> float:
    return math.log2(max(m, SMALLEST) / max(u, SMALLEST))


def probability_of(weight: float) -> float:
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** (-weight))
