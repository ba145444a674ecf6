"""Behaviour scores: the chance that an account is 30+ days past due in 60 days, from its history.

History features are built from the ledger (worst dpd, payments, promises, contacts; see
:data:`fairdebt.strategy.state.COLUMNS`) and combined by a points table with the weights below:
an expert starting card of the kind a lender runs before it has fitted its own, documented so
a strategist can read it. Scores exist for loans not yet late too (the reminders use them). A
fitted model (``fairdebt risk train`` on ``fairdebt risk samples``) replaces the weights; the
policy only reads the ``score`` column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

__all__ = ["WEIGHTS", "behaviour_score"]

FloatArray = NDArray[np.float64]

# Log-odds of being 30+ dpd in 60 days. The intercept gives about 2 % for a new account with a
# clean record; each term is a reason a collector would give for worry.
WEIGHTS: dict[str, float] = {
    "intercept": -3.9,
    "dpd_per_10_days": 0.55,  # capped at 60 days: beyond, everyone is 30+ anyway
    "worst_dpd_90_per_10_days": 0.25,  # capped at 60
    "no_payment_in_90_days": 0.6,  # only counts once the account is 60+ days old
    "promises_broken": 0.45,  # each, capped at 3
    "days_since_payment_over_45": 0.5,
    "first_two_months": 0.4,  # thin history: first payment defaults
    "not_reached_in_7_days": 0.35,  # past due and nobody has spoken with the borrower
}


def behaviour_score(state: pd.DataFrame) -> FloatArray:
    """The score of every row of a state frame (columns of fairdebt.strategy.state)."""
    w = WEIGHTS
    dpd = state["dpd"].to_numpy(dtype=np.float64)
    logit = (
        w["intercept"]
        + w["dpd_per_10_days"] * np.clip(dpd, 0, 60) / 10
        + w["worst_dpd_90_per_10_days"]
        * np.clip(state["worst_dpd_90"].to_numpy(dtype=np.float64), 0, 60)
        / 10
        + w["no_payment_in_90_days"]
        * ((state["payments_90"].to_numpy() == 0) & (state["months_on_book"].to_numpy() >= 2))
        + w["promises_broken"] * np.minimum(state["promises_broken"].to_numpy(np.float64), 3)
        + w["days_since_payment_over_45"] * (state["days_since_payment"].to_numpy() > 45)
        + w["first_two_months"] * (state["months_on_book"].to_numpy() < 2)
        + w["not_reached_in_7_days"] * ((dpd > 0) & (state["reached_7"].to_numpy() == 0))
    )
    return np.asarray(1.0 / (1.0 + np.exp(-logit)), dtype=np.float64)
