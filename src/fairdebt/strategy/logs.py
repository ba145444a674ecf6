"""Decision logs as training rows: what was known, what was done, with what chance, what came.

A decision log holds one row per account and business day (the state a policy saw, the
logged action and its propensity, the cell); a payment log holds what each loan paid each
day. :func:`training_rows` joins them into the rows the response models learn from and the
off-policy estimators judge policies on: the features of :data:`FEATURES`, the treatment (the
action carried out, "none" when nothing went out), the propensity of the logged action and the
outcome, the money the loan paid from the decision's day over the next ``horizon`` days.
Everything a lender can see on the day; nothing of the world's parameters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdebt.errors import InputError

__all__ = ["FEATURES", "STAGE_CODES", "feature_matrix", "sum_within", "training_rows"]

# State columns the response models read (fairdebt.strategy.state documents each).
FEATURES = (
    "stage_code",
    "dpd",
    "amount_due",
    "balance",
    "score",
    "worst_dpd_90",
    "payments_90",
    "days_since_payment",
    "months_on_book",
    "promise_open",
    "promises_broken",
    "contacts_7",
    "reached_7",
    "days_since_rpc",
    "is_placed",
)
STAGE_CODES = {"pre_due": 0, "early": 1, "mid": 2, "late": 3}
_NEEDED = ("day", "loan_id", "action", "status", "propensity", "arm")


def feature_matrix(state: pd.DataFrame) -> np.ndarray:
    """The model features of a state (or log) frame as a float matrix, in :data:`FEATURES` order.

    >>> import pandas as pd
    >>> row = {c: 1 for c in FEATURES if c != "stage_code"} | {"stage": "early"}
    >>> feature_matrix(pd.DataFrame([row])).shape
    (1, 15)
    """
    stage = state["stage"].map(STAGE_CODES)
    if stage.isna().any():
        bad = state["stage"][stage.isna()].iloc[0]
        raise InputError(f"unknown stage {bad!r}", field="stage")
    columns = [stage.to_numpy(dtype=np.float64)]
    for name in FEATURES[1:]:
        columns.append(state[name].to_numpy(dtype=np.float64))
    return np.column_stack(columns)


def training_rows(decisions: pd.DataFrame, payments: pd.DataFrame, *, horizon: int) -> pd.DataFrame:
    """Decisions with ``treatment`` and ``outcome``: money paid on the loan in [day, day+horizon).

    ``decisions`` needs ``day`` (an integer day index), ``loan_id``, ``action``, ``status``,
    ``propensity``, ``arm`` and the state columns; ``payments`` needs ``day``, ``loan_id`` and
    ``amount``. Rows whose horizon runs past the last payment day are dropped (their outcome
    is not known yet).

    >>> d = pd.DataFrame({"day": [0, 5], "loan_id": [1, 1], "action": ["sms", "none"],
    ...     "status": ["planned", "no_action"], "propensity": [1.0, 1.0], "arm": ["c", "c"]})
    >>> p = pd.DataFrame({"day": [2, 6, 9], "loan_id": [1, 1, 1], "amount": [10.0, 5.0, 1.0]})
    >>> training_rows(d, p, horizon=4)[["treatment", "outcome"]].values.tolist()
    [['sms', 10.0], ['none', 5.0]]
    """
    missing = [c for c in _NEEDED if c not in decisions]
    if missing:
        raise InputError(f"a decision log needs the columns {missing}", field=missing[0])
    last_day = int(payments["day"].max()) if len(payments) else -1
    rows = decisions[decisions["day"].to_numpy() + horizon <= last_day + 1].reset_index(drop=True)
    done = rows["status"].to_numpy() == "planned"
    treatment = np.where(done, rows["action"].to_numpy(dtype=object), "none")
    rows = rows.assign(treatment=treatment, outcome=_paid_within(rows, payments, horizon))
    return rows


def sum_within(rows: pd.DataFrame, events: pd.DataFrame, horizon: int) -> np.ndarray:
    """Per row (``loan_id``, ``day``): the ``amount`` of the loan's events in [day, day+horizon).

    >>> r = pd.DataFrame({"loan_id": [1, 2], "day": [0, 0]})
    >>> e = pd.DataFrame({"loan_id": [1, 1, 2], "day": [1, 5, 0], "amount": [2.0, 3.0, 1.0]})
    >>> sum_within(r, e, 5).tolist()
    [2.0, 1.0]
    """
    return _paid_within(rows, events, horizon)


def _paid_within(rows: pd.DataFrame, payments: pd.DataFrame, horizon: int) -> np.ndarray:
    """Sum of each row's loan payments over [day, day + horizon), by cumulative sums."""
    if rows.empty or payments.empty:
        return np.zeros(len(rows))
    span = int(max(rows["day"].max(), payments["day"].max())) + horizon + 2
    pay_key = payments["loan_id"].to_numpy(dtype=np.int64) * span + payments["day"].to_numpy(
        dtype=np.int64
    )
    order = np.argsort(pay_key, kind="stable")
    keys = pay_key[order]
    cumulative = np.r_[0.0, np.cumsum(payments["amount"].to_numpy(dtype=np.float64)[order])]
    loan = rows["loan_id"].to_numpy(dtype=np.int64)
    day = rows["day"].to_numpy(dtype=np.int64)
    start = np.searchsorted(keys, loan * span + day, side="left")
    end = np.searchsorted(keys, loan * span + day + horizon, side="left")
    return np.asarray(cumulative[end] - cumulative[start], dtype=np.float64)
