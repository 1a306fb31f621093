"""Partners ask for a person's membership status by NIK or by KPJ: POST, so no NIK travels in a URL; the token's
own funder only; every answer that names a person is in the access log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from jaring.allocation.models import EndReason
from jaring.core.models import AccessLog, Funder, MinimumWage
from jaring.enrolment.models import Membership
from jaring.enrolment.services import (
    Answer,
    batch_answers_apply,
    batch_create,
    membership_end,
)
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide
from tests.helpers.api import Partner
from tests.helpers.reference import programme_for

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

LOOKUP = "/api/v1/members/lookup"
UNKNOWN_NIK = "6471011508909999"


@pytest.fixture
def members(
    approved: Callable[..., list[Application]],
    bpn_2026: Programme,
    programme_manager: Any,
) -> list[Membership]:
    applications = approved(2, names=("Ahmad Nelayan", "Budi Nelayan"))
    batch_create(programme=bpn_2026, actor=programme_manager)
    batch_answers_apply(
        programme=bpn_2026,
        answers=[Answer(i, a.person.nik, True, kpj=f"1234567890{i}") for i, a in enumerate(applications)],
        actor=programme_manager,
    )
    return [Membership.objects.select_related("person").get(application=a) for a in applications]


@pytest.fixture
def bpjs_branch(partner_for: Callable[..., Partner], balikpapan: Funder) -> Partner:
    """The BPJS branch's system checking who Balikpapan pays for."""
    return partner_for(balikpapan, name="BPJS Balikpapan", scopes=("membership",))


def test_a_member_is_found_by_nik(bpjs_branch: Partner, members: list[Membership]) -> None:
    membership = members[0]

    response = bpjs_branch.post(LOOKUP, {"nik": membership.person.nik})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["nik_masked"] == membership.person.nik_masked
    assert membership.person.nik not in response.content.decode()
    assert body["kpj"] == membership.kpj
    assert body["programme"] == "BPN-2026" and body["funder"] == "balikpapan"
    assert body["status"] == "active"
    assert body["cover_start"] == membership.starts.isoformat()
    assert body["cover_end"] == "2026-12-31"
    assert body["end_reason"] is None
    assert len(body["memberships"]) == 1
    assert response["Cache-Control"].startswith("max-age=0")


def test_every_answer_is_in_the_access_log(bpjs_branch: Partner, members: list[Membership]) -> None:
    bpjs_branch.post(LOOKUP, {"nik": members[0].person.nik})
    bpjs_branch.post(LOOKUP, {"kpj": members[1].kpj})
    bpjs_branch.post(LOOKUP, {"nik": UNKNOWN_NIK})

    logs = list(AccessLog.objects.order_by("at", "id"))
    assert [log.person_ref for log in logs] == [str(members[0].person_id), str(members[1].person_id)]
    assert all(log.what == "api_member_lookup" and log.actor_label == "api:BPJS Balikpapan" for log in logs)
    assert all(log.funder is not None and log.funder.code == "balikpapan" for log in logs)


def test_an_ended_membership_says_why(bpjs_branch: Partner, members: list[Membership], programme_manager: Any) -> None:
    membership = members[1]
    today = timezone.localdate()
    membership_end(membership=membership, reason=EndReason.DIED, effective=today, actor=programme_manager)

    body = bpjs_branch.post(LOOKUP, {"kpj": f" {membership.kpj[:4]} {membership.kpj[4:]} "}).json()

    assert body["status"] == "ended"
    assert body["end_reason"] == "died" and body["end_reason_text"] == "Meninggal dunia"
    assert body["status_since"] == today.isoformat()


