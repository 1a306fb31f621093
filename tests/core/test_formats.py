"""One number format and one date order on every page (issue 21): counts with Indonesian thousands dots, and dates
typed day first into text inputs (a browser's date picker shows 12/07/2026 for 7 December in some locales)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.test import Client

from jaring.core.forms import DAY_PATTERN, DayField, day_from_text
from jaring.core.models import User
from jaring.core.templatetags.jaring_format import ribuan
from jaring.programmes.models import Programme


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (7087, "7.087"),
        (7081, "7.081"),
        (100000, "100.000"),
        (999, "999"),
        (0, "0"),
        (-1500, "-1.500"),
        (Decimal("12000"), "12.000"),
        ("7100", "7.100"),
        (Decimal("12.5"), Decimal("12.5")),  # not a whole number: left as it is
        ("BPN-2026", "BPN-2026"),
        (None, None),
        (True, True),
    ],
)
def test_counts_are_grouped_the_indonesian_way(value: object, shown: object) -> None:
    assert ribuan(value) == shown


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("07-12-2026", date(2026, 12, 7)),
        ("7-12-2026", date(2026, 12, 7)),
        ("07/12/2026", date(2026, 12, 7)),
        ("07.12.2026", date(2026, 12, 7)),  # a phone's number pad may have a dot but no dash
        ("07 12 2026", date(2026, 12, 7)),
        ("07122026", date(2026, 12, 7)),
        ("2026-12-07", date(2026, 12, 7)),  # ISO, from scripts
        (" 07-12-2026 ", date(2026, 12, 7)),
        ("31-02-2026", None),
        ("12/2026", None),
        ("kemarin", None),
        ("2026-13-01", None),
    ],
)
def test_a_day_is_read_day_first_as_people_type_it(typed: str, day: date | None) -> None:
    assert day_from_text(typed) == day


def test_a_day_field_is_a_text_input_shown_and_read_day_first() -> None:
    class Form(forms.Form):
        on = DayField(label="Tanggal")

    html = str(Form(initial={"on": date(2026, 12, 7)})["on"])
    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="07-12-2026"' in html and 'placeholder="HH-BB-TTTT"' in html and 'inputmode="numeric"' in html
    assert f'pattern="{DAY_PATTERN}"' in html.replace("&quot;", '"')
    bound = Form({"on": "07.12.2026"})
    assert bound.is_valid() and bound.cleaned_data["on"] == date(2026, 12, 7)
    refused = Form({"on": "12/31/2026"})
    assert not refused.is_valid()
    assert refused.errors["on"] == ["Tulis tanggal-bulan-tahun dengan angka, misalnya 17-08-2026."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/program/BPN-2026/sk/", "/program/tarif-iuran/", "/program/perencana/", "/rujukan/libur/"]
)
def test_no_officer_page_offers_the_browsers_date_picker(
    path: str,
    bpn_2026: Programme,
    programme_manager: User,
    system_administrator: User,
    client_for: Callable[..., Client],
) -> None:
    # The contribution table and the holidays are the system operator's to edit.
    user = system_administrator if path in ("/rujukan/libur/", "/program/tarif-iuran/") else programme_manager
    html = client_for(user).get(path).content.decode()
    assert 'type="date"' not in html
    assert "HH-BB-TTTT" in html


@pytest.mark.django_db
@pytest.mark.today("2026-11-03")
def test_the_waitlist_and_the_home_page_write_counts_with_thousands_dots(
    bpn_2026: Programme, programme_manager: User, client_for: Callable[..., Client]
) -> None:
    client = client_for(programme_manager)
    waitlist = client.get("/program/BPN-2026/daftar-tunggu/").content.decode()
    assert "7.100 tempat kosong" in waitlist and "7100" not in waitlist
    quota = client.get("/program/BPN-2026/kuota/").content.decode()
    assert "7.100" in quota
