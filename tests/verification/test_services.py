"""Verification as the agencies live it: routing, deadlines in working days, decisions, messages."""

from __future__ import annotations

import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError, PermissionDenied
from jaring.core.models import Agency, AgencyKind, ApiScope, AuditRecord, Holiday, Notification, Sector
from jaring.core.notifications import notifications_deliver
from jaring.core.selectors import holidays_between
from jaring.core.services import api_token_create
from jaring.core.workdays import add_working_days, working_days_between
from jaring.programmes.models import RejectionReason
from jaring.programmes.selectors import programme_verifying_agency, verification_due
from jaring.registry.models import Application, Channel
from jaring.registry.selectors import public_reasons
from jaring.registry.services import application_resubmit
from jaring.registry.states import ApplicationStatus
from jaring.verification.models import Decision, Fix, Outcome
from jaring.verification.services import (
    DecisionInput,
    application_decide,
    applications_approve,
    programme_owning_agency_change,
    programme_route_set,
)
from tests.helpers.reference import queued_applications

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

S = ApplicationStatus
WITA = ZoneInfo("Asia/Makassar")
NYEPI_2026 = {date(2026, 3, 18), date(2026, 3, 19)}
IDULFITRI_2026 = {date(2026, 3, 20), date(2026, 3, 21), date(2026, 3, 22), date(2026, 3, 23), date(2026, 3, 24)}


# -- working days: pure ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "holidays", "due"),
    [
        # The case: Friday 13 March 2026, Nyepi and the Idulfitri cuti bersama in between.
        (date(2026, 3, 13), 5, NYEPI_2026 | IDULFITRI_2026, date(2026, 3, 27)),
        # Without holidays the same five days end the next Friday.
        (date(2026, 3, 13), 5, set(), date(2026, 3, 20)),
        # Submitted on a Saturday: Monday is the first working day.
        (date(2026, 3, 14), 1, set(), date(2026, 3, 16)),
        (date(2026, 3, 13), 0, set(), date(2026, 3, 13)),
        # A regional holiday the operator added counts like a national one.
        (date(2026, 6, 1), 2, {date(2026, 6, 2)}, date(2026, 6, 4)),
        # Across a year end with New Year's Day.
        (date(2026, 12, 30), 2, {date(2027, 1, 1)}, date(2027, 1, 4)),
    ],
)
def test_due_dates_skip_weekends_and_holidays(start, days, holidays, due):
    assert add_working_days(start, days, holidays) == due
    assert working_days_between(start, due, holidays) == days


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 13), -1, set())


def test_the_seeded_calendar_gives_27_march_for_13_march(bpn_2026):
    assert bpn_2026.verification_days == 5
    assert verification_due(programme=bpn_2026, start=date(2026, 3, 13)) == date(2026, 3, 27)
    # lokal-id's 2026 calendar is in the operator's table, cuti bersama included.
    kinds = dict(Holiday.objects.filter(date__in=NYEPI_2026 | IDULFITRI_2026).values_list("date", "kind"))
    assert kinds[date(2026, 3, 18)] == Holiday.Kind.CUTI_BERSAMA
    assert kinds[date(2026, 3, 19)] == Holiday.Kind.NATIONAL


def test_a_year_without_a_calendar_counts_weekends_only_and_does_not_crash(bpn_2026):
    assert holidays_between(date(2031, 1, 1), date(2031, 12, 31)) == frozenset()
    assert verification_due(programme=bpn_2026, start=date(2031, 3, 14)) == date(2031, 3, 21)


def test_an_operator_holiday_moves_the_due_date(bpn_2026):
    Holiday.objects.create(date=date(2026, 6, 2), name="HUT Kota Balikpapan (contoh)", kind=Holiday.Kind.REGIONAL)
    assert verification_due(programme=bpn_2026, start=date(2026, 6, 1)) == date(2026, 6, 9)


# -- routing -----------------------------------------------------------------------------------------------


def test_balikpapan_default_routing(bpn_2026, balikpapan):
    def agency_of(sector: str) -> str:
        return programme_verifying_agency(programme=bpn_2026, sector=Sector.objects.get(code=sector)).kind

    for sector in ("nelayan", "pembudidaya_ikan", "petani", "peternak"):
        assert agency_of(sector) == AgencyKind.DPPP
    assert agency_of("ojek_pangkalan") == AgencyKind.DISHUB
    assert agency_of("ojol") == AgencyKind.DINSOS  # the owning office in 2026


