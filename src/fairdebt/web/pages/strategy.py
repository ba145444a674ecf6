"""The strategist's screen: the action catalogue, today's plan by action and stage, and the
experiments (the randomised arms of the decision log) with their results.

The catalogue is the collection loop's own (``fairdebt/strategy/actions.yaml``), read by the
same loader as the daily plan, so the page never shows an action the plan would refuse.
Results are read from the tables, not from strategy code: for each arm, the share of its
decisions whose loan had a payment posted within 7 days of the decision date (a simple, policy-
free outcome that the loop's own evaluation refines), with a 95 % Wilson interval so a small arm
does not look better than it is.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fairdebt.models import Decision, Payment, PaymentStatus
from fairdebt.strategy.catalogue import load_catalogue
from fairdebt.users import Role
from fairdebt.web.charts import bars
from fairdebt.web.pages.forms import web_of
from fairdebt.web.rendering import person, render

__all__ = ["arm_results", "read_catalogue", "router", "wilson"]

router = APIRouter(include_in_schema=False)
ROLES = (Role.STRATEGIST, Role.ADMIN)
OUTCOME_DAYS = 7


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion.

    >>> [round(x, 3) for x in wilson(5, 10)]
    [0.237, 0.763]
    """
    if n == 0:
        return (math.nan, math.nan)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


@functools.cache
def read_catalogue() -> list[dict[str, Any]]:
    """The actions of the shipped catalogue, read and screened as the daily plan reads them."""
    return [
        {
            "code": a.code,
            "channel": a.channel or "—",
            "pool": a.pool or "—",
            "cost": a.cost,
            "stages": list(a.stages),
            "fallback": a.fallback or "—",
        }
        for a in load_catalogue().actions.values()
    ]


def arm_results(session: Session, *, day: dt.date, window_days: int = 60) -> list[dict[str, Any]]:
    """Per policy and arm over the decisions of ``window_days`` whose outcome is known by
    ``day``: decisions, loans, and the share followed by a posted payment within
    :data:`OUTCOME_DAYS` days (columnar: one search over sorted keys, no loop over rows)."""
    last = day - dt.timedelta(days=OUTCOME_DAYS)
    first = last - dt.timedelta(days=window_days)
    connection = session.connection()
    decisions = pd.read_sql(
        select(Decision.business_date, Decision.loan_id, Decision.policy, Decision.arm).where(
            Decision.business_date > first, Decision.business_date <= last
        ),
        connection,
    )
    if decisions.empty:
        return []
    payments = pd.read_sql(
        select(Payment.loan_id, Payment.paid_on).where(
            Payment.status == PaymentStatus.POSTED,
            Payment.paid_on > first,
            Payment.paid_on <= day,
        ),
        connection,
    )

    def days(column: pd.Series) -> np.ndarray:
        values: np.ndarray = pd.to_datetime(column).to_numpy("datetime64[D]").astype(np.int64)
        return values

    span = np.int64(1 << 20)  # day numbers stay far below this
    keys = np.sort(payments["loan_id"].to_numpy(np.int64) * span + days(payments["paid_on"]))
    start = decisions["loan_id"].to_numpy(np.int64) * span + days(decisions["business_date"])
    found = np.searchsorted(keys, start, side="right")
    following = np.where(found < len(keys), keys[np.minimum(found, len(keys) - 1)], -1)
    decisions["paid"] = (following > start) & (following <= start + OUTCOME_DAYS)
    grouped = decisions.groupby(["policy", "arm"]).agg(
        n=("paid", "size"), payers=("paid", "sum"), loans=("loan_id", "nunique")
    )
    arms = []
    for (policy, arm), row in grouped.iterrows():
        n, payers = int(row["n"]), int(row["payers"])
        low, high = wilson(payers, n)
        arms.append(
            {
                "policy": policy,
                "arm": arm,
                "n": n,
                "loans": int(row["loans"]),
                "rate": payers / n if n else math.nan,
                "low": low,
                "high": high,
            }
        )
    return arms


@router.get("/strategy")
def strategy(request: Request) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        person(request, session, *ROLES)
        day = session.scalar(select(func.max(Decision.business_date)))
        mix: list[Any] = []
        arms: list[dict[str, Any]] = []
        if day is not None:
            mix = list(
                session.execute(
                    select(Decision.stage, Decision.action, Decision.status, func.count())
                    .where(Decision.business_date == day)
                    .group_by(Decision.stage, Decision.action, Decision.status)
                    .order_by(Decision.stage, Decision.action, Decision.status)
                )
            )
            arms = arm_results(session, day=day)
    totals: dict[str, int] = {}
    for _stage, action, _status, count in mix:
        totals[action] = totals.get(action, 0) + int(count)
    chart = bars(list(totals), list(totals.values()), label="today's plan by action")
    arm_chart = bars(
        [f"{a['policy']}/{a['arm']}" for a in arms],
        [a["rate"] * 100 if a["rate"] == a["rate"] else 0 for a in arms],
        label=f"paid within {OUTCOME_DAYS} days (%) by arm",
        fmt=lambda v: f"{v:.1f}%",
    )
    return render(
        request,
        "strategy.html",
        {
            "day": day,
            "catalogue": read_catalogue(),
            "mix": mix,
            "chart": chart,
            "arms": arms,
            "arm_chart": arm_chart,
            "outcome_days": OUTCOME_DAYS,
        },
    )
