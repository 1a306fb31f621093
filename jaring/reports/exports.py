""" "Ekspor Excel" of every list page: what the list's filter shows, within the officer's scope, as XLSX.

A list page posts its own query string to /ekspor/<kind>/ (the `reports/_export.html` button); the filters are
read here as the list reads them, the officer's right to the list is checked at once, and a background job
(`list_export`) writes the file through jaring.core.xlsx, the one writer, so a name typed as a formula stays
text and a NIK keeps its sixteen digits. The job runs the same selector as the list, as its creator, so the file
holds exactly what that officer may see (a kelurahan operator's file only their kelurahan).

NIKs are masked unless the officer's role sends lists to BPJS (Capability.EXCHANGE_WITH_BPJS: programme managers
and BPJS liaisons), and every person in a file is logged as a personal-data access by its creator, like an
opened detail page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task
from openpyxl import Workbook
from openpyxl.styles import Font

from jaring.allocation.models import EndReason, Place
from jaring.allocation.selectors import places_for, programme_of, waitlist_for
from jaring.claims.models import Claim, ClaimKind
from jaring.claims.selectors import claims_visible_to
from jaring.claims.states import ClaimStatus
from jaring.contributions.figures import contribution_programme
from jaring.contributions.models import Invoice, InvoiceLine, LineStatus
from jaring.core import clock, xlsx
from jaring.core.errors import DomainError, NotFound
from jaring.core.models import Job, User
from jaring.core.permissions import Capability, user_can
from jaring.core.services import access_logs_write, job_create, job_fail, job_finish, job_progress, job_start
from jaring.enrolment.models import Card, Membership
from jaring.enrolment.selectors import memberships_visible_to
from jaring.enrolment.selectors import programme_of as member_programme_of
from jaring.registry.models import Application, Person, mask_nik
from jaring.registry.selectors import applications_visible_to
from jaring.registry.states import ApplicationStatus
from jaring.verification.forms import FILTER_FIELDS, QueueFilterForm, selector_filters
from jaring.verification.selectors import queue_for, queue_scope

EXPORT_DIR = "exports"
CHUNK = 2000
KIND_PREFIX = "export."
BOLD = Font(bold=True)
DATE_FORMAT = "DD-MM-YYYY"
MOMENT_FORMAT = "DD-MM-YYYY HH:MM"
# The places page's status filter (allocation/views.py STATUS_FILTERS; views may not be imported).
PLACE_STATUS = {"aktif": Place.Status.ACTIVE, "berakhir": Place.Status.ENDED, "semua": ""}


def full_nik(user: User) -> bool:
    """Officers who exchange participant lists with BPJS need whole NIKs in their files; others get them masked."""
    return user_can(user, Capability.EXCHANGE_WITH_BPJS)


@dataclass(frozen=True)
class Column:
    header: str | Promise
    value: Callable[[Any], Any]
    text: bool = False  # digits that must stay text (NIK, KPJ)
    width: float = 14
    nik: bool = False  # masked unless full_nik


@dataclass(frozen=True)
class Export:
    kind: str
    title: str | Promise
    columns: list[Column]
    # (officer, the list's query string, the search text it named) -> the filters the job keeps; checks the right
    # to the list at once (PermissionDenied, NotFound), so a refused officer gets no job.
    filters: Callable[[User, Mapping[str, str], str], dict[str, str]]
    rows: Callable[[User, Mapping[str, str]], QuerySet[Any]]  # run by the job, as its creator
    subject: Callable[[Any], tuple[str, str]]  # whose data a row shows, for the access log: (ref, name)
    list_url: Callable[[Mapping[str, str]], str]
    programme_of: Callable[[Any], Any] = field(default=lambda row: row.programme)


def _moment(value: datetime | None) -> datetime | None:
    return clock.local(value).replace(tzinfo=None) if value else None


def _label(choices: type, value: str) -> str:
    labels = dict(choices.choices)  # type: ignore[attr-defined]
    return str(labels.get(value, value))


def _kecamatan(region: Any) -> str:
    parent = getattr(region, "parent", None)
    return parent.name if parent is not None else ""


# -- applications -----------------------------------------------------------------------------------------


def _applications_filters(user: User, query: Mapping[str, str], search: str) -> dict[str, str]:
    status = query.get("status", "")
    filters = {"status": status if status in ApplicationStatus.values else "", "query": search}
    applications_visible_to(user)  # the right to the list
    return filters


def _applications(user: User, filters: Mapping[str, str]) -> QuerySet[Application]:
    qs = applications_visible_to(user, status=filters.get("status", ""), query=filters.get("query", ""))
    return qs.select_related("kelurahan__parent").order_by("number")


APPLICATION_COLUMNS = [
    Column(gettext_lazy("Nomor pendaftaran"), lambda a: a.number, width=20),
    Column(gettext_lazy("Program"), lambda a: a.programme.code, width=12),
    Column(gettext_lazy("Nama"), lambda a: a.person.name, width=28),
    Column(gettext_lazy("NIK"), lambda a: a.person.nik, text=True, width=20, nik=True),
    Column(gettext_lazy("Jenis kelamin"), lambda a: a.person.sex, width=8),
    Column(gettext_lazy("Tanggal lahir"), lambda a: a.person.birth_date, width=12),
    Column(gettext_lazy("Kelurahan"), lambda a: a.kelurahan.name, width=20),
    Column(gettext_lazy("Kecamatan"), lambda a: _kecamatan(a.kelurahan), width=20),
    Column(gettext_lazy("Sektor"), lambda a: a.sector.name, width=24),
    Column(gettext_lazy("Jalur"), lambda a: a.get_channel_display(), width=16),
    Column(gettext_lazy("Status"), lambda a: a.get_status_display(), width=22),
    Column(gettext_lazy("Diajukan"), lambda a: _moment(a.submitted_at), width=17),
    Column(
        gettext_lazy("Instansi verifikasi"), lambda a: a.verifying_agency.name if a.verifying_agency else "", width=28
    ),
    Column(gettext_lazy("Batas verifikasi"), lambda a: a.verification_due, width=12),
]


# -- the verification queue -------------------------------------------------------------------------------


def _queue_filters(user: User, query: Mapping[str, str], search: str) -> dict[str, str]:
    form = QueueFilterForm({name: query.get(name, "") for name in FILTER_FIELDS}, scope=queue_scope(user))
    return form.filters()


def _queue(user: User, filters: Mapping[str, str]) -> QuerySet[Application]:
    return queue_for(user, **selector_filters(dict(filters))).select_related("kelurahan__parent")


QUEUE_COLUMNS = [
    Column(gettext_lazy("Nomor pendaftaran"), lambda a: a.number, width=20),
    Column(gettext_lazy("Program"), lambda a: a.programme.code, width=12),
    Column(gettext_lazy("Nama"), lambda a: a.person.name, width=28),
    Column(gettext_lazy("NIK"), lambda a: a.person.nik, text=True, width=20, nik=True),
    Column(gettext_lazy("Kelurahan"), lambda a: a.kelurahan.name, width=20),
    Column(gettext_lazy("Kecamatan"), lambda a: _kecamatan(a.kelurahan), width=20),
    Column(gettext_lazy("Sektor"), lambda a: a.sector.name, width=24),
    Column(gettext_lazy("Status"), lambda a: a.get_status_display(), width=22),
    Column(gettext_lazy("Masuk antrean"), lambda a: _moment(a.queued_at), width=17),
    Column(gettext_lazy("Batas verifikasi"), lambda a: a.verification_due, width=12),
    Column(gettext_lazy("Terlambat"), lambda a: _("Ya") if getattr(a, "is_overdue", False) else _("Tidak"), width=10),
]


# -- places and the waitlist (programme managers) ---------------------------------------------------------


def _programme_code(query: Mapping[str, str]) -> str:
    code = query.get("program", "").strip()[:30]
    if not code:
        raise DomainError(_("Program: pilih program yang daftarnya diekspor."), field="program")
    return code


def _places_filters(user: User, query: Mapping[str, str], search: str) -> dict[str, str]:
    programme = programme_of(user, _programme_code(query), manage=True)
    status = query.get("status", "aktif")
    return {
        "program": programme.code,
        "status": status if status in PLACE_STATUS else "aktif",
        "q": query.get("q", "").replace("\x00", "")[:100],
    }


def _places(user: User, filters: Mapping[str, str]) -> QuerySet[Place]:
    programme = programme_of(user, filters["program"], manage=True)
    qs = places_for(user, programme, status=PLACE_STATUS[filters["status"]], query=filters.get("q", ""))
    return qs.select_related("programme__funder", "application__kelurahan__parent")


PLACE_COLUMNS = [
    Column(gettext_lazy("Nomor pendaftaran"), lambda p: p.application.number, width=20),
    Column(gettext_lazy("Nama"), lambda p: p.person.name, width=28),
    Column(gettext_lazy("NIK"), lambda p: p.person.nik, text=True, width=20, nik=True),
    Column(gettext_lazy("Kelurahan"), lambda p: p.application.kelurahan.name, width=20),
    Column(gettext_lazy("Kecamatan"), lambda p: _kecamatan(p.application.kelurahan), width=20),
    Column(gettext_lazy("Mulai"), lambda p: p.starts, width=12),
    Column(gettext_lazy("Berakhir"), lambda p: p.ends, width=12),
    Column(gettext_lazy("Status"), lambda p: p.get_status_display(), width=10),
    Column(
        gettext_lazy("Alasan berakhir"), lambda p: _label(EndReason, p.end_reason) if p.end_reason else "", width=24
    ),
    Column(gettext_lazy("Keterangan"), lambda p: p.end_note, width=30),
]


def _waitlist_filters(user: User, query: Mapping[str, str], search: str) -> dict[str, str]:
    programme = programme_of(user, _programme_code(query), manage=True)
    waitlist_for(user, programme)
    return {"program": programme.code}


def _waitlist(user: User, filters: Mapping[str, str]) -> QuerySet[Application]:
    programme = programme_of(user, filters["program"], manage=True)
    return waitlist_for(user, programme).select_related("kelurahan__parent")


class _Position:
    """The waitlist's order numbers, counted as the rows are written."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, _row: Any) -> int:
        self.n += 1
        return self.n


