"""Plan offers behind a small interface, until repayment-plan offers have their own noun.

The collector's "offer a plan" and the borrower's "plan offers and acceptance" both go through
:class:`PlanOffers`: ``offers`` lists what the lender would accept for a loan on a business
date, ``accept`` makes the chosen one a repayment plan through the ledger. The shipped
:class:`ExtensionOffers` offers to spread what is owed over 3, 6 or 12 more months at the loan's
own rate (never a higher one), through :func:`fairdebt.ledger.plans.extend`.
:class:`PolicyOffers` (what ``fairdebt serve`` passes) offers instead the re-scheduling plans of
the lender's plan policy (instalments, extensions, interest freeze), affordable, under the cost
cap and best expected recovery first, through :mod:`fairdebt.ledger.plan_offers`; waivers and
settlements make no new schedule, so they stay with ``fairdebt plans offer`` until the protocol
returns a plan offer rather than a repayment plan (docs/decisions/plan-offers.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import ConflictError, InputError, UnknownRecord
from fairdebt.ledger.installments import load_states
from fairdebt.ledger.plan_offers import (
    PlanPolicy,
    Ranked,
    accept_offer,
    load_plan_policy,
    offer_plans,
    rank_offers,
)
from fairdebt.ledger.plans import extend, restructured_amount
from fairdebt.ledger.schedules import level_payment
from fairdebt.models import Installment, Loan, LoanStatus, RepaymentPlan

__all__ = ["ExtensionOffers", "PlanOffer", "PlanOffers", "PolicyOffers", "owed_today"]

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class PlanOffer:
    """One plan the lender offers: ``code`` names it for acceptance."""

    code: str
    kind: str  # extend | restructure, or a plan kind (instalment, extension, interest_freeze)
    months: int  # the dues the owed amount is spread over
    monthly_amount: Decimal
    total_amount: Decimal
    annual_rate: Decimal
    owed_amount: Decimal


class PlanOffers(Protocol):
    def offers(self, session: Session, *, loan_id: int, business_date: dt.date) -> list[PlanOffer]:
        """The plans on offer for the loan on the date (empty when none)."""
        ...

    def accept(
        self,
        session: Session,
        *,
        loan_id: int,
        code: str,
        business_date: dt.date,
        actor: str,
        at: dt.datetime,
    ) -> RepaymentPlan:
        """Make the offer named ``code`` the loan's repayment plan."""
        ...


def owed_today(session: Session, *, loan_id: int, business_date: dt.date) -> Decimal:
    """The payoff amount on ``business_date``: all principal still owed plus the interest, fee
    and penalty already due (the same amount a plan starting that day would restructure)."""
    states = load_states(session, [loan_id])[loan_id]
    return restructured_amount(states, business_date)


@dataclass(frozen=True, slots=True)
class ExtensionOffers:
    """Extend by 3, 6 or 12 months at the loan's own rate, for loans in arrears.

    The monthly amount shown is a level payment of what is owed over the new term; the ledger's
    schedule (in the loan's own repayment method) decides the exact dues.
    """

    extra_months: tuple[int, ...] = (3, 6, 12)

    def offers(self, session: Session, *, loan_id: int, business_date: dt.date) -> list[PlanOffer]:
        loan = session.get(Loan, loan_id)
        if loan is None or loan.status != LoanStatus.ACTIVE:
            return []
        overdue = session.scalar(
            select(Installment.id)
            .where(
                Installment.loan_id == loan_id,
                Installment.superseded_on.is_(None),
                Installment.due_on < business_date,
                Installment.principal_due + Installment.interest_due
                > Installment.principal_paid
                + Installment.interest_paid
                + Installment.principal_waived
                + Installment.interest_waived,
            )
            .limit(1)
        )
        if overdue is None:
            return []
        states = load_states(session, [loan_id])[loan_id]
        owed = restructured_amount(states, business_date)
        if owed <= 0:
            return []
        # the same count ledger.plans.extend uses: open dues still to fall due, at least one
        remaining = max(sum(1 for s in states if s.due_on > business_date), 1)
        monthly_rate = loan.annual_rate / 12
        found = []
        for extra in self.extra_months:
            months = remaining + extra
            payment = level_payment(owed, monthly_rate, months).quantize(CENT)
            found.append(
                PlanOffer(
                    code=f"extend-{extra}",
                    kind="extend",
                    months=months,
                    monthly_amount=payment,
                    total_amount=(payment * months).quantize(CENT),
                    annual_rate=loan.annual_rate,
                    owed_amount=owed,
                )
            )
        return found

    def accept(
        self,
        session: Session,
        *,
        loan_id: int,
        code: str,
        business_date: dt.date,
        actor: str,
        at: dt.datetime,
    ) -> RepaymentPlan:
        chosen = {
            o.code: o for o in self.offers(session, loan_id=loan_id, business_date=business_date)
        }
        if code not in chosen:
            if session.get(Loan, loan_id) is None:
                raise UnknownRecord(
                    f"no loan has id {loan_id}", record=f"loan {loan_id}", field="loan_id"
                )
            raise InputError(
                f"no such offer today (offered: {', '.join(chosen) or 'none'}; got {code!r})",
                record=f"loan {loan_id}",
                field="offer",
            )
        extra = int(code.split("-", 1)[1])
        return extend(
            session,
            loan_id=loan_id,
            starts_on=business_date,
            extra_months=extra,
            reason=f"plan offer {code} accepted",
            actor=actor,
            at=at,
        )


