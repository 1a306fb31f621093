"""Judging and storing one chunk of an applicant import, set-based: a fixed handful of queries per chunk, never
one per row.

Each row ends created, duplicate or rejected. Valid rows are judged by the same pure eligibility engine and
routed by the same rules as single registrations (registry/assessment.py); their state is worked out in
memory (draft -> submitted -> routed) and the applications are written finished, with one block of
registration numbers. `chunk_judge` only reads; `chunk_store` runs inside the one transaction that also
records every row's ImportRow, so a killed import leaves whole chunks only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from jaring.core import clock
from jaring.core.actors import Actor
from jaring.core.bulk import JsonText, rows_insert
from jaring.core.models import Agency
from jaring.core.services import AuditTarget, audit_records_many
from jaring.core.validation import FieldError
from jaring.eligibility import rules
from jaring.eligibility.models import RuleVersion
from jaring.eligibility.target_lists import niks_on_target_list
from jaring.programmes.models import Programme
from jaring.registry.assessment import (
    ALL_DOCUMENTS,
    coverage_elsewhere,
    facts_from_data,
    queue_due,
    reason_text,
    routing_for,
    status_after,
    stored_outcome,
)
from jaring.registry.intake import ApplicantData
from jaring.registry.models import Application, Channel, ImportBatch, ImportRow, Person
from jaring.registry.services import application_numbers_reserve
from jaring.registry.states import OPEN_STATUSES, ApplicationStatus, Transition

S = ApplicationStatus
R = ImportRow.Status

# An application in these states makes a row of the same NIK a duplicate. Not-eligible ones count too: they
# are judged again when the rules change, and sending the same list twice must create nothing new. A
# rejected or withdrawn application is a closed decision; a new list may bring the person again.
DUPLICATE_STATUSES: frozenset[str] = OPEN_STATUSES | {S.NOT_ELIGIBLE}

PERSON_FIELDS = (
    "kk_number",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "mother_name",
    "address",
    "rt",
    "rw",
    "kelurahan_id",
    "domicile_since",
    "phone",
    "sector_id",
    "monthly_income",
    "aplikator",
)
IMPORT_ROW_FIELDS = ("batch_id", "row_number", "status", "nik", "application_id", "number", "reasons")
# Applications are written as plain rows (`rows_insert`), in this order; every other field gets its default.
APPLICATION_FIELDS = (
    "number",
    "person_id",
    "status",
    "kelurahan_id",
    "sector_id",
    "verifying_agency_id",
    "queued_at",
    "verification_due",
    "status_reason",
    "note",
    "eligible",
    "complete",
    "eligibility",
    "warnings",
    # the same for the whole chunk
    "programme_id",
    "channel",
    "created_by_id",
    "submitted_at",
    "status_changed_at",
    "rule_version_id",
    "assessed_at",
    "documents_attestation",
    "api_token_id",
)


@dataclass(frozen=True)
class ParsedRow:
    row_number: int
    data: ApplicantData | None
    errors: tuple[FieldError, ...] = ()


@dataclass(frozen=True)
class Route:
    """Where an assessment sends a new application, worked out once per sector and set of failed outcomes
    (rules.Evaluator shares outcomes between rows)."""

    status: str
    reason: str
    agency: Agency | None
    outcome: str  # what the result file says
    audit: dict[str, Any]  # the data of the audit record: from, to, transitions, rule version, outcome


@dataclass
class RunContext:
    """What every chunk of one run shares, read once."""

    batch: ImportBatch
    programme: Programme
    version: RuleVersion
    ruleset: rules.RuleSet
    agencies: dict[int, Agency]  # sector id -> verifying agency
    sector_ids: dict[str, int]
    actor: Actor
    application_date: date
    # NIK -> (row number, registration number, application id) of the row of this file that created it.
    seen: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    # Worked out once per run rather than once per row: texts, routes, each rule outcome's JSON, due dates.
    texts: dict[Any, str] = field(default_factory=dict)
    routes: dict[tuple[object, ...], Route] = field(default_factory=dict)
    outcome_json: dict[int, str] = field(default_factory=dict)  # id of a shared outcome -> its JSON
    due_dates: dict[date, date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.evaluator = rules.Evaluator(self.ruleset)

    @property
    def attestation(self) -> str:
        return self.batch.documents_checked_by

    def due(self, at: datetime) -> date:
        """When work entering the queues at `at` is due (the holidays are read once per day, not per chunk)."""
        day = clock.localdate(at)
        if day not in self.due_dates:
            self.due_dates[day] = queue_due(self.programme, at)
        return self.due_dates[day]

    def text(self, key: Any, make: Callable[[], object]) -> str:
        if key not in self.texts:
            self.texts[key] = str(make())
        return self.texts[key]


@dataclass(frozen=True)
class Judged:
    """A valid row's assessment and where it goes if it is created."""

    row: ParsedRow
    data: ApplicantData
    assessment: rules.Assessment
    route: Route


