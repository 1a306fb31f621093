"""The counter's search-first step: while an officer types a NIK or a name, the persons it may already be.

A NIK one digit off, two digits swapped or cut short by Excel, and a name spelt another way (`M. Rizky` for
`Muhammad Rizki`) are shown as likely matches. A person the officer may see (their funder's, in their kelurahan
for a kelurahan operator) is shown with name, masked NIK and open applications; anyone else only as "already
registered with another funder", with that funder's programme and whether it holds a place there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jaring.allocation.models import Place
from jaring.core.selectors import Scope
from jaring.duplicates.checks import counter_candidates
from jaring.duplicates.comparisons import NikLevel, levels_of
from jaring.duplicates.engine import default_model
from jaring.duplicates.model import Scorer
from jaring.duplicates.names import NameLevel
from jaring.duplicates.reasons import MISSING, explain
from jaring.duplicates.records import Prepared, Record, nik_of
from jaring.duplicates.selectors import alias_of
from jaring.registry.models import Application, Person
from jaring.registry.states import OPEN_STATUSES

SHOWN = 5
NEAR_NIKS = frozenset(
    {
        NikLevel.TRUNCATED,
        NikLevel.TRANSPOSED,
        NikLevel.ONE_DIGIT_HEAD,
        NikLevel.ONE_DIGIT_SEX,
        NikLevel.ONE_DIGIT_SERIAL,
        NikLevel.TWO_EDITS,
    }
)
ALIKE_NAMES = frozenset({NameLevel.EXACT, NameLevel.SPELLING, NameLevel.TYPO, NameLevel.SUBSET})


@dataclass
class Suggestion:
    person: Person
    visible: bool
    reasons: str
    weight: float
    open_applications: list[Application] = field(default_factory=list)
    holders: list[str] = field(default_factory=list)


@dataclass
class Found:
    query: str = ""
    kind: str = ""  # "nik", "name" or "" (too short to look)
    suggestions: list[Suggestion] = field(default_factory=list)
    alias_for: Person | None = None  # the typed NIK was merged into this person


def _typed(query: str) -> tuple[str, str]:
    text = " ".join(query.split())
    digits = "".join(ch for ch in text if ch not in " .-")
    if digits.isdigit() and digits.isascii():
        return ("nik", digits) if len(digits) >= 12 else ("", "")
    letters = sum(ch.isalpha() for ch in text)
    return ("name", text[:100]) if letters >= 3 else ("", "")


def _visible(scope: Scope, person: Person) -> bool:
    if scope.everything:
        return True
    if scope.kelurahan_code is not None and person.kelurahan_id != scope.kelurahan_code:
        return False
    return Application.objects.filter(person=person, programme__funder_id=scope.funder).exists()


def _holders(person: Person) -> list[str]:
    active = set(
        Place.objects.filter(person=person, status=Place.Status.ACTIVE).values_list("programme__code", flat=True)
    )
    found = []
    for application in Application.objects.filter(person=person).select_related("programme__funder"):
        programme = application.programme
        state = _("memegang tempat") if programme.code in active else application.get_status_display()
        found.append(f"{programme.funder.name} ({programme.code}): {state}")
    return found


def suggestions_for(scope: Scope, *, query: str) -> Found:
    kind, value = _typed(query)
    found = Found(query=query, kind=kind)
    if not kind:
        return found
    if kind == "nik":
        nik, truncated = nik_of(value)
        typed = Record(key=0, nik=nik, nik_truncated=truncated)
        if len(nik) == 16:
            found.alias_for = alias_of(nik)
    else:
        typed = Record(key=0, name=value)
    me = Prepared(typed)
    scorer = Scorer.for_population(default_model(), Person.objects.count())
    ranked = []
    for person in counter_candidates(nik=typed.nik, name=typed.name):
        other = Prepared(
            Record(key=person.pk, nik=person.nik, name=person.name, birth_date=person.birth_date, sex=person.sex)
        )
        levels = levels_of(me, other)
        if kind == "nik" and levels[0] not in NEAR_NIKS:
            continue  # the exact NIK is the registry's own look-up; anything further is not this person
        if kind == "name" and levels[1] not in ALIKE_NAMES:
            continue
        # Only what was typed is compared: birth date, sex and the rest are missing on the typed side.
        text = "; ".join(v.text for v in explain(levels) if v.verdict != MISSING)
        ranked.append((scorer.weight(levels, 0), person, text))
    ranked.sort(key=lambda item: (-item[0], item[1].pk))
    for weight, person, text in ranked[:SHOWN]:
        suggestion = Suggestion(person=person, visible=_visible(scope, person), reasons=text, weight=weight)
        if suggestion.visible:
            own = Application.objects.filter(person=person, status__in=OPEN_STATUSES).select_related("programme")
            if not scope.everything:
                own = own.filter(programme__funder_id=scope.funder)
            suggestion.open_applications = list(own.order_by("-created_at"))
        else:
            suggestion.holders = _holders(person)
        found.suggestions.append(suggestion)
    return found
