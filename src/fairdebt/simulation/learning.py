"""Learning from simulated logs: run a policy with randomised cells, keep its log, fit uplift.

:class:`LoggingCollections` is the simulator's collection loop that also keeps what a lender's
database would hold after the run: every decision (the state the policy saw, the logged
action, its propensity and cell) and every payment. :func:`collect_logs` runs it over seeds
with a no-contact hold-out and either exploration cells (one day's action drawn at random) or,
with ``regime_share``, regime cells (a borrower's regime drawn for the whole run,
:mod:`fairdebt.strategy.regimes`); :func:`learn` fits the per-action
:class:`~fairdebt.strategy.uplift.UpliftModel` on the joined rows and :func:`learn_regimes`
the :class:`~fairdebt.strategy.regime_policy.RegimeModel`. Nothing here hands the world's
parameters to a model: it sees the log, as it would in production.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from fairdebt.simulation.behaviour import DayPayments
from fairdebt.simulation.collections import SimCollections
from fairdebt.simulation.paper import PaperLedger
from fairdebt.simulation.portfolio import make_portfolio, run_days
from fairdebt.simulation.scenarios import plan_scenario
from fairdebt.simulation.world import World, load_world
from fairdebt.strategy.catalogue import Catalogue, load_catalogue
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.logs import FEATURES, training_rows
from fairdebt.strategy.planning import PlanSettings
from fairdebt.strategy.policies import Policy
from fairdebt.strategy.regime_policy import RegimeModel
from fairdebt.strategy.regimes import (
    REGIME_STAGES,
    RegimeCells,
    estimate,
    observations,
    score_cuts_of,
)
from fairdebt.strategy.uplift import UpliftModel

__all__ = [
    "REGIME_HORIZON",
    "START",
    "LoggingCollections",
    "collect_logs",
    "learn",
    "learn_regimes",
    "make_book",
]

START = dt.date(2025, 1, 1)
LOG_COLUMNS = (
    "day",
    "loan_id",
    "borrower_id",
    "stage",
    *[c for c in FEATURES if c != "stage_code"],
    "is_held",
    "policy",
    "arm",
    "proposed_action",
    "action",
    "status",
    "propensity",
)
# Days over which a regime's value (money paid, contacts) is counted (chosen on development
# seeds: docs/decisions/precise-collection.md).
REGIME_HORIZON = 30
# Loans of different seeds are told apart in a joined log by this offset per seed.
SEED_STRIDE = 10_000_000


class LoggingCollections(SimCollections):
    """The collection loop, keeping its decision log and every payment (late or on time)."""

    def __init__(self, *args: object, keep_logs: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.keep_logs = keep_logs
        self.decision_log: list[pd.DataFrame] = []
        self.payment_log: list[pd.DataFrame] = []
        self.collected: dict[str, float] = {}

    def _plan(self, on: dt.date, state: pd.DataFrame) -> pd.DataFrame:
        plan = super()._plan(on, state)
        if not self.keep_logs:
            return plan
        day = (on - self.portfolio.start_on).days
        logged = plan.assign(day=day)[list(LOG_COLUMNS)]
        if isinstance(self.policy, RegimeCells):
            # The regime cell of every decision and its chance, as a lender's log keeps them.
            regime, chance = self.policy.regimes(plan["borrower_id"].to_numpy(np.int64), on)
            logged = logged.assign(regime=regime, regime_propensity=chance)
        self.decision_log.append(logged)
        return plan

    def settle(self, day: int, payments: DayPayments) -> None:
        super().settle(day, payments)
        if self.keep_logs:
            self.payment_log.append(
                pd.DataFrame({"day": day, "loan_id": payments.loan, "amount": payments.amount})
            )
        arms = self.arm_of_loan[payments.loan].astype(str)
        for arm in np.unique(arms):
            paid = float(payments.amount[arms == arm].sum())
            self.collected[arm] = self.collected.get(arm, 0.0) + paid

    def logs(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The decision log and the payment log of the run so far."""
        decisions = pd.concat(self.decision_log, ignore_index=True)
        payments = pd.concat(self.payment_log, ignore_index=True)
        return decisions, payments


