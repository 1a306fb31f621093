"""Partners of a funder read its SK lists: scope "reports", own funder only, full NIKs only with "membership"."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from openpyxl import load_workbook

from jaring.allocation.decrees.services import decree_generate, decree_sign
from jaring.allocation.models import Decree, Place
from jaring.core.actors import Actor
from jaring.core.models import AccessLog, Funder
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from tests.helpers.api import Partner

URL = "/api/v1/decrees"


@pytest.fixture
def decree(bpn_2026: Programme, make_application: Callable[..., Application]) -> Decree:
    """A signed SK of BPN-2026 with two participants."""
    for name in ("Budi Santoso", "Ani Lestari"):
        application = make_application(bpn_2026, status="approved", name=name)
        Place.objects.create(
            programme=bpn_2026,
            application=application,
            person=application.person,
            starts=date(2026, 1, 1),
            ends=date(2026, 12, 31),
        )
    made = decree_generate(
        programme=bpn_2026, number="100.3.3.2/640/2025", decree_date=date(2026, 12, 18), actor=Actor.system("test")
    )
    return decree_sign(decree=made, actor=Actor.system("test"))


@pytest.fixture
def membership(partner_for: Callable[..., Partner], balikpapan: Funder) -> Partner:
    """BPJS's system of the funder: enrols the listed people, so it needs their NIK."""
    return partner_for(balikpapan, name="BPJS Balikpapan", scopes=("reports", "membership"))


def test_list_of_the_funders_decrees(dashboard: Partner, decree: Decree, bpn_2026: Programme) -> None:
    response = dashboard.get(URL)
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": decree.pk,
            "programme": "BPN-2026",
            "number": "100.3.3.2/640/2025",
            "decree_date": "2026-12-18",
            "title": decree.title,
            "status": "signed",
            "previous": None,
            "generated_at": response.json()[0]["generated_at"],
            "signed_at": response.json()[0]["signed_at"],
            "totals": {"participants": 2, "new": 2, "continuing": 0, "dropped": 0},
            "digest": decree.digest,
        }
    ]
    assert response.json()[0]["signed_at"].endswith("+08:00")
    assert dashboard.get(URL, {"programme": "bpn-2026"}).json()[0]["id"] == decree.pk
    assert "no-cache" in response["Cache-Control"]


def test_detail_masks_nik_without_membership(dashboard: Partner, decree: Decree) -> None:
    response = dashboard.get(f"{URL}/{decree.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["nik_masked"] is True
    assert [e["name"] for e in body["entries"]] == ["Ani Lestari", "Budi Santoso"]
    assert [e["position"] for e in body["entries"]] == [1, 2]
    assert all(e["nik"].count("*") == 10 and e["category"] == "new" for e in body["entries"])
    log = AccessLog.objects.get(person_ref=f"decree:{decree.pk}")
    assert log.what == "api_decree_detail" and log.actor_label == "api:Dashboard"


def test_detail_and_file_give_full_nik_with_membership(membership: Partner, decree: Decree) -> None:
    body = membership.get(f"{URL}/{decree.pk}").json()
    assert body["nik_masked"] is False
    assert all(len(e["nik"]) == 16 and e["nik"].isdigit() for e in body["entries"])
    response = membership.get(f"{URL}/{decree.pk}/xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Lampiran SK"]
    niks = {e["nik"] for e in body["entries"]}
    assert niks <= {c.value for r in sheet.iter_rows() for c in r}


def test_file_masks_nik_without_membership(dashboard: Partner, decree: Decree) -> None:
    response = dashboard.get(f"{URL}/{decree.pk}/xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Lampiran SK", "Perbandingan"]
    cells = [c.value for r in workbook["Lampiran SK"].iter_rows() for c in r if isinstance(c.value, str)]
    assert any(v.startswith("6471**********") for v in cells)
    assert not any(len(v) == 16 and v.isdigit() for v in cells)
    assert AccessLog.objects.filter(person_ref=f"decree:{decree.pk}", what="api_decree_xlsx").count() == 1


def test_other_funders_and_scopes_are_refused(
    decree, gojek, samarinda_partner, partner_for, samarinda, smd_2026, dashboard
) -> None:
    # Registration only: no reports.
    assert gojek.get(URL).status_code == 403
    assert gojek.get(f"{URL}/{decree.pk}").status_code == 403
    # Another funder's reporting token sees none of Balikpapan's decrees, and the same 404 as for no decree.
    reports = partner_for(samarinda, name="Dasbor Samarinda", scopes=("reports",))
    assert reports.get(URL).json() == []
    assert reports.get(f"{URL}/{decree.pk}").status_code == 404
    assert reports.get(f"{URL}/{decree.pk}/xlsx").status_code == 404
    assert reports.get(URL, {"programme": "BPN-2026"}).status_code == 403
    assert dashboard.get(URL, {"programme": "SMD-2026"}).status_code == 403
    assert dashboard.get(URL, {"programme": "TIDAK-ADA"}).status_code == 404
    assert not AccessLog.objects.filter(person_ref=f"decree:{decree.pk}").exists()


@pytest.mark.parametrize("path", ["/abc", "/0", f"/{2**70}", "/-1", "/1.5"])
def test_bad_ids_are_4xx(dashboard: Partner, decree: Decree, path: str) -> None:
    assert dashboard.get(URL + path).status_code in (404, 422)
    assert dashboard.get(URL + path + "/xlsx").status_code in (404, 422)


def test_unknown_id_is_404_and_no_token_is_401(dashboard: Partner, decree: Decree) -> None:
    assert dashboard.get(f"{URL}/{decree.pk + 1000}").status_code == 404
    from django.test import Client

    assert Client().get(URL).status_code == 401
    assert Client().get(f"{URL}/{decree.pk}", HTTP_AUTHORIZATION="Bearer jrg_nonsense").status_code == 401
