"""The API skeleton: bearer tokens limited to a funder, one error shape, docs served without a CDN."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from jaring.core.models import Funder, User
from jaring.core.services import api_token_create, api_token_revoke
from jaring.programmes.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def gojek_token(balikpapan: Funder, administrator: User) -> str:
    _, secret = api_token_create(name="Gojek", funder=balikpapan, scopes=["registration"], actor=administrator)
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_docs_page_and_openapi_document_are_served_by_the_app_itself(db: None) -> None:
    client = Client()
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    # Every script and style comes from our own /static/, never from a CDN.
    assert not re.search(r'(src|href)="https?://', html)
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Jaring API"
    assert "/api/v1/token" in spec["paths"]
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


def test_a_token_is_shown_once_and_only_its_hash_is_stored(balikpapan: Funder, administrator: User) -> None:
    token, secret = api_token_create(name="Grab", funder=balikpapan, scopes=["reports"], actor=administrator)
    assert secret.startswith("jrg_")
    assert secret not in token.token_hash
    assert len(token.token_hash) == 64


def test_a_token_knows_its_partner_funder_and_scopes(gojek_token: str) -> None:
    response = Client().get("/api/v1/token", **bearer(gojek_token))
    assert response.status_code == 200
    assert response.json()["funder"] == "balikpapan"
    assert response.json()["scopes"] == ["registration"]


@pytest.mark.parametrize("header", ["", "Bearer ", "Bearer jrg_wrong", "Basic abc", "Bearer " + "x" * 5000])
def test_a_missing_or_bad_token_is_401_in_the_error_shape(db: None, header: str) -> None:
    response = Client().get("/api/v1/token", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "Token tidak sah" in body["detail"]


def test_a_revoked_token_is_refused(gojek_token: str, administrator: User) -> None:
    from jaring.core.models import ApiToken

    api_token_revoke(token=ApiToken.objects.get(name="Gojek"), actor=administrator)
    assert Client().get("/api/v1/token", **bearer(gojek_token)).status_code == 401


def test_errors_are_english_when_asked(db: None) -> None:
    response = Client().get("/api/v1/token", HTTP_AUTHORIZATION="Bearer nope", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert "Token" in response.json()["detail"]
    assert "tidak" not in response.json()["detail"]


def test_bad_query_input_is_422_naming_the_field(gojek_token: str) -> None:
    response = Client().get("/api/v1/regions?level=9", **bearer(gojek_token))
    assert response.status_code == 422
    assert "level" in response.json()["errors"]


def test_a_partner_sees_only_its_funders_programmes(gojek_token: str, bpn_2026: Programme, smd_2026: Programme) -> None:
    codes = [p["code"] for p in Client().get("/api/v1/programmes", **bearer(gojek_token)).json()]
    assert codes == ["BPN-2026"]


def test_regions_are_searchable_through_the_api(gojek_token: str) -> None:
    rows = Client().get("/api/v1/regions", {"q": "manggar", "level": 4}, **bearer(gojek_token)).json()
    assert rows[0] == {"code": "64.71.01.1001", "name": "Manggar", "level": 4, "parent": "64.71.01"}


def test_health_needs_no_token(db: None) -> None:
    assert Client().get("/api/v1/health").json()["status"] == "ok"


def test_a_token_may_act_for_an_agency_of_its_own_funder(
    balikpapan: Funder, samarinda: Funder, administrator: User
) -> None:
    from jaring.core.errors import DomainError
    from jaring.core.models import Agency, ApiToken, AuditRecord

    dppp = Agency.objects.get(funder=balikpapan, code="dppp")
    token, _ = api_token_create(
        name="Sistem DPPP", funder=balikpapan, scopes=["verification"], actor=administrator, agency=dppp
    )
    assert ApiToken.objects.get(pk=token.pk).agency == dppp
    assert AuditRecord.objects.get(action="api_token.create", target_id=str(token.pk)).data["agency"] == "dppp"
    # Samarinda's office cannot be the agency of a Balikpapan token.
    with pytest.raises(DomainError) as refused:
        api_token_create(
            name="Sistem DPPP Samarinda",
            funder=balikpapan,
            scopes=["verification"],
            actor=administrator,
            agency=Agency.objects.get(funder=samarinda, code="dppp"),
        )
    assert refused.value.field == "agency"
    assert not ApiToken.objects.filter(name="Sistem DPPP Samarinda").exists()
    # Without an agency a token is created as before.
    plain, _ = api_token_create(name="Dashboard", funder=balikpapan, scopes=["reports"], actor=administrator)
    assert plain.agency is None
