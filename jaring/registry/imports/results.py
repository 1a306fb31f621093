"""The files an import hands back: the result (the original sheet plus `status`, `nomor_pendaftaran` and
`alasan`, so an operator fixes the rejected rows in it and sends it again) and the empty template.

The result is written with openpyxl's write-only mode through `core.xlsx` (texts stay texts, never formulas;
NIK, KK and phone cells in the text format), from the file and the recorded outcomes, row after row: a
100,000-row result is read and written without holding either in memory.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jaring.core import clock, xlsx
from jaring.registry.imports.files import RESULT_COLUMNS, TEXT_COLUMNS, CheckedFile, is_empty_row
from jaring.registry.intake import (
    COLUMNS,
    TEMPLATE_EXAMPLE_KECAMATAN,
    TEMPLATE_EXAMPLE_KELURAHAN,
    TEMPLATE_EXAMPLE_NAME,
    TEMPLATE_EXAMPLE_NIK,
)
from jaring.registry.models import ImportBatch, ImportRow

RESULT_DIR = "imports/results"
# The values of the `status` column are part of the file format (the spec), not UI text: never translated.
STATUS_VALUES: dict[str, str] = {
    ImportRow.Status.CREATED: "dibuat",
    ImportRow.Status.DUPLICATE: "duplikat",
    ImportRow.Status.REJECTED: "ditolak",
}
BLANK = ("", "", "")  # a row without an outcome (it cannot happen once the import is done)


def result_path(batch: ImportBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / batch.result_file


def result_download_name(batch: ImportBatch) -> str:
    stem = Path(batch.file_name).stem or "impor"
    return f"{stem}-hasil.xlsx"


def _outcomes(batch: ImportBatch) -> Iterator[tuple[int, tuple[str, str, str]]]:
    """Each recorded row's number and its result cells, in row order (read in slices, not all at once)."""
    rows = ImportRow.objects.filter(batch=batch).order_by("row_number")
    for number, status, registration, reasons in rows.values_list("row_number", "status", "number", "reasons").iterator(
        chunk_size=5000
    ):
        yield number, (STATUS_VALUES[status], registration, "; ".join(reasons))


