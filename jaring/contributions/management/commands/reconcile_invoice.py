"""`jaring reconcile-invoice FILE --programme CODE [--month YYYY-MM] [--result OUT.xlsx]`: reconcile the BPJS
branch's invoice of a month against the programme's members (../shared/spec/bpjs-invoice.md).

Exit status: 0 when reconciled, whatever the rows' statuses (the same file again: 0, nothing changes); 2 when
the file cannot be read at all (nothing is stored) or the programme is unknown; 1 for bad arguments (a file
billing several months without --month, a paid invoice to replace).
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jaring.contributions.invoice_read import InvoiceFileError
from jaring.contributions.invoices import Reconciled, invoice_import
from jaring.contributions.models import LineStatus
from jaring.contributions.reconcile import rupiah_text
from jaring.contributions.result import result_write
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.programmes.models import Programme

EXIT_UNREADABLE = 2
MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")


class Command(BaseCommand):
    help = "Reconcile a BPJS contribution invoice (XLSX or CSV) against a programme's members."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the invoice from the BPJS Ketenagakerjaan branch (XLSX or CSV)")
        parser.add_argument("--programme", required=True, help="programme code, e.g. BPN-2026")
        parser.add_argument("--month", help="the month billed, YYYY-MM (needed only when the file bills several)")
        parser.add_argument("--result", help="write the result file (XLSX) to this path")

    def handle(self, *args: Any, **options: Any) -> None:
        month = _month(options["month"]) if options["month"] else None
        programme = Programme.objects.select_related("funder").filter(code=options["programme"]).first()
        if programme is None:
            raise CommandError(
                _("Program %(code)s tidak ditemukan.") % {"code": options["programme"]}, returncode=EXIT_UNREADABLE
            )
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Berkas %(file)s tidak dapat dibuka.") % {"file": path}, returncode=EXIT_UNREADABLE)
        started = clock.monotonic()
        try:
            outcome = invoice_import(
                programme=programme, file_name=path.name, content=path, actor=Actor.system("cli"), month=month
            )
        except InvoiceFileError as exc:
            raise CommandError(exc.message, returncode=EXIT_UNREADABLE) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self._report(outcome, programme, seconds=clock.monotonic() - started)
        if options["result"]:
            result_write(outcome.invoice, Path(options["result"]))
            self.stdout.write(_("Berkas hasil: %(file)s") % {"file": options["result"]})

    def _report(self, outcome: Reconciled, programme: Programme, *, seconds: float) -> None:
        """What happened to the file (to stderr), then the invoice's figures per status."""
        invoice = outcome.invoice
        if outcome.unchanged:
            sys.stderr.write(
                _("Berkas yang sama sudah dicocokkan sebagai tagihan #%(id)s; tidak ada yang berubah.\n")
                % {"id": invoice.pk}
            )
        elif outcome.replaced is not None:
            sys.stderr.write(
                _("Tagihan #%(old)s bulan ini diganti oleh tagihan koreksi #%(new)s.\n")
                % {"old": outcome.replaced.pk, "new": invoice.pk}
            )
        self.stdout.write(
            _("Tagihan #%(id)s %(code)s bulan %(month)s: %(rows)s baris dibaca (%(seconds).1f dtk).")
            % {
                "id": invoice.pk,
                "code": programme.code,
                "month": f"{invoice.month:%m/%Y}",
                "rows": invoice.rows,
                "seconds": seconds,
            }
        )
        for status in LineStatus:
            found = invoice.summary.get(status.value, {})
            self.stdout.write(
                f"  {status.value:<15} {found.get('count', 0):>9}  {rupiah_text(int(found.get('sum', 0))):>18}"
            )
        self.stdout.write(
            _(
                "Jumlah tagihan %(invoiced)s; iuran seharusnya %(expected)s (%(members)s peserta); "
                "diusulkan dibayar %(proposed)s."
            )
            % {
                "invoiced": rupiah_text(invoice.invoiced),
                "expected": rupiah_text(invoice.expected),
                "members": invoice.summary.get("members", 0),
                "proposed": rupiah_text(invoice.proposed),
            }
        )


def _month(text: str) -> date:
    match = MONTH.fullmatch(text)
    if match is None or not 1 <= int(match["month"]) <= 12:
        raise CommandError(_("--month ditulis YYYY-MM, misalnya 2026-11."))
    return date(int(match["year"]), int(match["month"]), 1)
