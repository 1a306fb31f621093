"""What an officer at a laptop meets, after walking every role's journey in Chromium (issue 21): a home page whose
links say what they are for, a menu on one row, an application's history in sentences, a queue searched by name,
NIK or number, import results on the page, and a warning before a second SK draft."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from jaring.core.models import User
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from tests.browser.test_shell import log_in

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1280, "height": 800}


def one_row(page: Page) -> None:
    items = "Array.from(document.querySelectorAll('nav.menu > ul > li'))"
    tops = page.evaluate(f"{items}.map(e => Math.round(e.getBoundingClientRect().top))")
    assert tops and max(tops) - min(tops) <= 2, f"the menu wraps: rows at {sorted(set(tops))}"


@pytest.mark.parametrize("persona", ["programme_manager", "system_administrator", "registration_officer"])
def test_the_menu_stays_on_one_row_on_a_laptop(  # type: ignore[no-untyped-def]
    live_server, page: Page, request: pytest.FixtureRequest, persona: str, bpn_2026: Programme
) -> None:
    user = request.getfixturevalue(persona)
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, user.username)
    one_row(page)


def test_a_manager_reaches_a_folded_page_from_the_menu_and_reads_what_each_page_is_for(  # type: ignore[no-untyped-def]
    live_server, page: Page, programme_manager: User, bpn_2026: Programme
) -> None:
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, "programme_manager")
    tasks = page.locator("#tasks li")
    expect(tasks.first).to_be_visible()
    for index in range(tasks.count()):
        text = tasks.nth(index).inner_text()
        label, _sep, description = text.partition(":")
        assert label.strip() and len(description.strip()) > 10, f"a task without its description: {text!r}"

    menu = page.get_by_role("navigation", name="Menu utama")
    menu.get_by_text("Program", exact=True).click()
    menu.get_by_role("link", name="Kuota & anggaran").click()
    expect(page.locator("h1")).to_contain_text("Kuota")
    expect(menu.locator("summary[aria-current=page]")).to_have_text("Program")
    one_row(page)


def test_an_applications_history_reads_as_sentences_with_people_not_codes(  # type: ignore[no-untyped-def]
    live_server,
    page: Page,
    registration_officer: User,
    bpn_2026: Programme,
    make_application: Callable[..., Application],
) -> None:
    application = make_application(bpn_2026, actor=registration_officer)
    seeded = make_application(bpn_2026, actor="demo:kelurahan", name="Siti Aminah")
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, "registration_officer")
    page.goto(f"{live_server.url}/pendaftaran/{application.number}/")
    history = page.locator("#history")
    expect(history).to_contain_text("Pendaftaran dibuat lewat jalur Loket")
    expect(history).to_contain_text("Dikirim ke instansi verifikasi")
    expect(history).to_contain_text("Registration Officer (Petugas pendaftaran)")
    for code in ("application.create", "application.send_to_verification", "registration_officer"):
        expect(history).not_to_contain_text(code)

    page.goto(f"{live_server.url}/pendaftaran/{seeded.number}/")
    expect(page.locator("#history")).to_contain_text("Data demo (jalur Operator kelurahan)")
    expect(page.locator("#history")).not_to_contain_text("demo:kelurahan")
