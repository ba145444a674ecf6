"""Shared builders for the strategy tests: account states and gate facts held in memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from fairdebt.strategy.scores import behaviour_score
from fairdebt.strategy.state import stage_of


def _make_state(dpd: list[int], **columns: object) -> pd.DataFrame:
    """A state frame with one row per dpd value and neutral history, overridable by column."""
    n = len(dpd)
    values = np.asarray(dpd, dtype=np.int64)
    frame = pd.DataFrame(
        {
            "loan_id": np.arange(n, dtype=np.int64),
            "borrower_id": np.arange(n, dtype=np.int64),
            "stage": stage_of(values),
            "dpd": values,
            "amount_due": np.full(n, 1000.0),
            "balance": np.full(n, 8000.0),
            "worst_dpd_90": np.maximum(values, 0),
            "payments_90": np.full(n, 2),
            "days_since_payment": np.full(n, 20),
            "months_on_book": np.full(n, 4),
            "promise_open": np.zeros(n, dtype=bool),
            "promises_broken": np.zeros(n, dtype=np.int64),
            "contacts_7": np.zeros(n, dtype=np.int64),
            "reached_7": np.zeros(n, dtype=np.int64),
            "days_since_rpc": np.full(n, 999),
            "is_placed": np.zeros(n, dtype=bool),
            "is_held": np.zeros(n, dtype=bool),
            "timezone": np.full(n, "Asia/Shanghai", dtype=object),
            "address": np.array([f"+8613800{i:06d}" for i in range(n)], dtype=object),
        }
    )
    for name, value in columns.items():
        frame[name] = value
    frame["score"] = behaviour_score(frame) if "score" not in columns else columns["score"]
    return frame


class _Facts:
    """Gate facts from a fixed history table (what a test says happened before)."""

    def __init__(self, history: pd.DataFrame | None = None, timezone: str = "Asia/Shanghai"):
        self.table = (
            history
            if history is not None
            else pd.DataFrame(
                {
                    "debtor_id": pd.Series(dtype=np.int64),
                    "at": pd.Series(dtype="datetime64[ns, UTC]"),
                }
            )
        )
        self.timezone = timezone

    def history(self, borrower_ids: np.ndarray) -> pd.DataFrame:
        return self.table[np.isin(self.table["debtor_id"].to_numpy(), borrower_ids)]

    def debtors(self, borrower_ids: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({"debtor_id": borrower_ids, "timezone": self.timezone})


@pytest.fixture(scope="session")
def make_state() -> Callable[..., pd.DataFrame]:
    """Build a state frame: ``make_state([dpd, ...], column=values, ...)``."""
    return _make_state


@pytest.fixture(scope="session")
def facts() -> Callable[..., Any]:
    """Gate facts from a fixed history table: ``facts(history)``."""
    return _Facts
