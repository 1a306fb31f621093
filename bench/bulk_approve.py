"""Benchmark of a verifier's mass approval (issue 4): N applications approved in one action.

    python scripts/with_postgres.py -- .venv/bin/python bench/bulk_approve.py [--count 500] [--runs 5]

Each run puts N applications in the fishery office's queue (inserted directly: the subject is deciding,
not registering), approves them all through `applications_approve`, and prints the seconds it took and the
number of SQL statements. Each approval writes its own Decision, audit record and outbox message.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ.setdefault("JARING_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ["JARING_DATA_DIR"] = tempfile.mkdtemp(prefix="jaring-bench-")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.queued import queued_fishers
    from jaring.core.models import Agency, AgencyKind, AuditRecord, Funder, Region, Role, User
    from jaring.core.reference import seed_reference
    from jaring.programmes.models import Programme
    from jaring.registry.models import Person
    from jaring.verification.services import applications_approve

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        seed_reference()
    funder = Funder.objects.get(code="balikpapan")
    dppp = Agency.objects.get(funder=funder, code=AgencyKind.DPPP)
    programme, _ = Programme.objects.get_or_create(
        code="BENCH-2026",
        defaults={
            "name": "Bench",
            "funder": funder,
            "year": 2026,
            "owning_agency": Agency.objects.get(funder=funder, code=AgencyKind.DINSOS),
            "cover_start": date(2026, 1, 1),
            "cover_end": date(2026, 12, 31),
            "quota": 1_000_000,
            "status": Programme.Status.OPEN,
        },
    )
    verifier, _ = User.objects.get_or_create(
        username="bench_verifier", defaults={"role": Role.VERIFIER, "funder": funder, "agency": dppp}
    )
    print(f"database: {connection.vendor}; {args.count} applications per approval, {args.runs} runs")
    timings = []
    serial = Person.objects.count()  # a database used before keeps its people: number on from them
    for run in range(args.runs):
        ids = queued_fishers(programme=programme, agency=dppp, count=args.count, first=serial + run * args.count)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = applications_approve(ids=ids, actor=verifier)
            elapsed = time.perf_counter() - started
        assert len(result.approved) == args.count, result.skipped[:5]
        timings.append(elapsed)
        print(f"run {run + 1}: {elapsed:.3f} s, {len(queries)} SQL statements")
    records = AuditRecord.objects.filter(action="application.approve").count()
    print(f"median {statistics.median(timings):.3f} s, best {min(timings):.3f} s; audit records written: {records}")


if __name__ == "__main__":
    main()
