"""Why delinquency moved: when (change points), how much of it is what (a bridge into volume,
mix, vintage, period and policy), where (root-cause localisation over segments), and a report.

=======================  ==================================================================
``book``                 the dues of the book as the explainer reads them (SQL)
``changes``              one change point with ruptures, its size and a 95 % range
``localize``             ripple search: root causes of additive and ratio measures
``adtributor``           the published baseline (Bhagwan et al., NSDI 2014)
``rates``                baseline rates: raked main effects and a Poisson log-linear fit
``segments``             where: the step search with its max-T bound, and ripple search's causes
``mechanism``            the bridge, the age curve on existing cohorts, the mechanism
``report``               the HTML report (zh-CN, en) with charts
``panel``                the risk manager's panel in the web app (``web_panel``)
=======================  ==================================================================
"""

import datetime as dt

from sqlalchemy import Engine

from fairdebt.explain.adtributor import adtributor
from fairdebt.explain.balances import read_balances
from fairdebt.explain.book import DIMENSIONS, read_dues
from fairdebt.explain.changes import ChangePoint, detect_change
from fairdebt.explain.localize import Cause, element_label, localize, make_leaves
from fairdebt.explain.mechanism import MECHANISMS, METRICS, Explanation, explain_dues


def web_panel(engine: Engine, business_date: dt.date, lang: str) -> str:
    """The web app's explainer panel (imported on first use: the web page needs it, the CLI
    does not)."""
    from fairdebt.explain.panel import web_panel as panel

    return panel(engine, business_date, lang)


__all__ = [
    "DIMENSIONS",
    "MECHANISMS",
    "METRICS",
    "Cause",
    "ChangePoint",
    "Explanation",
    "adtributor",
    "detect_change",
    "element_label",
    "explain_dues",
    "localize",
    "make_leaves",
    "read_balances",
    "read_dues",
    "web_panel",
]
