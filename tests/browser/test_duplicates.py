"""The duplicate check in a real Chromium: the counter shows a likely match while the NIK is typed (htmx under
the site's Content-Security-Policy), and an officer merges a pair and undoes it from the review pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from jaring.core.models import User
from jaring.duplicates.models import MatchPair, PersonMerge
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel
from jaring.registry.services import application_create
from tests.duplicates.conftest import SITI, registered
from tests.duplicates.test_review import SITI_AGAIN, pair_of
from tests.helpers.browser import log_in
from tests.helpers.reference import TESTS

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_counter_shows_a_likely_match_while_the_officer_types(  # type: ignore[no-untyped-def]
    live_server, page: Page, registration_officer: User, bpn_2026: Programme
) -> None:
    application_create(person=registered(SITI), programme=bpn_2026, channel=Channel.COUNTER, actor=TESTS)
    log_in(page, live_server.url, "registration_officer")
    page.goto(f"{live_server.url}/pendaftaran/baru/")

    page.get_by_label("NIK (16 angka) atau nama").press_sequentially("6471015203880009", delay=20)

    matches = page.locator("#likely-matches")
    expect(matches).to_contain_text("Siti Rahmawati")
    expect(matches).to_contain_text("NIK beda 1 angka")
    assert "6471015203880009" not in page.url


def test_an_officer_merges_a_pair_and_undoes_it(  # type: ignore[no-untyped-def]
    live_server, page: Page, registration_officer: User, bpn_2026: Programme
) -> None:
    siti, again = registered(SITI), registered(SITI_AGAIN)
    application_create(person=again, programme=bpn_2026, channel=Channel.COUNTER, actor=TESTS)
    pair = pair_of(siti, again, SITI, SITI_AGAIN)
    log_in(page, live_server.url, "registration_officer")
    page.goto(f"{live_server.url}/duplikat/")
    page.locator(f"#pair-{pair.pk}").click()
    expect(page.locator("#compare")).to_contain_text("NIK beda 1 angka")

    page.locator("#same-form input[name=survivor]").first.check()
    page.locator("#same-form #submit").click()

    expect(page.locator("#alias")).to_have_text("6471**********08")
    assert Application.objects.get().person == siti
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#undo-submit").click()
    expect(page.locator("#undone")).to_contain_text("registration_officer")
    assert Application.objects.get().person == again
    assert PersonMerge.objects.get().undone_at is not None
    assert MatchPair.objects.get().status == MatchPair.Status.OPEN
