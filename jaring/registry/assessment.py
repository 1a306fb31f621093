"""Judging applications by their programme's rules, set-based: one application or fifty thousand cost the
same few queries (persons, documents, cover elsewhere), then the pure engine runs in memory.

What an assessment means for the application's state is decided here too, in one place:
not eligible -> not_eligible; eligible but documents missing -> returned (the applicant is told what to
upload; a missing document never makes a person ineligible); eligible and complete -> awaiting
verification at the agency of the sector.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jaring.core import clock
from jaring.core.models import Agency
from jaring.eligibility import rules
from jaring.eligibility.models import DocumentKind, RuleVersion
from jaring.eligibility.selectors import bpjs_coverage, ruleset_of
from jaring.eligibility.target_lists import niks_on_target_list
from jaring.programmes.models import Programme
from jaring.programmes.selectors import verification_due
from jaring.registry.intake import ApplicantData
from jaring.registry.models import Application, Document
from jaring.registry.states import ApplicationStatus, Transition, next_status

S = ApplicationStatus

# The states in which an application is judged again when its rules change. Decided places (approved,
# waitlisted, enrolled) are left alone: the yearly re-verification looks at them.
REASSESSABLE: frozenset[str] = frozenset({S.SUBMITTED, S.AWAITING_VERIFICATION, S.RETURNED, S.NOT_ELIGIBLE})

# Statuses of another funder's application that mean the person is already funded for those months.
FUNDED_STATUSES: frozenset[str] = frozenset({S.APPROVED, S.ENROLLED})

# enrolment.Membership.Status.ACTIVE, by value: registry comes before enrolment in the import chain.
ACTIVE_MEMBERSHIP = "active"

# Documents checked on paper by the sending office (Application.documents_attestation) count as all present.
ALL_DOCUMENTS: frozenset[str] = frozenset(DocumentKind.values)


def application_date(application: Application) -> date:
    """The date the rules are judged at: the day it was submitted (WITA), or today for a draft."""
    moment = application.submitted_at or clock.now()
    return clock.localdate(moment)


def coverage_elsewhere(*, niks: Iterable[str], programme: Programme) -> dict[str, list[rules.Coverage]]:
    """Cover these NIKs already have: active in BPJS's own list, or funded in another programme, of another
    funder or another scheme of the same funder, whose cover period overlaps this one (the province and the city
    must never fund the same NIK at once, nor a city its RT heads' scheme and its workers' scheme).
    The branch's list also holds this funder's own active members: that cover is not "elsewhere" (a continuing
    member judged again at the yearly re-verification must not be refused for it). Three queries whatever the
    number of NIKs."""
    wanted = set(niks)
    found: dict[str, list[rules.Coverage]] = defaultdict(list)
    for nik, coverage in bpjs_coverage(wanted, own=own_members(niks=wanted, programme=programme)).items():
        found[nik].append(coverage)
    others = (
        Application.objects.filter(person__nik__among=wanted, status__in=FUNDED_STATUSES)
        .exclude(programme_id=programme.pk)
        .filter(programme__cover_start__lte=programme.cover_end, programme__cover_end__gte=programme.cover_start)
        .values_list("person__nik", "programme__code", "programme__funder__name")
    )
    for nik, code, funder_name in others:
        found[nik].append(rules.Coverage(source=rules.COVERAGE_PROGRAMME, label=f"{funder_name} ({code})"))
    return found


def own_members(*, niks: Iterable[str], programme: Programme) -> dict[str, str]:
    """The KPJ of each of these NIKs that holds an active membership paid by this programme's funder (any of its
    programmes and years). One query."""
    rows = Application.objects.filter(
        person__nik__among=set(niks),
        programme__funder_id=programme.funder_id,
        membership__status=ACTIVE_MEMBERSHIP,
    ).values_list("person__nik", "membership__kpj")
    return dict(rows)


def facts_of(
    application: Application,
    *,
    documents: frozenset[str],
    covered: Sequence[rules.Coverage],
    on_target_list: bool = False,
) -> rules.Facts:
    person = application.person
    return rules.Facts(
        application_date=application_date(application),
        birth_date=person.birth_date,
        kelurahan_code=person.kelurahan_id,
        domicile_since=person.domicile_since,
        monthly_income=person.monthly_income,
        sector_code=person.sector.code,
        document_kinds=documents,
        nik=person.nik,
        covered_elsewhere=tuple(covered),
        on_target_list=on_target_list,
    )


def facts_from_data(
    data: ApplicantData,
    *,
    application_date: date,
    documents: frozenset[str],
    covered: Sequence[rules.Coverage],
    on_target_list: bool = False,
) -> rules.Facts:
    """The same facts as `facts_of`, from parsed applicant data not yet saved (a bulk import judges each row
    in memory before anything is stored)."""
    return rules.Facts(
        application_date=application_date,
        birth_date=data.birth_date,
        kelurahan_code=data.kelurahan_code,
        domicile_since=data.domicile_since,
        monthly_income=data.monthly_income,
        sector_code=data.sector_code,
        document_kinds=documents,
        nik=data.nik,
        covered_elsewhere=tuple(covered),
        on_target_list=on_target_list,
    )


def assess_many(applications: Sequence[Application], *, version: RuleVersion) -> dict[int, rules.Assessment]:
    """Assessments of applications of one programme (persons and sectors selected along), by application id."""
    found = assessments_of(applications, version=version)
    return {application.pk: assessment for application, assessment in zip(applications, found, strict=True)}


def assessments_of(applications: Sequence[Application], *, version: RuleVersion) -> list[rules.Assessment]:
    """The same, in the applications' order; an application not yet saved has no documents of its own (a renewal
    judged before it is written: its documents are attested)."""
    if not applications:
        return []
    ruleset = ruleset_of(version=version)
    ids = [application.pk for application in applications if application.pk is not None]
    kinds: dict[int | None, set[str]] = defaultdict(set)
    if ids:
        current = Document.objects.filter(application_id__among=ids, superseded_at=None)
        for application_id, kind in current.values_list("application_id", "kind"):
            kinds[application_id].add(kind)
    niks = [a.person.nik for a in applications]
    covered = coverage_elsewhere(niks=niks, programme=version.programme)
    listed = niks_on_target_list(niks, programme=version.programme) if version.on_target_list else set()
    assessments = []
    for application in applications:
        documents = ALL_DOCUMENTS if application.documents_attestation else frozenset(kinds[application.pk])
        nik = application.person.nik
        facts = facts_of(application, documents=documents, covered=covered.get(nik, []), on_target_list=nik in listed)
        assessments.append(rules.evaluate(facts, ruleset))
    return assessments


def stored_outcomes(assessment: rules.Assessment) -> list[dict[str, object]]:
    return [stored_outcome(o) for o in assessment.outcomes]


def stored_outcome(o: rules.RuleOutcome) -> dict[str, object]:
    # The fields of RuleOutcome, spelled out: dataclasses.asdict deep-copies and was a tenth of a bulk import.
    return {"rule": o.rule, "passed": o.passed, "reason": o.reason, "affects": o.affects}


@dataclass(frozen=True)
class Routing:
    """Where an assessment sends an application: the transitions to take and the status reason to show."""

    transitions: tuple[str, ...]
    reason: str
    to_verification: bool


def routing_for(status: str, assessment: rules.Assessment) -> Routing:
    """The transitions an assessment calls for from `status` (empty when the application stays put)."""
    failed_reasons = " ".join(o.reason for o in assessment.failed() if o.affects == rules.ELIGIBILITY)
    missing = " ".join(o.reason for o in assessment.failed() if o.affects == rules.COMPLETENESS)
    if not assessment.eligible:
        if status in (S.SUBMITTED, S.AWAITING_VERIFICATION, S.RETURNED):
            return Routing((Transition.FIND_NOT_ELIGIBLE,), failed_reasons, False)
        return Routing((), failed_reasons, False)
    prefix: tuple[str, ...] = ()
    if status == S.NOT_ELIGIBLE:
        prefix = (Transition.REEVALUATE,)  # the rules changed and now admit the person
    elif status != S.SUBMITTED:
        return Routing((), "", False)
    if not assessment.complete:
        return Routing((*prefix, Transition.RETURN_FOR_CORRECTION), missing, False)
    return Routing((*prefix, Transition.SEND_TO_VERIFICATION), "", True)


def status_after(status: str, routing: Routing) -> str:
    for transition in routing.transitions:
        status = next_status(status, transition)
    return status


def enter_queue(application: Application, *, agency: Agency, at: datetime, due: date) -> None:
    """Put the application in `agency`'s verification queue from `at`, due on `due` (not saved here)."""
    application.verifying_agency = agency
    application.queued_at = at
    application.verification_due = due


