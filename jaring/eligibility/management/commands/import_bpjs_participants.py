"""`jaring import-bpjs-participants FILE --funder CODE [--apply-sound-rows]`: load the BPJS branch's list of
existing participants from the command line.

Exit status: 0 when the file was processed, 1 when it was refused because of bad rows (without
--apply-sound-rows nothing is loaded), 2 when the file cannot be read at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.models import Funder
from jaring.eligibility.participants import participant_list_applied, participant_list_import

EXIT_REFUSED = 1
EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = "Load the BPJS branch's list of existing participants (CSV or XLSX: NIK, KPJ, segment, status)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file from the BPJS Ketenagakerjaan branch")
        parser.add_argument("--funder", required=True, help="code of the funder the list is for, e.g. balikpapan")
        parser.add_argument(
            "--apply-sound-rows",
            action="store_true",
            help="load the sound rows even when some rows are bad (otherwise nothing is loaded)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        funder = Funder.objects.filter(code=options["funder"]).first()
        if funder is None:
            raise CommandError(f"unknown funder {options['funder']!r}", returncode=EXIT_UNREADABLE)
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Berkas %(file)s tidak dapat dibuka: %(error)s") % {"file": path, "error": exc.strerror},
                returncode=EXIT_UNREADABLE,
            ) from None
        try:
            participant_list = participant_list_import(
                funder=funder,
                file_name=path.name,
                content=content,
                actor=Actor.system("cli"),
                apply_sound_rows=options["apply_sound_rows"],
            )
        except DomainError as exc:
            raise CommandError(exc.message, returncode=EXIT_UNREADABLE) from None
        self.stdout.write(
            _("%(file)s: %(total)s baris, %(loaded)s dimuat, %(rejected)s bermasalah.")
            % {
                "file": participant_list.file_name,
                "total": participant_list.rows_total,
                "loaded": participant_list.rows_loaded,
                "rejected": participant_list.rows_rejected,
            }
        )
        for problem in participant_list.problems:
            self.stdout.write(
                _("baris %(row)s, kolom %(column)s: %(message)s")
                % {"row": problem["row"], "column": problem["column"], "message": problem["message"]}
            )
        if (
            participant_list.rows_rejected
            and not options["apply_sound_rows"]
            and not participant_list_applied(participant_list)
        ):
            raise CommandError(
                _(
                    "Tidak ada yang dimuat karena ada baris bermasalah. Perbaiki berkasnya, atau jalankan lagi dengan "
                    "--apply-sound-rows untuk memuat baris yang benar saja."
                ),
                returncode=EXIT_REFUSED,
            )
