"""Applicant fields as the import file accepts them, read as a specification. Pure: no database.

NIKs are from Kalimantan Timur: 64.71.01 is Balikpapan Timur. 6471011508900001 is a man born on
15-08-1990; 6471015508900001 a woman born the same day (day + 40).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from jaring.core import validation
from jaring.core.validation import (
    FieldError,
    FieldWarning,
    Invalid,
    nik_cross_check,
    nik_region_warnings,
    normalise_header,
    parse_date,
    parse_kk,
    parse_name,
    parse_nik,
    parse_phone,
    parse_rt_rw,
    parse_rupiah,
    parse_sex,
)

BUDI_NIK = "6471011508900001"  # man, born 15-08-90, Balikpapan Timur
SITI_NIK = "6471015508900001"  # woman, born 15-08-90 (55 = 15 + 40)
BUDI_KK = "6471012345678901"

NUMERIC_NIK = (
    "Kolom nik: NIK tersimpan sebagai angka di Excel sehingga digit terakhir hilang; "
    "ketik ulang sebagai teks (format sel Teks) 16 angka sesuai KTP."
)
DATE_FORMATS = (
    "tulis sebagai DD-MM-YYYY (17-08-1985), DD/MM/YYYY (17/08/1985) atau YYYY-MM-DD (1985-08-17), "
    "atau pakai sel tanggal Excel."
)
RUPIAH_FORMS = "tulis jumlah dengan angka, misalnya 2500000, 2.500.000, Rp2.500.000, 2,5 jt atau 2,5 juta."


@pytest.fixture(autouse=True)
def _indonesian() -> Iterator[None]:
    # Messages are asserted in their Indonesian source text, whatever the default language becomes.
    with translation.override("id"):
        yield


def refusal(parse: Callable[..., object], value: object, *, field: str, **kwargs: object) -> FieldError:
    """The error a parser raises for a cell; every message starts by naming its column."""
    with pytest.raises(Invalid) as raised:
        parse(value, field=field, **kwargs)
    error = raised.value.error
    assert error.field == field
    assert error.message.startswith(f"Kolom {field}: ")
    assert str(raised.value) == error.message
    return error


# --- NIK ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "nik"),
    [
        (BUDI_NIK, BUDI_NIK),
        (SITI_NIK, SITI_NIK),
        (f"  {BUDI_NIK}  ", BUDI_NIK),
        ("6471 0115 0890 0001", BUDI_NIK),
        ("64.71.01.150890.0001", BUDI_NIK),
        ("6471011508250001", "6471011508250001"),  # born 1925: lokal guesses 2025, still a valid date
    ],
)
def test_a_nik_written_as_text_is_accepted_without_spaces_and_dots(cell: str, nik: str) -> None:
    assert parse_nik(cell) == nik


@pytest.mark.parametrize(
    "cell",
    [
        6471011508900001,  # sixteen digits, but Excel has already turned the last one into 0 when it saved
        647101150890000,
        6471011508900000.0,
        6.47105e15,
        Decimal("6471011508900001"),
    ],
)
def test_a_numeric_excel_nik_is_refused_even_with_sixteen_digits(cell: object) -> None:
    assert refusal(parse_nik, cell, field="nik").message == NUMERIC_NIK


@pytest.mark.parametrize("cell", ["6.47105E+15", "6,47101E+15", "6.47101150890000e15", "6471011508900000.0"])
def test_a_nik_that_excel_wrote_out_as_a_number_is_refused_as_a_numeric_cell(cell: str) -> None:
    message = refusal(parse_nik, cell, field="nik").message
    assert message.startswith("Kolom nik: NIK tersimpan sebagai angka di Excel sehingga digit terakhir hilang")
    assert f"(tertulis {cell})" in message


@pytest.mark.parametrize(
    ("cell", "count"),
    [("647101150890001", 15), ("64710115089000011", 17), ("6471 0115", 8)],
)
def test_a_nik_of_the_wrong_length_says_how_many_digits_it_has(cell: str, count: int) -> None:
    message = refusal(parse_nik, cell, field="nik").message
    assert message == f"Kolom nik: NIK harus 16 angka; tertulis {count} angka."


@pytest.mark.parametrize(
    "cell",
    [
        "6471-0115-0890-0001",  # the spec removes spaces and dots only
        "6471O11508900001",  # a letter O
        "'6471011508900001",
        "NIK 6471011508900001",
    ],
)
def test_a_nik_with_other_characters_is_refused(cell: str) -> None:
    assert refusal(parse_nik, cell, field="nik").message == (
        "Kolom nik: NIK hanya boleh berisi angka (spasi dan titik diabaikan); tulis 16 angka sesuai KTP."
    )


@pytest.mark.parametrize("cell", [None, "", "   "])
def test_an_empty_nik_is_refused(cell: object) -> None:
    assert refusal(parse_nik, cell, field="nik").message == "Kolom nik: NIK wajib diisi dengan 16 angka sesuai KTP."


@pytest.mark.parametrize("cell", [date(1990, 8, 15), True, ["6471011508900001"]])
def test_a_nik_cell_that_is_neither_text_nor_a_number_is_refused(cell: object) -> None:
    assert refusal(parse_nik, cell, field="nik").message == (
        "Kolom nik: NIK harus ditulis sebagai teks 16 angka sesuai KTP."
    )


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("9971011508900001", "kode provinsi 99 (2 angka pertama) tidak dikenal"),
        ("6400011508900001", "kode kabupaten/kota dan kecamatan (angka ke-3 sampai ke-6) tidak boleh 00"),
        ("6471003108900001", "kode kabupaten/kota dan kecamatan (angka ke-3 sampai ke-6) tidak boleh 00"),
        ("6471013102900001", "angka ke-7 sampai ke-12 (310290) bukan tanggal lahir yang ada"),
        ("6471010008900001", "angka ke-7 sampai ke-12 (000890) bukan tanggal lahir yang ada"),
        ("6471011513900001", "angka ke-7 sampai ke-12 (151390) bukan tanggal lahir yang ada"),
        ("6471017208900001", "angka ke-7 sampai ke-12 (720890) bukan tanggal lahir yang ada"),  # a woman's 32nd
        ("6471011508900000", "nomor urut (4 angka terakhir) tidak boleh 0000"),
    ],
)
def test_a_nik_that_cannot_be_a_nik_is_refused_with_the_reason(cell: str, reason: str) -> None:
    message = refusal(parse_nik, cell, field="nik").message
    assert message.startswith("Kolom nik: NIK tidak valid: ")
    assert reason in message


def test_a_nik_with_several_faults_names_every_one() -> None:
    message = refusal(parse_nik, "9900003102900000", field="nik").message
    assert message == (
        "Kolom nik: NIK tidak valid: kode provinsi 99 (2 angka pertama) tidak dikenal; "
        "kode kabupaten/kota dan kecamatan (angka ke-3 sampai ke-6) tidak boleh 00; "
        "angka ke-7 sampai ke-12 (310290) bukan tanggal lahir yang ada (untuk perempuan tanggal ditambah 40); "
        "nomor urut (4 angka terakhir) tidak boleh 0000."
    )


def test_the_message_names_the_column_it_is_given() -> None:
    assert refusal(parse_nik, "123", field="nik_ahli_waris").message == (
        "Kolom nik_ahli_waris: NIK harus 16 angka; tertulis 3 angka."
    )


def test_an_invalid_cell_is_a_value_error_carrying_its_field_error() -> None:
    with pytest.raises(ValueError, match="NIK harus 16 angka") as raised:
        parse_nik("123")
    assert isinstance(raised.value, Invalid)
    assert raised.value.error == FieldError(
        field="nik",
        message="Kolom nik: NIK harus 16 angka; tertulis 3 angka.",
        problem="NIK harus 16 angka; tertulis 3 angka.",
    )


# --- NIK region and cross-checks ---------------------------------------------------------------------


def test_a_nik_from_a_known_district_has_no_region_warning() -> None:
    assert nik_region_warnings(BUDI_NIK) == []


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("6473011508900001", "64.73"),  # Tarakan before Kalimantan Utara split off in 2012: a real, old code
        ("6471991508900001", "64.71.99"),
    ],
)
def test_a_nik_with_a_region_code_no_longer_in_the_kemendagri_data_is_warned_about_not_refused(
    nik: str, code: str
) -> None:
    assert parse_nik(nik) == nik
    assert nik_region_warnings(nik) == [
        FieldWarning(
            field="nik",
            message=(
                f"Kolom nik: kode wilayah {code} pada NIK tidak ada di data Kemendagri terbaru; bisa jadi kode lama "
                "sebelum pemekaran wilayah. Cocokkan NIK dengan KTP."
            ),
        )
    ]


NIK_SAYS_WOMAN = (
    "Kolom nik: menurut NIK jenis kelaminnya perempuan (tanggal lahir di NIK ditambah 40), tetapi kolom "
    "jenis_kelamin berisi L; periksa kembali salah satunya."
)
NIK_SAYS_MAN = (
    "Kolom nik: menurut NIK jenis kelaminnya laki-laki (tanggal lahir di NIK tidak ditambah 40), tetapi kolom "
    "jenis_kelamin berisi P; periksa kembali salah satunya."
)


def nik_says_born(nik_date: str, stated: str) -> str:
    return (
        f"Kolom nik: menurut NIK tanggal lahirnya {nik_date}, tetapi kolom tanggal_lahir berisi {stated}; "
        "periksa kembali salah satunya."
    )


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex", "messages"),
    [
        (BUDI_NIK, date(1990, 8, 15), "L", []),
        (SITI_NIK, date(1990, 8, 15), "P", []),
        ("6471011508250001", date(1925, 8, 15), "L", []),  # only two-digit years are compared
        ("6471011508250001", date(2025, 8, 15), "L", []),
        (BUDI_NIK, date(1990, 8, 15), "P", [NIK_SAYS_MAN]),
        (SITI_NIK, date(1990, 8, 15), "L", [NIK_SAYS_WOMAN]),
        (BUDI_NIK, date(1990, 8, 16), "L", [nik_says_born("15-08-90", "16-08-1990")]),
        (BUDI_NIK, date(1990, 9, 15), "L", [nik_says_born("15-08-90", "15-09-1990")]),
        (BUDI_NIK, date(1991, 8, 15), "L", [nik_says_born("15-08-90", "15-08-1991")]),
        (SITI_NIK, date(1990, 9, 15), "P", [nik_says_born("15-08-90", "15-09-1990")]),
        (BUDI_NIK, date(1991, 1, 2), "P", [NIK_SAYS_MAN, nik_says_born("15-08-90", "02-01-1991")]),
    ],
)
def test_a_nik_that_disagrees_with_the_stated_birth_date_or_sex_is_warned_about(
    nik: str, birth_date: date, sex: str, messages: list[str]
) -> None:
    warnings = nik_cross_check(nik, birth_date=birth_date, sex=sex)
    assert [w.message for w in warnings] == messages
    assert all(w.field == "nik" for w in warnings)


@pytest.mark.parametrize(("nik", "sex"), [("6471011508900", "L"), ("64.71.01.150890.0001", "L"), (BUDI_NIK, "X")])
def test_the_cross_check_takes_only_values_the_parsers_returned(nik: str, sex: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        nik_cross_check(nik, birth_date=date(1990, 8, 15), sex=sex)


# --- No. KK ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "kk"),
    [(BUDI_KK, BUDI_KK), ("6471 0123 4567 8901", BUDI_KK), (f" {BUDI_KK} ", BUDI_KK), (None, ""), ("", "")],
)
def test_a_kk_number_is_sixteen_digits_and_may_be_left_empty(cell: object, kk: str) -> None:
    assert parse_kk(cell) == kk


@pytest.mark.parametrize("cell", [6471012345678901, 6471012345678900.0, 647101234567890])
def test_a_numeric_excel_kk_is_refused_even_with_sixteen_digits(cell: object) -> None:
    assert refusal(parse_kk, cell, field="no_kk").message == (
        "Kolom no_kk: Nomor KK tersimpan sebagai angka di Excel sehingga digit terakhir hilang; "
        "ketik ulang sebagai teks (format sel Teks) 16 angka sesuai Kartu Keluarga."
    )


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("6.47101E+15", "Kolom no_kk: Nomor KK tersimpan sebagai angka di Excel sehingga digit terakhir hilang"),
        ("647101234567890", "Kolom no_kk: Nomor KK harus 16 angka; tertulis 15 angka."),
        ("6471-0123-4567-8901", "Kolom no_kk: Nomor KK hanya boleh berisi angka"),
    ],
)
def test_a_kk_number_in_another_form_is_refused(cell: str, message: str) -> None:
    assert refusal(parse_kk, cell, field="no_kk").message.startswith(message)


# --- Phone -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        " 081234567890 ",
        "+6281234567890",
        "+62 812-3456-7890",
        "6281234567890",
        "62 812 3456 7890",
        81234567890,  # a numeric cell: Excel dropped the leading 0, nothing else
        81234567890.0,
        6281234567890,
        "81234567890",  # the same, exported to CSV
    ],
)
def test_an_indonesian_mobile_number_is_stored_in_e164(cell: object) -> None:
    assert parse_phone(cell) == "+6281234567890"


@pytest.mark.parametrize("cell", [None, "", "  "])
def test_a_phone_number_may_be_left_empty(cell: object) -> None:
    assert parse_phone(cell) == ""


def test_a_landline_is_refused_because_the_column_is_for_a_mobile() -> None:
    assert refusal(parse_phone, "0542-123456", field="no_hp").message == (
        "Kolom no_hp: ini nomor telepon rumah atau kantor; tulis nomor HP yang diawali 08, 628 atau +628."
    )


@pytest.mark.parametrize(
    "cell",
    [
        "0812345",
        "08123456789012",
        "0812 3456 7890 / 0813 1111 2222",
        "telp 081234567890",
        "12345",
        "-",
        -81234567890,
        81234567890.5,
        True,
    ],
)
def test_something_that_is_not_a_mobile_number_is_refused(cell: object) -> None:
    assert refusal(parse_phone, cell, field="no_hp").message == (
        "Kolom no_hp: nomor HP tidak valid; tulis nomor HP Indonesia (10-13 angka) yang diawali 08, 628 atau +628, "
        "misalnya 0812-3456-7890."
    )


# --- Rupiah ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "amount"),
    [
        ("2500000", 2_500_000),
        ("2.500.000", 2_500_000),
        ("Rp2.500.000", 2_500_000),
        ("Rp 2.500.000", 2_500_000),
        ("Rp. 2.500.000", 2_500_000),
        ("RP2.500.000", 2_500_000),
        ("Rp 2.500.000,00", 2_500_000),
        ("2.500.000,-", 2_500_000),
        ("  2.500.000  ", 2_500_000),
        ("2.500", 2_500),
        ("2,5 jt", 2_500_000),
        ("2,5jt", 2_500_000),
        ("2,5 juta", 2_500_000),
        ("2,5 JUTA", 2_500_000),
        ("2.5jt", 2_500_000),
        ("Rp 2,5 juta", 2_500_000),
        ("2 jt", 2_000_000),
        ("1,25 juta", 1_250_000),
        ("750 rb", 750_000),
        ("750 ribu", 750_000),
        ("0", 0),
        (2_500_000, 2_500_000),
        (2_500_000.0, 2_500_000),
        (Decimal("2500000"), 2_500_000),
        (0, 0),
    ],
)
def test_an_income_is_accepted_as_indonesians_write_rupiah(cell: object, amount: int) -> None:
    parsed = parse_rupiah(cell)
    assert parsed == amount
    assert type(parsed) is int


@pytest.mark.parametrize("cell", [1e308, 10**13, "10.000.000.000.000", "2000000 jt"])
def test_an_absurdly_large_income_is_refused_before_it_reaches_the_database(cell: object) -> None:
    assert refusal(parse_rupiah, cell, field="penghasilan_bulanan").message == (
        "Kolom penghasilan_bulanan: jumlah terlalu besar; periksa kembali angkanya."
    )


@pytest.mark.parametrize("cell", ["-2500000", "-2.500.000", "Rp -2.500.000", "Rp-2.500.000", -2_500_000, -1.0])
def test_a_negative_income_is_refused(cell: object) -> None:
    assert refusal(parse_rupiah, cell, field="penghasilan_bulanan").message == (
        f"Kolom penghasilan_bulanan: jumlah tidak boleh negatif; {RUPIAH_FORMS}"
    )


@pytest.mark.parametrize("cell", ["2jtan", "2 jtan", "2jt-an", "sekitar 2 juta", "2 juta lebih", "±2.500.000"])
def test_an_approximate_income_is_refused_asking_for_an_exact_amount(cell: str) -> None:
    assert refusal(parse_rupiah, cell, field="penghasilan_bulanan").message == (
        f"Kolom penghasilan_bulanan: “{cell}” adalah perkiraan; tulis jumlah yang pasti, misalnya 2.500.000."
    )


@pytest.mark.parametrize(
    "cell",
    [
        "dua juta",
        "tidak tentu",
        "2.500.000 - 3.000.000",  # a range: lokal alone would add the two up
        "2.500 jt",  # 2,5 million or 2,5 billion: ambiguous
        "1.5",
        "2,500,000",  # English grouping is not in the spec
        "2 500 000",
    ],
)
def test_an_income_written_in_words_or_an_unclear_form_is_refused(cell: str) -> None:
    assert refusal(parse_rupiah, cell, field="penghasilan_bulanan").message == (
        f"Kolom penghasilan_bulanan: “{cell}” bukan jumlah rupiah; {RUPIAH_FORMS}"
    )


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (None, f"Kolom penghasilan_bulanan: wajib diisi; {RUPIAH_FORMS}"),
        ("", f"Kolom penghasilan_bulanan: wajib diisi; {RUPIAH_FORMS}"),
        ("   ", f"Kolom penghasilan_bulanan: wajib diisi; {RUPIAH_FORMS}"),
        (2_500_000.5, f"Kolom penghasilan_bulanan: 2500000.5 bukan rupiah bulat; {RUPIAH_FORMS}"),
        (
            "2.500.000,50",
            "Kolom penghasilan_bulanan: tulis dalam rupiah bulat, tanpa sen; tertulis 2.500.000,50.",
        ),
        ("1,2345678 jt", "Kolom penghasilan_bulanan: tulis dalam rupiah bulat, tanpa sen; tertulis 1,2345678 jt."),
        (True, f"Kolom penghasilan_bulanan: {RUPIAH_FORMS}"),
    ],
)
def test_an_empty_or_fractional_income_is_refused(cell: object, message: str) -> None:
    assert refusal(parse_rupiah, cell, field="penghasilan_bulanan").message == message


# --- Dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1985-08-17", date(1985, 8, 17)),
        ("17-08-1985", date(1985, 8, 17)),
        ("17/08/1985", date(1985, 8, 17)),
        (" 17-08-1985 ", date(1985, 8, 17)),
        ("7/8/1985", date(1985, 8, 7)),
        ("29-02-2020", date(2020, 2, 29)),
        (date(1985, 8, 17), date(1985, 8, 17)),  # an Excel date cell
        (datetime(1985, 8, 17, 0, 0), date(1985, 8, 17)),
        (31276, date(1985, 8, 17)),  # an Excel serial number
        (31276.0, date(1985, 8, 17)),
        (31276.75, date(1985, 8, 17)),  # a date-and-time cell
        (45658, date(2025, 1, 1)),
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),  # Excel's serial 60 is its fake 1900-02-29
    ],
)
def test_a_date_is_accepted_in_the_spec_formats_and_as_an_excel_cell(cell: object, expected: date) -> None:
    assert parse_date(cell, field="tanggal_lahir") == expected


@pytest.mark.parametrize("cell", ["31-02-2020", "29-02-2021", "2021-02-29", "00-01-2020", "17-13-1985", "32/01/1990"])
def test_an_impossible_date_is_refused_naming_the_field_and_the_formats(cell: str) -> None:
    assert refusal(parse_date, cell, field="tanggal_lahir").message == (
        f"Kolom tanggal_lahir: {cell} bukan tanggal yang ada; {DATE_FORMATS}"
    )


@pytest.mark.parametrize(
    "cell", ["17-08-85", "17.08.1985", "17 Agustus 1985", "1985/08/17", "17-08/1985", "19850817", "kemarin"]
)
def test_a_date_in_another_format_is_refused(cell: str) -> None:
    assert refusal(parse_date, cell, field="tanggal_lahir").message == (
        f"Kolom tanggal_lahir: “{cell}” bukan tanggal; {DATE_FORMATS}"
    )


@pytest.mark.parametrize(
    ("cell", "shown"), [(60, "60"), (0, "0"), (-1, "-1"), (2_958_466, "2958466"), (17081985.0, "17081985")]
)
def test_a_number_that_is_no_excel_date_is_refused(cell: object, shown: str) -> None:
    assert refusal(parse_date, cell, field="tanggal_lahir").message == (
        f"Kolom tanggal_lahir: angka {shown} bukan tanggal Excel; {DATE_FORMATS}"
    )


@pytest.mark.parametrize(("cell", "field"), [(None, "tanggal_lahir"), ("", "domisili_sejak"), ("  ", "tanggal_lahir")])
def test_an_empty_date_is_refused_naming_its_column(cell: object, field: str) -> None:
    assert refusal(parse_date, cell, field=field).message == f"Kolom {field}: wajib diisi; {DATE_FORMATS}"


# --- Sex ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "sex"),
    [
        ("L", "L"),
        ("l", "L"),
        ("LK", "L"),
        ("Laki-laki", "L"),
        ("LAKI-LAKI", "L"),
        ("laki laki", "L"),
        (" Laki - Laki ", "L"),
        ("P", "P"),
        ("p", "P"),
        ("PR", "P"),
        ("Perempuan", "P"),
        ("PEREMPUAN", "P"),
    ],
)
def test_sex_is_read_as_l_or_p_from_the_ways_it_is_written(cell: str, sex: str) -> None:
    assert parse_sex(cell) == sex


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("X", "Kolom jenis_kelamin: “X” tidak dikenali; tulis L atau Laki-laki, P atau Perempuan."),
        ("laki", "Kolom jenis_kelamin: “laki” tidak dikenali; tulis L atau Laki-laki, P atau Perempuan."),
        ("", "Kolom jenis_kelamin: wajib diisi; tulis L atau Laki-laki, P atau Perempuan."),
        (None, "Kolom jenis_kelamin: wajib diisi; tulis L atau Laki-laki, P atau Perempuan."),
        (1, "Kolom jenis_kelamin: tulis L atau Laki-laki, P atau Perempuan."),
    ],
)
def test_an_unknown_sex_is_refused(cell: object, message: str) -> None:
    assert refusal(parse_sex, cell, field="jenis_kelamin").message == message


# --- Name --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("Budi Santoso", "Budi Santoso"),
        ("  Budi   Santoso  ", "Budi Santoso"),
        ("Budi\u00a0Santoso", "Budi Santoso"),
        ("Budi\tSantoso", "Budi Santoso"),
        ("SUPARMI", "SUPARMI"),  # single names are common
        ("Moh. Nur'aini", "Moh. Nur'aini"),
    ],
)
def test_a_name_is_trimmed_and_its_inner_spaces_collapsed(cell: str, name: str) -> None:
    assert parse_name(cell) == name


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (None, "Kolom nama: wajib diisi sesuai KTP."),
        ("", "Kolom nama: wajib diisi sesuai KTP."),
        ("   ", "Kolom nama: wajib diisi sesuai KTP."),
        ("Budi 2", "Kolom nama: nama tidak boleh berisi angka; tulis sesuai KTP."),
        ("6471011508900001", "Kolom nama: nama tidak boleh berisi angka; tulis sesuai KTP."),
        ("-", "Kolom nama: nama harus berisi huruf; tulis sesuai KTP."),
        (12345, "Kolom nama: tulis nama dengan huruf sesuai KTP, bukan angka."),
    ],
)
def test_an_empty_name_or_one_with_digits_is_refused(cell: object, message: str) -> None:
    assert refusal(parse_name, cell, field="nama").message == message


# --- RT/RW -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("5", "005"),
        ("05", "005"),
        ("005", "005"),
        ("123", "123"),
        (" 7 ", "007"),
        (5, "005"),
        (5.0, "005"),  # Excel gives every numeric cell as a float
        (None, ""),
        ("", ""),
    ],
)
def test_rt_and_rw_are_zero_padded_to_three_digits_or_left_empty(cell: object, expected: str) -> None:
    assert parse_rt_rw(cell, field="rt") == expected


@pytest.mark.parametrize("cell", ["0", "000", "1234", "5a", "RT 05", "05/03", "-", 5.5, -1, 0, 1000])
def test_an_rt_or_rw_that_is_not_one_to_three_digits_is_refused(cell: object) -> None:
    assert refusal(parse_rt_rw, cell, field="rw").message == (
        "Kolom rw: tulis 1 sampai 3 angka, misalnya 5 atau 005, atau kosongkan bila tidak ada."
    )


# --- Headers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "normalised"),
    [
        ("tanggal_lahir", "tanggallahir"),
        ("Tanggal Lahir", "tanggallahir"),
        ("TANGGAL_LAHIR", "tanggallahir"),
        ("tanggal-lahir", "tanggallahir"),
        ("Tgl. Lahir", "tgllahir"),
        ("No. HP", "nohp"),
        (" no_kk ", "nokk"),
        ("\ufeffNIK", "nik"),  # the byte-order mark of a UTF-8 CSV saved by Excel
    ],
)
def test_headers_match_ignoring_case_spaces_dots_underscores_and_dashes(header: str, normalised: str) -> None:
    assert normalise_header(header) == normalised


# --- Purity ------------------------------------------------------------------------------------------


def test_the_module_is_pure_and_touches_no_database() -> None:
    tree = ast.parse(Path(validation.__file__).read_text())
    modules = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not [m for m in modules if m.startswith(("django.db", "jaring"))]
