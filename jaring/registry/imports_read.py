"""Reading an applicant list as ../shared/spec/applicant-import.md describes it: XLSX (first sheet, or the
sheet named `pendaftar`) or CSV (UTF-8 with or without BOM, or Windows-1252; `,` or `;`), header row first,
headers matched by `normalise_header` against `intake.COLUMNS`.

Nothing is guessed: CSV cells stay strings, XLSX cells keep calamine's raw values (a NIK typed as a number
stays a number, so `parse_nik` can refuse it with its own message). A file that cannot be used as a whole
raises `ImportFileError` (a DomainError in Bahasa Indonesia) before anything is stored.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, cast

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from jaring.core import sheets
from jaring.core.errors import DomainError
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


class ImportFileError(DomainError):
    """The file as a whole cannot be imported; nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_empty_row(row: Sequence[object]) -> bool:
    return all(_is_blank(value) for value in row)


@dataclass
class Layout:
    """Which position holds which spec column."""

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
        """One row keyed by spec column names, as `parse_applicant` takes it."""
        width = len(row)
        return {name: row[position] for position, name in self.columns.items() if position < width}


def layout_of(header_cells: Sequence[object]) -> Layout:
    headers = ["" if _is_blank(cell) else _cell_text(cell) for cell in header_cells]
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


class Source(Protocol):
    kind: str
    sheet_name: str

    def header(self) -> list[object]: ...

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        """Data rows after the header, each with its row number as a spreadsheet shows it."""
        ...


class XlsxSource:
    kind = "xlsx"

    def __init__(self, sheet: python_calamine.CalamineSheet, *, named: bool, sheet_names: list[str]) -> None:
        self.sheet = sheet
        self.sheet_name = sheet.name
        self.named = named  # the sheet is called `pendaftar` (else it is simply the first one)
        self.sheet_names = sheet_names
        start = sheet.start
        self.first_row = (start[0] + 1) if start else 1  # 1-based number of the header row

    def header(self) -> list[object]:
        return list(next(iter(self.sheet.iter_rows()), []))

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        rows = self.sheet.iter_rows()
        next(rows, None)
        for offset, row in enumerate(rows, start=1):
            yield self.first_row + offset, cast("list[object]", row)


class CsvSource:
    kind = "csv"
    sheet_name = ""

    def __init__(self, text: str, delimiter: str) -> None:
        self.text = text
        self.delimiter = delimiter

    def _reader(self) -> Iterator[list[str]]:
        return csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)

    def header(self) -> list[object]:
        return list(next(self._reader(), []))

    def rows(self) -> Iterator[tuple[int, list[object]]]:
        reader = self._reader()
        next(reader, None)
        for number, row in enumerate(reader, start=2):
            yield number, list(row)


@dataclass
class CheckedFile:
    """A file that can be imported: where its rows are and how its columns map."""

    source: Source
    layout: Layout
    rows_total: int  # data rows under the header, empty ones included
    rows_filled: int

    @property
    def kind(self) -> str:
        return self.source.kind

    @property
    def sheet_name(self) -> str:
        return self.source.sheet_name


def file_check(content: bytes | Path) -> CheckedFile:
    """Open the file and check it as a whole: format, sheet, header, size. ImportFileError names the problem."""
    source = source_open(content)
    try:
        return _checked(source)
    except sheets.SpreadsheetError as exc:
        raise ImportFileError(exc.message) from None


def source_open(content: bytes | Path) -> Source:
    """The sheet (or CSV) of the file, opened through the guarded reader but not yet judged as an import: the
    duplicate check reads lists that lack columns an import requires. ImportFileError names the problem."""
    if isinstance(content, Path):
        size = content.stat().st_size
        head = content.open("rb").read(8) if size else b""
    else:
        size = len(content)
        head = content[:8]
    if size == 0:
        raise ImportFileError(_("Berkas kosong (0 bita). Pilih berkas XLSX atau CSV yang berisi daftar pemohon."))
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("Berkas terlalu besar (%(size)s MB); paling besar %(max)s MB. Pecah daftar menjadi beberapa berkas.")
            % {"size": f"{size / 1_048_576:.1f}".replace(".", ","), "max": settings.IMPORT_MAX_BYTES // 1_048_576}
        )
    data = content.read_bytes() if isinstance(content, Path) and not sheets.is_zip(head) else content
    try:
        if sheets.is_ole2(head):
            assert isinstance(data, bytes)
            sheets.ole2_check(data)
            raise ImportFileError(_ole2_message())
        if sheets.is_zip(head):
            return _xlsx_source(content)
        assert isinstance(data, bytes)
        return _csv_source(data)
    except sheets.SpreadsheetError as exc:
        raise ImportFileError(exc.message) from None


