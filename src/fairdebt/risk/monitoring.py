"""Monitoring of a risk model between two samples: has the score or any feature drifted?

The population stability index compares the distribution of one variable in an expected sample
(usually the development sample) with an actual one (this month's applications or accounts)::

    PSI = sum over bins (a_i - e_i) * ln(a_i / e_i)

where ``e_i`` and ``a_i`` are the shares of each sample in bin ``i``. Computed on the score it is
the PSI; on a feature it is called the characteristic stability index (CSI). Bins are the
model's own bins when it exposes them, otherwise deciles of the expected sample for numbers and
the categories themselves for labels; missing values always have their own bin. A share of zero
is floored at ``eps`` (1e-4) so an empty bin gives a large but finite index. The usual reading,
kept as parameters: below 0.10 stable, 0.10 to 0.25 watch, above 0.25 alert.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas
from numpy.typing import ArrayLike, NDArray

from fairdebt.errors import InputError
from fairdebt.risk.validation import model_score

__all__ = [
    "ALERT",
    "WATCH",
    "csi_table",
    "feature_tables",
    "model_features",
    "monitor",
    "psi",
    "psi_table",
    "stability_status",
]

#: Default thresholds of the stability index (the industry's rule of thumb).
WATCH = 0.10
ALERT = 0.25
#: Categories beyond this many (by expected frequency) are pooled as "(other)".
MAX_CATEGORIES = 20
_MISSING = "(missing)"
_OTHER = "(other)"


def stability_status(value: float, *, watch: float = WATCH, alert: float = ALERT) -> str:
    """Read a PSI or CSI: ``"stable"`` below ``watch``, ``"alert"`` above ``alert``, else watch.

    Examples
    --------
    >>> [stability_status(v) for v in (0.05, 0.10, 0.25, 0.3)]
    ['stable', 'watch', 'watch', 'alert']
    """
    if not 0 <= watch <= alert:
        raise InputError(
            f"thresholds must satisfy 0 <= watch <= alert (got watch={watch}, alert={alert})",
            field="watch",
        )
    if value > alert:
        return "alert"
    return "watch" if value >= watch else "stable"


def _is_numeric(values: pandas.Series) -> bool:
    return bool(
        pandas.api.types.is_numeric_dtype(values) and not pandas.api.types.is_bool_dtype(values)
    )


def _interval_labels(edges: NDArray[np.float64]) -> list[str]:
    bounds = [-np.inf, *edges.tolist(), np.inf]
    return [f"[{lo:.6g}, {hi:.6g})" for lo, hi in itertools.pairwise(bounds)]


def _numeric_counts(
    expected: pandas.Series, actual: pandas.Series, bins: int | Sequence[float]
) -> tuple[pandas.Series, pandas.Series, list[str]]:
    # na_value: nullable integer columns (Int64 with pd.NA) would refuse a plain float cast
    e = pandas.to_numeric(expected).to_numpy(dtype=float, na_value=np.nan)
    a = pandas.to_numeric(actual).to_numpy(dtype=float, na_value=np.nan)
    if isinstance(bins, int):
        if bins < 1:
            raise InputError(f"bins must be at least 1 (got {bins})", field="bins")
        present = e[~np.isnan(e)]
        quantiles = np.linspace(0.0, 1.0, bins + 1)[1:-1]
        edges = np.unique(np.quantile(present, quantiles)) if len(present) else np.array([])
    else:
        edges = np.unique(np.asarray(bins, dtype=float))
        edges = edges[np.isfinite(edges)]
    labels = [*_interval_labels(edges), _MISSING]

    def count(values: NDArray[np.float64]) -> pandas.Series:
        index = np.searchsorted(edges, values, side="right")
        index[np.isnan(values)] = len(labels) - 1
        return pandas.Series(np.bincount(index, minlength=len(labels)), index=labels)

    return count(e), count(a), labels


def _category_counts(
    expected: pandas.Series, actual: pandas.Series
) -> tuple[pandas.Series, pandas.Series, list[str]]:
    """Counts per category (as text), counted before relabelling so no row becomes a string."""

    def count(values: pandas.Series) -> pandas.Series:
        counts = values.value_counts(dropna=False)
        labels = [_MISSING if pandas.isna(key) else str(key) for key in counts.index]
        return counts.groupby(labels, sort=False).sum()

    e, a = count(expected), count(actual)
    kept = e.sort_values(ascending=False, kind="mergesort").index[:MAX_CATEGORIES].tolist()

    def pool(counts: pandas.Series) -> pandas.Series:
        labels = [key if key in kept else _OTHER for key in counts.index]
        return counts.groupby(labels, sort=False).sum()

    return pool(e), pool(a), [*kept, _OTHER]


def psi_table(
    expected: ArrayLike | pandas.Series,
    actual: ArrayLike | pandas.Series,
    bins: int | Sequence[float] = 10,
    *,
    eps: float = 1e-4,
) -> pandas.DataFrame:
    """Bin by bin comparison of two samples: counts, shares and each bin's PSI contribution.

    ``bins`` is a number of quantile bins of the expected sample or a sequence of cut points
    (used for numbers only; labels are compared category by category, the
    ``MAX_CATEGORIES`` most frequent in the expected sample kept and the rest pooled as
    "(other)"). Empty bins on both sides are dropped.

    Examples
    --------
    >>> t = psi_table([1, 2, 3, 4], [1, 1, 3, 4], bins=[2.5])
    >>> t[["bin", "expected_n", "actual_n"]].values.tolist()
    [['[-inf, 2.5)', 2, 2], ['[2.5, inf)', 2, 2]]
    """
    e_series = expected if isinstance(expected, pandas.Series) else pandas.Series(expected)
    a_series = actual if isinstance(actual, pandas.Series) else pandas.Series(actual)
    if len(e_series) == 0 or len(a_series) == 0:
        raise InputError("both samples must have at least one row", field="sample")
    if _is_numeric(e_series) and _is_numeric(a_series):
        e_counts, a_counts, order = _numeric_counts(e_series, a_series, bins)
    else:
        e_counts, a_counts, order = _category_counts(e_series, a_series)
    return _compare(e_counts, a_counts, order, eps=eps)


def _compare(
    e_counts: pandas.Series, a_counts: pandas.Series, order: list[str], *, eps: float
) -> pandas.DataFrame:
    """The PSI table from counts per bin label; bins only the actual sample has come last."""
    extra = sorted(set(a_counts.index) - set(order))
    labels = [*order, *extra]
    table = pandas.DataFrame(
        {
            "bin": labels,
            "expected_n": e_counts.reindex(labels, fill_value=0).to_numpy(dtype=np.int64),
            "actual_n": a_counts.reindex(labels, fill_value=0).to_numpy(dtype=np.int64),
        }
    )
    table = table[(table["expected_n"] > 0) | (table["actual_n"] > 0)].reset_index(drop=True)
    table["expected_pct"] = table["expected_n"] / max(int(e_counts.sum()), 1)
    table["actual_pct"] = table["actual_n"] / max(int(a_counts.sum()), 1)
    e = np.maximum(table["expected_pct"].to_numpy(dtype=float), eps)
    a = np.maximum(table["actual_pct"].to_numpy(dtype=float), eps)
    table["psi"] = (a - e) * np.log(a / e)
    return table


def psi(
    expected: ArrayLike | pandas.Series,
    actual: ArrayLike | pandas.Series,
    bins: int | Sequence[float] = 10,
    *,
    eps: float = 1e-4,
) -> float:
    """Population stability index of ``actual`` against ``expected`` (see the module docstring).

    Examples
    --------
    >>> psi([1, 2, 3, 4], [1, 2, 3, 4])
    0.0
    >>> round(psi([1, 2, 3, 4], [1, 1, 1, 4], bins=[2.5]), 4)
    0.2747
    >>> round(psi(["a", "a", "b", "b"], ["a", "a", "a", "a"]), 2)  # "b" vanished: floored at eps
    4.6
    """
    return float(round(psi_table(expected, actual, bins, eps=eps)["psi"].sum(), 12))


def model_features(model: Any, X: pandas.DataFrame) -> list[str]:
    """The input columns a fitted model scores with.

    In order of preference: the keys of ``binning_tables_``; ``get_feature_names_out()`` when
    those names are all columns of ``X`` (the model's output names are its inputs, as for the
    fairdebt models); ``feature_names_in_``; the columns of ``X``.
    """
    tables = getattr(model, "binning_tables_", None)
    if tables:
        return [str(name) for name in tables]
    try:
        out = [str(name) for name in model.get_feature_names_out()]
    except (AttributeError, TypeError, ValueError):  # e.g. a Pipeline ending in a classifier
        out = []
    if out and set(out) <= {str(column) for column in X.columns}:
        return out
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        return [str(name) for name in names]
    return [str(name) for name in X.columns]


_Binned = dict[str, tuple[pandas.Series, list[str]]]


def _model_bins(model: Any, features: list[str], X: pandas.DataFrame) -> _Binned | None:
    """Per feature counts by bin label from the model's own transform (and bin order), or None.

    A model with ``binning_tables_`` and ``bin_labels`` (the fairdebt scorecard, whose points
    differ between segments) names each row's bin itself. Otherwise a model with
    ``binning_tables_`` and a ``transform`` that returns one column per feature
    (WOE or points: any value constant within a bin) bins both samples exactly as it scores
    them; each value is named back to its ``bin`` label through the table's ``woe`` or
    ``points`` column. Bins that share a value are one bin to the model, so they are pooled.
    """
    tables = getattr(model, "binning_tables_", None)
    labeller = getattr(model, "bin_labels", None)
    if tables and callable(labeller):  # the model names each row's bin itself
        labels = labeller(X)
        return {
            f: (labels[f].value_counts(sort=False), tables[f]["bin"].astype(str).tolist())
            for f in features
            if f in labels.columns and f in tables
        } or None
    if not tables or not hasattr(model, "transform"):
        return None
    out = model.transform(X)
    if not isinstance(out, pandas.DataFrame):
        names = getattr(model, "get_feature_names_out", lambda: features)()
        out = pandas.DataFrame(np.asarray(out), columns=[str(n) for n in names], index=X.index)
    binned: _Binned = {}
    for feature in features:
        for candidate in (feature, f"{feature}_woe", f"woe_{feature}"):
            if candidate in out.columns:
                named = _name_bins(out[candidate], tables[feature])
                if named is not None:
                    binned[feature] = named
                break
    return binned or None


def _bin_labels(table: pandas.DataFrame, column: str) -> dict[float, str]:
    """Value of ``column`` -> label of the bins that carry it (empty bins only if alone)."""
    keys = pandas.to_numeric(table[column], errors="coerce").round(9).to_numpy(dtype=float)
    labels = table["bin"].astype(str).to_numpy()
    filled = (
        pandas.to_numeric(table["count"], errors="coerce").fillna(0).to_numpy() > 0
        if "count" in table.columns
        else np.ones(len(table), dtype=bool)
    )
    pooled: dict[float, list[str]] = {}
    for key, label, has_rows in zip(keys, labels, filled, strict=True):  # a handful of bins
        if has_rows and not np.isnan(key):
            pooled.setdefault(float(key), []).append(label)
    for key, label, has_rows in zip(keys, labels, filled, strict=True):
        if not has_rows and not np.isnan(key):
            pooled.setdefault(float(key), [label])
    return {key: " | ".join(names) for key, names in pooled.items()}


def _name_bins(
    values: pandas.Series, table: pandas.DataFrame
) -> tuple[pandas.Series, list[str]] | None:
    """Counts per bin label of one transformed column, or None if its values are not the table's."""
    if "bin" not in table.columns:
        return None
    counts = pandas.to_numeric(values, errors="coerce").round(9).value_counts(dropna=False)
    for column in ("woe", "points"):
        if column not in table.columns:
            continue
        lookup = _bin_labels(table, column)
        if counts.index.isin(list(lookup)).all():
            named = counts.groupby([lookup[key] for key in counts.index], sort=False).sum()
            return named, list(dict.fromkeys(lookup.values()))
    return None


