"""Regimes: the rule's contacts at lighter settings, randomised per borrower, valued from logs.

A *regime* is what becomes of the rule champion's action for an account: :data:`REGIMES`
runs from the most intrusive (``rule``: the champion as it is) through ``no_agent`` (agent
calls and field visits become robot calls) and ``messages`` (every call or visit becomes an
SMS) to ``none`` (nothing before 91 dpd). :class:`RegimeCells` is the logging policy: a keyed
draw of (salt, borrower[, period]) puts a ``share`` of borrowers into a cell where they take a
regime drawn uniformly, the others follow the rule; the regime and its probability are logged
on every decision. Because a borrower keeps the regime for the whole period, the logs hold
what skipping *consecutively* does, which a one-day randomised skip (made up by tomorrow's
call) cannot show. :func:`observations` turns the logs into one row per loan and week (the
segment a lender sees on the week's first decision, the regime, the money the loan paid and
the contacts it received over the next ``horizon`` days), and :func:`estimate` gives per
segment and regime the inverse-propensity-weighted means with standard errors clustered by
borrower. Nothing of the world's parameters is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairdebt.errors import InputError
from fairdebt.keyed import uniforms
from fairdebt.strategy.catalogue import Catalogue
from fairdebt.strategy.cells import HOLDOUT, salt_key
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.logs import sum_within
from fairdebt.strategy.policies import proposals

__all__ = [
    "DPD_BANDS",
    "REGIMES",
    "RegimeCells",
    "apply_regime",
    "estimate",
    "observations",
    "score_cuts_of",
    "segment_codes",
    "segment_name",
]

# From most to least intrusive over the champion's actions.
REGIMES = ("rule", "no_agent", "messages", "none")
# What each regime makes of an action of the rule (absent: the action is kept).
_LIGHTER: dict[str, dict[str, str]] = {
    "rule": {},
    "no_agent": {"agent_call": "robot_call", "field_visit": "robot_call"},
    "messages": {"agent_call": "sms", "field_visit": "sms", "robot_call": "sms"},
    "none": {
        "app_push": "none",
        "sms": "none",
        "email": "none",
        "robot_call": "none",
        "agent_call": "none",
        "field_visit": "none",
        "letter": "none",
        "plan_offer": "none",
    },
}
# Regimes act before 91 dpd; placement, agency work and legal referral keep their rules.
REGIME_STAGES = ("pre_due", "early", "mid")
# Lower edges of the dpd bands of a segment (pre-due rows have dpd ≤ 0).
DPD_BANDS = (-999, 1, 4, 8, 16, 31, 61)


def apply_regime(
    action: NDArray[np.object_], stage: NDArray[np.object_], regime: NDArray[np.int64]
) -> NDArray[np.object_]:
    """The rule's ``action`` as each row's regime (an index into :data:`REGIMES`) makes it.

    >>> apply_regime(np.array(["agent_call", "agent_call", "agent_call"], dtype=object),
    ...     np.array(["early", "early", "late"], dtype=object), np.array([1, 3, 3])).tolist()
    ['robot_call', 'none', 'agent_call']
    """
    out = np.asarray(action, dtype=object).copy()
    acts = np.isin(stage, REGIME_STAGES)
    for index, name in enumerate(REGIMES):
        rows = acts & (regime == index)
        for source, target in _LIGHTER[name].items():
            out[rows & (action == source)] = target
    return out


@dataclass(frozen=True, slots=True)
class RegimeCells:
    """The champion with a ``share`` of borrowers randomised into regimes (the logging policy).

    ``period_days`` None keeps a borrower's regime for the whole run; a number redraws it
    every that many days from ``start`` (the key then includes the period's index).
    """

    share: float = 1.0
    salt: str = "fairdebt-regimes-1"
    period_days: int | None = None
    start: dt.date = dt.date(2025, 1, 1)
    rule: Champion = field(default_factory=Champion)
    name: str = "champion"

    def regimes(
        self, borrower_id: NDArray[np.int64], business_date: dt.date
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Each borrower's regime (index into :data:`REGIMES`) and its probability."""
        keys: list[object] = [np.asarray(borrower_id, dtype=np.int64)]
        if self.period_days is not None:
            keys.append((business_date - self.start).days // self.period_days)
        key = salt_key(self.salt) + 3
        in_cell = uniforms(key, *keys) < self.share  # type: ignore[arg-type]
        pick = uniforms(key + 1, *keys)  # type: ignore[arg-type]
        k = len(REGIMES)
        drawn = np.minimum((pick * k).astype(np.int64), k - 1)
        regime = np.where(in_cell, drawn, 0).astype(np.int64)
        chance = np.where(regime == 0, 1 - self.share + self.share / k, self.share / k)
        return regime, np.asarray(chance, dtype=np.float64)

    def decide(
        self, state: pd.DataFrame, catalogue: Catalogue, *, business_date: dt.date
    ) -> pd.DataFrame:
        """The champion's actions as each borrower's regime makes them, with its chance."""
        rules = self.rule.decide(state, catalogue, business_date=business_date)
        regime, chance = self.regimes(state["borrower_id"].to_numpy(np.int64), business_date)
        stage = state["stage"].to_numpy(dtype=object)
        action = apply_regime(rules["action"].to_numpy(dtype=object), stage, regime)
        reason = rules["reason"].to_numpy(dtype=object).copy()
        changed = action != rules["action"].to_numpy(dtype=object)
        names = np.array(REGIMES, dtype=object)[regime]
        reason[changed] = np.char.add("regime_", names[changed].astype(str)).astype(object)
        return proposals(
            state.index, action, reason, rules["priority"].to_numpy(np.float64), chance
        )


def segment_codes(
    stage: NDArray[np.object_],
    dpd: NDArray[np.int64],
    score: NDArray[np.float64],
    score_cuts: Sequence[Sequence[float]],
) -> NDArray[np.int64]:
    """Each row's segment: dpd band × risk band (−1 outside the regimes' stages).

    The behaviour score rises with dpd, so each dpd band has its own cuts (``score_cuts[b]``,
    the same number in every band): a risk band ranks accounts within their dpd band.
    """
    band = np.clip(np.digitize(dpd, DPD_BANDS) - 1, 0, len(DPD_BANDS) - 1)
    per = len(score_cuts[0]) + 1
    risk = np.zeros(len(band), dtype=np.int64)
    for b, cuts in enumerate(score_cuts):
        rows = band == b
        risk[rows] = np.digitize(score[rows], np.asarray(cuts, dtype=np.float64))
    code = band * per + risk
    return np.where(np.isin(stage, REGIME_STAGES), code, -1).astype(np.int64)


def score_cuts_of(
    dpd: NDArray[np.int64], score: NDArray[np.float64], risk_bands: int
) -> list[list[float]]:
    """Per dpd band, the score quantiles that split its rows into ``risk_bands`` bands."""
    band = np.clip(np.digitize(dpd, DPD_BANDS) - 1, 0, len(DPD_BANDS) - 1)
    quantiles = np.arange(1, risk_bands) / risk_bands
    out = []
    for b in range(len(DPD_BANDS)):
        values = score[band == b]
        cuts = np.quantile(values, quantiles) if len(values) else np.full(risk_bands - 1, np.inf)
        out.append([float(c) for c in cuts])
    return out


def segment_name(code: int, risk_bands: int) -> str:
    """A segment's name a collector can read: 'dpd 8-15, risk 2/3'."""
    band, risk = divmod(code, risk_bands)
    low = DPD_BANDS[band]
    high = DPD_BANDS[band + 1] - 1 if band + 1 < len(DPD_BANDS) else 90
    span = "pre-due" if low < 1 else f"dpd {low}-{high}"
    return f"{span}, risk {risk + 1}/{risk_bands}"


def observations(
    decisions: pd.DataFrame,
    payments: pd.DataFrame,
    *,
    horizon: int,
    score_cuts: Sequence[Sequence[float]],
    week_days: int = 7,
) -> pd.DataFrame:
    """One row per loan and week of the regime logs: segment, regime, weight, paid, contacts.

    A loan's first decision of each week (in the regimes' stages, outside the hold-out) gives
    the segment the lender saw; ``paid`` is what the loan paid and ``contacts`` the contacts
    carried out on it over [day, day + horizon). Rows whose horizon runs past the logs' last
    day are dropped. ``cluster`` is the borrower (of the seed), for clustered errors.
    """
    needed = ("day", "loan_id", "borrower_id", "stage", "dpd", "score", "regime", "status")
    missing = [c for c in (*needed, "regime_propensity", "arm") if c not in decisions]
    if missing:
        raise InputError(
            f"regime logs need the columns {missing} (collect them with a regime share)",
            field=missing[0],
        )
    days = [int(f["day"].max()) for f in (decisions, payments) if len(f)]
    last_day = max(days, default=-1)
    rows = decisions[
        (decisions["arm"].to_numpy() != HOLDOUT)
        & np.isin(decisions["stage"].to_numpy(), REGIME_STAGES)
        & (decisions["day"].to_numpy() + horizon <= last_day + 1)
    ]
    rows = rows.assign(week=rows["day"].to_numpy() // week_days)
    rows = rows.sort_values(["loan_id", "day"], kind="stable")
    rows = rows.drop_duplicates(["loan_id", "week"], keep="first").reset_index(drop=True)
    made = decisions[
        (decisions["status"].to_numpy() == "planned") & (decisions["action"].to_numpy() != "none")
    ]
    events = pd.DataFrame({"day": made["day"], "loan_id": made["loan_id"], "amount": 1.0})
    seed = rows["seed"].to_numpy(np.int64) if "seed" in rows else np.zeros(len(rows), np.int64)
    return pd.DataFrame(
        {
            "segment": segment_codes(
                rows["stage"].to_numpy(dtype=object),
                rows["dpd"].to_numpy(np.int64),
                rows["score"].to_numpy(np.float64),
                score_cuts,
            ),
            "regime": rows["regime"].to_numpy(np.int64),
            "weight": 1.0 / np.maximum(rows["regime_propensity"].to_numpy(np.float64), 1e-9),
            "paid": sum_within(rows, payments, horizon),
            "contacts": sum_within(rows, events, horizon),
            "cluster": seed * 10_000_000 + rows["borrower_id"].to_numpy(np.int64),
        }
    )


def estimate(obs: pd.DataFrame) -> pd.DataFrame:
    """Per segment and regime: rows, borrowers, weighted means of paid and contacts, and the
    clustered variances of those means and their covariance (yuan², contacts², yuan·contacts).

    The mean is Hájek's (Σw·y / Σw); its variance sums, over borrowers, the square of each
    borrower's Σw·(y − mean), divided by (Σw)² (a borrower's weeks are not independent).
    """
    if obs.empty:
        return pd.DataFrame(
            columns=[
                *("segment", "regime", "rows", "borrowers", "paid", "contacts"),
                *("var_paid", "var_contacts", "cov"),
            ]
        )
    w = obs["weight"].to_numpy(np.float64)
    frame = obs.assign(wp=w * obs["paid"].to_numpy(), wc=w * obs["contacts"].to_numpy())
    cell = frame.groupby(["segment", "regime"], sort=True)
    sums = cell.agg(
        rows=("weight", "size"),
        borrowers=("cluster", "nunique"),
        sw=("weight", "sum"),
        wp=("wp", "sum"),
        wc=("wc", "sum"),
    )
    sums["paid"] = sums["wp"] / sums["sw"]
    sums["contacts"] = sums["wc"] / sums["sw"]
    means = sums[["paid", "contacts"]].rename(columns={"paid": "m_p", "contacts": "m_c"})
    frame = frame.join(means, on=["segment", "regime"])
    frame["up"] = w * (frame["paid"] - frame["m_p"])
    frame["uc"] = w * (frame["contacts"] - frame["m_c"])
    per_borrower = frame.groupby(["segment", "regime", "cluster"], sort=False)[["up", "uc"]].sum()
    per_borrower["pp"] = per_borrower["up"] ** 2
    per_borrower["cc"] = per_borrower["uc"] ** 2
    per_borrower["pc"] = per_borrower["up"] * per_borrower["uc"]
    moments = per_borrower.groupby(level=["segment", "regime"])[["pp", "cc", "pc"]].sum()
    sums = sums.join(moments)
    scale = sums["sw"] ** 2
    sums["var_paid"] = sums["pp"] / scale
    sums["var_contacts"] = sums["cc"] / scale
    sums["cov"] = sums["pc"] / scale
    columns = ["rows", "borrowers", "paid", "contacts", "var_paid", "var_contacts", "cov"]
    return sums[columns].reset_index()
