"""The one place Jaring reads the clock.

Every "now" and "today" of the code comes from here, so a test (time-machine) or the demo says which day
it means and the programme year's cycle (registration in the autumn, UMK and SK in December, cover from
January) can be exercised on any date. Nothing else calls `timezone.now()`, `date.today()` or
`timezone.localdate()`; `tests/test_architecture.py` holds that.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone


def now() -> datetime:
    """The current moment, timezone-aware (UTC inside, WITA when shown)."""
    return timezone.now()


def today() -> date:
    """Today's date in the configured time zone (Asia/Makassar by default): the day a counter officer means."""
    return timezone.localdate(timezone.now())


def local(moment: datetime | None = None) -> datetime:
    """A moment (now when omitted) in the configured time zone, for display and file names."""
    return timezone.localtime(moment if moment is not None else timezone.now())


def localdate(moment: datetime) -> date:
    """The local calendar day of a stored moment."""
    return timezone.localdate(moment)
