"""Importing a BPJS invoice and reconciling it (../shared/spec/bpjs-invoice.md).

The rows are judged as they are read and written to the database in chunks (COPY on PostgreSQL), so a
million-row invoice never sits in memory as rows nor as model instances, and a page can follow the progress
(each chunk commits). Until its last step the invoice is `reconciling`, which no page counts; the last step,
in one transaction, makes it the month's current invoice and marks the earlier one replaced (with an audit
record). Importing the same file again changes nothing; a failed run leaves a `failed` invoice and no rows.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.contributions import billing, setbased
from jaring.contributions.invoice_read import InvoiceFile, InvoiceFileError, RowReader, invoice_open, rows_of
from jaring.contributions.models import PAYABLE, BillingTerms, CoverRule, Invoice, InvoiceLine, LineStatus
from jaring.contributions.reconcile import LINE_FIELDS, FastPath, Line, Reconciler
from jaring.contributions.selectors import contribution_for, covered_count, members_of, paid_in, spans_of, terms_of
from jaring.contributions.services import check_may
from jaring.core.actors import Actor
from jaring.core.bulk import rows_insert
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import Job, User
from jaring.core.permissions import Capability
from jaring.core.services import audit_record, job_progress, job_start
from jaring.enrolment.models import Membership
from jaring.programmes.models import Programme
from jaring.programmes.money import Contribution, NoRates

UPLOAD_DIR = "invoices"
CHUNK = 20_000  # rows judged and written per step (and per progress report)
COLUMNS = ("invoice_id", "position", *LINE_FIELDS)


@dataclass(frozen=True)
class Reconciled:
    invoice: Invoice
    unchanged: bool  # the same file as the month's current invoice: nothing was done
    replaced: Invoice | None = None


def _store(content: bytes | Path, *, digest: str, kind: str) -> str:
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    relative = f"{UPLOAD_DIR}/{digest}.{kind}"
    path = Path(settings.MEDIA_ROOT) / relative
    if not path.exists():
        partial = path.with_name(path.name + ".part")
        if isinstance(content, Path):
            shutil.copyfile(content, partial)
        else:
            partial.write_bytes(content)
        partial.replace(path)
    return relative


def stored_path(invoice: Invoice) -> Path:
    return Path(settings.MEDIA_ROOT) / invoice.stored_file


def _digest(content: bytes | Path) -> str:
    hasher = hashlib.sha256()
    if isinstance(content, Path):
        with content.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(block)
    else:
        hasher.update(content)
    return hasher.hexdigest()


def invoice_check_may(*, actor: Actor | User, programme: Programme) -> None:
    check_may(actor, programme, Capability.RECONCILE_INVOICES)


def invoice_prepare(*, programme: Programme, file_name: str, content: bytes | Path, actor: Actor | User) -> Reconciled:
    """Check the file as a whole and record it as an invoice being reconciled (run it with invoice_reconcile).
    The same file as the month's current invoice is that invoice, unchanged. InvoiceFileError when the file
    cannot be read at all; nothing is stored then."""
    invoice_check_may(actor=actor, programme=programme)
    digest = _digest(content)
    same = Invoice.objects.filter(programme=programme, file_sha256=digest, status=Invoice.Status.CURRENT).first()
    if same is not None:
        return Reconciled(invoice=same, unchanged=True)
    opened = invoice_open(content, extra=terms_of(programme).invoice_headers)
    stored = _store(content, digest=digest, kind=opened.kind)
    invoice = Invoice.objects.create(
        programme=programme,
        month=programme.cover_start.replace(day=1),  # until the rows say which month is billed
        status=Invoice.Status.RECONCILING,
        file_name=file_name[-255:] or "tagihan",
        file_sha256=digest,
        stored_file=stored,
        headers=opened.layout.headers,
        created_by=Actor.of(actor).user,
        created_by_label=Actor.of(actor).name,
    )
    audit_record(
        actor=actor,
        action="invoice.upload",
        target=invoice,
        data={"programme": programme.code, "file_name": invoice.file_name, "sha256": digest},
        funder=programme.funder,
    )
    return Reconciled(invoice=invoice, unchanged=False)


def invoice_reconcile(
    *,
    invoice: Invoice,
    actor: Actor | User,
    month: date | None = None,
    job: Job | None = None,
    set_based: bool | None = None,
) -> Reconciled:
    """Judge every row of a prepared invoice, list the members covered in its month who were not billed, and
    make it the month's current invoice. `month` is needed only when the rows bill several months. A run that
    fails (the file turns out unreadable half-way, several months without `month`, a paid invoice to replace)
    leaves the invoice `failed` with the reason, and no rows; DomainError says why. `set_based`: judge in the
    database (default on PostgreSQL, see setbased.py) or row by row in Python (False; the only way on SQLite)."""
    programme = Programme.objects.select_related("funder").get(pk=invoice.programme_id)
    invoice_check_may(actor=actor, programme=programme)
    if invoice.status != Invoice.Status.RECONCILING:
        raise Conflict(_("Tagihan ini sudah dicocokkan."))
    InvoiceLine.objects.filter(invoice=invoice).delete()  # a run that stopped half-way starts again
    # A million members and rows are a million tuples each, none of them in a cycle: the cyclic collector
    # would walk them over and over (a tenth of the run, measured), so it waits until the run is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _reconcile(invoice, programme, actor=actor, month=month, job=job, set_based=set_based)
    except DomainError as exc:
        InvoiceLine.objects.filter(invoice=invoice).delete()
        Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.FAILED, error=exc.message[:2000])
        audit_record(actor=actor, action="invoice.fail", target=invoice, data={"error": exc.message[:500]})
        raise
    finally:
        if collecting:
            gc.enable()


def _reconcile(
    invoice: Invoice,
    programme: Programme,
    *,
    actor: Actor | User,
    month: date | None,
    job: Job | None,
    set_based: bool | None = None,
) -> Reconciled:
    terms = terms_of(programme)
    run = _Run(
        invoice=invoice,
        programme=programme,
        opened=invoice_open(stored_path(invoice), extra=terms.invoice_headers),
        whole_month=terms.cover_rule == CoverRule.WHOLE_MONTH,
        month=month,
        job=job,
    )
    if job is not None:
        job_start(job=job, total=_estimate(invoice))
    if set_based is None:
        set_based = setbased.available()
    billed, covered = _judge_in_the_database(run) if set_based else _judge_here(run)
    expected = int(run.rates(billed).total)
    return _finish(invoice, programme, actor=actor, month=billed, fields=_summary(invoice, covered, expected))


@dataclass
class _Run:
    """One reconciliation: the invoice and its file, and what it looks up once per month billed."""

    invoice: Invoice
    programme: Programme
    opened: InvoiceFile
    whole_month: bool
    month: date | None  # the month the uploader named, when the file bills several
    job: Job | None
    _paid: dict[date, dict[int, str]] = field(default_factory=dict)
    _rates: dict[date, Contribution] = field(default_factory=dict)

    def paid(self, month: date) -> dict[int, str]:
        found = self._paid.get(month)
        if found is None:
            found = self._paid[month] = paid_in(self.programme, month)
        return found

    def rates(self, month: date) -> Contribution:
        found = self._rates.get(month)
        if found is not None:
            return found
        try:
            found = self._rates[month] = contribution_for(self.programme, month)
        except NoRates:
            raise DomainError(
                _("Belum ada tabel iuran yang berlaku untuk bulan %(month)s; administrator perlu mengisinya.")
                % {"month": billing.month_text(month)},
                field="periode",
            ) from None
        return found


NOT_BILLED_REASON = gettext_lazy("Tertanggung pada %(month)s tetapi tidak ada di tagihan.")


def _judge_in_the_database(run: _Run) -> tuple[date, int]:
    """Every row judged by PostgreSQL (setbased); the month billed and the members covered in it."""
    position, months = setbased.judge_rows(
        invoice=run.invoice,
        programme=run.programme,
        opened=run.opened,
        whole_month=run.whole_month,
        rates=run.rates,
        paid=run.paid,
        job=run.job,
    )
    billed = _month_billed(months, run.month)
    setbased.not_billed(
        invoice=run.invoice,
        programme=run.programme,
        month=billed,
        whole_month=run.whole_month,
        expected=int(run.rates(billed).total),
        reason=str(NOT_BILLED_REASON) % {"month": billing.month_text(billed)},
        after=position,
    )
    return billed, covered_count(spans_of(run.programme), billed, whole_month=run.whole_month)


def _judge_here(run: _Run) -> tuple[date, int]:
    """Every row judged in Python, chunk after chunk; the month billed and the members covered in it."""
    reconciler = Reconciler(
        programme_code=run.programme.code,
        members=members_of(run.programme),
        rates=run.rates,
        whole_month=run.whole_month,
        paid=run.paid,
    )
    reader = RowReader(run.opened.layout)
    position = 0
    fast = FastPath(reconciler, reader)
    for chunk in _chunks(rows_of(run.opened)):
        lines = []
        for number, cells in chunk:
            line = fast(number, cells)
            lines.append(line if line is not None else reconciler.judge(reader.row(number, cells)))
        position = _write(run.invoice, lines, position)
        if run.job is not None:
            job_progress(job=run.job, done=position)
    billed = _month_billed(sorted(reconciler.summary.months), run.month)
    missing, covered = reconciler.not_billed(billed)
    _names(missing)
    _write(run.invoice, missing, position)
    return billed, covered


def _summary(invoice: Invoice, covered: int, monthly: int) -> dict[str, object]:
    """The invoice's figures from its stored lines (the same on both paths): per status the rows and their Rupiah
    (invoiced; expected for members not billed), rows read, the invoice total, what is proposed for payment."""
    per_status = {
        status: (count, int(invoiced or 0), int(expected or 0))
        for status, count, invoiced, expected in InvoiceLine.objects.filter(invoice=invoice)
        .values("status")
        .annotate(count=Count("id"), invoiced=Sum("invoiced"), expected=Sum("expected"))
        .order_by()
        .values_list("status", "count", "invoiced", "expected")
    }
    summary: dict[str, object] = {}
    for status in LineStatus.values:
        count, invoiced, expected = per_status.get(status, (0, 0, 0))
        summary[status] = {"count": count, "sum": expected if status == LineStatus.TIDAK_DITAGIH else invoiced}
    summary["members"] = covered
    in_file = [values for status, values in per_status.items() if status != LineStatus.TIDAK_DITAGIH]
    return {
        "rows": sum(count for count, _i, _e in in_file),
        "invoiced": sum(invoiced for _c, invoiced, _e in in_file),
        "expected": covered * monthly,
        "proposed": sum(per_status.get(status, (0, 0, 0))[2] for status in PAYABLE),
        "summary": summary,
    }


def _estimate(invoice: Invoice) -> int:
    path = stored_path(invoice)
    if path.suffix == ".csv":
        with path.open("rb") as handle:
            return max(sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)
    return 0


def _chunks(rows: Iterator[tuple[int, list[object]]]) -> Iterator[list[tuple[int, list[object]]]]:
    chunk: list[tuple[int, list[object]]] = []
    try:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
    except csv.Error as exc:
        raise InvoiceFileError(_("Berkas CSV rusak: %(problem)s.") % {"problem": str(exc)[:120]}) from None
    if chunk:
        yield chunk


def _write(invoice: Invoice, lines: list[Line], position: int) -> int:
    rows = [(invoice.pk, position + i, *line) for i, line in enumerate(lines, start=1)]
    rows_insert(InvoiceLine, COLUMNS, rows, ids=False)
    return position + len(lines)


def _month_billed(months: list[date], month: date | None) -> date:
    if month is not None:
        month = billing.month_of(month)
        if months and month not in months:
            raise DomainError(
                _("Tidak ada baris untuk bulan %(month)s di berkas ini; bulan di berkas: %(months)s.")
                % {"month": billing.month_text(month), "months": ", ".join(billing.month_text(m) for m in months)},
                field="month",
            )
        return month
    if not months:
        raise InvoiceFileError(
            _("Tidak satu baris pun memiliki periode yang terbaca, sehingga bulan tagihan tidak diketahui.")
        )
    if len(months) > 1:
        raise DomainError(
            _("Berkas berisi tagihan beberapa bulan (%(months)s); sebutkan bulan tagihannya.")
            % {"months": ", ".join(billing.month_text(m) for m in months)},
            field="month",
        )
    return months[0]


def _names(lines: list[Line]) -> None:
    """Names of the members not billed, from their person rows (the reconciler keeps no names: a million of
    them cost memory for the few that are needed)."""
    if not lines:
        return
    ids = [line.membership_id for line in lines]
    names = dict(Membership.objects.filter(pk__in=ids).values_list("pk", "person__name"))
    for i, line in enumerate(lines):
        name = names.get(line.membership_id, "") if line.membership_id is not None else ""
        lines[i] = line._replace(name=name[:150])


def _finish(
    invoice: Invoice, programme: Programme, *, actor: Actor | User, month: date, fields: dict[str, object]
) -> Reconciled:
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)  # one finish per programme at a time
        current = (
            Invoice.objects.select_for_update()
            .filter(programme=programme, month=month, status=Invoice.Status.CURRENT)
            .first()
        )
        if current is not None and current.file_sha256 == invoice.file_sha256:
            # The same file finished meanwhile (two uploads at once): that one stands.
            InvoiceLine.objects.filter(invoice=invoice).delete()
            invoice.delete()
            return Reconciled(invoice=current, unchanged=True)
        if current is not None and current.payments.exists():
            raise Conflict(
                _(
                    "Tagihan %(month)s sudah dibayar sebagian atau seluruhnya (SP2D tercatat), sehingga tidak dapat "
                    "diganti. Tagihkan kekurangan atau koreksinya sebagai baris bulan itu di tagihan bulan berikutnya."
                )
                % {"month": billing.month_text(month)},
                field="file",
            )
        if current is not None:
            current.status = Invoice.Status.REPLACED
            current.save(update_fields=["status"])
            audit_record(
                actor=actor,
                action="invoice.replace",
                target=current,
                data={"month": month.isoformat(), "by": invoice.pk, "file_name": invoice.file_name},
                funder=programme.funder,
            )
        for name, value in fields.items():
            setattr(invoice, name, value)
        invoice.month = month
        invoice.status = Invoice.Status.CURRENT
        invoice.replaces = current
        invoice.error = ""
        invoice.save()
        terms, _created = BillingTerms.objects.get_or_create(programme=programme)
        if terms.tracked_from is None:
            terms.tracked_from = month
            terms.save(update_fields=["tracked_from", "updated_at"])
        counts = {status: value["count"] for status, value in invoice.summary.items() if isinstance(value, dict)}
        audit_record(
            actor=actor,
            action="invoice.reconcile",
            target=invoice,
            data={
                "month": month.isoformat(),
                "rows": invoice.rows,
                "invoiced": invoice.invoiced,
                "expected": invoice.expected,
                "proposed": invoice.proposed,
                "replaces": current.pk if current else None,
                **counts,
            },
            funder=programme.funder,
        )
    return Reconciled(invoice=invoice, unchanged=False, replaced=current)


def invoice_import(
    *,
    programme: Programme,
    file_name: str,
    content: bytes | Path,
    actor: Actor | User,
    month: date | None = None,
    job: Job | None = None,
    set_based: bool | None = None,
) -> Reconciled:
    """Prepare and reconcile in this process (the command line, the benchmark, tests)."""
    prepared = invoice_prepare(programme=programme, file_name=file_name, content=content, actor=actor)
    if prepared.unchanged:
        return prepared
    return invoice_reconcile(invoice=prepared.invoice, actor=actor, month=month, job=job, set_based=set_based)
