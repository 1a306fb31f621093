"""The comparisons of two records, each a short list of levels. Pure: no database, no Django.

Every comparison says how two values relate, strongest agreement first; `model.py` gives each level a weight.
The levels are the same in every engine that runs the model (docs/duplicates.md: Spark): they are defined by
these functions and written again as SQL in `splink.py`.
"""

from __future__ import annotations

from enum import IntEnum

from rapidfuzz.distance import Hamming, Levenshtein

from jaring.duplicates.names import NameLevel
from jaring.duplicates.names import compare as names_compare
from jaring.duplicates.records import Prepared


class NikLevel(IntEnum):
    EXACT = 0
    TRUNCATED = 1  # equal but for the digit Excel lost
    TRANSPOSED = 2  # two neighbouring digits swapped
    ONE_DIGIT_HEAD = 3  # one digit differs in the region or the birth date (digits 1-12)
    ONE_DIGIT_SEX = 4  # only the day's tens digit differs, by 4: the same birth date, the other sex (+40)
    ONE_DIGIT_SERIAL = 5  # one digit differs in the serial (digits 13-16): a twin's NIK differs only there
    TWO_EDITS = 6
    DIFFERENT = 7
    MISSING = 8


class DateLevel(IntEnum):
    EXACT = 0
    SWAPPED = 1  # day and month swapped
    ONE_DAY = 2
    ONE_DIGIT = 3  # one digit of DDMMYYYY differs, or the year is one off
    DIFFERENT = 4
    MISSING = 5


class SexLevel(IntEnum):
    SAME = 0
    DIFFERENT = 1
    MISSING = 2


class HouseholdLevel(IntEnum):
    """The family card, the mother's name and the phone together: what members of one family share (a family
    often gives one phone number for all). Compared together so that one shared fact is not counted thrice."""

    KK_AND_MOTHER = 0
    KK = 1
    KK_ONE_DIGIT = 2
    MOTHER = 3
    PHONE = 4  # only the phone number agrees
    KK_DIFFERENT = 5  # both cards known and different, nothing else agrees
    NONE = 6  # nothing to go on, or nothing agrees


class PlaceLevel(IntEnum):
    KELURAHAN = 0
    KECAMATAN = 1
    DIFFERENT = 2
    MISSING = 3


COMPARISONS = ("nik", "name", "birth_date", "sex", "household", "kelurahan")
HOUSEHOLD = COMPARISONS.index("household")
BIRTH_DATE = COMPARISONS.index("birth_date")
KELURAHAN = COMPARISONS.index("kelurahan")
LEVELS: dict[str, type[IntEnum]] = {
    "nik": NikLevel,
    "name": NameLevel,
    "birth_date": DateLevel,
    "sex": SexLevel,
    "household": HouseholdLevel,
    "kelurahan": PlaceLevel,
}
# Household levels that put a pair among family members: twins, siblings and parents share them, so the other
# comparisons are weighed against family members who are different people, not against strangers.
FAMILY = frozenset(
    {
        HouseholdLevel.KK_AND_MOTHER,
        HouseholdLevel.KK,
        HouseholdLevel.KK_ONE_DIGIT,
        HouseholdLevel.MOTHER,
        HouseholdLevel.PHONE,
    }
)

Levels = tuple[int, int, int, int, int, int]

# What the other comparisons are weighed against (model.py), as flags: members of one household (FAMILY);
# people whose NIKs say the same birth date (NIK_DATE); people born on one day in one place (LOCAL_BIRTH:
# twins), known from the NIKs (same district and date) or, when a NIK is missing, from the stated birth date
# and kelurahan. No flag: strangers.
CONTEXT_STRANGERS = 0
CONTEXT_FAMILY = 1
CONTEXT_NIK_DATE = 2
CONTEXT_LOCAL_BIRTH = 4
CONTEXTS = tuple(range(8))

# Household levels that put a pair among family members: twins, siblings and parents share them, so the other
# comparisons are weighed against family members who are different people, not against strangers.
FAMILY = frozenset(
    {
        HouseholdLevel.KK_AND_MOTHER,
        HouseholdLevel.KK,
        HouseholdLevel.KK_ONE_DIGIT,
        HouseholdLevel.MOTHER,
        HouseholdLevel.PHONE,
    }
)


# What the other comparisons are weighed against (model.py), as flags: members of one household (FAMILY);
# people whose NIKs say the same birth date (NIK_DATE); people born on one day in one place (LOCAL_BIRTH:
# twins), known from the NIKs (same district and date) or, when a NIK is missing, from the stated birth date
# and kelurahan. No flag: strangers.
CONTEXT_STRANGERS = 0
CONTEXT_FAMILY = 1
CONTEXT_NIK_DATE = 2
CONTEXT_LOCAL_BIRTH = 4
CONTEXTS = tuple(range(8))


