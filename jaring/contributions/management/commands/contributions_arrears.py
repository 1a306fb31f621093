"""`jaring contributions-arrears [--programme CODE] [--on YYYY-MM-DD]`: bring memberships in line with their
arrears (non-active at three months in a row unpaid, active again once paid). Run it daily from cron; running
it twice changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jaring.contributions.models import BillingTerms
from jaring.contributions.services import arrears_apply
from jaring.core.actors import Actor
from jaring.programmes.models import Programme


class Command(BaseCommand):
    help = "Make members with three months unpaid non-active, and active again once paid."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", help="programme code (default: every programme whose payments are followed)")
        parser.add_argument("--on", type=date.fromisoformat, help="the day to judge, YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        programmes = Programme.objects.filter(
            pk__in=BillingTerms.objects.filter(tracked_from__isnull=False).values("programme_id")
        ).order_by("code")
        if options["programme"]:
            programmes = Programme.objects.filter(code=options["programme"])
            if not programmes.exists():
                raise CommandError(_("Program %(code)s tidak ditemukan.") % {"code": options["programme"]})
        for programme in programmes:
            outcome = arrears_apply(programme=programme, actor=Actor.system("cli"), on=options["on"])
            self.stdout.write(
                _("%(code)s: %(off)s dinonaktifkan karena tunggakan, %(on)s aktif kembali.")
                % {"code": programme.code, "off": outcome.deactivated, "on": outcome.reactivated}
            )
