"""The demo's three arms: the rule champion, the learned regime policy and no contact.

Issue 11 asks the demo to show the arms side by side: recovery, contacts, complaints and harm
per ¥10,000 recovered. :func:`compare_arms` first learns a regime model from logs only: one
*other* seed of the same world is run with every borrower randomised into a regime
(:mod:`fairdebt.strategy.regimes`), and :func:`~fairdebt.simulation.learning.learn_regimes`
reads what each regime paid and cost per segment. The learned policy
(:class:`~fairdebt.strategy.regime_policy.RegimePolicy`, default settings) then runs beside the
champion and a no-contact arm on the demo's own seed, the same borrowers and the same luck in
every arm (:func:`~fairdebt.simulation.evaluation.evaluate`). :func:`print_arms` and
:func:`arms_html` show the figures, and the regime each segment was given with the evidence
for it. The demo's scale is small: ``strategy evaluate`` and ``benchmarks/precise_regime.py``
measure at the issue's scale.
"""

from __future__ import annotations

import html
import multiprocessing as mp
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from rich.console import Console
from rich.table import Table

from fairdebt.simulation.evaluation import ArmResult, evaluate
from fairdebt.simulation.learning import collect_logs, learn_regimes
from fairdebt.simulation.loop_report import _svg
from fairdebt.simulation.world import World
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.policies import NoContact
from fairdebt.strategy.regime_policy import RegimePolicy

__all__ = [
    "ARM_LABELS",
    "ArmsFigures",
    "BackgroundArms",
    "arms_frame",
    "arms_html",
    "compare_arms",
    "print_arms",
]

ARM_LABELS = {"champion": "champion 冠军", "optimised": "learned 学习", "none": "none 不触达"}
# Progress: (done, total) in simulated days over the learning run and the three arms.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ArmsFigures:
    """What the three arms did on ``seed``, and the learned policy's choice per segment."""

    seed: int
    learned_on: int
    learn_borrowers: int
    borrowers: int
    days: int
    results: dict[str, ArmResult]
    segments: pd.DataFrame


def compare_arms(
    *,
    seed: int,
    borrowers: int,
    days: int,
    learn_borrowers: int,
    world: World | None = None,
    progress: Progress | None = None,
) -> ArmsFigures:
    """Learn regimes on seed ``seed + 1``, then run the three arms on ``seed``."""
    learned_on = seed + 1
    total = days * 4
    if progress is not None:
        progress(0, total)
    decisions, payments = collect_logs(
        borrowers=learn_borrowers, days=days, seeds=[learned_on], world=world, regime_share=1.0
    )
    policy = RegimePolicy(learn_regimes(decisions, payments))
    done: dict[str, int] = {}

    def tick(arm: str, _seed: int, day: int, _days: int) -> None:
        done[arm] = day
        if progress is not None:
            progress(days + sum(done.values()), total)

    results = evaluate(
        borrowers=borrowers,
        days=days,
        seeds=[seed],
        arms=[("champion", Champion()), ("optimised", policy), ("none", NoContact())],
        world=world,
        progress=tick,
    )
    if progress is not None:
        progress(total, total)
    return ArmsFigures(
        seed=seed,
        learned_on=learned_on,
        learn_borrowers=learn_borrowers,
        borrowers=borrowers,
        days=days,
        results=results,
        segments=policy.explain(),
    )


# The background process's progress counter (set by the pool's initializer: a shared value
# can reach a spawned process only through inheritance, not as a task's argument).
_DONE: Synchronized[int] | None = None


def _attach(done: Synchronized[int]) -> None:
    global _DONE
    _DONE = done


def _counted(settings: dict[str, Any]) -> tuple[ArmsFigures, float]:
    def tick(done: int, _total: int) -> None:
        if _DONE is not None:
            _DONE.value = done

    began = time.process_time()
    figures = compare_arms(progress=tick, **settings)
    return figures, time.process_time() - began


class BackgroundArms:
    """:func:`compare_arms` in a second process, started before the demo's main work.

    The demo's ledger and cycle use about one core; on two cores the arms then cost the demo
    little wall time. ``result`` waits for them, reporting progress while it waits, and gives
    the figures and the CPU seconds the second process spent.
    """

    def __init__(self, **settings: Any) -> None:
        context = mp.get_context("spawn")  # never fork a process that holds DuckDB threads
        self._done: Synchronized[int] = context.Value("q", 0)  # type: ignore[assignment]
        self._total = 4 * int(settings["days"])
        self._pool = context.Pool(1, initializer=_attach, initargs=(self._done,))
        self._async = self._pool.apply_async(_counted, (settings,))

    def result(self, progress: Progress | None = None) -> tuple[ArmsFigures, float]:
        try:
            while not self._async.ready():
                if progress is not None:
                    progress(self._done.value, self._total)
                self._async.wait(0.25)
            figures, cpu = self._async.get()
            if progress is not None:
                progress(self._total, self._total)
            return figures, cpu
        finally:
            self.stop()

    def stop(self) -> None:
        """End the second process (at once, if the demo failed before it was needed)."""
        self._pool.terminate()
        self._pool.join()


