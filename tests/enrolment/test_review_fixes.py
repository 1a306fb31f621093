"""Review fixes: card services check who acts, every enrolment page counts a member in the kelurahan of their
application, the public card URL, the API's KPJ check."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.core.actors import Actor
from jaring.core.errors import PermissionDenied
from jaring.core.models import Region, Role
from jaring.enrolment.card_tasks import (
    active_member_kelurahans,
    card_kelurahans,
    cards_to_hand_over,
    handover_report,
    selection_labels,
    selection_memberships,
)
from jaring.enrolment.cards import card_check_url
from jaring.enrolment.selectors import kelurahan_choices
from jaring.enrolment.services import Handover, card_from_token, cards_hand_over, cards_issue
from jaring.registry.models import Person
from tests.conftest import LAMARU, MANGGAR
from tests.enrolment.test_cards import members  # noqa: F401  (fixture)

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-24")


def test_cards_are_issued_and_handed_over_only_by_officers_of_the_programmes_funder(  # type: ignore[no-untyped-def]
    members,  # noqa: F811
    make_officer,
    samarinda,
    programme_manager,
    dppp_verifier,
):
    (membership,) = members(("Ahmad Fauzi", MANGGAR))
    other_manager = make_officer("smd_manager", Role.PROGRAMME_MANAGER, samarinda)
    for actor in (other_manager, dppp_verifier):
        with pytest.raises(PermissionDenied):
            cards_issue(memberships=[membership], actor=actor)
    (card,) = cards_issue(memberships=[membership], actor=programme_manager)
    handover = Handover(date(2026, 11, 20), "Kantor Kelurahan Manggar", "Lurah")
    for actor in (other_manager, dppp_verifier):
        with pytest.raises(PermissionDenied):
            cards_hand_over(cards=[card], handover=handover, actor=actor)
    card.refresh_from_db()
    assert card.handed_on is None
    assert cards_hand_over(cards=[card], handover=handover, actor=programme_manager) == 1


def test_a_member_who_moved_stays_in_the_kelurahan_of_their_application(  # type: ignore[no-untyped-def]
    members,  # noqa: F811
    bpn_2026,
    programme_manager,
):
    ahmad, citra = members(("Ahmad Fauzi", MANGGAR), ("Citra Lestari", LAMARU))
    Person.objects.filter(pk=ahmad.person_id).update(kelurahan_id=LAMARU)  # moved after joining
    assert [k.code for k in active_member_kelurahans(bpn_2026)] == [LAMARU, MANGGAR]
    assert {k.code: k.count for k in active_member_kelurahans(bpn_2026)} == {MANGGAR: 1, LAMARU: 1}
    assert dict(kelurahan_choices(bpn_2026, programme_manager)).keys() == {MANGGAR, LAMARU}
    assert list(selection_memberships(bpn_2026, {"kelurahan": MANGGAR})) == [ahmad]
    cards_issue(memberships=[ahmad, citra], actor=programme_manager)
    assert {k.code: k.count for k in card_kelurahans(bpn_2026)} == {MANGGAR: 1, LAMARU: 1}
    cards, _unknown = cards_to_hand_over(bpn_2026, kelurahan=MANGGAR)
    assert [c.membership_id for c in cards] == [ahmad.pk]
    report = {row.code: (row.members, row.printed) for row in handover_report(bpn_2026)}
    assert report == {MANGGAR: (1, 1), LAMARU: (1, 1)}


def test_print_labels_cost_one_query_for_any_number_of_prints(django_assert_num_queries, reference) -> None:  # type: ignore[no-untyped-def]
    selections = [{"kelurahan": MANGGAR}, {"kelurahan": LAMARU}, {"batch": "BPN-2026-K001"}, {"ids": [1, 2]}]
    with django_assert_num_queries(1):
        labels = selection_labels(selections * 5)
    manggar = Region.objects.get(code=MANGGAR).name
    assert labels[:4] == [f"Kelurahan {manggar}", labels[1], "Batch BPN-2026-K001", "2 peserta pilihan"]


def test_the_card_url_is_the_public_check_page(members) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    (membership,) = members(("Ahmad Fauzi", MANGGAR))
    (card,) = cards_issue(memberships=[membership], actor=Actor.system("sistem"))
    url = card_check_url(card, base_url="https://jaring.example/")
    assert url.startswith("https://jaring.example/kartu/") and url.endswith("/")
    assert card_from_token(url.removeprefix("https://jaring.example/kartu/").rstrip("/")) == card


def test_the_member_page_reads_each_thing_once(members, programme_manager, client_for) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """More cards cost no more queries: the page and its history share what membership_for loaded."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    (membership,) = members(("Ahmad Fauzi", MANGGAR))
    client = client_for(programme_manager)
    url = f"/kepesertaan/peserta/{membership.pk}/"
    cards_issue(memberships=[membership], actor=programme_manager)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    cards_issue(memberships=[membership, membership, membership], actor=programme_manager)
    with CaptureQueriesContext(connection) as four:
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count("Kartu peserta dicetak") == 4
    assert len(four) == len(one)
    renewals = [q["sql"] for q in four.captured_queries if "registry_application" in q["sql"]]
    assert len(renewals) <= 2, renewals  # the membership's own application (joined) and the renewals, once each


def test_a_second_click_makes_no_second_batch(approved, bpn_2026, programme_manager) -> None:  # type: ignore[no-untyped-def]
    from jaring.enrolment.models import Batch
    from jaring.enrolment.services import BatchMadeMeanwhile, batch_create

    approved(2)
    first = batch_create(programme=bpn_2026, actor=programme_manager, expected_batches=0)
    approved(1)  # someone new is ready, but the second click saw no batch
    with pytest.raises(BatchMadeMeanwhile) as raised:
        batch_create(programme=bpn_2026, actor=programme_manager, expected_batches=0)
    assert raised.value.batch == first and Batch.objects.filter(programme=bpn_2026).count() == 1
    assert batch_create(programme=bpn_2026, actor=programme_manager, expected_batches=1).members.count() == 1