def make_book(
    *, seed: int, borrowers: int, days: int, world: World
) -> tuple[object, np.random.Generator]:
    """The simulated portfolio of one seed (the same borrowers for every policy)."""
    rng = np.random.Generator(np.random.PCG64(seed))
    months = max(1, -(-days // 30))
    plan = plan_scenario(None, start_on=START, months=months, province="广东", province_index=0)
    portfolio = make_portfolio(
        rng, borrowers=borrowers, months=months, start_on=START, plan=plan, seed=seed, world=world
    )
    return portfolio, rng


def collect_logs(
    *,
    borrowers: int,
    days: int,
    seeds: Sequence[int],
    world: World | None = None,
    catalogue: Catalogue | None = None,
    policy: Policy | None = None,
    holdout_share: float = 0.05,
    exploration_share: float = 0.2,
    pack: str = "cn",
    regime_share: float = 0.0,
    regime_period: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decision and payment logs of ``policy`` (the champion) run with randomised cells.

    With ``regime_share`` > 0 that share of borrowers is randomised into regimes (kept for
    the whole run, or redrawn every ``regime_period`` days) and there is no exploration cell:
    a day's random action would blur the regimes.
    """
    world = world or load_world()
    catalogue = catalogue or load_catalogue(pack=pack)
    policy = policy or Champion()
    if regime_share > 0:
        exploration_share = 0.0
    decisions, payments = [], []
    for seed in seeds:
        portfolio, _ = make_book(seed=seed, borrowers=borrowers, days=days, world=world)
        run_policy: Policy = policy
        if regime_share > 0:
            run_policy = RegimeCells(
                share=regime_share,
                salt=f"fairdebt-regimes-{seed}",
                period_days=regime_period,
                start=START,
                rule=policy if isinstance(policy, Champion) else Champion(),
            )
        loop = LoggingCollections(
            portfolio,
            policy=run_policy,
            catalogue=catalogue,
            settings=PlanSettings(
                holdout_share=holdout_share,
                exploration_share=exploration_share,
                pack=pack,
                salt=f"fairdebt-learning-{seed}",
            ),
        )
        run_days(portfolio, PaperLedger(START), collections=loop, days=days)  # type: ignore[arg-type]
        d, p = loop.logs()
        decisions.append(d.assign(seed=seed, loan_id=d["loan_id"] + seed * SEED_STRIDE))
        payments.append(p.assign(loan_id=p["loan_id"] + seed * SEED_STRIDE))
    return pd.concat(decisions, ignore_index=True), pd.concat(payments, ignore_index=True)


def learn(
    decisions: pd.DataFrame,
    payments: pd.DataFrame,
    *,
    horizon: int = 14,
    model: UpliftModel | None = None,
) -> UpliftModel:
    """The uplift model (default parameters unless given) fitted on the logs' training rows."""
    rows = training_rows(decisions, payments, horizon=horizon)
    model = model if model is not None else UpliftModel()
    model.horizon = horizon
    return model.fit(rows)


def learn_regimes(
    decisions: pd.DataFrame,
    payments: pd.DataFrame,
    *,
    horizon: int = REGIME_HORIZON,
    risk_bands: int = 3,
) -> RegimeModel:
    """The regime model of regime logs: risk bands cut at the logs' score quantiles."""
    planned = decisions[np.isin(decisions["stage"].to_numpy(), REGIME_STAGES)]
    cuts = score_cuts_of(
        planned["dpd"].to_numpy(np.int64), planned["score"].to_numpy(np.float64), risk_bands
    )
    obs = observations(decisions, payments, horizon=horizon, score_cuts=cuts)
    cells = estimate(obs)
    notes: dict[str, object] = {
        "observations": len(obs),
        "decisions": len(decisions),
        "seeds": sorted(int(s) for s in np.unique(decisions.get("seed", pd.Series([])))),
    }
    return RegimeModel(horizon=horizon, score_cuts=cuts, cells=cells, notes=notes)
