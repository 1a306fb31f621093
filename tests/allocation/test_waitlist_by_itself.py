"""Free places admit the waitlist by themselves (issue 21: six people waited while 7,087 places were free until
someone pressed "Terima dari daftar tunggu"): when a place ends, when a quota grows, when a person's place
elsewhere ends, and in a periodic sweep of every programme, each admission through the allocation services and
audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jaring.allocation.models import EndReason, Place
from jaring.allocation.services import place_end, programme_quota_set, waitlist_of, waitlists_admit
from jaring.allocation.tasks import SWEEP_PATH, waitlists_sweep
from jaring.core.actors import Actor
from jaring.core.models import AgencyKind, AuditRecord, Funder, User
from jaring.core.services import periodic_tasks_ensure
from jaring.programmes.models import Programme
from jaring.registry.states import ApplicationStatus
from jaring.verification.services import applications_approve
from tests.allocation.test_allocation import _twin
from tests.helpers.reference import programme_for, queued_applications

pytestmark = pytest.mark.today("2026-11-03")

S = ApplicationStatus
WAITLIST_JOB = Actor.system("system:waitlist")


@pytest.fixture
def kaltim_2026(reference: None) -> Programme:
    funder = Funder.objects.get(code="kaltim")
    return programme_for(funder, code="KALTIM-2026", name="Program Provinsi", owner=AgencyKind.DISNAKER, quota=12000)


def waiting_with_free_places(programme: Programme, verifier: User, manager: User, *, waiting: int) -> None:
    """`waiting` people on the waitlist of a full programme, then places freed behind the services' back (a
    quota changed in the database, as an import of last year's figures might): what the walk-through met."""
    programme_quota_set(programme=programme, quota=2, actor=manager)
    applications = queued_applications(programme, 2 + waiting)
    applications_approve(ids=[a.pk for a in applications], actor=verifier)
    assert waitlist_of(programme).count() == waiting
    Programme.objects.filter(pk=programme.pk).update(quota=7100)


def test_the_sweep_admits_every_waiting_person_into_free_places_and_audits_each_as_the_system(
    bpn_2026: Programme, dppp_verifier: User, programme_manager: User
) -> None:
    waiting_with_free_places(bpn_2026, dppp_verifier, programme_manager, waiting=6)

    assert waitlists_admit(actor=WAITLIST_JOB) == {"BPN-2026": 6}

    assert not waitlist_of(bpn_2026).exists()
    assert Place.objects.filter(programme=bpn_2026, status=Place.Status.ACTIVE).count() == 8
    records = AuditRecord.objects.filter(action="application.admit_from_waitlist")
    assert records.count() == 6 and set(records.values_list("actor_label", flat=True)) == {"system:waitlist"}
    assert AuditRecord.objects.filter(action="programme.waitlist_admit", actor_label="system:waitlist").exists()
    # Run again: nobody is admitted twice.
    assert waitlists_admit(actor=WAITLIST_JOB) == {}


def test_a_full_programme_keeps_its_waitlist_and_a_finished_one_is_left_alone(
    bpn_2026: Programme, dppp_verifier: User, programme_manager: User
) -> None:
    programme_quota_set(programme=bpn_2026, quota=1, actor=programme_manager)
    applications_approve(ids=[a.pk for a in queued_applications(bpn_2026, 3)], actor=dppp_verifier)
    assert waitlists_admit(actor=WAITLIST_JOB) == {} and waitlist_of(bpn_2026).count() == 2
    Programme.objects.filter(pk=bpn_2026.pk).update(quota=10)
    assert waitlists_admit(actor=WAITLIST_JOB, on=date(2027, 1, 5)) == {}  # its cover ended: no place can start
    assert waitlist_of(bpn_2026).count() == 2


def test_a_person_whose_place_elsewhere_ends_is_admitted_where_they_wait(  # type: ignore[no-untyped-def]
    bpn_2026: Programme, kaltim_2026: Programme, dppp_verifier: User, programme_manager: User
) -> None:
    # Waiting in the province's programme while the city funds the same months: held back as a conflict.
    city = queued_applications(bpn_2026, 1)[0]
    applications_approve(ids=[city.pk], actor=dppp_verifier)
    province = _twin(city, kaltim_2026)
    province.status = S.WAITLISTED
    province.save(update_fields=["status"])
    assert waitlists_admit(actor=WAITLIST_JOB) == {}  # the city's place covers those months

    place_end(
        place=Place.objects.get(application=city),
        reason=EndReason.MOVED_OUT,
        on=date(2026, 11, 3),
        actor=programme_manager,
    )

    province.refresh_from_db()
    assert province.status == S.APPROVED
    assert Place.objects.filter(application=province, status=Place.Status.ACTIVE).exists()


def test_the_worker_keeps_one_sweep_queued_and_each_sweep_queues_the_next(
    bpn_2026: Programme, dppp_verifier: User, programme_manager: User, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.WAITLIST_SWEEP_MINUTES = 30
    assert periodic_tasks_ensure() == [SWEEP_PATH]
    assert periodic_tasks_ensure() == []  # a second worker starting queues no second chain
    queued = DBTaskResult.objects.get(task_path=SWEEP_PATH)
    assert queued.status == TaskResultStatus.READY

    waiting_with_free_places(bpn_2026, dppp_verifier, programme_manager, waiting=3)
    queued.delete()  # as the worker claims it
    assert waitlists_sweep.call() == {"BPN-2026": 3}

    following = DBTaskResult.objects.get(task_path=SWEEP_PATH, status=TaskResultStatus.READY)
    assert 29 * 60 <= (following.run_after - following.enqueued_at).total_seconds() <= 31 * 60


def test_the_admit_waitlists_command_reports_what_it_admitted(
    bpn_2026: Programme, dppp_verifier: User, programme_manager: User, capsys
) -> None:  # type: ignore[no-untyped-def]
    waiting_with_free_places(bpn_2026, dppp_verifier, programme_manager, waiting=2)
    call_command("admit_waitlists")
    assert "BPN-2026: 2 admitted from the waitlist." in capsys.readouterr().out
    assert AuditRecord.objects.filter(action="application.admit_from_waitlist", actor_label="cli").count() == 2


def test_the_waitlist_page_says_free_places_are_filled_by_themselves(
    bpn_2026: Programme, programme_manager: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(programme_manager).get("/program/BPN-2026/daftar-tunggu/").content.decode()
    assert 'id="admitted-by-itself"' in html
