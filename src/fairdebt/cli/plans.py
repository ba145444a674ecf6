"""``fairdebt plans offer|accept|check|report``: repayment plans offered, chosen and kept.

Each command is one transaction around one verb of :mod:`fairdebt.ledger.plan_offers`, which
writes its audit entries; the last line of stdout is one JSON object. ``plans offer`` prints
``{"offers": [{"id", "kind", "instalments": [{"due_on", "amount"}], "annual_rate",
"total_cost", ...}]}`` best expected recovery first, where ``annual_rate`` is the loan's
annualised cost by IRR over its whole life if the plan is kept (the figure held under the legal
cap) and ``total_cost`` what the borrower pays from the date beyond the principal still owed
(docs/decisions/plan-offers.md). A date more than a day after today is refused unless
``--allow-future``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from fairdebt.cli.db import DatabaseOption, open_database
from fairdebt.cli.guards import AllowFutureOption, actor_option, read_date, refuse_future, today
from fairdebt.db import make_session
from fairdebt.errors import UnknownRecord
from fairdebt.money import parse_amount

__all__ = ["app", "mount"]

app = typer.Typer(
    help="Repayment plans: offer, accept, check, report. 还款计划（分期、停息挂账、减免、结清）。",
    no_args_is_help=True,
)

ActorOption = actor_option("cli", "Who is acting, for the audit log. 操作人。")
DateOption = typer.Option(None, "--date", help="Business date, YYYY-MM-DD; default today. 营业日。")
PolicyOption = typer.Option(
    None, "--policy", help="A plan policy file; default the shipped one. 分期政策文件。"
)
_RATE = Decimal("0.0001")


def _day(value: str | None, allow_future: bool) -> dt.date:
    if value is None:
        return today()
    day = read_date(value, "--date")
    refuse_future(day, "--date", today=today(), allow_future=allow_future)
    return day


def _amount(value: str | None, option: str) -> Decimal | None:
    if value is None:
        return None
    return parse_amount(value, record="borrower", field=option, allow_zero=True)


def _emit(payload: dict[str, Any]) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, default=str))


def _offer_json(offer: Any) -> dict[str, Any]:
    from fairdebt.ledger.plan_offers import instalments_of

    return {
        "id": int(offer.id),
        "kind": offer.kind,
        "rank": offer.rank,
        "instalments": [
            {"due_on": day.isoformat(), "amount": str(amount)}
            for day, amount in instalments_of(offer)
        ],
        "annual_rate": str(Decimal(offer.cost_rate).quantize(_RATE)),
        "total_cost": str(offer.total_cost),
        "total_amount": str(offer.total_amount),
        "plan_rate": str(Decimal(offer.plan_rate).quantize(_RATE)),
        "cap": str(Decimal(offer.cap_rate).quantize(_RATE)),
        "forgiven": str(offer.forgiven_amount),
        "completion_probability": round(float(offer.completion_probability), 4),
        "expected_recovery": str(offer.expected_recovery_amount),
        "expires_on": offer.expires_on.isoformat(),
        "approved_by": offer.approved_by,
    }


def _show(offers: list[dict[str, Any]], loan: str) -> None:
    table = Table(title=f"plan offers 还款计划方案 {loan}")
    for column in (
        "id",
        "kind 类型",
        "payments 期数",
        "first 首期",
        "total 合计",
        "IRR",
        "P(keep)",
    ):
        table.add_column(column, justify="right")
    for o in offers:
        first = o["instalments"][0]
        table.add_row(
            str(o["id"]),
            o["kind"],
            str(len(o["instalments"])),
            f"{first['amount']} @ {first['due_on']}",
            o["total_amount"],
            o["annual_rate"],
            f"{o['completion_probability']:.0%}",
        )
    Console(stderr=True).print(table)


@app.command("offer")
def offer_command(
    loan: str = typer.Option(..., "--loan", help="Loan external id. 借据号。"),
    date: str | None = DateOption,
    income: str | None = typer.Option(
        None, "--income", help="Monthly income; default the borrower's. 月收入。"
    ),
    obligations: str | None = typer.Option(
        None, "--obligations", help="Other debts paid a month. 每月其他负债支出。"
    ),
    declared: str | None = typer.Option(
        None, "--declared", help="What the borrower says they can pay a month. 自报月还款能力。"
    ),
    lump_sum: str | None = typer.Option(
        None, "--lump-sum", help="What the borrower can pay at once. 可一次性还款金额。"
    ),
    approved_by: str | None = typer.Option(
        None, "--approved-by", help="Who approved an exception. 例外审批人。"
    ),
    approver_role: str | None = typer.Option(
        None, "--approver-role", help="Their role (the policy names who may). 审批人角色。"
    ),
    policy: Path | None = PolicyOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
    allow_future: bool = AllowFutureOption,
) -> None:
    """Offer the plans the policy allows, best expected recovery first. 生成还款计划方案。"""
    from fairdebt.errors import InputError
    from fairdebt.ledger.plan_offers import load_plan_policy, offer_plans
    from fairdebt.models import Loan

    if (approved_by is None) != (approver_role is None):
        raise InputError(
            "an exception needs both --approved-by and --approver-role", field="--approved-by"
        )
    day = _day(date, allow_future)
    rules = load_plan_policy(policy)
    with make_session(open_database(database)) as session, session.begin():
        loan_id = session.scalar(select(Loan.id).where(Loan.external_id == loan))
        if loan_id is None:
            raise UnknownRecord(f"no loan has external id {loan!r}", field="--loan")
        offers = offer_plans(
            session,
            loan_id=int(loan_id),
            business_date=day,
            policy=rules,
            actor=actor,
            at=dt.datetime.now(dt.UTC),
            approved_by=approved_by,
            income=_amount(income, "--income"),
            obligations=_amount(obligations, "--obligations"),
            declared=_amount(declared, "--declared"),
            lump_sum=_amount(lump_sum, "--lump-sum"),
            approver_role=approver_role,
        )
        shown = [_offer_json(o) for o in offers]
    _show(shown, loan)
    _emit({"loan": loan, "date": day.isoformat(), "offers": shown})


@app.command("accept")
def accept_command(
    offer: int = typer.Option(..., "--offer", help="Offer id (from plans offer). 方案编号。"),
    date: str | None = DateOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
    allow_future: bool = AllowFutureOption,
) -> None:
    """The borrower's choice: make the offer the loan's plan. 接受还款计划。"""
    from fairdebt.ledger.plan_offers import accept_offer

    day = _day(date, allow_future)
    with make_session(open_database(database)) as session, session.begin():
        row = accept_offer(
            session, offer_id=offer, business_date=day, actor=actor, at=dt.datetime.now(dt.UTC)
        )
        payload = {
            **_offer_json(row),
            "status": row.status,
            "accepted_on": day.isoformat(),
            "repayment_plan_id": row.repayment_plan_id,
            "hold_id": row.hold_id,
        }
    Console(stderr=True).print(f"plan offer {offer} accepted  还款计划已生效")
    _emit(payload)


@app.command("check")
def check_command(
    date: str = typer.Option(..., "--date", help="Business date, YYYY-MM-DD. 营业日。"),
    policy: Path | None = PolicyOption,
    database: str | None = DatabaseOption,
    actor: str = ActorOption,
    allow_future: bool = AllowFutureOption,
) -> None:
    """Complete paid plans; breach those missed past the grace period. 检查还款计划履约。"""
    from fairdebt.ledger.plan_offers import check_plans, load_plan_policy

    day = _day(date, allow_future)
    grace = load_plan_policy(policy).grace_days
    with make_session(open_database(database)) as session, session.begin():
        found = check_plans(
            session, business_date=day, grace_days=grace, actor=actor, at=dt.datetime.now(dt.UTC)
        )
    _emit(
        {
            "date": day.isoformat(),
            "grace_days": grace,
            "completed": list(found.completed),
            "breached": list(found.breached),
        }
    )


@app.command("report")
def report_command(
    date: str | None = DateOption,
    database: str | None = DatabaseOption,
) -> None:
    """Loans under plan by kind and outcome. 还款计划统计（按类型、结果）。"""
    from fairdebt.ledger.plan_offers import plans_report

    day = today() if date is None else read_date(date, "--date")
    with make_session(open_database(database)) as session:
        report = plans_report(session, as_of=day)
    table = Table(title=f"plans 还款计划 {day}")
    for column in ("kind 类型", "outcome 结果", "loans 笔数", "amount 金额", "forgiven 减免"):
        table.add_column(column, justify="right")
    for row in report["rows"]:
        table.add_row(
            row["kind"], row["outcome"], str(row["loans"]), row["amount"], row["forgiven"]
        )
    Console(stderr=True).print(table)
    _emit(report)


def mount(root: typer.Typer) -> None:
    """Register ``fairdebt plans ...``."""
    root.add_typer(app, name="plans")
