"""Counter and kelurahan registration, the detail page's rules and documents, document access, correction.

Every page is driven through HTTP as the officer would use it; the services underneath are tested in
test_register.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jaring.core.models import AccessLog, AuditRecord, User
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel, Document, Person
from jaring.registry.officer_support import SEARCHES_KEPT, SEARCHES_KEY
from jaring.registry.states import ApplicationStatus
from tests.helpers.counter import form, register
from tests.helpers.documents import PDF, PNG
from tests.helpers.reference import LAMARU, MANGGAR

NIK = "6471011508900001"
LIST = "/pendaftaran/"
NEW = "/pendaftaran/baru/"
SEARCH = "/pendaftaran/baru/cari/"

ClientFor = Callable[[User], Client]


def field_errors(html: str, name: str) -> str:
    """The error text shown next to one field of the form."""
    match = re.search(rf'<div class="field" id="field-{name}">(.*?)</div>\s*(?=<div class="field"|</div>)', html, re.S)
    assert match, f"field {name} not on the page"
    errors = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', match.group(1), re.S)
    return errors.group(1) if errors else ""


def counts() -> tuple[int, int, int]:
    return Person.objects.count(), Application.objects.count(), Document.objects.count()


def search(client: Client, query: str) -> Any:
    """Post the registration search as the page does and follow its redirect to the result."""
    posted = client.post(SEARCH, {"q": query})
    assert posted.status_code == 302, posted.status_code
    return client.get(posted["Location"])


def register_link(html: str) -> str:
    """Where the search page's "Daftarkan baru" button leads."""
    match = re.search(r'id="register-new" href="([^"]*)"', html)
    assert match, "no register button on the page"
    return match.group(1).replace("&amp;", "&")


def open_form(client: Client, nik: str) -> Any:
    """Search for the NIK, then open the form from the result, as the officer does."""
    return client.get(register_link(search(client, nik).content.decode()))


# -- registering a walk-in -----------------------------------------------------------------------------


