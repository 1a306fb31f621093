"""What agreed and what differed in a pair, in words an officer reads (Bahasa Indonesia through gettext).

`reasons_text` is the short line of the `find-duplicates` CSV ("NIK beda 1 angka; nama sama setelah ejaan
disamakan; tanggal lahir sama"); `explain` gives one verdict per comparison for the side-by-side review page.
gettext is called inside the functions only, so the module imports without Django settings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jaring.duplicates.comparisons import (
    COMPARISONS,
    CONTEXT_LOCAL_BIRTH,
    DateLevel,
    HouseholdLevel,
    NikLevel,
    PlaceLevel,
    SexLevel,
)
from jaring.duplicates.names import NameLevel

SAME = "same"
CLOSE = "close"
DIFFERENT = "different"
MISSING = "missing"


@dataclass(frozen=True)
class Verdict:
    comparison: str
    verdict: str  # SAME, CLOSE, DIFFERENT or MISSING
    text: str


def _nik(level: int) -> tuple[str, str]:
    return {
        NikLevel.EXACT: (SAME, _("NIK sama")),
        NikLevel.TRUNCATED: (CLOSE, _("NIK sama kecuali angka terakhir (hilang di Excel)")),
        NikLevel.TRANSPOSED: (CLOSE, _("NIK beda 2 angka yang bertukar tempat")),
        NikLevel.ONE_DIGIT_HEAD: (CLOSE, _("NIK beda 1 angka")),
        NikLevel.ONE_DIGIT_SEX: (CLOSE, _("NIK beda 1 angka (angka jenis kelamin)")),
        NikLevel.ONE_DIGIT_SERIAL: (CLOSE, _("NIK beda 1 angka (nomor urut)")),
        NikLevel.TWO_EDITS: (CLOSE, _("NIK beda 2 angka")),
        NikLevel.DIFFERENT: (DIFFERENT, _("NIK berbeda")),
    }.get(NikLevel(level), (MISSING, _("NIK tidak ada di salah satu")))


def _name(level: int) -> tuple[str, str]:
    return {
        NameLevel.EXACT: (SAME, _("nama sama")),
        NameLevel.SPELLING: (SAME, _("nama sama setelah ejaan disamakan")),
        NameLevel.TYPO: (CLOSE, _("nama beda sedikit (salah ketik)")),
        NameLevel.ENDING: (CLOSE, _("nama beda huruf terakhir")),
        NameLevel.SUBSET: (CLOSE, _("sebagian nama tidak ditulis")),
        NameLevel.PARTIAL: (DIFFERENT, _("nama hanya sebagian sama")),
        NameLevel.DIFFERENT: (DIFFERENT, _("nama berbeda")),
    }.get(NameLevel(level), (MISSING, _("nama tidak ada di salah satu")))


def _birth_date(level: int) -> tuple[str, str]:
    return {
        DateLevel.EXACT: (SAME, _("tanggal lahir sama")),
        DateLevel.SWAPPED: (CLOSE, _("tanggal dan bulan lahir tertukar")),
        DateLevel.ONE_DAY: (CLOSE, _("tanggal lahir beda 1 hari")),
        DateLevel.ONE_DIGIT: (CLOSE, _("tanggal lahir beda 1 angka")),
        DateLevel.DIFFERENT: (DIFFERENT, _("tanggal lahir berbeda")),
    }.get(DateLevel(level), (MISSING, _("tanggal lahir tidak ada di salah satu")))


def _sex(level: int) -> tuple[str, str]:
    return {
        SexLevel.SAME: (SAME, _("jenis kelamin sama")),
        SexLevel.DIFFERENT: (DIFFERENT, _("jenis kelamin berbeda")),
    }.get(SexLevel(level), (MISSING, _("jenis kelamin tidak ada di salah satu")))


def _household(level: int) -> tuple[str, str]:
    return {
        HouseholdLevel.KK_AND_MOTHER: (SAME, _("nomor KK dan nama ibu sama")),
        HouseholdLevel.KK: (SAME, _("nomor KK sama")),
        HouseholdLevel.KK_ONE_DIGIT: (CLOSE, _("nomor KK beda 1 angka")),
        HouseholdLevel.MOTHER: (SAME, _("nama ibu sama")),
        HouseholdLevel.PHONE: (SAME, _("nomor HP sama")),
        HouseholdLevel.KK_DIFFERENT: (DIFFERENT, _("nomor KK berbeda")),
    }.get(HouseholdLevel(level), (MISSING, _("KK, nama ibu dan nomor HP tidak dapat dibandingkan")))


def _kelurahan(level: int) -> tuple[str, str]:
    return {
        PlaceLevel.KELURAHAN: (SAME, _("kelurahan sama")),
        PlaceLevel.KECAMATAN: (CLOSE, _("kecamatan sama, kelurahan berbeda")),
        PlaceLevel.DIFFERENT: (DIFFERENT, _("kelurahan berbeda")),
    }.get(PlaceLevel(level), (MISSING, _("kelurahan tidak ada di salah satu")))


_WORDS: dict[str, Callable[[int], tuple[str, str]]] = {
    "nik": _nik,
    "name": _name,
    "birth_date": _birth_date,
    "sex": _sex,
    "household": _household,
    "kelurahan": _kelurahan,
}


def explain(levels: Sequence[int]) -> list[Verdict]:
    """One verdict per comparison, in the order of comparisons.COMPARISONS."""
    found = []
    for name, level in zip(COMPARISONS, levels, strict=True):
        verdict, text = _WORDS[name](level)
        found.append(Verdict(comparison=name, verdict=verdict, text=text))
    return found


def reasons_text(levels: Sequence[int], context: int = 0) -> str:
    """The short line: what agreed and what differed, missing values left out."""
    parts = [
        v.text for v in explain(levels) if v.verdict != MISSING and not (v.comparison == "sex" and v.verdict == SAME)
    ]
    if context & CONTEXT_LOCAL_BIRTH and levels[COMPARISONS.index("name")] not in (NameLevel.EXACT, NameLevel.SPELLING):
        parts.append(_("lahir pada hari dan di tempat yang sama: periksa apakah kembar"))
    return "; ".join(parts)
