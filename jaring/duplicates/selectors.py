"""Reads of duplicate pairs and merges, scoped to the officer asking.

A person belongs to a funder's data when they applied to one of its programmes. A pair is visible to an officer
when either person does: a province officer sees that someone on its list already holds a Balikpapan place,
and learns of the city's record only that (funder, programme, place), never its name, NIK or address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from jaring.allocation.models import Place
from jaring.core.errors import NotFound
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.selectors import Scope, require
from jaring.duplicates.models import MatchPair, PersonMerge
from jaring.registry.models import Application, Person
from jaring.registry.states import OPEN_STATUSES


def duplicates_scope(user: User) -> Scope:
    return require(user, Capability.REVIEW_DUPLICATES)


def persons_of_funder(funder_id: int) -> QuerySet[Application, Any]:
    """The person ids of everyone who applied to one of the funder's programmes (a subquery)."""
    return Application.objects.filter(programme__funder_id=funder_id).values("person_id")


def person_in_scope(scope: Scope, person_id: int) -> bool:
    if scope.everything:
        return True
    return Application.objects.filter(person_id=person_id, programme__funder_id=scope.funder).exists()


def merged_away() -> QuerySet[PersonMerge]:
    return PersonMerge.objects.filter(undone_at__isnull=True)


def pairs_visible_to(user: User, *, status: str = MatchPair.Status.OPEN) -> QuerySet[MatchPair]:
    """Pairs the officer may see, best first. Open pairs leave out persons already merged into another."""
    scope = duplicates_scope(user)
    qs = MatchPair.objects.select_related("person_a", "person_b", "decided_by")
    if status:
        qs = qs.filter(status=status)
    if status == MatchPair.Status.OPEN:
        live = merged_away()
        qs = qs.exclude(
            Exists(live.filter(merged_id=OuterRef("person_a_id")))
            | Exists(live.filter(merged_id=OuterRef("person_b_id")))
        )
    if not scope.everything:
        mine = persons_of_funder(scope.funder)
        qs = qs.filter(Q(person_a_id__in=mine) | Q(person_b_id__in=mine))
    return qs.order_by("-probability", "id")


def pair_for(user: User, *, pk: int) -> MatchPair:
    pair = pairs_visible_to(user, status="").filter(pk=pk).first()
    if pair is None:
        raise NotFound(_("Pasangan ini tidak ditemukan atau di luar wewenang Anda."))
    return pair


@dataclass
class Side:
    """One person of a pair as the officer may see it: everything when in scope, else only who funds them."""

    person: Person
    visible: bool
    applications: list[Application] = field(default_factory=list)  # in scope: all; else none
    holders: list[str] = field(default_factory=list)  # out of scope: "Kota Balikpapan (BPN-2026): tempat aktif"
    aliases: list[str] = field(default_factory=list)  # NIKs merged into this person


def side_of(scope: Scope, person: Person) -> Side:
    visible = person_in_scope(scope, person.pk)
    side = Side(person=person, visible=visible)
    applications = Application.objects.filter(person=person).select_related("programme", "programme__funder")
    if visible:
        side.applications = list(applications.order_by("-created_at"))
        side.aliases = list(
            merged_away().filter(survivor=person).select_related("merged").values_list("merged__nik", flat=True)
        )
        return side
    active = set(
        Place.objects.filter(person=person, status=Place.Status.ACTIVE).values_list("programme__code", flat=True)
    )
    for application in applications:
        programme = application.programme
        if programme.code in active:
            state = _("tempat aktif")
        elif application.status in OPEN_STATUSES:
            state = _("pendaftaran berjalan")
        else:
            state = _("pendaftaran selesai")
        side.holders.append(f"{programme.funder.name} ({programme.code}): {state}")
    return side


def merges_visible_to(user: User) -> QuerySet[PersonMerge]:
    scope = duplicates_scope(user)
    qs = PersonMerge.objects.select_related("survivor", "merged", "created_by", "undone_by")
    if not scope.everything:
        mine = persons_of_funder(scope.funder)
        qs = qs.filter(Q(survivor_id__in=mine) | Q(merged_id__in=mine))
    return qs


def merge_for(user: User, *, pk: int) -> PersonMerge:
    merge = merges_visible_to(user).filter(pk=pk).first()
    if merge is None:
        raise NotFound(_("Penggabungan ini tidak ditemukan atau di luar wewenang Anda."))
    return merge


def alias_of(nik: str) -> Person | None:
    """The person a merged NIK now belongs to, or None when the NIK is no one's alias."""
    merge = merged_away().filter(merged__nik=nik).select_related("survivor").first()
    return merge.survivor if merge is not None else None