def _with_built(model: Any, X: pandas.DataFrame) -> pandas.DataFrame:
    """``X`` with the model's built feature columns appended, when it builds any."""
    builder = getattr(model, "builder_", None)
    names = list(getattr(builder, "built_names_", []) or [])
    if not names or not callable(getattr(model, "clean", None)):
        return X
    built = model.clean(X)[names]
    return pandas.concat([X, built.set_axis(X.index)], axis=1)


def _check_columns(features: list[str], frame: pandas.DataFrame, which: str) -> None:
    missing = [name for name in features if name not in frame.columns]
    if missing:
        raise InputError(
            f"the {which} sample lacks the model's feature columns {missing}", field=missing[0]
        )


def feature_tables(
    model: Any,
    X_expected: pandas.DataFrame,
    X_actual: pandas.DataFrame,
    *,
    bins: int = 10,
    eps: float = 1e-4,
) -> dict[str, tuple[pandas.DataFrame, str]]:
    """Per model feature, its bin by bin :func:`psi_table` and how it was binned.

    The binning reads ``model`` when the model's own bins were used (see the module
    docstring), ``quantile`` for deciles of the expected sample and ``category`` for labels.
    """
    e_model = _model_bins(model, model_features(model, X_expected), X_expected)
    a_model = _model_bins(model, model_features(model, X_actual), X_actual)
    # built features (history summaries, ratios) are read from the model's own columns
    X_expected, X_actual = _with_built(model, X_expected), _with_built(model, X_actual)
    features = model_features(model, X_expected)
    _check_columns(features, X_expected, "expected")
    _check_columns(features, X_actual, "actual")
    tables: dict[str, tuple[pandas.DataFrame, str]] = {}
    for feature in features:  # a loop over features, each one vectorised over the rows
        if e_model is not None and a_model is not None and feature in e_model.keys() & a_model:
            (e_bins, order), (a_bins, _) = e_model[feature], a_model[feature]
            tables[feature] = (_compare(e_bins, a_bins, order, eps=eps), "model")
        else:
            numeric = _is_numeric(X_expected[feature]) and _is_numeric(X_actual[feature])
            table = psi_table(X_expected[feature], X_actual[feature], bins, eps=eps)
            tables[feature] = (table, "quantile" if numeric else "category")
    return tables


