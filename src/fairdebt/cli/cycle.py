"""``fairdebt cycle ...`` and ``fairdebt export``: the daily close of business and its reports.

The edge of :mod:`fairdebt.cycle`: it reads settings and the clock (the audit time of a run,
and today's date, so that a date more than a day in the future is refused unless
``--allow-future``), parses dates into clear errors, asks for ``--yes`` before closing more than
a year of dates, shows progress while a range of dates is closed, and prints tables in English
and Chinese that stay readable at 80 columns.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from fairdebt.cli.db import DatabaseOption, open_database
from fairdebt.cli.guards import (
    AllowFutureOption,
    YesOption,
    actor_option,
    read_date,
    refuse_future,
    refuse_long_range,
    today,
)
from fairdebt.errors import InputError
from fairdebt.terminal import print_table

__all__ = ["app", "mount"]

app = typer.Typer(
    help="The daily cycle: dpd, buckets, roll rates. 日终批处理。", no_args_is_help=True
)

EngineOption = typer.Option(
    "duckdb", "--engine", help="Compute engine: duckdb (default) or native. 计算引擎。"
)


def _date(value: str | None, option: str) -> dt.date | None:
    return None if value is None else read_date(value, option)


def _required_date(value: str, option: str) -> dt.date:
    return read_date(value, option)


def _engine(database: str | None) -> Engine:
    return open_database(database)


@app.command("run")
def run_command(
    date: str = typer.Option(..., "--date", help="Business date YYYY-MM-DD. 业务日期。"),
    to: str | None = typer.Option(None, "--to", help="Close every date up to this one. 截止日期。"),
    rerun: bool = typer.Option(False, "--rerun", help="Recompute closed dates. 重跑。"),
    engine: str = EngineOption,
    metric: str = typer.Option(
        "dpd", "--metric", help="Bucket by dpd or delinquent_days. 分档口径。"
    ),
    database: str | None = DatabaseOption,
    actor: str = actor_option("cycle", "Who runs it (audit). 操作人。"),
    allow_future: bool = AllowFutureOption,
    yes: bool = YesOption,
) -> None:
    """Close business dates: dpd, buckets, loan_day rows. 跑批：逾期天数、账龄分档。

    A date more than a day after today is refused unless --allow-future (a future close would
    make every later normal run need --rerun); more than a year of dates needs --yes.
    """
    from fairdebt import cycle

    start = _required_date(date, "--date")
    end = _date(to, "--to") or start
    now = today()
    refuse_future(start, "--date", today=now, allow_future=allow_future)
    refuse_future(end, "--to", today=now, allow_future=allow_future)
    if end < start:
        raise InputError(f"must not be before --date {start} (got {end})", field="--to")
    refuse_long_range(start, end, yes=yes)
    if engine not in ("duckdb", "native"):
        raise InputError(f"must be duckdb or native (got {engine!r})", field="--engine")
    if metric not in ("dpd", "delinquent_days"):
        raise InputError(
            f"--metric must be dpd or delinquent_days (got {metric!r})", field="--metric"
        )
    scheme = cycle.DEFAULT_SCHEME.with_metric(metric)  # type: ignore[arg-type]
    at = dt.datetime.now(dt.UTC)
    total = (end - start).days + 1
    with Progress(
        TextColumn("[bold]closing dates 跑批[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("cycle", total=total)
        results = cycle.run_range(
            _engine(database),
            start=start,
            end=end,
            compute=engine,
            rerun=rerun,
            scheme=scheme,
            actor=actor,
            at=at,
            progress=lambda done, _total: bar.update(task, completed=done),
        )
    last = results[-1]
    table = Table(title=f"{last.business_date} · {last.loan_count} loans 笔 · {engine}")
    table.add_column("bucket 分档")
    table.add_column("loans 笔数", justify="right")
    for bucket in scheme.names:
        table.add_row(bucket, str(last.bucket_counts.get(bucket, 0)))
    console = Console()
    console.print(table)
    console.print(f"closed {len(results)} date(s) 已完成 {len(results)} 个业务日")


def _print_frame(frame: pd.DataFrame, title: str, *, percent: bool = True) -> None:
    rows = [
        (
            str(label),
            [
                "" if isinstance(v, float) and math.isnan(v) else f"{v:.1%}" if percent else f"{v}"
                for v in row
            ],
        )
        for label, row in frame.iterrows()
    ]
    print_table(
        Console(),
        title=title,
        label=str(frame.index.name or ""),
        columns=[str(c) for c in frame.columns],
        rows=rows,
    )


@app.command("rolls")
def rolls_command(
    from_date: str = typer.Option(..., "--from", help="From date. 起始日期。"),
    to_date: str = typer.Option(..., "--to", help="To date. 截止日期。"),
    by: str = typer.Option("count", "--by", help="count or balance. 按笔数或余额。"),
    database: str | None = DatabaseOption,
) -> None:
    """The roll-rate matrix between two closed dates. 迁徙率矩阵。"""
    from fairdebt import cycle

    start, end = _required_date(from_date, "--from"), _required_date(to_date, "--to")
    if by not in ("count", "balance"):
        raise InputError(f"--by must be count or balance (got {by!r})", field="--by")
    matrix = cycle.roll_rates(_engine(database), from_date=start, to_date=end, by=by)  # type: ignore[arg-type]
    _print_frame(matrix, f"roll rates 迁徙率 {start} → {end} (by {by})")


KPI_LABELS = {
    "loans": "active loans 在贷笔数",
    "principal_outstanding": "principal outstanding 在贷余额",
    "dpd1_count_rate": "1+ dpd by count 逾期率(笔数)",
    "dpd1_balance_rate": "1+ dpd by balance 逾期率(余额)",
    "dpd30_count_rate": "30+ dpd by count",
    "dpd30_balance_rate": "30+ dpd by balance",
    "dpd90_count_rate": "90+ dpd by count",
    "dpd90_balance_rate": "90+ dpd by balance",
    "npl_balance_rate": "non-performing by balance 不良率(余额)",
    "fpd30": "FPD30 首期逾期30天",
    "day1_delinquency_rate": "day-1 delinquency 入催率",
    "collection_rate_30d": "30-day collection rate 30天回收率",
    "m3_recovery": "M3 recovery M3回款率",
}


@app.command("kpis")
def kpis_command(
    date: str = typer.Option(..., "--date", help="A closed business date. 业务日期。"),
    database: str | None = DatabaseOption,
) -> None:
    """Portfolio KPIs on a closed date, and loans under plan. 资产质量指标。"""
    from fairdebt import cycle
    from fairdebt.cycle.classification import RISK_CLASS_ZH
    from fairdebt.db import make_session
    from fairdebt.ledger.plan_offers import plans_report

    on = _required_date(date, "--date")
    engine = _engine(database)
    values = cycle.kpis(engine, business_date=on)
    with make_session(engine) as session:
        planned = plans_report(session, as_of=on)
    table = Table(title=f"KPIs 指标 {on}")
    table.add_column("KPI")
    table.add_column("value 数值", justify="right")
    classes = Table(title=f"by risk class 五级分类 {on} (active loans 在贷)")
    for column in ("class 分类", "loans 笔数占比", "balance 余额占比"):
        classes.add_column(column, justify="right")
    for name in cycle.RISK_CLASSES:
        count, balance = (values.pop(f"class_{name}_{k}_share") for k in ("count", "balance"))
        classes.add_row(
            f"{name} {RISK_CLASS_ZH[name]}",
            *("n/a" if math.isnan(v) else f"{v:.2%}" for v in (count, balance)),
        )
    for key, value in values.items():
        if math.isnan(value):
            shown = "n/a"
        elif key == "loans":
            shown = f"{value:,.0f}"
        elif key == "principal_outstanding":
            shown = f"¥{value:,.2f}"
        else:
            shown = f"{value:.2%}"
        table.add_row(KPI_LABELS.get(key, key), shown)
    plans = Table(title=f"loans under plan 还款计划 {on} (kind 类型 × outcome 结果)")
    for column in ("kind", "outcome", "loans 笔数", "amount 金额"):
        plans.add_column(column, justify="right")
    for row in planned["rows"]:
        plans.add_row(row["kind"], row["outcome"], str(row["loans"]), row["amount"])
    console = Console()
    console.print(table)
    console.print(classes)
    console.print(plans)


@app.command("vintages")
def vintages_command(
    metric: str = typer.Option(
        "dpd30_balance_share",
        "--metric",
        help="dpd30_balance_share, dpd90_balance_share, dpd30_count_share. 账龄指标。",
    ),
    database: str | None = DatabaseOption,
) -> None:
    """Vintage curves by disbursement month and months on book. 账龄曲线。"""
    from fairdebt import cycle

    curves = cycle.vintage_curves(_engine(database), metric=metric)
    if curves.empty:
        Console().print("no closed dates yet 尚无跑批数据")
        return
    _print_frame(curves, f"vintages 账龄 ({metric})")


OutOption = typer.Option(..., "--out", help="File .csv or .parquet. 输出文件。")


def export_command(
    what: str = typer.Option(..., "--what", help="loan_day, roll_rates or journal. 导出内容。"),
    out: Path = OutOption,
    from_date: str | None = typer.Option(None, "--from", help="First date. 起始日期。"),
    to_date: str | None = typer.Option(None, "--to", help="Last date. 截止日期。"),
    by: str = typer.Option("count", "--by", help="Roll rates by count or balance."),
    database: str | None = DatabaseOption,
) -> None:
    """Write loan_day rows, a roll-rate matrix or the journal to CSV or Parquet.
    导出日终快照、迁徙率或会计分录。"""
    from fairdebt import cycle

    if by not in ("count", "balance"):
        raise InputError(f"--by must be count or balance (got {by!r})", field="--by")
    rows = cycle.export(
        _engine(database),
        what=what,  # type: ignore[arg-type]
        out=out,
        start=_date(from_date, "--from"),
        end=_date(to_date, "--to"),
        by=by,  # type: ignore[arg-type]
    )
    Console().print(f"wrote {rows} rows to {out} 已导出 {rows} 行")


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt cycle ...`` and ``fairdebt export`` on the root command."""
    root.add_typer(app, name="cycle")
    root.command("export")(export_command)
