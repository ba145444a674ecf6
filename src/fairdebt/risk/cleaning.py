"""Input cleaning for risk models: raw lender extracts go in, typed model columns come out.

A lender's extract arrives as text: categoricals as strings, percentages as ``"83.7%"``,
missing values as blanks, sentinel codes such as 96/98 in past-due counts, a row id, a column
that never varies. :class:`FrameCleaner` learns at fit time what every column is and applies
the same reading at score time, so models take raw frames with no hand preparation:

- numeric columns stay numeric; text columns whose every value is a number or a percentage are
  parsed (``"83.7%"`` becomes 0.837);
- other text columns are categorical (missing stays missing, never the string ``"nan"``);
- integer columns holding a far-out code such as 96, 98, 999 or -999 have it recorded as a
  *special value* (its own bin in a scorecard, missing in a GBM);
- identifier-like columns (a name such as ``id``/``*_id``/``Unnamed: 0`` or every value distinct
  in an integer or text column) and constant columns are not used as features; each gets a note
  in ``notes_`` naming the column and why.

Errors name the column and what was wrong. :func:`make_target` turns a label column into the
0/1 target ``y = (target == bad)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import Tags
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from fairdebt.errors import InputError

__all__ = [
    "SENTINEL_CANDIDATES",
    "FrameCleaner",
    "as_frame",
    "make_target",
    "read_input",
]

#: Codes that extracts use for "not applicable / refused / unknown" inside integer columns.
SENTINEL_CANDIDATES: tuple[int, ...] = (
    96,
    97,
    98,
    99,
    996,
    997,
    998,
    999,
    9996,
    9997,
    9998,
    9999,
    99999,
    999999,
    -99,
    -999,
    -9999,
    -99999,
)

_PERCENT = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*%\s*$")
_ID_NAME = re.compile(r"^(?i:unnamed:?\s*\d+|id|index|uuid|.*[_\s-](id|uuid|no))$|^.*[a-z](Id|ID)$")
_MIN_ROWS_FOR_ID = 50


def as_frame(X: Any) -> pd.DataFrame:
    """Return ``X`` as a DataFrame with string column names (``x0``, ``x1``... for arrays).

    >>> as_frame(np.array([[1.0, 2.0]])).columns.tolist()
    ['x0', 'x1']
    """
    if isinstance(X, pd.DataFrame):
        frame = X.copy()
        frame.columns = [str(c) for c in frame.columns]
        return frame
    array = check_array(X, dtype=None, ensure_all_finite="allow-nan", ensure_min_samples=1)
    return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])


def read_input(estimator: Any, X: Any, *, reset: bool) -> pd.DataFrame:
    """Check ``X`` the way scikit-learn does (names, width) and return it as a DataFrame.

    Arrays and frames without string column names get the columns ``x0``, ``x1``...; a frame
    passed to an estimator fitted on an array (or the reverse) is read by position, after
    scikit-learn's warning.
    """
    data = X
    if not isinstance(X, pd.DataFrame):
        data = check_array(X, dtype=None, ensure_all_finite="allow-nan")
    validate_data(estimator, data, reset=reset, skip_check_array=True)
    names = getattr(estimator, "feature_names_in_", None)
    if isinstance(X, pd.DataFrame):
        if X.shape[1] == 0:
            raise ValueError("0 feature(s) (shape=(n, 0)) while a minimum of 1 is required.")
        if len(X) == 0:
            raise ValueError(
                f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 is required."
            )
        if names is None:
            return X.set_axis([f"x{i}" for i in range(X.shape[1])], axis=1)
        return X.set_axis([str(c) for c in X.columns], axis=1)
    columns = [str(c) for c in names] if names is not None else None
    return as_frame(data) if columns is None else pd.DataFrame(data, columns=columns)


def numeric_values(
    X: pd.DataFrame, column: str, special_codes: Mapping[str, Sequence[float]]
) -> np.ndarray:
    """``X[column]`` as floats, with text and the column's special codes read as missing."""
    values = pd.to_numeric(X[column], errors="coerce").to_numpy(dtype=float)
    codes = special_codes.get(column)
    if codes:
        values = np.where(np.isin(values, list(codes)), np.nan, values)
    return np.asarray(values, dtype=float)


