"""Holds, promises to pay, contact events and complaints; and the audit trail of a mixed day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.complaints import file_complaint
from fairdebt.contacts import mark_refused, record_contact_event
from fairdebt.errors import ConflictError
from fairdebt.ledger.accruals import accrue_penalties
from fairdebt.ledger.holds import lift_hold, place_hold
from fairdebt.ledger.loans import charge_off_due, restructure, waive
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.promises import record_promise, settle_promises
from fairdebt.ledger.reversal import reverse_payment
from fairdebt.models import AuditEntry, Promise

from .conftest import ACTOR, AT, LoanFactory, tx

DAY = dt.date(2026, 3, 1)


def _pay(
    session: Session, external_id: str, loan_external_id: str, amount: str, day: dt.date
) -> None:
    post_payment(
        session,
        payment=PaymentIn(external_id, loan_external_id, Decimal(amount), day),
        actor=ACTOR,
        at=AT,
    )


def test_promises_are_settled_kept_partly_kept_or_broken(
    session: Session, make_loan: LoanFactory
) -> None:
    loans = [make_loan(), make_loan(), make_loan()]
    with tx(session):
        promises = [
            record_promise(
                session,
                loan_id=loan.id,
                amount=Decimal("100"),
                due_on=DAY + dt.timedelta(days=5),
                promised_on=DAY,
                actor=ACTOR,
                at=AT,
            )
            for loan in loans
        ]
        _pay(session, "P1", loans[0].external_id, "100.00", DAY + dt.timedelta(days=2))
        _pay(session, "P2", loans[1].external_id, "40.00", DAY + dt.timedelta(days=3))
        _pay(session, "P3", loans[2].external_id, "500.00", DAY - dt.timedelta(days=3))
        assert (
            settle_promises(session, business_date=DAY + dt.timedelta(days=2), actor=ACTOR, at=AT)
            == 1
        )
        assert (
            settle_promises(session, business_date=DAY + dt.timedelta(days=5), actor=ACTOR, at=AT)
            == 2
        )
    statuses = session.execute(
        select(Promise.id, Promise.status, Promise.kept_amount).order_by(Promise.id)
    ).all()
    assert [(s, k) for _, s, k in statuses] == [
        ("kept", Decimal("100.00")),
        ("partly_kept", Decimal("40.00")),
        ("broken", Decimal("0.00")),
    ]
    assert [p.id for p in promises] == [i for i, _, _ in statuses]


def test_a_hold_stops_penalties_until_it_is_lifted(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    with tx(session):
        hold = place_hold(
            session,
            loan_id=loan.id,
            kind="dispute",
            started_on=dt.date(2026, 2, 1),
            reason="amount disputed",
            actor=ACTOR,
            at=AT,
        )
        assert (
            accrue_penalties(session, business_date=dt.date(2026, 2, 20), actor=ACTOR, at=AT) == 0
        )
        with pytest.raises(ConflictError, match="open dispute hold"):
            place_hold(
                session,
                loan_id=loan.id,
                kind="dispute",
                started_on=dt.date(2026, 2, 2),
                reason=None,
                actor=ACTOR,
                at=AT,
            )
        lift_hold(session, hold_id=hold.id, ended_on=dt.date(2026, 2, 21), actor=ACTOR, at=AT)
        assert (
            accrue_penalties(session, business_date=dt.date(2026, 2, 21), actor=ACTOR, at=AT) == 1
        )


def test_a_mixed_workload_leaves_a_verifiable_chain_with_one_entry_per_verb(
    session: Session, make_loan: LoanFactory, borrower_id: int
) -> None:
    loan, other = make_loan(), make_loan()
    with tx(session):
        _pay(session, "P1", loan.external_id, "50.00", DAY)
        _pay(session, "P1", loan.external_id, "50.00", DAY)
        reverse_payment(
            session, external_id="P1", reversed_on=DAY, reason="bounced", actor=ACTOR, at=AT
        )
        accrue_penalties(session, business_date=DAY, actor=ACTOR, at=AT)
        waive(
            session,
            loan_id=loan.id,
            component="penalty",
            amount=Decimal("0.10"),
            waived_on=DAY,
            reason="goodwill",
            actor=ACTOR,
            at=AT,
        )
        promise = record_promise(
            session,
            loan_id=loan.id,
            amount=Decimal(10),
            due_on=DAY,
            promised_on=DAY,
            actor=ACTOR,
            at=AT,
        )
        settle_promises(session, business_date=DAY, actor=ACTOR, at=AT)
        hold = place_hold(
            session,
            loan_id=loan.id,
            kind="complaint",
            started_on=DAY,
            reason=None,
            actor=ACTOR,
            at=AT,
        )
        lift_hold(session, hold_id=hold.id, ended_on=DAY, actor=ACTOR, at=AT)
        event = record_contact_event(
            session,
            borrower_id=borrower_id,
            at=AT,
            direction="outbound",
            channel="call",
            recipient="debtor",
            outcome="no_answer",
            loan_id=loan.id,
            address="+8613800000000",
            actor=ACTOR,
        )
        assert event.contact_method_id is not None  # linked to the borrower's own phone
        mark_refused(session, contact_method_id=event.contact_method_id, at=AT, actor=ACTOR)
        file_complaint(
            session,
            borrower_id=borrower_id,
            loan_id=loan.id,
            received_at=AT,
            channel="phone",
            category="harassment",
            description="too many calls",
            actor=ACTOR,
        )
        restructure(
            session,
            loan_id=other.id,
            starts_on=DAY,
            term_months=6,
            annual_rate=Decimal("0.1"),
            reason="hardship",
            actor=ACTOR,
            at=AT,
        )
        charge_off_due(session, business_date=dt.date(2026, 12, 1), actor=ACTOR, at=AT)
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {
        "product.created",
        "borrower.registered",
        "loan.disbursed",
        "payment.posted",
        "payment.duplicate_ignored",
        "payment.reversed",
        "penalty.accrued",
        "charge.waived",
        "promise.recorded",
        "promise.broken",
        "hold.placed",
        "hold.lifted",
        "contact.recorded",
        "contact.refused",
        "complaint.filed",
        "loan.restructured",
        "loan.charged_off",
    } <= actions
    assert promise.id is not None
    assert audit.verify(session).ok


def test_a_loan_paid_in_full_after_months_of_penalties_is_never_charged_off(
    session: Session, make_loan: LoanFactory
) -> None:
    from sqlalchemy import func, text

    from fairdebt.ledger.installments import owed_expression
    from fairdebt.models import Installment, Loan

    loan = make_loan(principal="1200.00", term_months=3)
    day = dt.date(2026, 2, 16)
    # Many small daily penalties: a running float sum on SQLite would drift off the cent.
    while day <= dt.date(2026, 5, 31):
        with tx(session):
            accrue_penalties(session, business_date=day, actor=ACTOR, at=AT)
        day += dt.timedelta(days=1)
    off_the_cent = session.scalar(
        text("SELECT count(*) FROM installment WHERE penalty_due <> ROUND(penalty_due, 2)")
    )
    assert off_the_cent == 0
    with tx(session):
        owed = session.scalar(
            select(func.sum(owed_expression())).where(Installment.loan_id == loan.id)
        )
        _pay(session, "PAY-ALL", loan.external_id, f"{Decimal(str(owed)):.2f}", day)
    with tx(session):
        charged = charge_off_due(session, business_date=dt.date(2026, 12, 31), actor=ACTOR, at=AT)
    assert charged == 0
    assert session.get(Loan, loan.id).status == "closed"  # type: ignore[union-attr]