def _ole2_message() -> str:
    return _(
        "Berkas Excel format lama (.xls) tidak didukung. Simpan sebagai Excel Workbook (.xlsx) atau CSV, lalu "
        "unggah lagi."
    )


def _corrupt(problem: object) -> ImportFileError:
    return ImportFileError(
        _("Berkas XLSX rusak dan tidak dapat dibuka (%(problem)s). Simpan ulang dari Excel, lalu unggah lagi.")
        % {"problem": str(problem)[:120]}
    )


def _xlsx_source(content: bytes | Path) -> XlsxSource:
    try:
        names = sheets.zip_check(content, max_bytes=settings.IMPORT_MAX_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise _corrupt(exc) from None
    if "xl/workbook.xml" not in names:
        raise ImportFileError(
            _(
                "Berkas ini arsip ZIP tetapi bukan workbook XLSX (mungkin ODS atau dokumen Word). Simpan "
                "daftar sebagai Excel Workbook (.xlsx) atau CSV, lalu unggah lagi."
            )
        )
    try:
        workbook = sheets.workbook_open(content)
        names_in_order = list(workbook.sheet_names)
        if not names_in_order:
            raise _corrupt(_("tidak ada lembar"))
        chosen = next((name for name in names_in_order if normalise_header(name) == SHEET_NAME), None)
        sheet = workbook.get_sheet_by_name(chosen) if chosen else workbook.get_sheet_by_index(0)
    except python_calamine.CalamineError as exc:
        raise _corrupt(exc) from None
    return XlsxSource(sheet, named=chosen is not None, sheet_names=names_in_order)


def _csv_source(data: bytes) -> CsvSource:
    sample = data[:65536]
    # Control bytes mean a binary file; a NUL anywhere would also be refused by PostgreSQL in a text column.
    if b"\x00" in data or any(byte < 9 or 13 < byte < 32 for byte in sample if byte != 26):
        raise ImportFileError(
            _("Berkas ini bukan XLSX atau CSV. Unggah daftar pemohon sebagai .xlsx atau .csv (lihat templat).")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError(
                _("Berkas CSV tidak dapat dibaca sebagai UTF-8 maupun Windows-1252. Simpan sebagai “CSV UTF-8”.")
            ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return CsvSource(text, delimiter)


def _checked(source: Source) -> CheckedFile:
    try:
        header = source.header()
        if is_empty_row(header):
            raise ImportFileError(_("Lembar “%(sheet)s” kosong.") % {"sheet": source.sheet_name or "CSV"})
        layout = layout_of(header)
        # Not one required column (a summary sheet, a cover page): the list is on another sheet.
        applicant_columns = layout.known & set(REQUIRED_COLUMNS)
        if not applicant_columns and isinstance(source, XlsxSource) and not source.named:
            raise ImportFileError(
                _(
                    "Lembar pertama “%(sheet)s” tidak berisi kolom daftar pemohon (nik, nama, tanggal_lahir, ...). "
                    "Letakkan daftar di lembar pertama atau beri nama lembarnya “pendaftar”. "
                    "Lembar yang ada: %(sheets)s."
                )
                % {"sheet": source.sheet_name, "sheets": ", ".join(source.sheet_names)}
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
        sheets.cells_check(header, number=1)
        for number, row in source.rows():
            sheets.cells_check(row, number=number)
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
    except csv.Error as exc:
        raise ImportFileError(
            _("Berkas CSV rusak: %(problem)s. Simpan ulang dari Excel, lalu unggah lagi.") % {"problem": exc}
        ) from None
    if rows_filled == 0:
        raise ImportFileError(_("Berkas tidak berisi baris data di bawah baris judul."))
    return CheckedFile(source=source, layout=layout, rows_total=rows_total, rows_filled=rows_filled)


def _column_label(name: str) -> str:
    if name == "kode_kelurahan":
        return _("kode_kelurahan (atau kelurahan dan kecamatan)")
    return name
