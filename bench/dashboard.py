"""Benchmark of the reports at a million members: the refresh that counts them, the leadership dashboard, the
coverage API and the monthly report, on PostgreSQL.

    python scripts/with_postgres.py -- .venv/bin/python bench/dashboard.py [--members 1000000]

Makes the members set-based with COPY (jaring.core.bulk.rows_insert), the way a regency's year looks in June:
Kutai Timur's programme with `--members` members across its 141 villages, sectors, both sexes, ages 18 to 66,
most covered from January and some admitted later, some ended or non-active; every one with its application,
its agency's decision in the autumn before and a card (most printed, half handed over); 2% more waiting in the
queues. The province's programme has 1% of them funded twice. Then times `snapshot_refresh` of each programme,
and pages and API answers served through Django's test client (the server's own time, no network): each
`--repeat` times after one warm-up, median and slowest. Target: at most 300 ms a page on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = datetime(2026, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
CHUNK = 100_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="print each page's SQL statements and their times")
    parser.add_argument("--profile", action="store_true", help="print where each page spends its time")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ.setdefault("JARING_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ["JARING_DATA_DIR"] = tempfile.mkdtemp(prefix="jaring-bench-")
    os.environ.setdefault("JARING_HTTPS", "0")
    os.environ.setdefault("JARING_ALLOWED_HOSTS", "testserver")
    import time_machine

    # The whole run happens on 15 June 2026: halfway through the cover year.
    time_machine.travel(TODAY, tick=True).start()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from jaring.core.models import Funder, Role, User
    from jaring.core.reference import seed_reference
    from jaring.core.services import api_token_create

    assert connection.vendor == "postgresql", "run under scripts/with_postgres.py"
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed static files, as served
    seed_reference()
    kutim, kaltim = Funder.objects.get(code="kutim"), Funder.objects.get(code="kaltim")
    regency = programme_of(kutim, "KUTIM-2026", quota=args.members + 50_000)
    province = programme_of(kaltim, "KALTIM-2026", quota=100_000)
    started = time.perf_counter()
    make_members(regency, count=args.members, first=0)
    made = time.perf_counter() - started
    twice = args.members // 100
    make_members(province, count=twice, first=0, same_people=True)
    make_members(province, count=20_000, first=args.members)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"database: PostgreSQL; {args.members:,} members of KUTIM-2026 made in {made:.0f} s")

    from jaring.reports.services import publication_refresh, snapshot_refresh

    for programme in (regency, province):
        t = time.perf_counter()
        refreshed = snapshot_refresh(programme=programme)
        publication_refresh(programme=programme)
        elapsed = time.perf_counter() - t
        print(f"refresh {programme.code}: {elapsed:.1f} s ({refreshed.figures:,} figures)")

    leader = User.objects.create(username="pimpinan.kutim", role=Role.LEADERSHIP, funder=kutim)
    governor = User.objects.create(username="pimpinan.kaltim", role=Role.LEADERSHIP, funder=kaltim)
    manager = User.objects.create(username="manajer.kutim", role=Role.PROGRAMME_MANAGER, funder=kutim)
    _token, secret = api_token_create(name="Dasbor mitra", funder=kutim, scopes=["reports"], actor=None)
    from django.test import Client

    def client_of(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    pages = [
        ("leadership dashboard, KUTIM-2026", client_of(leader), "/dasbor/?program=KUTIM-2026&bulan=2026-06", {}),
        ("province dashboard, KALTIM-2026", client_of(governor), "/dasbor/?program=KALTIM-2026&bulan=2026-06", {}),
        ("province reads KUTIM-2026", client_of(governor), "/dasbor/?program=KUTIM-2026&bulan=2026-06", {}),
        (
            "GET /api/v1/reports/coverage",
            Client(),
            "/api/v1/reports/coverage?programme=KUTIM-2026&month=2026-06",
            {"HTTP_AUTHORIZATION": f"Bearer {secret}"},
        ),
        ("monthly report PDF", client_of(manager), "/dasbor/KUTIM-2026/2026-06/laporan-bulanan.pdf", {}),
        ("open data CSV", Client(), "/data-terbuka/KUTIM-2026.csv", {}),
    ]
    print(f"{'page':40} {'median':>9} {'slowest':>9}  SQL statements (their time)")
    for label, client, url, headers in pages:
        first = client.get(url, **headers)
        assert first.status_code == 200, (url, first.status_code, first.content[:300])
        times = []
        statements: list[tuple[float, str]] = []

        def timed(execute, sql, params, many, context, statements=statements):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                statements.append(((time.perf_counter() - t) * 1000, sql))

        with connection.execute_wrapper(timed):
            client.get(url, **headers)
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(client.get, url, **headers)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        if args.explain:
            for ms, sql in sorted(statements, reverse=True)[:8]:
                print(f"    {ms:6.1f} ms  {sql[:150]}")
        for _ in range(args.repeat):
            t = time.perf_counter()
            response = client.get(url, **headers)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        sql_ms = sum(ms for ms, _sql in statements)
        print(
            f"{label:40} {statistics.median(times):7.0f} ms {max(times):7.0f} ms  {len(statements)} ({sql_ms:.0f} ms)"
        )


def programme_of(funder, code: str, *, quota: int):  # type: ignore[no-untyped-def]
    from jaring.core.models import Agency, AgencyKind
    from jaring.programmes.models import Programme

    return Programme.objects.create(
        code=code,
        name=f"Bench {code}",
        funder=funder,
        year=2026,
        owning_agency=Agency.objects.get(funder=funder, code=AgencyKind.DISNAKER),
        cover_start=date(2026, 1, 1),
        cover_end=date(2026, 12, 31),
        quota=quota,
        status=Programme.Status.OPEN,
    )


def make_members(programme, *, count: int, first: int, same_people: bool = False, region: str = "64.08") -> None:  # type: ignore[no-untyped-def]
    """`count` members of `programme` living in `region`, in chunks written with COPY. With `same_people`, the
    people numbered `first`... already exist (a person funded by two programmes); otherwise they are made."""
    from django.utils import timezone

    from jaring.allocation.models import Place
    from jaring.core.bulk import rows_insert
    from jaring.core.models import Agency, AgencyKind, Region, Sector
    from jaring.enrolment.models import Card, Membership
    from jaring.registry.models import Application, Channel, Person
    from jaring.registry.states import ApplicationStatus
    from jaring.verification.models import Decision

    rng = random.Random(programme.code)
    villages = list(
        Region.objects.filter(code__startswith=region + ".", level=Region.Level.VILLAGE).values_list("code", flat=True)
    )
    sectors = list(Sector.objects.values_list("pk", flat=True))
    agencies = [
        Agency.objects.get(funder=programme.funder, code=kind).pk
        for kind in (AgencyKind.DPPP, AgencyKind.DISHUB, AgencyKind.DISNAKER)
    ]
    now = timezone.now()
    autumn = datetime(2025, 10, 1, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    for start in range(first, first + count, CHUNK):
        n = range(start, min(start + CHUNK, first + count))
        facts = [
            (
                rng.choice(villages),
                rng.choice(sectors),
                "L" if rng.random() < 0.7 else "P",
                date(rng.randint(1960, 2007), rng.randint(1, 12), rng.randint(1, 28)),
            )
            for _ in n
        ]
        if same_people:
            person_ids = list(
                Person.objects.filter(nik__in=[f"{region.replace('.', '')}{i:012d}" for i in n])
                .order_by("nik")
                .values_list("pk", flat=True)
            )
        else:
            person_ids = rows_insert(
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
                    "dtks_listed",
                ),
                [
                    (
                        f"{region.replace('.', '')}{i:012d}",
                        f"Peserta {i}",
                        birth,
                        sex,
                        "Jl. Poros",
                        village,
                        date(2015, 1, 1),
                        sector,
                        2_000_000,
                        False,
                    )
                    for i, (village, sector, sex, birth) in zip(n, facts, strict=True)
                ],
            )
        decided = [autumn + timedelta(days=rng.randint(0, 75), hours=rng.randint(0, 7)) for _ in n]
        application_ids = rows_insert(
            Application,
            (
                "number",
                "programme_id",
                "person_id",
                "channel",
                "status",
                "kelurahan_id",
                "sector_id",
                "verifying_agency_id",
                "submitted_at",
                "queued_at",
                "verification_due",
            ),
            [
                (
                    f"{programme.code}-{i:07d}",
                    programme.pk,
                    person,
                    Channel.IMPORT,
                    ApplicationStatus.ENROLLED,
                    village,
                    sector,
                    agencies[sector % 3],
                    when - timedelta(days=3),
                    when - timedelta(days=2),
                    (when + timedelta(days=5)).date(),
                )
                for i, person, (village, sector, _sex, _birth), when in zip(n, person_ids, facts, decided, strict=True)
            ],
        )
        spans = []
        for _ in n:
            roll = rng.random()
            begins = date(2026, 1, 1) if roll < 0.85 else date(2026, rng.randint(2, 6), 1)
            ends = date(2026, 12, 31)
            status = Membership.Status.ACTIVE
            since = begins
            if roll > 0.97:
                ends, status, since = date(2026, rng.randint(2, 5), 28), Membership.Status.ENDED, date(2026, 5, 1)
                ends = ends.replace(day=28)
            elif roll > 0.95:
                status, since = Membership.Status.NON_ACTIVE, date(2026, rng.randint(3, 6), 1)
            spans.append((begins, max(ends, begins), status, since))
        place_ids = rows_insert(
            Place,
            ("programme_id", "application_id", "person_id", "starts", "ends", "status"),
            [
                (
                    programme.pk,
                    application,
                    person,
                    begins,
                    ends,
                    "ended" if status == Membership.Status.ENDED else "active",
                )
                for application, person, (begins, ends, status, _since) in zip(
                    application_ids, person_ids, spans, strict=True
                )
            ],
        )
        membership_ids = rows_insert(
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
                "status_since",
            ),
            [
                (
                    programme.pk,
                    person,
                    application,
                    place,
                    f"{26_000_000_000 + i % 1_000_000_000}",
                    status,
                    begins,
                    ends,
                    since,
                )
                for i, person, application, place, (begins, ends, status, since) in zip(
                    n, person_ids, application_ids, place_ids, spans, strict=True
                )
            ],
        )
        rows_insert(
            Decision,
            (
                "application_id",
                "agency_id",
                "outcome",
                "fixes",
                "note",
                "actor_label",
                "queued_at",
                "due",
                "decided_at",
                "working_days",
                "late",
            ),
            [
                (
                    application,
                    agencies[sector % 3],
                    "approve",
                    [],
                    "",
                    "bench",
                    when - timedelta(days=2),
                    (when + timedelta(days=5)).date(),
                    when,
                    days,
                    days > 5,
                )
                for application, (_v, sector, _s, _b), when, days in zip(
                    application_ids, facts, decided, [rng.randint(0, 9) for _ in n], strict=True
                )
            ],
            ids=False,
        )
        cards = []
        for membership in membership_ids:
            if rng.random() < 0.8:
                printed = now - timedelta(days=rng.randint(20, 150))
                handed = printed.date() + timedelta(days=rng.randint(3, 40))
                handed_on = handed if handed < now.date() and rng.random() < 0.6 else None
                cards.append((membership, printed, date(2026, 12, 31), handed_on, "Kantor desa", "Sendiri", "Petugas"))
        rows_insert(
            Card,
            ("membership_id", "issued_at", "valid_until", "handed_on", "handed_at_place", "received_by", "handed_by"),
            cards,
            ids=False,
        )
    # A queue still being worked: 2% more applications waiting for a decision, some past their deadline.
    if not same_people:
        waiting = count // 50
        today = now.date()
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
                "dtks_listed",
            ),
            [
                (
                    f"9{region.replace('.', '')}{first + i:011d}",
                    f"Pemohon {i}",
                    date(1990, 1, 1),
                    "L",
                    "Jl. Poros",
                    rng.choice(villages),
                    date(2015, 1, 1),
                    rng.choice(sectors),
                    2_000_000,
                    False,
                )
                for i in range(waiting)
            ],
        )
        rows_insert(
            Application,
            (
                "number",
                "programme_id",
                "person_id",
                "channel",
                "status",
                "kelurahan_id",
                "sector_id",
                "verifying_agency_id",
                "submitted_at",
                "queued_at",
                "verification_due",
            ),
            [
                (
                    f"{programme.code}-W{i:07d}",
                    programme.pk,
                    person,
                    Channel.IMPORT,
                    ApplicationStatus.AWAITING_VERIFICATION,
                    rng.choice(villages),
                    rng.choice(sectors),
                    rng.choice(agencies),
                    now,
                    now,
                    today + timedelta(days=rng.randint(-5, 5)),
                )
                for i, person in enumerate(people)
            ],
            ids=False,
        )


if __name__ == "__main__":
    main()
