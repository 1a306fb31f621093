"""`jaring serve`: gunicorn, a production-grade WSGI server, with static files served by WhiteNoise."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run Jaring with gunicorn (static files served by the app). Not runserver."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("JARING_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("JARING_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("JARING_WEB_WORKERS", "3")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("JARING_WEB_THREADS", "2")))
        parser.add_argument("--no-collectstatic", action="store_true", help="skip collecting static files")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        from gunicorn.app.base import BaseApplication

        from jaring.wsgi import application

        bind = f"{options['host']}:{options['port']}"

        class Server(BaseApplication):
            def load_config(self) -> None:
                self.cfg.set("bind", bind)
                self.cfg.set("workers", options["workers"])
                self.cfg.set("threads", options["threads"])
                self.cfg.set("timeout", 60)
                self.cfg.set("accesslog", "-")
                self.cfg.set("proc_name", "jaring")

            def load(self) -> Any:
                return application

        self.stdout.write(f"Jaring: http://{bind}/")
        Server().run()
