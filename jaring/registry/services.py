"""Writes on persons and applications. Every one is audited with its actor."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, ForeignKey, Model
from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.errors import Conflict, DomainError, PermissionDenied
from jaring.core.models import Agency, Region, Sector, User
from jaring.core.permissions import Capability
from jaring.core.services import audit_record, audit_records
from jaring.eligibility import rules
from jaring.eligibility.models import DocumentKind, RuleVersion
from jaring.eligibility.services import rule_version_ensure
from jaring.programmes.models import Programme
from jaring.programmes.selectors import programme_verifying_agency
from jaring.registry.assessment import (
    Routing,
    assess_many,
    enter_queue,
    queue_due,
    reason_text,
    routing_for,
    status_after,
    stored_outcomes,
)
from jaring.registry.documents import sniff
from jaring.registry.intake import INDEX_CACHE_SECONDS, ApplicantData
from jaring.registry.models import Application, Channel, Document, Person
from jaring.registry.states import OPEN_STATUSES, ApplicationStatus, Transition, next_status

S = ApplicationStatus


def application_number_next(*, programme: Programme) -> str:
    """The next registration number of a programme: BPN-2026-000123. Safe under concurrent callers."""
    return application_numbers_reserve(programme=programme, count=1)[0]


def application_numbers_reserve(*, programme: Programme, count: int) -> list[str]:
    """A block of `count` consecutive registration numbers (a bulk import), with one conditional UPDATE.

    Call it inside the transaction that stores the applications: the programme row stays locked until
    that commits (so single registrations wait, never collide), and a rollback returns the block.
    """
    if count <= 0:
        return []
    if connection.vendor == "postgresql":  # one statement instead of two: it runs once per imported chunk
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Programme._meta.db_table)
            cursor.execute(
                f"UPDATE {table} SET last_number = last_number + %s WHERE id = %s RETURNING last_number",  # noqa: S608
                [count, programme.pk],
            )
            (last,) = cursor.fetchone()
    else:
        Programme.objects.filter(pk=programme.pk).update(last_number=F("last_number") + count)
        last = Programme.objects.values_list("last_number", flat=True).get(pk=programme.pk)
    return [f"{programme.code}-{number:06d}" for number in range(last - count + 1, last + 1)]


Record = tuple[str, Model, dict[str, Any]]  # an audit record still to write: action, target, data


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
    actor: Actor | User,
    kk_number: str = "",
    birth_place: str = "",
    mother_name: str = "",
    rt: str = "",
    rw: str = "",
    phone: str = "",
    aplikator: str = "",
    records: list[Record] | None = None,
) -> Person:
    """Create the person with this NIK, or bring their record up to date with what they declare now.

    The audit record is written here, or appended to `records` for the caller to write with its others."""
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
    pending: list[Record] = [] if records is None else records
    # Its callers register inside their own transaction and never catch what fails here: no savepoint of its
    # own (two statements of every registration); called alone, this is the transaction.
    with transaction.atomic(savepoint=False):
        person = Person.objects.select_for_update().filter(nik=nik).first()
        if person is None:
            person = Person.objects.create(nik=nik, **fields)
            pending.append(("person.create", person, {"kelurahan": kelurahan.code}))
        else:
            changed = [name for name, value in fields.items() if getattr(person, name) != value]
            if changed:
                for field_name in changed:
                    setattr(person, field_name, fields[field_name])
                person.save(update_fields=[*changed, "updated_at"])
                pending.append(("person.update", person, {"fields": changed}))
        if records is None:
            audit_records(actor=actor, records=pending)
    return person


class DuplicateApplication(Conflict):
    """The person already has an open application in the programme; `number` is that application's."""

    def __init__(self, message: str, *, number: str) -> None:
        super().__init__(message, field="nik")
        self.number = number


def application_create(
    *,
    person: Person,
    programme: Programme,
    channel: str,
    actor: Actor | User,
    note: str = "",
    warnings: list[dict[str, str]] | None = None,
    records: list[Record] | None = None,
) -> Application:
    """A draft application of `person` to `programme`. DuplicateApplication if the person already has an open one.

    The audit record is written here, or appended to `records` for the caller to write with its others."""
    actor = Actor.of(actor)
    try:
        # The constraint one_open_application_per_person_programme is the check: a person who already applies
        # is refused by the insert (its savepoint returns the number), and only then is the other one read.
        with transaction.atomic():
            application = Application.objects.create(
                number=application_number_next(programme=programme),
                programme=programme,
                person=person,
                channel=Channel(channel),
                kelurahan=person.kelurahan,
                sector=person.sector,
                note=note,
                warnings=warnings or [],
                api_token=actor.token,
                created_by=actor.user,
            )
    except IntegrityError:
        existing = Application.objects.filter(person=person, programme=programme, status__in=OPEN_STATUSES).first()
        if existing is None:
            raise  # another constraint: not a duplicate
        raise DuplicateApplication(
            # No name: the message may reach someone who typed only a NIK.
            _("NIK ini sudah memiliki pendaftaran aktif di program ini: %(number)s.") % {"number": existing.number},
            number=existing.number,
        ) from None
    record: Record = ("application.create", application, {"channel": channel})
    if records is None:
        audit_records(actor=actor, records=[record])
    else:
        records.append(record)
    return application


