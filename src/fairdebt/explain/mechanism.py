"""Why a KPI moved: the change date, the bridge and the mechanism, from the dues of the book.

``explain_dues`` reads a frame of dues (:func:`fairdebt.explain.book.read_dues`) and:

1. finds *when* day-1 delinquency (入催率, principal-weighted) rose (:mod:`.changes`, on the
   rise only);
2. fits a baseline on the dues before the change: a rate by age (the due's sequence number,
   months on book) times a relative risk by province and by product (raked main effects), so
   that every due after the change has an *expected* rate under the old regime given what it is;
3. bridges the change in principal entering collection per day into **volume** (more principal
   falling due at the old rate), **mix** (the expected rate of the new composition: ages,
   provinces, products, less the old rate) and the *excess* over expectation, which is split
   into **vintage**, **period** and **policy** by where ripple search (:mod:`.localize`) finds it:
   in vintages (cohorts are worse), in product versions first sold after the change (terms
   changed), or in provinces or nowhere in particular (every cohort moved: period);
4. names the mechanism and the segments, ordered by explanatory power. *Where*: the segments
   whose rate stepped against the rest of the book at the same age in the same week, beyond
   the max-T bound over every segment and week (:mod:`.segments`; ripple search with a
   difference in differences when no single value stepped); ``[]`` when the change is
   portfolio-wide, which includes a stepped segment while the existing cohorts outside it
   moved at the KPI's change as well, and a product (other than a new version) whose
   existing cohorts did not move at its step more than the rest's did (:func:`moved_apart`).
   The segment that stepped nearest the KPI's change comes first. *Vintage or period*: the
   age curve on existing cohorts (:func:`dual_time`) says whether the cohorts already on the
   book moved at the change (period) or only the new cohorts are worse than them at the same
   age in the same months (vintage), unless the existing cohorts of the step search's first
   segment moved at its own step (a regional shock the whole book's test is too weak for:
   period, that segment first; a product only if they moved apart), and only when
   the dual-time fit gives the new cohorts at least the evidence of the existing cohorts'
   move (a short book's period test fails to reject a real shock);
5. tests new terms directly (:mod:`.policy`): when product versions first sold after the
   reference cohorts are significantly worse than the same products' earlier versions at the
   same ages, and more so than the earlier versions over the same weeks, the mechanism is
   policy, the new versions come first and the date is their first sale. Worse cohorts are
   called new terms only when new versions are among them (:func:`cohort_kind`).

``metric="dpd30_rate"`` runs the same steps on weekly balance snapshots
(:func:`fairdebt.explain.balances.read_balances`).

This is age-period-cohort in Breeden's dual-time sense, with the age curve identified on the
existing cohorts across months (not held from a reference whose older ages may already carry
the change): existing cohorts that moved at their ages are period, new cohorts worse at the
same ages are vintage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from fairdebt.errors import InputError
from fairdebt.explain.changes import ChangePoint, detect_change, detect_episode
from fairdebt.explain.cohorts import (
    DualTime,
    cohort_against_period,
    dual_time,
    find_cohorts,
    moved_apart,
)
from fairdebt.explain.policy import check_new_terms
from fairdebt.explain.rates import (
    apply_factors,
    expected_rates,
    rake,
)
from fairdebt.explain.segments import (
    ALPHA,
    SEARCHED,
    SEGMENT_SHARE,
    SegmentStep,
    common_factor,
    element_mask,
    find_steps,
    ripple_causes,
    share_of_change,
    step_causes,
)

__all__ = [
    "MECHANISMS",
    "METRICS",
    "DualTime",
    "Explanation",
    "cohort_kind",
    "dual_time",
    "expected_rates",
    "explain_dues",
]

MECHANISMS = ("volume", "mix", "vintage", "period", "policy")
METRICS = ("entry_rate", "dpd30_rate")
_VERSION = "version"
RATE_Z = 3.0  # the rate moved when entries exceed the composition's expectation by 3 sd


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


def explain_dues(
    dues: pd.DataFrame, *, metric: str = "entry_rate", dims: tuple[str, ...] | None = None
) -> Explanation:
    """Explain the change in ``metric`` over ``dues`` (see the module docstring)."""
    if metric not in METRICS:
        raise InputError(f"must be one of {', '.join(METRICS)} (got {metric!r})", field="--metric")
    if dues.empty:
        raise InputError(
            "no dues on current loans in the period: nothing to explain", field="--from"
        )
    dues = dues.assign(num=dues["entered"] * dues["principal"])
    # The reference cohorts' age curve and relative risks (the first third of the book's
    # disbursement dates, as APC's reference cohort): the series are age- and mix-adjusted, and
    # a product first sold later is not absorbed into its own relative risk.
    span = dues["disbursed_on"].max() - dues["disbursed_on"].min()
    reference = dues[dues["disbursed_on"] <= dues["disbursed_on"].min() + span / 3]
    base, who = rake(reference, ("seq", "province", "product"))
    dues["expected"] = apply_factors(dues, base, who) * dues["principal"]
    # Dated on the rise only: the explainer says why delinquency rose, and on a short book the
    # fall after a surge can be the larger move (decision record, ninth round).
    change = detect_change(
        dues["due_on"], dues["num"], dues["principal"], expected=dues["expected"], upward=True
    )
    if change is None:
        raise InputError(
            "the period is too short to find a change: give at least 6 weeks", field="--from"
        )
    cut = pd.Timestamp(change.on)
    # Cohort time: each cohort's dues against expectation (age-adjusted), by disbursement date.
    first = dues
    episode = detect_episode(
        first["disbursed_on"], first["num"], first["principal"], expected=first["expected"]
    )
    cohort_from = (
        pd.Timestamp(episode[0]) if episode else dues["disbursed_on"].max() + pd.Timedelta(days=1)
    )
    cohort_to = pd.Timestamp(episode[1]) if episode and episode[1] else None
    # The worse cohorts dated in cohort time (:func:`find_cohorts`: each disbursement month
    # against the others in the same months and provinces, Bonferroni over the months). When
    # that search finds them it replaces the episode, which can start after a surge and then
    # compares the surge's cohorts with later ones. The search and the episode's own cohort
    # test each get half of ALPHA, so calling the cohorts worse keeps its level at ALPHA.
    window = find_cohorts(dues, ALPHA / 2)
    dated = window is not None and window.significant
    if window is not None and dated:
        cohort_from, cohort_to = window.start, window.end
        episode = (cohort_from.date(), cohort_to.date() if cohort_to is not None else None)
    is_new = (dues["disbursed_on"] >= cohort_from).to_numpy().copy()
    if cohort_to is not None:
        is_new &= (dues["disbursed_on"] < cohort_to).to_numpy()
    # A product version is new when the reference cohorts never had it (first sold later).
    known = set(reference["product"].astype(str))
    version_new = ~dues["product"].astype(str).isin(known).to_numpy()
    # The period's cut is the KPI's change point. (Choosing instead, by deviance, the month
    # new cohorts' first dues arrive was tried and lost more than it won: decision record.)
    cuts = [cut]
    fits = [_apc(dues, c, is_new, version_new) for c in cuts]
    cut, (blocks, offset, overall, factors, _) = min(
        zip(cuts, fits, strict=True), key=lambda pair: pair[1][4]
    )
    before = dues[dues["due_on"] < cut]
    after_rows = (dues["due_on"] >= cut).to_numpy()
    period_f = float(
        factors["period_block"].get("after", 1.0) / factors["period_block"].get("before", 1.0)
    )
    cohort_f = factors["cohort_block"] / factors["cohort_block"].get("existing", 1.0)
    after = blocks[after_rows].copy()
    # The expectation with neither the period's nor the cohorts' move: as if before, existing.
    rate = np.clip(
        offset[after_rows]
        * apply_factors(
            after.assign(period_block="before", cohort_block="existing"), overall, factors
        ),
        0.0,
        1.0,
    )
    after["expected"] = rate * after["principal"]
    after["expected_count"] = rate
    after[_VERSION] = np.where(version_new[after_rows], "new", "existing")
    new_after = is_new[after_rows]

    days_before = max((cut - before["due_on"].min()).days, 1) if len(before) else 1
    days_after = max((after["due_on"].max() - cut).days + 1, 1)
    n_b, d_b = before["num"].sum() / days_before, before["principal"].sum() / days_before
    n_a, d_a = after["num"].sum() / days_after, after["principal"].sum() / days_after
    e_a = after["expected"].sum() / days_after
    r_b = n_b / d_b if d_b else 0.0
    bridge = dict.fromkeys(MECHANISMS, 0.0)
    bridge["volume"] = (d_a - d_b) * r_b
    bridge["mix"] = e_a - d_a * r_b
    e = after["expected"].to_numpy()
    period_part = e * (period_f - 1)
    block = after["cohort_block"].to_numpy()
    cohort_part = e * period_f * (after["cohort_block"].map(cohort_f).fillna(1.0).to_numpy() - 1)
    policy_excess = float(cohort_part[block == "policy"].sum())
    vintage_excess = float(cohort_part[block == "vintage"].sum())
    residual = float(after["num"].sum() - e.sum() - period_part.sum() - cohort_part.sum())
    period_excess = float(period_part.sum()) + residual
    bridge["period"] = period_excess / days_after
    bridge["policy"] = policy_excess / days_after
    bridge["vintage"] = vintage_excess / days_after
    new = after[new_after]
    policy_rows = (new["cohort_block"] == "policy").to_numpy()
    cohort_excess = (new["num"] - new["expected"] * period_f).to_numpy()

    segments: list[str] = []
    described: list[dict[str, Any]] = []
    cohort = policy_excess + vintage_excess
    cohort_z, _ = cohort_against_period(dues, cohort_from, cohort_to)
    # The age curve on existing cohorts (:func:`dual_time`): a period shock moves the cohorts
    # already on the book against their own age curve, a bad vintage does not. Vintage (or
    # new terms through the cohort blocks) only when the existing cohorts did not move at the
    # change (the period contrast with its standard error from the fit) and the new cohorts
    # are worse than them in the same months and provinces (``cohort_against_period``). That
    # test's known bias (older ages of the reference carrying a shock) needs a period shock,
    # which the first condition has ruled out; the dual-time cohort contrast, estimated jointly
    # with the age curve, is reported but too weak at these sizes to be required as well.
    apc = dual_time(dues, cut, min(cohort_from, cut), is_new)
    critical = stats.norm.isf(ALPHA)
    existing_moved = apc.period_z > critical
    cohort_wins = dated or cohort_z > stats.norm.isf(ALPHA / 2)
    dims = dims or tuple(
        c for c in ("province", "product", "channel", "vintage", "score_band") if c in after
    )
    # Where: segments whose rate stepped against the rest of the book, with the max-T bound
    # over every segment and week (:mod:`.segments`); ripple search with its difference in
    # differences only when no single value stepped (a combination of values may have).
    counted = dues.assign(expected_count=_count_rates(dues))
    # Asked at level 1 the search ranks every segment that stepped up; the first by statistic
    # is checked again before vintage is called (below), the significant ones are *where*.
    ranked = find_steps(counted, dims=tuple(d for d in dims if d in dues), alpha=1.0, factors=who)
    first_step = max(ranked, key=lambda s: s.statistic, default=None)
    # A stepped segment is *where* only when it carries SEGMENT_SHARE of the book's change
    # from its date (ripple search's rule): one that stepped a little more than the rest while
    # the whole book moved is not the change's place.
    steps = [s for s in ranked if s.significant and share_of_change(counted, s) >= SEGMENT_SHARE]
    # A product the reference cohorts had is named, when the whole book's existing cohorts did
    # not pass (the check below is then not run), only if its own existing cohorts moved at its
    # step more than the rest's did (:func:`moved_apart`); new versions are the terms test's.
    known_products = set(reference["product"].astype(str))
    apart = {
        s.label: _product_apart(dues, s, cohort_from, is_new)
        for s in ([] if existing_moved else steps)
        if s.dimension == "product" and s.value in known_products
    }
    steps = [s for s in steps if apart.get(s.label, True)]
    if steps and existing_moved:
        # Where, only if the rest of the book did not move with it: when the existing cohorts
        # outside the stepped segments moved at the KPI's change too (the same dual-time
        # period test), the change is portfolio-wide and a segment's larger or earlier step
        # is its own sensitivity or drift, not the change's place.
        outside = ~np.logical_or.reduce(
            [element_mask(dues, ((s.dimension, s.value),)) for s in steps]
        )
        rest = dual_time(dues[outside], cut, min(cohort_from, cut), is_new[outside])
        if rest.period_z > critical:
            steps = []
    # The change's first place is the segment that stepped nearest the KPI's change; one that
    # stepped at another time (its own drift months before) comes after it, whatever its size.
    steps = sorted(steps, key=lambda s: (abs((s.on - change.on).days), -s.excess))
    step_dates = {s.label: s.on for s in steps}
    causes = step_causes(steps)
    if not causes:
        # Single values were tested by the step search under its max-T bound; ripple search
        # adds only combinations of values (testing a value twice would double its level).
        searched = {d for d in dims if d in SEARCHED}
        causes = [
            c
            for c in ripple_causes(
                after.assign(**{_VERSION: "existing"}),
                dims,
                dues[dues["due_on"] < cut],
                existing_before=cohort_from if episode is not None else None,
            )
            if len(c.element) > 1 or c.element[0][0] not in searched
        ]
    # New terms: product versions first sold after the reference cohorts, tested directly
    # against the same products' earlier versions at the same ages (:mod:`.policy`).
    terms = (
        check_new_terms(dues, set(dues.loc[version_new, "product"].astype(str)))
        if version_new.any()
        else None
    )
    kind = cohort_kind(
        policy_excess,
        vintage_excess,
        new_versions=bool((block == "policy").any()),
        other_new=bool((block == "vintage").any()),
    )
    cohorts_worse = not existing_moved and episode is not None and cohort_wins and not causes
    if cohorts_worse and first_step is not None:
        # A shock in one region biases the same-month cohort test toward vintage (the old
        # cohorts are survivors and the shock acts on the odds) while it moves the whole
        # book's existing cohorts too little to pass. So before calling the cohorts worse
        # (vintage, or new terms through the cohort blocks), the same dual-time period test
        # on the step search's first segment alone, at its own step date: if the cohorts
        # already on the book moved there, that segment's change is a move in time.
        there = element_mask(dues, ((first_step.dimension, first_step.value),))
        on = pd.Timestamp(first_step.on)
        there_apc = dual_time(dues[there], on, min(cohort_from, on), is_new[there])
        # A product's cohorts moving with everyone's (a macro shock) is not its own change.
        if there_apc.period_z > critical and (
            first_step.dimension != "product"
            or first_step.value not in known_products
            or _product_apart(dues, first_step, cohort_from, is_new)
        ):
            causes, cohorts_worse = step_causes([first_step]), False
            step_dates = {first_step.label: first_step.on}
    if cohorts_worse and apc.cohort_z < apc.period_z:
        # Between the two explanations, the fit that holds both decides: worse cohorts only
        # when the dual-time fit gives the new cohorts' contrast at least the evidence of the
        # existing cohorts' move. "Did not move" is only the period test's failure to reject,
        # and on a short book (month and age nearly aliased among the existing cohorts) it
        # fails under a real shock, while the same-month cohort test is biased toward worse
        # new cohorts under one. The answer is then a move in time with no segment.
        cohorts_worse = False
    if cohorts_worse:
        rows = new[policy_rows] if kind == "policy" else new[~policy_rows]
        excess = pd.Series(
            cohort_excess[policy_rows] if kind == "policy" else cohort_excess[~policy_rows],
            index=rows.index,
        )
        dim = "product" if kind == "policy" else "vintage"
        by = excess.groupby(rows[dim].astype(str)).sum().sort_values(ascending=False)
        surprise: dict[str, float] = {}
        if kind == "vintage" and window is not None and dated:
            # The months the search found worse, the worst first (ranked by their z: the
            # excess after the KPI's change point misses a surge that came before it).
            surprise = dict(window.worse())
        ranked = pd.Series(surprise) if surprise else by
        total = float(ranked[ranked > 0].sum())
        for value, amount in ranked.items():
            if total and amount / total >= SEGMENT_SHARE / 2:
                segments.append(f"{dim}={value}")
                described.append(
                    {
                        "segment": [f"{dim}={value}"],
                        "mechanism": kind,
                        "explanatory_power": float(by.get(value, 0.0) / cohort) if cohort else 0.0,
                        "surprise": surprise.get(str(value), 0.0),
                    }
                )
        mechanism = kind
        change_date = cohort_from.date()
    else:
        for cause in causes:
            labels = ["&".join(f"{d}={v}" for d, v in sorted(cause.element))]
            segments += labels
            described.append(
                {
                    "segment": labels,
                    "mechanism": "period",
                    "explanatory_power": cause.explanatory_power,
                    "surprise": cause.surprise,
                }
            )
        mechanism = "period"
        change_date = change.on
        top = dict(causes[0].element) if causes else {}
        new_products = set(dues.loc[version_new, "product"].astype(str))
        if top.get("product") in new_products:
            # The segment is a product version first sold after the reference cohorts: terms.
            mechanism = "policy"
            first_sold = dues.loc[
                dues["product"].astype(str) == top["product"], "disbursed_on"
            ].min()
            change_date = first_sold.date()
        elif causes and causes[0].label in step_dates:
            change_date = step_dates[causes[0].label]
        elif causes:
            # Dated on the segment's excess over the rest of the book, week by week: the
            # common movement (the macro factor) is taken out, the segment's own step stays.
            inside = element_mask(dues, causes[0].element)
            local = detect_change(
                dues["due_on"][inside],
                dues["num"][inside],
                dues["principal"][inside],
                expected=(dues["expected"] * common_factor(dues, ~inside))[inside],
                upward=True,
            )
            change_date = local.on if local is not None else change.on
    if terms is not None and terms.significant:
        mechanism, change_date = "policy", terms.first_sold
        named = [f"product={v}" for v in terms.versions if terms.excess[v] > 0]
        positive = sum(v for v in terms.excess.values() if v > 0)
        described = [
            {
                "segment": [label],
                "mechanism": "policy",
                "explanatory_power": terms.excess[label.split("=", 1)[1]] / positive,
                "surprise": terms.z_worse,
            }
            for label in named
        ] + [d for d in described if d["segment"][0] not in named]
        segments = named + [s for s in segments if s not in named]
        # The bridge's policy part is at least the new terms' excess; the remainder
        # (period) gives it up, so the bridge still adds up.
        shift = max(positive / days_after - bridge["policy"], 0.0)
        bridge["policy"] += shift
        bridge["period"] -= shift
    # Did the rate move beyond what the new composition explains? A Poisson z on the count of
    # dues entering collection after the change against the composition's expectation.
    expected_count = float(after["expected_count"].sum())
    moved = (after["entered"].sum() - expected_count) / np.sqrt(max(expected_count, 1.0)) > RATE_Z
    if not moved and not segments:
        mechanism = "mix" if abs(bridge["mix"]) > abs(bridge["volume"]) else "volume"
    bridge["before"], bridge["after"] = n_b, n_a
    return Explanation(metric, change_date, change, mechanism, segments, bridge, described)


def cohort_kind(
    policy_excess: float, vintage_excess: float, *, new_versions: bool, other_new: bool = True
) -> str:
    """Whether worse cohorts are new terms (``policy``) or a bad vintage (``vintage``).

    Policy when new cohorts on product versions first sold after the reference cohorts are
    due after the KPI's change and carry more of the excess than the other new cohorts, or
    when they are the only new cohorts due after it. The excesses are counted after the KPI's
    change point, which on a short book can fall after the worse cohorts' surge: both are
    then near zero or negative, and an empty block (0) must not outrank a negative excess,
    whichever block is empty: without new versions it is vintage, without other new cohorts
    (every worse cohort on a new version) it is new terms.
    """
    if not new_versions:
        return "vintage"
    if not other_new:
        return "policy"
    return "policy" if policy_excess > vintage_excess else "vintage"


def _product_apart(
    dues: pd.DataFrame, step: SegmentStep, cohort_from: pd.Timestamp, is_new: np.ndarray
) -> bool:
    on = pd.Timestamp(step.on)
    there = element_mask(dues, ((step.dimension, step.value),))
    return moved_apart(dues, there, on, min(cohort_from, on), is_new)


def _count_rates(dues: pd.DataFrame) -> np.ndarray:
    """Each due's expected entry (a probability) from its principal-weighted expectation."""
    rate = dues["expected"] / dues["principal"].where(dues["principal"] > 0)
    counts: np.ndarray = rate.fillna(0.0).to_numpy(float)
    return counts


