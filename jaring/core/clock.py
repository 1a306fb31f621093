"""The one place Jaring reads the clock.

Every "now" and "today" of the code comes from here, so a test (time-machine) or the demo says which day
it means and the programme year's cycle (registration in the autumn, UMK and SK in December, cover from
January) can be exercised on any date. Nothing else calls `timezone.now()`, `date.today()` or
`timezone.localdate()`; `tests/test_architecture.py` holds that.

`pinned(moment)` moves this clock (not the process's) for the work inside a `with` block: the demo uses it
to seed last year's programme with last year's dates, through services that read `today()`. It is meant for
seeding, never for a request. Model timestamps (`auto_now`, `auto_now_add`) read it too, through
`core.fields.MomentField`.
"""

from __future__ import annotations

import time as _time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta

from django.utils import timezone

# How far `pinned` moved the clock. A context variable, so a pin holds only in the thread (or task) that
# set it: a web request served meanwhile by another thread still reads the real time.
_shift: ContextVar[timedelta] = ContextVar("jaring_clock_shift", default=timedelta(0))


def now() -> datetime:
    """The current moment, timezone-aware (UTC inside, WITA when shown)."""
    return timezone.now() + _shift.get()


def today() -> date:
    """Today's date in the configured time zone (Asia/Makassar by default): the day a counter officer means."""
    return timezone.localdate(now())


def local(moment: datetime | None = None) -> datetime:
    """A moment (now when omitted) in the configured time zone, for display and file names."""
    return timezone.localtime(moment if moment is not None else now())


def localdate(moment: datetime) -> date:
    """The local calendar day of a stored moment."""
    return timezone.localdate(moment)


def zone_name() -> str:
    """The configured time zone's short name as people read it ("WITA")."""
    return local().strftime("%Z")


def monotonic() -> float:
    """Seconds from an arbitrary start that never jump: for durations and cache ages, never for dates."""
    return _time.monotonic()


@contextmanager
def pinned(moment: date | datetime) -> Iterator[datetime]:
    """Inside the block, `now()` starts at `moment` (a day means 09:00 local time, when an office opens) and
    runs on from there, so things done one after the other keep their order. Blocks nest; leaving one
    restores the clock as it was. Used by the demo only."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(9, 0), tzinfo=timezone.get_current_timezone())
    elif timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    token = _shift.set(moment - timezone.now())
    try:
        yield moment
    finally:
        _shift.reset(token)