def make_target(values: Any, bad: Any, *, column: str = "target") -> np.ndarray:
    """Return the 0/1 target ``values == bad``; ``bad`` may be given as text (from a CLI).

    >>> make_target(pd.Series(["good", "bad", "good"]), "bad").tolist()
    [0, 1, 0]
    >>> make_target(pd.Series([0, 1, 1]), "1").tolist()
    [0, 1, 1]
    """
    series = pd.Series(values)
    if series.isna().any():
        raise InputError(
            f"the target has {int(series.isna().sum())} missing values; every row needs a label",
            field=column,
        )
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        try:
            bad_value: Any = float(bad)
        except (TypeError, ValueError):
            raise InputError(
                f"the bad value {bad!r} is not a number but the target is numeric", field=column
            ) from None
        is_bad = series.astype(float).to_numpy() == bad_value
    else:
        is_bad = series.astype(str).str.strip().to_numpy() == str(bad).strip()
    seen = sorted(map(str, series.unique()[:10]))
    if not is_bad.any():
        raise InputError(f"no row has the bad value {bad!r} (values seen: {seen})", field=column)
    if is_bad.all():
        raise InputError(f"every row has the bad value {bad!r}; nothing to contrast", field=column)
    return np.asarray(is_bad, dtype=np.int64)


def _text_kind(values: pd.Series) -> str:
    """Say whether non-null text values are all percentages, all numbers, or categories."""
    text = values.astype(str)
    if len(text) and text.str.match(_PERCENT).all():
        return "percent"
    if len(text) and pd.to_numeric(text.str.replace(",", ""), errors="coerce").notna().all():
        return "numeric"
    return "categorical"


def _find_sentinels(values: np.ndarray) -> list[float]:
    """Return the sentinel codes standing far apart from the rest of an integer column."""
    present = [code for code in SENTINEL_CANDIDATES if np.any(values == code)]
    if not present:
        return []
    rest = values[~np.isin(values, present)]
    if rest.size == 0:
        return []
    high = [c for c in present if c > 0 and rest.max() * 2 <= c]
    low = [c for c in present if c < 0 and rest.min() >= 0]
    return [float(c) for c in sorted(high + low)]