def application_transition(
    *,
    application: Application,
    transition: str,
    actor: Actor | User,
    reason: str = "",
    verifying_agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> Application:
    """Move an application along one named transition of the state machine, and record it."""
    with transaction.atomic():
        # The programme and its funder ride along: the deadline and the audit record need them.
        locked = Application.objects.select_for_update().select_related("programme__funder").get(pk=application.pk)
        record = _move(locked, transition, reason=reason, verifying_agency=verifying_agency, data=data)
        locked.save()
        audit_records(actor=actor, records=[record])
    _take_state(application, locked)
    return application


def _move(
    locked: Application,
    transition: str,
    *,
    reason: str = "",
    verifying_agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> Record:
    """Move the locked application along `transition` in memory (the caller saves it); its audit record."""
    before = locked.status
    locked.status = next_status(before, transition)
    locked.status_reason = reason
    now = clock.now()
    locked.status_changed_at = now
    if locked.status == ApplicationStatus.SUBMITTED and locked.submitted_at is None:
        locked.submitted_at = now
    if verifying_agency is not None:
        locked.verifying_agency = verifying_agency
    if locked.status == ApplicationStatus.AWAITING_VERIFICATION and locked.verifying_agency is not None:
        enter_queue(locked, agency=locked.verifying_agency, at=now, due=queue_due(locked.programme, now))
    return (
        f"application.{transition}",
        locked,
        {"from": before, "to": locked.status, "reason": reason, **(data or {})},
    )


def _take_state(application: Application, saved: Application) -> None:
    """Bring the caller's object up to date with the row just saved, as refresh_from_db would, without reading
    it again (a registration moved an application three times and read it back each time)."""
    for field in Application._meta.concrete_fields:
        value = getattr(saved, field.attname)
        if getattr(application, field.attname) == value:
            continue
        setattr(application, field.attname, value)
        if isinstance(field, ForeignKey) and field.is_cached(application):
            # A relation that changed: the old related object must not be served from the cache.
            field.delete_cached_value(application)


# -- registration, assessment, documents -------------------------------------------------------------


def _check_may_register(*, actor: Actor | User, programme: Programme, kelurahan_code: str) -> None:
    """Officers and partners register only for their own funder, the applicant for themselves in any open
    programme; a kelurahan operator only people of their kelurahan."""
    scope = Actor.of(actor).require(Capability.REGISTER_APPLICANTS, Capability.IMPORT_APPLICANTS, programme=programme)
    if scope.kelurahan_code is not None and kelurahan_code != scope.kelurahan_code:
        raise PermissionDenied(
            _(
                "Operator kelurahan hanya dapat mendaftarkan warga kelurahannya sendiri (%(own)s); "
                "alamat KTP pemohon berada di kelurahan lain."
            )
            % {"own": scope.kelurahan_code},
            field="kode_kelurahan",
        )


def programme_check_open(*, programme: Programme) -> None:
    if programme.status != Programme.Status.OPEN:
        raise DomainError(
            _("Program %(code)s sedang tidak menerima pendaftaran.") % {"code": programme.code}, field="programme"
        )


@dataclass(frozen=True)
class Upload:
    kind: str
    content: bytes
    name: str = ""


def document_add(*, application: Application, upload: Upload, actor: Actor | User) -> Document:
    """Store one document, checked by its content; an earlier document of the same kind is kept but superseded."""
    if upload.kind not in DocumentKind.values:
        raise DomainError(_("Jenis dokumen tidak dikenal."), field="kind")
    if application.status not in OPEN_STATUSES:
        raise Conflict(
            _("Pendaftaran berstatus “%(status)s” tidak dapat diberi dokumen baru.")
            % {"status": application.get_status_display()}
        )
    sniffed = sniff(upload.content, max_bytes=settings.UPLOAD_MAX_BYTES)
    if sniffed.content_type is None:
        raise DomainError(
            _("%(kind)s: %(problem)s") % {"kind": DocumentKind(upload.kind).label, "problem": sniffed.problem},
            field=f"dokumen_{upload.kind}",
        )
    digest = hashlib.sha256(upload.content).hexdigest()
    with transaction.atomic():
        now = clock.now()
        superseded = Document.objects.filter(application=application, kind=upload.kind, superseded_at=None)
        replaced = list(superseded.values_list("pk", flat=True))
        superseded.update(superseded_at=now)
        document = Document(
            application=application,
            kind=upload.kind,
            sha256=digest,
            size=len(upload.content),
            content_type=sniffed.content_type,
            original_name=upload.name[-200:],
            uploaded_by=Actor.of(actor).user,
            uploaded_by_label=Actor.of(actor).label,
        )
        name = _document_name(document)
        if not document.file.storage.exists(name):
            document.file.save(name, ContentFile(upload.content), save=False)
        else:
            document.file.name = name  # the same bytes are already stored: keep one copy
        document.save()
        audit_record(
            actor=actor,
            action="document.add",
            target=application,
            data={"kind": upload.kind, "sha256": digest, "size": len(upload.content), "replaces": replaced},
        )
    return document


def _document_name(document: Document) -> str:
    return f"documents/{document.sha256[:2]}/{document.sha256}{document.extension}"


def application_assess(
    *, application: Application, actor: Actor | User, route: bool = True, version: RuleVersion | None = None
) -> rules.Assessment:
    """Judge the application by its programme's current rules (`version`, when the caller has just ensured
    them), store every rule's outcome, and (when `route`) move it on: not eligible, returned for missing
    documents, or to the sector agency's queue."""
    programme = application.programme
    if version is None or version.programme_id != programme.pk:
        version = rule_version_ensure(programme=programme)
    with transaction.atomic():
        locked = _locked_for_assessment(application.pk)
        assessment, records = _assess(locked, version=version, route=route)
        locked.save()
        audit_records(actor=actor, records=records)
    _take_state(application, locked)
    return assessment


def _locked_for_assessment(pk: int) -> Application:
    """The application locked, with what judging it reads: its person and sector, programme, funder and region."""
    return (
        Application.objects.select_for_update()
        .select_related("person", "person__sector", "programme", "programme__funder__region")
        .get(pk=pk)
    )


def _assess(locked: Application, *, version: RuleVersion, route: bool) -> tuple[rules.Assessment, list[Record]]:
    """Judge the locked application and move it on in memory (the caller saves it); the audit records of it."""
    programme = locked.programme
    version.programme = programme  # its funder and region are loaded along
    assessment = assess_many([locked], version=version)[locked.pk]
    before = locked.status
    routing = routing_for(before, assessment) if route else Routing((), "", False)
    locked.eligible = assessment.eligible
    locked.complete = assessment.complete
    locked.eligibility = stored_outcomes(assessment)
    locked.rule_version = version
    locked.assessed_at = clock.now()
    if routing.transitions:
        locked.status = status_after(before, routing)
        locked.status_reason = reason_text(routing)
        locked.status_changed_at = locked.assessed_at
        if routing.to_verification:
            agency = programme_verifying_agency(programme=programme, sector=locked.sector)
            at = locked.assessed_at
            enter_queue(locked, agency=agency, at=at, due=queue_due(programme, at))
    records: list[Record] = [
        (
            "application.assess",
            locked,
            {
                "rule_version": version.version,
                "eligible": assessment.eligible,
                "complete": assessment.complete,
                "failed": [o.rule for o in assessment.failed()],
            },
        )
    ]
    status = before
    for transition in routing.transitions:
        after = next_status(status, transition)
        data = {"from": status, "to": after, "reason": locked.status_reason, "automatic": True}
        records.append((f"application.{transition}", locked, data))
        status = after
    return assessment, records


def application_submit(
    *, application: Application, actor: Actor | User, version: RuleVersion | None = None
) -> Application:
    """Submit a draft: it is judged at once and moved on (see application_assess)."""
    application_transition(application=application, transition=Transition.SUBMIT, actor=actor)
    application_assess(application=application, actor=actor, version=version)
    return application


def application_resubmit(*, application: Application, actor: Actor | User) -> Application:
    """A returned application after its correction: judged again and, when eligible and complete, back in
    the queue of the agency of its sector."""
    application_transition(application=application, transition=Transition.RESUBMIT, actor=actor)
    application_assess(application=application, actor=actor)
    return application


def _kelurahan_and_sector(data: ApplicantData) -> tuple[Region, Sector]:
    kelurahan = _kelurahan(data.kelurahan_code)
    sector = Sector.objects.filter(code=data.sector_code).first()
    if kelurahan is None:
        raise DomainError(_("Kelurahan tidak ditemukan."), field="kode_kelurahan")
    if sector is None:
        raise DomainError(_("Sektor tidak dikenal."), field="sektor")
    return kelurahan, sector


# Kelurahan are Kemendagri reference data, read on every registration: kept per process for as long as the
# intake's ReferenceIndex (which already vouched for the code). A region's key is its code, so a cached row
# never points at another. (Sectors are read each time: their key is a serial id.)
_kelurahan_rows: dict[str, tuple[float, Region]] = {}


def _kelurahan(code: str) -> Region | None:
    now = clock.monotonic()
    hit = _kelurahan_rows.get(code)
    if hit is not None and now - hit[0] <= INDEX_CACHE_SECONDS:
        return hit[1]
    row = Region.objects.filter(code=code, level=Region.Level.VILLAGE).first()
    if row is not None:
        if len(_kelurahan_rows) > 5_000:  # a province has about 1,500 kelurahan
            _kelurahan_rows.clear()
        _kelurahan_rows[code] = (now, row)
    return row


def _person_from_data(
    *,
    data: ApplicantData,
    kelurahan: Region,
    sector: Sector,
    actor: Actor | User,
    records: list[Record] | None = None,
) -> Person:
    return person_upsert(
        nik=data.nik,
        name=data.name,
        birth_date=data.birth_date,
        sex=data.sex,
        address=data.address,
        kelurahan=kelurahan,
        domicile_since=data.domicile_since,
        sector=sector,
        monthly_income=data.monthly_income,
        kk_number=data.kk_number,
        birth_place=data.birth_place,
        mother_name=data.mother_name,
        rt=data.rt,
        rw=data.rw,
        phone=data.phone,
        aplikator=data.aplikator,
        actor=actor,
        records=records,
    )


def applicant_register(
    *,
    data: ApplicantData,
    programme: Programme,
    channel: str,
    actor: Actor | User,
    uploads: Sequence[Upload] = (),
    submit: bool = True,
) -> Application:
    """Register one applicant through any channel: the person is created or brought up to date, the
    application is created with its documents and, when `submit`, judged and moved on at once.

    All of it happens or none of it does: a refused document leaves no half-made application behind.
    """
    programme_check_open(programme=programme)
    _check_may_register(actor=actor, programme=programme, kelurahan_code=data.kelurahan_code)
    kelurahan, sector = _kelurahan_and_sector(data)
    version = rule_version_ensure(programme=programme)
    records: list[Record] = []  # written together, in the order of what they record
    with transaction.atomic():
        person = _person_from_data(data=data, kelurahan=kelurahan, sector=sector, actor=actor, records=records)
        application = application_create(
            person=person,
            programme=programme,
            channel=channel,
            actor=actor,
            note=data.note,
            warnings=[{"field": w.field, "message": w.message} for w in data.warnings],
            records=records,
        )
        if uploads:
            audit_records(actor=actor, records=records)
            records = []
            for upload in uploads:
                document_add(application=application, upload=upload, actor=actor)
        if submit:
            # Submitted and judged in one locked read and one update (application_submit reads it twice and
            # writes it twice); the answer is built from this object, nothing is read back.
            application = _locked_for_assessment(application.pk)
            records.append(_move(application, Transition.SUBMIT))
            records += _assess(application, version=version, route=True)[1]
            application.save()
        audit_records(actor=actor, records=records)
    return application


def applicant_correct(
    *, application: Application, data: ApplicantData, actor: Actor | User, uploads: Sequence[Upload] = ()
) -> Application:
    """Correct a returned application (the person's data and documents) and send it back in."""
    if application.status != ApplicationStatus.RETURNED:
        raise Conflict(_("Hanya pendaftaran yang dikembalikan untuk perbaikan yang dapat diperbaiki."))
    if data.nik != application.person.nik:
        raise DomainError(_("NIK tidak dapat diubah pada perbaikan; buat pendaftaran baru."), field="nik")
    _check_may_register(actor=actor, programme=application.programme, kelurahan_code=data.kelurahan_code)
    kelurahan, sector = _kelurahan_and_sector(data)
    with transaction.atomic():
        _person_from_data(data=data, kelurahan=kelurahan, sector=sector, actor=actor)
        Application.objects.filter(pk=application.pk).update(
            kelurahan=kelurahan,
            sector=sector,
            warnings=[{"field": w.field, "message": w.message} for w in data.warnings],
        )
        for upload in uploads:
            document_add(application=application, upload=upload, actor=actor)
        application_resubmit(application=application, actor=actor)
    return application
