"""The matching model as pure code: names, comparisons, blocking and the probability, with tables of cases and
no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from jaring.duplicates.blocking import candidate_pairs
from jaring.duplicates.comparisons import DateLevel, HouseholdLevel, NikLevel, date_level, nik_level
from jaring.duplicates.engine import find_pairs, prepare
from jaring.duplicates.names import NameLevel, compare, fold, normalise
from jaring.duplicates.records import Record, nik_of

SITI = Record(
    key=2,
    nik="6471015203880003",
    name="Siti Rahmawati",
    birth_date=date(1988, 3, 12),
    sex="P",
    kk="6471010101880007",
    mother="Aminah",
    kelurahan="64.71.01.1001",
    phone="6281234567001",
)


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("MUHAMMAD RIZKI", "muhammad rizki"),
        ("M. Rizki", "muhammad rizki"),
        ("Moh. Rizki", "muhammad rizki"),
        ("H. Muh. Rizki, S.Pd.", "muhammad rizki"),
        ("Hj. St. Aminah", "siti aminah"),
        ("Abd. Rahman bin Yusuf", "abdul rahman yusuf"),
        ("Ma'ruf", "maruf"),
        ("  Budi   Santoso ", "budi santoso"),
    ],
)
def test_names_are_written_one_way(written: str, normal: str) -> None:
    assert normalise(written) == normal


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Muhammad Rizki", "Muhamad Rizky"),
        ("Mochammad Rizqi", "Muhammad Rizki"),
        ("Noor Aisyah", "Nur Aisya"),
        ("Soeparman", "Suparman"),
        ("Achmad Djunaidi", "Ahmad Junaidi"),
        ("Syamsul Hadi", "Samsul Hadi"),
        ("Fattimah", "Fatimah"),
    ],
)
def test_spellings_of_one_name_meet(a: str, b: str) -> None:
    assert fold(normalise(a)) == fold(normalise(b))


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("Siti Rahmawati", "SITI RAHMAWATI", NameLevel.EXACT),
        ("M. Rizky Pratama", "Muhammad Rizki Pratama", NameLevel.SPELLING),
        ("Pratama Muhammad Rizki", "Muhammad Rizki Pratama", NameLevel.SPELLING),
        ("Kurniawan Santoso", "Kurniwan Santoso", NameLevel.TYPO),
        ("Budi S.", "Budi Santoso", NameLevel.TYPO),
        ("Putra Wahab", "Putri Wahab", NameLevel.ENDING),
        ("Rizki Pratama", "Muhammad Rizki Pratama", NameLevel.SUBSET),
        ("Muhammad", "Muhammad Rizki", NameLevel.PARTIAL),  # a common first name alone says little
        ("Hasan Basri", "Husain Basri", NameLevel.PARTIAL),  # twins: one name shared, one not
        ("Rina", "Rini", NameLevel.DIFFERENT),  # short names must agree exactly
        ("Budi Santoso", "Agus Salim", NameLevel.DIFFERENT),
        ("", "Agus Salim", NameLevel.MISSING),
    ],
)
def test_two_names_compare_at_a_level(a: str, b: str, level: NameLevel) -> None:
    assert compare(normalise(a), fold(normalise(a)), normalise(b), fold(normalise(b))) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("6471015203880003", "6471015203880003", NikLevel.EXACT),
        ("6471015203880003", "647101520388000", NikLevel.TRUNCATED),
        ("6471015203880003", "6471015230880003", NikLevel.TRANSPOSED),
        ("6471015203880003", "6471015203890003", NikLevel.ONE_DIGIT_HEAD),
        ("6471011203880003", "6471015203880003", NikLevel.ONE_DIGIT_SEX),
        ("6471015203880003", "6471015203880004", NikLevel.ONE_DIGIT_SERIAL),
        ("6471015203880003", "6471025203880013", NikLevel.TWO_EDITS),
        ("6471015203880003", "6402111708900001", NikLevel.DIFFERENT),
        ("", "6402111708900001", NikLevel.MISSING),
    ],
)
def test_two_niks_compare_at_a_level(a: str, b: str, level: NikLevel) -> None:
    assert nik_level(a, len(a) == 15, b, len(b) == 15) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        (date(1988, 3, 12), date(1988, 3, 12), DateLevel.EXACT),
        (date(1988, 3, 12), date(1988, 12, 3), DateLevel.SWAPPED),
        (date(1988, 3, 12), date(1988, 3, 13), DateLevel.ONE_DAY),
        (date(1988, 3, 31), date(1988, 4, 1), DateLevel.ONE_DAY),
        (date(1988, 3, 12), date(1989, 3, 12), DateLevel.ONE_DIGIT),
        (date(1988, 3, 12), date(1988, 3, 22), DateLevel.ONE_DIGIT),
        (date(1988, 3, 12), date(1990, 7, 1), DateLevel.DIFFERENT),
        (None, date(1990, 7, 1), DateLevel.MISSING),
    ],
)
def test_two_birth_dates_compare_at_a_level(a: date | None, b: date | None, level: DateLevel) -> None:
    def parts(day: date | None) -> tuple[int, int, int] | None:
        return (day.year, day.month, day.day) if day else None

    ordinal = (a or date.min).toordinal(), (b or date.min).toordinal()
    assert date_level(parts(a), ordinal[0], parts(b), ordinal[1]) == level


@pytest.mark.parametrize(
    ("cell", "nik", "truncated"),
    [
        ("6471015203880003", "6471015203880003", False),
        ("6471 0152 0388 0003", "6471015203880003", False),
        (6471015203880000.0, "647101520388000", True),  # a number cell: Excel kept 15 digits
        ("6.47102E+15", "", True),  # too few digits left to compare
        ("647101520388000", "647101520388000", True),
        (None, "", False),
    ],
)
def test_a_nik_cell_is_read_for_what_it_still_says(cell: object, nik: str, truncated: bool) -> None:
    assert nik_of(cell) == (nik, truncated)


def test_the_same_person_typed_again_scores_above_twins_of_one_family_card() -> None:
    again = replace(SITI, key=3, nik="6471015203880008", name="SITI RACHMAWATI", phone="")
    hasan = Record(
        key=4,
        nik="6471012005950001",
        name="Hasan Basri",
        birth_date=date(1995, 5, 20),
        sex="L",
        kk="6471010101950005",
        mother="Rahmah",
        kelurahan="64.71.01.1002",
        phone="6281255500001",
    )
    husain = replace(hasan, key=5, nik="6471012005950002", name="Husain Basri")
    run = find_pairs([SITI, again, hasan, husain], threshold=0.0)
    scores = {(m.a_key, m.b_key): m.probability for m in run.matches or []}
    assert scores[(2, 3)] > 0.99
    assert scores[(4, 5)] < 0.1
    twins = next(m for m in run.matches or [] if (m.a_key, m.b_key) == (4, 5))
    assert twins.levels[4] == HouseholdLevel.KK_AND_MOTHER


def test_blocking_compares_records_sharing_a_key_and_skips_the_rest() -> None:
    stranger = Record(key=9, nik="6402111708900001", name="Agus Salim", birth_date=date(1990, 8, 17), sex="L")
    again = Record(key=3, nik="", name="Siti Rahmawaty", birth_date=date(1988, 3, 12), kelurahan="64.71.01.1001")
    pool = prepare([SITI, again, stranger])
    pairs, skipped = candidate_pairs(pool)
    assert pairs == {0 * (1 << 24) + 1}
    assert skipped == {}
