"""``fairdebt cycle ...`` and ``fairdebt export`` from a shell: tables out, errors in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.db import make_engine, upgrade


def test_cycle_commands_close_dates_report_and_export_and_refuse_an_earlier_date(
    tmp_path: Path, factories: ModuleType
) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        factories.make_portfolio(connection)
    engine.dispose()
    runner = CliRunner()

    ran = runner.invoke(
        app, ["cycle", "run", "--date", "2024-02-20", "--to", "2024-03-01", "--database", url]
    )
    assert ran.exit_code == 0, ran.output
    assert "M1" in ran.output and "closed 11 date(s)" in ran.output
    rolls = ["cycle", "rolls", "--from", "2024-02-20", "--to", "2024-03-01", "--by", "balance"]
    shown = runner.invoke(app, [*rolls, "--database", url])
    assert shown.exit_code == 0, shown.output
    assert "迁徙率" in shown.output and "closed" in shown.output

    bad = runner.invoke(app, ["cycle", "run", "--date", "2024-02-30", "--database", url])
    assert bad.exit_code == 2
    assert "field --date: must be a date YYYY-MM-DD (got '2024-02-30')" in bad.stderr

    out = tmp_path / "days.csv"
    exported = runner.invoke(
        app,
        [
            "export",
            "--what",
            "loan_day",
            "--from",
            "2024-03-01",
            "--out",
            str(out),
            "--database",
            url,
        ],
    )
    assert exported.exit_code == 0, exported.output
    assert out.read_text().splitlines()[0].startswith('"business_date","loan_id"')
    assert len(out.read_text().splitlines()) == 1 + 10

    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "fairdebt",
            "cycle",
            "run",
            "--date",
            "2024-02-25",
            "--database",
            url,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert refused.returncode == 2
    message = " ".join(refused.stderr.split())  # rich wraps long lines
    assert "earlier than the last run (2024-03-01); pass --rerun" in message
    assert "Traceback" not in refused.stderr