def result_write(*, batch: ImportBatch, checked: CheckedFile) -> str:
    """Write the result file of a batch whose rows are all recorded; its path relative to MEDIA_ROOT."""
    layout = checked.layout
    kept = [position for position in range(len(layout.headers)) if position not in layout.result_positions]
    text = frozenset(p for p in kept if layout.columns.get(p) in TEXT_COLUMNS)
    workbook = xlsx.workbook()
    sheet = workbook.create_sheet("hasil")
    for number, position in enumerate(kept, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = 18 if position in text else 16
    for number, width in enumerate((10, 20, 80), start=len(kept) + 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = [*(layout.headers[position] for position in kept), *RESULT_COLUMNS]
    sheet.append([xlsx.cell(sheet, name, font=bold) for name in header])
    outcomes = _outcomes(batch)
    recorded = next(outcomes, None)
    width = len(layout.headers)
    for row_number, row in checked.rows():
        # Both in row order: the outcome of this row, if it has one, is the next recorded one.
        while recorded is not None and recorded[0] < row_number:
            recorded = next(outcomes, None)
        if is_empty_row(row):
            sheet.append([])
            continue
        outcome = recorded[1] if recorded is not None and recorded[0] == row_number else BLANK
        cells = row if len(row) >= width else [*row, *[None] * (width - len(row))]
        values = [
            (xlsx.cell(sheet, xlsx.as_text(cells[p]), text=True) if cells[p] not in (None, "") else None)
            if p in text
            else cells[p]
            for p in kept
        ]
        sheet.append(xlsx.row(sheet, [*values, *outcome]))
    notes = workbook.create_sheet("catatan")
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 90
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in _notes(batch):
        notes.append([_wrapped(notes, value, wrap) for value in line])
    folder = Path(settings.MEDIA_ROOT) / RESULT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name and moved in place: a reader never sees half a file.
    partial = folder / f".{batch.pk}-hasil.xlsx.part"
    workbook.save(partial)
    os.replace(partial, folder / f"{batch.pk}-hasil.xlsx")
    return f"{RESULT_DIR}/{batch.pk}-hasil.xlsx"


def _wrapped(sheet: WriteOnlyWorksheet, value: object, alignment: Alignment) -> WriteOnlyCell:
    item = xlsx.cell(sheet, value)
    item.alignment = alignment
    return item


def _notes(batch: ImportBatch) -> list[list[object]]:
    finished = clock.local(batch.finished_at)
    lines: list[list[object]] = [
        [_("Hasil impor daftar pemohon")],
        [_("Program"), f"{batch.programme.code} {batch.programme.name}"],
        [_("Berkas"), batch.file_name],
        [_("Selesai"), finished.strftime("%d-%m-%Y %H:%M")],
        [_("Dibuat"), batch.created_count],
        [_("Duplikat"), batch.duplicate_count],
        [_("Ditolak"), batch.rejected_count],
    ]
    if batch.documents_checked_by:
        lines.append([_("Dokumen diperiksa oleh"), batch.documents_checked_by])
    if batch.unknown_columns:
        lines.append(
            [
                _("Kolom tidak dikenal"),
                _("%(columns)s: diabaikan. Periksa ejaannya bila kolom itu seharusnya dibaca.")
                % {"columns": ", ".join(batch.unknown_columns)},
            ]
        )
    lines += [
        [],
        [_("Kolom status"), _("dibuat: pendaftaran baru dengan nomornya; alasan berisi hasil penilaian syarat.")],
        ["", _("duplikat: NIK sudah terdaftar di program ini atau muncul lebih dulu di berkas; lihat nomornya.")],
        ["", _("ditolak: baris tidak dapat dipakai; alasan menyebut setiap kolom yang perlu diperbaiki.")],
        [
            "",
            _(
                "Perbaiki baris yang ditolak di berkas ini lalu impor lagi: baris yang sudah dibuat akan tercatat "
                "sebagai duplikat, tidak dibuat dua kali."
            ),
        ],
    ]
    return lines


# -- the template ----------------------------------------------------------------------------------

EXAMPLE = {
    "nik": TEMPLATE_EXAMPLE_NIK,
    "no_kk": "6471010101100001",
    "nama": TEMPLATE_EXAMPLE_NAME,
    "tempat_lahir": "Balikpapan",
    "tanggal_lahir": "15-08-1990",
    "jenis_kelamin": "L",
    "nama_ibu_kandung": "Siti Aminah",
    "alamat": "Jl. Mulawarman No. 12",
    "rt": "005",
    "rw": "002",
    "kode_kelurahan": "64.71.01.1001",
    "kelurahan": TEMPLATE_EXAMPLE_KELURAHAN,
    "kecamatan": TEMPLATE_EXAMPLE_KECAMATAN,
    "domisili_sejak": "01-01-2015",
    "no_hp": "081234567890",
    "sektor": "ojol",
    "penghasilan_bulanan": "2.500.000",
    "aplikator": "Gojek",
    "keterangan": "",
}
TEMPLATE_ALIASES = {
    "nik": "no_ktp, nomor_induk_kependudukan",
    "no_kk": "nomor_kk, kk",
    "nama": "nama_lengkap",
    "tanggal_lahir": "tgl_lahir",
    "jenis_kelamin": "jk, sex",
    "nama_ibu_kandung": "ibu_kandung",
    "kode_kelurahan": "kode_wilayah, kode_desa",
    "kelurahan": "desa",
    "domisili_sejak": "tanggal_domisili",
    "no_hp": "telepon, hp, whatsapp",
    "sektor": "pekerjaan, jenis_pekerjaan",
    "penghasilan_bulanan": "penghasilan, pendapatan",
    "keterangan": "catatan",
}


def _template_notes() -> dict[str, tuple[str, str]]:
    """Column -> (required, accepted values), in Bahasa Indonesia."""
    dates = _("YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY, atau sel tanggal Excel.")
    return {
        "nik": (
            _("ya"),
            _(
                "16 angka sesuai KTP; spasi dan titik diabaikan. Format sel harus Teks: NIK yang tersimpan "
                "sebagai angka kehilangan digit terakhirnya dan ditolak."
            ),
        ),
        "no_kk": (_("tidak"), _("16 angka sesuai Kartu Keluarga, format sel Teks.")),
        "nama": (_("ya"), _("Sesuai KTP.")),
        "tempat_lahir": (_("tidak"), _("Teks.")),
        "tanggal_lahir": (_("ya"), dates),
        "jenis_kelamin": (_("ya"), _("L atau Laki-laki, P atau Perempuan.")),
        "nama_ibu_kandung": (_("tidak"), _("Teks (diminta BPJS).")),
        "alamat": (_("ya"), _("Alamat jalan sesuai KTP.")),
        "rt": (_("tidak"), _("1-3 angka.")),
        "rw": (_("tidak"), _("1-3 angka.")),
        "kode_kelurahan": (
            _("ya, kecuali kelurahan dan kecamatan diisi"),
            _("Kode Kemendagri dengan atau tanpa titik: 64.71.01.1001 atau 6471011001."),
        ),
        "kelurahan": (
            _("bersama kecamatan bila kode kosong"),
            _("Nama kelurahan/desa, dicari di wilayah program."),
        ),
        "kecamatan": (_("bersama kelurahan bila kode kosong"), _("Nama kecamatan.")),
        "domisili_sejak": (_("ya"), _("Tanggal mulai tinggal di alamat ini: %(dates)s") % {"dates": dates}),
        "no_hp": (_("tidak"), _("Nomor HP Indonesia: 08…, +628… atau 628…, format sel Teks.")),
        "sektor": (
            _("ya"),
            _("Kode sektor program (misalnya ojol, nelayan, petani, pedagang) atau namanya."),
        ),
        "penghasilan_bulanan": (
            _("ya"),
            _("Rupiah per bulan: 2500000, 2.500.000, Rp2.500.000, 2,5 jt atau 2,5 juta."),
        ),
        "aplikator": (_("untuk ojol"), _("Nama perusahaan aplikasi ojek daring (Gojek, Grab, Maxim, ...).")),
        "keterangan": (_("tidak"), _("Teks bebas yang disimpan bersama pendaftaran.")),
    }


def template_write() -> bytes:
    """The XLSX template: the spec's columns over empty rows, and a notes sheet `catatan` describing each column
    with an example value. The example is not a row of the `pendaftar` sheet: left in, it was imported as a real
    applicant (a file made from an older template is still caught: intake.is_template_example)."""
    workbook = xlsx.workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "pendaftar"
    columns = list(COLUMNS)
    sheet.append(columns)
    bold = Font(bold=True)
    for index, name in enumerate(columns, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = bold
        letter = header.column_letter
        sheet.column_dimensions[letter].width = 18 if name in TEXT_COLUMNS or name == "alamat" else 15
        if name in TEXT_COLUMNS:
            # Text format on the whole column, so numbers typed later keep all 16 digits.
            sheet.column_dimensions[letter].number_format = "@"
            for row in range(1, 2001):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("catatan")
    notes.append([_("kolom"), _("alias"), _("wajib"), _("isi yang diterima"), _("contoh (bukan pemohon)")])
    for cell in notes[1]:
        cell.font = bold
    for name, (required, accepted) in _template_notes().items():
        notes.append([name, TEMPLATE_ALIASES.get(name, ""), required, accepted, EXAMPLE.get(name, "")])
    notes.append([])
    for line in (
        _("Baris judul harus baris pertama; nama kolom boleh huruf besar/kecil, dengan spasi, titik, - atau _."),
        _("Urutan kolom bebas. Kolom lain diabaikan dan dilaporkan. Baris kosong dilewati."),
        _("Simpan sebagai .xlsx (lembar pertama atau lembar bernama “pendaftar”) atau .csv (pemisah , atau ;)."),
        _("Satu baris adalah satu pemohon untuk program yang dipilih saat impor."),
        _(
            "Kolom “contoh” hanya menunjukkan cara menulis; jangan disalin ke lembar pendaftar. Baris contoh "
            "(Budi Santoso, NIK 6471011508900001) yang ikut diimpor ditolak."
        ),
    ):
        notes.append([line])
    for letter, width in zip("ABCDE", (22, 36, 30, 90, 24), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
        row[4].number_format = "@"  # the example NIK keeps its 16 digits
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
