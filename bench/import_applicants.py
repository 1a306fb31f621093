"""Benchmark of the bulk applicant import (issue 7): a realistic 100,000-row XLSX into an open programme.

    python scripts/with_postgres.py -- .venv/bin/python bench/import_applicants.py [--rows 100000]

Prints rows per second, the seconds of each phase, the peak memory of the process, and PostgreSQL's own
COPY of the same rows into a bare table, with our time as a multiple of it. Target (2-core machine):
100,000 rows in (checked, judged, stored with their outcomes, the batch done and visible as such) in at most
20 s with at most 500 MB; the result file, written by the same run right after, is timed apart. The list is
generated in a child process (so its memory does not count) and cached in the temporary directory; the
database must be empty (a throwaway cluster). The next chunk's rows are read and parsed in a second thread
while the current one is stored, so those phases overlap the others; CPU times are each thread's own. The
PostgreSQL CPU counts every `postgres` process of the machine: run it with no other cluster busy.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _generate(path: Path, rows: int, seed: int) -> None:
    from bench.applicant_list import write_xlsx

    kinds = write_xlsx(path, rows, seed=seed)
    print(f"generated {path} ({path.stat().st_size / 1_048_576:.1f} MB): {dict(kinds)}", file=sys.stderr)


def _setup_django(data_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jaring.settings")
    os.environ.setdefault("JARING_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ["JARING_DATA_DIR"] = str(data_dir)
    import django

    django.setup()


def _timed(phases: dict[str, list[float]], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap `function` to add its wall time and the CPU time of the calling thread to phases[name]."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            phases[name][0] += time.perf_counter() - wall
            phases[name][1] += time.thread_time() - cpu

    return wrapper


def _prepare() -> Any:
    from django.core.management import call_command

    from jaring.core.models import Agency, Funder
    from jaring.core.reference import seed_reference
    from jaring.eligibility.services import rule_version_ensure
    from jaring.programmes.models import Programme

    call_command("migrate", verbosity=0)
    seed_reference()
    funder = Funder.objects.get(code="balikpapan")
    programme, _created = Programme.objects.get_or_create(
        code="BPN-2026",
        defaults={
            "name": "Jaminan Sosial Pekerja Rentan Kota Balikpapan 2026",
            "funder": funder,
            "year": 2026,
            "owning_agency": Agency.objects.get(funder=funder, code="dinsos"),
            "cover_start": date(2026, 1, 1),
            "cover_end": date(2026, 12, 31),
            "quota": 150_000,
            "status": Programme.Status.OPEN,
        },
    )
    rule_version_ensure(programme=programme)
    return programme


def _officer(programme: Any) -> Any:
    """The registration officer who imports, as in production: the applications' `created_by` and the audit records'
    actor point at this account (two more foreign keys per application than an import by the system)."""
    from jaring.core.models import Agency, User
    from jaring.core.permissions import Role

    user, _created = User.objects.get_or_create(
        username="bench_registration_officer",
        defaults={
            "role": Role.REGISTRATION_OFFICER,
            "funder": programme.funder,
            "agency": Agency.objects.get(funder=programme.funder, code="dinsos"),
            "full_name": "Petugas Pendaftaran (bench)",
        },
    )
    return user


def _copy_baseline(path: Path) -> tuple[float, int]:
    """PostgreSQL's COPY of the same rows (as text) into a bare table: the floor any import stands on."""
    import python_calamine
    from django.db import connection

    from jaring.core.xlsx import as_text

    sheet = python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    rows = sheet.iter_rows()
    header = next(rows)
    table = [tuple(None if value == "" else as_text(value) for value in row) for row in rows]
    columns = ", ".join(f"c{i} text" for i in range(len(header)))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_copy ({columns})")
        raw = cursor.connection  # psycopg's own connection
        started = time.perf_counter()
        with raw.cursor() as pg, pg.copy("COPY bench_copy FROM STDIN") as copy:
            for row in table:
                copy.write_row(row)
        raw.commit()
        elapsed = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_copy")
        count = cursor.fetchone()[0]
    return elapsed, count


