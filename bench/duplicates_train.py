"""Estimate the duplicate model's m and u probabilities from generated data with known truth, and write them to
jaring/duplicates/weights.py.

    .venv/bin/python bench/duplicates_train.py [RECORDS] [--seed N] [--check]

- m: the level frequencies over every pair of records of one person;
- u: over pairs of different people: random pairs for the common levels, and for identifier levels (NIK,
  KK, phone agreeing or nearly) the candidate pairs of the blocking rules counted against all pairs
  (a random sample almost never sees two strangers with NIKs one digit apart);
- u of the related contexts: over pairs of different people of one household (siblings, parents), of one
  birth (NIK district and date: twins), or both;
- duplicates_per_record: from the generated truth.

The generator's error rates are assumptions written in bench/duplicates_data.py. On a real register the m
would be re-estimated from the clerical decisions (docs/duplicates.md); the u depend on the population and
can be estimated from the register itself the same way.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.duplicates_data import generate  # noqa: E402
from jaring.duplicates.blocking import PAIR_BASE, candidate_pairs  # noqa: E402
from jaring.duplicates.comparisons import (  # noqa: E402
    COMPARISONS,
    CONTEXT_NIK_DATE,
    CONTEXT_STRANGERS,
    CONTEXTS,
    LEVELS,
    context_of,
    levels_of,
)
from jaring.duplicates.engine import prepare  # noqa: E402
from jaring.duplicates.model import SCALED_LEVELS, source_of  # noqa: E402

RANDOM_PAIRS = 3_000_000
NIK_DATE = CONTEXT_NIK_DATE
SMOOTHING = 0.5


def _counts() -> dict[str, list[float]]:
    return {name: [0.0] * len(LEVELS[name]) for name in COMPARISONS}


def _add(counts: dict[str, list[float]], levels: tuple[int, ...]) -> None:
    for name, level in zip(COMPARISONS, levels, strict=True):
        counts[name][level] += 1


def _probabilities(counts: dict[str, list[float]]) -> dict[str, list[float]]:
    result = {}
    for name, row in counts.items():
        total = sum(row) + SMOOTHING * len(row)
        result[name] = [(value + SMOOTHING) / total for value in row]
    return result


class _Tally:
    """Counts of the levels of pairs of different people, per stratum, each stratum from the sample that covers
    it completely; the scaled levels of strangers from the candidates, counted against all pairs."""

    def __init__(self, pool: list[Any]) -> None:
        self.pool = pool
        self.u_counts = {context: _counts() for context in CONTEXTS}
        self.scaled_counts = {name: [0.0] * len(LEVELS[name]) for name in SCALED_LEVELS}

    @staticmethod
    def sample_of(stratum: int) -> str:
        return "random" if stratum == CONTEXT_STRANGERS else "birth_date" if stratum == NIK_DATE else "candidates"

    def __call__(self, i: int, j: int, kind: str) -> None:
        pool = self.pool
        levels = levels_of(pool[i], pool[j])
        context = context_of(pool[i], pool[j], levels)
        for name, level in zip(COMPARISONS, levels, strict=True):
            stratum = source_of(name, context)
            if stratum == CONTEXT_STRANGERS and level in SCALED_LEVELS.get(name, ()):
                if kind == "candidates":
                    self.scaled_counts[name][level] += 1
            elif self.sample_of(stratum) == kind:
                self.u_counts[stratum][name][level] += 1


def _sample_random(tally: _Tally, truth: list[Any], rng: random.Random) -> None:
    n = len(tally.pool)
    sampled = 0
    while sampled < RANDOM_PAIRS:
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j and truth[i] != truth[j]:
            tally(i, j, "random")
            sampled += 1


def _sample_same_birth_date(tally: _Tally, truth: list[Any], rng: random.Random) -> None:
    pool = tally.pool
    by_date: dict[str, list[int]] = {}
    for index, record in enumerate(pool):
        if record.nik_birth:
            by_date.setdefault(record.nik_birth[6:], []).append(index)
    holders = [index for index, record in enumerate(pool) if record.nik_birth]
    for _ in range(RANDOM_PAIRS // 2):
        i = rng.choice(holders)
        j = rng.choice(by_date[pool[i].nik_birth[6:]])
        if i != j and truth[i] != truth[j]:
            tally(i, j, "birth_date")


def estimate(records: int, seed: int) -> dict[str, object]:
    started = time.perf_counter()
    data = generate(records, seed=seed)
    pool = prepare(data.records)
    truth = data.truth
    n = len(pool)
    by_key = {p.key: i for i, p in enumerate(pool)}

    m_counts = _counts()
    true_pairs = data.true_pairs()
    for a, b in true_pairs:
        _add(m_counts, levels_of(pool[by_key[a]], pool[by_key[b]]))

    # Pairs of different people, from three samples, each standing for the strata it covers completely:
    # - random pairs: strangers (context 0);
    # - random pairs of people whose NIKs say the same birth date: that stratum (context 2), which a random
    #   sample of all pairs meets once in 17,000;
    # - the blocked candidates: every pair of one family card or mother, of one NIK district and date, or of
    #   one stated birth date and kelurahan, hence the household and local-birth strata (and the identifier
    #   levels of strangers, counted against all pairs: strangers almost never share a KK or a phone).
    tally = _Tally(pool)
    rng = random.Random(seed + 1)
    _sample_random(tally, truth, rng)
    _sample_same_birth_date(tally, truth, rng)
    candidates, _skipped = candidate_pairs(pool)
    for code in candidates:
        i, j = divmod(code, PAIR_BASE)
        if truth[i] != truth[j]:
            tally(i, j, "candidates")
    u_counts, scaled_counts = tally.u_counts, tally.scaled_counts

    all_pairs = n * (n - 1) / 2
    m = _probabilities(m_counts)
    u = {context: _probabilities(u_counts[context]) for context in CONTEXTS}
    for name, wanted in SCALED_LEVELS.items():
        for level in wanted:
            u[CONTEXT_STRANGERS][name][level] = (scaled_counts[name][level] + SMOOTHING) / all_pairs
    duplicates_per_record = 2 * len(true_pairs) / n
    sizes = ", ".join(f"{context}: {sum(u_counts[context]['name']):,.0f}" for context in CONTEXTS)
    print(
        f"trained on {n:,} records ({len(true_pairs):,} true pairs, {len(candidates):,} candidates; "
        f"pairs of different people per context {sizes}) in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return {
        "m": m,
        "u": u,
        "n_reference": n,
        "duplicates_per_record": duplicates_per_record,
        "trained_on": f"bench/duplicates_data.py, {n} records, seed {seed}",
    }


def _row(values: list[float]) -> str:
    return "[" + ", ".join(f"{value:.4g}" for value in values) + "]"


def render(model: dict[str, object]) -> str:
    lines = [
        '"""The duplicate model\'s probabilities (model.py), written by bench/duplicates_train.py: do not edit by',
        "hand; train again. Levels are in the order of comparisons.LEVELS.",
        '"""',
        "",
        "from jaring.duplicates.model import Model",
        "",
        "MODEL = Model(",
    ]
    m = model["m"]
    assert isinstance(m, dict)
    lines.append("    m={")
    for name in COMPARISONS:
        lines.append(f'        "{name}": {_row(m[name])},')
    lines.append("    },")
    u = model["u"]
    assert isinstance(u, dict)
    lines.append("    u={")
    labels = (
        "strangers",
        "one household",
        "one NIK birth date",
        "one NIK birth date, one household",
        "one stated birth date and kelurahan, a NIK missing",
        "the same, one household",
        "one NIK birth date and district",
        "one NIK birth date and district, one household",
    )
    for context, label in zip(CONTEXTS, labels, strict=True):
        lines.append(f"        {context}: {{  # {label}")
        for name in COMPARISONS:
            lines.append(f'            "{name}": {_row(u[context][name])},')
        lines.append("        },")
    lines.append("    },")
    lines.append(f"    n_reference={model['n_reference']},")
    lines.append(f"    duplicates_per_record={model['duplicates_per_record']:.6g},")
    lines.append(f'    trained_on="{model["trained_on"]}",')
    lines.append(")")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("records", nargs="?", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--check", action="store_true", help="print the weights instead of writing them")
    args = parser.parse_args()
    text = render(estimate(args.records, args.seed))
    if args.check:
        print(text)
    else:
        (ROOT / "jaring" / "duplicates" / "weights.py").write_text(text)
        print("wrote jaring/duplicates/weights.py", file=sys.stderr)


if __name__ == "__main__":
    main()
