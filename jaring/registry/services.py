"""Writes on persons and applications. Every one is audited with its actor."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jaring.core.errors import Conflict
from jaring.core.models import Agency, Region, Sector, User
from jaring.core.services import audit_record
from jaring.programmes.models import Programme
from jaring.registry.models import Application, Channel, Person
from jaring.registry.states import OPEN_STATUSES, ApplicationStatus, next_status


def application_number_next(*, programme: Programme) -> str:
    """The next registration number of a programme: BPN-2026-000123. Safe under concurrent callers."""
    Programme.objects.filter(pk=programme.pk).update(last_number=F("last_number") + 1)
    number = Programme.objects.values_list("last_number", flat=True).get(pk=programme.pk)
    return f"{programme.code}-{number:06d}"


def person_upsert(
    *,
    nik: str,
    name: str,
    birth_date: date,
    sex: str,
    address: str,
    kelurahan: Region,
    domicile_since: date,
    sector: Sector,
    monthly_income: int,
    actor: User | str | None,
    kk_number: str = "",
    birth_place: str = "",
    mother_name: str = "",
    rt: str = "",
    rw: str = "",
    phone: str = "",
    aplikator: str = "",
) -> Person:
    """Create the person with this NIK, or bring their record up to date with what they declare now."""
    fields: dict[str, Any] = {
        "kk_number": kk_number,
        "name": name,
        "birth_place": birth_place,
        "birth_date": birth_date,
        "sex": sex,
        "mother_name": mother_name,
        "address": address,
        "rt": rt,
        "rw": rw,
        "kelurahan": kelurahan,
        "domicile_since": domicile_since,
        "phone": phone,
        "sector": sector,
        "monthly_income": monthly_income,
        "aplikator": aplikator,
    }
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(nik=nik).first()
        if person is None:
            person = Person.objects.create(nik=nik, **fields)
            audit_record(actor=actor, action="person.create", target=person, data={"kelurahan": kelurahan.code})
            return person
        changed = [name for name, value in fields.items() if getattr(person, name) != value]
        if changed:
            for field_name in changed:
                setattr(person, field_name, fields[field_name])
            person.save(update_fields=[*changed, "updated_at"])
            audit_record(actor=actor, action="person.update", target=person, data={"fields": changed})
        return person


def application_create(
    *, person: Person, programme: Programme, channel: str, actor: User | str | None, note: str = ""
) -> Application:
    """A draft application of `person` to `programme`. Conflict if the person already has an open one."""
    existing = Application.objects.filter(person=person, programme=programme, status__in=OPEN_STATUSES).first()
    if existing is not None:
        raise Conflict(
            _("%(name)s sudah memiliki pendaftaran aktif di program ini: %(number)s.")
            % {"name": person.name, "number": existing.number},
            field="nik",
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                number=application_number_next(programme=programme),
                programme=programme,
                person=person,
                channel=Channel(channel),
                kelurahan=person.kelurahan,
                sector=person.sector,
                note=note,
                created_by=actor if isinstance(actor, User) else None,
            )
            audit_record(actor=actor, action="application.create", target=application, data={"channel": channel})
    except IntegrityError:
        # Two submissions of the same person raced past the check above; the constraint decided.
        existing = Application.objects.filter(person=person, programme=programme, status__in=OPEN_STATUSES).first()
        raise Conflict(
            _("Pendaftaran ganda: %(number)s sudah ada.") % {"number": existing.number if existing else "?"},
            field="nik",
        ) from None
    return application


def application_transition(
    *,
    application: Application,
    transition: str,
    actor: User | str | None,
    reason: str = "",
    verifying_agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> Application:
    """Move an application along one named transition of the state machine, and record it."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        before = locked.status
        locked.status = next_status(before, transition)
        locked.status_reason = reason
        now = timezone.now()
        locked.status_changed_at = now
        if locked.status == ApplicationStatus.SUBMITTED and locked.submitted_at is None:
            locked.submitted_at = now
        if verifying_agency is not None:
            locked.verifying_agency = verifying_agency
        locked.save()
        audit_record(
            actor=actor,
            action=f"application.{transition}",
            target=locked,
            data={"from": before, "to": locked.status, "reason": reason, **(data or {})},
        )
    application.refresh_from_db()
    return application
