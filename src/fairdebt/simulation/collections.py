"""The collection loop inside the simulator: each day's state, plan, contacts and outcomes.

:class:`SimCollections` is the day loop's collections (``run_days(..., collections=...)``). In
the morning of each simulated day it builds the accounts' state from the mirror (the columns
of :mod:`fairdebt.strategy.state`), runs the same planning as production
(:func:`fairdebt.strategy.planning.plan_day`: hold-out, policy, gate, capacity), and lets the
world answer the planned contacts (:mod:`fairdebt.simulation.contacting`); in the evening it
sees the payments, settles promises and counts what was recovered. Borrowers reached by a plan
offer may ask for the lender's plans and take one (:mod:`fairdebt.simulation.plans`). The
gate's facts are the contacts made so far (:class:`MemoryFacts`). A ``sink`` receives each
day's decisions, contacts and settled promises: the database run writes them through the
ledger verbs.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairdebt.compliance.batch import check_batch
from fairdebt.ledger.plan_offers import PlanPolicy, load_plan_policy
from fairdebt.simulation.behaviour import ACTIVE, MAX_TERM, NO_DUE, DayPayments
from fairdebt.simulation.contacting import make_contacts
from fairdebt.simulation.plans import Offers, PaperOffers, SimPlans
from fairdebt.simulation.portfolio import Portfolio
from fairdebt.strategy.catalogue import Catalogue
from fairdebt.strategy.planning import GateFacts, PlanSettings, plan_day, utc_index
from fairdebt.strategy.policies import Policy
from fairdebt.strategy.scores import behaviour_score
from fairdebt.strategy.state import REMINDER_DAYS, stage_of

__all__ = [
    "ArmFigures",
    "Facts",
    "MemoryFacts",
    "SimCollections",
    "Sink",
    "as_history",
    "pool_capacity",
    "staffing",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
HISTORY_DAYS = 8  # the gate's longest look-back in the shipped packs is a week


class Sink(Protocol):
    """Receives each simulated day's plan, then each round of contacts as it is made."""

    def start_day(self, day: int) -> None: ...

    def record_plan(self, day: int, plan: pd.DataFrame) -> None: ...

    def record_recalls(self, day: int, loans: IntArray) -> None: ...

    def record_contacts(self, day: int, contacts: pd.DataFrame) -> None: ...


class Facts(GateFacts, Protocol):
    """Gate facts that follow the simulated days: a new day starts, contacts are made."""

    def start_day(self, on: dt.date) -> None: ...

    def add(self, contacts: pd.DataFrame) -> None: ...


@dataclass
class ArmFigures:
    """Running totals of one run (one arm, one seed), in yuan where money."""

    recovered: float = 0.0
    contact_cost: float = 0.0
    commission: float = 0.0
    contacts: int = 0
    reached: int = 0
    right_party_calls: int = 0
    calls: int = 0
    complaints: int = 0
    promises: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    decisions: int = 0
    refused_by_gate: int = 0
    dues_missed: int = 0
    by_action: dict[str, int] = field(default_factory=dict)

    @property
    def net_recovery(self) -> float:
        return self.recovered - self.contact_cost - self.commission


def staffing(catalogue: Catalogue, accounts: int) -> dict[str, tuple[int, int]]:
    """Collectors per human pool for a book of ``accounts`` borrowers: (people, cases each).

    >>> from fairdebt.strategy.catalogue import load_catalogue
    >>> staffing(load_catalogue(screen=False), 20_000)["agent_call"]
    (6, 90)
    """
    out = {}
    for name, pool in catalogue.pools.items():
        if pool.is_human and pool.per_10k_accounts and pool.cases_per_collector:
            people = max(1, round(pool.per_10k_accounts * accounts / 10_000))
            out[name] = (people, pool.cases_per_collector)
    return out


def pool_capacity(catalogue: Catalogue, accounts: int) -> dict[str, int]:
    """Each pool's daily room: gateways as configured, people as staffed."""
    room = {n: p.daily_capacity or 0 for n, p in catalogue.pools.items() if not p.is_human}
    for name, (people, cases) in staffing(catalogue, accounts).items():
        room[name] = people * cases
    return room


