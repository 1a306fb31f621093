"""Two reports at the same moment (the family's form and the kelurahan's system, a double click): PostgreSQL, real
transactions in two threads. The same case is one case; different cases get different numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.claims.models import Claim
from jaring.claims.services import DuplicateClaim, claim_report
from jaring.core.actors import Actor
from jaring.enrolment.models import Membership
from tests.helpers.races import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.today("2026-11-03")]


def report(membership: Membership, reporter: str) -> Callable[[], Claim]:
    """A partner's report; the race, not the partner's rights, is the subject, so it acts as the named system."""
    return lambda: claim_report(
        membership=membership,
        kind="jkm",
        event_date=date(2026, 10, 2),
        reported_by=reporter,
        actor=Actor.system(reporter),
        channel="api",
    )


def test_the_same_death_reported_twice_at_once_is_one_case_and_a_409(member: Callable[..., Membership]) -> None:
    membership = member()
    failures = at_once(report(membership, "api:Kelurahan"), report(membership, "api:BPJS"))
    assert len(failures) == 1 and isinstance(failures[0], DuplicateClaim), failures
    claim = Claim.objects.get()
    assert failures[0].number == claim.number == "KLM-BPN-2026-000001"


def test_two_deaths_reported_at_once_get_two_numbers(member: Callable[..., Membership]) -> None:
    first, second = member("Ahmad"), member("Budi")
    assert at_once(report(first, "api:Kelurahan"), report(second, "api:Kelurahan")) == []
    assert sorted(Claim.objects.values_list("number", flat=True)) == ["KLM-BPN-2026-000001", "KLM-BPN-2026-000002"]
