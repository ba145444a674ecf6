"""The demo's section on the lender's processes: plans, promises, complaints and agencies.

:func:`read_processes` reads, from the ledger a run wrote, what a lender's board and regulator
ask about (issue 12): repayment plans by kind and outcome (``plans_report``), promises to pay
made, kept, partly kept and broken, complaints per 10,000 accounts by cause
(``complaint_rates``) and the agency scorecards (``scorecards``). :func:`print_processes`
prints them in bilingual tables that fit 80 columns; :func:`processes_html` returns the HTML
report's section with a chart for each.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, func, select

from fairdebt.agencies import scorecards
from fairdebt.complaints import complaint_rates
from fairdebt.db import make_session
from fairdebt.ledger.plan_offers import plans_report
from fairdebt.models import Complaint, Promise

__all__ = ["ProcessFigures", "print_processes", "processes_html", "read_processes"]

PLAN_KINDS = {
    "instalment": "分期 instalment",
    "extension": "展期 extension",
    "interest_freeze": "停息挂账 interest freeze",
    "penalty_waiver": "减免罚息 penalty waiver",
    "settlement": "折扣结清 settlement",
}
PLAN_OUTCOMES = {
    "performing": "履约中 performing",
    "completed": "已完成 completed",
    "breached": "已违约 breached",
}
PROMISE_STATES = {
    "kept": "已兑现 kept",
    "partly_kept": "部分兑现 partly kept",
    "broken": "未兑现 broken",
    "open": "未到期 open",
}


@dataclass(frozen=True, slots=True)
class ProcessFigures:
    """The section's tables (empty frames when the run did not collect)."""

    since: dt.date
    until: dt.date
    plans: pd.DataFrame  # kind, outcome, loans, amount, forgiven
    plan_totals: dict[str, Any]  # offered, accepted, take_up
    promises: pd.DataFrame  # status, promises
    complaints: pd.DataFrame  # cause, zh, en, complaints, per_10k
    complaint_totals: dict[str, Any]  # complaints, per_10k, accounts, resolved
    agencies: pd.DataFrame  # one scorecard per agency

    @property
    def promises_made(self) -> int:
        return int(self.promises["promises"].sum()) if len(self.promises) else 0


def read_processes(engine: Engine, *, since: dt.date, until: dt.date) -> ProcessFigures:
    """Read the processes' figures of ``since``..``until`` from the run's ledger."""
    with make_session(engine) as session:
        plans = plans_report(session, as_of=until)
        rates = complaint_rates(session, since=since, until=until)
        cards = scorecards(session, since=since, until=until)
        promised = session.execute(
            select(Promise.status, func.count()).group_by(Promise.status)
        ).all()
        resolved = session.scalar(select(func.count()).where(Complaint.status == "resolved"))
    promises = pd.DataFrame(
        [{"status": s, "promises": int(n)} for s, n in promised], columns=["status", "promises"]
    )
    order = {s: k for k, s in enumerate(PROMISE_STATES)}
    promises = promises.sort_values("status", key=lambda c: c.map(order).fillna(99))
    causes = pd.DataFrame(rates["by_cause"])
    if len(causes):
        causes = causes[causes["complaints"] > 0].reset_index(drop=True)
    return ProcessFigures(
        since=since,
        until=until,
        plans=pd.DataFrame(
            plans["rows"], columns=["kind", "outcome", "loans", "amount", "forgiven"]
        ),
        plan_totals={k: plans[k] for k in ("offered", "accepted", "take_up", "by_outcome")},
        promises=promises.reset_index(drop=True),
        complaints=causes,
        complaint_totals={
            "complaints": rates["complaints"],
            "per_10k": rates["per_10k"],
            "accounts": rates["accounts"],
            "resolved": int(resolved or 0),
        },
        agencies=pd.DataFrame([c.to_json() for c in cards]),
    )


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "—"


