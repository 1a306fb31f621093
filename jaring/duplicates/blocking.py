"""Which pairs are worth comparing. Pure: no database.

Comparing every record with every other grows with the square of their number (a million records make half a
trillion pairs). Blocking compares only records that share a key under at least one rule; each rule is
chosen so that the mistakes another rule misses still share its key:

- a mistyped NIK digit falls in one of its three parts (region, birth date, serial): two of them still agree,
  so the NIK is blocked on region+date, on date+serial (with the name's initial) and on region+serial with the
  stated birth date; the Excel-truncated NIK keeps region+date;
- a list without NIKs, or with a NIK mistyped twice, is caught by the name (spelling key) with the birth year,
  the birth date with the kelurahan, the birth date with the name's most distinctive token, the name with the
  kelurahan, the family card, the mother with the kecamatan, and the phone.

A key shared by more than MAX_BLOCK records (a placeholder phone number, a family card typed as zeros) is
skipped: it says nothing about identity and would cost the square of its size. The cost is then close to
linear in the number of records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from jaring.duplicates.records import Prepared

MAX_BLOCK = 300
PAIR_BASE = 1 << 24  # pair codes i * PAIR_BASE + j: up to 16.7 million records


def _nik_head(p: Prepared) -> str | None:
    return p.nik_birth or None


def _nik_tail(p: Prepared) -> str | None:
    return f"{p.nik[6:]}|{p.name_key[:1]}" if len(p.nik) == 16 else None


def _nik_region_serial(p: Prepared) -> str | None:
    return f"{p.nik[:6]}{p.nik[12:]}|{p.date_key}" if len(p.nik) == 16 and p.date_key else None


def _name_year(p: Prepared) -> str | None:
    return f"{p.name_key}|{p.date_key[:4]}" if p.name_key and p.date_key else None


def _date_kelurahan(p: Prepared) -> str | None:
    return f"{p.date_key}|{p.kel}" if p.date_key and p.kel else None


def _date_token(p: Prepared) -> str | None:
    return f"{p.date_key}|{p.name_token[:4]}" if p.date_key and p.name_token else None


def _name_kelurahan(p: Prepared) -> str | None:
    return f"{p.name_key}|{p.kel}" if p.name_key and p.kel else None


def _kk(p: Prepared) -> str | None:
    return p.kk or None


def _mother_kecamatan(p: Prepared) -> str | None:
    return f"{p.mother_key}|{p.kec}" if p.mother_key and p.kec else None


def _phone(p: Prepared) -> str | None:
    return p.phone or None


RULES: tuple[tuple[str, Callable[[Prepared], str | None]], ...] = (
    ("nik_region_date", _nik_head),
    ("nik_date_serial_initial", _nik_tail),
    ("nik_region_serial_birth_date", _nik_region_serial),
    ("name_birth_year", _name_year),
    ("birth_date_kelurahan", _date_kelurahan),
    ("birth_date_name_token", _date_token),
    ("name_kelurahan", _name_kelurahan),
    ("kk", _kk),
    ("mother_kecamatan", _mother_kecamatan),
    ("phone", _phone),
)


def blocks(prepared: Sequence[Prepared], rule: Callable[[Prepared], str | None]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    add = found.setdefault
    for index, record in enumerate(prepared):
        key = rule(record)
        if key is not None:
            add(key, []).append(index)
    return found


def _pairs_of(members: list[int], first_other: int) -> Iterator[int]:
    """Pair codes of one block; with `first_other`, no pair of two records at or past it (two registry
    persons, when a list is checked against the registry)."""
    for x, i in enumerate(members):
        if i >= first_other:
            return
        base = i * PAIR_BASE
        for j in members[x + 1 :]:
            yield base + j


def candidate_pairs(prepared: Sequence[Prepared], *, first_other: int | None = None) -> tuple[set[int], dict[str, int]]:
    """Codes of the pairs to compare (i < j), and how many blocks each rule skipped as too big."""
    if len(prepared) >= PAIR_BASE:
        raise ValueError(f"at most {PAIR_BASE - 1} records at once")
    limit = len(prepared) if first_other is None else first_other
    pairs: set[int] = set()
    skipped: dict[str, int] = {}
    for name, rule in RULES:
        for members in blocks(prepared, rule).values():
            if len(members) < 2 or members[0] >= limit:
                continue
            if len(members) > MAX_BLOCK:
                skipped[name] = skipped.get(name, 0) + 1
                continue
            pairs.update(_pairs_of(members, limit))
    return pairs, skipped
