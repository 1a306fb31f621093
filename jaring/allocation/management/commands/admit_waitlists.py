"""`jaring admit-waitlists`: admit every programme's waitlist into its free places now (the worker does it every
JARING_WAITLIST_SWEEP_MINUTES by itself; this is for cron, or after a change made outside the pages)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jaring.allocation.services import waitlists_admit
from jaring.core.actors import Actor


class Command(BaseCommand):
    help = "Admit each programme's waitlist into its free places (audited as the system)."

    def handle(self, *args: Any, **options: Any) -> None:
        admitted = waitlists_admit(actor=Actor.system("cli"))
        for code, count in admitted.items():
            self.stdout.write(f"{code}: {count} admitted from the waitlist.")
        if not admitted:
            self.stdout.write("No programme has both free places and people waiting.")
