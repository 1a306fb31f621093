"""`jaring api-token create --name NAME --funder CODE --scope SCOPE` (spec/api-core.md); also list and revoke."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.core.errors import DomainError
from jaring.core.models import ApiScope, ApiToken, Funder
from jaring.core.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Manage partner API tokens. The token is printed once; only its hash is stored."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("--name", required=True)
        create.add_argument("--funder", required=True, help="funder code, e.g. balikpapan")
        create.add_argument(
            "--scope", action="append", required=True, choices=ApiScope.values, help="repeat for several scopes"
        )
        sub.add_parser("list", help="list tokens (never their secrets)")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = "cli"
        if options["action"] == "create":
            funder = Funder.objects.filter(code=options["funder"]).first()
            if funder is None:
                known = ", ".join(Funder.objects.values_list("code", flat=True))
                raise CommandError(f"unknown funder {options['funder']!r}; known: {known}")
            try:
                token, secret = api_token_create(
                    name=options["name"], funder=funder, scopes=options["scope"], actor=actor
                )
            except DomainError as exc:
                raise CommandError(exc.message) from None
            self.stderr.write(f"Token for {token.name} ({funder.code}, scopes: {', '.join(token.scopes)}):")
            self.stdout.write(secret)
        elif options["action"] == "list":
            for token in ApiToken.objects.select_related("funder"):
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(
                    f"{token.prefix}…\t{token.funder.code}\t{token.name}\t{','.join(token.scopes)}\t{state}"
                )
        else:
            found = ApiToken.objects.filter(prefix=options["prefix"].rstrip("…"), revoked_at=None).first()
            if found is None:
                raise CommandError(f"no active token with prefix {options['prefix']!r}")
            api_token_revoke(token=found, actor=actor)
            self.stdout.write(f"revoked {found.prefix}… ({found.name})")
