"""Merges under concurrency (PostgreSQL, real transactions in two threads): a double click merges once, and a
merge racing an approval never leaves one person with two places for the same months."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.allocation.models import Place
from jaring.core.errors import DomainError
from jaring.core.models import Agency, AgencyKind, Funder, Role, User
from jaring.duplicates.models import MatchPair, PersonMerge
from jaring.duplicates.services import persons_merge
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel, Person
from jaring.registry.services import application_create, application_transition
from jaring.registry.states import ApplicationStatus, Transition
from jaring.verification.models import Outcome
from jaring.verification.services import DecisionInput, application_decide
from tests.duplicates.conftest import SITI, registered, with_changes
from tests.duplicates.test_review import SITI_AGAIN, pair_of
from tests.helpers.races import at_once
from tests.helpers.reference import TESTS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_same_pair_merged_twice_at_once_is_merged_once(bpn_2026: Programme, registration_officer: User) -> None:
    siti, again = registered(SITI), registered(SITI_AGAIN)
    application_create(person=again, programme=bpn_2026, channel=Channel.COUNTER, actor=TESTS)
    pair = pair_of(siti, again, SITI, SITI_AGAIN)

    failures = at_once(
        lambda: persons_merge(pair=pair, survivor=siti, actor=registration_officer),
        lambda: persons_merge(pair=pair, survivor=siti, actor=registration_officer),
    )

    assert len(failures) == 1 and isinstance(failures[0], DomainError)
    assert PersonMerge.objects.count() == 1
    assert Application.objects.get().person == siti
    assert MatchPair.objects.get().status == MatchPair.Status.SAME


@pytest.mark.today("2026-11-03")  # an approval takes a place of BPN-2026's cover year
@pytest.mark.parametrize("repeat", range(3))
def test_a_merge_racing_an_approval_never_gives_one_person_two_places(
    repeat: int,
    bpn_2026: Programme,
    smd_2026: Programme,
    samarinda: Funder,
    registration_officer: User,
    make_officer: Callable[..., User],
) -> None:
    """Siti holds Balikpapan's place; her mistyped record waits for Samarinda's approval. Whichever comes first,
    the other is refused: never both a merge and a second place."""
    verifier = make_officer(
        "smd_dppp", Role.VERIFIER, samarinda, agency=Agency.objects.get(funder=samarinda, code=AgencyKind.DPPP)
    )
    siti, again = registered(SITI), registered(with_changes(SITI_AGAIN, nama="Siti Rachmawati"))
    held = application_create(person=siti, programme=bpn_2026, channel=Channel.COUNTER, actor=TESTS)
    Place.objects.create(
        programme=bpn_2026, application=held, person=siti, starts=date(2026, 1, 1), ends=date(2026, 12, 31)
    )
    waiting = application_create(person=again, programme=smd_2026, channel=Channel.COUNTER, actor=TESTS)
    for transition in (Transition.SUBMIT, Transition.SEND_TO_VERIFICATION):
        waiting = application_transition(
            application=waiting, transition=transition, actor=TESTS, verifying_agency=verifier.agency
        )
    pair = pair_of(siti, again, SITI, SITI_AGAIN)

    failures = at_once(
        lambda: persons_merge(pair=pair, survivor=siti, actor=registration_officer),
        lambda: application_decide(
            application=waiting, decision=DecisionInput(outcome=Outcome.APPROVE), actor=verifier
        ),
    )

    assert len(failures) == 1, failures
    assert isinstance(failures[0], DomainError), failures  # a refusal in words, never a deadlock or a 500
    merged = PersonMerge.objects.exists()
    approved = Application.objects.get(pk=waiting.pk).status == ApplicationStatus.APPROVED
    assert merged != approved
    for person in Person.objects.all():
        assert Place.objects.filter(person=person, status=Place.Status.ACTIVE).count() <= 1
    for place in Place.objects.select_related("application"):
        assert place.person_id == place.application.person_id
