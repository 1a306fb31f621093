"""Eligibility rules as pure code: values in, values out, no database.

A programme's rules (``RuleSet``) are data the operator edits per region and year; an application's
``Facts`` are what the applicant declared and uploaded. ``evaluate`` returns the outcome of every rule
that is configured, each with a reason a person can read, so an officer can explain a refusal and the
decision can be stored and reproduced later.

Reference scheme: Perwali Balikpapan 3/2025 (Balikpapan 2025-2026: 6 months of domicile, income at or
below the UMK, age up to 64, ojol drivers need a letter from their aplikator).

Messages are Bahasa Indonesia source text through gettext. ``gettext`` is only called inside
``evaluate`` and the rule functions, never at import time, so this module imports without Django
settings.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from django.utils.translation import gettext as _

Affects = Literal["eligibility", "completeness"]
ELIGIBILITY: Final = "eligibility"
COMPLETENESS: Final = "completeness"

# Stable rule ids, in the order evaluate() reports them. Stored assessments refer to these.
RULE_REGION: Final = "region"
RULE_DOMICILE_MONTHS: Final = "domicile_months"
RULE_INCOME_CEILING: Final = "income_ceiling"
RULE_AGE: Final = "age"
RULE_SECTOR: Final = "sector"
RULE_DOCUMENTS: Final = "documents"
RULE_NOT_COVERED: Final = "not_covered"
RULE_TARGET_LIST: Final = "target_list"

COVERAGE_BPJS: Final = "bpjs"
COVERAGE_PROGRAMME: Final = "programme"

ALL_SECTORS: Final = "*"


@dataclass(frozen=True)
class Coverage:
    """Cover the person already has: an existing BPJS membership, or another funder's programme."""

    source: str  # COVERAGE_BPJS or COVERAGE_PROGRAMME
    label: str  # "KPJ 12345678901", "Provinsi Kalimantan Timur (KALTIM-2026)"

    def __post_init__(self) -> None:
        if self.source not in (COVERAGE_BPJS, COVERAGE_PROGRAMME):
            raise ValueError(f"unknown coverage source {self.source!r}")


@dataclass(frozen=True)
class Facts:
    application_date: date
    birth_date: date
    kelurahan_code: str  # Kemendagri code of the KTP address, "64.71.01.1001"
    domicile_since: date
    monthly_income: int  # Rupiah, self-declared
    sector_code: str
    document_kinds: frozenset[str]
    # Kept for the record only: the NIK says where it was issued, not where the person lives now.
    nik: str
    covered_elsewhere: tuple[Coverage, ...] = ()
    # Whether the NIK stands on the scheme's list from the office that appoints its target group.
    on_target_list: bool = False


@dataclass(frozen=True)
class RuleSet:
    """One programme's rules. A bound left as None switches its rule off."""

    region_code: str  # the funder's region, "64.71"
    region_name: str  # "Kota Balikpapan"
    min_domicile_months: int | None
    income_ceiling: int | None  # Rupiah, whole; the UMK rounded down
    income_ceiling_label: str  # "UMK Kota Balikpapan 2026"
    min_age: int | None
    max_age: int | None
    eligible_sectors: frozenset[str]  # empty: every sector
    sector_names: Mapping[str, str]
    required_documents: Mapping[str, frozenset[str]]  # sector code (or "*") -> document kinds
    document_names: Mapping[str, str]
    check_not_covered: bool
    version: str
    # The ceiling by the applicant's kabupaten/kota ("64.08" -> (4067436, "UMK Kabupaten Kutai Timur 2026")) when
    # the scheme judges income against the UMK of where the person lives; None: `income_ceiling` for everyone.
    income_ceilings: Mapping[str, tuple[int, str]] | None = None
    # A scheme for people an office appoints (RT heads, firefighters): the list the applicant must stand on, as
    # "Daftar Ketua RT, Bagian Pemerintahan (05-01-2026)"; "" when the scheme requires one but none is loaded yet;
    # None when the scheme has no such rule.
    target_list: str | None = None
    # With `income_ceilings`: the province's UMP and its label, for an applicant whose kabupaten/kota has no UMK
    # entered yet. Every UMK is at or above the UMP, so nobody it admits would be refused by the UMK.
    income_ceiling_fallback: tuple[int, str] | None = None

    def __post_init__(self) -> None:
        if self.min_domicile_months is not None and self.min_domicile_months < 0:
            raise ValueError("min_domicile_months must not be negative")
        if self.income_ceiling is not None and self.income_ceiling < 0:
            raise ValueError("income_ceiling must not be negative")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("min_age must not be above max_age")


