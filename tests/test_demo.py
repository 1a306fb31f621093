"""The demo data goes through the same services as every channel, so what a visitor sees is real."""

from __future__ import annotations

import pytest

from jaring.demo.data import demo_seed
from jaring.registry.models import Application, Document
from jaring.registry.states import ApplicationStatus


@pytest.mark.django_db
def test_the_demo_has_applicants_in_every_state_with_real_outcomes() -> None:
    demo_seed(per_programme=10)
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(ApplicationStatus.values) - {ApplicationStatus.SUBMITTED}

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
    reasons = list(
        Application.objects.filter(programme__code="BPN-2026", status=ApplicationStatus.NOT_ELIGIBLE).values_list(
            "status_reason", flat=True
        )
    )
    assert any("KPJ 12345678901" in reason for reason in reasons)
    assert any("KALTIM-2026" in reason for reason in reasons)


@pytest.mark.django_db
def test_the_demo_queues_have_decisions_deadlines_and_overdue_work() -> None:
    from django.utils import timezone

    from jaring.core.models import Notification
    from jaring.verification.models import Decision

    demo_seed(per_programme=20)
    waiting = Application.objects.filter(status=ApplicationStatus.AWAITING_VERIFICATION)
    assert all(a.verification_due and a.queued_at for a in waiting)
    assert waiting.filter(verification_due__lt=timezone.localdate()).exists()
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
