"""Two officers recording the same month's list at once (or one double click reaching two workers) on
PostgreSQL: the unique constraint decides, and each recipient has one delivery."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jaring.aid.models import Delivery
from jaring.aid.services import Recorded, deliveries_record
from jaring.allocation.models import Place
from jaring.core.models import User
from jaring.programmes.models import Programme
from tests.helpers.races import at_once

pytestmark = pytest.mark.today("2026-12-20")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_submissions_of_one_list_at_once_record_each_recipient_once(
    food_aid: Programme, recipient_of: Callable[..., Place], registration_officer: User, programme_manager: User
) -> None:
    places = [recipient_of(food_aid, name=name) for name in ("Mbah Karto", "Siti Aminah", "Nenek Ijah")]
    results: list[Recorded] = []

    def submit(officer: User) -> Callable[[], object]:
        return lambda: results.append(
            deliveries_record(
                programme=food_aid,
                period=date(2026, 11, 1),
                place_ids=[p.pk for p in places],
                delivered_on=date(2026, 11, 12),
                signed=True,
                actor=officer,
            )
        )

    errors = at_once(*(submit(officer) for officer in [registration_officer, programme_manager] * 4))

    assert errors == []
    assert sum(len(r.created) for r in results) == 3
    assert sum(len(r.already) for r in results) == 3 * 7
    assert Delivery.objects.filter(programme=food_aid).count() == 3
