"""Off-policy evaluation: a new policy's value judged on old logs, with a confidence interval.

Given logged rows (the logged action, its propensity under the logging policy, the outcome)
and the action a target policy would have taken on each row, two estimators of the target's
mean outcome per decision:

- **IPS** (inverse propensity scoring): the mean of ``1{a = π(x)} / p · y``. Unbiased when
  every propensity is right and positive where the target acts.
- **DR** (doubly robust): the outcome model's prediction for the target's action plus the IPS
  correction of its error, ``q(x, π(x)) + 1{a = π(x)} / p · (y − q(x, a))``. Unbiased when
  either the propensities or the outcome model are right, and of lower variance than IPS.

Intervals are normal (CLT) over clusters (a borrower's or loan's rows are not independent:
pass ``cluster``), which the simulation test checks for coverage. The logged action is the
one the propensity belongs to: the hold-out's "none", the exploration cell's draw, or the
policy's proposal; the gate and capacity are part of the world both policies meet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Estimate", "dr", "ips"]

FloatArray = NDArray[np.float64]
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    """A policy value (mean outcome per decision) with its 95 % interval."""

    method: str
    value: float
    low: float
    high: float
    rows: int
    matched: int

    def as_json(self) -> dict[str, object]:
        return {
            "method": self.method,
            "value": round(self.value, 4),
            "ci95": [round(self.low, 4), round(self.high, 4)],
            "rows": self.rows,
            "matched": self.matched,
        }


def _interval(
    method: str, terms: FloatArray, cluster: NDArray[np.int64] | None, matched: int
) -> Estimate:
    n = len(terms)
    value = float(terms.mean()) if n else 0.0
    if n < 2:
        return Estimate(method, value, value, value, n, matched)
    if cluster is None:
        se = float(terms.std(ddof=1) / np.sqrt(n))
    else:
        # Cluster-robust: the clusters' sums of centred terms are the independent units.
        _, inverse = np.unique(cluster, return_inverse=True)
        sums = np.bincount(inverse, weights=terms - value)
        g = len(sums)
        se = float(np.sqrt((sums**2).sum() * g / max(g - 1, 1)) / n)
    return Estimate(method, value, value - Z95 * se, value + Z95 * se, n, matched)


def ips(
    logged: NDArray[np.object_],
    propensity: FloatArray,
    outcome: FloatArray,
    target: NDArray[np.object_],
    *,
    cluster: NDArray[np.int64] | None = None,
) -> Estimate:
    """Inverse-propensity estimate of the target policy's mean outcome.

    >>> a = np.array(["x", "y", "x", "y"], dtype=object)
    >>> ips(a, np.full(4, 0.5), np.array([1.0, 0.0, 3.0, 0.0]), np.full(4, "x", object)).value
    2.0
    """
    match = logged == target
    terms = np.where(match, outcome / np.maximum(propensity, 1e-12), 0.0)
    return _interval("ips", terms, cluster, int(match.sum()))


def dr(
    logged: NDArray[np.object_],
    propensity: FloatArray,
    outcome: FloatArray,
    target: NDArray[np.object_],
    *,
    predicted_target: FloatArray,
    predicted_logged: FloatArray,
    cluster: NDArray[np.int64] | None = None,
) -> Estimate:
    """Doubly robust estimate: model prediction plus the inverse-propensity correction.

    >>> a = np.array(["x", "y"], dtype=object)
    >>> dr(a, np.full(2, 0.5), np.array([2.0, 0.0]), np.full(2, "x", object),
    ...    predicted_target=np.array([1.0, 1.0]), predicted_logged=np.array([1.0, 0.0])).value
    2.0
    """
    match = logged == target
    correction = np.where(match, (outcome - predicted_logged) / np.maximum(propensity, 1e-12), 0.0)
    return _interval("dr", predicted_target + correction, cluster, int(match.sum()))
