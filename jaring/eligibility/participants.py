"""The BPJS branch's list of existing BPJS Ketenagakerjaan participants: reading the file, checking every row,
and loading it into ``ExistingParticipant`` so the "not already covered" rule can refuse people already insured.

The branch sends a CSV or XLSX with the columns NIK, KPJ, segment and status. Spreadsheets from offices are
messy (Windows-1252 CSV with ``;``, NIKs typed as numbers), so the file is read as leniently as it can be
without guessing a value: a row that cannot be trusted is reported with its row number, column and reason,
and by default nothing is loaded until the officer decides (fix the file, or load only the sound rows).

This module may not import ``registry`` (imports run core <- programmes <- eligibility <- registry), so the
small header and NIK rules the applicant import uses are written here again, with the same messages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from numbers import Number

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jaring.core import clock, sheets
from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.models import Funder, User
from jaring.core.permissions import Capability
from jaring.core.selectors import Scope, filter_by_funder
from jaring.core.services import audit_record
from jaring.core.validation import Invalid, normalise_header, parse_date, parse_kpj, parse_nik
from jaring.eligibility.models import ExistingParticipant, ParticipantList

# A branch's list for a whole city is tens of thousands of rows, a few MB; anything far larger is a wrong file.
MAX_FILE_BYTES = 20 * 1024 * 1024
# Problems kept with a list: enough to fix a file by, without storing a second copy of a broken one.
MAX_PROBLEMS_KEPT = 1000
# Who keeps the BPJS participant list of their funder.
PARTICIPANT_KEEPERS = (Capability.EXCHANGE_WITH_BPJS, Capability.MANAGE_PROGRAMMES)
_LOOKUP_CHUNK = 2000

# Canonical column -> header spellings, normalised as `normalise_header` does.
COLUMNS: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "noktp", "nomorktp", "nomorindukkependudukan"),
    "kpj": ("kpj", "nokpj", "nomorkpj", "nokartu", "nomorpeserta"),
    "segment": ("segmen", "segment", "kepesertaan", "segmenkepesertaan", "segmenpeserta"),
    "status": ("status", "statuskepesertaan", "statuspeserta"),
    # Optional: since when the person is a participant (contribution years count from it, e.g. for the JKM
    # scholarship's three years).
    "member_since": (
        "pesertasejak",
        "terdaftarsejak",
        "tanggalkepesertaan",
        "tglkepesertaan",
        "tanggaldaftar",
        "tgldaftar",
        "tmtkepesertaan",
        "tmt",
        "membersince",
    ),
}
REQUIRED_COLUMNS = ("nik", "status")
# The first sheet is read, unless the workbook has one named so (a notes sheet may come first).
SHEET_NAME = "peserta"

_A = ExistingParticipant.Status.ACTIVE
_I = ExistingParticipant.Status.INACTIVE
# Status values as branches write them, normalised like headers ("Non-Aktif" -> "nonaktif").
STATUS_VALUES: dict[str, str] = {
    "aktif": _A,
    "active": _A,
    "nonaktif": _I,
    "tidakaktif": _I,
    "tdkaktif": _I,
    "inactive": _I,
    "nonactive": _I,
    "notactive": _I,
}


def _header_key(name: object) -> str:
    """`No. KTP`, `NO_KTP` and `no-ktp` are one column (the applicant import's rule); cells may be numbers."""
    return normalise_header(str(name))


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # the header as written in the file
    message: str


@dataclass(frozen=True)
class ParticipantRow:
    row: int
    nik: str
    kpj: str
    segment: str
    status: str
    member_since: date | None = None


@dataclass(frozen=True)
class ParsedList:
    rows_total: int
    sound: list[ParticipantRow]
    problems: list[Problem]
    rows_rejected: int
    columns: frozenset[str]  # canonical columns the file has


# -- reading the file -----------------------------------------------------------------------------------


def _unreadable(message: str) -> DomainError:
    return DomainError(message, field="file")


def _rows(*, file_name: str, content: bytes) -> Iterator[tuple[int, list[object]]]:
    """Every row of the file with its spreadsheet row number, header first, through the one guarded reader
    (`core.sheets`); an old .xls is read too, as branches still send them."""
    table = sheets.table_open(
        content,
        max_bytes=MAX_FILE_BYTES,
        what=_("daftar peserta BPJS"),
        sheet=SHEET_NAME,
        file_name=file_name,
        legacy_xls=True,
    )
    return table.rows()


# -- checking the rows ----------------------------------------------------------------------------------


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_number(value: object) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def _nik(value: object) -> str:
    """The NIK's 16 digits; ValueError with the reason, worded as for the applicant import. Numeric cells are
    refused: Excel keeps 15 digits."""
    try:
        return parse_nik(value)
    except Invalid as exc:
        raise ValueError(exc.error.problem) from None


def _kpj(value: object) -> str:
    """11 digits, or "" when the cell is empty (a list may carry NIKs only); ValueError with the reason."""
    try:
        return parse_kpj(value)
    except Invalid as exc:
        raise ValueError(exc.error.problem) from None


def _segment(value: object) -> str:
    if is_empty(value):
        return ""
    if _is_number(value) and float(value).is_integer():  # type: ignore[arg-type]
        return str(int(value))  # type: ignore[call-overload]
    return " ".join(str(value).split())[:40]


def _status(value: object) -> str:
    if is_empty(value):
        raise ValueError(_("Status wajib diisi: aktif atau nonaktif."))
    status = STATUS_VALUES.get(_header_key(value))
    if status is None:
        raise ValueError(
            _("Status “%(value)s” tidak dikenal; tulis aktif atau nonaktif.") % {"value": str(value).strip()[:40]}
        )
    return status


def _member_since(value: object) -> date | None:
    """A date, or None when the cell is empty; ValueError with the reason."""
    if is_empty(value):
        return None
    try:
        day = parse_date(value, field="member_since")
    except Invalid as exc:
        raise ValueError(exc.error.problem) from None
    if day > clock.today():
        raise ValueError(_("Tanggal kepesertaan tidak boleh di masa depan."))
    return day


def columns_of(
    header: Sequence[object], columns: Mapping[str, tuple[str, ...]]
) -> tuple[dict[str, int], dict[str, str]]:
    """Canonical column -> index (the first header that is one of its aliases), and canonical column -> header as
    written. `No. KTP`, `NO_KTP` and `no-ktp` are one column (the applicant import's rule); cells may be numbers."""
    lookup = {alias: column for column, aliases in columns.items() for alias in aliases}
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    for position, cell in enumerate(header):
        column = lookup.get(normalise_header(str(cell))) if not is_empty(cell) else None
        if column is not None and column not in index:
            index[column] = position
            written[column] = str(cell).strip()[:60]
    return index, written


def header_of(rows: Iterator[tuple[int, list[object]]]) -> tuple[int, list[object]] | None:
    """The first row with anything in it (its number and cells), taken from `rows`, which go on below it."""
    for number, cells in rows:
        if any(not is_empty(cell) for cell in cells):
            return number, cells
    return None


def cell_at(cells: list[object], position: int | None) -> object:
    """The cell of a row at a column's position; None where the row is shorter or the column is absent."""
    return cells[position] if position is not None and position < len(cells) else None


def parse_participants(*, file_name: str, content: bytes) -> ParsedList:
    """Every row of the file checked; DomainError when the file as a whole cannot be used."""
    rows = _rows(file_name=file_name, content=content)
    header = header_of(rows)
    if header is None:
        raise _unreadable(_("Berkas tidak berisi baris judul maupun data peserta."))
    index, written = columns_of(header[1], COLUMNS)
    missing = [column for column in REQUIRED_COLUMNS if column not in index]
    if missing:
        names = {"nik": "NIK", "status": _("status")}
        raise _unreadable(
            _(
                "Kolom %(columns)s tidak ditemukan pada baris judul. Baris pertama berkas harus berisi judul kolom "
                "NIK, KPJ, segmen dan status."
            )
            % {"columns": ", ".join(names[column] for column in missing)}
        )
    sound: list[ParticipantRow] = []
    problems: list[Problem] = []
    first_row_of: dict[str, int] = {}
    rows_total = rows_rejected = 0
    for number, cells in rows:
        if all(is_empty(value) for value in cells):
            continue
        rows_total += 1
        row, row_problems = _row_checked(number, cells, index=index, written=written, first_row_of=first_row_of)
        if row is None:
            rows_rejected += 1
            problems.extend(row_problems)
        else:
            sound.append(row)
    if rows_total == 0:
        raise _unreadable(_("Berkas tidak berisi data peserta di bawah baris judul."))
    return ParsedList(
        rows_total=rows_total,
        sound=sound,
        problems=problems,
        rows_rejected=rows_rejected,
        columns=frozenset(index),
    )


# How each column of a row is read; a column the file lacks reads as empty.
ROW_PARSERS = (("nik", _nik), ("kpj", _kpj), ("segment", _segment), ("status", _status))


def _row_checked(
    number: int,
    cells: list[object],
    *,
    index: dict[str, int],
    written: dict[str, str],
    first_row_of: dict[str, int],
) -> tuple[ParticipantRow | None, list[Problem]]:
    """One data row: sound, or None with each of its problems (a NIK seen on an earlier row is one)."""
    problems: list[Problem] = []
    values: dict[str, str] = {}
    for column, parse in ROW_PARSERS:
        try:
            values[column] = parse(cell_at(cells, index[column])) if column in index else ""
        except ValueError as exc:
            problems.append(Problem(row=number, column=written[column], message=str(exc)))
    member_since = None
    try:
        member_since = _member_since(cell_at(cells, index.get("member_since")))
    except ValueError as exc:
        problems.append(Problem(row=number, column=written["member_since"], message=str(exc)))
    nik = values.get("nik")
    first = first_row_of.setdefault(nik, number) if nik else number
    if first != number:
        message = _("NIK ini sudah ada di baris %(row)s; baris ini diabaikan.") % {"row": first}
        problems.append(Problem(row=number, column=written["nik"], message=message))
    if problems:
        return None, problems
    row = ParticipantRow(
        row=number,
        nik=values["nik"],
        kpj=values["kpj"],
        segment=values["segment"],
        status=values["status"],
        member_since=member_since,
    )
    return row, []


# -- loading it ------------------------------------------------------------------------------------------


def _check_may_import(*, actor: Actor | User, funder: Funder) -> None:
    Actor.of(actor).require(*PARTICIPANT_KEEPERS, funder_id=funder.pk)


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _upsert(rows: Sequence[ParticipantRow], *, source: ParticipantList, columns: frozenset[str]) -> dict[str, int]:
    """Insert or update every row by NIK in a few statements; returns created/updated/unchanged counts."""
    niks = [row.nik for row in rows]
    existing: dict[str, tuple[str, str, str, date | None]] = {}
    for chunk in _chunks(niks, _LOOKUP_CHUNK):
        for nik, kpj, segment, status, since in ExistingParticipant.objects.filter(nik__in=chunk).values_list(
            "nik", "kpj", "segment", "status", "member_since"
        ):
            existing[nik] = (kpj, segment, status, since)
    # A column the file lacks leaves what an earlier list said: a NIK-and-status list must not erase KPJs.
    kept = {column for column in ("kpj", "segment", "member_since") if column not in columns}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    objects = []
    for row in rows:
        before = existing.get(row.nik)
        kpj = before[0] if before and "kpj" in kept else row.kpj
        segment = before[1] if before and "segment" in kept else row.segment
        since = before[3] if before and "member_since" in kept else row.member_since
        if before is None:
            counts["created"] += 1
        elif before == (kpj, segment, row.status, since):
            counts["unchanged"] += 1
        else:
            counts["updated"] += 1
        objects.append(
            ExistingParticipant(
                nik=row.nik, kpj=kpj, segment=segment, status=row.status, member_since=since, source=source
            )
        )
    update_fields = [name for name in ("kpj", "segment", "member_since") if name not in kept] + [
        "status",
        "source",
        "updated_at",
    ]
    # The database decides between insert and update, so two uploads at once cannot both insert a NIK.
    ExistingParticipant.objects.bulk_create(
        objects, batch_size=1000, update_conflicts=True, unique_fields=["nik"], update_fields=update_fields
    )
    return counts


def participant_list_import(
    *, funder: Funder, file_name: str, content: bytes, actor: Actor | User, apply_sound_rows: bool
) -> ParticipantList:
    """Record the branch's file and load its participants by NIK (the newest list wins).

    A file that cannot be read at all raises DomainError and changes nothing. A file with bad rows is recorded
    with its problems; its sound rows are loaded only when `apply_sound_rows`, otherwise nothing is loaded and
    the officer decides (rows_loaded is 0).
    """
    _check_may_import(actor=actor, funder=funder)
    parsed = parse_participants(file_name=file_name, content=content)
    refused = bool(parsed.problems) and not apply_sound_rows
    with transaction.atomic():
        participant_list = ParticipantList.objects.create(
            funder=funder,
            file_name=file_name[-255:] or "-",
            file_sha256=hashlib.sha256(content).hexdigest(),
            rows_total=parsed.rows_total,
            rows_loaded=0 if refused else len(parsed.sound),
            rows_rejected=parsed.rows_rejected,
            problems=[asdict(problem) for problem in parsed.problems[:MAX_PROBLEMS_KEPT]],
            uploaded_by=Actor.of(actor).user,
        )
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        if not refused:
            counts = _upsert(parsed.sound, source=participant_list, columns=parsed.columns)
        audit_record(
            actor=actor,
            action="participants.refuse" if refused else "participants.import",
            target=participant_list,
            data={
                "file_name": participant_list.file_name,
                "sha256": participant_list.file_sha256,
                "rows_total": parsed.rows_total,
                "rows_loaded": participant_list.rows_loaded,
                "rows_rejected": parsed.rows_rejected,
                "problems": len(parsed.problems),
                "apply_sound_rows": apply_sound_rows,
                **counts,
            },
            funder=funder,
        )
    return participant_list


def participant_list_applied(participant_list: ParticipantList) -> bool:
    """Whether the list's rows were loaded (a list refused for its bad rows loaded none)."""
    return participant_list.rows_loaded > 0


# -- reads -----------------------------------------------------------------------------------------------


def participants_scope(user: User) -> Scope:
    """The scope of a BPJS liaison or programme manager; PermissionDenied for anyone else."""
    return Actor.officer(user).require(*PARTICIPANT_KEEPERS)


def participant_lists_visible_to(user: User) -> QuerySet[ParticipantList]:
    scope = participants_scope(user)
    qs = ParticipantList.objects.select_related("funder", "uploaded_by").order_by("-uploaded_at", "-pk")
    return filter_by_funder(qs, scope)
