"""The conduct report for regulators and the board: HTML with charts in zh-CN and en, and CSV.

:func:`write_report` writes, into one folder, ``conduct.zh-CN.html`` and ``conduct.en.html``
(or the one language asked for) and one CSV per table: ``contacts.csv``, ``refusals.csv``,
``complaints.csv``, ``agencies.csv``, ``plans.csv`` (UTF-8 with a byte-order mark, so that a
spreadsheet opens the Chinese labels correctly). Like the demo report, each page is
self-contained and embeds its charts as inline SVG drawn by matplotlib's object API; here the
chart text is left as text (``svg.fonttype: none``) so the reader's browser draws the Chinese
labels with its own fonts, which a server without CJK fonts cannot.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from fairdebt.conduct.figures import ConductFigures

__all__ = ["LANGUAGES", "TEXT", "write_report"]

LANGUAGES = ("zh-CN", "en")
TEXT: Mapping[str, Mapping[str, str]] = {
    "zh-CN": {
        "title": "催收行为报告",
        "period": "报告期",
        "generated": "生成时间",
        "summary": "概览",
        "h_contacts": "触达（按主体与渠道）",
        "h_refusals": "合规闸门拒绝（按规则）",
        "h_complaints": "投诉（按原因）",
        "h_agencies": "委外机构评分卡",
        "h_plans": "还款计划（按类型与结果）",
        "empty": "本期无记录。",
        "book_accounts": "在册账户",
        "accounts": "账户数",
        "agency": "机构",
        "contacts": "触达",
        "refusals": "拒绝",
        "complaints": "投诉",
        "agencies": "机构数",
        "plans": "计划数",
        "placed_amount": "委案金额",
        "recovered_amount": "回收金额",
        "commission_amount": "佣金",
        "recovery_rate": "回收率",
        "screening_findings": "话术筛查发现",
        "gate_refusals": "闸门拒绝",
        "complaints_per_1000": "每千户投诉",
        "findings_per_1000": "每千户筛查发现",
        "refusals_per_1000": "每千户闸门拒绝",
        "may_place": "可委案",
        "evaluated_on": "最近评估日",
        "by": "主体",
        "channel": "渠道",
        "against_gate": "违反闸门",
        "rule": "规则",
        "source": "来源",
        "cause": "原因",
        "label": "说明",
        "per_10k": "每万户",
        "kind": "类型",
        "outcome": "结果",
        "amount": "金额",
        "note_refusals": "来源：plan＝策略计划被拒；"
        "contact＝违反闸门仍发生的触达（含机构回传记录）；check＝未对应触达记录的闸门查询。三者不重复计数。",
        "note_agencies": "每千户比率以期内委案账户为分母（无委案时以触达账户为分母）；"
        "评估依据 GB/T 45251-2025（每年至少一次）及中国银行业协会2026年催收工作指引。",
        "note_plans": "结果取自计划自身的分期：completed 已结清，performing 正常履约，"
        "in_arrears 逾期，superseded 已被替换。",
    },
    "en": {
        "title": "Collection conduct report",
        "period": "Period",
        "generated": "Generated",
        "summary": "Summary",
        "h_contacts": "Contacts by actor and channel",
        "h_refusals": "Gate refusals by rule",
        "h_complaints": "Complaints by cause",
        "h_agencies": "Agency scorecards",
        "h_plans": "Repayment plans by kind and outcome",
        "empty": "Nothing recorded in the period.",
        "book_accounts": "accounts on book",
        "complaints_per_1000": "complaints per 1,000 accounts",
        "contacts": "contacts",
        "refusals": "refusals",
        "complaints": "complaints",
        "agencies": "agencies",
        "plans": "plans",
        "by": "actor",
        "channel": "channel",
        "against_gate": "against the gate",
        "rule": "rule",
        "source": "source",
        "cause": "cause",
        "label": "description",
        "per_10k": "per 10,000",
        "kind": "kind",
        "outcome": "outcome",
        "amount": "amount",
        "note_refusals": "Sources: plan = a planned decision the gate refused; contact = a "
        "contact made although the gate refuses it (agency records included); check = a gate "
        "query naming no recorded contact. None is counted twice.",
        "note_agencies": "Rates per 1,000 are over the accounts placed in the period (the "
        "accounts contacted when none was placed). Evaluations: GB/T 45251-2025 (at least "
        "yearly) and the CBA 2026 collection guideline.",
        "note_plans": "Outcome from the plan's own instalments: completed, performing, "
        "in_arrears, superseded.",
    },
}
_STYLE = """body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 62em;
color: #222; } h1, h2 { font-weight: 600; } table { border-collapse: collapse; margin: .5em 0; }
td, th { padding: .2em .6em; border-bottom: 1px solid #ddd; text-align: right; }
figure { margin: 1em 0; } svg { max-width: 100%; height: auto; } .note { color: #555; }"""


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # The server may lack CJK glyphs; the text stays text and the browser draws it.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _bars(labels: Sequence[str], values: Sequence[float], title: str) -> str:
    with matplotlib.rc_context({"svg.fonttype": "none"}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure = Figure(figsize=(7, 0.4 * max(len(labels), 2) + 0.8))
        axis = figure.subplots()
        axis.barh(list(range(len(labels))), list(values), color="#0072B2")
        axis.set_yticks(list(range(len(labels))), list(labels))
        axis.invert_yaxis()
        axis.set_title(title)
        axis.grid(axis="x", alpha=0.3)
        return _svg(figure)


def _table(frame: pd.DataFrame, words: Mapping[str, str]) -> str:
    if frame.empty:
        return f'<p class="note">{html.escape(words["empty"])}</p>'
    shown = frame.rename(columns={c: words.get(c, c) for c in frame.columns})
    return str(shown.to_html(index=False, border=0, na_rep="", escape=True))


def _chart(frame: pd.DataFrame, label: str, value: str, title: str) -> str:
    if frame.empty or frame[value].astype(float).sum() == 0:
        return ""
    top = frame.nlargest(15, value) if len(frame) > 15 else frame
    chart = _bars(top[label].astype(str).tolist(), top[value].astype(float).tolist(), title)
    return f"<figure>{chart}</figure>"


def _sections(figures: ConductFigures, lang: str) -> list[str]:
    w = TEXT[lang]
    cause = "zh" if lang == "zh-CN" else "en"
    complaints = figures.complaints.assign(label=figures.complaints[cause])
    by_actor = figures.contacts.groupby("by", as_index=False)["contacts"].sum()
    refusals = figures.refusals.groupby("rule", as_index=False)["refusals"].sum()
    plans = figures.plans.assign(label=figures.plans["kind"] + " / " + figures.plans["outcome"])
    agencies = figures.agencies
    complaint_rows = complaints[["cause", "label", "complaints", "per_10k"]]
    return [
        f"<h2>{w['h_contacts']}</h2>",
        _chart(by_actor, "by", "contacts", w["h_contacts"]),
        _table(figures.contacts, w),
        f"<h2>{w['h_refusals']}</h2>",
        _chart(refusals, "rule", "refusals", w["h_refusals"]),
        _table(figures.refusals, w),
        f'<p class="note">{html.escape(w["note_refusals"])}</p>',
        f"<h2>{w['h_complaints']}</h2>",
        _chart(complaints, "label", "complaints", w["h_complaints"]),
        _table(complaint_rows, w),
        f"<h2>{w['h_agencies']}</h2>",
        _chart(agencies, "agency", "complaints_per_1000", w["complaints_per_1000"])
        if "complaints_per_1000" in agencies
        else "",
        _table(agencies, w),
        f'<p class="note">{html.escape(w["note_agencies"])}</p>',
        f"<h2>{w['h_plans']}</h2>",
        _chart(plans, "label", "plans", w["h_plans"]) if len(plans) else "",
        _table(figures.plans, w),
        f'<p class="note">{html.escape(w["note_plans"])}</p>',
    ]


def _page(figures: ConductFigures, lang: str, generated_at: dt.datetime) -> str:
    w = TEXT[lang]
    head = figures.headline()
    summary = "".join(
        f"<tr><th>{html.escape(w.get(k, k))}</th><td>{v:,}</td></tr>" for k, v in head.items()
    )
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>fairdebt — {w["title"]}</title>
<style>{_STYLE}</style></head><body>
<h1>{w["title"]}</h1>
<p>{w["period"]}: {figures.since} – {figures.until}. {w["book_accounts"]}: {figures.accounts:,}.
{w["generated"]}: {generated_at.isoformat(timespec="seconds")}.</p>
<h2>{w["summary"]}</h2><table>{summary}</table>
{"".join(_sections(figures, lang))}
</body></html>
"""


def write_report(
    figures: ConductFigures,
    out: Path,
    *,
    generated_at: dt.datetime,
    languages: Sequence[str] = LANGUAGES,
) -> dict[str, str]:
    """Write the pages and CSVs into ``out`` (created if needed); their paths by name."""
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, str] = {}
    for lang in languages:
        path = out / f"conduct.{lang}.html"
        path.write_text(_page(figures, lang, generated_at), encoding="utf-8")
        paths[f"html_{lang}"] = str(path)
    tables = {
        "contacts": figures.contacts,
        "refusals": figures.refusals,
        "complaints": figures.complaints,
        "agencies": figures.agencies,
        "plans": figures.plans,
    }
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8-sig")
        paths[f"csv_{name}"] = str(path)
    return paths