@dataclass(frozen=True)
class RuleOutcome:
    rule: str
    passed: bool
    reason: str
    affects: Affects = ELIGIBILITY


@dataclass(frozen=True)
class Assessment:
    outcomes: tuple[RuleOutcome, ...]
    eligible: bool
    complete: bool
    ruleset_version: str

    def __post_init__(self) -> None:
        # The flags are stored next to the outcomes so a stored assessment reads without re-deriving
        # them; refuse a combination that contradicts its own outcomes.
        if self.eligible != _all_passed(self.outcomes, ELIGIBILITY):
            raise ValueError("eligible does not match the eligibility outcomes")
        if self.complete != _all_passed(self.outcomes, COMPLETENESS):
            raise ValueError("complete does not match the completeness outcomes")

    def failed(self) -> tuple[RuleOutcome, ...]:
        return tuple(outcome for outcome in self.outcomes if not outcome.passed)

    def outcome(self, rule: str) -> RuleOutcome | None:
        for outcome in self.outcomes:
            if outcome.rule == rule:
                return outcome
        return None


def _all_passed(outcomes: tuple[RuleOutcome, ...], affects: str) -> bool:
    return all(outcome.passed for outcome in outcomes if outcome.affects == affects)


def evaluate(facts: Facts, rules: RuleSet) -> Assessment:
    """Every configured rule's outcome, in a fixed order; a rule whose bound is None is left out."""
    outcomes: list[RuleOutcome] = [check_region(facts, rules)]
    if rules.target_list is not None:
        outcomes.append(check_target_list(facts, rules))
    if rules.min_domicile_months is not None:
        outcomes.append(check_domicile_months(facts, rules, rules.min_domicile_months))
    if rules.income_ceilings is not None:
        outcomes.append(check_income_where_living(facts, rules))
    elif rules.income_ceiling is not None:
        outcomes.append(check_income_ceiling(facts, rules, rules.income_ceiling))
    if rules.min_age is not None or rules.max_age is not None:
        outcomes.append(check_age(facts, rules))
    outcomes.append(check_sector(facts, rules))
    outcomes.append(check_documents(facts, rules))
    if rules.check_not_covered:
        outcomes.append(check_not_covered(facts))
    result = tuple(outcomes)
    return Assessment(
        outcomes=result,
        eligible=_all_passed(result, ELIGIBILITY),
        complete=_all_passed(result, COMPLETENESS),
        ruleset_version=rules.version,
    )


class Evaluator:
    """`evaluate` for many facts under one RuleSet, each rule's outcome remembered by the facts it reads.

    For a bulk import: 100,000 rows share a few thousand incomes, birth dates and domicile dates, so almost
    every outcome (and its translated reason) is built once and shared by the rows it applies to. The results
    equal `evaluate`'s. Reasons are translated in the language active when an outcome is first
    built: use one Evaluator per run and language.
    """

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._outcomes: dict[tuple[object, ...], RuleOutcome] = {}

    def _build(self, rule: object, facts: Facts) -> RuleOutcome:
        rules = self.rules
        if rule == RULE_REGION:
            return check_region(facts, rules)
        if rule == RULE_DOMICILE_MONTHS:
            assert rules.min_domicile_months is not None
            return check_domicile_months(facts, rules, rules.min_domicile_months)
        if rule == RULE_INCOME_CEILING:
            if rules.income_ceilings is not None:
                return check_income_where_living(facts, rules)
            assert rules.income_ceiling is not None
            return check_income_ceiling(facts, rules, rules.income_ceiling)
        if rule == RULE_TARGET_LIST:
            return check_target_list(facts, rules)
        if rule == RULE_AGE:
            return check_age(facts, rules)
        if rule == RULE_SECTOR:
            return check_sector(facts, rules)
        if rule == RULE_DOCUMENTS:
            return check_documents(facts, rules)
        return check_not_covered(facts)

    def __call__(self, facts: Facts) -> Assessment:
        rules = self.rules
        cache = self._outcomes
        on = facts.application_date
        keys: list[tuple[object, ...]] = [(RULE_REGION, facts.kelurahan_code)]
        if rules.target_list is not None:
            keys.append((RULE_TARGET_LIST, facts.on_target_list))
        if rules.min_domicile_months is not None:
            keys.append((RULE_DOMICILE_MONTHS, facts.domicile_since, on))
        if rules.income_ceilings is not None:
            keys.append((RULE_INCOME_CEILING, facts.monthly_income, regency_of(facts.kelurahan_code)))
        elif rules.income_ceiling is not None:
            keys.append((RULE_INCOME_CEILING, facts.monthly_income))
        if rules.min_age is not None or rules.max_age is not None:
            keys.append((RULE_AGE, facts.birth_date, on))
        keys.append((RULE_SECTOR, facts.sector_code))
        keys.append((RULE_DOCUMENTS, facts.sector_code, facts.document_kinds))
        if rules.check_not_covered:
            keys.append((RULE_NOT_COVERED, facts.covered_elsewhere))
        outcomes = []
        for key in keys:
            found = cache.get(key)
            if found is None:
                found = cache[key] = self._build(key[0], facts)
            outcomes.append(found)
        result = tuple(outcomes)
        return Assessment(
            outcomes=result,
            eligible=_all_passed(result, ELIGIBILITY),
            complete=_all_passed(result, COMPLETENESS),
            ruleset_version=rules.version,
        )


