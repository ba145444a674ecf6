"""The simulated portfolio written through the real ledger verbs, one business day at a time.

:class:`DatabaseLedger` implements the day loop's ledger: it registers each month's new
borrowers in one batch (``register_borrowers``), books loans with ``disburse_many``, posts the
day's payments with ``post_payments`` (amounts read from the ledger's own balances, so a cure
pays exactly what is owed, penalties included), accrues penalties and charges off with the
ledger's end-of-day verbs. Each simulated month is one transaction, committed before the
month's cycle. Audit times are the business date at 20:00 Beijing time, so a run is a function
of its seed alone.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import make_session
from fairdebt.ledger.accruals import accrue_penalties
from fairdebt.ledger.borrowers import BorrowerIn, ContactIn, register_borrowers
from fairdebt.ledger.installments import owed_expression
from fairdebt.ledger.loans import LoanIn, charge_off_due, disburse_many
from fairdebt.ledger.payments import PaymentIn, post_payments
from fairdebt.ledger.plan_offers import check_plans
from fairdebt.ledger.products import create_product, products_by_code, set_lpr
from fairdebt.ledger.promises import settle_promises
from fairdebt.models import Installment, Loan, SimulationRun
from fairdebt.simulation.behaviour import CURE, DUE, PLAN, TOKEN, DayPayments
from fairdebt.simulation.origination import LPR_HISTORY, PRODUCTS
from fairdebt.simulation.paper import PaperLedger
from fairdebt.simulation.population import Population

if TYPE_CHECKING:
    from fairdebt.simulation.plans import SimPlans

__all__ = [
    "ACTOR",
    "BEIJING",
    "DatabaseLedger",
    "evening_of",
    "record_simulation_run",
    "update_simulation_truth",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

ACTOR = "simulator"
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
CHANNELS = np.array(["auto_debit", "app", "wechat_pay", "alipay", "bank_transfer"])


def evening_of(day: dt.date) -> dt.datetime:
    """20:00 Beijing time on ``day``: the simulated time of that day's postings.

    >>> evening_of(dt.date(2025, 1, 2)).isoformat()
    '2025-01-02T20:00:00+08:00'
    """
    return dt.datetime.combine(day, dt.time(20, 0), tzinfo=BEIJING)


def record_simulation_run(
    session: Session,
    *,
    seed: int,
    borrowers: int,
    months: int,
    start_on: dt.date,
    scenario: str | None,
    truth: dict[str, Any],
    actor: str,
    at: dt.datetime,
) -> int:
    """Record a simulation run and its ground truth; returns the run id."""
    run = SimulationRun(
        seed=seed,
        borrowers=borrowers,
        months=months,
        start_on=start_on,
        scenario=scenario,
        truth=json.dumps(truth, ensure_ascii=False, sort_keys=True),
        created_at=at,
    )
    session.add(run)
    session.flush()
    audit.record(
        session,
        action="simulation.recorded",
        entity="simulation_run",
        entity_id=run.id,
        actor=actor,
        at=at,
        data={"seed": seed, "borrowers": borrowers, "months": months, "scenario": scenario},
    )
    return int(run.id)


def update_simulation_truth(
    session: Session, *, run_id: int, truth: dict[str, Any], actor: str, at: dt.datetime
) -> None:
    """Replace a run's truth once the run has measured what it injected."""
    run = session.get(SimulationRun, run_id)
    assert run is not None
    run.truth = json.dumps(truth, ensure_ascii=False, sort_keys=True)
    session.flush()
    audit.record(
        session,
        action="simulation.truth_recorded",
        entity="simulation_run",
        entity_id=run_id,
        actor=actor,
        at=at,
        data={"kind": truth.get("kind")},
    )


