"""Finding the pairs of records that are one person: prepare, block, compare, weigh. Pure: no database.

`find_pairs` takes the records of a list (and, when the list is checked against the registry, the registry's
persons as `others`) and returns every candidate pair at or above `threshold`, best first. The thresholds
themselves are the callers' (`thresholds.py`).
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from jaring.duplicates.blocking import PAIR_BASE, candidate_pairs
from jaring.duplicates.comparisons import Levels, context_of, levels_of
from jaring.duplicates.model import Model, Scorer, probability_of
from jaring.duplicates.records import Prepared, Record

PROGRESS_EVERY = 50_000


@dataclass(frozen=True, slots=True)
class Match:
    """Two records judged possibly one person. `a` is always from the first collection; `b` from the same one
    (`b_other` False, `a_key < b_key`) or from `others`."""

    a_key: int
    b_key: int
    b_other: bool
    probability: float
    levels: Levels
    context: int


@dataclass
class Run:
    """What a run did, for reports and benchmarks."""

    records: int = 0
    others: int = 0
    candidates: int = 0
    skipped_blocks: dict[str, int] | None = None
    matches: list[Match] | None = None


def default_model() -> Model:
    """The trained model (weights.py), imported when first needed: training writes that module."""
    from jaring.duplicates.weights import MODEL

    return MODEL


def prepare(records: Sequence[Record]) -> list[Prepared]:
    return [Prepared(record) for record in records]


def find_pairs(
    records: Sequence[Record],
    *,
    others: Sequence[Record] = (),
    threshold: float,
    model: Model | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Run:
    """Every pair within `records`, and between `records` and `others`, whose probability is at least
    `threshold`, best first (then by keys). Pairs within `others` are not compared."""
    pool = prepare(records) + prepare(others)
    return find_pairs_prepared(
        pool, first_other=len(records) if others else None, threshold=threshold, model=model, on_progress=on_progress
    )


def find_pairs_prepared(
    pool: Sequence[Prepared],
    *,
    first_other: int | None,
    threshold: float,
    model: Model | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> Run:
    """As `find_pairs`, on prepared records. With `workers` > 1 the candidate pairs are compared in that many
    forked processes (they read the records the parent prepared; only the pairs found come back)."""
    pairs, skipped = candidate_pairs(pool, first_other=first_other)
    names = Counter(p.name_key for p in pool if p.name_key)
    scorer = Scorer.for_population(model or default_model(), len(pool), names)
    run = Run(
        records=first_other if first_other is not None else len(pool),
        others=len(pool) - first_other if first_other is not None else 0,
        candidates=len(pairs),
        skipped_blocks=skipped,
    )
    limit = len(pool) if first_other is None else first_other
    codes = list(pairs)
    del pairs
    total = len(codes)
    found: list[Match] = []
    if workers > 1 and total > PROGRESS_EVERY:
        found = _compare_forked(pool, codes, scorer, limit, threshold, workers, on_progress)
    else:
        for start in range(0, total, PROGRESS_EVERY):
            found += _compare(pool, codes, start, min(start + PROGRESS_EVERY, total), scorer, limit, threshold)
            if on_progress is not None:
                on_progress(min(start + PROGRESS_EVERY, total), total)
    found.sort(key=lambda match: (-match.probability, match.a_key, match.b_other, match.b_key))
    run.matches = found
    if on_progress is not None:
        on_progress(total, total)
    return run


def _compare(
    pool: Sequence[Prepared], codes: list[int], start: int, end: int, scorer: Scorer, limit: int, threshold: float
) -> list[Match]:
    found = []
    weight = scorer.weight
    for code in codes[start:end]:
        i, j = divmod(code, PAIR_BASE)
        a, b = pool[i], pool[j]
        levels = levels_of(a, b)
        context = context_of(a, b, levels)
        probability = probability_of(weight(levels, context, a.name_key if a.name_key == b.name_key else ""))
        if probability >= threshold:
            other = j >= limit
            if not other and b.key < a.key:
                a, b = b, a
            found.append(Match(a.key, b.key, other, probability, levels, context))
    return found


# What forked workers read: set by the parent just before it forks them (fork shares it without copying).
_SHARED: tuple[Sequence[Prepared], list[int], Scorer, int, float] | None = None


def _compare_shared(bounds: tuple[int, int]) -> list[Match]:
    assert _SHARED is not None
    pool, codes, scorer, limit, threshold = _SHARED
    return _compare(pool, codes, bounds[0], bounds[1], scorer, limit, threshold)


def _compare_forked(
    pool: Sequence[Prepared],
    codes: list[int],
    scorer: Scorer,
    limit: int,
    threshold: float,
    workers: int,
    on_progress: Callable[[int, int], None] | None,
) -> list[Match]:
    global _SHARED
    total = len(codes)
    bounds = [(start, min(start + PROGRESS_EVERY * 4, total)) for start in range(0, total, PROGRESS_EVERY * 4)]
    _SHARED = (pool, codes, scorer, limit, threshold)
    found: list[Match] = []
    try:
        with multiprocessing.get_context("fork").Pool(workers) as processes:
            done = 0
            for (start, end), part in zip(bounds, processes.imap(_compare_shared, bounds), strict=True):
                found += part
                done += end - start
                if on_progress is not None:
                    on_progress(done, total)
    finally:
        _SHARED = None
    return found
