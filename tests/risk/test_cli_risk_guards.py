"""``fairdebt risk``: the guards on what a model is trained on and read from.

Too few rows of a class, a target with a third value, a number column holding text, an existing
model folder, a metric that cannot be computed, a damaged model folder: each is one clear line
(or a warning), never a traceback and never a silent ``NaN``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from fairdebt.cli import app
from fairdebt.risk.datasets import german_credit_path

RUN = CliRunner()
LABEL = ["--target", "creditability", "--bad", "bad"]


def _invoke(*args: str) -> Result:
    result = RUN.invoke(app, list(args), terminal_width=200)
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def german() -> pd.DataFrame:
    return pd.read_csv(german_credit_path()).head(400)


@pytest.fixture(scope="module")
def model(german: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("risk")
    data = folder / "train.csv"
    german.to_csv(data, index=False)
    out = folder / "model"
    result = _invoke(
        "risk", "train", "--data", str(data), *LABEL, "--model", "scorecard", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    return out


def _csv(frame: pd.DataFrame, path: Path, **kwargs: str) -> str:
    frame.to_csv(path, index=False, **kwargs)  # type: ignore[arg-type]
    return str(path)


def test_training_on_too_few_rows_of_a_class_is_refused_and_the_minimum_is_a_parameter(
    german: pd.DataFrame, tmp_path: Path
) -> None:
    few = pd.concat(
        [german[german.creditability == "good"], german[german.creditability == "bad"].head(8)]
    )
    data = _csv(few, tmp_path / "few.csv")
    args = [
        "risk",
        "train",
        "--data",
        data,
        *LABEL,
        "--model",
        "scorecard",
        "--out",
        str(tmp_path / "m"),
    ]
    refused = _invoke(*args)
    assert refused.exit_code == 2
    assert (
        "field creditability: 8 bad and" in refused.stderr
        and "at least 10 of each" in refused.stderr
    )
    assert not (tmp_path / "m").exists()
    allowed = _invoke(*args, "--min-per-class", "5")
    assert allowed.exit_code == 0, allowed.output


def test_a_target_with_a_third_value_is_refused_naming_the_values(
    german: pd.DataFrame, tmp_path: Path
) -> None:
    typo = german.copy()
    typo.loc[typo.index[:3], "creditability"] = "Good"
    data = _csv(typo, tmp_path / "typo.csv")
    result = _invoke("risk", "cv", "--data", data, *LABEL, "--model", "scorecard", "--folds", "2")
    assert result.exit_code == 2
    assert "the target has 3 distinct values" in result.stderr and "'Good' ×3" in result.stderr


def test_a_number_column_holding_text_gets_a_warning_naming_it_and_the_line(
    german: pd.DataFrame, tmp_path: Path
) -> None:
    frame = german.copy()
    frame["credit_amount"] = frame["credit_amount"].astype(str)
    frame.loc[frame.index[4], "credit_amount"] = "about 5000"
    data = _csv(frame, tmp_path / "text.csv")
    out = tmp_path / "m"
    result = _invoke(
        "risk", "train", "--data", data, *LABEL, "--model", "scorecard", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert (
        "warning: column 'credit_amount' is mostly numbers but holds text in 1 row(s)"
        in result.stderr
    )
    assert "'about 5000' on line 6" in result.stderr


def test_an_existing_model_folder_is_replaced_only_with_force(
    german: pd.DataFrame, model: Path, tmp_path: Path
) -> None:
    data = _csv(german, tmp_path / "g.csv")
    args = ["risk", "train", "--data", data, *LABEL, "--model", "gbm", "--out", str(model)]
    refused = _invoke(*args)
    assert refused.exit_code == 2 and "pass --force to replace it" in refused.stderr
    assert json.loads((model / "manifest.json").read_text())["kind"] == "Scorecard"


def test_a_metric_that_cannot_be_computed_is_printed_as_null_never_nan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from fairdebt.cli.risk import _print_json

    _print_json({"auc": float("nan"), "ks": [1.0, float("inf")], "n": 3})
    assert json.loads(capsys.readouterr().out) == {"auc": None, "ks": [1.0, None], "n": 3}


@pytest.mark.parametrize("damage", ["manifest", "missing-model", "garbage-model", "reasons"])
def test_a_damaged_model_folder_is_named_clearly(
    model: Path, tmp_path: Path, german: pd.DataFrame, damage: str
) -> None:
    import hashlib
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(model, broken)
    if damage == "manifest":
        (broken / "manifest.json").write_text("{not json")
    elif damage == "missing-model":
        (broken / "model.joblib").unlink()
    elif damage == "garbage-model":
        (broken / "model.joblib").write_bytes(b"not a pickle")
        manifest = json.loads((broken / "manifest.json").read_text())
        manifest["sha256"]["model.joblib"] = hashlib.sha256(b"not a pickle").hexdigest()
        (broken / "manifest.json").write_text(json.dumps(manifest))
    else:
        (broken / "reasons.json").write_text("[1, 2")
    data = _csv(german, tmp_path / "g.csv")
    result = _invoke(
        "risk", "score", "--model", str(broken), "--data", data, "--out", str(tmp_path / "s.csv")
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {broken}: the model folder is damaged")


def test_a_gbk_encoded_file_is_read_for_scoring(
    model: Path, german: pd.DataFrame, tmp_path: Path
) -> None:
    frame = german.copy()
    frame["purpose"] = frame["purpose"].str.replace("radio/television", "收音机/电视")
    data = _csv(frame, tmp_path / "gbk.csv", encoding="gbk")
    out = tmp_path / "scores.csv"
    result = _invoke("risk", "score", "--model", str(model), "--data", data, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == len(frame)
