"""The BPJS branch's answer to a collective registration: reading the file, checking every row, and applying
the sound ones through `batch_answers_apply`.

The branch sends a CSV or XLSX with NIK, KPJ, status (accepted or rejected), reason and start date. The file is
read through the one guarded reader (`core.sheets.table_open`: `;`, `,` or tab CSV in UTF-8 or Windows-1252,
the first sheet of a workbook, an old .xls too); a row that cannot be trusted is reported with its row number,
column and reason. By default nothing is applied while any row is bad: the officer fixes the file, or applies
only the sound rows on purpose.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from jaring.core import clock, sheets
from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.models import User
from jaring.core.services import audit_record
from jaring.core.validation import Invalid, normalise_header, parse_date, parse_kpj, parse_nik
from jaring.eligibility.participants import COLUMNS as PARTICIPANT_COLUMNS
from jaring.eligibility.participants import (
    MAX_FILE_BYTES,
    Problem,
    cell_at,
    columns_of,
    header_of,
    is_empty,
)
from jaring.enrolment.models import ResponseImport
from jaring.enrolment.services import Answer, batch_answers_apply, check_may_exchange
from jaring.programmes.models import Programme

__all__ = ["MAX_FILE_BYTES", "ParsedAnswer", "Problem", "answer_import", "parse_answer"]

# Problems kept with an import: enough to fix a file by, without storing a second copy of a broken one.
MAX_PROBLEMS_KEPT = 1000
REASON_MAX = 300
DUPLICATES_NAMED = 5  # other rows named in the message about a repeated NIK

# Canonical column -> header spellings, normalised as `normalise_header` does.
COLUMNS: dict[str, tuple[str, ...]] = {
    "nik": PARTICIPANT_COLUMNS["nik"],
    "kpj": PARTICIPANT_COLUMNS["kpj"],
    "status": ("status", "hasil", "keputusan", "jawaban", "statuspendaftaran", "statuskepesertaan", "statusbpjs"),
    "reason": ("alasan", "reason", "keterangan", "ket", "catatan", "alasanpenolakan", "alasanditolak"),
    "starts": (
        "tanggalmulai",
        "tglmulai",
        "startdate",
        "mulai",
        "tmt",
        "tmtkepesertaan",
        "tanggalefektif",
        "tanggalkepesertaan",
        "mulaiperlindungan",
    ),
    # Optional: since when the person is a BPJS participant at all, which may be before this programme (an
    # earlier employer or funder); the JKM scholarship's three years of contributions count from it.
    "member_since": (
        "pesertasejak",
        "pesertabpjssejak",
        "terdaftarsejak",
        "tanggalkepesertaanawal",
        "tglkepesertaanawal",
        "tmtawal",
        "tmtpertama",
        "membersince",
    ),
}
REQUIRED_COLUMNS = ("nik", "status")
# How the file's columns are named in messages when the file lacks them.
COLUMN_NAMES = {
    "nik": "NIK",
    "kpj": "KPJ",
    "status": "STATUS",
    "reason": "ALASAN",
    "starts": "TANGGAL MULAI",
    "member_since": "PESERTA SEJAK",
}

# Status words as branches write them, normalised like headers ("Di Terima" -> "diterima").
ACCEPTED_WORDS = frozenset({"diterima", "terima", "accepted", "accept", "ok", "berhasil", "sukses"})
REJECTED_WORDS = frozenset({"ditolak", "tolak", "rejected", "reject", "gagal"})
# Extensions a branch's answer comes with; anything else is the wrong file (a PDF letter, a Word document).
FILE_EXTENSIONS = (".csv", ".txt", ".xlsx", ".xlsm", ".xls")


@dataclass(frozen=True)
class ParsedAnswer:
    rows: list[Answer]  # the sound rows, in file order
    problems: list[Problem]  # every problem, by row then column order
    rows_total: int = 0  # data rows (not counting the header and empty rows)
    rows_rejected: int = 0  # data rows with at least one problem
    headers: dict[str, str] = field(default_factory=dict)  # canonical column -> header as written in the file


@dataclass
class _Row:
    number: int
    nik: str = ""
    accepted: bool | None = None
    kpj: str = ""
    reason: str = ""
    starts: date | None = None
    member_since: date | None = None
    problems: list[Problem] = field(default_factory=list)


def _unreadable(message: str) -> DomainError:
    return DomainError(message, field="file")


def _status(value: object) -> bool:
    if is_empty(value):
        raise ValueError(_("Status wajib diisi: diterima atau ditolak."))
    word = normalise_header(str(value))
    if word in ACCEPTED_WORDS:
        return True
    if word in REJECTED_WORDS:
        return False
    raise ValueError(
        _("Status “%(value)s” tidak dikenal; tulis diterima atau ditolak.") % {"value": str(value).strip()[:40]}
    )


def _check_extension(file_name: str) -> None:
    name = file_name.lower().rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    # "jawaban 21.11.2026" has no real extension: its content decides.
    if not extension.isalpha() or name.endswith(FILE_EXTENSIONS):
        return
    raise _unreadable(
        _("Berkas %(name)s bukan CSV atau XLSX. Unggah jawaban BPJS dalam bentuk CSV atau XLSX.")
        % {"name": file_name[-80:]}
    )


def parse_answer(*, file_name: str, content: bytes) -> ParsedAnswer:
    """Every row of the branch's answer checked. DomainError (field "file") when the file cannot be read at all:
    empty, too large, not a spreadsheet, corrupt or protected by a password."""
    _check_extension(file_name)
    rows = sheets.table_open(
        content, max_bytes=MAX_FILE_BYTES, what=_("jawaban BPJS"), file_name=file_name, legacy_xls=True
    ).rows()
    header = header_of(rows)
    if header is None:
        raise _unreadable(_("Berkas tidak berisi baris judul maupun jawaban BPJS."))
    header_row, header_cells = header
    index, written = columns_of(header_cells, COLUMNS)
    missing = [column for column in REQUIRED_COLUMNS if column not in index]
    if missing:
        return _without_columns(missing, header_row=header_row, rows=rows)
    reader = _RowReader(index=index, written=written)
    parsed = [reader.read(number, cells) for number, cells in rows if not all(is_empty(value) for value in cells)]
    if not parsed:
        raise _unreadable(_("Berkas tidak berisi jawaban BPJS di bawah baris judul."))
    _refuse_repeated_niks(parsed, column=reader.name("nik"))
    answers = [
        Answer(
            row_number=row.number,
            nik=row.nik,
            accepted=bool(row.accepted),
            kpj=row.kpj if row.accepted else "",
            reason=row.reason,
            starts=row.starts,
            member_since=row.member_since,
        )
        for row in parsed
        if not row.problems
    ]
    problems = [problem for row in parsed for problem in row.problems]
    return ParsedAnswer(
        rows=answers,
        problems=problems,
        rows_total=len(parsed),
        rows_rejected=sum(1 for row in parsed if row.problems),
        headers=written,
    )


def _without_columns(missing: list[str], *, header_row: int, rows: Iterator[tuple[int, list[object]]]) -> ParsedAnswer:
    """Nothing in the file can be matched or judged: one problem per missing column, on the header row."""
    problems = [
        Problem(
            row=header_row,
            column=COLUMN_NAMES[column],
            message=_(
                "Kolom %(column)s tidak ditemukan pada baris judul. Baris pertama berkas harus berisi judul "
                "kolom NIK, KPJ, STATUS, ALASAN dan TANGGAL MULAI."
            )
            % {"column": COLUMN_NAMES[column]},
        )
        for column in missing
    ]
    total = sum(1 for _number, cells in rows if any(not is_empty(cell) for cell in cells))
    if total == 0:
        raise _unreadable(_("Berkas tidak berisi jawaban BPJS di bawah baris judul."))
    return ParsedAnswer(rows=[], problems=problems, rows_total=total, rows_rejected=total)


@dataclass
class _RowReader:
    """Reads a data row of the answer by the columns its header names."""

    index: dict[str, int]
    written: dict[str, str]

    def name(self, column: str) -> str:
        return self.written.get(column) or COLUMN_NAMES[column]

    def read(self, number: int, cells: list[object]) -> _Row:
        row = _Row(number=number)

        def cell(column: str) -> object:
            return cell_at(cells, self.index.get(column))

        def problem(column: str, message: str) -> None:
            row.problems.append(Problem(row=number, column=self.name(column), message=message))

        try:
            row.nik = parse_nik(cell("nik"), field=self.name("nik"))
        except Invalid as exc:
            problem("nik", exc.error.problem)
        try:
            row.accepted = _status(cell("status"))
        except ValueError as exc:
            problem("status", str(exc))
        kpj_problem = self._kpj(row, cell("kpj"))
        if kpj_problem:
            problem("kpj", kpj_problem)
        reason = cell("reason")
        row.reason = "" if is_empty(reason) else " ".join(str(reason).split())[:REASON_MAX]
        starts = cell("starts")
        if not is_empty(starts):
            try:
                row.starts = parse_date(starts, field=self.name("starts"))
            except Invalid as exc:
                problem("starts", exc.error.problem)
        since_problem = self._member_since(row, cell("member_since"))
        if since_problem:
            problem("member_since", since_problem)
        return row

    def _member_since(self, row: _Row, value: object) -> str:
        """Read the day the participant's BPJS membership began into the row; what is wrong with it, if anything."""
        if is_empty(value):
            return ""
        try:
            row.member_since = parse_date(value, field=self.name("member_since"))
        except Invalid as exc:
            return exc.error.problem
        if row.member_since > clock.today():
            return _("Tanggal kepesertaan tidak boleh di masa depan.")
        return ""

    def _kpj(self, row: _Row, value: object) -> str:
        """Read the KPJ into the row; what is wrong with it, if anything. An accepted participant must have one."""
        if row.accepted and "kpj" not in self.index:
            return _("Kolom KPJ tidak ada di berkas; KPJ wajib untuk peserta yang diterima.")
        if row.accepted and is_empty(value):
            return _("KPJ wajib diisi untuk peserta yang diterima: 11 angka nomor peserta.")
        try:
            row.kpj = parse_kpj(value)
        except Invalid as exc:
            return exc.error.problem
        return ""


