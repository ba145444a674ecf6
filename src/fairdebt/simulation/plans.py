"""Repayment plans in the simulator: offered by the lender's policy, chosen and kept by borrowers.

When the champion's ``plan_offer`` action reaches a borrower in arrears, the world decides
whether they ask for the plans (``plans.ask``, :mod:`fairdebt.simulation.contacting`). An
:class:`Offers` source then makes the offers: in a database run the ledger's own verbs
(``offer_plans``: the lender's policy, the cost cap, ranking by expected recovery; see
:mod:`fairdebt.simulation.plan_records`), on paper :class:`PaperOffers`, the same drafts from
the mirror's figures without the cap check. The borrower can pay ``plans.income_share`` of their
monthly income a month (``× plans.shock_capacity`` in an income shock); they take the
best-ranked offer whose largest instalment fits, else the lightest, with chance ``plans.accept``
× min(1, capacity / instalment)^``plans.stretch``. :class:`SimPlans` is the mirror of the plans
taken: the loan leaves collections (status ``UNDER_PLAN``), each instalment is paid on its date
with chance ``plans.keep`` × the same affordability factor (the capacity of that day), and an
instalment missed beyond the policy's grace days breaches the plan: the loan returns to
collections owing the plan's remaining instalments (an instalment plan, interest freeze or
extension) or its own dues (a penalty waiver or settlement), as the ledger's breach does.
The draws are keyed by (day, loan), so strategy arms see the same luck. Loops run over the
few loans that ask or take a plan that day, never over the book.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from fairdebt.cycle.buckets import DEFAULT_SCHEME
from fairdebt.ledger.plan_offers import (
    PlanPolicy,
    Position,
    capacity,
    make_drafts,
    recovery,
)
from fairdebt.ledger.plan_offers.drafts import effective_limits
from fairdebt.simulation.behaviour import (
    ACTIVE,
    CLOSED,
    MAX_TERM,
    NO_DUE,
    UNDER_PLAN,
    Book,
)
from fairdebt.simulation.world import World

__all__ = [
    "BREACHED",
    "COMPLETED",
    "PERFORMING",
    "RESTRUCTURING",
    "Offer",
    "Offers",
    "PaperOffers",
    "SimPlans",
    "choose",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

# Kinds whose acceptance writes a new schedule (the loan owes the plan's instalments after it).
RESTRUCTURING = ("instalment", "interest_freeze", "extension")
# Keyed-draw purposes of this module (see fairdebt.keyed).
_ACCEPT, _KEEP = 60, 61
PERFORMING, COMPLETED, BREACHED = 0, 1, 2
LONGEST = 60  # the legal maximum term of a plan, in instalments


@dataclass(frozen=True, slots=True)
class Offer:
    """One plan offered: its kind and instalments (day indices, cents); the ledger's id if any."""

    kind: str
    due: IntArray
    cents: IntArray
    offer_id: int | None = None

    @property
    def largest(self) -> float:
        """The largest instalment, in yuan."""
        return float(self.cents.max()) / 100 if self.cents.size else 0.0


class Offers(Protocol):
    """Where the plans a borrower is offered come from, and where an acceptance is written."""

    def offer(self, day: int, loans: IntArray, scores: FloatArray) -> list[list[Offer]]: ...

    def accept(self, day: int, loan: int, offer: Offer) -> None: ...


def choose(offers: list[Offer], capacity_amount: float) -> tuple[int, float]:
    """The offer a borrower who can pay ``capacity_amount`` a month takes, and its burden.

    The best-ranked offer whose largest instalment fits, else the lightest; the burden is the
    largest instalment over the capacity.

    >>> a = Offer("settlement", np.array([10]), np.array([90_000]))
    >>> b = Offer("instalment", np.array([30, 60]), np.array([40_000, 40_000]))
    >>> choose([a, b], 500.0)
    (1, 0.8)
    >>> choose([a, b], 300.0)
    (1, 1.3333333333333333)
    """
    fits = [i for i, o in enumerate(offers) if o.largest <= capacity_amount]
    pick = fits[0] if fits else min(range(len(offers)), key=lambda i: offers[i].largest)
    return pick, offers[pick].largest / max(capacity_amount, 1e-9)


