"""The rule protocol: a rule is a pure function of a :class:`Case` and the pack's parameters.

A rule returns None when it has nothing against the attempt, or a :class:`Refusal` carrying
its evidence (what it counted, which clock it read) and ``until``: an instant before which the
rule keeps refusing however the attempt is moved in time, or None when waiting never helps (a
cease request, a hold). The gate uses ``until`` to find ``next_allowed_at`` exactly: moving the
attempt to the latest ``until`` of the refusing rules skips only instants that are refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fairdebt.compliance.attempts import Attempt, Consent, ContactRecord, Debtor
from fairdebt.compliance.rules.clock import local

__all__ = [
    "NOT_CONNECTED",
    "REACHED",
    "Case",
    "Refusal",
    "Rule",
    "RuleCheck",
    "consent_covers",
    "debts_overlap",
    "person_key",
]

# Calls that never reached the line (12 CFR 1006.14(b)(3)(ii), comment 14(b)(3)(ii)-1): a busy
# signal or a number not in service. Unanswered rings and voicemail are connected.
NOT_CONNECTED = frozenset({"busy", "failed"})
# Outcomes that show a person was actually reached on a call.
REACHED = frozenset({"connected", "conversation"})


@dataclass(frozen=True, slots=True)
class Case:
    """One attempt with what the gate knows; ``history`` holds only events at or before it."""

    attempt: Attempt
    history: tuple[ContactRecord, ...]
    debtor: Debtor
    consents: tuple[Consent, ...]
    zones: tuple[str, ...]  # every zone whose clock the hours rules must respect
    day_zone: str  # the zone whose calendar dates count days
    # Local dates already worked out: several rules count the same events by day, and the
    # time-zone conversion is most of a decision's cost (a cache, not part of the case).
    _days: dict[dt.datetime, dt.date] = field(default_factory=dict, compare=False, repr=False)

    @property
    def day(self) -> dt.date:
        """The attempt's local calendar date in the counting zone."""
        return self.day_of(self.attempt.at)

    def day_of(self, at: dt.datetime) -> dt.date:
        """The local calendar date of ``at`` in the counting zone."""
        day = self._days.get(at)
        if day is None:
            day = self._days[at] = local(at, self.day_zone).date()
        return day


@dataclass(frozen=True, slots=True)
class Refusal:
    """A rule's objection: its evidence and the earliest instant it could stop objecting."""

    evidence: Mapping[str, Any] = field(default_factory=dict)
    until: dt.datetime | None = None


RuleCheck = Callable[[Case, Mapping[str, Any]], Refusal | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule of a pack: id, citation, grade (P/S/M) and its messages in zh-CN and English.

    ``basis`` is "law" when the number comes from the cited text and "house" when the text
    gives no number and the pack's parameter is house policy. Messages are ``str.format``
    templates over the pack parameters and the refusal's evidence.
    """

    id: str
    citation: str
    grade: str
    message_zh: str
    message_en: str
    check: RuleCheck
    basis: str = "law"


def person_key(recipient: str, address: str | None) -> str:
    """Whom a call reaches, for per-person counts: the consumer and the spouse each count on
    their own (12 CFR 1006.6(a)(1)); any other person is known by the address called."""
    if recipient in ("debtor", "spouse"):
        return recipient
    return f"{recipient}:{address or ''}"


def debts_overlap(event_debts: tuple[str, ...], debt: str) -> bool:
    """Whether an event concerns ``debt``; an event that names no debt counts for every debt
    (conservative: an untagged call may have been about this one), and an attempt that names
    no debt (``debt == ""``) is counted against every event."""
    return not debt or not event_debts or debt in event_debts


def consent_covers(
    case: Case,
    params: Mapping[str, Any],
    *,
    parties: tuple[str, ...],
    at: dt.datetime | None = None,
    channel: str | None = None,
    open_days: int | None = None,
) -> bool:
    """Whether a recorded consent covers the attempt (or a past call at ``at``).

    A consent with a start time covers ``[start, end)``; without an end it covers the agreed
    instant plus ``agreed_time_tolerance_minutes``. A consent with no times covers nothing,
    unless ``open_days`` is given (US call-frequency consent: ``open_days`` consecutive days
    counting the day it was given as day 1).
    """
    when = case.attempt.at if at is None else at
    channel = case.attempt.channel if channel is None else channel
    tolerance = dt.timedelta(minutes=params.get("agreed_time_tolerance_minutes", 30))
    for consent in case.consents:
        if consent.to not in parties or consent.given_at > when:
            continue
        if consent.channel is not None and consent.channel != channel:
            continue
        # A consent limited to some debts covers an attempt only when every debt it is about
        # is among them; an attempt that names no debt may be about any.
        if consent.debt_ids and not (
            case.attempt.debt_ids and set(case.attempt.debt_ids) <= set(consent.debt_ids)
        ):
            continue
        if (
            open_days is not None
            and (case.day_of(when) - case.day_of(consent.given_at)).days >= open_days
        ):
            continue
        if consent.start is not None:
            end = consent.end if consent.end is not None else consent.start + tolerance
            if consent.start <= when < end:
                return True
        elif consent.end is not None:
            if when < consent.end and open_days is not None:
                return True
        elif open_days is not None:
            return True
    return False
