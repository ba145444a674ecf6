"""Hours rules: quiet hours in the debtor's local time, and times the debtor called inconvenient.

The window is half-open, ``[window_start, window_end)`` (RULES.md §5.1): 08:00:00 is allowed and
22:00:00 (CN) or 21:00:00 (US, UK) is refused. Where the location evidence points at several
zones, the attempt must fall inside the window in every one of them (§2.1, §5.2). Letters are
not timed contacts and are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from fairdebt.compliance.attempts import TimeRange
from fairdebt.compliance.rules import Case, Refusal, consent_covers
from fairdebt.compliance.rules.clock import at_local, local, next_start

__all__ = ["known_inconvenient_times", "quiet_hours", "replies_to_own_contact"]

_UNTIMED = frozenset({"letter"})


def replies_to_own_contact(case: Case) -> bool:
    """Whether the attempt answers, once and in the same medium, the person's own last contact
    (comment 6(b)(1)-2: a consumer who contacts the collector at an inconvenient time may get
    one reply through that medium). The one confirmation of a STOP sent at night is such a
    reply: the FCC expects it promptly, and 12 CFR 1006.14(h)(2)(i) allows nothing else in it."""
    attempt = case.attempt
    if attempt.purpose not in ("reply", "opt_out_confirmation"):
        return False
    same = [
        e for e in case.history if e.channel == attempt.channel and e.recipient == attempt.recipient
    ]
    inbound = [e.at for e in same if e.direction == "inbound"]
    if not inbound:
        return False
    last_in = max(inbound)
    return not any(e.direction == "outbound" and e.at >= last_in for e in same)


def _consent_start_after(
    case: Case, params: Mapping[str, Any], parties: tuple[str, ...]
) -> dt.datetime | None:
    attempt = case.attempt
    starts = [
        max(c.start, c.given_at)
        for c in case.consents
        if c.start is not None
        and max(c.start, c.given_at) > attempt.at
        and c.to in parties
        and (c.channel is None or c.channel == attempt.channel)
        and (not c.debt_ids or (attempt.debt_ids and set(attempt.debt_ids) <= set(c.debt_ids)))
        and (c.end is None or max(c.start, c.given_at) < c.end)
    ]
    # A consent covers its window only from the moment it was given.
    return min(starts) if starts else None


def quiet_hours(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """Refuse outside ``[window_start, window_end)`` local time in any zone of the debtor."""
    attempt = case.attempt
    if attempt.channel in _UNTIMED:
        return None
    window = TimeRange(params["window_start"], params["window_end"])
    outside = [z for z in case.zones if not window.covers(local(attempt.at, z).time())]
    if not outside:
        return None
    parties = tuple(params["consent_parties"])
    if consent_covers(case, params, parties=parties):
        return None
    if params.get("reply_once_at_inconvenient_time") and replies_to_own_contact(case):
        return None
    until = max(next_start(attempt.at, z, window.start) for z in outside)
    consent_start = _consent_start_after(case, params, parties)
    if consent_start is not None:
        until = min(until, consent_start)
    first = outside[0]
    return Refusal(
        {
            "zone": first,
            "local_time": local(attempt.at, first).strftime("%Y-%m-%d %H:%M"),
            "zones": list(case.zones),
        },
        until,
    )


def known_inconvenient_times(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """Refuse inside a daily range the debtor said is inconvenient (the debtor's own zones)."""
    attempt = case.attempt
    if attempt.channel in _UNTIMED or not case.debtor.inconvenient_times:
        return None
    if attempt.recipient not in ("debtor", "spouse"):
        return None
    hits: list[tuple[str, TimeRange]] = [
        (z, r)
        for z in case.zones
        for r in case.debtor.inconvenient_times
        if r.covers(local(attempt.at, z).time())
    ]
    if not hits:
        return None
    parties = tuple(params["consent_parties"])
    if consent_covers(case, params, parties=parties):
        return None
    if params.get("reply_once_at_inconvenient_time") and replies_to_own_contact(case):
        return None
    ends = []
    for z, r in hits:
        here = local(attempt.at, z)
        end_day = here.date()
        if r.end <= here.time():
            end_day += dt.timedelta(days=1)
        ends.append(at_local(end_day, r.end, z))
    zone_name, first = hits[0]
    return Refusal(
        {
            "zone": zone_name,
            "local_time": local(attempt.at, zone_name).strftime("%Y-%m-%d %H:%M"),
            "from": first.start.strftime("%H:%M"),
            "to": first.end.strftime("%H:%M"),
        },
        max(ends),
    )
