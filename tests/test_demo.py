"""The demo data goes through the same services as every channel, so what a visitor sees is real; and it
shows the programme cycle of the day it runs (last year signed and closed, this year running, from October
next year open for registration)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from jaring.allocation.models import Decree, DecreeEntry
from jaring.core import clock
from jaring.demo.data import demo_seed
from jaring.enrolment.models import Card, Membership
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel, Document
from jaring.registry.states import ApplicationStatus

# The tests of what the demo holds run on whatever day the suite runs (CI runs it on another day too); the
# cycle tests below run on the days they name.


@pytest.mark.django_db
def test_the_demo_has_applicants_in_every_state_with_real_outcomes() -> None:
    demo_seed(per_programme=10)
    statuses = set(Application.objects.values_list("status", flat=True))
    # No waitlist: the demo's programmes have thousands of free places, which admit a waitlist by themselves.
    assert statuses == set(ApplicationStatus.values) - {ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED}

    refused = Application.objects.filter(
        status=ApplicationStatus.NOT_ELIGIBLE, status_reason__contains="syarat minimal 6 bulan"
    ).first()
    assert refused is not None and refused.eligible is False

    returned = Application.objects.filter(status=ApplicationStatus.RETURNED).first()
    assert returned is not None and returned.eligible is True and returned.complete is False
    assert "Foto KTP" in returned.status_reason

    waiting = Application.objects.filter(status=ApplicationStatus.AWAITING_VERIFICATION)
    assert waiting.exists() and all(a.verifying_agency_id for a in waiting)
    assert Document.objects.filter(application__in=waiting).exists()


@pytest.mark.django_db
def test_seeding_the_demo_twice_adds_nothing() -> None:
    demo_seed(per_programme=4)
    count = Application.objects.count()
    demo_seed(per_programme=4)
    assert Application.objects.count() == count


@pytest.mark.django_db
def test_the_demo_shows_people_refused_for_cover_they_already_have() -> None:
    demo_seed(per_programme=2)
    year = clock.today().year
    reasons = list(
        Application.objects.filter(programme__code=f"BPN-{year}", status=ApplicationStatus.NOT_ELIGIBLE).values_list(
            "status_reason", flat=True
        )
    )
    assert any("KPJ 12345678901" in reason for reason in reasons)
    assert any(f"KALTIM-{year}" in reason for reason in reasons)


@pytest.mark.django_db
def test_the_demo_queues_have_decisions_deadlines_and_overdue_work() -> None:
    from jaring.core.models import Notification
    from jaring.verification.models import Decision

    demo_seed(per_programme=20)
    waiting = Application.objects.filter(status=ApplicationStatus.AWAITING_VERIFICATION)
    assert all(a.verification_due and a.queued_at for a in waiting)
    assert waiting.filter(verification_due__lt=clock.today()).exists()
    assert Decision.objects.filter(outcome="approve").exists() and Decision.objects.filter(outcome="reject").exists()
    assert Decision.objects.filter(decided_by__role="verifier").count() == Decision.objects.count()
    assert Notification.objects.count() >= Decision.objects.count()


@pytest.mark.django_db
def test_every_approved_or_enrolled_demo_applicant_holds_a_place() -> None:
    from jaring.allocation.models import Place

    demo_seed(per_programme=10)
    funded = Application.objects.filter(status__in=(ApplicationStatus.APPROVED, ApplicationStatus.ENROLLED))
    assert funded.exists()
    placed = set(Place.objects.filter(status=Place.Status.ACTIVE).values_list("application_id", flat=True))
    assert set(funded.values_list("pk", flat=True)) <= placed


# -- the cycle of the day ----------------------------------------------------------------------------------


def the_demo_lives_in_the_cycle_of(day: str, client: Client) -> None:
    demo_seed(per_programme=4)
    today = date.fromisoformat(day)
    y = today.year

    # This year: the four programmes run from January to December, with active members and their cards.
    for code in ("BPN", "SMD", "KUTIM", "KALTIM"):
        programme = Programme.objects.get(code=f"{code}-{y}")
        assert (programme.cover_start, programme.cover_end) == (date(y, 1, 1), date(y, 12, 31))
        active = Membership.objects.filter(programme=programme, status=Membership.Status.ACTIVE)
        assert active.exists(), code
        assert Card.objects.filter(membership__in=active).count() >= active.count()

    # Last year: signed and closed, with the members it had; Balikpapan's 2025 ran from April.
    past = Programme.objects.get(code=f"BPN-{y - 1}")
    assert past.status == Programme.Status.CLOSED
    assert past.cover_start == (date(2025, 4, 1) if y - 1 == 2025 else date(y - 1, 1, 1))
    signed = Decree.objects.get(programme=past, status=Decree.Status.SIGNED)
    assert signed.totals["participants"] > 0 and signed.decree_date < past.cover_start
    assert Membership.objects.filter(programme=past, kpj__startswith=f"{(y - 1) % 100:02d}").exists()

    # This year's SK draft compared with last year's: new, continuing, and dropped with the reason.
    draft = Decree.objects.get(programme__code=f"BPN-{y}", status=Decree.Status.DRAFT)
    assert draft.previous == signed
    assert draft.totals["continuing"] > 0 and draft.totals["new"] > 0
    dropped = list(draft.entries.filter(category=DecreeEntry.Category.DROPPED).values_list("reason", flat=True))
    assert any(reason.startswith("Meninggal dunia") for reason in dropped), dropped
    assert "Tidak mendaftar ulang" in dropped
    assert any(reason.startswith("Ditolak: Pekerja penerima upah") for reason in dropped), dropped
    renewed = Application.objects.filter(programme__code=f"BPN-{y}", channel=Channel.RENEWAL)
    assert renewed.exists() and all(a.created_at.year == y - 1 for a in renewed)

    # Next year: open for registration from 1 October, with people registered this autumn.
    upcoming = Programme.objects.filter(code=f"BPN-{y + 1}").first()
    welcome = client.get(reverse("home")).content.decode()
    if today >= date(y, 10, 1):
        assert upcoming is not None and upcoming.status == Programme.Status.OPEN
        assert upcoming.cover_start == date(y + 1, 1, 1)
        applicants = Application.objects.filter(programme=upcoming)
        assert applicants.filter(status=ApplicationStatus.AWAITING_VERIFICATION).exists()
        assert applicants.filter(status=ApplicationStatus.APPROVED).exists()
        assert all(date(y, 10, 1) <= a.created_at.date() <= today for a in applicants)
        # Someone registering with Balikpapan now is promised next year's cover, never this year's.
        assert f"BPN-{y + 1}" in welcome and f"1 Januari {y + 1} sampai 31 Desember {y + 1}" in welcome
        assert f"BPN-{y}" not in welcome
    else:
        assert upcoming is None
        month = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September")
        assert f"BPN-{y}" in welcome and f"1 {month[today.month - 1]} {y} sampai 31 Desember {y}" in welcome


CYCLE_DAYS = ["2026-12-06", "2027-03-15", "2027-10-05", "2028-03-01"]


@pytest.mark.today("2026-06-15")
@pytest.mark.django_db
def test_in_june_the_demo_runs_this_year_and_compares_it_with_last_years_signed_list(client: Client) -> None:
    the_demo_lives_in_the_cycle_of("2026-06-15", client)


@pytest.mark.parametrize("day", [pytest.param(day, marks=pytest.mark.today(day)) for day in CYCLE_DAYS])
@pytest.mark.django_db
def test_the_demo_lives_in_the_cycle_of_its_day(day: str, client: Client) -> None:
    the_demo_lives_in_the_cycle_of(day, client)


@pytest.mark.django_db
def test_every_demo_deadline_is_counted_in_working_days_from_the_day_the_work_reached_the_queue() -> None:
    from jaring.programmes.selectors import verification_due

    demo_seed(per_programme=20)
    queued = Application.objects.filter(queued_at__isnull=False).select_related("programme")
    assert queued.filter(verification_due__lt=clock.today()).exists()  # overdue work is there to see
    for application in queued:
        assert application.submitted_at is not None and application.submitted_at <= application.queued_at
        arrived = clock.localdate(application.queued_at)
        assert application.verification_due == verification_due(programme=application.programme, start=arrived)
        # Never "submitted 6 December, due 25 November".
        assert application.verification_due > clock.localdate(application.submitted_at)


@pytest.mark.django_db
def test_the_demo_shows_a_nik_the_counter_confirmed_despite_its_birth_date_and_sex() -> None:
    from jaring.registry.selectors import identity_confirmation_of

    demo_seed(per_programme=2)
    doubtful = Application.objects.get(person__nik="6471014107880009")
    assert doubtful.status == ApplicationStatus.AWAITING_VERIFICATION and len(doubtful.warnings) == 2
    assert doubtful.verifying_agency is not None and doubtful.verifying_agency.code == "dppp"
    assert "menyatakan sudah mencocokkannya dengan KTP asli" in identity_confirmation_of(doubtful)
