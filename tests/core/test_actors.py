"""Who acts is one explicit object: an officer, a partner's token, the applicant, or the system by name. Each is
held to what it may do, for its own funder, by one question (`Actor.require`)."""

from __future__ import annotations

import pytest

from jaring.core.actors import Actor, Kind
from jaring.core.errors import PermissionDenied
from jaring.core.models import ApiScope, ApiToken, AuditRecord, Funder, Job, User
from jaring.core.permissions import Capability
from jaring.core.services import api_token_create, api_token_revoke, audit_record
from jaring.programmes.models import Programme

pytestmark = pytest.mark.django_db


def token_of(funder: Funder, *scopes: str) -> ApiToken:
    token, _secret = api_token_create(name="Gojek", funder=funder, scopes=list(scopes), actor=Actor.system("test"))
    return token


def test_a_bare_label_is_not_an_actor() -> None:
    with pytest.raises(TypeError):
        Actor.of("cli")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Actor.of(None)  # type: ignore[arg-type]


def test_a_system_actor_must_be_named(reference: None) -> None:
    with pytest.raises(ValueError, match="name"):
        Actor.system("  ")


def test_an_officer_is_held_to_the_role_and_the_own_funder(
    registration_officer: User, bpn_2026: Programme, smd_2026: Programme
) -> None:
    officer = Actor.of(registration_officer)
    assert officer.kind is Kind.OFFICER and officer.label == "registration_officer"
    assert officer.require(Capability.REGISTER_APPLICANTS, programme=bpn_2026).funder_id == bpn_2026.funder_id
    with pytest.raises(PermissionDenied, match="SMD-2026"):
        officer.require(Capability.REGISTER_APPLICANTS, programme=smd_2026)
    with pytest.raises(PermissionDenied):
        officer.require(Capability.MANAGE_PROGRAMMES, programme=bpn_2026)


def test_one_of_several_capabilities_is_enough(programme_manager: User, bpn_2026: Programme) -> None:
    manager = Actor.officer(programme_manager)
    manager.require(Capability.REGISTER_APPLICANTS, Capability.IMPORT_APPLICANTS, programme=bpn_2026)
    with pytest.raises(PermissionDenied):
        manager.require(Capability.REGISTER_APPLICANTS, Capability.VERIFY, programme=bpn_2026)


def test_the_outsider_is_refused_whatever_is_asked(outsider: User, bpn_2026: Programme) -> None:
    with pytest.raises(PermissionDenied):
        Actor.officer(outsider).require(Capability.VIEW_APPLICATIONS)


def test_the_system_operator_acts_for_every_funder(system_administrator: User, smd_2026: Programme) -> None:
    scope = Actor.officer(system_administrator).require(Capability.ADMINISTER, programme=smd_2026)
    assert scope.everything


def test_a_partner_acts_with_the_capabilities_of_its_scopes_for_its_funder_only(
    balikpapan: Funder, bpn_2026: Programme, smd_2026: Programme
) -> None:
    partner = Actor.partner(token_of(balikpapan, ApiScope.REGISTRATION))
    assert partner.kind is Kind.PARTNER and partner.label == "api:Gojek" and partner.name == "api:Gojek"
    assert partner.require(Capability.IMPORT_APPLICANTS, programme=bpn_2026).funder_id == balikpapan.pk
    with pytest.raises(PermissionDenied):
        partner.require(Capability.REGISTER_APPLICANTS, programme=smd_2026)
    with pytest.raises(PermissionDenied):
        partner.require(Capability.VERIFY, programme=bpn_2026)


def test_a_revoked_token_may_do_nothing(balikpapan: Funder, bpn_2026: Programme) -> None:
    token = token_of(balikpapan, ApiScope.REGISTRATION)
    api_token_revoke(token=token, actor=Actor.system("test"))
    with pytest.raises(PermissionDenied):
        Actor.partner(token).require(Capability.REGISTER_APPLICANTS, programme=bpn_2026)


def test_the_applicant_may_apply_to_any_funder_and_do_nothing_else(
    bpn_2026: Programme, smd_2026: Programme, samarinda: Funder
) -> None:
    applicant = Actor.applicant()
    applicant.require(Capability.REGISTER_APPLICANTS, programme=bpn_2026)
    applicant.require(Capability.REGISTER_APPLICANTS, programme=smd_2026)
    for capability in (Capability.VERIFY, Capability.MANAGE_PROGRAMMES, Capability.EXCHANGE_WITH_BPJS):
        with pytest.raises(PermissionDenied):
            applicant.require(capability, programme=bpn_2026)
    assert not applicant.require(Capability.REGISTER_APPLICANTS).everything


def test_the_system_is_trusted_only_when_said_so_and_is_named_in_the_audit_trail(bpn_2026: Programme) -> None:
    cli = Actor.system("cli")
    assert cli.require(Capability.ADMINISTER, programme=bpn_2026).everything
    record = audit_record(actor=cli, action="programme.test", target=bpn_2026)
    assert (record.actor, record.actor_label) == (None, "cli")


def test_the_officer_is_recorded_by_username_and_shown_by_full_name(
    registration_officer: User, bpn_2026: Programme
) -> None:
    record = audit_record(actor=registration_officer, action="programme.test", target=bpn_2026)
    assert (record.actor, record.actor_label) == (registration_officer, "registration_officer")
    assert Actor.officer(registration_officer).name == "Registration Officer"
    assert AuditRecord.objects.filter(actor_label="registration_officer").count() == 1


def test_a_job_acts_as_the_officer_who_started_it_or_as_the_system_under_its_kind(
    programme_manager: User, reference: None
) -> None:
    started = Job.objects.create(kind="eligibility.reassess", label="x", created_by=programme_manager)
    scheduled = Job.objects.create(kind="eligibility.reassess", label="x")
    assert Actor.of_job(started) == Actor.officer(programme_manager)
    assert Actor.of_job(scheduled) == Actor.system("eligibility.reassess")