def nik_level(a: str, a_truncated: bool, b: str, b_truncated: bool) -> NikLevel:
    if len(a) < 12 or len(b) < 12:
        return NikLevel.MISSING
    if a == b:
        return NikLevel.TRUNCATED if a_truncated or b_truncated else NikLevel.EXACT
    if a_truncated or b_truncated:
        return _truncated_level(a[:15], b[:15])
    if len(a) == len(b):
        level = _same_length_level(a, b)
        if level is not None:
            return level
    if Levenshtein.distance(a, b, score_cutoff=2) <= 2:
        return NikLevel.TWO_EDITS
    return NikLevel.DIFFERENT


def _truncated_level(a15: str, b15: str) -> NikLevel:
    """A NIK that went through Excel kept 15 digits: only those are compared."""
    if a15 == b15:
        return NikLevel.TRUNCATED
    return NikLevel.TWO_EDITS if Levenshtein.distance(a15, b15, score_cutoff=1) <= 1 else NikLevel.DIFFERENT


def _same_length_level(a: str, b: str) -> NikLevel | None:
    """One digit apart (where: the serial, the sex's +40 on the day, the head) or two neighbours swapped; None
    for anything further."""
    differing = Hamming.distance(a, b, score_cutoff=2)
    if differing == 1:
        i = next(i for i in range(len(a)) if a[i] != b[i])
        if i >= 12:
            return NikLevel.ONE_DIGIT_SERIAL
        if i == 6 and abs(int(a[i]) - int(b[i])) == 4:
            return NikLevel.ONE_DIGIT_SEX
        return NikLevel.ONE_DIGIT_HEAD
    if differing == 2:
        i = next(i for i in range(len(a) - 1) if a[i] != b[i])
        if a[i] == b[i + 1] and a[i + 1] == b[i]:
            return NikLevel.TRANSPOSED
    return None


def date_level(
    a: tuple[int, int, int] | None, a_ordinal: int, b: tuple[int, int, int] | None, b_ordinal: int
) -> DateLevel:
    if a is None or b is None:
        return DateLevel.MISSING
    if a == b:
        return DateLevel.EXACT
    if a[0] == b[0] and a[1] == b[2] and a[2] == b[1]:
        return DateLevel.SWAPPED
    if abs(a_ordinal - b_ordinal) == 1:
        return DateLevel.ONE_DAY
    if a[1] == b[1] and a[2] == b[2] and abs(a[0] - b[0]) == 1:
        return DateLevel.ONE_DIGIT
    text_a = f"{a[2]:02d}{a[1]:02d}{a[0]:04d}"
    text_b = f"{b[2]:02d}{b[1]:02d}{b[0]:04d}"
    if Hamming.distance(text_a, text_b, score_cutoff=1) <= 1:
        return DateLevel.ONE_DIGIT
    return DateLevel.DIFFERENT


def household_level(a: Prepared, b: Prepared) -> HouseholdLevel:
    mothers = bool(a.mother_key) and a.mother_key == b.mother_key
    if a.kk and b.kk:
        if a.kk == b.kk:
            return HouseholdLevel.KK_AND_MOTHER if mothers else HouseholdLevel.KK
        if len(a.kk) == len(b.kk) and Hamming.distance(a.kk, b.kk, score_cutoff=1) <= 1:
            return HouseholdLevel.KK_ONE_DIGIT
    if mothers:
        return HouseholdLevel.MOTHER
    if a.phone and a.phone == b.phone:
        return HouseholdLevel.PHONE
    return HouseholdLevel.KK_DIFFERENT if a.kk and b.kk else HouseholdLevel.NONE


def context_of(a: Prepared, b: Prepared, levels: Levels) -> int:
    context = CONTEXT_FAMILY if levels[HOUSEHOLD] in FAMILY else 0
    if a.nik_birth and b.nik_birth:
        if a.nik_birth[6:] == b.nik_birth[6:]:
            context |= CONTEXT_NIK_DATE
            if a.nik_birth[:6] == b.nik_birth[:6]:
                context |= CONTEXT_LOCAL_BIRTH
    elif levels[BIRTH_DATE] == DateLevel.EXACT and levels[KELURAHAN] == PlaceLevel.KELURAHAN:
        context |= CONTEXT_LOCAL_BIRTH
    return context


def levels_of(a: Prepared, b: Prepared) -> Levels:
    """The level of every comparison, in the order of COMPARISONS."""
    sex = (SexLevel.SAME if a.sex == b.sex else SexLevel.DIFFERENT) if a.sex and b.sex else SexLevel.MISSING
    if a.kel and b.kel:
        if a.kel == b.kel:
            place = PlaceLevel.KELURAHAN
        else:
            place = PlaceLevel.KECAMATAN if a.kec == b.kec else PlaceLevel.DIFFERENT
    else:
        place = PlaceLevel.MISSING
    return (
        nik_level(a.nik, a.nik_truncated, b.nik, b.nik_truncated),
        names_compare(a.name_norm, a.name_folded, b.name_norm, b.name_folded),
        date_level(a.dob, a.dob_ordinal, b.dob, b.dob_ordinal),
        sex,
        household_level(a, b),
        place,
    )
