"""The file as the spec describes it: XLSX (first sheet or `pendaftar`) and CSV (UTF-8 with or without BOM,
or Windows-1252; `,` or `;`), header names matched loosely, aliases, unknown columns, empty rows, Excel
cells (numbers, dates, serials) and the result file handed back."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from jaring.registry.imports.results import result_path
from jaring.registry.models import Application, ImportBatch, ImportRow, Person
from tests.helpers.imports import HEADER, csv_bytes, good, outcomes, xlsx_bytes

pytestmark = pytest.mark.django_db

NUMERIC_NIK = (
    "Kolom nik: NIK tersimpan sebagai angka di Excel sehingga digit terakhir hilang; ketik ulang sebagai teks "
    "(format sel Teks) 16 angka sesuai KTP."
)


def created(batch: ImportBatch) -> int:
    assert batch.status == ImportBatch.Status.DONE, batch.error
    return batch.created_count


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_csv_with_either_separator_is_read(run_import: Callable[..., ImportBatch], sep: str) -> None:
    batch = run_import(csv_bytes([good(1), good(2, penghasilan_bulanan="2,5 jt")], sep=sep))
    assert created(batch) == 2
    assert Person.objects.get(nik=good(2)["nik"]).monthly_income == 2_500_000


def test_a_semicolon_csv_keeps_decimal_commas_and_quoted_separators_inside_cells(
    run_import: Callable[..., ImportBatch],
) -> None:
    content = csv_bytes([good(1, alamat="Jl. Mawar; Gg. 2, No. 5", penghasilan_bulanan="1,5 juta")], sep=";")
    batch = run_import(content)
    person = Person.objects.get(nik=good(1)["nik"])
    assert created(batch) == 1
    assert (person.address, person.monthly_income) == ("Jl. Mawar; Gg. 2, No. 5", 1_500_000)


def test_a_windows_1252_csv_is_read_with_its_accents_and_typographic_quotes(
    run_import: Callable[..., ImportBatch],
) -> None:
    content = csv_bytes(
        [good(1, nama="Muhammad Ma’ruf", alamat="Jl. Kenari – Blok C", tempat_lahir="Bône")], encoding="cp1252"
    )
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    batch = run_import(content)
    person = Person.objects.get(nik=good(1)["nik"])
    assert created(batch) == 1
    assert (person.name, person.address, person.birth_place) == ("Muhammad Ma’ruf", "Jl. Kenari – Blok C", "Bône")


def test_a_utf8_csv_with_a_byte_order_mark_is_read_and_its_first_header_still_matches(
    run_import: Callable[..., ImportBatch],
) -> None:
    batch = run_import(csv_bytes([good(1, nama="Siti Nurhaliza")], bom=True))
    assert created(batch) == 1
    assert batch.unknown_columns == []


def test_header_names_match_ignoring_case_spaces_dots_underscores_and_dashes(
    run_import: Callable[..., ImportBatch],
) -> None:
    spelled = {
        "nik": "N.I.K",
        "no_kk": "No. KK",
        "nama": "NAMA",
        "tempat_lahir": "Tempat Lahir",
        "tanggal_lahir": "TANGGAL_LAHIR",
        "jenis_kelamin": "jenis-kelamin",
        "nama_ibu_kandung": "Nama Ibu Kandung",
        "alamat": " Alamat ",
        "kode_kelurahan": "Kode Kelurahan",
        "domisili_sejak": "Domisili.Sejak",
        "no_hp": "No HP",
        "sektor": "Sektor",
        "penghasilan_bulanan": "Penghasilan Bulanan",
        "aplikator": "APLIKATOR",
    }
    row = good(1)
    content = csv_bytes([{spelled.get(k, k): v for k, v in row.items()}], header=[spelled.get(c, c) for c in HEADER])
    batch = run_import(content)
    assert created(batch) == 1, outcomes(batch)[2].reasons
    assert batch.unknown_columns == []


def test_every_alias_of_the_spec_is_a_name_of_its_column(run_import: Callable[..., ImportBatch]) -> None:
    aliases = {
        "nik": "no_ktp",
        "no_kk": "nomor_kk",
        "nama": "nama_lengkap",
        "tanggal_lahir": "tgl_lahir",
        "jenis_kelamin": "jk",
        "nama_ibu_kandung": "ibu_kandung",
        "kode_kelurahan": "kode_wilayah",
        "domisili_sejak": "tanggal_domisili",
        "no_hp": "whatsapp",
        "sektor": "pekerjaan",
        "penghasilan_bulanan": "pendapatan",
        "keterangan": "catatan",
    }
    others = {
        "nik": "nomor_induk_kependudukan",
        "no_kk": "kk",
        "jenis_kelamin": "sex",
        "kode_kelurahan": "kode_desa",
        "no_hp": "telepon",
        "sektor": "jenis_pekerjaan",
        "penghasilan_bulanan": "penghasilan",
    }
    for serial, names in enumerate((aliases, others), start=1):
        row = good(serial, keterangan="lewat alias")
        header = [names.get(c, c) for c in HEADER]
        batch = run_import(
            csv_bytes([{names.get(k, k): v for k, v in row.items()}], header=header), name=f"{serial}.csv"
        )
        assert created(batch) == 1, outcomes(batch)[2].reasons
        assert batch.unknown_columns == []
    assert Application.objects.filter(note="lewat alias").count() == 2
    # hp and desa are the remaining aliases
    row = good(3, kode_kelurahan="", kelurahan="Lamaru", kecamatan="Balikpapan Timur")
    header = ["hp" if c == "no_hp" else "desa" if c == "kelurahan" else c for c in HEADER]
    renamed = {("hp" if k == "no_hp" else "desa" if k == "kelurahan" else k): v for k, v in row.items()}
    assert created(run_import(csv_bytes([renamed], header=header), name="3.csv")) == 1


def test_column_order_is_free(run_import: Callable[..., ImportBatch]) -> None:
    assert created(run_import(csv_bytes([good(1)], header=list(reversed(HEADER))))) == 1


def test_unknown_columns_are_reported_once_and_otherwise_ignored(run_import: Callable[..., ImportBatch]) -> None:
    rows = [{**good(n), "Nomor Rekening": "123", "Catatan Petugas": "x"} for n in (1, 2)]
    batch = run_import(csv_bytes(rows, header=[*HEADER, "Nomor Rekening", "Catatan Petugas"]))
    assert created(batch) == 2
    assert batch.unknown_columns == ["Nomor Rekening", "Catatan Petugas"]
    notes = load_workbook(result_path(batch))["catatan"]
    text = " ".join(str(cell.value) for row in notes.iter_rows() for cell in row if cell.value)
    assert "Nomor Rekening, Catatan Petugas: diabaikan" in text


def test_empty_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(run_import: Callable[..., ImportBatch]) -> None:
    blank = dict.fromkeys(HEADER, "")
    batch = run_import(csv_bytes([good(1), blank, {**blank, "alamat": "   "}, good(2)]))
    assert created(batch) == 2
    assert sorted(outcomes(batch)) == [2, 5]
    assert batch.rows_counted == 2


def test_an_xlsx_is_read_from_its_first_sheet(run_import: Callable[..., ImportBatch]) -> None:
    batch = run_import(xlsx_bytes([good(1)], sheet="Data Kelurahan"), name="daftar.xlsx")
    assert created(batch) == 1
    assert batch.sheet_name == "Data Kelurahan"


def test_an_xlsx_is_read_from_the_sheet_named_pendaftar_wherever_it_is(run_import: Callable[..., ImportBatch]) -> None:
    content = xlsx_bytes([good(1)], sheet="Pendaftar", before=["Petunjuk", "Rekap"])
    batch = run_import(content, name="daftar.xlsx")
    assert created(batch) == 1
    assert batch.sheet_name == "Pendaftar"


def test_a_nik_typed_as_a_number_in_excel_is_rejected_even_when_it_has_16_digits(
    run_import: Callable[..., ImportBatch],
) -> None:
    rows = [good(1, nik=6471011508900001), good(2, nik=6.47101150890000e15), good(3, no_kk=6471010101100001)]
    batch = run_import(xlsx_bytes(rows), name="daftar.xlsx")
    out = outcomes(batch)
    assert out[2].reasons == [NUMERIC_NIK]
    assert out[3].reasons == [NUMERIC_NIK]
    assert out[4].reasons == [
        "Kolom no_kk: Nomor KK tersimpan sebagai angka di Excel sehingga digit terakhir hilang; ketik ulang sebagai "
        "teks (format sel Teks) 16 angka sesuai Kartu Keluarga."
    ]
    assert not Application.objects.exists()


def test_excel_date_cells_and_date_serials_are_dates(run_import: Callable[..., ImportBatch]) -> None:
    rows = [
        good(1, tanggal_lahir=datetime(1990, 8, 15), domisili_sejak=date(2015, 1, 1)),
        good(2, tanggal_lahir=33100, domisili_sejak=42005),  # serials typed as plain numbers
    ]
    batch = run_import(xlsx_bytes(rows), name="daftar.xlsx")
    assert created(batch) == 2, [r.reasons for r in outcomes(batch).values()]
    first, second = (Person.objects.get(nik=good(n)["nik"]) for n in (1, 2))
    assert (first.birth_date, first.domicile_since) == (date(1990, 8, 15), date(2015, 1, 1))
    assert (second.birth_date, second.domicile_since) == (date(1990, 8, 15), date(2015, 1, 1))


def test_money_phone_and_rt_as_number_cells_are_read(run_import: Callable[..., ImportBatch]) -> None:
    batch = run_import(xlsx_bytes([good(1, penghasilan_bulanan=2500000, no_hp=81234567890, rt=5)]), name="a.xlsx")
    assert created(batch) == 1
    person = Person.objects.get(nik=good(1)["nik"])
    assert (person.monthly_income, person.phone, person.rt) == (2_500_000, "+6281234567890", "005")


def test_the_result_file_is_the_original_sheet_plus_status_number_and_reasons(
    run_import: Callable[..., ImportBatch],
) -> None:
    rows = [good(1), good(2, nik="123"), good(1, nama="Budi Dua")]
    batch = run_import(xlsx_bytes(rows, header=[*HEADER, "Petugas"]), name="daftar.xlsx")
    path = result_path(batch)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "imports")
    sheet = load_workbook(path)["hasil"]
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0] == [*HEADER, "Petugas", "status", "nomor_pendaftaran", "alasan"]
    number = Application.objects.get().number
    assert [row[-3:-1] for row in table[1:]] == [["dibuat", number], ["ditolak", None], ["duplikat", number]]
    assert table[2][-1] == "Kolom nik: NIK harus 16 angka; tertulis 3 angka."
    assert table[3][-1] == f"NIK sama dengan baris 2 di berkas ini, yang didaftarkan dengan nomor {number}."
    assert table[1][-1].startswith("Dikembalikan untuk perbaikan: Dokumen belum lengkap")
    nik_column = HEADER.index("nik") + 1
    assert sheet.cell(row=2, column=nik_column).value == good(1)["nik"]
    assert sheet.cell(row=2, column=nik_column).number_format == "@"
    assert sheet.cell(row=2, column=HEADER.index("no_hp") + 1).number_format == "@"


def test_the_result_writes_a_numeric_nik_back_as_text_so_the_operator_sees_what_excel_kept(
    run_import: Callable[..., ImportBatch],
) -> None:
    batch = run_import(xlsx_bytes([good(1, nik=6471011508900001)]), name="daftar.xlsx")
    sheet = load_workbook(result_path(batch))["hasil"]
    cell = sheet.cell(row=2, column=1)
    assert (cell.value, cell.number_format) == ("6471011508900001", "@")


def test_a_result_file_sent_back_after_fixing_its_rejected_rows_imports_them_and_ignores_its_result_columns(
    run_import: Callable[..., ImportBatch],
) -> None:
    first = run_import(csv_bytes([good(1), good(2, nik="647101150890000")]), name="daftar.csv")
    assert (first.created_count, first.rejected_count) == (1, 1)
    sheet = load_workbook(result_path(first))["hasil"]
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    table[2][0] = good(2)["nik"]  # the operator fixes the NIK in the result file
    fixed = load_workbook(result_path(first))
    for column, value in enumerate(table[2], start=1):
        fixed["hasil"].cell(row=3, column=column, value=value)
    buffer = io.BytesIO()
    fixed.save(buffer)
    second = run_import(buffer.getvalue(), name="daftar-hasil.xlsx")
    assert (second.created_count, second.duplicate_count, second.rejected_count) == (1, 1, 0)
    assert second.unknown_columns == []
    header = [cell.value for cell in load_workbook(result_path(second))["hasil"][1]]
    assert header.count("status") == 1 and header[-3:] == ["status", "nomor_pendaftaran", "alasan"]


def test_a_row_of_the_file_gets_exactly_one_outcome(run_import: Callable[..., ImportBatch]) -> None:
    batch = run_import(csv_bytes([good(n) for n in range(1, 8)]), chunk_size=3)
    assert ImportRow.objects.filter(batch=batch).count() == 7
    assert batch.rows_done == batch.rows_total == 7
