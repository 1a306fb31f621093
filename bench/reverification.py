"""Benchmark of the yearly re-verification: N active members taken into next year's programme.

    python scripts/with_postgres.py -- .venv/bin/python bench/reverification.py [--members 10000]

Makes N members the way the system does (fishers in the fishery office's queue, inserted directly; then
approved with `applications_approve`, sent to BPJS with `batch_create` and accepted with `batch_answers_apply`),
enters next year's UMK, and times `reverification_run`: each member becomes a renewal application judged by
next year's rules and routed to the agency's queue. Prints members per second, the SQL statements, and the time
this rate gives for Kutai Timur's 150,000 members.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the re-verification to this file")
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
    from jaring.core.models import Agency, AgencyKind, Funder, MinimumWage, Role, User
    from jaring.core.reference import seed_reference
    from jaring.enrolment.models import Batch, BatchMember, Membership
    from jaring.enrolment.services import (
        Answer,
        batch_answers_apply,
        batch_create,
        reverification_run,
        reverification_start,
    )
    from jaring.programmes.models import Programme
    from jaring.verification.services import BULK_MAX, applications_approve

    call_command("migrate", verbosity=0)
    seed_reference()
    funder = Funder.objects.get(code="balikpapan")
    dppp = Agency.objects.get(funder=funder, code=AgencyKind.DPPP)
    owning = Agency.objects.get(funder=funder, code=AgencyKind.DINSOS)

    def programme(year: int) -> Programme:
        return Programme.objects.create(
            code=f"BENCH-{year}",
            name=f"Bench {year}",
            funder=funder,
            year=year,
            owning_agency=owning,
            cover_start=date(year, 1, 1),
            cover_end=date(year, 12, 31),
            quota=1_000_000,
            status=Programme.Status.OPEN,
        )

    source = programme(2026)
    verifier = User.objects.create(username="bench_verifier", role=Role.VERIFIER, funder=funder, agency=dppp)
    manager = User.objects.create(username="bench_manager", role=Role.PROGRAMME_MANAGER, funder=funder)
    started = time.perf_counter()
    ids = queued_fishers(programme=source, agency=dppp, count=args.members)
    for start in range(0, len(ids), BULK_MAX):
        applications_approve(ids=ids[start : start + BULK_MAX], actor=verifier)
    batch = batch_create(programme=source, actor=manager)
    members = BatchMember.objects.filter(batch=batch).values_list("nik", flat=True)
    answers = [Answer(n, nik, True, kpj=f"{10_000_000_000 + n}") for n, nik in enumerate(members, start=2)]
    batch_answers_apply(programme=source, answers=answers, actor=manager)
    active = Membership.objects.filter(programme=source, status=Membership.Status.ACTIVE).count()
    assert active == args.members, (active, Batch.objects.count())
    print(f"database: {connection.vendor}; {active:,} active members made in {time.perf_counter() - started:.1f} s")

    target = programme(2027)
    MinimumWage.objects.create(region=funder.region, year=2027, amount=4_000_000)
    campaign = reverification_start(source=source, target=target, actor=manager)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            counts = profiler.runcall(reverification_run, campaign=campaign, actor=manager)
            profiler.dump_stats(args.profile)
        else:
            counts = reverification_run(campaign=campaign, actor=manager)
        elapsed = time.perf_counter() - started
    assert counts["created"] == counts["to_verification"] == args.members, counts
    rate = args.members / elapsed
    print(f"re-verification: {elapsed:.2f} s for {args.members:,} members ({rate:,.0f} members/s)")
    print(f"SQL statements: {len(queries):,} ({len(queries) / args.members:.3f} per member)")
    print(f"at this rate Kutai Timur's 150,000 members take {150_000 / rate / 60:.1f} minutes")


if __name__ == "__main__":
    main()
