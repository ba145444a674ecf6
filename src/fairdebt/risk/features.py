"""Built features: history summaries and amount ratios, learned from column names and shapes.

:class:`FeatureBuilder` runs inside every fairdebt risk model, after input cleaning and before
binning or boosting (``features="auto"``; ``"none"`` turns it off). At fit time it reads the
cleaned frame once and decides what to build; at score time it builds the same columns from the
same inputs. Nothing it builds looks at the target, so fitting it inside a cross-validation fold
leaks nothing.

- **History**: families of monthly columns (:mod:`fairdebt.risk.history`) give counts of late
  months, worst status, months since the last late month, streaks, trends, rolls and cures;
  amount families their level, peak, trend and volatility; payments against the balance due
  (paid share, months paid in full, months missed); balances against the credit limit
  (utilisation, latest, average and peak).
- **Ratios between amounts**: scalar columns are given a *role* by the words of their names
  (limit, income, collateral value, debt or balance, loan amount, instalment, term) and the
  ratios a credit analyst reads are built from the roles present: balance / limit, loan /
  income, debt / income, instalment / income, loan / value, debt / value, (loan + debt) / value,
  loan / term. A column is an amount only if it is numeric, never negative, and has many
  distinct values (counts such as "number of times 30 days past due" are not amounts).
- **Derived** (:mod:`fairdebt.risk.derived`): a delinquency ladder's total, worst bucket,
  severity-weighted count and sentinel flag; the amount behind a ratio (debt ratio × income)
  and the income left after it.

``built_`` lists every built feature with its meaning in English and Chinese and the columns it
comes from; the model card and the reason catalogue show them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from fairdebt.risk.derived import Ladder, RatioAmount, build_derived, plan_derived
from fairdebt.risk.history import Built, Family, _words, find_families, history_frame

__all__ = ["ROLES", "FeatureBuilder", "amount_roles"]

#: Words that give a scalar amount column its role, in order of precedence.
ROLES: dict[str, tuple[str, ...]] = {
    "limit": ("limit", "lmt", "creditline", "line", "额度", "授信"),
    "income": ("income", "inc", "salary", "earnings", "revenue", "wage", "收入", "工资", "月收入"),
    "value": ("value", "collateral", "property", "appraisal", "valuation", "估值", "价值", "房产"),
    "instalment": ("installment", "instalment", "emi", "月供", "每期"),
    "debt": (
        "mortdue",
        "debt",
        "bal",
        "balance",
        "outstanding",
        "owed",
        "mortgage",
        "负债",
        "余额",
    ),
    "loan": (
        "loan",
        "amount",
        "amt",
        "amnt",
        "principal",
        "funded",
        "credit",
        "借款",
        "金额",
        "本金",
    ),
    "term": ("duration", "term", "tenor", "tenure", "months", "month", "期限", "期数"),
}
#: Words that make a column a ratio, a rate or a count, never an amount.
NOT_AMOUNT = (
    "ratio",
    "rate",
    "pct",
    "percent",
    "percentage",
    "util",
    "utilization",
    "utilisation",
    "number",
    "num",
    "count",
    "cnt",
    "times",
    "no",
    "age",
    "score",
    "率",
    "比",
    "次数",
)
#: Ratios built from roles: (numerator roles, denominator role, name, meaning en, meaning zh).
RATIOS: tuple[tuple[tuple[str, ...], str, str, str, str], ...] = (
    (("debt",), "limit", "utilisation", "share of the limit in use", "额度使用率"),
    (("loan",), "income", "loan_to_income", "loan amount against income", "借款金额与收入之比"),
    (("debt",), "income", "debt_to_income", "debt against income", "负债与收入之比"),
    (("instalment",), "income", "instalment_to_income", "instalment against income", "月供收入比"),
    (("loan",), "value", "loan_to_value", "loan against the collateral's value", "贷款价值比"),
    (
        ("debt",),
        "value",
        "debt_to_value",
        "existing debt against the collateral's value",
        "负债价值比",
    ),
    (
        ("loan", "debt"),
        "value",
        "combined_loan_to_value",
        "loan and existing debt against the collateral's value",
        "综合贷款价值比",
    ),
    (("loan",), "term", "amount_per_month", "loan amount per month of term", "每期借款金额"),
    (("loan",), "limit", "loan_to_limit", "loan amount against the limit", "借款金额占额度比例"),
)
#: A numeric column with fewer distinct values than this is a count or a code, not an amount.
MIN_AMOUNT_LEVELS = 20


def amount_roles(frame: pd.DataFrame, kinds: Mapping[str, str]) -> dict[str, list[str]]:
    """Role -> amount columns of ``frame`` with that role, in column order.

    >>> frame = pd.DataFrame({"LOAN": np.arange(30.0) * 100, "VALUE": np.arange(30.0) * 900,
    ...                       "DebtRatio": np.linspace(0, 1, 30)})
    >>> sorted(amount_roles(frame, {c: "numeric" for c in frame}).items())
    [('loan', ['LOAN']), ('value', ['VALUE'])]
    """
    roles: dict[str, list[str]] = {}
    for column in frame.columns:
        if kinds.get(column) == "categorical":
            continue
        words = _words(str(column))
        if not words or any(w in NOT_AMOUNT for w in words):
            continue
        role = next((r for r, keys in ROLES.items() if any(w in keys for w in words)), None)
        if role is None:
            continue
        values = frame[column].to_numpy(dtype=float)
        present = values[~np.isnan(values)]
        if role != "term" and (
            present.size == 0
            or present.min() < 0
            or len(np.unique(present[:SAMPLE])) < MIN_AMOUNT_LEVELS
        ):
            continue
        if role == "term" and (present.size == 0 or present.min() <= 0):
            continue
        roles.setdefault(role, []).append(str(column))
    return roles


SAMPLE = 50_000


class FeatureBuilder(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Build history summaries and amount ratios from a cleaned frame (see the module docstring).

    ``fit`` finds the families (``families_``), the scalar amount roles (``roles_``) and the
    credit limit column (``limit_``); ``transform`` returns the input with the built columns
    appended; ``built_`` lists them with their meanings.
    """

    def __init__(
        self,
        *,
        kinds: Mapping[str, str] | None = None,
        special_codes: Mapping[str, Sequence[float]] | None = None,
    ) -> None:
        self.kinds = kinds
        self.special_codes = special_codes

    def fit(self, X: pd.DataFrame, y: Any = None) -> FeatureBuilder:
        """Decide what to build from the columns of ``X`` (cleaned: numbers as float)."""
        kinds = dict(self.kinds or {c: _kind(X[c]) for c in X.columns})
        self.families_: list[Family] = find_families(X)
        in_family = {c for f in self.families_ for c in f.columns}
        scalar = X[[c for c in X.columns if c not in in_family]]
        self.roles_ = amount_roles(scalar, kinds)
        limits = self.roles_.get("limit", [])
        self.limit_: str | None = limits[0] if limits else None
        self.ratios_ = self._plan_ratios()
        codes = dict(self.special_codes or {})
        self.ladder_: Ladder | None
        self.ratio_amounts_: list[RatioAmount]
        self.ladder_, self.ratio_amounts_ = plan_derived(scalar, kinds, self.roles_, codes)
        self.built_: list[Built] = []
        built, self.built_ = self._build(X.head(min(len(X), 50)))
        # a built column that would be constant at fit time is decided on the whole frame
        self.built_names_ = list(built.columns)
        return self

    def _plan_ratios(self) -> list[tuple[tuple[str, ...], str, Built]]:
        plans = []
        for numerators, denominator, name, en, zh in RATIOS:
            below = self.roles_.get(denominator, [])
            above = [self.roles_.get(r, []) for r in numerators]
            if not below or not all(above):
                continue
            if denominator == "limit" and "debt" in numerators and self.families_:
                continue  # a card's balances are families: their utilisation is built there
            tops = tuple(columns[0] for columns in above)
            if below[0] in tops:
                continue
            sources = (*tops, below[0])
            words = " + ".join(tops)
            plans.append(
                (
                    tops,
                    below[0],
                    Built(
                        name,
                        f"{en} ({words} / {below[0]})",
                        f"{zh}（{words} / {below[0]}）",
                        sources,
                    ),
                )
            )
        return plans

    def _build(self, X: pd.DataFrame) -> tuple[pd.DataFrame, list[Built]]:
        history, meanings = history_frame(
            X, self.families_, limit=self.limit_, special_codes=self.special_codes
        )
        columns = {c: history[c].to_numpy() for c in history.columns}
        for tops, below, built in self.ratios_:
            if built.name in X.columns or built.name in columns:
                continue
            above = np.sum([X[c].to_numpy(dtype=float) for c in tops], axis=0)
            under = X[below].to_numpy(dtype=float)
            with np.errstate(invalid="ignore", divide="ignore"):
                columns[built.name] = np.where(under > 0, above / under, np.nan)
            meanings.append(built)
        # models saved before the derived features have no plan for them: build none
        derived, said = build_derived(
            X,
            getattr(self, "ladder_", None),
            getattr(self, "ratio_amounts_", []),
            dict(self.special_codes or {}),
        )
        for built in said:
            if built.name not in X.columns and built.name not in columns:
                columns[built.name] = derived[built.name]
                meanings.append(built)
        return pd.DataFrame(columns, index=X.index), meanings

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """``X`` with the built columns appended (the same columns as at fit time)."""
        check_is_fitted(self, "built_names_")
        if not self.built_names_:
            return X
        built, _ = self._build(X)
        return pd.concat([X, built[self.built_names_]], axis=1)

    def meanings(self) -> dict[str, Built]:
        """Built feature name -> its :class:`~fairdebt.risk.history.Built` record."""
        check_is_fitted(self, "built_names_")
        return {b.name: b for b in self.built_ if b.name in self.built_names_}


def _kind(values: pd.Series) -> str:
    return "numeric" if pd.api.types.is_numeric_dtype(values) else "categorical"
