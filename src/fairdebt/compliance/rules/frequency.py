"""Frequency rules: per-day caps (China, texts, UK house caps) and the US 7-day call rules.

Days are calendar dates in the debtor's zone (RULES.md §5.3). China counts per debtor across
the lender and all its agencies; the US counts per ``(collector, person, debt)`` (§5.4). Only
events at or before the attempt are in the case's history, so moving an attempt later never
loses a count it had, and adding history never removes one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from fairdebt.compliance.attempts import ContactRecord
from fairdebt.compliance.rules import (
    NOT_CONNECTED,
    REACHED,
    Case,
    Refusal,
    consent_covers,
    debts_overlap,
    person_key,
)
from fairdebt.compliance.rules.clock import at_local, next_midnight

__all__ = [
    "cn_collection_interval",
    "cn_connected_calls",
    "cn_conversations",
    "cn_same_method_attempts",
    "daily_contacts",
    "daily_texts",
    "overlay_calls_in_seven_days",
    "us_after_conversation",
    "us_calls_in_seven_days",
    "us_concentrated_calls",
    "weekly_contacts",
]


def _today(case: Case, events: Iterable[ContactRecord]) -> int:
    day, day_of = case.day, case.day_of
    return sum(1 for e in events if day_of(e.at) == day)


def _cap(case: Case, count: int, cap: int | None, **evidence: Any) -> Refusal | None:
    if cap is None or count < cap:
        return None
    return Refusal(
        {"count": count, "cap": cap, "day": case.day.isoformat(), **evidence},
        next_midnight(case.attempt.at, case.day_zone),
    )


def _agreed(case: Case, params: Mapping[str, Any]) -> bool:
    # "与债务人另有约定的除外": a recorded agreement covering this call lifts the CN caps.
    return consent_covers(case, params, parties=tuple(params["consent_parties"]))


def cn_connected_calls(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """GB/T 45251-2025: at most N connected voice calls (AI voice included) to the debtor per
    day, the lender and all its agencies together. Every connected call counts, agent or robot:
    the reports do not let us tell an agent's notification call from an interactive one."""
    a = case.attempt
    if a.channel != "call" or a.recipient != "debtor" or _agreed(case, params):
        return None
    calls = (
        e
        for e in case.history
        if e.direction == "outbound"
        and e.channel == "call"
        and e.recipient == "debtor"
        and e.outcome in REACHED
    )
    return _cap(case, _today(case, calls), params["cn_connected_calls_per_day"])


