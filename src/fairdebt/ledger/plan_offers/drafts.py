"""Drafting plan offers: pure functions from what a loan owes and the policy to candidate plans.

A :class:`Position` is what a loan owes on a business date; :func:`make_drafts` turns it and the
limits of the matching policy rule into :class:`Draft` plans, one per kind and term (or discount):
instalment plans and extensions re-schedule what is owed at the loan's own rate, an interest
freeze (停息挂账 / 个性化分期) at none, a penalty waiver forgives penalties if the arrears are
paid by a date, a settlement forgives a discount if the rest is paid. :func:`capacity` is what
the borrower can pay a month, :func:`recovery` the chance of completing a plan and the money it
is expected to bring (docs/decisions/plan-offers.md). The verbs in
:mod:`fairdebt.ledger.plan_offers.offering` read the position, check the cost cap and write.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_DOWN, Decimal

from fairdebt.ledger.plan_offers.policy import Affordability, KindLimits, PlanRule
from fairdebt.ledger.schedules import add_months, build_schedule
from fairdebt.models import PlanKind
from fairdebt.money import CENT, ZERO, split_evenly, to_money

__all__ = ["Draft", "Position", "capacity", "effective_limits", "make_drafts", "recovery"]

Flow = tuple[dt.date, Decimal]


@dataclass(frozen=True, slots=True)
class Position:
    """What a loan owes on ``business_date`` (amounts to the cent)."""

    loan_id: int
    business_date: dt.date
    annual_rate: Decimal
    method: str
    owed_amount: Decimal  # the payoff: principal left plus charges already due
    principal_amount: Decimal  # principal left
    overdue_amount: Decimal  # everything due on or before the date
    penalty_amount: Decimal  # penalties still owed
    remaining_months: int  # dues still to fall, at least 1
    contract_amount: Decimal  # everything still owed under the contract, future interest too
    future_dues: tuple[Flow, ...]  # what each due after the date still asks


@dataclass(frozen=True, slots=True)
class Draft:
    """One candidate plan: what the borrower would pay, and when (``flows``: everything from
    the date on, the plan's own ``instalments`` and, after a waiver, the loan's own dues)."""

    kind: str
    code: str
    term_months: int
    plan_rate: Decimal
    instalments: tuple[Flow, ...]
    flows: tuple[Flow, ...]
    forgiven_amount: Decimal
    needs_exception: bool = False

    @property
    def total_amount(self) -> Decimal:
        return sum((a for _, a in self.flows), ZERO)

    @property
    def largest_instalment(self) -> Decimal:
        return max((a for _, a in self.instalments), default=ZERO)


def capacity(
    *,
    income: Decimal | None,
    obligations: Decimal | None,
    declared: Decimal | None,
    affordability: Affordability,
) -> Decimal | None:
    """What the borrower can pay a month: the policy's share of income left after obligations and
    living costs, and no more than they declare; None when neither is known.

    >>> from fairdebt.ledger.plan_offers.policy import Affordability as A
    >>> rule = A(Decimal("0.5"), Decimal("1500"), Decimal("50"))
    >>> capacity(income=Decimal("8000"), obligations=Decimal("2500"), declared=None,
    ...          affordability=rule)
    Decimal('2000.00')
    >>> capacity(income=Decimal("8000"), obligations=None, declared=Decimal("600"),
    ...          affordability=rule)
    Decimal('600.00')
    """
    found = [] if declared is None else [to_money(declared)]
    if income is not None:
        left = income - (obligations or ZERO) - affordability.living_cost_amount
        found.append(to_money(max(left, ZERO) * affordability.income_share))
    return min(found) if found else None


def effective_limits(rule: PlanRule, *, exception: bool) -> dict[str, KindLimits]:
    """The rule's limits per kind, widened to its exception's when one is approved."""
    if not exception:
        return dict(rule.kinds)
    wide: dict[str, KindLimits] = {}
    for kind, limits in rule.kinds.items():
        longest = max(limits.max_term_months, rule.exception_max_term_months)
        discount = max(limits.max_discount_share, rule.exception_max_discount_share)
        wide[kind] = replace(
            limits,
            max_term_months=longest,
            terms=tuple(sorted({*limits.terms, longest})) if limits.terms else (),
            max_waiver_share=max(limits.max_waiver_share, rule.exception_max_waiver_share),
            max_discount_share=discount,
            discounts=tuple(sorted({*limits.discounts, discount})) if limits.discounts else (),
        )
    return wide


def _schedule(owed: Decimal, rate: Decimal, term: int, method: str, on: dt.date) -> list[Flow]:
    lines = build_schedule(
        principal_amount=owed, annual_rate=rate, term_months=term, method=method, disbursed_on=on
    )
    return [(line.due_on, line.principal_due + line.interest_due + line.fee_due) for line in lines]


def _rescheduled(
    p: Position, kind: str, code: str, term: int, rate: Decimal, method: str, wide: bool
) -> Draft:
    flows = tuple(_schedule(p.owed_amount, rate, term, method, p.business_date))
    return Draft(kind, code, term, rate, flows, flows, ZERO, wide)


def _instalments(p: Position, limits: KindLimits, base: KindLimits | None) -> list[Draft]:
    top = base.max_term_months if base else 0
    return [
        _rescheduled(
            p, limits.kind, f"{limits.kind}-{n}", n, p.annual_rate, "equal_installment", n > top
        )
        for n in limits.terms
        if n <= limits.max_term_months
    ]


def _freezes(p: Position, limits: KindLimits, base: KindLimits | None) -> list[Draft]:
    top = base.max_term_months if base else 0
    return [
        _rescheduled(p, limits.kind, f"{limits.kind}-{n}", n, ZERO, "equal_installment", n > top)
        for n in limits.terms
        if n <= limits.max_term_months
    ]


def _extensions(p: Position, limits: KindLimits, base: KindLimits | None) -> list[Draft]:
    top = base.max_term_months if base else 0
    return [
        _rescheduled(
            p,
            limits.kind,
            f"{limits.kind}-{e}",
            p.remaining_months + e,
            p.annual_rate,
            p.method,
            p.remaining_months + e > top,
        )
        for e in limits.extra_months
        if p.remaining_months + e <= limits.max_term_months
    ]


def _waivers(p: Position, limits: KindLimits, base: KindLimits | None) -> list[Draft]:
    waived = (p.penalty_amount * limits.max_waiver_share).quantize(CENT, rounding=ROUND_DOWN)
    pay = p.overdue_amount - waived
    if waived <= 0 or pay <= 0:
        return []
    on = p.business_date + dt.timedelta(days=limits.pay_within_days)
    own = (on, pay)
    share = int(limits.max_waiver_share * 100)
    wide = base is None or limits.max_waiver_share > base.max_waiver_share
    flows = (own, *p.future_dues)
    return [Draft(limits.kind, f"{limits.kind}-{share}", 1, ZERO, (own,), flows, waived, wide)]


def _settlements(p: Position, limits: KindLimits, base: KindLimits | None) -> list[Draft]:
    drafts = []
    first = p.business_date + dt.timedelta(days=limits.pay_within_days)
    for discount in limits.discounts:
        forgiven = (p.owed_amount * discount).quantize(CENT, rounding=ROUND_DOWN)
        wide = base is None or discount > base.max_discount_share
        for months in limits.months:
            parts = split_evenly(p.owed_amount - forgiven, months)
            flows = tuple((add_months(first, k), a) for k, a in enumerate(parts))
            code = f"{limits.kind}-{int(discount * 100)}x{months}"
            drafts.append(Draft(limits.kind, code, months, ZERO, flows, flows, forgiven, wide))
    return drafts


_MAKERS = {
    PlanKind.INSTALMENT.value: _instalments,
    PlanKind.EXTENSION.value: _extensions,
    PlanKind.INTEREST_FREEZE.value: _freezes,
    PlanKind.PENALTY_WAIVER.value: _waivers,
    PlanKind.SETTLEMENT.value: _settlements,
}


def make_drafts(
    position: Position,
    limits: Mapping[str, KindLimits],
    *,
    base: Mapping[str, KindLimits] | None = None,
) -> list[Draft]:
    """Every plan the limits allow for the position; ``base`` (the limits without exception)
    marks those only an exception allows."""
    if position.owed_amount <= 0:
        return []
    drafts: list[Draft] = []
    for kind, kind_limits in limits.items():
        drafts += _MAKERS[kind](position, kind_limits, (base or limits).get(kind))
    return drafts


def recovery(
    draft: Draft, *, score: float, capacity: Decimal | None, burden_weight: Decimal
) -> tuple[float, Decimal]:
    """The chance the borrower completes the plan, and the money it is expected to bring.

    The behaviour score is the chance of being 30+ days late within 60 days, so a month's chance
    of breaking is ``1 − √(1 − score)``; an instalment at half the capacity leaves it as it is,
    a lighter one lowers it and a heavier one raises it. Payment k (of everything the borrower
    pays from the date: after a waiver, the loan's own dues too) is made if none before broke.

    >>> flows = ((dt.date(2026, 2, 1), Decimal("100.00")), (dt.date(2026, 3, 1), Decimal("100.00")))
    >>> draft = Draft("instalment", "instalment-2", 2, Decimal("0"), flows, flows, Decimal("0"))
    >>> recovery(draft, score=0.19, capacity=Decimal("200"), burden_weight=Decimal("1"))
    (0.81, Decimal('171.00'))
    """
    burden = 0.5 if not capacity else float(draft.largest_instalment / capacity)
    monthly = 1 - math.sqrt(1 - min(max(score, 0.0), 0.999))
    hazard = min(monthly * (0.5 + float(burden_weight) * burden), 0.95)
    expected = ZERO
    for k, (_, amount) in enumerate(draft.flows, start=1):
        expected += amount * Decimal(repr((1 - hazard) ** k))
    return round((1 - hazard) ** len(draft.instalments), 6), to_money(expected)
