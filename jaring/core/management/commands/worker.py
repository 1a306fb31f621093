"""`jaring worker`: runs queued background jobs (django-tasks database backend); stops cleanly on SIGTERM.

On start it queues again the tasks a killed worker of this host left half-done (core.services
`task_results_requeue_orphaned`), so restarting the worker after a crash finishes every job, and queues a first run
of each periodic task that has none waiting (settings.PERIODIC_TASKS: the waitlist sweep).
"""

from __future__ import annotations

import os
import socket
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from jaring.core.services import periodic_tasks_ensure, task_results_requeue_orphaned, worker_id_of


class Command(BaseCommand):
    help = "Run the background job worker (imports, exports, card PDFs). Stops cleanly on SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls when idle")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        host = socket.gethostname()
        for task_id in task_results_requeue_orphaned(host=host):
            self.stdout.write(f"Task {task_id} of a stopped worker queued again.")
        for path in periodic_tasks_ensure():
            self.stdout.write(f"Periodic task {path} queued.")
        worker_args = ["--interval", str(options["interval"]), "--no-startup-delay"]
        worker_args += ["--worker-id", worker_id_of(host=host, pid=os.getpid())]
        if options["batch"]:
            worker_args.append("--batch")
        call_command("db_worker", *worker_args)
