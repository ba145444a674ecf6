"""Did new product terms move the rate? A direct test on the product versions first sold late.

A policy change is a change concentrated in product versions that first appear near the change:
new terms. The test compares the dues of those versions with the same product's earlier
versions at the same age, and asks two questions, each a one-sided test scaled to counts:

1. **Worse than the old terms.** The reference is every due of the earlier versions that fell
   before the first new version was sold; a rate by age (the due's sequence number) times a
   relative risk by province and by product family (the new version's code less its suffix:
   ``SIM-EI-3M-G3`` belongs to ``SIM-EI-3M``), raked as in :mod:`.mechanism`. The new versions'
   entries are Poisson against that expectation: ``z = (O - E) / sqrt(E)``.
2. **Concentrated in the new terms.** Over the same weeks, the earlier versions' dues against
   the same reference give their own ratio; the new versions' log ratio must exceed it
   (``(ln(O_new/E_new) - ln(O_old/E_old)) / sqrt(1/O_new + 1/O_old)``), so a macro shock that
   happens to coincide with a launch is not taken for a change of terms.

Both at ``ALPHA`` one-sided (one hypothesis: the terms introduced together raised the rate).
No threshold here was fitted to a scenario; the level is the conventional 1 %.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

__all__ = ["ALPHA", "PolicyTest", "check_new_terms"]

ALPHA = 0.01


@dataclass(slots=True, frozen=True)
class PolicyTest:
    """The outcome of the new-terms test (``significant`` when both z pass ``ALPHA``)."""

    first_sold: dt.date
    versions: list[str]  # the new versions, by principal excess, largest first
    excess: dict[str, float]  # principal entering beyond expectation, by new version
    observed: float
    expected: float
    z_worse: float
    z_concentrated: float

    @property
    def significant(self) -> bool:
        critical = NormalDist().inv_cdf(1 - ALPHA)
        return self.z_worse > critical and self.z_concentrated > critical


def family(version: str, earlier: set[str]) -> str:
    """The earlier product a version belongs to: the longest earlier code it starts with."""
    owners = [code for code in earlier if version != code and version.startswith(code)]
    return max(owners, key=len) if owners else version


def check_new_terms(
    dues: pd.DataFrame, new_versions: set[str], *, since: pd.Timestamp | None = None
) -> PolicyTest | None:
    """Test whether ``new_versions`` (first sold after the reference cohorts) raised the rate.

    ``dues`` is the frame of :func:`fairdebt.explain.book.read_dues`. Returns None when there
    is nothing to test (no new version, or no earlier dues to compare with).
    """
    from fairdebt.explain.rates import apply_factors, rake

    product = dues["product"].astype(str)
    is_new = product.isin(new_versions).to_numpy()
    if not is_new.any() or is_new.all():
        return None
    first_sold = dues.loc[is_new, "disbursed_on"].min()
    earlier = set(product[~is_new])
    frame = dues.assign(family=product.map(lambda code: family(code, earlier)))
    reference = frame[~is_new & (frame["due_on"] < first_sold).to_numpy()]
    if reference.empty or reference["entered"].sum() == 0:
        return None
    overall, factors = rake(reference, ("seq", "province", "family"))
    expected = apply_factors(frame, overall, factors)
    start = first_sold if since is None else max(first_sold, since)
    # Only ages the reference has seen: an older age's rate would be extrapolated, and the
    # earlier versions are the only ones old enough to reach it.
    seen = frame["seq"].isin(reference["seq"].unique()).to_numpy()
    window = (frame["due_on"] >= start).to_numpy() & seen
    entered = frame["entered"].to_numpy(float)
    new_rows, old_rows = is_new & window, ~is_new & window
    o_new, e_new = entered[new_rows].sum(), expected[new_rows].sum()
    o_old, e_old = entered[old_rows].sum(), expected[old_rows].sum()
    z_worse = (o_new - e_new) / np.sqrt(e_new) if e_new > 0 else 0.0
    if o_new > 0 and o_old > 0 and e_new > 0 and e_old > 0:
        z_concentrated = (np.log(o_new / e_new) - np.log(o_old / e_old)) / np.sqrt(
            1 / o_new + 1 / o_old
        )
    else:  # no earlier version left to compare with over those weeks: the first test decides
        z_concentrated = z_worse if o_old == 0 else 0.0
    principal = frame["principal"].to_numpy(float)
    gap = pd.Series(((entered - expected) * principal)[new_rows], index=product[new_rows])
    by = gap.groupby(level=0).sum().sort_values(ascending=False)
    return PolicyTest(
        first_sold=pd.Timestamp(first_sold).date(),
        versions=[str(v) for v in by.index],
        excess={str(k): float(v) for k, v in by.items()},
        observed=float(o_new),
        expected=float(e_new),
        z_worse=float(z_worse),
        z_concentrated=float(z_concentrated),
    )
