"""What an officer at a laptop meets, after walking every role's journey in Chromium (issue 21): a home page whose
links say what they are for, a menu on one row, an application's history in sentences, a queue searched by name,
NIK or number, import results on the page, and a warning before a second SK draft."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from jaring.core.actors import Actor
from jaring.core.models import User
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from tests.browser.test_import import run_worker
from tests.browser.test_shell import log_in
from tests.helpers.imports import csv_bytes, good

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
    seeded = make_application(bpn_2026, actor=Actor.system("demo:kelurahan"), name="Siti Aminah")
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


def test_a_verifier_finds_an_application_in_the_queue_by_name_nik_or_number_as_typed(  # type: ignore[no-untyped-def]
    live_server,
    page: Page,
    register: Callable[..., Application],
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
) -> None:
    syamsul = register(bpn_2026, registration_officer, sector="nelayan", name="Syamsul Bahri")
    wati = register(bpn_2026, registration_officer, sector="petani", name="Wati Lestari")
    register(bpn_2026, registration_officer, sector="nelayan", name="Andi Saputra")
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, "dppp_verifier")
    page.goto(f"{live_server.url}/verifikasi/")
    rows = page.locator("#queue tbody tr")
    expect(rows).to_have_count(3)

    search = page.get_by_label("Cari nama, NIK atau nomor pendaftaran")
    search.fill("syamsul")
    page.locator("#search-submit").click()
    expect(rows).to_have_count(1)
    expect(page.locator(f"#row-{syamsul.number}")).to_be_visible()

    # The full NIK finds the person, and never appears in the address bar.
    nik = wati.person.nik
    page.get_by_label("Cari nama, NIK atau nomor pendaftaran").fill(f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}")
    page.locator("#search-submit").click()
    expect(rows).to_have_count(1)
    expect(page.locator(f"#row-{wati.number}")).to_be_visible()
    assert nik not in page.url

    serial = int(syamsul.number.rsplit("-", 1)[1])
    page.get_by_label("Cari nama, NIK atau nomor pendaftaran").fill(f"bpn-2026-{serial}")
    page.locator("#search-submit").click()
    expect(rows).to_have_count(1)
    # The search is kept on the way to the application and back.
    page.locator(f"#row-{syamsul.number}").get_by_role("link", name=syamsul.number).click()
    page.locator("#back-to-queue").click()
    expect(rows).to_have_count(1)
    page.locator("#search-clear").click()
    expect(rows).to_have_count(3)

    page.get_by_label("Cari nama, NIK atau nomor pendaftaran").fill("Tidak Ada Orangnya")
    page.locator("#search-submit").click()
    expect(page.locator("#empty")).to_contain_text("Tidak Ada Orangnya")


def test_an_officer_reads_the_refused_rows_and_their_reasons_on_the_import_page(  # type: ignore[no-untyped-def]
    live_server, page: Page, registration_officer: User, bpn_2026: Programme, tmp_path
) -> None:
    rows = [good(n) for n in range(1, 7)]
    rows[2] = good(3, nik="12345", tanggal_lahir="31-02-1990")  # row 4 of the sheet: two reasons
    rows[4] = good(5, sektor="astronot")  # row 6
    rows[5] = good(1)  # row 7: the same person as row 2
    listing = tmp_path / "kelurahan-lamaru.csv"
    listing.write_bytes(csv_bytes(rows, sep=";"))

    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, "registration_officer")
    page.goto(f"{live_server.url}/impor/")
    page.get_by_label("Program").select_option(label=f"BPN-2026 · {bpn_2026.name}")
    page.locator("#id_file").set_input_files(str(listing))
    page.locator("#import-submit").click()
    worker = run_worker()
    expect(page.locator("#import-status-label")).to_have_attribute("data-status", "done", timeout=30_000)
    worker.join(timeout=30)

    # Without downloading anything, the page says which rows to fix and why.
    refused = page.locator("#refused-rows tbody tr")
    expect(page.locator("#refused-heading")).to_have_text("2 baris ditolak: perbaiki lalu impor lagi")
    expect(refused).to_have_count(2)
    expect(page.locator("#row-4")).to_contain_text("Kolom nik: NIK harus 16 angka; tertulis 5 angka.")
    expect(page.locator("#row-4")).to_contain_text("Kolom tanggal_lahir: 31-02-1990 bukan tanggal yang ada")
    expect(page.locator("#row-6")).to_contain_text("sektor “astronot” tidak dikenal")
    page.locator("#duplicates summary").click()
    first = Application.objects.get(person__nik=good(1)["nik"])
    expect(page.locator("#duplicate-rows")).to_contain_text(first.number)


@pytest.mark.today("2026-12-01")
def test_a_manager_is_warned_before_a_second_sk_draft_beside_the_existing_one(  # type: ignore[no-untyped-def]
    live_server, page: Page, programme_manager: User, bpn_2026: Programme
) -> None:
    from datetime import date

    from jaring.allocation.decrees.services import decree_generate
    from jaring.allocation.models import Decree

    first = decree_generate(
        programme=bpn_2026, number="100.3.3.2/071/HK/2026", decree_date=date(2026, 12, 1), actor=programme_manager
    )
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, "programme_manager")
    page.goto(f"{live_server.url}/program/BPN-2026/sk/")
    expect(page.locator("#existing-draft")).to_contain_text("sudah punya draf SK 100.3.3.2/071/HK/2026")

    page.get_by_label("Nomor SK").fill("100.3.3.2/072/HK/2026")
    page.get_by_label("Tanggal SK").fill("02-12-2026")
    page.locator("#decree-generate").click()
    expect(page.locator("#decree-errors")).to_contain_text("Sudah ada draf SK 100.3.3.2/071/HK/2026")
    assert Decree.objects.filter(programme=bpn_2026).count() == 1

    page.get_by_label("Saya tetap membuat draf kedua di samping draf yang sudah ada.").check()
    page.locator("#decree-generate").click()
    expect(page.locator("h1")).to_contain_text("100.3.3.2/072/HK/2026")
    assert set(Decree.objects.filter(programme=bpn_2026).values_list("number", flat=True)) == {
        first.number,
        "100.3.3.2/072/HK/2026",
    }


def test_a_funder_administrator_uploads_the_logo_and_sees_it_on_the_funders_pages_without_a_missing_icon(  # type: ignore[no-untyped-def]
    live_server, page: Page, administrator: User, bpn_2026: Programme, tmp_path, settings
) -> None:
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path / "media"
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    logo = tmp_path / "lambang.png"
    buffer = io.BytesIO()
    Image.new("RGB", (240, 240), "#c8102e").save(buffer, format="PNG")
    logo.write_bytes(buffer.getvalue())

    page.set_viewport_size(LAPTOP)
    log_in(page, live_server.url, "administrator_bpn")
    expect(page.locator("#funder-brand-default")).to_be_visible()  # no logo yet: Jaring's mark and the name
    expect(page.locator("#funder-brand")).to_contain_text("Kota Balikpapan")
    page.goto(f"{live_server.url}/pengguna/")
    page.locator("#funder-logos-link").click()
    page.locator("#logo-file-balikpapan").set_input_files(logo)
    page.locator("#logo-upload-balikpapan").click()
    expect(page.get_by_role("status").first).to_contain_text("tersimpan")
    expect(page.locator("#funder-brand-logo")).to_be_visible()
    width = page.locator("#funder-brand-logo").evaluate("img => img.naturalWidth")
    assert width == 240  # the image itself arrived, not a broken icon

    # Public pages of its programme carry it too.
    page.goto(f"{live_server.url}/daftar/")
    page.locator("#next").click()
    expect(page.locator("#funder-brand-logo")).to_be_visible()
    assert not missing, f"answered 404: {missing}"
