"""The monthly delivery list as an XLSX file to print and sign: a numbered row per recipient with an empty
column for the signature, and the deliveries already recorded filled in. The page (`aid:xlsx`) and the
command (`jaring aid-delivery-list`) both write it here."""

from __future__ import annotations

import io
import re
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Font

from jaring.aid.selectors import SheetRow, label_of_period
from jaring.core import xlsx
from jaring.programmes.models import Programme
from jaring.registry.models import mask_nik

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = (5, 30, 20, 24, 16, 14, 10, 22, 28)


def file_stem(programme: Programme, period: date) -> str:
    code = re.sub(r"[^A-Za-z0-9-]+", "-", programme.code)
    return f"penyerahan-{code}-{period:%Y-%m}"


def headers() -> list[str]:
    return [
        pgettext("kolom nomor urut", "No"),
        _("Nama penerima"),
        _("NIK"),
        _("Alamat"),
        _("Kelurahan"),
        _("Tanggal diterima"),
        _("Jumlah"),
        _("Keterangan"),
        _("Tanda tangan / cap jempol"),
    ]


def sheet_values(programme: Programme, row: SheetRow, *, full_nik: bool) -> list[object]:
    person = row.place.person
    delivery = row.delivery
    note = ""
    if delivery is not None and delivery.representative_name:
        note = _("diwakili %(name)s") % {"name": delivery.representative_name}
    elif delivery is None:
        note = row.status_label
    return [
        row.number,
        person.name,
        person.nik if full_nik else mask_nik(person.nik),
        person.address,
        person.kelurahan.name if person.kelurahan_id else "",
        delivery.delivered_on.strftime("%d-%m-%Y") if delivery else "",
        delivery.quantity if delivery else "",
        note,
        _("ditandatangani") if delivery is not None and delivery.signed else "",
    ]


def delivery_list_xlsx(programme: Programme, period: date, rows: list[SheetRow], *, full_nik: bool = False) -> bytes:
    """The list as XLSX bytes. NIKs are masked unless `full_nik` (the operator's command may print them in full
    for a list checked against KTPs at the hand-over)."""
    book = xlsx.workbook()
    sheet = book.create_sheet(title=f"{period:%Y-%m}")
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    bold = Font(bold=True)
    title = _("Daftar tanda terima %(goods)s") % {"goods": programme.goods_description}
    sheet.append([xlsx.cell(sheet, title, font=Font(bold=True, size=13))])
    sheet.append(xlsx.row(sheet, [f"{programme.code} {programme.name}"]))
    sheet.append(xlsx.row(sheet, [f"{programme.funder.name} · {label_of_period(programme, period)}"]))
    if programme.goods_unit:
        sheet.append(xlsx.row(sheet, [_("Satuan: %(unit)s") % {"unit": programme.goods_unit}]))
    sheet.append([])
    sheet.append([xlsx.cell(sheet, text, font=bold) for text in headers()])
    for row in rows:
        values = sheet_values(programme, row, full_nik=full_nik)
        cells: list[object] = xlsx.row(sheet, values)
        cells[2] = xlsx.cell(sheet, values[2], text=True)  # a NIK stays 16 digits of text
        sheet.append(cells)
    sheet.append([])
    sheet.append(xlsx.row(sheet, [_("Petugas yang menyerahkan: ........................................")]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