# -- the rules ------------------------------------------------------------------------------------


def check_region(facts: Facts, rules: RuleSet) -> RuleOutcome:
    # Residence is the KTP address (kelurahan). The NIK prefix is where the NIK was issued: a person
    # who moved from Samarinda keeps a 6472 NIK while living in Balikpapan.
    code = facts.kelurahan_code
    inside = code == rules.region_code or code.startswith(rules.region_code + ".")
    if inside:
        reason = _("Alamat KTP berada di %(region)s.") % {"region": rules.region_name}
    else:
        reason = _("Alamat KTP (kode wilayah %(code)s) tidak berada di %(region)s.") % {
            "code": code,
            "region": rules.region_name,
        }
    return RuleOutcome(rule=RULE_REGION, passed=inside, reason=reason)


def check_target_list(facts: Facts, rules: RuleSet) -> RuleOutcome:
    # The office that appoints the target group decides who belongs to it; the scheme only reads its list.
    if not rules.target_list:
        reason = _(
            "Daftar sasaran dari instansi yang mengangkat belum diunggah; pendaftaran belum dapat dinilai. "
            "Pengelola program perlu mengunggah daftarnya."
        )
        return RuleOutcome(rule=RULE_TARGET_LIST, passed=False, reason=reason)
    if facts.on_target_list:
        reason = _("NIK tercantum dalam %(list)s.") % {"list": rules.target_list}
        return RuleOutcome(rule=RULE_TARGET_LIST, passed=True, reason=reason)
    reason = _(
        "NIK tidak tercantum dalam %(list)s. Program ini hanya untuk orang yang ada dalam daftar instansi yang "
        "mengangkatnya; bila seharusnya tercantum, mintalah instansi itu memperbaiki daftarnya."
    ) % {"list": rules.target_list}
    return RuleOutcome(rule=RULE_TARGET_LIST, passed=False, reason=reason)


def check_domicile_months(facts: Facts, rules: RuleSet, minimum: int) -> RuleOutcome:
    if facts.domicile_since > facts.application_date:
        reason = _(
            "Tanggal mulai domisili (%(since)s) sesudah tanggal pendaftaran (%(applied)s); periksa data domisili."
        ) % {"since": format_date(facts.domicile_since), "applied": format_date(facts.application_date)}
        return RuleOutcome(rule=RULE_DOMICILE_MONTHS, passed=False, reason=reason)
    months = months_between(facts.domicile_since, facts.application_date)
    params = {"region": rules.region_name, "months": months, "minimum": minimum}
    if months >= minimum:
        reason = _("Domisili di %(region)s %(months)s bulan; syarat minimal %(minimum)s bulan terpenuhi.") % params
        return RuleOutcome(rule=RULE_DOMICILE_MONTHS, passed=True, reason=reason)
    reason = _("Domisili di %(region)s baru %(months)s bulan; syarat minimal %(minimum)s bulan.") % params
    return RuleOutcome(rule=RULE_DOMICILE_MONTHS, passed=False, reason=reason)


