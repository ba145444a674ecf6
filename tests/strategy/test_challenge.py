"""Champion and challenger: stable cells in one book, the sequential verdict, the command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fairdebt.errors import InputError
from fairdebt.simulation.challenge import run_challenge
from fairdebt.strategy.challenge import Challenge, verdict
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.policies import NoContact


def _units(rng: np.random.Generator, n: int, *, recovery_shift: float) -> pd.DataFrame:
    """n borrowers maturing over 100 days, half in each cell; the challenger contacts half
    as often; recovery per borrower skewed as in a book (most pay nothing late)."""
    cell = np.where(rng.random(n) < 0.5, "challenger", "champion")
    late = rng.random(n) < 0.3
    recovered = np.where(late, rng.gamma(2.0, 50.0, n), 0.0)
    recovered = recovered * np.where(cell == "challenger", 1 + recovery_shift, 1.0)
    contacts = rng.poisson(np.where(cell == "challenger", 2.0, 4.0))
    return pd.DataFrame(
        {
            "matured_on": np.sort(rng.integers(0, 100, n)),
            "cell": cell,
            "recovered": recovered,
            "contacts": contacts.astype(float),
            "complaints": np.zeros(n),
        }
    )


def test_cells_keep_each_borrower_in_one_cell_at_the_chosen_share() -> None:
    challenge = Challenge(Champion(), NoContact(), share=0.25)
    ids = np.arange(40_000)
    first, again = challenge.cells(ids), challenge.cells(ids)
    assert (first == again).all()
    assert set(first) == {"champion", "none"}
    assert abs(float((first == "none").mean()) - 0.25) < 0.01


def test_a_challenge_refuses_a_challenger_with_the_champions_name_or_a_share_out_of_range() -> None:
    with pytest.raises(InputError, match="name other than"):
        Challenge(Champion(), Champion())
    with pytest.raises(InputError) as error:
        Challenge(Champion(), NoContact(), share=1.0)
    assert error.value.field == "share"


def test_an_equal_challenger_with_fewer_contacts_is_promoted_once_enough_borrowers_matured() -> (
    None
):
    units = _units(np.random.default_rng(1), 60_000, recovery_shift=0.0)
    judged = verdict(
        units, share=0.5, champion="champion", challenger="challenger", tolerance_share=0.1
    )
    assert judged.decision == "promote"
    assert judged.day is not None and judged.units == 60_000
    assert judged.sequences["contacts"].high[-1] < 0


def test_a_challenger_that_recovers_a_third_less_is_stopped() -> None:
    units = _units(np.random.default_rng(2), 60_000, recovery_shift=-0.33)
    judged = verdict(units, share=0.5, champion="champion", challenger="challenger")
    assert judged.decision == "stop"


def test_no_decision_is_taken_on_fewer_borrowers_than_the_minimum() -> None:
    units = _units(np.random.default_rng(3), 400, recovery_shift=-0.9)
    judged = verdict(units, share=0.5, champion="champion", challenger="challenger")
    assert judged.decision == "continue" and judged.day is None


def test_the_effect_estimate_weights_each_cell_by_its_share() -> None:
    units = pd.DataFrame(
        {
            "matured_on": [1, 1, 2, 2],
            "cell": ["champion", "champion", "challenger", "holdout"],
            "recovered": [10.0, 20.0, 30.0, 99.0],
            "contacts": [4.0, 4.0, 1.0, 0.0],
            "complaints": [0.0, 0.0, 0.0, 0.0],
        }
    )
    judged = verdict(units, share=0.25, champion="champion", challenger="challenger", min_units=1)
    # psi = Y * (A / share - (1 - A) / (1 - share)); the hold-out is not a unit here.
    expected = np.mean([-10 / 0.75, -20 / 0.75, 30 / 0.25])
    assert judged.units == 3
    assert judged.sequences["recovered"].mean[-1] == pytest.approx(expected)
    assert judged.baseline == pytest.approx((10 + 20) / 0.75 / 3)


def test_one_book_holds_the_holdout_and_both_cells_and_never_promotes_a_silent_challenger() -> None:
    result = run_challenge(
        Challenge(Champion(), NoContact(), share=0.5), borrowers=1500, days=90, seed=5
    )
    cells = result.cells.set_index("cell")
    assert set(cells.index) == {"champion", "none", "holdout"}
    assert cells["borrowers"].sum() == 1500
    assert cells.loc["none", "contacts"] == 0 and cells.loc["holdout", "contacts"] == 0
    assert cells.loc["champion", "contacts"] > 0
    assert cells.loc["none", "recovered_per_1000"] < cells.loc["champion", "recovered_per_1000"]
    assert result.violations == 0
    # Contacting nobody has "fewer contacts"; promoting it would be the test's worst error.
    assert result.verdict.decision != "promote"
    assert result.as_json()["decided_on_day"] == result.verdict.day


def test_strategy_challenge_prints_the_cells_and_decision_and_writes_the_report(
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from fairdebt.cli import app

    model = tmp_path / "regime.json"
    learn = ["strategy", "learn", "--out", str(model), "--borrowers", "600", "--days", "60"]
    run = CliRunner().invoke(app, [*learn, "--seeds", "7", "--regime-share", "1"])
    assert run.exit_code == 0, run.output
    report = tmp_path / "challenge.html"
    run = CliRunner().invoke(
        app,
        [
            *("strategy", "challenge", "--model", str(model), "--borrowers", "600"),
            *("--days", "45", "--seed", "3", "--out", str(report)),
        ],
    )
    assert run.exit_code == 0, run.output
    answer = json.loads(run.stdout.strip().splitlines()[-1])
    assert answer["decision"] in {"promote", "stop", "continue"}
    assert set(answer["cells"]) == {"champion", "optimised", "holdout"}
    assert answer["violations"] == 0
    page = report.read_text(encoding="utf-8")
    assert "Champion and challenger 冠军与挑战者" in page and "<svg" in page
