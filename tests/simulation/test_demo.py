"""``fairdebt demo`` on a tiny portfolio: the Rich summary prints and the HTML report is written."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from typer.testing import CliRunner

from fairdebt.cli import app


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    saved = os.environ.pop("FAIRDEBT_DATABASE_URL", None)
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)
        if saved is not None:
            os.environ["FAIRDEBT_DATABASE_URL"] = saved


def _fairdebt(*args: str, cwd: Path, columns: int = 160) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fairdebt", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={"COLUMNS": str(columns), "PATH": "/usr/bin:/bin"},
    )


def test_the_demo_replaces_its_database_and_writes_a_self_contained_report(
    tmp_path: Path,
) -> None:
    (tmp_path / "fairdebt-demo.db").write_text("an old file that is not a database")
    result = _fairdebt("demo", "--borrowers", "60", "--months", "2", cwd=tmp_path, columns=80)
    assert result.returncode == 0, result.stderr
    for heading in ("Delinquency by bucket", "Roll rates", "Vintages", "Calibration 校准"):
        assert heading in result.stdout
    # readable in an 80-column terminal: no cell cut to "20…", no line wider than the terminal
    assert "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    # the other commands find the demo database with no URL, as the demo's last lines say
    assert "these commands find the demo database by themselves" in result.stdout
    suggested = [
        line.split() for line in result.stdout.splitlines() if line.startswith("  fairdebt ")
    ]
    assert [words[1:3] for words in suggested] == [
        ["cycle", "kpis"],
        ["cycle", "rolls"],
        ["cycle", "vintages"],
        ["audit", "verify"],
    ]
    runner = CliRunner()
    for words in suggested:  # in process: four more interpreters would only cost time
        with _inside(tmp_path):
            follow = runner.invoke(app, words[1:], env={"COLUMNS": "80"})
        assert follow.exit_code == 0, (words, follow.output)
        assert "using the demo database" in follow.stderr
        assert "…" not in follow.stdout
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".db") == ["fairdebt-demo.db"]
    page = (tmp_path / "fairdebt-demo.html").read_text(encoding="utf-8")
    # Trend, roll rates and vintages; then the collections section's recovery curves and its
    # contacts and complaints per ¥10,000 recovered; then the processes section, whose charts
    # appear where the small book has plans, promises, complaints or placements to show.
    assert page.count("<svg") >= 5
    assert "Plans, promises, complaints and agencies" in page
    assert "演示报告" in page and "demo report" in page
    assert "催收闭环 Collections" in page and "holdout" in page
    # The three arms of issue 11 side by side, on the console and in the report.
    assert "Three arms 三组策略" in result.stdout and "learned 学习" in result.stdout
    assert "Three arms 三组策略对比" in page and "harm per ¥10,000 recovered" in page
    for external in ('src="http', "src='http", 'href="http', "<link", "url(http"):
        assert external not in page  # no external assets: the file stands alone


def test_simulate_refuses_an_unknown_scenario_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    result = _fairdebt(
        "simulate", "--borrowers", "5", "--months", "2", "--scenario", "meteor",
        "--database", url, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "bad_vintage" in result.stderr and "Traceback" not in result.stderr
