"""Budget used and left (from contributions) and claims by status and amounts paid (from claims) on the dashboard
and in the monthly report: the same numbers the contributions and claims apps give, counted into the snapshot."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pypdfium2
import pytest
from django.test import Client

from jaring.claims.models import Claim, ClaimKind
from jaring.claims.services import claim_report
from jaring.claims.states import ClaimStatus
from jaring.contributions.figures import realisation
from jaring.core.models import User
from jaring.eligibility.rules import format_rupiah
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.reports.selectors import Numbers
from jaring.reports.services import snapshot_refresh
from tests.reports.conftest import M, Make

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-03-16")]

ClientFor = Callable[[User], Client]


@pytest.fixture
def budgeted(bpn_2026: Programme, members: Make) -> list[Membership]:
    Programme.objects.filter(pk=bpn_2026.pk).update(budget=500_000)
    bpn_2026.refresh_from_db()
    return members(bpn_2026, [M(), M(), M(starts=date(2026, 3, 1)), M()])


def test_the_budget_is_the_contributions_apps_realisation(bpn_2026: Programme, budgeted: list[Membership]) -> None:
    snapshot_refresh(programme=bpn_2026)
    budget = Numbers(bpn_2026, date(2026, 3, 1)).budget()
    truth = realisation(bpn_2026)
    assert budget is not None
    assert (budget.budget, budget.paid, budget.owed, budget.committed, budget.left) == (
        truth.budget,
        truth.paid,
        truth.owed,
        truth.committed,
        truth.left,
    )
    assert budget.left == budget.budget - budget.paid - budget.owed - budget.committed
    assert budget.committed > 0 and budget.left < 0  # four members for the year cost more than Rp500.000
    money = {row.month: row for row in Numbers(bpn_2026, date(2026, 3, 1)).money([date(2026, 2, 1), date(2026, 3, 1)])}
    by_month = {m.month: m for m in truth.months}
    assert money[date(2026, 2, 1)].expected == by_month[date(2026, 2, 1)].expected
    assert money[date(2026, 3, 1)].expected == by_month[date(2026, 3, 1)].expected > money[date(2026, 2, 1)].expected


def test_leadership_reads_the_budget_left_and_a_kelurahan_operator_does_not(
    leadership: User, kelurahan_operator_manggar: User, client_for: ClientFor, budgeted: list[Membership]
) -> None:
    html = client_for(leadership).get("/dasbor/").content.decode()
    left = realisation(budgeted[0].programme).left
    assert 'id="chart-budget"' in html and 'id="chart-money"' in html
    assert re.search(rf'id="budget-left">{re.escape(format_rupiah(left))}<', html)
    assert 'id="table-budget"' not in client_for(kelurahan_operator_manggar).get("/dasbor/").content.decode()


def report(membership: Membership, kind: str, day: date, actor: User) -> Claim:
    return claim_report(
        membership=membership, kind=kind, event_date=day, reported_by="ahli waris", actor=actor, channel="officer"
    )


def test_claims_by_status_and_amounts_paid(
    bpn_2026: Programme, budgeted: list[Membership], programme_manager: User, leadership: User, client_for: ClientFor
) -> None:
    jkm = report(budgeted[0], ClaimKind.JKM, date(2026, 2, 10), programme_manager)
    report(budgeted[1], ClaimKind.JKK_INJURY, date(2026, 3, 2), programme_manager)
    report(budgeted[3], ClaimKind.JKM, date(2026, 3, 5), programme_manager)
    # BPJS paid the February death in March (the claim's own steps are the claims app's tests).
    Claim.objects.filter(pk=jkm.pk).update(status=ClaimStatus.PAID, paid_on=date(2026, 3, 9), paid_amount=42_000_000)
    snapshot_refresh(programme=bpn_2026)
    claims = Numbers(bpn_2026, date(2026, 3, 1)).claims()
    statuses = {row.key: row.value for row in claims.by_status}
    assert statuses[ClaimStatus.PAID] == 1 and sum(statuses.values()) == claims.total == 3
    kinds = {row.kind: row for row in claims.kinds}
    assert kinds[ClaimKind.JKM].paid == 1 and kinds[ClaimKind.JKM].paid_amount == 42_000_000
    assert claims.paid_amount == claims.paid_amount_to_date == 42_000_000
    assert Numbers(bpn_2026, date(2026, 2, 1)).claims().paid_amount_to_date == 0
    html = client_for(leadership).get("/dasbor/?program=BPN-2026&bulan=2026-03").content.decode()
    assert 'id="chart-claims"' in html
    assert 'id="claims-paid">Rp42.000.000<' in html


def test_the_monthly_report_carries_the_budget_and_the_claims(
    bpn_2026: Programme, budgeted: list[Membership], programme_manager: User, client_for: ClientFor
) -> None:
    jkm = report(budgeted[0], ClaimKind.JKM, date(2026, 2, 10), programme_manager)
    Claim.objects.filter(pk=jkm.pk).update(status=ClaimStatus.PAID, paid_on=date(2026, 3, 9), paid_amount=42_000_000)
    response = client_for(programme_manager).get("/dasbor/BPN-2026/2026-03/laporan-bulanan.pdf")
    pdf = pypdfium2.PdfDocument(response.content)
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Sisa anggaran" in text and format_rupiah(realisation(bpn_2026).left) in text
    assert "Rp42.000.000 / Rp42.000.000" in text
