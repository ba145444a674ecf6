"""The demo's two outputs: a Rich summary on the terminal and a self-contained HTML report.

The HTML file embeds its charts as inline SVG drawn by matplotlib's object API (no pyplot
state, no external assets): the delinquency trend, a roll-rate heatmap and vintage curves.
Chart labels are in English because a fresh machine often has no CJK font (matplotlib would
draw empty boxes); the page text around them is bilingual, zh-CN and English. The console is
passed in, as Rich recommends, so tests can capture what it prints.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from rich.console import Console
from rich.table import Table

from fairdebt.simulation.measures import BUCKETS, Measures
from fairdebt.simulation.runs import SimulationResult
from fairdebt.terminal import print_table

__all__ = ["TARGETS", "print_summary", "write_html"]

# calibration.md rows 25-31: (label, key, target text, low, high). The keys are the rows of
# measures.CALIBRATION, each the cycle's own KPI (docs/glossary.md).
TARGETS = (
    ("Day-1 delinquency 入催率", "day1_delinquency", "4–5 %", 0.04, 0.05),
    ("30-day collection 30天回收率", "collected_30d", "≈ 86 %", 0.83, 0.89),
    ("90+ balance share 90+余额占比 (loan_day)", "share_90_plus", "2–3.5 %", 0.02, 0.035),
    (
        "90+ balance share (recomputed) 90+余额占比(重算)",
        "share_90_plus_ledger",
        "2–3.5 %",
        0.02,
        0.035,
    ),
    ("M3 recovery M3回款率", "m3_recovery", "3–5 %", 0.03, 0.05),
    ("FPD30 首逾30+", "fpd30", "< 1 %", 0.0, 0.01),
    ("Average loan 件均 (¥)", "avg_loan", "7,249–8,318", 7000.0, 8500.0),
    ("Amount-weighted tenor 加权期限 (months)", "weighted_tenor", "≈ 8.4", 7.9, 9.0),
)


def _fmt(key: str, value: float) -> str:
    if value != value:  # NaN: not measurable yet in so short a run
        return "n/a"
    if key == "avg_loan":
        return f"{value:,.0f}"
    if key == "weighted_tenor":
        return f"{value:.1f}"
    return f"{100 * value:.2f} %"


def _mix_pivot(mix: pd.DataFrame, column: str) -> pd.DataFrame:
    table = mix.pivot_table(index="business_date", columns="bucket", values=column, aggfunc="sum")
    return table.reindex(columns=[b for b in BUCKETS if b in table.columns]).fillna(0)


def print_summary(console: Console, result: SimulationResult, measures: Measures) -> None:
    """Counts, balances, delinquency by bucket, roll rates, vintages and calibration KPIs."""
    console.rule(
        f"fairdebt demo 演示 — {result.borrowers:,} borrowers 借款人, {result.months} months"
    )
    console.print(
        f"loans 贷款 {result.loans:,}   payments 还款 {result.payments:,}   "
        f"{result.start_on} → {result.end_on}   seed {result.seed}"
    )
    last = measures.month_ends[-1]
    day = measures.mix[measures.mix["business_date"] == last]
    buckets = Table(title=f"Delinquency by bucket 账龄分布 ({last})")
    for name in ("bucket 账龄", "loans 笔数", "balance 余额 (¥)", "share 占比"):
        buckets.add_column(name, justify="right")
    live_balance = day.loc[day["bucket"] != "M7+", "balance"].sum()
    for bucket in BUCKETS:
        row = day[day["bucket"] == bucket]
        if row.empty:
            continue
        balance = float(row["balance"].sum())
        share = "" if bucket == "M7+" else f"{100 * balance / max(live_balance, 1):.2f} %"
        buckets.add_row(bucket, f"{int(row['loans'].sum()):,}", f"{balance:,.0f}", share)
    console.print(buckets)

    # Wide tables go through print_table, which splits them to fit the terminal (80 columns
    # included) instead of letting Rich cut every cell to "20…".
    print_table(
        console,
        title="Roll rates 迁徙率 (last month, by count 按笔数)",
        label="from \\ to",
        columns=[str(column) for column in measures.rolls.columns],
        rows=[
            (str(bucket), [f"{100 * v:.1f}" for v in row.to_numpy()])
            for bucket, row in measures.rolls.iterrows()
        ],
    )

    if not measures.vintages.empty:
        print_table(
            console,
            title="Vintages: ever 30+ dpd by months on book 账龄曲线 (%)",
            label="vintage 批次",
            columns=[f"MOB{column}" for column in measures.vintages.columns],
            rows=[
                (str(vintage), ["" if v != v else f"{100 * v:.1f}" for v in row.to_numpy()])
                for vintage, row in measures.vintages.iterrows()
            ],
        )

    kpis = Table(title="Calibration 校准 (calibration.md rows 25–31)")
    for name in ("measure 指标", "target 目标", "achieved 实际"):
        kpis.add_column(name, justify="right")
    for label, key, target, *_ in TARGETS:
        kpis.add_row(label, target, _fmt(key, measures.kpis.get(key, float("nan"))))
    console.print(kpis)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _trend_chart(measures: Measures) -> str:
    balance = _mix_pivot(measures.mix, "balance")
    live = balance.drop(columns=["M7+"], errors="ignore")
    total = live.sum(axis=1).replace(0, np.nan)
    figure = Figure(figsize=(7, 3.2))
    axis = figure.subplots()
    for label, columns in (
        ("1+ dpd", ["M1", "M2", "M3", "M4", "M5", "M6"]),
        ("30+ dpd", ["M2", "M3", "M4", "M5", "M6"]),
        ("90+ dpd", ["M4", "M5", "M6"]),
    ):
        share = live[[c for c in columns if c in live.columns]].sum(axis=1) / total
        axis.plot([str(d)[:7] for d in live.index], 100 * share, marker="o", label=label)
    axis.set_ylabel("% of balance outstanding")
    axis.set_title("Delinquency trend (balance-based, month ends)")
    axis.legend()
    axis.tick_params(axis="x", rotation=45)
    return _svg(figure)


def _roll_chart(measures: Measures) -> str:
    rolls = measures.rolls
    figure = Figure(figsize=(6, 4))
    axis = figure.subplots()
    image = axis.imshow(100 * rolls.to_numpy(), cmap="Reds", vmin=0, vmax=100)
    axis.set_xticks(range(len(rolls.columns)), [str(c) for c in rolls.columns])
    axis.set_yticks(range(len(rolls.index)), [str(i) for i in rolls.index])
    for (i, j), value in np.ndenumerate(100 * rolls.to_numpy()):
        axis.text(j, i, f"{value:.0f}", ha="center", va="center", fontsize=8)
    axis.set_xlabel("bucket at month end")
    axis.set_ylabel("bucket a month earlier")
    axis.set_title("Roll rates (% of loans)")
    figure.colorbar(image, ax=axis)
    return _svg(figure)


def _vintage_chart(measures: Measures) -> str:
    figure = Figure(figsize=(7, 3.6))
    axis = figure.subplots()
    for vintage, row in measures.vintages.iterrows():
        axis.plot(row.index, 100 * row.to_numpy(dtype=float), marker=".", label=str(vintage))
    axis.set_xlabel("months on book")
    axis.set_ylabel("% of loans ever 30+ dpd")
    axis.set_title("Vintage curves by disbursement month")
    if len(measures.vintages):
        axis.legend(fontsize=7, ncol=2)
    return _svg(figure)


def _table_html(frame: pd.DataFrame, percent: bool = True) -> str:
    shown = frame.map(lambda v: "" if v != v else (f"{100 * v:.1f}" if percent else v))
    return str(shown.to_html(border=0, classes="grid"))


def write_html(
    path: Path,
    result: SimulationResult,
    measures: Measures,
    *,
    generated_at: dt.datetime,
    sections: str = "",
) -> Path:
    """Write the self-contained report to ``path`` and return it."""
    kpi_rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{html.escape(target)}</td>"
        f"<td>{_fmt(key, measures.kpis.get(key, float('nan')))}</td></tr>"
        for label, key, target, *_ in TARGETS
    )
    truth = html.escape(str(result.truth)) if result.scenario else "none 无"
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>fairdebt 演示报告 demo report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }}
h1, h2 {{ font-weight: 600; }} table.grid, table.kpi {{ border-collapse: collapse; }}
table.grid td, table.grid th, table.kpi td, table.kpi th {{ padding: .2em .6em;
  border-bottom: 1px solid #ddd; text-align: right; }}
figure {{ margin: 1em 0; }} svg {{ max-width: 100%; height: auto; }}
</style></head><body>
<h1>fairdebt 演示报告 · demo report</h1>
<p>模拟组合 Simulated portfolio: {result.borrowers:,} 借款人 borrowers, {result.loans:,} 笔贷款
loans, {result.payments:,} 笔还款 payments, {result.start_on} → {result.end_on},
seed {result.seed}. 情景 Scenario: {html.escape(str(result.scenario or "none 无"))}.
生成于 Generated {generated_at.isoformat(timespec="seconds")}.</p>
<h2>校准 Calibration</h2>
<table class="kpi"><tr><th>指标 measure</th><th>目标 target</th><th>实际 achieved</th></tr>
{kpi_rows}</table>
<h2>逾期趋势 Delinquency trend</h2><figure>{_trend_chart(measures)}</figure>
<h2>迁徙率 Roll rates</h2><figure>{_roll_chart(measures)}</figure>
{_table_html(measures.rolls)}
<h2>账龄曲线 Vintage curves</h2><figure>{_vintage_chart(measures)}</figure>
{_table_html(measures.vintages)}
{sections}
<h2>注入的冲击 Injected shock (ground truth)</h2><pre>{truth}</pre>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
