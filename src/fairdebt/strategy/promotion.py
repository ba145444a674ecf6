"""Champion or challenger: an always-valid sequential test that may be looked at every day.

The challenger runs in randomised cells beside the champion. Each day (or each matched unit)
gives a paired difference, challenger minus champion, of recovery, contacts and complaints.
:func:`confidence_sequence` turns the running differences into a normal-mixture confidence
sequence (Robbins; Howard, Ramdas, McAuliffe & Sekhon 2021): with probability at least
1 − α the true mean difference lies inside the interval *at every day at once*, so peeking
daily and stopping when it is convenient does not inflate the error, as it would with a
fixed-sample t-test. :func:`decide` promotes when recovery is no worse than the tolerance and
contacts are lower, each by its sequence, while complaints are not surely higher; it stops
when recovery is surely lower or complaints surely higher; else the experiment continues.
Complaints are a guardrail, not a goal to prove: at a few per 10,000 accounts a month, proving
them lower would keep every experiment running for years, while a rise shows quickly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Sequence", "confidence_sequence", "decide"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Sequence:
    """Running mean differences and their always-valid (1 − α) bounds, one per step."""

    mean: FloatArray
    low: FloatArray
    high: FloatArray


def confidence_sequence(
    differences: ArrayLike, *, alpha: float = 0.05, rho: float | None = None
) -> Sequence:
    """The normal-mixture confidence sequence of the mean of ``differences``, step by step.

    The variance is the running sample variance (at least a small floor); ``rho`` tunes where
    the sequence is tightest (by default about 50 steps in).

    >>> s = confidence_sequence(np.r_[np.ones(50), -np.ones(50)] + 1.0)
    >>> bool(s.low[-1] < 1.0 < s.high[-1])
    True
    """
    x = np.asarray(differences, dtype=np.float64)
    t = np.arange(1, len(x) + 1, dtype=np.float64)
    total = np.cumsum(x)
    mean = total / t
    square = np.cumsum(x * x)
    variance = np.maximum((square - t * mean**2) / np.maximum(t - 1, 1), 1e-12)
    scale = float(variance[-1]) if len(x) else 1.0
    variance = np.where(t < 3, max(scale, 1e-12), variance)
    v = t * variance
    if rho is None:
        # Tightest near 50 steps' worth of variance, fixed by the first steps only (a rho
        # chosen from the whole run would let the future tune the past's bounds).
        head = x[: min(len(x), 10)]
        rho = max(float(head.var(ddof=1)) if len(head) > 1 else 1.0, 1e-12) * 50
    radius = np.sqrt((v + rho) * np.log((v + rho) / (rho * alpha**2))) / t
    return Sequence(mean=mean, low=mean - radius, high=mean + radius)


def decide(
    recovery: ArrayLike,
    contacts: ArrayLike,
    complaints: ArrayLike,
    *,
    tolerance: float = 0.0,
    alpha: float = 0.05,
) -> str:
    """``promote``, ``stop`` (recovery surely lower, or complaints surely higher) or
    ``continue``, on paired differences.

    ``tolerance`` is the recovery loss per unit accepted as "equal" (e.g. 1 % of the
    champion's mean recovery per unit).

    >>> rng = np.random.default_rng(0)
    >>> decide(rng.normal(0, 1, 400), rng.normal(-3, 1, 400), rng.normal(-0.2, 0.3, 400),
    ...        tolerance=0.5)
    'promote'
    """
    each = alpha / 3  # three sequences watched at once
    r = confidence_sequence(recovery, alpha=each)
    c = confidence_sequence(contacts, alpha=each)
    k = confidence_sequence(complaints, alpha=each)
    if r.high[-1] < -tolerance or k.low[-1] > 0:
        return "stop"
    if r.low[-1] > -tolerance and c.high[-1] < 0:
        return "promote"
    return "continue"
