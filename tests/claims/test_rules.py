"""The pure rules of a claim, with PP 82/2019's table and one fact changed at a time. No database."""

from __future__ import annotations

from datetime import date

import pytest

from jaring.claims import rules
from jaring.claims.reference import PP_82_2019
from jaring.claims.rules import ChildIn

RATES = rules.Rates(**{k: v for k, v in PP_82_2019.items() if k in rules.Rates.__dataclass_fields__})
BASIS = 1_000_000  # every Kaltim scheme registers people at the lowest basis
DEATH = date(2026, 10, 2)


def items(benefit: rules.Benefit) -> dict[str, int | None]:
    return {item.item: item.amount for item in benefit.items}


# -- benefits ------------------------------------------------------------------------------------------------


def test_a_jkm_death_is_worth_forty_two_million_in_three_items() -> None:
    benefit = rules.benefit_for("jkm", basis=BASIS, rates=RATES)
    assert items(benefit) == {
        "santunan_sekaligus": 20_000_000,
        "santunan_berkala": 12_000_000,
        "biaya_pemakaman": 10_000_000,
    }
    assert benefit.total == 42_000_000


@pytest.mark.parametrize(
    ("basis", "death_item", "total"),
    [
        (1_000_000, 48_000_000, 70_000_000),  # 48 x basis + Rp12 jt + Rp10 jt
        (2_000_000, 96_000_000, 118_000_000),
        (400_000, 20_000_000, 42_000_000),  # 48 x 400.000 = 19,2 jt: at least the JKM lump sum
    ],
)
def test_a_work_accident_death_is_forty_eight_times_the_basis_at_least_the_jkm_lump_sum(
    basis: int, death_item: int, total: int
) -> None:
    benefit = rules.benefit_for("jkk_death", basis=basis, rates=RATES)
    assert items(benefit) == {
        "santunan_kematian": death_item,
        "santunan_berkala": 12_000_000,
        "biaya_pemakaman": 10_000_000,
    }
    assert benefit.total == total


def test_total_permanent_disability_is_fifty_six_times_the_basis() -> None:
    benefit = rules.benefit_for("jkk_disability", basis=BASIS, rates=RATES)
    assert items(benefit) == {"santunan_cacat_total_tetap": 56_000_000}


def test_an_injury_lists_care_without_a_cap_and_the_temporary_disability_pay() -> None:
    benefit = rules.benefit_for("jkk_injury", basis=BASIS, rates=RATES)
    assert items(benefit) == {
        "perawatan_medis": None,
        "stmb_bulan_pertama": 12_000_000,  # 100% x basis x 12 months
        "stmb_per_bulan_sesudahnya": 500_000,  # 50% a month after
    }
    # Only the fixed sum adds up; care has no amount and the later pay is per month.
    assert benefit.total == 12_000_000


def test_a_later_regulation_is_a_row_of_data_not_a_change_of_code() -> None:
    later = rules.Rates(**{**RATES.__dict__, "jkm_lump_sum": 25_000_000})
    assert rules.benefit_for("jkm", basis=BASIS, rates=later).total == 47_000_000


# -- the scholarship -----------------------------------------------------------------------------------------

ANISA = ChildIn("Anisa", date(2012, 5, 1), "smp")
RAFI = ChildIn("Rafi", date(2015, 4, 1), "sd")
DINA = ChildIn("Dina", date(2019, 9, 9), "tk")


def scholarship(kind: str = "jkm", *, since: date | None = date(2022, 10, 1), children=(ANISA, RAFI), covered=True):  # type: ignore[no-untyped-def]
    return rules.scholarship_for(
        kind, covered=covered, member_since=since, event_date=DEATH, children=children, rates=RATES
    )


def test_a_jkm_death_after_four_years_gives_two_children_the_scholarship() -> None:
    result = scholarship(since=date(2022, 10, 1))
    assert result.eligible and result.granted == 2 and result.max_total == 174_000_000
    assert "48 bulan" in result.reason and "paling sedikit 36 bulan" in result.reason


def test_a_third_child_is_refused_with_the_reason() -> None:
    result = scholarship(children=(ANISA, RAFI, DINA))
    assert [c.eligible for c in result.children] == [True, True, False]
    assert "paling banyak untuk 2 anak" in result.children[2].reason
    assert "anak ke-3" in result.children[2].reason


def test_a_jkm_death_after_two_years_gives_no_scholarship_and_says_why() -> None:
    result = scholarship(since=date(2024, 10, 1))
    assert not result.eligible and result.granted == 0
    assert "24 bulan (2 tahun)" in result.reason
    assert "paling sedikit 36 bulan (3 tahun)" in result.reason


@pytest.mark.parametrize(
    ("since", "eligible"),
    [
        (date(2023, 10, 2), True),  # exactly 36 months
        (date(2023, 10, 3), False),  # a day short
    ],
)
def test_the_three_years_are_counted_to_the_day(since: date, eligible: bool) -> None:
    assert scholarship(since=since).eligible is eligible


