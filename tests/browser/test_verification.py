"""A fishery-office verifier works the queue on a phone: opens the application, reads the documents, returns
it with what to fix; the applicant then reads on the status page what to fix. In a real Chromium."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from jaring.core.actors import Actor
from jaring.core.models import User
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Decision, Fix, Outcome
from tests.helpers.browser import log_in
from tests.helpers.documents import PDF, PNG

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
NOTE = "Foto KTP buram, mohon unggah ulang yang jelas"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def test_a_verifier_returns_a_fishers_application_and_the_applicant_reads_what_to_fix(
    live_server,
    page: Page,
    browser: Browser,
    browser_context_args: dict[str, Any],
    register: Callable[..., Application],
    bpn_2026: Programme,
    dppp_verifier: User,
) -> None:
    base = live_server.url
    application = register(
        bpn_2026, Actor.applicant(), sector="nelayan", channel=Channel.ONLINE, name="Syamsul Nelayan"
    )
    assert application.status == ApplicationStatus.AWAITING_VERIFICATION
    nik = application.person.nik
    page.set_viewport_size(PHONE)

    # The queue: the fisher's application, its NIK masked.
    log_in(page, base, "dppp_verifier")
    page.get_by_role("navigation").get_by_role("link", name="Antrean verifikasi").click()
    expect(page.locator("h1")).to_have_text("Antrean verifikasi")
    row = page.locator(f"#row-{application.number}")
    expect(row).to_contain_text("Syamsul Nelayan")
    expect(row).to_contain_text(application.person.nik_masked)
    expect(page.locator("main")).not_to_contain_text(nik)
    fits_the_phone(page)

    # The application: full NIK, the rule results and the documents.
    row.get_by_role("link", name=application.number).click()
    expect(page.locator("h1")).to_contain_text(application.number)
    expect(page.locator("#nik")).to_have_text(nik)
    expect(page.locator("#eligibility")).to_contain_text("Batas penghasilan")
    expect(page.locator("#documents li")).to_have_count(3)
    expect(page.locator("#documents img")).to_have_count(1)  # the KTP photo, previewed
    fits_the_phone(page)

    # Reading the documents: each link answers with the file itself.
    links = page.locator("#documents a.document-open")
    seen = set()
    for index in range(links.count()):
        href = links.nth(index).get_attribute("href")
        assert href is not None
        response = page.request.get(f"{base}{href}")
        assert response.ok
        body = response.body()
        kind = response.headers["content-type"]
        assert (kind, body) in {("image/png", PNG), ("application/pdf", PDF)}
        seen.add(kind)
    assert seen == {"image/png", "application/pdf"}

    # Return for correction: the fix list appears with the choice; the reason list is not needed.
    page.get_by_label("Kembalikan untuk perbaikan").check()
    expect(page.locator("#field-fixes")).to_be_visible()
    expect(page.locator("#field-reason")).to_be_hidden()
    page.get_by_label(str(Fix.KTP.label)).check()
    page.locator("#id_note").fill(NOTE)
    page.locator("#decide").click()

    expect(page.get_by_role("status").first).to_contain_text(f"Pendaftaran {application.number} dikembalikan")
    expect(page.locator("#empty")).to_be_visible()  # the queue, now empty
    fits_the_phone(page)
    decision = Decision.objects.get(application=application)
    assert decision.outcome == Outcome.RETURN and decision.fixes == [Fix.KTP] and decision.note == NOTE

    # The applicant, in a browser of their own, checks the status.
    context = browser.new_context(**browser_context_args)
    try:
        applicant = context.new_page()
        applicant.set_viewport_size(PHONE)
        applicant.goto(f"{base}/status/")
        applicant.locator("#id_nomor").fill(application.number)
        applicant.locator("#id_nik").fill(nik)
        applicant.locator("#check").click()
        expect(applicant.locator("#application-status")).to_have_text("Dikembalikan untuk perbaikan")
        expect(applicant.locator("#reasons")).to_contain_text(str(Fix.KTP.label))
        expect(applicant.locator("#reasons")).to_contain_text(f"Catatan verifikator: {NOTE}")
        expect(applicant.locator("main")).not_to_contain_text("Syamsul Nelayan")
        fits_the_phone(applicant)
    finally:
        context.close()
