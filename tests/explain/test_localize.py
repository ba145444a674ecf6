"""Ripple search names the segments whose leaves moved together; Adtributor is the baseline."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.errors import InputError
from fairdebt.explain import adtributor, localize, make_leaves


def _cube(seed: int, values: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = list(itertools.product(*[[f"{d}{i}" for i in range(values)] for d in "abcd"]))
    frame = pd.DataFrame(rows, columns=list("abcd"))
    frame["predict"] = rng.uniform(50, 500, len(frame)).round()
    frame["real"] = frame["predict"] * (1 + rng.normal(0, 0.01, len(frame)))
    return frame


def _labels(frame: pd.DataFrame, **columns: str) -> list[str]:
    return [c.label for c in localize(make_leaves(frame, dims=list("abcd"), **columns))]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_element_whose_leaves_all_dropped_is_named_exactly(seed: int) -> None:
    frame = _cube(seed)
    inside = (frame["a"] == "a1") & (frame["c"] == "c3")
    frame.loc[inside, "real"] *= 0.4
    assert _labels(frame, actual="real", expected="predict") == ["a=a1&c=c3"]


def test_two_causes_are_both_named_the_larger_first() -> None:
    frame = _cube(4)
    frame.loc[frame["b"] == "b2", "real"] *= 0.2
    frame.loc[(frame["a"] == "a0") & (frame["d"] == "d4"), "real"] *= 0.6
    assert _labels(frame, actual="real", expected="predict") == ["b=b2", "a=a0&d=d4"]


def test_nothing_beyond_noise_gives_no_cause() -> None:
    assert _labels(_cube(5), actual="real", expected="predict") == []


def _ratio_cube(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = _cube(seed, values=4)[list("abcd")]
    frame["den_f"] = rng.integers(200, 2000, len(frame)).astype(float)
    frame["num_f"] = rng.binomial(frame["den_f"].astype(int), 0.05).astype(float)
    frame["den"] = rng.poisson(frame["den_f"]).astype(float)
    frame["num"] = rng.binomial(frame["den"].astype(int), 0.05).astype(float)
    return frame


def test_a_ratio_cause_is_where_the_rate_rose_not_where_the_volume_rose() -> None:
    frame = _ratio_cube(6)
    rng = np.random.default_rng(60)
    grew = frame["c"] == "c1"  # twice the volume at the same rate: no cause
    frame.loc[grew, "den"] *= 2
    frame.loc[grew, "num"] = rng.binomial(frame.loc[grew, "den"].astype(int), 0.05)
    worse = frame["b"] == "b2"  # three times the rate
    frame.loc[worse, "num"] = rng.binomial(frame.loc[worse, "den"].astype(int), 0.15)
    labels = _labels(
        frame,
        numerator_actual="num",
        numerator_expected="num_f",
        denominator_actual="den",
        denominator_expected="den_f",
    )
    assert labels == ["b=b2"]


def test_a_success_share_is_read_through_its_failures() -> None:
    frame = _ratio_cube(7)
    frame["ok"], frame["ok_f"] = frame["den"] - frame["num"], frame["den_f"] - frame["num_f"]
    worse = (frame["a"] == "a3") & (frame["d"] == "d0")
    frame.loc[worse, "ok"] = (frame.loc[worse, "den"] * 0.7).round()
    labels = _labels(
        frame,
        numerator_actual="ok",
        numerator_expected="ok_f",
        denominator_actual="den",
        denominator_expected="den_f",
    )
    assert labels == ["a=a3&d=d0"]


def test_adtributor_names_single_dimension_elements_only() -> None:
    frame = _cube(8)
    frame.loc[frame["b"] == "b1", "real"] *= 0.3
    causes = adtributor(frame, dims=list("abcd"), actual="real", expected="predict")
    assert causes and causes[0].label == "b=b1"
    assert all(len(c.element) == 1 for c in causes)


def test_a_missing_column_is_refused_by_name() -> None:
    with pytest.raises(InputError, match="'nope'"):
        make_leaves(_cube(1), dims=["a", "nope"], actual="real", expected="predict")


def test_a_non_number_is_refused_with_its_row() -> None:
    frame = _cube(1).astype({"real": object})
    frame.loc[3, "real"] = "lots"
    with pytest.raises(InputError, match="row 4"):
        make_leaves(frame, dims=list("abcd"), actual="real", expected="predict")


def test_the_localize_command_prints_the_causes_as_its_last_line(tmp_path: Path) -> None:
    frame = _cube(9)
    frame.loc[frame["d"] == "d2", "real"] *= 1.8
    path = tmp_path / "leaves.csv"
    frame.to_csv(path, index=False)
    result = CliRunner().invoke(
        app,
        ["explain", "localize", "--data", str(path), "--actual", "real", "--expected", "predict"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1]) == {"causes": ["d=d2"]}


def test_the_localize_command_takes_a_ratio_and_chosen_dimensions(tmp_path: Path) -> None:
    frame = _ratio_cube(10)
    frame.loc[frame["a"] == "a2", "num"] = frame.loc[frame["a"] == "a2", "den"] * 0.2
    path = tmp_path / "leaves.csv"
    frame.to_csv(path, index=False)
    result = CliRunner().invoke(
        app,
        [
            "explain", "localize", "--data", str(path), "--dims", "a,b",
            "--numerator-actual", "num", "--numerator-expected", "num_f",
            "--denominator-actual", "den", "--denominator-expected", "den_f",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1]) == {"causes": ["a=a2"]}


def test_the_localize_command_refuses_a_missing_measure_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "leaves.csv"
    _cube(1).to_csv(path, index=False)
    result = CliRunner().invoke(
        app,
        ["explain", "localize", "--data", str(path), "--actual", "gone", "--expected", "predict"],
    )
    assert result.exit_code == 2
    assert "gone" in result.output
