"""The reads the card pages need: who may print and hand over cards, which members a selection means, the
prints of a programme, kelurahan and batches to choose from, the cards to hand over.

Who: officers who exchange data with BPJS or manage programmes (Capability.EXCHANGE_WITH_BPJS or
MANAGE_PROGRAMMES), for their own funder's programmes; another funder's programme is answered as not found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from jaring.core.errors import DomainError, NotFound, PermissionDenied
from jaring.core.models import Region, User
from jaring.core.permissions import Capability, user_can
from jaring.core.selectors import Scope, scope_of
from jaring.enrolment.models import BatchMember, Card, CardPrint, Membership
from jaring.enrolment.selectors import MEMBER_KELURAHAN, KelurahanChoice, kelurahans_with, member_kelurahans
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programme_in_scope, refuse_unless_bpjs

MAX_SELECTED = 5000  # ids chosen by hand; a whole kelurahan or batch has no such limit
CARD_OFFICERS = (Capability.EXCHANGE_WITH_BPJS, Capability.MANAGE_PROGRAMMES)
SELECTION_KINDS = ("batch", "kelurahan", "ids")


# -- who may -----------------------------------------------------------------------------------------------


def card_scope(user: User | object) -> Scope:
    """The scope of an officer who may print cards and record their hand-over."""
    scope = scope_of(user)
    if not any(user_can(user, capability) for capability in CARD_OFFICERS):
        raise PermissionDenied(_("Peran Anda tidak berwenang untuk tindakan ini."))
    return scope


def card_programme_of(user: User, code: str) -> Programme:
    programme = programme_in_scope(card_scope(user), code)
    refuse_unless_bpjs(programme)
    return programme


# -- what to print -----------------------------------------------------------------------------------------


def selection_clean(selection: dict[str, Any]) -> dict[str, Any]:
    """One kind of selection with a value of the right type, or DomainError (field = the kind)."""
    kinds = [kind for kind in SELECTION_KINDS if selection.get(kind) not in (None, "", [])]
    if len(kinds) != 1:
        raise DomainError(_("Pilih batch, kelurahan, atau peserta yang kartunya dicetak."), field="by")
    kind = kinds[0]
    value = selection[kind]
    if kind == "ids":
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise DomainError(_("Pilihan peserta tidak sah."), field="ids")
        if len(value) > MAX_SELECTED:
            raise DomainError(
                _("Paling banyak %(max)s peserta sekali pilih; cetak per kelurahan atau per batch.")
                % {"max": MAX_SELECTED},
                field="ids",
            )
        return {"ids": sorted(set(value))}
    if not isinstance(value, str) or len(value) > 40:
        raise DomainError(_("Pilihan tidak sah."), field=kind)
    return {kind: value.strip()}


def selection_memberships(programme: Programme, selection: dict[str, Any]) -> QuerySet[Membership]:
    """The active memberships of the programme that a (clean) selection names, in print order: by kelurahan,
    then by name, so the sheets can be handed to each kelurahan as they come off the printer."""
    qs = Membership.objects.filter(programme=programme, status=Membership.Status.ACTIVE)
    if "batch" in selection:
        qs = qs.filter(
            application__batch_members__batch__programme=programme,
            application__batch_members__batch__number=selection["batch"],
            application__batch_members__outcome=BatchMember.Outcome.ACCEPTED,
        )
    elif "kelurahan" in selection:
        qs = qs.filter(**{f"{MEMBER_KELURAHAN}_id": selection["kelurahan"]})
    else:
        qs = qs.filter(pk__in=selection["ids"])
    return qs.select_related("person", "programme__funder").order_by(f"{MEMBER_KELURAHAN}_id", "person__name", "pk")


def selection_labels(selections: Sequence[dict[str, Any]]) -> list[str]:
    """What each selection printed, for the pages: one query for all the kelurahan names, whatever the count."""
    codes = {s["kelurahan"] for s in selections if "kelurahan" in s}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    labels = []
    for selection in selections:
        if "batch" in selection:
            labels.append(_("Batch %(number)s") % {"number": selection["batch"]})
        elif "kelurahan" in selection:
            code = selection["kelurahan"]
            labels.append(_("Kelurahan %(name)s") % {"name": names.get(code) or code})
        else:
            labels.append(_("%(count)s peserta pilihan") % {"count": len(selection.get("ids", []))})
    return labels


def selection_label(selection: dict[str, Any]) -> str:
    return selection_labels([selection])[0]


# -- printing ----------------------------------------------------------------------------------------------


def card_print_path(card_print: CardPrint) -> Path | None:
    """The PDF of a finished print, or None."""
    if not card_print.file:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / card_print.file).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def card_prints_of(programme: Programme) -> QuerySet[CardPrint]:
    return (
        CardPrint.objects.filter(programme=programme)
        .select_related("job", "job__created_by")
        .annotate(card_count=Count("cards"))
        .order_by("-id")
    )


def card_print_of(programme: Programme, pk: int) -> CardPrint:
    card_print = card_prints_of(programme).filter(pk=pk).first()
    if card_print is None:
        raise NotFound(_("Cetak kartu ini tidak ditemukan."))
    return card_print


# -- choices for the pages ---------------------------------------------------------------------------------


def active_member_kelurahans(programme: Programme) -> list[KelurahanChoice]:
    """Kelurahan with active members of the programme, and how many."""
    return member_kelurahans(programme, active=True)


def card_kelurahans(programme: Programme) -> list[KelurahanChoice]:
    """Kelurahan with printed cards of the programme, and how many."""
    return kelurahans_with(Card.objects.filter(membership__programme=programme), f"membership__{MEMBER_KELURAHAN}")


def member_batches(programme: Programme) -> list[tuple[str, int]]:
    """Batches of the programme with members BPJS accepted that are still active: (number, active members)."""
    rows = (
        BatchMember.objects.filter(
            batch__programme=programme,
            outcome=BatchMember.Outcome.ACCEPTED,
            application__membership__status=Membership.Status.ACTIVE,
        )
        .values("batch__number")
        .annotate(n=Count("id"))
        .order_by("batch__number")
    )
    return [(row["batch__number"], row["n"]) for row in rows]


def memberships_by_kpj(programme: Programme, kpjs: Iterable[str]) -> tuple[list[int], list[str]]:
    """Membership ids of the programme for KPJ numbers typed by an officer, and the numbers not found."""
    wanted = list(dict.fromkeys(k for k in kpjs if k))
    found = dict(Membership.objects.filter(programme=programme, kpj__in=wanted).values_list("kpj", "pk"))
    return [found[k] for k in wanted if k in found], [k for k in wanted if k not in found]


# -- hand-over and its report ------------------------------------------------------------------------------


def cards_to_hand_over(
    programme: Programme, *, kelurahan: str | None = None, ids: Iterable[int] = ()
) -> tuple[list[Card], list[int]]:
    """The cards a ceremony hands over: of a kelurahan, each member's newest card (a reprint replaces a lost
    one); or the cards named by number. Returns the cards and the numbers that are not cards of the
    programme."""
    qs = Card.objects.filter(membership__programme=programme).select_related("membership")
    if kelurahan is not None:
        newest: dict[int, Card] = {}
        for card in qs.filter(**{f"membership__{MEMBER_KELURAHAN}_id": kelurahan}).order_by("-issued_at", "-id"):
            newest.setdefault(card.membership_id, card)
        return list(newest.values()), []
    wanted = sorted(set(ids))
    cards = list(qs.filter(pk__in=wanted))
    known = {card.pk for card in cards}
    return cards, [pk for pk in wanted if pk not in known]
