"""Writing spreadsheet cells that someone else typed: every text goes out as text, never as a formula.

openpyxl stores a string starting with "=" as a formula (and "#N/A" as an error value), so a name
`=HYPERLINK("http://evil.example/","klik")` sent through the API would become a live link (or worse) when an
officer opens the export in Excel. Every XLSX export writes its rows through `cell`/`row` here (write-only
sheets).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jaring.core import clock

TEXT_FORMAT = "@"


def workbook(*, write_only: bool = True) -> Workbook:
    """A new workbook whose "created" and "modified" properties come from the clock (openpyxl would read the real
    one): every XLSX Jaring writes starts here."""
    book = Workbook(write_only=write_only)
    moment = clock.now().astimezone(UTC).replace(tzinfo=None)  # openpyxl keeps naive UTC
    book.properties.created = book.properties.modified = moment
    return book


_TAKEN_FOR_MORE = ("=", "#")  # what openpyxl would store as a formula or an error value


def _clean(value: str) -> str:
    """Control characters a worksheet cannot hold (a CSV may carry them) are dropped; openpyxl would refuse."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if ILLEGAL_CHARACTERS_RE.search(value) else value


def cell(
    sheet: WriteOnlyWorksheet, value: Any, *, text: bool = False, font: Font | None = None, fmt: str = ""
) -> WriteOnlyCell:
    """A cell of a write-only sheet; a string is a literal string whatever it starts with. `text` gives the
    cell the text format (`@`), so Excel keeps a NIK's 16 digits and a phone's leading 0."""
    if isinstance(value, str):
        value = _clean(value)
    item = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        item.data_type = "s"  # never a formula, whatever the value starts with
    if text:
        item.number_format = TEXT_FORMAT
    if fmt:
        item.number_format = fmt
    if font is not None:
        item.font = font
    return item


def row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append`: strings stay literal strings, other values stay as they are. Only a string
    openpyxl would take for more than text gets a cell object of its own (a hundred thousand rows of cell
    objects cost seconds)."""
    return [_literal(sheet, value) if type(value) is str else value for value in values]


def _literal(sheet: WriteOnlyWorksheet, value: str) -> Any:
    value = _clean(value)
    return cell(sheet, value) if value.startswith(_TAKEN_FOR_MORE) else value


def as_text(value: object) -> str:
    """A cell's value as text: a whole number without ".0" (a NIK typed as a number stays recognisable), a date
    as Indonesians write it."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value)
