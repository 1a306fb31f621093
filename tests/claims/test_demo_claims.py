"""The demo's claims: a case in every state, one overdue, a child due for the yearly scholarship claim, and a paid
JKM benefit handed over at a ceremony, on whatever day the demo is seeded (the suite also runs on other days)."""

from __future__ import annotations

import pytest
from django.test import Client

from jaring.claims.models import Claim, ScholarshipChild
from jaring.claims.selectors import flags_of
from jaring.claims.states import ClaimStatus
from jaring.core import clock
from jaring.core.models import User
from jaring.demo.data import DEMO_PASSWORD, demo_seed


def the_demo_has_a_claim_in_every_state() -> None:
    demo_seed(per_programme=4)
    claims = list(Claim.objects.select_related("programme"))
    assert {c.status for c in claims} == set(ClaimStatus.values)
    assert any(flags_of(c).overdue for c in claims)
    assert all(c.event_date <= clock.today() for c in claims)

    paid = Claim.objects.get(status=ClaimStatus.PAID)
    assert paid.kind == "jkm" and paid.paid_amount == 42_000_000
    assert paid.handed_at_place == "Balai Kota Balikpapan" and paid.handed_by == "Wali Kota Balikpapan"
    assert paid.scholarship_eligible and paid.children.filter(eligible=True).count() == 2
    assert "paling banyak untuk 2 anak" in paid.children.get(eligible=False).reason

    due = ScholarshipChild.objects.filter(eligible=True, ended_on=None, next_claim_due__lte=clock.today())
    assert due.exists()

    # The office sees them on its pages.
    client = Client()
    assert client.login(username="petugas.bpn", password=DEMO_PASSWORD)
    assert paid.number in client.get("/klaim/").content.decode()
    assert due.first().name in client.get("/klaim/beasiswa/").content.decode()  # type: ignore[union-attr]
    assert client.get(f"/klaim/{paid.number}/").status_code == 200
    assert User.objects.filter(username="petugas.bpn").exists()


@pytest.mark.django_db
def test_the_demo_has_claims_in_every_state_on_the_day_it_runs() -> None:
    the_demo_has_a_claim_in_every_state()


@pytest.mark.today("2027-01-02")
@pytest.mark.django_db
def test_the_demo_has_claims_in_every_state_on_the_second_day_of_a_year() -> None:
    the_demo_has_a_claim_in_every_state()
