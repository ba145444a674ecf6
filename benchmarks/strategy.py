"""Collection loop speed: the champion's daily plan for a million accounts, and the simulator
with the loop over a million loans for 180 days.

Run from the project root::

    .venv/bin/python benchmarks/strategy.py                      # both figures (reported)
    .venv/bin/python benchmarks/strategy.py --accounts 200000 --skip-simulator

Writes benchmarks/results/strategy.md. Floor (issue 9): the champion's daily decisions for
1,000,000 accounts within 60 s on 2 cores. The plan is timed whole (policy, hold-out, timing,
the batch gate over every proposed contact and its fallbacks, capacity, allocation to
collectors) and beside it, in the same process, the batch gate alone on the same proposed
contacts: the ratio says what the loop costs beyond asking the gate. The simulator is timed
with the champion collecting and, as its baseline, the same book with nobody collecting.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from fairdebt.compliance.batch import check_batch
from fairdebt.simulation.collections import SimCollections
from fairdebt.simulation.paper import PaperLedger
from fairdebt.simulation.portfolio import make_portfolio, run_days
from fairdebt.simulation.scenarios import plan_scenario
from fairdebt.strategy.allocation import allocate
from fairdebt.strategy.catalogue import load_catalogue
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.optimised import Optimised
from fairdebt.strategy.planning import PlanSettings, plan_day
from fairdebt.strategy.regime_policy import RegimePolicy, load_regime_model
from fairdebt.strategy.scores import behaviour_score
from fairdebt.strategy.state import stage_of
from fairdebt.strategy.uplift import UpliftModel

DAY = dt.date(2025, 6, 10)
RESULTS = Path(__file__).parent / "results" / "strategy.md"
REGIME_MODEL = Path(__file__).parent / "results" / "precise-regime-model-shipped-5k.json"


class Facts:
    """A week of contact history in memory, for the gate."""

    def __init__(self, history: pd.DataFrame, zones: np.ndarray) -> None:
        self.table, self.zones = history, zones

    def history(self, ids: np.ndarray) -> pd.DataFrame:
        return self.table[np.isin(self.table["debtor_id"].to_numpy(), ids)]

    def debtors(self, ids: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({"debtor_id": ids, "timezone": self.zones[ids]})


def accounts(n: int, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n eligible accounts (a realistic mix of pre-due and late stages) and a week of history."""
    rng = np.random.default_rng(seed)
    dpd = np.where(
        rng.random(n) < 0.6,
        -rng.integers(0, 4, n),
        np.minimum(rng.geometric(1 / 25, n), 179),
    ).astype(np.int64)
    zones = np.where(rng.random(n) < 0.985, "Asia/Shanghai", "Asia/Tokyo").astype(object)
    state = pd.DataFrame(
        {
            "loan_id": np.arange(n, dtype=np.int64),
            "borrower_id": np.arange(n, dtype=np.int64),
            "stage": stage_of(dpd),
            "dpd": dpd,
            "amount_due": np.round(rng.lognormal(7, 0.6, n), 2),
            "balance": np.round(rng.lognormal(8.5, 0.7, n), 2),
            "worst_dpd_90": np.maximum(dpd, 0),
            "payments_90": rng.integers(0, 4, n),
            "days_since_payment": rng.integers(1, 120, n),
            "months_on_book": rng.integers(0, 12, n),
            "promise_open": rng.random(n) < 0.03,
            "promises_broken": rng.integers(0, 2, n),
            "contacts_7": rng.integers(0, 10, n),
            "reached_7": rng.integers(0, 3, n),
            "days_since_rpc": rng.integers(0, 999, n),
            "is_placed": (dpd > 91) & (rng.random(n) < 0.9),
            "is_held": rng.random(n) < 0.01,
            "timezone": zones,
            "address": np.char.add("+86138", np.char.zfill(np.arange(n).astype(str), 8)).astype(
                object
            ),
        }
    )
    state["score"] = behaviour_score(state)
    late = np.flatnonzero(dpd > 0)
    events = rng.choice(late, size=min(3 * len(late), 2_000_000))
    days_back = rng.integers(1, 8, len(events))
    at = pd.Timestamp(DAY, tz="Asia/Shanghai") - pd.to_timedelta(days_back, unit="D")
    at = at + pd.to_timedelta(rng.integers(9 * 60, 20 * 60, len(events)), unit="min")
    history = pd.DataFrame(
        {
            "debtor_id": events,
            "at": at.tz_convert("UTC"),
            "channel": np.where(rng.random(len(events)) < 0.8, "call", "sms").astype(object),
            "mode": "robot",
            "recipient": "debtor",
            "by": "lender",
            "address": state["address"].to_numpy()[events],
            "outcome": np.where(rng.random(len(events)) < 0.7, "no_answer", "connected").astype(
                object
            ),
        }
    )
    history.loc[history["channel"] == "sms", "outcome"] = "delivered"
    return state, history.sort_values("debtor_id", kind="stable").reset_index(drop=True)


