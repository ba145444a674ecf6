"""``fairdebt explain``: why collections moved; ``fairdebt explain localize``: where, in a CSV.

``fairdebt explain`` reads the database's dues and closed days and prints, as the last line,
``{"metric", "change_date", "change", "mechanism", "segments", "bridge", ...}``; with ``--out``
it also writes the HTML report. ``fairdebt explain localize`` runs ripple search on a CSV of
leaves and prints ``{"causes": ["a=a1&b=b3", ...]}``, the most likely first.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from fairdebt.cli.db import DatabaseOption, open_database
from fairdebt.cli.guards import read_date
from fairdebt.errors import InputError

__all__ = ["app", "mount"]

app = typer.Typer(
    help="Why did collections move? 催收为何突然增加：时间、机制、客群。",
    invoke_without_command=True,
)

LANGUAGES = ("zh-CN", "en")
OutOption = typer.Option(None, "--out", help="HTML report to write. 报告路径。")
DataOption = typer.Option(..., "--data", help="CSV of leaves. 叶子数据（CSV）。")


@app.callback(invoke_without_command=True)
def explain_command(
    ctx: typer.Context,
    metric: str = typer.Option(
        "entry_rate", "--metric", help="entry_rate (入催率) or dpd30_rate (30+ 余额占比)"
    ),
    start: str | None = typer.Option(None, "--from", help="First due date, YYYY-MM-DD. 起始日。"),
    end: str | None = typer.Option(None, "--to", help="Last due date, YYYY-MM-DD. 截止日。"),
    out: Path | None = OutOption,
    lang: str = typer.Option("zh-CN", "--lang", help="zh-CN or en (the report's language)"),
    database: str | None = DatabaseOption,
) -> None:
    """When the KPI changed, the bridge of the change and the segments behind it. 归因分析。"""
    if ctx.invoked_subcommand is not None:
        return
    from fairdebt.explain import METRICS, explain_dues, read_balances, read_dues

    if metric not in METRICS:
        raise InputError(f"must be one of {', '.join(METRICS)} (got {metric!r})", field="--metric")
    if lang not in LANGUAGES:
        raise InputError(f"must be one of {', '.join(LANGUAGES)} (got {lang!r})", field="--lang")
    since = read_date(start, "--from") if start else None
    until = read_date(end, "--to") if end else None
    if since and until and since > until:
        raise InputError(f"--from {since} is after --to {until}", field="--from")
    engine = open_database(database)
    read = read_balances if metric == "dpd30_rate" else read_dues
    dues = read(engine, from_on=since, to_on=until)
    explanation = explain_dues(dues, metric=metric)
    payload = explanation.as_json()
    if out is not None:
        from fairdebt.explain.report import read_report_tables, write_report

        tables = read_report_tables(engine, dues, explanation)
        write_report(explanation, tables, out, lang=lang)
        payload["report"] = str(out)
    typer.echo(json.dumps(payload, ensure_ascii=False))


@app.command("localize")
def localize_command(
    data: Path = DataOption,
    actual: str | None = typer.Option(None, "--actual", help="Actual value (additive)"),
    expected: str | None = typer.Option(None, "--expected", help="Forecast value (additive)"),
    numerator_actual: str | None = typer.Option(None, "--numerator-actual"),
    numerator_expected: str | None = typer.Option(None, "--numerator-expected"),
    denominator_actual: str | None = typer.Option(None, "--denominator-actual"),
    denominator_expected: str | None = typer.Option(None, "--denominator-expected"),
    dims: str | None = typer.Option(
        None, "--dims", help="Dimension columns a,b,...; default every non-measure column"
    ),
    method: str = typer.Option("ripple", "--method", help="ripple | adtributor (the baseline)"),
) -> None:
    """The smallest set of segments that explains a change. 多维根因定位。"""
    import pandas as pd

    from fairdebt.explain.adtributor import adtributor
    from fairdebt.explain.localize import localize, make_leaves

    if method not in ("ripple", "adtributor"):
        raise InputError(f"must be ripple or adtributor (got {method!r})", field="--method")
    if not data.is_file():
        raise InputError(f"no such file {str(data)!r}", field="--data")
    try:
        frame = pd.read_csv(data, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {data} as CSV ({error})", field="--data") from None
    columns = {
        "actual": actual,
        "expected": expected,
        "numerator_actual": numerator_actual,
        "numerator_expected": numerator_expected,
        "denominator_actual": denominator_actual,
        "denominator_expected": denominator_expected,
    }
    measures = {c for c in columns.values() if c}
    names = [d.strip() for d in dims.split(",") if d.strip()] if dims else None
    chosen = names or [c for c in frame.columns if c not in measures]
    if method == "adtributor":
        causes = adtributor(
            frame, dims=chosen, actual=actual, expected=expected,
            numerator_actual=numerator_actual, numerator_expected=numerator_expected,
            denominator_actual=denominator_actual, denominator_expected=denominator_expected,
        )  # fmt: skip
    else:
        leaves = make_leaves(
            frame, dims=chosen, actual=actual, expected=expected,
            numerator_actual=numerator_actual, numerator_expected=numerator_expected,
            denominator_actual=denominator_actual, denominator_expected=denominator_expected,
        )  # fmt: skip
        causes = localize(leaves)
    typer.echo(json.dumps({"causes": [c.label for c in causes]}, ensure_ascii=False))


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt explain ...``."""
    root.add_typer(app, name="explain")
