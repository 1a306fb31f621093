"""Reading the BPJS branch's invoice (Rincian Tagihan Iuran) as ../shared/spec/bpjs-invoice.md describes it:
XLSX (first sheet, or the sheet named `tagihan`) or CSV (UTF-8 or Windows-1252, `,` or `;`), header row first,
headers matched as the applicant import matches them (`normalise_header`), by the spec's names and aliases plus
the header names the programme manager added to the programme's column template.

Each cell is read into a value or a problem naming its column ("Kolom periode: ..."). Invoices repeat the same
few values on every row (one month, Rp10.000 and Rp6.800), so the parse of each distinct raw value is kept:
a million rows cost a few dictionary look-ups each. A file that cannot be read at all raises InvoiceFileError.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from jaring.core import sheets
from jaring.core.errors import DomainError
from jaring.core.validation import FieldError, Invalid, normalise_header, parse_date, parse_kpj, parse_nik, parse_rupiah

SHEET_NAME = "tagihan"

# Spec column -> aliases, as written in the spec (normalised when matched).
COLUMNS: dict[str, tuple[str, ...]] = {
    "kpj": ("no_kpj", "nomor_peserta"),
    "nik": ("no_ktp",),
    "nama": ("nama_peserta",),
    "periode": ("bulan", "bulan_iuran"),
    "iuran_jkk": ("jkk",),
    "iuran_jkm": ("jkm",),
    "jumlah": ("total", "total_iuran"),
}
REQUIRED = ("kpj", "periode", "iuran_jkk", "iuran_jkm")
RESULT_COLUMNS = ("status", "selisih", "alasan")  # added by a result file; ignored when one is read back
NAME_MAX = 150


class InvoiceFileError(DomainError):
    """The invoice as a whole cannot be read; nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


def aliases_for(extra: Mapping[str, Sequence[str]] | None = None) -> dict[str, str]:
    """Normalised header -> spec column: the spec's names and aliases, then the programme's own headers."""
    lookup: dict[str, str] = {}
    for column, aliases in COLUMNS.items():
        for name in (column, *aliases):
            lookup[normalise_header(name)] = column
    for column, names in (extra or {}).items():
        if column in COLUMNS:
            for name in names:
                lookup.setdefault(normalise_header(str(name)), column)
    return lookup


@dataclass
class Layout:
    headers: list[str]
    positions: dict[str, int]  # spec column -> position in the row
    result_positions: frozenset[int] = frozenset()


def layout_of(header: Sequence[object], extra: Mapping[str, Sequence[str]] | None = None) -> Layout:
    lookup = aliases_for(extra)
    ignored = {normalise_header(name) for name in RESULT_COLUMNS}
    headers = ["" if _blank(cell) else _text(cell) for cell in header]
    positions: dict[str, int] = {}
    seen: dict[str, list[str]] = {}
    results = set()
    for position, text in enumerate(headers):
        key = normalise_header(text)
        if not key:
            continue
        column = lookup.get(key)
        if column is None:
            if key in ignored:
                results.add(position)
            continue
        seen.setdefault(column, []).append(text)
        positions.setdefault(column, position)
    doubled = {column: found for column, found in seen.items() if len(found) > 1}
    if doubled:
        column, found = next(iter(doubled.items()))
        raise InvoiceFileError(
            _("Kolom %(column)s muncul lebih dari sekali (%(headers)s); hapus salah satunya.")
            % {"column": column, "headers": ", ".join(found)}
        )
    missing = [column for column in REQUIRED if column not in positions]
    if missing:
        raise InvoiceFileError(
            _(
                "Kolom wajib tidak ada: %(columns)s. Baris pertama berkas harus berisi judul kolom kpj, periode, "
                "iuran_jkk dan iuran_jkm (atau aliasnya, atau judul yang diatur di templat kolom tagihan program)."
            )
            % {"columns": ", ".join(missing)}
        )
    return Layout(headers=headers, positions=positions, result_positions=frozenset(results))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- opening ---------------------------------------------------------------------------------------------------


@dataclass
class InvoiceFile:
    table: sheets.Table
    layout: Layout

    @property
    def kind(self) -> str:
        return self.table.kind


def invoice_open(content: bytes | Path, *, extra: Mapping[str, Sequence[str]] | None = None) -> InvoiceFile:
    """Open the file through the one guarded reader (`core.sheets`) and find its columns. InvoiceFileError names
    what is wrong with the file as a whole."""
    try:
        table = sheets.table_open(
            content, max_bytes=settings.INVOICE_MAX_BYTES, what=_("tagihan iuran BPJS"), sheet=SHEET_NAME
        )
        header = next(iter(table.rows()), (1, []))[1]
    except sheets.SpreadsheetError as exc:
        raise InvoiceFileError(exc.message) from None
    if all(_blank(cell) for cell in header):
        raise InvoiceFileError(_("Baris pertama berkas kosong; baris pertama harus berisi judul kolom tagihan."))
    return InvoiceFile(table=table, layout=layout_of(header, extra))