def cn_conversations(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """GB/T 45251-2025: at most N active effective conversations with the debtor per day;
    interactive voice collection includes AI voice (含智能语音), so robots count too."""
    a = case.attempt
    if a.channel != "call" or a.recipient != "debtor":
        return None
    if _agreed(case, params):
        return None
    talks = (
        e
        for e in case.history
        if e.direction == "outbound"
        and e.channel == "call"
        and e.recipient == "debtor"
        and e.outcome == "conversation"
    )
    return _cap(case, _today(case, talks), params["cn_conversations_per_day"])


def cn_same_method_attempts(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """CBA 2026: at most N dialling attempts per day to the same contact method of the debtor.
    A call whose number is not recorded may have been to this one, and an attempt whose number
    is unknown may go to any: both count (conservative)."""
    a = case.attempt
    if a.channel != "call" or a.recipient != "debtor" or _agreed(case, params):
        return None
    dials = (
        e
        for e in case.history
        if e.direction == "outbound"
        and e.channel == "call"
        and e.recipient == "debtor"
        and (e.address == a.address or e.address is None or a.address is None)
    )
    return _cap(
        case, _today(case, dials), params["cn_attempts_per_method_per_day"], address=a.address or ""
    )


def daily_texts(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """House cap on collection texts to one person per day (US comment 14(a)-1.i: numerous
    texts a day are likely harassing; no rule gives a number)."""
    a = case.attempt
    if a.channel != "sms" or a.purpose == "opt_out_confirmation":
        return None
    me = person_key(a.recipient, a.address)
    texts = (
        e
        for e in case.history
        if e.direction == "outbound"
        and e.channel == "sms"
        and person_key(e.recipient, e.address) == me
    )
    return _cap(case, _today(case, texts), params["texts_per_day"])


def _contacts(case: Case) -> list[ContactRecord]:
    return [
        e
        for e in case.history
        if e.direction == "outbound"
        and e.recipient == "debtor"
        and e.channel != "letter"
        and e.outcome not in NOT_CONNECTED
    ]


def daily_contacts(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """House cap on contacts with the debtor per day (UK: no FCA number; MCOB 13.5.3R warns
    against excessive calls or correspondence)."""
    a = case.attempt
    if a.recipient != "debtor" or a.channel == "letter" or a.purpose != "collection":
        return None
    return _cap(case, _today(case, _contacts(case)), params["contacts_per_day"])


def weekly_contacts(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """House cap on contacts with the debtor in any 7 consecutive local days."""
    a = case.attempt
    cap = params["contacts_per_7_days"]
    if cap is None or a.recipient != "debtor" or a.channel == "letter" or a.purpose != "collection":
        return None
    days = sorted(case.day_of(e.at) for e in _contacts(case))
    return _window_refusal(case, days, cap, evidence={})


def _window_refusal(
    case: Case, days: list[dt.date], cap: int, evidence: Mapping[str, Any]
) -> Refusal | None:
    """Refuse when ``cap`` or more counted days fall in the window D-6..D; ``until`` is the
    local midnight of the first later date whose window holds fewer than ``cap``."""
    today = case.day
    in_window = [d for d in days if today - dt.timedelta(days=6) <= d <= today]
    if len(in_window) < cap:
        return None
    if cap <= 0:
        return Refusal({"count": len(in_window), "cap": cap, **evidence}, None)
    later = today
    while True:
        later += dt.timedelta(days=1)
        if sum(1 for d in in_window if d >= later - dt.timedelta(days=6)) < cap:
            break
    return Refusal(
        {
            "count": len(in_window),
            "cap": cap,
            "window": f"{(today - dt.timedelta(days=6)).isoformat()}..{today.isoformat()}",
            **evidence,
        },
        at_local(later, dt.time(0), case.day_zone),
    )


def _us_excluded(case: Case, params: Mapping[str, Any]) -> bool:
    a = case.attempt
    if a.channel != "call" or a.recipient == "attorney":
        return True  # 1006.14(b)(3)(iii): calls to the consumer's attorney do not count
    return consent_covers(case, params, parties=("collector",), open_days=params["us_consent_days"])


def _us_calls(
    case: Case, params: Mapping[str, Any], debt: str, *, same_collector: bool
) -> list[dt.date]:
    a = case.attempt
    me = person_key(a.recipient, a.address)
    days = []
    for e in case.history:
        if e.direction != "outbound" or e.channel != "call" or e.outcome in NOT_CONNECTED:
            continue
        if (same_collector and e.by != a.by) or person_key(e.recipient, e.address) != me:
            continue
        if not debts_overlap(e.debt_ids, debt):
            continue
        if consent_covers(
            case,
            params,
            parties=("collector",),
            at=e.at,
            channel="call",
            open_days=params["us_consent_days"],
        ):
            continue  # 1006.14(b)(3)(i): calls with direct prior consent are excluded
        days.append(case.day_of(e.at))
    return sorted(days)


def _per_debt(case: Case) -> tuple[str, ...]:
    return case.attempt.debt_ids or ("",)


def us_calls_in_seven_days(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """12 CFR 1006.14(b)(2)(i)(A): no more than N calls to one person about one debt in 7
    consecutive days; the next call would exceed the presumption of compliance."""
    if _us_excluded(case, params):
        return None
    refusals = [
        r
        for debt in _per_debt(case)
        if (
            r := _window_refusal(
                case,
                _us_calls(case, params, debt, same_collector=True),
                params["us_calls_per_7_days"],
                {"debt": debt},
            )
        )
        is not None
    ]
    return _latest(refusals)


def overlay_calls_in_seven_days(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """A state overlay's stricter telephone count per debt per 7 days, creditors included
    (Massachusetts 940 CMR 7.04(1)(f): two)."""
    cap = params.get("overlay_calls_per_7_days")
    if cap is None or _us_excluded(case, params):
        return None
    refusals = [
        r
        for debt in _per_debt(case)
        if (
            r := _window_refusal(
                case, _us_calls(case, params, debt, same_collector=False), cap, {"debt": debt}
            )
        )
        is not None
    ]
    return _latest(refusals)


def _latest(refusals: list[Refusal]) -> Refusal | None:
    if not refusals:
        return None
    return max(refusals, key=lambda r: r.until or dt.datetime.max.replace(tzinfo=dt.UTC))


def us_after_conversation(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """12 CFR 1006.14(b)(2)(i)(B): no call within 7 consecutive days after a telephone
    conversation about the debt, the conversation date being day 1; a conversation the
    consumer started counts, and one about several debts counts for each."""
    if _us_excluded(case, params):
        return None
    a = case.attempt
    me = person_key(a.recipient, a.address)
    span = params["us_days_after_conversation"]
    refusals = []
    for debt in _per_debt(case):
        talks = [
            case.day_of(e.at)
            for e in case.history
            if e.channel == "call"
            and e.outcome == "conversation"
            and e.by == a.by
            and person_key(e.recipient, e.address) == me
            and debts_overlap(e.debt_ids, debt)
        ]
        if not talks:
            continue
        last = max(talks)
        free_on = last + dt.timedelta(days=span)
        if case.day < free_on:
            refusals.append(
                Refusal(
                    {
                        "debt": debt,
                        "conversation_on": last.isoformat(),
                        "free_on": free_on.isoformat(),
                    },
                    at_local(free_on, dt.time(0), case.day_zone),
                )
            )
    return _latest(refusals)


def us_concentrated_calls(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """Comment 14(b)(2)(i)-2: calls placed in rapid succession (two within five minutes) rebut
    the presumption of compliance, so a call to the same person about the same debt waits
    ``us_min_minutes_between_calls`` after the last one placed."""
    gap = params.get("us_min_minutes_between_calls")
    if not gap or _us_excluded(case, params):
        return None
    a = case.attempt
    me = person_key(a.recipient, a.address)
    since = a.at - dt.timedelta(minutes=gap)
    recent = [
        e.at
        for e in case.history
        if e.direction == "outbound"
        and e.channel == "call"
        and e.outcome not in NOT_CONNECTED
        and e.by == a.by
        and person_key(e.recipient, e.address) == me
        and any(debts_overlap(e.debt_ids, debt) for debt in _per_debt(case))
        and e.at > since
    ]
    if not recent:
        return None
    last = max(recent)
    return Refusal(
        {"last_call_at": last.isoformat(), "minutes": gap},
        last + dt.timedelta(minutes=gap),
    )


def cn_collection_interval(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """An unconfirmed GB/T reading (RULES.md §1(a)(ii)): collection on the same credit product
    at intervals of at least N calendar days. Off unless the pack sets
    ``cn_min_days_between_collections``."""
    days = params.get("cn_min_days_between_collections")
    a = case.attempt
    if not days or a.recipient != "debtor" or a.purpose != "collection":
        return None
    contacted = [
        case.day_of(e.at)
        for e in case.history
        if e.direction == "outbound"
        and e.recipient == "debtor"
        and e.outcome not in NOT_CONNECTED
        and any(debts_overlap(e.debt_ids, debt) for debt in _per_debt(case))
    ]
    if not contacted:
        return None
    last = max(contacted)
    free_on = last + dt.timedelta(days=days)
    if case.day >= free_on:
        return None
    return Refusal(
        {"last_on": last.isoformat(), "free_on": free_on.isoformat(), "days": days},
        at_local(free_on, dt.time(0), case.day_zone),
    )
