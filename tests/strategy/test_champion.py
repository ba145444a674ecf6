"""The rule champion: stage by stage, the least intrusive step lenders take today."""

from __future__ import annotations

import datetime as dt

import numpy as np

from fairdebt.strategy.catalogue import load_catalogue
from fairdebt.strategy.champion import Champion

CATALOGUE = load_catalogue(screen=False)
DAY = dt.date(2025, 3, 3)


def _actions(state) -> list[str]:
    return list(Champion().decide(state, CATALOGUE, business_date=DAY)["action"])


def test_a_low_risk_loan_gets_a_push_the_day_before_and_a_risky_one_a_robot_call_on_the_day(
    make_state,
) -> None:
    state = make_state([-1, -1, 0, 0, -2], score=np.array([0.01, 0.2, 0.01, 0.2, 0.2]))
    assert _actions(state) == ["app_push", "sms", "none", "robot_call", "none"]


def test_m1_starts_with_a_text_then_robots_then_agents(make_state) -> None:
    state = make_state([1, 2, 3, 8, 20], score=np.full(5, 0.1), days_since_rpc=np.zeros(5))
    assert _actions(state) == ["sms", "robot_call", "robot_call", "agent_call", "agent_call"]


def test_an_m1_borrower_nobody_has_reached_for_days_goes_to_an_agent_early(make_state) -> None:
    state = make_state([5, 5], score=np.full(2, 0.1), days_since_rpc=np.array([1, 9]))
    assert _actions(state) == ["robot_call", "agent_call"]


def test_mid_stage_gets_letters_plan_offers_and_visits_for_large_balances(make_state) -> None:
    state = make_state([31, 35, 45, 45, 50], balance=np.array([5e3, 5e3, 2e4, 5e3, 5e3]))
    assert _actions(state) == ["letter", "plan_offer", "field_visit", "agent_call", "agent_call"]


def test_late_accounts_are_placed_with_an_agency_then_worked_by_it(make_state) -> None:
    state = make_state([95, 96], is_placed=np.array([False, True]))
    assert _actions(state) == ["agency_placement", "agency_call"]


def test_a_live_promise_or_a_hold_stops_every_contact(make_state) -> None:
    state = make_state(
        [10, 40, 10],
        promise_open=np.array([True, True, False]),
        is_held=np.array([False, False, True]),
    )
    decided = Champion().decide(state, CATALOGUE, business_date=DAY)
    assert list(decided["action"]) == ["none", "none", "none"]
    assert list(decided["reason"]) == ["promise_open", "promise_open", "on_hold"]


def test_an_action_dropped_from_the_catalogue_is_never_proposed(make_state) -> None:
    actions = {k: v for k, v in CATALOGUE.actions.items() if k != "field_visit"}
    smaller = type(CATALOGUE)(
        actions,
        CATALOGUE.pools,
        CATALOGUE.lender,
        CATALOGUE.pay_how,
        CATALOGUE.help,
        CATALOGUE.tips,
    )
    state = make_state([45], balance=np.array([2e4]))
    decided = Champion().decide(state, smaller, business_date=DAY)
    assert decided["action"].iloc[0] == "none"
    assert decided["reason"].iloc[0] == "action_not_in_catalogue_for_stage"