WAITLIST_COLUMNS_AFTER = [
    Column(gettext_lazy("Nomor pendaftaran"), lambda a: a.number, width=20),
    Column(gettext_lazy("Nama"), lambda a: a.person.name, width=28),
    Column(gettext_lazy("NIK"), lambda a: a.person.nik, text=True, width=20, nik=True),
    Column(gettext_lazy("Kelurahan"), lambda a: a.kelurahan.name, width=20),
    Column(gettext_lazy("Kecamatan"), lambda a: _kecamatan(a.kelurahan), width=20),
    Column(gettext_lazy("Sektor"), lambda a: a.sector.name, width=24),
    Column(gettext_lazy("DTKS/DTSEN"), lambda a: _("Ya") if a.person.dtks_listed else _("Tidak"), width=10),
    Column(gettext_lazy("Penghasilan per bulan (Rp)"), lambda a: a.person.monthly_income, width=14),
    Column(gettext_lazy("Diajukan"), lambda a: _moment(a.submitted_at), width=17),
]


# -- members and cards ------------------------------------------------------------------------------------


def _members_filters(user: User, query: Mapping[str, str], search: str) -> dict[str, str]:
    programme = member_programme_of(user, _programme_code(query))
    status = query.get("status", "")
    return {
        "program": programme.code,
        "status": status if status in Membership.Status.values else "",
        "kelurahan": query.get("kelurahan", "").replace("\x00", "")[:13],
        "query": search,
    }


