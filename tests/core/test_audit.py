"""Every service that changes state writes an audit record with its actor; every view of a person's
record is logged; neither log can be edited or deleted through the application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.contrib import admin
from django.test import Client

from jaring.core.actors import Actor
from jaring.core.audit_text import actor_text
from jaring.core.models import AccessLog, ApiScope, AuditRecord, Funder, Region, Sector, User
from jaring.core.services import api_token_create, api_token_revoke
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel
from jaring.registry.services import application_create, application_transition, person_upsert
from jaring.registry.states import Transition
from tests.helpers.reference import MANGGAR, PASSWORD

pytestmark = pytest.mark.django_db


def last_audit() -> AuditRecord:
    record = AuditRecord.objects.order_by("-id").first()
    assert record is not None
    return record


def test_creating_and_updating_a_person_is_audited_with_the_officer(
    reference: None, registration_officer: User
) -> None:
    declared = {
        "nik": "6471015508900001",
        "name": "Siti Aminah",
        "birth_date": date(1990, 8, 15),
        "sex": "P",
        "address": "Jl. Mulawarman No. 9",
        "kelurahan": Region.objects.get(code=MANGGAR),
        "domicile_since": date(2020, 1, 1),
        "sector": Sector.objects.get(code="pedagang"),
        "monthly_income": 2_000_000,
    }
    person = person_upsert(**declared, actor=registration_officer)  # type: ignore[arg-type]
    record = last_audit()
    assert (record.action, record.actor, record.target_id) == ("person.create", registration_officer, str(person.pk))
    person_upsert(**{**declared, "address": "Jl. Mulawarman No. 10"}, actor=registration_officer)  # type: ignore[arg-type]
    assert last_audit().action == "person.update"
    assert last_audit().data == {"fields": ["address"]}


def test_an_application_and_each_transition_is_audited_with_from_and_to(
    bpn_2026: Programme, registration_officer: User, make_application: Callable[..., Application]
) -> None:
    application = make_application(bpn_2026, status="draft", actor=registration_officer)
    assert last_audit().action == "application.create"
    assert last_audit().funder == bpn_2026.funder
    application_transition(application=application, transition=Transition.SUBMIT, actor=registration_officer)
    record = last_audit()
    assert record.action == "application.submit"
    assert record.data["from"] == "draft" and record.data["to"] == "submitted"
    assert record.actor_label == "registration_officer"


def test_a_refused_transition_changes_nothing_and_records_nothing(
    bpn_2026: Programme, registration_officer: User, make_application: Callable[..., Application]
) -> None:
    from jaring.registry.states import InvalidTransition

    application = make_application(bpn_2026, status="draft")
    before = AuditRecord.objects.count()
    with pytest.raises(InvalidTransition, match="tidak dapat"):
        application_transition(application=application, transition=Transition.APPROVE, actor=registration_officer)
    application.refresh_from_db()
    assert application.status == "draft"
    assert AuditRecord.objects.count() == before


def test_a_second_open_application_of_the_same_person_is_refused(
    bpn_2026: Programme, make_application: Callable[..., Application]
) -> None:
    from jaring.core.errors import Conflict

    first = make_application(bpn_2026, status="submitted")
    with pytest.raises(Conflict, match=first.number):
        application_create(person=first.person, programme=bpn_2026, channel=Channel.COUNTER, actor=Actor.system("test"))


def test_token_creation_and_revocation_are_audited(balikpapan: Funder, administrator: User) -> None:
    token, _ = api_token_create(name="Grab", funder=balikpapan, scopes=["registration"], actor=administrator)
    assert (last_audit().action, last_audit().actor) == ("api_token.create", administrator)
    api_token_revoke(token=token, actor=administrator)
    assert last_audit().action == "api_token.revoke"


def test_logging_in_is_audited(registration_officer: User) -> None:
    Client().post("/masuk/", {"username": "registration_officer", "password": PASSWORD})
    assert (last_audit().action, last_audit().actor) == ("user.login", registration_officer)


def test_an_administrators_edit_of_reference_data_is_audited(system_administrator: User) -> None:
    client = Client()
    client.force_login(system_administrator)
    sector = Sector.objects.get(code="pedagang")
    response = client.post(
        f"/admin/core/sector/{sector.pk}/change/",
        {"code": "pedagang", "name": "Pedagang kaki lima", "default_agency_kind": "dkumkm"},
    )
    assert response.status_code == 302
    record = last_audit()
    assert record.action == "sector.admin_change"
    assert record.actor == system_administrator
    assert set(record.data["fields"]) == {"name", "default_agency_kind"}


def test_opening_an_applicants_record_is_written_to_the_access_log(
    bpn_2026: Programme,
    registration_officer: User,
    make_application: Callable[..., Application],
    client_for: Callable[[User], Client],
) -> None:
    application = make_application(bpn_2026)
    client_for(registration_officer).get(f"/pendaftaran/{application.number}/")
    log = AccessLog.objects.get()
    assert log.actor == registration_officer
    assert log.person_ref == str(application.person.pk)
    assert log.funder == bpn_2026.funder
    assert log.what == "application_detail"


def test_the_audit_trail_and_access_log_cannot_be_changed_in_the_admin(system_administrator: User) -> None:
    class Request:
        user = system_administrator

    for model in (AuditRecord, AccessLog):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(Request())  # type: ignore[arg-type]
        assert not model_admin.has_change_permission(Request())  # type: ignore[arg-type]
        assert not model_admin.has_delete_permission(Request())  # type: ignore[arg-type]


def test_the_audit_page_filters_by_action_and_actor(
    bpn_2026: Programme,
    registration_officer: User,
    auditor: User,
    make_application: Callable[..., Application],
    client_for: Callable[[User], Client],
) -> None:
    application = make_application(bpn_2026, status="submitted", actor=registration_officer)
    client = client_for(auditor)
    page = client.get("/audit/", {"action": "application.submit", "actor": "registration"}).content.decode()
    assert application.number in page
    assert "person.create" not in page


def test_the_audit_page_says_each_action_and_actor_in_words_beside_the_codes_it_is_filtered_by(
    bpn_2026: Programme,
    registration_officer: User,
    auditor: User,
    make_application: Callable[..., Application],
    client_for: Callable[[User], Client],
) -> None:
    make_application(bpn_2026, status="submitted", actor=registration_officer)
    gojek, _secret = api_token_create(
        name="Gojek Indonesia", funder=bpn_2026.funder, scopes=[ApiScope.REGISTRATION], actor=Actor.system("test")
    )
    make_application(bpn_2026, status="submitted", actor=Actor.partner(gojek))
    page = client_for(auditor).get("/audit/", {"action": "application.submit"}).content.decode()
    assert "Pendaftaran diajukan" in page and "<code>application.submit</code>" in page
    assert "Registration Officer (Petugas pendaftaran)" in page
    assert "API mitra: Gojek Indonesia" in page


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("applicant", "Pemohon (daring)"),
        ("system", "Sistem Jaring"),
        ("api:Maxim Balikpapan", "API mitra: Maxim Balikpapan"),
        ("demo:kelurahan", "Data demo (jalur Operator kelurahan)"),
        ("demo", "Data demo"),
        ("something-else", "something-else"),
    ],
)
def test_an_actor_label_reads_as_who_it_is(label: str, text: str) -> None:
    assert actor_text(label, channels={"kelurahan": "Operator kelurahan"}) == text
