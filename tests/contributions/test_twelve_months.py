"""A year of BPN-2026's contributions, month by month: members start, die, move away and are handed over to the
province; each month the branch's invoice (a real XLSX) carries deliberate faults (a dead member billed, a member
missing, the 50% discount, a duplicate, a bad KPJ, a stranger) and is reconciled to exactly the statuses and sums
the test expects from what it knows of the members; the finance officer pays what is proposed. One member left
off three invoices in a row lapses, is billed the arrears, pays and is active again."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
import time_machine

from jaring.allocation.models import EndReason
from jaring.allocation.services import place_hand_over
from jaring.contributions.figures import realisation
from jaring.contributions.invoices import invoice_import
from jaring.contributions.models import Invoice, LineStatus, PaidMonth
from jaring.contributions.selectors import cover_on, members_at_risk, months_in_arrears
from jaring.contributions.services import arrears_apply, payment_record
from jaring.core.models import Funder
from jaring.enrolment.models import Membership
from jaring.enrolment.services import membership_end
from jaring.registry.models import Application, Channel
from jaring.registry.states import ApplicationStatus
from tests.conftest import morning_of, programme_for
from tests.contributions.conftest import bill_row, invoice_xlsx, kpj_of

pytestmark = pytest.mark.today("2026-01-02")

S = LineStatus
RATE = 16_800


def on(day: str) -> time_machine.travel:
    return time_machine.travel(morning_of(day), tick=False)


def test_a_year_of_invoices_reconciles_to_the_expected_statuses_and_sums(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager, finance_officer, reference
):
    bpn_2026.budget = 30 * RATE * 12
    bpn_2026.save()
    kaltim = programme_for(
        Funder.objects.get(code="kaltim"), code="KALTIM-2026", name="Kaltim 2026", owner="disnaker", quota=100
    )
    members = enrol(bpn_2026, 20)
    april = enrol(bpn_2026, 3, starts=date(2026, 4, 1), first=100)
    died, moved, handed, lapsing, discounted, doubled = members[:6]
    # What the test knows: each member's covered months (cover to the end of the month of a death or a move).
    last_month = {died.pk: 3, moved.pk: 6, handed.pk: 7}
    first_month = {m.pk: 4 for m in april}
    everyone = members + april
    paid_total = 0

    for month in range(1, 13):
        label = f"2026-{month:02d}"
        covered = [m for m in everyone if first_month.get(m.pk, 1) <= month <= last_month.get(m.pk, 12)]
        missing = {lapsing.pk} if month in (2, 3, 4) else set()
        # The branch's list: everyone it knows as covered, and the faults of the month.
        rows = [bill_row(m, label) for m in covered if m.pk not in missing and m != discounted]
        rows.append(bill_row(discounted, label, jkk=5_000, jkm=3_400))  # PP 50/2025 wrongly applied
        rows.append(bill_row(doubled, label))  # billed twice
        rows.append(("1234567890", "", "Salah Ketik", label, 10_000, 6_800, 16_800))  # a KPJ of 10 digits
        rows.append(bill_row(999, label))  # nobody of this programme
        stale = {3: [april[0]], 4: [died], 5: [died], 7: [moved], 8: [handed]}.get(month, [])
        rows += [bill_row(m, label) for m in stale]  # not covered that month: not yet started, died, moved, handed
        arrears = [lapsing] if month == 5 else []
        rows += [bill_row(m, f"2026-{earlier:02d}") for m in arrears for earlier in (2, 3, 4)]
        with on(f"{label}-05"):
            invoice = invoice_import(
                programme=bpn_2026,
                file_name=f"tagihan-{label}.xlsx",
                content=invoice_xlsx(rows),
                actor=programme_manager,
                month=date(2026, month, 1),
            ).invoice

        cocok = len(covered) - len(missing) - 1 + 3 * len(arrears)
        expected = {
            S.COCOK: (cocok, cocok * RATE),
            S.SELISIH_JUMLAH: (1, RATE // 2),
            S.GANDA: (1, RATE),
            S.BARIS_SALAH: (1, RATE),
            S.BUKAN_PESERTA: (1, RATE),
            S.TIDAK_AKTIF: (len(stale), len(stale) * RATE),
            S.TIDAK_DITAGIH: (len(missing), len(missing) * RATE),
        }
        got = {status: (invoice.summary[status]["count"], invoice.summary[status]["sum"]) for status in expected}
        assert got == expected, label
        assert invoice.summary["members"] == len(covered), label
        assert invoice.expected == len(covered) * RATE, label
        assert invoice.proposed == (cocok + 1) * RATE, label
        assert invoice.rows == len(rows), label
        statuses = Counter(invoice.lines.values_list("status", flat=True))
        assert sum(statuses.values()) == len(rows) + len(missing)

        with on(f"{label}-10"):
            payment_record(
                invoice=invoice,
                sp2d_number=f"900/{month:02d}/BPKAD",
                sp2d_date=date(2026, month, 10),
                amount=invoice.proposed,
                actor=finance_officer,
            )
            paid_total += invoice.proposed
            if month == 7:  # the province takes this member over from August
                target = Application.objects.create(
                    number="KALTIM-2026-000001",
                    programme=kaltim,
                    person=handed.person,
                    channel=Channel.COUNTER,
                    status=ApplicationStatus.AWAITING_VERIFICATION,
                    kelurahan=handed.person.kelurahan,
                    sector=handed.person.sector,
                )
                place_hand_over(
                    place=handed.place, to_application=target, from_month=date(2026, 8, 1), actor=programme_manager
                )
        if month == 3:
            with on("2026-03-12"):
                membership_end(
                    membership=died, reason=EndReason.DIED, effective=date(2026, 3, 11), actor=programme_manager
                )
        if month == 6:
            with on("2026-06-22"):
                membership_end(
                    membership=moved, reason=EndReason.MOVED_OUT, effective=date(2026, 6, 20), actor=programme_manager
                )

        with on(f"{label}-16"):
            arrears_apply(programme=bpn_2026, actor=programme_manager)
            lapsing.refresh_from_db()
            at_risk = members_at_risk(bpn_2026)
            if month in (2, 3):
                # Visible before it happens: the manager sees who owes and when they will lapse.
                assert [(m.pk, m.owed) for m in at_risk.members] == [(lapsing.pk, month - 1)]
                assert at_risk.lapse_day(month - 1, 15) == date(2026, 4, 16)
                assert lapsing.status == Membership.Status.ACTIVE
            elif month == 4:
                assert lapsing.status == Membership.Status.NON_ACTIVE
                assert lapsing.status_since == date(2026, 4, 16)
                assert months_in_arrears(lapsing, date(2026, 4, 1)) == 3
            else:
                assert at_risk.total == 0, label
                assert lapsing.status == Membership.Status.ACTIVE, label

    # The lapse in the member's history: not covered from 16 April until the arrears were paid on 10 May.
    assert cover_on(lapsing, date(2026, 4, 15)).covered
    lapsed = cover_on(lapsing, date(2026, 4, 20))
    assert not lapsed.covered and lapsed.reason.startswith("Nonaktif sejak 16-04-2026")
    assert cover_on(lapsing, date(2026, 5, 10)).covered
    assert [e.reason for e in lapsing.events.order_by("id")] == ["bpjs_accepted", "arrears", "arrears_paid"]
    # Every covered month of every member is paid, once.
    covered_months = sum(
        len([m for m in range(1, 13) if first_month.get(x.pk, 1) <= m <= last_month.get(x.pk, 12)]) for x in everyone
    )
    assert PaidMonth.objects.count() == covered_months
    assert sum(PaidMonth.objects.values_list("amount", flat=True)) == paid_total == covered_months * RATE
    assert Invoice.objects.filter(status=Invoice.Status.CURRENT).count() == 12
    with on("2026-12-20"):
        year = realisation(bpn_2026)
    assert (year.paid, year.owed, year.committed) == (paid_total, 0, 0)
    assert year.left == bpn_2026.budget - paid_total
    assert kpj_of(999) not in set(Membership.objects.values_list("kpj", flat=True))