def _csi_frame(
    tables: dict[str, tuple[pandas.DataFrame, str]], *, watch: float, alert: float
) -> pandas.DataFrame:
    rows = []
    for feature, (table, how) in tables.items():
        value = float(round(table["psi"].sum(), 12))
        status = stability_status(value, watch=watch, alert=alert)
        rows.append((feature, value, status, how, len(table)))
    frame = pandas.DataFrame(rows, columns=["feature", "csi", "status", "binning", "n_bins"])
    return frame.sort_values("csi", ascending=False, kind="mergesort").reset_index(drop=True)


def csi_table(
    model: Any,
    X_expected: pandas.DataFrame,
    X_actual: pandas.DataFrame,
    *,
    bins: int = 10,
    watch: float = WATCH,
    alert: float = ALERT,
    eps: float = 1e-4,
) -> pandas.DataFrame:
    """CSI of every model feature, highest first: feature, csi, status, binning, n_bins.

    ``binning`` says how the feature was cut (see :func:`feature_tables`); ``status`` reads
    the CSI against the thresholds (see :func:`stability_status`).
    """
    tables = feature_tables(model, X_expected, X_actual, bins=bins, eps=eps)
    return _csi_frame(tables, watch=watch, alert=alert)


def monitor(
    model: Any,
    X_expected: pandas.DataFrame,
    X_actual: pandas.DataFrame,
    *,
    bins: int = 10,
    watch: float = WATCH,
    alert: float = ALERT,
) -> dict[str, Any]:
    """Score PSI, CSI table and the list of alerts between two samples.

    Returns ``score_psi`` and ``score_status``, ``score_table`` (the score PSI bin by bin),
    ``csi`` (see :func:`csi_table`), ``feature_tables`` (each feature's bins), ``alerts`` (one
    dict per score or feature that is not stable: kind, name, value, status), the sample sizes
    and the thresholds used. Only the tables are DataFrames; everything else is JSON-ready.
    """
    e_score = model_score(model, X_expected)
    a_score = model_score(model, X_actual)
    score_table = psi_table(e_score, a_score, bins)
    score_psi = float(round(score_table["psi"].sum(), 12))
    score_status = stability_status(score_psi, watch=watch, alert=alert)
    tables = feature_tables(model, X_expected, X_actual, bins=bins)
    csi = _csi_frame(tables, watch=watch, alert=alert)
    alerts: list[dict[str, Any]] = []
    if score_status != "stable":
        alerts.append(
            {"kind": "score", "name": "score", "value": score_psi, "status": score_status}
        )
    for row in csi[csi["status"] != "stable"].itertuples(index=False):
        alerts.append(
            {"kind": "feature", "name": row.feature, "value": row.csi, "status": row.status}
        )
    return {
        "score_psi": score_psi,
        "score_status": score_status,
        "score_table": score_table,
        "csi": csi,
        "feature_tables": {name: table for name, (table, _) in tables.items()},
        "alerts": alerts,
        "n_expected": len(X_expected),
        "n_actual": len(X_actual),
        "thresholds": {"watch": watch, "alert": alert},
    }
