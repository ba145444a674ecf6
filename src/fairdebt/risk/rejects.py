"""Reject inference: a model for every applicant, not only the ones a past policy accepted.

An application model learns from accepted applicants only, since only they have an outcome.
The rejected ones differ (that is why they were rejected), so a model fitted on the accepted
book alone is biased where the new policy will decide: near and below the old cut-off. Reject
inference gives the rejects an inferred outcome and refits on both (Siddiqi, *Credit Risk
Scorecards*, ch. 6; Anderson, *The Credit Scoring Toolkit*, ch. 8). Two standard methods:

- **parcel** (parcelling): the accepted-only model scores every applicant; its PD cuts the
  accepted rows into ``bands`` equal-sized score bands; a reject in a band is bad with the
  band's observed accepted bad rate times ``uplift`` (capped at 1), drawn at random with the
  seed. ``uplift`` above 1 says what credit officers usually know: at the same score a rejected
  applicant is worse than an accepted one (the reasons for rejection are information the model
  did not see).
- **hard-cutoff** (simple augmentation): the rejects with the highest PD are bad, as many as
  ``uplift`` times the sum of their PDs (the expected number of bads), the rest good.

The refitted model is the one to use; the accepted-only model (the "known good-bad" model) is
kept to compare. Fuzzy augmentation (each reject twice, weighted by its PD) needs sample
weights that fairdebt's models do not take; parcelling is its randomised equivalent.

>>> pd_reject = np.array([0.1, 0.5, 0.9, 0.3])
>>> hard_cutoff_labels(pd_reject, uplift=1.0).tolist()
[0, 1, 1, 0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from fairdebt.errors import InputError
from fairdebt.risk.validation import metrics, model_pd

__all__ = ["METHODS", "RejectInference", "hard_cutoff_labels", "infer_rejects", "parcel_labels"]

#: The reject-inference methods, by name.
METHODS = ("parcel", "hard-cutoff")


@dataclass
class RejectInference:
    """What :func:`infer_rejects` found: both models, the inferred labels and the bands."""

    known_model: Any
    model: Any
    method: str
    pd_rejected: np.ndarray
    y_rejected: np.ndarray
    bands: pd.DataFrame
    summary: dict[str, Any]


def _bands(pd_accepted: np.ndarray, bands: int) -> np.ndarray:
    """Inner cut points of ``bands`` equal-sized PD bands of the accepted rows."""
    cuts = np.quantile(pd_accepted, np.linspace(0, 1, bands + 1)[1:-1])
    return np.asarray(np.unique(cuts), dtype=float)


def parcel_labels(
    pd_accepted: np.ndarray,
    y_accepted: np.ndarray,
    pd_rejected: np.ndarray,
    *,
    bands: int = 10,
    uplift: float = 1.0,
    random_state: int = 0,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Parcelling: inferred 0/1 labels of the rejects and the band table (see the docstring).

    >>> acc = np.linspace(0.01, 0.5, 100)
    >>> y = (acc > 0.3).astype(int)
    >>> labels, table = parcel_labels(acc, y, np.array([0.02, 0.45, 0.49]), bands=2)
    >>> labels.tolist(), table["accepted_bad_rate"].round(2).tolist()
    ([0, 1, 1], [0.0, 0.82])
    """
    cuts = _bands(pd_accepted, bands)
    band_acc = np.searchsorted(cuts, pd_accepted, side="right")
    band_rej = np.searchsorted(cuts, pd_rejected, side="right")
    n = len(cuts) + 1
    acc_n = np.bincount(band_acc, minlength=n)
    acc_bad = np.bincount(band_acc, weights=y_accepted, minlength=n)
    rate = np.divide(acc_bad, acc_n, out=np.zeros(n), where=acc_n > 0)
    reject_rate = np.clip(rate * uplift, 0.0, 1.0)
    draws = np.random.default_rng(random_state).uniform(size=len(pd_rejected))
    labels = (draws < reject_rate[band_rej]).astype(np.int64)
    edges = np.r_[0.0, cuts, 1.0]
    table = pd.DataFrame(
        {
            "band": np.arange(1, n + 1),
            "pd_from": edges[:-1],
            "pd_to": edges[1:],
            "accepted_n": acc_n,
            "accepted_bad_rate": rate,
            "rejected_n": np.bincount(band_rej, minlength=n),
            "rejected_bad_rate": reject_rate,
            "rejected_bads": np.bincount(band_rej, weights=labels, minlength=n).astype(int),
        }
    )
    return labels, table