def _members(user: User, filters: Mapping[str, str]) -> QuerySet[Membership]:
    member_programme_of(user, filters["program"])
    return memberships_visible_to(
        user,
        programme_code=filters["program"],
        status=filters.get("status", ""),
        kelurahan=filters.get("kelurahan", ""),
        query=filters.get("query", ""),
    ).select_related("application__kelurahan__parent", "application__sector")


MEMBER_COLUMNS = [
    Column(gettext_lazy("KPJ"), lambda m: m.kpj, text=True, width=14),
    Column(gettext_lazy("Nama"), lambda m: m.person.name, width=28),
    Column(gettext_lazy("NIK"), lambda m: m.person.nik, text=True, width=20, nik=True),
    Column(gettext_lazy("Program"), lambda m: m.programme.code, width=12),
    Column(gettext_lazy("Kelurahan"), lambda m: m.application.kelurahan.name, width=20),
    Column(gettext_lazy("Kecamatan"), lambda m: _kecamatan(m.application.kelurahan), width=20),
    Column(gettext_lazy("Sektor"), lambda m: m.application.sector.name, width=24),
    Column(gettext_lazy("Status"), lambda m: m.get_status_display(), width=10),
    Column(gettext_lazy("Status sejak"), lambda m: m.status_since, width=12),
    Column(gettext_lazy("Mulai perlindungan"), lambda m: m.starts, width=12),
    Column(gettext_lazy("Akhir perlindungan"), lambda m: m.ends, width=12),
    Column(
        gettext_lazy("Alasan berakhir"), lambda m: _label(EndReason, m.end_reason) if m.end_reason else "", width=24
    ),
]

