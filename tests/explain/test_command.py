"""``fairdebt explain`` on a simulated book in a database: the JSON line, report and panel."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.db import make_engine, upgrade
from fairdebt.explain import MECHANISMS, read_balances, read_dues, web_panel
from fairdebt.simulation import simulate


def test_explain_reads_the_book_and_prints_the_issue_s_json_and_writes_the_report(
    database_url: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    result = simulate(
        engine, borrowers=400, months=5, seed=3, scenario="macro_shock",
        start_on=dt.date(2025, 1, 1), collect=False,
    )  # fmt: skip
    dues = read_dues(engine)
    assert set(dues["entered"].unique()) <= {0, 1}
    assert dues["vintage"].str.fullmatch(r"\d{4}-\d{2}").all()
    report = tmp_path / "report.html"
    answer = CliRunner().invoke(
        app, ["explain", "--database", database_url, "--out", str(report), "--lang", "en"]
    )
    assert answer.exit_code == 0, answer.output
    payload = json.loads(answer.output.strip().splitlines()[-1])
    assert payload["metric"] == "entry_rate" and payload["mechanism"] in MECHANISMS
    assert isinstance(payload["segments"], list)
    assert all("=" in s for s in payload["segments"])
    assert set(MECHANISMS) <= set(payload["bridge"])
    dt.date.fromisoformat(payload["change_date"])
    page = report.read_text(encoding="utf-8")
    assert "data-testid='headline'" in page and "<svg" in page
    panel = web_panel(engine, result.end_on, "zh-CN")
    assert "explain-headline" in panel and "入催率" in panel
    # dpd30_rate: weekly snapshots of the balance; the last one is the ledger's own 30+ share.
    balances = read_balances(engine)
    last = balances[balances["due_on"] == balances["due_on"].max()]
    with engine.connect() as connection:
        ledger = connection.exec_driver_sql(
            "SELECT dpd, principal_outstanding FROM loan_day WHERE business_date = "
            f"'{last['due_on'].iloc[0].date().isoformat()}' AND status = 'active' "
            "AND principal_outstanding > 0"
        ).all()
    share = sum(float(p) for d, p in ledger if d >= 30) / sum(float(p) for _, p in ledger)
    mine = (last["entered"] * last["principal"]).sum() / last["principal"].sum()
    assert abs(mine - share) < 1e-9 and len(last) == len(ledger)
    answer = CliRunner().invoke(
        app, ["explain", "--database", database_url, "--metric", "dpd30_rate", "--out",
              str(tmp_path / "dpd30.html"), "--lang", "en"],
    )  # fmt: skip
    assert answer.exit_code == 0, answer.output
    payload = json.loads(answer.output.strip().splitlines()[-1])
    assert payload["metric"] == "dpd30_rate" and payload["mechanism"] in MECHANISMS
    assert "30+" in (tmp_path / "dpd30.html").read_text(encoding="utf-8")
    engine.dispose()


def test_explain_refuses_an_unknown_metric_with_exit_2(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    engine.dispose()
    answer = CliRunner().invoke(app, ["explain", "--database", sqlite_url, "--metric", "vibes"])
    assert answer.exit_code == 2
    assert "--metric" in answer.output


def test_explain_on_an_empty_book_says_there_is_nothing_to_explain(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    engine.dispose()
    answer = CliRunner().invoke(app, ["explain", "--database", sqlite_url])
    assert answer.exit_code == 2
    assert "nothing to explain" in answer.output
