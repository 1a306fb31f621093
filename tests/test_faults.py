"""Faults, measured: a process killed outright (SIGKILL) in the middle of a bulk approval, of applying the BPJS
branch's answer and of a long background job leaves each either done whole or not at all, and running it again
finishes it.

The bulk approval runs in the web request and the answer in the request or `jaring bpjs-answer`, each in one
transaction: here each runs in its own `jaring` process, which is killed while its transaction holds its first
writes. To land the kill mid-way every time rather than by luck, the test holds a SHARE lock on the audit table,
which each of them writes last: pg_locks then shows the process has written its places, decisions, memberships
(RowExclusiveLock granted) and waits for the audit table. The long job (a bulk import of 8,000 rows, committed
in chunks of 2,000) runs in a real `jaring worker`, killed once the first chunk is committed and before the last.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count

from jaring.allocation.models import Place
from jaring.core.models import AuditRecord, Job, Notification, User
from jaring.enrolment.models import Batch, BatchMember, Membership, MembershipEvent, ResponseImport
from jaring.enrolment.services import batch_create
from jaring.programmes.models import Programme
from jaring.registry.imports import services
from jaring.registry.imports.services import import_batch_start
from jaring.registry.models import Application, ImportBatch, ImportRow
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Decision
from jaring.verification.services import applications_approve
from tests.helpers.imports import csv_bytes, good
from tests.helpers.reference import queued_applications

S = ApplicationStatus
ROOT = Path(__file__).resolve().parents[1]
JARING = [sys.executable, "-c", "from jaring.cli import main; main()"]
BATCH_SIZE = 1000  # the most a verifier may approve at once (verification.services.BULK_MAX)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def jaring(settings: Any, tmp_path: Path) -> Callable[..., subprocess.Popen[str]]:
    """jaring(*args) -> a `jaring` process on the test database, as the server would run it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    env = {**os.environ, "DATABASE_URL": database_url(), "JARING_MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    started: list[subprocess.Popen[str]] = []

    def run(*args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [*JARING, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        started.append(process)
        return process

    yield run  # type: ignore[misc]
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def wait_for(what: str, check: Callable[[], bool], timeout: float = 15.0) -> float:
    """Poll until `check()`; the seconds it took."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out waiting for {what}: {getattr(check, 'seen', '')}")
        time.sleep(0.02)
    return time.monotonic() - start


def query(sql: str, *params: object) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def backend_of(process: subprocess.Popen[str]) -> int:
    """The PostgreSQL backend serving a process that printed its backend pid as its first line."""
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line.isdigit(), line
    return int(line)


def locks_of(backend: int) -> dict[str, tuple[str, bool]]:
    rows = query(
        "SELECT c.relname, l.mode, l.granted FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = %s AND c.relkind = 'r'",
        backend,
    )
    return {name: (mode, granted) for name, mode, granted in rows if not granted or mode == "RowExclusiveLock"}


@pytest.fixture
def hold_audit_table() -> Iterator[Callable[[], Callable[[], None]]]:
    """hold() takes a SHARE lock on the audit table from another connection (inserts wait for it) and returns
    release()."""
    import psycopg

    holders: list[psycopg.Connection[Any]] = []

    def hold() -> Callable[[], None]:
        holder = psycopg.connect(database_url())
        holder.execute(f"LOCK TABLE {AuditRecord._meta.db_table} IN SHARE MODE")
        holders.append(holder)
        return holder.rollback

    yield hold
    for holder in holders:
        holder.close()


def kill_mid_transaction(process: subprocess.Popen[str], backend: int, release: Callable[[], None]) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL
    release()
    # The backend finds its client gone when it answers next, and rolls back; wait until it has.
    wait_for("the backend to end", lambda: not query("SELECT 1 FROM pg_stat_activity WHERE pid = %s", backend))


def written_and_waiting(process: subprocess.Popen[str], backend: int, written: list[str]) -> Callable[[], bool]:
    audit = AuditRecord._meta.db_table

    def check() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the process ended before the kill: {process.communicate()}")
        locks = locks_of(backend)
        check.seen = locks  # type: ignore[attr-defined]
        return locks.get(audit, ("", True))[1] is False and all(locks.get(t, ("", False))[1] for t in written)

    return check


# -- (a) a bulk approval, killed half-way ---------------------------------------------------------------

APPROVE = """
from django.db import connection
from jaring.core.models import User
from jaring.registry.models import Application
from jaring.verification.services import applications_approve
connection.ensure_connection()
print(connection.connection.info.backend_pid, flush=True)
ids = list(Application.objects.filter(status="awaiting_verification").order_by("pk").values_list("pk", flat=True))
result = applications_approve(ids=ids, actor=User.objects.get(username="dppp_verifier"))
print(len(result.approved), len(result.waitlisted), len(result.skipped), flush=True)
"""


def test_a_bulk_approval_killed_half_way_leaves_nothing_and_the_second_run_approves_all(
    bpn_2026: Programme, dppp_verifier: User, jaring: Callable[..., Any], hold_audit_table: Callable[..., Any]
) -> None:
    applications = queued_applications(bpn_2026, BATCH_SIZE)
    release = hold_audit_table()
    process = jaring("shell", "--no-imports", "-c", APPROVE)
    backend = backend_of(process)
    written = [Place._meta.db_table, Decision._meta.db_table, Application._meta.db_table]
    took = wait_for("places, decisions and statuses written", written_and_waiting(process, backend, written))
    kill_mid_transaction(process, backend, release)
    print(f"bulk approval of {BATCH_SIZE}: killed {took:.2f} s in, after its writes, before its audit records")

    assert Application.objects.filter(status=S.AWAITING_VERIFICATION).count() == BATCH_SIZE
    assert not Place.objects.exists()
    assert not Decision.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="application.").exists()
    assert not Notification.objects.exists()

    again = jaring("shell", "--no-imports", "-c", APPROVE)
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert out.split()[1:] == [str(BATCH_SIZE), "0", "0"]
    assert Application.objects.filter(status=S.APPROVED).count() == BATCH_SIZE
    assert Place.objects.filter(status=Place.Status.ACTIVE).count() == BATCH_SIZE
    assert set(Place.objects.values_list("application_id", flat=True)) == {a.pk for a in applications}
    assert Decision.objects.count() == BATCH_SIZE
    assert AuditRecord.objects.filter(action="application.approve").count() == BATCH_SIZE
    assert Notification.objects.count() == BATCH_SIZE


# -- (b) applying the BPJS branch's answer, killed half-way ------------------------------------------------


def answer_file(path: Path, applications: list[Application]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["NIK", "KPJ", "STATUS", "ALASAN"])
    for n, application in enumerate(applications):
        if n % 10 == 9:
            writer.writerow([application.person.nik, "", "ditolak", "NIK tidak padan dengan Dukcapil"])
        else:
            writer.writerow([application.person.nik, f"{20000000000 + n}", "diterima", ""])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


ANSWER = """
from django.db import connection
from django.core.management import call_command
connection.ensure_connection()
print(connection.connection.info.backend_pid, flush=True)
call_command("bpjs_answer", {path!r}, "--programme", "BPN-2026")
"""


@pytest.mark.today("2026-03-02")  # BPN-2026's cover runs: its members may still be enrolled
def test_a_bpjs_answer_killed_half_way_leaves_nothing_and_the_second_run_applies_it_once(
    bpn_2026: Programme,
    dppp_verifier: User,
    programme_manager: User,
    jaring: Callable[..., Any],
    hold_audit_table: Callable[..., Any],
    tmp_path: Path,
) -> None:
    applications = queued_applications(bpn_2026, BATCH_SIZE, start=1)  # serial 0000 is no valid NIK
    applications_approve(ids=[a.pk for a in applications], actor=dppp_verifier)
    batch = batch_create(programme=bpn_2026, actor=programme_manager)
    file = answer_file(tmp_path / "jawaban.csv", applications)
    release = hold_audit_table()
    process = jaring("shell", "--no-imports", "-c", ANSWER.format(path=str(file)))
    backend = backend_of(process)
    written = [Membership._meta.db_table, MembershipEvent._meta.db_table, BatchMember._meta.db_table]
    took = wait_for("memberships and batch members written", written_and_waiting(process, backend, written))
    kill_mid_transaction(process, backend, release)
    print(f"BPJS answer of {BATCH_SIZE} rows: killed {took:.2f} s in, after its memberships, before its audit")

    assert not Membership.objects.exists()
    assert not MembershipEvent.objects.exists()
    assert not ResponseImport.objects.exists()
    assert BatchMember.objects.filter(batch=batch, open=True).count() == BATCH_SIZE
    assert Application.objects.filter(status=S.APPROVED).count() == BATCH_SIZE
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.OPEN

    again = jaring("shell", "--no-imports", "-c", ANSWER.format(path=str(file)))
    _out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    accepted, rejected = BATCH_SIZE * 9 // 10, BATCH_SIZE // 10
    assert Membership.objects.filter(status=Membership.Status.ACTIVE).count() == accepted
    assert len(set(Membership.objects.values_list("kpj", flat=True))) == accepted
    assert MembershipEvent.objects.count() == accepted
    assert Application.objects.filter(status=S.ENROLLED).count() == accepted
    assert Application.objects.filter(status=S.APPROVED, status_reason__startswith="Ditolak BPJS").count() == rejected
    assert not BatchMember.objects.filter(batch=batch, open=True).exists()
    assert ResponseImport.objects.get().counts["accepted"] == accepted
    assert AuditRecord.objects.filter(action="application.enrol").count() == accepted


# -- (c) a long background job: the worker killed half-way through an import ----------------------------------

ROWS = 8000


def test_a_worker_killed_during_an_import_is_restarted_and_finishes_every_row_once(
    bpn_2026: Programme, registration_officer: User, jaring: Callable[..., Any]
) -> None:
    content = csv_bytes([good(n) for n in range(1, ROWS + 1)])
    batch, _checked = import_batch_start(
        programme=bpn_2026, actor=registration_officer, file_name="ojol.csv", content=content
    )
    worker = jaring("worker", "--interval", "0.2")
    took = wait_for(
        "the first chunk committed",
        lambda: ImportRow.objects.filter(batch=batch).exists() or worker.poll() is not None,
        timeout=30,
    )
    worker.send_signal(signal.SIGKILL)
    assert worker.wait(timeout=10) == -signal.SIGKILL
    stored = ImportRow.objects.filter(batch=batch).count()
    print(f"import of {ROWS} rows: worker killed {took:.2f} s in, with {stored} rows committed")
    assert 0 < stored < ROWS, "the kill must land between the first and the last chunk"
    assert stored % services.CHUNK_SIZE == 0, "whole chunks only"
    assert Application.objects.count() == stored
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.RUNNING  # as the killed worker left it

    restarted = jaring("worker", "--batch", "--interval", "0.1")
    out, err = restarted.communicate(timeout=60)
    assert restarted.returncode == 0, err
    assert "queued again" in out
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE, batch.error
    assert (batch.rows_done, batch.created_count) == (ROWS, ROWS)
    assert Application.objects.count() == ROWS
    assert ImportRow.objects.filter(batch=batch).count() == ROWS
    assert not Application.objects.values("person__nik").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert AuditRecord.objects.filter(action="task.requeue").count() == 1
    assert Job.objects.get(pk=batch.job_id).status == Job.Status.DONE
