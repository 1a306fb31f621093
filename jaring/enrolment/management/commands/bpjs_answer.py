"""`jaring bpjs-answer FILE --programme CODE [--apply-sound-rows]`: import the BPJS branch's answer to the
programme's batches from the command line.

Exit status: 0 when the answer was applied, 1 when it was refused because of bad rows (without
--apply-sound-rows nothing is applied), 2 when the file cannot be read at all or the programme is unknown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.enrolment.answers import MAX_FILE_BYTES, answer_import
from jaring.enrolment.models import ResponseImport
from jaring.programmes.models import Programme

EXIT_REFUSED = 1
EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = "Import the BPJS branch's answer (CSV or XLSX: NIK, KPJ, status, reason, start date) for a programme."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file from the BPJS Ketenagakerjaan branch")
        parser.add_argument("--programme", required=True, help="programme code, e.g. BPN-2026")
        parser.add_argument(
            "--apply-sound-rows",
            action="store_true",
            help="apply the sound rows even when some rows are bad (otherwise nothing is applied)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.select_related("funder").filter(code=options["programme"]).first()
        if programme is None:
            raise CommandError(
                _("Program %(code)s tidak ditemukan.") % {"code": options["programme"]}, returncode=EXIT_UNREADABLE
            )
        path = Path(options["file"])
        try:
            with path.open("rb") as handle:
                content = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise CommandError(
                _("Berkas %(file)s tidak dapat dibuka: %(error)s") % {"file": path, "error": exc.strerror},
                returncode=EXIT_UNREADABLE,
            ) from None
        try:
            response = answer_import(
                programme=programme,
                file_name=path.name,
                content=content,
                actor=Actor.system("cli"),
                apply_sound_rows=options["apply_sound_rows"],
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_UNREADABLE) from None
        counts = response.counts
        self.stdout.write(
            _(
                "%(file)s: %(rows)s baris; %(accepted)s diterima, %(rejected)s ditolak, %(unchanged)s tidak berubah, "
                "%(unknown)s tidak cocok, %(conflicting)s bertentangan, %(bad)s bermasalah."
            )
            % {
                "file": response.file_name,
                "rows": counts.get("rows", 0),
                "accepted": counts.get("accepted", 0),
                "rejected": counts.get("rejected", 0),
                "unchanged": counts.get("unchanged", 0),
                "unknown": counts.get("unknown", 0),
                "conflicting": counts.get("conflicting", 0),
                "bad": counts.get("bad", 0),
            }
        )
        for problem in response.problems:
            self.stdout.write(
                _("baris %(row)s, kolom %(column)s: %(message)s")
                % {"row": problem["row"], "column": problem["column"], "message": problem["message"]}
            )
        if response.status == ResponseImport.Status.REFUSED:
            raise CommandError(
                _(
                    "Tidak ada yang diterapkan karena ada baris bermasalah. Perbaiki berkasnya, atau jalankan lagi "
                    "dengan --apply-sound-rows untuk menerapkan baris yang benar saja."
                ),
                returncode=EXIT_REFUSED,
            )
