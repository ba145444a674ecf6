"""``fairdebt strategy plan`` and ``fairdebt strategy evaluate``: the day's plan, and arms compared.

``plan`` reads the accounts of a business date from the database, lets a policy decide, asks
the gate about every contact, fits the pools' capacity, allocates human work to collectors and
records the decisions (one row per account, "none" included); ``--out`` exports them. The last
line of stdout is one JSON object. ``evaluate`` runs each arm on the same simulated borrowers for
each seed and prints ``{"arms": {NAME: {"recovered", "contact_cost", "net_recovery",
"contacts", "complaints", "violations", ...}}}``, summed over the seeds, money in yuan.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from fairdebt.cli.guards import AllowFutureOption
from fairdebt.errors import InputError

__all__ = ["mount"]

strategy_app = typer.Typer(
    help="Collection strategy: the day's plan, policies compared. 催收策略：每日计划与评估。",
    no_args_is_help=True,
)
POLICIES = ("champion", "none")
DateOption = typer.Option(..., "--date", help="Business date to plan, YYYY-MM-DD 计划日期")
PolicyOption = typer.Option("champion", "--policy", help="champion | none 策略")
DatabaseOption = typer.Option(None, "--database", help="Database URL 数据库")
CatalogueOption = typer.Option(None, "--catalogue", help="Action catalogue YAML")
HoldoutOption = typer.Option(0.05, "--holdout", help="No-contact hold-out share 留存组比例")
PackOption = typer.Option("cn", "--pack", help="Compliance pack 合规规则包")
OutOption = typer.Option(None, "--out", help="Export decisions (.csv or .parquet)")
BorrowersOption = typer.Option(2000, "--borrowers", help="Borrowers per seed 借款人数")
DaysOption = typer.Option(180, "--days", help="Days simulated per seed 模拟天数")
SeedsOption = typer.Option("1,2,3", "--seeds", help="Comma-separated seeds 随机种子")
WorldOption = typer.Option(None, "--world", help="World file (YAML) 世界设定文件")
ArmsOption = typer.Option("champion,none", "--arms", help="Policies to compare 对比策略")


def _policy(name: str) -> object:
    from fairdebt.strategy.champion import Champion
    from fairdebt.strategy.policies import NoContact

    if name == "champion":
        return Champion()
    if name == "none":
        return NoContact()
    raise InputError(f"must be one of {', '.join(POLICIES)} (got {name!r})", field="policy")


def _export(frame: object, out: Path) -> None:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    if out.suffix.lower() == ".parquet":
        frame.to_parquet(out, index=False)
    elif out.suffix.lower() == ".csv":
        frame.to_csv(out, index=False)
    else:
        raise InputError(f"must end in .csv or .parquet (got {out.name!r})", field="out")


@strategy_app.command("plan")
def plan_command(
    date: str = DateOption,
    policy: str = PolicyOption,
    database: str | None = DatabaseOption,
    catalogue: Path | None = CatalogueOption,
    holdout: float = HoldoutOption,
    pack: str = PackOption,
    out: Path | None = OutOption,
    allow_future: bool = AllowFutureOption,
) -> None:
    """Plan a business date, record its decisions and work queues. 生成当日催收计划与工作队列。"""
    from fairdebt.cli.db import open_database
    from fairdebt.cli.guards import read_date, refuse_future, today
    from fairdebt.collectors import read_collectors
    from fairdebt.contacts import LedgerFacts
    from fairdebt.db import make_session
    from fairdebt.decisions import record_plan
    from fairdebt.simulation.collections import pool_capacity
    from fairdebt.strategy.allocation import allocate, human_capacity
    from fairdebt.strategy.catalogue import load_catalogue
    from fairdebt.strategy.planning import PlanSettings, plan_day
    from fairdebt.strategy.reading import read_state

    day = read_date(date, "--date")
    refuse_future(day, "--date", today=today(), allow_future=allow_future)
    if not 0 <= holdout < 1:
        raise InputError(f"must be in [0, 1) (got {holdout})", field="holdout")
    chosen = _policy(policy)
    actions = load_catalogue(catalogue, pack=pack)
    engine = open_database(database)
    console = Console(stderr=True)
    now = dt.datetime.now(dt.UTC)
    with make_session(engine) as session, session.begin():
        state = read_state(session, business_date=day)
        roster = read_collectors(session)
        room = {**pool_capacity(actions, 0), **human_capacity(roster)}
        facts = LedgerFacts(
            session, at=dt.datetime.combine(day + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
        )
        plan = plan_day(
            state,
            policy=chosen,  # type: ignore[arg-type]
            catalogue=actions,
            business_date=day,
            facts=facts,
            capacity=room,
            settings=PlanSettings(holdout_share=holdout, pack=pack),
        )
        plan = allocate(plan, roster, actions)
        for column in ("collector_id", "queue_position"):
            plan[column] = plan[column].astype(object).where(plan[column].notna(), None)
        ids = record_plan(session, plan=plan, actor="cli", at=now)
    plan.insert(0, "decision_id", ids)
    if out is not None:
        _export(plan.drop(columns=["address"]), out)
    by_action = plan[plan["status"] == "planned"]["action"].value_counts()
    table = Table(title=f"Plan 计划 {day} · {policy}")
    table.add_column("action 动作")
    table.add_column("planned 计划", justify="right")
    for action, count in by_action.items():
        table.add_row(str(action), str(count))
    console.print(table)
    statuses = plan["status"].value_counts()
    summary = {
        "date": day.isoformat(),
        "policy": policy,
        "decisions": len(plan),
        "by_status": {str(k): int(v) for k, v in statuses.items()},
        "by_action": {str(k): int(v) for k, v in by_action.items()},
        "collectors_with_work": int(
            plan["collector_id"].notna().sum() and plan["collector_id"].nunique()
        ),
        "out": str(out) if out else None,
    }
    typer.echo(json.dumps(summary, ensure_ascii=False))


@strategy_app.command("evaluate")
def evaluate_command(
    borrowers: int = BorrowersOption,
    days: int = DaysOption,
    seeds: str = SeedsOption,
    world: Path | None = WorldOption,
    arms: str = ArmsOption,
    catalogue: Path | None = CatalogueOption,
    pack: str = PackOption,
) -> None:
    """Compare policies on the same simulated borrowers. 在相同模拟借款人上比较策略。"""
    from fairdebt.simulation.evaluation import evaluate
    from fairdebt.simulation.world import load_world
    from fairdebt.strategy.catalogue import load_catalogue

    try:
        seed_list = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError:
        raise InputError(
            f"must be integers separated by commas (got {seeds!r})", field="seeds"
        ) from None
    names = [a.strip() for a in arms.split(",") if a.strip()]
    if not seed_list or not names:
        raise InputError(
            "give at least one seed and one arm", field="seeds" if not seed_list else "arms"
        )
    if borrowers < 1 or days < 1:
        raise InputError(
            "borrowers and days must be positive", field="borrowers" if borrowers < 1 else "days"
        )
    chosen = [(name, _policy(name)) for name in names]
    console = Console(stderr=True)
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
    total = len(seed_list) * len(names) * days
    with bars:
        task = bars.add_task("evaluating 策略评估", total=total)
        done: dict[tuple[str, int], int] = {}

        def progress(arm: str, seed: int, day: int, span: int) -> None:
            done[(arm, seed)] = day
            bars.update(task, completed=sum(done.values()))

        results = evaluate(
            borrowers=borrowers,
            days=days,
            seeds=seed_list,
            arms=chosen,  # type: ignore[arg-type]
            world=load_world(world),
            catalogue=load_catalogue(catalogue, pack=pack),
            pack=pack,
            progress=progress,
        )
    table = Table(title="Arms 策略对比 (summed over seeds 各种子合计, ¥)")
    for column in (
        "arm 策略",
        "recovered 回收",
        "cost 成本",
        "net 净回收",
        "contacts 触达",
        "complaints 投诉",
        "violations 违规",
    ):
        table.add_column(column, justify="right")
    for name, result in results.items():
        table.add_row(
            name,
            f"{result.recovered:,.0f}",
            f"{result.contact_cost:,.0f}",
            f"{result.net_recovery:,.0f}",
            str(result.contacts),
            str(result.complaints),
            str(result.violations),
        )
    console.print(table)
    typer.echo(
        json.dumps(
            {
                "borrowers": borrowers,
                "days": days,
                "seeds": seed_list,
                "arms": {name: result.as_json() for name, result in results.items()},
            },
            ensure_ascii=False,
        )
    )


def mount(app: typer.Typer) -> None:
    app.add_typer(strategy_app, name="strategy")
