"""An applicant on a cheap phone registers without an account, uploads photos, gets a number, then checks
the status, in a real Chromium at 360 px wide."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jaring.core.models import Region
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel
from jaring.registry.states import ApplicationStatus
from tests.helpers.documents import PDF, PNG

# Registration for BPN-2026 is open: these cases mean a day of its year, before its cover ends.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.today("2026-11-03")]

PHONE = {"width": 360, "height": 740}


def fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def test_an_applicant_registers_on_a_phone_and_checks_the_status(
    live_server, page: Page, bpn_2026: Programme, tmp_path: Path
) -> None:
    base = live_server.url
    (tmp_path / "ktp.png").write_bytes(PNG)
    (tmp_path / "kk.pdf").write_bytes(PDF)
    (tmp_path / "surat.pdf").write_bytes(PDF)
    samarinda_village = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="64.72.").first()
    assert samarinda_village is not None
    page.set_viewport_size(PHONE)

    page.goto(f"{base}/daftar/")
    expect(page.locator("h1")).to_contain_text("Pendaftaran mandiri")
    expect(page.locator(".what-you-need").first).to_contain_text("Foto KTP")
    expect(page.locator("input[name=programme][value='BPN-2026']")).to_be_checked()
    fits_the_phone(page)
    page.locator("#next").click()

    expect(page.locator("h1")).to_have_text("Identitas")
    page.locator("#id_nik").fill("6471011508900001")
    page.locator("#id_no_kk").fill("6471010101100001")
    page.locator("#id_nama").fill("Budi Santoso")
    page.locator("#id_tempat_lahir").fill("Balikpapan")
    page.locator("#id_tanggal_lahir").fill("15-08-1990")
    page.locator("#id_jenis_kelamin").select_option("L")
    fits_the_phone(page)
    page.locator("#next").click()

    expect(page.locator("h1")).to_have_text("Alamat")
    page.locator("#id_alamat").fill("Jl. Mulawarman No. 12")
    page.locator("#id_rt").fill("5")
    page.locator("#id_rw").fill("2")
    # Choosing another city swaps the kelurahan list in place (htmx) and warns about the region rule.
    page.locator("#wilayah").select_option("64.72")
    expect(page.locator("#outside-notice")).to_be_visible()
    expect(page.locator(f"#id_kode_kelurahan option[value='{samarinda_village.code}']")).to_have_count(1)
    page.locator("#wilayah").select_option("64.71")
    expect(page.locator("#outside-notice")).to_have_count(0)
    page.locator("#id_kode_kelurahan").select_option("64.71.01.1001")
    page.locator("#id_domisili_sejak").fill("01-01-2015")
    page.locator("#id_no_hp").fill("0812-3456-7890")
    fits_the_phone(page)
    page.locator("#next").click()

    expect(page.locator("h1")).to_have_text("Pekerjaan")
    page.locator("#id_sektor").select_option("ojol")
    page.locator("#id_penghasilan_bulanan").fill("2.500.000")
    page.locator("#id_aplikator").fill("Gojek")
    page.locator("#next").click()

    expect(page.locator("h1")).to_have_text("Dokumen")
    expect(page.locator("#id_dokumen_ktp")).to_have_attribute("accept", "image/jpeg,image/png,application/pdf")
    page.locator("#id_dokumen_ktp").set_input_files(tmp_path / "ktp.png")
    page.locator("#id_dokumen_kk").set_input_files(tmp_path / "kk.pdf")
    page.locator("#id_dokumen_aplikator_letter").set_input_files(tmp_path / "surat.pdf")
    fits_the_phone(page)
    page.locator("#next").click()

    # A reload on the review resumes there, with everything that was typed and uploaded.
    expect(page.locator("h1")).to_have_text("Periksa & kirim")
    page.reload()
    expect(page.locator("main")).to_contain_text("Budi Santoso")
    expect(page.locator("main")).to_contain_text("Manggar")
    expect(page.locator("#review-document-list")).to_contain_text("surat.pdf")
    expect(page.locator("#missing-documents")).to_have_count(0)
    fits_the_phone(page)
    page.locator("#pernyataan").check()
    page.locator("#submit").click()

    expect(page.locator("h1")).to_have_text("Pendaftaran terkirim")
    number = page.locator("#registration-number").inner_text().strip()
    application = Application.objects.get(number=number)
    assert application.channel == Channel.ONLINE
    assert application.status == ApplicationStatus.AWAITING_VERIFICATION
    expect(page.locator("#outcome")).to_contain_text(bpn_2026.owning_agency.name)
    fits_the_phone(page)

    page.locator("#check-status").click()
    expect(page.locator("#id_nomor")).to_have_value(number)
    page.locator("#id_nik").fill("6471011508900001")
    page.locator("#check").click()
    expect(page).to_have_url(f"{base}/status/hasil/")
    expect(page.locator("#status-number")).to_have_text(number)
    expect(page.locator("#application-status")).to_have_text("Menunggu verifikasi")
    expect(page.locator("main")).not_to_contain_text("Budi Santoso")
    fits_the_phone(page)


def test_a_wrong_nik_on_the_status_page_gets_one_plain_message(live_server, page: Page, bpn_2026: Programme) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/status/")
    page.locator("#id_nomor").fill("BPN-2026-000001")
    page.locator("#id_nik").fill("6471011508900001")
    page.locator("#check").click()
    expect(page.get_by_role("alert")).to_contain_text("tidak cocok")
    expect(page.locator("#register-link")).to_be_visible()
    fits_the_phone(page)
