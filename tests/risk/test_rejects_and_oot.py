"""Reject inference and out-of-time validation: the library functions and their commands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.errors import InputError
from fairdebt.risk import Scorecard
from fairdebt.risk.oot import out_of_time, split_by_time
from fairdebt.risk.rejects import hard_cutoff_labels, infer_rejects, parcel_labels
from fairdebt.risk.validation import model_pd

RUN = CliRunner()
LABEL = ["--target", "creditability", "--bad", "bad"]


def _last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def applications(
    german: tuple[pd.DataFrame, np.ndarray],
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """German credit split by an old policy: the riskiest fifth by a plain scorecard rejected."""
    X, y = german
    old_policy = model_pd(Scorecard(features="none").fit(X, y), X)
    rejected = old_policy >= np.quantile(old_policy, 0.8)
    return X, y, rejected


def test_parcelling_gives_each_band_the_accepted_bad_rate_times_the_uplift() -> None:
    rng = np.random.default_rng(1)
    pd_accepted = rng.uniform(0, 0.6, 20_000)
    y_accepted = (rng.uniform(size=20_000) < pd_accepted).astype(int)
    pd_rejected = rng.uniform(0, 0.6, 20_000)
    labels, table = parcel_labels(
        pd_accepted, y_accepted, pd_rejected, bands=4, uplift=1.5, random_state=3
    )
    assert len(table) == 4
    expected = np.clip(table["accepted_bad_rate"] * 1.5, 0, 1)
    observed = table["rejected_bads"] / table["rejected_n"]
    assert np.allclose(observed, expected, atol=0.03)
    assert labels.sum() == table["rejected_bads"].sum()


def test_parcelling_is_reproducible_with_its_seed() -> None:
    rng = np.random.default_rng(2)
    acc, rej = rng.uniform(size=500), rng.uniform(size=300)
    y = (rng.uniform(size=500) < acc).astype(int)
    first, _ = parcel_labels(acc, y, rej, random_state=7)
    again, _ = parcel_labels(acc, y, rej, random_state=7)
    assert (first == again).all()


def test_hard_cutoff_makes_the_highest_pd_rejects_bad_as_many_as_expected() -> None:
    pd_rejected = np.array([0.05, 0.6, 0.3, 0.9, 0.15])
    labels = hard_cutoff_labels(pd_rejected, uplift=1.0)
    assert labels.sum() == round(pd_rejected.sum())
    assert labels[np.argsort(-pd_rejected)[: labels.sum()]].all()
    assert hard_cutoff_labels(pd_rejected, uplift=10.0).all()


@pytest.mark.parametrize("method", ["parcel", "hard-cutoff"])
def test_the_refitted_model_sees_the_rejects_as_riskier_than_the_accepted_only_model_with_an_uplift(
    applications: tuple[pd.DataFrame, np.ndarray, np.ndarray], method: str
) -> None:
    X, y, rejected = applications
    found = infer_rejects(
        Scorecard(features="none"),
        X[~rejected],
        y[~rejected],
        X[rejected],
        method=method,
        uplift=2.0,
        random_state=0,
    )
    summary = found.summary
    assert summary["n_accepted"] == (~rejected).sum() and summary["n_rejected"] == rejected.sum()
    assert summary["rejected_inferred_bad_rate"] > summary["rejected_mean_pd"]
    assert summary["model_mean_pd_rejected"] > summary["rejected_mean_pd"]
    assert found.bands["rejected_n"].sum() == rejected.sum()


def test_rejects_lacking_a_column_of_the_accepted_ones_are_refused_by_name(
    applications: tuple[pd.DataFrame, np.ndarray, np.ndarray],
) -> None:
    X, y, rejected = applications
    with pytest.raises(InputError, match="age_in_years"):
        infer_rejects(
            Scorecard(features="none"),
            X[~rejected],
            y[~rejected],
            X[rejected].drop(columns=["age_in_years"]),
        )


def test_reject_inference_command_saves_the_refitted_model_and_prints_the_bands(
    applications: tuple[pd.DataFrame, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    X, y, rejected = applications
    accepted = X[~rejected].assign(creditability=np.where(y[~rejected] == 1, "bad", "good"))
    accepted.to_csv(tmp_path / "accepted.csv", index=False)
    X[rejected].to_csv(tmp_path / "rejected.csv", index=False)
    out = tmp_path / "model"
    result = RUN.invoke(
        app,
        [
            "risk", "reject-inference", "--accepted", str(tmp_path / "accepted.csv"),
            "--rejected", str(tmp_path / "rejected.csv"), *LABEL, "--model", "scorecard",
            "--out", str(out), "--bands", "5", "--uplift", "1.5",
            "--inferred", str(tmp_path / "inferred.csv"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = _last_json(result.output)
    assert shown["method"] == "parcel" and len(shown["bands"]) == 5
    assert shown["n_rejected"] == rejected.sum()
    card = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert card["reject_inference"]["n_accepted"] == (~rejected).sum()
    inferred = pd.read_csv(tmp_path / "inferred.csv")
    assert set(inferred["inferred_bad"]) <= {0, 1} and inferred["pd"].between(0, 1).all()


def test_reject_inference_command_refuses_an_unknown_method(tmp_path: Path) -> None:
    from fairdebt.risk.datasets import german_credit_path

    result = RUN.invoke(
        app,
        [
            "risk", "reject-inference", "--accepted", str(german_credit_path()),
            "--rejected", str(german_credit_path()), *LABEL, "--model", "scorecard",
            "--out", str(tmp_path / "m"), "--method", "fuzzy",
        ],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--method" in result.output


def test_split_by_time_reads_dates_and_numbers() -> None:
    dates = pd.Series(["2024-01-31", "2024-02-01", "2023-12-01"])
    assert split_by_time(dates, "2024-02-01").tolist() == [False, True, False]
    assert split_by_time(pd.Series([202401, 202402, 202403]), "202402").tolist() == [
        False,
        True,
        True,
    ]


def test_a_time_that_is_neither_a_date_nor_a_number_is_refused_by_row() -> None:
    with pytest.raises(InputError, match="row 2"):
        split_by_time(pd.Series(["2024-01-31", "soon", "2024-03-01"]), "2024-02-01", column="t")
    with pytest.raises(InputError, match="cut"):
        split_by_time(pd.Series([1, 2, 3]), "March")


@pytest.fixture(scope="module")
def drifting(german: tuple[pd.DataFrame, np.ndarray]) -> tuple[pd.DataFrame, np.ndarray]:
    """German credit spread over 2024 by month; from July on, credit amounts are tripled."""
    X, y = german
    rng = np.random.default_rng(5)
    months = pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 12, len(X)) * 31, "D")
    months = months.to_period("M").to_timestamp()
    frame = X.assign(applied_on=months.strftime("%Y-%m-%d"))
    later = months >= pd.Timestamp("2024-07-01")
    frame.loc[later, "credit_amount"] = frame.loc[later, "credit_amount"] * 3
    return frame, y


def test_out_of_time_fits_before_the_cut_and_flags_the_feature_that_drifted(
    drifting: tuple[pd.DataFrame, np.ndarray],
) -> None:
    frame, y = drifting
    result = out_of_time(
        Scorecard(features="none"),
        frame.drop(columns=["applied_on"]),
        y,
        frame["applied_on"],
        cut="2024-07-01",
    )
    later = (pd.to_datetime(frame["applied_on"]) >= "2024-07-01").to_numpy()
    assert result["development"]["n"] == (~later).sum()
    assert result["out_of_time"]["n"] == later.sum()
    assert {p["period"] for p in result["periods"]} == {f"2024-{m:02d}" for m in range(7, 13)}
    assert sum(p["n"] for p in result["periods"]) == later.sum()
    worst = result["csi"][0]
    assert worst["feature"] == "credit_amount" and worst["status"] == "alert"
    assert any(a["name"] == "credit_amount" for a in result["alerts"])


def test_oot_command_prints_both_samples_and_the_drift_as_json(
    drifting: tuple[pd.DataFrame, np.ndarray], tmp_path: Path
) -> None:
    frame, y = drifting
    path = tmp_path / "book.csv"
    frame.assign(creditability=np.where(y == 1, "bad", "good")).to_csv(path, index=False)
    result = RUN.invoke(
        app,
        [
            "risk", "oot", "--data", str(path), *LABEL, "--model", "scorecard",
            "--time-col", "applied_on", "--cut", "2024-07-01", "--period", "Q",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    shown = _last_json(result.output)
    assert {"development", "out_of_time", "auc_drop", "score_psi", "csi", "alerts"} <= set(shown)
    assert shown["time_col"] == "applied_on"
    assert "applied_on" not in {row["feature"] for row in shown["csi"]}
    assert [p["period"] for p in shown["periods"]] == ["2024Q3", "2024Q4"]


def test_oot_command_refuses_a_cut_that_leaves_nothing_after_it(
    drifting: tuple[pd.DataFrame, np.ndarray], tmp_path: Path
) -> None:
    frame, y = drifting
    path = tmp_path / "book.csv"
    frame.assign(creditability=np.where(y == 1, "bad", "good")).to_csv(path, index=False)
    result = RUN.invoke(
        app,
        [
            "risk", "oot", "--data", str(path), *LABEL, "--model", "scorecard",
            "--time-col", "applied_on", "--cut", "2030-01-01",
        ],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "cut" in result.output
