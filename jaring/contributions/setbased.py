"""Reconciliation on PostgreSQL, set-based: the rows go to the database as they are read (COPY into a temporary
table), each distinct period and amount is read once in Python (invoices repeat the same few), and one statement
judges every common row `cocok` (a KPJ of 11 digits matching one member, that member's NIK or none, a tidy name,
a period and amounts read, the amounts of the table in force, covered that month, not paid yet, and no other row
for that member and month). The rows it does not take, usually a few hundred, are read again from the file and
judged by the same Python as on SQLite (reconcile.Reconciler), against the members their KPJs name. Members
covered and not billed are one more statement.

Why: judging a million rows one by one in Python took minutes on the 2-core machine; the database does the
matching of a million rows against a million members in seconds (docs/contributions.md, Performance). The
equivalence test holds this path to the Python one row by row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.db import connection

from jaring.contributions import billing
from jaring.contributions.invoice_read import NAME_MAX, InvoiceFile, RowReader, parse_period, rows_of
from jaring.contributions.models import Invoice, InvoiceLine
from jaring.contributions.reconcile import LINE_FIELDS, Member, Reconciler
from jaring.core.bulk import rows_insert
from jaring.core.models import Job
from jaring.core.services import job_progress
from jaring.core.validation import Invalid, parse_rupiah
from jaring.programmes.models import Programme
from jaring.programmes.money import Contribution

COLUMNS = ("kpj", "nik", "nama", "periode", "iuran_jkk", "iuran_jkm", "jumlah")
AMOUNTS = ("iuran_jkk", "iuran_jkm", "jumlah")
PROGRESS_EVERY = 20_000
# Sorts and hashes of a million rows and members stay in memory instead of spilling to disk (the default 4 MB).
WORK_MEM = "128MB"
_NOT_DIGITS = re.compile(r"[^0-9]+")


def _text(value: object, column: str) -> tuple[str | None, bool]:
    """The cell as the text the database compares, and whether it is exactly what Python would read (else the
    row is judged in Python: a number typed in a KPJ cell, an Excel serial in the period...)."""
    if value is None or type(value) is str:
        return value, True
    if (
        column in AMOUNTS
        and isinstance(value, float | int)
        and not isinstance(value, bool)
        and float(value).is_integer()
    ):
        return str(int(value)), True
    if column == "periode" and isinstance(value, date):
        return value.isoformat()[:10], True
    return str(value), False


def _load(opened: InvoiceFile, job: Job | None) -> int:
    """COPY every non-empty row's seven cells into `invoice_raw`, numbered in file order."""
    positions = [opened.layout.positions.get(column) for column in COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS invoice_raw")
        cursor.execute(
            "CREATE TEMP TABLE invoice_raw (position integer, row_number integer, kpj text, nik text, nama text, "
            "periode text, jkk text, jkm text, jumlah text, typed boolean, digits text)"
        )
        count = 0
        chunk: list[list[Any]] = []
        kpj_at = COLUMNS.index("kpj")
        text_only = opened.kind == "csv"  # every CSV cell is text
        for number, cells in rows_of(opened):
            count += 1
            width = len(cells)
            values: list[Any] = [cells[p] if p is not None and p < width else None for p in positions]
            typed = False
            if not text_only and not all(value is None or type(value) is str for value in values):
                texts = [_text(value, column) for value, column in zip(values, COLUMNS, strict=True)]
                values = [text for text, _same in texts]
                typed = not all(same for _text_, same in texts)
            kpj = values[kpj_at]
            # The KPJ's digits alone: rows that may bill the same member share them, however they wrote it.
            digits = kpj if kpj is not None and kpj.isdigit() and kpj.isascii() else _NOT_DIGITS.sub("", kpj or "")
            chunk.append([count, number, *values, typed, digits])
            if len(chunk) >= PROGRESS_EVERY:
                _copy_raw(cursor, chunk)
                chunk = []
                if job is not None:  # between two COPYs: the connection answers nothing else during one
                    job_progress(job=job, done=count)
        _copy_raw(cursor, chunk)
        cursor.execute("ANALYZE invoice_raw")
    return count


def _copy_raw(cursor: Any, rows: list[list[Any]]) -> None:
    if not rows:
        return
    statement = (
        "COPY invoice_raw (position, row_number, kpj, nik, nama, periode, jkk, jkm, jumlah, typed, digits) FROM STDIN"
    )
    with cursor.cursor.copy(statement) as copy:
        write = copy.write_row
        for row in rows:
            write(row)


def _values(rates: Callable[[date], Contribution]) -> list[date]:
    """Each distinct period and amount read once; the rate of each month found. Returns the months."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT periode FROM invoice_raw WHERE periode IS NOT NULL")
        periods = []
        for (raw,) in cursor.fetchall():
            try:
                periods.append((raw, parse_period(raw)))
            except Invalid:
                continue
        cursor.execute(
            "SELECT jkk FROM invoice_raw UNION SELECT jkm FROM invoice_raw UNION SELECT jumlah FROM invoice_raw"
        )
        amounts = []
        for (raw,) in cursor.fetchall():
            if raw is None:
                continue
            try:
                amounts.append((raw, parse_rupiah(raw)))
            except Invalid:
                continue
        months = sorted({month for _raw, month in periods})
        cursor.execute("DROP TABLE IF EXISTS invoice_period, invoice_amount, invoice_rate")
        cursor.execute("CREATE TEMP TABLE invoice_period (raw text PRIMARY KEY, month date)")
        cursor.execute("CREATE TEMP TABLE invoice_amount (raw text PRIMARY KEY, value bigint)")
        cursor.execute("CREATE TEMP TABLE invoice_rate (month date PRIMARY KEY, jkk bigint, jkm bigint)")
        with cursor.cursor.copy("COPY invoice_period (raw, month) FROM STDIN") as copy:
            for row in periods:
                copy.write_row(row)
        with cursor.cursor.copy("COPY invoice_amount (raw, value) FROM STDIN") as copy:
            for amount in amounts:
                copy.write_row(amount)
        # Read before COPY starts: the connection answers nothing else while a COPY is open.
        found = [rates(month) for month in months]  # DomainError when no table is in force
        with cursor.cursor.copy("COPY invoice_rate (month, jkk, jkm) FROM STDIN") as copy:
            for month, rate in zip(months, found, strict=True):
                copy.write_row((month, int(rate.jkk), int(rate.jkm)))
    return months


# The common row, judged `cocok` in one statement. Everything it asks is what FastPath asks in Python.
_COCOK = """
WITH raw AS (
    SELECT r.*, p.month, a1.value AS jkk_value, a2.value AS jkm_value, a3.value AS total_value,
           count(*) OVER (PARTITION BY r.digits, p.month) AS same
    FROM invoice_raw r
    LEFT JOIN invoice_period p ON p.raw = r.periode
    LEFT JOIN invoice_amount a1 ON a1.raw = r.jkk
    LEFT JOIN invoice_amount a2 ON a2.raw = r.jkm
    LEFT JOIN invoice_amount a3 ON a3.raw = r.jumlah
),
member AS (
    SELECT m.id, m.kpj, m.starts, least(m.ends, pl.ends) AS until, pe.nik,
           count(*) OVER (PARTITION BY m.kpj) AS same_kpj
    FROM enrolment_membership m
    JOIN allocation_place pl ON pl.id = m.place_id
    JOIN registry_person pe ON pe.id = m.person_id
    WHERE m.programme_id = %(programme)s
)
INSERT INTO contributions_invoiceline
    (invoice_id, position, row_number, status, membership_id, month, kpj, nik, name, invoiced, expected,
     difference, reason)
SELECT %(invoice)s, raw.position, raw.row_number, 'cocok', member.id, raw.month, raw.kpj, coalesce(raw.nik, ''),
       coalesce(raw.nama, ''), rate.jkk + rate.jkm, rate.jkk + rate.jkm, 0, ''
FROM raw
JOIN member ON member.kpj = raw.kpj AND member.same_kpj = 1
JOIN invoice_rate rate ON rate.month = raw.month
WHERE NOT raw.typed
  AND raw.kpj ~ '^[0-9]{11}$'
  AND (raw.nik IS NULL OR raw.nik = '' OR raw.nik = member.nik)
  AND (raw.nama IS NULL OR raw.nama = '' OR (raw.nama ~ '^[!-~]+( [!-~]+)*$' AND length(raw.nama) <= %(name_max)s))
  AND raw.same = 1
  AND raw.jkk_value = rate.jkk AND raw.jkm_value = rate.jkm
  AND (raw.jumlah IS NULL OR raw.jumlah = '' OR raw.total_value = rate.jkk + rate.jkm)
  AND {billable}
  AND NOT EXISTS (
      SELECT 1 FROM contributions_paidmonth pm WHERE pm.membership_id = member.id AND pm.month = raw.month
  )
"""
_ANY_DAY = "member.starts <= (raw.month + interval '1 month' - interval '1 day')::date AND member.until >= raw.month"
_WHOLE_MONTH = (
    "member.starts <= raw.month AND member.until >= (raw.month + interval '1 month' - interval '1 day')::date"
)


def judge_rows(
    *,
    invoice: Invoice,
    programme: Programme,
    opened: InvoiceFile,
    whole_month: bool,
    rates: Callable[[date], Contribution],
    paid: Callable[[date], Mapping[int, str]],
    job: Job | None,
) -> tuple[int, list[date]]:
    """Write a line for every row of the file; returns the number of rows and the months they bill."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET work_mem = '{WORK_MEM}'")
    try:
        return _judge_rows(
            invoice=invoice,
            programme=programme,
            opened=opened,
            whole_month=whole_month,
            rates=rates,
            paid=paid,
            job=job,
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS invoice_raw, invoice_period, invoice_amount, invoice_rate")
            cursor.execute("RESET work_mem")


def _judge_rows(
    *,
    invoice: Invoice,
    programme: Programme,
    opened: InvoiceFile,
    whole_month: bool,
    rates: Callable[[date], Contribution],
    paid: Callable[[date], Mapping[int, str]],
    job: Job | None,
) -> tuple[int, list[date]]:
    rows = _load(opened, job)
    months = _values(rates)
    with connection.cursor() as cursor:
        cursor.execute(
            _COCOK.replace("{billable}", _WHOLE_MONTH if whole_month else _ANY_DAY),
            {"programme": programme.pk, "invoice": invoice.pk, "name_max": NAME_MAX},
        )
        cursor.execute(
            "SELECT r.position, r.row_number, r.kpj, r.nik, r.nama, r.periode, r.jkk, r.jkm, r.jumlah, r.typed "
            "FROM invoice_raw r WHERE NOT EXISTS (SELECT 1 FROM contributions_invoiceline l "
            "WHERE l.invoice_id = %s AND l.position = r.position) ORDER BY r.position",
            [invoice.pk],
        )
        others = cursor.fetchall()
    if others:
        _judge_others(invoice, programme, opened, others, whole_month=whole_month, rates=rates, paid=paid)
    if job is not None:
        job_progress(job=job, done=rows)
    return rows, months


def _judge_others(
    invoice: Invoice,
    programme: Programme,
    opened: InvoiceFile,
    others: list[tuple[Any, ...]],
    *,
    whole_month: bool,
    rates: Callable[[date], Contribution],
    paid: Callable[[date], Mapping[int, str]],
) -> None:
    """The rows the statement did not take, judged in Python against the members their KPJs name (every row of a
    member and month billed more than once is among them, so duplicates are seen in order). Their cells come back
    from the temporary table as they were written; a row with a cell that is not text (an XLSX number or date)
    is read again from the file, so the Python judges exactly the cell the branch wrote."""
    from jaring.contributions.selectors import members_of

    layout = opened.layout
    width = max(layout.positions.values()) + 1
    cells_of: dict[int, tuple[int, list[object]]] = {}
    typed: set[int] = set()
    for position, number, *values, is_typed in others:
        if is_typed:
            typed.add(position)
            continue
        cells: list[object] = [None] * width
        for column, value in zip(COLUMNS, values, strict=True):
            if column in layout.positions:
                cells[layout.positions[column]] = value
        cells_of[position] = (number, cells)
    if typed:
        for position, (number, cells) in enumerate(rows_of(opened), start=1):
            if position in typed:
                cells_of[position] = (number, cells)
    reader = RowReader(layout)
    rows = [(position, reader.row(*cells_of[position])) for position in sorted(cells_of)]
    kpjs = {row.kpj for _position, row in rows if row.kpj}
    members: list[Member] = list(members_of(programme, kpjs=kpjs)) if kpjs else []
    reconciler = Reconciler(
        programme_code=programme.code, members=members, rates=rates, whole_month=whole_month, paid=paid
    )
    lines = [(invoice.pk, position, *reconciler.judge(row)) for position, row in rows]
    rows_insert(InvoiceLine, ("invoice_id", "position", *LINE_FIELDS), lines, ids=False)


_NOT_BILLED = """
INSERT INTO contributions_invoiceline
    (invoice_id, position, row_number, status, membership_id, month, kpj, nik, name, invoiced, expected,
     difference, reason)
SELECT %(invoice)s, %(after)s + row_number() OVER (ORDER BY m.kpj, m.id), 0, 'tidak_ditagih', m.id, %(month)s,
       m.kpj, pe.nik, left(pe.name, 150), 0, %(expected)s, -%(expected)s, %(reason)s
FROM enrolment_membership m
JOIN allocation_place pl ON pl.id = m.place_id
JOIN registry_person pe ON pe.id = m.person_id
WHERE m.programme_id = %(programme)s
  AND {billable}
  AND NOT EXISTS (
      SELECT 1 FROM contributions_invoiceline l
      WHERE l.invoice_id = %(invoice)s AND l.membership_id = m.id AND l.month = %(month)s
        AND l.status <> 'bukan_peserta'
  )
  AND NOT EXISTS (SELECT 1 FROM contributions_paidmonth pm WHERE pm.membership_id = m.id AND pm.month = %(month)s)
"""


def not_billed(
    *, invoice: Invoice, programme: Programme, month: date, whole_month: bool, expected: int, reason: str, after: int
) -> None:
    """A `tidak_ditagih` line for each member covered in `month` that no row billed, after the file's rows."""
    first, last = month, billing.month_last_day(month)
    if whole_month:
        billable = "m.starts <= %(first)s AND least(m.ends, pl.ends) >= %(last)s"
    else:
        billable = "m.starts <= %(last)s AND least(m.ends, pl.ends) >= %(first)s"
    with connection.cursor() as cursor:
        cursor.execute(
            _NOT_BILLED.replace("{billable}", billable),
            {
                "invoice": invoice.pk,
                "after": after,
                "month": month,
                "expected": expected,
                "reason": reason,
                "programme": programme.pk,
                "first": first,
                "last": last,
            },
        )


def available() -> bool:
    return connection.vendor == "postgresql"
