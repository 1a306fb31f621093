"""The list of a scheme's target group from the office that appoints them: reading the file, checking every row,
and storing it with its source and date, so the rule "on the appointing office's list" can check an applicant's
NIK against it.

Samarinda covers, beside its vulnerable workers, RT heads, firefighters, mosque caretakers (*marbot*), election
officers and non-ASN staff; who belongs to each group is decided by the office that appoints them, not by an
income test. That office sends a spreadsheet (NIK, name, position); it is read like the BPJS branch's
participant list, through the one guarded reader (`core.sheets`), with the same NIK rules and messages. The
newest list loaded is the scheme's list (a new file replaces the whole list); earlier ones stay on record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jaring.core import clock, sheets
from jaring.core.actors import Actor
from jaring.core.errors import DomainError
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.selectors import filter_by_funder, require
from jaring.core.services import audit_record
from jaring.eligibility.models import TargetList, TargetListEntry
from jaring.eligibility.participants import MAX_PROBLEMS_KEPT, Problem, _nik, cell_at, columns_of, header_of, is_empty
from jaring.programmes.models import Programme

# An appointing office's list is a few hundred to a few thousand people (Samarinda has about 2,000 RT).
MAX_FILE_BYTES = 5 * 1024 * 1024
SHEET_NAME = "daftar"
_LOOKUP_CHUNK = 2000

# Canonical column -> header spellings, normalised as `normalise_header` does.
COLUMNS: dict[str, tuple[str, ...]] = {
    "nik": ("nik", "noktp", "nomorktp", "nomorindukkependudukan"),
    "name": ("nama", "namalengkap", "name"),
    "position": ("jabatan", "keterangan", "ket", "position", "tugas", "rt", "unitkerja"),
}


@dataclass(frozen=True)
class TargetRow:
    row: int
    nik: str
    name: str
    position: str


@dataclass(frozen=True)
class ParsedTargets:
    rows_total: int
    sound: list[TargetRow]
    problems: list[Problem]
    rows_rejected: int


def _text(value: object, limit: int = 200) -> str:
    if is_empty(value):
        return ""
    return " ".join(str(value).split())[:limit]


def parse_target_list(*, file_name: str, content: bytes) -> ParsedTargets:
    """Every row of the file checked; DomainError (field "file") when the file as a whole cannot be used."""
    table = sheets.table_open(
        content, max_bytes=MAX_FILE_BYTES, what=_("daftar sasaran"), sheet=SHEET_NAME, file_name=file_name
    )
    rows = table.rows()
    header = header_of(rows)
    if header is None:
        raise DomainError(_("Berkas tidak berisi baris judul maupun data."), field="file")
    index, written = columns_of(header[1], COLUMNS)
    if "nik" not in index:
        raise DomainError(
            _(
                "Kolom NIK tidak ditemukan pada baris judul. Baris pertama berkas harus berisi judul kolom "
                "NIK dan nama."
            ),
            field="file",
        )

    def cell(cells: list[object], column: str) -> object:
        return cell_at(cells, index.get(column))

    sound: list[TargetRow] = []
    problems: list[Problem] = []
    first_row_of: dict[str, int] = {}
    rows_total = rows_rejected = 0
    for number, cells in rows:
        if all(is_empty(value) for value in cells):
            continue
        rows_total += 1
        try:
            nik = _nik(cell(cells, "nik"))
        except ValueError as exc:
            problems.append(Problem(row=number, column=written["nik"], message=str(exc)))
            rows_rejected += 1
            continue
        first = first_row_of.setdefault(nik, number)
        if first != number:
            message = _("NIK ini sudah ada di baris %(row)s; baris ini diabaikan.") % {"row": first}
            problems.append(Problem(row=number, column=written["nik"], message=message))
            rows_rejected += 1
            continue
        sound.append(
            TargetRow(row=number, nik=nik, name=_text(cell(cells, "name")), position=_text(cell(cells, "position")))
        )
    if rows_total == 0:
        raise DomainError(_("Berkas tidak berisi data di bawah baris judul."), field="file")
    return ParsedTargets(rows_total=rows_total, sound=sound, problems=problems, rows_rejected=rows_rejected)


def target_list_import(
    *,
    programme: Programme,
    source: str,
    list_date: date,
    file_name: str,
    content: bytes,
    actor: Actor | User,
    apply_sound_rows: bool,
) -> TargetList:
    """Record the appointing office's file for `programme` and, unless it has bad rows and `apply_sound_rows` is
    off, make it the scheme's list. A file that cannot be read at all raises DomainError and changes nothing."""
    who = Actor.of(actor)
    who.require(Capability.MANAGE_PROGRAMMES, programme=programme)
    source = " ".join(source.split())
    errors: dict[str, list[str]] = {}
    if not source:
        errors["source"] = [_("Tulis instansi yang mengangkat dan mengirim daftar ini.")]
    elif len(source) > 200:
        errors["source"] = [_("Nama instansi paling banyak 200 karakter.")]
    if list_date > clock.today():
        errors["list_date"] = [_("Tanggal daftar tidak boleh di masa depan.")]
    if errors:
        raise DomainError(_("Daftar sasaran belum dapat disimpan; periksa isian yang ditandai."), errors=errors)
    parsed = parse_target_list(file_name=file_name, content=content)
    refused = bool(parsed.problems) and not apply_sound_rows
    with transaction.atomic():
        target_list = TargetList.objects.create(
            programme=programme,
            source=source,
            list_date=list_date,
            file_name=file_name[-255:] or "-",
            file_sha256=hashlib.sha256(content).hexdigest(),
            rows_total=parsed.rows_total,
            rows_loaded=0 if refused else len(parsed.sound),
            rows_rejected=parsed.rows_rejected,
            problems=[asdict(problem) for problem in parsed.problems[:MAX_PROBLEMS_KEPT]],
            uploaded_by=who.user,
        )
        if not refused:
            TargetListEntry.objects.bulk_create(
                (
                    TargetListEntry(target_list=target_list, row=r.row, nik=r.nik, name=r.name, position=r.position)
                    for r in parsed.sound
                ),
                batch_size=1000,
            )
        audit_record(
            actor=who,
            action="target_list.refuse" if refused else "target_list.import",
            target=target_list,
            data={
                "programme": programme.code,
                "source": source,
                "list_date": list_date.isoformat(),
                "file_name": target_list.file_name,
                "sha256": target_list.file_sha256,
                "rows_total": parsed.rows_total,
                "rows_loaded": target_list.rows_loaded,
                "rows_rejected": parsed.rows_rejected,
                "apply_sound_rows": apply_sound_rows,
            },
            funder=programme.funder,
        )
    return target_list


