"""The explainer's report: one self-contained HTML page, in zh-CN or English, with SVG charts.

It shows the headline (what moved, by how much, from when, and why), the bridge of the change
into volume, mix, vintage, period and policy, the top segments with their explanatory power,
the age-adjusted KPI by week around the change, vintage curves (day-1 delinquency by months on
book, one line per vintage), roll rates in the 30 days before and after the change, and the
evidence from new loans by month (volume, principal and the first due's delinquency). The
ledger keeps no applications, so score distributions and approval rates by month are shown
only when the frame carries ``score_band`` (a lender's tape can); otherwise the page says so.
Charts are the web app's SVG (:mod:`fairdebt.web.charts`): no script, no download.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from fairdebt.errors import FairdebtError
from fairdebt.explain.changes import weekly
from fairdebt.explain.mechanism import Explanation, expected_rates
from fairdebt.web.charts import bars, heatmap, lines

__all__ = [
    "TEXT",
    "ReportTables",
    "headline",
    "make_tables",
    "read_report_tables",
    "render_report",
    "write_report",
]

TEXT: dict[str, dict[str, str]] = {
    "zh-CN": {
        "title": "催收为何增加：归因分析",
        "headline": "{metric}自 {date} 起由 {before} 变为 {after}（{change}）；"
        "主要机制：{mechanism}。",
        "range": "指标变化点 {kpi}（95% 区间 {low} 至 {high}）",
        "bridge": "变化分解（每日新入催本金，元）",
        "segments": "主要客群（按解释力排序）",
        "none": "全组合同时变化，无突出客群",
        "series": "入催率（经账龄调整：实际/预期），按周",
        "vintages": "批次曲线：各账龄的入催率",
        "rolls": "迁移率：变化前后 30 天",
        "approvals": "新放款证据（按月）",
        "no_scores": "账务库中没有申请与评分数据：评分分布与审批通过率需在贷款数据中"
        "提供 score_band。",
        "segment": "客群",
        "power": "解释力",
        "mechanism_col": "机制",
        "month": "月份",
        "loans": "放款笔数",
        "principal": "放款本金",
        "first_due": "首期入催率",
        "before": "变化前",
        "after": "变化后",
        "volume": "规模",
        "mix": "结构",
        "vintage": "批次",
        "period": "时期",
        "policy": "政策",
        "entry_rate": "入催率",
        "dpd30_rate": "30+ 余额占比",
    },
    "en": {
        "title": "Why collections rose: the explainer",
        "headline": "{metric} moved from {before} to {after} ({change}) from {date}; "
        "mechanism: {mechanism}.",
        "range": "KPI change point {kpi} (95 % range {low} to {high})",
        "bridge": "Bridge of the change (principal entering collection per day, yuan)",
        "segments": "Top segments (by explanatory power)",
        "none": "Portfolio-wide: every segment moved together",
        "series": "Day-1 delinquency, age-adjusted (actual / expected), by week",
        "vintages": "Vintage curves: day-1 delinquency by months on book",
        "rolls": "Roll rates: 30 days before and after the change",
        "approvals": "Evidence from new loans, by month",
        "no_scores": "The ledger holds no applications or scores: score distributions and approval "
        "rates by month need a score_band column in the loan tape.",
        "segment": "segment",
        "power": "explanatory power",
        "mechanism_col": "mechanism",
        "month": "month",
        "loans": "loans",
        "principal": "principal",
        "first_due": "first-due day-1 delinquency",
        "before": "before",
        "after": "after",
        "volume": "volume",
        "mix": "mix",
        "vintage": "vintage",
        "period": "period",
        "policy": "policy",
        "entry_rate": "day-1 delinquency (入催率)",
        "dpd30_rate": "share of balance 30+ dpd (30+ 余额占比)",
    },
}


@dataclass(frozen=True, slots=True)
class ReportTables:
    """The figures of the report, computed once (vectorised) from the dues and the cycle."""

    weekly: pd.DataFrame  # start, ratio (actual / expected)
    vintages: pd.DataFrame  # index seq, columns vintage, values rate
    approvals: pd.DataFrame  # month, loans, principal, first_due
    rolls_before: pd.DataFrame | None
    rolls_after: pd.DataFrame | None


def make_tables(dues: pd.DataFrame, explanation: Explanation) -> ReportTables:
    """The report's tables from the dues alone (no roll rates)."""
    num = dues["entered"] * dues["principal"]
    expected = pd.Series(
        expected_rates(dues, dues) * dues["principal"].to_numpy(), index=dues.index
    )
    w = weekly(dues["due_on"], num, dues["principal"])
    e = weekly(dues["due_on"], expected, dues["principal"])
    series = w[["start"]].assign(ratio=(w["num"] / e["num"].where(e["num"] > 0)).to_numpy())
    curves = (
        dues.assign(num=num)
        .groupby(["vintage", "seq"])[["num", "principal"]]
        .sum()
        .assign(rate=lambda g: g["num"] / g["principal"])["rate"]
        .unstack("vintage")
        .sort_index()
    )
    first = dues[dues["seq"] == 1]
    loans = first.groupby("vintage").agg(
        loans=("loan_id", "nunique"), principal=("principal", "sum")
    )
    loans["first_due"] = (first["entered"] * first["principal"]).groupby(
        first["vintage"]
    ).sum() / loans["principal"]
    return ReportTables(
        series, curves, loans.reset_index().rename(columns={"vintage": "month"}), None, None
    )


