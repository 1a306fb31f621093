"""`jaring aid-delivery-list PROGRAMME YYYY-MM [--output FILE] [--full-nik]`: write a goods programme's delivery
list of a month (XLSX, with a column to sign) to a file, for printing where the pages are out of reach.

The operator runs it on the server, so it reads every funder's programmes; NIKs are masked unless --full-nik.
Exit status: 0 written; 2 unknown programme or not a goods programme; 1 for a bad month."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jaring.aid.exports import delivery_list_xlsx, file_stem
from jaring.aid.selectors import delivery_sheet, period_of, sheet_counts
from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.services import access_log_write
from jaring.programmes.models import Programme

EXIT_UNKNOWN = 2


class Command(BaseCommand):
    help = "Write a goods programme's delivery list of a month (XLSX, with a signature column) to a file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("programme", help="programme code, e.g. BPN-SEMBAKO-2026")
        parser.add_argument("month", help="the month, YYYY-MM (for aid given once, any month of its cover)")
        parser.add_argument("--output", help="the file to write (default: penyerahan-CODE-YYYY-MM.xlsx here)")
        parser.add_argument("--full-nik", action="store_true", help="print NIKs in full (masked by default)")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.select_related("funder").filter(code=options["programme"]).first()
        if programme is None:
            raise CommandError(
                _("Program %(code)s tidak ditemukan.") % {"code": options["programme"]}, returncode=EXIT_UNKNOWN
            )
        if not programme.gives_goods:
            raise CommandError(
                _("Program %(code)s bukan program bantuan barang.") % {"code": programme.code}, returncode=EXIT_UNKNOWN
            )
        try:
            period = period_of(programme, options["month"])
        except DomainError as exc:
            raise CommandError(exc.message) from None
        rows = delivery_sheet(programme, period)
        path = Path(options["output"] or f"{file_stem(programme, period)}.xlsx")
        try:
            path.write_bytes(delivery_list_xlsx(programme, period, rows, full_nik=options["full_nik"]))
        except OSError as exc:
            raise CommandError(
                _("Berkas %(file)s tidak dapat ditulis: %(error)s") % {"file": path, "error": exc}
            ) from None
        access_log_write(
            actor=Actor.system("cli"),
            person_ref=f"aid:{programme.code}:{period:%Y-%m}",
            person_label=f"{programme.code} {period:%Y-%m}",
            what="aid_delivery_list_cli",
            funder=programme.funder,
        )
        counts = sheet_counts(rows)
        self.stdout.write(
            _("%(file)s: %(total)s penerima, %(received)s diterima, %(missed)s tidak diterima.")
            % {"file": path, "total": len(rows), "received": counts["received"], "missed": counts["missed"]}
        )
