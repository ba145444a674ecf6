"""The scorecard's binning limits: fixed, or chosen on inner folds on a small book only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairdebt.risk import Scorecard
from fairdebt.risk.binlimits import BIN_LIMITS_GRID, BinLimits, choose_bin_limits
from fairdebt.risk.learners import ScorecardLearner


def _book(bads: int, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.array([0] * 1500 + [1] * bads)
    X = pd.DataFrame({"x": rng.normal(0, 1, len(y)) + y, "z": rng.normal(0, 1, len(y))})
    return X, y


def test_fixed_limits_cap_every_feature_s_bins_and_their_share_of_rows(
    german: tuple[pd.DataFrame, np.ndarray],
) -> None:
    X, y = german
    card = Scorecard(features="none", segments="none", bin_limits=(3, 0.1)).fit(X, y)
    assert card.bin_limits_ == BinLimits(3, 0.1) and card.bin_limits_scores_ == {}
    for table in card.binning_tables_.values():
        regular = table.iloc[:-2]
        assert len(regular) <= 3
        assert (regular["count"] >= 0.1 * len(y)).all()


def test_auto_limits_are_a_grid_setting_chosen_by_the_inner_folds_and_the_card_keeps_them(
    german: tuple[pd.DataFrame, np.ndarray],
) -> None:
    X, y = german
    card = Scorecard(features="none", segments="none", bin_limits="auto").fit(X, y)
    assert set(card.bin_limits_scores_) == set(BIN_LIMITS_GRID)
    assert card.bin_limits_ in BIN_LIMITS_GRID
    best = max(card.bin_limits_scores_.values())
    assert card.bin_limits_scores_[card.bin_limits_] >= best - 1e-6
    most, share = card.bin_limits_
    for table in card.binning_tables_.values():
        regular = table.iloc[:-2]
        assert most is None or len(regular) <= most
        assert share is None or (regular["count"] >= share * len(y)).all()


def test_small_chooses_limits_on_a_small_book_and_keeps_none_on_a_larger_one() -> None:
    small = Scorecard(features="none", segments="none", bin_limits="small").fit(*_book(300))
    assert set(small.bin_limits_scores_) == set(BIN_LIMITS_GRID)
    larger = Scorecard(features="none", segments="none", bin_limits="small").fit(*_book(700))
    assert larger.bin_limits_ == BinLimits() and larger.bin_limits_scores_ == {}


def test_the_default_card_keeps_optbinning_s_own_limits_and_chooses_nothing() -> None:
    card = Scorecard(features="none", segments="none").fit(*_book(300))
    assert card.bin_limits == "none"
    assert card.bin_limits_ == BinLimits() and card.bin_limits_scores_ == {}


def test_none_keeps_optbinning_s_own_bins() -> None:
    X, y = _book(300)
    none = Scorecard(features="none", segments="none", bin_limits="none").fit(X, y)
    fixed = Scorecard(features="none", segments="none", bin_limits=(None, None)).fit(X, y)
    assert none.bin_limits_ == BinLimits()
    for column, table in none.binning_tables_.items():
        pd.testing.assert_frame_equal(table, fixed.binning_tables_[column])


def test_a_coarser_setting_must_score_better_to_win_and_ties_go_to_the_finer() -> None:
    y = np.array([0, 1] * 50)

    def level(limits: BinLimits, train: np.ndarray, held: np.ndarray) -> np.ndarray:
        return np.where(y[held] == 1, 1.0, 0.0) if limits == BIN_LIMITS_GRID[0] else y[held] * 1.0

    best, scores = choose_bin_limits(level, y)
    assert best == BIN_LIMITS_GRID[0] and set(scores.values()) == {1.0}

    def coarse_wins(limits: BinLimits, train: np.ndarray, held: np.ndarray) -> np.ndarray:
        noise = np.random.default_rng(0).normal(0, 1, len(held))
        return y[held] * 1.0 + (noise if limits != BIN_LIMITS_GRID[-1] else 0.0)

    best, _ = choose_bin_limits(coarse_wins, y)
    assert best == BIN_LIMITS_GRID[-1]


def test_a_setting_that_is_neither_a_word_nor_a_pair_is_refused() -> None:
    with pytest.raises(ValueError, match="bin_limits must be"):
        Scorecard(bin_limits="coarse").fit(*_book(300))


def test_the_ensemble_s_scorecard_keeps_optbinning_s_own_limits() -> None:
    learner = ScorecardLearner({"special_codes": None, "n_jobs": 1})
    assert learner._model().bin_limits == "none"
