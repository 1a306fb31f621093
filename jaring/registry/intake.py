"""One applicant's fields, read the same way for every channel: the self-registration form, the counter and
kelurahan forms, the partner API and the bulk import. Field names are the import file's columns
(../shared/spec/applicant-import.md), so a message like "Kolom tanggal_lahir: ..." means the same everywhere.

``parse_applicant`` is pure apart from the ``ReferenceIndex`` it is given, which holds the kelurahan and
sector catalogue in memory: a 100,000-row import loads it once and asks no query per row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.core.models import Region, Sector
from jaring.core.validation import (
    FieldError,
    FieldWarning,
    Invalid,
    nik_cross_check,
    nik_region_warnings,
    parse_date,
    parse_kk,
    parse_name,
    parse_nik,
    parse_phone,
    parse_rt_rw,
    parse_rupiah,
    parse_sex,
)

# The spec's columns and their aliases (normalised as validation.normalise_header does).
COLUMNS: dict[str, tuple[str, ...]] = {
    "nik": ("noktp", "nomorindukkependudukan"),
    "no_kk": ("nomorkk", "kk"),
    "nama": ("namalengkap",),
    "tempat_lahir": (),
    "tanggal_lahir": ("tgllahir",),
    "jenis_kelamin": ("jk", "sex"),
    "nama_ibu_kandung": ("ibukandung",),
    "alamat": (),
    "rt": (),
    "rw": (),
    "kode_kelurahan": ("kodewilayah", "kodedesa"),
    "kelurahan": ("desa",),
    "kecamatan": (),
    "domisili_sejak": ("tanggaldomisili",),
    "no_hp": ("telepon", "hp", "whatsapp"),
    "sektor": ("pekerjaan", "jenispekerjaan"),
    "penghasilan_bulanan": ("penghasilan", "pendapatan"),
    "aplikator": (),
    "keterangan": ("catatan",),
}

# The example person of the import template. Older templates carried it as the first data row, and a file made
# from one imported it as a real applicant; it now sits in the notes sheet. A row that is that example (its NIK and
# name, with the kelurahan given both by code and by the names the template filled beside it) is refused in every
# channel; a real person who happens to hold this NIK has another name, and a form or partner gives one or the
# other way of naming the kelurahan, so neither is refused.
TEMPLATE_EXAMPLE_NIK = "6471011508900001"
TEMPLATE_EXAMPLE_NAME = "Budi Santoso"
TEMPLATE_EXAMPLE_KELURAHAN = "Manggar"
TEMPLATE_EXAMPLE_KECAMATAN = "Balikpapan Timur"

TEXT_LIMITS = {
    "tempat_lahir": 100,
    "nama": 150,
    "nama_ibu_kandung": 150,
    "alamat": 255,
    "aplikator": 100,
    "keterangan": 1000,
}

_NAME_NOISE = re.compile(r"[^a-z0-9]+")
_REGION_PREFIXES = ("kelurahan ", "kel ", "desa ", "kecamatan ", "kec ")
_PLAIN_KELURAHAN_CODE = re.compile(r"[0-9]{10}")
_DOTTED_KELURAHAN_CODE = re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}")


def _name_key(name: str) -> str:
    text = " ".join(name.lower().split())
    for prefix in _REGION_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return _NAME_NOISE.sub("", text)


INDEX_CACHE_SECONDS = 60.0
_cached_index: tuple[float, ReferenceIndex] | None = None


@dataclass
class ReferenceIndex:
    """Kelurahan and sectors in memory: code -> name, and (kecamatan, kelurahan) names -> codes."""

    kelurahan_names: dict[str, str] = field(default_factory=dict)
    by_names: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    sectors: dict[str, str] = field(default_factory=dict)  # code -> name
    sectors_by_name: dict[str, str] = field(default_factory=dict)  # name key -> code

    @classmethod
    def load(cls) -> ReferenceIndex:
        index = cls()
        districts = dict(Region.objects.filter(level=Region.Level.DISTRICT).values_list("code", "name"))
        for code, name, parent in Region.objects.filter(level=Region.Level.VILLAGE).values_list(
            "code", "name", "parent_id"
        ):
            index.kelurahan_names[code] = name
            key = (_name_key(districts.get(parent, "")), _name_key(name))
            index.by_names.setdefault(key, []).append(code)
        for code, name in Sector.objects.values_list("code", "name"):
            index.sectors[code] = name
            index.sectors_by_name[_name_key(name)] = code
        return index

    @classmethod
    def cached(cls) -> ReferenceIndex:
        """The index, rebuilt at most every CACHE_SECONDS per process. Building it reads every kelurahan (a fifth
        of a partner registration's time when done per request, measured by bench/api_load.py); the reference
        data changes only with `jaring seed-reference` or an administrator's edit, so a minute's delay is fine."""
        global _cached_index
        now = clock.monotonic()
        if _cached_index is None or now - _cached_index[0] > INDEX_CACHE_SECONDS:
            _cached_index = (now, cls.load())
        return _cached_index[1]

    def kelurahan_by_names(self, *, kelurahan: str, kecamatan: str, within: str) -> list[str]:
        codes = self.by_names.get((_name_key(kecamatan), _name_key(kelurahan)), [])
        return [code for code in codes if code.startswith(within + ".")]

    def sector_code(self, text: str) -> str | None:
        cleaned = text.strip().lower()
        if cleaned in self.sectors:
            return cleaned
        return self.sectors_by_name.get(_name_key(text))


@dataclass(frozen=True)
class ApplicantData:
    nik: str
    name: str
    birth_date: date
    sex: str
    address: str
    kelurahan_code: str
    domicile_since: date
    sector_code: str
    monthly_income: int
    kk_number: str = ""
    birth_place: str = ""
    mother_name: str = ""
    rt: str = ""
    rw: str = ""
    phone: str = ""
    aplikator: str = ""
    note: str = ""
    warnings: tuple[FieldWarning, ...] = ()


@dataclass(frozen=True)
class ParseResult:
    data: ApplicantData | None
    errors: tuple[FieldError, ...]

    def errors_by_field(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for error in self.errors:
            grouped.setdefault(error.field, []).append(error.message)
        return grouped


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_message(column: str, problem: str) -> str:
    return _("Kolom %(field)s: %(problem)s") % {"field": column, "problem": problem}


def _error(column: str, problem: str) -> FieldError:
    """A refused column: `message` names the column (files, the API), `problem` is for a form that shows it beside
    the field's own label."""
    return FieldError(column, column_message(column, problem), problem)


def _text(values: Mapping[str, object], column: str, *, required: bool, errors: list[FieldError]) -> str:
    value = values.get(column)
    if _is_blank(value):
        if required:
            errors.append(_error(column, _("wajib diisi.")))
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an Excel number cell in a text column, e.g. a house number as the address
    text = " ".join(str(value).split())
    limit = TEXT_LIMITS.get(column)
    if limit is not None and len(text) > limit:
        problem = _("terlalu panjang (%(length)s karakter; paling banyak %(limit)s).") % {
            "length": len(text),
            "limit": limit,
        }
        errors.append(_error(column, problem))
        return ""
    return text


def _kelurahan(values: Mapping[str, object], *, index: ReferenceIndex, within: str, errors: list[FieldError]) -> str:
    raw = values.get("kode_kelurahan")
    if not _is_blank(raw):
        text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
        if _PLAIN_KELURAHAN_CODE.fullmatch(text):
            text = f"{text[0:2]}.{text[2:4]}.{text[4:6]}.{text[6:10]}"
        if not _DOTTED_KELURAHAN_CODE.fullmatch(text):
            problem = _("tulis kode Kemendagri kelurahan/desa 10 angka, misalnya 64.71.01.1001 atau 6471011001.")
            errors.append(_error("kode_kelurahan", problem))
            return ""
        if text not in index.kelurahan_names:
            problem = _("kode %(code)s tidak ditemukan dalam data wilayah Kemendagri.") % {"code": text}
            errors.append(_error("kode_kelurahan", problem))
            return ""
        return text
    kelurahan, kecamatan = values.get("kelurahan"), values.get("kecamatan")
    if _is_blank(kelurahan) or _is_blank(kecamatan):
        problem = _("wajib diisi, atau isi kolom kelurahan dan kecamatan dengan namanya.")
        errors.append(_error("kode_kelurahan", problem))
        return ""
    codes = index.kelurahan_by_names(kelurahan=str(kelurahan), kecamatan=str(kecamatan), within=within)
    if len(codes) == 1:
        return codes[0]
    if not codes:
        problem = _("kelurahan “%(kelurahan)s” di kecamatan “%(kecamatan)s” tidak ditemukan di wilayah program.") % {
            "kelurahan": str(kelurahan).strip()[:60],
            "kecamatan": str(kecamatan).strip()[:60],
        }
    else:
        problem = _("nama kelurahan “%(kelurahan)s” tidak tunggal; isi kolom kode_kelurahan.") % {
            "kelurahan": str(kelurahan).strip()[:60]
        }
    errors.append(_error("kelurahan", problem))
    return ""


def is_template_example(values: Mapping[str, object], *, nik: str | None, name: str | None) -> bool:
    """Whether a row is the import template's example person rather than an applicant."""
    named = all(
        isinstance(values.get(column), str) and _name_key(str(values.get(column))) == _name_key(example)
        for column, example in (("kelurahan", TEMPLATE_EXAMPLE_KELURAHAN), ("kecamatan", TEMPLATE_EXAMPLE_KECAMATAN))
    )
    return (
        nik == TEMPLATE_EXAMPLE_NIK
        and name is not None
        and name.casefold() == TEMPLATE_EXAMPLE_NAME.casefold()
        and named
        and not _is_blank(values.get("kode_kelurahan"))
    )


def _parsed(errors: list[FieldError], parse: Any, value: object, **kwargs: Any) -> Any:
    try:
        return parse(value, **kwargs)
    except Invalid as exc:
        errors.append(exc.error)
        return None


def _remembered(
    memo: dict[tuple[Any, ...], Any] | None, errors: list[FieldError], parse: Any, value: object, field: str
) -> Any:
    """`_parsed` for a cell whose values repeat from row to row (dates, RT, income...): with a memo, each
    distinct value is parsed once. The key holds the value's type: 1, 1.0 and True are equal but parse apart."""
    if memo is None:
        return _parsed(errors, parse, value, field=field)
    key = (parse, field, type(value), value)
    try:
        found = memo[key]
    except KeyError:
        try:
            found = memo[key] = (True, parse(value, field=field))
        except Invalid as exc:
            found = memo[key] = (False, exc.error)
    except TypeError:  # an unhashable value: not remembered
        return _parsed(errors, parse, value, field=field)
    if found[0]:
        return found[1]
    errors.append(found[1])
    return None


def parse_applicant(
    values: Mapping[str, object],
    *,
    index: ReferenceIndex,
    region_code: str,
    today: date,
    memo: dict[tuple[Any, ...], Any] | None = None,
) -> ParseResult:
    """Every problem of one applicant's fields at once (a person fixes them in one go), or the clean data.

    `values` is keyed by the spec's column names; `region_code` is the programme's funder region, where
    kelurahan names are looked up; `today` refuses dates in the future. A bulk import passes one `memo` (a
    dict) for all its rows, in one language, so that cell values repeated on many rows are parsed once.
    """
    errors: list[FieldError] = []
    nik = _parsed(errors, parse_nik, values.get("nik"))
    kk_number = _parsed(errors, parse_kk, values.get("no_kk"))
    name = _parsed(errors, parse_name, values.get("nama"))
    if name is not None and len(name) > TEXT_LIMITS["nama"]:
        errors.append(_error("nama", _("terlalu panjang.")))
    if is_template_example(values, nik=nik, name=name):
        problem = _("baris ini contoh dari templat impor (%(name)s, NIK %(nik)s), bukan pemohon; hapus baris ini.") % {
            "name": TEMPLATE_EXAMPLE_NAME,
            "nik": TEMPLATE_EXAMPLE_NIK,
        }
        errors.append(_error("nik", problem))
    birth_date = _remembered(memo, errors, parse_date, values.get("tanggal_lahir"), "tanggal_lahir")
    sex = _remembered(memo, errors, parse_sex, values.get("jenis_kelamin"), "jenis_kelamin")
    domicile_since = _remembered(memo, errors, parse_date, values.get("domisili_sejak"), "domisili_sejak")
    for column, value in (("tanggal_lahir", birth_date), ("domisili_sejak", domicile_since)):
        if value is not None and value > today:
            problem = _("tanggal %(value)s belum terjadi; periksa kembali.") % {"value": value.strftime("%d-%m-%Y")}
            errors.append(_error(column, problem))
    if birth_date is not None and birth_date.year < 1900:
        errors.append(_error("tanggal_lahir", _("tahun lahir tidak masuk akal.")))
    phone = _parsed(errors, parse_phone, values.get("no_hp"))
    rt = _remembered(memo, errors, parse_rt_rw, values.get("rt"), "rt")
    rw = _remembered(memo, errors, parse_rt_rw, values.get("rw"), "rw")
    income = _remembered(memo, errors, parse_rupiah, values.get("penghasilan_bulanan"), "penghasilan_bulanan")
    birth_place = _text(values, "tempat_lahir", required=False, errors=errors)
    mother_name = _text(values, "nama_ibu_kandung", required=False, errors=errors)
    address = _text(values, "alamat", required=True, errors=errors)
    aplikator = _text(values, "aplikator", required=False, errors=errors)
    note = _text(values, "keterangan", required=False, errors=errors)
    kelurahan_code = _kelurahan(values, index=index, within=region_code, errors=errors)

    sector_code = ""
    raw_sector = values.get("sektor")
    if _is_blank(raw_sector):
        errors.append(_error("sektor", _("wajib diisi dengan kode atau nama sektor.")))
    else:
        sector_code = index.sector_code(str(raw_sector)) or ""
        if not sector_code:
            problem = _("sektor “%(value)s” tidak dikenal; pakai kode seperti %(examples)s.") % {
                "value": str(raw_sector).strip()[:60],
                "examples": "ojol, nelayan, petani, pedagang",
            }
            errors.append(_error("sektor", problem))
    if sector_code == "ojol" and not aplikator:
        problem = _("wajib diisi untuk pengemudi ojol: nama perusahaan aplikasinya (misalnya Gojek, Grab, Maxim).")
        errors.append(_error("aplikator", problem))

    if errors:
        return ParseResult(data=None, errors=tuple(errors))
    warnings = [*nik_region_warnings(nik), *nik_cross_check(nik, birth_date=birth_date, sex=sex)]
    data = ApplicantData(
        nik=nik,
        name=name,
        birth_date=birth_date,
        sex=sex,
        address=address,
        kelurahan_code=kelurahan_code,
        domicile_since=domicile_since,
        sector_code=sector_code,
        monthly_income=income,
        kk_number=kk_number or "",
        birth_place=birth_place,
        mother_name=mother_name,
        rt=rt or "",
        rw=rw or "",
        phone=phone or "",
        aplikator=aplikator if sector_code == "ojol" or aplikator else "",
        note=note,
        warnings=tuple(warnings),
    )
    return ParseResult(data=data, errors=())