def _refuse_repeated_niks(parsed: list[_Row], *, column: str) -> None:
    """The same NIK twice: neither row can be trusted (which answer would be the branch's?), both are named."""
    rows_of: dict[str, list[int]] = {}
    for row in parsed:
        if row.nik:
            rows_of.setdefault(row.nik, []).append(row.number)
    for row in parsed:
        same = rows_of.get(row.nik, [])
        if len(same) < 2:
            continue
        # A few of the other rows are named; a file repeating one NIK thousands of times stays quick to check.
        others = [str(n) for n in same[: DUPLICATES_NAMED + 1] if n != row.number][:DUPLICATES_NAMED]
        if len(same) - 1 > len(others):
            others.append(_("dan %(count)s baris lain") % {"count": len(same) - 1 - len(others)})
        row.problems.append(
            Problem(
                row=row.number,
                column=column,
                message=_("NIK ini tertulis lebih dari sekali (juga di baris %(rows)s); jawaban tidak diterapkan.")
                % {"rows": ", ".join(others)},
            )
        )


# -- applying it -----------------------------------------------------------------------------------------


def _within_cover(parsed: ParsedAnswer, programme: Programme) -> ParsedAnswer:
    """A start date after the programme's cover ends is a typo (a wrong year): such rows become problems.
    A date before the cover starts is fine, the membership starts with the place."""
    late = [answer for answer in parsed.rows if answer.starts is not None and answer.starts > programme.cover_end]
    late_rows = {answer.row_number for answer in late}
    if not late:
        return parsed
    extra = [
        Problem(
            row=answer.row_number,
            column=parsed.headers.get("starts", COLUMN_NAMES["starts"]),
            message=_("Tanggal mulai %(date)s sesudah akhir masa perlindungan program (%(end)s); periksa tahunnya.")
            % {"date": answer.starts.strftime("%d-%m-%Y"), "end": programme.cover_end.strftime("%d-%m-%Y")},
        )
        for answer in late
        if answer.starts is not None
    ]
    return ParsedAnswer(
        rows=[answer for answer in parsed.rows if answer.row_number not in late_rows],
        problems=sorted([*parsed.problems, *extra], key=lambda problem: problem.row),
        rows_total=parsed.rows_total,
        rows_rejected=parsed.rows_rejected + len(late),
        headers=parsed.headers,
    )