@dataclass
class Chunk:
    rows: list[ParsedRow]
    judged: dict[int, Judged]  # by row number, valid rows only
    position: int  # data rows of the file read once this chunk is stored


@dataclass
class ChunkResult:
    created: int = 0
    duplicate: int = 0
    rejected: int = 0
    seen: dict[str, tuple[int, str, int]] = field(default_factory=dict)


# -- judging (reads only) --------------------------------------------------------------------------


def chunk_judge(ctx: RunContext, rows: list[ParsedRow], *, position: int) -> Chunk:
    """Judge every valid row by the programme's rules: one look-up of cover elsewhere, the rest in memory."""
    valid = [row for row in rows if row.data is not None]
    niks = [row.data.nik for row in valid if row.data]
    covered = coverage_elsewhere(niks=niks, programme=ctx.programme)
    listed = niks_on_target_list(niks, programme=ctx.programme) if ctx.version.on_target_list else set()
    documents = ALL_DOCUMENTS if ctx.attestation else frozenset()
    judged: dict[int, Judged] = {}
    for row in valid:
        data = row.data
        assert data is not None
        facts = facts_from_data(
            data,
            application_date=ctx.application_date,
            documents=documents,
            covered=covered.get(data.nik, ()),
            on_target_list=data.nik in listed,
        )
        assessment = ctx.evaluator(facts)
        key = (data.sector_code, *(id(o) for o in assessment.outcomes if not o.passed))
        route = ctx.routes.get(key)
        if route is None:
            route = ctx.routes[key] = _route(ctx, assessment, data.sector_code)
        judged[row.row_number] = Judged(row=row, data=data, assessment=assessment, route=route)
    return Chunk(rows=rows, judged=judged, position=position)


def _route(ctx: RunContext, assessment: rules.Assessment, sector_code: str) -> Route:
    routing = routing_for(S.SUBMITTED, assessment)
    agency = ctx.agencies[ctx.sector_ids[sector_code]] if routing.to_verification else None
    status = status_after(S.SUBMITTED, routing)
    reason = reason_text(routing)
    transitions = (Transition.SUBMIT, *routing.transitions)
    return Route(
        status=status,
        reason=reason,
        agency=agency,
        outcome=_outcome_text(ctx, status, reason, agency),
        audit={
            "from": S.DRAFT.value,
            "to": str(status),
            "transitions": [str(t) for t in transitions],
            "reason": reason,
            "automatic": True,
            "rule_version": ctx.version.version,
            "eligible": assessment.eligible,
            "complete": assessment.complete,
            "failed": [o.rule for o in assessment.failed()],
        },
    )


def _eligibility_json(ctx: RunContext, assessment: rules.Assessment) -> JsonText:
    """The stored outcomes as JSON, equal to json.dumps(stored_outcomes(assessment)). The evaluator shares each
    outcome between the rows it applies to, so each is encoded once per run (encoding every row's list cost a
    second per 100,000 rows) and a row's list is its items' JSON in a JSON array."""
    parts = []
    for outcome in assessment.outcomes:
        part = ctx.outcome_json.get(id(outcome))
        if part is None:
            part = ctx.outcome_json[id(outcome)] = json.dumps(stored_outcome(outcome))
        parts.append(part)
    return JsonText("[" + ", ".join(parts) + "]")


def _outcome_text(ctx: RunContext, status: str, reason: str, agency: Agency | None) -> str:
    """What the result file says of a created row: where the application went, and why."""
    label = ctx.text(("label", status), lambda: S(status).label)
    if status == S.AWAITING_VERIFICATION and agency is not None:
        return _("%(status)s: %(agency)s") % {"status": label, "agency": agency.name}
    if reason:
        return _("%(status)s: %(reason)s") % {"status": label, "reason": reason}
    return label


# -- storing (inside the chunk's transaction) ------------------------------------------------------


def existing_applications(*, person_ids: Sequence[int], programme: Programme) -> dict[int, tuple[int, str, str]]:
    """Person id -> (id, number, status) of the person's application in the programme that makes a row a
    duplicate. An open application is preferred over a not-eligible one, a newer over an older. One query."""
    found: dict[int, tuple[int, str, str]] = {}
    if not person_ids:
        return found
    rows = (
        Application.objects.filter(programme=programme, person_id__among=person_ids, status__in=DUPLICATE_STATUSES)
        .order_by("pk")
        .values_list("person_id", "pk", "number", "status")
    )
    for person_id, pk, number, status in rows:
        current = found.get(person_id)
        if current is None or status in OPEN_STATUSES or current[2] not in OPEN_STATUSES:
            found[person_id] = (pk, number, status)
    return found