@pytest.mark.parametrize("kind", ["jkk_death", "jkk_disability"])
def test_a_work_accident_death_or_total_disability_needs_no_three_years(kind: str) -> None:
    result = scholarship(kind, since=date(2026, 1, 1))
    assert result.eligible and result.granted == 2
    assert "tanpa syarat masa iuran" in result.reason


def test_an_injury_gives_no_scholarship() -> None:
    result = scholarship("jkk_injury")
    assert not result.eligible and "meninggal dunia atau cacat total tetap" in result.reason


def test_an_event_outside_the_cover_gives_no_scholarship() -> None:
    result = scholarship(covered=False)
    assert not result.eligible and all(not c.eligible for c in result.children)


def test_an_unknown_start_of_membership_is_said_not_guessed() -> None:
    result = scholarship(since=None)
    assert not result.eligible and "tidak diketahui" in result.reason


def test_a_child_of_twenty_three_is_passed_over_for_the_next() -> None:
    grown = ChildIn("Budi", date(2003, 1, 1), "kuliah")
    result = scholarship(children=(grown, ANISA, RAFI))
    assert [c.eligible for c in result.children] == [False, True, True]
    assert "23 tahun" in result.children[0].reason


@pytest.mark.parametrize(
    ("level", "amount"),
    [
        ("belum_sekolah", 0),
        ("tk", 1_500_000),
        ("sd", 1_500_000),
        ("smp", 2_000_000),
        ("sma", 3_000_000),
        ("kuliah", 12_000_000),
    ],
)
def test_the_yearly_amount_follows_the_school_level(level: str, amount: int) -> None:
    assert rules.yearly_amount(level, RATES) == amount


def test_two_childrens_full_schooling_is_the_table_maximum() -> None:
    one_child = (
        RATES.scholarship_tk_sd * RATES.scholarship_tk_sd_years
        + RATES.scholarship_smp * RATES.scholarship_smp_years
        + RATES.scholarship_sma * RATES.scholarship_sma_years
        + RATES.scholarship_university * RATES.scholarship_university_years
    )
    assert RATES.scholarship_children * one_child == RATES.scholarship_max_total == 174_000_000


# -- heirs ---------------------------------------------------------------------------------------------------


def test_heirs_come_in_the_legal_order_and_the_first_group_present_receives() -> None:
    reported = [
        ("Ibu Sumiati", "orang_tua"),
        ("Rafi", "anak"),
        ("Andi", "saudara_kandung"),
        ("Siti", "istri"),
        ("Pak Harun", "mertua"),
    ]
    ordered = rules.in_legal_order(reported, lambda heir: heir[1])
    assert [name for name, _r in ordered] == ["Rafi", "Siti", "Ibu Sumiati", "Andi", "Pak Harun"]
    assert rules.entitled_rank([r for _n, r in reported]) == 1
    assert rules.entitled_rank(["saudara_kandung", "mertua"]) == 3
    assert rules.entitled_rank(["cucu", "kakek_nenek", "lainnya"]) == 2
    assert rules.entitled_rank([]) is None


# -- documents -----------------------------------------------------------------------------------------------


def test_a_jkm_case_with_a_widow_needs_the_marriage_book() -> None:
    needed = rules.documents_required("jkm", heir_relationships=["istri", "anak"], total=42_000_000, rates=RATES)
    assert needed == [
        "kartu_peserta",
        "ktp_peserta",
        "akta_kematian",
        "kartu_keluarga",
        "surat_keterangan_ahli_waris",
        "ktp_ahli_waris",
        "buku_nikah",
        "buku_tabungan",
    ]


def test_a_work_accident_death_over_fifty_million_needs_the_accident_report_and_an_npwp() -> None:
    needed = rules.documents_required("jkk_death", heir_relationships=["orang_tua"], total=70_000_000, rates=RATES)
    assert {"laporan_kecelakaan", "surat_keterangan_dokter", "npwp"} <= set(needed)
    assert "buku_nikah" not in needed


def test_an_injury_needs_no_heirs_papers() -> None:
    needed = rules.documents_required("jkk_injury", heir_relationships=[], total=12_000_000, rates=RATES)
    assert needed == ["kartu_peserta", "ktp_peserta", "laporan_kecelakaan", "surat_keterangan_dokter", "buku_tabungan"]


# -- dates ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accident", "lapses"),
    [(date(2021, 3, 10), date(2026, 3, 10)), (date(2024, 2, 29), date(2029, 2, 28))],
)
def test_a_jkk_right_lapses_five_years_after_the_accident(accident: date, lapses: date) -> None:
    assert rules.jkk_lapses_on(accident, RATES) == lapses


def test_bpjs_pays_a_complete_jkm_claim_within_three_working_days() -> None:
    # Submitted on Thursday 12 March 2026: Friday 13th, Monday 16th, Tuesday 17th; a holiday on the 16th moves it on.
    assert rules.bpjs_pays_by(date(2026, 3, 12), RATES, holidays=set()) == date(2026, 3, 17)
    holidays = {date(2026, 3, 16)}
    assert rules.bpjs_pays_by(date(2026, 3, 12), RATES, holidays=holidays) == date(2026, 3, 18)
