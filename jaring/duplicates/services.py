"""Writes of the duplicate check: the pairs a scan found, the officers' decisions, merging two records of one
person and undoing it. Every one is audited with its actor.

A merge moves every row that points at the merged person (applications, places, memberships, BPJS batch rows,
claims, and whatever later apps add) to the surviving person; what hangs on those rows (documents, decisions,
billed and paid months, a claim's heirs and papers) follows them, in one transaction with both persons' applications and
then both persons locked in id order, as an approval locks them (the application, then in `allocation` the
person) when it gives a place: a merge and an approval of either person never interleave.
It refuses what would give one person two places for one month, two open applications to one programme or two
claims for one event; an officer first ends one place (which admits the next on the waitlist), withdraws one
application or one claim. An undo is refused when a row added since the merge (a claim reported on a moved
membership) would be left pointing at one person directly and at the other through what it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _

from jaring.allocation.models import Place
from jaring.allocation.services import places_clash
from jaring.claims.models import Claim
from jaring.claims.states import ClaimStatus
from jaring.core import clock
from jaring.core.errors import Conflict, DomainError, PermissionDenied
from jaring.core.models import Funder, Job, User
from jaring.core.services import audit_record, audit_records_many
from jaring.duplicates.engine import Match
from jaring.duplicates.models import MatchPair, PersonMerge
from jaring.duplicates.reasons import reasons_text
from jaring.duplicates.selectors import duplicates_scope, person_in_scope
from jaring.enrolment.models import BatchMember
from jaring.registry.models import Application, Person, mask_nik
from jaring.registry.states import OPEN_STATUSES

# Survivor fields a merge fills from the merged record when the survivor has none.
FILLABLE = ("kk_number", "mother_name", "phone", "birth_place")


def _require_pair_access(actor: User, pair: MatchPair) -> None:
    scope = duplicates_scope(actor)
    if not (person_in_scope(scope, pair.person_a_id) or person_in_scope(scope, pair.person_b_id)):
        raise PermissionDenied(_("Pasangan ini di luar wewenang Anda."))


def _funders_of(person_ids: Iterable[int]) -> list[Funder | None]:
    """The funders whose programmes the persons applied to (each gets the audit record in its log); [None] when
    none did."""
    ids = set(Application.objects.filter(person_id__in=list(person_ids)).values_list("programme__funder_id", flat=True))
    return [*Funder.objects.filter(pk__in=ids).order_by("pk")] or [None]


# -- pairs found ----------------------------------------------------------------------------------------------


def pairs_record(*, matches: Iterable[Match], job: Job | None = None) -> dict[str, int]:
    """Store the pairs of registry persons a scan found (keys are person ids). A pair already decided keeps its
    decision and is not asked again; an open one takes the new probability."""
    counts = {"new": 0, "updated": 0, "decided_before": 0}
    wanted: dict[tuple[int, int], Match] = {}
    for match in matches:
        a, b = sorted((match.a_key, match.b_key))
        wanted[(a, b)] = match
    existing: dict[tuple[int, int], MatchPair] = {}
    keys = list(wanted)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        query = models.Q()
        for a, b in chunk:
            query |= models.Q(person_a_id=a, person_b_id=b)
        for pair in MatchPair.objects.filter(query):
            existing[(pair.person_a_id, pair.person_b_id)] = pair
    new: list[MatchPair] = []
    changed: list[MatchPair] = []
    for key, match in wanted.items():
        found = existing.get(key)
        text = reasons_text(match.levels, match.context)[:500]
        if found is None:
            new.append(
                MatchPair(
                    person_a_id=key[0],
                    person_b_id=key[1],
                    probability=match.probability,
                    levels=list(match.levels),
                    context=match.context,
                    reasons=text,
                    found_by=job,
                )
            )
        elif found.status == MatchPair.Status.OPEN:
            found.probability, found.levels, found.context, found.reasons = (
                match.probability,
                list(match.levels),
                match.context,
                text,
            )
            changed.append(found)
        else:
            counts["decided_before"] += 1
    MatchPair.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    MatchPair.objects.bulk_update(changed, ["probability", "levels", "context", "reasons"], batch_size=1000)
    counts["new"], counts["updated"] = len(new), len(changed)
    return counts


# -- decisions -------------------------------------------------------------------------------------------------


def pair_decide_different(*, pair: MatchPair, actor: User, note: str = "") -> MatchPair:
    """Two different people (twins, a father and son): remembered, so the pair is never asked again."""
    _require_pair_access(actor, pair)
    with transaction.atomic():
        locked = MatchPair.objects.select_for_update().get(pk=pair.pk)
        if locked.status != MatchPair.Status.OPEN:
            raise Conflict(_("Pasangan ini sudah diputuskan: %(status)s.") % {"status": locked.get_status_display()})
        locked.status = MatchPair.Status.DIFFERENT
        locked.decided_by = actor
        locked.decided_at = clock.now()
        locked.note = note[:300]
        locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
        for funder in _funders_of([locked.person_a_id, locked.person_b_id]):
            audit_record(
                actor=actor,
                action="duplicates.pair_different",
                target=locked,
                funder=funder,
                data={"person_a": locked.person_a_id, "person_b": locked.person_b_id, "note": locked.note},
            )
    return locked


def _person_relations() -> list[tuple[type[models.Model], str]]:
    """Every foreign key to Person outside this app (hidden ones too: BPJS batch rows point at persons with
    related_name "+"), so a merge also moves what apps added later point at."""
    found = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        model = relation.related_model
        assert isinstance(model, type) and issubclass(model, models.Model)
        if model._meta.app_label == "duplicates":
            continue
        found.append((model, relation.field.name))  # type: ignore[union-attr]
    return sorted(found, key=lambda item: item[0]._meta.label_lower)


def _lock(*person_ids: int) -> dict[int, Person]:
    """Lock the persons' applications, then the persons, each in id order: the order an approval takes them
    (verification locks the application, then allocation the person), so a merge and an approval wait for each
    other instead of deadlocking, and whichever comes second sees what the first did."""
    ids = sorted(person_ids)
    list(Application.objects.select_for_update().filter(person_id__in=ids).order_by("pk").values_list("pk"))
    return {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _conflicts(survivor: Person, merged: Person) -> list[str]:
    """Why the two records cannot become one as they stand, in words."""
    problems = []
    both = [survivor.pk, merged.pk]
    twice = (
        Application.objects.filter(person_id__in=both, status__in=OPEN_STATUSES)
        .values("programme__code")
        .annotate(people=Count("person_id", distinct=True))
        .filter(people__gt=1)
    )
    for row in twice:
        problems.append(
            _(
                "Keduanya punya pendaftaran yang masih berjalan di program %(code)s; tarik atau tolak salah satunya "
                "dulu."
            )
            % {"code": row["programme__code"]}
        )
    places = list(
        Place.objects.filter(person_id__in=both, status=Place.Status.ACTIVE).select_related("programme__funder")
    )
    for place in places:
        if place.person_id != survivor.pk:
            continue
        for other in places:
            if other.person_id == merged.pk and places_clash(place, other):
                problems.append(
                    _(
                        "Keduanya memegang tempat aktif pada bulan yang sama (%(a)s dan %(b)s): satu orang hanya "
                        "boleh dibiayai satu tempat. Akhiri salah satu tempat dulu; tempat itu lalu diberikan kepada "
                        "antrean berikutnya."
                    )
                    % {
                        "a": f"{place.programme.code}, {place.programme.funder.name}",
                        "b": f"{other.programme.code}, {other.programme.funder.name}",
                    }
                )
    if BatchMember.objects.filter(person_id__in=both, open=True).count() > 1:
        problems.append(_("Keduanya sedang menunggu jawaban BPJS dalam batch; tunggu jawabannya dulu."))
    claims: dict[tuple[str, Any], dict[int, str]] = {}
    for person_id, kind, event_date, number in (
        Claim.objects.filter(person_id__in=both)
        .exclude(status=ClaimStatus.WITHDRAWN)
        .order_by("pk")
        .values_list("person_id", "kind", "event_date", "number")
    ):
        claims.setdefault((kind, event_date), {}).setdefault(person_id, number)
    for (_kind, event_date), numbers in claims.items():
        if len(numbers) > 1:
            problems.append(
                _(
                    "Keduanya punya klaim yang sama untuk peristiwa tanggal %(date)s (%(a)s dan %(b)s): satu "
                    "peristiwa hanya satu klaim. Batalkan salah satu klaim dulu."
                )
                % {"date": event_date.strftime("%d-%m-%Y"), "a": numbers[survivor.pk], "b": numbers[merged.pk]}
            )
    return problems


def _crossed(person_ids: list[int]) -> list[str]:
    """What would point at one of the persons directly and at another person through what it belongs to (a claim
    whose membership, a place whose application, is another person's), by the plural name of its kind."""
    relations = _person_relations()
    person_field = dict(relations)
    found = []
    for model, field_name in relations:
        for fk in model._meta.concrete_fields:
            target = fk.related_model
            if not fk.is_relation or fk.name == field_name or not isinstance(target, type):
                continue
            through = person_field.get(target)
            if through is None:
                continue
            rows = model._default_manager.filter(**{f"{field_name}__in": person_ids, f"{fk.name}__isnull": False})
            if rows.exclude(**{field_name: F(f"{fk.name}__{through}")}).exists():
                found.append(str(model._meta.verbose_name_plural))
                break
    return found


Audits = list[tuple[str, models.Model, dict[str, Any]]]


def _check_mergeable(pair: MatchPair, keeper: Person, merged: Person) -> None:
    """Conflict when the pair was decided already, one record was merged elsewhere, or the merge would give one
    person two places for a month or two open applications to one programme."""
    if pair.status != MatchPair.Status.OPEN:
        raise Conflict(_("Pasangan ini sudah diputuskan: %(status)s.") % {"status": pair.get_status_display()})
    if PersonMerge.objects.filter(merged__in=[keeper, merged], undone_at__isnull=True).exists():
        raise Conflict(_("Salah satu catatan sudah digabung ke catatan lain; buka catatan itu."))
    problems = _conflicts(keeper, merged)
    if problems:
        raise Conflict(" ".join(problems))


def _move_everything(merged: Person, keeper: Person) -> tuple[dict[str, dict[str, Any]], Audits]:
    """Every row pointing at `merged` now points at `keeper`: what moved (model -> field and ids), and its audit."""
    moved: dict[str, dict[str, Any]] = {}
    audits: Audits = []
    for model, field_name in _person_relations():
        rows = list(model._default_manager.filter(**{field_name: merged}))
        if not rows:
            continue
        model._default_manager.filter(pk__in=[row.pk for row in rows]).update(**{field_name: keeper})
        moved[model._meta.label_lower] = {"field": field_name, "ids": [row.pk for row in rows]}
        audits += [("duplicates.person_moved", row, {"from_person": merged.pk, "to_person": keeper.pk}) for row in rows]
    return moved, audits


def _fill_blanks(keeper: Person, merged: Person) -> dict[str, Any]:
    """What the keeper lacks and the merged record has; returns the keeper's old (empty) values, for the undo."""
    filled = {}
    for field_name in FILLABLE:
        if not getattr(keeper, field_name) and getattr(merged, field_name):
            filled[field_name] = getattr(keeper, field_name)
            setattr(keeper, field_name, getattr(merged, field_name))
    if filled:
        keeper.save(update_fields=[*filled, "updated_at"])
    return filled


def persons_merge(*, pair: MatchPair, survivor: Person, actor: User, note: str = "") -> PersonMerge:
    """ "Same person": everything of the other record moves to `survivor` (whose NIK is the one on the KTP);
    the other record stays as the alias of its NIK. Conflict when that would give one person two places for
    a month or two open applications to one programme."""
    _require_pair_access(actor, pair)
    if survivor.pk not in (pair.person_a_id, pair.person_b_id):
        raise DomainError(_("Pilih salah satu dari kedua catatan sebagai catatan yang tetap."), field="survivor")
    merged_id = pair.person_b_id if survivor.pk == pair.person_a_id else pair.person_a_id
    try:
        with transaction.atomic():
            locked_pair = MatchPair.objects.select_for_update().get(pk=pair.pk)
            persons = _lock(survivor.pk, merged_id)
            keeper, merged = persons[survivor.pk], persons[merged_id]
            _check_mergeable(locked_pair, keeper, merged)
            funders = _funders_of([keeper.pk, merged.pk])
            moved, audits = _move_everything(merged, keeper)
            filled = _fill_blanks(keeper, merged)
            crossed = _crossed([keeper.pk, merged.pk])
            if crossed:
                raise Conflict(
                    _("Catatan tidak dapat digabung: %(what)s akan menunjuk dua orang berbeda.")
                    % {"what": ", ".join(crossed)}
                )
            merge = PersonMerge.objects.create(
                survivor=keeper,
                merged=merged,
                pair=locked_pair,
                moved=moved,
                filled=filled,
                created_by=actor,
                actor_label=actor.get_username(),
            )
            locked_pair.status = MatchPair.Status.SAME
            locked_pair.decided_by = actor
            locked_pair.decided_at = clock.now()
            locked_pair.note = note[:300]
            locked_pair.save(update_fields=["status", "decided_by", "decided_at", "note"])
            data = {
                "merge": merge.pk,
                "survivor": keeper.pk,
                "merged": merged.pk,
                "alias_nik": mask_nik(merged.nik),
                "moved": {label: len(entry["ids"]) for label, entry in moved.items()},
                "filled": sorted(filled),
                "probability": round(locked_pair.probability, 4),
            }
            for funder in funders:
                audit_record(actor=actor, action="duplicates.merge", target=keeper, funder=funder, data=data)
            audit_records_many(actor=actor, records=audits)
    except IntegrityError as exc:
        raise Conflict(
            _("Catatan tidak dapat digabung karena bertabrakan dengan data lain (%(problem)s).")
            % {"problem": str(exc).splitlines()[0][:120]}
        ) from None
    return merge


def _move_back(merge: PersonMerge, keeper: Person, merged: Person) -> Audits:
    """Every row the merge moved goes back to the merged record; Conflict when one has moved on since."""
    models_by_label = {model._meta.label_lower: model for model, _field in _person_relations()}
    audits: Audits = []
    for label, entry in merge.moved.items():
        model = models_by_label[label]
        field_name, ids = entry["field"], entry["ids"]
        rows = list(model._default_manager.filter(pk__in=ids, **{field_name: keeper}))
        if len(rows) != len(ids):
            raise Conflict(
                _(
                    "Sebagian data yang dipindah sudah berubah lagi sejak penggabungan (misalnya digabung ke "
                    "catatan lain); batalkan perubahan itu dulu."
                )
            )
        model._default_manager.filter(pk__in=ids).update(**{field_name: merged})
        audits += [
            ("duplicates.person_moved_back", row, {"from_person": keeper.pk, "to_person": merged.pk}) for row in rows
        ]
    return audits


def _unfill(merge: PersonMerge, keeper: Person, merged: Person) -> list[str]:
    """The keeper's fields the merge filled go back to what they were, unless changed since; their names."""
    restored = []
    for field_name, old in merge.filled.items():
        if getattr(keeper, field_name) == getattr(merged, field_name):
            setattr(keeper, field_name, old)
            restored.append(field_name)
    if restored:
        keeper.save(update_fields=[*restored, "updated_at"])
    return restored


def person_merge_undo(*, merge: PersonMerge, actor: User) -> PersonMerge:
    """Put everything a merge moved back on the merged record, and open the pair again. Refused when a later
    change moved those rows on (undo that first) or the merged record has since gained what would collide."""
    scope = duplicates_scope(actor)
    if not (person_in_scope(scope, merge.survivor_id) or person_in_scope(scope, merge.merged_id)):
        raise PermissionDenied(_("Penggabungan ini di luar wewenang Anda."))
    try:
        with transaction.atomic():
            locked = PersonMerge.objects.select_for_update().get(pk=merge.pk)
            if locked.undone_at is not None:
                raise Conflict(_("Penggabungan ini sudah dibatalkan."))
            persons = _lock(locked.survivor_id, locked.merged_id)
            keeper, merged = persons[locked.survivor_id], persons[locked.merged_id]
            audits = _move_back(locked, keeper, merged)
            crossed = _crossed([keeper.pk, merged.pk])
            if crossed:
                raise Conflict(
                    _(
                        "Penggabungan tidak dapat dibatalkan: sejak penggabungan ada %(what)s baru pada data yang "
                        "berasal dari catatan yang digabung. Selesaikan atau batalkan data baru itu dulu."
                    )
                    % {"what": ", ".join(crossed)}
                )
            restored = _unfill(locked, keeper, merged)
            locked.undone_at = clock.now()
            locked.undone_by = actor
            locked.save(update_fields=["undone_at", "undone_by"])
            if locked.pair_id is not None:
                MatchPair.objects.filter(pk=locked.pair_id).update(
                    status=MatchPair.Status.OPEN, decided_by=None, decided_at=None
                )
            data = {"merge": locked.pk, "survivor": keeper.pk, "merged": merged.pk, "restored": restored}
            for funder in _funders_of([keeper.pk, merged.pk]):
                audit_record(actor=actor, action="duplicates.merge_undo", target=keeper, funder=funder, data=data)
            audit_records_many(actor=actor, records=audits)
    except IntegrityError as exc:
        raise Conflict(
            _("Penggabungan tidak dapat dibatalkan karena bertabrakan dengan data baru (%(problem)s).")
            % {"problem": str(exc).splitlines()[0][:120]}
        ) from None
    return locked