def test_the_current_membership_comes_first_and_all_are_listed(
    bpjs_branch: Partner,
    members: list[Membership],
    programme_manager: Any,
    dppp_verifier: Any,
    balikpapan: Funder,
    bpn_2026: Programme,
) -> None:
    from jaring.enrolment.services import reverification_run, reverification_start

    MinimumWage.objects.create(region=balikpapan.region, year=2027, amount=4_000_000)
    bpn_2027 = programme_for(balikpapan, code="BPN-2027", name="Balikpapan 2027", owner="dinsos", quota=9, year=2027)
    reverification_run(
        campaign=reverification_start(source=bpn_2026, target=bpn_2027, actor=programme_manager),
        actor=programme_manager,
    )
    renewal = Application.objects.get(programme=bpn_2027, person=members[0].person)
    application_decide(application=renewal, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    batch_create(programme=bpn_2027, actor=programme_manager)
    batch_answers_apply(
        programme=bpn_2027,
        answers=[Answer(1, members[0].person.nik, True, kpj=members[0].kpj)],
        actor=programme_manager,
    )
    membership_end(
        membership=members[0],
        reason=EndReason.OTHER,
        effective=timezone.localdate(),
        actor=programme_manager,
        note="Diganti kepesertaan 2027",
    )

    body = bpjs_branch.post(LOOKUP, {"nik": members[0].person.nik}).json()

    assert body["programme"] == "BPN-2027" and body["status"] == "active"
    assert [m["programme"] for m in body["memberships"]] == ["BPN-2027", "BPN-2026"]
    assert body["memberships"][1]["status"] == "ended"


def test_a_nik_is_never_asked_for_in_a_url(bpjs_branch: Partner, members: list[Membership]) -> None:
    assert bpjs_branch.get(LOOKUP, {"nik": members[0].person.nik}).status_code == 405
    assert bpjs_branch.get("/api/v1/members", {"nik": members[0].person.nik}).status_code == 404


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"nik", "kpj"}),
        ({"nik": "", "kpj": ""}, {"nik", "kpj"}),
        ({"nik": "6471011508900001", "kpj": "12345678901"}, {"nik", "kpj"}),
        ({"nik": "647101150890"}, {"nik"}),
        ({"nik": "6471019999900001"}, {"nik"}),  # no such birth date
        ({"nik": 6471011508900001}, {"nik"}),  # a JSON number loses digits in many languages
        ({"nik": "x" * 41}, {"nik"}),
        ({"kpj": "123"}, {"kpj"}),
        ({"kpj": "1234567890A"}, {"kpj"}),
        ({"kpj": ["12345678901"]}, {"kpj"}),
    ],
)
def test_bad_input_names_the_field(bpjs_branch: Partner, members: Any, body: dict[str, Any], fields: set[str]) -> None:
    response = bpjs_branch.post(LOOKUP, body)

    assert response.status_code == 422, response.content
    assert set(response.json()["errors"]) == fields
    assert not AccessLog.objects.exists()


def test_a_body_that_is_not_json_is_422(bpjs_branch: Partner, members: Any) -> None:
    for raw in ("{", "[1]", '"nik"', "null", '{"nik": "\\u0000"}'):
        assert bpjs_branch.post(LOOKUP, raw=raw).status_code == 422, raw


def test_nobody_found_is_404(bpjs_branch: Partner, members: Any) -> None:
    for body in ({"nik": UNKNOWN_NIK}, {"kpj": "99999999999"}):
        response = bpjs_branch.post(LOOKUP, body)
        assert response.status_code == 404
        assert response.json()["detail"]


def test_another_funders_token_learns_nothing(
    partner_for: Callable[..., Partner], samarinda: Funder, members: list[Membership]
) -> None:
    samarinda_bpjs = partner_for(samarinda, name="BPJS Samarinda", scopes=("membership",))

    by_nik = samarinda_bpjs.post(LOOKUP, {"nik": members[0].person.nik})
    by_kpj = samarinda_bpjs.post(LOOKUP, {"kpj": members[0].kpj})
    unknown = samarinda_bpjs.post(LOOKUP, {"nik": UNKNOWN_NIK})

    assert by_nik.status_code == by_kpj.status_code == unknown.status_code == 404
    # The same answer as for a person nobody knows: nothing tells that Balikpapan pays for this one.
    assert by_nik.json()["detail"] == unknown.json()["detail"]
    assert not AccessLog.objects.exists()


def test_a_token_without_the_membership_scope_is_refused(
    gojek: Partner, dashboard: Partner, members: list[Membership]
) -> None:
    for partner in (gojek, dashboard):
        response = partner.post(LOOKUP, {"nik": members[0].person.nik})
        assert response.status_code == 403
        assert "membership" in response.json()["detail"]
    assert not AccessLog.objects.exists()


def test_no_token_is_401(members: list[Membership]) -> None:
    from django.test import Client

    response = Client().post(LOOKUP, {"nik": members[0].person.nik}, content_type="application/json")
    assert response.status_code == 401


def test_the_lookup_is_documented(bpjs_branch: Partner) -> None:
    schema = bpjs_branch.get("/api/v1/openapi.json").json()
    operation = schema["paths"][LOOKUP]["post"]
    assert set(operation["responses"]) >= {"200", "401", "403", "404", "422"}
    assert "`nik`" in operation["description"] and "`membership`" in operation["description"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/LookupIn")
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][answer.rsplit("/", 1)[1]]["properties"]
    # api-core.md's fields, and the rest of the story.
    for name in ("nik_masked", "kpj", "programme", "status", "cover_start", "cover_end", "end_reason", "memberships"):
        assert name in properties


def test_look_ups_are_throttled_per_token(
    bpjs_branch: Partner, partner_for: Callable[..., Partner], balikpapan: Funder, members: Any, settings: Any
) -> None:
    settings.MEMBER_LOOKUPS_PER_HOUR = 3
    for kpj in ("99999999991", "99999999992", "99999999993"):  # walking through KPJs, found or not
        assert bpjs_branch.post(LOOKUP, {"kpj": kpj}).status_code == 404
    refused = bpjs_branch.post(LOOKUP, {"kpj": members[0].kpj})
    assert refused.status_code == 429
    assert refused.json()["detail"] and refused.json()["errors"] == {}
    assert int(refused["Retry-After"]) > 0
    other = partner_for(balikpapan, name="Kelurahan system", scopes=("membership",))
    assert other.post(LOOKUP, {"kpj": members[0].kpj}).status_code == 200