def arms_frame(figures: ArmsFigures) -> pd.DataFrame:
    """One row per arm: money, contacts, complaints, harm, and per ¥10,000 recovered."""
    rows = []
    for name, r in figures.results.items():
        per = 10_000 / r.recovered if r.recovered > 0 else np.nan
        rows.append(
            {
                "arm": ARM_LABELS.get(name, name),
                "recovered ¥": round(r.recovered),
                "collected ¥": round(r.collected),
                "contact cost ¥": round(r.contact_cost),
                "net recovery ¥": round(r.net_recovery),
                "contacts": r.contacts,
                "complaints": r.complaints,
                "gate violations": r.violations,
                "contacts per ¥10k": round(r.contacts * per, 2),
                "harm per ¥10k": round(r.harm * per, 2),
                "complaints per ¥10k": round(r.complaints * per, 4),
            }
        )
    return pd.DataFrame(rows)


def print_arms(console: Console, figures: ArmsFigures) -> None:
    """The arms table on the console, bilingual: one row per measure, one column per arm."""
    frame = arms_frame(figures).set_index("arm")
    table = Table(
        title=(
            f"Three arms 三组策略 ({figures.borrowers:,} borrowers 借款人 × {figures.days} "
            f"days 天, seed {figures.seed}; regimes learned on seed {figures.learned_on} "
            "另一种子学习)"
        )
    )
    table.add_column("measure 指标")
    for arm in frame.index:
        table.add_column(str(arm), justify="right")
    for label, key in (
        ("recovered 回收 ¥", "recovered ¥"),
        ("collected, on time too 总回款 ¥", "collected ¥"),
        ("net of contact cost 净回收 ¥", "net recovery ¥"),
        ("contacts 触达", "contacts"),
        ("complaints 投诉", "complaints"),
        ("gate violations 违规", "gate violations"),
        ("harm per ¥10,000 recovered 打扰", "harm per ¥10k"),
    ):
        table.add_row(label, *(_cell(value) for value in frame[key]))
    console.print(table)


def _cell(value: object) -> str:
    if isinstance(value, int | np.integer):
        return f"{value:,}"
    return "—" if isinstance(value, float) and np.isnan(value) else str(value)


def _chart(frame: pd.DataFrame) -> str:
    figure = Figure(figsize=(8, 2.8))
    axes = figure.subplots(1, 3)
    names = [str(a).split(" ")[0] for a in frame["arm"]]
    for axis, column, title in zip(
        axes,
        ("recovered ¥", "contacts per ¥10k", "harm per ¥10k"),
        ("recovered (¥)", "contacts per ¥10,000 recovered", "harm per ¥10,000 recovered"),
        strict=True,
    ):
        axis.bar(names, np.nan_to_num(frame[column].to_numpy(dtype=float)))
        axis.set_title(title, fontsize=9)
        axis.tick_params(axis="x", labelsize=8)
        axis.grid(axis="y", alpha=0.3)
    return _svg(figure)


def arms_html(figures: ArmsFigures) -> str:
    """The report's section on the three arms."""
    frame = arms_frame(figures)
    chosen = figures.segments[figures.segments["regime"] != "rule"]
    return (
        "<h2>Three arms 三组策略对比</h2>"
        f"<p>{figures.borrowers:,} borrowers × {figures.days} days on seed {figures.seed}, the "
        "same borrowers and the same luck in every arm. The learned policy read only logs: "
        f"seed {figures.learned_on} ({figures.learn_borrowers:,} borrowers) run with every "
        "borrower randomised into a regime (the rule; no agent calls; messages only; none). "
        "Per segment it takes the lightest regime whose value (money paid less ¥5 a contact) "
        "is not two standard errors below the rule's. Recovered is money paid on past-due "
        "dues; collected includes dues paid on time, so a policy cannot look better by letting "
        "dues fall late. 学习策略只读取另一种子的随机化日志。</p>"
        + _chart(frame)
        + str(frame.to_html(border=0, classes="grid", index=False, na_rep=""))
        + "<h3>Where the learned policy is lighter than the rule 学习策略减轻触达的客群</h3>"
        + (
            str(chosen.to_html(border=0, classes="grid", index=False, na_rep=""))
            if len(chosen)
            else f"<p>{html.escape('Nowhere: the logs did not show a lighter regime as good.')}</p>"
        )
    )
