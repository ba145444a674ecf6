"""Invariants of the gate, over random cases in every pack (Hypothesis).

* refusals never depend on the order of history events;
* adding outbound history never turns a refusal into an allowance. The one exception the
  rules themselves make: failed calls to the debtor show the debtor unreachable, which opens a
  designated contact in China (GB/T 45251-2025), so the attempts here are not to contacts;
* ``next_allowed_at``, when given, passes, and the second before it does not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdebt.compliance.attempts import (
    Attempt,
    BreathingSpace,
    Consent,
    ContactRecord,
    Debtor,
    TimeRange,
)
from fairdebt.compliance.gate import check

BASE = dt.datetime(2025, 6, 10, tzinfo=dt.UTC)
PACKS = st.sampled_from(["cn", "us", "us-ma", "uk"])
ZONES = st.sampled_from(
    [None, "Asia/Shanghai", "America/New_York", "America/Los_Angeles", "Europe/London"]
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _at(minutes: int) -> dt.datetime:
    return BASE + dt.timedelta(minutes=minutes)


events = st.builds(
    ContactRecord,
    at=st.integers(-9 * 24 * 60, 3 * 24 * 60).map(_at),
    direction=st.sampled_from(["outbound", "outbound", "inbound"]),
    channel=st.sampled_from(["call", "call", "sms", "email"]),
    mode=st.sampled_from(["agent", "robot"]),
    recipient=st.sampled_from(["debtor", "debtor", "spouse", "third_party"]),
    address=st.sampled_from([None, "+1", "+2"]),
    debt_ids=st.sampled_from([(), ("A",), ("A", "B")]),
    by=st.sampled_from(["lender", "agency:A"]),
    outcome=st.sampled_from(
        [
            "connected",
            "conversation",
            "no_answer",
            "voicemail",
            "busy",
            "failed",
            "delivered",
            "stop_reply",
            "refused_further_contact",
        ]
    ),
)
outbound = events.map(lambda e: replace(e, direction="outbound"))
debtors = st.builds(
    Debtor,
    timezone=ZONES,
    possible_timezones=st.sampled_from([(), ("America/Denver",)]),
    inconvenient_times=st.sampled_from([(), (TimeRange(dt.time(0), dt.time(12)),)]),
    cease_requested_on=st.sampled_from([None, dt.date(2025, 6, 11)]),
    attorney_represented=st.booleans(),
    employer_forbids_calls=st.booleans(),
    tcpa_consent=st.sampled_from([None, True, False]),
    breathing_space=st.sampled_from(
        [
            None,
            BreathingSpace("standard", dt.date(2025, 5, 1)),
            BreathingSpace("mental_health_crisis", dt.date(2025, 6, 1), dt.date(2025, 6, 5)),
        ]
    ),
    holds=st.sampled_from([(), ("complaint",)]),
)
attempts = st.builds(
    Attempt,
    at=st.integers(0, 3 * 24 * 60).map(_at),
    channel=st.sampled_from(["call", "call", "sms", "email", "letter", "visit"]),
    mode=st.sampled_from(["agent", "robot"]),
    recipient=st.sampled_from(["debtor", "debtor", "debtor", "attorney", "employer"]),
    address=st.sampled_from([None, "+1", "+2"]),
    debt_ids=st.sampled_from([(), ("A",), ("B",)]),
    by=st.sampled_from(["lender", "agency:A"]),
    purpose=st.sampled_from(["collection", "collection", "reply", "opt_out_confirmation"]),
    collectors=st.sampled_from([None, 1, 2]),
    address_kind=st.sampled_from([None, "work"]),
)
consents = st.lists(
    st.builds(
        Consent,
        given_at=st.integers(-3 * 24 * 60, 0).map(_at),
        to=st.sampled_from(["collector", "creditor"]),
        channel=st.sampled_from([None, "call"]),
        start=st.integers(0, 3 * 24 * 60).map(_at),
        end=st.none(),
    ),
    max_size=1,
)


@SETTINGS
@given(PACKS, attempts, st.lists(events, max_size=14), debtors, consents, st.randoms())
def test_refusals_never_depend_on_the_order_of_history(
    pack, attempt, history, debtor, agreed, rng
) -> None:
    first = check(attempt, history, debtor, pack, consents=agreed)
    shuffled = list(history)
    rng.shuffle(shuffled)
    second = check(attempt, shuffled, debtor, pack, consents=agreed)
    assert first.allowed == second.allowed
    assert sorted(r.rule for r in first.reasons) == sorted(r.rule for r in second.reasons)
    assert first.next_allowed_at == second.next_allowed_at


@SETTINGS
@given(
    PACKS,
    attempts,
    st.lists(events, max_size=12),
    st.lists(outbound, max_size=6),
    debtors,
    consents,
)
def test_adding_outbound_history_never_turns_a_refusal_into_an_allowance(
    pack, attempt, history, extra, debtor, agreed
) -> None:
    before = check(attempt, history, debtor, pack, consents=agreed)
    after = check(attempt, [*history, *extra], debtor, pack, consents=agreed)
    if not before.allowed:
        assert not after.allowed, (before.reasons, extra)


@SETTINGS
@given(PACKS, attempts, st.lists(events, max_size=14), debtors, consents)
def test_next_allowed_at_passes_and_the_second_before_it_does_not(
    pack, attempt, history, debtor, agreed
) -> None:
    verdict = check(attempt, history, debtor, pack, consents=agreed)
    if verdict.allowed:
        assert verdict.next_allowed_at == attempt.at
        return
    if verdict.next_allowed_at is None:
        return
    assert verdict.next_allowed_at > attempt.at
    moved = replace(attempt, at=verdict.next_allowed_at)
    assert check(moved, history, debtor, pack, consents=agreed).allowed
    just_before = replace(attempt, at=verdict.next_allowed_at - dt.timedelta(seconds=1))
    if just_before.at > attempt.at:
        assert not check(just_before, history, debtor, pack, consents=agreed).allowed