def regency_of(kelurahan_code: str) -> str:
    """The kabupaten/kota of a dotted Kemendagri code: "64.08.01.2001" -> "64.08"."""
    return kelurahan_code[:5]


def check_income_where_living(facts: Facts, rules: RuleSet) -> RuleOutcome:
    """Income against the UMK of the kabupaten/kota of the applicant's KTP address."""
    assert rules.income_ceilings is not None
    found = rules.income_ceilings.get(regency_of(facts.kelurahan_code))
    if found is None and rules.income_ceiling_fallback is not None:
        ceiling, known = rules.income_ceiling_fallback
        label = _("%(known)s, karena UMK kabupaten/kota tempat tinggal (kode wilayah %(code)s) belum diisi") % {
            "known": known,
            "code": regency_of(facts.kelurahan_code),
        }
        return check_income_ceiling(facts, rules, ceiling, label=label)
    if found is None:
        reason = _(
            "UMK kabupaten/kota tempat tinggal (kode wilayah %(code)s) belum diisi di data rujukan; "
            "syarat penghasilan belum dapat dinilai."
        ) % {"code": regency_of(facts.kelurahan_code)}
        return RuleOutcome(rule=RULE_INCOME_CEILING, passed=False, reason=reason)
    ceiling, label = found
    return check_income_ceiling(facts, rules, ceiling, label=label)


def check_income_ceiling(facts: Facts, rules: RuleSet, ceiling: int, *, label: str | None = None) -> RuleOutcome:
    # Self-declared average monthly income with a signed statement; equal to the UMK is still within.
    passed = facts.monthly_income <= ceiling
    label = rules.income_ceiling_label if label is None else label
    params = {
        "income": format_rupiah(facts.monthly_income),
        "ceiling": format_rupiah(ceiling),
        "label": label,
    }
    if label:
        if passed:
            reason = _("Penghasilan %(income)s per bulan tidak melebihi batas %(ceiling)s (%(label)s).") % params
        else:
            reason = _("Penghasilan %(income)s per bulan melebihi batas %(ceiling)s (%(label)s).") % params
    elif passed:
        reason = _("Penghasilan %(income)s per bulan tidak melebihi batas %(ceiling)s.") % params
    else:
        reason = _("Penghasilan %(income)s per bulan melebihi batas %(ceiling)s.") % params
    return RuleOutcome(rule=RULE_INCOME_CEILING, passed=passed, reason=reason)


def check_age(facts: Facts, rules: RuleSet) -> RuleOutcome:
    if facts.birth_date > facts.application_date:
        reason = _(
            "Tanggal lahir (%(born)s) sesudah tanggal pendaftaran (%(applied)s); periksa data tanggal lahir."
        ) % {
            "born": format_date(facts.birth_date),
            "applied": format_date(facts.application_date),
        }
        return RuleOutcome(rule=RULE_AGE, passed=False, reason=reason)
    age = age_on(facts.birth_date, facts.application_date)
    params = {"age": age, "min_age": rules.min_age, "max_age": rules.max_age}
    if rules.min_age is not None and age < rules.min_age:
        reason = _("Usia %(age)s tahun pada tanggal pendaftaran; batas usia minimal %(min_age)s tahun.") % params
        return RuleOutcome(rule=RULE_AGE, passed=False, reason=reason)
    if rules.max_age is not None and age > rules.max_age:
        reason = _("Usia %(age)s tahun pada tanggal pendaftaran; batas usia maksimal %(max_age)s tahun.") % params
        return RuleOutcome(rule=RULE_AGE, passed=False, reason=reason)
    if rules.min_age is not None and rules.max_age is not None:
        reason = (
            _("Usia %(age)s tahun pada tanggal pendaftaran; memenuhi batas usia %(min_age)s-%(max_age)s tahun.")
            % params
        )
    elif rules.max_age is not None:
        reason = (
            _("Usia %(age)s tahun pada tanggal pendaftaran; memenuhi batas usia maksimal %(max_age)s tahun.") % params
        )
    else:
        reason = (
            _("Usia %(age)s tahun pada tanggal pendaftaran; memenuhi batas usia minimal %(min_age)s tahun.") % params
        )
    return RuleOutcome(rule=RULE_AGE, passed=True, reason=reason)