def _afford(burden: FloatArray, stretch: float) -> FloatArray:
    """The affordability factor min(1, capacity / instalment)^stretch of each burden."""
    return np.asarray(np.minimum(1.0, 1.0 / np.maximum(burden, 1e-9)) ** stretch)


class PaperOffers:
    """Offers drafted from the mirror by the lender's policy, as ``offer_plans`` would make them.

    The position is the mirror's estimate (principal left, overdue instalments at their
    scheduled size, no penalties, so no penalty waivers); the cost cap is not checked on
    paper (plans at the loan's own rate or less never break it).
    """

    def __init__(self, book: Book, policy: PlanPolicy, start_on: dt.date) -> None:
        self.book, self.policy, self.start_on = book, policy, start_on

    def _position(self, loan: int, day: int) -> tuple[Position, int]:
        book = self.book
        on = self.start_on + dt.timedelta(days=day)
        paid, term = int(book.paid[loan]), int(book.term[loan])
        due = book.due[loan, paid:term]
        each = Decimal(f"{book.instalment[loan]:.2f}")
        principal_left = float(book.principal[loan] - book.principal_due[loan, :paid].sum())
        overdue = int((due <= day).sum())
        interest = max(
            overdue * float(each) - float(book.principal_due[loan, paid : paid + overdue].sum()), 0
        )
        future = tuple((self.start_on + dt.timedelta(days=int(d)), each) for d in due[due > day])
        position = Position(
            loan_id=loan,
            business_date=on,
            annual_rate=Decimal(f"{book.apr[loan]:.4f}"),
            method="equal_installment",
            owed_amount=Decimal(f"{principal_left + interest:.2f}"),
            principal_amount=Decimal(f"{principal_left:.2f}"),
            overdue_amount=each * overdue,
            penalty_amount=Decimal(0),
            remaining_months=max(len(future), 1),
            contract_amount=each * (term - paid),
            future_dues=future,
        )
        oldest = int(due[0]) if due.size else day
        return position, max(day - oldest, 0)

    def offer(self, day: int, loans: IntArray, scores: FloatArray) -> list[list[Offer]]:
        out: list[list[Offer]] = []
        income = self.book.population.monthly_income
        for loan, score in zip(loans.tolist(), scores.tolist(), strict=True):
            position, dpd = self._position(loan, day)
            rule = self.policy.rule_for(DEFAULT_SCHEME.bucket_of(dpd), "*")
            if rule is None or position.owed_amount <= 0:
                out.append([])
                continue
            drafts = make_drafts(position, effective_limits(rule, exception=False), base=rule.kinds)
            room = capacity(
                income=Decimal(int(income[self.book.borrower[loan]])),
                obligations=None,
                declared=None,
                affordability=self.policy.affordability,
            )
            least = self.policy.affordability.min_instalment_amount
            ranked = []
            for draft in drafts:
                share = rule.kinds[draft.kind].max_extra_cost_share
                allowance = position.contract_amount + share * position.owed_amount
                if draft.total_amount > allowance:
                    continue
                single = len(draft.instalments) == 1
                if room is not None and (
                    draft.largest_instalment > room
                    or (not single and draft.largest_instalment < least)
                ):
                    continue
                _, expected = recovery(
                    draft, score=score, capacity=room, burden_weight=self.policy.burden_weight
                )
                ranked.append((-expected, draft.code, draft))
            out.append(
                [
                    Offer(
                        d.kind,
                        np.array([(on - self.start_on).days for on, _ in d.instalments]),
                        np.array([int(a * 100) for _, a in d.instalments]),
                    )
                    for _, _, d in sorted(ranked, key=lambda r: (r[0], r[1]))
                ]
            )
        return out

    def accept(self, day: int, loan: int, offer: Offer) -> None:
        """Nothing to write on paper."""


