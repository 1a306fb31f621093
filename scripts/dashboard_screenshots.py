"""Screenshots of the dashboard for the docs, at phone and laptop width.

    .venv/bin/python scripts/dashboard_screenshots.py [--out docs/img] [--members 7100]

Seeds a Balikpapan-sized programme (as bench/dashboard.py makes its members, set-based) into a throwaway SQLite
file on 15 June 2026, serves the app in this process and photographs `/dasbor/` as the wali kota's office sees
it with Debian's Chromium (never a downloaded browser). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TODAY = datetime(2026, 6, 15, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
PASSWORD = "screenshot-password-2026"  # noqa: S105 - a throwaway database's only account
SIZES = {"phone": (360, 740), "laptop": (1280, 800)}
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def spread_card_prints() -> None:
    """SQLite's bulk insert stamps every card with today (auto_now_add); PostgreSQL's COPY keeps the generated
    dates. Spread the prints over January to May again, each hand-over two weeks after its print."""
    from datetime import date, timedelta

    from jaring.enrolment.models import Card

    ids = list(Card.objects.order_by("pk").values_list("pk", flat=True))
    for month in range(1, 6):
        chosen = ids[month - 1 :: 5]
        printed = datetime(2026, month, 10, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
        Card.objects.filter(pk__in=chosen).update(issued_at=printed)
        Card.objects.filter(pk__in=chosen, handed_on__isnull=False).update(
            handed_on=date(2026, month, 10) + timedelta(days=14)
        )


def seed_money_and_claims(programme) -> None:  # type: ignore[no-untyped-def]
    """The months' invoices reconciled and paid as the demo seeds them, and a few claims, some paid."""
    from datetime import date

    from jaring.claims.models import Claim, ClaimKind
    from jaring.claims.services import claim_report
    from jaring.claims.states import ClaimStatus
    from jaring.core.models import Role, User
    from jaring.demo.contributions import seed_contributions
    from jaring.enrolment.models import Membership

    for role, name in ((Role.PROGRAMME_MANAGER, "manajer.bpn"), (Role.FINANCE_OFFICER, "bendahara.bpn")):
        User.objects.create(username=name, role=role, funder=programme.funder)
    seed_contributions(programme)
    members = list(Membership.objects.filter(programme=programme, status=Membership.Status.ACTIVE).order_by("pk")[:9])
    events = [
        (ClaimKind.JKM, date(2026, 2, 3), 42_000_000),
        (ClaimKind.JKK_INJURY, date(2026, 3, 9), 7_500_000),
        (ClaimKind.JKM, date(2026, 4, 14), 42_000_000),
        (ClaimKind.JKK_DEATH, date(2026, 5, 2), 80_000_000),
        (ClaimKind.JKM, date(2026, 5, 20), None),
        (ClaimKind.JKK_INJURY, date(2026, 6, 1), None),
        (ClaimKind.JKM, date(2026, 6, 8), None),
    ]
    for membership, (kind, day, paid) in zip(members, events, strict=False):
        claim = claim_report(
            membership=membership, kind=kind, event_date=day, reported_by="ahli waris", actor="demo", channel="officer"
        )
        if paid:
            Claim.objects.filter(pk=claim.pk).update(
                status=ClaimStatus.PAID, paid_on=date(day.year, day.month, 25), paid_amount=paid
            )


class Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--members", type=int, default=7100)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "jaring.test_settings"  # static files from the finders
    os.environ.setdefault("JARING_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ["JARING_DATA_DIR"] = tempfile.mkdtemp(prefix="jaring-screenshots-")
    os.environ.pop("DATABASE_URL", None)
    import time_machine

    time_machine.travel(TODAY, tick=True).start()
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    from bench.dashboard import make_members, programme_of
    from jaring.core.models import Funder, Role, User
    from jaring.core.reference import seed_reference
    from jaring.programmes.models import Programme
    from jaring.reports.tasks import refresh_all

    call_command("migrate", verbosity=0)
    seed_reference()
    balikpapan = Funder.objects.get(code="balikpapan")
    programme = programme_of(balikpapan, "BPN-2026", quota=7100)
    # Rp1,5 miliar: a little over what 7,100 members cost for the year at Rp16.800 a month.
    Programme.objects.filter(pk=programme.pk).update(budget=1_500_000_000)
    programme.refresh_from_db()
    make_members(programme, count=args.members, first=0, region="64.71")
    spread_card_prints()
    seed_money_and_claims(programme)
    refresh_all([programme])
    leader = User(
        username="pimpinan.bpn", role=Role.LEADERSHIP, funder=balikpapan, full_name="Pimpinan Kota Balikpapan"
    )
    leader.set_password(PASSWORD)
    leader.save()

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=FLAGS)
        for name, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height}, locale="id-ID")
            page.goto(f"{base}/masuk/")
            page.get_by_label("Nama pengguna").fill(leader.username)
            page.get_by_label("Kata sandi").fill(PASSWORD)
            page.locator("#login-submit").click()
            page.wait_for_url(f"{base}/")
            page.goto(f"{base}/dasbor/?program=BPN-2026&bulan=2026-06")
            path = args.out / f"dashboard-{name}.png"
            page.screenshot(path=str(path), full_page=True)
            print(path)
            page.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
