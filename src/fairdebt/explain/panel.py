"""The explainer's panel on the risk manager's portfolio screen (the slot of docs/decisions/web.md).

``web_panel(engine, business_date, lang)`` explains day-1 delinquency over the dues up to the
closed date and returns an HTML fragment: the headline and change date, the segments, and the
bridge as bars. A book too young or too small to explain gets one sentence saying so, never an
error page. The web app caches the fragment with the portfolio figures of the closed date.
"""

from __future__ import annotations

import datetime as dt
import html

from sqlalchemy import Engine

from fairdebt.errors import FairdebtError
from fairdebt.explain.book import read_dues
from fairdebt.explain.mechanism import MECHANISMS, explain_dues
from fairdebt.explain.report import TEXT, headline
from fairdebt.web.charts import bars

__all__ = ["web_panel"]

_MORE = {
    "zh-CN": "完整报告：fairdebt explain --out report.html",
    "en": "The full report: fairdebt explain --out report.html",
}
_CANNOT = {
    "zh-CN": "暂无法归因：账龄太短或样本太少，找不到变化点。",
    "en": "Nothing to explain yet: {reason}",
}


def web_panel(engine: Engine, business_date: dt.date, lang: str) -> str:
    """The panel's HTML for the dues up to ``business_date``, in ``lang`` (zh-CN or en)."""
    lang = lang if lang in TEXT else "en"
    t = TEXT[lang]
    try:
        explanation = explain_dues(read_dues(engine, to_on=business_date))
    except FairdebtError as error:
        reason = html.escape(str(error))
        return (
            f"<p class='empty' data-testid='explain-none'>{_CANNOT[lang].format(reason=reason)}</p>"
        )
    segments = "".join(f"<li>{html.escape(s)}</li>" for s in explanation.segments[:5])
    chart = bars(
        [t[m] for m in MECHANISMS],
        [explanation.bridge[m] for m in MECHANISMS],
        label=t["bridge"],
    )
    return (
        "<p data-testid='explain-headline'><strong>"
        f"{html.escape(headline(explanation, lang))}</strong></p>"
        + (f"<p>{t['segments']}</p><ul>{segments}</ul>" if segments else f"<p>{t['none']}</p>")
        + f"<p>{t['bridge']}</p>{chart}<p class='empty'>{_MORE[lang]}</p>"
    )