class MemoryFacts:
    """The gate's facts from the contacts the simulation has made (the last week of them)."""

    def __init__(self, timezone: NDArray[np.str_]) -> None:
        self.timezone = timezone
        self.days: deque[pd.DataFrame] = deque(maxlen=HISTORY_DAYS)
        self.today: list[pd.DataFrame] = []

    def start_day(self, on: dt.date) -> None:
        """Start a new day: yesterday's contacts join the history."""
        if self.today:
            self.days.append(pd.concat(self.today, ignore_index=True))
        else:
            self.days.append(_empty_history())
        self.today = []

    def add(self, contacts: pd.DataFrame) -> None:
        self.today.append(as_history(contacts))

    def history(self, borrower_ids: np.ndarray) -> pd.DataFrame:
        frames = [*self.days, *self.today]
        if not frames:
            return _empty_history()
        every = pd.concat(frames, ignore_index=True)
        return every[np.isin(every["debtor_id"].to_numpy(), borrower_ids)]

    def debtors(self, borrower_ids: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({"debtor_id": borrower_ids, "timezone": self.timezone[borrower_ids]})


def _empty_history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "debtor_id": pd.Series(dtype=np.int64),
            "at": pd.Series(dtype="datetime64[ns, UTC]"),
            "channel": pd.Series(dtype=object),
            "mode": pd.Series(dtype=object),
            "recipient": pd.Series(dtype=object),
            "by": pd.Series(dtype=object),
            "address": pd.Series(dtype=object),
            "outcome": pd.Series(dtype=object),
        }
    )


def as_history(contacts: pd.DataFrame) -> pd.DataFrame:
    """Contacts made (a contacting frame) as the gate's history table; placements excluded."""
    gated = contacts[contacts["channel"].to_numpy() != "placement"]
    return pd.DataFrame(
        {
            "debtor_id": gated["borrower"].to_numpy(),
            "at": utc_index(gated["at"]),
            "channel": gated["channel"].to_numpy(),
            "mode": gated["mode"].to_numpy(),
            "recipient": "debtor",
            "by": gated["by"].to_numpy(),
            "address": gated["address"].to_numpy(),
            "outcome": gated["outcome"].to_numpy(),
        }
    )


def _worst_dpd(due: IntArray, paid_on: IntArray, day: int, window: int) -> IntArray:
    """Worst close-of-day dpd over the ``window`` days before ``day``, from slot dates.

    A slot is the oldest overdue one from the close after its due until the close before it
    was paid, so the worst dpd is reached the evening before a payment or yesterday.
    """
    last = np.minimum(paid_on - 1, day - 1)
    value = last - due
    counts = (due < NO_DUE) & (value >= 1) & (last >= day - window)
    return np.asarray(np.where(counts, value, 0).max(axis=1, initial=0), dtype=np.int64)