class FrameCleaner(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Learn the kind of every column of a raw frame and read frames the same way afterwards.

    Parameters
    ----------
    drop : columns the caller refuses as features (an unknown name is an error).
    special_codes : ``{column: [codes]}`` to fix special values by hand; ``None`` detects them.
    detect_ids : refuse identifier-like columns as features.

    >>> raw = pd.DataFrame({"util": ["10%", "83.7%", None], "city": ["A", "B", "A"]})
    >>> FrameCleaner().fit(raw).transform(raw)["util"].round(3).tolist()
    [0.1, 0.837, nan]
    """

    def __init__(
        self,
        drop: Sequence[str] = (),
        special_codes: Mapping[str, Sequence[float]] | None = None,
        detect_ids: bool = True,
    ) -> None:
        self.drop = drop
        self.special_codes = special_codes
        self.detect_ids = detect_ids

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        # transform returns a DataFrame with float and text columns
        tags.transformer_tags.preserves_dtype = []
        return tags

    def fit(self, X: Any, y: Any = None) -> FrameCleaner:
        """Learn the kind, categories and special codes of every column."""
        frame = read_input(self, X, reset=True)
        if len(frame) < 2:
            raise ValueError(f"n_samples = {len(frame)}: cleaning needs at least 2 rows")
        unknown = [c for c in self.drop if c not in frame.columns]
        if unknown:
            raise InputError(f"cannot drop {unknown}: no such column", field=str(unknown[0]))
        self.columns_in_: list[str] = list(frame.columns)
        self.kinds_: dict[str, str] = {}
        self.special_codes_: dict[str, list[float]] = {}
        self.id_columns_: list[str] = []
        self.notes_: list[str] = [f"{c}: dropped as asked (--drop)" for c in self.drop]
        for column in frame.columns:
            if column in self.drop:
                continue
            self._learn(column, frame[column])
        if not self.kinds_:
            raise ValueError(
                "no usable feature column is left after cleaning: " + "; ".join(self.notes_)
            )
        return self

    def _learn(self, column: str, values: pd.Series) -> None:
        nonnull = values.dropna()
        if nonnull.empty:
            self.notes_.append(f"{column}: dropped, every value is missing")
            return
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            kind = "numeric"
        else:
            kind = _text_kind(nonnull)
        parsed = self._read(column, kind, nonnull)
        distinct = parsed.nunique()
        if distinct <= 1 and len(nonnull) == len(values):
            self.notes_.append(f"{column}: dropped, it is constant (value {parsed.iloc[0]!r})")
            return
        if self.detect_ids and self._looks_like_id(column, kind, parsed, distinct, len(values)):
            self.id_columns_.append(column)
            self.notes_.append(
                f"{column}: refused as a feature, it looks like an identifier "
                f"({distinct} distinct values in {len(values)} rows); "
                "drop it with --drop to silence this note"
            )
            return
        self.kinds_[column] = kind
        if kind != "categorical":
            codes = self._special_codes_for(column, np.asarray(parsed, dtype=float))
            if codes:
                self.special_codes_[column] = codes
                self.notes_.append(f"{column}: special values {codes} get their own bin")

    def _special_codes_for(self, column: str, values: np.ndarray) -> list[float]:
        if self.special_codes is not None:
            return [float(c) for c in self.special_codes.get(column, [])]
        if values.size and np.all(values == np.round(values)):
            return _find_sentinels(values)
        return []

    @staticmethod
    def _looks_like_id(column: str, kind: str, parsed: pd.Series, distinct: int, n: int) -> bool:
        if _ID_NAME.match(column) and distinct >= 0.95 * n:
            return True
        if n < _MIN_ROWS_FOR_ID or distinct < n:
            return False
        if kind == "categorical":
            return True
        numbers = np.asarray(parsed, dtype=float)
        return bool(np.all(numbers == np.round(numbers)))

    @staticmethod
    def _read(column: str, kind: str, values: pd.Series) -> pd.Series:
        """Read one column the way its kind says; unreadable values are an error."""
        if kind == "categorical":
            out = values.astype(object).where(values.isna(), values.astype(str))
            return out.astype(object)
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            return values.astype(float)
        text = values.astype(str).str.strip()
        if kind == "percent":
            plain = text.str.rstrip("%").str.strip()
            numbers = pd.to_numeric(plain, errors="coerce") / 100.0
            bad = numbers.isna() & values.notna() | ~text.str.match(_PERCENT) & values.notna()
        else:
            numbers = pd.to_numeric(text.str.replace(",", ""), errors="coerce")
            bad = numbers.isna() & values.notna()
        if bad.any():
            example = values[bad].iloc[0]
            raise InputError(
                f"expected {'a percentage like 83.7%' if kind == 'percent' else 'a number'}, "
                f"got {example!r} ({int(bad.sum())} such values)",
                field=column,
            )
        return numbers.astype(float)

    def transform(self, X: Any) -> pd.DataFrame:
        """Return the model columns: numbers as float, categories as text, missing as NaN."""
        check_is_fitted(self, "kinds_")
        frame = read_input(self, X, reset=False)
        missing = [c for c in self.kinds_ if c not in frame.columns]
        if missing:
            raise InputError(f"the model needs columns {missing}, absent here", field=missing[0])
        out = {}
        for column, kind in self.kinds_.items():
            values = frame[column]
            if pd.api.types.is_numeric_dtype(values) and kind != "categorical":
                out[column] = values.astype(float)
                continue
            nonnull = values.notna()
            if kind == "categorical":
                out[column] = self._read(column, kind, values)
            else:
                parsed = pd.Series(np.nan, index=values.index, dtype=float)
                if nonnull.any():
                    parsed[nonnull] = self._read(column, kind, values[nonnull])
                out[column] = parsed
        return pd.DataFrame(out, index=frame.index)

    def get_feature_names_out(self, input_features: Iterable[str] | None = None) -> np.ndarray:
        """Return the names of the model columns kept after cleaning."""
        check_is_fitted(self, "kinds_")
        return np.asarray(list(self.kinds_), dtype=object)
