"""`jaring restore FILE [--force]`: restore an archive made by `jaring backup` (docs/operations.md).

Exit status: 0 when restored; 1 when refused because the target database has tables or the media folder has
files (give --force to overwrite); 2 when the file is not a readable Jaring backup or was made for the other
database engine; 3 when pg_restore or SQLite failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jaring.core.backup import BackupError, backup_restore

EXIT_CODES = {BackupError.REFUSED: 1, BackupError.UNREADABLE: 2, BackupError.FAILED: 3}


class Command(BaseCommand):
    help = "Restore a backup made by `jaring backup` into an empty database and media folder (--force to overwrite)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="archive written by jaring backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite a database that has tables (they are dropped) and move the media folder aside",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(archive_path=options["file"], force=options["force"])
        except BackupError as exc:
            raise CommandError(exc.message, returncode=EXIT_CODES[exc.kind]) from None
        if result.media_moved_to is not None:
            self.stdout.write(_("Folder media lama dipindahkan ke %(path)s.") % {"path": result.media_moved_to})
        self.stdout.write(
            _(
                "Cadangan %(engine)s dari %(created)s dipulihkan (%(files)s berkas media). "
                "Jalankan `jaring migrate` bila versi Jaring ini lebih baru dari cadangannya."
            )
            % {"engine": result.engine, "created": result.created_at, "files": result.media_files}
        )
