"""Backups of a whole installation: the database and the files under JARING_MEDIA_ROOT, in one tar.gz.

The archive (format 1, documented in docs/operations.md) holds:

  manifest.json       what the archive is: format, engine, creation time, the latest migration of each app
  database.dump       PostgreSQL: `pg_dump --format=custom` (restored with `pg_restore`)
  database.sqlite3    SQLite: a copy made with the sqlite3 online backup API (consistent while the app runs)
  media/...           every file under JARING_MEDIA_ROOT (documents, import originals, generated files)

The database is dumped first and the media folder read afterwards: documents are written to disk before the
row naming them commits, so every file the dump refers to is already there when the folder is read. Files
written meanwhile are extra, and harmless.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from jaring.core import clock

FORMAT = "jaring-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
PG_BIN_DIRS = (Path("/usr/lib/postgresql/15/bin"),)


class BackupError(Exception):
    """A backup or restore that cannot go on; `kind` says which exit code the command gives."""

    REFUSED = "refused"  # the target holds data and --force was not given
    UNREADABLE = "unreadable"  # not a Jaring backup, damaged, or made for the other database engine
    FAILED = "failed"  # pg_dump / pg_restore / sqlite failed, or a binary is missing

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    sha256: str
    engine: str
    media_files: int


@dataclass(frozen=True)
class RestoreResult:
    engine: str
    created_at: str
    media_files: int
    media_moved_to: Path | None


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(_("Basis data %(vendor)s tidak didukung.") % {"vendor": vendor}, BackupError.FAILED)
    return vendor


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore of PostgreSQL 15 when installed (the server's version), else the one on PATH."""
    for folder in PG_BIN_DIRS:
        if (folder / name).is_file():
            return str(folder / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _("Program %(tool)s tidak ditemukan; pasang postgresql-client-15.") % {"tool": name}, BackupError.FAILED
        )
    return found


