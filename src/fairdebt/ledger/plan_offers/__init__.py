"""Plan offers (issue 12, item 1): repayment plans offered by policy, chosen by the borrower, kept.

The lender's policy (:mod:`.policy`, ``data/plan_policy.yaml``) says which plans each bucket and
segment may get; :mod:`.drafts` drafts them from what the loan owes and the borrower can pay;
:mod:`.offering` checks the cost cap, ranks by expected recovery and holds the verbs
``offer_plans`` and ``accept_offer``; :mod:`.keeping` completes and breaches plans
(``check_plans``); :mod:`.report` counts them by kind and outcome. The mechanics of a new
schedule stay in :mod:`fairdebt.ledger.plans` (docs/decisions/plan-offers.md).
"""

from __future__ import annotations

from fairdebt.ledger.plan_offers.drafts import Draft, Position, capacity, make_drafts, recovery
from fairdebt.ledger.plan_offers.keeping import PlanCheck, check_plans, paid_since, plan_amount
from fairdebt.ledger.plan_offers.offering import (
    Ranked,
    accept_offer,
    instalments_of,
    offer_plans,
    rank_offers,
    read_position,
    read_score,
)
from fairdebt.ledger.plan_offers.policy import (
    LEGAL_MAX_TERM_MONTHS,
    KindLimits,
    PlanPolicy,
    PlanRule,
    load_plan_policy,
    read_plan_policy,
)
from fairdebt.ledger.plan_offers.report import plans_report

__all__ = [
    "LEGAL_MAX_TERM_MONTHS",
    "Draft",
    "KindLimits",
    "PlanCheck",
    "PlanPolicy",
    "PlanRule",
    "Position",
    "Ranked",
    "accept_offer",
    "capacity",
    "check_plans",
    "instalments_of",
    "load_plan_policy",
    "make_drafts",
    "offer_plans",
    "paid_since",
    "plan_amount",
    "plans_report",
    "rank_offers",
    "read_plan_policy",
    "read_position",
    "read_score",
    "recovery",
]
