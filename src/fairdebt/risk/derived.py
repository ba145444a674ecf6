"""Derived features: a delinquency ladder's summaries and the amounts behind ratios.

A generic card or loan book often carries two column families that a model reads poorly one
column at a time:

- **A delinquency ladder**: counts of times an account was 30-59, 60-89 and 90+ days late, one
  column per bucket (Give Me Some Credit's ``NumberOfTime30-59DaysPastDueNotWorse``, ``dpd30_cnt``,
  ``逾期60天次数``, ``times_m2``). A column belongs to the ladder when its name says *late* (late,
  past due, overdue, delinquent, dpd, 逾期) and names a bucket (a number of days, or ``M1``...
  ``M6``, 30 days each), and it holds counts (non-negative whole numbers). Two buckets or more
  make a ladder. From it: the total count, the worst bucket reached (its lower bound in days),
  a count weighted by severity (a bucket's lower bound in months of 30 days), and a flag for the
  sentinel codes (96/98-style "unknown", found by the input cleaner) in any rung; a row with a
  sentinel has no count, so its summaries are missing, and the flag says why.
- **The amount behind a ratio**: a ratio of a numerator to an amount the book also holds gives
  the numerator back (a debt ratio times the income is the debt; utilisation times the limit is
  the balance), and for an income, what is left after it. A column is such a ratio when its name
  names a ratio (ratio, dti, to-income, utilisation, ltv, 率, 比) and a numerator, and the
  denominator's amount column exists (:func:`fairdebt.risk.features.amount_roles`). A ratio in
  percent (named so, or a median above 1.5) is read as a share.

Nothing here reads the target; :class:`~fairdebt.risk.features.FeatureBuilder` plans these at
fit time (:func:`plan_derived`) and builds them with its other columns (:func:`build_derived`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdebt.risk.history import Built, _words

__all__ = ["Ladder", "RatioAmount", "build_derived", "ladder_bucket", "plan_derived"]

#: Words that say a column counts late payments.
LATE_WORDS = ("late", "past", "pastdue", "overdue", "delinquent", "delinquency", "dpd", "逾期")
#: Words that say a column is a ratio (never an amount; see ``features.NOT_AMOUNT``).
RATIO_WORDS = ("ratio", "dti", "ltv", "util", "utilization", "utilisation", "to", "率", "比")
PERCENT_WORDS = ("pct", "percent", "percentage", "%")
#: A ratio's kind: (words naming its numerator, the denominator's amount role, name stem, en, zh).
RATIO_KINDS: tuple[tuple[tuple[str, ...], str, str, str, str], ...] = (
    (("util", "utilization", "utilisation"), "limit", "balance", "balance", "余额"),
    (("instalment", "installment", "emi", "月供"), "income", "instalment", "instalment", "月供"),
    (("dti", "debt", "负债"), "income", "debt", "debt", "负债"),
    (("ltv", "loan"), "value", "loan", "loan", "贷款"),
)
_DAYS = re.compile(r"(?<!\d)(\d{2,3})(?!\d)")
_MONTH_BUCKET = re.compile(r"(?<![a-z])m([1-6])(?![0-9])")


@dataclass(frozen=True)
class Ladder:
    """Count columns, one per delinquency bucket, with each bucket's lower bound in days."""

    columns: tuple[str, ...]
    days: tuple[int, ...]


@dataclass(frozen=True)
class RatioAmount:
    """A ratio column, the amount column it divides by, and how to read it (share or percent)."""

    ratio: str
    amount: str
    stem: str
    scale: float
    keep_left: bool


def ladder_bucket(name: str) -> int | None:
    """The lower bound in days of the bucket a late-count column names, else None.

    >>> [ladder_bucket(n) for n in ("NumberOfTime30-59DaysPastDueNotWorse",
    ...  "NumberOfTimes90DaysLate", "times_m2_overdue", "逾期60天次数", "age", "DELINQ")]
    [30, 90, 60, 60, None, None]
    """
    lowered = name.lower()
    words = _words(name)
    late = any(w in LATE_WORDS for w in words) or "逾期" in name or "pastdue" in lowered
    if not late:
        return None
    days = [int(d) for d in _DAYS.findall(lowered) if 1 <= int(d) <= 720]
    if days:
        return min(days)
    month = _MONTH_BUCKET.search(lowered)
    return int(month.group(1)) * 30 if month else None


def _is_count(values: np.ndarray) -> bool:
    present = values[~np.isnan(values)]
    return bool(present.size and present.min() >= 0 and np.all(present == np.round(present)))


def _plain(X: pd.DataFrame, column: str, codes: Sequence[float]) -> np.ndarray:
    values = X[column].to_numpy(dtype=float)
    return np.where(np.isin(values, list(codes)), np.nan, values) if codes else values


def find_ladder(
    X: pd.DataFrame, kinds: Mapping[str, str], special_codes: Mapping[str, Sequence[float]]
) -> Ladder | None:
    """The delinquency ladder of ``X``'s numeric columns (one column per bucket), or None."""
    by_days: dict[int, str] = {}
    for column in X.columns:
        if kinds.get(column) == "categorical":
            continue
        days = ladder_bucket(str(column))
        if days is None or days in by_days:
            continue
        if _is_count(_plain(X, column, special_codes.get(column, ()))):
            by_days[days] = str(column)
    if len(by_days) < 2:
        return None
    order = sorted(by_days)
    return Ladder(tuple(by_days[d] for d in order), tuple(order))


