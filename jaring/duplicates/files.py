"""An applicant list (../shared/spec/applicant-import.md) read for the duplicate check, and the pairs written
as the CSV of ../shared/spec/duplicates.md.

The file is opened through the one guarded reader every upload uses (`core.sheets.table_open`, the sheet named
`pendaftar` or the first) and its headers matched the import's way (`registry.imports.files.layout_of`). Unlike
an import, a row is never refused:
a list without `domisili_sejak`, or a row with an unreadable birth date, is compared on what it has.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from jaring.core import sheets
from jaring.duplicates.engine import Match
from jaring.duplicates.reasons import reasons_text
from jaring.duplicates.records import Record, record_from_cells
from jaring.registry.imports.files import SHEET_NAME, ImportFileError, is_empty_row, layout_of

HEADER = ("row_a", "row_b", "nik_b", "score", "reasons")
# Without one of these there is nothing to compare a row on.
IDENTIFYING = frozenset({"nik", "nama", "tanggal_lahir", "no_kk"})


@dataclass
class ListFile:
    records: list[Record]
    unknown_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)


def list_read(content: bytes | Path) -> ListFile:
    """Every filled row of the list as a Record keyed by its spreadsheet row number (the header is row 1).
    ImportFileError when the file cannot be read as a list at all."""
    try:
        table = sheets.table_open(
            content, max_bytes=settings.IMPORT_MAX_BYTES, what=_("daftar pemohon"), sheet=SHEET_NAME
        )
        rows = table.rows()
        _number, header = next(rows, (1, []))
        layout = layout_of(header)
        if not layout.known & IDENTIFYING:
            raise ImportFileError(
                _(
                    "Baris judul tidak berisi kolom yang dapat dibandingkan (nik, nama, tanggal_lahir atau no_kk). "
                    "Nama kolom dan aliasnya ada di templat impor."
                )
            )
        records = []
        limit = settings.IMPORT_MAX_ROWS
        for number, row in rows:
            if is_empty_row(row):
                continue
            records.append(record_from_cells(number, layout.values(row)))
            if len(records) > limit:
                raise ImportFileError(
                    _("Berkas berisi lebih dari %(max)s baris data. Pecah daftar menjadi beberapa berkas.")
                    % {"max": f"{limit:,}".replace(",", ".")}
                )
    except sheets.SpreadsheetError as exc:
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(exc.message) from None
    missing = [name for name in ("nik", "nama", "tanggal_lahir", "jenis_kelamin") if name not in layout.known]
    return ListFile(records=records, unknown_columns=layout.unknown, missing_columns=missing)


def pairs_csv(matches: Iterable[Match], *, niks: Mapping[int, str]) -> str:
    """The spec's CSV: a header, then one line per pair, in the order given (best first). `niks` gives the NIK
    of each registry person a row matched (key: the person's id)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for match in matches:
        writer.writerow(
            [
                match.a_key,
                "" if match.b_other else match.b_key,
                niks.get(match.b_key, "") if match.b_other else "",
                f"{match.probability:.4f}",
                reasons_text(match.levels, match.context),
            ]
        )
    return out.getvalue()