class SimCollections:
    """The champion (or any policy) collecting on the simulated portfolio, day by day."""

    def __init__(
        self,
        portfolio: Portfolio,
        *,
        policy: Policy,
        catalogue: Catalogue,
        settings: PlanSettings | None = None,
        sink: Sink | None = None,
        facts: Facts | None = None,
        audit_gate: bool = False,
        plan_policy: PlanPolicy | None = None,
        offers: Offers | None = None,
    ) -> None:
        self.portfolio = portfolio
        self.book = portfolio.book
        self.policy = policy
        self.catalogue = catalogue
        self.settings = settings or PlanSettings()
        self.sink = sink
        pop = portfolio.population
        self.phone = np.char.add("+86", pop.phone.astype(str)).astype(object)
        self.facts: Facts = facts if facts is not None else MemoryFacts(pop.timezone)
        self.capacity = pool_capacity(catalogue, len(pop))
        self.figures: dict[str, ArmFigures] = {}
        self.log: list[pd.DataFrame] = []
        self.keep_log = audit_gate
        self.timings: dict[str, float] = {}
        size = len(pop)
        self.last_reach_day = np.full(size, -999, dtype=np.int64)
        self.last_rpc_day = np.full(size, -999, dtype=np.int64)
        self.recent_attempts: deque[tuple[IntArray, IntArray]] = deque(maxlen=7)
        self.payments: deque[IntArray] = deque(maxlen=90)
        self.loan_size = 0
        self.placed_on = np.zeros(0, dtype=np.int64)
        self.last_payment = np.zeros(0, dtype=np.int64)
        self.promise_due = np.zeros(0, dtype=np.int64)
        self.promise_made = np.zeros(0, dtype=np.int64)
        self.promise_amount = np.zeros(0)
        self.promise_paid = np.zeros(0)
        self.promise_arm = np.zeros(0, dtype=object)
        self.broken_on: list[tuple[IntArray, int]] = []
        self.arm_of_loan = np.zeros(0, dtype=object)
        # Repayment plans: offered by the lender's policy, taken and kept as the world says.
        self.plan_policy = plan_policy or load_plan_policy()
        self.plans = SimPlans(portfolio.book.response.world, grace_days=self.plan_policy.grace_days)
        self.book.plans = self.plans
        self.offers: Offers = offers or PaperOffers(self.book, self.plan_policy, portfolio.start_on)

    # -- bookkeeping ------------------------------------------------------------------------

    def _grow(self) -> None:
        n = self.book.n
        if n <= self.loan_size:
            return
        extra = n - self.loan_size
        self.placed_on = np.r_[self.placed_on, np.full(extra, -1, np.int64)]
        self.last_payment = np.r_[self.last_payment, self.book.disbursed[self.loan_size : n]]
        self.promise_due = np.r_[self.promise_due, np.full(extra, -1, np.int64)]
        self.promise_made = np.r_[self.promise_made, np.full(extra, -1, np.int64)]
        self.promise_amount = np.r_[self.promise_amount, np.zeros(extra)]
        self.promise_paid = np.r_[self.promise_paid, np.zeros(extra)]
        self.promise_arm = np.r_[self.promise_arm, np.full(extra, None, dtype=object)]
        self.arm_of_loan = np.r_[self.arm_of_loan, np.full(extra, None, dtype=object)]
        self.loan_size = n

    def _arm(self, name: str) -> ArmFigures:
        return self.figures.setdefault(name, ArmFigures())

    # -- the state a policy sees ------------------------------------------------------------

    def state(self, day: int) -> pd.DataFrame:
        """The accounts eligible for a decision on the morning of ``day``."""
        book = self.book
        live = np.flatnonzero(book.status[: book.n] == ACTIVE)
        oldest = book.oldest_due(live)
        dpd = day - oldest
        keep = (dpd >= 1) | ((dpd <= 0) & (dpd >= -REMINDER_DAYS))
        loans, dpd = live[keep], dpd[keep]
        borrower = book.borrower[loans]
        slots = np.arange(MAX_TERM)
        paid = book.paid[loans]
        overdue_slots = ((book.due[loans] < day) & (slots[None, :] >= paid[:, None])).sum(axis=1)
        amount = np.where(dpd >= 1, overdue_slots, 1) * book.instalment[loans]
        repaid = (book.principal_due[loans] * (book.paid_on[loans] < day)).sum(axis=1)
        recent = np.concatenate(list(self.payments)) if self.payments else np.zeros(0, np.int64)
        payments_90 = np.bincount(recent, minlength=book.n)[loans] if book.n else recent
        att_b = [a for a, _ in self.recent_attempts]
        reach_b = [b[r.astype(bool)] for b, r in ((a, r) for a, r in self.recent_attempts)]
        contacts_7 = _count(att_b, len(self.book.population))[borrower]
        reached_7 = _count(reach_b, len(self.book.population))[borrower]
        broken = _count([b for b, d in self.broken_on if d >= day - 180], book.n)[loans]
        frame = pd.DataFrame(
            {
                "loan_id": loans,
                "borrower_id": borrower,
                "stage": stage_of(dpd),
                "dpd": dpd,
                "amount_due": np.round(amount, 2),
                "balance": np.round(book.principal[loans] - repaid, 2),
                "worst_dpd_90": _worst_dpd(book.due[loans], book.paid_on[loans], day, 90),
                "payments_90": payments_90,
                "days_since_payment": day - self.last_payment[loans],
                "months_on_book": (day - book.disbursed[loans]) // 30,
                "promise_open": self.promise_due[loans] >= day,
                "promises_broken": broken,
                "contacts_7": contacts_7,
                "reached_7": reached_7,
                "days_since_rpc": np.minimum(day - self.last_rpc_day[borrower], 999),
                "is_placed": self.placed_on[loans] >= 0,
                "is_held": np.zeros(loans.size, dtype=bool),
                "timezone": self.book.population.timezone[borrower].astype(object),
            }
        )
        frame["score"] = behaviour_score(frame)
        frame["address"] = self.phone[borrower]
        return frame

    # -- the day ----------------------------------------------------------------------------

    def _gate(self, attempts: pd.DataFrame) -> np.ndarray:
        history = self.facts.history(np.unique(attempts["borrower"].to_numpy()))
        answer = check_batch(
            pd.DataFrame(
                {
                    "debtor_id": attempts["borrower"].to_numpy(),
                    "at": pd.DatetimeIndex(attempts["at"].to_numpy(np.int64)).tz_localize("UTC"),
                    "channel": attempts["channel"].to_numpy(),
                    "mode": attempts["mode"].to_numpy(),
                    "by": attempts["by"].to_numpy(),
                    "address": attempts["address"].to_numpy(),
                }
            ),
            history,
            self.facts.debtors(np.unique(attempts["borrower"].to_numpy())),
            self.settings.pack,
        )
        return np.asarray(answer["allowed"].to_numpy(), dtype=bool)

    @contextmanager
    def _timed(self, phase: str) -> Iterator[None]:
        """CPU seconds by phase of the loop (for the benchmarks' account of the demo)."""
        began = time.process_time()
        yield
        self.timings[phase] = self.timings.get(phase, 0.0) + time.process_time() - began

    def act(self, day: int) -> None:
        self._grow()
        on = self.portfolio.start_on + dt.timedelta(days=day)
        if self.sink is not None:
            with self._timed("lender's morning"):
                self.sink.start_day(day)
        self.facts.start_day(on)
        with self._timed("state"):
            state = self.state(day)
        with self._timed("plan"):
            plan = self._plan(on, state)
        if self.sink is not None:
            with self._timed("record plan"):
                self.sink.record_plan(day, plan)

        def made(round_: pd.DataFrame) -> None:
            if self.sink is not None:
                began = time.process_time()
                self.sink.record_contacts(day, round_)
                spent = time.process_time() - began
                self.timings["record contacts"] = self.timings.get("record contacts", 0) + spent
            self.facts.add(round_)

        with self._timed("contacts"):
            contacts = make_contacts(
                self.book, day, plan, self.catalogue, gate=self._gate, on_round=made
            )
        self._after_contacts(day, plan, contacts.frame)
        with self._timed("plans"):
            self._plan_asks(day, plan, contacts.frame)

    def _plan_asks(self, day: int, plan: pd.DataFrame, frame: pd.DataFrame) -> None:
        """Borrowers who asked for the plans get the lender's offers and may take one."""
        asked = frame["plan_ask"].to_numpy(dtype=bool)
        if not asked.any():
            return
        decision = frame["decision"].to_numpy()[asked]
        loans, first = np.unique(frame["loan"].to_numpy(np.int64)[asked], return_index=True)
        scores = plan["score"].to_numpy(dtype=np.float64)[decision[first]]
        self.plans.consider(self.book, day, loans, scores, self.offers)

    def _plan(self, on: dt.date, state: pd.DataFrame) -> pd.DataFrame:
        plan = plan_day(
            state,
            policy=self.policy,
            catalogue=self.catalogue,
            business_date=on,
            facts=self.facts,
            capacity=self.capacity,
            settings=self.settings,
        )
        return plan

    def _after_contacts(self, day: int, plan: pd.DataFrame, frame: pd.DataFrame) -> None:
        loans = plan["loan_id"].to_numpy()
        self.arm_of_loan[loans] = plan["arm"].to_numpy()
        # What the lender can see: attempts (not placements) and who answered in person.
        made = frame["channel"].to_numpy() != "placement"
        borrower = frame["borrower"].to_numpy()
        reached = frame["reached"].to_numpy(dtype=bool)
        spoke = frame["right_party"].to_numpy() == True  # noqa: E712 (object column)
        self.recent_attempts.append((borrower[made], spoke[made]))
        self.last_rpc_day[borrower[spoke]] = day
        self.last_reach_day[borrower[reached]] = day
        placed = frame["loan"].to_numpy()[frame["action"].to_numpy() == "agency_placement"]
        self.placed_on[placed] = day
        promised = frame["promise_due"].to_numpy() >= 0
        p_loans = frame["loan"].to_numpy()[promised]
        self.promise_due[p_loans] = frame["promise_due"].to_numpy()[promised]
        self.promise_made[p_loans] = day
        self.promise_amount[p_loans] = frame["amount_due"].to_numpy()[promised]
        self.promise_paid[p_loans] = 0.0
        self.promise_arm[p_loans] = self.arm_of_loan[p_loans]
        for arm in np.unique(plan["arm"].to_numpy()):
            figures = self._arm(str(arm))
            rows = plan["arm"].to_numpy() == arm
            figures.decisions += int(rows.sum())
            figures.refused_by_gate += int((plan["status"].to_numpy()[rows] == "refused").sum())
            in_arm = np.isin(frame["decision"].to_numpy(), np.flatnonzero(rows))
            sub = frame[in_arm]
            figures.contacts += len(sub)
            figures.reached += int(sub["reached"].sum())
            calls = sub["channel"].to_numpy() == "call"
            figures.calls += int(calls.sum())
            figures.right_party_calls += int((sub["right_party"].to_numpy()[calls] == True).sum())  # noqa: E712
            figures.complaints += int(sub["complaint"].sum())
            figures.promises += int((sub["promise_due"].to_numpy() >= 0).sum())
            figures.contact_cost += float(sub["cost"].sum())
            for code, count in sub["action"].value_counts().items():
                figures.by_action[str(code)] = figures.by_action.get(str(code), 0) + int(count)
        if self.keep_log:
            self.log.append(frame.assign(day=day))

    def settle(self, day: int, payments: DayPayments) -> None:
        self._grow()
        book = self.book
        self.payments.append(payments.loan.copy())
        self.last_payment[payments.loan] = day
        late = payments.late
        arms = self.arm_of_loan[payments.loan]
        placed = self.placed_on[payments.loan] >= 0
        commission_rate = self.catalogue.actions["agency_placement"].commission
        for arm in np.unique(arms[late].astype(str)):
            sel = late & (arms.astype(str) == arm)
            figures = self._arm(arm)
            figures.recovered += float(payments.amount[sel].sum())
            figures.commission += float(payments.amount[sel & placed].sum() * commission_rate)
        # Placements end when the account is no longer late.
        open_promise = self.promise_due[payments.loan] >= self.promise_made[payments.loan]
        np.add.at(self.promise_paid, payments.loan[open_promise], payments.amount[open_promise])
        self._settle_promises(day)
        cured = book.status[: book.n] != ACTIVE
        if self.sink is not None:
            # Recalled from the next day, so the agency earns on today's payment.
            self.sink.record_recalls(
                day + 1, np.flatnonzero(cured & (self.placed_on[: book.n] >= 0))
            )
        self.placed_on[: book.n][cured] = -1

    def _settle_promises(self, day: int) -> None:
        open_ = np.flatnonzero(self.promise_due >= 0)
        kept = self.promise_paid[open_] >= self.promise_amount[open_] - 0.5
        due = self.promise_due[open_] <= day
        done = open_[kept | due]
        status = np.where(
            kept[kept | due],
            "kept",
            np.where(self.promise_paid[done] > 0, "partly_kept", "broken"),
        )
        for arm in np.unique(self.promise_arm[done].astype(str)):
            sel = self.promise_arm[done].astype(str) == arm
            figures = self._arm(arm)
            figures.promises_kept += int((status[sel] == "kept").sum())
            figures.promises_broken += int((status[sel] != "kept").sum())
        broken = done[status != "kept"]
        if broken.size:
            self.broken_on.append((broken, day))
        self.promise_due[done] = -1
        # A settled promise stops adding its commitment to the repayment intensity.
        self.book.response.promise_until[done] = -1


def _count(groups: list[IntArray], size: int) -> IntArray:
    if not groups:
        return np.zeros(size, dtype=np.int64)
    return np.bincount(np.concatenate(groups).astype(np.int64), minlength=size)
