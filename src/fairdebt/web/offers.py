"""Plan offers behind a small interface, until repayment-plan offers have their own noun.

The collector's "offer a plan" and the borrower's "plan offers and acceptance" both go through
:class:`PlanOffers`: ``offers`` lists what the lender would accept for a loan on a business
date, ``accept`` makes the chosen one a repayment plan through the ledger. The shipped
:class:`ExtensionOffers` offers to spread what is owed over 3, 6 or 12 more months at the loan's
own rate (never a higher one), through :func:`fairdebt.ledger.plans.extend`; issue 12's
affordability-based offers replace it by passing another object with the same two methods to
the app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import InputError, UnknownRecord
from fairdebt.ledger.installments import load_states
from fairdebt.ledger.plans import extend, restructured_amount
from fairdebt.ledger.schedules import level_payment
from fairdebt.models import Installment, Loan, LoanStatus, RepaymentPlan

__all__ = ["ExtensionOffers", "PlanOffer", "PlanOffers", "owed_today"]

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class PlanOffer:
    """One plan the lender offers: ``code`` names it for acceptance."""

    code: str
    kind: str  # extend | restructure
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
