"""The clock: one place for now and today, which the demo can pin to a past day for the work it seeds."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest

from jaring.core import clock
from jaring.core.actors import Actor

pytestmark = pytest.mark.today("2026-12-06")


def test_a_pinned_clock_reads_the_pinned_day_and_keeps_running() -> None:
    with clock.pinned(date(2025, 3, 3)) as start:
        assert clock.today() == date(2025, 3, 3)
        assert clock.local().hour == 9  # a day means the office's morning
        first, second = clock.now(), clock.now()
        assert start <= first <= second < start + timedelta(minutes=1)
    assert clock.today() == date(2026, 12, 6)


def test_pins_nest_and_each_restores_the_clock_it_found() -> None:
    with clock.pinned(date(2025, 3, 3)):
        with clock.pinned(datetime(2025, 10, 1, 14, 0)):
            assert clock.today() == date(2025, 10, 1)
        assert clock.today() == date(2025, 3, 3)
    assert clock.today() == date(2026, 12, 6)


def test_a_pin_holds_only_in_the_thread_that_set_it() -> None:
    seen: list[date] = []
    with clock.pinned(date(2025, 3, 3)):
        other = threading.Thread(target=lambda: seen.append(clock.today()))
        other.start()
        other.join()
        assert clock.today() == date(2025, 3, 3)
    assert seen == [date(2026, 12, 6)]


@pytest.mark.django_db
def test_rows_made_under_a_pinned_clock_carry_its_time(reference: None) -> None:
    from jaring.core.models import Region
    from jaring.core.services import audit_record

    with clock.pinned(date(2025, 3, 3)):
        record = audit_record(actor=Actor.system("demo"), action="demo.seed", target=Region.objects.get(code="64.71"))

    record.refresh_from_db()
    assert clock.localdate(record.at) == date(2025, 3, 3)
