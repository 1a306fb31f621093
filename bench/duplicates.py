"""A registry of 1,000,000 persons checked against itself (docs/duplicates.md, Performance).

    .venv/bin/python bench/duplicates.py [RECORDS] [--workers N]

Generates the records once (bench/duplicates_data.py; kept in a pickle under the temp folder), then runs the
matcher in a fresh process so that its time and peak memory are its own: preparing the records (names
normalised and folded), blocking, comparing and weighing every candidate pair, and sorting the pairs at or above
the review threshold. Prints the seconds of each step, the candidate pairs, the peak resident memory, and
precision, recall and F1 against the generated truth. Target: 1,000,000 records in at most 5 minutes and 4 GB
on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 3


def data_path(records: int) -> Path:
    return Path(tempfile.gettempdir()) / f"jaring-duplicates-{records}-{SEED}.pickle"


def generate_once(records: int) -> Path:
    path = data_path(records)
    if not path.exists():
        from bench.duplicates_data import generate

        started = time.perf_counter()
        data = generate(records, seed=SEED)
        with path.open("wb") as handle:
            pickle.dump((data.records, data.truth), handle, protocol=pickle.HIGHEST_PROTOCOL)
        print(f"generated {len(data.records):,} records in {time.perf_counter() - started:.0f} s -> {path}")
    return path


def _cpu() -> float:
    own, forked = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + forked.ru_utime + forked.ru_stime


def run(path: Path, workers: int) -> None:
    """The measured part, in its own process."""
    from jaring.duplicates import thresholds
    from jaring.duplicates.blocking import candidate_pairs
    from jaring.duplicates.engine import find_pairs_prepared, prepare

    with path.open("rb") as handle:
        records, truth = pickle.load(handle)  # noqa: S301 (our own file, written just before)
    by_pid: dict[int, list[int]] = {}
    for record, pid in zip(records, truth, strict=True):
        by_pid.setdefault(pid, []).append(record.key)
    del truth
    loaded_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu_start = _cpu()
    started = time.perf_counter()
    pool = prepare(records)
    del records  # as the scan does: only the prepared records are kept
    prepared = time.perf_counter()
    cpu_prepared = _cpu()
    pairs, skipped = candidate_pairs(pool)
    blocked = time.perf_counter()
    del pairs  # find_pairs_prepared blocks again; timed separately here to show the share of each step
    cpu_blocked = _cpu()
    begun = time.perf_counter()
    result = find_pairs_prepared(pool, first_other=None, threshold=thresholds.REVIEW, workers=workers)
    finished = time.perf_counter()
    cpu = (cpu_prepared - cpu_start) + (_cpu() - cpu_blocked)  # the matcher's own: not loading, not the extra pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    total = (prepared - started) + (finished - begun)
    print(
        f"{len(pool):,} records: prepared in {prepared - started:.1f} s, blocking alone {blocked - prepared:.1f} s, "
        f"blocking + comparing + weighing {finished - begun:.1f} s ({result.candidates:,} candidate pairs, "
        f"{workers} worker{'s' if workers > 1 else ''}); total {total:.1f} s, using {cpu:.1f} s of CPU"
    )
    print(
        f"peak memory {peak:,.0f} MB (records loaded: {loaded_rss:,.0f} MB; worker processes at most "
        f"{children:,.0f} MB each); blocks skipped as too big: {skipped or 'none'}"
    )
    from bench.duplicates_quality import scores

    true_pairs = {(a, b) for keys in by_pid.values() for a in keys for b in keys if a < b}
    for label, threshold in (
        ("auto", thresholds.AUTO_MERGE),
        ("", 0.9),
        ("decision", thresholds.SAME_PERSON),
        ("", 0.3),
        ("review", thresholds.REVIEW),
    ):
        found = {(m.a_key, m.b_key) for m in result.matches or [] if m.probability >= threshold}
        s = scores(found, true_pairs)
        print(
            f"{label:8} p >= {threshold}: precision {s['precision']:.4f} recall {s['recall']:.4f} F1 {s['f1']:.4f} "
            f"({s['pairs']:,} pairs, {len(true_pairs):,} true)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("records", nargs="?", type=int, default=1_000_000)
    parser.add_argument(
        "--workers", type=int, default=1, help="processes comparing pairs (1, as the web scan; 2 on an idle box)"
    )
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(Path(args.run), args.workers)
        return
    path = generate_once(args.records)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    subprocess.run(
        [sys.executable, __file__, str(args.records), "--workers", str(args.workers), "--run", str(path)], check=True
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