def _pg_connection_args() -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment naming the database Django is connected to (the password goes
    in the environment, never on a command line that `ps` shows)."""
    db = connection.settings_dict
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    # The command is built here from fixed tool paths and the configured database, never from user input.
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        tool = Path(command[0]).name
        detail = (completed.stderr or completed.stdout).strip()[-2000:]
        raise BackupError(
            _("%(tool)s gagal (kode %(code)s): %(detail)s")
            % {"tool": tool, "code": completed.returncode, "detail": detail},
            BackupError.FAILED,
        )


def _dump_database(engine: str, target: Path) -> None:
    if engine == "postgresql":
        args, env = _pg_connection_args()
        # --no-owner / --no-privileges: the archive restores into a database owned by another role.
        _run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args], env
        )
        return
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        # The online backup API copies a consistent snapshot while the web server and worker keep writing.
        connection.connection.backup(destination)
    finally:
        destination.close()


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def default_backup_path() -> Path:
    return Path(settings.DATA_DIR) / "backups" / f"jaring-{clock.local():%Y%m%d-%H%M%S}.tar.gz"


def backup_create(*, out: Path | None = None) -> BackupResult:
    """Write a backup archive to `out` (default: $JARING_DATA_DIR/backups/jaring-<time>.tar.gz). The archive
    appears only when complete: it is written next to its final name and renamed."""
    engine = _engine()
    path = Path(out) if out is not None else default_backup_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    partial = path.with_name(path.name + ".part")
    media_files = 0
    with tempfile.TemporaryDirectory(prefix="jaring-backup-") as work:
        dump = Path(work) / DUMP_NAMES[engine]
        _dump_database(engine, dump)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": clock.now().isoformat(),
            "engine": engine,
            "database": DUMP_NAMES[engine],
            "migrations": _latest_migrations(),
        }
        manifest_file = Path(work) / MANIFEST
        manifest_file.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        # What the backup itself writes (the gzip header, the manifest, the dump, the media folder) is dated by
        # Jaring's clock, like its `created_at`; the media files keep their own dates.
        made = clock.now().timestamp()
        try:
            with (
                partial.open("wb") as raw,
                gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=made) as zipped,
                tarfile.open(fileobj=zipped, mode="w") as archive,
            ):
                _add_made(archive, manifest_file, MANIFEST, made)
                _add_made(archive, dump, DUMP_NAMES[engine], made)
                _add_made(archive, _empty_dir(Path(work)), MEDIA, made)
                if media_root.is_dir():
                    for file in sorted(media_root.rglob("*")):
                        # Only regular files: a symlink could point anywhere on the server.
                        if file.is_file() and not file.is_symlink():
                            archive.add(file, arcname=f"{MEDIA}/{file.relative_to(media_root).as_posix()}")
                            media_files += 1
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return BackupResult(
        path=path, size=path.stat().st_size, sha256=digest.hexdigest(), engine=engine, media_files=media_files
    )


def _add_made(archive: tarfile.TarFile, path: Path, arcname: str, made: float) -> None:
    """Add a file or an (empty) folder the backup made, dated `made`."""
    info = archive.gettarinfo(path, arcname=arcname)
    info.mtime = int(made)
    if info.isdir():
        archive.addfile(info)
        return
    with path.open("rb") as handle:
        archive.addfile(info, handle)


def _empty_dir(work: Path) -> Path:
    folder = work / "empty"
    folder.mkdir(exist_ok=True)
    return folder


# -- restoring -------------------------------------------------------------------------------------------


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member is not None else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("Berkas ini bukan cadangan Jaring (manifest.json tidak ada)."), BackupError.UNREADABLE)
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            _("Format cadangan versi %(version)s tidak dikenal oleh versi Jaring ini.")
            % {"version": manifest.get("version")},
            BackupError.UNREADABLE,
        )
    return manifest


def database_tables() -> list[str]:
    """The tables of the target database: an empty database has none (not even a migrated, empty schema)."""
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _media_entries(media_root: Path) -> list[Path]:
    return list(media_root.iterdir()) if media_root.is_dir() else []


def backup_restore(*, archive_path: Path, force: bool = False) -> RestoreResult:
    """Restore an archive into the configured database and media folder.

    Refuses (BackupError.REFUSED) when the database has any table or the media folder any file, unless
    `force`: then the database's tables are dropped first and the media folder is moved aside (renamed with
    the time of the restore), never deleted."""
    engine = _engine()
    try:
        archive = tarfile.open(archive_path, "r:gz")  # noqa: SIM115 (closed by the `with` below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(
            _("Berkas %(file)s tidak dapat dibaca sebagai cadangan: %(error)s") % {"file": archive_path, "error": exc},
            BackupError.UNREADABLE,
        ) from None
    media_root = Path(settings.MEDIA_ROOT)
    with archive, tempfile.TemporaryDirectory(prefix="jaring-restore-") as work:
        manifest = _read_manifest(archive)
        if manifest.get("engine") != engine:
            raise BackupError(
                _("Cadangan ini dari basis data %(from)s; basis data tujuan adalah %(to)s.")
                % {"from": manifest.get("engine"), "to": engine},
                BackupError.UNREADABLE,
            )
        tables = database_tables()
        media = _media_entries(media_root)
        if (tables or media) and not force:
            raise BackupError(
                _(
                    "Tujuan pemulihan tidak kosong: basis data %(db)s berisi %(tables)s tabel dan folder %(media)s "
                    "berisi %(files)s berkas. Pemulihan tidak menimpa data. Gunakan basis data dan folder baru, "
                    "atau jalankan lagi dengan --force untuk menimpa (folder media lama disimpan dengan nama lain)."
                )
                % {
                    "db": connection.settings_dict["NAME"],
                    "tables": len(tables),
                    "media": media_root,
                    "files": len(media),
                },
                BackupError.REFUSED,
            )
        try:
            # The "data" filter refuses absolute paths, "..", links out of the folder and device files.
            archive.extractall(work, filter="data")
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(_("Cadangan rusak: %(error)s") % {"error": exc}, BackupError.UNREADABLE) from None
        dump = Path(work) / str(manifest.get("database", ""))
        if not dump.is_file() or dump.name not in DUMP_NAMES.values():
            raise BackupError(_("Cadangan tidak berisi salinan basis data."), BackupError.UNREADABLE)
        if tables:
            _drop_tables(tables)
        _restore_database(engine, dump)
        moved = _move_aside(media_root) if media else None
        restored_media = Path(work) / MEDIA
        media_files = sum(1 for f in restored_media.rglob("*") if f.is_file()) if restored_media.is_dir() else 0
        media_root.parent.mkdir(parents=True, exist_ok=True)
        if restored_media.is_dir():
            shutil.copytree(restored_media, media_root, dirs_exist_ok=True)
        else:
            media_root.mkdir(exist_ok=True)
    return RestoreResult(
        engine=engine, created_at=str(manifest.get("created_at", "")), media_files=media_files, media_moved_to=moved
    )


def _drop_tables(tables: list[str]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: CASCADE takes the foreign keys between them and the sequences they own.
            cursor.execute("DROP TABLE IF EXISTS " + ", ".join(quote(t) for t in tables) + " CASCADE")
            return
    # SQLite: the backup API below replaces every page of the file, tables included.


def _restore_database(engine: str, dump: Path) -> None:
    if engine == "postgresql":
        connection.close()
        args, env = _pg_connection_args()
        # --single-transaction with --exit-on-error: a failed restore leaves the database as it was.
        _run(
            [
                pg_tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(dump),
            ],
            env,
        )
        return
    connection.ensure_connection()
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as exc:
        raise BackupError(_("Pemulihan SQLite gagal: %(error)s") % {"error": exc}, BackupError.FAILED) from None
    finally:
        source.close()
    connection.close()


def _move_aside(media_root: Path) -> Path:
    aside = media_root.with_name(f"{media_root.name}.before-restore-{clock.local():%Y%m%d-%H%M%S}")
    media_root.rename(aside)
    return aside
