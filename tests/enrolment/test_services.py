"""Enrolment services: batches, the branch's answer, the membership lifecycle, cards, re-verification."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from jaring.allocation.models import EndReason, Place
from jaring.allocation.services import waitlist_of
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import AuditRecord, MinimumWage
from jaring.enrolment import services as enrolment_services
from jaring.enrolment.models import Batch, BatchMember, Membership
from jaring.enrolment.services import (
    Answer,
    Handover,
    batch_answers_apply,
    batch_create,
    card_from_token,
    card_is_valid,
    card_token,
    cards_hand_over,
    cards_issue,
    column_template_set,
    membership_deactivate,
    membership_end,
    membership_reactivate,
    reverification_run,
    reverification_start,
)
from jaring.registry.models import Application
from jaring.registry.states import ApplicationStatus
from tests.helpers.reference import programme_for

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-24")

S = ApplicationStatus


def test_a_batch_freezes_the_ready_places_and_a_person_is_in_one_open_batch(approved, bpn_2026, programme_manager):
    applications = approved(3)
    batch = batch_create(programme=bpn_2026, actor=programme_manager)
    assert batch.number == "BPN-2026-K001" and batch.status == Batch.Status.OPEN
    members = list(batch.members.order_by("position"))
    assert {m.application_id for m in members} == {a.pk for a in applications}
    assert members[0].row[0] == members[0].nik  # NIK first in the default template
    with pytest.raises(DomainError):  # nobody left to send
        batch_create(programme=bpn_2026, actor=programme_manager)
    other = Batch.objects.create(programme=bpn_2026, number="X", columns=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchMember.objects.create(
            batch=other,
            application=members[0].application,
            person=members[0].person,
            place=members[0].place,
            position=1,
            nik=members[0].nik,
            row=[],
        )


def test_the_column_template_is_the_managers_and_needs_the_nik(bpn_2026, programme_manager, approved):
    column_template_set(programme=bpn_2026, columns=["name", "nik", "start_date"], actor=programme_manager)
    approved(1)
    batch = batch_create(programme=bpn_2026, actor=programme_manager)
    member = batch.members.get()
    assert batch.columns == ["name", "nik", "start_date"]
    assert member.row[1] == member.nik
    with pytest.raises(DomainError):
        column_template_set(programme=bpn_2026, columns=["name"], actor=programme_manager)
    with pytest.raises(DomainError):
        column_template_set(programme=bpn_2026, columns=["nik", "shoe_size"], actor=programme_manager)


def test_answers_make_members_return_rejections_report_strangers_and_repeat_safely(
    approved, bpn_2026, programme_manager
):
    a, b = approved(2)
    batch = batch_create(programme=bpn_2026, actor=programme_manager)
    answers = [
        Answer(2, a.person.nik, True, kpj="12345678901", starts=date(2026, 12, 1)),
        Answer(3, b.person.nik, False, reason="NIK tidak padan dengan Dukcapil"),
        Answer(4, "6471019999990001", True, kpj="10987654321"),
    ]
    result = batch_answers_apply(programme=bpn_2026, answers=answers, actor=programme_manager)
    assert (result.accepted, result.rejected, result.unknown) == (1, 1, [(4, "6471019999990001")])
    membership = Membership.objects.get(application=a)
    assert membership.kpj == "12345678901" and membership.status == Membership.Status.ACTIVE
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == S.ENROLLED
    assert b.status == S.APPROVED and "Dukcapil" in b.status_reason
    batch.refresh_from_db()
    assert batch.status == Batch.Status.CLOSED

    again = batch_answers_apply(programme=bpn_2026, answers=answers, actor=programme_manager)
    assert (again.accepted, again.rejected, again.unchanged) == (0, 0, 2)
    assert Membership.objects.count() == 1
    # The rejected person may be sent again in a new batch once corrected.
    assert batch_create(programme=bpn_2026, actor=programme_manager).members.get().application == b


def _member(approved, bpn_2026, programme_manager, count=1):
    applications = approved(count)
    batch_create(programme=bpn_2026, actor=programme_manager)
    batch_answers_apply(
        programme=bpn_2026,
        answers=[Answer(i, app.person.nik, True, kpj=f"{12345678900 + i}") for i, app in enumerate(applications)],
        actor=programme_manager,
    )
    return [Membership.objects.get(application=app) for app in applications]


def test_lifecycle_keeps_every_change(approved, bpn_2026, programme_manager):
    (membership,) = _member(approved, bpn_2026, programme_manager)
    membership_deactivate(
        membership=membership, effective=date(2026, 12, 1), note="3 bulan belum dibayar", actor=programme_manager
    )
    with pytest.raises(Conflict):
        membership_deactivate(membership=membership, effective=date(2026, 12, 1), note="", actor=programme_manager)
    membership_reactivate(membership=membership, effective=date(2026, 12, 15), note="Dibayar", actor=programme_manager)
    membership_end(
        membership=membership, reason=EndReason.MOVED_OUT, effective=date(2026, 12, 20), actor=programme_manager
    )
    steps = list(membership.events.values_list("from_status", "to_status"))
    assert steps == [("", "active"), ("active", "non_active"), ("non_active", "active"), ("active", "ended")]
    assert AuditRecord.objects.filter(target_type="enrolment.membership", target_id=str(membership.pk)).count() == 3
    with pytest.raises(DomainError):
        membership_end(membership=membership, reason="bored", effective=date(2026, 12, 20), actor=programme_manager)


def test_a_death_ends_the_membership_and_frees_the_place_for_the_next(
    approved, bpn_2026, programme_manager, dppp_verifier
):
    from jaring.allocation.services import programme_quota_set

    (membership,) = _member(approved, bpn_2026, programme_manager)
    programme_quota_set(programme=bpn_2026, quota=1, actor=programme_manager)
    (waiting,) = approved(1, names=("Menunggu Tempat",))
    assert waiting.status == S.WAITLISTED
    membership_end(
        membership=membership,
        reason=EndReason.DIED,
        effective=date(2026, 12, 3),
        actor=programme_manager,
        note="Akta kematian",
    )
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ENDED and membership.ends == date(2026, 12, 31)
    assert Place.objects.get(pk=membership.place_id).end_reason == EndReason.DIED
    waiting.refresh_from_db()
    assert waiting.status == S.APPROVED and not list(waitlist_of(bpn_2026))


def test_card_tokens_are_signed_and_reveal_nothing(approved, bpn_2026, programme_manager):
    (membership,) = _member(approved, bpn_2026, programme_manager)
    (card,) = cards_issue(memberships=[membership], actor=programme_manager)
    token = card_token(card)
    assert membership.person.nik not in token and membership.kpj not in token
    assert card_from_token(token) == card
    assert card_from_token(token[:-2] + "xx") is None and card_from_token("garbage") is None
    assert card_is_valid(card, on=date(2026, 12, 10))
    membership_end(
        membership=membership, reason=EndReason.WITHDREW, effective=date(2026, 12, 10), actor=programme_manager
    )
    card.refresh_from_db()
    assert not card_is_valid(card, on=date(2026, 12, 11))


def test_a_ceremony_hands_over_many_cards_once(approved, bpn_2026, programme_manager):
    memberships = _member(approved, bpn_2026, programme_manager, count=3)
    cards = cards_issue(memberships=memberships, actor=programme_manager)
    handover = Handover(handed_on=date(2026, 11, 20), place="Kantor Kelurahan Manggar", handed_by="Lurah Manggar")
    assert cards_hand_over(cards=cards, handover=handover, actor=programme_manager) == 3
    assert cards_hand_over(cards=cards, handover=handover, actor=programme_manager) == 0
    cards[0].refresh_from_db()
    assert cards[0].received_by == memberships[0].person.name
    with pytest.raises(DomainError):
        cards_hand_over(cards=cards, handover=Handover(date(2026, 11, 20), "", "x"), actor=programme_manager)


def test_reverification_takes_active_members_into_next_year(approved, bpn_2026, programme_manager, balikpapan):
    memberships = _member(approved, bpn_2026, programme_manager, count=2)
    membership_end(
        membership=memberships[1], reason=EndReason.DIED, effective=date(2026, 12, 1), actor=programme_manager
    )
    bpn_2027 = programme_for(balikpapan, code="BPN-2027", name="Balikpapan 2027", owner="dinsos", quota=7100, year=2027)
    # Re-verification runs in the autumn, before the 2027 UMK is set: the latest known one judges, and says so.
    campaign = reverification_start(source=bpn_2026, target=bpn_2027, actor=programme_manager)
    counts = reverification_run(campaign=campaign, actor=programme_manager)
    assert counts["members"] == 1 and counts["created"] == 1 and counts["to_verification"] == 1
    renewal = Application.objects.get(programme=bpn_2027)
    income = next(o["reason"] for o in renewal.eligibility if o["rule"] == "income_ceiling")
    assert "UMK 2027 belum ditetapkan; memakai UMK Kota Balikpapan 2026" in income
    assert renewal.person == memberships[0].person and renewal.channel == "renewal"
    assert renewal.status == S.AWAITING_VERIFICATION and renewal.verifying_agency.code == "dppp"
    assert renewal.verification_due is not None
    assert reverification_run(campaign=campaign, actor=programme_manager)["skipped"] == 1
    with pytest.raises(DomainError):
        reverification_start(source=bpn_2027, target=bpn_2026, actor=programme_manager)


def test_renewals_are_judged_and_recorded_as_single_registrations_are_in_chunks(
    approved, bpn_2026, programme_manager, balikpapan, monkeypatch
):
    memberships = _member(approved, bpn_2026, programme_manager, count=5)
    richer = memberships[3].person
    richer.monthly_income = 9_000_000  # above next year's UMK: not eligible any more
    richer.save()
    bpn_2027 = programme_for(balikpapan, code="BPN-2027", name="Balikpapan 2027", owner="dinsos", quota=7100, year=2027)
    MinimumWage.objects.create(region=balikpapan.region, year=2027, amount=4_000_000)
    campaign = reverification_start(source=bpn_2026, target=bpn_2027, actor=programme_manager)
    monkeypatch.setattr(enrolment_services, "REVERIFICATION_CHUNK", 2)  # three chunks: 2, 2 and 1 members
    counts = reverification_run(campaign=campaign, actor=programme_manager)
    assert (counts["created"], counts["to_verification"], counts["not_eligible"]) == (5, 4, 1)
    renewals = list(Application.objects.filter(programme=bpn_2027).order_by("number"))
    assert [a.number for a in renewals] == [f"BPN-2027-{n:06d}" for n in range(1, 6)]  # in members' order
    assert [a.person_id for a in renewals] == [m.person_id for m in memberships]
    for renewal, membership in zip(renewals, memberships, strict=True):
        assert renewal.note == f"Verifikasi ulang peserta KPJ {membership.kpj}"
        assert renewal.documents_attestation == f"Dokumen kepesertaan {membership.application.number} (BPN-2026)"
        assert renewal.created_at <= renewal.submitted_at == renewal.assessed_at
        assert renewal.rule_version is not None and len(renewal.eligibility) == len(renewals[0].eligibility)
    refused = renewals[3]
    assert refused.status == S.NOT_ELIGIBLE and refused.eligible is False and refused.verifying_agency is None
    assert "penghasilan" in refused.status_reason.lower() or "umk" in refused.status_reason.lower()
    actions = lambda a: list(  # noqa: E731
        AuditRecord.objects.filter(target_type="registry.application", target_id=str(a.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    # What application_create, application_submit and application_assess record, one at a time.
    assert actions(renewals[0]) == [
        "application.create",
        "application.submit",
        "application.assess",
        "application.send_to_verification",
    ]
    assert actions(refused) == [
        "application.create",
        "application.submit",
        "application.assess",
        "application.find_not_eligible",
    ]
    assert renewals[0].verification_due == renewals[4].verification_due is not None
