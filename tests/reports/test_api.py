"""GET /api/v1/reports/coverage (claims-api.md, Reports): members covered in a month for a partner's own dashboard,
every breakdown adding up to the total, within the token's reach."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.core.models import Funder, User
from jaring.core.services import api_token_create
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.registry.models import Sex
from tests.api.conftest import Partner
from tests.reports.conftest import LAMARU, MANGGAR, M, Make

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/coverage"


@pytest.fixture
def partner_for(administrator: User) -> Callable[..., Partner]:
    def make(funder: Funder, *, scopes: tuple[str, ...] = ("reports",)) -> Partner:
        _, secret = api_token_create(name="Dasbor mitra", funder=funder, scopes=list(scopes), actor=administrator)
        return Partner(secret)

    return make


@pytest.fixture
def bpn_members(bpn_2026: Programme, members: Make) -> list[Membership]:
    return members(
        bpn_2026,
        [
            M(MANGGAR, "nelayan", Sex.MALE, date(1990, 1, 1)),
            M(MANGGAR, "nelayan", Sex.FEMALE, date(1980, 1, 1)),
            M(LAMARU, "ojol", Sex.MALE, date(2003, 1, 1), starts=date(2026, 5, 1)),
            M("64.71.06.1001", "petani", Sex.FEMALE, date(1960, 1, 1)),
        ],
    )


def test_a_partner_reads_the_members_covered_and_every_breakdown_adds_up(
    partner_for: Callable[..., Partner], balikpapan: Funder, bpn_members: list[Membership]
) -> None:
    response = partner_for(balikpapan).get(URL, {"programme": "BPN-2026", "month": "2026-06"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["programme"], body["month"], body["members"]) == ("BPN-2026", "2026-06", 4)
    for name in ("by_sector", "by_kecamatan", "by_sex", "by_age_band"):
        assert sum(cell["members"] for cell in body[name]) == body["members"], name
        assert all(set(cell) == {"key", "label", "members"} for cell in body[name])
    assert {c["key"]: c["members"] for c in body["by_sector"]} == {"nelayan": 2, "ojol": 1, "petani": 1}
    assert {c["key"]: c["members"] for c in body["by_kecamatan"]} == {"64.71.01": 3, "64.71.06": 1}
    assert [c["key"] for c in body["by_age_band"]] == ["<25", "25-34", "35-44", "45-54", "55-64", "65+"]
    assert [c["key"] for c in body["by_sex"]] == ["L", "P"]
    assert body["computed_at"]
    april = partner_for(balikpapan).get(URL, {"programme": "bpn-2026", "month": "2026-04"}).json()
    assert april["members"] == 3  # the ojol driver's cover starts in May


def test_without_the_reports_scope_the_token_is_refused(
    partner_for: Callable[..., Partner], balikpapan: Funder, bpn_members: list[Membership]
) -> None:
    response = partner_for(balikpapan, scopes=("registration",)).get(URL, {"programme": "BPN-2026", "month": "2026-06"})
    assert response.status_code == 403
    assert "reports" in response.json()["detail"]


def test_another_funders_programme_is_not_found(
    partner_for: Callable[..., Partner], samarinda: Funder, bpn_members: list[Membership]
) -> None:
    response = partner_for(samarinda).get(URL, {"programme": "BPN-2026", "month": "2026-06"})
    assert response.status_code == 404
    assert response.json()["errors"] == {"programme": ["Program BPN-2026 tidak ditemukan."]}


def test_a_provinces_token_reads_the_city_programmes_inside_it(
    partner_for: Callable[..., Partner], bpn_members: list[Membership], reference: None
) -> None:
    kaltim = Funder.objects.get(code="kaltim")
    response = partner_for(kaltim).get(URL, {"programme": "BPN-2026", "month": "2026-06"})
    assert response.status_code == 200
    assert response.json()["members"] == 4


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"programme": "BPN-2026", "month": "juni"}, "month"),
        ({"programme": "BPN-2026", "month": "2026-13"}, "month"),
        ({"programme": "BPN-2026", "month": "2027-01"}, "month"),
        ({"programme": "BPN-2026"}, "month"),
        ({"month": "2026-06"}, "programme"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    partner_for: Callable[..., Partner],
    balikpapan: Funder,
    bpn_members: list[Membership],
    params: dict[str, str],
    field: str,
) -> None:
    response = partner_for(balikpapan).get(URL, params)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_english_on_request(
    partner_for: Callable[..., Partner], balikpapan: Funder, bpn_members: list[Membership]
) -> None:
    response = partner_for(balikpapan).get(
        URL, {"programme": "BPN-2026", "month": "2027-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "outside" in response.json()["detail"]


def test_the_operation_is_in_the_openapi_document(partner_for: Callable[..., Partner], balikpapan: Funder) -> None:
    document = partner_for(balikpapan).get("/api/v1/openapi.json").json()
    operation = document["paths"][URL]["get"]
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} == {"programme", "month"}
