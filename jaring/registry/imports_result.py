"""The files an import hands back: the result (the original sheet plus `status`, `nomor_pendaftaran` and
`alasan`, so an operator fixes the rejected rows in it and sends it again) and the empty template."""

from __future__ import annotations

import io
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.styles import Alignment, Font

from jaring.registry.imports_read import RESULT_COLUMNS, TEXT_COLUMNS, CheckedFile, is_empty_row
from jaring.registry.imports_xlsx import WRAP, Workbook
from jaring.registry.intake import COLUMNS
from jaring.registry.models import ImportBatch, ImportRow

RESULT_DIR = "imports/results"
# The values of the `status` column are part of the file format (the spec), not UI text: never translated.
STATUS_VALUES: dict[str, str] = {
    ImportRow.Status.CREATED: "dibuat",
    ImportRow.Status.DUPLICATE: "duplikat",
    ImportRow.Status.REJECTED: "ditolak",
}


def result_path(batch: ImportBatch) -> Path:
    return Path(settings.MEDIA_ROOT) / batch.result_file


def result_download_name(batch: ImportBatch) -> str:
    stem = Path(batch.file_name).stem or "impor"
    return f"{stem}-hasil.xlsx"


def result_write(*, batch: ImportBatch, checked: CheckedFile) -> str:
    """Write the result file of a finished batch; returns its path relative to MEDIA_ROOT."""
    outcomes = {
        row_number: (STATUS_VALUES[status], number, "; ".join(reasons))
        for row_number, status, number, reasons in ImportRow.objects.filter(batch=batch).values_list(
            "row_number", "status", "number", "reasons"
        )
    }
    layout = checked.layout
    kept = [position for position in range(len(layout.headers)) if position not in layout.result_positions]
    width = len(layout.headers)
    text_columns = {new for new, position in enumerate(kept) if layout.columns.get(position) in TEXT_COLUMNS}
    widths = [18.0 if position in text_columns else 16.0 for position in range(len(kept))] + [10.0, 20.0, 80.0]
    folder = Path(settings.MEDIA_ROOT) / RESULT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    relative = f"{RESULT_DIR}/{batch.pk}-hasil.xlsx"
    # Written under a temporary name and moved in place: a reader never sees half a file.
    partial = folder / f".{batch.pk}-hasil.xlsx.part"
    workbook = Workbook(partial)
    with workbook.sheet("hasil", text_columns=text_columns, widths=widths) as sheet:
        sheet.header([*(layout.headers[position] for position in kept), *RESULT_COLUMNS])
        blank = ("", "", "")
        for row_number, row in checked.source.rows():
            cells = list(row) + [""] * (width - len(row)) if len(row) < width else row
            original = [cells[position] for position in kept]
            outcome = blank if is_empty_row(row) else outcomes.get(row_number, blank)
            sheet.row([*original, *outcome])
    with workbook.sheet("catatan", widths=[28.0, 90.0], freeze_header=False) as notes:
        for line in _notes(batch):
            notes.row(line, style=WRAP)
    workbook.close()
    os.replace(partial, folder / f"{batch.pk}-hasil.xlsx")
    return relative


def _notes(batch: ImportBatch) -> list[list[object]]:
    finished = timezone.localtime(batch.finished_at or timezone.now())
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
    "nik": "6471011508900001",
    "no_kk": "6471010101100001",
    "nama": "Budi Santoso",
    "tempat_lahir": "Balikpapan",
    "tanggal_lahir": "15-08-1990",
    "jenis_kelamin": "L",
    "nama_ibu_kandung": "Siti Aminah",
    "alamat": "Jl. Mulawarman No. 12",
    "rt": "005",
    "rw": "002",
    "kode_kelurahan": "64.71.01.1001",
    "kelurahan": "Manggar",
    "kecamatan": "Balikpapan Timur",
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
    """The XLSX template: the spec's columns, one filled example row, and a notes sheet `catatan`."""
    workbook = OpenpyxlWorkbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "pendaftar"
    columns = list(COLUMNS)
    sheet.append(columns)
    sheet.append([EXAMPLE[name] for name in columns])
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
    notes.append([_("kolom"), _("alias"), _("wajib"), _("isi yang diterima")])
    for cell in notes[1]:
        cell.font = bold
    for name, (required, accepted) in _template_notes().items():
        notes.append([name, TEMPLATE_ALIASES.get(name, ""), required, accepted])
    notes.append([])
    for line in (
        _("Baris judul harus baris pertama; nama kolom boleh huruf besar/kecil, dengan spasi, titik, - atau _."),
        _("Urutan kolom bebas. Kolom lain diabaikan dan dilaporkan. Baris kosong dilewati."),
        _("Simpan sebagai .xlsx (lembar pertama atau lembar bernama “pendaftar”) atau .csv (pemisah , atau ;)."),
        _("Satu baris adalah satu pemohon untuk program yang dipilih saat impor."),
    ):
        notes.append([line])
    for letter, width in zip("ABCD", (22, 36, 30, 90), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
