"""The demo's collections section: what the loop did, beside the published figures it should match.

Given :class:`~fairdebt.simulation.outcomes.Outcomes`, :func:`print_collections` prints the
bilingual tables on the console and :func:`collections_html` returns the report's section: the
recovery curves of the policy's arm and of the no-contact hold-out, the contact tables against
../shared/calibration.md, contacts and complaints per ¥10,000 recovered, the gate's refusals
by rule, the reminders sent before due, and a sample work queue with its reason codes.
"""

from __future__ import annotations

import html
import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from rich.console import Console
from rich.table import Table

from fairdebt.simulation.outcomes import Outcomes
from fairdebt.strategy.reasons import reason_text

__all__ = ["COMPARISONS", "collections_html", "comparisons", "print_collections"]

# Figures of the loop against calibration.md: (label, target text, getter).
COMPARISONS = (
    ("30-day collection, policy arm 30天回收率（策略组）", "≈ 86 % (row 26)"),
    ("30-day collection, no-contact hold-out 30天回收率（留存组）", "40–60 % (row 11)"),
    ("Month-end M1→M2 balance roll 月末M1→M2余额迁徙", "0.35–0.70 (issue)"),
    ("Contacts per delinquent account per week 每户每周触达", "4+ for 40 % (row 13)"),
    ("Calls answered per dial 接通率", "< 35 % (practice sheet)"),
    ("Right-party contact per dial 本人接通率", "20–30 % (row 19, rotary era)"),
    ("Promise kept rate 承诺兑现率", "40–70 % (row 22)"),
    (
        "Complaints per 10,000 accounts a year 每万户年投诉",
        "5–15 per 10k contacted (row 16, regulator only)",
    ),
)


def comparisons(outcomes: Outcomes, arm: str = "champion") -> list[tuple[str, str, str]]:
    """(label, target, achieved) rows of the loop's figures against the published ones."""
    row = outcomes.by_arm.loc[arm] if arm in outcomes.by_arm.index else None
    curve = outcomes.curves

    def share(name: str) -> str:
        return f"{100 * curve[name].iloc[-1]:.1f} %" if name in curve else "—"

    def value(key: str, fmt: str) -> str:
        if row is None or row[key] != row[key]:
            return "—"
        return fmt.format(row[key])

    achieved = [
        share(arm),
        share("holdout"),
        f"{outcomes.roll_m1_m2:.2f}" if outcomes.roll_m1_m2 == outcomes.roll_m1_m2 else "—",
        value("contacts_per_late_account_week", "{:.1f}"),
        value("answer_rate", "{:.1%}"),
        value("right_party_rate", "{:.1%}"),
        f"{outcomes.figures.get('promise_kept_rate', float('nan')):.0%}",
        value("complaints_per_10k_accounts_year", "{:.1f}"),
    ]
    return [
        (label, target, got) for (label, target), got in zip(COMPARISONS, achieved, strict=True)
    ]


def print_collections(console: Console, outcomes: Outcomes) -> None:
    """The collections section on the console (fits 80 columns)."""
    if outcomes.by_arm.empty:
        return
    table = Table(title="Collections 催收 (the loop against calibration.md)")
    table.add_column("measure 指标", overflow="fold")
    table.add_column("published 公开数据", overflow="fold")
    table.add_column("achieved 实际", justify="right")
    for label, target, got in comparisons(outcomes):
        table.add_row(label, target, got)
    console.print(table)
    arms = Table(title="By arm 分组 (money in ¥)")
    for column in ("arm 组", "accounts 户", "recovered 回收", "contacts 触达", "complaints 投诉"):
        arms.add_column(column, justify="right")
    for arm, row in outcomes.by_arm.iterrows():
        arms.add_row(
            str(arm),
            f"{row['accounts']:,.0f}",
            f"{row['recovered']:,.0f}",
            f"{row['contacts']:,.0f}",
            f"{row['complaints']:,.0f}",
        )
    console.print(arms)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _curve_chart(outcomes: Outcomes) -> str:
    figure = Figure(figsize=(7, 3.4))
    axis = figure.subplots()
    for arm in outcomes.curves.columns:
        axis.plot(outcomes.curves.index, 100 * outcomes.curves[arm], marker=".", label=str(arm))
    axis.set_xlabel("days past due (since the missed due)")
    axis.set_ylabel("% of day-1 delinquent principal paid")
    axis.set_ylim(0, 100)
    axis.grid(alpha=0.3)
    axis.legend()
    axis.set_title("Days to cure (recovery curves): policy arm and no-contact hold-out")
    return _svg(figure)


def _per_recovered_chart(outcomes: Outcomes) -> str:
    data = outcomes.by_arm[["contacts_per_10k_recovered", "complaints_per_10k_recovered"]]
    figure = Figure(figsize=(7, 2.6))
    axes = figure.subplots(1, 2)
    for axis, column, title in zip(
        axes,
        data.columns,
        ("contacts per ¥10,000 recovered", "complaints per ¥10,000 recovered"),
        strict=True,
    ):
        axis.bar([str(a) for a in data.index], np.nan_to_num(data[column].to_numpy()))
        axis.set_title(title, fontsize=9)
        axis.grid(axis="y", alpha=0.3)
    return _svg(figure)


def _rows(frame: pd.DataFrame) -> str:
    return str(frame.to_html(border=0, classes="grid", index=False, na_rep=""))


def collections_html(outcomes: Outcomes) -> str:
    """The report's collections section (empty when nobody collected)."""
    if outcomes.by_arm.empty:
        return ""
    compared = "".join(
        f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td><td>{html.escape(c)}</td></tr>"
        for a, b, c in comparisons(outcomes)
    )
    arms = (
        outcomes.by_arm[
            [
                "accounts",
                "recovered",
                "contacts",
                "complaints",
                "contacts_per_10k_recovered",
                "complaints_per_10k_recovered",
            ]
        ]
        .round(2)
        .reset_index(names="arm")
    )
    refusals = outcomes.refusals.reset_index().rename(
        columns={"gate_rule": "rule 规则", "n": "refused 拒绝"}
    )
    reminders = outcomes.reminders.reset_index().rename(
        columns={"action": "action 动作", "n": "sent 发送"}
    )
    queue = outcomes.queue.copy()
    if not queue.empty:
        queue["reason"] = [reason_text(r) for r in queue["reason"]]
        queue = queue[
            ["code", "name", "queue_position", "external_id", "stage", "dpd", "action", "reason"]
        ]
    return f"""
<h2>催收闭环 Collections</h2>
<p>策略组与随机不触达留存组（{100 * outcomes.figures.get("holdout_share", 0):.1f} %）的对比；
The policy's arm against the randomised no-contact hold-out.</p>
<figure>{_curve_chart(outcomes)}</figure>
<table class="kpi"><tr><th>指标 measure</th><th>公开数据 published</th><th>实际 achieved</th></tr>
{compared}</table>
<h3>按组 By arm</h3>{_rows(arms)}
<figure>{_per_recovered_chart(outcomes)}</figure>
<h3>合规闸门拒绝（按规则） Gate refusals by rule</h3>{_rows(refusals)}
<h3>到期前提醒 Reminders before due</h3>{_rows(reminders)}
<h3>工作队列示例 A sample work queue</h3>{_rows(queue)}
"""
