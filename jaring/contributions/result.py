"""The result file of a reconciled invoice (spec/bpjs-invoice.md, "Result file"): the invoice's rows in their
order with `status`, `selisih` and `alasan` added, then the members not billed (`tidak_ditagih`), and a summary
sheet. Written from the stored original and the stored lines, so it can be made again at any time."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jaring.contributions import billing
from jaring.contributions.invoice_read import invoice_open, rows_of
from jaring.contributions.invoices import stored_path
from jaring.contributions.models import Invoice, InvoiceLine, LineStatus
from jaring.contributions.selectors import terms_of
from jaring.core import xlsx
from jaring.registry.models import mask_nik

RESULT_COLUMNS = ("status", "selisih", "alasan")
TEXT_COLUMNS = ("kpj", "nik")
BOLD = Font(bold=True)


def _lines(invoice: Invoice, *, in_file: bool) -> Iterator[tuple[int, str, int, str, str, str, str, Any]]:
    qs = InvoiceLine.objects.filter(invoice=invoice)
    qs = qs.filter(row_number__gt=0) if in_file else qs.filter(row_number=0)
    return (
        qs.order_by("position")
        .values_list("row_number", "status", "difference", "reason", "kpj", "nik", "name", "month")
        .iterator(chunk_size=20_000)
    )


def _write_rows(sheet: WriteOnlyWorksheet, invoice: Invoice) -> None:
    opened = invoice_open(stored_path(invoice), extra=terms_of(invoice.programme_id).invoice_headers)
    layout = opened.layout
    keep = [i for i in range(len(layout.headers)) if i not in layout.result_positions]
    text = {layout.positions[c] for c in TEXT_COLUMNS if c in layout.positions}
    header = [layout.headers[i] for i in keep] + list(RESULT_COLUMNS)
    sheet.append([xlsx.cell(sheet, value, font=BOLD) for value in header])
    lines = _lines(invoice, in_file=True)
    for (number, cells), line in zip(rows_of(opened), lines, strict=False):
        assert number == line[0], "the stored lines follow the file's rows"
        values = [cells[i] if i < len(cells) else None for i in keep]
        row = [
            xlsx.cell(sheet, value, text=position in text) if isinstance(value, str) else value
            for position, value in zip(keep, values, strict=True)
        ]
        sheet.append([*row, line[1], line[2], xlsx.cell(sheet, line[3])])
    width = len(keep)
    where = {
        column: keep.index(layout.positions[column]) for column in layout.positions if layout.positions[column] in keep
    }
    for _number, status, difference, reason, kpj, nik, name, month in _lines(invoice, in_file=False):
        blank: list[Any] = [None] * width
        for column, value in (
            ("kpj", kpj),
            ("nik", mask_nik(nik) if nik else ""),
            ("nama", name),
            ("periode", f"{month:%Y-%m}" if month else ""),
        ):
            if column in where:
                blank[where[column]] = xlsx.cell(sheet, value, text=column in TEXT_COLUMNS)
        sheet.append([*blank, status, difference, xlsx.cell(sheet, reason)])


def _write_summary(sheet: WriteOnlyWorksheet, invoice: Invoice) -> None:
    sheet.append(
        [xlsx.cell(sheet, _("Ringkasan tagihan %(month)s") % {"month": billing.month_text(invoice.month)}, font=BOLD)]
    )
    sheet.append(xlsx.row(sheet, [_("Program"), invoice.programme.code]))
    sheet.append(xlsx.row(sheet, [_("Berkas"), invoice.file_name]))
    sheet.append(xlsx.row(sheet, [_("Baris dibaca"), invoice.rows]))
    sheet.append([])
    sheet.append([xlsx.cell(sheet, value, font=BOLD) for value in (_("Status"), _("Jumlah baris"), _("Rupiah"))])
    for status in LineStatus.values:
        found = invoice.summary.get(status, {})
        sheet.append(xlsx.row(sheet, [status, int(found.get("count", 0)), int(found.get("sum", 0))]))
    sheet.append([])
    sheet.append(xlsx.row(sheet, [_("Jumlah tagihan"), invoice.invoiced]))
    sheet.append(xlsx.row(sheet, [_("Iuran seharusnya bulan ini"), invoice.expected]))
    sheet.append(xlsx.row(sheet, [_("Peserta tertanggung bulan ini"), int(invoice.summary.get("members", 0))]))
    sheet.append(xlsx.row(sheet, [_("Diusulkan untuk dibayar"), invoice.proposed]))
    sheet.append([])
    sheet.append(
        [
            xlsx.cell(
                sheet,
                _(
                    "Diusulkan untuk dibayar: jumlah baris cocok ditambah iuran seharusnya dari baris selisih_jumlah. "
                    "Rupiah tidak_ditagih: iuran seharusnya peserta yang tidak ditagih."
                ),
            )
        ]
    )


def result_write(invoice: Invoice, target: Path | io.BytesIO) -> None:
    workbook = xlsx.workbook()
    rows = workbook.create_sheet(_("hasil"))
    _write_rows(rows, invoice)
    summary = workbook.create_sheet(_("ringkasan"))
    _write_summary(summary, invoice)
    workbook.save(target)


def result_workbook(invoice: Invoice) -> bytes:
    buffer = io.BytesIO()
    result_write(invoice, buffer)
    return buffer.getvalue()


def result_download_name(invoice: Invoice) -> str:
    return f"hasil-tagihan-{invoice.programme.code}-{invoice.month:%Y-%m}-{invoice.pk}.xlsx"
