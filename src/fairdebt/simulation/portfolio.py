"""The simulation's day loop: originate, let borrowers pay, close the day; on any ledger.

:func:`run_days` drives a :class:`Ledger` (the real database through the ledger verbs, or the
:class:`~fairdebt.simulation.paper.PaperLedger`) one business day at a time. The loop is over
days; every step inside it is a numpy operation over all loans, and the ledger is called once a
day per kind of work (one disbursement batch, one payment batch, one end-of-day close).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from fairdebt.keyed import Keyed
from fairdebt.simulation.behaviour import BehaviourParams, Book, DayPayments
from fairdebt.simulation.origination import draw_terms, month_starts, plan_arrivals
from fairdebt.simulation.population import Population, make_population
from fairdebt.simulation.response import Response
from fairdebt.simulation.scenarios import ScenarioPlan
from fairdebt.simulation.world import World, load_world, make_traits

__all__ = ["Collections", "Ledger", "Portfolio", "make_portfolio", "run_days"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


class Collections(Protocol):
    """What the day loop needs from collection: contacts before repayment, then settling."""

    def act(self, day: int) -> None:
        """Plan the day and make its contacts (they change today's repayment)."""

    def settle(self, day: int, payments: DayPayments) -> None:
        """See the day's payments (promises kept, amounts recovered)."""


class Ledger(Protocol):
    """What the day loop needs from a ledger."""

    def disburse(
        self,
        day: int,
        principal: FloatArray,
        apr: FloatArray,
        term: IntArray,
        *,
        borrower: IntArray,
        product: IntArray,
        loan: IntArray,
    ) -> tuple[IntArray, FloatArray]:
        """Book new loans; return their due days and principal parts, (n, 12) each."""

    def post(self, day: int, payments: DayPayments) -> None:
        """Post the day's payments, amounts read from the ledger's own balances."""

    def end_of_day(self, day: int, *, charging: bool) -> IntArray:
        """Accrue penalties and charge off; return mirror indices newly charged off.

        ``charging`` says whether the mirror charged anything off today; a ledger may skip
        its charge-off pass on other days (a loan it would have caught is caught next time).
        """

    def open_day(self, day: int) -> None:
        """Begin the business day (a database transaction)."""

    def close_day(self, day: int) -> None:
        """End the business day (commit)."""


@dataclass
class Portfolio:
    """Everything drawn before day 0: people, arrival plan, macro path, and the mirror."""

    start_on: dt.date
    days: int
    month_first_day: list[int]
    population: Population
    arrival_day: IntArray
    book: Book
    plan: ScenarioPlan
    world: World
    seed: int
    grace_days: int = 0


def make_portfolio(
    rng: np.random.Generator,
    *,
    borrowers: int,
    months: int,
    start_on: dt.date,
    plan: ScenarioPlan,
    seed: int,
    params: BehaviourParams | None = None,
    world: World | None = None,
) -> Portfolio:
    """Draw the population, its arrivals and the macro path for a run.

    ``world`` (default: the shipped world file) says how borrowers respond to contact; its
    ``behaviour`` section sets the repayment parameters unless ``params`` is given.
    """
    world = world or load_world()
    params = params or world.behaviour
    starts = month_starts(start_on, months)
    days = (starts[-1] - start_on).days
    arrival_day, policy = plan_arrivals(
        rng,
        borrowers,
        start_on=start_on,
        months=months,
        surge_months=plan.surge_months,
        surge_multiplier=plan.surge_multiplier,
    )
    population = make_population(rng, borrowers, year=start_on.year, policy=policy)
    # The shared macro factor: monthly AR(1), held flat within a month; it runs past the end
    # so that schedules extending beyond the window have a value.
    horizon = months + 14
    shocks = rng.standard_normal(horizon) * params.macro_sd
    level = np.zeros(horizon)
    for k in range(1, horizon):
        level[k] = params.macro_persistence * level[k - 1] + shocks[k]
    day_month = np.minimum(np.arange(days + 31 * 14) // 30, horizon - 1)
    response = Response(world=world, traits=make_traits(world, seed, len(population)))
    book = Book(
        params=params,
        population=population,
        macro=level[day_month],
        keyed=Keyed(seed),
        response=response,
        effects=plan.effects,
    )
    return Portfolio(
        start_on=start_on,
        days=days,
        month_first_day=[(d - start_on).days for d in starts],
        population=population,
        arrival_day=arrival_day,
        book=book,
        plan=plan,
        world=world,
        seed=seed,
        grace_days=plan.new_grace_days or 0,
    )


def _instalment(principal: FloatArray, apr: FloatArray, term: IntArray) -> FloatArray:
    """The scheduled monthly payment of an equal-installment loan (the mirror's estimate)."""
    r = apr / 12.0
    safe = np.where(r > 0, r, 1.0)
    return np.where(r > 0, principal * safe / (1 - (1 + safe) ** -term), principal / term)


def run_days(
    portfolio: Portfolio,
    ledger: Ledger,
    *,
    collections: Collections | None = None,
    on_day: Callable[[int], None] | None = None,
    days: int | None = None,
) -> None:
    """Simulate every day of the portfolio's window on ``ledger``.

    ``collections`` acts each day after the day's disbursements and before borrowers pay:
    its contacts change that day's repayment. Without it nobody is ever contacted.
    ``days`` stops the run early (strategy evaluation over a horizon shorter than the window).
    """
    book, pop = portfolio.book, portfolio.population
    params, keyed = book.params, book.keyed
    loans_of = np.zeros(len(pop), dtype=np.int64)
    repeat_day = np.full(len(pop), -1, dtype=np.int64)
    last = portfolio.days if days is None else min(days, portfolio.days)
    for day in range(last):
        ledger.open_day(day)
        book.response.start_day(day)
        new = np.flatnonzero((portfolio.arrival_day == day) | (repeat_day == day))
        if new.size:
            terms = draw_terms(keyed, pop, new, loans_of[new])
            loan_index = np.arange(book.n, book.n + new.size)
            due, pdue = ledger.disburse(
                day,
                terms.principal,
                terms.apr,
                terms.term,
                borrower=new,
                product=terms.product,
                loan=loan_index,
            )
            grace = np.full(new.size, portfolio.grace_days if day >= portfolio.plan.from_day else 0)
            book.add_loans(
                borrower=new,
                day=day,
                term=terms.term,
                principal=terms.principal,
                grace=grace,
                due=due,
                principal_due=pdue,
                repeat=loans_of[new],
                instalment=_instalment(terms.principal, terms.apr, terms.term),
                apr=terms.apr,
            )
            loans_of[new] += 1
        if collections is not None:
            collections.act(day)
        payments = book.step(day)
        ledger.post(day, payments)
        if collections is not None:
            collections.settle(day, payments)
        # Borrowers who just repaid in good standing may come back for another loan.
        closed = book.closed_on(day, payments.loan)
        again = closed[keyed.uniforms(9, day, book.key[closed]) < params.repeat_probability]
        gap = 1 + keyed.geometrics(1 / params.repeat_gap_days, 10, day, book.key[again])
        repeat_day[book.borrower[again]] = day + gap
        last_day = day == last - 1
        book.charge_off(ledger.end_of_day(day, charging=book.charged_today.size > 0 or last_day))
        ledger.close_day(day)
        if on_day is not None:
            on_day(day)