def _postgres_cpu_seconds() -> float | None:
    """CPU time used so far by all PostgreSQL server processes of this machine (Linux /proc), or None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text.split(" (", 1)[1].split(")", 1)
        if name.startswith("postgres"):
            # utime, stime, and (for the postmaster) cutime, cstime: backends that already exited count in their
            # parent's children times.
            fields = rest.split()
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--chunk-size", type=int, default=2000)
    parser.add_argument("--file", type=Path, help="import this file instead of the generated list")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the import to this file")
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)  # child process: write the list only
    args = parser.parse_args()
    if args.generate:
        _generate(args.generate, args.rows, args.seed)
        return

    path = args.file or Path(tempfile.gettempdir()) / f"jaring-bench-{args.rows}-{args.seed}.xlsx"
    if not path.exists():
        subprocess.run(
            [sys.executable, __file__, "--generate", str(path), "--rows", str(args.rows), "--seed", str(args.seed)],
            check=True,
        )
    data_dir = Path(tempfile.mkdtemp(prefix="jaring-bench-"))
    _setup_django(data_dir)
    from django.db import connection

    from jaring.core.actors import Actor
    from jaring.core.models import AuditRecord
    from jaring.registry.imports import chunks, services
    from jaring.registry.models import Application, ImportBatch

    if connection.vendor != "postgresql":
        print("warning: not on PostgreSQL; run under scripts/with_postgres.py for the real figures", file=sys.stderr)
    programme = _prepare()
    officer = _officer(programme)
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    # Phases are timed by wrapping the functions that do them (wall time, and CPU time of the calling thread).
    phases: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    services.file_check = _timed(phases, "read: open and check the file", services.file_check)
    services.parse_applicant = _timed(phases, "validate: parse_applicant", services.parse_applicant)
    chunks.chunk_judge = _timed(phases, "eligibility (judge each valid row)", chunks.chunk_judge)
    chunks.chunk_store = _timed(phases, "store (one transaction per chunk)", chunks.chunk_store)
    # The import's figure ends when the batch is done (every row has its outcome, the counts are final and the
    # officer sees it finished); the result file is written right after and timed apart.
    rows_in: list[float] = []
    rows_peak: list[float] = []
    finish = services._finish

    def finish_noted(batch: ImportBatch) -> None:
        finish(batch)
        rows_in.append(time.perf_counter())
        rows_peak.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    services._finish = finish_noted
    services.result_write = _timed(phases, "result file (after the batch is done)", services.result_write)

    def run() -> ImportBatch:
        batch, checked = services.import_batch_start(
            programme=programme,
            actor=Actor.officer(officer),
            file_name=path.name,
            content=path.read_bytes(),
            documents_checked_by="Kelurahan se-Kota Balikpapan",
            enqueue=False,
        )
        return services.import_batch_run(batch=batch, checked=checked, chunk_size=args.chunk_size)

    server_before = _postgres_cpu_seconds()
    own_before = _own_cpu_seconds()
    started = time.perf_counter()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        batch = profiler.runcall(run)
        profiler.dump_stats(args.profile)
    else:
        batch = run()
    total = time.perf_counter() - started
    server_after = _postgres_cpu_seconds()
    own_cpu = _own_cpu_seconds() - own_before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    assert batch.status == ImportBatch.Status.DONE, batch.error
    rows = batch.rows_counted
    created = Application.objects.filter(programme=programme).count()
    assert created == batch.created_count, (created, batch.created_count)

    copy_seconds, copied = _copy_baseline(path) if connection.vendor == "postgresql" else (0.0, 0)
    print()
    print(f"file           {path.name}: {path.stat().st_size / 1_048_576:.1f} MB, {rows:,} rows")
    print(f"database       {connection.vendor} {connection.settings_dict.get('HOST') or ''}")
    counts = (batch.created_count, batch.duplicate_count, batch.rejected_count)
    print("outcome        {:,} created, {:,} duplicate, {:,} rejected".format(*counts))
    print(f"audit records  {AuditRecord.objects.count():,}")
    imported = rows_in[0] - started
    print(
        f"rows in        {imported:.2f} s  ({rows / imported:,.0f} rows/s): checked, judged, stored, outcomes "
        "recorded, batch done"
    )
    print(f"result file    {total - imported:.2f} s  more, written after the batch was done ({total:.2f} s in all)")
    print(f"  {'phase':<42} {'wall':>7} {'CPU':>7}")
    for name, (wall, cpu) in phases.items():
        print(f"  {name:<42} {wall:6.2f}s {cpu:6.2f}s")
    if server_before is not None and server_after is not None:
        print(f"server CPU     {server_after - server_before:.2f} s in PostgreSQL during the import")
    print(f"our CPU        {own_cpu:.2f} s in this process (all threads)")
    print(
        f"peak memory    {rows_peak[0]:.0f} MB when the rows were in, {peak:.0f} MB with the result file "
        f"(ru_maxrss; {memory_before:.0f} MB before the import)"
    )
    if copied:
        multiple = imported / copy_seconds
        print(
            f"COPY baseline  {copy_seconds:.2f} s for {copied:,} rows into a bare table; ours = {multiple:.1f} x COPY"
        )
    target = "met" if imported <= 20 and peak <= 500 else "NOT met"
    print(f"target         at most 20 s and 500 MB for 100,000 rows: {target}")
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
