"""``fairdebt risk``: the six commands keep their contract; errors are one line, exit 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fairdebt.cli import app, main
from fairdebt.risk.datasets import german_credit_path

RUN = CliRunner()
GERMAN = str(german_credit_path())
LABEL = ["--target", "creditability", "--bad", "bad"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("risk") / "scorecard"
    result = RUN.invoke(
        app, ["risk", "train", "--data", GERMAN, *LABEL, "--model", "scorecard", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def test_train_writes_a_versioned_folder_with_card_and_reasons(trained: Path) -> None:
    assert {p.name for p in trained.iterdir()} >= {
        "manifest.json",
        "model.joblib",
        "card.json",
        "reasons.json",
    }
    card = json.loads((trained / "card.json").read_text(encoding="utf-8"))
    assert card["data"]["target"] == "creditability" and card["data"]["bad"] == "bad"


def test_evaluate_prints_one_json_object_with_the_contract_keys(trained: Path) -> None:
    result = RUN.invoke(
        app, ["risk", "evaluate", "--model", str(trained), "--data", GERMAN, *LABEL]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)
    assert set(metrics) == {"auc", "ks", "gini", "brier", "ece", "n", "bad_rate"}
    assert metrics["n"] == 1000 and metrics["auc"] > 0.75


def test_score_writes_score_pd_and_four_reason_codes_per_row(trained: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.parquet"
    result = RUN.invoke(
        app, ["risk", "score", "--model", str(trained), "--data", GERMAN, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    scores = pd.read_parquet(out)
    assert len(scores) == 1000
    assert {"score", "pd", "reason_1", "reason_4", "reason_4_zh", "reason_4_en"} <= set(scores)


def test_cv_prints_mean_and_std_of_auc_and_ks_and_the_time(tmp_path: Path) -> None:
    small = tmp_path / "german.parquet"
    pd.read_csv(GERMAN).head(300).to_parquet(small)
    result = RUN.invoke(
        app,
        [
            "risk",
            "cv",
            "--data",
            str(small),
            *LABEL,
            "--model",
            "scorecard",
            "--folds",
            "2",
            "--seed",
            "42",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert {"auc_mean", "auc_std", "ks_mean", "ks_std", "seconds"} <= set(summary)


def test_report_and_monitor_write_html(trained: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = RUN.invoke(
        app,
        ["risk", "report", "--model", str(trained), "--data", GERMAN, *LABEL, "--out", str(report)],
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(GERMAN)
    frame.head(500).to_csv(tmp_path / "expected.csv", index=False)
    frame.tail(500).to_csv(tmp_path / "actual.csv", index=False)
    monitoring = tmp_path / "monitor.html"
    result = RUN.invoke(
        app,
        [
            "risk",
            "monitor",
            "--model",
            str(trained),
            "--expected",
            str(tmp_path / "expected.csv"),
            "--actual",
            str(tmp_path / "actual.csv"),
            "--out",
            str(monitoring),
        ],
    )
    assert result.exit_code == 0, result.output
    assert report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert monitoring.stat().st_size > 1000


def test_a_missing_target_column_is_one_red_line_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "fairdebt",
        "risk",
        "train",
        "--data",
        GERMAN,
        "--target",
        "y",
        "--bad",
        "1",
        "--model",
        "scorecard",
        "--out",
        str(tmp_path / "m"),
    ]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: field y: no such column") and "Traceback" not in err


def test_cross_validation_reports_each_fold_as_it_finishes(german) -> None:
    from fairdebt.risk import Scorecard, cross_validate

    X, y = german
    seen: list[tuple[int, int]] = []
    cross_validate(Scorecard(), X, y, folds=3, seed=1, progress=lambda *step: seen.append(step))
    assert seen == [(1, 3), (2, 3), (3, 3)]


class _Recorder:
    """A model that remembers the rows it was fitted on and scores at random."""

    fitted_on: list[set[int]] = []  # noqa: RUF012 (shared by the clones cross_validate makes)

    def get_params(self, deep: bool = True) -> dict[str, object]:
        return {}

    def set_params(self, **params: object) -> _Recorder:
        return self

    def fit(self, X: pd.DataFrame, y: object) -> _Recorder:
        _Recorder.fitted_on.append(set(X.index))
        return self

    def predict_proba(self, X: pd.DataFrame) -> object:
        import numpy as np

        p = np.random.default_rng(0).random(len(X))
        return np.column_stack([1 - p, p])


def test_grouped_cross_validation_never_tests_a_group_it_trained_on(german) -> None:
    import numpy as np

    from fairdebt.risk import cross_validate

    X, y = german
    groups = np.arange(len(y)) // 4  # four rows per loan, as four observation dates
    _Recorder.fitted_on.clear()
    result = cross_validate(_Recorder(), X, y, folds=5, seed=3, groups=groups)
    assert result["folds"] == 5 and len(_Recorder.fitted_on) == 5
    every = set(range(len(y)))
    for trained_rows in _Recorder.fitted_on:
        trained_groups = set(groups[sorted(trained_rows)])
        tested_groups = set(groups[sorted(every - trained_rows)])
        assert trained_groups.isdisjoint(tested_groups)


def test_cv_by_group_names_the_group_and_refuses_an_unknown_column(tmp_path: Path) -> None:
    frame = pd.read_csv(GERMAN).head(400)
    frame["loan_id"] = [i // 2 for i in range(len(frame))]
    data = tmp_path / "grouped.csv"
    frame.to_csv(data, index=False)
    base = ["risk", "cv", "--data", str(data), *LABEL, "--model", "scorecard", "--folds", "2"]
    result = RUN.invoke(app, [*base, "--drop", "loan_id", "--group", "loan_id"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["group"] == "loan_id" and shown["folds"] == 2 and 0.5 < shown["auc_mean"] <= 1
    missing = RUN.invoke(app, [*base, "--group", "borrower"])
    assert missing.exit_code == 2
    assert "field borrower: no such column" in missing.stderr