def _problem(row: int, column: str, message: str, kind: str, nik: str = "") -> dict[str, object]:
    """A stored problem. `kind`: "row" (the file is wrong), "unknown" (nobody waits with this NIK) or
    "conflicting" (answered otherwise before)."""
    return {"row": row, "column": column, "message": message, "kind": kind, "nik": nik}


def answer_import(
    *,
    programme: Programme,
    file_name: str,
    content: bytes,
    actor: Actor | User,
    apply_sound_rows: bool = False,
) -> ResponseImport:
    """Record the branch's answer file and apply it.

    A file that cannot be read at all raises DomainError and records nothing. A file with bad rows is recorded
    as refused with its problems and changes nothing, unless `apply_sound_rows`: then its sound rows are applied
    and the bad ones listed. Rows whose NIK waits in no open batch of the programme are listed too, never
    dropped silently; rows answered the same way before are counted as unchanged.
    """
    check_may_exchange(actor, programme)
    parsed = _within_cover(parse_answer(file_name=file_name, content=content), programme)
    refused = bool(parsed.problems) and (not apply_sound_rows or not parsed.rows)
    problems: list[dict[str, object]] = [
        _problem(p.row, p.column, p.message, "row") for p in parsed.problems[:MAX_PROBLEMS_KEPT]
    ]
    counts: dict[str, object] = {
        "rows": parsed.rows_total,
        "sound": len(parsed.rows),
        "bad": parsed.rows_rejected,
        "problems": len(parsed.problems),
        "accepted": 0,
        "rejected": 0,
        "unchanged": 0,
        "unknown": 0,
        "conflicting": 0,
    }
    nik_column = parsed.headers.get("nik", COLUMN_NAMES["nik"])
    with transaction.atomic():
        if not refused:
            result = batch_answers_apply(programme=programme, answers=parsed.rows, actor=actor)
            counts.update(result.as_dict())
            for row, nik in result.unknown[:MAX_PROBLEMS_KEPT]:
                message = _("NIK %(nik)s tidak cocok dengan peserta mana pun di batch terbuka program ini.") % {
                    "nik": nik
                }
                problems.append(_problem(row, nik_column, message, "unknown", nik))
            for row, nik in result.conflicting[:MAX_PROBLEMS_KEPT]:
                message = _(
                    "NIK %(nik)s sudah dijawab BPJS dengan hasil lain sebelumnya; jawaban ini tidak diterapkan. "
                    "Tanyakan ke kantor cabang BPJS mana yang benar."
                ) % {"nik": nik}
                problems.append(_problem(row, nik_column, message, "conflicting", nik))
        response = ResponseImport.objects.create(
            programme=programme,
            file_name=file_name[-255:] or "-",
            file_sha256=hashlib.sha256(content).hexdigest(),
            status=ResponseImport.Status.REFUSED if refused else ResponseImport.Status.APPLIED,
            counts=counts,
            problems=problems,
            created_by=Actor.of(actor).user,
        )
        audit_record(
            actor=actor,
            action="bpjs_answer.refuse" if refused else "bpjs_answer.apply",
            target=response,
            data={
                "programme": programme.code,
                "file_name": response.file_name,
                "sha256": response.file_sha256,
                "apply_sound_rows": apply_sound_rows,
                **counts,
            },
            funder=programme.funder,
        )
    return response
