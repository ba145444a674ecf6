"""The published baseline: Adtributor (Bhagwan et al., NSDI 2014), one dimension at a time.

For each dimension, elements are taken in order of *surprise* (Jensen-Shannon divergence between
the forecast and the actual share of the element) among those whose *explanatory power* (share
of the change) exceeds ``teep``, until together they explain ``tep`` of the change; the ``k``
dimensions whose sets are most surprising are returned. Ratio measures use the paper's derived
explanatory power and the sum of the numerator's and the denominator's surprise. Thresholds
default to the paper's (``teep`` 0.1, ``tep`` 0.67, ``k`` 3). Adtributor only ever names
single-dimension elements, which is why it misses causes that fix two dimensions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from fairdebt.errors import InputError
from fairdebt.explain.localize import Cause, _surprise

__all__ = ["adtributor"]


def adtributor(
    frame: pd.DataFrame,
    *,
    dims: Sequence[str],
    actual: str | None = None,
    expected: str | None = None,
    numerator_actual: str | None = None,
    numerator_expected: str | None = None,
    denominator_actual: str | None = None,
    denominator_expected: str | None = None,
    teep: float = 0.1,
    tep: float = 0.67,
    k: int = 3,
) -> list[Cause]:
    """Adtributor's causes, most surprising dimension first (each a one-dimension element)."""
    ratio = actual is None
    columns = (
        [numerator_actual, numerator_expected, denominator_actual, denominator_expected]
        if ratio
        else [actual, expected]
    )
    if any(c is None for c in columns):
        raise InputError("give an additive pair or all four ratio columns", field="--actual")
    cols = [str(c) for c in columns]
    data = frame[[*dims, *cols]].copy()
    data[list(dims)] = data[list(dims)].astype(str)
    totals = data[cols].sum()
    found: list[tuple[float, list[Cause]]] = []
    for dim in dims:
        g = data.groupby(dim, sort=False)[cols].sum()
        if ratio:
            na, nf, da, df = (g[c].to_numpy(float) for c in cols)
            fa, fb = float(totals[cols[1]]), float(totals[cols[3]])
            ep = ((na - nf) * fb - (da - df) * fa) / (fb * (fb + da - df))
            total_ep = ep.sum()
            ep = ep / total_ep if total_ep else ep * 0
            surprise = _surprise(na, nf, float(totals[cols[0]]), fa) + _surprise(
                da, df, float(totals[cols[2]]), fb
            )
        else:
            a, f = g[cols[0]].to_numpy(float), g[cols[1]].to_numpy(float)
            change = float(totals[cols[0]] - totals[cols[1]])
            ep = (a - f) / change if change else np.zeros_like(a)
            surprise = _surprise(a, f, float(totals[cols[0]]), float(totals[cols[1]]))
        order = np.argsort(-surprise, kind="stable")
        chosen: list[Cause] = []
        explained = 0.0
        total_surprise = 0.0
        for j in order:
            if ep[j] <= teep:
                continue
            chosen.append(
                Cause(
                    element=((dim, str(g.index[j])),),
                    explanatory_power=float(ep[j]),
                    surprise=float(surprise[j]),
                    score=float(surprise[j]),
                )
            )
            explained += float(ep[j])
            total_surprise += float(surprise[j])
            if explained > tep:
                found.append((total_surprise, chosen))
                break
    found.sort(key=lambda item: -item[0])
    return [cause for _, causes in found[:k] for cause in causes]
