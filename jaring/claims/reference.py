"""The benefit table as the regulation sets it: PP 82/2019 (amending PP 44/2015), for BPU participants.

Seeded by the claims migration and by `benefit_table_seed` (idempotent); later regulations are added as new
rows with their own effective date by the system operator, never by editing this one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

PP_82_2019: dict[str, Any] = {
    # Diundangkan 3 December 2019 and in force from that day.
    "effective_from": date(2019, 12, 3),
    "legal_basis": "PP 82/2019 (perubahan PP 44/2015), peserta bukan penerima upah",
    # JKM: Rp20 jt lump sum + 24 x Rp500.000 periodic paid at once + Rp10 jt funeral = Rp42 jt.
    "jkm_lump_sum": 20_000_000,
    "periodic_lump": 12_000_000,
    "funeral": 10_000_000,
    "jkk_death_factor": 48,
    "jkk_disability_factor": 56,
    # Temporary disability (STMB): 100% of the basis for the first 12 months, 50% after.
    "temporary_full_months": 12,
    "temporary_full_percent": 100,
    "temporary_after_percent": 50,
    # The right to claim JKK lapses 5 years after the accident.
    "jkk_claim_years": 5,
    # Scholarship: 2 children, at most Rp174 jt in all; JKM needs 3 years (36 months) of contributions.
    "scholarship_children": 2,
    "scholarship_max_total": 174_000_000,
    "scholarship_jkm_months": 36,
    "scholarship_max_age": 23,
    "scholarship_tk_sd": 1_500_000,
    "scholarship_smp": 2_000_000,
    "scholarship_sma": 3_000_000,
    "scholarship_university": 12_000_000,
    "scholarship_tk_sd_years": 8,
    "scholarship_smp_years": 3,
    "scholarship_sma_years": 3,
    "scholarship_university_years": 5,
    # Tax: a benefit over Rp50 jt needs the heir's NPWP.
    "npwp_above": 50_000_000,
    # BPJS pays a complete JKM claim within 3 working days.
    "jkm_payment_working_days": 3,
}
