"""One guarded way to open a spreadsheet someone uploaded: the applicant import, the BPJS participant list and
the BPJS answer all come through here.

An XLSX is a zip of XML. A small file may inflate to gigabytes (one 900 MB string in `xl/sharedStrings.xml`
fits in a 0.9 MB upload and held a worker for 26 s at 2.9 GB), so every member's declared size and ratio is
checked before calamine reads a byte of it. An encrypted OOXML workbook is not a zip at all but an OLE2
(CFB) container holding the encrypted package: it is refused with a message saying how to remove the
password. After reading, no cell may be longer than Excel itself allows.

`table_open` is the reader: it sniffs the format from the bytes (never from the name alone), refuses what
cannot be read with a message in Bahasa Indonesia (a `SpreadsheetError`, a DomainError on the field `file`),
and hands out the rows with their numbers as the spreadsheet shows them. Nothing is guessed: CSV cells stay
strings, workbook cells keep calamine's values (a NIK typed as a number stays a number, so the caller can
refuse it with its own message). What the columns mean is the caller's.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import python_calamine
from django.utils.translation import gettext as _

from jaring.core.errors import DomainError
from jaring.core.validation import normalise_header

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An encrypted OOXML workbook is an OLE2 container holding these streams (MS-OFFCRYPTO).
_ENCRYPTED_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))

# A real sheet inflates about 10-20 times as a whole (measured: 12x for an applicant list, 17.5x when every
# row is the same); one member filled with one repeated character inflates about 1,000 times.
MAX_TOTAL_INFLATION = 20
MAX_MEMBER_RATIO = 100
MEMBER_RATIO_FROM = 1_048_576  # small members (styles, a few strings) may compress better; they cost nothing
# The shared strings of 200,000 rows of names and addresses are some tens of MB; one huge string is the attack.
MAX_SHARED_STRINGS_BYTES = 128 * 1_048_576
# Excel's own limit for the text of one cell.
MAX_CELL_CHARS = 32_767


class SpreadsheetError(DomainError):
    """The spreadsheet cannot be read safely; nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def is_ole2(head: bytes) -> bool:
    return head.startswith(OLE2_MAGIC)


def ole2_is_encrypted(data: bytes) -> bool:
    return any(marker in data for marker in _ENCRYPTED_MARKERS)


def password_message() -> str:
    return _(
        "Workbook dilindungi kata sandi, sehingga isinya tidak dapat dibaca. Buka di Excel, hapus kata "
        "sandinya (File > Info > Lindungi Buku Kerja), simpan sebagai .xlsx, lalu unggah lagi."
    )


def _too_big() -> SpreadsheetError:
    return SpreadsheetError(_("Isi workbook terlalu besar setelah dibuka; pecah daftar menjadi beberapa berkas."))


def ole2_check(data: bytes) -> None:
    """An OLE2 file that is an encrypted workbook is refused; an old .xls is the caller's to judge."""
    if ole2_is_encrypted(data):
        raise SpreadsheetError(password_message())


def zip_check(source: bytes | Path, *, max_bytes: int) -> set[str]:
    """The members' names, once every member's declared size passed: the whole inflates at most
    MAX_TOTAL_INFLATION times `max_bytes`, no big member more than MAX_MEMBER_RATIO times its compressed size,
    the shared strings at most MAX_SHARED_STRINGS_BYTES. A broken zip raises zipfile.BadZipFile (or OSError,
    EOFError, ValueError) for the caller to word.

    The declared sizes are what calamine trusts when it allocates; a zip lying about them fails its CRC when read."""
    opened = source if isinstance(source, Path) else io.BytesIO(source)
    with zipfile.ZipFile(opened) as archive:
        members = archive.infolist()
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size >= MEMBER_RATIO_FROM and member.file_size > member.compress_size * MAX_MEMBER_RATIO:
            raise _too_big()
        if member.filename.lower() == "xl/sharedstrings.xml" and member.file_size > MAX_SHARED_STRINGS_BYTES:
            raise _too_big()
    if total > max_bytes * MAX_TOTAL_INFLATION:
        raise _too_big()
    return {member.filename for member in members}


def workbook_open(source: bytes | Path) -> python_calamine.CalamineWorkbook:
    """Open with calamine, after `zip_check` (or for an unencrypted .xls). A password is a SpreadsheetError;
    other calamine errors are the caller's to word."""
    try:
        if isinstance(source, Path):
            return python_calamine.CalamineWorkbook.from_path(source)
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(source))
    except python_calamine.PasswordError:
        raise SpreadsheetError(password_message()) from None


def cells_check(row: Sequence[object], *, number: int) -> None:
    """No cell longer than Excel allows: a longer one is a crafted file, not a list someone typed."""
    for value in row:
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise SpreadsheetError(
                _("Baris %(row)s berisi sel lebih dari %(max)s karakter; periksa berkasnya lalu unggah lagi.")
                % {"row": number, "max": f"{MAX_CELL_CHARS:,}".replace(",", ".")}
            )


# -- the one reader --------------------------------------------------------------------------------------

Row = tuple[int, list[object]]  # a row with its number as the spreadsheet shows it (the first is 1)
# Bytes that never occur in a CSV someone saved (tab, line ends and the old end-of-file mark ^Z aside).
_BINARY = frozenset(range(9)) | frozenset(range(14, 32)) - {26}
_CSV_SEPARATORS = (";", ",", "\t")