def test_a_fisher_lands_in_the_fishery_office_queue_with_a_due_date(bpn_2026, registration_officer, register, dppp):
    application = register(bpn_2026, registration_officer, sector="nelayan")
    assert application.status == S.AWAITING_VERIFICATION
    assert application.verifying_agency == dppp
    assert application.queued_at is not None
    today = timezone.localdate(application.queued_at)
    assert application.verification_due == verification_due(programme=bpn_2026, start=today)
    assert application.verification_due > today


def test_changing_a_route_moves_open_work_with_an_audit_record(
    bpn_2026, registration_officer, programme_manager, register, dppp, dishub
):
    fisher = register(bpn_2026, registration_officer, sector="nelayan")
    farmer = register(bpn_2026, registration_officer, sector="petani", name="Siti Petani")
    returned = register(bpn_2026, registration_officer, sector="nelayan", name="Udin Nelayan")
    application_decide(
        application=returned, decision=DecisionInput(Outcome.RETURN, fixes=(Fix.KTP,)), actor=_verifier(dppp)
    )
    open_before = Application.objects.filter(programme=bpn_2026, status__in=(S.AWAITING_VERIFICATION, S.RETURNED))
    count_before = open_before.count()

    moved = programme_route_set(
        programme=bpn_2026, sector=Sector.objects.get(code="nelayan"), agency=dishub, actor=programme_manager
    )

    assert moved == 2  # the waiting fisher and the returned one; the farmer stays
    fisher.refresh_from_db()
    farmer.refresh_from_db()
    returned.refresh_from_db()
    assert fisher.verifying_agency == dishub and fisher.status == S.AWAITING_VERIFICATION
    assert returned.verifying_agency == dishub and returned.status == S.RETURNED
    assert farmer.verifying_agency == dppp
    assert open_before.count() == count_before
    record = AuditRecord.objects.get(action="application.reroute", target_id=str(fisher.pk))
    assert record.data["from_agency"] == dppp.name and record.data["to_agency"] == dishub.name
    assert record.actor == programme_manager
    assert AuditRecord.objects.filter(action="programme.route_set", data__moved=2).exists()
    # New registrations follow the new route.
    assert register(bpn_2026, registration_officer, sector="nelayan", name="Baru").verifying_agency == dishub


def test_changing_the_owning_office_moves_the_work_it_verifies(
    bpn_2026, registration_officer, programme_manager, register, dppp, balikpapan
):
    ojol = register(bpn_2026, registration_officer, sector="ojol", name="Andi Ojol")
    fisher = register(bpn_2026, registration_officer, sector="nelayan")
    dinsos = bpn_2026.owning_agency
    disnaker = Agency.objects.get(funder=balikpapan, code=AgencyKind.DISNAKER)
    assert ojol.verifying_agency == dinsos

    moved = programme_owning_agency_change(programme=bpn_2026, agency=disnaker, actor=programme_manager)

    assert moved == 1
    ojol.refresh_from_db()
    fisher.refresh_from_db()
    assert ojol.verifying_agency == disnaker
    assert fisher.verifying_agency == dppp
    assert AuditRecord.objects.filter(action="programme.owning_agency_change", data__moved=1).exists()
    assert AuditRecord.objects.filter(action="application.reroute", target_id=str(ojol.pk)).exists()


def test_a_route_to_another_funders_agency_is_refused(bpn_2026, programme_manager, samarinda):
    other = Agency.objects.filter(funder=samarinda).first()
    with pytest.raises(DomainError) as caught:
        programme_route_set(
            programme=bpn_2026, sector=Sector.objects.get(code="nelayan"), agency=other, actor=programme_manager
        )
    assert caught.value.field == "agency"


# -- decisions ---------------------------------------------------------------------------------------------


def _verifier(agency: Agency):
    from jaring.core.models import Role, User

    user, _ = User.objects.get_or_create(
        username=f"verifier_{agency.code}",
        defaults={
            "role": Role.VERIFIER,
            "funder": agency.funder,
            "agency": agency,
            "full_name": f"Verifikator {agency.code}",
        },
    )
    return user


