"""What an applicant on a cheap phone meets, after walking every journey in Chromium (issue 21): the status check
takes what people type, messages name the field and fit the phone, a fisher is not asked for ojol papers, a NIK
that disagrees with the birth date or sex is confirmed, and a returned application is completed online."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from jaring.core.actors import Actor
from jaring.core.models import User
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Fix, Outcome
from jaring.verification.services import DecisionInput, application_decide
from tests.helpers.documents import PNG

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


def start_registration(page: Page, base: str, *, nik: str = "6471011508900002", born: str = "15-08-1990") -> None:
    page.goto(f"{base}/daftar/")
    page.locator("#next").click()
    page.locator("#id_nik").fill(nik)
    page.locator("#id_nama").fill("Syamsul Bahri")
    page.locator("#id_tanggal_lahir").fill(born)
    page.locator("#id_jenis_kelamin").select_option("L")
    page.locator("#next").click()


def test_a_mistyped_date_and_phone_are_told_by_the_fields_label_with_advice_for_a_phone(  # type: ignore[no-untyped-def]
    live_server, page: Page, bpn_2026: Programme
) -> None:
    page.set_viewport_size(PHONE)
    start_registration(page, live_server.url)
    expect(page.locator("h1")).to_have_text("Alamat")
    page.locator("#id_alamat").fill("Jl. Pantai Manggar No. 3")
    page.locator("#id_kode_kelurahan").select_option("64.71.01.1001")
    page.locator("#id_domisili_sejak").fill("2015/13/45")
    page.locator("#id_no_hp").fill("12345")
    page.locator("#next").click()

    since = page.locator("#id_domisili_sejak_error")
    expect(since).to_have_text(
        "“2015/13/45” bukan tanggal; tulis tanggal-bulan-tahun dengan angka, misalnya 17-08-1985."
    )
    phone = page.locator("#id_no_hp_error")
    expect(phone).to_contain_text("Nomor HP tidak valid")
    # The field's own label says which field it is; nothing of the import file's language reaches the phone.
    expect(page.get_by_label("Tinggal di alamat ini sejak")).to_have_attribute("aria-invalid", "true")
    for text in ("Kolom", "domisili_sejak", "no_hp", "Excel"):
        expect(page.locator("main")).not_to_contain_text(text)
    fits_the_phone(page)


def to_the_work_step(page: Page, base: str, nik: str = "6471011508900002") -> None:
    start_registration(page, base, nik=nik)
    page.locator("#id_alamat").fill("Jl. Pantai Manggar No. 3")
    page.locator("#id_kode_kelurahan").select_option("64.71.01.1001")
    page.locator("#id_domisili_sejak").fill("01-01-2015")
    page.locator("#next").click()
    expect(page.locator("h1")).to_have_text("Pekerjaan")


def test_a_fisher_is_not_asked_for_the_ojol_aplikator_nor_its_letter(  # type: ignore[no-untyped-def]
    live_server, page: Page, bpn_2026: Programme
) -> None:
    page.set_viewport_size(PHONE)
    to_the_work_step(page, live_server.url)
    aplikator = page.get_by_label("Aplikator (khusus ojol)")
    expect(aplikator).to_be_hidden()  # no sector chosen yet
    page.locator("#id_sektor").select_option("ojol")
    expect(aplikator).to_be_visible()
    page.locator("#id_sektor").select_option("nelayan")
    expect(aplikator).to_be_hidden()
    page.locator("#id_penghasilan_bulanan").fill("2.000.000")
    fits_the_phone(page)
    page.locator("#next").click()

    expect(page.locator("h1")).to_have_text("Dokumen")
    expect(page.locator("#document-sector_evidence")).to_contain_text("wajib")
    expect(page.locator("#document-aplikator_letter")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("aplikator")
    page.locator("#next").click()
    expect(page.locator("h1")).to_have_text("Periksa & kirim")
    expect(page.locator("main")).not_to_contain_text("Aplikator")


def test_without_javascript_the_fisher_sees_the_labelled_ojol_field_and_still_no_ojol_letter(  # type: ignore[no-untyped-def]
    live_server, browser, browser_context_args, bpn_2026: Programme
) -> None:
    context = browser.new_context(**browser_context_args, java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    to_the_work_step(page, live_server.url, nik="6471011508900003")
    expect(page.get_by_label("Aplikator (khusus ojol)")).to_be_visible()
    page.locator("#id_sektor").select_option("nelayan")
    page.locator("#id_penghasilan_bulanan").fill("2.000.000")
    page.locator("#next").click()
    expect(page.locator("h1")).to_have_text("Dokumen")
    expect(page.locator("#document-sector_evidence")).to_be_visible()
    expect(page.locator("#document-aplikator_letter")).to_have_count(0)
    fits_the_phone(page)
    context.close()


# A woman born 01-07-1988 in Balikpapan Timur: her NIK carries 41 (1 + 40) 07 88.
WOMANS_NIK = "6471014107880001"


def test_a_nik_that_disagrees_with_the_typed_birth_date_and_sex_is_confirmed_against_the_ktp(  # type: ignore[no-untyped-def]
    live_server, page: Page, bpn_2026: Programme
) -> None:
    page.set_viewport_size(PHONE)
    start_registration(page, live_server.url, nik=WOMANS_NIK, born="02-07-1988")

    # Not a refusal (the NIK may be the one mistyped), but the step does not go on until it is confirmed.
    expect(page.locator("h1")).to_have_text("Identitas")
    warnings = page.locator("#identity-warnings")
    expect(warnings).to_contain_text("Menurut NIK, pemiliknya perempuan")
    expect(warnings).to_contain_text(
        "Menurut NIK, tanggal lahirnya 01-07-88, tetapi tanggal lahir yang diisi 02-07-1988."
    )
    expect(warnings).not_to_contain_text("Kolom")
    fits_the_phone(page)
    page.locator("#next").click()
    expect(page.locator("h1")).to_have_text("Identitas")

    # Fixing the answers needs no confirmation at all.
    page.locator("#id_tanggal_lahir").fill("01-07-1988")
    page.locator("#id_jenis_kelamin").select_option("P")
    page.locator("#next").click()
    expect(page.locator("h1")).to_have_text("Alamat")

    # Going back to the wrong sex asks again; ticking the statement lets the person go on.
    page.goto(f"{live_server.url}/daftar/identitas/")
    page.locator("#id_jenis_kelamin").select_option("L")
    page.locator("#next").click()
    expect(page.locator("#identity-warnings")).to_contain_text("pemiliknya perempuan")
    page.get_by_label("Saya sudah mencocokkan NIK, tanggal lahir dan jenis kelamin dengan KTP saya").check()
    page.locator("#next").click()
    expect(page.locator("h1")).to_have_text("Alamat")


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_counter_applicant_returned_for_a_clear_ktp_uploads_it_from_the_phone_and_is_back_in_the_queue(  # type: ignore[no-untyped-def]
    live_server,
    page: Page,
    media,
    tmp_path,
    register: Callable[..., Application],
    bpn_2026: Programme,
    dppp_verifier: User,
) -> None:
    # Registered at the counter; the fishery office returns it: the KTP photo is blurred.
    application = register(
        bpn_2026, Actor.system("petugas"), sector="nelayan", channel=Channel.COUNTER, name="Syamsul Nelayan"
    )
    decision = DecisionInput(Outcome.RETURN, fixes=(Fix.KTP,), note="Foto KTP buram")
    application_decide(application=application, decision=decision, actor=dppp_verifier)
    (tmp_path / "ktp-jelas.png").write_bytes(PNG)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/status/")
    page.locator("#id_nomor").fill(application.number)
    page.locator("#id_nik").fill(application.person.nik)
    page.locator("#check").click()
    expect(page.locator("#application-status")).to_have_text("Dikembalikan untuk perbaikan")
    expect(page.locator("#reasons")).to_contain_text("Unggah ulang foto KTP yang jelas")
    expect(page.locator("#what-to-do")).to_have_count(0)  # not sent to the office for a photo
    page.locator("#correct").click()

    expect(page.locator("h1")).to_have_text("Lengkapi dokumen")
    expect(page.locator("#document-ktp")).to_contain_text("diminta petugas")
    expect(page.locator("#document-aplikator_letter")).to_have_count(0)  # a fisher
    fits_the_phone(page)
    page.locator("#id_dokumen_ktp").set_input_files(tmp_path / "ktp-jelas.png")
    page.locator("#send-documents").click()

    expect(page.get_by_role("status").first).to_contain_text("Dokumen diterima dan pendaftaran Anda diajukan ulang")
    expect(page.locator("#application-status")).to_have_text("Menunggu verifikasi")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.AWAITING_VERIFICATION
    assert application.documents.filter(kind="ktp", superseded_at=None, uploaded_by_label="applicant").exists()
    fits_the_phone(page)
