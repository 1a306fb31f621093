"""On PostgreSQL the common rows are judged in the database (contributions/setbased.py): it must judge exactly as
the row-by-row Python does, row for row, whatever the file throws at it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from jaring.allocation.models import EndReason
from jaring.contributions.invoices import invoice_import
from jaring.contributions.models import Invoice, InvoiceLine
from jaring.contributions.services import payment_record
from jaring.enrolment.services import membership_end
from tests.contributions.conftest import bill_row, invoice_xlsx, kpj_of
from tests.helpers.reference import expect_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.today("2026-03-20")]

FIELDS = ("position", "row_number", "status", "membership_id", "month", "kpj", "nik", "name", "invoiced", "expected")
MORE = ("difference", "reason")


def test_the_run_is_on_postgresql() -> None:
    assert connection.vendor == "postgresql" or not expect_postgres()


def test_the_database_judges_every_row_as_the_python_does(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager, finance_officer
):
    members = enrol(bpn_2026, 12)
    late = enrol(bpn_2026, 1, starts=date(2026, 4, 1), first=40)[0]
    twin = enrol(bpn_2026, 1, first=41)[0]
    # A KPJ held by two memberships of the programme (a data slip the branch's file can meet).
    type(twin).objects.filter(pk=twin.pk).update(kpj=members[11].kpj)
    membership_end(membership=members[10], reason=EndReason.DIED, effective=date(2026, 2, 3), actor=programme_manager)
    february = invoice_import(
        programme=bpn_2026,
        file_name="feb.xlsx",
        content=invoice_xlsx([bill_row(m, "2026-02") for m in members[:3]]),
        actor=programme_manager,
    ).invoice
    payment_record(invoice=february, sp2d_number="1", sp2d_date=date(2026, 2, 10), amount=16_800, actor=finance_officer)
    m = members
    rows: list[tuple[object, ...]] = [
        bill_row(m[0], "2026-03"),
        bill_row(m[1], "Maret 2026"),  # the same month written otherwise
        (f" {m[2].kpj} ", m[2].person.nik, m[2].person.name, "2026-03", 10_000, 6_800, 16_800),  # spaces
        (m[3].kpj, f" {m[3].person.nik}", "Nama\u00a0Dengan  Spasi", "2026-03", "Rp10.000", "6.800", ""),
        (m[4].kpj, "", "Ñoño Müller", "03/2026", 10_000.0, 6_800.0, 16_800.0),  # not ASCII; float cells
        bill_row(m[5], "2026-03", jkk=5_000, jkm=3_400),
        bill_row(m[6], "2026-03"),
        (m[6].kpj.replace("0", "0 ", 1), "", "Dua Kali Beda Tulis", "2026-03", 10_000, 6_800, 16_800),
        bill_row(m[7], "2026-03"),
        bill_row(m[7], "2026-03"),
        bill_row(m[8], "2026-02"),  # an arrears row of a month unpaid...
        bill_row(m[0], "2026-02"),  # ...and of a month paid in February
        bill_row(m[10], "2026-03"),  # died in February
        bill_row(late, "2026-03"),  # starts in April
        bill_row(m[11], "2026-03"),  # the KPJ of two memberships
        (int(m[9].kpj), "", "Angka", "2026-03", 10_000, 6_800, 16_800),
        (m[9].kpj, m[0].person.nik, "NIK Orang Lain", "2026-03", 10_000, 6_800, 16_800),
        (m[9].kpj, "", "Jumlah Salah", "2026-03", 10_000, 6_800, 17_000),
        (m[9].kpj, "", "Iuran Tak Terbaca", "2026-03", "sepuluh ribu", 6_800, ""),
        bill_row(900, "2026-03"),
        (kpj_of(901), "", "Periode Kosong", "", 10_000, 6_800, 16_800),
        ("", "", "", "", "", "", ""),  # an empty row: skipped
        (date(2026, 3, 1), "", "KPJ Tanggal", "2026-03", 10_000, 6_800, 16_800),
    ]
    content = invoice_xlsx(rows)
    python = invoice_import(
        programme=bpn_2026,
        file_name="maret.xlsx",
        content=content,
        actor=programme_manager,
        month=date(2026, 3, 1),
        set_based=False,
    ).invoice
    expected_lines = list(InvoiceLine.objects.filter(invoice=python).order_by("position").values_list(*FIELDS, *MORE))
    summary = (python.rows, python.invoiced, python.expected, python.proposed, python.summary)
    Invoice.objects.filter(pk=python.pk).update(status=Invoice.Status.REPLACED)
    database = invoice_import(
        programme=bpn_2026,
        file_name="maret.xlsx",
        content=content,
        actor=programme_manager,
        month=date(2026, 3, 1),
        set_based=True,
    ).invoice
    assert database.pk != python.pk
    lines = list(InvoiceLine.objects.filter(invoice=database).order_by("position").values_list(*FIELDS, *MORE))
    assert lines == expected_lines
    assert (database.rows, database.invoiced, database.expected, database.proposed, database.summary) == summary
    statuses = {line[2] for line in lines}
    assert statuses == {
        "cocok",
        "selisih_jumlah",
        "tidak_aktif",
        "bukan_peserta",
        "ganda",
        "baris_salah",
        "tidak_ditagih",
    }


def test_a_large_invoice_is_judged_in_the_database_with_few_rows_left_to_python(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager, django_assert_max_num_queries
):
    members = enrol(bpn_2026, 60)
    text = "kpj;nik;nama;periode;iuran_jkk;iuran_jkm;jumlah\n" + "".join(
        f"{m.kpj};{m.person.nik};{m.person.name};2026-03;10000;6800;16800\n" for m in members[:-1]
    )
    with django_assert_max_num_queries(60):  # not one per row
        invoice = invoice_import(programme=bpn_2026, file_name="m.csv", content=text.encode(), actor=programme_manager)
    assert invoice.invoice.summary["cocok"]["count"] == 59
    assert invoice.invoice.summary["tidak_ditagih"]["count"] == 1
