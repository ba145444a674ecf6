"""Self-contained HTML reports of a risk model: validation on one sample, monitoring between two.

One file per report, with every chart inlined as SVG and the style in the page, so it can be
mailed to a model-risk team or attached to a committee paper without a server or a network.
Headings and notes are bilingual (zh-CN and English) in the HTML text; chart labels are in
English only, because the machines that draw them may lack a CJK font and a missing glyph
would print as an empty box. Charts are drawn on bare matplotlib ``Figure`` objects, so the
process-wide pyplot backend is never touched. The report does not read the clock: its date is
the model card's ``created_at`` when a card is given.
"""

from __future__ import annotations

import functools
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import jinja2
import matplotlib
import numpy as np
import pandas
from markupsafe import Markup
from matplotlib import font_manager, ft2font
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from fairdebt.risk.monitoring import ALERT, WATCH, monitor
from fairdebt.risk.validation import (
    as_target,
    binning_ivs,
    calibration_by_grade,
    gains_table,
    metrics,
    model_pd,
    model_score,
    score_distribution,
)

__all__ = [
    "render_monitoring_report",
    "render_validation_report",
    "write_monitoring_report",
    "write_validation_report",
]

_TEMPLATES = Path(__file__).with_name("templates")
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_MAX_CURVE_POINTS = 400  # an SVG curve needs no more; keeps a report of 10 M rows small
_MAX_FEATURE_CHARTS = 6
_MAX_BARS = 40  # features per bar chart
_GOOD, _BAD, _EXPECTED, _ACTUAL = "#2f80ed", "#eb5757", "#829ab1", "#f2994a"

#: Bilingual column headings: column name -> (zh-CN, en).
COLUMNS: dict[str, tuple[str, str]] = {
    "grade": ("等级", "Grade"),
    "band": ("分段", "Band"),
    "score_min": ("最低分", "Min score"),
    "score_max": ("最高分", "Max score"),
    "score_from": ("分数下限", "Score from"),
    "score_to": ("分数上限", "Score to"),
    "n": ("样本数", "Rows"),
    "bads": ("坏样本", "Bads"),
    "goods": ("好样本", "Goods"),
    "observed_rate": ("实际坏账率", "Observed bad rate"),
    "mean_pd": ("平均预测PD", "Mean PD"),
    "p_value": ("二项检验p值", "Binomial p-value"),
    "flag": ("判定", "Flag"),
    "bad_rate": ("坏账率", "Bad rate"),
    "lift": ("提升度", "Lift"),
    "cum_n_pct": ("累计样本占比", "Cum. % rows"),
    "cum_bads": ("累计坏样本", "Cum. bads"),
    "cum_bads_pct": ("累计坏样本占比", "Cum. % bads (gains)"),
    "cum_goods_pct": ("累计好样本占比", "Cum. % goods"),
    "cum_bad_rate": ("累计坏账率", "Cum. bad rate"),
    "cum_lift": ("累计提升度", "Cum. lift"),
    "ks": ("KS", "KS"),
    "feature": ("特征", "Feature"),
    "segment": ("分段号", "Segment"),
    "rule": ("分段规则", "Rule"),
    "base_points": ("基础分", "Base points"),
    "iv": ("信息值", "IV"),
    "bin": ("分箱", "Bin"),
    "count": ("样本数", "Count"),
    "count_pct": ("样本占比", "Count %"),
    "event": ("坏样本", "Events"),
    "non_event": ("好样本", "Non-events"),
    "event_rate": ("坏账率", "Event rate"),
    "woe": ("WOE", "WOE"),
    "points": ("分值", "Points"),
    "csi": ("特征稳定性指数", "CSI"),
    "psi": ("稳定性贡献", "PSI contribution"),
    "status": ("状态", "Status"),
    "binning": ("分箱方式", "Binning"),
    "n_bins": ("箱数", "Bins"),
    "expected_n": ("基准样本数", "Expected rows"),
    "actual_n": ("当前样本数", "Actual rows"),
    "expected_pct": ("基准占比", "Expected %"),
    "actual_pct": ("当前占比", "Actual %"),
    "name": ("名称", "Name"),
    "kind": ("对象", "Kind"),
    "value": ("稳定性指数", "Index (PSI / CSI)"),
    "dtype": ("类型", "Type"),
}
_KIND = {"score": "分数 score", "feature": "特征 feature"}
_STATUS = {"stable": "稳定 stable", "watch": "关注 watch", "alert": "预警 alert"}
_FLAG = {"ok": "正常 ok", "under": "低估风险 under", "over": "高估风险 over"}
_COUNTS = {"n", "bads", "goods", "count", "event", "non_event", "expected_n", "actual_n"}
_PERCENT = {
    "observed_rate",
    "mean_pd",
    "bad_rate",
    "cum_n_pct",
    "cum_bads_pct",
    "cum_goods_pct",
    "cum_bad_rate",
    "count_pct",
    "event_rate",
    "expected_pct",
    "actual_pct",
}