def find_ratio_amounts(
    X: pd.DataFrame, kinds: Mapping[str, str], roles: Mapping[str, Sequence[str]]
) -> list[RatioAmount]:
    """Ratio columns of ``X`` whose denominator is an amount column of the book."""
    found: list[RatioAmount] = []
    stems: set[str] = set()
    for column in X.columns:
        if kinds.get(column) == "categorical":
            continue
        words = _words(str(column))
        lowered = str(column).lower()
        if not any(w in RATIO_WORDS or w.startswith("util") for w in words) and not any(
            w in str(column) for w in ("率", "比")
        ):
            continue
        for numerator, role, stem, _, _ in RATIO_KINDS:
            if not _names(str(column), words, numerator) or not roles.get(role) or stem in stems:
                continue
            values = X[column].to_numpy(dtype=float)
            present = values[~np.isnan(values)]
            if present.size == 0 or present.min() < 0:
                continue
            percent = any(w in PERCENT_WORDS for w in words) or "%" in lowered
            scale = 0.01 if percent or float(np.median(present)) > 1.5 else 1.0
            found.append(RatioAmount(str(column), roles[role][0], stem, scale, role == "income"))
            stems.add(stem)
            break
    return found


def _names(column: str, words: Sequence[str], numerator: Sequence[str]) -> bool:
    """Whether a column's words name one of ``numerator`` (``util`` also as a prefix)."""
    if any(w in numerator or (w.startswith("util") and "util" in numerator) for w in words):
        return True
    return any(key in column for key in numerator if not key.isascii())


def plan_derived(
    X: pd.DataFrame,
    kinds: Mapping[str, str],
    roles: Mapping[str, Sequence[str]],
    special_codes: Mapping[str, Sequence[float]],
) -> tuple[Ladder | None, list[RatioAmount]]:
    """What to derive from the scalar columns of a cleaned frame (no target read)."""
    return find_ladder(X, kinds, special_codes), find_ratio_amounts(X, kinds, roles)


def _ladder_columns(
    X: pd.DataFrame, ladder: Ladder, special_codes: Mapping[str, Sequence[float]]
) -> tuple[dict[str, np.ndarray], list[Built]]:
    raw = np.column_stack([X[c].to_numpy(dtype=float) for c in ladder.columns])
    codes = [list(special_codes.get(c, ())) for c in ladder.columns]
    flags = [np.isin(raw[:, i], codes[i]) for i in range(raw.shape[1])]
    sentinel: np.ndarray = np.asarray(np.column_stack(flags).any(axis=1), dtype=bool)
    counts = np.where(sentinel[:, None], np.nan, raw)
    days = np.asarray(ladder.days, dtype=float)
    reached = np.where(counts > 0, days, 0.0)
    with np.errstate(invalid="ignore"):
        columns = {
            "late_count_total": counts.sum(axis=1),
            "late_worst_days": np.where(np.isnan(counts).any(axis=1), np.nan, reached.max(axis=1)),
            "late_count_weighted": counts @ (days / 30.0),
            "late_count_unknown": sentinel.astype(float),
        }
    sources = ladder.columns
    buckets = ", ".join(f"{d}+" for d in ladder.days)
    meanings = [
        Built(
            "late_count_total", f"times late, all buckets ({buckets} days)", "逾期总次数", sources
        ),
        Built(
            "late_worst_days",
            "worst delinquency bucket reached, in days (0: never late)",
            "最严重逾期档（天）",
            sources,
        ),
        Built(
            "late_count_weighted",
            "times late weighted by severity (bucket's days / 30)",
            "按严重程度加权的逾期次数",
            sources,
        ),
        Built(
            "late_count_unknown",
            "late counts coded as unknown (sentinel such as 96/98)",
            "逾期次数为未知代码（如96/98）",
            sources,
        ),
    ]
    return columns, meanings


def _ratio_columns(X: pd.DataFrame, plan: RatioAmount) -> tuple[dict[str, np.ndarray], list[Built]]:
    ratio = X[plan.ratio].to_numpy(dtype=float) * plan.scale
    amount = X[plan.amount].to_numpy(dtype=float)
    en, zh = next((e, z) for _, _, s, e, z in RATIO_KINDS if s == plan.stem)
    name = f"{plan.stem}_amount"
    sources = (plan.ratio, plan.amount)
    columns = {name: ratio * amount}
    meanings = [
        Built(
            name,
            f"{en} amount ({plan.ratio} × {plan.amount})",
            f"{zh}金额（{plan.ratio} × {plan.amount}）",
            sources,
        )
    ]
    if plan.keep_left:
        left = f"income_after_{plan.stem}"
        columns[left] = amount - ratio * amount
        meanings.append(
            Built(
                left,
                f"income left after {en} ({plan.amount} − {name})",
                f"扣除{zh}后的收入（{plan.amount} − {name}）",
                sources,
            )
        )
    return columns, meanings


def build_derived(
    X: pd.DataFrame,
    ladder: Ladder | None,
    ratios: Sequence[RatioAmount],
    special_codes: Mapping[str, Sequence[float]],
) -> tuple[dict[str, np.ndarray], list[Built]]:
    """The derived columns of ``X`` (name -> values) and their meanings."""
    columns: dict[str, np.ndarray] = {}
    meanings: list[Built] = []
    if ladder is not None:
        built, said = _ladder_columns(X, ladder, special_codes)
        columns.update(built)
        meanings.extend(said)
    for plan in ratios:
        built, said = _ratio_columns(X, plan)
        columns.update(built)
        meanings.extend(said)
    return columns, meanings
