"""Splink (DuckDB) against Jaring's own matcher on the same generated data with known truth.

    python bench/duplicates_splink.py [RECORDS]   # needs `pip install splink` (DuckDB, pyarrow: ~290 MB)

Splink is not a dependency of Jaring (docs/duplicates.md says why); run this in a virtual environment that has
it, with the repository on PYTHONPATH. Both matchers get the same records, the same normalised names (Jaring's
`names.normalise`/`fold`) and the same ten blocking rules, so what differs is the comparisons and the model:

- `splink-em`: Splink as its documentation sets it up: its comparison library (NameComparison with term
  frequencies, DateOfBirthComparison, Damerau-Levenshtein on the NIK, exact matches on sex, KK, mother,
  kelurahan and phone), u by random sampling, m by expectation maximisation on two blocking rules;
- `splink-labels`: the same comparisons with m estimated from the labelled training set (bench/duplicates_train.py's
  seed), the way Jaring's own model is trained, and the prior from the truth;
- `jaring`: jaring.duplicates.engine with the trained weights (weights.py).

Prints precision, recall and F1 at p >= 0.9, 0.5 (the decision threshold) and 0.1 (the review threshold), and the
seconds each took (training included).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyarrow as pa  # noqa: E402
import splink.comparison_library as cl  # noqa: E402
from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: E402

from bench.duplicates_data import Generated, generate  # noqa: E402
from bench.duplicates_quality import scores  # noqa: E402
from jaring.duplicates.engine import find_pairs, prepare  # noqa: E402

TRAINING_SEED = 11
EVALUATION_SEED = 2


def table(data: Generated) -> pa.Table:
    """The records as Splink's input: normalised columns and the blocking keys Jaring's rules use."""
    rows: dict[str, list[Any]] = {
        name: []
        for name in (
            "unique_id",
            "cluster",
            "nik",
            "nik_birth",
            "nik_tail",
            "nik_region_serial",
            "name_key",
            "name_token",
            "dob",
            "birth_year",
            "sex",
            "kk",
            "mother_key",
            "kel",
            "kec",
            "phone",
        )
    }
    for record, pid in zip(prepare(data.records), data.truth, strict=True):
        nik = record.nik or None
        rows["unique_id"].append(record.key)
        rows["cluster"].append(pid)
        rows["nik"].append(nik)
        rows["nik_birth"].append(record.nik_birth or None)
        rows["nik_tail"].append(f"{record.nik[6:]}|{record.name_key[:1]}" if len(record.nik) == 16 else None)
        rows["nik_region_serial"].append(f"{record.nik[:6]}{record.nik[12:]}" if len(record.nik) == 16 else None)
        rows["name_key"].append(record.name_key or None)
        rows["name_token"].append(record.name_token[:4] or None)
        rows["dob"].append(record.date_key or None)
        rows["birth_year"].append(record.date_key[:4] or None)
        rows["sex"].append(record.sex or None)
        rows["kk"].append(record.kk or None)
        rows["mother_key"].append(record.mother_key or None)
        rows["kel"].append(record.kel or None)
        rows["kec"].append(record.kec or None)
        rows["phone"].append(record.phone or None)
    return pa.Table.from_pydict(rows)


BLOCKING = [
    block_on("nik_birth"),
    block_on("nik_tail"),
    block_on("nik_region_serial", "dob"),
    block_on("name_key", "birth_year"),
    block_on("dob", "kel"),
    block_on("dob", "name_token"),
    block_on("name_key", "kel"),
    block_on("kk"),
    block_on("mother_key", "kec"),
    block_on("phone"),
]


def settings(prior: float | None = None) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.DamerauLevenshteinAtThresholds("nik", [1, 2]),
            cl.NameComparison("name_key").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("kk"),
            cl.ExactMatch("mother_key"),
            cl.ExactMatch("kel"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=BLOCKING,
        probability_two_random_records_match=prior or 0.0001,
        retain_intermediate_calculation_columns=False,
    )


def predicted(linker: Linker) -> list[tuple[int, int, float]]:
    result = linker.inference.predict(threshold_match_probability=0.01).as_pyarrow_table()
    left, right, probability = (
        result.column(name).to_pylist() for name in ("unique_id_l", "unique_id_r", "match_probability")
    )
    return [(min(a, b), max(a, b), p) for a, b, p in zip(left, right, probability, strict=True)]


def splink_em(data: Generated) -> list[tuple[int, int, float]]:
    api = DuckDBAPI()
    linker = Linker(api.register(table(data)), settings())
    linker.training.estimate_probability_two_random_records_match([block_on("nik")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("nik_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_key", "dob"))
    return predicted(linker)


def splink_labels(data: Generated, training: Generated) -> list[tuple[int, int, float]]:
    # m from the labelled training set, u from the evaluated records, the prior from the truth.
    api = DuckDBAPI()
    trainer = Linker(api.register(table(training), table_name="training"), settings())
    trainer.training.estimate_m_from_label_column("cluster")
    model = trainer.misc.save_model_to_json()
    pairs = len(data.true_pairs())
    n = len(data.records)
    model["probability_two_random_records_match"] = pairs / (n * (n - 1) / 2)
    linker = Linker(api.register(table(data), table_name="evaluated"), model)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    return predicted(linker)


def jaring(data: Generated) -> list[tuple[int, int, float]]:
    run = find_pairs(data.records, threshold=0.01)
    return [(m.a_key, m.b_key, m.probability) for m in run.matches or []]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("records", nargs="?", type=int, default=100_000)
    parser.add_argument("--only", choices=("jaring", "splink-em", "splink-labels"))
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)
    data = generate(args.records, seed=EVALUATION_SEED)
    truth = data.true_pairs()
    runs = {
        "jaring": lambda: jaring(data),
        "splink-em": lambda: splink_em(data),
        "splink-labels": lambda: splink_labels(data, generate(args.records, seed=TRAINING_SEED)),
    }
    print(f"{len(data.records):,} records, {len(truth):,} true pairs")
    for name, run in runs.items():
        if args.only and name != args.only:
            continue
        started = time.perf_counter()
        found = run()
        seconds = time.perf_counter() - started
        line = [f"{name:14} {seconds:6.1f} s"]
        for threshold in (0.9, 0.5, 0.1):
            s = scores({(a, b) for a, b, p in found if p >= threshold}, truth)
            line.append(f"p>={threshold}: P {s['precision']:.4f} R {s['recall']:.4f} F1 {s['f1']:.4f}")
        print("  ".join(line), flush=True)


if __name__ == "__main__":
    main()
