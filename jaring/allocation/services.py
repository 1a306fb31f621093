"""Places: who gets one of a programme's limited places, who waits, and how places are freed and handed over.

Two promises are kept here, whatever the concurrency:
- a programme never has more active places than its quota: every allocation first locks the programme
  row, so approvals of one programme take places one after the other and the last place goes to exactly
  one of them (the database decides, by the order it grants the lock);
- a person never holds places in two programmes for overlapping months: every allocation also locks the
  person rows (in id order, so two approvers cannot deadlock), so the city's and the province's approval
  of the same NIK are serialised and the second sees the first's place.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jaring.allocation.models import EndReason, Place
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import User
from jaring.core.notifications import Message, notifications_queue
from jaring.core.services import audit_record, audit_records_many
from jaring.programmes.models import BenefitKind, Programme, WaitlistKey
from jaring.programmes.selectors import cover_from
from jaring.registry.models import Application, Person
from jaring.registry.states import ApplicationStatus, Transition, next_status

S = ApplicationStatus


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def place_span(programme: Programme, on: date) -> tuple[date, date]:
    """The months a place taken on `on` covers: from the first of that month (or the cover start) to the
    cover end."""
    if on > programme.cover_end:
        raise DomainError(
            _("Masa perlindungan program %(code)s sudah berakhir pada %(end)s.")
            % {"code": programme.code, "end": programme.cover_end.strftime("%d-%m-%Y")}
        )
    return cover_from(programme, on)


class PersonHasPlace(Conflict):
    """The person already holds a place in another programme for some of the same months."""

    def __init__(self, application: Application, other: Place) -> None:
        self.application = application
        self.other = other
        super().__init__(
            _(
                "%(name)s sudah memiliki tempat di program %(code)s (%(funder)s) untuk %(start)s s.d. %(end)s. "
                "Satu orang hanya dapat dibiayai satu program pada bulan yang sama, dari skema dan pemberi dana mana "
                "pun; pengelola program dapat mengalihkan peserta mulai bulan tertentu."
            )
            % {
                "name": application.person.name,
                "code": other.programme.code,
                "funder": other.programme.funder.name,
                "start": other.starts.strftime("%m/%Y"),
                "end": other.ends.strftime("%m/%Y"),
            }
        )


def places_of_persons_overlapping(
    person_ids: Sequence[int], starts: date, ends: date, *, programme: Programme
) -> dict[int, Place]:
    """Active places of these persons that share a month with [starts, ends] and stand in the way of a place
    in `programme`, one per person. For BPJS cover: a place in any BPJS programme of any funder (one funder
    pays a person's cover in a month). For goods (food packages, a prosthetic leg): only the same programme,
    since a worker covered by BPJS may still be a poor elderly person's food-aid recipient."""
    places = Place.objects.filter(
        person_id__among=person_ids, status=Place.Status.ACTIVE, starts__lte=ends, ends__gte=starts
    )
    if programme.sends_to_bpjs:
        places = places.filter(programme__benefit_kind=BenefitKind.BPJS)
    else:
        places = places.filter(programme=programme)
    found: dict[int, Place] = {}
    for place in places.select_related("programme", "programme__funder").order_by("starts"):
        found.setdefault(place.person_id, place)
    return found


def places_clash(place: Place, other: Place) -> bool:
    """Whether one person may not hold both places: they share a month and are both BPJS cover (one funder pays a
    person's cover in a month) or both in the same programme (places_of_persons_overlapping, pairwise)."""
    if place.starts > other.ends or other.starts > place.ends:
        return False
    both_bpjs = place.programme.sends_to_bpjs and other.programme.sends_to_bpjs
    return both_bpjs or place.programme_id == other.programme_id


def _lock_programme(programme: Programme) -> Programme:
    return Programme.objects.select_for_update().select_related("funder").get(pk=programme.pk)


def _lock_persons(person_ids: Sequence[int]) -> None:
    list(Person.objects.select_for_update().filter(pk__in=sorted(set(person_ids))).order_by("pk").values_list("pk"))


def active_places_count(programme: Programme) -> int:
    return Place.objects.filter(programme=programme, status=Place.Status.ACTIVE).count()


@dataclass
class Allocation:
    """What became of applications that asked for places."""

    placed: list[Application] = field(default_factory=list)
    waitlisted: list[Application] = field(default_factory=list)
    conflicts: list[tuple[Application, Place]] = field(default_factory=list)


def places_allocate(*, programme: Programme, applications: Sequence[Application], on: date | None = None) -> Allocation:
    """Give places to `applications` (all of `programme`, in the order given) while the quota lasts; the rest
    are to be waitlisted, and those whose person holds a place elsewhere are reported as conflicts. Must run
    inside the caller's transaction; the caller moves the applications' states and audits them."""
    assert transaction.get_connection().in_atomic_block, "places_allocate must run inside a transaction"
    on = on or clock.today()
    locked = _lock_programme(programme)
    starts, ends = place_span(locked, on)
    _lock_persons([a.person_id for a in applications])
    elsewhere = places_of_persons_overlapping([a.person_id for a in applications], starts, ends, programme=locked)
    free = locked.quota - active_places_count(locked)
    result = Allocation()
    new_places = []
    for application in applications:
        other = elsewhere.get(application.person_id)
        if other is not None:
            result.conflicts.append((application, other))
        elif free > 0:
            free -= 1
            new_places.append(
                Place(
                    programme=locked, application=application, person_id=application.person_id, starts=starts, ends=ends
                )
            )
            result.placed.append(application)
        else:
            result.waitlisted.append(application)
    Place.objects.bulk_create(new_places)
    return result


# -- the waitlist --------------------------------------------------------------------------------------------

ORDERING: dict[str, tuple[str, ...]] = {
    WaitlistKey.DTKS: ("-person__dtks_listed",),
    WaitlistKey.INCOME: ("person__monthly_income",),
    WaitlistKey.SUBMITTED: ("submitted_at",),
    WaitlistKey.OLDER: ("person__birth_date",),
}


def waitlist_ordering(programme: Programme) -> list[str]:
    """ORDER BY terms for the programme's waitlist: its chosen keys, then submission and number as ties."""
    terms: list[str] = []
    for key in programme.waitlist_order or []:
        for term in ORDERING.get(key, ()):
            if term not in terms:
                terms.append(term)
    for term in ("submitted_at", "number"):
        if term not in terms:
            terms.append(term)
    return terms


def waitlist_of(programme: Programme) -> QuerySet[Application]:
    return (
        Application.objects.filter(programme=programme, status=S.WAITLISTED)
        .select_related("person", "kelurahan", "sector", "programme__funder")
        .order_by(*waitlist_ordering(programme))
    )


def _move(applications: Sequence[Application], transition: str, *, reason: str, now: Any) -> list[tuple]:
    """Move applications along one transition, set-based; returns their audit records."""
    if not applications:
        return []
    records = []
    by_status: dict[str, list[int]] = {}
    for application in applications:
        before = application.status
        after = next_status(before, transition)
        application.status = after
        application.status_reason = reason
        application.status_changed_at = now
        by_status.setdefault(after, []).append(application.pk)
        records.append((f"application.{transition}", application, {"from": before, "to": after, "reason": reason}))
    for status, ids in by_status.items():
        Application.objects.filter(pk__in=ids).update(status=status, status_reason=reason, status_changed_at=now)
    return records


def waitlist_admit(*, programme: Programme, actor: Actor | User, on: date | None = None) -> list[Application]:
    """Admit waiting applicants, in the programme's priority order, into the places now free. Applicants who
    meanwhile hold a place elsewhere stay waiting (they are listed as conflicts on the waitlist page)."""
    now = clock.now()
    with transaction.atomic():
        locked = _lock_programme(programme)
        free = locked.quota - active_places_count(locked)
        if free <= 0:
            return []
        candidates = list(waitlist_of(locked).select_for_update(of=("self",))[: free + 200])
        allocation = places_allocate(programme=locked, applications=candidates[:free], on=on)
        admitted = allocation.placed
        # Skipped conflicts leave places free: offer them to the next ones in line.
        rest = candidates[free:]
        while len(admitted) < free and rest:
            take, rest = rest[: free - len(admitted)], rest[free - len(admitted) :]
            admitted += places_allocate(programme=locked, applications=take, on=on).placed
        records = _move(
            admitted,
            Transition.ADMIT_FROM_WAITLIST,
            reason=_("Diterima dari daftar tunggu: ada tempat kosong."),
            now=now,
        )
        audit_records_many(actor=actor, records=records)
        if admitted:
            audit_record(
                actor=actor, action="programme.waitlist_admit", target=locked, data={"admitted": len(admitted)}
            )
            notifications_queue(
                [
                    Message(
                        target=a,
                        template="waitlist_admitted",
                        phone=a.person.phone,
                        funder=locked.funder,
                        context={
                            "name": a.person.name,
                            "number": a.number,
                            "programme": locked.name,
                            "goods": locked.goods_description if not locked.sends_to_bpjs else "",
                        },
                    )
                    for a in admitted
                ]
            )
    return admitted


def waitlists_admit(*, actor: Actor, on: date | None = None) -> dict[str, int]:
    """Free places admit the waitlist by themselves: every programme still in cover with people waiting admits
    them into its free places (waitlist_admit, audited), programme by programme. Places are freed and quotas
    raised through services that admit at once; this catches the rest (a person's place elsewhere ended, a quota
    changed outside the pages), run by the worker every WAITLIST_SWEEP_MINUTES and by `jaring admit-waitlists`.
    Returns the number admitted per programme code, for those that admitted anyone."""
    on = on or clock.today()
    waiting = Programme.objects.filter(cover_end__gte=on, applications__status=S.WAITLISTED).distinct().order_by("code")
    admitted: dict[str, int] = {}
    for programme in waiting:
        if programme.quota - active_places_count(programme) <= 0:
            continue
        count = len(waitlist_admit(programme=programme, actor=actor, on=on))
        if count:
            admitted[programme.code] = count
    return admitted


def _admit_where_person_waits(person_id: int, *, besides: int, actor: Actor | User) -> None:
    """A person's place ended: their applications waiting in other programmes, held back because that place
    covered the same months, may now take a free place there."""
    programmes = (
        Programme.objects.filter(applications__person_id=person_id, applications__status=S.WAITLISTED)
        .exclude(pk=besides)
        .distinct()
    )
    for programme in programmes:
        if programme.cover_end >= clock.today():
            waitlist_admit(programme=programme, actor=actor)


def programme_quota_set(*, programme: Programme, quota: int, actor: Actor | User) -> list[Application]:
    """Change the number of places. Lowering below the places already given is refused; raising admits the
    waitlist in priority order. Returns the admitted applications."""
    if quota < 0:
        raise DomainError(_("Kuota tidak boleh negatif."), field="quota")
    with transaction.atomic():
        locked = _lock_programme(programme)
        used = active_places_count(locked)
        if quota < used:
            raise DomainError(
                _("Kuota tidak dapat lebih kecil dari %(used)d tempat yang sudah terisi.") % {"used": used},
                field="quota",
            )
        before = locked.quota
        locked.quota = quota
        locked.save(update_fields=["quota"])
        audit_record(actor=actor, action="programme.quota_set", target=locked, data={"from": before, "to": quota})
        admitted = waitlist_admit(programme=locked, actor=actor)
    programme.refresh_from_db()
    return admitted


# -- ending and handing over ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceEnded:
    """The ended place and the applications the waitlist admitted into the place it freed (possibly none)."""

    place: Place
    admitted: list[Application]


def place_end(
    *, place: Place, reason: str, on: date, actor: Actor | User, note: str = "", admit_next: bool = True
) -> PlaceEnded:
    """End a place at the end of the month of `on` (withdrawal, death, moving away...): the application is
    closed with the reason, and the freed place goes to the next on the waitlist."""
    if reason not in EndReason.values:
        raise DomainError(_("Alasan berakhir tidak dikenal."), field="reason")
    now = clock.now()
    with transaction.atomic():
        locked = Place.objects.select_for_update().select_related("programme", "application").get(pk=place.pk)
        if locked.status != Place.Status.ACTIVE:
            raise Conflict(_("Tempat ini sudah berakhir."))
        _lock_programme(locked.programme)
        ends = max(min(locked.ends, month_end(on)), locked.starts)
        locked.status = Place.Status.ENDED
        locked.ends = ends
        locked.end_reason = reason
        locked.end_note = note[:300]
        locked.ended_at = now
        locked.save(update_fields=["status", "ends", "end_reason", "end_note", "ended_at"])
        label = str(EndReason(reason).label)
        application = (
            Application.objects.select_for_update().select_related("programme__funder").get(pk=locked.application_id)
        )
        records = _move([application], Transition.WITHDRAW, reason=label if not note else f"{label}: {note}", now=now)
        records.append(("place.end", locked, {"reason": reason, "ends": ends.isoformat(), "note": note}))
        audit_records_many(actor=actor, records=records)
        admitted = waitlist_admit(programme=locked.programme, actor=actor) if admit_next else []
        if admit_next:
            _admit_where_person_waits(locked.person_id, besides=locked.programme_id, actor=actor)
    place.refresh_from_db()
    return PlaceEnded(place=place, admitted=admitted)


def place_hand_over(*, place: Place, to_application: Application, from_month: date, actor: Actor | User) -> Place:
    """Hand a person over from one funder to another from `from_month`: the old place ends the month before
    (its months stay paid by the first funder), and the other programme's application gets a place from that
    month. The freed place in the first programme goes to its waitlist."""
    starts = month_start(from_month)
    with transaction.atomic():
        old = Place.objects.select_for_update().select_related("programme", "person").get(pk=place.pk)
        target = (
            Application.objects.select_for_update(of=("self",))
            .select_related("programme", "programme__funder", "person")
            .get(pk=to_application.pk)
        )
        if old.status != Place.Status.ACTIVE:
            raise Conflict(_("Tempat ini sudah berakhir."))
        if target.person_id != old.person_id:
            raise DomainError(_("Pendaftaran tujuan bukan milik orang yang sama."), field="application")
        if target.programme_id == old.programme_id:
            raise DomainError(_("Pengalihan harus ke program pemberi dana lain."), field="application")
        if target.status not in (S.AWAITING_VERIFICATION, S.WAITLISTED):
            raise DomainError(
                _("Pendaftaran tujuan harus menunggu verifikasi atau berada di daftar tunggu."), field="application"
            )
        if not (old.starts < starts <= old.ends):
            raise DomainError(
                _("Bulan pengalihan harus sesudah bulan pertama dan paling lambat bulan terakhir tempat yang ada."),
                field="from_month",
            )
        if not (target.programme.cover_start <= starts <= target.programme.cover_end):
            raise DomainError(
                _("Bulan pengalihan berada di luar masa perlindungan program tujuan."), field="from_month"
            )
        programmes = sorted([old.programme, target.programme], key=lambda p: p.pk)
        for programme in programmes:
            _lock_programme(programme)
        if active_places_count(target.programme) >= target.programme.quota:
            raise DomainError(_("Kuota program %(code)s penuh.") % {"code": target.programme.code}, field="application")
        now = clock.now()
        old.status = Place.Status.ENDED
        old.ends = starts - timedelta(days=1)
        old.end_reason = EndReason.HANDED_OVER
        old.end_note = _("Dialihkan ke %(code)s mulai %(month)s") % {
            "code": target.programme.code,
            "month": starts.strftime("%m/%Y"),
        }
        old.ended_at = now
        old.save(update_fields=["status", "ends", "end_reason", "end_note", "ended_at"])
        new = Place.objects.create(
            programme=target.programme,
            application=target,
            person_id=target.person_id,
            starts=starts,
            ends=target.programme.cover_end,
        )
        old_application = Application.objects.select_related("programme__funder").get(pk=old.application_id)
        records = _move([old_application], Transition.WITHDRAW, reason=old.end_note, now=now)
        transition = Transition.APPROVE if target.status == S.AWAITING_VERIFICATION else Transition.ADMIT_FROM_WAITLIST
        records += _move([target], transition, reason=old.end_note, now=now)
        records.append(
            (
                "place.hand_over",
                new,
                {"from_programme": old.programme.code, "to_programme": target.programme.code, "from": str(starts)},
            )
        )
        audit_records_many(actor=actor, records=records)
        waitlist_admit(programme=old.programme, actor=actor)
    return new


def conflicts_of(programme: Programme) -> list[tuple[Application, Place]]:
    """Applications of `programme` waiting for a decision or a place whose person holds a place in another
    programme for some of the same months: what the managers of both funders must settle."""
    applications = list(
        Application.objects.filter(programme=programme, status__in=(S.AWAITING_VERIFICATION, S.WAITLISTED))
        .filter(Q(person__places__status=Place.Status.ACTIVE) & ~Q(person__places__programme=programme))
        .select_related("person")
        .distinct()
    )
    if not applications:
        return []
    starts, ends = programme.cover_start, programme.cover_end
    elsewhere = places_of_persons_overlapping([a.person_id for a in applications], starts, ends, programme=programme)
    return [(a, elsewhere[a.person_id]) for a in applications if a.person_id in elsewhere]
