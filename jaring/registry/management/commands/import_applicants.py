"""`jaring import-applicants FILE --programme CODE [--result RESULT.xlsx]`: import an applicant list in this
process, printing progress to stderr and a summary to stdout (docs/import.md).

Exit status: 0 when the file was processed (even with rejected rows), 2 when the file cannot be read or
imported as a whole (nothing is stored then), 3 when stopped by SIGTERM (resume with --resume BATCH_ID),
1 for bad arguments.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.models import User
from jaring.programmes.models import Programme
from jaring.registry.imports.files import ImportFileError
from jaring.registry.imports.results import result_path
from jaring.registry.imports.services import B, import_batch_run, import_batch_start, import_check_may
from jaring.registry.models import ImportBatch
from jaring.registry.tasks import stop_on_sigterm

EXIT_UNREADABLE = 2
EXIT_INTERRUPTED = 3


class Command(BaseCommand):
    help = "Import an applicant list (XLSX or CSV) into a programme; prints progress and a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the XLSX or CSV file (not needed with --resume)")
        parser.add_argument("--programme", help="programme code, e.g. BPN-2026")
        parser.add_argument("--result", help="also write the result file (XLSX) to this path")
        parser.add_argument(
            "--documents-checked-by",
            default="",
            help='who checked the documents on paper, e.g. "Kelurahan Manggar"; the documents then count as present',
        )
        parser.add_argument("--resume", type=int, metavar="BATCH_ID", help="finish an interrupted import")
        parser.add_argument("--actor", help="username recorded as the importer (default: cli)")
        parser.add_argument("--chunk-size", type=int, default=2000, help="rows stored per transaction (default 2000)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("cli")
        if options["actor"]:
            user = User.objects.filter(username=options["actor"], is_active=True).first()
            if user is None:
                raise CommandError(f"unknown or inactive user {options['actor']!r}")
            actor = Actor.officer(user)
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")
        try:
            if options["resume"]:
                batch = ImportBatch.objects.select_related("programme").filter(pk=options["resume"]).first()
                if batch is None:
                    raise CommandError(f"no import batch {options['resume']}")
                import_check_may(actor=actor, programme=batch.programme)
                checked = None
            else:
                batch, checked = self._start(actor, options)
        except ImportFileError as exc:
            raise CommandError(exc.message, returncode=EXIT_UNREADABLE) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if batch.status != B.DONE:
            batch = self._run(batch, checked, options["chunk_size"])
        self._summary(batch, options["result"])

    def _start(self, actor: Actor, options: dict[str, Any]) -> tuple[ImportBatch, Any]:
        if not options["file"] or not options["programme"]:
            raise CommandError("give FILE and --programme CODE, or --resume BATCH_ID")
        programme = Programme.objects.filter(code=options["programme"]).first()
        if programme is None:
            known = ", ".join(Programme.objects.values_list("code", flat=True))
            raise CommandError(f"unknown programme {options['programme']!r}; known: {known}")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            message = _("Berkas %(file)s tidak dapat dibaca: %(problem)s.") % {"file": path, "problem": exc.strerror}
            raise CommandError(message, returncode=EXIT_UNREADABLE) from None
        batch, checked = import_batch_start(
            programme=programme,
            actor=actor,
            file_name=path.name,
            content=content,
            documents_checked_by=options["documents_checked_by"],
            enqueue=False,
        )
        if checked is None:
            self.stderr.write(
                _("Berkas yang sama sudah mulai diimpor ke %(programme)s (impor #%(id)s); impor itu dilanjutkan.")
                % {"programme": programme.code, "id": batch.pk}
            )
        else:
            self.stderr.write(
                _("Impor #%(id)s: %(rows)s baris dari %(file)s ke %(programme)s.")
                % {"id": batch.pk, "rows": checked.rows_filled, "file": path.name, "programme": programme.code}
            )
        return batch, checked

    def _run(self, batch: ImportBatch, checked: Any, chunk_size: int) -> ImportBatch:
        started = clock.monotonic()

        def progress(current: ImportBatch) -> None:
            percent = current.rows_done * 100 // max(current.rows_total, 1)
            self.stderr.write(
                _(
                    "%(done)s/%(total)s baris (%(percent)s%%): %(created)s dibuat, %(duplicate)s duplikat, "
                    "%(rejected)s ditolak, %(seconds).1f dtk"
                )
                % {
                    "done": current.rows_done,
                    "total": current.rows_total,
                    "percent": percent,
                    "created": current.created_count,
                    "duplicate": current.duplicate_count,
                    "rejected": current.rejected_count,
                    "seconds": clock.monotonic() - started,
                }
            )

        try:
            with stop_on_sigterm() as stop:
                batch = import_batch_run(
                    batch=batch, checked=checked, stop=stop, on_progress=progress, chunk_size=chunk_size
                )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_UNREADABLE) from None
        if batch.status == B.INTERRUPTED:
            self.stderr.write(
                _("Dihentikan setelah %(done)s baris. Lanjutkan dengan: jaring import-applicants --resume %(id)s")
                % {"done": batch.rows_done, "id": batch.pk}
            )
            sys.exit(EXIT_INTERRUPTED)
        return batch

    def _summary(self, batch: ImportBatch, result: str | None) -> None:
        self.stdout.write(
            _(
                "Impor #%(id)s selesai: %(created)s dibuat, %(duplicate)s duplikat, %(rejected)s ditolak "
                "(%(total)s baris)."
            )
            % {
                "id": batch.pk,
                "created": batch.created_count,
                "duplicate": batch.duplicate_count,
                "rejected": batch.rejected_count,
                "total": batch.rows_counted,
            }
        )
        if batch.unknown_columns:
            self.stdout.write(
                _("Kolom tidak dikenal (diabaikan): %(columns)s.") % {"columns": ", ".join(batch.unknown_columns)}
            )
        source = result_path(batch)
        if result:
            shutil.copyfile(source, result)
            self.stdout.write(_("Berkas hasil: %(path)s") % {"path": result})
        else:
            self.stdout.write(_("Berkas hasil: %(path)s") % {"path": source})
