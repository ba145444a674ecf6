"""Reversal: undoing a posted payment with negative allocation lines, so history stays dated.

:func:`reverse_payment` adds the negation of every line the payment wrote, effective the
reversal date, subtracts them from the installments' cached paid columns (so each installment
returns exactly to its prior state) and takes back any credit the payment left on the loan. A
payment is not reversible here when a repayment plan was since sized on it (its installments
are superseded) or when its credit was already applied or drawn down: ConflictError, for the
plan or the credit to be revisited first (docs/decisions/allocation.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import driver_types, get_or_raise, insert_rows
from fairdebt.errors import ConflictError, RuleViolation
from fairdebt.ledger.allocation import LINE_COLUMNS
from fairdebt.ledger.installments import load_states, settle_loans, write_states
from fairdebt.ledger.journal import last_id, post_allocations, post_lines
from fairdebt.ledger.recoveries import recovery_lines
from fairdebt.models import (
    AllocationLine,
    Installment,
    Loan,
    LoanStatus,
    Payment,
    PaymentStatus,
    Recovery,
)

__all__ = ["reverse_payment"]


def _check_reversible(session: Session, payment: Payment, reversed_on: dt.date) -> None:
    record = f"payment {payment.external_id}"
    if payment.status == PaymentStatus.REVERSED:
        raise ConflictError(f"{record} was already reversed on {payment.reversed_on}")
    if reversed_on < payment.paid_on:
        raise RuleViolation(
            f"reversed on {reversed_on}, before it was paid on {payment.paid_on}",
            record=record,
            field="reversed_on",
        )
    superseded = session.scalar(
        select(Installment.id)
        .join(AllocationLine, AllocationLine.installment_id == Installment.id)
        .where(AllocationLine.payment_id == payment.id, Installment.superseded_on.is_not(None))
    )
    if superseded is not None:
        raise ConflictError(f"{record} paid installment {superseded}, since superseded by a plan")
    loan = session.get(Loan, payment.loan_id)
    assert loan is not None
    applied = session.scalar(
        select(AllocationLine.id).where(
            AllocationLine.payment_id == payment.id,
            AllocationLine.effective_on > payment.paid_on,
            AllocationLine.amount > 0,
        )
    )
    # A credit already applied by apply_credits (its lines are dated after the payment) or
    # drawn down below this payment's share cannot be taken back here.
    if loan.credit_amount < payment.credit_amount or applied is not None:
        raise ConflictError(f"{record}: its credit of {payment.credit_amount} was already used")


def _post(
    session: Session, payment: Payment, loan: Loan, reversed_on: dt.date, after_line_id: int
) -> None:
    """The reversal's journal: the payment's own entry, or its recovery's, taken back."""
    recovery = session.scalars(select(Recovery).where(Recovery.payment_id == payment.id)).first()
    if recovery is not None:
        recovery.reversed_on = reversed_on
        post_lines(session, recovery_lines(recovery, "recovery.reversed"))
        return
    post_allocations(
        session,
        kind="payment.reversed",
        payment_ids=[payment.id],
        after_line_id=after_line_id,
        funded_by="charged_off" if loan.status == LoanStatus.CHARGED_OFF else "payment",
    )
    kind, on = "payment.reversed", reversed_on
    post_lines(
        session,
        [
            (kind, payment.id, loan.id, on, "cash", -Decimal(payment.amount)),
            (kind, payment.id, loan.id, on, "unapplied_credit", Decimal(payment.credit_amount)),
        ],
        is_entry=False,
    )


def reverse_payment(
    session: Session,
    *,
    external_id: str,
    reversed_on: dt.date,
    reason: str,
    actor: str,
    at: dt.datetime,
) -> Payment:
    """Undo a posted payment with negative allocation lines effective ``reversed_on``."""
    session.flush()
    payment = get_or_raise(session, Payment, external_id, what="payment")
    _check_reversible(session, payment, reversed_on)
    lines = session.execute(
        select(AllocationLine.installment_id, AllocationLine.component, AllocationLine.amount)
        .where(AllocationLine.payment_id == payment.id)
        .order_by(AllocationLine.id)
    ).all()
    states = load_states(session, [payment.loan_id], open_only=False)[payment.loan_id]
    by_id = {s.id: s for s in states}
    for installment_id, component, amount in lines:
        by_id[installment_id].paid[component] -= Decimal(amount)
        by_id[installment_id].changed = True
    bind = driver_types(session).bind_amount
    negative = [
        (
            payment.id,
            line.installment_id,
            payment.loan_id,
            line.component,
            bind(-line.amount),
            reversed_on,
        )
        for line in lines
    ]
    after_line_id = last_id(session, "allocation_line")
    insert_rows(session, "allocation_line", LINE_COLUMNS, negative)
    write_states(session, by_id.values())
    loan = session.get(Loan, payment.loan_id)
    assert loan is not None
    _post(session, payment, loan, reversed_on, after_line_id)
    loan.credit_amount -= payment.credit_amount
    payment.status = PaymentStatus.REVERSED
    payment.reversed_on = reversed_on
    payment.reversal_reason = reason
    # A recovery's own allocation is taken back with it (the loan stays charged off).
    session.execute(
        update(Recovery).where(Recovery.payment_id == payment.id).values(reversed_on=reversed_on)
    )
    session.flush()
    events = [
        audit.AuditEvent(
            "payment.reversed",
            "payment",
            str(payment.id),
            actor,
            at,
            {
                "external_id": external_id,
                "amount": payment.amount,
                "reversed_on": reversed_on,
                "reason": reason,
            },
        )
    ]
    events += settle_loans(session, on_by_loan={payment.loan_id: reversed_on}, actor=actor, at=at)
    audit.record_many(session, events)
    session.expire_all()
    return payment