def check_sector(facts: Facts, rules: RuleSet) -> RuleOutcome:
    name = rules.sector_names.get(facts.sector_code, facts.sector_code)
    if not rules.eligible_sectors:
        reason = _("Program ini terbuka untuk semua sektor pekerjaan, termasuk %(sector)s.") % {"sector": name}
        return RuleOutcome(rule=RULE_SECTOR, passed=True, reason=reason)
    if facts.sector_code in rules.eligible_sectors:
        reason = _("Sektor pekerjaan %(sector)s termasuk sektor yang dapat didaftarkan.") % {"sector": name}
        return RuleOutcome(rule=RULE_SECTOR, passed=True, reason=reason)
    reason = _("Sektor pekerjaan %(sector)s tidak termasuk sektor yang dapat didaftarkan.") % {"sector": name}
    return RuleOutcome(rule=RULE_SECTOR, passed=False, reason=reason)


def check_documents(facts: Facts, rules: RuleSet) -> RuleOutcome:
    # A missing document makes the application incomplete, not ineligible: the officer asks for it.
    required = rules.required_documents.get(ALL_SECTORS, frozenset()) | rules.required_documents.get(
        facts.sector_code, frozenset()
    )
    missing = required - facts.document_kinds
    if missing:
        reason = _("Dokumen belum lengkap: %(documents)s.") % {"documents": _document_list(missing, rules)}
        return RuleOutcome(rule=RULE_DOCUMENTS, passed=False, reason=reason, affects=COMPLETENESS)
    if required:
        reason = _("Dokumen wajib lengkap: %(documents)s.") % {"documents": _document_list(required, rules)}
    else:
        reason = _("Tidak ada dokumen wajib untuk sektor ini.")
    return RuleOutcome(rule=RULE_DOCUMENTS, passed=True, reason=reason, affects=COMPLETENESS)


def check_not_covered(facts: Facts) -> RuleOutcome:
    # Not already a BPJS participant, and not paid for by another funder for the same months: the
    # same person often sits in the city's, the province's and BPJS's own lists.
    if not facts.covered_elsewhere:
        reason = _("Belum terdaftar sebagai peserta BPJS Ketenagakerjaan dan tidak dibiayai program lain.")
        return RuleOutcome(rule=RULE_NOT_COVERED, passed=True, reason=reason)
    bpjs = [c.label for c in facts.covered_elsewhere if c.source == COVERAGE_BPJS]
    programmes = [c.label for c in facts.covered_elsewhere if c.source == COVERAGE_PROGRAMME]
    sentences = []
    if bpjs:
        sentences.append(
            _("Sudah terdaftar sebagai peserta BPJS Ketenagakerjaan (%(labels)s).") % {"labels": ", ".join(bpjs)}
        )
    if programmes:
        sentences.append(
            _("Sudah dibiayai oleh program lain untuk bulan yang sama: %(labels)s.") % {"labels": "; ".join(programmes)}
        )
    return RuleOutcome(rule=RULE_NOT_COVERED, passed=False, reason=" ".join(sentences))


# -- helpers --------------------------------------------------------------------------------------


def months_between(start: date, end: date) -> int:
    """Whole calendar months from start to end (end on or after start).

    15 May to 15 Nov is 6 months, to 14 Nov is 5. When the end falls on the last day of a month
    shorter than the start day, the month counts: 31 Jan to 28 Feb is 1 month.
    """
    if end < start:
        raise ValueError("end must not be before start")
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        end_is_month_end = end.day == calendar.monthrange(end.year, end.month)[1]
        if not end_is_month_end:
            months -= 1
    return months


def age_on(birth_date: date, on: date) -> int:
    """Age in completed years. Someone born on 29 February turns a year older on 1 March in a common year."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def format_rupiah(amount: int) -> str:
    """Rp3.856.694: Indonesian thousand dots, whole Rupiah."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def format_date(value: date) -> str:
    """17-08-1985, the day-month-year order Indonesian forms use."""
    return f"{value.day:02d}-{value.month:02d}-{value.year}"


def _document_list(kinds: frozenset[str], rules: RuleSet) -> str:
    # Configured order first (as the operator listed the documents), then any unnamed kind by code.
    named = [rules.document_names[kind] for kind in rules.document_names if kind in kinds]
    unnamed = sorted(kind for kind in kinds if kind not in rules.document_names)
    return ", ".join(named + unnamed)
