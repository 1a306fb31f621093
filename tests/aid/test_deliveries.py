"""In-kind aid: Balikpapan's monthly food packages for poor elderly people and its prosthetic legs (given once).
Deliveries are recorded per recipient and month; a month without one is shown as missed; a double submission
records one; another funder's officer is refused; and an aid scheme never reaches BPJS."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from jaring.aid.models import Delivery, DeliveryScan, Receiver
from jaring.aid.months import MonthStatus
from jaring.aid.selectors import delivery_sheet, recipient_history
from jaring.aid.services import deliveries_record, delivery_correct
from jaring.allocation.models import Place
from jaring.core.errors import DomainError, PermissionDenied
from jaring.core.models import ApiScope, AuditRecord, Notification, User
from jaring.core.services import api_token_create
from jaring.programmes.models import Programme
from tests.helpers.documents import PDF
from tests.helpers.reference import TESTS

pytestmark = pytest.mark.today("2026-12-20")

MONTHS = [date(2026, month, 1) for month in range(1, 13)]
JUNE = date(2026, 6, 1)


def deliver_every_month_but_june(programme: Programme, place: Place, officer: User) -> None:
    for period in MONTHS:
        if period == JUNE or period == date(2026, 12, 1):
            continue
        deliveries_record(
            programme=programme,
            period=period,
            place_ids=[place.pk],
            delivered_on=period.replace(day=10),
            signed=True,
            actor=officer,
        )


def test_a_food_aid_recipient_with_a_month_not_delivered_sees_it_missed(
    food_aid: Programme, recipient_of: Callable[..., Place], registration_officer: User, client_for
) -> None:
    place = recipient_of(food_aid)
    deliver_every_month_but_june(food_aid, place, registration_officer)
    deliveries_record(
        programme=food_aid,
        period=date(2026, 12, 1),
        place_ids=[place.pk],
        delivered_on=date(2026, 12, 18),
        signed=True,
        actor=registration_officer,
    )

    history = recipient_history(food_aid, place)
    assert [row.period for row in history] == MONTHS
    assert [row.status for row in history].count(MonthStatus.RECEIVED) == 11
    assert [row.period for row in history if row.status == MonthStatus.MISSED] == [JUNE]
    assert Delivery.objects.filter(place=place).count() == 11

    page = client_for(registration_officer).get(f"/bantuan/{food_aid.code}/penerima/{place.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="period-2026-06" class="status-missed"' in html
    assert "tidak diterima" in html
    assert "1 bulan tidak diterima." in html

    june = client_for(registration_officer).get(f"/bantuan/{food_aid.code}/2026-06/")
    assert june.status_code == 200
    assert f'id="recipient-{place.pk}" class="status-missed"' in june.content.decode()


def test_the_current_month_without_a_delivery_is_still_due_not_missed(
    food_aid: Programme, recipient_of: Callable[..., Place]
) -> None:
    place = recipient_of(food_aid)
    [row] = delivery_sheet(food_aid, date(2026, 12, 1))
    assert row.place == place and row.status == MonthStatus.DUE


def test_officers_record_a_months_deliveries_in_one_form_and_a_double_submission_records_one(
    food_aid: Programme, recipient_of: Callable[..., Place], programme_manager: User, client_for
) -> None:
    first = recipient_of(food_aid, name="Siti Aminah")
    second = recipient_of(food_aid, name="Mbah Karto")
    client = client_for(programme_manager)
    form = {"places": [first.pk, second.pk], "delivered_on": "12-11-2026", "signed": "on", "notes": "Posyandu"}

    answer = client.post(f"/bantuan/{food_aid.code}/2026-11/", form)
    again = client.post(f"/bantuan/{food_aid.code}/2026-11/", form, follow=True)

    assert answer.status_code == 302
    assert Delivery.objects.filter(programme=food_aid, period=date(2026, 11, 1)).count() == 2
    assert "2 penerima sudah tercatat menerima untuk bulan ini; tidak dicatat dua kali." in again.content.decode()
    delivery = Delivery.objects.get(place=first, period=date(2026, 11, 1))
    assert delivery.signed and delivery.delivered_on == date(2026, 11, 12)
    assert delivery.recorded_by == programme_manager and delivery.handed_over_by == programme_manager.full_name
    assert AuditRecord.objects.filter(action="aid.delivery_record", target_id=str(delivery.pk)).count() == 1


def test_the_service_records_nothing_twice_for_a_recipient_and_month(
    food_aid: Programme, recipient_of: Callable[..., Place], registration_officer: User
) -> None:
    place = recipient_of(food_aid)
    args = {
        "programme": food_aid,
        "period": date(2026, 3, 1),
        "place_ids": [place.pk],
        "delivered_on": date(2026, 3, 9),
        "signed": False,
        "actor": registration_officer,
    }
    assert len(deliveries_record(**args).created) == 1
    again = deliveries_record(**args)
    assert again.created == [] and again.already == [place.pk]


def test_a_delivery_day_in_the_future_or_before_its_month_is_refused_naming_the_field(
    food_aid: Programme, recipient_of: Callable[..., Place], registration_officer: User, client_for
) -> None:
    place = recipient_of(food_aid)
    for day in ("21-12-2026", "28-02-2026"):
        answer = client_for(registration_officer).post(
            f"/bantuan/{food_aid.code}/2026-03/", {"places": [place.pk], "delivered_on": day}
        )
        assert answer.status_code == 400
        assert "Tanggal penyerahan tidak boleh" in answer.content.decode()
    assert not Delivery.objects.exists()
    month = client_for(registration_officer).get(f"/bantuan/{food_aid.code}/2027-01/")
    assert month.status_code == 400 and "di luar masa program" in month.content.decode()


def test_a_representative_is_named_and_a_correction_is_audited_with_before_and_after(
    food_aid: Programme, recipient_of: Callable[..., Place], registration_officer: User, client_for
) -> None:
    place = recipient_of(food_aid)
    [delivery] = deliveries_record(
        programme=food_aid,
        period=date(2026, 4, 1),
        place_ids=[place.pk],
        delivered_on=date(2026, 4, 7),
        signed=False,
        actor=registration_officer,
    ).created
    with pytest.raises(DomainError) as refused:
        delivery_correct(
            delivery=delivery,
            actor=registration_officer,
            delivered_on=date(2026, 4, 7),
            received_by=Receiver.REPRESENTATIVE,
            signed=True,
            handed_over_by="Petugas Dinsos",
        )
    assert refused.value.field == "representative_name"

    answer = client_for(registration_officer).post(
        f"/bantuan/{food_aid.code}/penyerahan/{delivery.pk}/ubah/",
        {
            "delivered_on": "08-04-2026",
            "received_by": Receiver.REPRESENTATIVE,
            "representative_name": "Rahmat",
            "representative_relation": "anak",
            "quantity": "1",
            "signed": "on",
            "handed_over_by": "Petugas Dinsos",
            "scan": io.BytesIO(PDF),
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:500]
    delivery.refresh_from_db()
    assert delivery.representative_name == "Rahmat" and delivery.signed and delivery.corrected_at is not None
    assert delivery.scan is not None and DeliveryScan.objects.filter(programme=food_aid).count() == 1
    record = AuditRecord.objects.get(action="aid.delivery_correct", target_id=str(delivery.pk))
    assert record.data["changes"]["delivered_on"] == {"from": "2026-04-07", "to": "2026-04-08"}
    assert record.data["changes"]["signed"] == {"from": False, "to": True}


def test_a_prosthetic_leg_is_given_once_and_missing_it_shows_only_after_the_recipients_time(
    prosthetic_legs: Programme, recipient_of: Callable[..., Place], registration_officer: User
) -> None:
    waiting = recipient_of(prosthetic_legs, name="Yohanes")
    fitted = recipient_of(prosthetic_legs, name="Andi Kurniawan")
    deliveries_record(
        programme=prosthetic_legs,
        period=date(2026, 1, 1),
        place_ids=[fitted.pk],
        delivered_on=date(2026, 5, 20),
        signed=True,
        actor=registration_officer,
    )
    sheet = {row.place: row.status for row in delivery_sheet(prosthetic_legs, date(2026, 1, 1))}
    assert sheet == {fitted: MonthStatus.RECEIVED, waiting: MonthStatus.DUE}
    assert [row.status for row in recipient_history(prosthetic_legs, waiting)] == [MonthStatus.DUE]


def test_the_printed_list_and_the_xlsx_have_a_column_to_sign(
    food_aid: Programme, recipient_of: Callable[..., Place], registration_officer: User, client_for
) -> None:
    place = recipient_of(food_aid)
    client = client_for(registration_officer)
    printed = client.get(f"/bantuan/{food_aid.code}/2026-05/cetak/")
    assert printed.status_code == 200
    assert "Tanda tangan / cap jempol" in printed.content.decode() and place.person.name in printed.content.decode()

    download = client.get(f"/bantuan/{food_aid.code}/2026-05/xlsx/")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "No")
    assert header[-1] == "Tanda tangan / cap jempol"
    line = rows[rows.index(header) + 1]
    assert line[1] == place.person.name and line[2] == place.person.nik_masked and line[7] == "tidak diterima"


def test_the_command_writes_a_months_list_to_a_file(
    food_aid: Programme, recipient_of: Callable[..., Place], tmp_path
) -> None:
    place = recipient_of(food_aid)
    out = tmp_path / "sembako.xlsx"
    call_command("aid_delivery_list", food_aid.code, "2026-07", output=str(out), full_nik=True)
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert any(r[2] == place.person.nik for r in rows if r and r[0] == 1)


def test_another_funders_officer_and_token_are_refused(
    food_aid: Programme,
    recipient_of: Callable[..., Place],
    samarinda_officer: User,
    samarinda,
    client_for,
) -> None:
    place = recipient_of(food_aid)
    client = client_for(samarinda_officer)
    assert client.get(f"/bantuan/{food_aid.code}/2026-05/").status_code == 404
    assert client.get(f"/bantuan/{food_aid.code}/penerima/{place.pk}/").status_code == 404
    posted = client.post(f"/bantuan/{food_aid.code}/2026-05/", {"places": [place.pk], "delivered_on": "10-05-2026"})
    assert posted.status_code == 404
    with pytest.raises(PermissionDenied):
        deliveries_record(
            programme=food_aid,
            period=date(2026, 5, 1),
            place_ids=[place.pk],
            delivered_on=date(2026, 5, 10),
            signed=True,
            actor=samarinda_officer,
        )
    assert not Delivery.objects.exists()
    _, secret = api_token_create(name="Mitra SMD", funder=samarinda, scopes=list(ApiScope.values), actor=TESTS)
    answer = Client().get(
        f"/api/v1/aid/{food_aid.code}/deliveries", {"month": "2026-05"}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert answer.status_code == 403


def test_leadership_reads_the_lists_but_does_not_record(
    food_aid: Programme, recipient_of: Callable[..., Place], leadership: User, client_for
) -> None:
    place = recipient_of(food_aid)
    client = client_for(leadership)
    page = client.get(f"/bantuan/{food_aid.code}/2026-05/")
    assert page.status_code == 200 and 'id="record-form"' not in page.content.decode()
    posted = client.post(f"/bantuan/{food_aid.code}/2026-05/", {"places": [place.pk], "delivered_on": "10-05-2026"})
    assert posted.status_code == 403
    assert not Delivery.objects.exists()


def test_a_partner_reads_a_months_deliveries_with_nik_masked(
    food_aid: Programme, recipient_of: Callable[..., Place], registration_officer: User, balikpapan
) -> None:
    place = recipient_of(food_aid)
    other = recipient_of(food_aid, name="Mbah Karto")
    deliveries_record(
        programme=food_aid,
        period=date(2026, 5, 1),
        place_ids=[place.pk],
        delivered_on=date(2026, 5, 10),
        signed=True,
        actor=registration_officer,
    )
    _, secret = api_token_create(name="Bappeda", funder=balikpapan, scopes=[ApiScope.REPORTS], actor=TESTS)
    answer = Client().get(
        f"/api/v1/aid/{food_aid.code}/deliveries", {"month": "2026-05"}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["recipients"], body["received"], body["missed"]) == (2, 1, 1)
    assert body["nik_masked"] and body["deliveries"][0]["nik"] == place.person.nik_masked != other.person.nik_masked
    bad = Client().get(
        f"/api/v1/aid/{food_aid.code}/deliveries", {"month": "2026-13"}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert bad.status_code == 422 and "month" in bad.json()["errors"]
    assert "/api/v1/aid/{code}/deliveries" in Client().get("/api/v1/openapi.json").json()["paths"]


def test_an_approved_aid_recipient_is_told_of_the_goods_not_of_bpjs(
    food_aid: Programme, recipient_of: Callable[..., Place]
) -> None:
    place = recipient_of(food_aid)
    message = Notification.objects.get(target_id=str(place.application_id), template="decision_approved")
    assert "Paket sembako lansia miskin" in message.body and "BPJS" not in message.body