def test_approve_records_decision_audit_and_message(bpn_2026, registration_officer, register, dppp_verifier, dppp):
    application = register(bpn_2026, registration_officer)
    decision = application_decide(
        application=application,
        decision=DecisionInput(Outcome.APPROVE, note="Sesuai kartu nelayan"),
        actor=dppp_verifier,
    )
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert decision.agency == dppp and decision.decided_by == dppp_verifier and not decision.late
    assert decision.working_days == 0
    record = AuditRecord.objects.get(action="application.approve", target_id=str(application.pk))
    assert record.actor == dppp_verifier and record.data["decision"] == decision.pk
    message = Notification.objects.get(target_id=str(application.pk))
    assert message.template == "decision_approved" and message.recipient == application.person.phone
    assert application.number in message.body and "disetujui" in message.body
    assert message.status == Notification.Status.QUEUED


def test_the_transport_verifier_cannot_decide_on_a_fisher(bpn_2026, registration_officer, register, dishub_verifier):
    application = register(bpn_2026, registration_officer)
    with pytest.raises(PermissionDenied):
        application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dishub_verifier)
    application.refresh_from_db()
    assert application.status == S.AWAITING_VERIFICATION
    assert not Decision.objects.exists()


def test_a_registration_officer_cannot_decide(bpn_2026, registration_officer, register):
    application = register(bpn_2026, registration_officer)
    with pytest.raises(PermissionDenied):
        application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=registration_officer)


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        (DecisionInput("maybe"), "outcome"),
        (DecisionInput(Outcome.RETURN), "fixes"),
        (DecisionInput(Outcome.RETURN, fixes=("passport",)), "fixes"),
        (DecisionInput(Outcome.REJECT, note="tanpa alasan"), "reason"),
        (DecisionInput(Outcome.APPROVE, note="x" * 2001), "note"),
    ],
)
def test_bad_decisions_name_the_field_and_change_nothing(
    bpn_2026, registration_officer, register, dppp_verifier, decision, field
):
    application = register(bpn_2026, registration_officer)
    with pytest.raises(DomainError) as caught:
        application_decide(application=application, decision=decision, actor=dppp_verifier)
    assert caught.value.field == field
    application.refresh_from_db()
    assert application.status == S.AWAITING_VERIFICATION
    assert not Decision.objects.exists() and not Notification.objects.exists()


def test_a_reason_of_another_programme_is_refused(bpn_2026, smd_2026, registration_officer, register, dppp_verifier):
    application = register(bpn_2026, registration_officer)
    foreign = RejectionReason.objects.filter(programme=smd_2026).first()
    with pytest.raises(DomainError) as caught:
        application_decide(
            application=application, decision=DecisionInput(Outcome.REJECT, reason=foreign), actor=dppp_verifier
        )
    assert caught.value.field == "reason"


def test_a_second_decision_on_the_same_application_is_a_conflict(
    bpn_2026, registration_officer, register, dppp_verifier
):
    application = register(bpn_2026, registration_officer)
    application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    with pytest.raises(Conflict):
        application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    assert Decision.objects.count() == 1


def test_reject_tells_the_applicant_the_reason_and_note(bpn_2026, registration_officer, register, dppp_verifier):
    application = register(bpn_2026, registration_officer)
    reason = RejectionReason.objects.get(programme=bpn_2026, label="Tidak bekerja di sektor yang dinyatakan")
    application_decide(
        application=application,
        decision=DecisionInput(Outcome.REJECT, reason=reason, note="Tidak terdaftar di kelompok nelayan mana pun."),
        actor=dppp_verifier,
    )
    application.refresh_from_db()
    assert application.status == S.REJECTED
    assert public_reasons(application) == [
        "Tidak bekerja di sektor yang dinyatakan",
        "Catatan verifikator: Tidak terdaftar di kelompok nelayan mana pun.",
    ]
    assert "Tidak bekerja di sektor" in Notification.objects.get(target_id=str(application.pk)).body


