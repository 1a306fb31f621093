"""`jaring find-duplicates FILE [--programme CODE] [--against-registry] --out PAIRS.csv`
(../shared/spec/duplicates.md).

Compares an applicant list's rows with each other and, with --against-registry, with the persons of the
registry (of --programme's funder, or all). Writes the pairs judged to be one person, best first. Exit status:
0 when it ran (whatever it found), 2 when the file cannot be read, 1 for bad arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.duplicates import thresholds
from jaring.duplicates.checks import file_check
from jaring.programmes.models import Programme
from jaring.registry.imports.files import ImportFileError

EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = "Find records of one person in an applicant list (and against the registry); write the pairs as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the applicant list, XLSX or CSV (applicant-import.md)")
        parser.add_argument("--programme", help="programme code: compare with the persons of its funder")
        parser.add_argument("--against-registry", action="store_true", help="also compare with the registry")
        parser.add_argument("--out", required=True, help="where to write the pairs (CSV)")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = None
        if options["programme"]:
            programme = Programme.objects.select_related("funder").filter(code=options["programme"]).first()
            if programme is None:
                known = ", ".join(Programme.objects.order_by("code").values_list("code", flat=True))
                raise CommandError(f"unknown programme {options['programme']!r}; known: {known}")
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            message = _("Berkas %(file)s tidak dapat dibaca: %(problem)s.") % {"file": path, "problem": exc.strerror}
            raise CommandError(message, returncode=EXIT_UNREADABLE) from None
        started = clock.monotonic()
        try:
            check = file_check(content, programme=programme, against_registry=options["against_registry"])
        except ImportFileError as exc:
            raise CommandError(exc.message, returncode=EXIT_UNREADABLE) from None
        out = Path(options["out"])
        try:
            out.write_text(check.csv(), encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                _("Berkas %(file)s tidak dapat ditulis: %(problem)s.") % {"file": out, "problem": exc.strerror}
            ) from None
        run = check.run
        self.stderr.write(
            _(
                "%(rows)s baris dibandingkan%(registry)s: %(pairs)s pasangan dengan peluang orang yang sama minimal "
                "%(threshold)s ditulis ke %(out)s (%(seconds).1f dtk)."
            )
            % {
                "rows": run.records,
                "registry": (_(" dan %(n)s orang di registri") % {"n": run.others})
                if options["against_registry"]
                else "",
                "pairs": len(check.matches),
                "threshold": thresholds.SAME_PERSON,
                "out": out,
                "seconds": clock.monotonic() - started,
            }
        )
        if check.listed.unknown_columns:
            self.stderr.write(
                _("Kolom tidak dikenal (diabaikan): %(columns)s.")
                % {"columns": ", ".join(check.listed.unknown_columns)}
            )
        if check.listed.missing_columns:
            self.stderr.write(
                _("Kolom tidak ada, dibandingkan tanpanya: %(columns)s.")
                % {"columns": ", ".join(check.listed.missing_columns)}
            )
