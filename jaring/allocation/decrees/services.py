"""The decree (SK) list: the participants of a programme's year, numbered and dated, frozen once signed, and
compared with the previous year's signed list (new, continuing, and dropped with the reason for each).

An SK is a legal document, so it is a snapshot: each entry copies what the list says about the person (name,
birth date, address...) instead of pointing at live rows, and a SHA-256 digest over the header and the entries
in their canonical order lets anyone show later that a signed list is the one that was signed. Once signed,
nothing here changes it; places ending afterwards touch places, never entries.

Reasons a person was dropped are written in Bahasa Indonesia whatever the manager's page language, since they
go into the legal annex and the comparison sheet.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from jaring.allocation.models import Decree, DecreeEntry, EndReason, Place
from jaring.allocation.services import _lock_programme
from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.bulk import bulk_insert
from jaring.core.errors import Conflict, DomainError
from jaring.core.models import User
from jaring.core.permissions import Capability
from jaring.core.services import audit_record
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Person
from jaring.registry.selectors import public_reasons
from jaring.registry.states import ApplicationStatus

S = ApplicationStatus
Category = DecreeEntry.Category
NUMBER_MAX = 120
TITLE_MAX = 300
REASON_MAX = 300
UNFINISHED = frozenset({S.DRAFT, S.SUBMITTED, S.AWAITING_VERIFICATION, S.RETURNED})


class DecreeSigned(Conflict):
    """A signed SK is frozen: regenerating, signing again or any other change is refused."""

    def __init__(self) -> None:
        super().__init__(_("SK sudah ditandatangani; tidak dapat diubah."))


# -- who may ------------------------------------------------------------------------------------------------


def check_may_manage(actor: Actor | User, programme: Programme) -> None:
    """Programme managers of the programme's funder (or the system operator, or the system itself)."""
    Actor.of(actor).require(Capability.MANAGE_PROGRAMMES, programme=programme)


# -- reads ----------------------------------------------------------------------------------------------------


def previous_decree_of(programme: Programme) -> Decree | None:
    """The list to compare with: the latest signed SK of the same funder's same scheme of the year before (the
    RT heads' list is compared with last year's RT heads, not with the workers')."""
    return (
        Decree.objects.filter(
            programme__funder_id=programme.funder_id,
            programme__scheme=programme.scheme,
            programme__year=programme.year - 1,
            status=Decree.Status.SIGNED,
        )
        .select_related("programme")
        .order_by("-decree_date", "-signed_at", "-id")
        .first()
    )


def participants_of(decree: Decree) -> QuerySet[DecreeEntry]:
    return decree.entries.exclude(category=Category.DROPPED).order_by("position")


def entries_of(decree: Decree, category: str) -> QuerySet[DecreeEntry]:
    qs = decree.entries.filter(category=category)
    return qs.order_by("name", "nik") if category == Category.DROPPED else qs.order_by("position")


def decree_is_stale(decree: Decree) -> bool:
    """A draft whose programme's places changed after it was generated (a place given or ended): regenerate
    before signing, or the SK lists yesterday's participants."""
    if decree.status == Decree.Status.SIGNED:
        return False
    moved = Q(created_at__gt=decree.generated_at) | Q(ended_at__gt=decree.generated_at)
    return Place.objects.filter(programme_id=decree.programme_id).filter(moved).exists()


# -- the digest -----------------------------------------------------------------------------------------------

DIGEST_FIELDS = (
    "position",
    "category",
    "nik",
    "name",
    "birth_date",
    "sex",
    "address",
    "kelurahan",
    "kecamatan",
    "sector",
    "application_number",
    "starts",
    "ends",
    "reason",
)


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return value


def _canonical_key(entry: DecreeEntry) -> tuple[int, int, str]:
    # Participants by number, then the dropped ones by NIK: an order that depends on no collation.
    return (0 if entry.position else 1, entry.position, entry.nik)