def _package_version() -> str:
    try:
        return version("fairdebt")
    except PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------- tables


def _cell(column: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if column == "status":
        return _STATUS.get(str(value), str(value))
    if column == "flag":
        return _FLAG.get(str(value), str(value))
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        number = float(value)
        if column in _PERCENT:
            return f"{number:.2%}"
        if column == "p_value":
            return f"{number:.3g}"
        if number.is_integer() and (column in _COUNTS or column.startswith("score")):
            return f"{int(number):,}"
        return f"{number:,.4f}"
    return str(value)


def _table(
    frame: pandas.DataFrame,
    *,
    css: Callable[[Mapping[str, Any]], str] | None = None,
    table_id: str | None = None,
) -> dict[str, Any]:
    """A DataFrame as the template's table: bilingual headings, formatted cells, row classes."""
    columns = [
        {
            "zh": COLUMNS.get(str(name), (str(name), str(name)))[0],
            "en": COLUMNS.get(str(name), (str(name), str(name)))[1],
            "align": "" if pandas.api.types.is_numeric_dtype(frame[name]) else "text",
        }
        for name in frame.columns
    ]
    rows = []
    for record in frame.to_dict("records"):
        cells = [_cell(str(name), value) for name, value in record.items()]
        rows.append({"cells": cells, "css": css(record) if css else ""})
    return {"columns": columns, "rows": rows, "id": table_id}


def _status_css(record: Mapping[str, Any]) -> str:
    return f"status-{record['status']}" if record.get("status") in {"watch", "alert"} else ""


def _flag_css(record: Mapping[str, Any]) -> str:
    return f"flag-{record['flag']}" if record.get("flag") in {"under", "over"} else ""


# ---------------------------------------------------------------- charts


def _svg(figure: Figure, name: str) -> Markup:
    """The figure as inline SVG markup: text kept as text, ids salted by chart, no date stamp."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": f"fairdebt-{name}"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    # matplotlib's own output: the XML prolog and DOCTYPE are invalid inside HTML, and the RDF
    # metadata block only names namespaces and matplotlib's web site.
    return Markup(_METADATA.sub("", text[text.index("<svg") :]))


def _figure(
    width: float = 6.0, height: float = 3.8, *, left_chars: int = 0, bottom_chars: int = 0
) -> Figure:
    """A figure with margins for tick labels of the given lengths (left, and bottom at 45°).

    Margins are computed, not found by a layout engine, because constrained or tight layout
    draws every chart twice and drawing is most of a report's time.
    """
    figure = Figure(figsize=(width, height))
    char, pad = 6.0, 48.0  # points per character at the default 10 pt font; axis label room
    left = min(0.6, (left_chars * char + pad) / (width * 72.0))
    bottom = min(0.6, (bottom_chars * char * 0.72 + pad) / (height * 72.0))
    top = 1.0 - 24.0 / (height * 72.0)  # room for the title whatever the height
    figure.subplots_adjust(left=left, bottom=bottom, right=0.97, top=top, wspace=0.3)
    return figure


def _thin(n: int) -> NDArray[np.int64]:
    """At most ``_MAX_CURVE_POINTS`` row positions spread over ``n``, first and last included."""
    return np.unique(np.linspace(0, n - 1, min(n, _MAX_CURVE_POINTS)).round().astype(np.int64))


def _cumulative_by_score(
    target: NDArray[np.int8], risk: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Riskiest first: (threshold, cumulative share of bads, of goods) at each tie boundary."""
    order = np.argsort(-risk, kind="mergesort")
    r, t = risk[order], target[order]
    ends = np.r_[r[1:] != r[:-1], True]
    bads = np.cumsum(t)[ends] / t.sum()
    goods = np.cumsum(1 - t)[ends] / (len(t) - t.sum())
    return r[ends], np.r_[0.0, bads], np.r_[0.0, goods]


def _roc_chart(target: NDArray[np.int8], pd_values: NDArray[np.float64], area: float) -> Markup:
    _, tpr, fpr = _cumulative_by_score(target, pd_values)
    keep = _thin(len(tpr))
    figure = _figure(4.6, 4.2)
    ax = figure.subplots()
    ax.plot(fpr[keep], tpr[keep], color=_BAD, label=f"model (AUC = {area:.3f})")
    ax.plot([0, 1], [0, 1], color="#9aa5b1", linestyle="--", label="random")
    ax.set(xlabel="False positive rate (goods)", ylabel="True positive rate (bads)", title="ROC")
    ax.legend(loc="lower right")
    return _svg(figure, "roc")


def _ks_chart(target: NDArray[np.int8], score: NDArray[np.float64]) -> Markup:
    # Low score = risky, so the riskiest-first order is ascending score.
    thresholds, bads, goods = _cumulative_by_score(target, -score)
    thresholds = -thresholds
    gap = bads[1:] - goods[1:]
    at = int(np.argmax(np.abs(gap)))
    keep = _thin(len(thresholds))
    figure = _figure(5.6, 4.2)
    ax = figure.subplots()
    ax.plot(thresholds[keep], bads[1:][keep], color=_BAD, label="cumulative % bads")
    ax.plot(thresholds[keep], goods[1:][keep], color=_GOOD, label="cumulative % goods")
    ax.vlines(thresholds[at], goods[1:][at], bads[1:][at], color="black", linestyle=":")
    ax.annotate(f"KS = {abs(gap[at]):.3f}", (thresholds[at], (bads[1:][at] + goods[1:][at]) / 2))
    ax.set(xlabel="Score (cut-off: at or below)", ylabel="Cumulative share", title="KS")
    ax.legend(loc="lower right")
    return _svg(figure, "ks")


def _calibration_chart(table: pandas.DataFrame) -> Markup:
    grades = table["grade"].to_numpy()
    low, high = [], []
    for bads, n in zip(table["bads"], table["n"], strict=True):  # one per grade
        interval = stats.binomtest(int(bads), int(n)).proportion_ci(0.95)
        low.append(interval.low)
        high.append(interval.high)
    observed = table["observed_rate"].to_numpy(dtype=float)
    figure = _figure()
    ax = figure.subplots()
    ax.bar(grades, table["mean_pd"], color=_EXPECTED, alpha=0.6, label="mean predicted PD")
    ax.errorbar(
        grades,
        observed,
        yerr=[observed - np.asarray(low), np.asarray(high) - observed],
        fmt="o",
        color=_BAD,
        capsize=3,
        label="observed bad rate (95% CI)",
    )
    flagged = table["flag"].to_numpy() != "ok"
    if flagged.any():
        ax.scatter(grades[flagged], observed[flagged], s=140, facecolors="none", edgecolors="k")
    ax.set(xlabel="Grade (1 = best scores)", ylabel="Bad rate", title="Calibration by grade")
    ax.set_xticks(grades)
    ax.legend(loc="upper left")
    return _svg(figure, "calibration")


def _gains_chart(table: pandas.DataFrame) -> Markup:
    figure = _figure(9.0, 3.8)
    left, right = figure.subplots(1, 2)
    share = np.r_[0.0, table["cum_n_pct"].to_numpy(dtype=float)]
    left.plot(share, np.r_[0.0, table["cum_bads_pct"]], marker="o", color=_BAD, label="model")
    left.plot([0, 1], [0, 1], color="#9aa5b1", linestyle="--", label="random")
    left.set(xlabel="Share of rows, riskiest first", ylabel="Share of bads caught", title="Gains")
    left.legend(loc="lower right")
    right.bar(table["band"], table["lift"], color=_BAD, alpha=0.8, label="lift")
    right.plot(table["band"], table["cum_lift"], marker="o", color="black", label="cumulative lift")
    right.axhline(1.0, color="#9aa5b1", linestyle="--")
    right.set(xlabel="Band (1 = lowest scores)", ylabel="Lift", title="Lift by band")
    right.set_xticks(table["band"])
    right.legend(loc="upper right")
    return _svg(figure, "gains")


def _iv_chart(ivs: Mapping[str, float]) -> Markup:
    names = list(ivs)[:_MAX_BARS][::-1]  # highest first from the top; the table lists all
    labels = [_short(name, 40) for name in names]
    widest = max(map(len, labels), default=0)
    height = max(2.0, 0.28 * len(names) + 1.0)
    figure = _figure(4.5 + widest / 12, height, left_chars=widest)
    ax = figure.subplots()
    ax.barh(np.arange(len(names)), [ivs[name] for name in names], color=_GOOD)
    ax.set_yticks(np.arange(len(names)), labels)
    for cut in (0.02, 0.1, 0.3):  # the usual weak / medium / strong cut-offs
        ax.axvline(cut, color="#9aa5b1", linestyle=":", linewidth=1)
    ax.set(xlabel="IV (dotted: 0.02, 0.1, 0.3)", title=f"IV by feature (top {len(names)})")
    return _svg(figure, "iv")


def _distribution_chart(distribution: pandas.DataFrame) -> Markup:
    centres = (distribution["score_from"] + distribution["score_to"]) / 2
    width = float((distribution["score_to"] - distribution["score_from"]).iloc[0])
    figure = _figure()
    ax = figure.subplots()
    ax.bar(centres, distribution["goods_pct"], width=width, color=_GOOD, alpha=0.55, label="goods")
    ax.bar(centres, distribution["bads_pct"], width=width, color=_BAD, alpha=0.55, label="bads")
    ax.set(xlabel="Score", ylabel="Share of class", title="Score distribution, goods vs bads")
    ax.legend(loc="upper right")
    return _svg(figure, "distribution")


def _comparison_chart(table: pandas.DataFrame, title: str, name: str) -> Markup:
    positions = np.arange(len(table))
    labels = [_short(label) for label in table["bin"]]
    figure = _figure(6.0, 3.6, bottom_chars=max(map(len, labels), default=0))
    ax = figure.subplots()
    ax.bar(positions - 0.2, table["expected_pct"], width=0.4, color=_EXPECTED, label="expected")
    ax.bar(positions + 0.2, table["actual_pct"], width=0.4, color=_ACTUAL, label="actual")
    ax.set_xticks(positions, labels, rotation=45, ha="right")
    tallest = float(max(table["expected_pct"].max(), table["actual_pct"].max(), 0.01))
    ax.set_ylim(0.0, tallest * 1.3)  # headroom for the legend
    ax.set(ylabel="Share of sample", title=_short(title, 60))
    ax.legend(loc="upper right")
    return _svg(figure, name)


@functools.cache
def _chart_glyphs() -> frozenset[int]:
    """Code points the charts' default font can draw."""
    path = font_manager.findfont(font_manager.FontProperties())
    return frozenset(ft2font.FT2Font(path).get_charmap())


def _romanise(run: str) -> str:
    from pypinyin import lazy_pinyin  # loads its dictionary: only when a label needs it

    return "".join(lazy_pinyin(run, errors=lambda chars: "?" * len(chars))).capitalize()


def _chart_text(label: Any) -> str:
    """A label the chart font can draw: Chinese as pinyin (北京 -> Beijing), ``$`` not math.

    The HTML tables beside each chart keep the original text.
    """
    glyphs = _chart_glyphs()
    parts: list[str] = []
    run: list[str] = []
    for char in " ".join(str(label).split()):  # labels are short: a loop over characters
        if ord(char) in glyphs:
            if run:
                parts.append(_romanise("".join(run)))
                run = []
            parts.append(char)
        else:
            run.append(char)
    if run:
        parts.append(_romanise("".join(run)))
    return "".join(parts).replace("$", r"\$")


def _short(label: Any, width: int = 22) -> str:
    """A bin label fit for a chart axis: drawable, one line, at most ``width`` characters."""
    text = _chart_text(label)
    return text if len(text) <= width else text[: width - 1] + "…"


def _csi_chart(csi: pandas.DataFrame, watch: float, alert: float) -> Markup:
    frame = csi.iloc[:_MAX_BARS].iloc[::-1]  # csi is sorted highest first
    colours = {"stable": _GOOD, "watch": "#f2c94c", "alert": _BAD}
    labels = [_short(name, 40) for name in frame["feature"]]
    widest = max(map(len, labels), default=0)
    height = max(2.0, 0.28 * len(frame) + 1.0)
    figure = _figure(4.5 + widest / 12, height, left_chars=widest)
    ax = figure.subplots()
    positions = np.arange(len(frame))
    ax.barh(positions, frame["csi"], color=[colours[s] for s in frame["status"]])
    ax.set_yticks(positions, labels)
    ax.axvline(watch, color="#f2994a", linestyle="--", linewidth=1, label=f"watch {watch:g}")
    ax.axvline(alert, color=_BAD, linestyle="--", linewidth=1, label=f"alert {alert:g}")
    ax.set(xlabel="CSI", title=f"CSI by feature (top {len(frame)})")
    ax.legend(loc="lower right")
    return _svg(figure, "csi")


# ---------------------------------------------------------------- sections


def _section(section_id: str, zh: str, en: str, **parts: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"notes": [], "cards": [], "charts": [], "tables": [], "details": []}
    return {**base, **parts, "id": section_id, "zh": zh, "en": en}


def _note(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _binning_section(model: Any) -> dict[str, Any]:
    tables = getattr(model, "binning_tables_", None)
    if not tables:
        note = _note(
            "该模型未提供分箱表，本节从略。",
            f"This model ({type(model).__name__}) has no binning tables; section skipped.",
        )
        return _section("binning", "分箱与信息值", "Binning tables and IV", notes=[note])
    ivs = binning_ivs(tables)
    summary = pandas.DataFrame({"feature": list(ivs), "iv": list(ivs.values())})
    details = [
        {"summary": f"{name} · IV {iv:.4f}", "table": _table(tables[name].reset_index(drop=True))}
        for name, iv in ivs.items()
    ]
    return _section(
        "binning",
        "分箱与信息值",
        "Binning tables and IV",
        notes=[
            _note(
                "IV 低于 0.02 视为无预测力，0.02–0.1 弱，0.1–0.3 中等，0.3 以上强。",
                "IV below 0.02: not predictive; 0.02–0.1 weak; 0.1–0.3 medium; above 0.3 strong.",
            )
        ],
        charts=[_iv_chart(ivs)],
        tables=[_table(summary, table_id="iv-table")],
        details=details,
    )


def _segments_section(model: Any) -> list[dict[str, Any]]:
    """A segmented scorecard's segments: rule, rows, bad rate, and each one's points tables."""
    segments = getattr(model, "segments_", None) or []
    tables = getattr(model, "segment_tables_", None) or []
    if len(segments) < 2 or len(tables) != len(segments):
        return []
    rows = []
    details = []
    for number, (segment, features) in enumerate(zip(segments, tables, strict=True)):
        first = next(iter(features.values()), None)
        count = int(first["count"].sum()) if first is not None else 0
        events = int(first["event"].sum()) if first is not None else 0
        rows.append(
            {
                "segment": number,
                "rule": segment.rule,
                "n": count,
                "bad_rate": events / count if count else float("nan"),
                "base_points": int(model.base_points_[number]),
            }
        )
        for name, table in features.items():
            details.append(
                {
                    "summary": f"{number} · {name} · IV {float(table['iv'].sum()):.4f}",
                    "table": _table(table.reset_index(drop=True)),
                }
            )
    return [
        _section(
            "segments",
            "分段评分卡",
            "Scorecard segments",
            notes=[
                _note(
                    "各分段共用同一套分箱，WOE、回归与分值在段内分别估计；每行属于且只属于一个分段。",
                    "Segments share the bins; WOE, regression and points are estimated within "
                    "each segment. Every row belongs to exactly one segment.",
                )
            ],
            tables=[_table(pandas.DataFrame(rows), table_id="segments-table")],
            details=details,
        )
    ]


def _card_section(card: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if card is None:
        return []
    data = card.get("data", {})
    cards = [
        {"zh": "数据文件", "en": "Data file", "value": str(data.get("path", "—"))},
        {"zh": "行数", "en": "Rows", "value": _cell("n", data.get("rows"))},
        {"zh": "坏账率", "en": "Bad rate", "value": _cell("bad_rate", data.get("bad_rate"))},
        {"zh": "建立时间", "en": "Created at", "value": str(card.get("created_at") or "—")},
    ]
    pre = json.dumps(card, ensure_ascii=False, indent=2, sort_keys=True)
    return [_section("card", "模型卡", "Model card", cards=cards, pre=pre)]


def _render(
    title: tuple[str, str], subtitle: Sequence[str], sections: list[dict[str, Any]], footer: str
) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("report.html.j2").render(
        title={"zh": title[0], "en": title[1]},
        subtitle=list(subtitle),
        sections=sections,
        footer=footer,
        version=_package_version(),
    )


def _write(text: str, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def _subtitle(model: Any, card: Mapping[str, Any] | None, rows: str) -> list[str]:
    lines = [f"{type(model).__name__}", rows]
    if card is not None and card.get("created_at"):
        lines.append(f"created at {card['created_at']}")
    return lines


# ---------------------------------------------------------------- validation


def render_validation_report(
    model: Any,
    X: Any,
    y: ArrayLike,
    *,
    card: Mapping[str, Any] | None = None,
    grades: int = 10,
    bands: int = 10,
) -> str:
    """The validation report of ``model`` on ``X`` and its 0/1 target ``y``, as HTML text."""
    target = as_target(y)
    pd_values = model_pd(model, X)
    score = model_score(model, X, pd_values)
    summary = metrics(target, pd_values)
    calibration = calibration_by_grade(target, pd_values, score, grades)
    gains = gains_table(target, score, bands)
    distribution = score_distribution(score, target)
    flagged = int((calibration["flag"] != "ok").sum())
    summary_cards = [
        {"zh": "样本数", "en": "Rows", "value": _cell("n", summary["n"])},
        {"zh": "坏账率", "en": "Bad rate", "value": _cell("bad_rate", summary["bad_rate"])},
        {"zh": "AUC", "en": "AUC", "value": f"{summary['auc']:.4f}"},
        {"zh": "基尼系数", "en": "Gini", "value": f"{summary['gini']:.4f}"},
        {"zh": "KS", "en": "KS", "value": f"{summary['ks']:.4f}"},
        {"zh": "布里尔分数", "en": "Brier", "value": f"{summary['brier']:.4f}"},
        {"zh": "期望校准误差", "en": "ECE", "value": f"{summary['ece']:.4f}"},
    ]
    sections = [
        _section(
            "summary",
            "汇总指标",
            "Summary metrics",
            cards=summary_cards,
            notes=[
                _note(
                    "ECE 按 10 个等宽 PD 区间计算：各区间样本占比 × |实际坏账率 − 平均PD| 之和。",
                    "ECE over 10 equal-width PD bins: sum of bin share × |observed − mean PD|.",
                )
            ],
        ),
        _section(
            "discrimination",
            "区分能力：ROC 与 KS",
            "Discrimination: ROC and KS",
            charts=[_roc_chart(target, pd_values, summary["auc"]), _ks_chart(target, score)],
        ),
        _section(
            "calibration",
            "按等级校准（二项检验）",
            "Calibration by grade (binomial test)",
            notes=[
                _note(
                    f"等级按分数等频划分，1 级分数最高；{flagged} 个等级在 5% 水平上显著偏离。",
                    f"Equal-mass score grades, grade 1 = best scores; {flagged} grade(s) "
                    "differ significantly at the 5% level.",
                )
            ],
            charts=[_calibration_chart(calibration)],
            tables=[_table(calibration, css=_flag_css, table_id="calibration-table")],
        ),
        _section(
            "gains",
            "提升度与累计捕获率",
            "Lift and gains",
            notes=[
                _note("分段按分数等频划分，1 段分数最低（风险最高）。", "Band 1 = lowest scores.")
            ],
            charts=[_gains_chart(gains)],
            tables=[_table(gains, table_id="gains-table")],
        ),
        _binning_section(model),
        *_segments_section(model),
        _section(
            "distribution",
            "分数分布",
            "Score distribution",
            charts=[_distribution_chart(distribution)],
            tables=[_table(distribution.drop(columns=["n_pct"]), table_id="distribution-table")],
        ),
        *_card_section(card),
    ]
    return _render(
        ("模型验证报告", "Model validation report"),
        _subtitle(model, card, f"{summary['n']:,} rows"),
        sections,
        "validation",
    )


def write_validation_report(
    model: Any,
    X: Any,
    y: ArrayLike,
    path: str | Path,
    *,
    card: Mapping[str, Any] | None = None,
    grades: int = 10,
    bands: int = 10,
) -> Path:
    """Write the validation report (see :func:`render_validation_report`) to ``path``."""
    text = render_validation_report(model, X, y, card=card, grades=grades, bands=bands)
    return _write(text, path)


# ---------------------------------------------------------------- monitoring


def render_monitoring_report(
    model: Any,
    X_expected: pandas.DataFrame,
    X_actual: pandas.DataFrame,
    *,
    card: Mapping[str, Any] | None = None,
    watch: float = WATCH,
    alert: float = ALERT,
) -> str:
    """The monitoring report of ``model`` between an expected and an actual sample, as HTML."""
    result = monitor(model, X_expected, X_actual, watch=watch, alert=alert)
    csi = result["csi"]
    status = result["score_status"]
    cards = [
        {"zh": "基准样本", "en": "Expected rows", "value": _cell("n", result["n_expected"])},
        {"zh": "当前样本", "en": "Actual rows", "value": _cell("n", result["n_actual"])},
        {
            "zh": "分数 PSI",
            "en": "Score PSI",
            "value": f"{result['score_psi']:.4f} · {_STATUS[status]}",
            "css": f"status-{status}" if status != "stable" else "",
        },
        {"zh": "预警数", "en": "Alerts", "value": str(len(result["alerts"]))},
    ]
    alerts = pandas.DataFrame(result["alerts"], columns=["kind", "name", "value", "status"])
    alerts["kind"] = alerts["kind"].map(_KIND)
    thresholds = _note(
        f"阈值：PSI/CSI < {watch:g} 稳定，{watch:g}–{alert:g} 关注，> {alert:g} 预警。",
        f"Thresholds: below {watch:g} stable, {watch:g}–{alert:g} watch, above {alert:g} alert.",
    )
    alert_notes = [] if len(alerts) else [_note("没有预警。", "No alerts: every index is stable.")]
    feature_charts = [
        _comparison_chart(result["feature_tables"][name], name, f"feature-{index}")
        for index, name in enumerate(csi["feature"][:_MAX_FEATURE_CHARTS])
    ]
    sections = [
        _section("summary", "汇总", "Summary", cards=cards, notes=[thresholds, *alert_notes]),
        _section(
            "alerts",
            "预警",
            "Alerts",
            tables=[_table(alerts, css=_status_css, table_id="alerts-table")]
            if len(alerts)
            else [],
            notes=alert_notes,
        ),
        _section(
            "score-psi",
            "分数稳定性 (PSI)",
            "Score stability (PSI)",
            charts=[
                _comparison_chart(result["score_table"], "Score distribution by bin", "score-psi")
            ],
            tables=[_table(result["score_table"], table_id="score-psi-table")],
        ),
        _section(
            "csi",
            "特征稳定性 (CSI)",
            "Feature stability (CSI)",
            charts=[_csi_chart(csi, watch, alert)] if len(csi) else [],
            tables=[_table(csi, css=_status_css, table_id="csi-table")],
        ),
        _section(
            "feature-distributions",
            "特征分布对比",
            "Feature distributions compared",
            notes=[
                _note(
                    f"CSI 最高的 {len(feature_charts)} 个特征。",
                    f"The {len(feature_charts)} feature(s) with the highest CSI.",
                )
            ],
            charts=feature_charts,
        ),
        *_card_section(card),
    ]
    rows = f"{result['n_expected']:,} expected vs {result['n_actual']:,} actual rows"
    return _render(
        ("模型监控报告", "Model monitoring report"),
        _subtitle(model, card, rows),
        sections,
        "monitoring",
    )


def write_monitoring_report(
    model: Any,
    X_expected: pandas.DataFrame,
    X_actual: pandas.DataFrame,
    path: str | Path,
    *,
    card: Mapping[str, Any] | None = None,
    watch: float = WATCH,
    alert: float = ALERT,
) -> Path:
    """Write the monitoring report (see :func:`render_monitoring_report`) to ``path``."""
    text = render_monitoring_report(
        model, X_expected, X_actual, card=card, watch=watch, alert=alert
    )
    return _write(text, path)
