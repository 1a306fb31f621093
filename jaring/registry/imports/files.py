"""Reading an applicant list as ../shared/spec/applicant-import.md describes it, through the one guarded reader
(`core.sheets.table_open`): XLSX (the first sheet, or the sheet named `pendaftar`) or CSV, header row first,
headers matched by `normalise_header` against `intake.COLUMNS`.

`file_check` checks the file as a whole before anything is stored (format, sheet, columns, size, rows) and
raises `ImportFileError` naming the problem. Cells are not guessed at: a NIK typed as a number stays a number,
so `parse_applicant` refuses it with its own message.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from jaring.core import sheets
from jaring.core.validation import normalise_header
from jaring.registry.intake import COLUMNS

SHEET_NAME = "pendaftar"
REQUIRED_COLUMNS = (
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "alamat",
    "domisili_sejak",
    "sektor",
    "penghasilan_bulanan",
)
# The columns a result file adds; an operator who fixes rejected rows in it and sends it again has them.
RESULT_COLUMNS = ("status", "nomor_pendaftaran", "alasan")
TEXT_COLUMNS = frozenset({"nik", "no_kk", "no_hp"})  # written back as text: Excel would eat their digits

_ALIASES: dict[str, str] = {}
for _canonical, _aliases in COLUMNS.items():
    _ALIASES[normalise_header(_canonical)] = _canonical
    for _alias in _aliases:
        _ALIASES[_alias] = _canonical
_RESULT_HEADERS = {normalise_header(name) for name in RESULT_COLUMNS}


class ImportFileError(sheets.SpreadsheetError):
    """The file as a whole cannot be imported; nothing was stored."""


def is_empty_row(row: Sequence[object]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


@dataclass
class Layout:
    """Which position of a row holds which column of the spec."""

    headers: list[str]
    columns: dict[int, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    result_positions: frozenset[int] = frozenset()  # status/nomor_pendaftaran/alasan of an earlier result
    duplicated: dict[str, list[str]] = field(default_factory=dict)

    @property
    def known(self) -> set[str]:
        return set(self.columns.values())

    def missing(self) -> list[str]:
        known = self.known
        missing = [name for name in REQUIRED_COLUMNS if name not in known]
        if "kode_kelurahan" not in known and not {"kelurahan", "kecamatan"} <= known:
            missing.append("kode_kelurahan")
        return missing

    def values(self, row: Sequence[object]) -> dict[str, object]:
        """One row keyed by the spec's column names, as `parse_applicant` takes it."""
        width = len(row)
        return {name: row[position] for position, name in self.columns.items() if position < width}


def layout_of(header_cells: Sequence[object]) -> Layout:
    headers = ["" if is_empty_row([cell]) else _cell_text(cell) for cell in header_cells]
    layout = Layout(headers=headers)
    seen: dict[str, list[str]] = {}
    results = set()
    for position, header in enumerate(headers):
        if not header:
            continue
        key = normalise_header(header)
        canonical = _ALIASES.get(key)
        if canonical is None:
            if key in _RESULT_HEADERS:
                results.add(position)
            elif header not in layout.unknown:
                layout.unknown.append(header)
            continue
        seen.setdefault(canonical, []).append(header)
        if len(seen[canonical]) == 1:
            layout.columns[position] = canonical
    layout.result_positions = frozenset(results)
    layout.duplicated = {name: found for name, found in seen.items() if len(found) > 1}
    return layout


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class CheckedFile:
    """A file that can be imported: its table and how its columns map."""

    table: sheets.Table
    layout: Layout
    rows_total: int  # data rows under the header, empty ones included
    rows_filled: int

    @property
    def kind(self) -> str:
        return self.table.kind

    @property
    def sheet_name(self) -> str:
        return self.table.sheet_name

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        """The data rows under the header, empty ones included, with their spreadsheet row numbers."""
        rows = self.table.rows()
        next(rows, None)
        yield from rows


def file_check(content: bytes | Path) -> CheckedFile:
    """Open the file and check it as a whole: format, sheet, header, size, rows. ImportFileError names the
    problem."""
    try:
        table = sheets.table_open(
            content, max_bytes=settings.IMPORT_MAX_BYTES, what=_("daftar pemohon"), sheet=SHEET_NAME
        )
        return _checked(table)
    except sheets.SpreadsheetError as exc:
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(exc.message) from None


def _checked(table: sheets.Table) -> CheckedFile:
    rows = table.rows()
    _number, header = next(rows, (1, []))
    if is_empty_row(header):
        raise ImportFileError(_("Lembar “%(sheet)s” kosong.") % {"sheet": table.sheet_name or "CSV"})
    layout = layout_of(header)
    # Not one required column (a summary sheet, a cover page): the list is on another sheet.
    if not layout.known & set(REQUIRED_COLUMNS) and table.kind == "xlsx" and not table.named:
        raise ImportFileError(
            _(
                "Lembar pertama “%(sheet)s” tidak berisi kolom daftar pemohon (nik, nama, tanggal_lahir, ...). "
                "Letakkan daftar di lembar pertama atau beri nama lembarnya “pendaftar”. Lembar yang ada: %(sheets)s."
            )
            % {"sheet": table.sheet_name, "sheets": ", ".join(table.sheet_names)}
        )
    if layout.duplicated:
        name, found = next(iter(layout.duplicated.items()))
        raise ImportFileError(
            _("Kolom %(column)s muncul lebih dari sekali (%(headers)s); hapus salah satunya.")
            % {"column": name, "headers": ", ".join(found)}
        )
    missing = layout.missing()
    if missing:
        raise ImportFileError(
            _("Kolom wajib tidak ada: %(columns)s. Nama kolom dan aliasnya ada di templat impor.")
            % {"columns": ", ".join(_column_label(name) for name in missing)}
        )
    rows_total = rows_filled = 0
    limit = settings.IMPORT_MAX_ROWS
    for _number, row in rows:
        rows_total += 1
        if not is_empty_row(row):
            rows_filled += 1
            if rows_filled > limit:
                raise ImportFileError(
                    _(
                        "Berkas berisi lebih dari %(max)s baris data, batas satu impor. Pecah daftar menjadi "
                        "beberapa berkas."
                    )
                    % {"max": f"{limit:,}".replace(",", ".")}
                )
    if rows_filled == 0:
        raise ImportFileError(_("Berkas tidak berisi baris data di bawah baris judul."))
    return CheckedFile(table=table, layout=layout, rows_total=rows_total, rows_filled=rows_filled)


def _column_label(name: str) -> str:
    if name == "kode_kelurahan":
        return _("kode_kelurahan (atau kelurahan dan kecamatan)")
    return name
