"""Local wall-clock arithmetic for the gate: the debtor's time, local days and window starts.

Every rule works in the debtor's local time (RULES.md §5.2) and counts days as calendar dates in
the debtor's zone (§5.3). Local wall times are turned back into instants with ``fold=0`` (the
first of two repeated wall times); a wall time inside a daylight-saving gap moves past the gap.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = ["at_local", "local", "next_midnight", "next_start", "zone"]


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; raises for an unknown name."""
    return ZoneInfo(name)


def local(at: dt.datetime, name: str) -> dt.datetime:
    """``at`` seen on the wall clock of zone ``name``."""
    return at.astimezone(zone(name))


def at_local(day: dt.date, clock: dt.time, name: str) -> dt.datetime:
    """The instant when the wall clock of zone ``name`` reads ``day clock``.

    >>> at_local(dt.date(2025, 6, 10), dt.time(8), "Asia/Shanghai").isoformat()
    '2025-06-10T08:00:00+08:00'
    """
    naive = dt.datetime.combine(day, clock)
    # A wall time inside a spring-forward gap does not exist; the round trip through UTC
    # lands just after the gap, never earlier than the requested wall time.
    return naive.replace(tzinfo=zone(name)).astimezone(dt.UTC).astimezone(zone(name))


def next_midnight(at: dt.datetime, name: str) -> dt.datetime:
    """The start of the next local calendar day in zone ``name``.

    >>> next_midnight(dt.datetime(2025, 6, 10, 23, 0, tzinfo=dt.UTC), "UTC").isoformat()
    '2025-06-11T00:00:00+00:00'
    """
    return at_local(local(at, name).date() + dt.timedelta(days=1), dt.time(0), name)


def next_start(at: dt.datetime, name: str, start: dt.time) -> dt.datetime:
    """The first instant at or after ``at`` whose local wall time in ``name`` is ``start``."""
    here = local(at, name)
    candidate = at_local(here.date(), start, name)
    if candidate < at:
        candidate = at_local(here.date() + dt.timedelta(days=1), start, name)
    return candidate
