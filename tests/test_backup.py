"""`jaring backup` and `jaring restore`: what a programme holds (applications, places, memberships, audit
records, uploaded documents) comes back whole in an empty database, on SQLite and on PostgreSQL; a target that
holds data is refused unless --force."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from jaring.allocation.models import Place
from jaring.core.models import AuditRecord
from jaring.enrolment.models import Membership
from jaring.enrolment.services import Answer, batch_answers_apply, batch_create
from jaring.registry.models import Application, Document

ROOT = Path(__file__).resolve().parents[1]
JARING = [sys.executable, "-c", "from jaring.cli import main; main()"]

# Real commits: pg_dump and the SQLite backup API see only what is committed.
# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today("2026-11-03")]


@dataclass(frozen=True)
class Holdings:
    """What must come back, by table: the primary keys and one telling column of each row."""

    applications: dict[int, tuple[str, str]]  # pk -> (number, status)
    places: dict[int, str]  # pk -> status
    memberships: dict[int, str]  # pk -> KPJ
    audit: dict[int, str]  # pk -> action
    documents: list[str]  # stored file names, relative to MEDIA_ROOT


TABLES = {
    "applications": (Application._meta.db_table, "id, number, status"),
    "places": (Place._meta.db_table, "id, status"),
    "memberships": (Membership._meta.db_table, "id, kpj"),
    "audit": (AuditRecord._meta.db_table, "id, action"),
}


def holdings_here() -> Holdings:
    return Holdings(
        applications={a.pk: (a.number, a.status) for a in Application.objects.all()},
        places=dict(Place.objects.values_list("pk", "status")),
        memberships=dict(Membership.objects.values_list("pk", "kpj")),
        audit=dict(AuditRecord.objects.values_list("pk", "action")),
        documents=sorted(str(name) for name in Document.objects.values_list("file", flat=True)),
    )


def holdings_from(rows: dict[str, list[tuple[Any, ...]]], documents: list[str]) -> Holdings:
    return Holdings(
        applications={pk: (number, status) for pk, number, status in rows["applications"]},
        places=dict(rows["places"]),  # type: ignore[arg-type]
        memberships=dict(rows["memberships"]),  # type: ignore[arg-type]
        audit=dict(rows["audit"]),  # type: ignore[arg-type]
        documents=sorted(documents),
    )


def read_all(cursor: Any) -> tuple[dict[str, list[tuple[Any, ...]]], list[str]]:
    rows = {}
    for key, (table, columns) in TABLES.items():
        cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 (our own table names)
        rows[key] = [tuple(row) for row in cursor.fetchall()]
    cursor.execute(f"SELECT file FROM {Document._meta.db_table}")  # noqa: S608
    return rows, [row[0] for row in cursor.fetchall()]


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def a_programme_in_use(
    approved,
    bpn_2026,
    programme_manager,
    register,
    registration_officer,
    media,
) -> Holdings:
    """Six fishers approved with their documents and places, four of them enrolled by BPJS, one rejected by
    it; two more applications still waiting; every step audited."""
    made = approved(6)
    batch_create(programme=bpn_2026, actor=programme_manager)
    answers = [
        Answer(n + 2, a.person.nik, True, kpj=f"1234567890{n}", starts=date(2026, 12, 1))
        for n, a in enumerate(made[:4])
    ]
    answers.append(Answer(7, made[4].person.nik, False, reason="NIK tidak padan"))
    batch_answers_apply(programme=bpn_2026, answers=answers, actor=programme_manager)
    register(bpn_2026, registration_officer, sector="ojol", name="Sari Ojol")
    register(bpn_2026, registration_officer, name="Rudi Tanpa Berkas", documents=False)
    holdings = holdings_here()
    assert len(holdings.memberships) == 4 and len(holdings.places) == 6 and len(holdings.applications) == 8
    assert len(holdings.documents) >= 12 and len(holdings.audit) > 20
    for name in holdings.documents:
        assert (media / name).is_file()
    return holdings


def run_jaring(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`jaring ...` in its own process, with `env` over this one's; without DATABASE_URL there, it is SQLite."""
    merged = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    return subprocess.run([*JARING, *args], cwd=ROOT, env=merged, capture_output=True, text=True, timeout=120)