def _digest(
    *, programme_code: str, number: str, decree_date: date, title: str, rows: Iterable[Sequence[object]]
) -> str:
    """SHA-256 over the header and one JSON line per entry; `rows` hold the DIGEST_FIELDS in canonical order."""
    digest = hashlib.sha256()
    header = ["jaring-sk-1", programme_code, number, decree_date.isoformat(), title]
    digest.update(json.dumps(header, ensure_ascii=False).encode() + b"\n")
    for row in rows:
        line = [_plain(value) for value in row]
        digest.update(json.dumps(line, ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()


def digest_of(
    *, programme_code: str, number: str, decree_date: date, title: str, entries: Iterable[DecreeEntry]
) -> str:
    """SHA-256 over the header and one JSON line per entry, in canonical order."""
    rows = ([getattr(entry, name) for name in DIGEST_FIELDS] for entry in sorted(entries, key=_canonical_key))
    return _digest(programme_code=programme_code, number=number, decree_date=decree_date, title=title, rows=rows)


def _stored_rows(decree: Decree) -> Iterable[Sequence[object]]:
    """The stored entries' DIGEST_FIELDS in canonical order, as plain tuples streamed from the database: a
    7,100-row list hashes without building a model per entry."""
    entries = DecreeEntry.objects.filter(decree_id=decree.pk)
    yield from entries.exclude(position=0).order_by("position", "nik").values_list(*DIGEST_FIELDS).iterator(2000)
    # The dropped ones (position 0) sorted here by NIK, as digest_of does, not by the database's collation.
    nik = DIGEST_FIELDS.index("nik")
    yield from sorted(entries.filter(position=0).values_list(*DIGEST_FIELDS).iterator(2000), key=lambda r: r[nik])


def decree_verify(decree: Decree) -> bool:
    """Whether the stored entries and header are still the ones the digest was computed over."""
    if not decree.digest:
        return False
    current = _digest(
        programme_code=decree.programme.code,
        number=decree.number,
        decree_date=decree.decree_date,
        title=decree.title,
        rows=_stored_rows(decree),
    )
    return current == decree.digest


# -- building the list ----------------------------------------------------------------------------------------


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sort_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def _address(address: str, rt: str, rw: str) -> str:
    parts = [address.strip()]
    if rt or rw:
        parts.append(f"RT {rt or '-'}/RW {rw or '-'}")
    return _cut(" ".join(p for p in parts if p), 300)


PARTICIPANT_VALUES = (
    "person__nik",
    "person__name",
    "person__birth_date",
    "person__sex",
    "person__address",
    "person__rt",
    "person__rw",
    "person__kelurahan__name",
    "person__kelurahan__parent__name",
    "person__sector__name",
    "application__number",
    "starts",
    "ends",
)


def _participants(programme: Programme, previous_niks: frozenset[str]) -> list[DecreeEntry]:
    # Plain values, not model instances: 7,100 places with their person, regions and sector are read at once.
    rows = (
        Place.objects.filter(programme=programme, status=Place.Status.ACTIVE)
        .order_by("created_at", "id")
        .values_list(*PARTICIPANT_VALUES)
    )
    by_nik: dict[str, tuple] = {}
    for row in rows:
        by_nik.setdefault(row[0], row)  # one line per person, whatever happened
    ordered = sorted(by_nik.values(), key=lambda r: (_sort_text(r[7]), _sort_text(r[1]), r[0]))
    entries = []
    for position, row in enumerate(ordered, start=1):
        nik, name, birth, sex, address, rt, rw, kelurahan, kecamatan, sector, number, starts, ends = row
        entries.append(
            DecreeEntry(
                position=position,
                category=Category.CONTINUING if nik in previous_niks else Category.NEW,
                nik=nik,
                name=_cut(name, 150),
                birth_date=birth,
                sex=sex,
                address=_address(address, rt, rw),
                kelurahan=_cut(kelurahan, 120),
                kecamatan=_cut(kecamatan or "", 120),
                sector=_cut(sector, 120),
                application_number=number,
                starts=starts,
                ends=ends,
            )
        )
    return entries


@dataclass(frozen=True)
class Whereabouts:
    """What became of a person of last year's list in this year's programme."""

    reason: str
    application_number: str = ""
    starts: date | None = None
    ends: date | None = None


def _joined(texts: Iterable[str]) -> str:
    """Reasons on one line of the annex: "a; b; c"."""
    return "; ".join(line.strip() for text in texts for line in text.splitlines() if line.strip())


def _elsewhere_text(place: Place) -> str:
    return _("%(funder)s (%(code)s) mulai %(month)s") % {
        "funder": place.programme.funder.name,
        "code": place.programme.code,
        "month": place.starts.strftime("%m/%Y"),
    }


def _reason_of(
    application: Application | None, place: Place | None, elsewhere: list[Place], earlier: Place | None = None
) -> str:
    if application is None:
        if earlier is not None:  # last year's place ended (died, moved away...): that is why they are not back
            return _ended_text(earlier, elsewhere)
        if elsewhere:
            return _("Dibiayai pemberi dana lain: %(where)s") % {"where": _elsewhere_text(elsewhere[0])}
        return _("Tidak mendaftar ulang")
    if place is not None and place.status == Place.Status.ENDED:
        return _ended_text(place, elsewhere)
    status = application.status
    if status == S.REJECTED:
        why = _joined(public_reasons(application))
        return _("Ditolak: %(why)s") % {"why": why} if why else _("Ditolak verifikator")
    if status == S.NOT_ELIGIBLE:
        why = _joined(public_reasons(application))
        return _("Tidak memenuhi syarat: %(why)s") % {"why": why} if why else _("Tidak memenuhi syarat")
    if status == S.WITHDRAWN:
        why = _joined([application.status_reason])
        return _("Pendaftaran dibatalkan: %(why)s") % {"why": why} if why else _("Pendaftaran dibatalkan")
    if status == S.WAITLISTED:
        return _("Masuk daftar tunggu: kuota penuh")
    if status in UNFINISHED:
        return _("Belum selesai diverifikasi")
    return _("Belum mendapat tempat kuota")


def _ended_text(place: Place, elsewhere: list[Place]) -> str:
    if place.end_reason == EndReason.HANDED_OVER:
        later = [p for p in elsewhere if p.starts > place.starts]
        if later:
            return _("Dialihkan ke pemberi dana lain: %(where)s") % {"where": _elsewhere_text(later[0])}
    label = str(EndReason(place.end_reason).label) if place.end_reason in EndReason.values else _("Berakhir")
    return f"{label}: {place.end_note}" if place.end_note else label


def _whereabouts(
    programme: Programme, niks: Sequence[str], previous_programme: Programme | None = None
) -> dict[str, Whereabouts]:
    """Why each of these people (by NIK) is not on this year's list, from their latest application in the
    programme, its place, and places held with other funders during the programme's cover."""
    persons = {p.pk: p.nik for p in Person.objects.filter(nik__among=niks).only("pk", "nik")}
    latest: dict[int, Application] = {}
    for application in Application.objects.filter(programme=programme, person_id__among=persons).order_by(
        "created_at", "id"
    ):
        latest[application.person_id] = application
    places = {
        place.application_id: place
        for place in Place.objects.filter(application_id__among=[a.pk for a in latest.values()])
    }
    earlier: dict[int, Place] = {}
    if previous_programme is not None:
        for place in Place.objects.filter(
            programme=previous_programme, person_id__among=persons, status=Place.Status.ENDED
        ).order_by("ended_at", "id"):
            earlier[place.person_id] = place
    elsewhere: dict[int, list[Place]] = {}
    for place in (
        Place.objects.filter(person_id__among=persons, starts__lte=programme.cover_end, ends__gte=programme.cover_start)
        .exclude(programme=programme)
        .select_related("programme__funder")
        .order_by("starts", "id")
    ):
        elsewhere.setdefault(place.person_id, []).append(place)
    found: dict[str, Whereabouts] = {}
    with translation.override("id"):
        for person_id, nik in persons.items():
            mine = latest.get(person_id)
            held = places.get(mine.pk) if mine is not None else None
            found[nik] = Whereabouts(
                reason=_cut(_reason_of(mine, held, elsewhere.get(person_id, []), earlier.get(person_id)), REASON_MAX),
                application_number=mine.number if mine is not None else "",
                starts=held.starts if held is not None else None,
                ends=held.ends if held is not None else None,
            )
        missing = _("Tidak mendaftar ulang")
    for nik in niks:
        found.setdefault(nik, Whereabouts(reason=missing))
    return found


def _dropped(programme: Programme, previous: Decree | None, listed: set[str]) -> list[DecreeEntry]:
    if previous is None:
        return []
    gone = [e for e in previous.entries.exclude(category=Category.DROPPED) if e.nik not in listed]
    gone.sort(key=lambda e: (_sort_text(e.name), e.nik))
    where = _whereabouts(programme, [e.nik for e in gone], previous.programme)
    return [
        DecreeEntry(
            position=0,
            category=Category.DROPPED,
            nik=e.nik,
            name=e.name,
            birth_date=e.birth_date,
            sex=e.sex,
            address=e.address,
            kelurahan=e.kelurahan,
            kecamatan=e.kecamatan,
            sector=e.sector,
            application_number=where[e.nik].application_number,
            starts=where[e.nik].starts,
            ends=where[e.nik].ends,
            reason=where[e.nik].reason,
        )
        for e in gone
    ]


def _fill(decree: Decree) -> None:
    """Snapshot the programme's active places into the decree, with the comparison, totals and digest."""
    programme = decree.programme
    previous = previous_decree_of(programme)
    previous_niks = (
        frozenset(previous.entries.exclude(category=Category.DROPPED).values_list("nik", flat=True))
        if previous is not None
        else frozenset()
    )
    participants = _participants(programme, previous_niks)
    dropped = _dropped(programme, previous, {e.nik for e in participants})
    entries = participants + dropped
    decree.previous = previous
    decree.totals = {
        "participants": len(participants),
        "new": sum(1 for e in participants if e.category == Category.NEW),
        "continuing": sum(1 for e in participants if e.category == Category.CONTINUING),
        "dropped": len(dropped),
    }
    decree.digest = digest_of(
        programme_code=programme.code,
        number=decree.number,
        decree_date=decree.decree_date,
        title=decree.title,
        entries=entries,
    )
    decree.save()
    DecreeEntry.objects.filter(decree=decree).delete()
    for entry in entries:
        entry.decree = decree
    bulk_insert(entries)


# -- writes ---------------------------------------------------------------------------------------------------


def default_title(programme: Programme) -> str:
    # The title of a legal document: Bahasa Indonesia whatever the manager's page language.
    with translation.override("id"):
        return _("Penetapan Peserta %(programme)s") % {"programme": programme.name}


def _clean_header(
    *, programme: Programme, number: object, decree_date: object, title: object, exclude: int | None = None
) -> tuple[str, date, str]:
    errors: dict[str, list[str]] = {}
    number_text = " ".join(str(number or "").split())
    title_text = " ".join(str(title or "").split()) or default_title(programme)
    for field, problem in (
        ("number", _number_problem(programme, number_text, exclude=exclude)),
        ("decree_date", _date_problem(decree_date)),
        ("title", _title_problem(title_text)),
    ):
        if problem:
            errors[field] = [problem]
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors)
    assert isinstance(decree_date, date)
    return number_text, decree_date, title_text


def _number_problem(programme: Programme, number: str, *, exclude: int | None) -> str:
    if not number:
        return _("Nomor SK wajib diisi.")
    if len(number) > NUMBER_MAX:
        return _("Nomor SK paling panjang %(n)d karakter.") % {"n": NUMBER_MAX}
    if "\x00" in number:
        return _("Nomor SK berisi karakter yang tidak diizinkan.")
    taken = Decree.objects.filter(programme=programme, number__iexact=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        return _("Nomor SK %(number)s sudah dipakai di program ini.") % {"number": number}
    return ""


def _date_problem(decree_date: object) -> str:
    if not isinstance(decree_date, date):
        return _("Tanggal SK wajib diisi.")
    if not (2000 <= decree_date.year <= 2100):
        return _("Tanggal SK tidak masuk akal.")
    return ""


def _title_problem(title: str) -> str:
    if len(title) > TITLE_MAX:
        return _("Judul paling panjang %(n)d karakter.") % {"n": TITLE_MAX}
    if "\x00" in title:
        return _("Judul berisi karakter yang tidak diizinkan.")
    return ""


def decree_generate(
    *, programme: Programme, number: str, decree_date: date | None, title: str = "", actor: Actor | User
) -> Decree:
    """A draft SK listing every active place of the programme, compared with last year's signed SK."""
    check_may_manage(actor, programme)
    with transaction.atomic():
        # Generations of one programme take turns, so two drafts cannot both claim the same number.
        locked = _lock_programme(programme)
        number_text, day, title_text = _clean_header(
            programme=locked, number=number, decree_date=decree_date, title=title
        )
        decree = Decree(
            programme=locked,
            number=number_text,
            decree_date=day,
            title=title_text,
            status=Decree.Status.DRAFT,
            generated_at=clock.now(),
            generated_by=Actor.of(actor).user,
        )
        _fill(decree)
        audit_record(
            actor=actor,
            action="decree.generate",
            target=decree,
            data={
                "number": decree.number,
                "date": day.isoformat(),
                "previous": decree.previous.number if decree.previous else None,
                "totals": decree.totals,
                "digest": decree.digest,
            },
        )
    return decree


def _locked_decree(decree: Decree) -> Decree:
    return Decree.objects.select_for_update().select_related("programme__funder").get(pk=decree.pk)


def decree_regenerate(
    *,
    decree: Decree,
    actor: Actor | User,
    number: str | None = None,
    decree_date: date | None = None,
    title: str | None = None,
) -> Decree:
    """Generate a draft again from today's places (and, if given, a corrected number, date or title)."""
    check_may_manage(actor, decree.programme)
    with transaction.atomic():
        _lock_programme(decree.programme)
        locked = _locked_decree(decree)
        if locked.status == Decree.Status.SIGNED:
            raise DecreeSigned()
        before = {"number": locked.number, "digest": locked.digest, "totals": locked.totals}
        locked.number, locked.decree_date, locked.title = _clean_header(
            programme=locked.programme,
            number=locked.number if number is None else number,
            decree_date=locked.decree_date if decree_date is None else decree_date,
            title=locked.title if title is None else title,
            exclude=locked.pk,
        )
        locked.generated_at = clock.now()
        locked.generated_by = Actor.of(actor).user
        _fill(locked)
        audit_record(
            actor=actor,
            action="decree.regenerate",
            target=locked,
            data={"before": before, "number": locked.number, "totals": locked.totals, "digest": locked.digest},
        )
    decree.refresh_from_db()
    return decree


def decree_sign(*, decree: Decree, actor: Actor | User, digest: str | None = None) -> Decree:
    """Mark the SK signed by the regional head: from now on it is frozen. `digest` is the one the manager saw:
    if someone regenerated the draft meanwhile, the list is not the one that was read, and signing is refused."""
    check_may_manage(actor, decree.programme)
    with transaction.atomic():
        locked = _locked_decree(decree)
        if locked.status == Decree.Status.SIGNED:
            raise DecreeSigned()
        if digest is not None and digest != locked.digest:
            raise Conflict(
                _("Draf SK ini disusun ulang sejak halaman dibuka. Periksa isinya yang terbaru, lalu tandai lagi.")
            )
        if not locked.totals.get("participants"):
            raise Conflict(_("SK tanpa peserta tidak dapat ditandatangani."))
        if not decree_verify(locked):
            raise Conflict(_("Isi SK tidak cocok dengan sidik digitalnya. Susun ulang SK sebelum ditandatangani."))
        locked.status = Decree.Status.SIGNED
        locked.signed_at = clock.now()
        locked.signed_by = Actor.of(actor).user
        locked.save(update_fields=["status", "signed_at", "signed_by"])
        audit_record(
            actor=actor,
            action="decree.sign",
            target=locked,
            data={"number": locked.number, "digest": locked.digest, "totals": locked.totals},
        )
    decree.refresh_from_db()
    return decree
