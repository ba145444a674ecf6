"""The demo pipeline: a fresh embedded database, a simulated year, the summary and the report.

``fairdebt demo`` and ``benchmarks/calibration.py`` both call :func:`run_demo`, so the benchmark
times exactly what the demo does. The caller passes the console, the clock reading for the
report's "generated at" and a progress callback: this module reads no clock of its own except
``time.perf_counter`` for the phase timings it reports.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from sqlalchemy.engine import make_url

from fairdebt.db import make_engine, upgrade
from fairdebt.simulation.arms import ArmsFigures, BackgroundArms, arms_html, print_arms
from fairdebt.simulation.loop_report import collections_html, print_collections
from fairdebt.simulation.measures import Measures, measure
from fairdebt.simulation.outcomes import Outcomes, collection_outcomes
from fairdebt.simulation.process_report import (
    ProcessFigures,
    print_processes,
    processes_html,
    read_processes,
)
from fairdebt.simulation.report import print_summary, write_html
from fairdebt.simulation.runs import Progress, SimulationResult, simulate
from fairdebt.simulation.world import World

__all__ = ["DEMO_START", "DemoOutcome", "fresh_sqlite", "month_ends", "run_demo"]

DEMO_START = dt.date(2025, 1, 1)


@dataclass(frozen=True, slots=True)
class DemoOutcome:
    result: SimulationResult
    measures: Measures
    report: Path
    outcomes: Outcomes | None = None
    processes: ProcessFigures | None = None
    arms: ArmsFigures | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    cpu_seconds: dict[str, float] = field(default_factory=dict)


def fresh_sqlite(url: str) -> None:
    """Remove a SQLite database file (and its WAL) so that the demo starts empty."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    for suffix in ("", "-wal", "-shm"):
        Path(parsed.database + suffix).unlink(missing_ok=True)


def month_ends(start_on: dt.date, end_on: dt.date) -> list[dt.date]:
    """The last day of each whole month from ``start_on`` to ``end_on``.

    >>> [d.isoformat() for d in month_ends(dt.date(2025, 1, 1), dt.date(2025, 3, 31))]
    ['2025-01-31', '2025-02-28', '2025-03-31']
    """
    ends = []
    first = start_on.replace(day=1)
    while True:
        following = (first + dt.timedelta(days=32)).replace(day=1)
        last = following - dt.timedelta(days=1)
        if last > end_on:
            break
        if last >= start_on:
            ends.append(last)
        first = following
    return ends or [end_on]


def _arms(borrowers: int, months: int, *, seed: int, world: World | None) -> BackgroundArms:
    """The three arms at the demo's scale, started in a second process: half its borrowers
    (at most 5,000) over its months (at most 180 days), regimes learned on twice its
    borrowers (at most 20,000) of another seed; about 35 CPU seconds, against the hours of
    the issue's scale (benchmarks/precise_regime.py)."""
    return BackgroundArms(
        seed=seed,
        borrowers=min(5_000, max(50, borrowers // 2)),
        days=min(180, 30 * months),
        learn_borrowers=min(20_000, max(100, 2 * borrowers)),
        world=world,
    )


def run_demo(
    console: Console,
    *,
    url: str,
    report: Path,
    borrowers: int,
    months: int,
    seed: int,
    generated_at: dt.datetime,
    progress: Progress | None = None,
    world: World | None = None,
) -> DemoOutcome:
    """Replace the database at ``url``, simulate, summarise on ``console``, write ``report``."""
    began, cpu_began = time.perf_counter(), time.process_time()
    background = _arms(borrowers, months, seed=seed, world=world)
    try:
        return _run(
            console,
            background,
            url=url,
            report=report,
            borrowers=borrowers,
            months=months,
            seed=seed,
            generated_at=generated_at,
            progress=progress,
            world=world,
            clock=(began, cpu_began),
        )
    finally:
        background.stop()


def _run(
    console: Console,
    background: BackgroundArms,
    *,
    url: str,
    report: Path,
    borrowers: int,
    months: int,
    seed: int,
    generated_at: dt.datetime,
    progress: Progress | None,
    world: World | None,
    clock: tuple[float, float],
) -> DemoOutcome:
    """The demo's main work while the three arms run in ``background``."""
    began, cpu_began = clock
    fresh_sqlite(url)
    engine = make_engine(url)
    upgrade(engine)
    result = simulate(
        engine,
        borrowers=borrowers,
        months=months,
        seed=seed,
        start_on=DEMO_START,
        progress=progress,
        world=world,
    )
    simulated, cpu_simulated = time.perf_counter(), time.process_time()
    ends = month_ends(result.start_on, result.end_on)
    figures = measure(engine, month_ends=ends)
    print_summary(console, result, figures)
    outcomes = collection_outcomes(engine, end_on=result.end_on, month_ends=ends)
    print_collections(console, outcomes)
    processes = read_processes(engine, since=result.start_on, until=result.end_on)
    print_processes(console, processes)
    arms_began = time.perf_counter()

    def tick(done: int, total: int) -> None:
        if progress is not None:
            progress("arms", done, total)

    arms, arms_cpu = background.result(tick)
    arms_waited = time.perf_counter() - arms_began
    print_arms(console, arms)
    path = write_html(
        report,
        result,
        figures,
        generated_at=generated_at,
        sections=collections_html(outcomes) + processes_html(processes) + arms_html(arms),
    )
    engine.dispose()
    done, cpu_done = time.perf_counter(), time.process_time()
    seconds = {
        **result.seconds,
        "set-up": simulated - began - sum(result.seconds.values()),
        "measures and report": done - simulated - arms_waited,
        "waiting for the three arms": arms_waited,
        "total": done - began,
    }
    cpu = {
        **result.cpu_seconds,
        "set-up": cpu_simulated - cpu_began - sum(result.cpu_seconds.values()),
        "measures and report": cpu_done - cpu_simulated,
        "three arms (second process)": arms_cpu,
        "total": cpu_done - cpu_began + arms_cpu,
    }
    return DemoOutcome(
        result=result,
        measures=figures,
        report=path,
        outcomes=outcomes,
        processes=processes,
        arms=arms,
        seconds=seconds,
        cpu_seconds=cpu,
    )
