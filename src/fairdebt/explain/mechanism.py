"""Why a KPI moved: the change date, the bridge and the mechanism, from the dues of the book.

``explain_dues`` reads a frame of dues (:func:`fairdebt.explain.book.read_dues`) and:

1. finds *when* day-1 delinquency (入催率, principal-weighted) changed (:mod:`.changes`);
2. fits a baseline on the dues before the change: a rate by age (the due's sequence number,
   months on book) times a relative risk by province and by product (raked main effects), so
   that every due after the change has an *expected* rate under the old regime given what it is;
3. bridges the change in principal entering collection per day into **volume** (more principal
   falling due at the old rate), **mix** (the expected rate of the new composition: ages,
   provinces, products, less the old rate) and the *excess* over expectation, which is split
   into **vintage**, **period** and **policy** by where ripple search (:mod:`.localize`) finds it:
   in vintages (cohorts are worse), in product versions first sold after the change (terms
   changed), or in provinces or nowhere in particular (every cohort moved: period);
4. names the mechanism and the segments, ordered by explanatory power; ``[]`` when the change is
   portfolio-wide (after the portfolio's common factor is taken out, no segment carrying a
   fifth of the excess stands out).

This is age-period-cohort in Breeden's dual-time sense with the age curve held from the
baseline: existing cohorts that moved at their ages are period, new cohorts worse at the same
ages are vintage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from fairdebt.errors import InputError
from fairdebt.explain.changes import ChangePoint, detect_change, detect_episode
from fairdebt.explain.localize import Cause, localize, make_leaves

__all__ = ["MECHANISMS", "METRICS", "Explanation", "explain_dues", "expected_rates"]

MECHANISMS = ("volume", "mix", "vintage", "period", "policy")
METRICS = ("entry_rate",)
# A segment named as a cause must carry at least this share of the excess over expectation.
SEGMENT_SHARE = 0.2
_VERSION = "version"
PRIOR_EVENTS = 10.0


@dataclass(slots=True)
class Explanation:
    """The explainer's answer; ``as_json`` is the CLI's last line."""

    metric: str
    change_date: dt.date
    kpi_change: ChangePoint
    mechanism: str
    segments: list[str]
    bridge: dict[str, float]
    causes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def change(self) -> float:
        return self.kpi_change.size

    def as_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "change_date": self.change_date.isoformat(),
            "change": round(self.change, 6),
            "mechanism": self.mechanism,
            "segments": self.segments,
            "bridge": {k: round(v, 2) for k, v in self.bridge.items()},
            "kpi_change_date": self.kpi_change.on.isoformat(),
            "kpi_change_range": [self.kpi_change.low.isoformat(), self.kpi_change.high.isoformat()],
            "rate_before": round(self.kpi_change.before, 6),
            "rate_after": round(self.kpi_change.after, 6),
        }


def expected_rates(before: pd.DataFrame, after: pd.DataFrame, *, iterations: int = 4) -> np.ndarray:
    """Each ``after`` due's rate under the ``before`` regime: age curve × province × product.

    Relative risks are raked on principal-weighted rates; a value never seen before gets 1.
    """
    w = before["principal"].to_numpy(float)
    y = before["entered"].to_numpy(float) * w
    overall = y.sum() / w.sum() if w.sum() else 0.0
    factors: dict[str, pd.Series] = {}
    fitted = np.full(len(before), overall)
    for _ in range(iterations):
        for column in ("seq", "province", "product"):
            current = factors.get(column)
            base = fitted / (before[column].map(current).fillna(1.0).to_numpy() if current is not None else 1.0)
            frame = pd.DataFrame({"k": before[column].to_numpy(), "y": y, "e": base * w})
            g = frame.groupby("k").sum()
            # Shrunk toward 1 by PRIOR_EVENTS expected entries' worth of evidence (a gamma prior,
            # credibility-style): a province with 40 dues and no entry is not declared riskless.
            prior = PRIOR_EVENTS * w.mean() * max(overall, 1e-6)
            factors[column] = (g["y"] + prior) / (g["e"] + prior)
            fitted = base * before[column].map(factors[column]).fillna(1.0).to_numpy()
    rate = np.full(len(after), overall)
    for column, factor in factors.items():
        if column == "seq" and len(factor):
            # An age not yet reached before the change takes the oldest age seen (a young
            # book's curve is carried forward, not reset to the average).
            ages = np.union1d(factor.index.to_numpy(), after[column].unique())
            factor = factor.reindex(ages).ffill().bfill()
        rate = rate * after[column].map(factor).fillna(1.0).to_numpy()
    return np.clip(rate, 0.0, 1.0)


def _mask(frame: pd.DataFrame, element: tuple[tuple[str, str], ...]) -> np.ndarray:
    return np.logical_and.reduce([frame[d].astype(str).to_numpy() == v for d, v in element])


def _kind(element: tuple[tuple[str, str], ...]) -> str:
    names = dict(element)
    if names.get(_VERSION) == "new":
        return "policy"
    if "vintage" in names:
        return "vintage"
    return "period"


def explain_dues(
    dues: pd.DataFrame, *, metric: str = "entry_rate", dims: tuple[str, ...] | None = None
) -> Explanation:
    """Explain the change in ``metric`` over ``dues`` (see the module docstring)."""
    if metric not in METRICS:
        raise InputError(f"must be one of {', '.join(METRICS)} (got {metric!r})", field="--metric")
    if dues.empty:
        raise InputError("no dues on current loans in the period: nothing to explain", field="--from")
    dues = dues.assign(num=dues["entered"] * dues["principal"])
    # The reference cohorts' age curve and relative risks (the first third of the book's
    # disbursement dates, as APC's reference cohort): the series are age- and mix-adjusted, and
    # a product first sold later is not absorbed into its own relative risk.
    span = dues["disbursed_on"].max() - dues["disbursed_on"].min()
    reference = dues[dues["disbursed_on"] <= dues["disbursed_on"].min() + span / 3]
    dues["expected"] = expected_rates(reference, dues) * dues["principal"]
    change = detect_change(dues["due_on"], dues["num"], dues["principal"], expected=dues["expected"])
    if change is None:
        raise InputError("the period is too short to find a change: give at least 6 weeks", field="--from")
    cut = pd.Timestamp(change.on)
    # Cohort time: each vintage's first due against expectation, by disbursement date.
    first = dues[dues["seq"] == 1]
    episode = detect_episode(
        first["disbursed_on"], first["num"], first["principal"], expected=first["expected"]
    )
    cohort_from = pd.Timestamp(episode[0]) if episode else dues["disbursed_on"].max() + pd.Timedelta(days=1)
    cohort_to = pd.Timestamp(episode[1]) if episode and episode[1] else None
    is_new = (dues["disbursed_on"] >= cohort_from).to_numpy()
    if cohort_to is not None:
        is_new &= (dues["disbursed_on"] < cohort_to).to_numpy()
    # The baseline: existing cohorts before the change (new cohorts and new products unseen).
    baseline = dues[(~is_new) & (dues["due_on"] < cut).to_numpy()]
    if baseline.empty:
        baseline = dues[dues["due_on"] < cut]
    after = dues[dues["due_on"] >= cut].copy()
    new_after = is_new[(dues["due_on"] >= cut).to_numpy()]
    rate = expected_rates(baseline, after)
    after["expected"] = rate * after["principal"]
    after["expected_count"] = rate
    known = set(dues.loc[~is_new, "product"].astype(str))
    after[_VERSION] = np.where(after["product"].astype(str).isin(known), "existing", "new")
    before = dues[dues["due_on"] < cut]

    days_before = max((cut - before["due_on"].min()).days, 1) if len(before) else 1
    days_after = max((after["due_on"].max() - cut).days + 1, 1)
    n_b, d_b = before["num"].sum() / days_before, before["principal"].sum() / days_before
    n_a, d_a = after["num"].sum() / days_after, after["principal"].sum() / days_after
    e_a = after["expected"].sum() / days_after
    r_b = n_b / d_b if d_b else 0.0
    bridge = dict.fromkeys(MECHANISMS, 0.0)
    bridge["volume"] = (d_a - d_b) * r_b
    bridge["mix"] = e_a - d_a * r_b
    # Age-period-cohort: existing cohorts' move is period; new cohorts beyond it are cohort.
    old = after[~new_after]
    period_factor = old["num"].sum() / old["expected"].sum() if old["expected"].sum() else 1.0
    new = after[new_after]
    cohort_excess = (new["num"] - new["expected"] * period_factor).to_numpy()
    period_excess = float((old["num"] - old["expected"]).sum() + (new["expected"] * (period_factor - 1)).sum())
    policy_rows = (new[_VERSION] == "new").to_numpy()
    policy_excess = float(cohort_excess[policy_rows].sum())
    vintage_excess = float(cohort_excess[~policy_rows].sum())
    bridge["period"] = period_excess / days_after
    bridge["policy"] = policy_excess / days_after
    bridge["vintage"] = vintage_excess / days_after

    segments: list[str] = []
    described: list[dict[str, Any]] = []
    cohort = policy_excess + vintage_excess
    if cohort > max(period_excess, 0.0) and episode is not None:
        kind = "policy" if policy_excess > vintage_excess else "vintage"
        rows = new[policy_rows] if kind == "policy" else new[~policy_rows]
        excess = pd.Series(
            cohort_excess[policy_rows] if kind == "policy" else cohort_excess[~policy_rows],
            index=rows.index,
        )
        dim = "product" if kind == "policy" else "vintage"
        by = excess.groupby(rows[dim].astype(str)).sum().sort_values(ascending=False)
        total = float(by[by > 0].sum())
        for value, amount in by.items():
            if total and amount / total >= SEGMENT_SHARE / 2:
                segments.append(f"{dim}={value}")
                described.append({"segment": [f"{dim}={value}"], "mechanism": kind,
                                  "explanatory_power": float(amount / cohort), "surprise": 0.0})
        mechanism = kind
        change_date = cohort_from.date()
    else:
        dims = dims or tuple(c for c in ("province", "product", "channel", "vintage", "score_band") if c in old)
        causes = _causes(after.assign(**{_VERSION: "existing"}), dims)
        for cause in causes:
            labels = ["&".join(f"{d}={v}" for d, v in sorted(cause.element))]
            segments += labels
            described.append({"segment": labels, "mechanism": "period",
                              "explanatory_power": cause.explanatory_power, "surprise": cause.surprise})
        mechanism = "period"
        change_date = change.on
        if causes:
            inside = _mask(dues, causes[0].element)
            local = detect_change(
                dues["due_on"][inside], dues["num"][inside], dues["principal"][inside],
                expected=dues["expected"][inside],
            )
            change_date = local.on if local is not None else change.on
    rate_parts = abs(bridge["period"]) + abs(bridge["vintage"]) + abs(bridge["policy"])
    if abs(bridge["mix"]) > rate_parts:
        mechanism = "mix"
    if abs(bridge["volume"]) > rate_parts + abs(bridge["mix"]) and not segments:
        mechanism = "volume"
    bridge["before"], bridge["after"] = n_b, n_a
    return Explanation(metric, change_date, change, mechanism, segments, bridge, described)


def _causes(after: pd.DataFrame, dims: tuple[str, ...]) -> list[Cause]:
    """Segments that moved beyond the portfolio's common factor and carry their share."""
    frame = after.assign(count=1.0, count_f=1.0)
    total_a, total_e = frame["entered"].sum(), frame["expected_count"].sum()
    theta = total_a / total_e if total_e else 1.0
    frame["absorbed"] = frame["expected_count"] * theta
    leaves = make_leaves(
        frame,
        dims=list(dims),
        numerator_actual="entered",
        numerator_expected="absorbed",
        denominator_actual="count",
        denominator_expected="count_f",
        model="poisson",
        kappa=0.0,  # dues are independent events: no dispersion beyond Poisson
    )
    raw_excess = total_a - total_e
    kept = []
    for cause in localize(leaves, max_layer=2, max_causes=5, direction=1, rank="power"):
        inside = _mask(frame, cause.element)
        power = (frame["entered"][inside].sum() - frame["expected_count"][inside].sum()) / raw_excess if raw_excess else 0.0
        if power >= SEGMENT_SHARE:
            kept.append(Cause(cause.element, float(power), cause.surprise, cause.score))
    return sorted(kept, key=lambda c: -c.explanatory_power)


def _segment_labels(rows: pd.DataFrame, cause: Cause, excess: np.ndarray) -> list[str]:
    """The cause as ``dim=value`` labels; a new product version is named by its products."""
    element = [(d, v) for d, v in cause.element if d != _VERSION]
    if len(element) == len(cause.element):
        return ["&".join(f"{d}={v}" for d, v in sorted(element))]
    by_product = pd.Series(excess, index=rows["product"].astype(str).to_numpy()).groupby(level=0).sum()
    prefix = "".join(f"&{d}={v}" for d, v in sorted(element))
    return [f"product={p}{prefix}" for p in by_product.sort_values(ascending=False).index]


def _name(bridge: dict[str, float], causes: list[Cause], change: ChangePoint, before: pd.DataFrame) -> str:
    if causes:
        first = _kind(causes[0].element)
        if abs(bridge["mix"]) <= abs(bridge[first]) + abs(bridge["period"]):
            return first
        return "mix"
    rate_parts = {k: bridge[k] for k in ("mix", "vintage", "period", "policy")}
    if sum(abs(v) for v in rate_parts.values()) >= abs(bridge["volume"]):
        return max(rate_parts, key=lambda k: abs(rate_parts[k]))
    return "volume"
