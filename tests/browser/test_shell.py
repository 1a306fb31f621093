"""An officer logs in, sees the home of their role, switches language, and logs out, in a real Chromium."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from jaring.core.models import User
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from tests.helpers.browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_registration_officer_logs_in_and_sees_their_home(
    live_server, page: Page, registration_officer: User
) -> None:
    log_in(page, live_server.url, "registration_officer")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#role")).to_contain_text("Petugas pendaftaran")
    expect(page.get_by_role("link", name="Pendaftaran").first).to_be_visible()
    expect(page.get_by_role("link", name="Log audit")).to_have_count(0)


def test_a_wrong_password_shows_an_error_and_stays_on_the_log_in_page(
    live_server, page: Page, registration_officer: User
) -> None:
    log_in(page, live_server.url, "registration_officer", "salah-sandi")
    expect(page.get_by_role("alert")).to_contain_text("Nama pengguna atau kata sandi salah.")
    expect(page).to_have_url(f"{live_server.url}/masuk/")


def test_an_auditor_sees_the_audit_menu(live_server, page: Page, auditor: User) -> None:
    log_in(page, live_server.url, "auditor")
    expect(page.locator("#role")).to_contain_text("Auditor")
    # An auditor's menu is long: the audit pages fold under "Pengawasan" (a <details>, no JavaScript needed).
    menu = page.get_by_role("navigation", name="Menu utama")
    menu.get_by_text("Pengawasan", exact=True).click()
    menu.get_by_role("link", name="Log audit").click()
    expect(page.locator("h1")).to_contain_text("Log audit")


def test_the_language_switch_turns_the_page_english_and_back(
    live_server, page: Page, registration_officer: User
) -> None:
    log_in(page, live_server.url, "registration_officer")
    page.locator("#language").select_option("en")
    page.locator("#language-submit").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#role")).to_contain_text("Registration officer")
    page.locator("#language").select_option("id")
    page.locator("#language-submit").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("#role")).to_contain_text("Petugas pendaftaran")


def test_a_verifier_opens_an_application_of_their_queue_on_a_phone(
    live_server,
    page: Page,
    dppp_verifier: User,
    bpn_2026: Programme,
    make_application: Callable[..., Application],
) -> None:
    application = make_application(bpn_2026, sector="nelayan", name="Syamsul Nelayan")
    make_application(bpn_2026, sector="ojek_pangkalan", name="Agus Ojek")
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, "dppp_verifier")
    page.goto(f"{live_server.url}/pendaftaran/")
    expect(page.get_by_text("Syamsul Nelayan")).to_be_visible()
    expect(page.get_by_text("Agus Ojek")).to_have_count(0)
    page.get_by_role("link", name=application.number).click()
    expect(page.locator("#nik")).to_have_text(application.person.nik)


def test_logging_out_returns_to_the_log_in_page(live_server, page: Page, registration_officer: User) -> None:
    log_in(page, live_server.url, "registration_officer")
    page.locator("#logout").click()
    expect(page).to_have_url(f"{live_server.url}/masuk/")
    page.goto(f"{live_server.url}/pendaftaran/")
    expect(page).to_have_url(f"{live_server.url}/masuk/?next=/pendaftaran/")
