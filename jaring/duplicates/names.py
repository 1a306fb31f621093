"""Indonesian personal names, made comparable. Pure: no database, no Django.

The same person is written `MUHAMMAD RIZKI`, `M. Rizky`, `Moh. Rizqi`, `Muhamad Rizki Pratama` or
`Rizki, S.Pd.` by different offices. Two steps make such spellings meet:

- `normalise` keeps what the KTP says, written one way: lower case, no punctuation or degrees, honorifics
  (`H.`, `Hj.`, `Dr.`) and `bin`/`binti` dropped, the abbreviations of a few very common first names written
  out (`M.`, `Muh.`, `Moh.`, `Mhd.` -> `muhammad`; `Abd.` -> `abdul`; `St.` -> `siti`).
- `fold` goes further, token by token, to a spelling key: old spelling (`oe` -> `u`, `dj` -> `j`, `tj` -> `c`),
  `ch`/`kh` -> `h`, `q` -> `k`, `y` -> `i`, `sy` -> `s`, doubled letters once, a final `h` dropped, and the
  known variants of common names (`Noor`/`Nur`, `Achmad`/`Ahmad`, `Mochammad`/`Muhammad`) to one key.

Two names are then compared token by token (`compare`), so token order, a dropped middle name, an initial
and a typo in one token are told apart from a different given name (a twin, a brother).
"""

from __future__ import annotations

import re
import unicodedata
from enum import IntEnum
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

# Words that are not part of the name as the KTP identifies a person: religious and academic titles. Degrees
# after a comma ("Budi Santoso, S.Pd.") are cut with the comma.
_TITLES = frozenset(
    {
        "h",
        "hj",
        "haji",
        "hajah",
        "hajjah",
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "bpk",
        "bapak",
        "ibu",
        "sdr",
        "sdri",
        "tn",
        "ny",
        "nn",
        "kh",
        "ust",
        "ustadz",
        "bin",
        "binti",
        "bt",
        "bte",
        "almarhum",
        "alm",
        "almh",
    }
)
# Abbreviations and variants written out in `normalise` (the KTP itself often abbreviates them).
_WRITTEN_OUT = {
    "m": "muhammad",
    "mh": "muhammad",
    "mhd": "muhammad",
    "md": "muhammad",
    "muh": "muhammad",
    "muhd": "muhammad",
    "moh": "muhammad",
    "mohd": "muhammad",
    "moch": "muhammad",
    "much": "muhammad",
    "abd": "abdul",
    "st": "siti",
}
# Spelling variants of common names that `fold`'s letter rules do not bring together, after those rules.
_FOLDED_VARIANTS = {
    "muhamad": "muhamad",
    "mohamad": "muhamad",
    "mohamed": "muhamad",
    "muhamed": "muhamad",
    "muhamat": "muhamad",
    "mukhamad": "muhamad",
    "mokhamad": "muhamad",
    "muhamud": "muhamad",
    "mahamad": "muhamad",
    "noor": "nur",
    "nor": "nur",
    "ahmat": "ahmad",
    "amad": "ahmad",
    "abdoel": "abdul",
    "abdol": "abdul",
}
# Very common first tokens: they tell little on their own (half of the men of a kelurahan may be Muhammad).
COMMON_TOKENS = frozenset({"muhamad", "nur", "siti", "ahmad", "abdul", "sri", "dewi", "putri", "nurul", "agus"})

_NOT_LETTERS = re.compile(r"[^a-z ]+")
_APOSTROPHES = re.compile(r"['`´’‘]")
_REPEATS = re.compile(r"(.)\1+")
# Ordered: digraphs of the old (pre-1972) spelling first, then the letters that vary today.
_FOLD_RULES = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("nj", "ny"),
    ("ch", "h"),
    ("kh", "h"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("sy", "s"),
    ("q", "k"),
    ("x", "ks"),
    ("z", "s"),
    ("v", "f"),
    ("y", "i"),
    ("ie", "i"),
)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=200_000)
def normalise(name: str) -> str:
    """The name written one way: `"H. M. Rizky, S.Pd."` -> `"muhammad rizky"`. "" when nothing is left."""
    text = name.split(",", 1)[0] if "," in name else name
    text = _APOSTROPHES.sub("", _ascii(text).lower())
    tokens = []
    for token in _NOT_LETTERS.sub(" ", text).split():
        if token in _TITLES:
            continue
        tokens.append(_WRITTEN_OUT.get(token, token))
    return " ".join(tokens)


