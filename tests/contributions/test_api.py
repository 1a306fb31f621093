"""The contributions API: an invoice sent and followed, a month's figures, the member list; scopes and funders."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook

from jaring.contributions.models import Invoice
from jaring.contributions.services import payment_record
from jaring.core.models import AccessLog, Funder, User
from jaring.core.services import api_token_create
from tests.api.conftest import Partner
from tests.contributions.conftest import bill_row, invoice_xlsx

pytestmark = pytest.mark.today("2026-03-20")


@pytest.fixture
def token_for(administrator: User) -> Callable[..., Partner]:
    def make(funder: Funder, *scopes: str) -> Partner:
        _token, secret = api_token_create(
            name="Sistem keuangan", funder=funder, scopes=list(scopes), actor=administrator
        )
        return Partner(secret)

    return make


def send(partner: Partner, code: str, content: bytes, **extra: str):  # type: ignore[no-untyped-def]
    return partner.upload(
        f"/api/v1/programmes/{code}/invoices", {"file": SimpleUploadedFile("tagihan.xlsx", content), **extra}
    )


# The worker closes its database connections between tasks: this one commits for real.
@pytest.mark.django_db(transaction=True)
def test_a_finance_system_sends_an_invoice_follows_it_and_downloads_the_result(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, balikpapan, token_for, django_capture_on_commit_callbacks
):
    members = enrol(bpn_2026, 2)
    partner = token_for(balikpapan, "contributions")
    content = invoice_xlsx([bill_row(members[0], "2026-03"), bill_row(members[1], "2026-03", jkk=5_000, jkm=3_400)])
    with django_capture_on_commit_callbacks(execute=True):
        answer = send(partner, "BPN-2026", content)
    assert answer.status_code == 202, answer.json()
    body = answer.json()
    assert body["status"] == "reconciling" and body["result_url"] is None
    call_command("worker", batch=True, interval=0.1)
    done = partner.get(body["status_url"]).json()
    assert done["status"] == "current" and done["month"] == "2026-03"
    assert done["statuses"]["cocok"] == {"count": 1, "sum": 16_800}
    assert done["statuses"]["selisih_jumlah"] == {"count": 1, "sum": 8_400}
    assert (done["invoiced"], done["expected"], done["proposed"], done["members"]) == (25_200, 33_600, 33_600, 2)
    result = partner.get(done["result_url"])
    assert result.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(result.streaming_content))).worksheets[0]
    assert [c.value for c in sheet[1]][-3:] == ["status", "selisih", "alasan"]
    assert AccessLog.objects.filter(what="api_invoice_result").count() == 1
    # The same file again: nothing changes.
    again = send(partner, "BPN-2026", content)
    assert again.status_code == 200 and again.json()["id"] == done["id"]
    assert Invoice.objects.count() == 1


def test_an_unreadable_invoice_is_a_422_naming_the_file_and_stores_nothing(bpn_2026, balikpapan, token_for):  # type: ignore[no-untyped-def]
    answer = send(token_for(balikpapan, "contributions"), "BPN-2026", b"kpj,nama\n1,2\n")
    assert answer.status_code == 422
    assert "periode" in answer.json()["errors"]["file"][0]
    assert not Invoice.objects.exists()
    bad_month = send(token_for(balikpapan, "contributions"), "BPN-2026", invoice_xlsx([]), month="11/2026")
    assert bad_month.status_code == 422 and "month" in bad_month.json()["errors"]


def test_scopes_and_funders_are_kept(bpn_2026, enrol, balikpapan, samarinda, token_for):  # type: ignore[no-untyped-def]
    content = invoice_xlsx([bill_row(enrol(bpn_2026, 1)[0], "2026-03")])
    assert send(token_for(balikpapan, "reports"), "BPN-2026", content).status_code == 403
    assert send(token_for(samarinda, "contributions"), "BPN-2026", content).status_code == 404
    assert token_for(balikpapan, "registration").get("/api/v1/programmes/BPN-2026/contributions").status_code == 403
    assert token_for(balikpapan, "reports").get("/api/v1/programmes/BPN-2026/members").status_code == 403
    assert token_for(samarinda, "membership").get("/api/v1/programmes/BPN-2026/members").status_code == 404


def test_a_months_figures_count_members_money_and_who_is_unpaid(  # type: ignore[no-untyped-def]
    bpn_2026, enrol, balikpapan, token_for, programme_manager, finance_officer
):
    from jaring.contributions.invoices import invoice_import

    members = enrol(bpn_2026, 3)
    enrol(bpn_2026, 1, starts=date(2026, 4, 1), first=10)
    invoice = invoice_import(
        programme=bpn_2026,
        file_name="m.xlsx",
        content=invoice_xlsx([bill_row(m, "2026-03") for m in members[:2]]),
        actor=programme_manager,
    ).invoice
    payment_record(invoice=invoice, sp2d_number="1", sp2d_date=date(2026, 3, 15), amount=16_800, actor=finance_officer)
    for scope in ("reports", "contributions"):
        body = (
            token_for(balikpapan, scope).get("/api/v1/programmes/BPN-2026/contributions", {"month": "2026-03"}).json()
        )
        assert body == {
            "month": "2026-03",
            "members": 3,
            "expected": 3 * 16_800,
            "invoiced": 2 * 16_800,
            "proposed": 2 * 16_800,
            "paid": 16_800,
            "unpaid_members": 2,
        }
    april = token_for(balikpapan, "reports").get("/api/v1/programmes/BPN-2026/contributions", {"month": "2026-04"})
    assert april.json()["members"] == 4 and april.json()["invoiced"] == 0
    wrong = token_for(balikpapan, "reports").get("/api/v1/programmes/BPN-2026/contributions", {"month": "April"})
    assert wrong.status_code == 422 and "month" in wrong.json()["errors"]


def test_the_member_list_is_paged_with_masked_niks_and_logged(bpn_2026, enrol, balikpapan, token_for):  # type: ignore[no-untyped-def]
    members = enrol(bpn_2026, 3)
    partner = token_for(balikpapan, "membership")
    first = partner.get("/api/v1/programmes/BPN-2026/members", {"page_size": 2}).json()
    assert first["count"] == 3 and first["next"] and len(first["results"]) == 2
    row = first["results"][0]
    assert row == {
        "kpj": members[0].kpj,
        "nik_masked": members[0].person.nik[:4] + "*" * 10 + members[0].person.nik[-2:],
        "nama": members[0].person.name,
        "status": "active",
        "cover_start": "2026-01-01",
        "cover_end": "2026-12-31",
    }
    second = partner.client.get(first["next"], **partner.headers()).json()
    assert [r["kpj"] for r in second["results"]] == [members[2].kpj] and second["next"] is None
    assert AccessLog.objects.filter(what="api_member_list").count() == 2
