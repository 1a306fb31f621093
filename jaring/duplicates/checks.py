"""The three checks: a list against itself (and the registry), the whole registry against itself, and one
person being typed at the counter. Reads only; what they find is stored by services or shown by views.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Q

from jaring.duplicates import thresholds
from jaring.duplicates.engine import Match, Run, find_pairs, find_pairs_prepared, prepare
from jaring.duplicates.files import ListFile, list_read, pairs_csv
from jaring.duplicates.names import distinctive_token, fold, fold_token, normalise
from jaring.duplicates.records import Record, kelurahan_of, phone_of
from jaring.duplicates.selectors import merged_away, persons_of_funder
from jaring.programmes.models import Programme
from jaring.registry.models import Person

FIELDS = ("pk", "nik", "name", "birth_date", "sex", "kk_number", "mother_name", "kelurahan_id", "phone")
CHUNK = 20_000


def _record(row: tuple[Any, ...]) -> Record:
    pk, nik, name, birth_date, sex, kk, mother, kelurahan, phone = row
    return Record(
        key=pk,
        nik=nik,
        name=name,
        birth_date=birth_date,
        sex=sex,
        kk=kk,
        mother=mother,
        kelurahan=kelurahan_of(kelurahan),
        phone=phone_of(phone),
    )


def registry_records(*, funder_id: int | None = None) -> list[Record]:
    """Every person of the registry (of one funder's programmes, when given) except those merged into another,
    whose NIK lives on as an alias."""
    qs = Person.objects.exclude(pk__in=merged_away().values("merged_id"))
    if funder_id is not None:
        qs = qs.filter(pk__in=persons_of_funder(funder_id))
    return [_record(row) for row in qs.order_by("pk").values_list(*FIELDS).iterator(chunk_size=CHUNK)]


@dataclass
class FileCheck:
    listed: ListFile
    run: Run
    niks: dict[int, str] = field(default_factory=dict)  # registry person id -> NIK, for the matches only

    @property
    def matches(self) -> list[Match]:
        return self.run.matches or []

    def csv(self) -> str:
        return pairs_csv(self.matches, niks=self.niks)


def file_check(
    content: bytes | Path,
    *,
    programme: Programme | None = None,
    against_registry: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> FileCheck:
    """The spec's `find-duplicates`: the list's rows against each other, and with `against_registry` against the
    persons of the programme's funder (all persons without a programme). ImportFileError when unreadable."""
    listed = list_read(content)
    others: list[Record] = []
    if against_registry:
        others = registry_records(funder_id=programme.funder_id if programme is not None else None)
    run = find_pairs(listed.records, others=others, threshold=thresholds.SAME_PERSON, on_progress=on_progress)
    matched = {match.b_key for match in run.matches or [] if match.b_other}
    niks = dict(Person.objects.filter(pk__in=matched).values_list("pk", "nik")) if matched else {}
    return FileCheck(listed=listed, run=run, niks=niks)


def registry_scan(*, on_progress: Callable[[int, int], None] | None = None) -> Run:
    """Every person of the registry against every other, pairs at or above the review threshold."""
    pool = prepare(registry_records())
    return find_pairs_prepared(pool, first_other=None, threshold=thresholds.REVIEW, on_progress=on_progress)


def in_scope(matches: Iterable[Match], *, funder_id: int | None) -> list[Match]:
    """The pairs of which at least one person applied to the funder's programmes (all without a funder)."""
    found = list(matches)
    if funder_id is None:
        return found
    mine = set(persons_of_funder(funder_id).values_list("person_id", flat=True))
    return [match for match in found if match.a_key in mine or match.b_key in mine]


# -- the counter -----------------------------------------------------------------------------------------------


def counter_candidates(*, nik: str = "", name: str = "", limit: int = 400) -> list[Person]:
    """Persons that may be the one being typed: NIKs that share two of the three parts of the typed one
    (region, birth date, serial: one wrong digit or two swapped leave two intact), or names that share the
    typed name's most distinctive part."""
    query = Q()
    if len(nik) >= 12:
        query |= Q(nik__startswith=nik[:12])
        if len(nik) == 16:
            query |= Q(nik__startswith=nik[:6], nik__endswith=nik[12:]) | Q(nik__endswith=nik[6:])
    if name:
        normalised = normalise(name)
        token = distinctive_token(fold(normalised))
        raw = next((t for t in sorted(normalised.split(), key=len, reverse=True) if fold_token(t) == token), "")
        if len(raw) >= 3:
            query |= Q(name__icontains=raw[:4])
    if not query:
        return []
    return list(
        Person.objects.filter(query)
        .exclude(pk__in=merged_away().values("merged_id"))
        .select_related("kelurahan")
        .order_by("pk")[:limit]
    )
