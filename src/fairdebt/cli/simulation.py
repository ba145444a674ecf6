"""``fairdebt simulate`` and ``fairdebt demo``: the synthetic portfolio and the demo.

After ``fairdebt demo`` the other commands find its database by themselves: with no
``--database``, no ``FAIRDEBT_DATABASE_URL`` and no ``./fairdebt.db``, they use
``./fairdebt-demo.db`` (saying so on stderr; :func:`fairdebt.cli.db.database_url`). The demo
ends by printing commands to try next, with the flags they need if that rule does not apply.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from fairdebt.cli.db import DEMO_URL, database_url, open_database, shown
from fairdebt.errors import InputError
from fairdebt.simulation.world import load_world

if TYPE_CHECKING:  # imported inside the commands: `fairdebt --help` stays fast
    from fairdebt.simulation.runs import SimulationResult

__all__ = ["mount"]

DEMO_DATABASE = DEMO_URL
DEMO_REPORT = "fairdebt-demo.html"


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"must be a date YYYY-MM-DD (got {text!r})", field=field) from None


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _bars(bars: Progress) -> Callable[[str, int, int], None]:
    days = bars.add_task("simulating 模拟放款与还款", total=None)
    dates = bars.add_task("daily cycle 日终批处理", total=None)
    arms = bars.add_task("three arms 三组策略对比", total=None, visible=False)

    def progress(phase: str, done: int, total: int) -> None:
        task = {"simulate": days, "arms": arms}.get(phase, dates)
        bars.update(task, completed=done, total=total, visible=True)

    return progress


def _run(
    console: Console,
    url: str | None,
    *,
    borrowers: int,
    months: int,
    seed: int,
    scenario: str | None,
    start_on: dt.date,
    world: Path | None = None,
    holdout: float = 0.05,
    collect: bool = True,
) -> SimulationResult:
    from fairdebt.db import upgrade
    from fairdebt.simulation import simulate

    engine = open_database(url, create=True)
    upgrade(engine)
    with _progress(console) as bars:
        progress = _bars(bars)
        result = simulate(
            engine,
            borrowers=borrowers,
            months=months,
            seed=seed,
            scenario=scenario,
            start_on=start_on,
            progress=progress,
            world=load_world(world),
            holdout_share=holdout,
            collect=collect,
        )
    engine.dispose()
    return result


BorrowersOption = typer.Option(1000, "--borrowers", help="Borrowers 借款人数")
MonthsOption = typer.Option(6, "--months", help="Months to simulate 模拟月数")
SeedOption = typer.Option(1, "--seed", help="Random seed 随机种子")
ScenarioOption = typer.Option(
    None,
    "--scenario",
    help="bad_vintage | macro_shock | province_shock | policy_change 注入的冲击情景",
)
StartOption = typer.Option("2025-01-01", "--start", help="First business date 起始日")
DatabaseOption = typer.Option(
    None, "--database", help="SQLAlchemy URL; default FAIRDEBT_DATABASE_URL"
)
DemoDatabaseOption = typer.Option(
    DEMO_DATABASE, "--database", help="SQLAlchemy URL 数据库 (a SQLite file is replaced)"
)
ReportOption = typer.Option(Path(DEMO_REPORT), "--report", help="HTML report path 报告路径")
# Hidden: smaller demos for the tests.
DemoBorrowersOption = typer.Option(10_000, "--borrowers", hidden=True)
DemoMonthsOption = typer.Option(12, "--months", hidden=True)
DemoSeedOption = typer.Option(2026, "--seed", hidden=True)
WorldOption = typer.Option(
    None, "--world", help="World file (YAML): how borrowers respond 借款人反应设定 (docs/world.md)"
)
HoldoutOption = typer.Option(
    0.05, "--holdout", help="Randomised no-contact hold-out share 随机不触达留存组比例"
)
CollectOption = typer.Option(
    True, "--collect/--no-collect", help="Collect with the rule champion 是否按冠军策略催收"
)


def simulate_command(
    borrowers: int = BorrowersOption,
    months: int = MonthsOption,
    seed: int = SeedOption,
    scenario: str | None = ScenarioOption,
    start: str = StartOption,
    database: str | None = DatabaseOption,
    world: Path | None = WorldOption,
    holdout: float = HoldoutOption,
    collect: bool = CollectOption,
) -> None:
    """Simulate a Chinese online consumer-lending portfolio. 生成模拟贷款组合。"""
    console = Console()
    if borrowers < 1 or months < 1:
        raise InputError(
            f"--borrowers and --months must be at least 1 (got {borrowers}, {months})",
            field="--borrowers" if borrowers < 1 else "--months",
        )
    url = database
    result = _run(
        console,
        url,
        borrowers=borrowers,
        months=months,
        seed=seed,
        scenario=scenario,
        start_on=_date(start, "start"),
        world=world,
        holdout=holdout,
        collect=collect,
    )
    console.print(
        f"simulation run {result.run_id}: {result.loans:,} loans 贷款, {result.payments:,} "
        f"payments 还款, {result.start_on} → {result.end_on}"
    )
    if result.scenario:
        console.print("ground truth 真实冲击:", json.dumps(result.truth, ensure_ascii=False))


def demo_command(
    database: str = DemoDatabaseOption,
    report: Path = ReportOption,
    borrowers: int = DemoBorrowersOption,
    months: int = DemoMonthsOption,
    seed: int = DemoSeedOption,
    world: Path | None = WorldOption,
) -> None:
    """Simulate a portfolio, run the cycle, print a summary and write an HTML report. 演示。"""
    from fairdebt.simulation.demo import run_demo

    if borrowers < 1 or months < 1:
        raise InputError(
            f"--borrowers and --months must be at least 1 (got {borrowers}, {months})",
            field="--borrowers" if borrowers < 1 else "--months",
        )
    open_database(database, create=True).dispose()  # a clear error for a bad URL or folder
    console = Console()
    with _progress(console) as bars:
        progress = _bars(bars)
        outcome = run_demo(
            console,
            url=database,
            report=report,
            borrowers=borrowers,
            months=months,
            seed=seed,
            generated_at=dt.datetime.now(dt.UTC),
            progress=progress,
            world=load_world(world),
        )
    seconds = outcome.seconds
    console.print(
        f"report 报告: [bold]{outcome.report}[/]   database 数据库: {database}   "
        f"time 用时 {seconds['total']:.0f} s (ledger 账务 {seconds.get('ledger', 0):.0f} s, "
        f"cycle 批处理 {seconds.get('cycle', 0):.0f} s); CPU {outcome.cpu_seconds['total']:.0f} s "
        f"(ledger 账务 {outcome.cpu_seconds.get('ledger', 0):.0f} s, "
        f"cycle 批处理 {outcome.cpu_seconds.get('cycle', 0):.0f} s)"
    )
    _next_steps(console, database, outcome.result.end_on)


def _next_steps(console: Console, database: str, end_on: dt.date) -> None:
    """Commands to try on the demo's data, with --database only where it is needed."""
    found = database == DEMO_URL and database_url(None, note=False) == DEMO_URL
    flag = "" if found else f" --database {shown(database)}"
    month_ago = end_on - dt.timedelta(days=30)
    console.print(
        "next 下一步: "
        + (
            "these commands find the demo database by themselves 以下命令会自动使用演示数据库"
            if found
            else "give each command the demo database 请为每条命令指定演示数据库"
        ),
        highlight=False,
    )
    for command in (
        f"fairdebt cycle kpis --date {end_on}",
        f"fairdebt cycle rolls --from {month_ago} --to {end_on}",
        "fairdebt cycle vintages",
        "fairdebt audit verify",
    ):
        console.print(f"  {command}{flag}", highlight=False, soft_wrap=True)


def mount(app: typer.Typer) -> None:
    """Register the simulator's top-level commands on ``app``."""
    app.command("simulate")(simulate_command)
    app.command("demo")(demo_command)