def test_a_counter_officer_registers_an_eligible_ojol_walk_in_with_documents(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    client = client_for(registration_officer)
    result = search(client, NIK)
    assert result.status_code == 200
    assert 'id="nik-new"' in result.content.decode()
    assert register_link(result.content.decode()).startswith(f"{NEW}?formulir=")

    page = client.get(register_link(result.content.decode()))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{NIK}"' in html
    assert f'<option value="{bpn_2026.pk}" selected>' in html  # the only open programme is preselected
    assert page["Cache-Control"].startswith("max-age=0")

    response = client.post(NEW, form(bpn_2026, token="t1", documents=("ktp", "kk", "aplikator_letter")))
    application = Application.objects.get(person__nik=NIK)
    assert response.status_code == 302
    assert response["Location"] == f"/pendaftaran/{application.number}/"
    assert application.status == ApplicationStatus.AWAITING_VERIFICATION
    assert application.channel == Channel.COUNTER
    assert application.created_by == registration_officer
    assert application.documents.count() == 3

    detail = client.get(response["Location"]).content.decode()
    assert application.number in detail and "Menunggu verifikasi" in detail
    assert 'class="flash flash-success"' in detail
    assert "Alamat KTP di wilayah program" in detail and "Terpenuhi" in detail
    assert 'id="assessment-meta"' in detail and "Aturan versi 1" in detail


def test_the_same_form_sent_twice_creates_one_application(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    client = client_for(registration_officer)
    first = client.post(NEW, form(bpn_2026, token="same-token", documents=("ktp", "kk", "aplikator_letter")))
    again = client.post(NEW, form(bpn_2026, token="same-token", documents=("ktp", "kk", "aplikator_letter")))
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Application.objects.count() == 1


def test_an_incomplete_registration_is_saved_and_returned_with_what_is_missing(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    client = client_for(registration_officer)
    response = client.post(NEW, form(bpn_2026, token="t", documents=("ktp", "kk")), follow=True)
    html = response.content.decode()
    application = Application.objects.get()
    assert application.status == ApplicationStatus.RETURNED
    assert 'class="flash flash-warning"' in html and "Surat keterangan aplikator" in html
    assert "Belum lengkap" in html
    assert 'id="correct-link"' in html


# -- search before entry -------------------------------------------------------------------------------


def test_search_finds_an_applicant_by_nik_and_by_name(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    existing = register(registration_officer, bpn_2026)
    client = client_for(registration_officer)
    by_nik = search(client, NIK).content.decode()
    assert existing.number in by_nik and 'id="nik-known"' in by_nik
    table = re.search(r'<table id="open-applications">.*?</table>', by_nik, re.S)
    assert table is not None and "6471**********01" in table.group(0) and NIK not in table.group(0)
    by_name = search(client, "budi").content.decode()
    assert existing.number in by_name
    short = client.post(SEARCH, {"q": "123"})  # a NIK must be 16 digits: said at once, nothing kept
    assert short.status_code == 400 and 'id="search-q-error"' in short.content.decode()
    assert search(client, "6471 0115 0890 0001").content.decode().count(existing.number) >= 1


def test_a_second_registration_of_the_same_nik_in_the_programme_is_refused_with_the_existing_number(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    existing = register(registration_officer, bpn_2026)
    before = counts()
    response = client_for(registration_officer).post(NEW, form(bpn_2026, token="other"))
    html = response.content.decode()
    assert response.status_code == 409
    assert existing.number in html
    assert f'href="/pendaftaran/{existing.number}/"' in html
    assert counts() == before


def test_a_known_applicant_prefills_the_form_and_the_view_is_logged(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    register(registration_officer, bpn_2026, nama="Siti Rahayu", jenis_kelamin="L")
    AccessLog.objects.all().delete()
    html = open_form(client_for(registration_officer), NIK).content.decode()
    assert 'id="prefilled"' in html
    assert 'value="Siti Rahayu"' in html and 'value="Gojek"' in html and 'value="15-08-1990"' in html
    log = AccessLog.objects.get()
    assert log.what == "registration_prefill" and log.actor == registration_officer


def test_another_funders_officer_learns_only_that_the_nik_is_registered_elsewhere(
    bpn_2026: Programme, smd_2026: Programme, registration_officer: User, samarinda_officer: User, client_for: ClientFor
) -> None:
    existing = register(registration_officer, bpn_2026, nama="Siti Rahayu")
    AccessLog.objects.all().delete()
    client = client_for(samarinda_officer)
    result = search(client, NIK).content.decode()
    assert 'id="nik-elsewhere"' in result
    assert existing.number not in result and "Siti Rahayu" not in result
    page = client.get(register_link(result)).content.decode()
    assert "Siti Rahayu" not in page and 'id="prefilled"' not in page
    assert not AccessLog.objects.exists()


def test_only_officers_who_register_get_the_page_and_the_list_button(
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    outsider: User,
    leadership: User,
    client_for: ClientFor,
) -> None:
    assert 'id="register-applicant"' in client_for(registration_officer).get("/pendaftaran/").content.decode()
    assert 'id="register-applicant"' not in client_for(dppp_verifier).get("/pendaftaran/").content.decode()
    for user in (dppp_verifier, outsider, leadership):
        client = client_for(user)
        assert client.get(NEW).status_code == 403
        assert client.post(SEARCH, {"q": NIK}).status_code == 403
        assert client.post(NEW, form(bpn_2026, token="x")).status_code == 403
    assert Application.objects.count() == 0
    assert Client().get(NEW).status_code == 302
    assert Client().post(SEARCH, {"q": NIK}).status_code == 302
    assert client_for(outsider).post(LIST, {"q": NIK}).status_code == 403


# -- no NIK in a URL ---------------------------------------------------------------------------------------

# Every attribute through which a page sends the browser somewhere.
URL_ATTRIBUTE = re.compile(r'\b(?:href|action|src|formaction|hx-get|hx-post|hx-push-url|data-url)="([^"]*)"')


def urls_of(response: Any) -> list[str]:
    """The URLs a response was reached by, redirects to, or links from its HTML, decoded."""
    urls = [url for url, _status in getattr(response, "redirect_chain", [])]
    urls.append(response.get("Location", ""))
    request = response.request
    urls.append(f"{request['PATH_INFO']}?{request.get('QUERY_STRING', '')}")
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        urls += URL_ATTRIBUTE.findall(response.content.decode())
    return [unquote(url.replace("&amp;", "&")) for url in urls]


def assert_no_url_holds(responses: list[Any], *texts: str) -> None:
    for response in responses:
        for url in urls_of(response):
            for text in texts:
                assert text not in url, f"{text} in {url}"


def test_no_response_redirects_to_or_links_a_url_with_a_searched_nik(
    bpn_2026: Programme, registration_officer: User, kelurahan_operator_manggar: User, client_for: ClientFor
) -> None:
    existing = register(registration_officer, bpn_2026, uploads=False)  # returned: correctable, open
    new_nik = "6471011508900002"
    prefix = NIK[:7]
    for officer in (registration_officer, kelurahan_operator_manggar):
        client = client_for(officer)
        responses: list[Any] = []
        for nik in (NIK, new_nik, "6471 0115 0890 0001"):
            posted = client.post(SEARCH, {"q": nik})
            assert posted.status_code == 302
            result = client.get(posted["Location"])
            page = client.get(register_link(result.content.decode()))
            assert page.status_code == 200 and 'id="registration-form"' in page.content.decode()
            back = re.search(r'id="back-to-search"', page.content.decode())
            assert back is not None
            responses += [posted, result, page]
        responses.append(client.post(SEARCH, {"q": NIK[:12]}))  # a mistyped NIK: shown again, not redirected
        for query in (NIK, prefix, "budi"):
            posted = client.post(LIST, {"q": query, "status": ApplicationStatus.RETURNED})
            result = client.get(posted["Location"])
            assert existing.number in result.content.decode(), (officer.username, query)
            responses += [posted, result]
        # Registering: refused as a duplicate (the page links the existing application), then a new person.
        responses.append(client.post(NEW, form(bpn_2026, token=f"dup-{officer.pk}")))
        responses.append(
            client.post(NEW, form(bpn_2026, token=f"new-{officer.pk}", nik=f"64710115089{officer.pk:05d}"), follow=True)
        )
        responses.append(client.get(f"/pendaftaran/{existing.number}/"))
        responses.append(client.get(f"/pendaftaran/{existing.number}/perbaiki/"))
        assert_no_url_holds(responses, NIK, new_nik, prefix, NIK[:12])


def test_list_pages_keep_the_search_by_its_key_not_its_digits(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    prefix = "647101150890"
    for i in range(26):
        register(registration_officer, bpn_2026, nik=f"{prefix}{i + 1:04d}", nama=f"Orang {chr(65 + i)}")
    register(registration_officer, bpn_2026, nik="6471015508900001", nama="Zubaidah", jenis_kelamin="P")
    client = client_for(registration_officer)
    first = client.post(LIST, {"q": prefix}, follow=True)
    html = first.content.decode()
    assert "dari 26" in html and "Zubaidah" not in html
    assert f'value="{prefix}"' in html  # the search box shows what was typed
    next_page = re.search(r'href="([^"]*)" rel="next"', html)
    assert next_page is not None and "cari=" in next_page.group(1)
    second = client.get(LIST + next_page.group(1).replace("&amp;", "&"))  # relative: "?cari=...&page=2"
    assert "Halaman 2 dari 2" in second.content.decode()
    assert_no_url_holds([first, second], prefix)


def test_a_search_key_survives_the_back_button_and_an_unknown_one_asks_to_search_again(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    existing = register(registration_officer, bpn_2026)
    client = client_for(registration_officer)
    first = client.post(SEARCH, {"q": NIK})["Location"]
    second = client.post(SEARCH, {"q": "andi"})["Location"]
    assert first != second
    assert client.post(SEARCH, {"q": NIK})["Location"] == first  # the same search, the same address
    back = client.get(first).content.decode()  # the browser's back button
    assert existing.number in back and 'id="nik-known"' in back and f'value="{NIK}"' in back
    assert existing.number not in client.get(second).content.decode()

    stale = Client()
    stale.force_login(registration_officer)  # another session: the key means nothing there
    expired = stale.get(first)
    assert expired.status_code == 200 and 'id="search-expired"' in expired.content.decode()
    assert existing.number not in expired.content.decode()
    blank = stale.get(first.replace("cari=", "formulir=")).content.decode()
    assert 'id="registration-form"' in blank and NIK not in blank
    listed = stale.get(f"{LIST}?cari=unknown").content.decode()
    assert 'id="search-expired"' in listed and existing.number in listed  # unfiltered, with a note

    assert client.post(SEARCH, {"q": "  "})["Location"] == NEW
    assert client.post(LIST, {"q": "", "status": "returned"})["Location"] == f"{LIST}?status=returned"
    assert client.post(LIST, {"q": "", "status": "bogus"})["Location"] == LIST


def test_the_session_keeps_only_the_latest_searches(registration_officer: User, client_for: ClientFor) -> None:
    client = client_for(registration_officer)
    keys = [client.post(LIST, {"q": f"nama {i}"})["Location"] for i in range(SEARCHES_KEPT + 5)]
    assert len(client.session[SEARCHES_KEY]) == SEARCHES_KEPT
    assert 'id="search-expired"' in client.get(keys[0]).content.decode()
    assert 'id="search-expired"' not in client.get(keys[-1]).content.decode()


# -- kelurahan operators --------------------------------------------------------------------------------


def test_a_kelurahan_operator_is_offered_only_their_own_kelurahan_and_registers_through_the_kelurahan_channel(
    bpn_2026: Programme, kelurahan_operator_manggar: User, client_for: ClientFor
) -> None:
    client = client_for(kelurahan_operator_manggar)
    html = client.get(NEW, {"formulir": ""}).content.decode()
    select = re.search(r'<select name="kode_kelurahan".*?</select>', html, re.S)
    assert select is not None
    assert re.findall(r'<option value="([^"]*)"', select.group(0)) == [MANGGAR]
    response = client.post(NEW, form(bpn_2026, token="k", documents=("ktp", "kk", "aplikator_letter")))
    assert response.status_code == 302
    assert Application.objects.get().channel == Channel.KELURAHAN


def test_a_forged_post_for_another_kelurahan_is_refused_and_creates_nothing(
    bpn_2026: Programme, kelurahan_operator_manggar: User, client_for: ClientFor
) -> None:
    before = counts()
    response = client_for(kelurahan_operator_manggar).post(
        NEW, form(bpn_2026, token="forged", documents=("ktp", "kk"), kode_kelurahan=LAMARU)
    )
    assert response.status_code == 403
    assert "kelurahannya sendiri" in response.content.decode()
    assert counts() == before


def test_a_kelurahan_operator_cannot_prefill_someone_of_another_kelurahan(
    bpn_2026: Programme, registration_officer: User, kelurahan_operator_manggar: User, client_for: ClientFor
) -> None:
    register(registration_officer, bpn_2026, nama="Warga Lamaru", kode_kelurahan=LAMARU)
    client = client_for(kelurahan_operator_manggar)
    assert 'id="nik-elsewhere"' in search(client, NIK).content.decode()
    html = open_form(client, NIK).content.decode()
    assert "Warga Lamaru" not in html


# -- field errors and bad input --------------------------------------------------------------------------


def test_field_errors_are_shown_in_indonesian_next_to_their_fields(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    client = client_for(registration_officer)
    response = client.post(NEW, form(bpn_2026, token="e", nik="12345", tanggal_lahir="31-02-1990"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "NIK harus 16 angka; tertulis 5 angka." in field_errors(html, "nik")
    # Under the field's own label: not the import file's "Kolom tanggal_lahir:", nor its Excel advice.
    born = field_errors(html, "tanggal_lahir")
    assert "<li>31-02-1990 bukan tanggal yang ada; tulis tanggal-bulan-tahun dengan angka" in born
    assert "Kolom" not in born and "Excel" not in born and "Kolom" not in field_errors(html, "nik")
    assert field_errors(html, "nama") == ""

    response = client.post(NEW, form(bpn_2026, token="e", sektor="astronot"))
    assert response.status_code == 400
    assert "pilihan yang valid" in field_errors(response.content.decode(), "sektor")

    response = client.post(NEW, form(bpn_2026, token="e", documents=("ktp",), tanggal_lahir="kemarin"))
    assert 'id="files-resend"' in response.content.decode() or "pilih ulang berkasnya" in response.content.decode()
    assert Application.objects.count() == 0


def test_a_refused_document_is_shown_next_to_its_input_and_nothing_is_saved(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    data = form(bpn_2026, token="d", documents=("ktp", "kk"))
    data["dokumen_kk"] = SimpleUploadedFile("kk.pdf", b"just some text, not a PDF", content_type="application/pdf")
    response = client_for(registration_officer).post(NEW, data)
    assert response.status_code == 400
    assert "Jenis berkas tidak diterima" in field_errors(response.content.decode(), "dokumen_kk")
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    "changes",
    [
        {"programme": None},
        {"programme": "999999"},
        {"programme": "abc"},
        {"programme": "1; DROP TABLE"},
        {"nik": "6.47101E+15", "no_kk": "x" * 500},
        {"tanggal_lahir": "99999-99-99", "domisili_sejak": "\x00"},
        {"jenis_kelamin": "X", "kode_kelurahan": "64.71.01.9999"},
        {"kode_kelurahan": "../../etc", "sektor": "<script>"},
        {"penghasilan_bulanan": "-1", "no_hp": "12"},
        {"rt": "abcdef", "rw": "9999999"},
        {"nama": "", "alamat": ""},
        {"penghasilan_bulanan": "1e309"},
        {"programme": "\x00", "nama": "Budi\x00", "sektor": "\x00"},
        {"programme": "9" * 40},
        {"programme": "²"},
    ],
)
def test_garbage_never_answers_500_and_creates_nothing(
    changes: dict[str, Any], bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    data = form(bpn_2026, token="g", documents=("ktp",))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    response = client_for(registration_officer).post(NEW, data)
    assert response.status_code in (400, 403, 409)
    assert Application.objects.count() == 0


def test_garbage_in_searches_query_strings_and_urls_never_answers_500(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    client = client_for(registration_officer)
    application = register(registration_officer, bpn_2026)
    for query in ("x" * 1000, "1" * 40, "bu\x00di", "\x00", "²" * 16, "٦" * 16, "   ", "6471-0115.0890 0001", "%", "_"):
        for url in (SEARCH, LIST):
            response = client.post(url, {"q": query, "status": "\x00"}, follow=True)
            assert response.status_code in (200, 400), (url, query)
    for params in (
        {"cari": "nope"},
        {"cari": "\x00"},
        {"cari": "x" * 1000},
        {"formulir": "abc"},
        {"formulir": "\x00"},
        {"programme": "zz", "formulir": ""},
        {"programme": "9" * 40, "formulir": ""},
        {"programme": "²", "formulir": ""},
    ):
        assert client.get(NEW, params).status_code in (200, 400), params
    for params in ({"cari": "nope", "status": "x"}, {"cari": "\x00", "page": "zz"}, {"q": NIK}):
        assert client.get(LIST, params).status_code in (200, 400), params
    for url in (
        "/pendaftaran/NOPE-1/",
        "/pendaftaran/NOPE-1/perbaiki/",
        f"/pendaftaran/{application.number}/dokumen/999999/",
        "/pendaftaran/NOPE-1/dokumen/1/",
        "/pendaftaran/%00/",
        f"/pendaftaran/{application.number}/dokumen/{'9' * 40}/",
        f"/pendaftaran/{application.number}%00/dokumen/1/",
    ):
        assert client.get(url).status_code in (400, 404), url
    assert client.get(f"/pendaftaran/{application.number}/dokumen/").status_code == 405
    # Not returned: the correction page sends the officer back to the detail page with a note.
    assert client.get(f"/pendaftaran/{application.number}/perbaiki/").status_code == 302


def test_no_open_programme_means_no_form(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    Programme.objects.filter(pk=bpn_2026.pk).update(status=Programme.Status.CLOSED)
    client = client_for(registration_officer)
    assert 'id="no-programme"' in client.get(NEW).content.decode()
    posted = client.post(SEARCH, {"q": NIK})
    assert 'id="register-new"' not in client.get(posted["Location"]).content.decode()
    key = posted["Location"].split("cari=")[1]
    assert 'id="registration-form"' not in client.get(NEW, {"formulir": key}).content.decode()
    assert client.post(NEW, form(bpn_2026, token="c")).status_code == 400
    assert Application.objects.count() == 0


# -- detail page and documents ---------------------------------------------------------------------------


def test_the_detail_page_shows_rules_warnings_and_documents(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    # A NIK whose birth date disagrees with the stated one: a warning, not a refusal.
    application = register(registration_officer, bpn_2026, tanggal_lahir="16-08-1990")
    document = application.documents.get(kind="ktp")
    html = client_for(registration_officer).get(f"/pendaftaran/{application.number}/").content.decode()
    assert 'id="warnings"' in html
    assert 'id="eligibility"' in html and "Batas penghasilan" in html
    assert f'href="/pendaftaran/{application.number}/dokumen/{document.pk}/"' in html
    assert 'id="document-upload"' in html


def test_a_scoped_officer_opens_a_document_and_the_access_is_logged(
    bpn_2026: Programme,
    registration_officer: User,
    kelurahan_operator_manggar: User,
    client_for: ClientFor,
) -> None:
    application = register(registration_officer, bpn_2026)
    document = application.documents.get(kind="ktp")
    url = f"/pendaftaran/{application.number}/dokumen/{document.pk}/"
    for officer in (registration_officer, kelurahan_operator_manggar):
        AccessLog.objects.all().delete()
        response = client_for(officer).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        log = AccessLog.objects.get()
        assert log.what == "document:ktp" and log.actor == officer and log.person_ref == str(application.person_id)


def test_officers_outside_the_application_cannot_open_its_documents(
    bpn_2026: Programme,
    registration_officer: User,
    samarinda_officer: User,
    outsider: User,
    dishub_verifier: User,
    client_for: ClientFor,
) -> None:
    application = register(registration_officer, bpn_2026)  # an ojol: verified by the owning office, not Dishub
    document = application.documents.get(kind="ktp")
    url = f"/pendaftaran/{application.number}/dokumen/{document.pk}/"
    AccessLog.objects.all().delete()
    for officer in (samarinda_officer, outsider, dishub_verifier):
        response = client_for(officer).get(url)
        assert response.status_code in (403, 404), officer.username
        assert PNG not in response.content
    assert not AccessLog.objects.exists()
    assert Client().get(url).status_code == 302


def test_a_document_of_another_application_is_not_reachable_through_this_number(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    first = register(registration_officer, bpn_2026)
    second = register(registration_officer, bpn_2026, nik="6471011508900002", nama="Andi")
    other = second.documents.get(kind="ktp")
    assert client_for(registration_officer).get(f"/pendaftaran/{first.number}/dokumen/{other.pk}/").status_code == 404


def test_uploading_text_named_pdf_is_refused_with_a_clear_message(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    application = register(registration_officer, bpn_2026, uploads=False)
    before = Document.objects.count()
    client = client_for(registration_officer)
    url = f"/pendaftaran/{application.number}/dokumen/"
    fake = SimpleUploadedFile("surat.pdf", b"hello, this is not a pdf", content_type="application/pdf")
    response = client.post(url, {"jenis": "aplikator_letter", "berkas": fake}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Jenis berkas tidak diterima" in html and 'class="flash flash-error"' in html
    assert Document.objects.count() == before
    for data in ({"jenis": "paspor", "berkas": SimpleUploadedFile("a.pdf", PDF)}, {"jenis": "ktp"}, {}):
        assert client.post(url, data).status_code == 302
    assert Document.objects.count() == before


def test_uploading_a_document_supersedes_the_earlier_one_of_its_kind(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    application = register(registration_officer, bpn_2026)
    old = application.documents.get(kind="ktp")
    response = client_for(registration_officer).post(
        f"/pendaftaran/{application.number}/dokumen/",
        {"jenis": "ktp", "berkas": SimpleUploadedFile("ktp2.pdf", PDF)},
        follow=True,
    )
    assert "tersimpan" in response.content.decode()
    old.refresh_from_db()
    assert old.superseded_at is not None
    assert application.documents.filter(kind="ktp", superseded_at=None).get().content_type == "application/pdf"
    assert 'class="superseded"' in response.content.decode()


def test_officers_without_register_rights_or_scope_cannot_upload(
    bpn_2026: Programme,
    registration_officer: User,
    dppp_verifier: User,
    samarinda_officer: User,
    client_for: ClientFor,
) -> None:
    application = register(registration_officer, bpn_2026, uploads=False)
    url = f"/pendaftaran/{application.number}/dokumen/"
    for officer in (dppp_verifier, samarinda_officer):
        response = client_for(officer).post(url, {"jenis": "ktp", "berkas": SimpleUploadedFile("k.png", PNG)})
        assert response.status_code in (403, 404)
    assert application.documents.count() == 2


# -- correction of a returned application ------------------------------------------------------------------


def test_a_returned_application_is_corrected_and_resubmitted_keeping_its_history(
    bpn_2026: Programme, registration_officer: User, client_for: ClientFor
) -> None:
    application = register(registration_officer, bpn_2026, uploads=False)
    assert application.status == ApplicationStatus.RETURNED
    client = client_for(registration_officer)
    url = f"/pendaftaran/{application.number}/perbaiki/"
    AccessLog.objects.all().delete()
    page = client.get(url).content.decode()
    assert re.search(r'<input[^>]*name="nik"[^>]*disabled', page)
    assert 'value="Budi Santoso"' in page
    assert AccessLog.objects.filter(what="application_correct").exists()

    data = form(None, documents=("aplikator_letter",), nik="6471011508900099", alamat="Jl. Baru No. 3")
    response = client.post(url, data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.AWAITING_VERIFICATION
    assert application.person.nik == NIK  # the posted NIK is ignored
    assert application.person.address == "Jl. Baru No. 3"
    actions = list(
        AuditRecord.objects.filter(target_type="registry.application", target_id=str(application.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions.index("application.return_for_correction") < actions.index("application.resubmit")
    assert actions[-1] == "application.send_to_verification"

    again = client.post(url, data)  # sent twice: the first already moved it on
    assert again.status_code == 302
    assert Application.objects.count() == 1


def test_correction_errors_are_shown_and_change_nothing(
    bpn_2026: Programme, registration_officer: User, kelurahan_operator_manggar: User, client_for: ClientFor
) -> None:
    application = register(registration_officer, bpn_2026, uploads=False)
    url = f"/pendaftaran/{application.number}/perbaiki/"
    response = client_for(registration_officer).post(url, form(None, domisili_sejak="besok"))
    assert response.status_code == 400
    assert "bukan tanggal" in field_errors(response.content.decode(), "domisili_sejak")
    forged = client_for(kelurahan_operator_manggar).post(url, form(None, kode_kelurahan=LAMARU))
    assert forged.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED
    assert application.person.kelurahan_id == MANGGAR