# -- reads -----------------------------------------------------------------------------------------------------


def target_list_current(programme: Programme) -> TargetList | None:
    """The scheme's list: the newest one loaded (a list refused for its bad rows is on record only)."""
    return TargetList.objects.filter(programme=programme, rows_loaded__gt=0).order_by("-uploaded_at", "-id").first()


def target_list_label(target_list: TargetList) -> str:
    """How a reason names the list: "daftar dari Bagian Pemerintahan Setda Kota Samarinda tanggal 05-01-2026"."""
    return _("daftar dari %(source)s tanggal %(date)s") % {
        "source": target_list.source,
        "date": f"{target_list.list_date:%d-%m-%Y}",
    }


def niks_on_target_list(niks: Iterable[str], *, programme: Programme) -> set[str]:
    """Which of these NIKs stand on the scheme's current list; nothing when it has none. One or two queries."""
    current = target_list_current(programme)
    if current is None:
        return set()
    return set(TargetListEntry.objects.filter(target_list=current, nik__among=set(niks)).values_list("nik", flat=True))


def target_lists_of(programme: Programme, user: User) -> QuerySet[TargetList]:
    """The scheme's lists, newest first, for a manager of its funder."""
    scope = require(user, Capability.MANAGE_PROGRAMMES)
    qs = TargetList.objects.filter(programme=programme).select_related("uploaded_by").order_by("-uploaded_at", "-id")
    return filter_by_funder(qs, scope, field="programme__funder")
