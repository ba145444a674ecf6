"""``fairdebt report conduct``: the conduct report for regulators and the board.

Reads the period's figures in one read-only session and writes the pages and CSVs into
``--out``; the last line of stdout is one JSON object with the paths and the headline counts.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer

from fairdebt.cli.db import DatabaseOption, open_database
from fairdebt.cli.guards import read_date
from fairdebt.db import make_session
from fairdebt.errors import InputError

__all__ = ["app", "mount"]

OutOption = typer.Option(..., "--out", help="Folder to write into. 输出目录。")
app = typer.Typer(
    help="Reports for regulators and the board. 监管与董事会报告。", no_args_is_help=True
)


@app.command("conduct")
def conduct_command(
    start: str = typer.Option(..., "--from", help="First day, YYYY-MM-DD. 起始日。"),
    end: str = typer.Option(..., "--to", help="Last day, YYYY-MM-DD. 截止日。"),
    out: Path = OutOption,
    lang: str | None = typer.Option(
        None, "--lang", help="zh-CN or en; default both. 语言（默认中英两版）。"
    ),
    database: str | None = DatabaseOption,
) -> None:
    """Contacts and refusals by rule, complaints by cause, agency scorecards, plans.
    催收行为报告。"""
    from fairdebt.conduct import LANGUAGES, read_figures, write_report

    since, until = read_date(start, "--from"), read_date(end, "--to")
    if since > until:
        raise InputError(f"--from {since} is after --to {until}", field="--from")
    if lang is not None and lang not in LANGUAGES:
        raise InputError(f"must be one of {', '.join(LANGUAGES)} (got {lang!r})", field="--lang")
    with make_session(open_database(database)) as session:
        figures = read_figures(session, since=since, until=until)
    paths = write_report(
        figures,
        out,
        generated_at=dt.datetime.now(dt.UTC),
        languages=LANGUAGES if lang is None else (lang,),
    )
    payload = {"since": since.isoformat(), "until": until.isoformat(), **figures.headline()}
    typer.echo(json.dumps(payload | {"files": paths}, ensure_ascii=False))


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt report ...``."""
    root.add_typer(app, name="report")
