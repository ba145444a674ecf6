"""Learning from simulated logs: the policy learned depends on the world that made the logs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from fairdebt.simulation.learning import collect_logs, learn
from fairdebt.simulation.world import load_world
from fairdebt.strategy.catalogue import load_catalogue
from fairdebt.strategy.optimised import Optimised
from fairdebt.strategy.uplift import UpliftModel

WORLDS = Path(__file__).parents[1] / "data" / "worlds"


@pytest.fixture(scope="module")
def catalogue():  # type: ignore[no-untyped-def]
    return load_catalogue(screen=False)


def _learned(world_file: Path | None, catalogue):  # type: ignore[no-untyped-def]
    decisions, payments = collect_logs(
        borrowers=700,
        days=90,
        seeds=[31],
        world=load_world(world_file),
        catalogue=catalogue,
        exploration_share=0.5,
    )
    small = UpliftModel(n_estimators=60, min_child_samples=40, min_rows=100)
    return decisions, learn(decisions, payments, horizon=10, model=small)


@pytest.fixture(scope="module")
def shipped(catalogue):  # type: ignore[no-untyped-def]
    return _learned(None, catalogue)


@pytest.fixture(scope="module")
def calls_hurt(catalogue):  # type: ignore[no-untyped-def]
    return _learned(WORLDS / "calls_hurt.yaml", catalogue)


def test_logs_hold_exploration_cells_and_positive_propensities(shipped) -> None:  # type: ignore[no-untyped-def]
    decisions, _ = shipped
    arms = set(decisions["arm"])
    assert {"explore", "holdout", "champion"} <= arms
    p = decisions["propensity"].to_numpy()
    assert (p > 0).all() and (p <= 1 + 1e-12).all()


def test_the_learned_policy_calls_less_in_a_world_where_calls_hurt(
    shipped,
    calls_hurt,
    catalogue,  # type: ignore[no-untyped-def]
) -> None:
    decisions, model_shipped = shipped
    _, model_hurt = calls_hurt
    # The same accounts judged by each world's learned policy: past-due days of the log.
    state = decisions[decisions["stage"].isin(["early", "mid"])].drop_duplicates("loan_id")
    state = state.assign(timezone="Asia/Shanghai").reset_index(drop=True)
    calls = {}
    for name, model in (("shipped", model_shipped), ("hurt", model_hurt)):
        policy = Optimised(model, anchored=False, weekly_contacts=None)
        chosen = policy.decide(state, catalogue, business_date=dt.date(2025, 3, 1))["action"]
        calls[name] = int(np.isin(chosen.to_numpy(), ["agent_call", "robot_call"]).sum())
    assert calls["hurt"] < calls["shipped"]
