"""The precise-collection report: arms side by side and the trade-off curve over λ (HTML).

:func:`render_report` takes the arms of an evaluation (champion, optimised, none) and the
points of a λ sweep (each an optimised arm run with one λ and harm budget) and writes one
self-contained HTML page in zh-CN and English: a table of recovery, contacts, complaints and
harm per ¥10,000 recovered for each arm, and charts of recovery against contacts and against
complaints along the curve, with the champion and the hold-out marked.
"""

from __future__ import annotations

import html
import io
import warnings
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["render_report"]

_STYLE = """body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 62em;
color: #222; } table { border-collapse: collapse; } td, th { padding: .2em .6em;
border-bottom: 1px solid #ddd; text-align: right; } svg { max-width: 100%; height: auto; }
.note { color: #555; }"""
_ARM_NAMES = {
    "champion": "规则策略 champion",
    "optimised": "优化策略 optimised",
    "none": "不催收 none",
}


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _per_10k(value: float, recovered: float) -> str:
    return f"{10_000 * value / recovered:.2f}" if recovered else "–"


def _curve(
    points: Sequence[Mapping[str, float]],
    arms: Mapping[str, Mapping[str, object]],
    x_key: str,
    x_label: str,
) -> str:
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure, axis = plt.subplots(figsize=(6.4, 3.8))
        xs = [float(p[x_key]) for p in points]
        ys = [float(p["recovered"]) for p in points]
        axis.plot(xs, ys, marker="o", color="#1f77b4", label="optimised over λ 不同λ")
        for p in points:
            axis.annotate(f"λ={p['lam']:g}", (float(p[x_key]), float(p["recovered"])), fontsize=7)
        for name, colour in (("champion", "#d62728"), ("none", "#7f7f7f")):
            if name in arms:
                arm = arms[name]
                axis.scatter(
                    [float(arm[x_key])],  # type: ignore[arg-type]
                    [float(arm["recovered"])],  # type: ignore[arg-type]
                    color=colour,
                    marker="s",
                    label=_ARM_NAMES[name],
                )
        axis.set_xlabel(x_label)
        axis.set_ylabel("recovered ¥ 回收金额")
        axis.legend(fontsize=8)
        axis.grid(alpha=0.3)
        return _svg(figure)


def render_report(
    arms: Mapping[str, Mapping[str, object]],
    points: Sequence[Mapping[str, float]],
    *,
    title: str,
    note: str = "",
) -> str:
    """The report as one HTML page (arms: ``ArmResult.as_json()`` values by arm name)."""
    rows = []
    for name, arm in arms.items():
        recovered = float(arm["recovered"])  # type: ignore[arg-type]
        rows.append(
            "<tr><th>{}</th><td>{:,.0f}</td><td>{:,.0f}</td><td>{:,}</td><td>{}</td>"
            "<td>{}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(_ARM_NAMES.get(name, name)),
                recovered,
                float(arm["net_recovery"]),  # type: ignore[arg-type]
                int(arm["contacts"]),  # type: ignore[call-overload]
                arm["complaints"],
                _per_10k(float(arm["contacts"]), recovered),  # type: ignore[arg-type]
                _per_10k(float(arm["complaints"]), recovered),  # type: ignore[arg-type]
                _per_10k(float(arm.get("harm", 0.0)), recovered),  # type: ignore[arg-type]
            )
        )
    curve_rows = "".join(
        f"<tr><td>{p['lam']:g}</td><td>{p.get('weekly_contacts', '–')}</td>"
        f"<td>{p['recovered']:,.0f}</td><td>{int(p['contacts']):,}</td>"
        f"<td>{int(p['complaints'])}</td><td>{p.get('harm', 0):,.0f}</td></tr>"
        for p in points
    )
    charts = ""
    if points:
        charts = (
            "<h2>Trade-off 权衡曲线</h2>"
            + _curve(points, arms, "contacts", "contacts 触达次数")
            + _curve(points, arms, "complaints", "complaints 投诉")
            + "<table><tr><th>λ</th><th>weekly cap 每周上限</th><th>recovered 回收</th>"
            "<th>contacts 触达</th><th>complaints 投诉</th><th>harm 骚扰权重</th></tr>"
            + curve_rows
            + "</table>"
        )
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        "<h2>Arms 策略对比</h2><table><tr><th>arm 策略</th><th>recovered ¥ 回收</th>"
        "<th>net ¥ 净回收</th><th>contacts 触达</th><th>complaints 投诉</th>"
        "<th>contacts per ¥10,000 每万元触达</th><th>complaints per ¥10,000 每万元投诉</th>"
        "<th>harm per ¥10,000 每万元骚扰</th></tr>"
        + "".join(rows)
        + "</table>"
        + charts
        + f"<p class='note'>{html.escape(note)}</p></body></html>"
    )