# -- cells -----------------------------------------------------------------------------------------------------

_MONTHS = {
    **dict.fromkeys(("jan", "januari", "january"), 1),
    **dict.fromkeys(("feb", "februari", "pebruari", "february"), 2),
    **dict.fromkeys(("mar", "maret", "march"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("jun", "juni", "june"), 6),
    **dict.fromkeys(("jul", "juli", "july"), 7),
    **dict.fromkeys(("agu", "agt", "ags", "agustus", "aug", "august"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oktober", "oct", "october"), 10),
    **dict.fromkeys(("nov", "nop", "november", "nopember"), 11),
    **dict.fromkeys(("des", "desember", "dec", "december"), 12),
}
_YEAR_MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})")
_MONTH_YEAR = re.compile(r"(?P<month>[0-9]{1,2})[-/](?P<year>[0-9]{4})")
_NAMED_MONTH = re.compile(r"(?P<name>[A-Za-z]+)\.?\s+(?P<year>[0-9]{4})")


def _refuse(column: str, problem: str) -> Invalid:
    return Invalid(
        FieldError(field=column, message=_("Kolom %(field)s: %(problem)s") % {"field": column, "problem": problem})
    )


def _period_formats() -> str:
    return _(
        "tulis bulan tagihan sebagai 2026-11, 11-2026, 11/2026, Nov 2026, November 2026 atau tanggal di bulan itu."
    )


def parse_period(value: object, *, column: str = "periode") -> date:
    """The month billed, as its first day: `2026-11`, `11-2026`, `11/2026`, `Nov 2026`, `November 2026`, or a
    date in that month (a date cell, an Excel serial, or a date written as the applicant import accepts)."""
    if _blank(value):
        raise _refuse(column, _("wajib diisi; %(formats)s") % {"formats": _period_formats()})
    if isinstance(value, datetime):
        return value.date().replace(day=1)
    if isinstance(value, date):
        return value.replace(day=1)
    written = _written_month(value, column=column) if isinstance(value, str) else None
    if written is not None:
        return written
    try:
        found = parse_date(value, field=column)
    except Invalid:
        found = None
    # A small number is an Excel serial of 1900, never a month billed: refused with the rest.
    if found is None or not 2000 <= found.year <= 2100:
        shown = _text(value)[:40]
        raise _refuse(
            column, _("“%(value)s” bukan bulan tagihan; %(formats)s") % {"value": shown, "formats": _period_formats()}
        ) from None
    return found.replace(day=1)


def _written_month(value: str, *, column: str) -> date | None:
    """A month written as `2026-11`, `11-2026`, `11/2026`, `Nov 2026` or `November 2026`; None for anything else
    (perhaps a date). Invalid for a month that cannot be (`2026-13`, `Foo 2026`)."""
    text = " ".join(value.split())
    if match := _YEAR_MONTH.fullmatch(text) or _MONTH_YEAR.fullmatch(text):
        year, month = int(match["year"]), int(match["month"])
    elif match := _NAMED_MONTH.fullmatch(text):
        named = _MONTHS.get(match["name"].lower())
        if named is None:
            raise _refuse(
                column,
                _("nama bulan “%(name)s” tidak dikenal; %(formats)s")
                % {"name": match["name"][:20], "formats": _period_formats()},
            )
        year, month = int(match["year"]), named
    else:
        return None
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise _refuse(
            column,
            _("%(value)s bukan bulan yang ada; %(formats)s") % {"value": value, "formats": _period_formats()},
        )
    return date(year, month, 1)


def parse_invoice_kpj(value: object, *, column: str = "kpj") -> str:
    """11 digits written as text. A numeric cell is refused as a NIK's is: a spreadsheet number loses a KPJ's
    leading zeros and cannot be trusted."""
    if type(value) is str:
        text = value.strip()
        if len(text) == 11 and text.isdigit() and text.isascii():
            return text
    if _blank(value):
        raise _refuse(column, _("wajib diisi dengan 11 angka nomor peserta BPJS Ketenagakerjaan."))
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise _refuse(
            column,
            _(
                "KPJ tersimpan sebagai angka di Excel, sehingga angka 0 di depan bisa hilang; ketik ulang sebagai "
                "teks (format sel Teks) 11 angka."
            ),
        )
    try:
        return parse_kpj(value, field=column)
    except Invalid as exc:
        raise _refuse(column, exc.error.problem) from None


# -- rows ------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class InvoiceRow:
    number: int  # as a spreadsheet shows it
    kpj: str = ""
    nik: str = ""  # as written (checked against the member when reconciled)
    name: str = ""
    month: date | None = None
    jkk: int = 0
    jkm: int = 0
    total: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (spec column, message)


class RowReader:
    """Turns the file's rows into InvoiceRows, caching the parse of each distinct period and amount."""

    def __init__(self, layout: Layout) -> None:
        self.positions = layout.positions
        self._periods: dict[object, date | Invalid] = {}
        self._money: dict[tuple[str, object], int | Invalid] = {}

    def _cell(self, cells: Sequence[object], column: str) -> object:
        position = self.positions.get(column)
        return cells[position] if position is not None and position < len(cells) else None

    def _period(self, value: object) -> date:
        key = value if isinstance(value, str | int | float | date) else repr(value)
        found = self._periods.get(key)
        if found is None:
            try:
                found = parse_period(value)
            except Invalid as exc:
                found = exc
            self._periods[key] = found
        if isinstance(found, Invalid):
            raise found
        return found

    def _rupiah(self, value: object, column: str) -> int:
        key = (column, value if isinstance(value, str | int | float) else repr(value))
        found = self._money.get(key)
        if found is None:
            try:
                found = parse_rupiah(value, field=column)
            except Invalid as exc:
                found = exc
            self._money[key] = found
        if isinstance(found, Invalid):
            raise found
        return found

    def row(self, number: int, cells: Sequence[object]) -> InvoiceRow:
        row = InvoiceRow(number=number)
        problems = row.problems
        try:
            row.kpj = parse_invoice_kpj(self._cell(cells, "kpj"))
        except Invalid as exc:
            problems.append(("kpj", exc.error.message))
        self._member(row, cells)
        try:
            row.month = self._period(self._cell(cells, "periode"))
        except Invalid as exc:
            problems.append(("periode", exc.error.message))
        self._amounts(row, cells)
        return row

    def _member(self, row: InvoiceRow, cells: Sequence[object]) -> None:
        """The NIK and name as written, when the file has them (the NIK is checked against the member later)."""
        nik = self._cell(cells, "nik")
        if not _blank(nik):
            if type(nik) is str and len(nik.strip()) == 16 and nik.strip().isdigit():
                row.nik = nik.strip()
            else:
                try:
                    row.nik = parse_nik(nik, field="nik")
                except Invalid as exc:
                    row.problems.append(("nik", exc.error.message))
        name = self._cell(cells, "nama")
        if not _blank(name):
            row.name = " ".join(str(name).split())[:NAME_MAX]

    def _amounts(self, row: InvoiceRow, cells: Sequence[object]) -> None:
        """The JKK and JKM contributions, and the stated total, which must be their sum."""
        readable = True
        for column in ("iuran_jkk", "iuran_jkm"):
            try:
                amount = self._rupiah(self._cell(cells, column), column)
            except Invalid as exc:
                row.problems.append((column, exc.error.message))
                readable = False
                continue
            if column == "iuran_jkk":
                row.jkk = amount
            else:
                row.jkm = amount
        row.total = row.jkk + row.jkm
        total = self._cell(cells, "jumlah")
        if _blank(total):
            return
        try:
            stated = self._rupiah(total, "jumlah")
        except Invalid as exc:
            row.problems.append(("jumlah", exc.error.message))
            return
        if readable and stated != row.total:
            row.problems.append(
                (
                    "jumlah",
                    _("Kolom jumlah: Rp%(stated)s tidak sama dengan iuran_jkk + iuran_jkm (Rp%(sum)s).")
                    % {"stated": _thousands(stated), "sum": _thousands(row.total)},
                )
            )


def _thousands(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _read(rows: Iterator[tuple[int, list[object]]]) -> Iterator[tuple[int, list[object]]]:
    """A CSV broken further down is a file error too."""
    try:
        yield from rows
    except sheets.SpreadsheetError as exc:
        raise InvoiceFileError(exc.message) from None


def rows_of(opened: InvoiceFile) -> Iterator[tuple[int, list[object]]]:
    """The data rows that are not empty, each with its row number, every cell checked by `sheets`."""
    limit = settings.INVOICE_MAX_ROWS
    count = 0
    rows = opened.table.rows()
    next(rows, None)  # the header
    for number, cells in _read(rows):
        # Most rows start with a filled cell: only the others are looked at cell by cell.
        if not cells or (_blank(cells[0]) and all(_blank(cell) for cell in cells)):
            continue
        count += 1
        if count > limit:
            raise InvoiceFileError(
                _("Berkas berisi lebih dari %(max)s baris; pecah tagihan menjadi beberapa berkas.")
                % {"max": _thousands(limit)}
            )
        yield number, cells


def read_all(content: bytes | Path, *, extra: Mapping[str, Sequence[str]] | None = None) -> list[InvoiceRow]:
    """Every row of a (small) invoice, read: for tests and small files."""
    opened = invoice_open(content, extra=extra)
    reader = RowReader(opened.layout)
    return [reader.row(number, cells) for number, cells in rows_of(opened)]


__all__ = [
    "COLUMNS",
    "InvoiceFile",
    "InvoiceFileError",
    "InvoiceRow",
    "RowReader",
    "invoice_open",
    "parse_invoice_kpj",
    "parse_period",
    "read_all",
    "rows_of",
]