HANDED = {"sudah": True, "belum": False}


def _cards_filters(user: User, query: Mapping[str, str], search: str) -> dict[str, str]:
    programme = member_programme_of(user, _programme_code(query))
    handed = query.get("diserahkan", "")
    return {
        "program": programme.code,
        "kelurahan": query.get("kelurahan", "").replace("\x00", "")[:13],
        "diserahkan": handed if handed in HANDED else "",
    }


def _cards(user: User, filters: Mapping[str, str]) -> QuerySet[Card]:
    members = memberships_visible_to(user, programme_code=filters["program"], kelurahan=filters.get("kelurahan", ""))
    qs = Card.objects.filter(membership__in=members.values("pk")).select_related(
        "membership__person", "membership__programme__funder", "membership__application__kelurahan__parent"
    )
    handed = filters.get("diserahkan", "")
    if handed:
        qs = qs.filter(handed_on__isnull=not HANDED[handed])
    return qs.order_by("membership__application__kelurahan_id", "membership__person__name", "pk")


CARD_COLUMNS = [
    Column(gettext_lazy("KPJ"), lambda c: c.membership.kpj, text=True, width=14),
    Column(gettext_lazy("Nama"), lambda c: c.membership.person.name, width=28),
    Column(gettext_lazy("NIK"), lambda c: c.membership.person.nik, text=True, width=20, nik=True),
    Column(gettext_lazy("Kelurahan"), lambda c: c.membership.application.kelurahan.name, width=20),
    Column(gettext_lazy("Kecamatan"), lambda c: _kecamatan(c.membership.application.kelurahan), width=20),
    Column(gettext_lazy("Dicetak"), lambda c: _moment(c.issued_at), width=17),
    Column(gettext_lazy("Berlaku sampai"), lambda c: c.valid_until, width=12),
    Column(gettext_lazy("Tanggal penyerahan"), lambda c: c.handed_on, width=12),
    Column(gettext_lazy("Tempat penyerahan"), lambda c: c.handed_at_place, width=24),
    Column(gettext_lazy("Diterima oleh"), lambda c: c.received_by, width=22),
    Column(gettext_lazy("Diserahkan oleh"), lambda c: c.handed_by, width=22),
]


def _person_of(row: Any) -> tuple[str, str]:
    person: Person = row.person
    return str(person.pk), person.name


# -- claims -----------------------------------------------------------------------------------------------


