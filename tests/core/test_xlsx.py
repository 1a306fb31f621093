"""Spreadsheets Jaring writes: their properties come from the clock, their text stays text."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from jaring.core import xlsx


@pytest.mark.today("2026-03-02")
def test_a_workbook_says_it_was_made_on_the_day_the_clock_gives() -> None:
    book = xlsx.workbook()
    sheet = book.create_sheet("data")
    sheet.append([xlsx.cell(sheet, '=HYPERLINK("http://evil.example/","klik")')])
    out = io.BytesIO()
    book.save(out)
    opened = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert opened.properties.created.date() == datetime(2026, 3, 2).date()
    assert opened["data"]["A1"].data_type == "s"
