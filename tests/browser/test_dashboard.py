"""The wali kota's office opens the dashboard on a phone and on a laptop and reads its charts, in a real
Chromium: the charts are drawn by the server (no CDN, no script), each with its table of numbers."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from jaring.core.models import User
from jaring.enrolment.models import Card, Membership
from jaring.programmes.models import Programme
from jaring.registry.models import Sex
from tests.browser.test_shell import log_in
from tests.reports.conftest import LAMARU, MANGGAR, M, Make, members  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today("2026-03-16")]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def bpn_members(bpn_2026: Programme, members: Make) -> list[Membership]:  # noqa: F811
    made = members(
        bpn_2026,
        [
            M(MANGGAR, "nelayan", Sex.MALE, date(1990, 1, 1)),
            M(MANGGAR, "nelayan", Sex.FEMALE, date(1980, 1, 1)),
            M(MANGGAR, "ojol", Sex.MALE, date(2003, 1, 1)),
            M(LAMARU, "ojol", Sex.MALE, date(1970, 1, 1), starts=date(2026, 3, 1)),
            M(LAMARU, "petani", Sex.FEMALE, date(1960, 1, 1)),
        ],
    )
    Card.objects.create(membership=made[0], valid_until=date(2026, 12, 31), handed_on=date(2026, 2, 2))
    return made


def test_leadership_reads_the_dashboards_charts_on_a_phone_and_a_laptop(  # type: ignore[no-untyped-def]
    live_server, page: Page, leadership: User, bpn_members: list[Membership]
) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "wali_kota_office")
    page.get_by_role("navigation").get_by_role("link", name="Dasbor").click()
    expect(page.locator("h1")).to_contain_text("BPN-2026")
    expect(page.locator("#figure-members .count")).to_have_text("5")
    # The charts: images with a title, their bars drawn, the numbers in a table under them.
    for name in ("sector", "kecamatan", "sex", "age_band"):
        chart = page.locator(f"#chart-{name}")
        expect(chart).to_be_visible()
        assert chart.get_attribute("role") == "img"
        assert chart.locator("rect.chart-bar").count() >= 1
    expect(page.locator("#chart-sector title")).to_have_text("Peserta menurut sektor")
    expect(page.locator("#chart-trend")).to_be_visible()
    assert page.locator("#chart-trend rect.chart-col").count() == 3  # January to March
    expect(page.locator("#table-sex tfoot td")).to_have_text("5")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # February: the ojol driver of Lamaru was not covered yet.
    page.locator("#bulan").select_option("2026-02")
    page.locator("#show").click()
    expect(page.locator("h1")).to_contain_text("Februari 2026")
    expect(page.locator("#figure-members .count")).to_have_text("4")

    page.set_viewport_size(LAPTOP)
    page.reload()
    widths = page.evaluate(
        "[...document.querySelectorAll('svg.chart-bars')].map(svg => svg.getBoundingClientRect().width)"
    )
    assert len(widths) >= 5 and min(widths) > 300  # two charts a row, each filling its column


def test_the_page_prints_on_a4_without_its_menus(  # type: ignore[no-untyped-def]
    live_server, page: Page, leadership: User, bpn_members: list[Membership]
) -> None:
    log_in(page, live_server.url, "wali_kota_office")
    page.goto(f"{live_server.url}/dasbor/")
    page.emulate_media(media="print")
    expect(page.locator("nav.menu")).to_be_hidden()
    expect(page.locator("#dashboard-filter")).to_be_hidden()
    expect(page.locator("#chart-sector")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
