"""The optimised policy: each account's action chosen by learned uplift under every cap.

:class:`Optimised` plugs into the loop's policy seam (:class:`fairdebt.strategy.policies.Policy`).
For every account before a due or up to 90 days past due it scores each action its stage
allows by expected recovery added (the :class:`~fairdebt.strategy.uplift.UpliftModel`'s
uplift over doing nothing) less the action's unit cost less ``lam`` times its harm weight,
and solves the day's assignment (:func:`fairdebt.strategy.assignment.assign`, HiGHS): one
action or none per account, within each pool's room, the day's harm budget and a cap on
contacts per person per week. Accounts 91+ days past due follow the rule champion (agency
placement and the agency's calls run under their contract, not under this plan). A hold
stops everything. It reads the state and the catalogue, never the world; the loop still asks
the gate about every contact it proposes, so the plan never holds a refused contact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairdebt.strategy.assignment import Assignment, assign
from fairdebt.strategy.catalogue import Catalogue
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.policies import proposals
from fairdebt.strategy.uplift import UpliftModel

__all__ = ["Optimised"]

PLANNED_STAGES = ("pre_due", "early", "mid")


@dataclass
class Optimised:
    """Settings: ``lam`` (yuan per unit of harm), ``weekly_contacts`` per person and the
    day's ``harm_budget`` (sum of harm weights; None: no budget), and the pools' ``capacity``
    (None: the loop's capacity step alone)."""

    model: UpliftModel
    name: str = "optimised"
    lam: float = 0.0
    weekly_contacts: int | None = 6
    harm_budget: float | None = None
    capacity: Mapping[str, float] | None = None
    min_uplift: float = 0.0
    anchored: bool = True
    gentler: bool = False
    uplift_scale: float = 1.0
    champion_prior: float = 0.0
    confidence: float = 0.0
    late: Champion = field(default_factory=Champion)
    last_: Assignment | None = None

    def values(self, state: pd.DataFrame, catalogue: Catalogue) -> tuple[pd.DataFrame, list[str]]:
        """Value of each candidate action for each row (−inf where not allowed).

        ``anchored`` keeps the candidates to the champion's action and its gentler fallbacks
        (agent call → robot call → SMS → app push) when ``gentler``: the learned part decides
        whom to leave alone (and whom to contact more gently) where the logs say contact adds
        little. ``uplift_scale`` multiplies the learned one-day uplift: skipping a day under
        the logging policy is made up the next day, so a one-day uplift under-counts what
        an action adds to a policy that would not act the next day either; the scale is a
        policy setting chosen on training seeds (docs/decisions/precise-collection.md).
        ``champion_prior`` (yuan) is added to the value of the champion's own action: the
        learned uplift must show that a contact adds less than minus this before the rule's
        contact is dropped (shrinkage towards the incumbent where the logs are noisy).
        ``confidence`` (z) adds z standard errors of the uplift in the account's dpd band
        (:meth:`UpliftModel.uplift_se`) to the champion's own action: its contact is dropped
        only when even the upper confidence bound of what it adds is below its cost, so the
        contacts the logs cannot judge are kept and those they confidently call useless go.
        """
        anchor = None
        if self.anchored:
            rules = self.late.decide(state, catalogue, business_date=dt.date(2000, 1, 1))
            anchor = rules["action"].to_numpy(dtype=object)
        codes = [c for c in self.model.actions_ if c != "none" and c in catalogue.actions]
        stage = state["stage"].to_numpy(dtype=object)
        open_ = ~state["is_held"].to_numpy(dtype=bool)
        if self.weekly_contacts is not None:
            open_ &= state["contacts_7"].to_numpy(dtype=np.int64) < self.weekly_contacts
        in_stage = {s: (stage == s) & open_ for s in PLANNED_STAGES}
        allowed: dict[str, NDArray[np.bool_]] = {}
        for code in codes:
            spec = catalogue.actions[code]
            mask = np.zeros(len(state), dtype=bool)
            for s in spec.stages:
                if s in in_stage:
                    mask |= in_stage[s]
            if anchor is not None:
                chain = [a for a in catalogue.actions if code in catalogue.fallbacks(a)]
                mask &= np.isin(anchor, chain if self.gentler else [code])
            allowed[code] = mask
        # Predict each action only where it may be chosen: most of the plan's cost.
        uplift = self.model.uplift(state, allowed)
        out = {}
        for code in codes:
            spec = catalogue.actions[code]
            gain = uplift[code].to_numpy(dtype=np.float64) * self.uplift_scale
            value = gain - spec.cost - self.lam * spec.harm
            optimism = np.zeros(len(state))
            if anchor is not None:
                own = anchor == code
                if self.confidence > 0 and own.any():
                    se = self.model.uplift_se(state, code) * self.uplift_scale
                    optimism = np.where(own, self.confidence * se, 0.0)
                value = value + optimism + np.where(own, self.champion_prior, 0.0)
            mask = allowed[code] & (gain + optimism > self.min_uplift - self.champion_prior)
            out[code] = np.where(mask, value, -np.inf)
        return pd.DataFrame(out, index=state.index), codes

    def decide(
        self, state: pd.DataFrame, catalogue: Catalogue, *, business_date: dt.date
    ) -> pd.DataFrame:
        """The day's assignment for planned stages, the champion's rules for late accounts."""
        n = len(state)
        action = np.full(n, "none", dtype=object)
        reason = np.full(n, "uplift_below_cost", dtype=object)
        priority = np.zeros(n)
        if n == 0:
            return proposals(state.index, action, reason, priority)
        values, codes = self.values(state, catalogue)
        matrix = values.to_numpy(dtype=np.float64)
        pools = [catalogue.actions[c].pool for c in codes]
        room = dict(self.capacity or {})
        harm = [catalogue.actions[c].harm for c in codes]
        result = assign(matrix, pools=pools, room=room, harm=harm, harm_budget=self.harm_budget)
        self.last_ = result
        chosen = result.choice >= 0
        picked = np.array(codes, dtype=object)[result.choice[chosen]]
        action[chosen] = picked
        reason[chosen] = np.char.add("uplift_", picked.astype(str)).astype(object)
        priority[chosen] = matrix[np.flatnonzero(chosen), result.choice[chosen]]
        late = ~np.isin(state["stage"].to_numpy(dtype=object), PLANNED_STAGES)
        if late.any():
            rules = self.late.decide(state[late], catalogue, business_date=business_date)
            action[late] = rules["action"].to_numpy(dtype=object)
            reason[late] = rules["reason"].to_numpy(dtype=object)
            priority[late] = rules["priority"].to_numpy(dtype=np.float64)
        held = state["is_held"].to_numpy(dtype=bool)
        action[held], reason[held] = "none", "on_hold"
        return proposals(state.index, action, reason, priority)