@lru_cache(maxsize=400_000)
def fold_token(token: str) -> str:
    """The spelling key of one normalised token: `"rizqy"` -> `"riski"`, `"soeparman"` -> `"suparman"`."""
    folded = token
    for old, new in _FOLD_RULES:
        if old in folded:
            folded = folded.replace(old, new)
    folded = _REPEATS.sub(r"\1", folded)
    if len(folded) > 3 and folded.endswith("h"):
        folded = folded[:-1]
    return _FOLDED_VARIANTS.get(folded, folded)


def fold(normalised: str) -> tuple[str, ...]:
    """The spelling keys of a normalised name's tokens, in order."""
    return tuple(fold_token(token) for token in normalised.split())


class NameLevel(IntEnum):
    """How two names compare, from the strongest agreement down. The order is the order of the checks."""

    EXACT = 0  # the same once normalised
    SPELLING = 1  # the same spelling keys, in any order
    TYPO = 2  # as many tokens, each paired with one a typing slip away (or an initial)
    ENDING = 3  # as TYPO, but the only slip is a token's last vowel: Putra/Putri, Rizki/Rizka (twins' names)
    SUBSET = 4  # every token of the shorter name is in the longer one (a dropped middle name, a single name)
    PARTIAL = 5  # some tokens agree, another has no counterpart (a brother, a twin, a father)
    DIFFERENT = 6
    MISSING = 7


def _slips_allowed(length: int) -> int:
    """Edits a token of this length may differ by and still be a typing slip. Short given names differ by one
    letter between twins (Rina, Rini): tokens of up to four letters must agree exactly."""
    if length <= 4:
        return 0
    if length <= 7:
        return 1
    return 2


def token_agrees(a: str, b: str) -> int:
    """0 for the same key, 1 for an initial of the other or a typing slip, -1 for no agreement."""
    if a == b:
        return 0
    if len(a) == 1 or len(b) == 1:
        return 1 if a[0] == b[0] else -1
    allowed = _slips_allowed(min(len(a), len(b)))
    if allowed == 0 or abs(len(a) - len(b)) > allowed:
        return -1
    return 1 if Levenshtein.distance(a, b, score_cutoff=allowed) <= allowed else -1


_VOWELS = frozenset("aeiou")


def _ending_only(a: str, b: str) -> bool:
    """The two tokens differ only in their last letter, a vowel in both."""
    return len(a) == len(b) > 2 and a[:-1] == b[:-1] and a[-1] in _VOWELS and b[-1] in _VOWELS


def _paired(short: tuple[str, ...], long: tuple[str, ...]) -> tuple[int, int, bool]:
    """Greedy pairing of the shorter name's tokens with the longer's: (tokens paired, of which by a slip,
    whether every slip is only a changed last vowel)."""
    free = list(long)
    paired = slips = 0
    endings = True
    # Exact keys first, so a slip never takes the token an exact twin would have matched.
    pending = []
    for token in short:
        if token in free:
            free.remove(token)
            paired += 1
        else:
            pending.append(token)
    for token in pending:
        for index, other in enumerate(free):
            if token_agrees(token, other) == 1:
                del free[index]
                paired += 1
                slips += 1
                endings = endings and _ending_only(token, other)
                break
    return paired, slips, endings


def compare(a_normalised: str, a_folded: tuple[str, ...], b_normalised: str, b_folded: tuple[str, ...]) -> NameLevel:
    if not a_folded or not b_folded:
        return NameLevel.MISSING
    if a_normalised == b_normalised:
        return NameLevel.EXACT
    if a_folded == b_folded or sorted(a_folded) == sorted(b_folded):
        return NameLevel.SPELLING
    short, long = (a_folded, b_folded) if len(a_folded) <= len(b_folded) else (b_folded, a_folded)
    paired, slips, endings = _paired(short, long)
    if paired == len(short):
        if len(short) == len(long):
            return NameLevel.ENDING if slips and endings else NameLevel.TYPO
        # One token alone that is only a common first name ("Muhammad" within "Muhammad Rizki") says little.
        if len(short) == 1 and short[0] in COMMON_TOKENS:
            return NameLevel.PARTIAL
        return NameLevel.SUBSET
    if paired:
        return NameLevel.PARTIAL
    return NameLevel.DIFFERENT


def blocking_key(folded: tuple[str, ...]) -> str:
    """The folded tokens sorted and joined: one key for every spelling and order of the same name."""
    return " ".join(sorted(folded))


def distinctive_token(folded: tuple[str, ...]) -> str:
    """The longest token that is not a common first name (for blocking); "" when there is none."""
    best = ""
    for token in folded:
        if token not in COMMON_TOKENS and len(token) > len(best):
            best = token
    return best
