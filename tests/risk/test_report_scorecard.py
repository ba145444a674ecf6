"""Validation, monitoring, report and card of the real scorecard fitted to German credit data."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from fairdebt.risk.card import make_card
from fairdebt.risk.cleaning import make_target
from fairdebt.risk.monitoring import csi_table, monitor
from fairdebt.risk.report import render_monitoring_report, render_validation_report
from fairdebt.risk.scorecard import Scorecard
from fairdebt.risk.validation import evaluate

GERMAN = Path(__file__).parents[2] / "src" / "fairdebt" / "data" / "german_credit.csv"


@pytest.fixture(scope="module")
def german() -> tuple[Scorecard, pd.DataFrame, np.ndarray]:
    frame = pd.read_csv(GERMAN)
    y = make_target(frame["creditability"], "bad", column="creditability")
    X = frame.drop(columns=["creditability"])
    return Scorecard().fit(X, y), X, y


def test_evaluate_agrees_with_scikit_learn_on_the_scorecard(
    german: tuple[Scorecard, pd.DataFrame, np.ndarray],
) -> None:
    model, X, y = german
    result = evaluate(model, X, y)
    assert result["auc"] == pytest.approx(roc_auc_score(y, model.predict_proba(X)[:, 1]))
    assert result["auc"] > 0.75 and result["n"] == 1000 and result["bad_rate"] == 0.3


def test_csi_bins_the_scorecards_features_with_its_own_bins(
    german: tuple[Scorecard, pd.DataFrame, np.ndarray],
) -> None:
    model, X, _ = german
    same = csi_table(model, X, X)
    assert set(same["feature"]) == set(model.binning_tables_)
    assert (same["binning"] == "model").all() and (same["csi"] == 0).all()
    longer = X.assign(duration_in_month=X["duration_in_month"] * 2)
    shifted = monitor(model, X, longer)
    # the built amount per month (credit_amount / duration_in_month) drifts with its source
    alerts = {a["name"] for a in shifted["alerts"] if a["kind"] == "feature"}
    assert alerts == {"duration_in_month", "amount_per_month"}


def test_the_scorecards_reports_show_its_binning_and_alerts(
    german: tuple[Scorecard, pd.DataFrame, np.ndarray],
) -> None:
    model, X, y = german
    text = render_validation_report(model, X, y)
    assert "has no binning tables" not in text
    for feature in model.binning_tables_:
        assert feature in text
    monitoring = render_monitoring_report(model, X, X.assign(age_in_years=X["age_in_years"] + 15))
    parser = HTMLParser()
    parser.feed(monitoring)
    assert 'class="status-alert"' in monitoring and "age_in_years" in monitoring


def test_the_scorecards_card_carries_its_information_values(
    german: tuple[Scorecard, pd.DataFrame, np.ndarray],
) -> None:
    model, X, y = german
    card = make_card(
        model,
        X=X,
        y=y,
        data_path=GERMAN,
        target="creditability",
        bad="bad",
        metrics=evaluate(model, X, y),
    )
    json.dumps(card, allow_nan=False)
    features = {row["name"]: row for row in card["features"]}
    built = {row["name"]: row for row in card["built_features"]["features"]}
    assert set(features) == set(X.columns) and set(built) == {"amount_per_month"}
    for name in model.binning_tables_:
        row = features.get(name, built.get(name))
        assert row is not None and row["used"] and row["iv"] == pytest.approx(model.iv_[name])
