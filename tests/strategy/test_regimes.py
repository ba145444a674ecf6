"""Regimes: keyed per-borrower cells, the regime model's JSON, the policy, and a changing world."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fairdebt.errors import InputError
from fairdebt.strategy.catalogue import load_catalogue
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.regime_policy import (
    REGIME_FORMAT,
    RegimeModel,
    RegimePolicy,
    load_regime_model,
    model_format,
)
from fairdebt.strategy.regimes import (
    REGIMES,
    RegimeCells,
    apply_regime,
    estimate,
    observations,
    segment_codes,
)

DAY = dt.date(2025, 3, 3)
CUTS = [[0.02, 0.04]] + [[0.2, 0.5]] * 6


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load_catalogue(screen=False)


def test_regime_cells_are_keyed_by_borrower_reproducible_and_log_their_propensity() -> None:
    borrowers = np.arange(60_000, dtype=np.int64)
    cells = RegimeCells(share=0.4, salt="s1")
    regime, chance = cells.regimes(borrowers, DAY)
    again, _ = cells.regimes(borrowers, DAY + dt.timedelta(days=40))
    assert np.array_equal(regime, again)  # a borrower keeps the regime all run long
    other, _ = RegimeCells(share=0.4, salt="s2").regimes(borrowers, DAY)
    assert (regime != other).mean() > 0.2
    share = np.bincount(regime, minlength=len(REGIMES)) / len(borrowers)
    expected = [0.6 + 0.1, 0.1, 0.1, 0.1]
    assert share == pytest.approx(expected, abs=0.01)
    assert np.allclose(chance, np.where(regime == 0, 0.7, 0.1))
    weekly = RegimeCells(share=1.0, salt="s1", period_days=7, start=DAY)
    first, p = weekly.regimes(borrowers, DAY)
    second, _ = weekly.regimes(borrowers, DAY + dt.timedelta(days=7))
    assert np.array_equal(first, weekly.regimes(borrowers, DAY + dt.timedelta(days=6))[0])
    assert (first != second).mean() > 0.5
    assert np.allclose(p, 0.25)


def test_regime_cells_lighten_the_rules_actions_and_hand_the_loop_their_chance(
    make_state: Callable[..., pd.DataFrame], catalogue: Any
) -> None:
    state = make_state([12] * 400 + [100] * 4)
    cells = RegimeCells(share=1.0, salt="x")
    out = cells.decide(state, catalogue, business_date=DAY)
    regime, chance = cells.regimes(state["borrower_id"].to_numpy(np.int64), DAY)
    rule = Champion().decide(state, catalogue, business_date=DAY)["action"].to_numpy(object)
    expected = apply_regime(rule, state["stage"].to_numpy(object), regime)
    assert np.array_equal(out["action"].to_numpy(object), expected)
    assert np.allclose(out["propensity"], chance)
    early = np.arange(400)
    by = {
        REGIMES[r]: set(out["action"].to_numpy(object)[early][regime[early] == r]) for r in range(4)
    }
    assert by == {
        "rule": {"agent_call"},
        "no_agent": {"robot_call"},
        "messages": {"sms"},
        "none": {"none"},
    }
    assert (out["action"].to_numpy(object)[400:] == rule[400:]).all()  # 91+ keeps its rules


def _model(cells: list[tuple[int, int, int, float, float, float]]) -> RegimeModel:
    """A model from (segment, regime, borrowers, paid, contacts, standard error of paid)."""
    frame = pd.DataFrame(
        [
            {
                "segment": s,
                "regime": r,
                "rows": 3 * n,
                "borrowers": n,
                "paid": paid,
                "contacts": contacts,
                "var_paid": se**2,
                "var_contacts": 0.0,
                "cov": 0.0,
            }
            for s, r, n, paid, contacts, se in cells
        ]
    )
    return RegimeModel(horizon=30, score_cuts=CUTS, cells=frame)


def test_regime_model_round_trips_through_tagged_json_and_refuses_other_files(
    tmp_path: Path,
) -> None:
    model = _model([(9, 0, 200, 500.0, 20.0, 30.0), (9, 3, 210, 480.0, 0.0, 25.0)])
    path = tmp_path / "regime.json"
    model.save(path)
    assert model_format(path) == REGIME_FORMAT
    back = load_regime_model(path)
    assert back.score_cuts == CUTS and back.horizon == 30
    pd.testing.assert_frame_equal(back.cells, model.cells, check_dtype=False)
    assert np.array_equal(RegimePolicy(back).choices(), RegimePolicy(model).choices())
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"kind": "fairdebt.uplift/1"}), encoding="utf-8")
    assert model_format(other) == "fairdebt.uplift/1"
    with pytest.raises(InputError):
        load_regime_model(other)


def test_regime_policy_drops_contacts_only_where_the_logs_say_so_and_keeps_the_rule_elsewhere(
    make_state: Callable[..., pd.DataFrame], catalogue: Any
) -> None:
    state = make_state([10, 10, 20, 40, 100], score=np.array([0.3, 0.3, 0.3, 0.3, 0.3]))
    segments = segment_codes(
        state["stage"].to_numpy(object),
        state["dpd"].to_numpy(np.int64),
        state["score"].to_numpy(np.float64),
        CUTS,
    )
    dpd10, dpd20, dpd40 = (int(s) for s in segments[[0, 2, 3]])
    model = _model(
        [
            # dpd 8-15: calls add nothing the logs can see (precise): nothing at all will do.
            (dpd10, 0, 500, 800.0, 20.0, 10.0),
            (dpd10, 1, 500, 790.0, 18.0, 10.0),
            (dpd10, 2, 500, 795.0, 20.0, 10.0),
            (dpd10, 3, 500, 798.0, 0.0, 10.0),
            # dpd 16-30: an agent call is worth it, a robot call nearly so, messages are not.
            (dpd20, 0, 500, 900.0, 20.0, 10.0),
            (dpd20, 1, 500, 880.0, 20.0, 10.0),
            (dpd20, 2, 500, 600.0, 20.0, 10.0),
            (dpd20, 3, 500, 400.0, 0.0, 10.0),
            # dpd 31-60: "none" looks as good, but on a handful of borrowers.
            (dpd40, 0, 500, 900.0, 20.0, 10.0),
            (dpd40, 3, 8, 950.0, 0.0, 10.0),
        ]
    )
    policy = RegimePolicy(model, cost=5.0, z=2.0, min_borrowers=30)
    out = policy.decide(state, catalogue, business_date=DAY)["action"].tolist()
    assert out == ["none", "none", "robot_call", "agent_call", "agency_placement"]
    held = state.assign(is_held=np.array([False, False, False, True, False]))
    assert policy.decide(held, catalogue, business_date=DAY)["action"].iloc[3] == "none"
    # Without the confidence allowance the near-miss at dpd 16-30 keeps the agent call.
    strict = RegimePolicy(model, cost=5.0, z=0.0).decide(state, catalogue, business_date=DAY)
    assert strict["action"].iloc[2] == "agent_call"
    assert set(RegimePolicy(model).explain()["regime"]) <= set(REGIMES)


def test_regime_estimates_weight_by_propensity_and_cluster_by_borrower() -> None:
    decisions = pd.DataFrame(
        {
            "day": [0, 1, 7, 0, 0],
            "loan_id": [1, 1, 1, 2, 3],
            "borrower_id": [1, 1, 1, 2, 3],
            "stage": ["early"] * 5,
            "dpd": [8, 9, 15, 10, 10],
            "score": [0.3] * 5,
            "regime": [0, 0, 0, 0, 3],
            "regime_propensity": [0.5, 0.5, 0.5, 0.5, 0.25],
            "status": ["planned", "planned", "planned", "planned", "no_action"],
            "action": ["agent_call"] * 4 + ["none"],
            "arm": ["champion"] * 5,
        }
    )
    payments = pd.DataFrame(
        {"day": [3, 9, 2, 60], "loan_id": [1, 1, 3, 3], "amount": [100.0, 50.0, 30.0, 9.0]}
    )
    obs = observations(decisions, payments, horizon=10, score_cuts=CUTS)
    assert len(obs) == 4  # loan 1's second day is the same week
    assert sorted(obs["paid"].tolist()) == [0.0, 30.0, 50.0, 150.0]
    assert obs.loc[obs["regime"] == 3, "weight"].tolist() == [4.0]
    cells = estimate(obs).set_index(["segment", "regime"])
    rule = cells.xs(0, level="regime").iloc[0]
    assert rule["rows"] == 3 and rule["borrowers"] == 2 and rule["var_paid"] > 0


def _learned(world_file: Path | None) -> tuple[RegimePolicy, float]:
    """The policy learned from a tiny book's regime logs (same seed: the same borrowers and
    the same regime cells, only the world differs), and its pooled past-due gap of "none"."""
    from fairdebt.simulation.learning import collect_logs, learn_regimes
    from fairdebt.simulation.world import load_world

    decisions, payments = collect_logs(
        borrowers=8_000, days=90, seeds=[5], regime_share=1.0, world=load_world(world_file)
    )
    model = learn_regimes(decisions, payments, horizon=14, risk_bands=1)
    value, _ = model.value(5.0)
    rows = model.table("rows", fill=0.0)[1:, 3]
    gap = value[1:, 3] - value[1:, 0]
    seen = np.isfinite(gap) & (rows > 0)
    pooled = float((gap[seen] * rows[seen]).sum() / rows[seen].sum())
    # A tiny book has few late borrowers: the logs may judge a cell from 10 of them.
    return RegimePolicy(model, min_borrowers=10), pooled


def test_learned_regime_policy_changes_when_the_world_changes() -> None:
    shipped, shipped_gap = _learned(None)
    hurt, hurt_gap = _learned(Path(__file__).parents[1] / "data" / "worlds" / "calls_hurt.yaml")
    # Where calls add little and press sleeping dogs, leaving late accounts alone costs less
    # in the logs, and the policy learned there leaves more of them alone.
    assert hurt_gap > shipped_gap
    a, b = shipped.choices(), hurt.choices()
    risk_bands = shipped.model.risk_bands
    past_due = slice(risk_bands, None)
    assert not np.array_equal(a, b)
    assert b[past_due].sum() > a[past_due].sum()


def test_strategy_learn_with_a_regime_share_writes_a_regime_model_evaluate_runs_it(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from fairdebt.cli import app

    path = tmp_path / "regime.json"
    learn = ["strategy", "learn", "--out", str(path), "--borrowers", "800", "--days", "60"]
    run = CliRunner().invoke(app, [*learn, "--seeds", "7", "--regime-share", "1"])
    assert run.exit_code == 0, run.output
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["format"] == REGIME_FORMAT and summary["by_arm"].get("explore", 0) == 0
    assert model_format(path) == REGIME_FORMAT
    run = CliRunner().invoke(
        app,
        [
            *("strategy", "evaluate", "--borrowers", "300", "--days", "40", "--seeds", "3"),
            *("--arms", "champion,optimised", "--model", str(path)),
        ],
    )
    assert run.exit_code == 0, run.output
    arms = json.loads(run.stdout.strip().splitlines()[-1])["arms"]
    assert arms["optimised"]["violations"] == 0
    assert arms["optimised"]["contacts"] <= arms["champion"]["contacts"]
