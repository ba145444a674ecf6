"""``fairdebt strategy plan`` and ``fairdebt strategy evaluate``: the day's plan, and arms compared.

``plan`` reads the accounts of a business date from the database, lets a policy decide, asks
the gate about every contact, fits the pools' capacity, allocates human work to collectors and
records the decisions (one row per account, "none" included); ``--out`` exports them. The last
line of stdout is one JSON object. ``evaluate`` runs each arm on the same simulated borrowers for
each seed and prints ``{"arms": {NAME: {"recovered", "contact_cost", "net_recovery",
"contacts", "complaints", "violations", ...}}}``, summed over the seeds, money in yuan.
``learn`` fits an uplift model, or with ``--regime-share`` a regime model; the optimised policy
of ``plan``, ``evaluate`` and ``ope`` is the regime policy when ``--model`` is a regime model
(its format tag says so) and the uplift-anchored policy otherwise.
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
POLICIES = ("champion", "optimised", "none")
DateOption = typer.Option(..., "--date", help="Business date to plan, YYYY-MM-DD 计划日期")
PolicyOption = typer.Option("champion", "--policy", help="champion | optimised | none 策略")
ModelOption = typer.Option(
    None, "--model", help="Uplift or regime model (JSON from strategy learn) 增益/模式模型"
)
ContactCostOption = typer.Option(
    5.0, "--contact-cost", help="Regime policy: yuan per contact in a regime's value 单次触达成本"
)
ConfidenceOption = typer.Option(
    2.0, "--confidence", help="Regime policy: z standard errors of confidence 置信倍数"
)
RegimeShareOption = typer.Option(
    0.0, "--regime-share", help="Share of borrowers randomised into regimes 模式随机比例"
)
LamOption = typer.Option(0.0, "--lam", help="λ: yuan per unit of harm 骚扰惩罚系数")
WeeklyOption = typer.Option(
    6, "--weekly-contacts", help="Contacts per person per week cap 每周触达上限"
)
HarmBudgetOption = typer.Option(None, "--harm-budget", help="Day's harm budget (sum of weights)")
PriorOption = typer.Option(
    0.0, "--champion-prior", help="Yuan added to the champion's own action 对规则动作的先验"
)
DatabaseOption = typer.Option(None, "--database", help="Database URL 数据库")
CatalogueOption = typer.Option(None, "--catalogue", help="Action catalogue YAML")
HoldoutOption = typer.Option(0.05, "--holdout", help="No-contact hold-out share 留存组比例")
PackOption = typer.Option("cn", "--pack", help="Compliance pack 合规规则包")
OutOption = typer.Option(None, "--out", help="Export decisions (.csv or .parquet)")
BorrowersOption = typer.Option(2000, "--borrowers", help="Borrowers per seed 借款人数")
DaysOption = typer.Option(180, "--days", help="Days simulated per seed 模拟天数")
SeedsOption = typer.Option("1,2,3", "--seeds", help="Comma-separated seeds 随机种子")
WorldOption = typer.Option(None, "--world", help="World file (YAML) 世界设定文件")
ModelOutOption = typer.Option(..., "--out", help="Where to write the uplift model (JSON) 模型输出")
TrainSeedsOption = typer.Option("1001,1002", "--seeds", help="Training seeds 训练种子")
ExplorationOption = typer.Option(0.2, "--exploration", help="Exploration share 探索比例")
HorizonOption = typer.Option(14, "--horizon", help="Outcome horizon in days 观察期")
LearnHorizonOption = typer.Option(
    None, "--horizon", help="Outcome horizon in days (uplift 14, regimes 30) 观察期"
)
FromOption = typer.Option(..., "--from", help="First business date 起始日期")
ToOption = typer.Option(..., "--to", help="Last business date 截止日期")
LoggedByOption = typer.Option("champion", "--logged-by", help="Logging policy 日志策略")
ArmsOption = typer.Option("champion,none", "--arms", help="Policies to compare 对比策略")


def _policy(name: str, settings: dict[str, object] | None = None) -> object:
    """A policy by name; ``optimised`` takes its model and settings from ``settings``."""
    from fairdebt.strategy.champion import Champion
    from fairdebt.strategy.optimised import Optimised
    from fairdebt.strategy.policies import NoContact

    if name == "champion":
        return Champion()
    if name == "none":
        return NoContact()
    if name == "optimised":
        from fairdebt.strategy.regime_policy import RegimeModel, RegimePolicy

        settings = dict(settings or {})
        if settings.get("model") is None:
            raise InputError(
                "the optimised policy needs --model FILE (strategy learn)", field="model"
            )
        if isinstance(settings["model"], RegimeModel):
            return RegimePolicy(
                settings["model"],
                cost=float(settings.get("contact_cost", 5.0)),  # type: ignore[arg-type]
                z=float(settings.get("confidence", 2.0)),  # type: ignore[arg-type]
            )
        settings.pop("contact_cost", None)
        settings.pop("confidence", None)
        return Optimised(**settings)  # type: ignore[arg-type]
    raise InputError(f"must be one of {', '.join(POLICIES)} (got {name!r})", field="policy")


def _optimised_settings(
    model: Path | None,
    lam: float,
    weekly_contacts: int,
    harm_budget: float | None,
    champion_prior: float,
    contact_cost: float = 5.0,
    confidence: float = 2.0,
) -> dict[str, object]:
    from fairdebt.strategy.regime_policy import REGIME_FORMAT, load_regime_model, model_format
    from fairdebt.strategy.uplift import load_uplift

    if lam < 0 or weekly_contacts < 0 or (harm_budget is not None and harm_budget < 0):
        field = "lam" if lam < 0 else "weekly_contacts" if weekly_contacts < 0 else "harm_budget"
        raise InputError("must not be negative", field=field)
    if contact_cost < 0 or confidence < 0:
        raise InputError(
            "must not be negative", field="contact_cost" if contact_cost < 0 else "confidence"
        )
    loaded: object = None
    if model is not None:
        is_regime = model_format(model) == REGIME_FORMAT
        loaded = load_regime_model(model) if is_regime else load_uplift(model)
    return {
        "model": loaded,
        "contact_cost": contact_cost,
        "confidence": confidence,
        "lam": lam,
        "weekly_contacts": weekly_contacts,
        "harm_budget": harm_budget,
        "champion_prior": champion_prior,
    }


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
    model: Path | None = ModelOption,
    lam: float = LamOption,
    weekly_contacts: int = WeeklyOption,
    harm_budget: float | None = HarmBudgetOption,
    champion_prior: float = PriorOption,
    contact_cost: float = ContactCostOption,
    confidence: float = ConfidenceOption,
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
    settings = (
        _optimised_settings(
            model, lam, weekly_contacts, harm_budget, champion_prior, contact_cost, confidence
        )
        if policy == "optimised"
        else None
    )
    chosen = _policy(policy, settings)
    actions = load_catalogue(catalogue, pack=pack)
    engine = open_database(database)
    console = Console(stderr=True)
    now = dt.datetime.now(dt.UTC)
    with make_session(engine) as session, session.begin():
        state = read_state(session, business_date=day)
        roster = read_collectors(session)
        room = {**pool_capacity(actions, 0), **human_capacity(roster)}
        if hasattr(chosen, "capacity"):
            chosen.capacity = room
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
    last = getattr(chosen, "last_", None)
    if last is not None:
        summary["lp"] = {
            "objective": round(last.objective, 2),
            "bound": round(last.bound, 2),
            "gap": round(last.gap, 6),
            "status": last.status,
            "lam": lam,
            "weekly_contacts": weekly_contacts,
            "harm_budget": harm_budget,
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
    model: Path | None = ModelOption,
    lam: float = LamOption,
    weekly_contacts: int = WeeklyOption,
    harm_budget: float | None = HarmBudgetOption,
    champion_prior: float = PriorOption,
    contact_cost: float = ContactCostOption,
    confidence: float = ConfidenceOption,
) -> None:
    """Compare policies on the same simulated borrowers. 在相同模拟借款人上比较策略。

    The optimised arm needs ``--model`` (from ``strategy learn`` on other seeds); its pools'
    capacity is the simulated book's staffing, the same the loop applies.
    """
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
    from fairdebt.simulation.collections import pool_capacity

    settings = _optimised_settings(
        model, lam, weekly_contacts, harm_budget, champion_prior, contact_cost, confidence
    )
    world_file = load_world(world)
    actions = load_catalogue(catalogue, pack=pack)
    chosen = [(name, _policy(name, settings)) for name in names]
    for name, chosen_policy in chosen:
        if name == "optimised" and hasattr(chosen_policy, "capacity"):
            chosen_policy.capacity = pool_capacity(actions, borrowers)
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
            world=world_file,
            catalogue=actions,
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


@strategy_app.command("learn")
def learn_command(
    out: Path = ModelOutOption,
    borrowers: int = BorrowersOption,
    days: int = DaysOption,
    seeds: str = TrainSeedsOption,
    world: Path | None = WorldOption,
    exploration: float = ExplorationOption,
    holdout: float = HoldoutOption,
    horizon: int | None = LearnHorizonOption,
    catalogue: Path | None = CatalogueOption,
    pack: str = PackOption,
    regime_share: float = RegimeShareOption,
) -> None:
    """Learn per-action uplift, or regimes' values, from simulated logs. 从日志学习增益或模式模型。

    With ``--regime-share S`` (0 < S ≤ 1) that share of borrowers is randomised into regimes
    for the whole run (no exploration cells) and the output is a regime model.
    """
    from fairdebt.simulation.learning import REGIME_HORIZON, collect_logs, learn, learn_regimes
    from fairdebt.simulation.world import load_world
    from fairdebt.strategy.catalogue import load_catalogue

    seed_list = _seeds(seeds)
    if not 0 <= exploration < 1 or not 0 <= holdout < 1:
        raise InputError(
            "must be in [0, 1)", field="exploration" if exploration >= 1 else "holdout"
        )
    if not 0 <= regime_share <= 1:
        raise InputError(f"must be in [0, 1] (got {regime_share})", field="regime_share")
    horizon = horizon if horizon is not None else REGIME_HORIZON if regime_share > 0 else 14
    if borrowers < 1 or days < 1 or horizon < 1:
        raise InputError("borrowers, days and horizon must be positive", field="borrowers")
    decisions, payments = collect_logs(
        borrowers=borrowers,
        days=days,
        seeds=seed_list,
        world=load_world(world),
        catalogue=load_catalogue(catalogue, pack=pack),
        holdout_share=holdout,
        exploration_share=exploration,
        pack=pack,
        regime_share=regime_share,
    )
    by_arm = {str(k): int(v) for k, v in decisions["arm"].value_counts().items()}
    if regime_share > 0:
        regimes = learn_regimes(decisions, payments, horizon=horizon)
        regimes.save(out)
        typer.echo(
            json.dumps(
                {
                    "out": str(out),
                    "format": "fairdebt.regime/1",
                    "decisions": len(decisions),
                    "by_arm": by_arm,
                    "observations": regimes.notes.get("observations"),
                    "horizon": horizon,
                },
                ensure_ascii=False,
            )
        )
        return
    model = learn(decisions, payments, horizon=horizon)
    model.save(out)
    typer.echo(
        json.dumps(
            {
                "out": str(out),
                "decisions": len(decisions),
                "by_arm": by_arm,
                "rows_by_action": model.rows_,
                "horizon": horizon,
            },
            ensure_ascii=False,
        )
    )


@strategy_app.command("ope")
def ope_command(
    policy: str = PolicyOption,
    date_from: str = FromOption,
    date_to: str = ToOption,
    logged_by: str = LoggedByOption,
    database: str | None = DatabaseOption,
    model: Path | None = ModelOption,
    horizon: int = HorizonOption,
    catalogue: Path | None = CatalogueOption,
    pack: str = PackOption,
    lam: float = LamOption,
    weekly_contacts: int = WeeklyOption,
    champion_prior: float = PriorOption,
    contact_cost: float = ContactCostOption,
    confidence: float = ConfidenceOption,
) -> None:
    """Judge a policy on logged decisions (IPS, DR) with 95 % intervals. 离线策略评估。

    With a regime model the estimate is IPS alone (the regime model values a run of days,
    not one decision, so it is no outcome model for a doubly robust term).
    """
    from fairdebt.cli.db import open_database
    from fairdebt.cli.guards import read_date
    from fairdebt.collectors import read_collectors
    from fairdebt.db import make_session
    from fairdebt.simulation.collections import pool_capacity
    from fairdebt.strategy.allocation import human_capacity
    from fairdebt.strategy.catalogue import load_catalogue
    from fairdebt.strategy.offline import judge, read_logged
    from fairdebt.strategy.uplift import UpliftModel

    first, last = read_date(date_from, "--from"), read_date(date_to, "--to")
    if horizon < 1:
        raise InputError(f"must be at least 1 (got {horizon})", field="horizon")
    settings = _optimised_settings(
        model, lam, weekly_contacts, None, champion_prior, contact_cost, confidence
    )
    target = _policy(policy, settings)
    actions = load_catalogue(catalogue, pack=pack)
    engine = open_database(database)
    with make_session(engine) as session:
        if policy == "optimised" and hasattr(target, "capacity"):
            room = {**pool_capacity(actions, 0), **human_capacity(read_collectors(session))}
            target.capacity = room
        rows = read_logged(
            session, policy=logged_by, date_from=first, date_to=last, horizon=horizon
        )
        estimates = judge(
            rows,
            target,  # type: ignore[arg-type]
            actions,
            model=settings["model"] if isinstance(settings["model"], UpliftModel) else None,
        )
    typer.echo(
        json.dumps(
            {
                "policy": policy,
                "logged_by": logged_by,
                "from": first.isoformat(),
                "to": last.isoformat(),
                "horizon": horizon,
                "unit": "yuan paid per decision over the horizon",
                "estimates": {k: v.as_json() for k, v in estimates.items()},
            },
            ensure_ascii=False,
        )
    )


def _seeds(seeds: str) -> list[int]:
    try:
        seed_list = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError:
        raise InputError(
            f"must be integers separated by commas (got {seeds!r})", field="seeds"
        ) from None
    if not seed_list:
        raise InputError("give at least one seed", field="seeds")
    return seed_list


def mount(app: typer.Typer) -> None:
    from fairdebt.cli.strategy_challenge import challenge_command

    strategy_app.command("challenge")(challenge_command)
    app.add_typer(strategy_app, name="strategy")
