"""The sequential promotion test stays valid when looked at every day."""

from __future__ import annotations

import numpy as np

from fairdebt.strategy.promotion import confidence_sequence, decide


def test_confidence_sequence_covers_the_true_mean_at_every_step_in_95_percent_of_runs() -> None:
    rng = np.random.default_rng(11)
    runs, misses = 300, 0
    for _ in range(runs):
        x = rng.normal(0.3, 2.0, 400)
        s = confidence_sequence(x)
        misses += bool(((s.low[5:] > 0.3) | (s.high[5:] < 0.3)).any())
    assert misses / runs <= 0.07


def test_a_challenger_with_fewer_contacts_and_equal_recovery_is_promoted() -> None:
    rng = np.random.default_rng(1)
    verdict = decide(
        rng.normal(0.0, 10.0, 2_000),
        rng.normal(-2.0, 1.0, 2_000),
        rng.normal(-0.05, 0.2, 2_000),
        tolerance=2.0,
    )
    assert verdict == "promote"


def test_a_challenger_that_recovers_less_is_stopped() -> None:
    rng = np.random.default_rng(2)
    verdict = decide(
        rng.normal(-5.0, 10.0, 2_000),
        rng.normal(-2.0, 1.0, 2_000),
        rng.normal(0.0, 0.2, 2_000),
        tolerance=1.0,
    )
    assert verdict == "stop"


def test_too_little_evidence_means_continue() -> None:
    rng = np.random.default_rng(3)
    verdict = decide(rng.normal(0.0, 10.0, 20), rng.normal(-0.1, 1.0, 20), rng.normal(0, 0.2, 20))
    assert verdict == "continue"


def test_a_challenger_with_surely_more_complaints_is_stopped_whatever_it_recovers() -> None:
    rng = np.random.default_rng(4)
    verdict = decide(
        rng.normal(1.0, 10.0, 2_000),
        rng.normal(-2.0, 1.0, 2_000),
        rng.normal(0.1, 0.2, 2_000),
        tolerance=1.0,
    )
    assert verdict == "stop"


def test_rare_complaints_that_are_not_surely_higher_do_not_block_promotion() -> None:
    rng = np.random.default_rng(5)
    complaints = rng.choice([-1.0, 0.0, 1.0], p=[0.002, 0.996, 0.002], size=2_000)
    verdict = decide(
        rng.normal(0.0, 10.0, 2_000), rng.normal(-2.0, 1.0, 2_000), complaints, tolerance=2.0
    )
    assert verdict == "promote"
