"""The policy seam: what every collection policy gives the loop, and the no-contact policy.

A policy maps the accounts of a day (:mod:`fairdebt.strategy.state`) to one proposed action per
account, the probability with which it chose that action (its propensity, 1 for a rule), a
reason code a collector can read, and a priority for capacity. It never sees the gate, the
pools or the world: the loop (:func:`fairdebt.strategy.planning.plan_day`) checks, times and
fits what it proposes. The rule champion is :class:`fairdebt.strategy.champion.Champion`; the
optimised policy of the precise-collection work plugs in here with the same method.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import numpy as np
import pandas as pd

from fairdebt.strategy.catalogue import Catalogue

__all__ = ["PROPOSAL_COLUMNS", "NoContact", "Policy", "proposals"]

PROPOSAL_COLUMNS = ("action", "propensity", "reason", "priority")


class Policy(Protocol):
    """A collection policy; ``name`` is logged with every decision it makes."""

    @property
    def name(self) -> str: ...

    def decide(
        self, state: pd.DataFrame, catalogue: Catalogue, *, business_date: dt.date
    ) -> pd.DataFrame:
        """One row per state row (same index): action, propensity, reason, priority."""
        ...


def proposals(
    index: pd.Index,
    action: np.ndarray,
    reason: np.ndarray,
    priority: np.ndarray | float = 0.0,
    propensity: np.ndarray | float = 1.0,
) -> pd.DataFrame:
    """A proposals frame in the shape the loop expects."""
    n = len(index)
    return pd.DataFrame(
        {
            "action": np.asarray(action, dtype=object),
            "propensity": np.broadcast_to(np.asarray(propensity, dtype=np.float64), (n,)),
            "reason": np.asarray(reason, dtype=object),
            "priority": np.broadcast_to(np.asarray(priority, dtype=np.float64), (n,)),
        },
        index=index,
    )


class NoContact:
    """Leave every account alone: the hold-out's policy and the evaluation's baseline."""

    name = "none"

    def decide(
        self, state: pd.DataFrame, catalogue: Catalogue, *, business_date: dt.date
    ) -> pd.DataFrame:
        n = len(state)
        return proposals(state.index, np.full(n, "none"), np.full(n, "no_contact_policy"))
