"""Writing spreadsheet cells that someone else typed: every text goes out as text, never as a formula.

openpyxl stores a string starting with "=" as a formula, so a name `=HYPERLINK("http://evil.example/","klik")`
sent through the API would become a live link (or worse) when an officer opens the export in Excel. Every
XLSX export writes its rows through `cell`/`row` here (write-only sheets).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

TEXT_FORMAT = "@"


def cell(
    sheet: WriteOnlyWorksheet, value: Any, *, text: bool = False, font: Font | None = None, fmt: str = ""
) -> WriteOnlyCell:
    """A cell of a write-only sheet; a string is a literal string whatever it starts with. `text` gives the
    cell the text format (`@`), so Excel keeps a NIK's 16 digits and a phone's leading 0."""
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
    """A row for `sheet.append`: strings become literal string cells, other values stay as they are."""
    return [cell(sheet, value) if isinstance(value, str) else value for value in values]
