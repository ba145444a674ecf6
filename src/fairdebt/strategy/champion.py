"""The rule champion: the stage-by-stage rule tree Chinese online lenders run today.

Modelled on ../shared/collections-practice.md ("Stages and who handles them"): reminders
before due for the riskier loans (app push, SMS, a robot call on the due date); robot calls
and SMS first in M1, human agents from about day 4-8 for what robots do not resolve; letters,
plan offers and field visits in M2-M3; agencies (委外) and legal referral from M3+. A live
promise to pay stops pressure until its date. Priority for capacity is the amount overdue
times the behaviour score (the expected amount at risk). The rules are deterministic, so every
propensity is 1; the loop records the hold-out's randomisation on top. Thresholds are
parameters a strategist sets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from fairdebt.strategy.catalogue import Catalogue
from fairdebt.strategy.policies import proposals

__all__ = ["Champion"]


@dataclass(frozen=True, slots=True)
class Champion:
    """The rule tree; every threshold is a field (docs/strategy.md explains each)."""

    name: str = "champion"
    high_risk: float = 0.10  # pre-due: SMS three days before and a robot call on the day
    medium_risk: float = 0.04  # pre-due: SMS the day before (below: an app push)
    agent_from_dpd: int = 4  # M1a: agents take over from robots for the riskier ...
    agent_score: float = 0.35  # ... or when nobody has spoken to the borrower ...
    agent_after_no_rpc_days: int = 3  # ... for this many days
    agent_dpd: int = 8  # M1b: every account goes to an agent (capacity permitting)
    letter_dpds: tuple[int, ...] = (31, 61)
    plan_offer_dpds: tuple[int, ...] = (35, 65)
    visit_balance: float = 10_000.0  # field visits for balances at least this large ...
    visit_from_dpd: int = 45  # ... from this dpd, every ...
    visit_every_days: int = 15
    place_from_dpd: int = 91  # agency placement (委外) from M4
    legal_dpd: int = 120  # legal referral for large balances at this dpd
    legal_balance: float = 20_000.0

    def decide(
        self, state: pd.DataFrame, catalogue: Catalogue, *, business_date: dt.date
    ) -> pd.DataFrame:
        """The champion's action for every account of ``state``."""
        dpd = state["dpd"].to_numpy()
        score = state["score"].to_numpy(dtype=np.float64)
        balance = state["balance"].to_numpy(dtype=np.float64)
        stage = state["stage"].to_numpy()
        action = np.full(len(state), "none", dtype=object)
        reason = np.full(len(state), "no_rule", dtype=object)

        def rule(mask: np.ndarray, name: str, why: str) -> None:
            # Rules are written from general to specific: a later rule overrides an earlier.
            action[mask] = name
            reason[mask] = why

        pre = stage == "pre_due"
        rule(pre & (dpd == -1), "app_push", "pre_due_low_risk_push")
        rule(pre & (dpd == -1) & (score >= self.medium_risk), "sms", "pre_due_sms")
        rule(pre & (dpd == -3) & (score >= self.high_risk), "sms", "pre_due_high_risk_sms")
        rule(pre & (dpd == 0) & (score >= self.high_risk), "robot_call", "due_day_robot_call")

        early = stage == "early"
        rule(early & (dpd == 1), "sms", "m1_first_notice")
        rule(early & (dpd >= 2), "robot_call", "m1a_robot_call")
        unresolved = state["days_since_rpc"].to_numpy() > self.agent_after_no_rpc_days
        escalate = (dpd >= self.agent_from_dpd) & ((score >= self.agent_score) | unresolved)
        rule(early & escalate, "agent_call", "m1a_escalate_to_agent")
        rule(early & (dpd >= self.agent_dpd), "agent_call", "m1b_agent_call")

        mid = stage == "mid"
        rule(mid, "agent_call", "m2_agent_call")
        big = balance >= self.visit_balance
        visit_day = (dpd >= self.visit_from_dpd) & ((dpd - self.visit_from_dpd) % 15 == 0)
        rule(mid & big & visit_day, "field_visit", "m2_field_visit")
        rule(mid & np.isin(dpd, self.plan_offer_dpds), "plan_offer", "m2_plan_offer")
        rule(mid & np.isin(dpd, self.letter_dpds), "letter", "m2_letter")

        late = stage == "late"
        placed = state["is_placed"].to_numpy(dtype=bool)
        rule(late & ~placed, "agency_placement", "m4_place_with_agency")
        rule(late & placed, "agency_call", "agency_call")
        legal = late & (dpd == self.legal_dpd) & (balance >= self.legal_balance)
        rule(legal, "legal_referral", "m4_legal_referral")

        # A live promise stops pressure until its date; holds stop everything.
        promised = state["promise_open"].to_numpy(dtype=bool) & ~pre
        rule(promised, "none", "promise_open")
        rule(state["is_held"].to_numpy(dtype=bool), "none", "on_hold")

        # A strategist may drop an action or a stage from the catalogue: the rule then yields.
        allowed = action == "none"
        for code, spec in catalogue.actions.items():
            allowed |= (action == code) & np.isin(stage, spec.stages)
        reason[~allowed] = "action_not_in_catalogue_for_stage"
        action[~allowed] = "none"
        priority = state["amount_due"].to_numpy(dtype=np.float64) * np.maximum(score, 0.01)
        return proposals(state.index, action, reason, priority)
