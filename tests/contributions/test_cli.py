"""`jaring reconcile-invoice` and `jaring contributions-arrears`: exit codes and what they print."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from jaring.contributions.models import Invoice
from jaring.enrolment.models import Membership
from tests.contributions.conftest import bill_row, invoice_xlsx

pytestmark = pytest.mark.today("2026-05-20")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_reconcile_invoice_prints_each_status_and_writes_the_result(bpn_2026, enrol, tmp_path: Path):  # type: ignore[no-untyped-def]
    members = enrol(bpn_2026, 3)
    invoice = tmp_path / "tagihan.xlsx"
    invoice.write_bytes(invoice_xlsx([bill_row(members[0], "2026-05"), bill_row(members[0], "2026-05")]))
    result = tmp_path / "hasil.xlsx"
    printed = run("reconcile_invoice", str(invoice), "--programme", "BPN-2026", "--result", str(result))
    assert "2 baris dibaca" in printed
    assert "cocok" in printed and "tidak_ditagih" in printed
    assert "iuran seharusnya Rp50.400 (3 peserta)" in printed
    statuses = [row[-3] for row in load_workbook(result).worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert statuses == ["cocok", "ganda", "tidak_ditagih", "tidak_ditagih"]
    run("reconcile_invoice", str(invoice), "--programme", "BPN-2026")  # the same file: exit 0, nothing new
    assert Invoice.objects.count() == 1


def test_reconcile_invoice_exits_2_on_an_unreadable_file_and_1_without_the_month_of_a_mixed_one(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, tmp_path: Path
):
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(CommandError) as unreadable:
        run("reconcile_invoice", str(broken), "--programme", "BPN-2026")
    assert unreadable.value.returncode == 2
    with pytest.raises(CommandError) as unknown:
        run("reconcile_invoice", str(broken), "--programme", "XYZ")
    assert unknown.value.returncode == 2
    (member,) = enrol(bpn_2026, 1)
    mixed = tmp_path / "campur.xlsx"
    mixed.write_bytes(invoice_xlsx([bill_row(member, "2026-04"), bill_row(member, "2026-05")]))
    with pytest.raises(CommandError) as several:
        run("reconcile_invoice", str(mixed), "--programme", "BPN-2026")
    assert several.value.returncode == 1 and "04/2026, 05/2026" in str(several.value)
    assert "Tagihan #" in run("reconcile_invoice", str(mixed), "--programme", "BPN-2026", "--month", "2026-05")


def test_contributions_arrears_lapses_members_owing_three_months(bpn_2026, enrol, tmp_path: Path):  # type: ignore[no-untyped-def]
    paid, owing = enrol(bpn_2026, 2)
    invoice = tmp_path / "feb.xlsx"
    invoice.write_bytes(invoice_xlsx([bill_row(paid, "2026-02")]))
    run("reconcile_invoice", str(invoice), "--programme", "BPN-2026")
    assert "BPN-2026: 2 dinonaktifkan" in run("contributions_arrears", "--on", "2026-04-16")
    assert "BPN-2026: 0 dinonaktifkan" in run("contributions_arrears", "--programme", "BPN-2026")
    owing.refresh_from_db()
    assert owing.status == Membership.Status.NON_ACTIVE and owing.status_since == date(2026, 4, 16)
