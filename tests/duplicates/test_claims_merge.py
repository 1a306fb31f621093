"""A merge and the claims of the two records: a claim moves with its member's record and comes back on undo; two
claims for one event on the two records refuse the merge; an undo that would leave a claim reported since on a
moved membership pointing at two different persons is refused; a claim reported while the records are merged
lands on the record that stays, and counts as the same event's claim there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection, transaction

from jaring.allocation.models import Place
from jaring.claims.models import Claim
from jaring.claims.services import DuplicateClaim, claim_report
from jaring.core.errors import Conflict
from jaring.core.models import AgencyKind, Funder, User
from jaring.duplicates.checks import registry_records
from jaring.duplicates.comparisons import levels_of
from jaring.duplicates.engine import Match, prepare
from jaring.duplicates.models import MatchPair, PersonMerge
from jaring.duplicates.services import pairs_record, person_merge_undo, persons_merge
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.registry.models import Application
from tests.claims.conftest import member  # noqa: F401  (the fixture)
from tests.helpers.reference import TESTS, programme_for

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-03")]

ACCIDENT_2025 = date(2025, 9, 8)
ACCIDENT_2026 = date(2026, 10, 2)


@pytest.fixture
def bpn_2025(balikpapan: Funder) -> Programme:
    return programme_for(balikpapan, code="BPN-2025", name="BPN 2025", owner=AgencyKind.DISNAKER, quota=7000, year=2025)


@pytest.fixture
def ahmad_twice(member: Callable[..., Membership], bpn_2025: Programme) -> tuple[Membership, Membership, MatchPair]:  # noqa: F811
    """Ahmad, a member of BPN-2026 on his own record, and of BPN-2025 on a record with his name spelt another way
    and another NIK; the pair a scan would store for the two."""
    this_year = member("Ahmad Nelayan")
    last_year = member("Achmad Nelayan", programme=bpn_2025)
    a, b = sorted((this_year.person_id, last_year.person_id))
    first, second = prepare([record for record in registry_records() if record.key in (a, b)])
    pairs_record(matches=[Match(a, b, False, 0.97, levels_of(first, second), 0)])
    return this_year, last_year, MatchPair.objects.get(person_a_id=a, person_b_id=b)


def accident(membership: Membership, on: date) -> Claim:
    return claim_report(
        membership=membership,
        kind="jkk_injury",
        event_date=on,
        reported_by="Ahmad sendiri",
        actor=TESTS,
        channel="officer",
    )


def persons_of(claim: Claim) -> tuple[int, int]:
    claim.refresh_from_db()
    return claim.person_id, claim.membership.person_id


def test_a_claim_moves_with_its_members_record_and_comes_back_on_undo(
    ahmad_twice: tuple[Membership, Membership, MatchPair], registration_officer: User
) -> None:
    this_year, last_year, pair = ahmad_twice
    ahmad, achmad = this_year.person, last_year.person
    old_claim = accident(last_year, ACCIDENT_2025)

    merge = persons_merge(pair=pair, survivor=ahmad, actor=registration_officer)

    # Everything of last year's record is Ahmad's now: the claim, and the membership it was made on.
    assert persons_of(old_claim) == (ahmad.pk, ahmad.pk)
    assert set(Membership.objects.filter(person=ahmad).values_list("programme__code", flat=True)) == {
        "BPN-2025",
        "BPN-2026",
    }
    assert merge.moved["claims.claim"] == {"field": "person", "ids": [old_claim.pk]}
    assert not Place.objects.filter(person=achmad).exists()

    person_merge_undo(merge=merge, actor=registration_officer)

    assert persons_of(old_claim) == (achmad.pk, achmad.pk)
    assert list(Application.objects.filter(person=achmad).values_list("programme__code", flat=True)) == ["BPN-2025"]


def test_two_claims_for_one_event_on_the_two_records_refuse_the_merge(
    ahmad_twice: tuple[Membership, Membership, MatchPair], registration_officer: User
) -> None:
    this_year, last_year, pair = ahmad_twice
    # The accident reported twice: at the office on this year's membership, at the kelurahan on the old record.
    on_this_year, on_last_year = accident(this_year, ACCIDENT_2026), accident(last_year, ACCIDENT_2026)

    with pytest.raises(Conflict) as refused:
        persons_merge(pair=pair, survivor=this_year.person, actor=registration_officer)

    assert "02-10-2026" in refused.value.message
    assert on_this_year.number in refused.value.message and on_last_year.number in refused.value.message
    assert "Batalkan salah satu klaim" in refused.value.message
    assert persons_of(on_last_year) == (last_year.person_id, last_year.person_id)
    assert not PersonMerge.objects.exists()
    pair.refresh_from_db()
    assert pair.status == MatchPair.Status.OPEN


def test_an_undo_is_refused_when_a_claim_was_reported_since_on_a_moved_membership(
    ahmad_twice: tuple[Membership, Membership, MatchPair], registration_officer: User
) -> None:
    this_year, last_year, pair = ahmad_twice
    merge = persons_merge(pair=pair, survivor=this_year.person, actor=registration_officer)
    # After the merge the 2025 accident is reported on the BPN-2025 membership, now Ahmad's.
    later = accident(Membership.objects.get(pk=last_year.pk), ACCIDENT_2025)
    assert later.person_id == this_year.person_id

    with pytest.raises(Conflict) as refused:
        person_merge_undo(merge=merge, actor=registration_officer)

    assert "klaim" in refused.value.message
    merge.refresh_from_db()
    assert merge.undone_at is None
    assert Membership.objects.get(pk=last_year.pk).person_id == this_year.person_id
    assert persons_of(later) == (this_year.person_id, this_year.person_id)
    assert not Application.objects.filter(person_id=last_year.person_id).exists()  # nothing went back


def test_a_claim_reported_on_the_record_merged_away_goes_to_the_record_that_stays(
    ahmad_twice: tuple[Membership, Membership, MatchPair], registration_officer: User
) -> None:
    this_year, last_year, pair = ahmad_twice
    # The family opened the form on the BPN-2025 membership; the officer merged the records before they sent it.
    as_the_family_saw_it = Membership.objects.select_related("person", "programme").get(pk=last_year.pk)
    persons_merge(pair=pair, survivor=this_year.person, actor=registration_officer)

    claim = accident(as_the_family_saw_it, ACCIDENT_2025)

    assert persons_of(claim) == (this_year.person_id, this_year.person_id)


def test_the_same_event_reported_on_the_record_merged_away_is_the_claim_already_there(
    ahmad_twice: tuple[Membership, Membership, MatchPair], registration_officer: User
) -> None:
    this_year, last_year, pair = ahmad_twice
    as_the_kelurahan_saw_it = Membership.objects.select_related("person", "programme").get(pk=last_year.pk)
    at_the_office = accident(this_year, ACCIDENT_2026)
    persons_merge(pair=pair, survivor=this_year.person, actor=registration_officer)

    with pytest.raises(DuplicateClaim) as duplicate:
        accident(as_the_kelurahan_saw_it, ACCIDENT_2026)

    assert at_the_office.number in duplicate.value.message
    assert Claim.objects.filter(event_date=ACCIDENT_2026).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_claim_reported_while_the_records_are_merged_waits_and_goes_to_the_record_that_stays(
    ahmad_twice: tuple[Membership, Membership, MatchPair], registration_officer: User
) -> None:
    this_year, last_year, pair = ahmad_twice
    as_the_family_saw_it = Membership.objects.select_related("person", "programme").get(pk=last_year.pk)
    reported: list[Claim] = []
    failures: list[BaseException] = []

    def family_reports() -> None:
        try:
            reported.append(accident(as_the_family_saw_it, ACCIDENT_2025))
        except BaseException as exc:  # reported to the test
            failures.append(exc)
        finally:
            connection.close()

    family = threading.Thread(target=family_reports)
    with transaction.atomic():  # the merge's locks are held until this commits
        persons_merge(pair=pair, survivor=this_year.person, actor=registration_officer)
        family.start()
        family.join(timeout=1.5)
        assert family.is_alive(), "the report should wait for the merge"
    family.join(timeout=30)

    assert not failures, failures
    assert persons_of(reported[0]) == (this_year.person_id, this_year.person_id)