def print_processes(console: Console, figures: ProcessFigures) -> None:
    """The processes on the console, in tables that fit 80 columns."""
    totals = figures.plan_totals
    plans = Table(
        title=(
            f"Repayment plans 还款计划: {totals['offered']:,} loans offered 提供, "
            f"{totals['accepted']:,} accepted 接受"
        )
    )
    for column in ("kind 类型", "outcome 结果", "loans 笔", "amount 金额 ¥"):
        plans.add_column(column, justify="right" if "¥" in column or "笔" in column else "left")
    for row in figures.plans.itertuples():
        plans.add_row(
            PLAN_KINDS.get(str(row.kind), str(row.kind)),
            PLAN_OUTCOMES.get(str(row.outcome), str(row.outcome)),
            f"{int(row.loans):,}",
            f"{float(row.amount):,.0f}",
        )
    console.print(plans)
    made = figures.promises_made
    promises = Table(title=f"Promises to pay 承诺还款: {made:,} made 作出")
    promises.add_column("status 状态")
    promises.add_column("promises 笔", justify="right")
    promises.add_column("share 占比", justify="right")
    for row in figures.promises.itertuples():
        label = PROMISE_STATES.get(str(row.status), str(row.status))
        promises.add_row(label, f"{int(row.promises):,}", _share(int(row.promises), made))
    console.print(promises)
    c = figures.complaint_totals
    complaints = Table(
        title=(
            f"Complaints 投诉: {c['complaints']:,} ({c['per_10k'] or '—'} per 10,000 accounts "
            f"每万户), {c['resolved']:,} resolved 已办结"
        )
    )
    complaints.add_column("cause 原因", overflow="fold")
    complaints.add_column("complaints 件", justify="right")
    complaints.add_column("per 10,000 每万户", justify="right")
    for row in figures.complaints.itertuples():
        complaints.add_row(f"{row.zh} {row.en}", f"{int(row.complaints):,}", str(row.per_10k))
    console.print(complaints)
    if figures.agencies.empty:
        return
    agencies = Table(title="Agency scorecards 委外机构评分卡")
    for column in (
        "agency 机构",
        "accounts 户",
        "recovered 回收 ¥",
        "rate 回收率",
        "complaints/1k 投诉",
    ):
        agencies.add_column(column, justify="left" if "机构" in column else "right")
    for row in figures.agencies.itertuples():
        rate = row.recovery_rate
        agencies.add_row(
            str(row.agency),
            f"{int(row.accounts):,}",
            f"{float(row.recovered_amount):,.0f}",
            "—" if rate is None else f"{100 * float(rate):.1f} %",
            "—" if row.complaints_per_1000 is None else str(row.complaints_per_1000),
        )
    console.print(agencies)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _plans_chart(plans: pd.DataFrame) -> str:
    """Loans under plan by kind, stacked by outcome (chart labels in English: server fonts)."""
    figure = Figure(figsize=(7, 2.8))
    axis = figure.subplots()
    kinds = [k for k in PLAN_KINDS if k in set(plans["kind"])]
    bottom = np.zeros(len(kinds))
    for outcome in PLAN_OUTCOMES:
        values = np.array(
            [
                plans.loc[(plans["kind"] == k) & (plans["outcome"] == outcome), "loans"].sum()
                for k in kinds
            ],
            dtype=float,
        )
        axis.bar([k.replace("_", " ") for k in kinds], values, bottom=bottom, label=outcome)
        bottom += values
    axis.set_ylabel("loans")
    axis.set_title("Repayment plans by kind and outcome")
    axis.grid(axis="y", alpha=0.3)
    axis.legend(fontsize=8)
    return _svg(figure)


def _bars(labels: list[str], values: list[float], title: str, unit: str) -> str:
    figure = Figure(figsize=(7, 0.5 + 0.35 * max(len(labels), 2)))
    axis = figure.subplots()
    axis.barh(labels[::-1], values[::-1])
    axis.set_xlabel(unit)
    axis.set_title(title)
    axis.grid(axis="x", alpha=0.3)
    return _svg(figure)


def _agency_chart(agencies: pd.DataFrame) -> str:
    figure = Figure(figsize=(7, 2.4))
    left, right = figure.subplots(1, 2)
    names = [str(a) for a in agencies["agency"]]
    rate = [100 * float(r) if r is not None else 0.0 for r in agencies["recovery_rate"]]
    complaints = [float(c) if c is not None else 0.0 for c in agencies["complaints_per_1000"]]
    left.bar(names, rate)
    left.set_title("recovered, % of balance placed", fontsize=9)
    right.bar(names, complaints)
    right.set_title("complaints per 1,000 accounts", fontsize=9)
    for axis in (left, right):
        axis.grid(axis="y", alpha=0.3)
    return _svg(figure)


def _rows(frame: pd.DataFrame) -> str:
    return str(frame.to_html(border=0, classes="grid", index=False, na_rep="—"))


