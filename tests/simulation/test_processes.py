"""The simulator runs the lender's processes: plans taken and kept, promises kept, complaints
resolved, placements with an evaluated agency; the world file's rates change what happens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, func, select

from fairdebt.db import make_session
from fairdebt.models import (
    Agency,
    AgencyEvaluation,
    Complaint,
    ContactEvent,
    Hold,
    Placement,
    PlanOffer,
)
from fairdebt.simulation import simulate
from fairdebt.simulation.behaviour import ACTIVE, UNDER_PLAN
from fairdebt.simulation.collections import SimCollections
from fairdebt.simulation.paper import PaperLedger
from fairdebt.simulation.plans import BREACHED, COMPLETED, PERFORMING, Offer, choose
from fairdebt.simulation.portfolio import make_portfolio, run_days
from fairdebt.simulation.scenarios import plan_scenario
from fairdebt.simulation.world import World, load_world
from fairdebt.strategy.catalogue import load_catalogue
from fairdebt.strategy.champion import Champion

START = dt.date(2025, 1, 1)


MONTHS = 6
GENEROUS = "plans: {ask: 1.0, accept: 1.0, income_share: 1.0, stretch: 0, keep: %s}\n"


def _world(tmp_path: Path, text: str) -> World:
    path = tmp_path / f"world-{abs(hash(text))}.yaml"
    path.write_text(text, "utf-8")
    return load_world(path)


def _run(world: World, *, borrowers: int = 900, months: int = MONTHS) -> SimCollections:
    rng = np.random.Generator(np.random.PCG64(11))
    plan = plan_scenario(None, start_on=START, months=months, province="", province_index=0)
    portfolio = make_portfolio(
        rng, borrowers=borrowers, months=months, start_on=START, plan=plan, seed=11, world=world
    )
    loop = SimCollections(portfolio, policy=Champion(), catalogue=load_catalogue(screen=False))
    run_days(portfolio, PaperLedger(START), collections=loop)
    return loop


_RUNS: dict[str, SimCollections] = {}


@pytest.fixture(scope="module")
def paper(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], SimCollections]:
    """A paper run of a small book in the world the text lays over the shipped one (cached)."""
    folder = tmp_path_factory.mktemp("worlds")

    def run(text: str) -> SimCollections:
        if text not in _RUNS:
            _RUNS[text] = _run(_world(folder, text))
        return _RUNS[text]

    return run


def test_a_borrower_takes_the_best_ranked_plan_that_fits_else_the_lightest() -> None:
    quick = Offer("settlement", np.array([15]), np.array([300_000]))
    long = Offer("interest_freeze", np.array([30, 60, 90]), np.array([50_000, 50_000, 50_000]))
    assert choose([quick, long], 4_000.0) == (0, 0.75)
    assert choose([quick, long], 1_000.0) == (1, 0.5)
    assert choose([quick, long], 250.0) == (1, 2.0)


def test_plans_are_taken_only_as_often_as_the_world_says(
    paper: Callable[[str], SimCollections],
) -> None:
    never = paper("plans: {ask: 1.0, accept: 0}\n").plans.counts()
    always = paper(GENEROUS % "1.0").plans.counts()
    assert never["offered"] > 0
    assert never["accepted"] == 0
    assert always["accepted"] == always["offered"] > 0


def test_a_borrower_who_cannot_afford_any_plan_declines_them(
    paper: Callable[[str], SimCollections],
) -> None:
    poor = paper("plans: {ask: 1.0, accept: 1.0, income_share: 0.0001, stretch: 20}\n")
    counts = poor.plans.counts()
    assert counts["offered"] > 0
    assert counts["accepted"] == 0


def test_kept_plans_never_breach_and_plans_never_kept_all_breach(
    paper: Callable[[str], SimCollections],
) -> None:
    kept = paper(GENEROUS % "1.0").plans
    broken = paper(GENEROUS % "0.0").plans
    assert kept.size > 0 and broken.size > 0
    assert not (kept.status == BREACHED).any()
    assert not (broken.status == COMPLETED).any()
    # Every plan whose first instalment fell more than the grace days before the end broke.
    first_due = broken.due[:, 0]
    ended = first_due + broken.grace_days < MONTHS * 28
    assert (broken.status[ended] == BREACHED).all()
    assert ended.any()


def test_a_breached_plan_returns_the_loan_to_collections(
    paper: Callable[[str], SimCollections],
) -> None:
    loop = paper(GENEROUS % "0.0")
    plans, book = loop.plans, loop.book
    gone = plans.loan[plans.status == BREACHED]
    assert gone.size > 0
    # Back in collections (since paid, charged off, or offered and under a new plan): a loan
    # still under plan has a later plan in force.
    under = gone[book.status[gone] == UNDER_PLAN]
    performing = plans.loan[plans.status == PERFORMING]
    assert np.isin(under, performing).all()
    assert (book.status[gone] == ACTIVE).any()


def test_the_promise_keep_rate_of_the_world_file_sets_how_many_promises_are_kept(
    paper: Callable[[str], SimCollections],
) -> None:
    never = paper("promises: {keep: 0, boost: 0}\n").figures["champion"]
    always = paper("promises: {keep: 1.0, boost: 0}\n").figures["champion"]
    rate_never = never.promises_kept / max(never.promises_kept + never.promises_broken, 1)
    rate_always = always.promises_kept / max(always.promises_kept + always.promises_broken, 1)
    assert always.promises > 0 and never.promises > 0
    assert rate_always > 0.8
    assert rate_always > rate_never + 0.3


@pytest.fixture(scope="module")
def eager_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("world")
    return _world(
        folder,
        "plans: {ask: 1.0, accept: 0.4, income_share: 1.0, stretch: 0, keep: 0.7}\n"
        "actions: {agent_call: {complaint: 0.03}, agency_call: {complaint: 0.03}}\n"
        # A book that pays badly, so that a small one reaches the agencies' buckets.
        "behaviour: {miss_intercept: -1.2, cure_base: 0.02}\n",
    )


@pytest.fixture
def run(engine: Engine, eager_world: World) -> Iterator[tuple[Engine, object]]:
    result = simulate(
        engine,
        borrowers=400,
        months=6,
        seed=5,
        start_on=START,
        run_cycle=False,
        world=eager_world,
    )
    yield engine, result


def test_the_database_run_keeps_plans_placements_and_complaints_in_the_ledger(
    run: tuple[Engine, object],
) -> None:
    _plans_through_the_ledger(*run)
    _placements_and_complaints(*run)


def _plans_through_the_ledger(engine: Engine, result: object) -> None:
    mirror = result.collections.plans  # type: ignore[attr-defined]
    with make_session(engine) as session:
        by_status = dict(
            session.execute(select(PlanOffer.status, func.count()).group_by(PlanOffer.status)).all()
        )
        accepted = session.scalars(
            select(PlanOffer).where(PlanOffer.accepted_on.is_not(None))
        ).all()
        holds = session.scalar(select(func.count()).where(Hold.kind == "plan"))
    assert mirror.size == len(accepted) > 0
    assert by_status.get("completed", 0) == int((mirror.status == COMPLETED).sum())
    assert by_status.get("breached", 0) == int((mirror.status == BREACHED).sum())
    assert holds == len(accepted)
    assert result.processes.counts["plans_ledger_disagreed"] == 0  # type: ignore[attr-defined]
    # Every offer stayed under the legal cost cap.
    assert all(o.cost_rate <= o.cap_rate for o in accepted)


def _placements_and_complaints(engine: Engine, result: object) -> None:
    counts = result.processes.counts  # type: ignore[attr-defined]
    end = result.end_on  # type: ignore[attr-defined]
    with make_session(engine) as session:
        agency = session.scalars(select(Agency)).one()
        evaluated = session.scalar(
            select(func.count()).where(AgencyEvaluation.agency_id == agency.id)
        )
        placed = session.scalar(select(func.count(Placement.id)))
        events = session.scalar(
            select(func.count()).where(ContactEvent.action == "agency_placement")
        )
        complaints = session.scalars(select(Complaint)).all()
    assert evaluated >= 1
    assert placed == events > 0
    assert counts["placements_refused"] == 0
    resolve = result.collections.book.response.world.complaint_resolve_days  # type: ignore[attr-defined]
    cutoff = dt.datetime.combine(end - dt.timedelta(days=resolve), dt.time(), tzinfo=dt.UTC)
    old = [c for c in complaints if c.received_at.astimezone(dt.UTC) < cutoff]
    assert old
    assert all(c.status == "resolved" and c.root_cause for c in old)
