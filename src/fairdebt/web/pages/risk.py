"""The risk manager's screens: the portfolio (KPIs, bucket mix, roll rates, vintages) on the
latest closed business date, the saved models with their cards and monitoring reports, and the
slot for the explainer.

The portfolio figures come from the cycle's own reports (:mod:`fairdebt.cycle.reports`) and
are cached per closed date, since a closed date never changes unless the cycle reruns it (the
cache key includes the cycle run's time). Models are the folders under ``models_dir`` that hold
a ``card.json`` (``fairdebt risk train --out``); a ``monitoring*.html`` beside it (``risk
monitor --out``) is linked. The explainer (issue 14) plugs in by exposing
``fairdebt.explain.web_panel(engine, business_date, lang) -> str`` (HTML); until it does, the
slot says it is coming.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from markupsafe import Markup
from sqlalchemy import Engine, func, select
from starlette.exceptions import HTTPException

from fairdebt.cycle import kpis
from fairdebt.cycle.buckets import DEFAULT_SCHEME
from fairdebt.cycle.reports import roll_rates, vintage_curves
from fairdebt.models import CycleRun, LoanDay
from fairdebt.users import Role
from fairdebt.web.app import Web
from fairdebt.web.charts import heatmap, lines, stacked_bars
from fairdebt.web.pages.forms import web_of
from fairdebt.web.rendering import person, render

__all__ = ["cached_figures", "explain_panel", "portfolio_figures", "router"]

router = APIRouter(include_in_schema=False)
ROLES = (Role.RISK, Role.ADMIN)
MONTHS = 12


def _as_date(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def portfolio_figures(engine: Engine, closed: list[dt.date]) -> dict[str, Any]:
    """KPIs, bucket mix at month ends, the roll-rate matrix over about a month, and vintages."""
    day = closed[-1]
    figures: dict[str, Any] = {"day": day, "kpis": kpis(engine, business_date=day)}
    month_ends: dict[tuple[int, int], dt.date] = {}
    for d in closed:
        month_ends[(d.year, d.month)] = d
    ends = sorted(month_ends.values())[-MONTHS:]
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                LoanDay.business_date,
                LoanDay.bucket,
                func.count(),
                func.sum(LoanDay.principal_outstanding),
            )
            .where(LoanDay.business_date.in_(ends), LoanDay.status == "active")
            .group_by(LoanDay.business_date, LoanDay.bucket)
        ).all()
    mix: dict[str, dict[dt.date, float]] = {}
    for business_date, bucket, _count, balance in rows:
        mix.setdefault(bucket, {})[_as_date(business_date)] = float(balance or 0)
    order = [b for b in DEFAULT_SCHEME.names if b in mix] + sorted(
        set(mix) - set(DEFAULT_SCHEME.names)
    )
    figures["mix_dates"] = ends
    figures["mix"] = {b: [mix[b].get(d, 0.0) for d in ends] for b in order}
    earlier = [d for d in closed if d <= day - dt.timedelta(days=30)]
    figures["roll_from"] = earlier[-1] if earlier else None
    figures["rolls"] = roll_rates(engine, from_date=earlier[-1], to_date=day) if earlier else None
    figures["vintages"] = vintage_curves(engine)
    return figures


def explain_panel(engine: Engine, day: dt.date, lang: str) -> Markup | None:
    """The explainer's panel, when :mod:`fairdebt.explain` offers one."""
    import importlib

    try:
        explain = importlib.import_module("fairdebt.explain")
    except ImportError:
        return None
    panel = getattr(explain, "web_panel", None)
    if panel is None:
        return None
    return Markup(panel(engine, day, lang))


def cached_figures(web: Web) -> dict[str, Any] | None:
    """The portfolio figures of the latest closed date, computed once per cycle run (the app
    warms this at start-up, so the first visitor does not wait for it)."""
    with web.transaction() as session:
        closed = [
            _as_date(d)
            for d in session.scalars(
                select(CycleRun.business_date).order_by(CycleRun.business_date)
            )
        ]
        ran = session.scalar(select(func.max(CycleRun.ran_at)))
    if not closed:
        return None
    key = ("portfolio", closed[-1], len(closed), ran)
    figures: dict[str, Any] | None = web.cache.get(key)
    if figures is None:
        figures = portfolio_figures(web.engine, closed)
        web.cache[key] = figures
    return figures


@router.get("/portfolio")
def portfolio(request: Request) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        person(request, session, *ROLES)
    figures = cached_figures(web)
    if figures is None:
        return render(request, "portfolio.html", {"figures": None})
    charts: dict[str, Markup] = {}
    dates = [d.strftime("%Y-%m") for d in figures["mix_dates"]]
    charts["mix"] = stacked_bars(dates, figures["mix"], label="balance by bucket at month ends")
    rolls = figures["rolls"]
    if rolls is not None and not rolls.empty:
        charts["rolls"] = heatmap(
            [str(i) for i in rolls.index],
            [str(c) for c in rolls.columns],
            rolls.to_numpy().tolist(),
            label="roll rates",
        )
    vintages = figures["vintages"]
    if vintages is not None and not vintages.empty:
        recent = vintages.tail(8)
        charts["vintages"] = lines(
            [str(c) for c in recent.columns],
            {
                str(v): [None if math.isnan(x) else x for x in recent.loc[v].tolist()]
                for v in recent.index
            },
            label="30+ balance share by months on book",
        )
    lang = request.session.get("lang") or "en"
    panels = figures.setdefault("explain", {})  # cached with the closed date's figures
    if lang not in panels:
        panels[lang] = explain_panel(web.engine, figures["day"], lang)
    panel = panels[lang]
    return render(
        request,
        "portfolio.html",
        {"figures": figures, "charts": charts, "explain": panel},
    )


def _models(root: Path | None) -> list[dict[str, Any]]:
    if root is None or not root.is_dir():
        return []
    found = []
    for card_path in sorted(root.glob("*/card.json"))[:100]:
        try:
            card = json.loads(card_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        folder = card_path.parent
        reports = sorted(p.name for p in folder.glob("*.html"))
        metrics = card.get("metrics") or {}
        found.append(
            {
                "name": folder.name,
                "model": (card.get("model") or {}).get("class", ""),
                "created_at": card.get("created_at"),
                "rows": (card.get("data") or {}).get("rows"),
                "bad_rate": (card.get("data") or {}).get("bad_rate"),
                "metrics": {k: v for k, v in metrics.items() if isinstance(v, int | float)},
                "features": len(card.get("features") or []),
                "reports": reports,
            }
        )
    return found


@router.get("/models")
def models(request: Request) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        person(request, session, *ROLES)
    return render(
        request,
        "models.html",
        {"models": _models(web.config.models_dir), "models_dir": web.config.models_dir},
    )


@router.get("/models/{name}/{report}")
def model_report(request: Request, name: str, report: str) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        person(request, session, *ROLES)
    root = web.config.models_dir
    if root is None or "/" in name or "/" in report or not report.endswith(".html"):
        raise HTTPException(404, "no such report")
    path = (root / name / report).resolve()
    if not path.is_file() or root.resolve() not in path.parents:
        raise HTTPException(404, "no such report")
    response = FileResponse(path, media_type="text/html")
    # a saved report is self-contained (inline styles, inline SVG): allow exactly that
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response