def processes_html(figures: ProcessFigures) -> str:
    """The report's section on plans, promises, complaints and agencies."""
    totals, c = figures.plan_totals, figures.complaint_totals
    plans = figures.plans.assign(
        kind=[PLAN_KINDS.get(k, k) for k in figures.plans["kind"]],
        outcome=[PLAN_OUTCOMES.get(o, o) for o in figures.plans["outcome"]],
    ).rename(
        columns={
            "kind": "类型 kind",
            "outcome": "结果 outcome",
            "loans": "笔数 loans",
            "amount": "计划金额 amount ¥",
            "forgiven": "减免 forgiven ¥",
        }
    )
    made = figures.promises_made
    promises = figures.promises.assign(
        status=[PROMISE_STATES.get(s, s) for s in figures.promises["status"]],
        share=[_share(int(n), made) for n in figures.promises["promises"]],
    ).rename(columns={"status": "状态 status", "promises": "笔数 promises", "share": "占比 share"})
    causes = figures.complaints
    complaint_rows = (
        causes.assign(cause=[f"{z} {e}" for z, e in zip(causes["zh"], causes["en"], strict=True)])[
            ["cause", "complaints", "per_10k"]
        ].rename(
            columns={
                "cause": "原因 cause",
                "complaints": "件数 complaints",
                "per_10k": "每万户 per 10,000",
            }
        )
        if len(causes)
        else causes
    )
    take_up = "—" if totals["take_up"] is None else f"{100 * float(totals['take_up']):.0f} %"
    parts = [
        "<h2>还款计划、承诺、投诉与委外机构 Plans, promises, complaints and agencies</h2>",
        f"<p>{html.escape(str(figures.since))} – {html.escape(str(figures.until))}。"
        "均由台账中的真实记录统计 / read from the ledger's own records.</p>",
        "<h3>还款计划（按类型与结果） Repayment plans by kind and outcome</h3>",
        f"<p>提供方案的贷款 loans offered plans: {totals['offered']:,}; 接受 accepted: "
        f"{totals['accepted']:,}; 接受率 take-up: {take_up}.</p>",
    ]
    if len(figures.plans):
        parts += [f"<figure>{_plans_chart(figures.plans)}</figure>", _rows(plans)]
    parts += [
        "<h3>承诺还款 Promises to pay: made, kept, broken</h3>",
        f"<p>作出 made: {made:,}.</p>",
    ]
    if made:
        parts += [
            "<figure>"
            + _bars(
                [str(s).replace("_", " ") for s in figures.promises["status"]],
                [float(n) for n in figures.promises["promises"]],
                "Promises to pay by outcome",
                "promises",
            )
            + "</figure>",
            _rows(promises),
        ]
    parts += [
        "<h3>投诉（每万户，按原因） Complaints per 10,000 accounts by cause</h3>",
        f"<p>投诉 complaints: {c['complaints']:,}（每万户 per 10,000 accounts: "
        f"{c['per_10k'] or '—'}；账户 accounts: {c['accounts']:,}；已办结 resolved: "
        f"{c['resolved']:,}）。</p>",
    ]
    if len(causes):
        parts += [
            "<figure>"
            + _bars(
                [str(e) for e in causes["en"]],
                [float(v) for v in causes["per_10k"]],
                "Complaints per 10,000 accounts by cause",
                "per 10,000 accounts",
            )
            + "</figure>",
            _rows(complaint_rows),
        ]
    parts.append("<h3>委外机构评分卡 Agency scorecards</h3>")
    if figures.agencies.empty:
        parts.append("<p>无委外机构 no agency.</p>")
    else:
        cards = figures.agencies[
            [
                "agency",
                "accounts",
                "placed_amount",
                "recovered_amount",
                "commission_amount",
                "recovery_rate",
                "contacts",
                "complaints",
                "gate_refusals",
                "complaints_per_1000",
                "may_place",
                "evaluated_on",
            ]
        ].rename(
            columns={
                "agency": "机构 agency",
                "accounts": "户数 accounts",
                "placed_amount": "委案余额 placed ¥",
                "recovered_amount": "回收 recovered ¥",
                "commission_amount": "佣金 commission ¥",
                "recovery_rate": "回收率 recovery rate",
                "contacts": "联系 contacts",
                "complaints": "投诉 complaints",
                "gate_refusals": "闸门拒绝 gate refusals",
                "complaints_per_1000": "每千户投诉 complaints per 1,000",
                "may_place": "可委案 may place",
                "evaluated_on": "最近评估 evaluated on",
            }
        )
        parts += [f"<figure>{_agency_chart(figures.agencies)}</figure>", _rows(cards)]
    return "\n".join(parts)
