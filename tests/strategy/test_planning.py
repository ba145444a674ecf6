"""The day's plan: the gate is never bypassed, capacity holds, the hold-out is left alone."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdebt.compliance.attempts import Attempt, ContactRecord, Debtor
from fairdebt.compliance.gate import check
from fairdebt.compliance.packs import get_pack
from fairdebt.strategy.catalogue import load_catalogue
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.planning import PlanSettings, plan_day

CATALOGUE = load_catalogue(screen=False)
DAY = dt.date(2025, 3, 3)
ROOM = {"push_gateway": 10**6, "sms_gateway": 10**6, "robot_call": 10**6, "agent_call": 10**6,
        "mail": 10**6, "field_visit": 10**6, "agency": 10**6, "agency_call": 10**6,
        "legal": 10**6, "email_gateway": 10**6}  # fmt: skip
NO_HOLDOUT = PlanSettings(holdout_share=0.0)


def _history(rows: list[tuple[int, str, str, str]]) -> pd.DataFrame:
    """(borrower, local time on DAY, channel, outcome) -> a history table in UTC."""
    at = [pd.Timestamp(f"{DAY} {t}", tz="Asia/Shanghai").tz_convert("UTC") for _, t, _, _ in rows]
    return pd.DataFrame(
        {
            "debtor_id": np.array([b for b, _, _, _ in rows], dtype=np.int64),
            "at": pd.DatetimeIndex(at) if at else pd.DatetimeIndex([], tz="UTC"),
            "channel": [c for _, _, c, _ in rows],
            "mode": "robot",
            "recipient": "debtor",
            "by": "lender",
            "address": [f"+8613800{b:06d}" for b, _, _, _ in rows],
            "outcome": [o for _, _, _, o in rows],
        }
    )


def test_every_eligible_account_gets_exactly_one_decision_with_a_reason(make_state, facts) -> None:
    state = make_state([-3, -1, 0, 1, 5, 12, 40, 95])
    plan = plan_day(
        state,
        policy=Champion(),
        catalogue=CATALOGUE,
        business_date=DAY,
        facts=facts(),
        capacity=ROOM,
        settings=NO_HOLDOUT,
    )
    assert len(plan) == len(state)
    assert plan["reason"].notna().all()
    assert set(plan["status"]) <= {"planned", "no_action", "refused", "no_capacity", "held_out"}


def test_a_borrower_called_to_the_daily_cap_gets_a_text_instead(make_state, facts) -> None:
    # Six unanswered robot calls today: the cn cap on dials to one number is reached.
    state = make_state([10])
    history = _history(
        [(0, f"0{h}:00", "call", "no_answer") for h in range(8, 10)]
        + [(0, f"{h}:00", "call", "no_answer") for h in range(10, 14)]
    )
    plan = plan_day(
        state,
        policy=Champion(),
        catalogue=CATALOGUE,
        business_date=DAY,
        facts=facts(history),
        capacity=ROOM,
        settings=NO_HOLDOUT,
    )
    row = plan.iloc[0]
    assert row["proposed_action"] == "agent_call"
    assert row["gate_rule"] is None or row["status"] == "planned"
    assert row["action"] in ("sms", "app_push")
    assert row["status"] == "planned"


def test_capacity_is_never_exceeded_and_the_largest_risk_wins(make_state, facts) -> None:
    state = make_state([15] * 5, amount_due=[100.0, 5000.0, 300.0, 9000.0, 50.0])
    room = {**ROOM, "agent_call": 2}
    plan = plan_day(
        state,
        policy=Champion(),
        catalogue=CATALOGUE,
        business_date=DAY,
        facts=facts(),
        capacity=room,
        settings=NO_HOLDOUT,
    )
    agents = plan[plan["action"] == "agent_call"]
    assert sorted(agents["loan_id"]) == [1, 3]
    others = plan[plan["loan_id"].isin([0, 2, 4])]
    assert (others["action"] == "robot_call").all()


def test_hold_out_borrowers_are_never_contacted_and_their_propensity_is_the_share(
    make_state, facts
) -> None:
    state = make_state([10] * 2000)
    plan = plan_day(
        state,
        policy=Champion(),
        catalogue=CATALOGUE,
        business_date=DAY,
        facts=facts(),
        capacity=ROOM,
        settings=PlanSettings(holdout_share=0.05),
    )
    held = plan[plan["arm"] == "holdout"]
    assert 60 < len(held) < 140
    assert (held["action"] == "none").all() and (held["status"] == "held_out").all()
    assert np.allclose(held["propensity"], 0.05)
    assert np.allclose(plan.loc[plan["arm"] == "champion", "propensity"], 0.95)


def test_the_same_borrower_stays_in_the_hold_out_every_day(make_state, facts) -> None:
    state = make_state([10] * 500)
    arms = [
        plan_day(
            state,
            policy=Champion(),
            catalogue=CATALOGUE,
            business_date=DAY + dt.timedelta(days=k),
            facts=facts(),
            capacity=ROOM,
        )["arm"]
        for k in range(3)
    ]
    assert (arms[0] == arms[1]).all() and (arms[1] == arms[2]).all()


def test_one_borrower_with_two_late_loans_gets_one_contact(make_state, facts) -> None:
    state = make_state([12, 40])
    state["borrower_id"] = 7
    plan = plan_day(
        state,
        policy=Champion(),
        catalogue=CATALOGUE,
        business_date=DAY,
        facts=facts(),
        capacity=ROOM,
        settings=NO_HOLDOUT,
    )
    assert (plan["status"] == "planned").sum() == 1
    assert "other_loan_contacted_today" in set(plan["reason"])


def test_planned_contacts_fall_inside_their_pools_hours_in_the_borrowers_time(
    make_state, facts
) -> None:
    state = make_state([-1, 5, 12], timezone=["Europe/London", "Asia/Tokyo", "Asia/Shanghai"])
    plan = plan_day(
        state,
        policy=Champion(),
        catalogue=CATALOGUE,
        business_date=DAY,
        facts=facts(),
        capacity=ROOM,
        settings=NO_HOLDOUT,
    )
    for row in plan[plan["status"] == "planned"].itertuples():
        pool = CATALOGUE.pools[CATALOGUE.actions[row.action].pool]
        local = row.planned_at.tz_convert(row.timezone)
        assert local.date() == DAY
        assert pool.start <= local.time() < pool.end


@st.composite
def _days(draw: st.DrawFn, make_state) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = draw(st.integers(1, 25))
    dpd = draw(st.lists(st.integers(-3, 150), min_size=n, max_size=n))
    zones = draw(
        st.lists(
            st.sampled_from(
                ["Asia/Shanghai", "Asia/Tokyo", "Europe/London", "America/Los_Angeles"]
            ),
            min_size=n,
            max_size=n,
        )
    )
    state = make_state(dpd, timezone=zones)
    state["borrower_id"] = draw(st.lists(st.integers(0, max(n - 1, 0)), min_size=n, max_size=n))
    events = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, 23),
                st.sampled_from(["call", "sms"]),
                st.sampled_from(["no_answer", "connected", "conversation", "delivered"]),
            ),
            max_size=40,
        )
    )
    rows = [
        (b, f"{h:02d}:{m:02d}", c, o if c == "call" or o == "delivered" else "delivered")
        for k, (b, h, c, o) in enumerate(events)
        for m in [k % 60]
    ]
    return state, _history(rows)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_the_plan_never_holds_a_contact_the_gate_would_refuse(make_state, facts, data) -> None:
    state, history = data.draw(_days(make_state))
    plan = plan_day(
        state,
        policy=Champion(),
        catalogue=CATALOGUE,
        business_date=DAY,
        facts=facts(history),
        capacity={**ROOM, "agent_call": 5},
        settings=PlanSettings(holdout_share=0.1),
    )
    pack = get_pack("cn")
    planned = plan[(plan["status"] == "planned")]
    for row in planned.itertuples():
        action = CATALOGUE.actions[row.action]
        if not action.is_gated:
            continue
        past = history[history["debtor_id"] == row.borrower_id]
        records = tuple(
            ContactRecord(
                at=e.at.to_pydatetime(),
                channel=e.channel,
                mode=e.mode,
                address=e.address,
                outcome=e.outcome,
            )
            for e in past.itertuples()
        )
        attempt = Attempt(
            at=row.planned_at.to_pydatetime(),
            channel=action.channel,
            mode=action.mode,
            address=row.address,
        )
        verdict = check(attempt, records, Debtor(timezone=row.timezone), pack)
        assert verdict.allowed, (row.action, verdict.reasons)
    # And never more than one contact per borrower, never beyond capacity.
    assert planned["borrower_id"].is_unique
    assert (planned["action"] == "agent_call").sum() <= 5
    assert (plan.loc[plan["arm"] == "holdout", "action"] == "none").all()