def _claims_filters(user: User, query: Mapping[str, str], search: str) -> dict[str, str]:
    claims_visible_to(user)  # the right to the list
    status = query.get("status", "")
    kind = query.get("jenis", "")
    return {
        "status": status if status in ClaimStatus.values else "",
        "jenis": kind if kind in ClaimKind.values else "",
        "terlambat": "1" if query.get("terlambat") == "1" else "",
        "query": search,
    }


def _claims(user: User, filters: Mapping[str, str]) -> QuerySet[Claim]:
    return claims_visible_to(
        user,
        status=filters.get("status", ""),
        kind=filters.get("jenis", ""),
        overdue=filters.get("terlambat") == "1",
        query=filters.get("query", ""),
    )


CLAIM_COLUMNS = [
    Column(gettext_lazy("Nomor klaim"), lambda c: c.number, width=22),
    Column(gettext_lazy("Program"), lambda c: c.programme.code, width=12),
    Column(gettext_lazy("Jenis"), lambda c: c.get_kind_display(), width=24),
    Column(gettext_lazy("Status"), lambda c: c.get_status_display(), width=20),
    Column(gettext_lazy("Nama"), lambda c: c.person.name, width=28),
    Column(gettext_lazy("NIK"), lambda c: c.person.nik, text=True, width=20, nik=True),
    Column(gettext_lazy("KPJ"), lambda c: c.membership.kpj, text=True, width=14),
    Column(gettext_lazy("Tanggal peristiwa"), lambda c: c.event_date, width=12),
    Column(gettext_lazy("Dilaporkan"), lambda c: _moment(c.created_at), width=17),
    Column(gettext_lazy("Dalam perlindungan"), lambda c: _("Ya") if c.covered else _("Tidak"), width=10),
    Column(gettext_lazy("Batas BPJS membayar"), lambda c: c.bpjs_pays_by, width=12),
    Column(gettext_lazy("Dibayar BPJS (Rp)"), lambda c: c.paid_amount, width=16),
    Column(gettext_lazy("Tanggal dibayar"), lambda c: c.paid_on, width=12),
]


# -- a BPJS invoice's rows --------------------------------------------------------------------------------


def _invoice_pk(query: Mapping[str, str]) -> int:
    value = query.get("tagihan", "")
    if not value.isdigit():
        raise DomainError(_("Tagihan: pilih tagihan yang barisnya diekspor."), field="tagihan")
    return int(value)


def _invoice_filters(user: User, query: Mapping[str, str], search: str) -> dict[str, str]:
    programme = contribution_programme(user, _programme_code(query))
    invoice = Invoice.objects.filter(programme=programme, pk=_invoice_pk(query)).first()
    if invoice is None:
        raise NotFound(_("Tagihan ini tidak ditemukan."))
    status = query.get("status", "")
    return {
        "program": programme.code,
        "tagihan": str(invoice.pk),
        "status": status if status in LineStatus.values else "",
    }


def _invoice_lines(user: User, filters: Mapping[str, str]) -> QuerySet[InvoiceLine]:
    programme = contribution_programme(user, filters["program"])
    lines = InvoiceLine.objects.filter(invoice__programme=programme, invoice_id=int(filters["tagihan"]))
    status = filters.get("status", "")
    # As the invoice page lists them: one status, or every row but the matched ones.
    lines = lines.filter(status=status) if status else lines.exclude(status=LineStatus.COCOK)
    return lines.select_related("invoice__programme__funder", "membership").order_by("position")


def _line_subject(line: InvoiceLine) -> tuple[str, str]:
    if line.membership is not None:
        return str(line.membership.person_id), line.name
    return f"invoice:{line.invoice_id}:{line.row_number}", line.name


