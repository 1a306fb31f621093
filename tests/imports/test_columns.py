"""Every column rule of the import file (spec/applicant-import.md, Columns), through the importer itself: a
small CSV with the row under test, imported into BPN-2026, and the row's outcome read back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.registry.models import Application, ImportBatch, ImportRow, Person
from tests.helpers.imports import csv_bytes, good
from tests.helpers.reference import LAMARU, MANGGAR

pytestmark = pytest.mark.django_db

DATES = (
    "tulis sebagai DD-MM-YYYY (17-08-1985), DD/MM/YYYY (17/08/1985) atau YYYY-MM-DD (1985-08-17), atau pakai sel "
    "tanggal Excel."
)
RUPIAH = "tulis jumlah dengan angka, misalnya 2500000, 2.500.000, Rp2.500.000, 2,5 jt atau 2,5 juta."
SEX = "tulis L atau Laki-laki, P atau Perempuan."
PHONE = (
    "nomor HP tidak valid; tulis nomor HP Indonesia (10-13 angka) yang diawali 08, 628 atau +628, misalnya "
    "0812-3456-7890."
)
RT_RW = "tulis 1 sampai 3 angka, misalnya 5 atau 005, atau kosongkan bila tidak ada."


def import_row(run: Callable[..., ImportBatch], **overrides: object) -> ImportRow:
    batch = run(csv_bytes([good(1, **overrides)]))
    assert batch.status == ImportBatch.Status.DONE, batch.error
    return ImportRow.objects.get(batch=batch)


REJECTED = [
    # nik: required, 16 digits, digits only, the Excel-number trap written as text, structure
    ({"nik": ""}, "Kolom nik: NIK wajib diisi dengan 16 angka sesuai KTP."),
    ({"nik": "647101150890001"}, "Kolom nik: NIK harus 16 angka; tertulis 15 angka."),
    (
        {"nik": "64710115089OOO12"},
        "Kolom nik: NIK hanya boleh berisi angka (spasi dan titik diabaikan); tulis 16 angka sesuai KTP.",
    ),
    (
        {"nik": "6.47101E+15"},
        "Kolom nik: NIK tersimpan sebagai angka di Excel sehingga digit terakhir hilang (tertulis 6.47101E+15); "
        "ketik ulang sebagai teks (format sel Teks) 16 angka sesuai KTP.",
    ),
    (
        {"nik": "6471011508900000.0"},
        "Kolom nik: NIK tersimpan sebagai angka di Excel sehingga digit terakhir hilang (tertulis "
        "6471011508900000.0); ketik ulang sebagai teks (format sel Teks) 16 angka sesuai KTP.",
    ),
    ({"nik": "9971011508900001"}, "Kolom nik: NIK tidak valid: kode provinsi 99 (2 angka pertama) tidak dikenal."),
    (
        {"nik": "6471011508900000"},
        "Kolom nik: NIK tidak valid: nomor urut (4 angka terakhir) tidak boleh 0000.",
    ),
    # no_kk: optional, but 16 digits when given
    ({"no_kk": "64710101011"}, "Kolom no_kk: Nomor KK harus 16 angka; tertulis 11 angka."),
    # nama
    ({"nama": ""}, "Kolom nama: wajib diisi sesuai KTP."),
    ({"nama": "Budi 2"}, "Kolom nama: nama tidak boleh berisi angka; tulis sesuai KTP."),
    ({"nama": "..."}, "Kolom nama: nama harus berisi huruf; tulis sesuai KTP."),
    # tempat_lahir, nama_ibu_kandung, alamat, keterangan: text with limits
    ({"tempat_lahir": "x" * 101}, "Kolom tempat_lahir: terlalu panjang (101 karakter; paling banyak 100)."),
    ({"nama_ibu_kandung": "x" * 151}, "Kolom nama_ibu_kandung: terlalu panjang (151 karakter; paling banyak 150)."),
    ({"alamat": ""}, "Kolom alamat: wajib diisi."),
    ({"alamat": "x" * 256}, "Kolom alamat: terlalu panjang (256 karakter; paling banyak 255)."),
    ({"keterangan": "x" * 1001}, "Kolom keterangan: terlalu panjang (1001 karakter; paling banyak 1000)."),
    # tanggal_lahir
    ({"tanggal_lahir": ""}, f"Kolom tanggal_lahir: wajib diisi; {DATES}"),
    ({"tanggal_lahir": "31-02-1990"}, f"Kolom tanggal_lahir: 31-02-1990 bukan tanggal yang ada; {DATES}"),
    ({"tanggal_lahir": "lima belas"}, f"Kolom tanggal_lahir: “lima belas” bukan tanggal; {DATES}"),
    ({"tanggal_lahir": "15.08.1990"}, f"Kolom tanggal_lahir: “15.08.1990” bukan tanggal; {DATES}"),
    ({"tanggal_lahir": "01-01-2099"}, "Kolom tanggal_lahir: tanggal 01-01-2099 belum terjadi; periksa kembali."),
    ({"tanggal_lahir": "1890-01-01"}, "Kolom tanggal_lahir: tahun lahir tidak masuk akal."),
    # jenis_kelamin
    ({"jenis_kelamin": ""}, f"Kolom jenis_kelamin: wajib diisi; {SEX}"),
    ({"jenis_kelamin": "X"}, f"Kolom jenis_kelamin: “X” tidak dikenali; {SEX}"),
    # rt, rw
    ({"rt": "1234"}, f"Kolom rt: {RT_RW}"),
    ({"rw": "abc"}, f"Kolom rw: {RT_RW}"),
    # kode_kelurahan, or kelurahan and kecamatan by name
    (
        {"kode_kelurahan": "64.71.01"},
        "Kolom kode_kelurahan: tulis kode Kemendagri kelurahan/desa 10 angka, misalnya 64.71.01.1001 atau 6471011001.",
    ),
    (
        {"kode_kelurahan": "64.71.09.9999"},
        "Kolom kode_kelurahan: kode 64.71.09.9999 tidak ditemukan dalam data wilayah Kemendagri.",
    ),
    (
        {"kode_kelurahan": ""},
        "Kolom kode_kelurahan: wajib diisi, atau isi kolom kelurahan dan kecamatan dengan namanya.",
    ),
    # domisili_sejak
    ({"domisili_sejak": ""}, f"Kolom domisili_sejak: wajib diisi; {DATES}"),
    ({"domisili_sejak": "2099-01-01"}, "Kolom domisili_sejak: tanggal 01-01-2099 belum terjadi; periksa kembali."),
    # no_hp
    (
        {"no_hp": "0542-123456"},
        "Kolom no_hp: ini nomor telepon rumah atau kantor; tulis nomor HP yang diawali 08, 628 atau +628.",
    ),
    ({"no_hp": "12345"}, f"Kolom no_hp: {PHONE}"),
    # sektor
    ({"sektor": ""}, "Kolom sektor: wajib diisi dengan kode atau nama sektor."),
    (
        {"sektor": "astronot"},
        "Kolom sektor: sektor “astronot” tidak dikenal; pakai kode seperti ojol, nelayan, petani, pedagang.",
    ),
    # penghasilan_bulanan
    ({"penghasilan_bulanan": ""}, f"Kolom penghasilan_bulanan: wajib diisi; {RUPIAH}"),
    ({"penghasilan_bulanan": "dua juta"}, f"Kolom penghasilan_bulanan: “dua juta” bukan jumlah rupiah; {RUPIAH}"),
    ({"penghasilan_bulanan": "-2.500.000"}, f"Kolom penghasilan_bulanan: jumlah tidak boleh negatif; {RUPIAH}"),
    (
        {"penghasilan_bulanan": "sekitar 2 juta"},
        "Kolom penghasilan_bulanan: “sekitar 2 juta” adalah perkiraan; tulis jumlah yang pasti, misalnya 2.500.000.",
    ),
    # aplikator: required for ojol
    (
        {"aplikator": ""},
        "Kolom aplikator: wajib diisi untuk pengemudi ojol: nama perusahaan aplikasinya (misalnya Gojek, Grab, Maxim).",
    ),
]


@pytest.mark.parametrize(("overrides", "message"), REJECTED, ids=[next(iter(o)) for o, _m in REJECTED])
def test_a_row_breaking_a_column_rule_is_rejected_with_the_message_naming_the_column(
    run_import: Callable[..., ImportBatch], overrides: dict[str, object], message: str
) -> None:
    row = import_row(run_import, **overrides)
    assert row.status == ImportRow.Status.REJECTED
    assert row.reasons == [message]
    assert not Application.objects.exists()


def test_a_row_with_several_problems_lists_every_reason_each_naming_its_column(
    run_import: Callable[..., ImportBatch],
) -> None:
    row = import_row(run_import, nik="123", tanggal_lahir="kemarin", jenis_kelamin="?", penghasilan_bulanan="banyak")
    assert row.status == ImportRow.Status.REJECTED
    assert [reason.split(":")[0] for reason in row.reasons] == [
        "Kolom nik",
        "Kolom tanggal_lahir",
        "Kolom jenis_kelamin",
        "Kolom penghasilan_bulanan",
    ]


ACCEPTED = [
    # (overrides, the person's field, its stored value)
    ({"nik": "6471 0115 0890 0001"}, "nik", "6471011508900001"),
    ({"nik": "6471.0115.0890.0001"}, "nik", "6471011508900001"),
    ({"no_kk": ""}, "kk_number", ""),
    ({"no_kk": "6471 0101 0110 0001"}, "kk_number", "6471010101100001"),
    ({"nama": "  Budi    Santoso  "}, "name", "Budi Santoso"),
    ({"nama": "Sutrisno"}, "name", "Sutrisno"),
    ({"tanggal_lahir": "1990-08-15"}, "birth_date", date(1990, 8, 15)),
    ({"tanggal_lahir": "15-08-1990"}, "birth_date", date(1990, 8, 15)),
    ({"tanggal_lahir": "15/08/1990"}, "birth_date", date(1990, 8, 15)),
    ({"jenis_kelamin": "Laki-laki"}, "sex", "L"),
    ({"jenis_kelamin": "l"}, "sex", "L"),
    ({"nik": "6471015508900001", "jenis_kelamin": "Perempuan"}, "sex", "P"),
    ({"nik": "6471015508900001", "jenis_kelamin": "P"}, "sex", "P"),
    ({"nama_ibu_kandung": ""}, "mother_name", ""),
    ({"rt": "5"}, "rt", "005"),
    ({"rw": "012"}, "rw", "012"),
    ({"rt": ""}, "rt", ""),
    ({"kode_kelurahan": "6471011002"}, "kelurahan_id", LAMARU),
    ({"kode_kelurahan": "64.71.01.1002"}, "kelurahan_id", LAMARU),
    ({"domisili_sejak": "01/01/2015"}, "domicile_since", date(2015, 1, 1)),
    ({"no_hp": "081234567890"}, "phone", "+6281234567890"),
    ({"no_hp": "+6281234567890"}, "phone", "+6281234567890"),
    ({"no_hp": "6281234567890"}, "phone", "+6281234567890"),
    ({"no_hp": ""}, "phone", ""),
    ({"penghasilan_bulanan": "2500000"}, "monthly_income", 2_500_000),
    ({"penghasilan_bulanan": "2.500.000"}, "monthly_income", 2_500_000),
    ({"penghasilan_bulanan": "Rp2.500.000"}, "monthly_income", 2_500_000),
    ({"penghasilan_bulanan": "Rp. 2.500.000,00"}, "monthly_income", 2_500_000),
    ({"penghasilan_bulanan": "2,5 jt"}, "monthly_income", 2_500_000),
    ({"penghasilan_bulanan": "2,5 juta"}, "monthly_income", 2_500_000),
    ({"penghasilan_bulanan": "750 rb"}, "monthly_income", 750_000),
    ({"sektor": "nelayan", "aplikator": ""}, "aplikator", ""),
    ({"sektor": "Pengemudi ojek daring (ojol)"}, "aplikator", "Gojek"),
    ({"sektor": "Pedagang kecil", "aplikator": ""}, "sector_id", "pedagang"),
    ({"sektor": "PEDAGANG", "aplikator": ""}, "sector_id", "pedagang"),
]


@pytest.mark.parametrize(("overrides", "field", "stored"), ACCEPTED, ids=[f"{f}={v}" for _o, f, v in ACCEPTED])
def test_every_accepted_form_of_a_column_is_stored_normalised(
    run_import: Callable[..., ImportBatch], overrides: dict[str, object], field: str, stored: object
) -> None:
    row = import_row(run_import, **overrides)
    assert row.status == ImportRow.Status.CREATED, row.reasons
    person = Person.objects.get(nik=row.nik)
    value = getattr(person, field)
    assert (value if field != "sector_id" else person.sector.code) == stored


def test_the_kelurahan_is_found_by_its_name_and_its_kecamatan_within_the_programme_region(
    run_import: Callable[..., ImportBatch],
) -> None:
    row = import_row(run_import, kode_kelurahan="", kelurahan="Kelurahan Lamaru", kecamatan="balikpapan timur")
    assert row.status == ImportRow.Status.CREATED, row.reasons
    assert Person.objects.get(nik=row.nik).kelurahan_id == LAMARU


def test_a_kelurahan_name_outside_the_programme_region_is_not_found(run_import: Callable[..., ImportBatch]) -> None:
    # Sidodadi is a kelurahan of Samarinda Ulu, not of Kota Balikpapan.
    row = import_row(run_import, kode_kelurahan="", kelurahan="Sidodadi", kecamatan="Samarinda Ulu")
    assert row.status == ImportRow.Status.REJECTED
    assert row.reasons == [
        "Kolom kelurahan: kelurahan “Sidodadi” di kecamatan “Samarinda Ulu” tidak ditemukan di wilayah program."
    ]


def test_the_code_wins_over_the_names_when_both_are_given(run_import: Callable[..., ImportBatch]) -> None:
    row = import_row(run_import, kode_kelurahan=MANGGAR, kelurahan="Lamaru", kecamatan="Balikpapan Timur")
    assert Person.objects.get(nik=row.nik).kelurahan_id == MANGGAR


def test_the_note_is_kept_with_the_application(run_import: Callable[..., ImportBatch]) -> None:
    row = import_row(run_import, keterangan="Didata saat sosialisasi di kantor kelurahan")
    assert row.application is not None
    assert row.application.note == "Didata saat sosialisasi di kantor kelurahan"
