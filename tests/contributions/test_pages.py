"""The contribution pages: who sees them, an invoice uploaded with progress, a payment, arrears, budget, terms."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from jaring.contributions.invoices import invoice_import
from jaring.contributions.models import BillingTerms, Invoice, Payment
from jaring.core.models import AccessLog
from jaring.core.navigation import menu_items_for
from tests.contributions.conftest import bill_row, invoice_xlsx

pytestmark = pytest.mark.today("2026-03-20")


def test_the_finance_officer_finds_contributions_in_the_menu_and_outsiders_do_not(  # type: ignore[no-untyped-def]
    bpn_2026, finance_officer, registration_officer, client_for, samarinda_finance_officer, outsider
):
    assert "contributions:programmes" in [item.url_name for item in menu_items_for(finance_officer)]
    assert "contributions:programmes" not in [item.url_name for item in menu_items_for(registration_officer)]
    page = client_for(finance_officer).get("/iuran/")
    assert page.status_code == 200 and "BPN-2026" in page.content.decode()
    assert "BPN-2026" not in client_for(samarinda_finance_officer).get("/iuran/").content.decode()
    assert client_for(samarinda_finance_officer).get("/iuran/BPN-2026/").status_code == 404
    assert client_for(outsider).get("/iuran/BPN-2026/").status_code == 403
    assert client_for(registration_officer).get("/iuran/BPN-2026/").status_code == 403


# The worker closes its database connections between tasks: this one commits for real.
@pytest.mark.django_db(transaction=True)
def test_a_manager_uploads_an_invoice_follows_its_progress_and_reads_the_rows_to_check(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager, client_for, django_capture_on_commit_callbacks
):
    members = enrol(bpn_2026, 3)
    client = client_for(programme_manager)
    content = invoice_xlsx([bill_row(members[0], "2026-03"), bill_row(members[1], "2026-03", jkk=5_000, jkm=3_400)])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/iuran/BPN-2026/", {"file": SimpleUploadedFile("maret.xlsx", content)})
    invoice = Invoice.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/iuran/BPN-2026/tagihan/{invoice.pk}/"
    waiting = client.get(answer["Location"]).content.decode()
    assert 'id="invoice-progress"' in waiting and "Sedang dicocokkan" in waiting
    call_command("worker", batch=True, interval=0.1)
    assert client.get(f"/iuran/BPN-2026/tagihan/{invoice.pk}/kemajuan/")["HX-Refresh"] == "true"
    page = client.get(f"/iuran/BPN-2026/tagihan/{invoice.pk}/").content.decode()
    assert 'id="status-selisih_jumlah"' in page and "PP 50/2025" in page
    assert "tidak_ditagih" in page and members[2].person.nik not in page  # masked
    assert members[2].person.nik[-2:] in page
    assert AccessLog.objects.filter(what="invoice_rows", actor=programme_manager).exists()
    result = client.get(f"/iuran/BPN-2026/tagihan/{invoice.pk}/hasil/")
    sheet = load_workbook(io.BytesIO(b"".join(result.streaming_content))).worksheets[0]
    assert [row[-3] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "cocok",
        "selisih_jumlah",
        "tidak_ditagih",
    ]


def test_an_unreadable_upload_says_why_on_the_form(bpn_2026, programme_manager, client_for):  # type: ignore[no-untyped-def]
    answer = client_for(programme_manager).post(
        "/iuran/BPN-2026/", {"file": SimpleUploadedFile("surat.pdf", b"%PDF-1.4 not an invoice")}
    )
    assert answer.status_code == 400
    assert "bukan XLSX atau CSV" in answer.content.decode()
    assert not Invoice.objects.exists()


def test_the_finance_officer_records_a_payment_and_a_wrong_amount_is_named(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager, finance_officer, client_for
):
    members = enrol(bpn_2026, 2)
    invoice = invoice_import(
        programme=bpn_2026,
        file_name="m.xlsx",
        content=invoice_xlsx([bill_row(m, "2026-03") for m in members]),
        actor=programme_manager,
    ).invoice
    client = client_for(finance_officer)
    url = f"/iuran/BPN-2026/tagihan/{invoice.pk}/"
    too_much = client.post(url, {"sp2d_number": "900/1", "sp2d_date": "2026-03-12", "amount": "99999999"})
    assert too_much.status_code == 400 and 'id="error-amount"' in too_much.content.decode()
    paid = client.post(url, {"sp2d_number": "900/1", "sp2d_date": "2026-03-12", "amount": "33600"})
    assert paid.status_code == 302
    assert Payment.objects.get().amount == 33_600
    assert "900/1" in client.get(url).content.decode()
    # A manager reads the invoice but has no payment form, and cannot post one.
    manager = client_for(programme_manager)
    assert 'id="payment-form"' not in manager.get(url).content.decode()
    assert manager.post(url, {"sp2d_number": "2", "sp2d_date": "2026-03-12", "amount": "1"}).status_code == 403


def test_the_arrears_page_shows_who_lapses_when_before_it_happens(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, programme_manager, client_for
):
    paid, owing = enrol(bpn_2026, 2)
    BillingTerms.objects.create(programme=bpn_2026, tracked_from=date(2026, 2, 1))
    page = client_for(programme_manager).get("/iuran/BPN-2026/tunggakan/").content.decode()
    assert owing.person.name in page and paid.person.name in page  # nobody paid February or March
    assert "16-04-2026 bila belum dibayar" in page
    assert 'id="count-two">2<' in page


def test_the_budget_page_says_what_is_left_and_who_can_still_start(bpn_2026, enrol, client_for, finance_officer):  # type: ignore[no-untyped-def]
    bpn_2026.budget = 100 * 16_800 * 12
    bpn_2026.save()
    enrol(bpn_2026, 10)
    page = client_for(finance_officer).get("/iuran/BPN-2026/anggaran/").content.decode()
    # Nothing paid yet: January to March owed, April to December committed, for 10 members.
    assert 'id="owed">Rp504.000<' in page
    assert 'id="committed">Rp1.512.000' in page
    left = 100 * 16_800 * 12 - 10 * 16_800 * 12
    assert f'id="left">Rp{left:,}<'.replace(",", ".") in page
    assert 'id="start-2026-04"' in page


def test_the_manager_sets_the_terms_and_the_branchs_header_names(
    bpn_2026, programme_manager, finance_officer, client_for
):  # type: ignore[no-untyped-def]
    client = client_for(programme_manager)
    saved = client.post(
        "/iuran/BPN-2026/ketentuan/",
        {"aksi": "ketentuan", "cover_rule": "whole_month", "due_day": "10", "payment_code": "W-123"},
    )
    assert saved.status_code == 302
    terms = BillingTerms.objects.get(programme=bpn_2026)
    assert (terms.cover_rule, terms.due_day, terms.cover_in_arrears, terms.payment_code) == (
        "whole_month",
        10,
        False,
        "W-123",
    )
    client.post("/iuran/BPN-2026/ketentuan/", {"aksi": "kolom", "kpj": "Nomor Kepesertaan, NO PESERTA BPJS"})
    terms.refresh_from_db()
    assert terms.invoice_headers == {"kpj": ["Nomor Kepesertaan", "NO PESERTA BPJS"]}
    bad = client.post("/iuran/BPN-2026/ketentuan/", {"aksi": "ketentuan", "cover_rule": "any_day", "due_day": "31"})
    assert bad.status_code == 400 and 'id="error-due_day"' in bad.content.decode()
    assert client_for(finance_officer).get("/iuran/BPN-2026/ketentuan/").status_code == 403
