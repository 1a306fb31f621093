from datetime import date

from django.db import migrations

# The values of jaring/claims/reference.py as they were when this migration was written (a migration keeps its
# own copy: the module may grow later regulations, this seed stays PP 82/2019).
PP_82_2019 = {
    "legal_basis": "PP 82/2019 (perubahan PP 44/2015), peserta bukan penerima upah",
    "jkm_lump_sum": 20_000_000,
    "periodic_lump": 12_000_000,
    "funeral": 10_000_000,
    "jkk_death_factor": 48,
    "jkk_disability_factor": 56,
    "temporary_full_months": 12,
    "temporary_full_percent": 100,
    "temporary_after_percent": 50,
    "jkk_claim_years": 5,
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
    "npwp_above": 50_000_000,
    "jkm_payment_working_days": 3,
}


def seed(apps, schema_editor):
    BenefitTable = apps.get_model("claims", "BenefitTable")
    BenefitTable.objects.get_or_create(effective_from=date(2019, 12, 3), defaults=PP_82_2019)


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
