"""Counter registration in a real Chromium: search first (the NIK never in the address bar), then the form
with files; and a kelurahan operator who cannot register someone of another kelurahan, even by editing the
page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from jaring.core.models import User
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Person
from tests.helpers.browser import log_in
from tests.helpers.counter import register
from tests.helpers.documents import PDF, PNG
from tests.helpers.reference import LAMARU, MANGGAR

pytestmark = pytest.mark.django_db(transaction=True)

NIK = "6471011508900001"


def fill_applicant(page: Page, *, kelurahan: str | None = MANGGAR) -> None:
    page.locator("#id_no_kk").fill("6471010101100001")
    page.locator("#id_nama").fill("Budi Santoso")
    page.locator("#id_tempat_lahir").fill("Balikpapan")
    page.locator("#id_tanggal_lahir").fill("15-08-1990")
    page.locator("#id_jenis_kelamin").select_option("L")
    page.locator("#id_nama_ibu_kandung").fill("Siti Aminah")
    page.locator("#id_alamat").fill("Jl. Mulawarman No. 12")
    page.locator("#id_rt").fill("5")
    page.locator("#id_rw").fill("2")
    if kelurahan is not None:
        page.locator("#id_kode_kelurahan").select_option(kelurahan)
    page.locator("#id_domisili_sejak").fill("01-01-2015")
    page.locator("#id_no_hp").fill("0812-3456-7890")
    page.locator("#id_sektor").select_option("ojol")
    page.locator("#id_penghasilan_bulanan").fill("2.500.000")
    page.locator("#id_aplikator").fill("Gojek")


def test_a_counter_officer_searches_then_registers_a_walk_in_with_files(
    live_server, page: Page, registration_officer: User, bpn_2026: Programme, tmp_path: Path
) -> None:
    (tmp_path / "ktp.png").write_bytes(PNG)
    (tmp_path / "kk.pdf").write_bytes(PDF)
    (tmp_path / "surat.pdf").write_bytes(PDF)
    log_in(page, live_server.url, "registration_officer")
    page.goto(f"{live_server.url}/pendaftaran/")
    page.locator("#register-applicant").click()
    expect(page.locator("h1")).to_have_text("Daftarkan pemohon")

    page.get_by_label("NIK (16 angka) atau nama").fill(NIK)
    page.locator("#search-submit").click()
    expect(page.locator("#nik-new")).to_contain_text("belum terdaftar")
    assert NIK not in page.url  # posted, then shown at a key naming the search in the session
    page.locator("#register-new").click()
    expect(page.locator("#id_nik")).to_have_value(NIK)
    assert NIK not in page.url

    # The back button leads to the search result again, and forward to the form.
    page.go_back()
    expect(page.locator("#nik-new")).to_contain_text("belum terdaftar")
    expect(page.locator("#search-q")).to_have_value(NIK)
    page.go_forward()

    expect(page.locator("#id_nik")).to_have_value(NIK)
    expect(page.locator("#id_programme")).to_have_value(str(bpn_2026.pk))
    fill_applicant(page)
    page.locator("#id_dokumen_ktp").set_input_files(tmp_path / "ktp.png")
    page.locator("#id_dokumen_kk").set_input_files(tmp_path / "kk.pdf")
    page.locator("#id_dokumen_aplikator_letter").set_input_files(tmp_path / "surat.pdf")
    page.locator("#register-submit").click()

    application = Application.objects.get(person__nik=NIK)
    expect(page).to_have_url(f"{live_server.url}/pendaftaran/{application.number}/")
    expect(page.locator(".flash-success")).to_contain_text(application.number)
    expect(page.locator("#application-status")).to_have_text("Menunggu verifikasi")
    rules = page.locator("#eligibility")
    expect(rules).to_contain_text("Alamat KTP di wilayah program")
    expect(rules).to_contain_text("Kelengkapan dokumen")
    expect(rules.locator(".badge", has_text="Tidak terpenuhi")).to_have_count(0)
    expect(page.locator("#documents tbody tr")).to_have_count(3)


def test_a_kelurahan_operator_cannot_register_someone_of_another_kelurahan(
    live_server, page: Page, kelurahan_operator_manggar: User, bpn_2026: Programme
) -> None:
    log_in(page, live_server.url, "kelurahan_operator_manggar")
    page.goto(f"{live_server.url}/pendaftaran/baru/")
    page.get_by_label("NIK (16 angka) atau nama").fill(NIK)
    page.locator("#search-submit").click()
    page.locator("#register-new").click()

    options = page.locator("#id_kode_kelurahan option")
    expect(options).to_have_count(1)
    expect(options).to_have_attribute("value", MANGGAR)
    expect(options).to_contain_text("Manggar")

    fill_applicant(page, kelurahan=None)
    # What a curious operator could do with the browser's developer tools.
    page.evaluate("code => { document.querySelector('#id_kode_kelurahan option').value = code; }", LAMARU)
    page.locator("#register-submit").click()

    expect(page.locator("h1")).to_contain_text("tidak dapat ditampilkan")
    expect(page.get_by_role("alert")).to_contain_text("kelurahannya sendiri")
    assert Application.objects.count() == 0
    assert Person.objects.count() == 0


def test_the_list_search_keeps_the_nik_out_of_the_address_bar(
    live_server, page: Page, registration_officer: User, bpn_2026: Programme
) -> None:
    existing = register(registration_officer, bpn_2026)
    log_in(page, live_server.url, "registration_officer")
    page.goto(f"{live_server.url}/pendaftaran/")
    page.get_by_label("Nama, NIK atau nomor pendaftaran").fill(NIK)
    page.locator("#status").select_option("awaiting_verification")
    page.get_by_role("button", name="Cari").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text(existing.number)
    assert NIK not in page.url and "status=awaiting_verification" in page.url
    page.reload()  # a GET again: no "resend the form?" question, the same result
    expect(page.locator("tbody")).to_contain_text(existing.number)
    expect(page.locator("#q")).to_have_value(NIK)