def _lock_and_recorded(batch: ImportBatch, rows: list[ParsedRow]) -> set[int]:
    """Lock the batch row, then find which of `rows` are recorded.

    The lock keeps one runner at a time per batch: a second one (a resume started while a stalled run woke up)
    waits here and then finds these rows done. A chunk's rows are in file order, so the recorded ones lie
    between its first and last row numbers (a range, not a list of two thousand numbers)."""
    ImportBatch.objects.select_for_update().filter(pk=batch.pk).values_list("pk", flat=True).first()
    if not rows:
        return set()
    recorded = ImportRow.objects.filter(
        batch=batch, row_number__gte=rows[0].row_number, row_number__lte=rows[-1].row_number
    )
    return set(recorded.values_list("row_number", flat=True))


def chunk_store(ctx: RunContext, chunk: Chunk) -> ChunkResult:
    """Store one chunk's outcomes. Runs inside a transaction; rows already recorded are skipped."""
    batch = ctx.batch
    recorded = _lock_and_recorded(batch, chunk.rows)
    rows = [row for row in chunk.rows if row.row_number not in recorded]
    niks = {row.data.nik for row in rows if row.data is not None and row.data.nik not in ctx.seen}
    # Persons are looked up by NIK once (unique index), then everything else by their ids: a join on the NIK
    # list made PostgreSQL scan the programme's applications for every chunk.
    persons = {person.nik: person for person in Person.objects.filter(nik__among=niks)} if niks else {}
    by_person = existing_applications(person_ids=[p.pk for p in persons.values()], programme=ctx.programme)
    existing = {nik: by_person[person.pk] for nik, person in persons.items() if person.pk in by_person}

    result = ChunkResult()
    outcomes: list[list[Any]] = []  # ImportRow values (IMPORT_ROW_FIELDS)
    repeated: list[tuple[list[Any], str]] = []  # outcomes of NIKs repeated within the chunk, completed below
    to_create: list[Judged] = []
    firsts: set[str] = set()
    for row in rows:
        data = row.data
        if data is None:
            reasons = [error.message for error in row.errors]
            outcomes.append([batch.pk, row.row_number, R.REJECTED, "", None, "", reasons])
            result.rejected += 1
            continue
        nik = data.nik
        if nik in ctx.seen:
            first_row, number, application_id = ctx.seen[nik]
            reasons = [_in_file_reason(first_row, number)]
            outcomes.append([batch.pk, row.row_number, R.DUPLICATE, nik, application_id, number, reasons])
        elif nik in existing:
            application_id, number, status = existing[nik]
            reason = _("NIK ini sudah terdaftar di program %(programme)s dengan nomor %(number)s (%(status)s).") % {
                "programme": ctx.programme.code,
                "number": number,
                "status": S(status).label,
            }
            outcomes.append([batch.pk, row.row_number, R.DUPLICATE, nik, application_id, number, [reason]])
        elif nik in firsts:
            values = [batch.pk, row.row_number, R.DUPLICATE, nik, None, "", []]
            outcomes.append(values)
            repeated.append((values, nik))
        else:
            to_create.append(chunk.judged[row.row_number])
            firsts.add(nik)
            continue
        result.duplicate += 1

    created = _store_applications(ctx, to_create, persons)
    warning = ctx.text("warning", lambda: _("Peringatan: %(message)s"))
    for plan, (application_id, number) in zip(to_create, created, strict=True):
        reasons = [plan.route.outcome, *(warning % {"message": w.message} for w in plan.data.warnings)]
        outcomes.append([batch.pk, plan.row.row_number, R.CREATED, plan.data.nik, application_id, number, reasons])
        result.seen[plan.data.nik] = (plan.row.row_number, number, application_id)
        result.created += 1
    for values, nik in repeated:
        first_row, number, application_id = result.seen[nik]
        values[4], values[5], values[6] = application_id, number, [_in_file_reason(first_row, number)]
    rows_insert(ImportRow, IMPORT_ROW_FIELDS, outcomes, ids=False)
    ImportBatch.objects.filter(pk=batch.pk).update(
        rows_done=chunk.position,
        created_count=F("created_count") + result.created,
        duplicate_count=F("duplicate_count") + result.duplicate,
        rejected_count=F("rejected_count") + result.rejected,
        updated_at=clock.now(),
    )
    return result


def _in_file_reason(first_row: int, number: str) -> str:
    return _("NIK sama dengan baris %(row)s di berkas ini, yang didaftarkan dengan nomor %(number)s.") % {
        "row": first_row,
        "number": number,
    }


