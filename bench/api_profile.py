"""Profile of one partner registration and one public status check, in-process, on PostgreSQL.

    python scripts/with_postgres.py -- .venv/bin/python bench/api_profile.py [--requests 100] [--profile FILE]

Same set-up as bench/api_load.py (migrate, reference data, demo programmes, demo token), then through Django's
test client with the production middleware: a warm-up, then `--requests` registrations and status checks one
after the other. For each it prints, per request: the SQL statements (savepoints apart), the time spent waiting
for the database, the Python CPU time and the wall time, and the functions that took the most CPU (cProfile),
so what a request costs is seen without the queueing of the load test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import api_load  # noqa: E402


class SqlTimer:
    """A database execute wrapper counting statements, savepoints and the time spent in them."""

    def __init__(self) -> None:
        self.statements = 0
        self.savepoints = 0
        self.seconds = 0.0
        self.by_statement: dict[str, list[float]] = {}

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            self.seconds += took
            self.by_statement.setdefault(" ".join(sql.split())[:110], []).append(took)
            if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
                self.savepoints += 1
            else:
                self.statements += 1


def measure(name: str, count: int, send: Any, profile: Path | None) -> None:
    from django.db import connection

    timer = SqlTimer()
    profiler = cProfile.Profile()
    wall, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timer):
        profiler.enable()
        for i in range(count):
            send(i)
        profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{name:12s} {count} requests: per request {timer.statements / count:.1f} statements "
        f"(+{timer.savepoints / count:.1f} savepoint statements), SQL wait {timer.seconds / count * 1000:.1f} ms, "
        f"Python CPU {cpu / count * 1000:.1f} ms, wall {wall / count * 1000:.1f} ms"
    )
    slowest = sorted(timer.by_statement.items(), key=lambda item: -sum(item[1]))[:8]
    for sql, times in slowest:
        print(f"  {sum(times) / count * 1000:6.2f} ms/request  {len(times) / count:4.1f}x  {sql}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"jaring|django/(db|template|core/handlers|middleware)|ninja|hash", 12)
    print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))
    if profile:
        stats.dump_stats(profile.with_suffix(f".{name}.prof"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--profile", type=Path, help="also write the cProfile of each phase next to this path")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ.setdefault("JARING_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ["JARING_DEBUG"] = "0"
    os.environ["JARING_DATA_DIR"] = tempfile.mkdtemp(prefix="jaring-profile-")
    os.environ["JARING_STATUS_CHECKS_PER_HOUR"] = "10000"
    token = api_load.seed()
    from django.db import connection
    from django.test import Client

    print(f"database {connection.vendor}")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", SERVER_NAME="127.0.0.1")
    numbers: dict[int, str] = {}

    def register(i: int) -> None:
        answer = client.post("/api/v1/applications", api_load.applicant(i), content_type="application/json")
        assert answer.status_code == 201, answer.content
        numbers[i] = answer.json()["number"]

    def status(i: int) -> None:
        number = numbers[i % len(numbers)]
        nik = api_load.applicant(i % len(numbers))["nik"]
        answer = Client(SERVER_NAME="127.0.0.1").post(
            "/api/v1/status", {"number": number, "nik": nik}, content_type="application/json"
        )
        assert answer.status_code == 200, answer.content

    for i in range(10):  # warm-up: caches, the rule version, the connection
        register(i)
        status(i)
    measure("registration", args.requests, lambda i: register(10 + i), args.profile)
    measure("status", args.requests, status, args.profile)


if __name__ == "__main__":
    main()
