"""How simulated borrowers borrow and repay: a vectorised model stepped one business day at a time.

Each borrower carries latent ability and willingness to pay; idiosyncratic income shocks come and
go, and some borrowers were already in distress the approval could not see, which strikes a few
weeks after disbursement (mostly on 12-month loans, chosen for their low instalment); a shared
macro factor moves every account a little. On a due date a current account misses
with a logistic probability of those drivers (``miss``). A delinquent account repays with a
self-exciting (Hawkes-like) intensity, as suggested by Chehrazi & Weber (2015): a base rate that
decays with days past due toward a floor, plus excitation that jumps after each payment and decays
back. A repayment event either clears all arrears (a cure) or pays the oldest due only. Roll rates,
the 30-day collection rate and the 90+ stock are outputs of these few parameters, calibrated
against ../shared/calibration.md rows 25-31 (see ``benchmarks/calibration.py``).

:class:`Book` is the simulator's mirror of the portfolio: plain numpy columns per loan and per
installment slot, grown as loans are originated. It decides who pays what kind of payment each
day; amounts always come from the ledger. Loops run over days, never over loans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from fairdebt.keyed import Keyed
from fairdebt.simulation.population import Population

if TYPE_CHECKING:
    from fairdebt.simulation.plans import SimPlans
    from fairdebt.simulation.response import Response

__all__ = [
    "CURE",
    "DUE",
    "MAX_TERM",
    "NO_DUE",
    "PARTIAL",
    "PLAN",
    "TOKEN",
    "UNDER_PLAN",
    "BehaviourParams",
    "Book",
    "DayPayments",
    "ScenarioEffects",
    "annuity_schedule",
    "due_days",
    "sigmoid",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# Payment kinds: an on-time due, all arrears, the oldest due only, part of the oldest due,
# an instalment of a repayment plan.
DUE, CURE, PARTIAL, TOKEN, PLAN = 0, 1, 2, 3, 4
MAX_TERM = 12
NO_DUE = 10**9  # the day of an installment slot beyond the loan's term
# UNDER_PLAN: a repayment plan is in force (held from collections; its own instalments only).
ACTIVE, CLOSED, CHARGED_OFF, UNDER_PLAN = 1, 2, 3, 4


_NO_LOANS = np.zeros(0, dtype=np.int64)


def sigmoid(x: FloatArray) -> FloatArray:
    """The logistic function, elementwise.

    >>> float(sigmoid(np.array([0.0]))[0])
    0.5
    """
    return np.asarray(1.0 / (1.0 + np.exp(-x)), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class BehaviourParams:
    """The calibrated parameters; defaults reproduce calibration.md rows 25-31."""

    # Logit of missing a due for an average, unshocked borrower. -3.1 since the collection
    # loop: the champion's pre-due reminders prevent forgetful misses, and at -3.3 day-1
    # delinquency under the champion fell below row 25's 4-5 % (3.7 %).
    miss_intercept: float = -3.1
    miss_risk: float = 0.85  # per sd of latent risk
    miss_first_due: float = 0.0  # first dues are missed more often (thin history, fraud)
    shock_monthly_rate: float = 0.001  # chance per month of an income shock starting
    shock_mean_days: float = 365.0
    shock_miss: float = 3.2  # logit added while shocked
    shock_cure: float = -9.0  # log-intensity added while shocked
    # Distress the approval could not see: a share of new loans' borrowers start an income
    # shock a few weeks after disbursement, so defaults come early in a loan's life (concave
    # vintage curves) when little of its principal has been repaid.
    early_shock_share: float = 0.15
    early_shock_after_days: int = 28  # the shock starts this many days after disbursement ...
    early_shock_mean_days: float = 20.0  # ... plus a geometric wait with this mean
    early_shock_tenor_power: float = 4.0  # chance ∝ (term / 12) ** this
    cure_base: float = 0.10  # daily repayment intensity at dpd 1, average borrower, no contact
    cure_willingness: float = 0.75  # log-intensity per sd of willingness
    cure_ability: float = 0.35
    cure_decay_days: float = 10.0  # the intensity decays from its dpd-1 level ...
    # ... toward this share of it (λ∞ / λ₀); 0.0003 since the simulator runs repayment plans
    # (plans take late accounts out of the 90+ stock, which then fell below row 27's 2 %).
    cure_floor: float = 0.0003
    excite_jump: float = 0.02  # intensity added by each repayment (Hawkes self-excitation)
    excite_decay: float = 0.10  # per day
    cure_share_early: float = 0.92  # share of repayment events that clear all arrears at dpd 1
    cure_share_late: float = 0.2  # ... and late (dpd >> 30); 0.3 before plans (see cure_floor)
    macro_sd: float = 0.10  # monthly innovation of the shared macro factor (logit units)
    macro_persistence: float = 0.7
    grace_cure_boost: float = 0.6  # extra daily intensity inside a product's grace days
    charge_off_days: int = 180
    repeat_probability: float = 0.6  # a borrower who repaid well borrows again ...
    repeat_gap_days: float = 25.0  # ... after about this many days
    repeat_amount_growth: float = 1.2


@dataclass(slots=True)
class ScenarioEffects:
    """Shifts a scenario applies to behaviour, from day ``from_day`` (inclusive)."""

    from_day: int = 10**9
    miss_shift: float = 0.0  # logit added to missing a due
    cure_shift: float = 0.0  # log-intensity added to repaying when delinquent
    province_index: int | None = None  # restrict to borrowers of one province
    # Loans on products with grace days: extra misses that are paid inside the grace window.
    grace_miss_shift: float = 0.0


@dataclass(frozen=True, slots=True)
class DayPayments:
    """The payments borrowers decide to make on one day: mirror loan indices and kinds."""

    loan: IntArray
    kind: IntArray
    # For PARTIAL and TOKEN: the installment slot (0-based seq) being paid.
    slot: IntArray
    # The share of the chosen amount paid: 1 except for TOKEN payments.
    fraction: FloatArray
    # The mirror's estimate of the amount (instalments at their scheduled size, no penalty):
    # what a paper run counts as paid; the database run posts the ledger's own amounts.
    amount: FloatArray
    # Whether the loan was past due before the payment (collections, not on-time dues).
    late: BoolArray


def due_days(disbursed: NDArray[np.datetime64], term: IntArray) -> NDArray[np.datetime64]:
    """Monthly due dates on the disbursement day-of-month, clamped to month end; NaT padding.

    >>> due_days(np.array(["2025-01-31"], dtype="M8[D]"), np.array([3]))[0, :4].astype(str)
    array(['2025-02-28', '2025-03-31', '2025-04-30', 'NaT'], dtype='<U28')
    """
    d = disbursed.astype("M8[D]")
    month = d.astype("M8[M]")
    dom = (d - month.astype("M8[D]")).astype(np.int64)
    k = np.arange(1, MAX_TERM + 1)
    target = month[:, None] + k[None, :].astype("m8[M]")
    last = ((target + np.timedelta64(1, "M")).astype("M8[D]") - target.astype("M8[D]")).astype(
        np.int64
    )
    out = target.astype("M8[D]") + np.minimum(dom[:, None], last - 1).astype("m8[D]")
    return np.where(k[None, :] <= term[:, None], out, np.datetime64("NaT"))


def annuity_schedule(principal: FloatArray, apr: FloatArray, term: IntArray) -> FloatArray:
    """Equal-installment (等额本息) principal parts per slot, shape (n, 12); zero padding.

    >>> annuity_schedule(np.array([1200.0]), np.array([0.0]), np.array([3]))[0, :4].tolist()
    [400.0, 400.0, 400.0, 0.0]
    """
    r = apr / 12.0
    k = np.arange(MAX_TERM)
    safe_r = np.where(r > 0, r, 1.0)
    pay = np.where(r > 0, principal * safe_r / (1 - (1 + safe_r) ** -term), principal / term)
    # Principal part of payment k+1 in an annuity: pay·(1+r)^-(n-k).
    part = np.where(
        r[:, None] > 0,
        pay[:, None] * (1 + safe_r[:, None]) ** -(term[:, None] - k[None, :]),
        (principal / term)[:, None],
    )
    return np.where(k[None, :] < term[:, None], part, 0.0)


def _grow(array: NDArray[np.generic], size: int) -> NDArray[np.generic]:
    out = np.zeros((size, *array.shape[1:]), dtype=array.dtype)
    out[: array.shape[0]] = array
    return out


@dataclass
class Book:
    """The simulator's mirror of loans and installments, in days since the simulation start."""

    params: BehaviourParams
    population: Population
    macro: FloatArray  # macro factor per day
    keyed: Keyed
    response: Response
    effects: list[ScenarioEffects] = field(default_factory=list)
    n: int = 0
    borrower: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    # A loan's key for keyed draws: borrower × 64 + the borrower's loan number (stable across
    # strategy arms even when repeat borrowing differs).
    key: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    instalment: FloatArray = field(default_factory=lambda: np.zeros(0))  # scheduled payment
    apr: FloatArray = field(default_factory=lambda: np.zeros(0))  # the contract's annual rate
    disbursed: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    grace: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    term: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    principal: FloatArray = field(default_factory=lambda: np.zeros(0))
    due: IntArray = field(default_factory=lambda: np.zeros((0, MAX_TERM), np.int64))
    principal_due: FloatArray = field(default_factory=lambda: np.zeros((0, MAX_TERM)))
    paid: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))  # dues paid, in order
    paid_on: IntArray = field(default_factory=lambda: np.zeros((0, MAX_TERM), np.int64))
    m3_entry: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))  # first day dpd 61
    # Dues that fell on a current loan and were missed: the day-1 delinquency entries (入催).
    entered: BoolArray = field(default_factory=lambda: np.zeros((0, MAX_TERM), np.bool_))
    fell_current: BoolArray = field(default_factory=lambda: np.zeros((0, MAX_TERM), np.bool_))
    status: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    max_dpd: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    excite: FloatArray = field(default_factory=lambda: np.zeros(0))
    shocked_until: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    shocked_from: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    # Loans the mirror charged off on the last day stepped.
    charged_today: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    # Token payments (loan, day, principal-equivalent amount), kept for paper metrics only.
    token_log: list[tuple[IntArray, IntArray, FloatArray]] = field(default_factory=list)
    # Repayment plans in force and their instalments (set by the collection loop).
    plans: SimPlans | None = None

    def __post_init__(self) -> None:
        self.shocked_until = np.full(len(self.population), -1, dtype=np.int64)
        self.shocked_from = np.full(len(self.population), -1, dtype=np.int64)

    # -- origination -------------------------------------------------------------------------

    def add_loans(
        self,
        *,
        borrower: IntArray,
        day: int,
        term: IntArray,
        principal: FloatArray,
        grace: IntArray,
        due: IntArray,
        principal_due: FloatArray,
        repeat: IntArray,
        instalment: FloatArray,
        apr: FloatArray | None = None,
    ) -> IntArray:
        """Append new loans (``due`` in days, NO_DUE padded); return their mirror indices.

        ``repeat`` counts each borrower's earlier loans (the loan's key); ``instalment`` is
        the scheduled payment. A share of the borrowers carry a hidden income shock that
        starts a few weeks after disbursement (``early_shock_share``).
        """
        k = borrower.size
        if self.n + k > self.borrower.shape[0]:
            size = max(2 * self.borrower.shape[0], self.n + k, 1024)
            for name in (
                "borrower",
                "key",
                "instalment",
                "apr",
                "disbursed",
                "grace",
                "term",
                "principal",
                "due",
                "principal_due",
                "paid",
                "paid_on",
                "m3_entry",
                "entered",
                "fell_current",
                "status",
                "max_dpd",
                "excite",
            ):
                setattr(self, name, _grow(getattr(self, name), size))
        idx = np.arange(self.n, self.n + k)
        self.response.grow(self.borrower.shape[0])
        self.borrower[idx] = borrower
        self.key[idx] = borrower * 64 + np.minimum(repeat, 63)
        self.instalment[idx] = instalment
        self.apr[idx] = 0.0 if apr is None else apr
        self.disbursed[idx] = day
        self.grace[idx] = grace
        self.term[idx] = term
        self.principal[idx] = principal
        self.due[idx] = due
        self.principal_due[idx] = principal_due
        self.paid[idx] = 0
        self.paid_on[idx] = NO_DUE
        self.m3_entry[idx] = NO_DUE
        self.entered[idx] = False
        self.fell_current[idx] = False
        self.status[idx] = ACTIVE
        self.max_dpd[idx] = 0
        self.excite[idx] = 0.0
        # Approval checks income: nobody borrows in the middle of an income shock.
        self.shocked_until[borrower] = np.minimum(self.shocked_until[borrower], day - 1)
        p = self.params
        if p.early_shock_share > 0:
            # Distressed applicants ask for the longest tenor (the lowest instalment).
            chance = p.early_shock_share * (term / MAX_TERM) ** p.early_shock_tenor_power
            keys = self.key[idx]
            is_hidden = self.keyed.uniforms(6, keys) < chance
            hidden, hidden_keys = borrower[is_hidden], keys[is_hidden]
            wait = self.keyed.geometrics(1 / p.early_shock_mean_days, 7, hidden_keys)
            start = day + p.early_shock_after_days + wait
            length = self.keyed.exponentials(p.shock_mean_days, 8, hidden_keys).astype(np.int64)
            self.shocked_from[hidden] = start
            self.shocked_until[hidden] = start + length
        self.n += k
        return idx

    # -- the day's decisions -----------------------------------------------------------------

    def _shifts(self, day: int, loans: IntArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        miss = np.zeros(loans.size)
        cure = np.zeros(loans.size)
        grace_miss = np.zeros(loans.size)
        for effect in self.effects:
            if day < effect.from_day:
                continue
            hit = np.ones(loans.size, dtype=bool)
            if effect.province_index is not None:
                hit = self.population.province_index[self.borrower[loans]] == effect.province_index
            miss += np.where(hit, effect.miss_shift, 0.0)
            cure += np.where(hit, effect.cure_shift, 0.0)
            grace_miss += np.where(self.grace[loans] > 0, effect.grace_miss_shift, 0.0)
        return miss, cure, grace_miss

    def shocked(self, borrower: IntArray, day: int) -> BoolArray:
        return (self.shocked_from[borrower] <= day) & (self.shocked_until[borrower] >= day)

    def miss_probability(self, day: int, loans: IntArray) -> FloatArray:
        """P(a current loan misses the due falling on ``day``), before fraud."""
        p, pop = self.params, self.population
        b = self.borrower[loans]
        miss_shift, _, grace_miss = self._shifts(day, loans)
        logit = (
            p.miss_intercept
            + p.miss_risk * pop.risk[b]
            + p.miss_first_due * (self.paid[loans] == 0)
            + p.shock_miss * self.shocked(b, day)
            + self.macro[day]
            + miss_shift
            + grace_miss
        )
        return sigmoid(logit) * self.response.miss_factor(day, loans)

    def repay_intensity(self, day: int, loans: IntArray, dpd: IntArray) -> FloatArray:
        """Daily repayment intensity of delinquent loans (zero for fraud)."""
        p, pop = self.params, self.population
        b = self.borrower[loans]
        _, cure_shift, _ = self._shifts(day, loans)
        log_level = (
            p.cure_willingness * pop.willingness[b]
            + p.cure_ability * pop.ability[b]
            + p.shock_cure * self.shocked(b, day)
            - self.macro[day]
            + cure_shift
        )
        shape = p.cure_floor + (1 - p.cure_floor) * np.exp(-(dpd - 1) / p.cure_decay_days)
        grace = np.where(dpd <= self.grace[loans], p.grace_cure_boost, 0.0)
        lam = p.cure_base * np.exp(log_level) * shape + self.excite[loans] + grace
        # Contact and promises add to (sleeping dogs: take from) the repayment intensity, as
        # far as the borrower can pay: pressed hard, a borrower whose income has gone may
        # scrape together one due (never all arrears: see step), no more.
        able = np.where(self.shocked(b, day), self.response.world.shock_treatment, 1.0)
        lam = np.maximum(lam + self.response.intensity(day, loans) * able, 0.0)
        return np.where(pop.is_fraud[b], 0.0, lam)

    def oldest_due(self, loans: IntArray) -> IntArray:
        """The day of each loan's oldest unpaid due (NO_DUE when all are paid)."""
        slot = np.minimum(self.paid[loans], MAX_TERM - 1)
        return np.where(self.paid[loans] < self.term[loans], self.due[loans, slot], NO_DUE)

    def _shocks(self, day: int) -> None:
        p = self.params
        ids = np.arange(len(self.population))
        onset = self.keyed.uniforms(1, day, ids) < p.shock_monthly_rate / 30.0
        length = self.keyed.exponentials(p.shock_mean_days, 2, day, ids).astype(np.int64)
        idle = self.shocked_until < day
        self.shocked_from = np.where(onset & idle, day, self.shocked_from)
        self.shocked_until = np.where(onset & idle, day + length, self.shocked_until)

    def _tokens(
        self, day: int, late: IntArray, dpd: IntArray, event: BoolArray
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """Part payments of the oldest due by debtors 31+ dpd: mostly on a day they are pressed."""
        world = self.response.world
        b = self.borrower[late]
        willing = np.exp(0.5 * self.population.willingness[b])
        eligible = (dpd > 30) & ~event & ~self.population.is_fraud[b]
        rate = (
            world.token_autonomous
            + world.token_on_contact * self.response.pressed_today(day, late)
            + self.response.plan_tokens(day, late) * self.shocked(b, day)
        )
        draw = self.keyed.uniforms(4, day, self.key[late])
        token = late[eligible & (draw < rate * willing)]
        fraction = np.round(0.2 + 0.5 * self.keyed.uniforms(5, day, self.key[token]), 2)
        return token, self.paid[token].copy(), fraction

    def step(self, day: int) -> DayPayments:
        """Advance one day: shocks, who pays (and how), charge-offs; update the mirror.

        Contacts made earlier on ``day`` (through :class:`~fairdebt.simulation.response.
        Response`) already count: they change today's chance of missing a due and of repaying.
        """
        p = self.params
        self._shocks(day)
        live = np.flatnonzero(self.status[: self.n] == ACTIVE)
        self.excite[live] *= np.exp(-p.excite_decay)
        oldest = self.oldest_due(live)
        u = self.keyed.uniforms(3, day, self.key[live])  # one draw per live loan and day

        due_now = live[oldest == day]
        miss = self.miss_probability(day, due_now)
        fraud = self.population.is_fraud[self.borrower[due_now]]
        missed = (u[oldest == day] < miss) | fraud
        pays_due = due_now[~missed]
        now_slot = self.paid[due_now]
        self.fell_current[due_now, now_slot] = True
        self.entered[due_now[missed], now_slot[missed]] = True

        late_mask = oldest < day
        late = live[late_mask]
        dpd = day - oldest[late_mask]
        self.max_dpd[late] = np.maximum(self.max_dpd[late], dpd)
        entering = late[dpd == 61]
        self.m3_entry[entering] = np.minimum(self.m3_entry[entering], day)
        lam = self.repay_intensity(day, late, dpd)
        u_late = u[late_mask]
        # A borrower keeping a promise pays what was promised (all arrears) today.
        promised = self.response.pays_promise(day, late)
        event = (u_late < 1 - np.exp(-lam)) | promised
        share = p.cure_share_late + (p.cure_share_early - p.cure_share_late) * np.exp(-dpd / 30)
        # Reuse the same uniform, rescaled, to split events into cures and partials.
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.where(event & ~promised, u_late / (1 - np.exp(-lam)), 0.0)[event]
        payers = late[event]
        # A borrower in an income shock pays the oldest due at most, never every arrear.
        is_cure = (v < share[event]) & ~self.shocked(self.borrower[late[event]], day)
        cured = payers[is_cure]
        partial = payers[~is_cure]
        partial_slot = self.paid[partial].copy()
        before = self.paid[payers].copy()
        token, token_slot, token_fraction = self._tokens(day, late, dpd, event)
        self.token_log.append(
            (
                token,
                np.full(token.size, day),
                token_fraction * self.principal_due[token, token_slot],
            )
        )
        self.paid[pays_due] += 1
        self.paid[partial] += 1
        self.paid[cured] = (self.due[cured] <= day).sum(axis=1)
        self._mark_paid(pays_due, self.paid[pays_due] - 1, self.paid[pays_due], day)
        self._mark_paid(payers, before, self.paid[payers], day)
        self.excite[payers] += p.excite_jump

        charged = late[(dpd >= p.charge_off_days) & ~event]
        self.status[charged] = CHARGED_OFF
        self.charged_today = charged
        done = live[self.paid[live] >= self.term[live]]
        self.status[done] = CLOSED
        # Plan instalments (loans under a plan were not live above).
        plan_loan, plan_amount = (
            self.plans.step(day, self) if self.plans is not None else (_NO_LOANS, np.zeros(0))
        )

        loans = np.concatenate([pays_due, cured, partial, token, plan_loan])
        kinds = np.concatenate(
            [
                np.full(pays_due.size, DUE),
                np.full(cured.size, CURE),
                np.full(partial.size, PARTIAL),
                np.full(token.size, TOKEN),
                np.full(plan_loan.size, PLAN),
            ]
        )
        slots = np.concatenate(
            [
                np.full(pays_due.size + cured.size, -1),
                partial_slot,
                token_slot,
                np.full(plan_loan.size, -1),
            ]
        )
        fraction = np.concatenate(
            [
                np.ones(loans.size - token.size - plan_loan.size),
                token_fraction,
                np.ones(plan_loan.size),
            ]
        )
        count = np.concatenate(
            [
                np.ones(pays_due.size),
                (self.paid[cured] - before[is_cure]).astype(np.float64),
                np.ones(partial.size),
                np.ones(token.size),
            ]
        )
        regular = loans[: loans.size - plan_loan.size]
        amount = np.concatenate(
            [count * fraction[: regular.size] * self.instalment[regular], plan_amount]
        )
        is_late = np.concatenate(
            [
                np.zeros(pays_due.size, bool),
                np.ones(cured.size + partial.size + token.size + plan_loan.size, bool),
            ]
        )
        order = np.argsort(loans, kind="stable")
        return DayPayments(
            loan=loans[order],
            kind=kinds[order],
            slot=slots[order],
            fraction=fraction[order],
            amount=amount[order],
            late=is_late[order],
        )

    def _mark_paid(self, loans: IntArray, lo: IntArray, hi: IntArray, day: int) -> None:
        k = np.arange(MAX_TERM)
        hit = (k[None, :] >= lo[:, None]) & (k[None, :] < hi[:, None])
        rows = self.paid_on[loans]
        rows[hit] = day
        self.paid_on[loans] = rows

    def closed_on(self, day: int, loans: IntArray) -> IntArray:
        """Of ``loans`` paid on ``day``, those now closed in good standing (max dpd < 30)."""
        ok = (self.status[loans] == CLOSED) & (self.max_dpd[loans] < 30)
        return np.asarray(loans[ok], dtype=np.int64)

    def charge_off(self, loans: IntArray) -> None:
        """Mark loans the ledger charged off, if the mirror had not already."""
        self.status[loans] = CHARGED_OFF