def _person_values(ctx: RunContext, data: ApplicantData) -> tuple[Any, ...]:
    """The person's fields in PERSON_FIELDS order."""
    return (
        data.kk_number,
        data.name,
        data.birth_place,
        data.birth_date,
        data.sex,
        data.mother_name,
        data.address,
        data.rt,
        data.rw,
        data.kelurahan_code,
        data.domicile_since,
        data.phone,
        ctx.sector_ids[data.sector_code],
        data.monthly_income,
        data.aplikator,
    )


AuditRows = list[tuple[str, Person | AuditTarget, dict[str, Any] | JsonText]]


def _store_persons(
    ctx: RunContext, planned: list[Judged], known: dict[str, Person], records: AuditRows
) -> dict[str, tuple[int, str]]:
    """Create the new persons and bring known ones up to date (as person_upsert does).
    NIK -> (person id, "created", "updated" or "unchanged")."""
    new: list[tuple[str, tuple[Any, ...]]] = []
    changed: list[Person] = []
    changed_fields: set[str] = set()
    found: dict[str, tuple[int, str]] = {}
    now = clock.now()
    for plan in planned:
        nik = plan.data.nik
        values = _person_values(ctx, plan.data)
        person = known.get(nik)
        if person is None:
            new.append((nik, values))
            continue
        fields = [name for name, value in zip(PERSON_FIELDS, values, strict=True) if getattr(person, name) != value]
        if fields:
            for name, value in zip(PERSON_FIELDS, values, strict=True):
                setattr(person, name, value)
            person.updated_at = now
            changed.append(person)
            changed_fields.update(fields)
            names = [name.removesuffix("_id") for name in fields]
            records.append(("person.update", person, {"fields": names, "batch": ctx.batch.pk}))
        found[nik] = (person.pk, "updated" if fields else "unchanged")
    ids = rows_insert(
        Person,
        ("nik", *PERSON_FIELDS, "created_at", "updated_at"),
        [(nik, *values, now, now) for nik, values in new],
    )
    for (nik, _values), pk in zip(new, ids, strict=True):
        found[nik] = (pk, "created")
    if changed:
        Person.objects.bulk_update(changed, [*sorted(changed_fields), "updated_at"], batch_size=500)
    return found


def _store_applications(ctx: RunContext, planned: list[Judged], known: dict[str, Person]) -> list[tuple[int, str]]:
    """Write the persons and applications of the rows to create, and audit them; (id, number) of each."""
    if not planned:
        return []
    records: AuditRows = []
    persons = _store_persons(ctx, planned, known, records)
    now = clock.now()
    programme = ctx.programme
    batch = ctx.batch
    shared = (
        programme.pk,
        Channel.IMPORT.value,
        ctx.actor.user.pk if ctx.actor.user is not None else None,
        now,
        now,
        ctx.version.pk,
        now,
        ctx.attestation,
        batch.api_token_id,
    )
    due = ctx.due(now)  # the whole chunk enters the queues at `now`
    rows = []
    for plan in planned:
        data, route, agency = plan.data, plan.route, plan.route.agency
        warnings = [{"field": w.field, "message": w.message} for w in data.warnings]
        rows.append(
            [
                None,  # the number, reserved below
                persons[data.nik][0],
                route.status,
                data.kelurahan_code,
                ctx.sector_ids[data.sector_code],
                agency.pk if agency is not None else None,
                now if agency is not None else None,
                due if agency is not None else None,
                route.reason,
                data.note,
                plan.assessment.eligible,
                plan.assessment.complete,
                _eligibility_json(ctx, plan.assessment),
                warnings,
                *shared,
            ]
        )
    # Reserved last: the programme row stays locked from here to the commit, so keep that short.
    numbers = application_numbers_reserve(programme=programme, count=len(planned))
    for row, number in zip(rows, numbers, strict=True):
        row[0] = number
    ids = rows_insert(Application, APPLICATION_FIELDS, rows)
    # One record per application tells its creation, the person's, and every automatic step to where it went
    # (from, to, transitions, rule version, outcome): the whole state change, written once.
    for plan, pk, number in zip(planned, ids, numbers, strict=True):
        person_id, person_record = persons[plan.data.nik]
        target = AuditTarget(model=Application, pk=pk, label=number, funder=programme.funder)
        audit = {
            "channel": Channel.IMPORT.value,
            "batch": batch.pk,
            "row": plan.row.row_number,
            "person": person_id,
            "person_record": person_record,
            **plan.route.audit,
        }
        records.append(("application.create", target, JsonText(json.dumps(audit))))  # plain values: no walk
    audit_records_many(actor=ctx.actor, records=records)
    return list(zip(ids, numbers, strict=True))