@dataclass
class Table:
    """An opened spreadsheet: one sheet of a workbook, or a CSV. `rows()` reads it from its first row on."""

    kind: str  # "xlsx", "xls" or "csv"
    sheet_name: str  # "" for a CSV
    sheet_names: list[str]  # every sheet of the workbook, in order
    named: bool  # the sheet was chosen by its name, not for being the first
    _rows: Callable[[], Iterator[Row]]

    def rows(self) -> Iterator[Row]:
        """Every row with its number, the header first, empty ones included; each checked by `cells_check`.
        A CSV broken further down raises SpreadsheetError when reading gets there."""
        try:
            for number, row in self._rows():
                cells_check(row, number=number)
                yield number, row
        except csv.Error as exc:
            raise SpreadsheetError(
                _("Berkas CSV rusak: %(problem)s. Simpan ulang dari Excel, lalu unggah lagi.") % {"problem": exc}
            ) from None


def table_open(
    source: bytes | Path,
    *,
    max_bytes: int,
    what: str,
    sheet: str = "",
    file_name: str = "",
    legacy_xls: bool = False,
) -> Table:
    """Open an uploaded spreadsheet: an XLSX (the sheet called `sheet`, matched as headers are, else the first),
    a CSV (UTF-8 with or without BOM, or Windows-1252; `;`, `,` or tab, from the first line), and with
    `legacy_xls` an old .xls. `what` names the content in messages ("daftar pemohon"). SpreadsheetError names
    what is wrong: empty, too large, neither XLSX nor CSV, damaged, encrypted, inflating, a cell too long.
    `file_name`, when given, must agree with the content (an .xlsx that is not a workbook is damaged)."""
    size = source.stat().st_size if isinstance(source, Path) else len(source)
    if size == 0:
        raise SpreadsheetError(
            _("Berkas kosong (0 bita). Pilih berkas XLSX atau CSV yang berisi %(what)s.") % {"what": what}
        )
    if size > max_bytes:
        raise SpreadsheetError(
            _("Berkas terlalu besar (%(size)s MB); paling besar %(max)s MB. Pecah daftar menjadi beberapa berkas.")
            % {"size": f"{size / 1_048_576:.1f}".replace(".", ","), "max": max_bytes // 1_048_576}
        )
    if isinstance(source, Path):
        with source.open("rb") as opened:
            head = opened.read(8)
    else:
        head = source[:8]
    if is_zip(head):
        return _workbook_table(source, kind="xlsx", max_bytes=max_bytes, what=what, sheet=sheet)
    data = source.read_bytes() if isinstance(source, Path) else source
    if is_ole2(head):
        ole2_check(data)
        if not legacy_xls:
            raise SpreadsheetError(
                _(
                    "Berkas Excel format lama (.xls) tidak didukung. Simpan sebagai Excel Workbook (.xlsx) atau CSV, "
                    "lalu unggah lagi."
                )
            )
        return _workbook_table(data, kind="xls", max_bytes=max_bytes, what=what, sheet=sheet)
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise _damaged(_("bukan arsip ZIP"))
    return _csv_table(data, what=what)


def _damaged(problem: object) -> SpreadsheetError:
    return SpreadsheetError(
        _("Berkas XLSX rusak dan tidak dapat dibuka (%(problem)s). Simpan ulang dari Excel, lalu unggah lagi.")
        % {"problem": str(problem)[:120]}
    )


def _workbook_table(source: bytes | Path, *, kind: str, max_bytes: int, what: str, sheet: str) -> Table:
    if kind == "xlsx":
        try:
            names = zip_check(source, max_bytes=max_bytes)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise _damaged(exc) from None
        if "xl/workbook.xml" not in names:
            raise SpreadsheetError(
                _(
                    "Berkas ini arsip ZIP tetapi bukan workbook XLSX (mungkin ODS atau dokumen Word). Simpan "
                    "%(what)s sebagai Excel Workbook (.xlsx) atau CSV, lalu unggah lagi."
                )
                % {"what": what}
            )
    try:
        workbook = workbook_open(source)
        sheet_names = list(workbook.sheet_names)
        if not sheet_names:
            raise _damaged(_("tidak ada lembar"))
        wanted = normalise_header(sheet) if sheet else None
        chosen = next((name for name in sheet_names if normalise_header(name) == wanted), None)
        opened = workbook.get_sheet_by_name(chosen) if chosen else workbook.get_sheet_by_index(0)
    except python_calamine.CalamineError as exc:
        raise _damaged(exc) from None
    start = opened.start
    first = (start[0] + 1) if start else 1  # calamine starts at the first used row; its number as Excel shows it

    def rows() -> Iterator[Row]:
        for number, row in enumerate(opened.iter_rows(), start=first):
            yield number, cast("list[object]", row)

    return Table(kind=kind, sheet_name=opened.name, sheet_names=sheet_names, named=chosen is not None, _rows=rows)


def _csv_table(data: bytes, *, what: str) -> Table:
    # Control bytes mean a binary file; a NUL anywhere would also be refused by PostgreSQL in a text column. A PDF
    # (a letter sent instead of the list) may start as text.
    if data.startswith(b"%PDF") or b"\x00" in data or not _BINARY.isdisjoint(data[:65536]):
        raise SpreadsheetError(
            _("Berkas ini bukan XLSX atau CSV. Unggah %(what)s sebagai .xlsx atau .csv.") % {"what": what}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise SpreadsheetError(
                _("Berkas CSV tidak dapat dibaca sebagai UTF-8 maupun Windows-1252. Simpan sebagai “CSV UTF-8”.")
            ) from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {separator: first_line.count(separator) for separator in _CSV_SEPARATORS}
    delimiter = max(_CSV_SEPARATORS, key=lambda separator: counts[separator]) if any(counts.values()) else ","

    def rows() -> Iterator[Row]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, row in enumerate(reader, start=1):
            yield number, list(row)

    return Table(kind="csv", sheet_name="", sheet_names=[], named=False, _rows=rows)
