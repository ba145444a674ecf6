"""Collection-score samples read from closed days: who was late, what was known, what came next."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from fairdebt import cycle
from fairdebt.cli import app
from fairdebt.cycle.samples import TARGETS, collection_sample
from fairdebt.db import make_engine, upgrade
from fairdebt.errors import InputError
from fairdebt.models import AllocationLine, Installment, LoanDay
from fairdebt.simulation import simulate

AT = dt.datetime(2024, 7, 1, 18, 0, tzinfo=dt.UTC)
D = dt.date
DATES = [D(2024, 2, 20), D(2024, 3, 1), D(2024, 3, 15)]


@pytest.fixture(scope="module")
def closed(portfolio_db: tuple[Engine, dict[str, int]]) -> tuple[Engine, dict[str, int]]:
    """The story portfolio with 2024-02-01 .. 2024-04-30 closed."""
    engine, loans = portfolio_db
    cycle.run_range(engine, start=D(2024, 2, 1), end=D(2024, 4, 30), at=AT)
    return engine, loans


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _oracle(engine: Engine, day: dt.date, horizon: int) -> dict[int, dict[str, Any]]:
    """The targets and payment features of each late loan, read row by row from the tables."""
    end = day + dt.timedelta(days=horizon)
    order = [*cycle.DEFAULT_SCHEME.names]
    with engine.connect() as connection:
        days = connection.execute(select(LoanDay)).all()
        lines = connection.execute(
            select(Installment.loan_id, AllocationLine.effective_on, AllocationLine.amount).join(
                Installment, Installment.id == AllocationLine.installment_id
            )
        ).all()
    on = {(r.loan_id, _day(r.business_date)): r for r in days}
    paid: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    for loan_id, effective_on, amount in lines:
        paid[loan_id].append((_day(effective_on), float(amount)))
    out = {}
    for (loan_id, when), row in on.items():
        if when != day or row.dpd < 1 or row.status != "active":
            continue
        later = on.get((loan_id, end))
        rank = (
            None
            if later is None
            else len(order) + 1
            if later.status == "charged_off"
            else order.index(later.bucket)
        )
        flows = paid[loan_id]
        out[loan_id] = {
            "rolled": int(rank is not None and rank > order.index(row.bucket)),
            "cured": int(later is None or later.dpd == 0),
            "paid": int(sum(a for d, a in flows if day < d <= end) > 0),
            "paid_30d": sum(a for d, a in flows if day - dt.timedelta(days=30) < d <= day),
            "bucket": row.bucket,
            "dpd": row.dpd,
            "is_held": int(bool(row.is_held)),
        }
    return out


@pytest.mark.parametrize("kind", ["roll", "cure", "pay"])
def test_every_late_loans_target_and_features_agree_with_the_closed_days(
    closed: tuple[Engine, dict[str, int]], compute: str, kind: Any
) -> None:
    engine, _ = closed
    sample = collection_sample(engine, as_of=DATES, kind=kind, compute=compute)
    target = TARGETS[kind]
    assert list(sample.columns)[-1] == target
    assert set(TARGETS.values()) & set(sample.columns) == {target}
    for day in DATES:
        expected = _oracle(engine, day, 30)
        rows = sample[sample["as_of"] == pd.Timestamp(day)].set_index("loan_id")
        assert sorted(rows.index) == sorted(expected)
        for loan_id, truth in expected.items():
            row = rows.loc[loan_id]
            assert row[target] == truth[target], (day, loan_id)
            assert (row["bucket"], row["dpd"]) == (truth["bucket"], truth["dpd"])
            assert row["is_held"] == truth["is_held"]
            assert row["paid_30d"] == pytest.approx(truth["paid_30d"])


def test_the_stories_come_out_as_told(closed: tuple[Engine, dict[str, int]]) -> None:
    engine, loans = closed
    day = [D(2024, 2, 20)]
    samples = {
        kind: collection_sample(engine, as_of=day, kind=kind).set_index("loan_id")
        for kind in TARGETS
    }
    never = loans["never_pays"]
    assert samples["roll"].loc[never, "rolled"] == 1
    assert samples["cure"].loc[never, "cured"] == 0
    assert samples["pay"].loc[never, "paid"] == 0
    assert pd.isna(samples["pay"].loc[never, "days_since_payment"])  # never paid: missing
    # a plan alone does not cure: the restructured loan keeps its days until it re-ages
    again = loans["restructured"]
    assert samples["cure"].loc[again, "cured"] == 0
    assert samples["roll"].loc[again, "rolled"] == 0
    # a loan on hold is sampled with its hold flag; a charged-off loan is not sampled
    assert samples["roll"].loc[loans["held"], "is_held"] == 1
    assert loans["charged_off"] not in samples["roll"].index


def test_a_sample_needs_closed_dates_a_known_kind_and_a_positive_horizon(
    closed: tuple[Engine, dict[str, int]],
) -> None:
    engine, _ = closed
    with pytest.raises(InputError, match="2024-05-15 has not been closed") as error:
        collection_sample(engine, as_of=[D(2024, 4, 15)], kind="roll")
    assert error.value.field == "date"
    with pytest.raises(InputError, match="kind must be one of") as error:
        collection_sample(engine, as_of=DATES, kind="bounce")  # type: ignore[arg-type]
    assert error.value.field == "kind"
    with pytest.raises(InputError, match="at least 1 day"):
        collection_sample(engine, as_of=DATES, kind="roll", horizon_days=0)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('samples')}/sim.db"
    engine = make_engine(url)
    upgrade(engine)
    simulate(engine, borrowers=1500, months=5, seed=3, start_on=D(2025, 1, 1))
    engine.dispose()
    return url


def test_a_pay_sample_from_the_cli_trains_a_scorecard_that_ranks_payers(
    simulated: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "pay.csv"
    dates = [f"2025-03-{d:02d}" for d in (1, 8, 15, 22, 29)]
    as_of = [a for d in dates for a in ("--as-of", d)]
    where = ["--out", str(out), "--database", simulated]
    made = runner.invoke(app, ["risk", "samples", *as_of, "--kind", "pay", *where])
    assert made.exit_code == 0, made.output
    assert "fairdebt risk train --data" in made.output and "--target paid" in made.output
    assert "--group loan_id" in made.output
    sample = pd.read_csv(out)
    assert sample["as_of"].nunique() == len(dates) and 0 < sample["paid"].mean() < 1
    model = tmp_path / "model"
    train = ["risk", "train", "--data", str(out), "--target", "paid", "--bad", "1"]
    drop = ["--drop", "loan_id", "--drop", "as_of"]
    trained = runner.invoke(app, [*train, "--model", "scorecard", "--out", str(model), *drop])
    assert trained.exit_code == 0, trained.output
    assert "training AUC" in trained.output
    auc = float(trained.output.split("training AUC ")[1].split(";")[0])
    assert auc > 0.6


def test_the_samples_command_names_a_bad_date_or_kind(simulated: str, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["risk", "samples", "--out", str(tmp_path / "x.csv"), "--database", simulated]
    bad_date = runner.invoke(app, [*base, "--as-of", "2025-02-30", "--kind", "roll"])
    assert bad_date.exit_code == 2 and "error: field --as-of: " in bad_date.stderr
    bad_kind = runner.invoke(app, [*base, "--as-of", "2025-03-01", "--kind", "bounce"])
    assert bad_kind.exit_code == 2 and "error: field --kind: " in bad_kind.stderr


def test_a_sample_reports_each_observation_date_as_it_finishes(
    closed: tuple[Engine, dict[str, int]],
) -> None:
    seen: list[tuple[int, int]] = []
    collection_sample(closed[0], as_of=DATES, kind="pay", progress=lambda *s: seen.append(s))
    assert seen == [(1, 3), (2, 3), (3, 3)]