INVOICE_COLUMNS = [
    Column(gettext_lazy("Urutan"), lambda r: r.position, width=8),
    Column(gettext_lazy("Baris berkas"), lambda r: r.row_number or None, width=8),
    Column(gettext_lazy("Status"), lambda r: r.status, width=16),
    Column(gettext_lazy("KPJ"), lambda r: r.kpj, text=True, width=14),
    Column(gettext_lazy("NIK"), lambda r: r.nik, text=True, width=20, nik=True),
    Column(gettext_lazy("Nama"), lambda r: r.name, width=28),
    Column(gettext_lazy("Periode"), lambda r: r.month, width=12),
    Column(gettext_lazy("Ditagih (Rp)"), lambda r: r.invoiced, width=14),
    Column(gettext_lazy("Seharusnya (Rp)"), lambda r: r.expected, width=14),
    Column(gettext_lazy("Selisih (Rp)"), lambda r: r.difference, width=14),
    Column(gettext_lazy("Alasan"), lambda r: r.reason, width=40),
]


EXPORTS: dict[str, Export] = {
    export.kind: export
    for export in (
        Export(
            "pendaftaran",
            gettext_lazy("Pendaftaran"),
            APPLICATION_COLUMNS,
            _applications_filters,
            _applications,
            subject=_person_of,
            list_url=lambda f: reverse("registry:list"),
        ),
        Export(
            "antrean",
            gettext_lazy("Antrean verifikasi"),
            QUEUE_COLUMNS,
            _queue_filters,
            _queue,
            subject=_person_of,
            list_url=lambda f: reverse("verification:queue"),
        ),
        Export(
            "tempat",
            gettext_lazy("Tempat kuota"),
            PLACE_COLUMNS,
            _places_filters,
            _places,
            subject=_person_of,
            list_url=lambda f: reverse("allocation:places", args=[f["program"]]),
        ),
        Export(
            "daftar-tunggu",
            gettext_lazy("Daftar tunggu"),
            [Column(gettext_lazy("Urutan"), _Position(), width=8), *WAITLIST_COLUMNS_AFTER],
            _waitlist_filters,
            _waitlist,
            subject=_person_of,
            list_url=lambda f: reverse("allocation:waitlist", args=[f["program"]]),
        ),
        Export(
            "peserta",
            gettext_lazy("Peserta"),
            MEMBER_COLUMNS,
            _members_filters,
            _members,
            subject=_person_of,
            list_url=lambda f: reverse("enrolment:members", args=[f["program"]]),
        ),
        Export(
            "kartu",
            gettext_lazy("Kartu peserta"),
            CARD_COLUMNS,
            _cards_filters,
            _cards,
            subject=lambda c: _person_of(c.membership),
            list_url=lambda f: reverse("cards:report", args=[f["program"]]),
            programme_of=lambda c: c.membership.programme,
        ),
        Export(
            "klaim",
            gettext_lazy("Klaim JKK/JKM"),
            CLAIM_COLUMNS,
            _claims_filters,
            _claims,
            subject=_person_of,
            list_url=lambda f: reverse("claims:list"),
        ),
        Export(
            "tagihan",
            gettext_lazy("Baris tagihan BPJS"),
            INVOICE_COLUMNS,
            _invoice_filters,
            _invoice_lines,
            subject=_line_subject,
            list_url=lambda f: reverse("contributions:invoice", args=[f["program"], int(f["tagihan"])]),
            programme_of=lambda r: r.invoice.programme,
        ),
    )
}


# -- the job ----------------------------------------------------------------------------------------------


def export_start(*, actor: User, kind: str, filters: dict[str, str], ip_address: str | None) -> Job:
    """Queue the export of one list with its filters (already checked by its Export's `filters`)."""
    export = EXPORTS[kind]
    job = job_create(
        kind=KIND_PREFIX + kind,
        label=_("Ekspor Excel: %(title)s") % {"title": export.title},
        actor=actor,
        params={"kind": kind, "filters": filters, "ip": ip_address},
    )
    transaction.on_commit(lambda: _enqueue(job))
    return job


def _enqueue(job: Job) -> None:
    result = list_export.enqueue(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))


@task()
def list_export(job_id: int) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    try:
        result = export_write(job)
    except Exception as exc:
        job_fail(job=job, message=str(exc)[:500])
        raise
    job_finish(job=job, result=result)


