"""`jaring backup [--out FILE]`: the database and the media folder in one tar.gz (docs/operations.md).

Exit status: 0 when the archive was written, 3 when the database could not be dumped (pg_dump missing or
failing) or the archive could not be written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jaring.core.backup import BackupError, backup_create

EXIT_FAILED = 3


class Command(BaseCommand):
    help = "Back up the database (pg_dump or the SQLite backup API) and JARING_MEDIA_ROOT into one tar.gz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help="archive to write (default: $JARING_DATA_DIR/backups/jaring-<time>.tar.gz)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(out=options["out"])
        except (BackupError, OSError) as exc:
            message = exc.message if isinstance(exc, BackupError) else str(exc)
            raise CommandError(_("Pencadangan gagal: %(error)s") % {"error": message}, returncode=EXIT_FAILED) from None
        self.stdout.write(
            _("Cadangan %(engine)s ditulis ke %(path)s (%(size)s bita, %(files)s berkas media, sha256 %(sha)s).")
            % {
                "engine": result.engine,
                "path": result.path,
                "size": result.size,
                "files": result.media_files,
                "sha": result.sha256,
            }
        )
