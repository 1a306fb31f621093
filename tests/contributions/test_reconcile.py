"""Reconciling an invoice: every row gets the status, difference and reason spec/bpjs-invoice.md names."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from jaring.allocation.models import EndReason
from jaring.contributions.invoice_read import InvoiceFileError, parse_period, read_all
from jaring.contributions.invoices import invoice_import
from jaring.contributions.models import BillingTerms, Invoice, InvoiceLine, LineStatus
from jaring.contributions.result import result_workbook
from jaring.core.errors import DomainError, PermissionDenied
from jaring.core.models import AuditRecord
from jaring.core.validation import Invalid
from jaring.enrolment.services import membership_end
from tests.contributions.conftest import bill_row, invoice_xlsx, kpj_of

pytestmark = pytest.mark.today("2026-03-20")

S = LineStatus
MARCH = date(2026, 3, 1)


@pytest.mark.parametrize(
    "written",
    ["2026-03", "03-2026", "3/2026", "Mar 2026", "Maret 2026", "March 2026", "mar. 2026", "2026-03-31", "15/03/2026"],
)
def test_the_period_is_read_in_every_form_the_spec_allows(written: str) -> None:
    assert parse_period(written) == MARCH
    assert parse_period(date(2026, 3, 17)) == MARCH


@pytest.mark.parametrize("written", ["13/2026", "Maretz 2026", "2026", "besok", 3.5])
def test_a_period_that_is_no_month_is_refused_naming_the_column(written: object) -> None:
    with pytest.raises(Invalid) as refused:
        parse_period(written)
    assert refused.value.error.message.startswith("Kolom periode:")


def test_every_status_of_the_spec_with_its_sums(bpn_2026, enrol, programme_manager):  # type: ignore[no-untyped-def]
    members = enrol(bpn_2026, 8)
    later = enrol(bpn_2026, 1, starts=date(2026, 4, 1), first=50)[0]
    died = members[7]
    membership_end(membership=died, reason=EndReason.DIED, effective=date(2026, 2, 10), actor=programme_manager)
    content = invoice_xlsx(
        [
            bill_row(members[0], "2026-03"),  # cocok
            bill_row(members[1], "2026-03", jkk=5_000, jkm=3_400),  # the 50% discount wrongly applied
            bill_row(members[2], "2026-03"),
            bill_row(members[2], "2026-03"),  # ganda
            bill_row(died, "2026-03"),  # tidak_aktif: died in February
            bill_row(later, "2026-03"),  # tidak_aktif: starts in April
            bill_row(777, "2026-03"),  # bukan_peserta
            ("1234567890", "", "Salah Ketik", "2026-03", 10_000, 6_800, 16_800),  # baris_salah: 10 digits
            (members[3].kpj, "", "Tanpa Periode", "", 10_000, 6_800, ""),  # baris_salah: no period
            (members[4].kpj, "", "Jumlah Salah", "2026-03", 10_000, 6_800, 18_000),  # baris_salah: jumlah
            # members[5] and members[6] are not billed: tidak_ditagih (members[3], [4] were on unreadable rows)
        ]
    )
    outcome = invoice_import(
        programme=bpn_2026, file_name="tagihan-maret.xlsx", content=content, actor=programme_manager
    )
    invoice = outcome.invoice
    assert invoice.status == Invoice.Status.CURRENT and invoice.month == MARCH
    lines = list(invoice.lines.order_by("position"))
    assert [line.status for line in lines] == [
        S.COCOK,
        S.SELISIH_JUMLAH,
        S.COCOK,
        S.GANDA,
        S.TIDAK_AKTIF,
        S.TIDAK_AKTIF,
        S.BUKAN_PESERTA,
        S.BARIS_SALAH,
        S.BARIS_SALAH,
        S.BARIS_SALAH,
        S.TIDAK_DITAGIH,
        S.TIDAK_DITAGIH,
        S.TIDAK_DITAGIH,
        S.TIDAK_DITAGIH,
    ]
    assert [line.row_number for line in lines[:3]] == [2, 3, 4]
    discount = lines[1]
    assert (discount.invoiced, discount.expected, discount.difference) == (8_400, 16_800, -8_400)
    assert "Rp8.400" in discount.reason and "Rp16.800" in discount.reason and "PP 50/2025" in discount.reason
    assert lines[3].reason == "KPJ ini sudah ditagih untuk 03/2026 pada baris 4."
    assert (
        lines[4].reason == "Tidak tertanggung pada 03/2026: perlindungan berakhir sejak 01-03-2026 (Meninggal dunia)."
    )
    assert lines[5].reason == "Tidak tertanggung pada 03/2026: perlindungan baru mulai 01-04-2026."
    assert lines[6].reason == f"KPJ {kpj_of(777)} bukan peserta program BPN-2026."
    assert lines[7].reason.startswith("Kolom kpj: KPJ harus 11 angka")
    assert lines[8].reason.startswith("Kolom periode:")
    assert lines[9].reason == "Kolom jumlah: Rp18.000 tidak sama dengan iuran_jkk + iuran_jkm (Rp16.800)."
    assert {line.kpj for line in lines[10:]} == {members[n].kpj for n in (3, 4, 5, 6)}
    assert all(line.expected == 16_800 and line.difference == -16_800 for line in lines[10:])
    # 7 covered in March (8 members, one died in February; the ninth starts in April).
    assert invoice.summary["members"] == 7
    assert invoice.expected == 7 * 16_800
    assert invoice.rows == 10
    assert invoice.invoiced == 16_800 * 8 + 8_400 + 16_800  # the jumlah row's amounts were read, too
    assert invoice.proposed == 16_800 + 16_800 + 16_800  # cocok twice plus the expected part of the discount row
    assert invoice.summary[S.TIDAK_DITAGIH] == {"count": 4, "sum": 4 * 16_800}
    assert invoice.summary[S.GANDA] == {"count": 1, "sum": 16_800}
    assert BillingTerms.objects.get(programme=bpn_2026).tracked_from == MARCH
    assert AuditRecord.objects.filter(action="invoice.reconcile", target_id=str(invoice.pk)).exists()


def test_the_result_file_has_the_rows_in_order_with_three_columns_then_the_members_not_billed_and_a_summary(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager
):
    members = enrol(bpn_2026, 3)
    content = invoice_xlsx([bill_row(members[0], "2026-03"), bill_row(members[1], "Mar 2026", jkk=5_000, jkm=3_400)])
    invoice = invoice_import(programme=bpn_2026, file_name="t.xlsx", content=content, actor=programme_manager).invoice
    workbook = load_workbook(io.BytesIO(result_workbook(invoice)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == (
        "kpj",
        "nik",
        "nama",
        "periode",
        "iuran_jkk",
        "iuran_jkm",
        "jumlah",
        "status",
        "selisih",
        "alasan",
    )
    assert rows[1][:1] == (members[0].kpj,) and rows[1][7:9] == ("cocok", 0)
    assert rows[2][3] == "Mar 2026" and rows[2][7:9] == ("selisih_jumlah", -8_400)
    assert rows[3][0] == members[2].kpj and rows[3][7:9] == ("tidak_ditagih", -16_800)
    assert rows[3][1] != members[2].person.nik and rows[3][1].endswith(members[2].person.nik[-2:])  # masked
    summary = {row[0]: row[1:] for row in workbook.worksheets[1].iter_rows(values_only=True) if row[0]}
    assert summary["Baris dibaca"][0] == 2
    assert summary["cocok"] == (1, 16_800)
    assert summary["selisih_jumlah"] == (1, 8_400)
    assert summary["tidak_ditagih"] == (1, 16_800)
    assert summary["Jumlah tagihan"][0] == 25_200
    assert summary["Iuran seharusnya bulan ini"][0] == 3 * 16_800
    assert summary["Diusulkan untuk dibayar"][0] == 2 * 16_800


def test_the_same_invoice_twice_changes_nothing_and_a_corrected_one_replaces_it_with_an_audit_record(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager
):
    members = enrol(bpn_2026, 2)
    first = invoice_xlsx([bill_row(members[0], "2026-03")])
    made = invoice_import(programme=bpn_2026, file_name="a.xlsx", content=first, actor=programme_manager)
    again = invoice_import(programme=bpn_2026, file_name="a (1).xlsx", content=first, actor=programme_manager)
    assert again.unchanged and again.invoice == made.invoice
    assert Invoice.objects.count() == 1 and InvoiceLine.objects.count() == 2
    corrected = invoice_xlsx([bill_row(members[0], "2026-03"), bill_row(members[1], "2026-03")])
    fixed = invoice_import(programme=bpn_2026, file_name="b.xlsx", content=corrected, actor=programme_manager)
    assert fixed.replaced == made.invoice and fixed.invoice.replaces == made.invoice
    made.invoice.refresh_from_db()
    assert made.invoice.status == Invoice.Status.REPLACED
    assert fixed.invoice.summary[S.COCOK]["count"] == 2
    assert AuditRecord.objects.filter(action="invoice.replace", target_id=str(made.invoice.pk)).count() == 1


def test_a_file_billing_several_months_needs_the_month_and_then_judges_each_row_by_its_own_month(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager
):
    members = enrol(bpn_2026, 2)
    content = invoice_xlsx([bill_row(members[0], "2026-02"), bill_row(members[0], "2026-03")])
    with pytest.raises(DomainError) as refused:
        invoice_import(programme=bpn_2026, file_name="x.xlsx", content=content, actor=programme_manager)
    assert refused.value.field == "month" and "02/2026, 03/2026" in refused.value.message
    assert not InvoiceLine.objects.exists()
    assert Invoice.objects.get().status == Invoice.Status.FAILED
    invoice = invoice_import(
        programme=bpn_2026, file_name="x.xlsx", content=content, actor=programme_manager, month=MARCH
    ).invoice
    assert invoice.month == MARCH
    assert list(invoice.lines.values_list("status", "month")) == [
        (S.COCOK, date(2026, 2, 1)),
        (S.COCOK, MARCH),
        (S.TIDAK_DITAGIH, MARCH),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Berkas kosong"),
        (b"kpj;nama\n12345678901;Budi\n", "Kolom wajib tidak ada: periode, iuran_jkk, iuran_jkm"),
        (b"\x00\x01\x02binary", "bukan XLSX atau CSV"),
        (b"PK\x03\x04broken", "rusak"),
    ],
)
def test_a_file_that_cannot_be_read_at_all_stores_nothing(bpn_2026, programme_manager, content, message):  # type: ignore[no-untyped-def]
    with pytest.raises(InvoiceFileError) as refused:
        invoice_import(programme=bpn_2026, file_name="x.csv", content=content, actor=programme_manager)
    assert message in refused.value.message
    assert not Invoice.objects.exists()


def test_a_csv_with_semicolons_and_the_aliases_reads_like_the_xlsx(bpn_2026, enrol, programme_manager):  # type: ignore[no-untyped-def]
    (member,) = enrol(bpn_2026, 1)
    text = (
        "No KPJ;No KTP;Nama Peserta;Bulan Iuran;JKK;JKM;Total Iuran\n"
        f"{member.kpj};{member.person.nik};X;03/2026;Rp10.000;6.800;16.800\n"
    )
    rows = read_all(text.encode("cp1252"))
    assert (rows[0].kpj, rows[0].month, rows[0].total, rows[0].problems) == (member.kpj, MARCH, 16_800, [])
    invoice = invoice_import(
        programme=bpn_2026, file_name="t.csv", content=text.encode(), actor=programme_manager
    ).invoice
    assert invoice.summary[S.COCOK]["count"] == 1


def test_a_kpj_typed_as_a_number_and_a_nik_of_someone_else_are_refused(bpn_2026, enrol, programme_manager):  # type: ignore[no-untyped-def]
    first, second = enrol(bpn_2026, 2)
    content = invoice_xlsx(
        [
            (int(first.kpj), "", "Angka", "2026-03", 10_000, 6_800, 16_800),
            (second.kpj, first.person.nik, "NIK Lain", "2026-03", 10_000, 6_800, 16_800),
        ]
    )
    invoice = invoice_import(programme=bpn_2026, file_name="t.xlsx", content=content, actor=programme_manager).invoice
    numeric, other = invoice.lines.order_by("position")[:2]
    assert numeric.status == S.BARIS_SALAH and "sebagai angka" in numeric.reason
    assert other.status == S.BUKAN_PESERTA and other.reason.startswith(f"NIK {first.person.nik} bukan milik peserta")


def test_the_manager_adds_the_branchs_own_header_names_to_the_column_template(bpn_2026, enrol, programme_manager):  # type: ignore[no-untyped-def]
    from jaring.contributions.services import billing_terms_set

    (member,) = enrol(bpn_2026, 1)
    header = ("NOMOR KEPESERTAAN", "BLTH", "IURAN JKK", "IURAN JKM")
    content = invoice_xlsx([(member.kpj, "2026-03", 10_000, 6_800)], header=header)
    with pytest.raises(InvoiceFileError):
        invoice_import(programme=bpn_2026, file_name="t.xlsx", content=content, actor=programme_manager)
    billing_terms_set(
        programme=bpn_2026,
        actor=programme_manager,
        invoice_headers={"kpj": ["Nomor Kepesertaan"], "periode": ["BLTH"]},
    )
    invoice = invoice_import(programme=bpn_2026, file_name="t.xlsx", content=content, actor=programme_manager).invoice
    assert invoice.summary[S.COCOK]["count"] == 1


def test_an_officer_of_another_funder_and_an_outsider_may_not_reconcile(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, samarinda_finance_officer, outsider, auditor
):
    content = invoice_xlsx([bill_row(enrol(bpn_2026, 1)[0], "2026-03")])
    for officer in (samarinda_finance_officer, outsider, auditor):
        with pytest.raises(PermissionDenied):
            invoice_import(programme=bpn_2026, file_name="t.xlsx", content=content, actor=officer)
    assert not Invoice.objects.exists()