def _values(columns: Iterable[Column], row: Any, *, masked: bool) -> list[Any]:
    values = []
    for column in columns:
        value = column.value(row)
        if column.nik and masked:
            value = mask_nik(value)
        values.append(value)
    return values


def export_write(job: Job) -> dict[str, Any]:
    """Write the file of an export job; returns the job's result (file, rows)."""
    actor = job.created_by
    assert actor is not None, "an export always has the officer who asked for it"
    export = EXPORTS[job.params["kind"]]
    filters: dict[str, str] = job.params.get("filters", {})
    rows = export.rows(actor, filters)
    total = rows.count()
    job_start(job=job, total=total)
    masked = not full_nik(actor)
    # Order numbers start at 1 in every file.
    columns = [
        Column(c.header, _Position(), c.text, c.width, c.nik) if isinstance(c.value, _Position) else c
        for c in export.columns
    ]
    workbook = xlsx.workbook()
    sheet = workbook.create_sheet(re.sub(r"[\\/*?:\[\]]", "-", str(export.title))[:31])  # Excel's forbidden characters
    for index, column in enumerate(columns):
        sheet.column_dimensions[_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([xlsx.cell(sheet, str(column.header), font=BOLD) for column in columns])
    path = reverse("core:job", args=[job.pk])
    list_path = export.list_url(filters)
    done = 0
    pending: list[dict[str, Any]] = []
    for row in rows.iterator(chunk_size=CHUNK):
        values = _values(columns, row, masked=masked)
        sheet.append([_cell(sheet, column, value) for column, value in zip(columns, values, strict=True)])
        ref, label = export.subject(row)
        pending.append(
            {
                "actor": actor,
                "person_ref": ref,
                "person_label": label,
                "what": f"export_{export.kind}",
                "path": list_path or path,
                "ip_address": job.params.get("ip"),
                "funder": export.programme_of(row).funder,
            }
        )
        done += 1
        if done % CHUNK == 0:
            access_logs_write(pending)
            pending = []
            job_progress(job=job, done=done)
    access_logs_write(pending)
    _about_sheet(workbook, export, filters, actor=actor, rows=done, masked=masked)
    folder = Path(settings.MEDIA_ROOT) / EXPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{export.kind}-{clock.local():%Y%m%d-%H%M%S}-{job.pk}.xlsx"
    workbook.save(folder / name)
    return {"file": f"{EXPORT_DIR}/{name}", "rows": done, "nik": "masked" if masked else "full"}


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _cell(sheet: Any, column: Column, value: Any) -> Any:
    if isinstance(value, datetime):
        return xlsx.cell(sheet, value, fmt=MOMENT_FORMAT)
    if isinstance(value, date):
        return xlsx.cell(sheet, value, fmt=DATE_FORMAT)
    return xlsx.cell(sheet, value, text=column.text)


def _about_sheet(
    workbook: Workbook, export: Export, filters: Mapping[str, str], *, actor: User, rows: int, masked: bool
) -> None:
    """What the file is: which list, which filters, who exported it and when, and whether NIKs are masked."""
    sheet = workbook.create_sheet(_("Keterangan"))
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 60
    shown = ", ".join(f"{k}={v}" for k, v in filters.items() if v and k != "query")
    if filters.get("query"):
        shown = ", ".join(filter(None, [shown, _("pencarian")]))
    lines = [
        (_("Daftar"), str(export.title)),
        (_("Saringan"), shown or _("tanpa saringan")),
        (_("Jumlah baris"), rows),
        (_("Diekspor oleh"), actor.full_name or actor.username),
        (_("Waktu ekspor"), clock.local().strftime("%d-%m-%Y %H:%M")),
        (_("NIK"), _("disamarkan") if masked else _("lengkap (peran Anda bertukar data dengan BPJS)")),
        (_("Catatan"), _("Berisi data pribadi: setiap orang di berkas ini dicatat di log akses data pribadi.")),
    ]
    for label, value in lines:
        sheet.append([xlsx.cell(sheet, label, font=BOLD), xlsx.cell(sheet, value)])
