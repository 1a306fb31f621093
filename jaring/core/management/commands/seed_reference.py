from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jaring.core.reference import seed_reference


class Command(BaseCommand):
    help = "Seed regions, funders, agencies, sectors, UMK and holidays (idempotent; edits are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province", action="append", default=None, help="Kemendagri province code to load (default 64)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_reference(options["province"])
        self.stdout.write(", ".join(f"{name}: +{n}" for name, n in counts.items()))
