"""Existing databases: Kutai Timur's labour office gets its real name (Dinas Transmigrasi dan Tenaga Kerja) where it
still carries the generated one, and the sector catalogue gets Kutai Timur's plantation workers outside companies
(issue 20). New databases get both from core.reference. The province's generated "Dinas Pangan, Pertanian dan
Perikanan", which it does not have, is left for the administrator to remove: it may already be referenced."""

from django.db import migrations

GENERATED = "Dinas Tenaga Kerja Kabupaten Kutai Timur"
REAL = "Dinas Transmigrasi dan Tenaga Kerja Kabupaten Kutai Timur"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Agency = apps.get_model("core", "Agency")
    Sector = apps.get_model("core", "Sector")
    Agency.objects.filter(funder__code="kutim", code="disnaker", name=GENERATED).update(name=REAL)
    if Agency.objects.exists():  # a seeded database; a fresh one gets the sector from core.reference
        Sector.objects.get_or_create(
            code="buruh_sawit",
            defaults={"name": "Buruh sawit non-perusahaan", "is_transport": False, "default_agency_kind": ""},
        )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Agency = apps.get_model("core", "Agency")
    Agency.objects.filter(funder__code="kutim", code="disnaker", name=REAL).update(name=GENERATED)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_funder_logo")]

    operations = [migrations.RunPython(forwards, backwards)]