def hard_cutoff_labels(pd_rejected: np.ndarray, *, uplift: float = 1.0) -> np.ndarray:
    """Hard cut-off: the ``round(uplift * sum(pd))`` rejects of highest PD are bad."""
    bads = int(np.clip(round(float(uplift * pd_rejected.sum())), 0, len(pd_rejected)))
    labels = np.zeros(len(pd_rejected), dtype=np.int64)
    if bads:
        worst = np.argsort(-pd_rejected, kind="mergesort")[:bads]
        labels[worst] = 1
    return labels


def infer_rejects(
    model: Any,
    X_accepted: pd.DataFrame,
    y_accepted: np.ndarray,
    X_rejected: pd.DataFrame,
    *,
    method: str = "parcel",
    bands: int = 10,
    uplift: float = 1.0,
    random_state: int = 0,
) -> RejectInference:
    """Fit ``model`` (cloned) on the accepted rows, infer the rejects' outcomes, refit on both.

    ``y_accepted`` is 0/1 (1 = bad). Columns of ``X_rejected`` must include those of
    ``X_accepted``; extra ones are ignored.
    """
    if method not in METHODS:
        raise InputError(f"must be one of {', '.join(METHODS)} (got {method!r})", field="method")
    if not np.isfinite(uplift) or uplift <= 0:
        raise InputError(f"must be a positive number (got {uplift})", field="uplift")
    if bands < 2:
        raise InputError(f"must be at least 2 (got {bands})", field="bands")
    missing = [c for c in X_accepted.columns if c not in X_rejected.columns]
    if missing:
        raise InputError(
            f"the rejected applicants lack columns of the accepted ones: {missing[:10]}",
            field=str(missing[0]),
        )
    if len(X_rejected) == 0:
        raise InputError("no rejected applicants to infer", field="rejected")
    X_rejected = X_rejected[list(X_accepted.columns)]
    y_accepted = np.asarray(y_accepted, dtype=np.int64)
    known = clone(model).fit(X_accepted, y_accepted)
    pd_accepted = model_pd(known, X_accepted)
    pd_rejected = model_pd(known, X_rejected)
    if method == "parcel":
        labels, table = parcel_labels(
            pd_accepted,
            y_accepted,
            pd_rejected,
            bands=bands,
            uplift=uplift,
            random_state=random_state,
        )
    else:
        labels = hard_cutoff_labels(pd_rejected, uplift=uplift)
        _, table = parcel_labels(pd_accepted, y_accepted, pd_rejected, bands=bands)
        band = table["band"].to_numpy()
        cuts = table["pd_from"].to_numpy()[1:]
        where = np.searchsorted(cuts, pd_rejected, side="right")
        table["rejected_bads"] = np.bincount(where, weights=labels, minlength=len(band)).astype(int)
        table["rejected_bad_rate"] = np.divide(
            table["rejected_bads"].to_numpy(dtype=float),
            table["rejected_n"].to_numpy(dtype=float),
            out=np.zeros(len(band)),
            where=table["rejected_n"].to_numpy() > 0,
        )
    X_all = pd.concat([X_accepted, X_rejected], ignore_index=True)
    y_all = np.r_[y_accepted, labels]
    augmented = clone(model).fit(X_all, y_all)
    known_on_accepted = metrics(y_accepted, pd_accepted)
    augmented_on_accepted = metrics(y_accepted, model_pd(augmented, X_accepted))
    summary = {
        "method": method,
        "uplift": float(uplift),
        "n_accepted": len(y_accepted),
        "n_rejected": len(labels),
        "accepted_bad_rate": float(y_accepted.mean()),
        "rejected_mean_pd": float(pd_rejected.mean()),
        "rejected_inferred_bad_rate": float(labels.mean()),
        "known_model_auc_accepted": known_on_accepted["auc"],
        "model_auc_accepted": augmented_on_accepted["auc"],
        "model_mean_pd_rejected": float(model_pd(augmented, X_rejected).mean()),
    }
    return RejectInference(
        known_model=known,
        model=augmented,
        method=method,
        pd_rejected=pd_rejected,
        y_rejected=labels,
        bands=table,
        summary=summary,
    )
