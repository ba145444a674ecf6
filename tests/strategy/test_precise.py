"""Precise collection: exploration cells, the HiGHS assignment and the optimised policy."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fairdebt.strategy.assignment import assign
from fairdebt.strategy.catalogue import load_catalogue
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.logs import training_rows
from fairdebt.strategy.optimised import Optimised
from fairdebt.strategy.planning import EXPLORE, PlanSettings, explore, plan_day
from fairdebt.strategy.uplift import UpliftModel

DAY = dt.date(2025, 3, 3)


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load_catalogue(screen=False)


def test_exploration_cell_draws_only_actions_its_stage_allows_with_uniform_chance(
    make_state: Callable[..., pd.DataFrame], catalogue: Any
) -> None:
    state = make_state([-1, 0, 5, 40, 120] * 2_000)
    settings = PlanSettings(exploration_share=0.3)
    policy = Champion().decide(state, catalogue, business_date=DAY)["action"].to_numpy()
    drawn, cell, chance = explore(
        state,
        policy,
        catalogue,
        business_date=DAY,
        settings=settings,
        held_out=np.zeros(len(state), dtype=bool),
    )
    assert 0.27 < cell.mean() < 0.33
    for stage, rows in state.groupby("stage").groups.items():
        picked = set(drawn[np.asarray(rows)][cell[np.asarray(rows)]])
        assert all(a == "none" or stage in catalogue.actions[a].stages for a in picked)
    k = {
        s: 1 + sum(s in catalogue.actions[a].stages for a in settings.exploration_actions[1:])
        for s in ("pre_due", "early", "mid")
    }
    for stage, size in k.items():
        rows = (state["stage"].to_numpy() == stage) & cell
        assert np.allclose(chance[rows], 1 / size)


def test_plan_logs_the_marginal_propensity_of_every_logged_action(
    make_state: Callable[..., pd.DataFrame], facts: Callable[..., Any], catalogue: Any
) -> None:
    state = make_state([2] * 3_000)
    settings = PlanSettings(holdout_share=0.1, exploration_share=0.2)
    plan = plan_day(
        state,
        policy=Champion(),
        catalogue=catalogue,
        business_date=DAY,
        facts=facts(),
        capacity={"robot_call": 10_000, "sms_gateway": 10_000, "push_gateway": 10_000},
        settings=settings,
    )
    explored = plan["arm"].to_numpy() == EXPLORE
    assert 0.15 < explored.mean() < 0.21
    k = 1 + sum("early" in catalogue.actions[a].stages for a in settings.exploration_actions[1:])
    robot = plan["proposed_action"].to_numpy() == "robot_call"
    # The champion robot-calls at dpd 2: that action's chance mixes the rule and the cell.
    expected = 0.9 * (0.8 + 0.2 / k)
    assert np.allclose(plan["propensity"].to_numpy()[robot & (plan["arm"] != "holdout")], expected)
    other = explored & ~robot & (plan["proposed_action"].to_numpy() != "none")
    assert np.allclose(plan["propensity"].to_numpy()[other], 0.9 * 0.2 / k)


def test_assignment_matches_exhaustive_search_on_a_small_day() -> None:
    rng = np.random.default_rng(5)
    values = rng.normal(1, 2, (6, 3))
    values[0, 2] = -np.inf
    pools, room, harm = ["a", "a", "b"], {"a": 2, "b": 1}, [1.0, 2.0, 3.0]
    best = -np.inf
    for choice in itertools.product(range(-1, 3), repeat=6):
        picks = [(i, a) for i, a in enumerate(choice) if a >= 0]
        if any(not np.isfinite(values[i, a]) for i, a in picks):
            continue
        used = {p: sum(pools[a] == p for _, a in picks) for p in room}
        if any(used[p] > room[p] for p in room) or sum(harm[a] for _, a in picks) > 5:
            continue
        best = max(best, sum(values[i, a] for i, a in picks))
    result = assign(values, pools=pools, room=room, harm=harm, harm_budget=5)
    assert result.objective == pytest.approx(best, rel=1e-6) or result.objective <= result.bound
    assert result.bound >= best - 1e-6
    assert result.objective >= best * (1 - result.gap) - 1e-6


def test_assignment_keeps_every_pool_and_the_harm_budget_and_reports_its_gap() -> None:
    rng = np.random.default_rng(11)
    for n in (3_000, 50_000):  # the whole LP, then prices from a sampled LP
        values = rng.normal(0.5, 1, (n, 4))
        pools = [None, "p", "q", "q"]
        room = {"p": n * 0.1, "q": n * 0.05}
        result = assign(
            values, pools=pools, room=room, harm=[0.1, 1, 2, 3], harm_budget=n * 0.3, sample=10_000
        )
        chosen = result.choice
        assert (chosen == 1).sum() <= room["p"]
        assert np.isin(chosen, [2, 3]).sum() <= room["q"]
        harm = np.array([0.1, 1, 2, 3])[chosen[chosen >= 0]].sum()
        assert harm <= n * 0.3 + 1e-6
        assert 0 <= result.gap < 0.01


def test_training_rows_count_what_was_carried_out_and_paid_within_the_horizon() -> None:
    decisions = pd.DataFrame(
        {
            "day": [0, 0, 3],
            "loan_id": [1, 2, 1],
            "action": ["agent_call", "sms", "none"],
            "status": ["planned", "refused", "no_action"],
            "propensity": [1.0, 1.0, 1.0],
            "arm": ["champion"] * 3,
        }
    )
    payments = pd.DataFrame({"day": [2, 4, 20], "loan_id": [1, 1, 2], "amount": [5.0, 7.0, 9.0]})
    rows = training_rows(decisions, payments, horizon=3)
    assert rows["treatment"].tolist() == ["agent_call", "none", "none"]
    assert rows["outcome"].tolist() == [5.0, 0.0, 7.0]


def _synthetic_rows(
    rng: np.random.Generator, n: int, call_effect: float, noise: float = 30.0
) -> pd.DataFrame:
    dpd = rng.integers(1, 60, n)
    treatment = rng.choice(np.array(["none", "sms", "agent_call"], dtype=object), n)
    effect = np.where(treatment == "agent_call", call_effect, 0.0)
    effect += np.where(treatment == "sms", 20.0, 0.0)
    outcome = np.maximum(rng.normal(200 - 2 * dpd + effect, noise), 0)
    return pd.DataFrame(
        {
            "stage": np.where(dpd <= 30, "early", "mid"),
            "dpd": dpd,
            "amount_due": 1000.0,
            "balance": 8000.0,
            "score": 0.3,
            "worst_dpd_90": dpd,
            "payments_90": 1,
            "days_since_payment": dpd,
            "months_on_book": 3,
            "promise_open": False,
            "promises_broken": 0,
            "contacts_7": 0,
            "reached_7": 0,
            "days_since_rpc": 999,
            "is_placed": False,
            "is_held": False,
            "treatment": treatment,
            "outcome": outcome,
            "propensity": 1 / 3,
        }
    )


def test_optimised_policy_calls_where_the_logs_say_calls_pay_and_not_where_they_do_not(
    make_state: Callable[..., pd.DataFrame], catalogue: Any
) -> None:
    rng = np.random.default_rng(2)
    pays = UpliftModel(n_estimators=60, min_child_samples=50).fit(_synthetic_rows(rng, 6_000, 120))
    hurts = UpliftModel(n_estimators=60, min_child_samples=50).fit(_synthetic_rows(rng, 6_000, -60))
    state = make_state([10, 20, 40, 50])
    room = {"agent_call": 100, "sms_gateway": 100}
    a = Optimised(pays, capacity=room, weekly_contacts=None).decide(
        state, catalogue, business_date=DAY
    )
    b = Optimised(hurts, capacity=room, weekly_contacts=None).decide(
        state, catalogue, business_date=DAY
    )
    assert (a["action"] == "agent_call").sum() > (b["action"] == "agent_call").sum()
    assert not (b["action"] == "agent_call").any()


def test_optimised_policy_never_exceeds_a_pools_room_or_the_weekly_contact_cap(
    make_state: Callable[..., pd.DataFrame], catalogue: Any
) -> None:
    rng = np.random.default_rng(4)
    model = UpliftModel(n_estimators=40, min_child_samples=50).fit(_synthetic_rows(rng, 4_000, 150))
    contacts = np.tile([0, 9], 50)
    state = make_state([12] * 100, contacts_7=contacts)
    policy = Optimised(model, capacity={"agent_call": 7}, weekly_contacts=6)
    out = policy.decide(state, catalogue, business_date=DAY)
    assert (out["action"] == "agent_call").sum() <= 7
    assert (out["action"].to_numpy()[contacts >= 6] == "none").all()
    assert policy.last_ is not None and policy.last_.gap < 0.01


def test_uplift_standard_error_grows_with_noise_and_shrinks_with_more_logs() -> None:
    rng = np.random.default_rng(5)
    few = UpliftModel(n_estimators=20, min_child_samples=50).fit(_synthetic_rows(rng, 3_000, 0))
    many = UpliftModel(n_estimators=20, min_child_samples=50).fit(_synthetic_rows(rng, 30_000, 0))
    noisy = UpliftModel(n_estimators=20, min_child_samples=50).fit(
        _synthetic_rows(rng, 3_000, 0, noise=300)
    )
    state = _synthetic_rows(rng, 50, 0)
    se = {k: m.uplift_se(state, "sms").mean() for k, m in [("few", few), ("many", many)]}
    assert se["many"] < se["few"] / 2
    assert noisy.uplift_se(state, "sms").mean() > 5 * se["few"]


def test_confident_policy_keeps_the_rules_contacts_the_logs_cannot_judge_and_drops_the_rest(
    make_state: Callable[..., pd.DataFrame], catalogue: Any
) -> None:
    # Calls take 20 yuan of payment away (they cost 4): a point estimate drops the rule's
    # calls; with a confidence bound they go only where the logs are precise enough to say so.
    rng = np.random.default_rng(6)
    precise = UpliftModel(n_estimators=60, min_child_samples=50).fit(
        _synthetic_rows(rng, 30_000, -20)
    )
    vague = UpliftModel(n_estimators=60, min_child_samples=50).fit(
        _synthetic_rows(rng, 3_000, -20, noise=600)
    )
    state = make_state([12, 20, 25, 33, 38, 52])
    rule = Champion().decide(state, catalogue, business_date=DAY)["action"]
    assert (rule == "agent_call").sum() >= 4

    def calls(model: UpliftModel, z: float) -> int:
        policy = Optimised(model, capacity={"agent_call": 100}, weekly_contacts=None, confidence=z)
        return int(
            (policy.decide(state, catalogue, business_date=DAY)["action"] == "agent_call").sum()
        )

    assert calls(precise, 1.64) == 0
    assert 2 * calls(vague, 1.64) >= (rule == "agent_call").sum()
    assert calls(vague, 0.0) < calls(vague, 1.64)
