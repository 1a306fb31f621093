"""A double click on the reference pages: two entries of the same UMK or holiday at the same moment leave one
row and no server error (PostgreSQL, real transactions in two threads)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jaring.core.errors import Conflict
from jaring.core.models import AuditRecord, Holiday, MinimumWage, Region, User
from jaring.core.services import holiday_add, minimum_wage_set
from tests.helpers.races import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_first_umk_of_a_year_entered_twice_at_once_is_one_row_audited_twice(administrator: User) -> None:
    balikpapan = Region.objects.get(code="64.71")

    def enter() -> object:
        return minimum_wage_set(
            region=balikpapan, year=2027, amount=Decimal("4100000.00"), legal_basis="", actor=administrator
        )

    failures = at_once(enter, enter)

    assert failures == []
    assert MinimumWage.objects.get(region=balikpapan, year=2027).amount == Decimal("4100000.00")
    assert AuditRecord.objects.filter(action="minimum_wage.set").count() == 2


def test_a_holiday_added_twice_at_once_is_one_row_and_a_conflict(system_administrator: User) -> None:
    def add() -> object:
        return holiday_add(day=date(2028, 1, 1), name="Tahun Baru", kind="national", actor=system_administrator)

    failures = at_once(add, add)

    assert len(failures) == 1 and isinstance(failures[0], Conflict)
    assert Holiday.objects.filter(date=date(2028, 1, 1)).count() == 1
    assert AuditRecord.objects.filter(action="holiday.add").count() == 1