def read_report_tables(
    engine: Engine, dues: pd.DataFrame, explanation: Explanation
) -> ReportTables:
    """``make_tables`` plus the cycle's roll rates in the 30 days either side of the change."""
    from fairdebt.cycle import roll_rates

    tables = make_tables(dues, explanation)
    on = explanation.kpi_change.on
    month = dt.timedelta(days=30)
    rolls: list[pd.DataFrame | None] = []
    for start, end in ((on - month, on), (on, on + month)):
        try:
            rolls.append(roll_rates(engine, from_date=start, to_date=end))
        except FairdebtError:
            rolls.append(None)  # a side of the change not closed by the cycle: no matrix
    return ReportTables(tables.weekly, tables.vintages, tables.approvals, rolls[0], rolls[1])


def _pct(value: float) -> str:
    return f"{100 * value:.2f}%"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _rolls(frame: pd.DataFrame | None, label: str) -> str:
    if frame is None or frame.empty:
        return ""
    matrix = frame.fillna(0.0)
    return str(
        heatmap(
            [str(i) for i in matrix.index],
            [str(c) for c in matrix.columns],
            matrix.to_numpy().tolist(),
            label=label,
        )
    )


def headline(explanation: Explanation, lang: str) -> str:
    """One sentence: what moved, from when, by how much, and the mechanism."""
    t = TEXT[lang]
    k = explanation.kpi_change
    return t["headline"].format(
        metric=t.get(explanation.metric, explanation.metric),
        date=explanation.change_date.isoformat(),
        before=_pct(k.before),
        after=_pct(k.after),
        change=f"{100 * k.size:+.2f} pp",
        mechanism=t[explanation.mechanism],
    )


def render_report(explanation: Explanation, tables: ReportTables, *, lang: str = "zh-CN") -> str:
    """The page as a string."""
    t = TEXT[lang]
    k = explanation.kpi_change
    title = headline(explanation, lang)
    parts = [
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<title>{t['title']}</title>",
        "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}</style>"
        "</head><body>",
        f"<h1>{t['title']}</h1>",
        f"<p data-testid='headline'><strong>{html.escape(title)}</strong></p>",
        f"<p>{html.escape(t['range'].format(kpi=k.on, low=k.low, high=k.high))}</p>",
        f"<h2>{t['bridge']}</h2>",
    ]
    names = ["volume", "mix", "vintage", "period", "policy"]
    parts.append(
        str(bars([t[n] for n in names], [explanation.bridge[n] for n in names], label=t["bridge"]))
    )
    parts.append(f"<h2>{t['segments']}</h2>")
    if explanation.causes:
        rows = [
            [" ; ".join(c["segment"]), t[c["mechanism"]], _pct(c["explanatory_power"])]
            for c in explanation.causes
        ]
        parts.append(_table([t["segment"], t["mechanism_col"], t["power"]], rows))
    else:
        parts.append(f"<p>{t['none']}</p>")
    series = tables.weekly
    parts += [
        f"<h2>{t['series']}</h2>",
        str(
            lines(
                [s.strftime("%m-%d") for s in series["start"]],
                {t[explanation.metric]: [None if v != v else float(v) for v in series["ratio"]]},
                label=t["series"],
                percent=False,
            )
        ),
        f"<h2>{t['vintages']}</h2>",
    ]
    curves = tables.vintages.iloc[:, -8:]
    parts.append(
        str(
            lines(
                [str(i) for i in curves.index],
                {str(c): [None if v != v else float(v) for v in curves[c]] for c in curves.columns},
                label=t["vintages"],
            )
        )
    )
    if tables.rolls_before is not None or tables.rolls_after is not None:
        parts.append(f"<h2>{t['rolls']}</h2>")
        parts.append(f"<h3>{t['before']}</h3>" + _rolls(tables.rolls_before, t["before"]))
        parts.append(f"<h3>{t['after']}</h3>" + _rolls(tables.rolls_after, t["after"]))
    a = tables.approvals
    parts += [
        f"<h2>{t['approvals']}</h2>",
        str(bars(list(a["month"]), [float(x) for x in a["loans"]], label=t["loans"])),
        _table(
            [t["month"], t["loans"], t["principal"], t["first_due"]],
            [
                [str(r.month), str(int(r.loans)), f"{r.principal:,.0f}", _pct(float(r.first_due))]
                for r in a.itertuples()
            ],
        ),
        f"<p>{t['no_scores']}</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(
    explanation: Explanation, tables: ReportTables, path: Path, *, lang: str = "zh-CN"
) -> Path:
    """Write the page to ``path`` (UTF-8) and return it."""
    path.write_text(render_report(explanation, tables, lang=lang), encoding="utf-8")
    return path
