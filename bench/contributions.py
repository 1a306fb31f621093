"""Benchmark of contributions (issue 16): the expected bill of a month and the reconciliation of a BPJS invoice
for a programme of a million members, beside PostgreSQL's own COPY of the same rows.

    python scripts/with_postgres.py -- .venv/bin/python bench/contributions.py [--members 1000000]

Builds the programme's members set-based (persons, applications, places and memberships by COPY: what the
enrolment leaves behind, without going through it), writes the month's invoice as a CSV of one row per member
with deliberate faults (members missing, the 50% discount, the dead billed, duplicates, bad KPJs, strangers),
then measures each step in a process of its own, so its peak memory (ru_maxrss) is that step's alone:

- bill: the month's figures (members covered, expected bill, invoiced, paid) as the API answers them;
- reconcile: `jaring reconcile-invoice` of the CSV (read, judge, store every row, members not billed);
- copy: PostgreSQL's COPY of the same CSV into a bare table (the floor: no Python at all).

Target on the 2-core machine: the bill and the reconciliation each at most 10 s and 1 GB. The database must be
empty (a throwaway cluster).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CODE = "KALTIM-2026"
MONTH = date(2026, 5, 1)
FAULTS = {"missing": 500, "discount": 1000, "dead_billed": 300, "duplicate": 200, "bad_kpj": 100, "stranger": 100}


def _setup(data_dir: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ.setdefault("JARING_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ["JARING_DATA_DIR"] = data_dir
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def kpj(n: int) -> str:
    return f"{30_000_000_000 + n:011d}"


def build(members: int) -> None:
    """The province's programme with `members` memberships: 1% died in March, 2% joined in June."""
    from django.core.management import call_command

    from jaring.allocation.models import Place
    from jaring.core.bulk import rows_insert
    from jaring.core.models import Agency, AgencyKind, Funder, Region, Sector
    from jaring.core.reference import seed_reference
    from jaring.enrolment.models import Membership
    from jaring.programmes.models import Programme
    from jaring.registry.models import Application, Person

    call_command("migrate", verbosity=0)
    seed_reference()
    funder = Funder.objects.get(code="kaltim")
    programme = Programme.objects.create(
        code=CODE,
        name="Jaminan Sosial Pekerja Rentan Provinsi Kalimantan Timur 2026",
        funder=funder,
        year=2026,
        owning_agency=Agency.objects.filter(funder=funder, code=AgencyKind.DISNAKER).first()
        or Agency.objects.filter(funder=funder).first(),
        cover_start=date(2026, 1, 1),
        cover_end=date(2026, 12, 31),
        quota=members,
        budget=members * 16_800 * 12,
        status=Programme.Status.OPEN,
    )
    kelurahan = Region.objects.filter(level=4, code__startswith="64.72").first()
    assert kelurahan is not None
    sector = Sector.objects.get(code="nelayan")
    chunk = 100_000
    started = time.perf_counter()
    for first in range(0, members, chunk):
        numbers = range(first, min(first + chunk, members))
        people = rows_insert(
            Person,
            (
                "nik",
                "name",
                "birth_date",
                "sex",
                "address",
                "kelurahan_id",
                "domicile_since",
                "sector_id",
                "monthly_income",
            ),
            [
                (
                    f"6472{n:012d}",
                    f"Pekerja {n:07d}",
                    date(1985, 1, 1),
                    "L",
                    "Jl. Contoh",
                    kelurahan.pk,
                    date(2015, 1, 1),
                    sector.pk,
                    2_000_000,
                )
                for n in numbers
            ],
        )
        applications = rows_insert(
            Application,
            ("number", "programme_id", "person_id", "channel", "status", "kelurahan_id", "sector_id"),
            [
                (f"{CODE}-{n:07d}", programme.pk, person, "import", "enrolled", kelurahan.pk, sector.pk)
                for n, person in zip(numbers, people, strict=True)
            ],
        )
        spans = [_span(n) for n in numbers]
        places = rows_insert(
            Place,
            ("programme_id", "application_id", "person_id", "starts", "ends", "status", "end_reason"),
            [
                (programme.pk, application, person, starts, ends, "ended" if reason else "active", reason)
                for application, person, (starts, ends, reason) in zip(applications, people, spans, strict=True)
            ],
        )
        rows_insert(
            Membership,
            (
                "programme_id",
                "person_id",
                "application_id",
                "place_id",
                "kpj",
                "status",
                "starts",
                "ends",
                "end_reason",
                "status_since",
            ),
            [
                (
                    programme.pk,
                    person,
                    application,
                    place,
                    kpj(n),
                    "ended" if reason else "active",
                    starts,
                    ends,
                    reason,
                    starts,
                )
                for n, person, application, place, (starts, ends, reason) in zip(
                    numbers, people, applications, places, spans, strict=True
                )
            ],
            ids=False,
        )
        print(f"  {min(first + chunk, members):>9} members ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


def _span(n: int) -> tuple[date, date, str]:
    if n % 100 == 7:
        return date(2026, 1, 1), date(2026, 3, 31), "died"
    if n % 50 == 3:
        return date(2026, 6, 1), date(2026, 12, 31), ""
    return date(2026, 1, 1), date(2026, 12, 31), ""


def write_invoice(path: Path, members: int) -> dict[str, int]:
    """The branch's CSV for MONTH: one row per member covered, with FAULTS."""
    rng = random.Random(2026)
    covered = [n for n in range(members) if n % 100 != 7 and n % 50 != 3]
    missing = set(rng.sample(covered, FAULTS["missing"]))
    discount = set(rng.sample(covered, FAULTS["discount"]))
    duplicate = rng.sample(covered, FAULTS["duplicate"])
    counts = dict.fromkeys(FAULTS, 0)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("kpj;nik;nama;periode;iuran_jkk;iuran_jkm;jumlah\n")
        for n in covered:
            if n in missing:
                counts["missing"] += 1
                continue
            jkk, jkm = (5_000, 3_400) if n in discount else (10_000, 6_800)
            counts["discount"] += n in discount
            out.write(f"{kpj(n)};6472{n:012d};Pekerja {n:07d};{MONTH:%Y-%m};{jkk};{jkm};{jkk + jkm}\n")
        for n in range(7, 7 + 100 * FAULTS["dead_billed"], 100):
            out.write(f"{kpj(n)};;Pekerja {n:07d};{MONTH:%Y-%m};10000;6800;16800\n")
            counts["dead_billed"] += 1
        for n in duplicate:
            out.write(f"{kpj(n)};;Pekerja {n:07d};{MONTH:%Y-%m};10000;6800;16800\n")
            counts["duplicate"] += 1
        for n in range(FAULTS["bad_kpj"]):
            out.write(f"{n:09d};;Salah Ketik;{MONTH:%Y-%m};10000;6800;16800\n")
            counts["bad_kpj"] += 1
        for n in range(FAULTS["stranger"]):
            out.write(f"{kpj(members + 10 + n)};;Orang Lain;{MONTH:%Y-%m};10000;6800;16800\n")
            counts["stranger"] += 1
    return counts


# -- the measured steps, each in a process of its own ------------------------------------------------------------


def measure(step: str, invoice: Path) -> dict[str, Any]:
    from django.db import connection

    from jaring.contributions.figures import month_figures
    from jaring.contributions.invoices import invoice_import
    from jaring.core.actors import Actor
    from jaring.programmes.models import Programme

    programme = Programme.objects.get(code=CODE)
    started = time.perf_counter()
    if step == "bill":
        figure = month_figures(programme, [MONTH])[0]
        answer: dict[str, Any] = {"members": figure.members, "expected": figure.expected}
    elif step == "reconcile":
        outcome = invoice_import(
            programme=programme, file_name=invoice.name, content=invoice, actor=Actor.system("bench")
        )
        answer = {
            "rows": outcome.invoice.rows,
            "statuses": {k: v["count"] for k, v in outcome.invoice.summary.items() if isinstance(v, dict)},
            "proposed": outcome.invoice.proposed,
        }
    elif step == "copy":
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_invoice (kpj text, nik text, nama text, periode text, iuran_jkk bigint, "
                "iuran_jkm bigint, jumlah bigint)"
            )
            statement = "COPY bench_invoice FROM STDIN WITH (FORMAT csv, HEADER, DELIMITER ';')"
            with cursor.cursor.copy(statement) as copy, invoice.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    copy.write(block)
            cursor.execute("SELECT count(*) FROM bench_invoice")
            answer = {"rows": cursor.fetchone()[0]}
    else:
        raise SystemExit(f"unknown step {step}")
    answer["seconds"] = time.perf_counter() - started
    answer["peak_mb"] = _peak_mb()
    return answer


def _run_step(step: str, data_dir: str, invoice: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--step", step, "--data-dir", data_dir, "--invoice", str(invoice)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"step {step} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--step", choices=("bill", "reconcile", "copy"), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--invoice", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        _setup(args.data_dir)
        print(json.dumps(measure(args.step, args.invoice)))
        return
    data_dir = tempfile.mkdtemp(prefix="jaring-bench-")
    _setup(data_dir)
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit(
            "run under scripts/with_postgres.py (or with DATABASE_URL set to an empty PostgreSQL database)"
        )
    started = time.perf_counter()
    build(args.members)
    print(f"built {args.members:,} members in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    invoice = Path(data_dir) / f"tagihan-{MONTH:%Y-%m}.csv"
    faults = write_invoice(invoice, args.members)
    size = invoice.stat().st_size / 1_048_576
    print(f"invoice {invoice.name}: {size:.0f} MB, faults {faults}", file=sys.stderr)
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    results = {step: _run_step(step, data_dir, invoice) for step in ("bill", "copy", "reconcile")}
    print(f"\nmembers {args.members:,}; invoice rows {results['copy']['rows']:,} ({size:.0f} MB CSV)")
    for step, label in (
        ("bill", "expected bill of a month"),
        ("reconcile", "reconcile the invoice"),
        ("copy", "PostgreSQL COPY (floor)"),
    ):
        found = results[step]
        print(f"{label:<28} {found['seconds']:7.1f} s   peak {found['peak_mb']:6.0f} MB")
    print(f"bill: {results['bill']['members']:,} members covered, Rp{results['bill']['expected']:,}")
    print(f"reconcile: {results['reconcile']['statuses']}")
    print(f"reconcile / COPY: {results['reconcile']['seconds'] / results['copy']['seconds']:.1f}x")


if __name__ == "__main__":
    main()
