"""Self-registration and the public status check, as an applicant on a phone sees them: no log-in, one step
at a time, progress kept across reloads, files checked on arrival, and no page that answers 500."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from jaring.core.actors import Actor
from jaring.core.models import AuditRecord, Region
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel, Document, Person
from jaring.registry.public_support import pending_dir
from jaring.registry.states import ApplicationStatus
from tests.conftest import morning_of
from tests.helpers.documents import PDF, PNG
from tests.helpers.self_registration import ADDRESS, IDENTITY, WORK, fill, register, step, submit

# Registration for BPN-2026 is open: these cases mean a day of its year, before its cover ends.
pytestmark = pytest.mark.today("2026-11-03")

S = ApplicationStatus


@pytest.fixture
def samarinda_village(reference: None) -> Region:
    return Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="64.72.").order_by("code").first()


# -- the whole wizard ---------------------------------------------------------------------------------


def test_an_eligible_ojol_registers_online_and_sees_the_number_and_who_verifies(
    client: Client, bpn_2026: Programme, media: Path
) -> None:
    application = register(client)
    assert application.status == S.AWAITING_VERIFICATION
    assert application.channel == Channel.ONLINE
    assert application.documents.count() == 3
    page = client.get(reverse("public:register_done"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="registration-number">{application.number}<' in html
    assert "menunggu verifikasi oleh" in html and bpn_2026.owning_agency.name in html
    assert "/status/" in html
    assert page["Cache-Control"].startswith("max-age=0")
    # The self-declared income comes with the statement the applicant ticked.
    assert AuditRecord.objects.filter(action="application.declare", target_id=str(application.pk)).exists()
    # Uploads waited in a private folder until submission, and are gone now.
    assert not any((media / "pending").iterdir())


def test_the_first_step_preselects_the_only_open_programme_and_says_what_to_prepare(
    client: Client, bpn_2026: Programme
) -> None:
    html = client.get(reverse("public:register")).content.decode()
    assert 'value="BPN-2026" checked' in html
    assert "Foto KTP" in html and "Kartu Keluarga" in html and "Surat keterangan aplikator" in html
    assert "Bukti sektor" in html
    assert "paling besar 5 MB" in html
    assert "Rp3.856.694 (UMK Kota Balikpapan 2026)" in html
    assert reverse("public:status") in html


def test_with_two_open_programmes_none_is_preselected_and_the_choice_sets_the_address_list(
    client: Client, bpn_2026: Programme, smd_2026: Programme, samarinda_village: Region
) -> None:
    html = client.get(reverse("public:register")).content.decode()
    assert "checked" not in html.split('id="programme-1"', 1)[1].split(">", 1)[0]
    assert client.post(step("program"), {}).status_code == 400
    client.post(step("program"), {"programme": "SMD-2026"})
    client.post(step("identitas"), IDENTITY)
    address = client.get(step("alamat")).content.decode()
    assert samarinda_village.code in address and "64.71.01.1001" not in address


def test_without_an_open_programme_the_first_step_says_so(client: Client, bpn_2026: Programme) -> None:
    Programme.objects.filter(pk=bpn_2026.pk).update(status=Programme.Status.CLOSED)
    response = client.get(reverse("public:register"))
    assert response.status_code == 200
    assert 'id="no-programme"' in response.content.decode()


def test_an_address_in_samarinda_is_not_eligible_for_balikpapan_and_the_reason_says_why(
    client: Client, bpn_2026: Programme, samarinda_village: Region
) -> None:
    fill(client, address={"wilayah": "64.72", "kode_kelurahan": samarinda_village.code})
    application = register_after_fill(client)
    assert application.status == S.NOT_ELIGIBLE
    html = client.get(reverse("public:register_done")).content.decode()
    assert "belum memenuhi syarat" in html
    assert f"Alamat KTP (kode wilayah {samarinda_village.code}) tidak berada di Kota Balikpapan" in html


def register_after_fill(client: Client) -> Application:
    response = submit(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Application.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_the_address_step_warns_at_once_when_the_regency_is_outside_the_funder(
    client: Client, bpn_2026: Programme, samarinda_village: Region
) -> None:
    client.post(step("program"), {"programme": "BPN-2026"})
    client.post(step("identitas"), IDENTITY)
    # Without JavaScript: the regency is changed with a round trip that keeps what was typed.
    response = client.post(step("alamat"), {**ADDRESS, "wilayah": "64.72", "action": "wilayah"})
    assert response.status_code == 302 and response["Location"] == step("alamat")
    html = client.get(step("alamat")).content.decode()
    assert 'id="outside-notice"' in html
    assert samarinda_village.name in html
    assert "Jl. Mulawarman No. 12" in html
    # With htmx: the kelurahan list of the chosen regency as a fragment.
    fragment = client.get(reverse("public:register_kelurahan"), {"wilayah": "64.72"}).content.decode()
    assert samarinda_village.code in fragment and "64.71.01.1001" not in fragment
    assert 'id="outside-notice"' in fragment


def test_an_ojol_without_the_aplikator_letter_is_returned_and_told_what_is_missing(
    client: Client, bpn_2026: Programme
) -> None:
    fill(client, documents={"ktp": ("ktp.png", PNG), "kk": ("kk.pdf", PDF)})
    review = client.get(step("periksa")).content.decode()
    assert 'id="missing-documents"' in review and "Surat keterangan aplikator" in review
    application = register_after_fill(client)
    assert application.status == S.RETURNED
    html = client.get(reverse("public:register_done")).content.decode()
    assert "Dokumen belum lengkap: Surat keterangan aplikator (ojol)" in html
    assert "Cek Status" in html


# -- errors next to their fields ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("nik", "123", "NIK harus 16 angka; tertulis 3 angka."),
        ("nik", "6.47101E+15", "tersimpan sebagai angka di Excel"),
        ("nik", "64710115089A0001", "NIK hanya boleh berisi angka"),
        # Beside the field, under its label: no column name, no spreadsheet advice on a phone.
        ("tanggal_lahir", "31-02-1990", "31-02-1990 bukan tanggal yang ada; tulis tanggal-bulan-tahun dengan angka"),
        ("tanggal_lahir", "kemarin", "“kemarin” bukan tanggal; tulis tanggal-bulan-tahun dengan angka"),
        ("nama", "", "wajib"),
    ],
)
def test_a_bad_identity_answer_is_shown_next_to_its_field_in_indonesian(
    client: Client, bpn_2026: Programme, field: str, value: str, expected: str
) -> None:
    client.post(step("program"), {"programme": "BPN-2026"})
    response = client.post(step("identitas"), {**IDENTITY, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    error_list = html.split(f'id="id_{field}_error"', 1)[1].split("</ul>", 1)[0]
    assert expected in error_list or (field == "nama" and "tidak boleh kosong" in error_list), error_list
    assert "Kolom" not in error_list and field not in error_list
    if field == "tanggal_lahir":
        assert "Excel" not in error_list
    assert 'aria-invalid="true"' in html
    assert "This field" not in html
    # What was typed stays, and the step is not passed.
    assert client.get(reverse("public:register"))["Location"] == step("identitas")


def test_a_missing_kelurahan_and_a_bad_domicile_date_are_shown_on_the_address_step(
    client: Client, bpn_2026: Programme
) -> None:
    client.post(step("program"), {"programme": "BPN-2026"})
    client.post(step("identitas"), IDENTITY)
    response = client.post(step("alamat"), {**ADDRESS, "kode_kelurahan": "", "domisili_sejak": "2015-13-45"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_kode_kelurahan_error"' in html
    assert 'id="id_domisili_sejak_error"' in html
    error = html.split('id="id_domisili_sejak_error"', 1)[1].split("</ul>", 1)[0]
    assert "2015-13-45 bukan tanggal yang ada" in error and "domisili_sejak" not in error and "Excel" not in error


def test_an_ojol_without_an_aplikator_name_is_told_on_the_work_step(client: Client, bpn_2026: Programme) -> None:
    client.post(step("program"), {"programme": "BPN-2026"})
    client.post(step("identitas"), IDENTITY)
    client.post(step("alamat"), ADDRESS)
    response = client.post(step("pekerjaan"), {**WORK, "aplikator": ""})
    assert response.status_code == 400
    assert "Wajib diisi untuk pengemudi ojol" in response.content.decode()


def test_a_problem_found_when_the_steps_are_put_together_sends_the_person_back_to_its_step(
    client: Client, bpn_2026: Programme
) -> None:
    fill(client)
    session = client.session
    session["public_registration"]["values"]["nik"] = "6471011508900000"  # serial 0000: refused by the parser
    session.save()
    response = submit(client)
    assert response.status_code == 302 and response["Location"] == step("identitas")
    html = client.get(step("identitas")).content.decode()
    assert 'id="id_nik_error"' in html and "nomor urut" in html
    assert not Application.objects.exists()


def test_the_statement_must_be_ticked(client: Client, bpn_2026: Programme) -> None:
    fill(client)
    response = client.post(step("periksa"), {})
    assert response.status_code == 400
    assert 'id="pernyataan_error"' in response.content.decode()
    assert not Application.objects.exists()


# -- progress in the session -------------------------------------------------------------------------


def test_a_reload_resumes_where_the_person_was_with_what_they_typed(client: Client, bpn_2026: Programme) -> None:
    client.post(step("program"), {"programme": "BPN-2026"})
    client.post(step("identitas"), IDENTITY)
    resumed = client.get(reverse("public:register"))
    assert resumed.status_code == 302 and resumed["Location"] == step("alamat")
    back = client.get(step("identitas")).content.decode()
    assert 'value="6471011508900001"' in back and 'value="Budi Santoso"' in back
    # A step further than the person has reached is not skipped to.
    assert client.get(step("dokumen"))["Location"] == step("alamat")


def test_uploaded_documents_survive_a_reload_and_can_be_removed(
    client: Client, bpn_2026: Programme, media: Path
) -> None:
    fill(client)
    html = client.get(step("dokumen")).content.decode()
    assert 'id="stored-ktp"' in html and "ktp.png" in html
    assert 'accept="image/jpeg,image/png,application/pdf"' in html
    client.post(step("dokumen"), {"hapus": "ktp"})
    assert 'id="stored-ktp"' not in client.get(step("dokumen")).content.decode()
    assert 'id="stored-kk"' in client.get(step("dokumen")).content.decode()


def test_start_again_clears_the_answers_and_the_uploads(client: Client, bpn_2026: Programme, media: Path) -> None:
    fill(client)
    assert any((media / "pending").iterdir())
    response = client.post(reverse("public:register_restart"))
    assert response.status_code == 302
    assert "public_registration" not in client.session
    assert not any((media / "pending").iterdir())
    assert client.get(reverse("public:register")).status_code == 200
    assert client.get(step("alamat"))["Location"] == step("program")
    assert "6471011508900001" not in client.get(step("program")).content.decode()


def test_an_upload_folder_is_swept_by_the_age_jarings_clock_gives_it(media: Path) -> None:
    # A day after the machine's: a folder the disk dates today is months old by this clock, and was swept.
    with time_machine.travel(morning_of("2027-03-01"), tick=True):
        first = pending_dir({}, create=True)
        assert first is not None
        pending_dir({}, create=True)  # the next applicant's first upload sweeps abandoned folders
        assert first.is_dir()
    with time_machine.travel(morning_of("2027-03-01") + timedelta(hours=9), tick=True):  # longer than a session
        pending_dir({}, create=True)
        assert not first.is_dir()


def test_a_programme_closed_while_filling_in_sends_the_person_back_to_choose(
    client: Client, bpn_2026: Programme
) -> None:
    fill(client)
    Programme.objects.filter(pk=bpn_2026.pk).update(status=Programme.Status.CLOSED)
    response = client.get(step("periksa"))
    assert response.status_code == 302 and response["Location"] == step("program")
    assert submit(client).status_code == 302
    assert not Application.objects.exists()


# -- duplicates, double posts, abuse -----------------------------------------------------------------


def test_a_nik_already_registered_is_told_its_existing_number_and_nothing_changes(
    bpn_2026: Programme,
) -> None:
    first = register(Client())
    other = Client()
    fill(other, identity={"nama": "Budi Santosa"}, work={"penghasilan_bulanan": "9.000.000"})
    response = submit(other)
    assert response.status_code == 409
    html = response.content.decode()
    assert f'id="existing-number">{first.number}<' in html
    assert reverse("public:status") in html
    assert "Budi Santoso" not in html  # the name on file is not revealed to whoever typed the NIK
    first.refresh_from_db()
    assert first.status == S.AWAITING_VERIFICATION
    person = Person.objects.get(nik=IDENTITY["nik"])
    assert person.name == "Budi Santoso" and person.monthly_income == 2_500_000
    assert Application.objects.count() == 1


def test_posting_the_last_step_twice_creates_one_application(client: Client, bpn_2026: Programme) -> None:
    application = register(client)
    again = submit(client)
    assert again.status_code == 200
    html = again.content.decode()
    assert 'id="already-sent"' in html and application.number in html
    assert reverse("public:status") in html
    assert Application.objects.count() == 1


@override_settings(PUBLIC_SUBMISSIONS_PER_HOUR=1)
def test_too_many_registrations_from_one_address_get_429_and_keep_the_answers(bpn_2026: Programme) -> None:
    register(Client())
    second = Client()
    fill(second, identity={"nik": "6471011508900002"})
    response = submit(second)
    assert response.status_code == 429
    assert "terlalu banyak pendaftaran" in response.content.decode().lower()
    assert second.get(step("periksa")).status_code == 200
    assert Application.objects.count() == 1


@override_settings(PUBLIC_SUBMISSIONS_PER_NIK_PER_DAY=1, PUBLIC_SUBMISSIONS_PER_HOUR=100)
def test_too_many_attempts_for_one_nik_get_429(bpn_2026: Programme) -> None:
    register(Client())
    again = Client()
    fill(again)
    response = submit(again)
    assert response.status_code == 429
    assert "NIK ini sudah terlalu sering" in response.content.decode()


def test_a_filled_honeypot_is_refused(client: Client, bpn_2026: Programme) -> None:
    client.post(step("program"), {"programme": "BPN-2026"})
    response = client.post(step("identitas"), {**IDENTITY, "situs_web": "http://spam.example"})
    assert response.status_code == 400
    assert client.get(reverse("public:register"))["Location"] == step("identitas")
    fill(client)
    response = client.post(step("periksa"), {"pernyataan": "1", "situs_web": "x"})
    assert response.status_code == 400
    assert not Application.objects.exists()


# -- documents refused on arrival --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("foto.jpg", bytes(range(256)) * 4, "Jenis berkas tidak diterima"),
        ("kosong.jpg", b"", "Berkas kosong"),
        ("besar.png", PNG + b"\x00" * 4096 + b"IEND\xaeB`\x82", "melebihi batas"),
    ],
)
@override_settings(UPLOAD_MAX_BYTES=2048)
def test_a_broken_file_gets_the_document_message_and_loses_nothing_else(
    client: Client, bpn_2026: Programme, media: Path, name: str, content: bytes, expected: str
) -> None:
    fill(client, documents={"ktp": ("ktp.png", PNG)})
    response = client.post(
        step("dokumen"),
        {
            "action": "next",
            "dokumen_kk": SimpleUploadedFile(name, content),
            "dokumen_aplikator_letter": SimpleUploadedFile("s.pdf", PDF),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    error = html.split('id="id_dokumen_kk_error"', 1)[1].split("</ul>", 1)[0]
    assert "Kartu Keluarga" in error and expected in error
    # The good files of the same request and of earlier ones are kept, and so are the answers.
    assert 'id="stored-ktp"' in html and 'id="stored-aplikator_letter"' in html and 'id="stored-kk"' not in html
    review = client.get(step("periksa")).content.decode()
    assert "Budi Santoso" in review and "Kartu Keluarga" in review


# -- status check ------------------------------------------------------------------------------------


def check(client: Client, number: str, nik: str) -> object:
    return client.post(reverse("public:status"), {"nomor": number, "nik": nik})


def test_the_right_number_and_nik_show_the_status_and_reasons_and_nothing_about_the_person(
    client: Client, bpn_2026: Programme, samarinda_village: Region
) -> None:
    fill(client, address={"wilayah": "64.72", "kode_kelurahan": samarinda_village.code})
    application = register_after_fill(client)
    viewer = Client()
    response = check(viewer, application.number.lower(), IDENTITY["nik"])
    assert response.status_code == 302 and IDENTITY["nik"] not in response["Location"]
    page = viewer.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"].startswith("max-age=0")
    assert application.number in html and bpn_2026.name in html
    assert "Tidak memenuhi syarat" in html and 'id="reasons"' in html
    assert "tidak berada di Kota Balikpapan" in html
    for private in ("Budi Santoso", "Mulawarman", IDENTITY["nik"], "Siti Aminah", samarinda_village.name):
        assert private not in html


def test_a_wrong_nik_and_a_wrong_number_get_the_same_answer(client: Client, bpn_2026: Programme) -> None:
    application = register(client)
    wrong_nik = check(Client(), application.number, "6471011508900099")
    wrong_number = check(Client(), "BPN-2026-999999", IDENTITY["nik"])
    assert wrong_nik.status_code == wrong_number.status_code == 404

    def message(response: object) -> str:
        return response.content.decode().split('id="status-error"', 1)[1].split("</div>", 1)[0]  # type: ignore[attr-defined]

    assert message(wrong_nik) == message(wrong_number)
    assert "tidak cocok" in message(wrong_nik)


def test_the_status_result_needs_the_check_first(client: Client, bpn_2026: Programme) -> None:
    assert client.get(reverse("public:status_result"))["Location"] == reverse("public:status")
    assert client.get(reverse("public:status_correct"))["Location"] == reverse("public:status")


def test_an_empty_status_form_is_a_400_not_a_500(client: Client, reference: None) -> None:
    assert client.post(reverse("public:status"), {}).status_code == 400
    assert client.get(reverse("public:status")).status_code == 200


@override_settings(PUBLIC_STATUS_CHECKS_PER_HOUR=2)
def test_too_many_status_checks_get_429(client: Client, reference: None) -> None:
    for _ in range(2):
        assert check(client, "BPN-2026-000001", "6471011508900001").status_code == 404
    response = check(client, "BPN-2026-000001", "6471011508900001")
    assert response.status_code == 429
    assert "Terlalu banyak pemeriksaan" in response.content.decode()


def test_a_returned_online_applicant_uploads_the_missing_letter_and_goes_to_verification(
    client: Client, bpn_2026: Programme
) -> None:
    fill(client, documents={"ktp": ("ktp.png", PNG), "kk": ("kk.pdf", PDF)})
    application = register_after_fill(client)
    assert application.status == S.RETURNED
    viewer = Client()
    result = viewer.get(check(viewer, application.number, IDENTITY["nik"])["Location"]).content.decode()
    assert 'id="correct"' in result and "Dokumen belum lengkap" in result
    form = viewer.get(reverse("public:status_correct")).content.decode()
    assert "belum ada, wajib" in form.split('id="document-aplikator_letter"', 1)[1].split("</div>", 1)[0]
    response = viewer.post(
        reverse("public:status_correct"), {"dokumen_aplikator_letter": SimpleUploadedFile("surat.pdf", PDF)}
    )
    assert response.status_code == 302 and response["Location"] == reverse("public:status_result")
    application.refresh_from_db()
    assert application.status == S.AWAITING_VERIFICATION
    assert Document.objects.filter(application=application, kind="aplikator_letter").exists()
    assert "Menunggu verifikasi" in viewer.get(reverse("public:status_result")).content.decode()


def test_a_broken_file_in_the_correction_is_refused_and_the_application_stays_returned(
    client: Client, bpn_2026: Programme
) -> None:
    fill(client, documents={"ktp": ("ktp.png", PNG), "kk": ("kk.pdf", PDF)})
    application = register_after_fill(client)
    viewer = Client()
    check(viewer, application.number, IDENTITY["nik"])
    response = viewer.post(
        reverse("public:status_correct"), {"dokumen_aplikator_letter": SimpleUploadedFile("surat.pdf", b"%PDF-1.4 cut")}
    )
    assert response.status_code == 400
    assert "terpotong" in response.content.decode()
    empty = viewer.post(reverse("public:status_correct"), {})
    assert empty.status_code == 400 and 'id="correct-error"' in empty.content.decode()
    application.refresh_from_db()
    assert application.status == S.RETURNED


def test_a_counter_application_that_was_returned_is_completed_online_too(
    client: Client, bpn_2026: Programme, make_application
) -> None:
    # Issue 21: registered at the counter, returned for a clear KK; the applicant holds number and NIK and need not
    # travel to the office to send a photo.
    application = make_application(bpn_2026, status="submitted")
    from jaring.registry.services import application_transition

    application_transition(
        application=application, transition="return_for_correction", actor=Actor.system("test"), reason="KK buram"
    )
    check(client, application.number, application.person.nik)
    html = client.get(reverse("public:status_result")).content.decode()
    assert "KK buram" in html and 'id="correct"' in html
    form = client.get(reverse("public:status_correct")).content.decode()
    assert 'id="data-fixes"' in form and 'name="dokumen_kk"' in form
    response = client.post(reverse("public:status_correct"), {"dokumen_kk": SimpleUploadedFile("kk.pdf", PDF)})
    assert response.status_code == 302
    # Sent back in and judged again (its other papers, never uploaded in this test, are still missing).
    assert AuditRecord.objects.filter(action="application.resubmit", target_id=str(application.pk)).exists()
    assert application.documents.filter(kind="kk", uploaded_by_label="applicant").exists()


# -- nothing answers 500 -----------------------------------------------------------------------------


def test_odd_requests_get_readable_answers(client: Client, bpn_2026: Programme) -> None:
    assert client.get(step("tidak-ada")).status_code == 404
    assert client.post(step("program"), {"programme": "TIDAK-ADA"}).status_code == 400
    assert client.get(reverse("public:register_done"))["Location"] == reverse("public:register")
    assert client.get(reverse("public:register_restart")).status_code == 405
    assert client.post(step("periksa"), {"pernyataan": "1"}).status_code == 200  # nothing to send: friendly page
    assert client.get(reverse("public:register_kelurahan"), {"wilayah": "../../etc"}).status_code == 204
    client.post(step("program"), {"programme": "BPN-2026"})
    fragment = client.get(reverse("public:register_kelurahan"), {"wilayah": "../../etc"})
    assert fragment.status_code == 200


def test_the_applicant_pages_render_for_anonymous_visitors_and_link_to_each_other(
    client: Client, bpn_2026: Programme
) -> None:
    register_page = client.get(reverse("public:register")).content.decode()
    status_page = client.get(reverse("public:status")).content.decode()
    assert reverse("public:status") in register_page
    assert reverse("public:register") in status_page
    assert 'id="logout"' not in register_page  # no officer account bar for an applicant
