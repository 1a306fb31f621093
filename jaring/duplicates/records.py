"""One record to compare, from whatever a list or the registry holds. Pure: no database, no Django.

A list row is read leniently (`record_from_cells`): a cell the import would refuse is kept for what it still
says. A NIK typed into Excel as a number kept 15 significant digits; the 16th is gone, so it is compared as a
15-digit prefix, never trusted as a whole. An unreadable date or sex is simply missing here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from jaring.duplicates import names

_NOT_DIGITS = re.compile(r"[^0-9]")
_SCIENTIFIC = re.compile(r"\s*[0-9]+(?:[.,][0-9]+)?[eE]\+?[0-9]+\s*")
_ISO = re.compile(r"\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\s*")
_DMY = re.compile(r"\s*([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})\s*")
_SEX = {"l": "L", "lk": "L", "laki laki": "L", "lakilaki": "L", "pria": "L", "p": "P", "pr": "P", "perempuan": "P"}
_EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(slots=True)
class Record:
    """What is known of one person. `key` is the row number of a list or the id of a registry person."""

    key: int
    nik: str = ""  # digits as written; 15 when Excel lost the last one
    name: str = ""
    birth_date: date | None = None
    sex: str = ""  # "L", "P" or ""
    kk: str = ""
    mother: str = ""
    kelurahan: str = ""  # Kemendagri code 64.71.01.1001, or "kecamatan/kelurahan" names when no code was given
    phone: str = ""  # digits, 628...
    nik_truncated: bool = False  # the NIK cell was a number: its last digit is lost


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def nik_of(value: object) -> tuple[str, bool]:
    """The digits of a NIK (or KK) cell and whether its last digit is lost (a number in Excel, or text that a
    number became: `6.47101E+15`, `6471011508900010.0`)."""
    if value is None or isinstance(value, bool):
        return "", False
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return "", False
        # 15 significant digits survive; the 16th (if any) is Excel's rounding, not the KTP's.
        return f"{int(value):d}"[:15], True
    text = str(value).strip()
    if _SCIENTIFIC.fullmatch(text):
        return "", True  # "6.47101E+15": six digits left, too few to compare on
    if text.endswith((".0", ",0")) and _NOT_DIGITS.sub("", text[:-2]).isdigit() and len(text) > 16:
        return _NOT_DIGITS.sub("", text[:-2])[:15], True
    digits = _NOT_DIGITS.sub("", text)
    if len(digits) == 15:
        return digits, True
    return digits, False


def date_of(value: object) -> date | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        if not math.isfinite(value) or not 1 <= value <= 2_958_465 or int(value) == 60:
            return None
        serial = int(value)
        return _EXCEL_EPOCH + timedelta(days=serial if serial > 60 else serial + 1)
    text = str(value)
    match = _ISO.fullmatch(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _DMY.fullmatch(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def sex_of(value: object) -> str:
    text = " ".join(_text(value).lower().replace("-", " ").split())
    return _SEX.get(text, "")


def phone_of(value: object) -> str:
    digits = _NOT_DIGITS.sub("", _text(value))
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits if 10 <= len(digits) <= 15 and digits.startswith("628") else ""


def kelurahan_of(code: object, kelurahan: object = None, kecamatan: object = None) -> str:
    digits = _NOT_DIGITS.sub("", _text(code))
    if len(digits) == 10:
        return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:10]}"
    village, district = names.normalise(_text(kelurahan)), names.normalise(_text(kecamatan))
    for prefix in ("kelurahan ", "kel ", "desa "):
        village = village.removeprefix(prefix)
    district = district.removeprefix("kecamatan ").removeprefix("kec ")
    return f"{district}/{village}" if village else ""


def record_from_cells(key: int, values: Mapping[str, object]) -> Record:
    """A list row keyed by the import's column names (applicant-import.md), read leniently."""
    nik, truncated = nik_of(values.get("nik"))
    kk, _kk_truncated = nik_of(values.get("no_kk"))
    return Record(
        key=key,
        nik=nik,
        nik_truncated=truncated,
        name=_text(values.get("nama")),
        birth_date=date_of(values.get("tanggal_lahir")),
        sex=sex_of(values.get("jenis_kelamin")),
        kk=kk,
        mother=_text(values.get("nama_ibu_kandung")),
        kelurahan=kelurahan_of(values.get("kode_kelurahan"), values.get("kelurahan"), values.get("kecamatan")),
        phone=phone_of(values.get("no_hp")),
    )


def nik_birth(nik: str) -> str:
    """The NIK's district and birth date without the sex (+40 for women): the same for twins of either sex.
    Characters 7-12 are the date alone."""
    if len(nik) < 12 or not nik[:12].isdigit():
        return ""
    day = int(nik[6:8])
    return f"{nik[:6]}{day % 40:02d}{nik[8:12]}"


class Prepared:
    """A record with what every comparison needs computed once: the name's normal form and spelling keys,
    the parts of the NIK, the birth date as numbers."""

    __slots__ = (
        "date_key",
        "dob",
        "dob_ordinal",
        "kec",
        "kel",
        "key",
        "kk",
        "mother_key",
        "name",
        "name_folded",
        "name_key",
        "name_norm",
        "name_token",
        "nik",
        "nik_birth",
        "nik_truncated",
        "phone",
        "sex",
    )

    def __init__(self, record: Record) -> None:
        self.key = record.key
        self.nik = record.nik
        self.nik_truncated = record.nik_truncated or len(record.nik) == 15
        self.nik_birth = nik_birth(record.nik)
        self.name = record.name
        self.name_norm = names.normalise(record.name) if record.name else ""
        self.name_folded = names.fold(self.name_norm)
        self.name_key = names.blocking_key(self.name_folded)
        self.name_token = names.distinctive_token(self.name_folded)
        birth = record.birth_date
        self.dob: tuple[int, int, int] | None = (birth.year, birth.month, birth.day) if birth else None
        self.dob_ordinal = birth.toordinal() if birth else 0
        self.date_key = birth.isoformat() if birth else ""
        self.sex = record.sex
        self.kk = record.kk if len(record.kk) >= 15 else ""
        self.mother_key = names.blocking_key(names.fold(names.normalise(record.mother))) if record.mother else ""
        self.kel = record.kelurahan
        self.kec = record.kelurahan[:8] if record.kelurahan[:1].isdigit() else record.kelurahan.split("/", 1)[0]
        self.phone = record.phone
