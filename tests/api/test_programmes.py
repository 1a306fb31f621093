"""Partner API: programme figures, the waitlist, the contribution table and the planner (issue 5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jaring.allocation.services import month_start
from jaring.core.models import User
from jaring.programmes.models import ContributionRate, Programme
from jaring.programmes.money import months_between
from jaring.registry.models import Application
from jaring.verification.services import applications_approve
from tests.helpers.api import Partner

Maker = Callable[..., Application]


@pytest.fixture
def bpn(bpn_2026: Programme) -> Programme:
    year = timezone.localdate().year
    Programme.objects.filter(pk=bpn_2026.pk).update(
        cover_start=date(year, 1, 1), cover_end=date(year, 12, 31), quota=2, budget=1_008_000_000
    )
    bpn_2026.refresh_from_db()
    return bpn_2026


@pytest.fixture
def three_approved(bpn: Programme, make_application: Maker, dppp_verifier: User) -> list[Application]:
    """Quota 2: two places taken, one waiting."""
    applications = []
    for i in range(3):
        application = make_application(bpn, sector="nelayan", name=f"Nelayan {i}")
        Application.objects.filter(pk=application.pk).update(
            submitted_at=timezone.now() - timedelta(days=5) + timedelta(seconds=i)
        )
        applications.append(application)
    result = applications_approve(ids=[a.pk for a in applications], actor=dppp_verifier)
    assert len(result.approved) == 2 and len(result.waitlisted) == 1
    return applications


def months_left(programme: Programme) -> int:
    return months_between(max(programme.cover_start, month_start(timezone.localdate())), programme.cover_end)


def test_a_reporting_system_reads_the_figures_of_its_funders_programmes(
    dashboard: Partner, three_approved: list[Application], smd_2026: Programme
) -> None:
    bpn = three_approved[0].programme
    rows = dashboard.get("/api/v1/programmes").json()
    assert [r["code"] for r in rows] == ["BPN-2026"]
    figures = rows[0]["figures"]
    committed = 2 * months_left(bpn) * 16_800
    assert figures["quota"] == 2 and figures["allocated"] == 2 and figures["waitlisted"] == 1
    assert figures["free"] == 0 and figures["monthly_contribution"] == 16_800
    assert figures["budget"] == 1_008_000_000 and figures["budget_committed"] == committed
    assert figures["budget_remaining"] == 1_008_000_000 - committed

    one = dashboard.get("/api/v1/programmes/bpn-2026").json()
    assert one["code"] == "BPN-2026" and one["figures"] == figures
    assert one["income_basis"] == 1_000_000 and one["waitlist_order"] == ["dtks", "income", "submitted"]
    assert dashboard.get("/api/v1/programmes/BPN-2026/quota").json() == {
        "quota": 2,
        "allocated": 2,
        "waitlisted": 1,
        "free": 0,
    }


def test_a_registration_partner_lists_the_programmes_without_figures(
    gojek: Partner, bpn: Programme, smd_2026: Programme
) -> None:
    rows = gojek.get("/api/v1/programmes").json()
    assert [(r["code"], r["figures"]) for r in rows] == [("BPN-2026", None)]
    for path in ("/api/v1/programmes/BPN-2026", "/api/v1/programmes/BPN-2026/waitlist", "/api/v1/programmes/planner"):
        assert gojek.get(path).status_code == 403, path


def test_another_funders_programme_is_not_found(dashboard: Partner, smd_2026: Programme) -> None:
    for path in ("", "/quota", "/waitlist"):
        response = dashboard.get(f"/api/v1/programmes/SMD-2026{path}")
        assert response.status_code == 404, path
        assert "SMD-2026" in response.json()["detail"]
    assert dashboard.get("/api/v1/programmes/NOPE").status_code == 404


def test_the_waitlist_gives_positions_and_numbers_but_no_person(
    dashboard: Partner, three_approved: list[Application]
) -> None:
    body = dashboard.get("/api/v1/programmes/BPN-2026/waitlist").json()
    assert body["count"] == 1 and body["next"] is None
    assert body["results"] == [
        {"position": 1, "number": three_approved[2].number, "submitted_at": body["results"][0]["submitted_at"]}
    ]
    assert body["results"][0]["submitted_at"].endswith("+08:00")
    text = str(body)
    assert three_approved[2].person.nik not in text and three_approved[2].person.name not in text


def test_the_waitlist_pages(dashboard: Partner, three_approved: list[Application], make_application: Maker) -> None:
    programme = three_approved[0].programme
    Application.objects.filter(pk=make_application(programme, sector="nelayan").pk).update(status="waitlisted")
    first = dashboard.get("/api/v1/programmes/BPN-2026/waitlist", {"page_size": 1}).json()
    assert first["count"] == 2 and "page=2" in first["next"]
    second = dashboard.get("/api/v1/programmes/BPN-2026/waitlist", {"page": 2, "page_size": 1}).json()
    assert second["results"][0]["position"] == 2 and second["next"] is None
    assert dashboard.get("/api/v1/programmes/BPN-2026/waitlist", {"page": 99}).json()["results"] == []
    bad = dashboard.get("/api/v1/programmes/BPN-2026/waitlist", {"page_size": 501})
    assert bad.status_code == 422 and "page_size" in bad.json()["errors"]


@pytest.mark.parametrize(
    ("income", "basis", "total"),
    [("1000000", 1_000_000, 16_800), ("Rp900.000", 1_000_000, 16_800), ("", 1_000_000, 16_800)],
)
def test_the_contribution_of_an_income(dashboard: Partner, income: str, basis: int, total: int) -> None:
    body = dashboard.get("/api/v1/programmes/contribution", {"income": income, "on": "2026-01-01"}).json()
    assert body["bracket"]["income_basis"] == basis and body["bracket"]["jkk_rate"] == "0.01"
    assert body["contribution"] == {"income_basis": basis, "jkk": 10_000, "jkm": 6_800, "total": total}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"income": "banyak"}, "income"),
        ({"income": "-5"}, "income"),
        ({"on": "2026-02-30"}, "on"),
        ({"on": "kemarin"}, "on"),
        ({"on": "2001-01-01"}, "on"),  # no table in force yet
    ],
)
def test_bad_contribution_questions_are_422(dashboard: Partner, params: dict, field: str) -> None:
    response = dashboard.get("/api/v1/programmes/contribution", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_the_planner_gives_penajams_figures(dashboard: Partner) -> None:
    body = dashboard.get("/api/v1/programmes/planner", {"quota": 5000, "months": 12}).json()
    assert body["budget_needed"] == 1_008_000_000 and body["contribution"]["total"] == 16_800
    body = dashboard.get("/api/v1/programmes/planner", {"budget": "Rp1.008.000.000"}).json()
    assert body["people_covered"] == 5000 and body["months"] == 12
    assert body["budget_needed"] is None


def test_a_blank_income_is_the_lowest_basis_of_the_table_in_force(dashboard: Partner) -> None:
    # A later table (hypothetical figures) moves the lowest basis: the default follows the table.
    ContributionRate.objects.create(
        effective_from=date(2027, 1, 1), lower_bound=0, income_basis=1_200_000, jkm_amount=7_000, legal_basis="PP x"
    )
    body = dashboard.get("/api/v1/programmes/contribution", {"on": "2027-02-01"}).json()
    assert body["income"] == 1_200_000 and body["contribution"]["total"] == 19_000
    body = dashboard.get("/api/v1/programmes/planner", {"quota": 10, "on": "2027-02-01"}).json()
    assert body["income_basis"] == 1_200_000 and body["budget_needed"] == 2_280_000
    body = dashboard.get("/api/v1/programmes/planner", {"quota": 10, "on": "2026-06-01"}).json()
    assert body["income_basis"] == 1_000_000 and body["budget_needed"] == 2_016_000


def test_a_table_that_costs_nothing_covers_no_one_rather_than_failing(dashboard: Partner) -> None:
    ContributionRate.objects.create(
        effective_from=date(2027, 1, 1), lower_bound=0, income_basis=1, jkm_amount=0, legal_basis="PP x"
    )
    response = dashboard.get("/api/v1/programmes/planner", {"budget": "1000000", "quota": 3, "on": "2027-02-01"})
    assert response.status_code == 200
    assert response.json()["people_covered"] is None and response.json()["budget_needed"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"months": 13}, "months"),
        ({"months": 0}, "months"),
        ({"months": "twelve"}, "months"),
        ({"quota": -1}, "quota"),
        ({"budget": "lots"}, "budget"),
        ({"income_basis": "-1"}, "income_basis"),
    ],
)
def test_bad_planner_questions_are_422(dashboard: Partner, params: dict, field: str) -> None:
    response = dashboard.get("/api/v1/programmes/planner", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_the_programme_paths_are_documented(db: None) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/programmes",
        "/api/v1/programmes/{code}",
        "/api/v1/programmes/{code}/quota",
        "/api/v1/programmes/{code}/waitlist",
        "/api/v1/programmes/contribution",
        "/api/v1/programmes/planner",
    ):
        assert "get" in paths[path], path
