"""`jaring reports-refresh [--programme CODE ...] [--queue]`: count the dashboards' figures again and republish
the open data, at once (for cron) or, with --queue, in the worker.

Exit status: 0 when counted (or queued), 2 when a programme named is unknown.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jaring.core.actors import Actor
from jaring.programmes.models import Programme
from jaring.reports.tasks import programmes_to_count, refresh_all, refresh_start

EXIT_UNKNOWN = 2


class Command(BaseCommand):
    help = "Count the report figures of every programme (or those named) again and republish the open data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", action="append", default=[], help="programme code; repeat for several")
        parser.add_argument("--queue", action="store_true", help="queue the work for `jaring worker` instead")

    def handle(self, *args: Any, **options: Any) -> None:
        codes: list[str] = options["programme"]
        known = set(Programme.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise CommandError(
                _("Program %(code)s tidak ditemukan.") % {"code": ", ".join(unknown)}, returncode=EXIT_UNKNOWN
            )
        if options["queue"]:
            job = refresh_start(actor=Actor.system("cli"), codes=codes)
            self.stdout.write(_("Dijadwalkan: pekerjaan latar #%(id)s.") % {"id": job.pk})
            return
        for code, seconds in refresh_all(programmes_to_count(codes)).items():
            self.stdout.write(f"{code}: {seconds:.2f} s")
