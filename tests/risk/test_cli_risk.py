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
