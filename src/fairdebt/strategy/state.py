"""The accounts a policy sees on a business date: one row per eligible loan, as columns.

A policy reads this frame and nothing else: no world parameters, no capacities, no gate. Rows
are loans before their due (``pre_due``, within :data:`REMINDER_DAYS` of it) or past due and
not charged off; columns are listed in :data:`COLUMNS` with their meaning. Two builders fill it:
:func:`read_state` from the database (``fairdebt strategy plan``), and the simulator from its
mirror (``fairdebt.simulation.collections``); a test holds them equal on one simulated book.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["COLUMNS", "REMINDER_DAYS", "STAGE_BOUNDS", "empty_state", "stage_of"]

IntArray = NDArray[np.int64]

# Pre-due reminders are considered from this many days before a due (day 0 is the due date).
REMINDER_DAYS = 3
# Stages by days past due: early 1-30 (M1), mid 31-90 (M2-M3), late 91+ (M4+, before charge-off).
STAGE_BOUNDS = (("early", 1), ("mid", 31), ("late", 91))

COLUMNS: dict[str, str] = {
    "loan_id": "the loan (database id, or the simulator's loan index)",
    "borrower_id": "the borrower (database id, or the simulator's borrower index)",
    "stage": "pre_due (0-3 days before a due), early (1-30 dpd), mid (31-90), late (91+)",
    "dpd": "days past due; minus the days to the next due for pre_due rows",
    "amount_due": "yuan: the coming instalment (pre_due) or everything overdue (past due)",
    "balance": "yuan: principal outstanding",
    "score": "behaviour score: probability of being 30+ dpd in 60 days (fairdebt.strategy.scores)",
    "worst_dpd_90": "worst dpd over the last 90 days",
    "payments_90": "payments received in the last 90 days",
    "days_since_payment": "days since the last payment (since disbursement if none)",
    "months_on_book": "whole months since disbursement",
    "promise_open": "a promise to pay is open and not yet due",
    "promises_broken": "promises broken or partly kept in the last 180 days",
    "contacts_7": "contact attempts in the last 7 days (every actor)",
    "reached_7": "attempts in the last 7 days that reached the borrower",
    "days_since_rpc": "days since the borrower was last spoken to (999 if never)",
    "is_placed": "the account is placed with an agency",
    "is_held": "a hold (complaint, dispute, hardship...) is in force",
    "timezone": "the borrower's IANA time zone",
}


def stage_of(dpd: IntArray) -> NDArray[np.object_]:
    """The stage of each account from its dpd (≤ 0 means before a due).

    >>> stage_of(np.array([-2, 0, 1, 30, 31, 91])).tolist()
    ['pre_due', 'pre_due', 'early', 'early', 'mid', 'late']
    """
    out = np.full(dpd.shape, "pre_due", dtype=object)
    for name, low in STAGE_BOUNDS:
        out[dpd >= low] = name
    return out


def empty_state() -> pd.DataFrame:
    """A state frame with every column and no rows."""
    return pd.DataFrame({name: pd.Series(dtype=object) for name in COLUMNS})