def _apc(
    dues: pd.DataFrame, cut: pd.Timestamp, is_new: np.ndarray, version_new: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, float, dict[str, pd.Series], float]:
    """Age-period-cohort with two-level blocks (Breeden's dual time, stepwise).

    Period is identified by existing cohorts before and after ``cut`` at the same ages, cohort
    by new cohorts against existing ones in the same period at the same ages; new cohorts on
    product versions first sold with them are their own block (policy). Who the borrower is
    (province, product) is priced on the dues before the cut, so a province's shock stays a move
    in time and not a riskier province; age, period and cohort are then raked on every due with
    that as an offset. Returns the blocks, the offset, the fit and its Bernoulli deviance.
    """
    after_rows = (dues["due_on"] >= cut).to_numpy()
    blocks = dues.assign(
        period_block=np.where(after_rows, "after", "before"),
        cohort_block=np.where(is_new, np.where(version_new, "policy", "vintage"), "existing"),
    )
    stage = blocks[~after_rows] if (~after_rows).any() else blocks
    _, who = rake(
        stage,
        ("seq", "province", "product"),
        neutral={"product": set(dues.loc[version_new, "product"].astype(str))},
    )
    offset = np.ones(len(blocks))
    for column in ("province", "product"):
        offset = offset * blocks[column].map(who[column]).fillna(1.0).to_numpy(float)
    overall, factors = rake(blocks, ("seq", "period_block", "cohort_block"), offset=offset)
    p = np.clip(offset * apply_factors(blocks, overall, factors), 1e-9, 1 - 1e-9)
    y = blocks["entered"].to_numpy(float)
    deviance = float(-2 * (y * np.log(p) + (1 - y) * np.log(1 - p)).sum())
    return blocks, offset, overall, factors, deviance
