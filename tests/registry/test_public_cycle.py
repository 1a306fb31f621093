"""What the public pages offer through the programme year: from October, when next year's programme of a
funder is open, someone registering registers for next year's cover and is told that cover's dates, never
this year's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jaring.core.actors import Actor
from jaring.core.models import AgencyKind, Funder
from jaring.eligibility.models import IncomeCeiling
from jaring.eligibility.services import rule_version_create
from jaring.programmes.models import Programme
from tests.helpers.reference import programme_for
from tests.helpers.self_registration import register, step


@pytest.fixture
def bpn_2027(balikpapan: Funder) -> Programme:
    name = "Jaminan Sosial Pekerja Rentan Kota Balikpapan 2027"
    programme = programme_for(balikpapan, code="BPN-2027", name=name, owner=AgencyKind.DINSOS, quota=7100, year=2027)
    # A fixed ceiling, so the test does not depend on the 2027 UMK being entered.
    rule_version_create(
        programme=programme,
        actor=Actor.system("test"),
        income_ceiling=IncomeCeiling.FIXED,
        income_ceiling_amount=4_000_000,
    )
    return programme


@pytest.mark.today("2026-12-06")
def test_in_december_the_welcome_page_offers_next_years_cover_of_a_funder_that_opened_it(
    client: Client, bpn_2026: Programme, bpn_2027: Programme, smd_2026: Programme
) -> None:
    page = client.get(reverse("home")).content.decode()
    assert "BPN-2027" in page and "1 Januari 2027 sampai 31 Desember 2027" in page
    assert "BPN-2026" not in page and "1 Januari 2026" not in page
    # Samarinda has not opened 2027: a place taken now covers this month to the year's end, and says so.
    assert "SMD-2026" in page and "1 Desember 2026 sampai 31 Desember 2026" in page


@pytest.mark.today("2026-12-06")
def test_in_december_the_programme_step_offers_next_year_only(
    client: Client, bpn_2026: Programme, bpn_2027: Programme
) -> None:
    page = client.get(reverse("public:register")).content.decode()
    assert 'value="BPN-2027"' in page and 'value="BPN-2026"' not in page
    assert "Perlindungan 1 Januari 2027 sampai 31 Desember 2027" in page
    assert client.post(step("program"), {"programme": "BPN-2026"}).status_code == 400


@pytest.mark.today("2026-12-06")
@pytest.mark.usefixtures("media")
def test_someone_registering_in_december_is_promised_next_years_cover(
    client: Client, bpn_2026: Programme, bpn_2027: Programme
) -> None:
    application = register(client, programme="BPN-2027")
    assert application.programme == bpn_2027
    page = client.get(reverse("public:register_done")).content.decode()
    assert "dari 1 Januari 2027 sampai 31 Desember 2027" in page
    assert "2026 sampai" not in page


@pytest.mark.today("2026-12-06")
def test_a_registration_begun_for_this_year_goes_back_to_the_choice_once_next_year_opens(
    client: Client, bpn_2026: Programme, balikpapan: Funder
) -> None:
    client.post(step("program"), {"programme": "BPN-2026"})
    assert client.get(step("identitas")).status_code == 200
    programme_for(balikpapan, code="BPN-2027", name="BPN 2027", owner=AgencyKind.DINSOS, quota=10, year=2027)
    response = client.get(step("identitas"))
    assert response.status_code == 302 and response["Location"] == step("program")


@pytest.mark.today("2027-01-02")
def test_a_programme_whose_cover_has_ended_is_not_offered_even_if_left_open(
    client: Client, bpn_2026: Programme
) -> None:
    page = client.get(reverse("home")).content.decode()
    assert "BPN-2026" not in page and 'id="no-programme"' in page
