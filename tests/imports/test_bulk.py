"""jaring.core.bulk: many rows in one go (COPY on PostgreSQL, bulk_create elsewhere), ids given back."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from jaring.core.bulk import bulk_insert, rows_insert
from jaring.core.models import AuditRecord, Sector
from jaring.registry.models import Person, Sex
from tests.helpers.reference import MANGGAR

pytestmark = pytest.mark.django_db


def test_rows_insert_returns_the_new_ids_in_order(reference: None) -> None:
    sector = Sector.objects.get(code="nelayan")
    now = timezone.now()
    names = (
        "nik",
        "name",
        "birth_date",
        "sex",
        "address",
        "kelurahan_id",
        "domicile_since",
        "sector_id",
        "monthly_income",
        "created_at",
        "updated_at",
    )
    rows = [
        (
            f"64710115089000{n:02d}",
            f"Orang {n}",
            date(1990, 8, 15),
            Sex.MALE,
            "Jl. Mawar",
            MANGGAR,
            date(2015, 1, 1),
            sector.pk,
            2_000_000,
            now,
            now,
        )
        for n in range(1, 4)
    ]
    ids = rows_insert(Person, names, rows)
    assert [Person.objects.get(pk=pk).name for pk in ids] == ["Orang 1", "Orang 2", "Orang 3"]
    assert Person.objects.get(pk=ids[0]).sex == "L"


def test_rows_insert_without_ids_and_bulk_insert_with_json_and_auto_now(reference: None) -> None:
    assert (
        rows_insert(
            AuditRecord,
            ("at", "actor_label", "action", "target_type", "target_id", "data"),
            [(timezone.now(), "test", "x.y", "t", "1", {"a": [1, "b"]})],
            ids=False,
        )
        == []
    )
    assert AuditRecord.objects.get(action="x.y").data == {"a": [1, "b"]}
    records = [
        AuditRecord(actor_label="test", action="x.z", target_type="t", target_id=str(n), data={"n": n})
        for n in range(3)
    ]
    bulk_insert(records)
    assert all(record.pk is not None and record.at is not None for record in records)
    assert [r.data["n"] for r in AuditRecord.objects.filter(action="x.z").order_by("pk")] == [0, 1, 2]
