"""Off-policy estimates recover a known policy's value in simulation (synthetic bandit logs)."""

from __future__ import annotations

import numpy as np

from fairdebt.strategy.ope import dr, ips

ACTIONS = np.array(["none", "sms", "call"], dtype=object)


def _bandit(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """Logs of a rule with 20 % uniform exploration on top: context, action, propensity, y."""
    x = rng.uniform(0, 1, n)
    rule = np.where(x > 0.5, 2, 1)  # the logging rule: call the riskier half
    explore = rng.uniform(size=n) < 0.2
    drawn = rng.integers(0, 3, n)
    a = np.where(explore, drawn, rule)
    p = 0.8 * (a == rule) + 0.2 / 3
    mean = 10 * x + np.array([0.0, 2.0, 4.0])[a] * (1 - x)  # contact helps the safer more
    y = rng.poisson(mean).astype(np.float64)
    return x, a, p, y


def _target(x: np.ndarray) -> np.ndarray:
    return np.where(x < 0.3, 2, np.where(x < 0.8, 1, 0))  # a different, known policy


def _true_value(x: np.ndarray) -> float:
    t = _target(x)
    return float((10 * x + np.array([0.0, 2.0, 4.0])[t] * (1 - x)).mean())


def test_ips_and_dr_intervals_cover_the_true_value_in_at_least_90_percent_of_runs() -> None:
    rng = np.random.default_rng(20261205)
    covered = {"ips": 0, "dr": 0}
    runs = 200
    for _ in range(runs):
        x, a, p, y = _bandit(rng, 3_000)
        t = _target(x)
        truth = _true_value(rng.uniform(0, 1, 200_000))
        # A deliberately rough outcome model (right shape, wrong slope) for DR.
        q = 9 * x[:, None] + np.array([0.0, 2.0, 4.0])[None, :] * (1 - x[:, None]) + 0.5
        est_ips = ips(ACTIONS[a], p, y, ACTIONS[t])
        est_dr = dr(
            ACTIONS[a],
            p,
            y,
            ACTIONS[t],
            predicted_target=q[np.arange(len(x)), t],
            predicted_logged=q[np.arange(len(x)), a],
        )
        covered["ips"] += est_ips.low <= truth <= est_ips.high
        covered["dr"] += est_dr.low <= truth <= est_dr.high
    assert covered["ips"] / runs >= 0.90
    assert covered["dr"] / runs >= 0.90


def test_dr_interval_is_narrower_than_ips_with_a_useful_outcome_model() -> None:
    rng = np.random.default_rng(7)
    x, a, p, y = _bandit(rng, 20_000)
    t = _target(x)
    q = 10 * x[:, None] + np.array([0.0, 2.0, 4.0])[None, :] * (1 - x[:, None])
    est_ips = ips(ACTIONS[a], p, y, ACTIONS[t])
    est_dr = dr(
        ACTIONS[a],
        p,
        y,
        ACTIONS[t],
        predicted_target=q[np.arange(len(x)), t],
        predicted_logged=q[np.arange(len(x)), a],
    )
    assert est_dr.high - est_dr.low < est_ips.high - est_ips.low


def test_clustered_interval_is_wider_when_rows_of_a_cluster_move_together() -> None:
    rng = np.random.default_rng(3)
    cluster = np.repeat(np.arange(500), 10)
    shared = np.repeat(rng.normal(size=500), 10)
    y = shared + rng.normal(scale=0.1, size=5_000)
    logged = np.full(5_000, "sms", dtype=object)
    plain = ips(logged, np.ones(5_000), y, logged)
    clustered = ips(logged, np.ones(5_000), y, logged, cluster=cluster)
    assert clustered.high - clustered.low > 2 * (plain.high - plain.low)