class DatabaseLedger:
    """Writes the simulation into the database through the ledger verbs."""

    def __init__(
        self,
        engine: Engine,
        *,
        run_id: int,
        start_on: dt.date,
        population: Population,
        seed: int,
        grace_days: int = 0,
        grace_from_day: int = 10**9,
        arrival_day: IntArray | None = None,
        month_first_day: list[int] | None = None,
    ) -> None:
        self.engine = engine
        self.run = run_id
        self.start_on = start_on
        self.population = population
        self.grace_days = grace_days
        self.grace_from_day = grace_from_day
        self.borrower_id = np.zeros(len(population), dtype=np.int64)
        self.loan_id = np.zeros(0, dtype=np.int64)
        self.payments = 0
        self.channel_rng = np.random.Generator(np.random.PCG64([seed, 7]))
        self.session: Session | None = None
        # verb -> [calls, rows, seconds]
        self.timings: dict[str, list[float]] = {}
        self.arrival_day = arrival_day
        self.month_first_day = month_first_day or []
        # Days simulated: the last month's end, or no monthly commits without a calendar.
        self.days = self.month_first_day[-1] if self.month_first_day else 0
        self.paper = PaperLedger(start_on)
        # The mirror's repayment plans: the ledger checks those that ended that day.
        self.plans: SimPlans | None = None
        self.plan_grace_days = 0
        self.plan_mismatches = 0  # plans the ledger ended differently from the mirror

    # -- set-up ------------------------------------------------------------------------------

    def product_codes(self) -> list[str]:
        codes = [spec.code for spec in PRODUCTS]
        if self.grace_days:
            codes += [f"{spec.code}-G{self.grace_days}" for spec in PRODUCTS]
        return codes

    def set_up(self, session: Session) -> None:
        """Seed the LPR history and create the simulated products (and their grace versions).

        Products already in the database (from an earlier run) are reused as they are.
        """
        at = evening_of(self.start_on - dt.timedelta(days=1))
        for effective_on, rate in LPR_HISTORY:
            set_lpr(session, effective_on=effective_on, one_year_rate=rate, actor=ACTOR, at=at)
        versions = [(0, "")] + (
            [(self.grace_days, f"-G{self.grace_days}")] if self.grace_days else []
        )
        known = products_by_code(session, self.product_codes())
        for grace, suffix in versions:
            for spec in PRODUCTS:
                if spec.code + suffix in known:  # a second run into the same database
                    continue
                create_product(
                    session,
                    code=spec.code + suffix,
                    name=spec.name + (f"（宽限{grace}天 {grace} grace days）" if grace else ""),
                    repayment_method=spec.repayment_method,
                    annual_rate=spec.annual_rate,
                    monthly_fee_rate=Decimal(0),
                    penalty_daily_rate=spec.penalty_daily_rate,
                    cost_cap_kind=spec.cost_cap_kind,
                    cost_cap_rate=spec.cost_cap_rate,
                    grace_days=grace,
                    actor=ACTOR,
                    at=at,
                )

    # -- the day loop's ledger ---------------------------------------------------------------

    @contextmanager
    def _timed(self, verb: str, rows: int) -> Iterator[None]:
        """Time a ledger call (for the benchmark's account of where the demo's time goes)."""
        began = time.perf_counter()
        yield
        spent = self.timings.setdefault(verb, [0, 0, 0.0])
        spent[0] += 1
        spent[1] += rows
        spent[2] += time.perf_counter() - began

    def open_day(self, day: int) -> None:
        """Start a transaction if none is open: one per simulated month."""
        if self.session is None:
            self.session = make_session(self.engine)
            self.session.begin()
        if self.arrival_day is not None and day in self.month_first_day:
            # Register the month's newcomers in one batch: one verb call a month, not a day.
            k = self.month_first_day.index(day)
            last = self.month_first_day[k + 1] if k + 1 < len(self.month_first_day) else 10**9
            arriving = np.flatnonzero((self.arrival_day >= day) & (self.arrival_day < last))
            self._register(self.session, arriving, day)

    def close_day(self, day: int) -> None:
        """Commit at a month's end (the cycle then reads the month) and on the last day."""
        if day + 1 not in self.month_first_day and day + 1 < self.days:
            return
        session = self._session()
        with self._timed("commit", 0):
            session.commit()
        session.close()
        self.session = None

    def session_now(self) -> Session:
        """The open session of the simulated month (for the collection loop's records)."""
        return self._session()

    def _session(self) -> Session:
        if self.session is None:
            raise RuntimeError("open_day() first")
        return self.session

    def _date(self, day: int) -> dt.date:
        return self.start_on + dt.timedelta(days=day)

    def _register(self, session: Session, borrower: IntArray, day: int) -> None:
        new = np.unique(borrower[self.borrower_id[borrower] == 0])
        if not new.size:
            return
        pop = self.population
        people = [
            BorrowerIn(
                external_id=f"S{self.run}B{i:07d}",
                name=str(pop.name[i]),
                national_id="*" * 14 + str(pop.national_id_last4[i]),
                language="zh-CN",
                timezone=str(pop.timezone[i]),
                province=str(pop.province[i]),
                city=str(pop.city[i]),
                birth_year=int(pop.birth_year[i]),
                monthly_income_amount=Decimal(int(pop.monthly_income[i])),
                contacts=(
                    ContactIn("phone", "+86" + str(pop.phone[i]), "borrower", str(pop.name[i])),
                    *(
                        ContactIn(
                            "phone",
                            "+86" + str(pop.contact_phone[i, k]),
                            "emergency_contact",
                            str(pop.contact_name[i, k]),
                            str(pop.contact_relation[i, k]),
                        )
                        for k in range(2)
                        if pop.contact_relation[i, k]
                    ),
                ),
            )
            for i in new.tolist()
        ]
        with self._timed("register_borrowers", len(people)):
            ids = register_borrowers(
                session, borrowers=people, actor=ACTOR, at=evening_of(self._date(day))
            )
        self.borrower_id[new] = ids

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
        on = self._date(day)
        suffix = f"-G{self.grace_days}" if self.grace_days and day >= self.grace_from_day else ""
        session = self._session()
        if True:  # one transaction per business day: see open_day / close_day
            self._register(session, borrower, day)
            loans = [
                LoanIn(
                    external_id=f"S{self.run}L{index:07d}",
                    borrower_id=int(self.borrower_id[b]),
                    product_code=PRODUCTS[p].code + suffix,
                    principal_amount=Decimal(int(amount)),
                    term_months=int(months),
                    disbursed_on=on,
                    annual_rate=Decimal(f"{rate:.4f}"),
                )
                for index, b, p, amount, months, rate in zip(
                    loan.tolist(),
                    borrower.tolist(),
                    product.tolist(),
                    principal.tolist(),
                    term.tolist(),
                    apr.tolist(),
                    strict=True,
                )
            ]
            with self._timed("disburse_many", len(loans)):
                ids = disburse_many(session, loans=loans, actor=ACTOR, at=evening_of(on))
        self.loan_id = np.concatenate([self.loan_id, np.asarray(ids, dtype=np.int64)])
        # The ledger's schedule (fairdebt.ledger.schedules) puts dues on the disbursement day of
        # each following month, clamped to month end: the same dates as the paper ledger computes,
        # so they need not be read back (tests/simulation checks they agree).
        return self.paper.disburse(day, principal, apr, term)

    def _owed(self, session: Session, loan_ids: IntArray, on: dt.date) -> tuple[IntArray, IntArray]:
        """Cents owed per loan of ``loan_ids``: on every due up to ``on``, and on the oldest."""
        t = Installment.__table__
        rows = session.execute(
            select(t.c.loan_id, owed_expression().label("owed"))
            .where(
                t.c.loan_id.in_(np.unique(loan_ids).tolist()),
                t.c.superseded_on.is_(None),
                t.c.due_on <= on,
                owed_expression() > 0,
            )
            .order_by(t.c.loan_id, t.c.due_on, t.c.seq)
        ).all()
        total = np.zeros(loan_ids.size, dtype=np.int64)
        oldest = np.zeros(loan_ids.size, dtype=np.int64)
        if not rows:
            return total, oldest
        loan = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        cents = np.round(np.fromiter((r[1] for r in rows), float, len(rows)) * 100).astype(np.int64)
        first = np.flatnonzero(np.r_[True, loan[1:] != loan[:-1]])
        keys = loan[first]
        at = np.searchsorted(keys, loan_ids)
        found = (at < keys.size) & (keys[np.minimum(at, keys.size - 1)] == loan_ids)
        sums = np.add.reduceat(cents, first)
        total[found] = sums[at[found]]
        oldest[found] = cents[first][at[found]]
        return total, oldest

    def post(self, day: int, payments: DayPayments) -> None:
        if not payments.loan.size:
            return
        on = self._date(day)
        ids = self.loan_id[payments.loan]
        session = self._session()
        if True:
            with self._timed("read amounts owed", ids.size):
                total, oldest = self._owed(session, ids, on)
            whole = (payments.kind == DUE) | (payments.kind == CURE)
            # Token payments: a share of the oldest due, in whole yuan (at least ¥1).
            part = np.maximum(np.floor(oldest * payments.fraction / 100) * 100, 100)
            cents = np.where(
                whole, total, np.minimum(np.where(payments.kind == TOKEN, part, oldest), oldest)
            )
            # A plan instalment pays what the accepted offer asks (the mirror holds its cents).
            is_plan = payments.kind == PLAN
            cents = np.where(is_plan, np.round(payments.amount * 100), cents).astype(np.int64)
            channel = CHANNELS[self.channel_rng.integers(0, len(CHANNELS), ids.size)]
            keep = np.flatnonzero(cents > 0)  # nothing owed after all: no payment
            batch = []
            for k in keep.tolist():
                self.payments += 1
                batch.append(
                    PaymentIn(
                        external_id=f"S{self.run}P{self.payments:08d}",
                        loan_external_id=f"S{self.run}L{int(payments.loan[k]):07d}",
                        amount=Decimal(int(cents[k])).scaleb(-2),
                        paid_on=on,
                        channel=str(channel[k]),
                    )
                )
            with self._timed("post_payments", len(batch)):
                post_payments(session, payments=batch, actor=ACTOR, at=evening_of(on))

    def end_of_day(self, day: int, *, charging: bool) -> IntArray:
        on = self._date(day)
        at = evening_of(on)
        session = self._session()
        with self._timed("accrue_penalties", 0):
            accrue_penalties(session, business_date=on, actor=ACTOR, at=at)
        with self._timed("settle_promises", 0):
            settle_promises(session, business_date=on, actor=ACTOR, at=at)
        if self.plans is not None and (self.plans.ended_today or day + 1 in self.month_first_day):
            # The plans the mirror ended today, and every plan at a month's end (a check that
            # the ledger and the mirror agree: mismatches are counted, never hidden).
            ended = None if day + 1 in self.month_first_day else self.plans.ended_today
            with self._timed("check_plans", len(self.plans.ended_today)):
                found = check_plans(
                    session,
                    business_date=on,
                    grace_days=self.plan_grace_days,
                    actor=ACTOR,
                    at=at,
                    offer_ids=ended,
                )
            self.plan_mismatches += len(
                set(self.plans.ended_today) ^ set(found.completed + found.breached)
            )
        if not charging:
            # The ledger's charge-off pass scans every open due; it runs on the days the
            # mirror charges off (both count dpd from the oldest due still owed), and on the
            # last day, so a loan the mirror missed is charged off at the next pass.
            return np.zeros(0, dtype=np.int64)
        with self._timed("charge_off_due", 0):
            charged_off = charge_off_due(session, business_date=on, actor=ACTOR, at=at)
        if not charged_off:
            return np.zeros(0, dtype=np.int64)
        charged = session.scalars(select(Loan.id).where(Loan.charged_off_on == on)).all()
        return np.searchsorted(self.loan_id, np.asarray(charged, dtype=np.int64)).astype(np.int64)
