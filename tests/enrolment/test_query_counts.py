"""The set-based enrolment services: their cost in statements does not grow with the rows (answers) or grows
by a small bounded constant per member (re-verification, which creates and judges one application each)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jaring.core import bulk
from jaring.core.models import MinimumWage, Region
from jaring.enrolment.cards.selectors import selection_labels
from jaring.enrolment.models import Membership
from jaring.enrolment.services import (
    Answer,
    batch_answers_apply,
    batch_create,
    cards_issue,
    membership_deactivate,
    membership_reactivate,
    reverification_run,
    reverification_start,
)
from jaring.registry.models import Application
from tests.helpers.reference import LAMARU, MANGGAR, programme_for

# BPN-2026 is running and takes places: these cases mean a day of its year (places start the month approved).
pytestmark = pytest.mark.today("2026-11-03")

# Statements per renewal application, measured on SQLite: 41 — create (duplicate check, number, insert, audit:
# ~9), the attestation (1), registry.application_submit's transition (lock, save, audit, refresh: ~8) and its
# assessment (rules, lock, the facts of one application, routing, holidays, save, audits, refresh: ~23). The
# bound catches a per-member regression; a chunked set-based run (like applications_reassess) would cut it.


def _answers(applications, *, start=0):
    """Alternately accepted and rejected."""
    return [
        Answer(start + i, app.person.nik, i % 2 == 0, kpj=f"{12345678900 + start + i}", reason="NIK ganda" * (i % 2))
        for i, app in enumerate(applications)
    ]


def test_answers_cost_the_same_for_two_rows_and_ten(approved, bpn_2026, programme_manager):
    applications = approved(12)
    batch_create(programme=bpn_2026, actor=programme_manager)
    first, rest = _answers(applications[:2]), _answers(applications[2:], start=2)
    with CaptureQueriesContext(connection) as few:
        result = batch_answers_apply(programme=bpn_2026, answers=first, actor=programme_manager)
    assert (result.accepted, result.rejected) == (1, 1)
    with CaptureQueriesContext(connection) as many:
        result = batch_answers_apply(programme=bpn_2026, answers=rest, actor=programme_manager)
    assert (result.accepted, result.rejected) == (5, 5)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert Membership.objects.filter(programme=bpn_2026).count() == 6
    assert Application.objects.filter(programme=bpn_2026, status="enrolled").count() == 6


def test_one_answer_costs_what_ten_cost(approved, bpn_2026, programme_manager):
    applications = approved(11)
    batch_create(programme=bpn_2026, actor=programme_manager)
    accept = [Answer(i, app.person.nik, True, kpj=f"{12345678900 + i}") for i, app in enumerate(applications)]
    with CaptureQueriesContext(connection) as one:
        batch_answers_apply(programme=bpn_2026, answers=accept[:1], actor=programme_manager)
    with CaptureQueriesContext(connection) as ten:
        batch_answers_apply(programme=bpn_2026, answers=accept[1:], actor=programme_manager)
    assert len(one) == len(ten)


def test_reverification_costs_the_same_for_more_members(approved, bpn_2026, programme_manager, balikpapan):
    applications = approved(8)
    batch_create(programme=bpn_2026, actor=programme_manager)
    batch_answers_apply(
        programme=bpn_2026,
        answers=[Answer(i, a.person.nik, True, kpj=f"{12345678900 + i}") for i, a in enumerate(applications)],
        actor=programme_manager,
    )
    members = list(Membership.objects.filter(programme=bpn_2026).order_by("pk"))
    day = date(2026, 12, 1)
    for membership in members[2:]:
        membership_deactivate(membership=membership, effective=day, note="", actor=programme_manager)
    targets = []
    for year in (2027, 2028):
        MinimumWage.objects.create(region=balikpapan.region, year=year, amount=4_000_000)
        target = programme_for(
            balikpapan, code=f"BPN-{year}", name=f"Balikpapan {year}", owner="dinsos", quota=7100, year=year
        )
        targets.append(reverification_start(source=bpn_2026, target=target, actor=programme_manager))
    # The primary-key sequence's name is looked up once per process (core.bulk); whether an earlier test did it
    # must not count here.
    if connection.vendor == "postgresql":
        bulk._next_ids(Application, 0)
    with CaptureQueriesContext(connection) as two:
        assert reverification_run(campaign=targets[0], actor=programme_manager)["created"] == 2
    for membership in members[2:]:
        membership_reactivate(membership=membership, effective=day, note="", actor=programme_manager)
    for membership in members[:2]:
        membership_deactivate(membership=membership, effective=day, note="", actor=programme_manager)
    with CaptureQueriesContext(connection) as six:
        assert reverification_run(campaign=targets[1], actor=programme_manager)["created"] == 6
    assert len(six) == len(two), (len(two), len(six))  # set-based: six members cost what two cost


@pytest.mark.today("2026-11-24")
def test_print_labels_cost_one_query_for_any_number_of_prints(django_assert_num_queries, reference) -> None:
    selections = [{"kelurahan": MANGGAR}, {"kelurahan": LAMARU}, {"batch": "BPN-2026-K001"}, {"ids": [1, 2]}]
    with django_assert_num_queries(1):
        labels = selection_labels(selections * 5)
    manggar = Region.objects.get(code=MANGGAR).name
    assert labels[:4] == [f"Kelurahan {manggar}", labels[1], "Batch BPN-2026-K001", "2 peserta pilihan"]


@pytest.mark.today("2026-11-24")
def test_the_member_page_reads_each_thing_once(members, programme_manager, client_for) -> None:
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
