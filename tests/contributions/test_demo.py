"""The demo's contributions: the months of this year so far, one invoice with faults, one member at risk."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.contributions.models import Invoice, LineStatus, Payment
from jaring.contributions.selectors import members_at_risk
from jaring.core import clock
from jaring.core.models import Role, User
from jaring.demo.data import demo_seed
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme


@pytest.mark.django_db
@pytest.mark.today("2026-11-20")
def test_the_demo_has_a_years_invoices_payments_one_invoice_with_faults_and_a_member_at_risk() -> None:
    demo_seed(per_programme=4)
    bpn = Programme.objects.get(code="BPN-2026")
    invoices = list(Invoice.objects.filter(programme=bpn, status=Invoice.Status.CURRENT).order_by("month"))
    assert [i.month for i in invoices] == [date(2026, m, 1) for m in range(1, 12)]
    assert Payment.objects.filter(invoice__programme=bpn).count() == 11
    assert all(i.paid == i.proposed for i in invoices)
    latest = invoices[-1]
    for status in (LineStatus.SELISIH_JUMLAH, LineStatus.GANDA, LineStatus.BARIS_SALAH, LineStatus.BUKAN_PESERTA):
        assert latest.summary[status]["count"] == 1, status
    assert latest.summary[LineStatus.TIDAK_DITAGIH]["count"] == 1
    at_risk = members_at_risk(bpn)
    assert (at_risk.one, at_risk.two, at_risk.three) == (0, 1, 0)  # October and November owed
    assert at_risk.lapse_day(2, 15) == date(2026, 12, 16)
    assert not Membership.objects.filter(programme=bpn, status=Membership.Status.NON_ACTIVE).exists()
    assert User.objects.filter(username="bendahara.bpn", role=Role.FINANCE_OFFICER).exists()


@pytest.mark.django_db
def test_the_demo_bills_the_months_of_the_day_it_runs() -> None:
    demo_seed(per_programme=2)
    today = clock.today()
    bpn = Programme.objects.get(code=f"BPN-{today.year}")
    months = today.month if today.day >= 5 else today.month - 1
    assert Invoice.objects.filter(programme=bpn, status=Invoice.Status.CURRENT).count() == months
