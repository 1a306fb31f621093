"""/api/v1/verification/: an agency's own system works its queue with a token tied to that agency.

DPPP verifies fishers, Dishub ojek pangkalan drivers; each system sees, reads and decides its own queue only,
and everything else answers like a number that does not exist.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jaring.allocation.services import programme_quota_set
from jaring.core.actors import Actor
from jaring.core.models import AccessLog, Agency, ApiScope, ApiToken, AuditRecord, Funder, Notification, User
from jaring.core.services import api_token_create, api_token_revoke
from jaring.programmes.models import Programme, RejectionReason
from jaring.registry.models import Application
from jaring.verification.models import Decision
from tests.helpers.api import Partner
from tests.helpers.documents import PNG
from tests.helpers.reference import LAMARU, MANGGAR

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-03")]

NAMES = ("Agus Salim", "Bambang Wijaya", "Candra Kirana", "Dedi Mulyadi", "Eko Prasetyo")
SYSTEM = Actor.system("test")  # the set-up's own registrations

BASE = "/api/v1/verification"
QUEUE = f"{BASE}/queue"
ITEM_KEYS = {
    "number",
    "programme",
    "status",
    "name",
    "nik",
    "sex",
    "birth_date",
    "kelurahan",
    "sector",
    "aplikator",
    "monthly_income",
    "submitted_at",
    "queued_at",
    "verification_due",
    "overdue",
    "eligibility",
    "reasons",
    "documents",
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def agency_system(administrator: User) -> Callable[..., Partner]:
    def make(
        agency: Agency | None, *, funder: Funder | None = None, scopes: tuple[str, ...] = (ApiScope.VERIFICATION,)
    ) -> Partner:
        owner = funder or (agency.funder if agency is not None else None)
        assert owner is not None
        name = f"Sistem {agency.code.upper()}" if agency is not None else "Sistem tanpa instansi"
        _, secret = api_token_create(name=name, funder=owner, scopes=list(scopes), actor=administrator, agency=agency)
        return Partner(secret)

    return make


@pytest.fixture
def dppp_system(agency_system: Callable[..., Partner], dppp: Agency) -> Partner:
    return agency_system(dppp)


@pytest.fixture
def dishub_system(agency_system: Callable[..., Partner], dishub: Agency) -> Partner:
    return agency_system(dishub)


@pytest.fixture
def fisher(register: Callable[..., Application], bpn_2026: Programme, registration_officer: User) -> Application:
    application = register(bpn_2026, registration_officer, sector="nelayan", name="Ahmad Nelayan")
    assert application.status == "awaiting_verification"
    return application


@pytest.fixture
def ojek_driver(register: Callable[..., Application], bpn_2026: Programme, registration_officer: User) -> Application:
    return register(bpn_2026, registration_officer, sector="ojek_pangkalan", name="Joko Pangkalan")


def detail_url(application: Application) -> str:
    return f"{BASE}/applications/{application.number}"


def decision_url(application: Application) -> str:
    return f"{detail_url(application)}/decision"


def assert_error_shape(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    answer = response.json()
    assert isinstance(answer["detail"], str) and answer["detail"]
    assert isinstance(answer["errors"], dict)
    for messages in answer["errors"].values():
        assert isinstance(messages, list) and all(isinstance(m, str) for m in messages)
    return answer


def reason_of(programme: Programme) -> RejectionReason:
    return RejectionReason.objects.filter(programme=programme, active=True).order_by("position", "id").first()  # type: ignore[return-value]


# -- the queue --------------------------------------------------------------------------------------------


def test_the_dppp_system_lists_the_fisher_and_not_the_ojek_pangkalan_driver(
    dppp_system: Partner, dishub_system: Partner, fisher: Application, ojek_driver: Application
) -> None:
    response = dppp_system.get(QUEUE)
    assert response.status_code == 200, response.content
    page = response.json()
    assert page["count"] == 1 and page["next"] is None
    (item,) = page["results"]
    assert set(item) == ITEM_KEYS
    person = fisher.person
    assert item["number"] == fisher.number and item["programme"] == "BPN-2026"
    assert item["status"] == "awaiting_verification"
    # The agency's system matches the full NIK against its own records.
    assert item["nik"] == person.nik and item["name"] == "Ahmad Nelayan"
    assert item["sex"] == "L" and item["birth_date"] == person.birth_date.isoformat()
    assert item["kelurahan"] == {"code": MANGGAR, "name": "Manggar"}
    assert item["sector"] == "nelayan" and item["monthly_income"] == 2_500_000
    assert item["submitted_at"].endswith("+08:00") and item["queued_at"].endswith("+08:00")
    assert item["verification_due"] == fisher.verification_due.isoformat()  # type: ignore[union-attr]
    assert item["overdue"] is False
    assert {o["rule"] for o in item["eligibility"]} >= {"region", "income_ceiling"}
    assert sorted(d["kind"] for d in item["documents"]) == ["kk", "ktp", "sector_evidence"]
    for document in item["documents"]:
        assert set(document) == {"id", "kind", "content_type", "size", "sha256", "url"}
        assert document["url"].startswith("http://testserver/api/v1/verification/applications/")
    # Dishub sees its own driver only.
    assert [i["number"] for i in dishub_system.get(QUEUE).json()["results"]] == [ojek_driver.number]


def test_every_person_shown_in_the_queue_is_in_the_access_log(
    dppp_system: Partner, fisher: Application, register: Callable[..., Application], bpn_2026: Programme
) -> None:
    second = register(bpn_2026, SYSTEM, sector="nelayan", name="Budi Nelayan")
    assert dppp_system.get(QUEUE).status_code == 200
    logs = AccessLog.objects.filter(actor_label="api:Sistem DPPP")
    assert {(log.person_ref, log.what) for log in logs} == {
        (str(fisher.person_id), f"api_verification_queue:{fisher.number}"),
        (str(second.person_id), f"api_verification_queue:{second.number}"),
    }
    assert all(log.funder is not None and log.funder.code == "balikpapan" for log in logs)
    # An empty page shows nobody and records nobody.
    AccessLog.objects.all().delete()
    assert dppp_system.get(QUEUE, {"status": "returned"}).json()["count"] == 0
    assert not AccessLog.objects.exists()


def test_the_queue_costs_the_same_queries_for_one_or_four_applicants(
    dppp_system: Partner, fisher: Application, register: Callable[..., Application], bpn_2026: Programme
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = dppp_system.get(QUEUE)
        assert response.status_code == 200, response.content
        return len(captured.captured_queries)

    queries()  # the first call of a token also records when it was used
    one = queries()
    for i in range(3):
        register(bpn_2026, SYSTEM, sector="nelayan", name=NAMES[i])
    assert queries() == one
    # Still one access log entry per person shown.
    assert AccessLog.objects.filter(what__startswith="api_verification_queue:").count() == 1 + 1 + 4


def test_the_queue_is_oldest_due_first_and_paginated(
    dppp_system: Partner, register: Callable[..., Application], bpn_2026: Programme
) -> None:
    apps = [register(bpn_2026, SYSTEM, sector="nelayan", name=NAMES[i]) for i in range(3)]
    today = timezone.localdate()
    for days, application in zip((3, 1, 2), apps, strict=True):
        Application.objects.filter(pk=application.pk).update(verification_due=today + timedelta(days=days))
    first = dppp_system.get(QUEUE, {"page_size": 2}).json()
    assert first["count"] == 3
    assert [i["number"] for i in first["results"]] == [apps[1].number, apps[2].number]
    assert first["next"] and "page=2" in first["next"]
    second = dppp_system.get(first["next"]).json()
    assert [i["number"] for i in second["results"]] == [apps[0].number] and second["next"] is None
    assert dppp_system.get(QUEUE, {"page": 99}).json()["results"] == []


def test_the_queue_filters_by_status_kelurahan_sector_and_programme(
    dppp_system: Partner, register: Callable[..., Application], bpn_2026: Programme, fisher: Application
) -> None:
    late = register(bpn_2026, SYSTEM, sector="nelayan", kelurahan=LAMARU, name="Nelayan Lamaru")
    farmer = register(bpn_2026, SYSTEM, sector="petani", name="Petani Manggar")
    Application.objects.filter(pk=late.pk).update(verification_due=timezone.localdate() - timedelta(days=1))

    def numbers(**params: str) -> list[str]:
        response = dppp_system.get(QUEUE, params)
        assert response.status_code == 200, response.content
        return sorted(i["number"] for i in response.json()["results"])

    assert numbers() == sorted([fisher.number, late.number, farmer.number])
    overdue = dppp_system.get(QUEUE, {"status": "overdue"}).json()["results"]
    assert [i["number"] for i in overdue] == [late.number] and overdue[0]["overdue"] is True
    assert numbers(kelurahan=LAMARU) == [late.number]
    assert numbers(kelurahan=LAMARU.replace(".", "")) == [late.number]
    assert numbers(sector="petani") == [farmer.number]
    assert numbers(programme="bpn-2026") == sorted([fisher.number, late.number, farmer.number])
    # Returned ones are listed apart, and "all" keeps the decided ones.
    assert dppp_system.post(decision_url(fisher), {"outcome": "return", "fixes": ["ktp"]}).status_code == 201
    assert dppp_system.post(decision_url(farmer), {"outcome": "approve"}).status_code == 201
    assert numbers(status="returned") == [fisher.number]
    assert numbers() == [late.number]
    assert numbers(status="all") == sorted([fisher.number, late.number, farmer.number])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "later"}, "status"),
        ({"kelurahan": "99.99.99.9999"}, "kelurahan"),
        ({"kelurahan": "64.71"}, "kelurahan"),  # a city, not a kelurahan
        ({"kelurahan": "x" * 21}, "kelurahan"),
        ({"kelurahan": "64.71.01.1001\x00"}, None),  # refused before it reaches the database
        ({"sector": "astronot"}, "sector"),
        ({"programme": "SMD-2026"}, "programme"),  # another funder's: named like an unknown one
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page_size": "501"}, "page_size"),
        ({"page": str(10**30)}, "page"),
    ],
)
def test_bad_queue_filters_are_422_naming_the_parameter(
    dppp_system: Partner, fisher: Application, smd_2026: Programme, params: dict[str, str], field: str | None
) -> None:
    response = dppp_system.get(QUEUE, params)
    if field is None:
        assert_error_shape(response, 400)
        return
    assert field in assert_error_shape(response, 422)["errors"]


# -- one application, its documents ----------------------------------------------------------------------


def test_the_detail_is_the_queue_item_with_the_agency_decisions_and_is_logged(
    dppp_system: Partner, fisher: Application
) -> None:
    response = dppp_system.get(detail_url(fisher))
    assert response.status_code == 200, response.content
    answer = response.json()
    assert set(answer) == ITEM_KEYS | {"decisions"} and answer["decisions"] == []
    assert answer["nik"] == fisher.person.nik
    assert AccessLog.objects.filter(
        what=f"api_verification_detail:{fisher.number}", person_ref=str(fisher.person_id)
    ).exists()
    # A number in lower case is the same number.
    assert dppp_system.get(detail_url(fisher).replace(fisher.number, fisher.number.lower())).status_code == 200


def test_a_document_comes_back_as_its_bytes_with_its_content_type(dppp_system: Partner, fisher: Application) -> None:
    item = dppp_system.get(detail_url(fisher)).json()
    ktp = next(d for d in item["documents"] if d["kind"] == "ktp")
    response = dppp_system.get(ktp["url"])
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content == PNG
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert ktp["size"] == len(content) and ktp["content_type"] == "image/png"
    assert AccessLog.objects.filter(what=f"api_verification_document:{fisher.number}:ktp").exists()


def test_a_document_of_another_application_is_404(
    dppp_system: Partner, fisher: Application, register: Callable[..., Application], bpn_2026: Programme
) -> None:
    other = register(bpn_2026, SYSTEM, sector="nelayan", name="Nelayan Lain")
    document = other.documents.first()
    assert document is not None
    response = dppp_system.get(f"{detail_url(fisher)}/documents/{document.pk}")
    assert_error_shape(response, 404)


def test_the_dishub_system_cannot_read_or_decide_the_fisher(
    dishub_system: Partner, fisher: Application, bpn_2026: Programme
) -> None:
    unknown = dishub_system.get(f"{BASE}/applications/BPN-2026-999999")
    assert_error_shape(unknown, 404)
    detail = dishub_system.get(detail_url(fisher))
    assert_error_shape(detail, 404)
    # The same words as for a number that does not exist, only the number differs.
    assert detail.json()["detail"].replace(fisher.number, "BPN-2026-999999") == unknown.json()["detail"]
    document = fisher.documents.first()
    assert document is not None
    assert_error_shape(dishub_system.get(f"{detail_url(fisher)}/documents/{document.pk}"), 404)
    reason = reason_of(bpn_2026)
    for body in ({"outcome": "approve"}, {"outcome": "reject", "reason_id": reason.pk, "note": "x"}):
        assert_error_shape(dishub_system.post(decision_url(fisher), body), 404)
    fisher.refresh_from_db()
    assert fisher.status == "awaiting_verification" and not Decision.objects.exists()
    assert not AccessLog.objects.exists()


# -- decisions --------------------------------------------------------------------------------------------


def test_the_dppp_system_approves_the_fisher(dppp_system: Partner, fisher: Application) -> None:
    response = dppp_system.post(decision_url(fisher), {"outcome": "approve", "note": "Cocok dengan data kelompok."})
    assert response.status_code == 201, response.content
    answer = response.json()
    decision = Decision.objects.get(application=fisher)
    assert answer["id"] == decision.pk and answer["number"] == fisher.number
    assert answer["outcome"] == "approve" and answer["status"] == "approved"
    assert answer["late"] is False and answer["decided_at"].endswith("+08:00")
    assert decision.api_token is not None and decision.api_token.name == "Sistem DPPP"
    assert decision.actor_label == "api:Sistem DPPP" and decision.agency.code == "dppp"
    fisher.refresh_from_db()
    assert fisher.status == "approved"
    audit = AuditRecord.objects.get(action="application.approve", target_id=str(fisher.pk))
    assert audit.actor_label == "api:Sistem DPPP"
    assert Notification.objects.filter(target_id=str(fisher.pk), template="decision_approved").exists()
    # The detail now shows the decision, and a second decision is a conflict.
    assert [d["id"] for d in dppp_system.get(detail_url(fisher)).json()["decisions"]] == [decision.pk]
    again = dppp_system.post(decision_url(fisher), {"outcome": "reject", "reason_id": reason_of(fisher.programme).pk})
    assert_error_shape(again, 409)
    assert Decision.objects.count() == 1


def test_returning_names_what_to_fix_for_the_applicant(dppp_system: Partner, fisher: Application) -> None:
    body = {"outcome": "return", "fixes": ["ktp", "address"], "note": "Foto KTP buram."}
    response = dppp_system.post(decision_url(fisher), body)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["status"] == "returned" and answer["fixes"] == ["ktp", "address"]
    assert answer["note"] == "Foto KTP buram." and answer["reason_id"] is None
    fisher.refresh_from_db()
    assert fisher.status == "returned" and "Catatan verifikator: Foto KTP buram." in fisher.status_reason
    assert AuditRecord.objects.filter(action="application.return_for_correction", target_id=str(fisher.pk)).exists()
    message = Notification.objects.get(target_id=str(fisher.pk))
    assert "Foto KTP buram." in message.body
    item = dppp_system.get(QUEUE, {"status": "returned"}).json()["results"][0]
    assert item["reasons"][-1] == "Catatan verifikator: Foto KTP buram."


def test_rejecting_takes_a_reason_of_the_programme_list(dppp_system: Partner, fisher: Application) -> None:
    reasons = dppp_system.get(f"{BASE}/rejection-reasons", {"programme": "BPN-2026"})
    assert reasons.status_code == 200
    listed = reasons.json()
    assert listed and all(set(r) == {"id", "label"} for r in listed)
    chosen = listed[0]
    body = {"outcome": "reject", "reason_id": chosen["id"], "note": "Tidak terdaftar di kelompok nelayan."}
    response = dppp_system.post(decision_url(fisher), body)
    assert response.status_code == 201, response.content
    assert response.json()["reason"] == chosen["label"] and response.json()["status"] == "rejected"
    decision = Decision.objects.get(application=fisher)
    assert decision.reason_id == chosen["id"]
    assert AuditRecord.objects.get(action="application.reject").data["reason"] == chosen["label"]
    assert Notification.objects.filter(target_id=str(fisher.pk), template="decision_rejected").exists()


def test_a_decision_missing_what_it_needs_is_422_naming_the_field(
    dppp_system: Partner, fisher: Application, smd_2026: Programme, bpn_2026: Programme
) -> None:
    no_reason = dppp_system.post(decision_url(fisher), {"outcome": "reject", "note": "x"})
    assert "reason_id" in assert_error_shape(no_reason, 422)["errors"]
    nothing_to_fix = dppp_system.post(decision_url(fisher), {"outcome": "return"})
    assert "fixes" in assert_error_shape(nothing_to_fix, 422)["errors"]
    # Samarinda's reasons are not Balikpapan's: named like an unknown one.
    foreign = dppp_system.post(decision_url(fisher), {"outcome": "reject", "reason_id": reason_of(smd_2026).pk})
    assert "reason_id" in assert_error_shape(foreign, 422)["errors"]
    retired = reason_of(bpn_2026)
    RejectionReason.objects.filter(pk=retired.pk).update(active=False)
    old = dppp_system.post(decision_url(fisher), {"outcome": "reject", "reason_id": retired.pk})
    assert "reason_id" in assert_error_shape(old, 422)["errors"]
    too_long = dppp_system.post(decision_url(fisher), {"outcome": "approve", "note": "x" * 2001})
    assert "note" in assert_error_shape(too_long, 422)["errors"]
    assert not Decision.objects.exists()


def test_a_retry_with_the_same_key_replays_the_answer_and_decides_once(
    dppp_system: Partner, fisher: Application
) -> None:
    body = {"outcome": "return", "fixes": ["phone"]}
    first = dppp_system.post(decision_url(fisher), body, HTTP_IDEMPOTENCY_KEY="keputusan-1")
    again = dppp_system.post(decision_url(fisher), body, HTTP_IDEMPOTENCY_KEY="keputusan-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Decision.objects.count() == 1
    assert Notification.objects.filter(target_id=str(fisher.pk)).count() == 1
    other = dppp_system.post(decision_url(fisher), {"outcome": "approve"}, HTTP_IDEMPOTENCY_KEY="keputusan-1")
    assert "Idempotency-Key" in assert_error_shape(other, 409)["errors"]
    # Without the key, the retry is told the application is decided already.
    assert_error_shape(dppp_system.post(decision_url(fisher), body), 409)


# -- many approvals at once ------------------------------------------------------------------------------


def test_bulk_approval_records_each_one_and_skips_the_rest_without_revealing_them(
    dppp_system: Partner,
    register: Callable[..., Application],
    bpn_2026: Programme,
    ojek_driver: Application,
) -> None:
    fishers = [register(bpn_2026, SYSTEM, sector="nelayan", name=NAMES[i]) for i in range(3)]
    assert dppp_system.post(decision_url(fishers[2]), {"outcome": "return", "fixes": ["kk"]}).status_code == 201
    numbers = [fishers[0].number, fishers[1].number.lower(), fishers[2].number, ojek_driver.number, "BPN-2026-999999"]
    response = dppp_system.post(f"{BASE}/approve", {"numbers": numbers})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert sorted(answer["approved"]) == sorted([fishers[0].number, fishers[1].number])
    skipped = {s["number"]: s["reason"] for s in answer["skipped"]}
    assert set(skipped) == {fishers[2].number, ojek_driver.number, "BPN-2026-999999"}
    # Dishub's driver and an unknown number are skipped with the same words.
    assert skipped[ojek_driver.number] == skipped["BPN-2026-999999"]
    assert skipped[fishers[2].number] != skipped["BPN-2026-999999"]
    for application in fishers[:2]:
        assert Decision.objects.filter(application=application, outcome="approve").count() == 1
        assert AuditRecord.objects.filter(action="application.approve", target_id=str(application.pk)).count() == 1
        assert Notification.objects.filter(target_id=str(application.pk), template="decision_approved").exists()
    ojek_driver.refresh_from_db()
    assert ojek_driver.status == "awaiting_verification"
    # The same list again approves nothing twice.
    second = dppp_system.post(f"{BASE}/approve", {"numbers": numbers}).json()
    assert second["approved"] == [] and Decision.objects.filter(outcome="approve").count() == 2


def test_bulk_approval_of_numbers_outside_the_queue_only_is_all_skipped(
    dishub_system: Partner, fisher: Application
) -> None:
    response = dishub_system.post(f"{BASE}/approve", {"numbers": [fisher.number]})
    assert response.status_code == 200
    assert response.json()["approved"] == [] and len(response.json()["skipped"]) == 1
    fisher.refresh_from_db()
    assert fisher.status == "awaiting_verification"


def test_bulk_approval_replays_under_the_same_key(dppp_system: Partner, fisher: Application) -> None:
    body = {"numbers": [fisher.number]}
    first = dppp_system.post(f"{BASE}/approve", body, HTTP_IDEMPOTENCY_KEY="setuju-1")
    again = dppp_system.post(f"{BASE}/approve", body, HTTP_IDEMPOTENCY_KEY="setuju-1")
    assert first.json() == again.json() == {"approved": [fisher.number], "waitlisted": [], "skipped": []}


def test_approvals_beyond_the_quota_are_answered_as_waitlisted(
    dppp_system: Partner,
    register: Callable[..., Application],
    bpn_2026: Programme,
    programme_manager: User,
) -> None:
    programme_quota_set(programme=bpn_2026, quota=1, actor=programme_manager)
    first, second = (register(bpn_2026, SYSTEM, sector="nelayan", name=NAMES[i]) for i in range(2))
    response = dppp_system.post(f"{BASE}/approve", {"numbers": [second.number, first.number]})
    assert response.status_code == 200, response.content
    # The oldest submission takes the one place; the other is approved onto the waiting list.
    assert response.json() == {"approved": [first.number], "waitlisted": [second.number], "skipped": []}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("approved", "waitlisted")
    assert Decision.objects.filter(application=second, outcome="approve").count() == 1


def test_a_single_approval_with_the_quota_full_answers_the_waitlisted_status(
    dppp_system: Partner,
    fisher: Application,
    register: Callable[..., Application],
    bpn_2026: Programme,
    programme_manager: User,
) -> None:
    programme_quota_set(programme=bpn_2026, quota=1, actor=programme_manager)
    placed = register(bpn_2026, SYSTEM, sector="nelayan", name="Budi Nelayan")
    assert dppp_system.post(decision_url(placed), {"outcome": "approve"}).json()["status"] == "approved"
    response = dppp_system.post(decision_url(fisher), {"outcome": "approve"})
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "approve" and response.json()["status"] == "waitlisted"
    fisher.refresh_from_db()
    assert fisher.status == "waitlisted"


# -- who may call ----------------------------------------------------------------------------------------


def test_a_token_without_the_verification_scope_is_403(
    agency_system: Callable[..., Partner], dppp: Agency, fisher: Application
) -> None:
    registration = agency_system(dppp, scopes=(ApiScope.REGISTRATION,))
    for response in (
        registration.get(QUEUE),
        registration.get(detail_url(fisher)),
        registration.post(decision_url(fisher), {"outcome": "approve"}),
        registration.post(f"{BASE}/approve", {"numbers": [fisher.number]}),
        registration.get(f"{BASE}/rejection-reasons", {"programme": "BPN-2026"}),
    ):
        assert "verification" in assert_error_shape(response, 403)["detail"]
    assert not Decision.objects.exists()


def test_a_verification_token_without_an_agency_is_403_saying_so(
    agency_system: Callable[..., Partner], balikpapan: Funder, fisher: Application
) -> None:
    loose = agency_system(None, funder=balikpapan)
    response = loose.get(QUEUE)
    assert "instansi" in assert_error_shape(response, 403)["detail"]
    assert_error_shape(loose.post(decision_url(fisher), {"outcome": "approve"}), 403)
    assert not Decision.objects.exists()


def test_a_revoked_token_is_401(dppp_system: Partner, fisher: Application, administrator: User) -> None:
    api_token_revoke(token=ApiToken.objects.get(name="Sistem DPPP"), actor=administrator)
    assert_error_shape(dppp_system.get(QUEUE), 401)
    assert_error_shape(dppp_system.post(decision_url(fisher), {"outcome": "approve"}), 401)
    assert not Decision.objects.exists()


def test_a_samarinda_agency_system_finds_nothing_of_balikpapan(
    agency_system: Callable[..., Partner], samarinda: Funder, fisher: Application
) -> None:
    samarinda_dppp = agency_system(Agency.objects.get(funder=samarinda, code="dppp"))
    assert samarinda_dppp.get(QUEUE, {"status": "all"}).json()["count"] == 0
    assert_error_shape(samarinda_dppp.get(detail_url(fisher)), 404)
    document = fisher.documents.first()
    assert document is not None
    assert_error_shape(samarinda_dppp.get(f"{detail_url(fisher)}/documents/{document.pk}"), 404)
    assert_error_shape(samarinda_dppp.post(decision_url(fisher), {"outcome": "approve"}), 404)
    assert samarinda_dppp.post(f"{BASE}/approve", {"numbers": [fisher.number]}).json()["approved"] == []
    assert_error_shape(samarinda_dppp.get(f"{BASE}/rejection-reasons", {"programme": "BPN-2026"}), 403)
    assert not Decision.objects.exists()


# -- bad input is never a 500 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("", "body"),
        ("bukan json", "body"),
        ("null", "body"),
        ("[]", "body"),
        ('"approve"', "body"),
        ("{}", "outcome"),
        ('{"outcome": 1}', "outcome"),
        ('{"outcome": ["approve"]}', "outcome"),
        ('{"outcome": "maybe"}', "outcome"),
        ('{"outcome": "APPROVE"}', "outcome"),
        ('{"outcome": NaN}', "body"),
        ('{"outcome": "reject", "reason_id": "1"}', "reason_id"),
        ('{"outcome": "reject", "reason_id": true}', "reason_id"),
        ('{"outcome": "reject", "reason_id": 1.5}', "reason_id"),
        ('{"outcome": "reject", "reason_id": 1e400}', "reason_id"),
        ('{"outcome": "reject", "reason_id": Infinity}', "body"),
        ('{"outcome": "reject", "reason_id": 100000000000000000000000000000}', "reason_id"),
        ('{"outcome": "reject", "reason_id": -1}', "reason_id"),
        ('{"outcome": "return", "fixes": "ktp"}', "fixes"),
        ('{"outcome": "return", "fixes": [1]}', "fixes"),
        ('{"outcome": "return", "fixes": ["ktp", null]}', "fixes"),
        ('{"outcome": "return", "fixes": ["lain-lain"]}', "fixes"),
        ('{"outcome": "return", "note": {"teks": "x"}}', "note"),
        ('{"outcome": "approve", "note": "a\\u0000b"}', "body"),
        ("[" * 100_000, "body"),
    ],
)
def test_a_malformed_decision_is_422_naming_the_field(
    dppp_system: Partner, fisher: Application, raw: str, field: str
) -> None:
    response = dppp_system.post(decision_url(fisher), raw=raw)
    assert field in assert_error_shape(response, 422)["errors"]
    assert not Decision.objects.exists()


def test_five_thousand_fixes_are_refused(dppp_system: Partner, fisher: Application) -> None:
    response = dppp_system.post(decision_url(fisher), {"outcome": "return", "fixes": ["x" * 100] * 5000})
    assert "fixes" in assert_error_shape(response, 422)["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (None, "body"),
        ({}, "numbers"),
        ({"numbers": []}, "numbers"),
        ({"numbers": "BPN-2026-000001"}, "numbers"),
        ({"numbers": [1, 2]}, "numbers"),
        ({"numbers": [None]}, "numbers"),
        ({"numbers": ["BPN-2026-000001"] * 5000}, "numbers"),
        ({"numbers": ["BPN-2026-000001"], "note": 5}, "note"),
        ({"numbers": ["BPN-2026-000001"], "note": "x" * 2001}, "note"),
    ],
)
def test_a_malformed_bulk_approval_is_422(dppp_system: Partner, fisher: Application, body: Any, field: str) -> None:
    response = dppp_system.post(f"{BASE}/approve", body)
    assert field in assert_error_shape(response, 422)["errors"]
    assert not Decision.objects.exists()


def test_odd_numbers_in_a_bulk_approval_are_skipped(dppp_system: Partner, fisher: Application) -> None:
    numbers = ["", " ", "x" * 5000, "' OR 1=1 --", "BPN-2026-%"]
    response = dppp_system.post(f"{BASE}/approve", {"numbers": numbers})
    assert response.status_code == 200, response.content
    assert response.json()["approved"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/applications/BPN-2026-000001%00",
        "/applications/" + "9" * 500,
        "/applications/%F0%9F%90%9F",
        "/applications/{number}/documents/99999999999999999999999999",
        "/applications/{number}/documents/-1",
        "/applications/{number}/documents/abc",
        "/applications/{number}/documents/0",
    ],
)
def test_odd_paths_are_4xx(dppp_system: Partner, fisher: Application, path: str) -> None:
    response = dppp_system.get(BASE + path.replace("{number}", fisher.number))
    assert response.status_code in (400, 404, 422), response.content
    assert_error_shape(response, response.status_code)


def test_a_decision_on_an_odd_number_is_4xx(dppp_system: Partner, fisher: Application) -> None:
    assert_error_shape(dppp_system.post(f"{BASE}/applications/{'x' * 300}/decision", {"outcome": "approve"}), 404)
    assert_error_shape(dppp_system.post(f"{BASE}/applications/x%00/decision", {"outcome": "approve"}), 400)
    assert_error_shape(dppp_system.post(f"{BASE}/approve", {"numbers": ["BPN\x00-2026"]}), 422)


# -- reference and documentation -------------------------------------------------------------------------


def test_rejection_reasons_are_those_of_a_programme_of_the_funder(
    dppp_system: Partner, bpn_2026: Programme, smd_2026: Programme
) -> None:
    listed = dppp_system.get(f"{BASE}/rejection-reasons", {"programme": "bpn-2026"}).json()
    active = RejectionReason.objects.filter(programme=bpn_2026, active=True).order_by("position", "id")
    assert listed == [{"id": r.pk, "label": r.label} for r in active]
    assert_error_shape(dppp_system.get(f"{BASE}/rejection-reasons", {"programme": "SMD-2026"}), 403)
    assert_error_shape(dppp_system.get(f"{BASE}/rejection-reasons", {"programme": "XYZ-1"}), 404)
    assert_error_shape(dppp_system.get(f"{BASE}/rejection-reasons"), 422)
    assert_error_shape(dppp_system.get(f"{BASE}/rejection-reasons", {"programme": "x" * 100}), 422)


def test_the_openapi_document_describes_the_verification_paths(db: None) -> None:
    from django.test import Client

    spec = Client().get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    expected = {
        ("/api/v1/verification/queue", "get"),
        ("/api/v1/verification/applications/{number}", "get"),
        ("/api/v1/verification/applications/{number}/documents/{document_id}", "get"),
        ("/api/v1/verification/applications/{number}/decision", "post"),
        ("/api/v1/verification/approve", "post"),
        ("/api/v1/verification/rejection-reasons", "get"),
    }
    for path, method in expected:
        operation = paths[path][method]
        assert operation["summary"] and "Scope: `verification`" in operation["description"]
        assert "403" in operation["responses"] and "401" in operation["responses"]
    decision = paths["/api/v1/verification/applications/{number}/decision"]["post"]
    schema = resolved(spec, decision["requestBody"]["content"]["application/json"]["schema"])
    assert resolved(spec, schema["properties"]["outcome"])["enum"] == ["approve", "return", "reject"]
    assert {p["name"] for p in decision["parameters"]} >= {"number", "Idempotency-Key"}
    assert "$defs" not in json.dumps(decision)
    document = paths["/api/v1/verification/applications/{number}/documents/{document_id}"]["get"]
    assert "application/pdf" in document["responses"]["200"]["content"]


def resolved(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A schema of the OpenAPI document with its `$ref` followed to the shared definition."""
    ref = node.get("$ref", "")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else node
