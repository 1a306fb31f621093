"""The public status check takes the registration number and NIK as people type them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from jaring.programmes.models import Programme
from jaring.registry.models import Application
from jaring.registry.selectors import application_number_normalise


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("BPN-2026-001525", "BPN-2026-001525"),
        ("bpn-2026-1525", "BPN-2026-001525"),
        ("  BPN 2026 1525 ", "BPN-2026-001525"),
        ("bpn2026-001525", "BPN-2026-001525"),
        ("BPN-2026-1.525", "BPN-2026-001525"),
        ("bpn/2026/1525", "BPN-2026-001525"),
        ("bpn_2026_1525", "BPN-2026-001525"),
        ("BPN\u20132026\u20131525", "BPN-2026-001525"),  # an en dash from a phone keyboard
        ("BPN-2026-0001525", "BPN-2026-001525"),
        ("kaltim-2026-12", "KALTIM-2026-000012"),
        ("KUTIM-2026-000001", "KUTIM-2026-000001"),
        # Not a number of Jaring's shape: compared as typed, never guessed into one.
        ("BPN-2026-12345678", "BPN-2026-12345678"),
        ("2026-1525", "2026-1525"),
        ("", ""),
    ],
)
def test_a_typed_number_reads_as_the_number_jaring_wrote(typed: str, number: str) -> None:
    assert application_number_normalise(typed) == number


@pytest.mark.django_db
def test_the_status_page_finds_an_application_from_a_lower_case_number_without_zeros_and_a_spaced_nik(
    client: Client, bpn_2026: Programme, make_application: Callable[..., Application]
) -> None:
    application = make_application(bpn_2026)
    serial = int(application.number.rsplit("-", 1)[1])
    nik = application.person.nik
    response = client.post(
        "/status/", {"nomor": f"bpn-2026-{serial}", "nik": f"{nik[:4]} {nik[4:8]}.{nik[8:12]}-{nik[12:]}"}
    )
    assert response.status_code == 302 and response["Location"] == "/status/hasil/"
    assert application.number in client.get("/status/hasil/").content.decode()


@pytest.mark.django_db
def test_a_typed_number_of_someone_elses_nik_is_still_one_plain_mismatch(
    client: Client, bpn_2026: Programme, make_application: Callable[..., Application]
) -> None:
    application = make_application(bpn_2026)
    serial = int(application.number.rsplit("-", 1)[1])
    response = client.post("/status/", {"nomor": f"bpn-2026-{serial}", "nik": "6471011508909999"})
    assert response.status_code == 404
    assert "tidak cocok" in response.content.decode()
