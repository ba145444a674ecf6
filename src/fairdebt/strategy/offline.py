"""Logged decisions read back from the database, and a policy judged on them off-policy.

:func:`read_logged` joins the ``decision`` rows of a logging policy over a date range with
the state of each business date (rebuilt by :func:`fairdebt.strategy.reading.read_state`) and
the money each loan paid over the horizon after the decision (posted payments). :func:`judge`
asks a target policy what it would have done on each logged state and returns the IPS and
doubly-robust estimates of its mean outcome per decision (:mod:`fairdebt.strategy.ope`),
clustered by borrower. Simulated logs (:mod:`fairdebt.simulation.learning`) have the same shape.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import InputError
from fairdebt.models import Decision, Payment
from fairdebt.strategy.catalogue import Catalogue
from fairdebt.strategy.cells import HOLDOUT
from fairdebt.strategy.ope import Estimate, dr, ips
from fairdebt.strategy.policies import Policy
from fairdebt.strategy.reading import read_state
from fairdebt.strategy.uplift import UpliftModel

__all__ = ["judge", "logged_action", "read_logged"]


def logged_action(rows: pd.DataFrame) -> np.ndarray:
    """The action each row's propensity belongs to: "none" in the hold-out, else the proposal."""
    arm = rows["arm"].to_numpy(dtype=object)
    return np.where(arm == HOLDOUT, "none", rows["proposed_action"].to_numpy(dtype=object))


def read_logged(
    session: Session, *, policy: str, date_from: dt.date, date_to: dt.date, horizon: int
) -> pd.DataFrame:
    """Logged decisions of ``policy`` with each date's state and the outcome over ``horizon``."""
    if date_to < date_from:
        raise InputError(f"--to {date_to} is before --from {date_from}", field="to")
    decisions = pd.DataFrame(
        session.execute(
            select(
                Decision.business_date,
                Decision.loan_id,
                Decision.arm,
                Decision.proposed_action,
                Decision.propensity,
            ).where(
                Decision.policy == policy,
                Decision.business_date >= date_from,
                Decision.business_date <= date_to,
            )
        ).all(),
        columns=["business_date", "loan_id", "arm", "proposed_action", "propensity"],
    )
    if decisions.empty:
        return decisions
    payments = pd.DataFrame(
        session.execute(
            select(Payment.loan_id, Payment.paid_on, Payment.amount).where(
                Payment.paid_on >= date_from,
                Payment.paid_on < date_to + dt.timedelta(days=horizon),
                Payment.status == "posted",
            )
        ).all(),
        columns=["loan_id", "paid_on", "amount"],
    )
    frames = []
    for day in sorted(decisions["business_date"].unique()):
        state = read_state(session, business_date=day)
        logged = decisions[decisions["business_date"] == day]
        frames.append(logged.merge(state, on="loan_id", how="inner"))
    rows = pd.concat(frames, ignore_index=True)
    start = pd.to_datetime(rows["business_date"])
    paid = payments.assign(
        paid_on=pd.to_datetime(payments["paid_on"]), amount=payments["amount"].astype(float)
    )
    merged = (
        rows[["loan_id"]].assign(row=np.arange(len(rows)), start=start).merge(paid, on="loan_id")
    )
    days = (merged["paid_on"] - merged["start"]).dt.days
    inside = (days >= 0) & (days < horizon)
    outcome = np.bincount(
        merged["row"][inside].to_numpy(dtype=np.int64),
        weights=merged["amount"][inside].to_numpy(dtype=np.float64),
        minlength=len(rows),
    )
    return rows.assign(outcome=outcome)


def judge(
    rows: pd.DataFrame,
    target: Policy,
    catalogue: Catalogue,
    *,
    model: UpliftModel | None = None,
) -> dict[str, Estimate]:
    """IPS (and DR when a model is given) estimates of ``target``'s mean outcome per decision."""
    if rows.empty:
        raise InputError("no logged decisions to judge the policy on", field="from")
    actions = np.empty(len(rows), dtype=object)
    by_date = rows["business_date"] if "business_date" in rows else rows["day"]
    for day in pd.unique(by_date):
        sel = (by_date == day).to_numpy()
        on = day if isinstance(day, dt.date) else dt.date(2025, 1, 1)
        decided = target.decide(rows[sel], catalogue, business_date=on)
        actions[sel] = decided["action"].to_numpy(dtype=object)
    logged = logged_action(rows)
    p = rows["propensity"].to_numpy(dtype=np.float64)
    y = rows["outcome"].to_numpy(dtype=np.float64)
    cluster = rows["borrower_id"].to_numpy(dtype=np.int64)
    out = {"ips": ips(logged, p, y, actions, cluster=cluster)}
    if model is not None:
        expected = model.predict(rows)
        none = expected["none"].to_numpy()

        def pick(codes: np.ndarray) -> np.ndarray:
            values: np.ndarray = np.array(none, dtype=np.float64)
            for code in expected.columns:
                values[codes == code] = expected[code].to_numpy()[codes == code]
            return values

        out["dr"] = dr(
            logged,
            p,
            y,
            actions,
            predicted_target=pick(actions),
            predicted_logged=pick(logged),
            cluster=cluster,
        )
    return out
