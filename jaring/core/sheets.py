"""One guarded way to open a spreadsheet someone uploaded: the applicant import, the BPJS participant list and
the BPJS answer all come through here.

An XLSX is a zip of XML. A small file may inflate to gigabytes (one 900 MB string in `xl/sharedStrings.xml`
fits in a 0.9 MB upload and held a worker for 26 s at 2.9 GB), so every member's declared size and ratio is
checked before calamine reads a byte of it. An encrypted OOXML workbook is not a zip at all but an OLE2
(CFB) container holding the encrypted package: it is refused with a message saying how to remove the
password. After reading, no cell may be longer than Excel itself allows.

Callers keep their own messages for what is theirs to say (an empty file, a broken zip, an old .xls);
what this module refuses is a `SpreadsheetError` (a DomainError on the field `file`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import python_calamine
from django.utils.translation import gettext as _

from jaring.core.errors import DomainError

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


def rows_checked(rows: Iterable[tuple[int, list[object]]]) -> Iterator[tuple[int, list[object]]]:
    """The rows, each checked by `cells_check` as it passes."""
    for number, row in rows:
        cells_check(row, number=number)
        yield number, row