def backup_to(path: Path) -> Path:
    out = io.StringIO()
    call_command("backup", "--out", str(path), stdout=out)
    assert str(path) in out.getvalue()
    return path


def test_an_archive_says_what_it_holds(a_programme_in_use: Holdings, tmp_path: Path) -> None:
    archive = backup_to(tmp_path / "b.tar.gz")
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["format"] == "jaring-backup" and manifest["version"] == 1
    assert manifest["engine"] == connection.vendor
    assert manifest["database"] in names
    assert "registry" in manifest["migrations"]
    assert {f"media/{name}" for name in a_programme_in_use.documents} <= names


def test_what_the_backup_writes_is_dated_by_the_day_it_means(a_programme_in_use: Holdings, tmp_path: Path) -> None:
    archive = backup_to(tmp_path / "b.tar.gz")
    made = datetime.fromtimestamp(int.from_bytes(archive.read_bytes()[4:8], "little"), tz=UTC)  # the gzip header
    assert made.date() == date(2026, 11, 3)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        days = {datetime.fromtimestamp(tar.getmember(name).mtime, tz=UTC).date() for name in ("manifest.json", "media")}
    assert manifest["created_at"].startswith("2026-11-03") and days == {date(2026, 11, 3)}


def test_on_sqlite_everything_comes_back_in_a_fresh_file(a_programme_in_use: Holdings, tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite path; the PostgreSQL one is the next test")
    archive = backup_to(tmp_path / "b.tar.gz")
    fresh = tmp_path / "fresh"
    env = {"JARING_DATA_DIR": str(fresh), "JARING_MEDIA_ROOT": str(fresh / "media")}
    restored = run_jaring("restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(fresh / "jaring.sqlite3") as db:
        rows, documents = read_all(db.cursor())
    assert holdings_from(rows, documents) == a_programme_in_use
    for name in a_programme_in_use.documents:
        assert (fresh / "media" / name).read_bytes() == (tmp_path / "media" / name).read_bytes()

    again = run_jaring("restore", str(archive), env=env)
    assert again.returncode == 1
    assert "tidak kosong" in again.stderr and "--force" in again.stderr
    forced = run_jaring("restore", str(archive), "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    assert list(fresh.glob("media.before-restore-*")), "the old media folder is kept aside, not deleted"
    with sqlite3.connect(fresh / "jaring.sqlite3") as db:
        assert holdings_from(*read_all(db.cursor())) == a_programme_in_use


@pytest.fixture
def empty_postgres_database() -> Iterator[str]:
    """A new, empty database in the test run's cluster, dropped afterwards."""
    name = f"jaring_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    yield f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_on_postgresql_everything_comes_back_in_a_new_database(
    a_programme_in_use: Holdings, empty_postgres_database: str, tmp_path: Path
) -> None:
    import psycopg

    archive = backup_to(tmp_path / "b.tar.gz")
    env = {"DATABASE_URL": empty_postgres_database, "JARING_MEDIA_ROOT": str(tmp_path / "restored-media")}
    restored = run_jaring("restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    with psycopg.connect(empty_postgres_database) as db:
        rows, documents = read_all(db.cursor())
    assert holdings_from(rows, documents) == a_programme_in_use
    for name in a_programme_in_use.documents:
        assert (tmp_path / "restored-media" / name).read_bytes() == (tmp_path / "media" / name).read_bytes()

    refused = run_jaring("restore", str(archive), env=env)
    assert refused.returncode == 1 and "--force" in refused.stderr
    forced = run_jaring("restore", str(archive), "--force", env=env)
    assert forced.returncode == 0, forced.stderr
    with psycopg.connect(empty_postgres_database) as db:
        assert holdings_from(*read_all(db.cursor())) == a_programme_in_use


def test_a_file_that_is_not_a_backup_is_refused_with_exit_2(tmp_path: Path, db: None) -> None:
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar")
    fresh = tmp_path / "fresh"
    env = {"JARING_DATA_DIR": str(fresh), "JARING_MEDIA_ROOT": str(fresh / "media")}
    result = run_jaring("restore", str(bogus), env=env)
    assert result.returncode == 2, result.stderr
    assert "tidak dapat dibaca" in result.stderr
