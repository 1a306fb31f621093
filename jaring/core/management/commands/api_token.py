"""`jaring api-token create --name NAME --funder CODE --scope SCOPE [--agency CODE]` (spec/api-core.md); also list
and revoke. An agency's own system gets a token with the "verification" scope and `--agency` (its office code)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.models import Agency, ApiScope, ApiToken, Funder
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
        create.add_argument(
            "--agency",
            help="code of an office of the funder, e.g. dppp: the token acts for its verification queue",
        )
        sub.add_parser("list", help="list tokens (never their secrets)")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("cli")
        if options["action"] == "create":
            funder = Funder.objects.filter(code=options["funder"]).first()
            if funder is None:
                known = ", ".join(Funder.objects.values_list("code", flat=True))
                raise CommandError(f"unknown funder {options['funder']!r}; known: {known}")
            agency = None
            if options["agency"]:
                agency = Agency.objects.filter(funder=funder, code__iexact=options["agency"].strip()).first()
                if agency is None:
                    known = ", ".join(Agency.objects.filter(funder=funder).values_list("code", flat=True))
                    raise CommandError(f"unknown agency {options['agency']!r} of {funder.code}; known: {known}")
            try:
                token, secret = api_token_create(
                    name=options["name"], funder=funder, scopes=options["scope"], actor=actor, agency=agency
                )
            except DomainError as exc:
                raise CommandError(exc.message) from None
            acting = f", agency: {agency.code}" if agency is not None else ""
            self.stderr.write(f"Token for {token.name} ({funder.code}, scopes: {', '.join(token.scopes)}{acting}):")
            self.stdout.write(secret)
        elif options["action"] == "list":
            for token in ApiToken.objects.select_related("funder", "agency"):
                state = "revoked" if token.revoked_at else "active"
                agency_code = token.agency.code if token.agency is not None else "-"
                self.stdout.write(
                    f"{token.prefix}…\t{token.funder.code}\t{token.name}\t{','.join(token.scopes)}\t{agency_code}\t{state}"
                )
        else:
            found = ApiToken.objects.filter(prefix=options["prefix"].rstrip("…"), revoked_at=None).first()
            if found is None:
                raise CommandError(f"no active token with prefix {options['prefix']!r}")
            api_token_revoke(token=found, actor=actor)
            self.stdout.write(f"revoked {found.prefix}… ({found.name})")
