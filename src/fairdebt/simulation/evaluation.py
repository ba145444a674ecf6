"""Strategy evaluation: policies compared on the same simulated borrowers, seed by seed.

:func:`evaluate` runs each arm (a policy over the whole book, no hold-out inside it) on the
paper ledger for every seed, with the same borrowers and, through keyed draws, the same luck,
so arms differ only by policy. It sums, over seeds, what was recovered (money paid on loans
that were past due when they paid), the contact cost (unit costs plus agency commission), net
recovery, contacts, complaints and gate violations; also everything collected (on-time
dues included, so a policy cannot look better by letting more dues fall late) and the harm
(sum of the catalogue's harm weights of the contacts made). Violations are counted by an independent
audit: every contact made is checked again by the batch gate against the full history that
preceded it; the loop asked the gate before each contact, so the audit must find none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fairdebt.compliance.batch import check_batch
from fairdebt.simulation.collections import as_history
from fairdebt.simulation.learning import LoggingCollections
from fairdebt.simulation.paper import PaperLedger
from fairdebt.simulation.portfolio import Portfolio, make_portfolio, run_days
from fairdebt.simulation.scenarios import plan_scenario
from fairdebt.simulation.world import World, load_world
from fairdebt.strategy.catalogue import Catalogue, load_catalogue
from fairdebt.strategy.planning import PlanSettings
from fairdebt.strategy.policies import Policy

__all__ = ["ArmResult", "audit_contacts", "evaluate"]

START = dt.date(2025, 1, 1)
# Progress: (arm, seed, day, days).
Progress = Callable[[str, int, int, int], None]


@dataclass
class ArmResult:
    """One arm's totals over every seed (money in yuan)."""

    recovered: float = 0.0
    collected: float = 0.0
    harm: float = 0.0
    contact_cost: float = 0.0
    contacts: int = 0
    complaints: int = 0
    violations: int = 0
    promises: int = 0
    promises_kept: int = 0
    right_party_calls: int = 0
    calls: int = 0
    accounts_contacted: int = 0
    by_action: dict[str, int] = field(default_factory=dict)

    @property
    def net_recovery(self) -> float:
        return self.recovered - self.contact_cost

    def as_json(self) -> dict[str, object]:
        return {
            "recovered": round(self.recovered, 2),
            "contact_cost": round(self.contact_cost, 2),
            "net_recovery": round(self.net_recovery, 2),
            "contacts": self.contacts,
            "complaints": self.complaints,
            "violations": self.violations,
            "collected": round(self.collected, 2),
            "harm": round(self.harm, 2),
            "promises": self.promises,
            "promises_kept": self.promises_kept,
            "right_party_rate": round(self.right_party_calls / self.calls, 4)
            if self.calls
            else None,
            "by_action": dict(sorted(self.by_action.items())),
        }


def audit_contacts(log: Sequence[pd.DataFrame], timezone: np.ndarray, pack: str) -> int:
    """Contacts the gate refuses when asked again with everything that happened before them.

    ``log`` holds each day's contacts (with ``day`` and ``attempt``); each round of a day is
    checked against the contacts of the week before and the day's earlier rounds.
    """
    violations = 0
    history: list[pd.DataFrame] = []
    for frame in log:
        if frame.empty:
            history.append(as_history(frame))
            continue
        week = history[-8:]  # the packs look back a week at most
        for attempt in sorted(frame["attempt"].unique()):
            now = frame[frame["attempt"].to_numpy() == attempt]
            earlier = frame[frame["attempt"].to_numpy() < attempt]
            gated = now[now["channel"].to_numpy() != "placement"]
            if gated.empty:
                continue
            people = np.unique(gated["borrower"].to_numpy())
            past = pd.concat([*week, as_history(earlier)], ignore_index=True)
            past = past[np.isin(past["debtor_id"].to_numpy(), people)]
            answer = check_batch(
                pd.DataFrame(
                    {
                        "debtor_id": gated["borrower"].to_numpy(),
                        "at": pd.DatetimeIndex(pd.to_datetime(gated["at"], utc=True)),
                        "channel": gated["channel"].to_numpy(),
                        "mode": gated["mode"].to_numpy(),
                        "by": gated["by"].to_numpy(),
                        "address": gated["address"].to_numpy(),
                    }
                ),
                past,
                pd.DataFrame({"debtor_id": people, "timezone": timezone[people]}),
                pack,
            )
            violations += int((~answer["allowed"].to_numpy(dtype=bool)).sum())
        history.append(as_history(frame))
    return violations


def book(*, borrowers: int, months: int, seed: int, world: World) -> Portfolio:
    """The simulated book every arm of a comparison runs on: the same borrowers and luck."""
    rng = np.random.Generator(np.random.PCG64(seed))
    plan = plan_scenario(None, start_on=START, months=months, province="广东", province_index=0)
    return make_portfolio(
        rng, borrowers=borrowers, months=months, start_on=START, plan=plan, seed=seed, world=world
    )


def evaluate(
    *,
    borrowers: int,
    days: int,
    seeds: Sequence[int],
    arms: Sequence[tuple[str, Policy]],
    world: World | None = None,
    catalogue: Catalogue | None = None,
    pack: str = "cn",
    progress: Progress | None = None,
) -> dict[str, ArmResult]:
    """Each arm's totals over ``seeds``, ``borrowers`` borrowers and ``days`` days each."""
    world = world or load_world()
    catalogue = catalogue or load_catalogue(pack=pack)
    months = max(1, -(-days // 30))
    results = {name: ArmResult() for name, _ in arms}
    for seed in seeds:
        for name, policy in arms:
            portfolio = book(borrowers=borrowers, months=months, seed=seed, world=world)
            loop = LoggingCollections(
                portfolio,
                policy=policy,
                catalogue=catalogue,
                settings=PlanSettings(holdout_share=0.0, pack=pack),
                audit_gate=True,
                keep_logs=False,
            )

            def tick(day: int, name: str = name, seed: int = seed) -> None:
                if progress is not None:
                    progress(name, seed, day + 1, days)

            run_days(portfolio, PaperLedger(START), collections=loop, on_day=tick, days=days)
            _add(results[name], loop, portfolio.population.timezone, pack)
            results[name].collected += sum(loop.collected.values())
    return results


def _add(result: ArmResult, loop: LoggingCollections, timezone: np.ndarray, pack: str) -> None:
    harm = {code: spec.harm for code, spec in loop.catalogue.actions.items()}
    for figures in loop.figures.values():
        result.recovered += figures.recovered
        result.contact_cost += figures.contact_cost + figures.commission
        result.contacts += figures.contacts
        result.complaints += figures.complaints
        result.promises += figures.promises
        result.promises_kept += figures.promises_kept
        result.right_party_calls += figures.right_party_calls
        result.calls += figures.calls
        for code, count in figures.by_action.items():
            result.by_action[code] = result.by_action.get(code, 0) + count
            result.harm += harm.get(code, 0.0) * count
    result.violations += audit_contacts(loop.log, timezone, pack)
