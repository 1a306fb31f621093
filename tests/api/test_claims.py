"""POST /api/v1/claims and GET /api/v1/claims/{number} (claims-api.md): a partner of the funder reports a case by
KPJ and reads it back, in exactly the spec's shape; the same case twice is 409 with the existing number."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from jaring.claims.models import Claim
from jaring.core.models import AccessLog, Funder
from jaring.enrolment.models import Membership
from tests.api.conftest import Partner
from tests.claims import conftest as claims

# The claims tests' members and payment terms, as fixtures of this module too.
member, payments_followed = claims.member, claims.payments_followed

pytestmark = pytest.mark.today("2026-11-03")
URL = "/api/v1/claims"


@pytest.fixture
def kelurahan_system(partner_for: Callable[..., Partner], balikpapan: Funder) -> Partner:
    """The kelurahan offices' system of Balikpapan, reporting deaths of members."""
    return partner_for(balikpapan, name="Sistem kelurahan", scopes=("claims",))


def body(membership: Membership, **given: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kpj": membership.kpj,
        "kind": "jkm",
        "event_date": "2026-10-02",
        "reported_by": "ahli waris",
        "heirs": [{"nama": "Siti Aminah", "nik": "6471014507880002", "hubungan": "istri"}],
        "children": [{"nama": "Rafi", "tanggal_lahir": "2015-04-01", "jenjang": "sd"}],
    }
    values.update(given)
    return values


def test_a_partner_reports_a_death_and_gets_the_case_in_the_specs_shape(
    kelurahan_system: Partner, member: Callable[..., Membership]
) -> None:
    membership = member(bpjs_since=date(2022, 1, 1))
    answer = kelurahan_system.post(URL, body(membership))
    assert answer.status_code == 201, answer.json()
    claim = answer.json()
    assert set(claim) == {
        "number",
        "programme",
        "kind",
        "status",
        "covered",
        "coverage_reason",
        "benefit",
        "scholarship",
        "documents_missing",
        "due",
    }
    assert claim["number"] == "KLM-BPN-2026-000001" and claim["programme"] == "BPN-2026"
    assert (claim["kind"], claim["status"], claim["covered"]) == ("jkm", "documents_incomplete", True)
    assert claim["benefit"] == {
        "total": 42_000_000,
        "items": [
            {"item": "santunan_sekaligus", "amount": 20_000_000, "in_total": True},
            {"item": "santunan_berkala", "amount": 12_000_000, "in_total": True},
            {"item": "biaya_pemakaman", "amount": 10_000_000, "in_total": True},
        ],
    }
    assert claim["scholarship"]["eligible"] is True and claim["scholarship"]["children"] == 1
    assert claim["scholarship"]["max_total"] == 174_000_000
    assert claim["documents_missing"][:3] == ["kartu_peserta", "ktp_peserta", "akta_kematian"]
    assert claim["due"] == {"bpjs_pays_by": None, "jkk_claim_lapses_on": None}
    assert AccessLog.objects.filter(what="api_claim_report", person_ref=str(membership.person_id)).exists()

    read = kelurahan_system.get(f"{URL}/{claim['number']}")
    assert read.status_code == 200 and read.json() == claim
    assert AccessLog.objects.filter(what="api_claim_detail").count() == 1


def test_a_second_report_of_the_same_case_is_409_with_the_existing_number(
    kelurahan_system: Partner, member: Callable[..., Membership]
) -> None:
    membership = member()
    first = kelurahan_system.post(URL, body(membership)).json()
    again = kelurahan_system.post(URL, body(membership, reported_by="Disnaker", heirs=[], children=[]))
    assert again.status_code == 409
    assert again.json()["number"] == first["number"] and "sudah dilaporkan" in again.json()["detail"]
    assert Claim.objects.count() == 1


def test_a_death_not_covered_has_a_null_benefit_and_the_reason(
    kelurahan_system: Partner, member: Callable[..., Membership], payments_followed: object
) -> None:
    claim = kelurahan_system.post(URL, body(member(), event_date="2026-05-10")).json()
    assert claim["covered"] is False and claim["benefit"] is None
    assert "Nonaktif sejak 16-03-2026" in claim["coverage_reason"]
    assert claim["scholarship"]["eligible"] is False


def test_a_work_accident_death_says_when_the_right_lapses(
    kelurahan_system: Partner, member: Callable[..., Membership]
) -> None:
    claim = kelurahan_system.post(URL, body(member(), kind="jkk_death")).json()
    assert claim["benefit"]["total"] == 70_000_000
    assert claim["due"]["jkk_claim_lapses_on"] == "2031-10-02"


def test_bad_fields_are_422_each_named(kelurahan_system: Partner, member: Callable[..., Membership]) -> None:
    membership = member()
    heirs = [
        {"nama": "Siti", "nik": "6471014507880002", "hubungan": "istri"},
        {"nama": "X", "nik": "123", "hubungan": "anak"},
    ]
    answer = kelurahan_system.post(URL, body(membership, heirs=heirs))
    assert answer.status_code == 422 and set(answer.json()["errors"]) == {"heirs.1.nik"}
    answer = kelurahan_system.post(URL, body(membership, kind="jkx", event_date="kemarin"))
    assert answer.status_code == 422 and {"kind", "event_date"} <= set(answer.json()["errors"])
    children = [{"nama": "Rafi", "tanggal_lahir": "2015-04-01", "jenjang": "paud"}]
    answer = kelurahan_system.post(URL, body(membership, children=children))
    assert answer.status_code == 422 and "children.0.jenjang" in answer.json()["errors"]
    answer = kelurahan_system.post(URL, body(membership, kpj="2607"))
    assert answer.status_code == 422 and "11 angka" in answer.json()["errors"]["kpj"][0]
    assert not Claim.objects.exists()


@pytest.mark.today("2031-11-03")
def test_a_jkk_report_after_five_years_is_refused_on_event_date(
    kelurahan_system: Partner, member: Callable[..., Membership]
) -> None:
    answer = kelurahan_system.post(
        URL, body(member(), kind="jkk_injury", event_date="2026-10-02", heirs=[], children=[])
    )
    assert answer.status_code == 422 and "gugur" in answer.json()["errors"]["event_date"][0]


def test_another_funders_token_and_a_token_without_the_scope_are_refused(
    partner_for: Callable[..., Partner],
    kelurahan_system: Partner,
    samarinda: Funder,
    gojek: Partner,
    member: Callable[..., Membership],
) -> None:
    membership = member()
    stranger = partner_for(samarinda, name="Samarinda", scopes=("claims",))
    answer = stranger.post(URL, body(membership))
    assert answer.status_code == 404 and "kpj" in answer.json()["errors"]
    assert gojek.post(URL, body(membership)).status_code == 403
    number = kelurahan_system.post(URL, body(membership)).json()["number"]
    assert stranger.get(f"{URL}/{number}").status_code == 404
    assert gojek.get(f"{URL}/{number}").status_code == 403
    assert Partner("jrg_not-a-token").get(f"{URL}/{number}").status_code == 401
    assert not AccessLog.objects.filter(actor_label="api:Samarinda").exists()


def test_a_retry_with_the_same_idempotency_key_creates_nothing_new(
    kelurahan_system: Partner, member: Callable[..., Membership]
) -> None:
    payload = body(member())
    first = kelurahan_system.post(URL, payload, HTTP_IDEMPOTENCY_KEY="lapor-1")
    retry = kelurahan_system.post(URL, payload, HTTP_IDEMPOTENCY_KEY="lapor-1")
    assert first.status_code == retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true" and retry.json() == first.json()
    assert Claim.objects.count() == 1
