"""The pairs learner: the logit's design plus products of two features, on small books only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdebt.risk import EnsembleModel
from fairdebt.risk.linear import MAX_PAIRS, MIN_PAIR_ROWS, PAIR_C_GRID, PAIR_SCALES, PairDesign

SMALL = {"time_budget": 5.0, "max_trials": 3, "bags": 5, "steps": 10, "n_jobs": 1, "trees": 50}


def test_products_join_two_different_features_each_with_enough_rows(german) -> None:
    X, _ = german
    from fairdebt.risk.cleaning import FrameCleaner

    cleaner = FrameCleaner().fit(X)
    clean = cleaner.transform(X)
    design = PairDesign(kinds=cleaner.kinds_, special_codes=cleaner.special_codes_).fit(clean)
    assert 0 < len(design.pairs_) <= MAX_PAIRS
    assert all(left != right for left, right in design.pairs_)
    linear, _ = design._linear(clean)
    support = [np.count_nonzero(linear[:, i] * linear[:, j]) for i, j in design.products_]
    assert min(support) >= MIN_PAIR_ROWS
    matrix = design.transform(clean, 0.3)
    assert matrix.shape == (len(clean), design.main_.transform(clean).shape[1] + len(design.pairs_))


def test_pairs_chooses_its_penalty_and_product_weight_on_the_inner_folds(german) -> None:
    X, y = german
    model = EnsembleModel(learners=("pairs",), **SMALL).fit(X.iloc[:600], y[:600])
    learner = model.learners_["pairs"]
    assert set(learner.grid_auc_) == {(c, s) for c in PAIR_C_GRID for s in PAIR_SCALES}
    best = max(learner.grid_auc_.values())
    assert learner.grid_auc_[(learner.c_, learner.scale_)] == best
    assert model.settings_["pairs"]["products"] == len(learner.design_.pairs_)


def test_a_book_with_many_bads_leaves_pairs_out_and_says_so() -> None:
    rng = np.random.default_rng(3)
    y = np.array([0] * 1400 + [1] * 600)
    X = pd.DataFrame({"x": rng.normal(0, 1, len(y)) + y, "z": rng.normal(0, 1, len(y))})
    model = EnsembleModel(learners=("logit", "pairs"), **SMALL).fit(X, y)
    assert set(model.weights_) == {"logit"}
    assert any(note.startswith("pairs: left out") for note in model.notes_)
    small = EnsembleModel(learners=("logit", "pairs"), **SMALL).fit(X.iloc[:1600], y[:1600])
    assert set(small.weights_) == {"logit", "pairs"}