class SimPlans:
    """The plans borrowers took, as columns (one row per plan), and their instalments."""

    def __init__(self, world: World, *, grace_days: int) -> None:
        self.world, self.grace_days = world, grace_days
        self.loan = np.zeros(0, dtype=np.int64)
        self.kind = np.zeros(0, dtype=object)
        self.offer_id = np.zeros(0, dtype=np.int64)
        self.due = np.zeros((0, LONGEST), dtype=np.int64)
        self.cents = np.zeros((0, LONGEST), dtype=np.int64)
        self.count = np.zeros(0, dtype=np.int64)
        self.paid = np.zeros(0, dtype=np.int64)
        self.status = np.zeros(0, dtype=np.int64)
        self.missed = np.zeros(0, dtype=np.int64)
        self.accepted = np.zeros(0, dtype=np.int64)
        self.ended = np.zeros(0, dtype=np.int64)
        self.asked = 0
        self.offered = 0
        # Offer ids of the plans that ended today (the database run checks them in the ledger).
        self.ended_today: list[int] = []

    @property
    def size(self) -> int:
        return int(self.loan.size)

    def capacity(self, book: Book, loans: IntArray, day: int) -> FloatArray:
        """What each borrower can pay a month on ``day`` (yuan), by the world file."""
        world, b = self.world, book.borrower[loans]
        base = world.plan_income_share * book.population.monthly_income[b].astype(np.float64)
        return np.asarray(np.where(book.shocked(b, day), world.plan_shock_capacity, 1.0) * base)

    def consider(
        self, book: Book, day: int, loans: IntArray, scores: FloatArray, offers: Offers
    ) -> IntArray:
        """Borrowers of ``loans`` who asked: get their offers, choose, accept; the plans taken."""
        loans = loans[book.status[loans] == ACTIVE]
        if not loans.size:
            return loans
        self.asked += int(loans.size)
        made = offers.offer(day, loans, scores)
        room = self.capacity(book, loans, day)
        u = book.keyed.uniforms(_ACCEPT, day, book.key[loans])
        taken: list[tuple[int, Offer]] = []
        for k, (loan, choices) in enumerate(zip(loans.tolist(), made, strict=True)):
            if not choices:
                continue
            self.offered += 1
            pick, burden = choose(choices, float(room[k]))
            chance = self.world.plan_accept * float(
                _afford(np.array([burden]), self.world.plan_stretch)[0]
            )
            if u[k] >= chance:
                continue
            offers.accept(day, loan, choices[pick])
            taken.append((loan, choices[pick]))
        self._add(book, day, taken)
        return np.asarray([loan for loan, _ in taken], dtype=np.int64)

    def _add(self, book: Book, day: int, taken: list[tuple[int, Offer]]) -> None:
        """Append the day's plans in one step (the columns grow once a day, not per plan)."""
        if not taken:
            return
        m = len(taken)
        loans = np.array([loan for loan, _ in taken], dtype=np.int64)
        due = np.full((m, LONGEST), NO_DUE, dtype=np.int64)
        cents = np.zeros((m, LONGEST), dtype=np.int64)
        count = np.zeros(m, dtype=np.int64)
        for i, (_, offer) in enumerate(taken):
            n = min(offer.cents.size, LONGEST)
            due[i, :n], cents[i, :n], count[i] = offer.due[:n], offer.cents[:n], n
        ids = [-1 if o.offer_id is None else o.offer_id for _, o in taken]
        self.loan = np.r_[self.loan, loans]
        self.kind = np.r_[self.kind, np.array([o.kind for _, o in taken], dtype=object)]
        self.offer_id = np.r_[self.offer_id, np.array(ids, dtype=np.int64)]
        self.due = np.vstack([self.due, due])
        self.cents = np.vstack([self.cents, cents])
        self.count = np.r_[self.count, count]
        self.paid = np.r_[self.paid, np.zeros(m, dtype=np.int64)]
        self.status = np.r_[self.status, np.full(m, PERFORMING, dtype=np.int64)]
        self.missed = np.r_[self.missed, np.full(m, -1, dtype=np.int64)]
        self.accepted = np.r_[self.accepted, np.full(m, day, dtype=np.int64)]
        self.ended = np.r_[self.ended, np.full(m, -1, dtype=np.int64)]
        book.status[loans] = UNDER_PLAN

    def step(self, day: int, book: Book) -> tuple[IntArray, FloatArray]:
        """Today's plan instalments paid (loans, yuan); complete and breach plans in the mirror."""
        self.ended_today = []
        live = np.flatnonzero(self.status == PERFORMING)
        if not live.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        k = self.paid[live]
        due = self.due[live, k]
        amount = self.cents[live, k] / 100
        loans = self.loan[live]
        today = due == day
        burden = amount / np.maximum(self.capacity(book, loans, day), 1e-9)
        chance = self.world.plan_keep * _afford(burden, self.world.plan_stretch)
        pays = today & (book.keyed.uniforms(_KEEP, day, book.key[loans]) < chance)
        self.missed[live[today & ~pays]] = day
        self.paid[live[pays]] += 1
        done = live[pays & (self.paid[live] >= self.count[live])]
        late = live[(self.missed[live] >= 0) & (day > self.missed[live] + self.grace_days)]
        self._complete(book, day, done)
        self._breach(book, day, late)
        return loans[pays], amount[pays]

    def _complete(self, book: Book, day: int, plans: IntArray) -> None:
        if not plans.size:
            return
        self.status[plans], self.ended[plans] = COMPLETED, day
        self.ended_today += self.offer_id[plans].tolist()
        slots = np.arange(MAX_TERM)
        for p in plans.tolist():
            loan = int(self.loan[p])
            if self.kind[p] == "penalty_waiver":
                # The arrears are paid: the loan's own schedule runs on.
                covered = int((book.due[loan] <= int(self.accepted[p])).sum())
                hi = min(covered, int(book.term[loan]))
                book.status[loan] = ACTIVE
            else:
                hi = int(book.term[loan])
                book.status[loan] = CLOSED
            fresh = (slots >= book.paid[loan]) & (slots < hi)
            book.paid_on[loan, fresh] = day
            book.paid[loan] = max(int(book.paid[loan]), hi)

    def _breach(self, book: Book, day: int, plans: IntArray) -> None:
        if not plans.size:
            return
        self.status[plans], self.ended[plans] = BREACHED, day
        self.ended_today += self.offer_id[plans].tolist()
        for p in plans.tolist():
            loan = int(self.loan[p])
            book.status[loan] = ACTIVE
            if self.kind[p] not in RESTRUCTURING:
                continue  # the loan's own dues stand, as in the ledger
            # The loan now owes the plan's remaining instalments (as many as the mirror holds).
            first, paid = int(self.paid[p]), int(book.paid[loan])
            room = min(int(self.count[p]) - first, MAX_TERM - paid)
            span = slice(paid, paid + room)
            book.due[loan, paid:] = NO_DUE
            book.due[loan, span] = self.due[p, first : first + room]
            book.principal_due[loan, paid:] = 0.0
            book.principal_due[loan, span] = self.cents[p, first : first + room] / 100
            book.paid_on[loan, paid:] = NO_DUE
            book.entered[loan, paid:] = False
            book.fell_current[loan, paid:] = False
            book.term[loan] = paid + room
            book.instalment[loan] = float(self.cents[p, first]) / 100

    def counts(self) -> dict[str, int]:
        """Plans asked for, offered, taken, and how they stand (the loop's figures)."""
        return {
            "asked": self.asked,
            "offered": self.offered,
            "accepted": self.size,
            "performing": int((self.status == PERFORMING).sum()),
            "completed": int((self.status == COMPLETED).sum()),
            "breached": int((self.status == BREACHED).sum()),
        }