def test_return_correct_resubmit_keeps_the_full_history_and_comes_back_to_the_same_queue(
    bpn_2026, registration_officer, register, dppp_verifier, dppp
):
    application = register(bpn_2026, Actor.applicant(), channel=Channel.ONLINE)
    application_decide(
        application=application,
        decision=DecisionInput(Outcome.RETURN, fixes=(Fix.SECTOR_EVIDENCE,), note="Foto surat keterangan buram."),
        actor=dppp_verifier,
    )
    application.refresh_from_db()
    assert application.status == S.RETURNED and application.verifying_agency == dppp
    assert public_reasons(application) == [
        str(Fix.SECTOR_EVIDENCE.label),
        "Catatan verifikator: Foto surat keterangan buram.",
    ]
    message = Notification.objects.get(target_id=str(application.pk))
    assert message.template == "decision_returned" and "cek status" in message.body

    application_resubmit(application=application, actor=Actor.applicant())
    application.refresh_from_db()
    assert application.status == S.AWAITING_VERIFICATION and application.verifying_agency == dppp
    application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)

    actions = list(
        AuditRecord.objects.filter(target_type="registry.application", target_id=str(application.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions.index("application.return_for_correction") < actions.index("application.resubmit")
    assert actions.index("application.resubmit") < actions.index("application.approve")
    assert list(application.decisions.order_by("decided_at").values_list("outcome", flat=True)) == ["return", "approve"]


def test_a_counter_application_returned_is_sent_back_to_the_office(
    bpn_2026, registration_officer, register, dppp_verifier
):
    application = register(bpn_2026, registration_officer, channel=Channel.COUNTER)
    application_decide(
        application=application, decision=DecisionInput(Outcome.RETURN, fixes=(Fix.KK,)), actor=dppp_verifier
    )
    message = Notification.objects.get(target_id=str(application.pk))
    assert message.template == "decision_returned_to_office"
    assert bpn_2026.owning_agency.name in message.body


def test_a_late_decision_is_marked_late_with_its_working_days(bpn_2026, registration_officer, register, dppp_verifier):
    application = register(bpn_2026, registration_officer)
    queued = datetime(2026, 3, 13, 9, 0, tzinfo=WITA)
    Application.objects.filter(pk=application.pk).update(queued_at=queued, verification_due=date(2026, 3, 27))
    decision = application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    assert decision.late
    assert decision.due == date(2026, 3, 27)
    holidays = holidays_between(date(2026, 3, 13), timezone.localdate())
    assert decision.working_days == working_days_between(date(2026, 3, 13), timezone.localdate(), holidays)


def test_an_application_without_a_phone_is_kept_in_the_outbox_as_without_contact(
    bpn_2026, registration_officer, register, dppp_verifier
):
    application = register(bpn_2026, registration_officer)
    application.person.phone = ""
    application.person.save()
    application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    assert Notification.objects.get(target_id=str(application.pk)).status == Notification.Status.NO_CONTACT


# -- notifications -----------------------------------------------------------------------------------------


class FailingSender:
    name = "failing"

    def send(self, notification: Notification) -> str:
        raise ConnectionError("gateway down")


class RecordingSender:
    name = "recording"
    sent: list[str] = []

    def send(self, notification: Notification) -> str:
        RecordingSender.sent.append(notification.recipient)
        return Notification.Status.SENT


def test_the_default_sender_logs_and_marks_messages(bpn_2026, registration_officer, register, dppp_verifier, caplog):
    application = register(bpn_2026, registration_officer)
    application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    with caplog.at_level("INFO", logger="jaring.notifications"):
        counts = notifications_deliver()
    assert counts["logged"] == 1
    message = Notification.objects.get()
    assert message.status == Notification.Status.LOGGED and message.sender == "log" and message.sent_at
    assert application.number in caplog.text
    assert notifications_deliver() == {"sent": 0, "logged": 0, "failed": 0}  # nothing twice


def test_a_configured_sender_is_used_and_a_failure_keeps_the_message(
    bpn_2026, registration_officer, register, dppp_verifier, settings
):
    application = register(bpn_2026, registration_officer)
    application_decide(application=application, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)
    settings.NOTIFICATION_SENDERS = {"sms": f"{__name__}.FailingSender"}
    assert notifications_deliver()["failed"] == 1
    message = Notification.objects.get()
    assert message.status == Notification.Status.FAILED and "gateway down" in message.error and message.attempts == 1

    settings.NOTIFICATION_SENDERS = {"sms": f"{__name__}.RecordingSender"}
    assert notifications_deliver()["sent"] == 1
    message.refresh_from_db()
    assert message.status == Notification.Status.SENT and message.attempts == 2
    assert RecordingSender.sent[-1] == application.person.phone


def test_messages_are_written_in_bahasa_indonesia_whatever_the_officer_language(
    bpn_2026, registration_officer, register, dppp_verifier
):
    from django.utils import translation

    application = register(bpn_2026, registration_officer)
    with translation.override("en"):
        application_decide(
            application=application, decision=DecisionInput(Outcome.RETURN, fixes=(Fix.KTP,)), actor=dppp_verifier
        )
    message = Notification.objects.get()
    assert message.subject == "Pendaftaran Anda perlu diperbaiki"
    application.refresh_from_db()
    assert application.status_reason.startswith("Unggah ulang foto KTP")


# -- many at once ------------------------------------------------------------------------------------------


def test_bulk_approval_skips_what_is_no_longer_waiting_and_refuses_nothing_twice(
    bpn_2026, registration_officer, register, dppp_verifier
):
    first = register(bpn_2026, registration_officer)
    second = register(bpn_2026, registration_officer, name="Kedua")
    ojek = register(bpn_2026, registration_officer, sector="ojek_pangkalan", name="Ojek")  # Dishub's, not DPPP's
    application_decide(application=first, decision=DecisionInput(Outcome.APPROVE), actor=dppp_verifier)

    result = applications_approve(ids=[first.pk, second.pk, ojek.pk, 999_999], actor=dppp_verifier)

    assert result.approved == [second.number]
    skipped = dict(result.skipped)
    assert set(skipped) == {first.number, str(ojek.pk), "999999"}
    assert skipped[str(ojek.pk)] == skipped["999999"]  # another agency's work looks like nothing at all
    ojek.refresh_from_db()
    assert ojek.status == S.AWAITING_VERIFICATION
    assert Decision.objects.count() == 2


def test_bulk_approval_input_limits(bpn_2026, dppp_verifier):
    with pytest.raises(DomainError):
        applications_approve(ids=[], actor=dppp_verifier)
    with pytest.raises(DomainError):
        applications_approve(ids=list(range(1, 1002)), actor=dppp_verifier)


def _awaiting_at(programme, agency, count: int, *, start: int = 0) -> list[int]:
    assert agency.code == "dppp"
    return [a.pk for a in queued_applications(programme, count, start=start)]


@pytest.mark.postgres
def test_mass_approval_of_500_writes_500_records_quickly_on_postgresql(bpn_2026, dppp_verifier, dppp):
    ids = _awaiting_at(bpn_2026, dppp, 500)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = applications_approve(ids=ids, actor=dppp_verifier)
        elapsed = time.perf_counter() - started
    assert len(result.approved) == 500 and not result.skipped
    assert AuditRecord.objects.filter(action="application.approve").count() == 500
    assert Decision.objects.filter(outcome=Outcome.APPROVE).count() == 500
    assert Notification.objects.count() == 500
    assert Application.objects.filter(pk__in=ids, status=S.APPROVED).count() == 500
    # Set-based: a handful of statements, not one per application.
    assert len(queries) < 30, [q["sql"][:80] for q in queries.captured_queries]
    # "Well under a few seconds": a generous bound that still catches a query per row (about 10 s here).
    assert elapsed < 3.0, elapsed


def test_mass_approval_costs_the_same_queries_for_5_or_50(bpn_2026, dppp_verifier, dppp):
    def cost(count: int, start: int) -> int:
        ids = _awaiting_at(bpn_2026, dppp, count, start=start)
        with CaptureQueriesContext(connection) as queries:
            applications_approve(ids=ids, actor=dppp_verifier)
        return len(queries)

    assert cost(5, 0) == cost(50, 1000)


def test_a_verification_token_decides_for_its_agency_only(
    bpn_2026, registration_officer, register, balikpapan, dppp, dishub
):
    application = register(bpn_2026, registration_officer)
    dishub_token, _ = api_token_create(
        name="Sistem Dishub", funder=balikpapan, scopes=[ApiScope.VERIFICATION], actor=Actor.system("test")
    )
    dishub_token.agency = dishub
    dishub_token.save()
    with pytest.raises(PermissionDenied):
        application_decide(
            application=application, decision=DecisionInput(Outcome.APPROVE), actor=Actor.partner(dishub_token)
        )
    dppp_token, _ = api_token_create(
        name="Sistem DPPP", funder=balikpapan, scopes=[ApiScope.VERIFICATION], actor=Actor.system("test")
    )
    dppp_token.agency = dppp
    dppp_token.save()
    decision = application_decide(
        application=application, decision=DecisionInput(Outcome.APPROVE), actor=Actor.partner(dppp_token)
    )
    assert decision.api_token == dppp_token and decision.actor_label == "api:Sistem DPPP"
    assert AuditRecord.objects.get(action="application.approve").actor_label == "api:Sistem DPPP"
