"""Precision, recall and F1 of duplicate detection on generated data with known truth (bench/duplicates_data.py),
at the model's thresholds; recall by kind of mistake; the twins and family members wrongly joined; and a
calibration table (the share of true pairs among the pairs in each band of predicted probability).

    .venv/bin/python bench/duplicates_quality.py [RECORDS] [--seed N]

The evaluation seed differs from the training seed (bench/duplicates_train.py), so the model is measured on
records it was not estimated from.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from bench.duplicates_data import Generated, generate  # noqa: E402
from jaring.duplicates import thresholds  # noqa: E402
from jaring.duplicates.engine import find_pairs  # noqa: E402


def scores(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, float]:
    true_positives = len(predicted & truth)
    precision = true_positives / len(predicted) if predicted else 1.0
    recall = true_positives / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": len(predicted),
        "true_positives": true_positives,
        "false_positives": len(predicted) - true_positives,
        "false_negatives": len(truth) - true_positives,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def report(data: Generated, matches: Iterable[tuple[int, int, float]], *, out=sys.stdout) -> dict[str, float]:  # type: ignore[no-untyped-def]
    truth = data.true_pairs()
    found = [(a, b, p) for a, b, p in matches]
    pid = {r.key: t for r, t in zip(data.records, data.truth, strict=True)}
    kind = {r.key: k for r, k in zip(data.records, data.kinds, strict=True)}
    twins = {p.pid: p.twin_of for p in data.persons if p.twin_of is not None}
    household = {p.pid: p.household for p in data.persons}
    result = {}
    levels = (
        ("auto-merge", thresholds.AUTO_MERGE),
        ("", 0.9),
        ("decision", thresholds.SAME_PERSON),
        ("", 0.3),
        ("review", thresholds.REVIEW),
    )
    for label, threshold in levels:
        predicted = {(a, b) for a, b, p in found if p >= threshold}
        s = scores(predicted, truth)
        result[label or str(threshold)] = s
        print(
            f"{label:10} p >= {threshold:<5}: precision {s['precision']:.4f}  recall {s['recall']:.4f}  "
            f"F1 {s['f1']:.4f}  ({s['pairs']:,} pairs, {s['false_positives']:,} false, "
            f"{s['false_negatives']:,} missed of {len(truth):,})",
            file=out,
        )
    decided = {(a, b) for a, b, p in found if p >= thresholds.SAME_PERSON}
    wrong = [(a, b) for a, b in decided if pid[a] != pid[b]]
    twin_joins = sum(1 for a, b in wrong if twins.get(pid[a]) == pid[b])
    family_joins = sum(1 for a, b in wrong if household[pid[a]] == household[pid[b]])
    twin_pairs = sum(1 for p, t in twins.items() if p < t)
    print(
        f"wrongly joined: {len(wrong)} pairs, of which twins {twin_joins} (of {twin_pairs} twin pairs) and "
        f"other family members {family_joins - twin_joins}",
        file=out,
    )
    # Recall by kind of mistake (a copy against its original, or two copies: the copy's kinds).
    missed_by: Counter[str] = Counter()
    all_by: Counter[str] = Counter()
    for a, b in truth:
        kinds = {k for key in (a, b) for k in kind[key].split(",") if k not in ("original", "exact")} or {"exact"}
        for k in kinds:
            all_by[k.split(":")[0] + ":" + k.split(":")[1] if ":" in k else k] += 1
            if (a, b) not in decided:
                missed_by[k.split(":")[0] + ":" + k.split(":")[1] if ":" in k else k] += 1
    print("recall by mistake in the copy:", file=out)
    for k, total in sorted(all_by.items()):
        print(f"  {k:24} {1 - missed_by[k] / total:.3f}  ({total:,} pairs)", file=out)
    # Calibration: share of true pairs per band of predicted probability.
    bands = [0.0, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 1.0001]
    print("calibration (predicted band: pairs, share that are one person, mean predicted):", file=out)
    for low, high in itertools.pairwise(bands):
        inside = [(a, b, p) for a, b, p in found if low <= p < high]
        if inside:
            share = sum(1 for a, b, _ in inside if (a, b) in truth) / len(inside)
            mean = sum(p for _, _, p in inside) / len(inside)
            print(f"  [{low:.2f}, {min(high, 1):.2f}): {len(inside):7,}  {share:.3f}  {mean:.3f}", file=out)
    return result["decision"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("records", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()
    started = time.perf_counter()
    data = generate(args.records, seed=args.seed)
    generated = time.perf_counter()
    run = find_pairs(data.records, threshold=0.01)
    took = time.perf_counter() - generated
    print(
        f"{len(data.records):,} records (generated in {generated - started:.1f} s): {run.candidates:,} candidate "
        f"pairs compared in {took:.1f} s; blocks skipped as too big: {run.skipped_blocks or 'none'}"
    )
    assert run.matches is not None
    report(data, ((m.a_key, m.b_key, m.probability) for m in run.matches))


if __name__ == "__main__":
    main()