# The plan kinds that write a new schedule, and so a RepaymentPlan, when accepted.
RESCHEDULING = ("instalment", "extension", "interest_freeze")


def _shown(ranked: Ranked) -> PlanOffer:
    draft = ranked.draft
    return PlanOffer(
        code=draft.code,
        kind=draft.kind,
        months=len(draft.instalments),
        monthly_amount=draft.largest_instalment,
        total_amount=draft.total_amount,
        annual_rate=ranked.cost.annual_rate,
        owed_amount=ranked.owed_amount,
    )


@dataclass(frozen=True, slots=True)
class PolicyOffers:
    """The re-scheduling plans of the lender's plan policy, ranked by expected recovery.

    ``offers`` writes nothing (the page may be read many times); ``accept`` stores the day's
    offers (each audited ``plan.offered``) and accepts the chosen one, in one transaction.
    """

    policy: PlanPolicy = field(default_factory=load_plan_policy)

    def _ranked(self, session: Session, loan_id: int, business_date: dt.date) -> list[Ranked]:
        loan = session.get(Loan, loan_id)
        if loan is None or loan.status != LoanStatus.ACTIVE:
            return []
        try:
            ranked = rank_offers(
                session, loan_id=loan_id, business_date=business_date, policy=self.policy
            )
        except ConflictError:  # a plan already in force
            return []
        return [r for r in ranked if r.draft.kind in RESCHEDULING]

    def offers(self, session: Session, *, loan_id: int, business_date: dt.date) -> list[PlanOffer]:
        return [_shown(r) for r in self._ranked(session, loan_id, business_date)]

    def accept(
        self,
        session: Session,
        *,
        loan_id: int,
        code: str,
        business_date: dt.date,
        actor: str,
        at: dt.datetime,
    ) -> RepaymentPlan:
        codes = [r.draft.code for r in self._ranked(session, loan_id, business_date)]
        if code not in codes:
            if session.get(Loan, loan_id) is None:
                raise UnknownRecord(
                    f"no loan has id {loan_id}", record=f"loan {loan_id}", field="loan_id"
                )
            raise InputError(
                f"no such offer today (offered: {', '.join(codes) or 'none'}; got {code!r})",
                record=f"loan {loan_id}",
                field="offer",
            )
        # offer_plans stores rank_offers' list in its order: the same inputs give the same list.
        every = rank_offers(
            session, loan_id=loan_id, business_date=business_date, policy=self.policy
        )
        stored = offer_plans(
            session,
            loan_id=loan_id,
            business_date=business_date,
            policy=self.policy,
            actor=actor,
            at=at,
        )
        chosen = next(o for o, r in zip(stored, every, strict=True) if r.draft.code == code)
        accepted = accept_offer(
            session, offer_id=chosen.id, business_date=business_date, actor=actor, at=at
        )
        plan = session.get(RepaymentPlan, accepted.repayment_plan_id)
        assert plan is not None, "a re-scheduling plan writes a repayment plan"
        return plan