def roster(n: int) -> pd.DataFrame:
    people = max(1, n // 3000)
    return pd.DataFrame(
        {
            "collector_id": np.arange(1, people + 1),
            "pool": np.where(np.arange(people) % 10 == 0, "field_visit", "agent_call"),
            "skills": [("early", "mid", "late")] * people,
            "daily_capacity": 90,
        }
    )


def capacity(n: int) -> dict[str, int]:
    """Each pool's room for a book of n accounts (collectors from :func:`roster`)."""
    people = roster(n)
    return {p: 10**8 for p in load_catalogue().pools} | {
        "agent_call": int(90 * (people["pool"] == "agent_call").sum()),
        "field_visit": int(90 * (people["pool"] == "field_visit").sum()),
        "agency_call": max(1, n // 200),
    }


def time_plan(n: int) -> dict[str, float]:
    catalogue = load_catalogue()
    state, history = accounts(n)
    facts = Facts(history, state["timezone"].to_numpy())
    people = roster(n)
    room = capacity(n)
    began, cpu = time.perf_counter(), time.process_time()
    plan = plan_day(
        state,
        policy=Champion(),
        catalogue=catalogue,
        business_date=DAY,
        facts=facts,
        capacity=room,
        settings=PlanSettings(holdout_share=0.05),
    )
    plan = allocate(plan, people, catalogue)
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
    # Baseline: the gate alone on the contacts the plan first proposed (one round, no moves).
    asked = plan[plan["proposed_action"] != "none"]
    spec = catalogue.actions
    gated = asked[[spec[a].is_gated for a in asked["proposed_action"]]]
    attempts = pd.DataFrame(
        {
            "debtor_id": gated["borrower_id"].to_numpy(),
            "at": pd.Timestamp(DAY, tz="Asia/Shanghai").tz_convert("UTC") + pd.Timedelta(hours=3),
            "channel": [spec[a].channel for a in gated["proposed_action"]],
            "mode": [spec[a].mode for a in gated["proposed_action"]],
            "address": gated["address"].to_numpy(),
        }
    )
    ids = np.unique(attempts["debtor_id"].to_numpy())
    gate_began = time.perf_counter()
    check_batch(attempts, facts.history(ids), facts.debtors(ids), "cn")
    gate_seconds = time.perf_counter() - gate_began
    counts = plan["status"].value_counts()
    return {
        "accounts": float(n),
        "history": float(len(history)),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "gate_seconds": gate_seconds,
        "gated": float(len(attempts)),
        "planned": float(counts.get("planned", 0)),
        "refused": float(counts.get("refused", 0)),
        "no_capacity": float(counts.get("no_capacity", 0)),
    }


MODEL_ACTIONS = (
    "none",
    "app_push",
    "sms",
    "email",
    "robot_call",
    "agent_call",
    "letter",
    "plan_offer",
    "field_visit",
    "legal_referral",
)


def time_optimised(state: pd.DataFrame, room: dict[str, int]) -> dict[str, float]:
    """The optimised policy's day for every account: uplift of 10 actions and the HiGHS plan.

    The uplift model is fitted on synthetic rows (the timing does not depend on what it
    learned, only on its size: one LightGBM model of 150 trees per action).
    """
    rng = np.random.default_rng(8)
    sample = state.sample(60_000, random_state=1, replace=len(state) < 60_000)
    treatment = rng.choice(np.array(MODEL_ACTIONS, dtype=object), len(sample))
    gain = rng.uniform(0, 60, len(MODEL_ACTIONS))
    effect = gain[pd.Series(treatment).map({a: i for i, a in enumerate(MODEL_ACTIONS)})]
    rows = sample.assign(
        treatment=treatment,
        propensity=1 / len(MODEL_ACTIONS),
        outcome=np.maximum(
            rng.normal(300 - 3 * sample["dpd"].clip(0, 90).to_numpy() + effect, 80), 0
        ),
    )
    model = UpliftModel().fit(rows)
    policy = Optimised(model, anchored=False, capacity=room, weekly_contacts=6)
    catalogue = load_catalogue()
    champion_began = time.perf_counter()
    Champion().decide(state, catalogue, business_date=DAY)
    champion_seconds = time.perf_counter() - champion_began
    began, cpu = time.perf_counter(), time.process_time()
    out = policy.decide(state, catalogue, business_date=DAY)
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - cpu
    result = policy.last_
    assert result is not None
    # The same day with every pool the free plan used cut to half of that use, so that the
    # capacity constraints bind and the priced plan has a real gap to its LP bound.
    pools = pd.Series([catalogue.actions[a].pool for a in out["action"]])[
        (out["action"] != "none").to_numpy()
    ]
    tight = {**room, **{p: max(1, int(n) // 2) for p, n in pools.value_counts().items()}}
    bound_policy = Optimised(model, anchored=False, capacity=tight, weekly_contacts=6)
    tight_began = time.perf_counter()
    tight_out = bound_policy.decide(state, catalogue, business_date=DAY)
    tight_seconds = time.perf_counter() - tight_began
    tight_result = bound_policy.last_
    assert tight_result is not None
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "champion_seconds": champion_seconds,
        "actions": float(len(model.actions_)),
        "contacts": float((out["action"] != "none").sum()),
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "tight_seconds": tight_seconds,
        "tight_contacts": float((tight_out["action"] != "none").sum()),
        "tight_objective": tight_result.objective,
        "tight_bound": tight_result.bound,
        "tight_gap": tight_result.gap,
    }


def time_regime(state: pd.DataFrame) -> dict[str, float]:
    """The regime policy's day (the champion's rules made lighter per segment) for every
    account, with the model ``benchmarks/precise_regime.py`` learned on the shipped world."""
    policy = RegimePolicy(load_regime_model(REGIME_MODEL))
    catalogue = load_catalogue()
    champion_began = time.perf_counter()
    Champion().decide(state, catalogue, business_date=DAY)
    champion_seconds = time.perf_counter() - champion_began
    began, cpu = time.perf_counter(), time.process_time()
    out = policy.decide(state, catalogue, business_date=DAY)
    return {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - cpu,
        "champion_seconds": champion_seconds,
        "contacts": float((out["action"] != "none").sum()),
    }


def time_simulator(borrowers: int, days: int, collect: bool) -> dict[str, float]:
    months = -(-days // 30)
    start = dt.date(2025, 1, 1)
    rng = np.random.Generator(np.random.PCG64(1))
    plan = plan_scenario(None, start_on=start, months=months, province="广东", province_index=0)
    portfolio = make_portfolio(
        rng, borrowers=borrowers, months=months, start_on=start, plan=plan, seed=1
    )
    loop = (
        SimCollections(portfolio, policy=Champion(), catalogue=load_catalogue())
        if collect
        else None
    )
    began, cpu = time.perf_counter(), time.process_time()
    run_days(portfolio, PaperLedger(start), collections=loop, days=days)
    out = {
        "loans": float(portfolio.book.n),
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - cpu,
    }
    if loop is not None:
        out |= {f"loop {k}": v for k, v in loop.timings.items()}
        out["contacts"] = float(sum(f.contacts for f in loop.figures.values()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--borrowers", type=int, default=950_000)  # about 1 M loans in 180 days
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--skip-simulator", action="store_true")
    args = parser.parse_args()
    plan = time_plan(args.accounts)
    print(plan)
    lines = [
        "## Strategy benchmark",
        "",
        f"The champion's plan for {int(plan['accounts']):,} eligible accounts "
        f"({int(plan['history']):,} history events in the gate's week), one business date: "
        "policy, hold-out, timing, the batch gate over every proposed contact and its "
        "fallbacks, capacity, allocation to collectors.",
        "",
        "| what | seconds | CPU seconds |",
        "|---|---:|---:|",
        f"| plan the day (whole loop) | {plan['seconds']:.1f} | {plan['cpu_seconds']:.1f} |",
        f"| baseline: the batch gate alone on the {int(plan['gated']):,} proposed contacts "
        f"| {plan['gate_seconds']:.1f} | |",
        f"| **ratio plan / gate** | **{plan['seconds'] / plan['gate_seconds']:.2f}** | |",
        "",
        f"Planned {int(plan['planned']):,}; refused by the gate {int(plan['refused']):,}; "
        f"no capacity {int(plan['no_capacity']):,}. Floor: 60 s on 2 cores.",
        "",
    ]
    optimised = time_optimised(accounts(args.accounts)[0], capacity(args.accounts))
    print(optimised)
    lines += [
        f"The optimised policy's day for the same {int(plan['accounts']):,} accounts × "
        f"{int(optimised['actions'])} actions (none included): LightGBM uplift per action, "
        "then one action or none per account under pool capacity and a weekly contact cap "
        "(HiGHS on a 40,000-account sample for the shadow prices, every account priced).",
        "",
        "| what | seconds | CPU seconds |",
        "|---|---:|---:|",
        f"| optimised plan (uplift + assignment) | {optimised['seconds']:.1f} | "
        f"{optimised['cpu_seconds']:.1f} |",
        f"| baseline: the champion's rules on the same accounts | "
        f"{optimised['champion_seconds']:.1f} | |",
        f"| **ratio** | **{optimised['seconds'] / optimised['champion_seconds']:.0f}** | |",
        "",
        f"Objective {optimised['objective']:,.0f}, LP bound {optimised['bound']:,.0f}: gap "
        f"{100 * optimised['gap']:.3f} % (floor: within 1 %, 60 s on 2 cores); "
        f"{int(optimised['contacts']):,} contacts chosen.",
        "",
        "With every pool that plan used cut to half of its use (so that capacity binds): "
        f"{optimised['tight_seconds']:.1f} s, objective {optimised['tight_objective']:,.0f}, "
        f"LP bound {optimised['tight_bound']:,.0f}: gap {100 * optimised['tight_gap']:.3f} %; "
        f"{int(optimised['tight_contacts']):,} contacts chosen.",
        "",
    ]
    regime = time_regime(accounts(args.accounts)[0])
    print(regime)
    lines += [
        f"The regime policy's day for the same accounts (the champion's actions made lighter "
        f"per segment, model {REGIME_MODEL.name}): {regime['seconds']:.1f} s "
        f"({regime['cpu_seconds']:.1f} CPU s) against the champion's rules alone "
        f"{regime['champion_seconds']:.1f} s; {int(regime['contacts']):,} contacts proposed.",
        "",
    ]
    if not args.skip_simulator:
        with_loop = time_simulator(args.borrowers, args.days, collect=True)
        print(with_loop)
        without = time_simulator(args.borrowers, args.days, collect=False)
        print(without)
        phases = ", ".join(
            f"{k[5:]} {v:.0f} s" for k, v in with_loop.items() if k.startswith("loop ")
        )
        lines += [
            f"The simulator (paper ledger) with the champion collecting: {args.borrowers:,} "
            f"borrowers, {args.days} days, {int(with_loop['loans']):,} loans, "
            f"{int(with_loop['contacts']):,} contacts.",
            "",
            "| run | seconds | CPU seconds |",
            "|---|---:|---:|",
            f"| with the loop | {with_loop['seconds']:.0f} | {with_loop['cpu_seconds']:.0f} |",
            f"| baseline: nobody collects | {without['seconds']:.0f} | "
            f"{without['cpu_seconds']:.0f} |",
            f"| **ratio** | **{with_loop['seconds'] / without['seconds']:.1f}** | |",
            "",
            f"Loop CPU by phase: {phases}.",
            "",
        ]
    command = "`.venv/bin/python benchmarks/strategy.py"
    if args.accounts != 1_000_000:
        command += f" --accounts {args.accounts}"
    lines += [
        f"Command: {command}`",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}; 1-minute load average at the end "
        f"{os.getloadavg()[0]:.1f} (other work may share the machine: compare ratios).",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