def queue_due(programme: Programme, at: datetime) -> date:
    return verification_due(programme=programme, start=clock.localdate(at))


def reason_text(routing: Routing) -> str:
    return routing.reason or (_("Memenuhi syarat; menunggu verifikasi instansi.") if routing.to_verification else "")


RULE_LABELS: dict[str, Any] = {
    rules.RULE_REGION: gettext_lazy("Alamat KTP di wilayah program"),
    rules.RULE_TARGET_LIST: gettext_lazy("Tercantum dalam daftar instansi yang mengangkat"),
    rules.RULE_DOMICILE_MONTHS: gettext_lazy("Lama berdomisili"),
    rules.RULE_INCOME_CEILING: gettext_lazy("Batas penghasilan"),
    rules.RULE_AGE: gettext_lazy("Batas usia"),
    rules.RULE_SECTOR: gettext_lazy("Sektor pekerjaan"),
    rules.RULE_DOCUMENTS: gettext_lazy("Kelengkapan dokumen"),
    rules.RULE_NOT_COVERED: gettext_lazy("Belum menjadi peserta BPJS dan tidak dibiayai pihak lain"),
}


def outcome_rows(application: Application) -> list[dict[str, Any]]:
    """The stored rule outcomes as an officer's page shows them: label, result, reason, rule version."""
    version = application.rule_version.version if application.rule_version_id and application.rule_version else None
    return [
        {
            "label": RULE_LABELS.get(str(o.get("rule")), o.get("rule")),
            "passed": bool(o.get("passed")),
            "reason": o.get("reason", ""),
            "completeness": o.get("affects") == rules.COMPLETENESS,
            "version": version,
        }
        for o in application.eligibility
        if isinstance(o, dict)
    ]
