"""Payments by SP2D against a reconciled invoice, and what arrears do to a membership."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from jaring.contributions.invoices import invoice_import
from jaring.contributions.models import Invoice, PaidMonth
from jaring.contributions.selectors import cover_on, members_at_risk, months_in_arrears
from jaring.contributions.services import arrears_apply, payment_record
from jaring.core.errors import Conflict, DomainError, PermissionDenied
from jaring.core.models import AuditRecord
from jaring.enrolment.models import Membership
from tests.conftest import morning_of
from tests.contributions.conftest import bill_row, invoice_xlsx

pytestmark = pytest.mark.today("2026-03-20")

MARCH = date(2026, 3, 1)


def reconciled(programme, members, month: str, actor) -> Invoice:  # type: ignore[no-untyped-def]
    content = invoice_xlsx([bill_row(m, month) for m in members])
    return invoice_import(programme=programme, file_name=f"{month}.xlsx", content=content, actor=actor).invoice


def test_the_finance_officer_pays_part_of_an_invoice_and_rows_are_paid_in_order(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager, finance_officer
):
    members = enrol(bpn_2026, 3)
    invoice = reconciled(bpn_2026, members, "2026-03", programme_manager)
    assert invoice.proposed == 3 * 16_800
    first = payment_record(
        invoice=invoice, sp2d_number="900/001/BPKAD", sp2d_date=date(2026, 3, 12), amount=20_000, actor=finance_officer
    )
    assert first.months == 1  # Rp20.000 pays the first row; Rp3.200 waits for the next payment
    assert set(PaidMonth.objects.values_list("membership_id", "month")) == {(members[0].pk, MARCH)}
    second = payment_record(
        invoice=invoice, sp2d_number="900/002/BPKAD", sp2d_date=date(2026, 3, 14), amount=30_400, actor=finance_officer
    )
    assert second.months == 2
    invoice.refresh_from_db()
    assert (invoice.paid, invoice.unpaid) == (50_400, 0)
    assert PaidMonth.objects.get(membership=members[2]).paid_on == date(2026, 3, 14)
    assert AuditRecord.objects.filter(action="payment.record", actor=finance_officer).count() == 2
    with pytest.raises(DomainError) as refused:
        payment_record(
            invoice=invoice, sp2d_number="900/003", sp2d_date=date(2026, 3, 14), amount=1, actor=finance_officer
        )
    assert refused.value.field == "amount"


def test_a_payment_is_refused_with_the_field_named(bpn_2026, enrol, programme_manager, finance_officer):  # type: ignore[no-untyped-def]
    invoice = reconciled(bpn_2026, enrol(bpn_2026, 1), "2026-03", programme_manager)
    cases = [
        ({"sp2d_number": " ", "sp2d_date": date(2026, 3, 1), "amount": 100}, "sp2d_number"),
        ({"sp2d_number": "1", "sp2d_date": date(2026, 3, 21), "amount": 100}, "sp2d_date"),
        ({"sp2d_number": "1", "sp2d_date": date(2026, 3, 1), "amount": 0}, "amount"),
        ({"sp2d_number": "1", "sp2d_date": date(2026, 3, 1), "amount": 16_801}, "amount"),
    ]
    for fields, field in cases:
        with pytest.raises(DomainError) as refused:
            payment_record(invoice=invoice, actor=finance_officer, **fields)  # type: ignore[arg-type]
        assert refused.value.field == field
    payment_record(invoice=invoice, sp2d_number="SP2D-1", sp2d_date=date(2026, 3, 1), amount=100, actor=finance_officer)
    with pytest.raises(Conflict):
        payment_record(
            invoice=invoice, sp2d_number="SP2D-1", sp2d_date=date(2026, 3, 1), amount=100, actor=finance_officer
        )


def test_only_the_funders_finance_officer_pays(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager, samarinda_finance_officer, auditor
):
    invoice = reconciled(bpn_2026, enrol(bpn_2026, 1), "2026-03", programme_manager)
    for officer in (programme_manager, samarinda_finance_officer, auditor):
        with pytest.raises(PermissionDenied):
            payment_record(invoice=invoice, sp2d_number="1", sp2d_date=date(2026, 3, 1), amount=100, actor=officer)


def test_a_paid_invoice_is_not_replaced_by_a_correction(bpn_2026, enrol, programme_manager, finance_officer):  # type: ignore[no-untyped-def]
    members = enrol(bpn_2026, 2)
    invoice = reconciled(bpn_2026, members[:1], "2026-03", programme_manager)
    payment_record(invoice=invoice, sp2d_number="1", sp2d_date=date(2026, 3, 5), amount=16_800, actor=finance_officer)
    with pytest.raises(Conflict):
        reconciled(bpn_2026, members, "2026-03", programme_manager)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.CURRENT


def test_a_member_never_billed_lapses_after_three_months_and_is_active_again_once_the_arrears_are_paid(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager, finance_officer
):
    members = enrol(bpn_2026, 2)
    paid, left_out = members
    for month in (1, 2, 3):
        with time_machine.travel(morning_of(f"2026-{month:02d}-10"), tick=False):
            invoice = reconciled(bpn_2026, [paid], f"2026-{month:02d}", programme_manager)
            payment_record(
                invoice=invoice,
                sp2d_number=f"SP2D/{month}",
                sp2d_date=date(2026, month, 10),
                amount=16_800,
                actor=finance_officer,
            )
    at_risk = members_at_risk(bpn_2026, on=date(2026, 3, 10))
    assert (at_risk.one, at_risk.two, at_risk.three) == (0, 1, 0)  # January and February owed, March not yet due
    assert at_risk.lapse_day(2, 15) == date(2026, 3, 16)
    assert arrears_apply(programme=bpn_2026, actor=programme_manager, on=date(2026, 3, 15)).deactivated == 0
    applied = arrears_apply(programme=bpn_2026, actor=programme_manager, on=date(2026, 3, 16))
    assert (applied.deactivated, applied.reactivated) == (1, 0)
    left_out.refresh_from_db()
    assert left_out.status == Membership.Status.NON_ACTIVE and left_out.status_since == date(2026, 3, 16)
    event = left_out.events.order_by("-id").first()
    assert event is not None and event.reason == "arrears" and "01/2026, 02/2026, 03/2026" in event.note
    assert arrears_apply(programme=bpn_2026, actor=programme_manager, on=date(2026, 3, 17)).deactivated == 0
    assert months_in_arrears(left_out, MARCH) == 3
    # April's invoice bills the arrears too; paying it makes the member active again.
    with time_machine.travel(morning_of("2026-04-06"), tick=False):
        rows = [bill_row(m, "2026-04") for m in members] + [bill_row(left_out, f"2026-0{n}") for n in (1, 2, 3)]
        invoice = invoice_import(
            programme=bpn_2026,
            file_name="april.xlsx",
            content=invoice_xlsx(rows),
            actor=programme_manager,
            month=date(2026, 4, 1),
        ).invoice
        assert invoice.summary["cocok"]["count"] == 5
        outcome = payment_record(
            invoice=invoice, sp2d_number="SP2D/4", sp2d_date=date(2026, 4, 6), amount=5 * 16_800, actor=finance_officer
        )
    assert outcome.reactivated == 1
    left_out.refresh_from_db()
    assert left_out.status == Membership.Status.ACTIVE and left_out.status_since == date(2026, 4, 6)
    assert months_in_arrears(left_out, date(2026, 4, 1)) == 0
    assert not cover_on(left_out, date(2026, 4, 1)).covered
    assert cover_on(left_out, date(2026, 4, 6)).covered
