"""Champion and challenger: stable cells in one book, the sequential verdict, the command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fairdebt.errors import InputError
from fairdebt.simulation.challenge import run_challenge
from fairdebt.strategy.challenge import Challenge, daily_increments, verdict
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.policies import NoContact


def _daily(rng: np.random.Generator, days: int, *, recovery_shift: float) -> pd.DataFrame:
    """Per day and arm: 1,000 borrowers a cell, ~¥1 a borrower-day, the challenger
    contacting half as often."""
    rows = []
    for day in range(days):
        base = rng.normal(1000.0, 60.0)  # a shared day effect, as a calendar would give
        rows.append(("champion", day, base + rng.normal(0, 30), 40 + rng.poisson(3), 0))
        rows.append(
            (
                "challenger",
                day,
                base + rng.normal(1000 * recovery_shift, 30),
                20 + rng.poisson(3),
                0,
            )
        )
    return pd.DataFrame(rows, columns=["arm", "day", "recovered", "contacts", "complaints"])


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


def test_an_equal_challenger_with_fewer_contacts_is_promoted_after_enough_days() -> None:
    daily = _daily(np.random.default_rng(1), 200, recovery_shift=0.0)
    sizes = {"champion": 1000, "challenger": 1000}
    judged = verdict(
        daily, sizes, champion="champion", challenger="challenger", tolerance_share=0.05
    )
    assert judged.decision == "promote"
    assert judged.day is not None and judged.day >= 14
    assert judged.sequences["contacts"].high[-1] < 0


def test_a_challenger_that_recovers_a_tenth_less_is_stopped() -> None:
    daily = _daily(np.random.default_rng(2), 200, recovery_shift=-0.1)
    sizes = {"champion": 1000, "challenger": 1000}
    judged = verdict(daily, sizes, champion="champion", challenger="challenger")
    assert judged.decision == "stop"


def test_no_decision_is_taken_on_fewer_days_than_the_minimum() -> None:
    daily = _daily(np.random.default_rng(3), 10, recovery_shift=-0.5)
    sizes = {"champion": 1000, "challenger": 1000}
    judged = verdict(daily, sizes, champion="champion", challenger="challenger")
    assert judged.decision == "continue" and judged.day is None


def test_daily_increments_undo_running_totals_per_arm() -> None:
    cumulative = pd.DataFrame(
        {
            "day": [0, 0, 1, 1],
            "arm": ["a", "b", "a", "b"],
            "recovered": [5.0, 1.0, 8.0, 1.5],
            "contacts": [1, 2, 3, 2],
            "complaints": [0, 0, 1, 0],
        }
    )
    out = daily_increments(cumulative).set_index(["day", "arm"])
    assert out.loc[(1, "a"), "recovered"] == 3.0 and out.loc[(1, "b"), "contacts"] == 0
    assert out.loc[(1, "a"), "complaints"] == 1


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
