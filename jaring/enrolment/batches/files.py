"""The collective registration file for the BPJS branch, from a frozen batch: XLSX and CSV.

The rows are the values kept when the batch was made (`BatchMember.row`), in the batch's column order, so a
file downloaded again months later is the file that was sent, whatever changed in the registry since.
"""

from __future__ import annotations

import csv
import io

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jaring.core import xlsx
from jaring.core.actors import Actor
from jaring.core.models import User
from jaring.core.services import access_log_write
from jaring.enrolment.columns import COLUMNS
from jaring.enrolment.models import Batch

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
SHEET_NAME = "peserta"
# Indonesian Excel uses "," as the decimal mark, so it splits CSV on ";".
CSV_DELIMITER = ";"
# A cell starting with one of these is read by Excel as a formula when the CSV is opened: such a value is
# written with a leading apostrophe, which Excel hides (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def headers_for(columns: list[str]) -> list[str]:
    """The file's header row for these column keys (what the branch reads, and what its answer echoes)."""
    return [COLUMNS[key].header if key in COLUMNS else key.upper() for key in columns]


def headers_of(batch: Batch) -> list[str]:
    return headers_for(batch.columns)


def _text_positions(batch: Batch) -> set[int]:
    return {i for i, key in enumerate(batch.columns) if key in COLUMNS and COLUMNS[key].text}


def _rows(batch: Batch) -> list[list[object]]:
    return list(batch.members.order_by("position").values_list("row", flat=True))


def batch_xlsx(batch: Batch) -> bytes:
    """One sheet "peserta": the headers in bold, then one row per member. NIK, KK and phone are text cells (`@`)
    so Excel neither rounds a 16-digit NIK nor drops a phone's leading 0."""
    workbook = xlsx.workbook()
    sheet = workbook.create_sheet(SHEET_NAME)
    headers = headers_of(batch)
    text = _text_positions(batch)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(header) + 4))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value: object, *, as_text: bool = False, font: Font | None = None) -> WriteOnlyCell:
        return xlsx.cell(sheet, value, text=as_text, font=font)

    sheet.append([cell(header, font=bold) for header in headers])
    for row in _rows(batch):
        values = list(row) + [""] * (len(headers) - len(row))
        sheet.append(
            [
                cell(str(value) if i in text else value, as_text=i in text)
                for i, value in enumerate(values[: len(headers)])
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def batch_csv(batch: Batch) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads the names' letters right), `;` between values, a value
    quoted when it holds `;`, a quote or a line break."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    headers = headers_of(batch)
    writer.writerow(headers)
    for row in _rows(batch):
        writer.writerow([_csv_value(value) for value in list(row)[: len(headers)]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def batch_file(batch: Batch, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the batch's file in "xlsx" or "csv"."""
    if fmt == "csv":
        return batch_csv(batch), CSV_CONTENT_TYPE, f"{batch.number}.csv"
    if fmt == "xlsx":
        return batch_xlsx(batch), XLSX_CONTENT_TYPE, f"{batch.number}.xlsx"
    raise ValueError(f"unknown batch file format {fmt!r}")


def batch_download_log(
    *, batch: Batch, fmt: str, actor: Actor | User, path: str = "", ip_address: str | None = None
) -> None:
    """The file holds every member's identity: each download is written to the access log."""
    access_log_write(
        actor=actor,
        person_ref=f"batch:{batch.number}",
        person_label=f"Batch {batch.number} ({batch.members.count()})",
        what=f"batch_file_{fmt}",
        path=path,
        ip_address=ip_address,
        funder=batch.programme.funder,
    )
