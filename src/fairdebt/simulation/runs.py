"""``simulate``: one seeded run of the synthetic portfolio into a database, with its truth.

The run draws everything from ``numpy.random.Generator(PCG64(seed))``, writes borrowers, loans
and payments through the ledger verbs day by day, and closes each simulated month with the daily
cycle over that month's dates (``fairdebt.cycle.run_range``). The cycle computes every date
as-of from dated rows (disbursements, allocation lines by ``effective_on``, accruals by
``accrued_on``), so running it for a month after posting the month gives the same loan_day rows
as running it each evening; see docs/decisions/simulator.md.
"""

from __future__ import annotations

import datetime as dt
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Engine

from fairdebt.db import make_session
from fairdebt.errors import InputError
from fairdebt.ledger.plan_offers import load_plan_policy
from fairdebt.simulation.behaviour import BehaviourParams, sigmoid
from fairdebt.simulation.collections import SimCollections, staffing
from fairdebt.simulation.database import (
    ACTOR,
    DatabaseLedger,
    evening_of,
    record_simulation_run,
    update_simulation_truth,
)
from fairdebt.simulation.origination import PRODUCTS
from fairdebt.simulation.population import load_regions
from fairdebt.simulation.portfolio import Portfolio, make_portfolio, run_days
from fairdebt.simulation.processes import DatabaseOffers, LenderProcesses
from fairdebt.simulation.recording import DatabaseFacts, DatabaseSink, staff_collectors
from fairdebt.simulation.scenarios import SCENARIOS, plan_scenario
from fairdebt.simulation.world import World
from fairdebt.strategy.catalogue import Catalogue, load_catalogue
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.planning import PlanSettings
from fairdebt.strategy.policies import Policy

__all__ = ["Progress", "SimulationResult", "expected_effects", "simulate"]

# progress(phase, done, total): phase is "simulate" (days) or "cycle" (business dates).
Progress = Callable[[str, int, int], None]

# the largest province: enough borrowers to see a shock in small runs
SHOCK_PROVINCE = "广东"
LENDER = "yixin"  # the simulated lender's short name (agency names derive from it)


@dataclass(frozen=True, slots=True)
class SimulationResult:
    run_id: int
    seed: int
    borrowers: int
    months: int
    start_on: dt.date
    end_on: dt.date  # the last simulated business date
    scenario: str | None
    truth: dict[str, Any]
    loans: int
    payments: int
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)
    # Ledger verb -> [calls, rows, seconds]: where the simulation's time went.
    ledger_timings: dict[str, list[float]] = field(default_factory=dict)
    # The collection loop as it ended (its mirror state and figures), when the lender collected.
    collections: SimCollections | None = field(default=None, repr=False, compare=False)
    # The lender's processes (agency, placements, complaint resolution) as they ended.
    processes: LenderProcesses | None = field(default=None, repr=False, compare=False)


def _cycle_function(name: str) -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("fairdebt.cycle")
    except ImportError:
        return None
    found = getattr(module, name, None)
    return found if callable(found) else None


def _cycle_run_range() -> Callable[..., Any] | None:
    return _cycle_function("run_range")


def expected_effects(portfolio: Portfolio) -> dict[str, Any]:
    """The day-1 miss probability the model implies for the shocked slice, with and without.

    Averaged over the slice's borrowers at their latent risk, with no income shock and a
    neutral macro factor: the size of the injected effect, in the units the cycle reports.
    """
    pop, params, plan = portfolio.population, portfolio.book.params, portfolio.plan
    base = params.miss_intercept + params.miss_risk * pop.risk
    if plan.kind == "bad_vintage":
        surge = pop.policy == 1
        p = sigmoid(base)
        p = np.where(pop.is_fraud, 1.0, p)
        return {
            "surge_borrowers": int(surge.sum()),
            "expected_day1_miss_rate": {
                "ordinary_policy": round(float(p[~surge].mean()), 5),
                "surge_policy": round(float(p[surge].mean()), 5) if surge.any() else None,
            },
        }
    if plan.kind in ("macro_shock", "province_shock", "policy_change"):
        effect = plan.effects[0]
        hit = np.ones(len(pop), dtype=bool)
        if effect.province_index is not None:
            hit = pop.province_index == effect.province_index
        shift = effect.miss_shift + effect.grace_miss_shift
        return {
            "borrowers_in_slice": int(hit.sum()),
            "expected_day1_miss_rate": {
                "without": round(float(sigmoid(base[hit]).mean()), 5),
                "with": round(float(sigmoid(base[hit] + shift).mean()), 5),
            },
        }
    return {}


