"""Log-in for officers: hashed passwords, throttled guessing, each role's home."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jaring.core.models import User
from tests.helpers.reference import PASSWORD

pytestmark = pytest.mark.django_db


def test_an_officer_logs_in_and_lands_on_their_home(registration_officer: User) -> None:
    client = Client()
    response = client.post("/masuk/", {"username": "registration_officer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Petugas pendaftaran" in home.content.decode()


def test_passwords_are_stored_hashed(registration_officer: User) -> None:
    registration_officer.refresh_from_db()
    assert PASSWORD not in registration_officer.password
    assert registration_officer.check_password(PASSWORD)


def test_a_wrong_password_is_refused_in_bahasa_indonesia(registration_officer: User) -> None:
    response = Client().post("/masuk/", {"username": "registration_officer", "password": "salah"})
    assert response.status_code == 400
    assert "Nama pengguna atau kata sandi salah." in response.content.decode()


def test_an_empty_form_is_a_400_naming_the_fields_not_a_500() -> None:
    response = Client().post("/masuk/", {})
    assert response.status_code == 400


def test_repeated_failures_are_throttled_even_with_the_right_password(registration_officer: User) -> None:
    client = Client()
    for _ in range(5):
        client.post("/masuk/", {"username": "registration_officer", "password": "tebak"})
    response = client.post("/masuk/", {"username": "registration_officer", "password": PASSWORD})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_log_in_clears_earlier_failures(registration_officer: User) -> None:
    client = Client()
    for _ in range(4):
        client.post("/masuk/", {"username": "registration_officer", "password": "tebak"})
    assert client.post("/masuk/", {"username": "registration_officer", "password": PASSWORD}).status_code == 302
    client.post("/keluar/")
    for _ in range(4):
        client.post("/masuk/", {"username": "registration_officer", "password": "tebak"})
    assert client.post("/masuk/", {"username": "registration_officer", "password": PASSWORD}).status_code == 302


def test_next_only_redirects_within_the_site(registration_officer: User) -> None:
    response = Client().post(
        "/masuk/?next=https://evil.example/", {"username": "registration_officer", "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_logging_out_needs_a_post(registration_officer: User) -> None:
    client = Client()
    client.force_login(registration_officer)
    assert client.get("/keluar/").status_code == 405
    assert client.post("/keluar/").status_code == 302


@pytest.mark.parametrize(
    ("persona", "role_label"),
    [
        ("registration_officer", "Petugas pendaftaran"),
        ("kelurahan_operator_manggar", "Operator kelurahan"),
        ("dppp_verifier", "Verifikator instansi"),
        ("programme_manager", "Pengelola program"),
        ("bpjs_liaison", "Petugas penghubung BPJS"),
        ("leadership", "Pimpinan"),
        ("auditor", "Auditor"),
        ("administrator", "Administrator"),
    ],
)
def test_each_role_sees_a_home_page_fitting_the_role(
    persona: str, role_label: str, request: pytest.FixtureRequest
) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    page = client.get("/")
    assert page.status_code == 200
    assert role_label in page.content.decode()


def test_the_language_switch_turns_the_interface_english(registration_officer: User) -> None:
    client = Client()
    client.force_login(registration_officer)
    client.post("/bahasa/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Registration officer" in page


def test_an_anonymous_visitor_lands_on_a_welcome_page_with_the_applicant_paths(reference: None) -> None:
    page = Client().get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/daftar/"' in html and 'href="/status/"' in html and 'href="/masuk/"' in html


def test_an_expired_form_gets_a_readable_page_not_a_technical_one(reference: None) -> None:
    response = Client(enforce_csrf_checks=True).post("/status/", {"number": "X", "nik": "1"})
    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in response.content.decode()


@pytest.mark.parametrize("path", ["/pendaftaran/?status=a%00b", "/masuk/?next=%00"])
def test_a_nul_character_in_a_url_is_refused_as_bad_input(reference: None, path: str) -> None:
    assert Client().get(path).status_code == 400


def test_a_nul_character_in_a_form_is_refused_as_bad_input(reference: None) -> None:
    assert Client().post("/status/", {"number": "BPN-2026-000001", "nik": "64\x0071"}).status_code == 400


def test_the_admin_log_in_goes_through_the_throttled_audited_log_in(system_administrator: User) -> None:
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": "system_admin", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == "/masuk/?next=%2Fadmin%2F"
    for _ in range(5):
        client.post("/masuk/?next=/admin/", {"username": "system_admin", "password": "tebak"})
    assert client.post("/masuk/?next=/admin/", {"username": "system_admin", "password": PASSWORD}).status_code == 429


def test_an_admin_log_in_is_audited_and_lands_on_the_admin(system_administrator: User) -> None:
    from jaring.core.models import AuditRecord

    client = Client()
    login_page = client.get("/admin/", follow=True)
    assert login_page.redirect_chain[-1][0] == "/masuk/?next=%2Fadmin%2F"
    response = client.post("/masuk/?next=%2Fadmin%2F", {"username": "system_admin", "password": PASSWORD})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditRecord.objects.filter(action="user.login", actor=system_administrator).exists()


def test_a_stranger_cannot_lock_a_known_officer_out(registration_officer: User) -> None:
    stranger = Client(REMOTE_ADDR="198.51.100.66")
    for _ in range(10):
        stranger.post("/masuk/", {"username": "registration_officer", "password": "tebak"})
    assert stranger.post("/masuk/", {"username": "registration_officer", "password": PASSWORD}).status_code == 429
    officer = Client(REMOTE_ADDR="10.20.30.40")
    assert officer.post("/masuk/", {"username": "registration_officer", "password": PASSWORD}).status_code == 302


def test_guessing_one_username_from_many_addresses_meets_a_higher_ceiling(registration_officer: User) -> None:
    for n in range(50):  # 5 attempts allowed per address; 10 times that for the username from everywhere
        Client(REMOTE_ADDR=f"198.51.100.{n}").post("/masuk/", {"username": "registration_officer", "password": "x"})
    officer = Client(REMOTE_ADDR="10.20.30.40")
    assert officer.post("/masuk/", {"username": "registration_officer", "password": PASSWORD}).status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(registration_officer: User, settings: Any) -> None:
    from ipaddress import ip_network

    settings.TRUSTED_PROXIES = [ip_network("10.0.0.5")]
    stranger = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(5):
        stranger.post("/masuk/", {"username": "registration_officer", "password": "tebak"})
    officer = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="10.20.30.40")
    assert officer.post("/masuk/", {"username": "registration_officer", "password": PASSWORD}).status_code == 302
