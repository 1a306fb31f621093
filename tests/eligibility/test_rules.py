"""Eligibility rules, read as a specification. Pure: no database.

Reference scheme: Kota Balikpapan 2026 (6 months of domicile, income at or below the UMK of
Rp3.856.694, age up to 64, ojol drivers need a letter from their aplikator). Penajam Paser Utara takes
ages 18-65.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date

import pytest
from django.utils import translation

from jaring.eligibility.rules import (
    Assessment,
    Coverage,
    Facts,
    RuleOutcome,
    RuleSet,
    age_on,
    evaluate,
    format_rupiah,
    months_between,
)

APPLIED = date(2026, 11, 15)

DOCUMENT_NAMES = {
    "ktp": "KTP",
    "kk": "Kartu Keluarga",
    "aplikator_letter": "Surat keterangan aplikator",
    "fisher_card": "Kartu nelayan",
    "farmer_group_letter": "Surat keterangan kelompok tani",
    "business_letter": "Surat keterangan usaha",
}
SECTOR_NAMES = {
    "ojol": "Pengemudi ojek online",
    "ojek_pangkalan": "Ojek pangkalan",
    "nelayan": "Nelayan",
    "petani": "Petani",
    "pedagang": "Pedagang kecil",
    "karyawan": "Karyawan swasta",
}

BALIKPAPAN_2026 = RuleSet(
    region_code="64.71",
    region_name="Kota Balikpapan",
    min_domicile_months=6,
    income_ceiling=3_856_694,  # UMK 2026 is Rp3.856.694,43; the ceiling is whole Rupiah
    income_ceiling_label="UMK Kota Balikpapan 2026",
    min_age=None,
    max_age=64,
    eligible_sectors=frozenset({"ojol", "ojek_pangkalan", "nelayan", "petani", "pedagang"}),
    sector_names=SECTOR_NAMES,
    required_documents={
        "*": frozenset({"ktp", "kk"}),
        "ojol": frozenset({"aplikator_letter"}),
        "nelayan": frozenset({"fisher_card"}),
    },
    document_names=DOCUMENT_NAMES,
    check_not_covered=True,
    version="balikpapan-2026.1",
)

PENAJAM_2026 = dataclasses.replace(
    BALIKPAPAN_2026,
    region_code="64.09",
    region_name="Kabupaten Penajam Paser Utara",
    income_ceiling=None,  # not part of these cases
    income_ceiling_label="",
    min_age=18,
    max_age=65,
    version="penajam-2026.1",
)

# Persona: Siti, a market trader in Manggar, Balikpapan Timur, living there since May 2026, who meets
# every Balikpapan rule. Each case below changes one fact of hers.
SITI_PEDAGANG_MANGGAR = Facts(
    application_date=APPLIED,
    birth_date=date(1985, 8, 17),
    kelurahan_code="64.71.01.1001",
    domicile_since=date(2026, 5, 15),
    monthly_income=2_500_000,
    sector_code="pedagang",
    document_kinds=frozenset({"ktp", "kk", "business_letter"}),
    nik="6471015708850001",
    covered_elsewhere=(),
)


@pytest.fixture(autouse=True)
def _indonesian() -> Iterator[None]:
    # Reasons are asserted in their Indonesian source text, whatever the default language becomes.
    with translation.override("id"):
        yield


def siti(**changes: object) -> Facts:
    return dataclasses.replace(SITI_PEDAGANG_MANGGAR, **changes)  # type: ignore[arg-type]


def outcome_of(assessment: Assessment, rule: str) -> RuleOutcome:
    found = assessment.outcome(rule)
    assert found is not None, f"no {rule} outcome in {[o.rule for o in assessment.outcomes]}"
    return found


def test_siti_meets_every_balikpapan_rule() -> None:
    assessment = evaluate(SITI_PEDAGANG_MANGGAR, BALIKPAPAN_2026)

    assert assessment.eligible
    assert assessment.complete
    assert assessment.failed() == ()
    assert assessment.ruleset_version == "balikpapan-2026.1"


def test_every_configured_rule_is_reported_in_a_fixed_order() -> None:
    assessment = evaluate(SITI_PEDAGANG_MANGGAR, BALIKPAPAN_2026)

    assert [o.rule for o in assessment.outcomes] == [
        "region",
        "domicile_months",
        "income_ceiling",
        "age",
        "sector",
        "documents",
        "not_covered",
    ]
    assert {o.affects for o in assessment.outcomes if o.rule != "documents"} == {"eligibility"}
    assert outcome_of(assessment, "documents").affects == "completeness"


@pytest.mark.parametrize(
    ("switched_off", "absent_rule"),
    [
        ({"min_domicile_months": None}, "domicile_months"),
        ({"income_ceiling": None}, "income_ceiling"),
        ({"min_age": None, "max_age": None}, "age"),
        ({"check_not_covered": False}, "not_covered"),
    ],
    ids=["no-domicile-minimum", "no-income-ceiling", "no-age-bounds", "no-coverage-check"],
)
def test_a_rule_without_config_is_absent_from_the_outcomes(switched_off: dict[str, object], absent_rule: str) -> None:
    rules = dataclasses.replace(BALIKPAPAN_2026, **switched_off)  # type: ignore[arg-type]

    assessment = evaluate(SITI_PEDAGANG_MANGGAR, rules)

    assert absent_rule not in [o.rule for o in assessment.outcomes]
    assert len(assessment.outcomes) == 6


def test_a_rule_without_config_does_not_refuse_anyone() -> None:
    rich_newcomer = siti(monthly_income=50_000_000, domicile_since=date(2026, 11, 1))
    rules = dataclasses.replace(BALIKPAPAN_2026, income_ceiling=None, min_domicile_months=None)

    assert evaluate(rich_newcomer, rules).eligible


# -- region: the KTP address decides, never the NIK prefix ----------------------------------------


@pytest.mark.parametrize(
    ("kelurahan_code", "nik", "passed"),
    [
        ("64.71.01.1001", "6471015708850001", True),
        ("64.71.01.1001", "6472015708850001", True),  # moved from Samarinda, keeps the Samarinda NIK
        ("64.72.01.1001", "6471015708850001", False),  # Balikpapan NIK, Samarinda address
        ("64.72.01.1001", "6472015708850001", False),
        ("64.71", "6471015708850001", True),  # the region code itself
        ("64.710.01.1001", "6471015708850001", False),  # a prefix of the digits is not the region
        ("64.7", "6471015708850001", False),
    ],
    ids=[
        "balikpapan-address-balikpapan-nik",
        "balikpapan-address-samarinda-nik",
        "samarinda-address-balikpapan-nik",
        "samarinda-address-samarinda-nik",
        "region-code-itself",
        "lookalike-code",
        "parent-code",
    ],
)
def test_residence_is_decided_by_the_ktp_address_not_the_nik(kelurahan_code: str, nik: str, passed: bool) -> None:
    assessment = evaluate(siti(kelurahan_code=kelurahan_code, nik=nik), BALIKPAPAN_2026)

    assert outcome_of(assessment, "region").passed is passed
    assert assessment.eligible is passed


def test_the_region_reasons_name_the_region_and_the_foreign_code() -> None:
    inside = outcome_of(evaluate(SITI_PEDAGANG_MANGGAR, BALIKPAPAN_2026), "region")
    outside = outcome_of(evaluate(siti(kelurahan_code="64.72.01.1001"), BALIKPAPAN_2026), "region")

    assert inside.reason == "Alamat KTP berada di Kota Balikpapan."
    assert outside.reason == "Alamat KTP (kode wilayah 64.72.01.1001) tidak berada di Kota Balikpapan."


# -- domicile: at least 6 whole months at the application date ------------------------------------


@pytest.mark.parametrize(
    ("domicile_since", "passed"),
    [
        (date(2026, 5, 15), True),  # exactly 6 months
        (date(2026, 5, 16), False),  # one day short
        (date(2026, 3, 1), True),
        (date(2026, 11, 15), False),  # moved in on the application day
    ],
    ids=["exactly-six-months", "one-day-short", "eight-months", "same-day"],
)
def test_domicile_needs_six_whole_months(domicile_since: date, passed: bool) -> None:
    assessment = evaluate(siti(domicile_since=domicile_since), BALIKPAPAN_2026)

    assert outcome_of(assessment, "domicile_months").passed is passed
    assert assessment.eligible is passed


def test_it_refuses_an_applicant_with_five_months_of_domicile() -> None:
    assessment = evaluate(siti(domicile_since=date(2026, 6, 1)), BALIKPAPAN_2026)

    assert not assessment.eligible
    assert [o.rule for o in assessment.failed()] == ["domicile_months"]
    assert assessment.failed()[0].reason == "Domisili di Kota Balikpapan baru 5 bulan; syarat minimal 6 bulan."


def test_it_says_how_long_a_passing_domicile_is() -> None:
    outcome = outcome_of(evaluate(siti(domicile_since=date(2026, 3, 1)), BALIKPAPAN_2026), "domicile_months")

    assert outcome.reason == "Domisili di Kota Balikpapan 8 bulan; syarat minimal 6 bulan terpenuhi."


def test_a_domicile_starting_after_the_application_date_fails_with_its_own_reason() -> None:
    outcome = outcome_of(evaluate(siti(domicile_since=date(2026, 12, 1)), BALIKPAPAN_2026), "domicile_months")

    assert not outcome.passed
    assert outcome.reason == (
        "Tanggal mulai domisili (01-12-2026) sesudah tanggal pendaftaran (15-11-2026); periksa data domisili."
    )


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 5, 15), date(2026, 11, 15), 6),
        (date(2026, 5, 15), date(2026, 11, 14), 5),
        (date(2026, 5, 15), date(2026, 5, 15), 0),
        (date(2026, 5, 15), date(2026, 6, 14), 0),
        (date(2025, 12, 20), date(2026, 1, 20), 1),  # across the year
        (date(2026, 1, 31), date(2026, 2, 28), 1),  # end of a short month counts
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 1, 31), date(2026, 3, 30), 1),  # 30 March is not the end of March
        (date(2026, 1, 31), date(2026, 3, 31), 2),
        (date(2026, 3, 31), date(2026, 4, 30), 1),
        (date(2026, 1, 30), date(2026, 2, 28), 1),
        (date(2024, 1, 31), date(2024, 2, 29), 1),  # leap year
        (date(2024, 1, 31), date(2024, 2, 28), 0),  # 28 Feb is not the end of February 2024
        (date(2024, 2, 29), date(2025, 2, 28), 12),
        (date(2020, 5, 15), date(2026, 11, 15), 78),
    ],
)
def test_months_between_counts_whole_calendar_months(start: date, end: date, months: int) -> None:
    assert months_between(start, end) == months


def test_months_between_refuses_an_end_before_the_start() -> None:
    with pytest.raises(ValueError, match="before"):
        months_between(date(2026, 5, 15), date(2026, 5, 14))


# -- income: at or below the UMK ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("monthly_income", "passed"),
    [
        (0, True),
        (3_856_694, True),  # equal to the UMK
        (3_856_695, False),  # one Rupiah more
        (4_000_000, False),
    ],
    ids=["no-income", "equal-to-umk", "one-rupiah-over", "four-million"],
)
def test_income_must_be_at_or_below_the_umk(monthly_income: int, passed: bool) -> None:
    assessment = evaluate(siti(monthly_income=monthly_income), BALIKPAPAN_2026)

    assert outcome_of(assessment, "income_ceiling").passed is passed
    assert assessment.eligible is passed


def test_the_income_reason_quotes_both_amounts_in_rupiah_and_the_ceiling_source() -> None:
    over = outcome_of(evaluate(siti(monthly_income=4_000_000), BALIKPAPAN_2026), "income_ceiling")

    assert over.reason == "Penghasilan Rp4.000.000 per bulan melebihi batas Rp3.856.694 (UMK Kota Balikpapan 2026)."


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "Rp0"),
        (999, "Rp999"),
        (1_000, "Rp1.000"),
        (16_800, "Rp16.800"),
        (3_856_694, "Rp3.856.694"),
        (42_000_000, "Rp42.000.000"),
        (1_008_000_000, "Rp1.008.000.000"),
        (-2_500, "-Rp2.500"),
    ],
)
def test_format_rupiah_uses_thousand_dots(amount: int, text: str) -> None:
    assert format_rupiah(amount) == text


# -- age: completed years at the application date -------------------------------------------------


@pytest.mark.parametrize(
    ("birth_date", "passed"),
    [
        (date(1962, 11, 16), True),  # 63, turns 64 tomorrow
        (date(1962, 11, 15), True),  # 64 today
        (date(1961, 11, 16), True),  # 64, turns 65 tomorrow
        (date(1961, 11, 15), False),  # 65 today
    ],
    ids=["63", "64-today", "64-last-day", "65-today"],
)
def test_balikpapan_takes_people_up_to_64(birth_date: date, passed: bool) -> None:
    assessment = evaluate(siti(birth_date=birth_date), BALIKPAPAN_2026)

    assert outcome_of(assessment, "age").passed is passed
    assert assessment.eligible is passed


def test_the_age_reason_names_the_age_and_the_bound() -> None:
    outcome = outcome_of(evaluate(siti(birth_date=date(1961, 11, 15)), BALIKPAPAN_2026), "age")

    assert outcome.reason == "Usia 65 tahun pada tanggal pendaftaran; batas usia maksimal 64 tahun."


@pytest.mark.parametrize(
    ("birth_date", "age", "passed"),
    [
        (date(2008, 11, 16), 17, False),
        (date(2008, 11, 15), 18, True),
        (date(1961, 11, 15), 65, True),
        (date(1960, 11, 16), 65, True),
        (date(1960, 11, 15), 66, False),
    ],
    ids=["17", "18-today", "65-today", "65-last-day", "66-today"],
)
def test_penajam_takes_people_from_18_to_65(birth_date: date, age: int, passed: bool) -> None:
    penajam_resident = siti(kelurahan_code="64.09.01.2001", birth_date=birth_date)

    assessment = evaluate(penajam_resident, PENAJAM_2026)

    assert age_on(birth_date, APPLIED) == age
    assert outcome_of(assessment, "age").passed is passed
    assert assessment.eligible is passed


def test_a_seventeen_year_old_is_told_the_minimum_age() -> None:
    teenager = siti(kelurahan_code="64.09.01.2001", birth_date=date(2008, 11, 16))

    outcome = outcome_of(evaluate(teenager, PENAJAM_2026), "age")

    assert outcome.reason == "Usia 17 tahun pada tanggal pendaftaran; batas usia minimal 18 tahun."


@pytest.mark.parametrize(
    ("birth_date", "on", "age"),
    [
        (date(1960, 2, 29), date(2025, 2, 28), 64),  # common year: the birthday is 1 March
        (date(1960, 2, 29), date(2025, 3, 1), 65),
        (date(1960, 2, 29), date(2024, 2, 28), 63),
        (date(1960, 2, 29), date(2024, 2, 29), 64),  # leap year: the birthday itself
        (date(1985, 8, 17), date(2026, 8, 16), 40),
        (date(1985, 8, 17), date(2026, 8, 17), 41),
    ],
)
def test_age_counts_completed_years_including_29_february(birth_date: date, on: date, age: int) -> None:
    assert age_on(birth_date, on) == age


def test_a_29_february_birthday_reaches_the_maximum_age_on_1_march() -> None:
    born_leap_day = siti(birth_date=date(1960, 2, 29))

    on_28_february = evaluate(dataclasses.replace(born_leap_day, application_date=date(2025, 2, 28)), BALIKPAPAN_2026)
    on_1_march = evaluate(dataclasses.replace(born_leap_day, application_date=date(2025, 3, 1)), BALIKPAPAN_2026)

    assert outcome_of(on_28_february, "age").passed
    assert not outcome_of(on_1_march, "age").passed


def test_a_birth_date_after_the_application_date_fails_the_age_rule() -> None:
    outcome = outcome_of(evaluate(siti(birth_date=date(2027, 1, 1)), BALIKPAPAN_2026), "age")

    assert not outcome.passed
    assert "01-01-2027" in outcome.reason


# -- sector ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sector_code", "passed"),
    [("pedagang", True), ("ojek_pangkalan", True), ("karyawan", False), ("unknown", False)],
)
def test_only_eligible_sectors_are_taken(sector_code: str, passed: bool) -> None:
    assessment = evaluate(siti(sector_code=sector_code), BALIKPAPAN_2026)

    assert outcome_of(assessment, "sector").passed is passed
    assert assessment.eligible is passed


def test_the_sector_reason_uses_the_sector_name() -> None:
    outcome = outcome_of(evaluate(siti(sector_code="karyawan"), BALIKPAPAN_2026), "sector")

    assert "Karyawan swasta" in outcome.reason
    assert "karyawan" not in outcome.reason


def test_an_empty_sector_list_takes_every_sector() -> None:
    rules = dataclasses.replace(BALIKPAPAN_2026, eligible_sectors=frozenset())

    assert outcome_of(evaluate(siti(sector_code="karyawan"), rules), "sector").passed


# -- documents: completeness, not eligibility -----------------------------------------------------


def test_an_ojol_without_an_aplikator_letter_is_incomplete_but_eligible() -> None:
    ojol_without_letter = siti(sector_code="ojol", document_kinds=frozenset({"ktp", "kk"}))

    assessment = evaluate(ojol_without_letter, BALIKPAPAN_2026)

    assert assessment.eligible
    assert not assessment.complete
    documents = outcome_of(assessment, "documents")
    assert not documents.passed
    assert documents.affects == "completeness"
    assert documents.reason == "Dokumen belum lengkap: Surat keterangan aplikator."


@pytest.mark.parametrize(
    ("sector_code", "document_kinds", "complete"),
    [
        ("ojol", {"ktp", "kk", "aplikator_letter"}, True),
        ("ojol", {"ktp", "kk"}, False),
        ("nelayan", {"ktp", "kk", "fisher_card"}, True),
        ("nelayan", {"ktp", "kk", "aplikator_letter"}, False),
        ("pedagang", {"ktp", "kk"}, True),  # only the "*" documents
        ("pedagang", {"ktp"}, False),
        ("pedagang", set(), False),
    ],
)
def test_documents_required_for_all_sectors_and_for_the_applicants_sector(
    sector_code: str, document_kinds: set[str], complete: bool
) -> None:
    assessment = evaluate(siti(sector_code=sector_code, document_kinds=frozenset(document_kinds)), BALIKPAPAN_2026)

    assert assessment.complete is complete
    assert assessment.eligible


def test_missing_documents_are_listed_by_name_in_the_configured_order() -> None:
    ojol_with_nothing = siti(sector_code="ojol", document_kinds=frozenset())

    outcome = outcome_of(evaluate(ojol_with_nothing, BALIKPAPAN_2026), "documents")

    assert outcome.reason == "Dokumen belum lengkap: KTP, Kartu Keluarga, Surat keterangan aplikator."


# -- not covered elsewhere ------------------------------------------------------------------------


def test_someone_funded_by_the_province_fails_not_covered_with_that_programme_named() -> None:
    province = Coverage(source="programme", label="Provinsi Kalimantan Timur (KALTIM-2026)")

    assessment = evaluate(siti(covered_elsewhere=(province,)), BALIKPAPAN_2026)

    assert not assessment.eligible
    outcome = outcome_of(assessment, "not_covered")
    assert not outcome.passed
    assert outcome.reason == (
        "Sudah dibiayai oleh program lain untuk bulan yang sama: Provinsi Kalimantan Timur (KALTIM-2026)."
    )


def test_an_existing_bpjs_participant_fails_not_covered_with_the_kpj() -> None:
    participant = Coverage(source="bpjs", label="KPJ 12345678901")

    outcome = outcome_of(evaluate(siti(covered_elsewhere=(participant,)), BALIKPAPAN_2026), "not_covered")

    assert not outcome.passed
    assert outcome.reason == "Sudah terdaftar sebagai peserta BPJS Ketenagakerjaan (KPJ 12345678901)."


def test_every_coverage_is_named() -> None:
    coverages = (
        Coverage(source="bpjs", label="KPJ 12345678901"),
        Coverage(source="programme", label="Provinsi Kalimantan Timur (KALTIM-2026)"),
    )

    outcome = outcome_of(evaluate(siti(covered_elsewhere=coverages), BALIKPAPAN_2026), "not_covered")

    assert "KPJ 12345678901" in outcome.reason
    assert "Provinsi Kalimantan Timur (KALTIM-2026)" in outcome.reason


def test_coverage_from_an_unknown_source_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown coverage source"):
        Coverage(source="asuransi", label="x")


def test_the_coverage_check_can_be_switched_off() -> None:
    province = Coverage(source="programme", label="Provinsi Kalimantan Timur (KALTIM-2026)")
    rules = dataclasses.replace(BALIKPAPAN_2026, check_not_covered=False)

    assert evaluate(siti(covered_elsewhere=(province,)), rules).eligible


# -- the assessment as a whole --------------------------------------------------------------------


def test_every_failing_rule_is_reported_not_only_the_first() -> None:
    refused_everywhere = siti(
        kelurahan_code="64.72.01.1001",
        domicile_since=date(2026, 10, 1),
        monthly_income=9_000_000,
        birth_date=date(1950, 1, 1),
        sector_code="karyawan",
        document_kinds=frozenset(),
        covered_elsewhere=(Coverage(source="bpjs", label="KPJ 12345678901"),),
    )

    assessment = evaluate(refused_everywhere, BALIKPAPAN_2026)

    assert [o.rule for o in assessment.failed()] == [
        "region",
        "domicile_months",
        "income_ceiling",
        "age",
        "sector",
        "documents",
        "not_covered",
    ]
    assert all(o.reason for o in assessment.outcomes)


def test_an_assessment_refuses_flags_that_contradict_its_outcomes() -> None:
    failed = RuleOutcome(rule="region", passed=False, reason="x")

    with pytest.raises(ValueError, match="eligible does not match"):
        Assessment(outcomes=(failed,), eligible=True, complete=True, ruleset_version="v")


@pytest.mark.parametrize(
    "bad",
    [{"min_age": 66, "max_age": 65}, {"min_domicile_months": -1}, {"income_ceiling": -1}],
    ids=["min-above-max", "negative-months", "negative-ceiling"],
)
def test_a_ruleset_with_impossible_bounds_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must not be"):
        dataclasses.replace(BALIKPAPAN_2026, **bad)  # type: ignore[arg-type]
