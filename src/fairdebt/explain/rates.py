"""Baseline rates of the book's dues: main-effect factors by raking or by a Poisson fit.

``rake`` fits relative risks of a few columns (age, province, product, blocks of time or
cohorts) to principal-weighted entry rates by iterative proportional fitting, each value shrunk
toward 1 by PRIOR_EVENTS expected entries; ``apply_factors`` prices dues with them (an age
never seen takes the oldest age seen); ``expected_rates`` is the reference regime the explainer
measures against. ``poisson_fit`` fits the same log-linear model to counts by Newton's
method, with the covariance of its log factors, for the age-period-cohort fit of
:mod:`.cohorts` where raking converges too slowly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "PRIOR_EVENTS",
    "PoissonFit",
    "apply_factors",
    "expected_rates",
    "poisson_fit",
    "rake",
]

PRIOR_EVENTS = 10.0


def rake(
    frame: pd.DataFrame,
    columns: tuple[str, ...],
    *,
    iterations: int = 6,
    neutral: dict[str, set[str]] | None = None,
    offset: np.ndarray | None = None,
) -> tuple[float, dict[str, pd.Series]]:
    """Main-effect relative risks of ``columns`` on principal-weighted rates (raking).

    A Poisson log-linear model fitted by iterative proportional fitting: each factor in turn is
    observed over expected within its values. Each value is shrunk toward 1 by PRIOR_EVENTS
    expected entries' worth of evidence (a gamma prior, credibility-style): a province with 40
    dues and no entry is not declared riskless. Values in ``neutral[column]`` keep factor 1
    (a product version first sold with a block of cohorts must not absorb that block's move).
    """
    w = frame["principal"].to_numpy(float)
    y = frame["entered"].to_numpy(float) * w
    known = np.ones(len(frame)) if offset is None else offset
    overall = y.sum() / (w * known).sum() if (w * known).sum() else 0.0
    prior = PRIOR_EVENTS * (w.mean() if len(w) else 0.0) * max(overall, 1e-6)
    factors: dict[str, pd.Series] = {}
    fitted = overall * known
    for _ in range(iterations):
        for column in columns:
            current = factors.get(column)
            keys = frame[column].to_numpy()
            base = fitted / (
                frame[column].map(current).to_numpy(float) if current is not None else 1.0
            )
            g = pd.DataFrame({"k": keys, "y": y, "e": base * w}).groupby("k").sum()
            factor = (g["y"] + prior) / (g["e"] + prior)
            fixed = [k for k in (neutral or {}).get(column, ()) if k in factor.index]
            factor[fixed] = 1.0
            factors[column] = factor
            fitted = base * frame[column].map(factors[column]).to_numpy(float)
    return overall, factors


def apply_factors(frame: pd.DataFrame, overall: float, factors: dict[str, pd.Series]) -> np.ndarray:
    """Rates of ``frame``'s dues under fitted factors; an unseen value gets 1, an unseen age
    the oldest age seen (a young book's curve is carried forward, not reset to the average)."""
    rate = np.full(len(frame), overall)
    for column, factor in factors.items():
        if column == "seq" and len(factor):
            ages = np.union1d(factor.index.to_numpy(), frame[column].unique())
            factor = factor.reindex(ages).ffill().bfill()
        rate = rate * frame[column].map(factor).fillna(1.0).to_numpy(float)
    clipped: np.ndarray = np.clip(rate, 0.0, 1.0)
    return clipped


def expected_rates(before: pd.DataFrame, after: pd.DataFrame) -> np.ndarray:
    """Each ``after`` due's rate under the ``before`` regime: age curve × province × product."""
    overall, factors = rake(before, ("seq", "province", "product"))
    return apply_factors(after, overall, factors)


@dataclass(frozen=True, slots=True)
class PoissonFit:
    """Log factors of each column's values and their covariance (inverse of the information)."""

    factors: dict[str, pd.Series]
    index: dict[str, pd.Series]  # each column's values → their position in ``covariance``
    covariance: np.ndarray


def poisson_fit(frame: pd.DataFrame, columns: tuple[str, ...], *, prior: float = 1.0) -> PoissonFit:
    """Main-effect rate factors of ``columns`` by a Poisson log-linear fit (Newton's method).

    ``frame`` has the counts ``o`` and the exposures ``n``; it is first summed into the cells
    of ``columns``. Each log factor has a weak normal prior of precision ``prior`` around 0,
    enough to make the one-hot design identifiable: a strong one would split a move between
    an age seen only after it and the period (the penalty prefers two halves to one whole).
    Raking converges slowly when factors are as correlated as months and cohort blocks are
    (60 sweeps to settle on a synthetic book); Newton's method converges in a few steps.
    """
    cells = frame.groupby(list(columns), sort=False)[["o", "n"]].sum().reset_index()
    codes, levels = [], []
    for column in columns:
        code, values = pd.factorize(cells[column])
        codes.append(code)
        levels.append(values)
    sizes = [len(v) for v in levels]
    starts = np.cumsum([0, *sizes])
    x = np.zeros((len(cells), starts[-1]))
    rows = np.arange(len(cells))
    for k, code in enumerate(codes):
        x[rows, starts[k] + code] = 1.0
    o, n = cells["o"].to_numpy(float), cells["n"].to_numpy(float)
    intercept = float(np.log(max(o.sum(), 0.5) / n.sum()))
    beta = np.zeros(x.shape[1])
    for _ in range(50):
        mu = n * np.exp(np.clip(intercept + x @ beta, -30, 30))
        gradient = x.T @ (o - mu) - prior * beta
        hessian = (x.T * mu) @ x + prior * np.eye(len(beta))
        step = np.linalg.solve(hessian, gradient)
        beta += step
        # The intercept keeps the fitted total equal to the observed one.
        intercept += float(np.log(max(o.sum(), 0.5) / max((mu * np.exp(x @ step)).sum(), 1e-12)))
        if np.abs(step).max() < 1e-7:
            break
    # The covariance of the log factors at the fit: contrasts between correlated factors
    # (months and the age curve among the same cohorts) get their real standard error.
    mu = n * np.exp(np.clip(intercept + x @ beta, -30, 30))
    covariance = np.linalg.inv((x.T * mu) @ x + prior * np.eye(len(beta)))
    return PoissonFit(
        factors={
            column: pd.Series(np.exp(beta[starts[k] : starts[k + 1]]), index=levels[k])
            for k, column in enumerate(columns)
        },
        index={
            column: pd.Series(np.arange(starts[k], starts[k + 1]), index=levels[k])
            for k, column in enumerate(columns)
        },
        covariance=covariance,
    )
