"""Balikpapan's contributions for the months of this year so far, each on its own days: the branch's invoice
(a real XLSX) reconciled on the 5th, the SP2D paid on the 10th. The latest invoice carries the faults an officer
meets (the 50% discount applied, a member billed twice, a KPJ mistyped, a stranger, a member left off), and one
member left off the invoices of the two latest overdue months is at risk of lapsing: the arrears page says when.

Before the first month is past its due date (1-15 January) there is nothing overdue yet, so nobody is at risk.
"""

from __future__ import annotations

import io
from datetime import date

from jaring.contributions import billing
from jaring.contributions.invoices import invoice_import
from jaring.contributions.selectors import latest_overdue, terms_of
from jaring.contributions.services import arrears_apply, payment_record
from jaring.core import clock, xlsx
from jaring.core.actors import Actor
from jaring.core.models import Role, User
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme

INVOICE_DAY = 5
PAYMENT_DAY = 10
HEADER = ("kpj", "nik", "nama", "periode", "iuran_jkk", "iuran_jkm", "jumlah")


def _xlsx(rows: list[tuple[object, ...]]) -> bytes:
    workbook = xlsx.workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "tagihan"
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(list(row))
    for column in sheet.iter_cols(min_col=1, max_col=2, min_row=2):
        for cell in column:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seed_contributions(programme: Programme) -> int:
    """The invoices and payments of `programme` from its cover start to today; returns how many invoices."""
    today = clock.today()
    manager = User.objects.filter(role=Role.PROGRAMME_MANAGER, funder=programme.funder).first()
    treasurer = User.objects.filter(role=Role.FINANCE_OFFICER, funder=programme.funder).first()
    members = list(
        Membership.objects.filter(programme=programme, status=Membership.Status.ACTIVE)
        .select_related("person")
        .order_by("kpj")
    )
    if manager is None or treasurer is None or len(members) < 4:
        return 0
    months = [
        m
        for m in billing.months_from(programme.cover_start, min(today, programme.cover_end))
        if date(m.year, m.month, INVOICE_DAY) <= today
    ]
    if not months:
        return 0
    terms = terms_of(programme)
    overdue = latest_overdue(today, terms.due_day)
    left_off = {overdue, billing.previous_month(overdue)}

    def covered(member: Membership, month: date) -> bool:
        return member.starts <= billing.month_last_day(month) and member.ends >= month

    # The member at risk owes both months left off (or the one, early in the year); two others carry the faults.
    owing = [m for m in members if all(covered(m, month) for month in left_off if month >= programme.cover_start)]
    at_risk = (owing or members)[-1]
    others = [m for m in members if m != at_risk and covered(m, months[-1])] or members
    discounted, doubled = others[0], others[-1]
    for month in months:
        latest = month == months[-1]
        label = f"{month:%Y-%m}"
        rows: list[tuple[object, ...]] = []
        for member in members:
            if not covered(member, month):
                continue
            if member == at_risk and month in left_off:
                continue
            jkk, jkm = (5_000, 3_400) if latest and member == discounted else (10_000, 6_800)
            rows.append((member.kpj, member.person.nik, member.person.name, label, jkk, jkm, jkk + jkm))
        if latest:
            rows.append((doubled.kpj, doubled.person.nik, doubled.person.name, label, 10_000, 6_800, 16_800))
            rows.append(("6471 0000 12", "", "Salah Ketik KPJ", label, 10_000, 6_800, 16_800))
            rows.append(("99000000001", "", "Bukan Peserta Program", label, 10_000, 6_800, 16_800))
        with clock.pinned(date(month.year, month.month, INVOICE_DAY)):
            invoice = invoice_import(
                programme=programme,
                file_name=f"rincian-tagihan-iuran-{programme.code}-{label}.xlsx",
                content=_xlsx(rows),
                actor=manager,
            ).invoice
        paid_on = date(month.year, month.month, PAYMENT_DAY)
        if paid_on <= today and invoice.proposed:
            with clock.pinned(paid_on):
                payment_record(
                    invoice=invoice,
                    sp2d_number=f"900/{month.month:03d}/SP2D-LS/BPKAD/{month.year}",
                    sp2d_date=paid_on,
                    amount=invoice.proposed,
                    actor=treasurer,
                    note="Iuran JKK-JKM pekerja rentan (demo)",
                )
    arrears_apply(programme=programme, actor=Actor.system("demo"))
    return len(months)
