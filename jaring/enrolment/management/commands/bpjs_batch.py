"""`jaring bpjs-batch --programme CODE [--out FILE.xlsx|FILE.csv]`: freeze the programme's ready places into a
new batch for the BPJS branch and write its collective registration file.

Exit status: 0 when a batch was made, 1 when nobody is ready (no batch is made), 2 for a wrong programme code
or output file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.enrolment.batches.files import batch_download_log, batch_file
from jaring.enrolment.services import batch_create
from jaring.programmes.models import Programme

EXIT_NOTHING = 1
EXIT_USAGE = 2
ACTOR = Actor.system("cli")


class Command(BaseCommand):
    help = "Make a batch of the programme's approved places for the BPJS branch and write its file (XLSX or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, help="programme code, e.g. BPN-2026")
        parser.add_argument("--out", help="file to write: .xlsx or .csv (none: only make the batch)")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.select_related("funder").filter(code=options["programme"]).first()
        if programme is None:
            raise CommandError(
                _("Program %(code)s tidak ditemukan.") % {"code": options["programme"]}, returncode=EXIT_USAGE
            )
        out = Path(options["out"]) if options.get("out") else None
        fmt = out.suffix.lower().lstrip(".") if out is not None else ""
        if out is not None:
            if fmt not in ("xlsx", "csv"):
                raise CommandError(
                    _("Berkas keluaran harus berakhiran .xlsx atau .csv: %(file)s") % {"file": out},
                    returncode=EXIT_USAGE,
                )
            if not out.parent.is_dir():
                raise CommandError(_("Folder %(folder)s tidak ada.") % {"folder": out.parent}, returncode=EXIT_USAGE)
        try:
            batch = batch_create(programme=programme, actor=ACTOR)
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_NOTHING) from None
        count = batch.members.count()
        self.stdout.write(
            _("Batch %(number)s dibuat dengan %(count)s peserta.") % {"number": batch.number, "count": count}
        )
        if out is not None:
            content, _content_type, _name = batch_file(batch, fmt)
            try:
                out.write_bytes(content)
            except OSError as exc:
                raise CommandError(
                    _(
                        "Berkas %(file)s tidak dapat ditulis: %(error)s. Batch %(number)s tetap dibuat; unduh "
                        "berkasnya dari halaman batch."
                    )
                    % {"file": out, "error": exc.strerror, "number": batch.number},
                    returncode=EXIT_USAGE,
                ) from None
            batch_download_log(batch=batch, fmt=fmt, actor=ACTOR, path=str(out))
            self.stdout.write(_("Berkas ditulis: %(file)s") % {"file": out})
