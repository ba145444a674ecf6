"""Every payment, reversal, waiver and charge-off row has its audit entry, or verify says which.

The hash chain shows an edited or missing entry, but not a ledger row written without one (a
writer that bypassed the verbs, or an entry cut away with the log's tail). ``audit.verify``
checks the rows against the entries that must name them (``audit.WITNESSES``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.ledger.loans import charge_off_due, waive
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.reversal import reverse_payment

from .conftest import ACTOR, AT, START, LoanFactory, tx


def _servicing(session: Session, make_loan: LoanFactory) -> int:
    """A loan with a payment, a reversal, a waiver and (on another loan) a charge-off."""
    loan = make_loan(charge_off_days=30)
    late = make_loan("P180")  # charge-off after 180 days: still live at day 120
    with tx(session):
        post_payment(
            session,
            payment=PaymentIn("P-1", loan.external_id, Decimal("100.00"), START + dt.timedelta(9)),
            actor=ACTOR,
            at=AT,
        )
        post_payment(
            session,
            payment=PaymentIn("P-2", loan.external_id, Decimal("50.00"), START + dt.timedelta(10)),
            actor=ACTOR,
            at=AT,
        )
        reverse_payment(
            session,
            external_id="P-2",
            reversed_on=START + dt.timedelta(11),
            reason="bounced",
            actor=ACTOR,
            at=AT,
        )
        waive(
            session,
            loan_id=loan.id,
            component="interest",
            amount=Decimal("1.00"),
            waived_on=START + dt.timedelta(12),
            reason="goodwill",
            actor=ACTOR,
            at=AT,
        )
        charged = charge_off_due(
            session, business_date=START + dt.timedelta(120), actor=ACTOR, at=AT
        )
    assert charged >= 1
    return late.id


def test_a_serviced_ledger_has_an_entry_for_every_row(
    session: Session, make_loan: LoanFactory
) -> None:
    _servicing(session, make_loan)
    result = audit.verify(session)
    assert result.ok, result.problem


ROGUE = {
    "payment": (
        "INSERT INTO payment (external_id, loan_id, amount, paid_on, status, prepaid_amount, "
        "credit_amount) VALUES ('ROGUE', :loan, 10, '2026-02-01', 'posted', 0, 0)",
        "payment",
        "payment.posted",
    ),
    "reversal": (
        "UPDATE payment SET reversed_on = '2026-02-02', status = 'reversed' "
        "WHERE external_id = 'P-1'",
        "reversal of payment",
        "payment.reversed",
    ),
    "waiver": (
        "INSERT INTO waiver (loan_id, installment_id, component, amount, waived_on, reason, actor) "
        "SELECT :loan, id, 'interest', 1, '2026-02-03', 'none', 'rogue' FROM installment "
        "WHERE loan_id = :loan AND seq = 1",
        "waiver",
        "charge.waived",
    ),
    "charge-off": (
        "UPDATE loan SET status = 'charged_off', charged_off_on = '2026-06-01' WHERE id = :loan",
        "charge-off of loan",
        "loan.charged_off",
    ),
}


@pytest.mark.parametrize("kind", sorted(ROGUE))
def test_a_row_written_without_its_audit_entry_fails_verify_and_is_named(
    session: Session, make_loan: LoanFactory, kind: str
) -> None:
    late = _servicing(session, make_loan)
    sql, noun, action = ROGUE[kind]
    with tx(session):
        session.execute(text(sql), {"loan": late} if ":loan" in sql else {})
    result = audit.verify(session)
    assert not result.ok
    (missing,) = result.unaudited
    assert missing.startswith(f"{noun} ") and missing.endswith(f"(no {action})")
    assert "1 ledger row(s) have no audit entry" in (result.problem or "")