def simulate(
    engine: Engine,
    *,
    borrowers: int,
    months: int,
    seed: int,
    scenario: str | None = None,
    start_on: dt.date,
    progress: Progress | None = None,
    params: BehaviourParams | None = None,
    run_cycle: bool = True,
    world: World | None = None,
    policy: Policy | None = None,
    catalogue: Catalogue | None = None,
    holdout_share: float = 0.05,
    collect: bool = True,
) -> SimulationResult:
    """Simulate ``borrowers`` over ``months`` from ``start_on`` into the database of ``engine``.

    The same arguments give the same ledger rows. ``scenario`` (one of
    :data:`~fairdebt.simulation.scenarios.SCENARIOS`) injects a known shock whose truth is
    stored in ``simulation_run.truth`` and returned. ``run_cycle=False`` skips the daily cycle.
    The lender collects with ``policy`` (the rule champion by default) and a randomised
    no-contact hold-out of ``holdout_share``; borrowers respond as ``world`` says (the shipped
    world file by default). ``collect=False`` runs a book nobody ever contacts.
    """
    if borrowers < 1 or months < 1:
        raise InputError(
            f"borrowers and months must be positive (got {borrowers}, {months})",
            field="borrowers" if borrowers < 1 else "months",
        )
    if not 0 <= holdout_share < 1:
        raise InputError(f"must be in [0, 1) (got {holdout_share})", field="holdout")
    if scenario is not None and scenario not in SCENARIOS:
        raise InputError(
            f"must be one of {', '.join(SCENARIOS)} (got {scenario!r})", field="scenario"
        )
    seconds: dict[str, float] = {"ledger": 0.0, "cycle": 0.0}
    # CPU seconds of this process (every thread) by phase: wall time misleads on a busy machine.
    cpu: dict[str, float] = {"ledger": 0.0, "cycle": 0.0}
    rng = np.random.Generator(np.random.PCG64(seed))
    regions = load_regions()
    plan = plan_scenario(
        scenario,
        start_on=start_on,
        months=months,
        province=SHOCK_PROVINCE,
        province_index=regions.province.index(SHOCK_PROVINCE),
    )
    portfolio = make_portfolio(
        rng,
        borrowers=borrowers,
        months=months,
        start_on=start_on,
        plan=plan,
        seed=seed,
        params=params,
        world=world,
    )
    at = evening_of(start_on - dt.timedelta(days=1))
    with make_session(engine) as session, session.begin():
        run_id = record_simulation_run(
            session,
            seed=seed,
            borrowers=borrowers,
            months=months,
            start_on=start_on,
            scenario=scenario,
            truth=plan.truth,
            actor=ACTOR,
            at=at,
        )
        ledger = DatabaseLedger(
            engine,
            run_id=run_id,
            start_on=start_on,
            population=portfolio.population,
            seed=seed,
            grace_days=portfolio.grace_days,
            grace_from_day=plan.from_day,
            arrival_day=portfolio.arrival_day,
            month_first_day=portfolio.month_first_day,
        )
        ledger.set_up(session)
        processes = None
        if collect:
            catalogue = catalogue or load_catalogue()
            staff_collectors(
                session,
                staffing=staffing(catalogue, borrowers),
                lender=LENDER,
                at=at,
            )
            processes = LenderProcesses(
                ledger,
                lender=LENDER,
                commission_rate=float(catalogue.actions["agency_placement"].commission),
                resolve_days=portfolio.world.complaint_resolve_days,
                start_on=start_on,
            )
            processes.set_up(session, at=at)
    collections = None
    if collect:
        assert catalogue is not None
        plan_policy = load_plan_policy()
        collections = SimCollections(
            portfolio,
            policy=policy or Champion(),
            catalogue=catalogue,
            settings=PlanSettings(holdout_share=holdout_share, lender_name=LENDER),
            sink=DatabaseSink(
                ledger,
                catalogue=catalogue,
                population=portfolio.population,
                start_on=start_on,
                processes=processes,
            ),
            facts=DatabaseFacts(ledger),
            plan_policy=plan_policy,
            offers=DatabaseOffers(ledger, plan_policy, start_on),
        )
        ledger.plans = collections.plans
        ledger.plan_grace_days = plan_policy.grace_days
    truth = dict(plan.truth)
    if plan.kind == "policy_change":
        truth["where"] = {
            "scope": "product",
            "products": [f"{spec.code}-G{portfolio.grace_days}" for spec in PRODUCTS],
            "replacing": [spec.code for spec in PRODUCTS],
        }
    if plan.kind is not None:
        truth["magnitude"] = {**truth["magnitude"], **expected_effects(portfolio)}

    run_range = _cycle_run_range() if run_cycle else None
    last_run = _cycle_function("last_run_date")
    month_ends = {first - 1 for first in portfolio.month_first_day[1:]}
    month_start = [0]
    clock = [time.perf_counter()]
    cpu_clock = [time.process_time()]

    def on_day(day: int) -> None:
        if progress is not None:
            progress("simulate", day + 1, portfolio.days)
        if run_range is None or day not in month_ends:
            return
        now, cpu_now = time.perf_counter(), time.process_time()
        seconds["ledger"] += now - clock[0]
        cpu["ledger"] += cpu_now - cpu_clock[0]
        first = start_on + dt.timedelta(days=month_start[0])
        last = start_on + dt.timedelta(days=day)
        done_before = month_start[0]

        def cycle_progress(done: int, total: int) -> None:
            if progress is not None:
                progress("cycle", done_before + done, portfolio.days)

        # A second simulation into the same database recloses the dates it rewrote.
        closed = last_run is not None and last_run(engine)
        rerun = bool(closed and closed >= first)
        run_range(
            engine,
            start=first,
            end=last,
            rerun=rerun,
            at=evening_of(last),
            progress=cycle_progress,
        )
        month_start[0] = day + 1
        clock[0], cpu_clock[0] = time.perf_counter(), time.process_time()
        seconds["cycle"] += clock[0] - now
        cpu["cycle"] += cpu_clock[0] - cpu_now

    run_days(portfolio, ledger, collections=collections, on_day=on_day)
    if processes is not None:
        processes.counts["plans_ledger_disagreed"] = ledger.plan_mismatches
    if collections is not None:  # the loop's CPU seconds by phase, beside the ledger verbs'
        for phase, spent in collections.timings.items():
            ledger.timings[f"loop: {phase}"] = [portfolio.days, 0, spent]
    seconds["ledger"] += time.perf_counter() - clock[0]
    cpu["ledger"] += time.process_time() - cpu_clock[0]
    end_on = start_on + dt.timedelta(days=portfolio.days - 1)
    with make_session(engine) as session, session.begin():
        update_simulation_truth(
            session, run_id=run_id, truth=truth, actor=ACTOR, at=evening_of(end_on)
        )
    return SimulationResult(
        run_id=run_id,
        seed=seed,
        borrowers=borrowers,
        months=months,
        start_on=start_on,
        end_on=end_on,
        scenario=scenario,
        truth=truth,
        loans=portfolio.book.n,
        payments=ledger.payments,
        seconds=seconds,
        cpu_seconds=cpu,
        ledger_timings=ledger.timings,
        collections=collections,
        processes=processes,
    )
