"""`jaring demo`: migrate, seed the demo data, print the log-ins and the partner token, and serve."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from jaring.demo.data import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Seed demo data (SQLite by default) and run Jaring with its background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("JARING_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("JARING_PORT", "8000")))
        parser.add_argument("--reset", action="store_true", help="empty the database first")
        parser.add_argument("--no-serve", action="store_true", help="seed and print, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        result = demo_seed()
        url = f"http://{options['host']}:{options['port']}/"
        self._print_summary(url, result)
        if options["no_serve"]:
            return
        worker = subprocess.Popen([sys.executable, "-m", "jaring.cli", "worker"], env=os.environ.copy())
        try:
            call_command("serve", host=options["host"], port=options["port"], workers=2)
        finally:
            worker.terminate()
            worker.wait(timeout=15)

    def _print_summary(self, url: str, result: dict[str, Any]) -> None:
        database = settings.DATABASES["default"]
        w = self.stdout.write
        w("")
        w("=" * 78)
        w(f"Jaring demo  ·  {url}")
        w(f"Database: {str(database['ENGINE']).rsplit('.', 1)[-1]} {database['NAME']}")
        w(f"Applicants seeded this run: {result['applicants']}")
        w(f"Applicants (no log-in): self-registration {url}daftar/  ·  status check {url}status/")
        w("")
        w(f"Demo log-ins (password for all: {DEMO_PASSWORD})")
        for login in result["logins"]:
            w(f"  {login.username:<32} {login.role:<30} {login.scope}")
        w("")
        w("Demo partner API token (Kota Balikpapan; scopes registration, reports, membership):")
        w(f"  {result['token']}")
        w(f"  curl -H 'Authorization: Bearer {result['token']}' {url}api/v1/token")
        w(f"API docs: {url}api/v1/docs")
        w("=" * 78)
        self.stdout.flush()
