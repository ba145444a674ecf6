"""Out-of-time validation: fit on the applications before a date, judge on the ones after it.

Cross-validation mixes every period into every fold, so it says how well a model ranks the
book it was built on; a model goes live on later applications, after prices, products, the
economy and the applicants have moved. Out-of-time validation (Siddiqi, *Credit Risk
Scorecards*, ch. 6; the OCC's *Model Risk Management* handbook) fits on the rows whose time is
before ``cut`` and measures on the rows from ``cut`` on: the discrimination that is left
(AUC, KS, Gini), the calibration (Brier, ECE: a PD fitted on an older, better book is too
low), and the drift between the two samples (PSI of the score, CSI of every feature, as in
:mod:`fairdebt.risk.monitoring`), and, with ``period``, the AUC and bad rate month by month
after the cut.

The time column is the row's observation or application time, as dates (any format pandas
reads) or as numbers (a month index, a vintage number); the cut is read the same way. The time
column itself is never a feature.

>>> split_by_time(pd.Series(["2024-01-05", "2024-03-01", "2024-02-10"]), "2024-02-01").tolist()
[False, True, True]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from fairdebt.errors import InputError
from fairdebt.risk.monitoring import monitor
from fairdebt.risk.validation import metrics, model_pd

__all__ = ["out_of_time", "split_by_time"]


def _as_times(values: pd.Series, cut: Any, column: str) -> tuple[pd.Series, Any]:
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all():
        try:
            return numbers, float(cut)
        except (TypeError, ValueError):
            raise InputError(
                f"the time column holds numbers, so the cut must be a number (got {cut!r})",
                field="cut",
            ) from None
    dates = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = dates.isna() & values.notna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"row {first + 1}: {values.iloc[first]!r} is neither a date nor a number",
            field=column,
        )
    if dates.isna().any():
        first = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise InputError(f"row {first + 1}: the time is missing", field=column)
    try:
        when = pd.Timestamp(cut)
    except (TypeError, ValueError):
        raise InputError(f"must be a date (got {cut!r})", field="cut") from None
    if dates.dt.tz is not None and when.tzinfo is None:
        when = when.tz_localize(dates.dt.tz)
    return dates, when


def split_by_time(times: pd.Series, cut: Any, *, column: str = "time") -> pd.Series:
    """True for the rows at or after ``cut`` (the out-of-time sample), False before it."""
    values, when = _as_times(times.reset_index(drop=True), cut, column)
    return pd.Series(np.asarray(values >= when), name="is_out_of_time")


def _periods(
    y: np.ndarray, pd_bad: np.ndarray, times: pd.Series, period: str
) -> list[dict[str, Any]]:
    if not pd.api.types.is_datetime64_any_dtype(times):
        keys = times.to_numpy()
    else:
        keys = times.dt.tz_localize(None).dt.to_period(period).astype(str).to_numpy()
    rows = []
    for key in pd.unique(keys):
        at = keys == key
        target = y[at]
        both = 0 < target.sum() < len(target)
        rows.append(
            {
                "period": str(key),
                "n": int(at.sum()),
                "bad_rate": float(target.mean()),
                "mean_pd": float(pd_bad[at].mean()),
                "auc": metrics(target, pd_bad[at])["auc"] if both else None,
            }
        )
    return sorted(rows, key=lambda row: row["period"])


def out_of_time(
    model: Any,
    X: pd.DataFrame,
    y: np.ndarray,
    times: pd.Series,
    *,
    cut: Any,
    period: str | None = "M",
    min_per_class: int = 1,
) -> dict[str, Any]:
    """Fit a clone of ``model`` before ``cut``, measure it from ``cut`` on (JSON-ready dict).

    ``X`` must not hold the time column. Returns the cut, both samples' metrics
    (``development`` in-sample, ``out_of_time``), the AUC drop, the score PSI and its status,
    the CSI of every feature, the alerts and, with ``period`` (a pandas period code such as
    ``"M"``; ignored for numeric times, which group by value), the out-of-time sample period
    by period. The fitted model is under ``"model"``.
    """
    times = times.reset_index(drop=True)
    X = X.reset_index(drop=True)
    y = np.asarray(y, dtype=np.int64)
    later = split_by_time(times, cut, column=str(times.name or "time")).to_numpy()
    for name, rows in (("before", ~later), ("from", later)):
        target = y[rows]
        fewest = int(min(target.sum(), len(target) - target.sum())) if len(target) else 0
        if fewest < min_per_class:
            raise InputError(
                f"{int(rows.sum())} rows {name} the cut {cut}, {fewest} of the rarer class; "
                f"need at least {min_per_class} of each / 切分点"
                f"{'前' if name == 'before' else '后'}样本不足",
                field="cut",
            )
    fitted = clone(model).fit(X[~later], y[~later])
    pd_dev = model_pd(fitted, X[~later])
    pd_oot = model_pd(fitted, X[later])
    development = metrics(y[~later], pd_dev)
    held = metrics(y[later], pd_oot)
    drift = monitor(fitted, X[~later].reset_index(drop=True), X[later].reset_index(drop=True))
    result: dict[str, Any] = {
        "cut": str(cut),
        "development": development,
        "out_of_time": held,
        "auc_drop": float(development["auc"] - held["auc"]),
        "score_psi": drift["score_psi"],
        "score_status": drift["score_status"],
        "csi": drift["csi"].to_dict(orient="records"),
        "alerts": drift["alerts"],
        "model": fitted,
    }
    if period is not None:
        values, _ = _as_times(times, cut, str(times.name or "time"))
        result["periods"] = _periods(y[later], pd_oot, values[later].reset_index(drop=True), period)
    return result
