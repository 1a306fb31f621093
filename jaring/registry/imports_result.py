"""The files an import hands back: the result (the original sheet plus `status`, `nomor_pendaftaran` and
`alasan`, so an operator fixes the rejected rows in it and sends it again) and the empty template."""

from __future__ import annotations

import dataclasses
import io
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.styles import Alignment, Font

from jaring.core import clock
from jaring.registry.imports_read import RESULT_COLUMNS, TEXT_COLUMNS, CheckedFile, is_empty_row
from jaring.registry.imports_result_writer import BLANK, Outcome, ResultSpec, result_workbook_write
from jaring.registry.imports_store import ChunkResult
from jaring.registry.intake import (
    COLUMNS,
    TEMPLATE_EXAMPLE_KECAMATAN,
    TEMPLATE_EXAMPLE_KELURAHAN,
    TEMPLATE_EXAMPLE_NAME,
    TEMPLATE_EXAMPLE_NIK,
)
from jaring.registry.models import ImportBatch, ImportRow

logger = logging.getLogger(__name__)

RESULT_DIR = "imports/results"
WRITER_MODULE = "jaring.registry.imports_result_writer"
FINISH_SECONDS = 300  # for the helper to write what it was handed (about a second for 100,000 rows)
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


def result_spec(checked: CheckedFile, path: Path) -> ResultSpec:
    layout = checked.layout
    kept = [position for position in range(len(layout.headers)) if position not in layout.result_positions]
    text_columns = {new for new, position in enumerate(kept) if layout.columns.get(position) in TEXT_COLUMNS}
    return ResultSpec(
        path=str(path),
        header=[*(str(layout.headers[position]) for position in kept), *RESULT_COLUMNS],
        kept=kept,
        width=len(layout.headers),
        text_columns=frozenset(text_columns),
        widths=[18.0 if position in text_columns else 16.0 for position in range(len(kept))] + [10.0, 20.0, 80.0],
    )


def _result_folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / RESULT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _result_relative(batch: ImportBatch) -> str:
    return f"{RESULT_DIR}/{batch.pk}-hasil.xlsx"


def outcome_cells(status: str, number: str, reasons: list[str]) -> Outcome:
    return STATUS_VALUES[status], number, "; ".join(reasons)


def result_write(*, batch: ImportBatch, checked: CheckedFile) -> str:
    """Write the result file of a finished batch; returns its path relative to MEDIA_ROOT."""
    outcomes = {
        row_number: outcome_cells(status, number, reasons)
        for row_number, status, number, reasons in ImportRow.objects.filter(batch=batch).values_list(
            "row_number", "status", "number", "reasons"
        )
    }
    folder = _result_folder()
    # Written under a temporary name and moved in place: a reader never sees half a file.
    partial = folder / f".{batch.pk}-hasil.xlsx.part"
    rows = (
        (row, None if is_empty_row(row) else outcomes.get(row_number, BLANK))
        for row_number, row in checked.source.rows()
    )
    result_workbook_write(result_spec(checked, partial), rows, lambda: _notes(batch))
    os.replace(partial, folder / f"{batch.pk}-hasil.xlsx")
    return _result_relative(batch)


class ResultStream:
    """The result file written by a helper process (imports_result_writer) while the chunks are stored: each
    committed chunk's original rows and outcomes are handed to it in file order, and when the last chunk is
    committed only the notes sheet is left to write. For a fresh run only (a resumed one writes the result from
    the recorded outcomes, `result_write`). Anything going wrong with the helper only costs the time: `finish`
    then returns None and the caller writes the file itself."""

    def __init__(self, batch: ImportBatch, checked: CheckedFile) -> None:
        self._batch = batch
        self.helper_usage: tuple[float, float] | None = None  # the helper's peak memory (MB) and CPU seconds
        self._partial = _result_folder() / f".{batch.pk}-hasil.{uuid.uuid4().hex}.stream"  # one per run
        root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{path}" if path else root}
        # Its complaints go to a file: a pipe nobody reads until the end could fill up and stop it.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by finish or abort)
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(  # noqa: S603 (our own module)
            [sys.executable, "-m", WRITER_MODULE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            env=env,
        )
        self._send(("start", dataclasses.asdict(result_spec(checked, self._partial))))

    @classmethod
    def start(cls, batch: ImportBatch, checked: CheckedFile) -> ResultStream | None:
        """A stream, or None when the helper cannot be started (the file is then written at the end)."""
        try:
            return cls(batch, checked)
        except OSError:
            logger.warning("import %s: no result writer process; the result is written at the end", batch.pk)
            return None

    def _send(self, message: tuple[str, object]) -> None:
        process = self._process
        if process is None or process.stdin is None:
            return
        try:
            pickle.dump(message, process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            process.stdin.flush()
        except OSError:  # the helper is gone: the file is written at the end instead
            logger.warning("import %s: the result writer stopped; the result is written at the end", self._batch.pk)
            self.abort()

    def add_chunk(self, raw: Sequence[tuple[int, list[object]]], result: ChunkResult) -> None:
        """A committed chunk: its original rows (empty ones included) and what storing them gave."""
        # ImportRow values in IMPORT_ROW_FIELDS order: batch, row_number, status, nik, application, number, reasons
        if self._process is None:
            return
        outcomes = {values[1]: outcome_cells(values[2], values[5], values[6]) for values in result.outcomes}
        rows = []
        for number, row in raw:
            outcome = outcomes.get(number)
            if outcome is None and not is_empty_row(row):
                # Recorded by another run of the batch meanwhile: its outcome is in the database only, so the
                # file is written from there at the end.
                self.abort()
                return
            rows.append((row, outcome))
        self._send(("rows", rows))

    def finish(self, batch: ImportBatch) -> str | None:
        """Write the notes and close the file; its path relative to MEDIA_ROOT, or None if the helper failed."""
        process = self._process
        if process is None:
            return None
        self._send(("notes", _notes(batch)))
        if self._process is None:
            return None
        try:
            out, _err = process.communicate(timeout=FINISH_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _err = process.communicate()
        self._process = None
        answer = out.split()
        if process.returncode != 0 or answer[:1] != [b"ok"]:
            self._errors.seek(0)
            complaint = self._errors.read()[-500:].decode(errors="replace")
            logger.warning("import %s: the result writer failed (%s): %s", batch.pk, process.returncode, complaint)
            self._partial.unlink(missing_ok=True)
            self._errors.close()
            return None
        self._errors.close()
        if len(answer) == 3:
            self.helper_usage = (int(answer[1]) / 1024, float(answer[2]))
        os.replace(self._partial, _result_folder() / f"{batch.pk}-hasil.xlsx")
        return _result_relative(batch)

    def abort(self) -> None:
        """Stop the helper and drop its half-written file (a stop, a failure, or a finished run: then a no-op)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.communicate()
        self._partial.unlink(missing_ok=True)
        self._errors.close()


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
    workbook = OpenpyxlWorkbook()
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
