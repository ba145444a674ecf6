"""A payment on a charged-off loan is a recovery: its own allocation, and the loan stays off."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fairdebt import audit
from fairdebt.cli import app
from fairdebt.ledger.chargeoffs import charge_off_due
from fairdebt.ledger.payments import PaymentIn, PostResult, post_payment
from fairdebt.ledger.recoveries import recoveries_report
from fairdebt.ledger.reversal import reverse_payment
from fairdebt.models import AllocationLine, Installment, Loan, LoanStatus, Recovery

from .conftest import ACTOR, AT, LoanFactory, tx

CHARGED_OFF_ON = dt.date(2026, 4, 16)  # 60 days after the first due


def _charged_off_loan(session: Session, make_loan: LoanFactory) -> Loan:
    loan = make_loan("CO60", charge_off_days=60)
    with tx(session):
        assert charge_off_due(session, business_date=CHARGED_OFF_ON, actor=ACTOR, at=AT) == 1
    return loan


def _pay(session: Session, external_id: str, loan: Loan, amount: str, day: dt.date) -> PostResult:
    with tx(session):
        return post_payment(
            session,
            payment=PaymentIn(external_id, loan.external_id, Decimal(amount), day),
            actor=ACTOR,
            at=AT,
        )


def test_a_payment_after_charge_off_is_recorded_as_a_recovery_and_the_loan_stays_charged_off(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _charged_off_loan(session, make_loan)
    result = _pay(session, "REC-1", loan, "500.00", dt.date(2026, 5, 1))
    assert (result.recovered_amount, result.allocated_amount) == (
        Decimal("500.00"),
        Decimal("0.00"),
    )
    found = session.get(Loan, loan.id)
    assert found is not None and found.status == LoanStatus.CHARGED_OFF
    # No allocation line, no installment touched: the write-off stays as measured.
    assert session.scalar(select(func.count()).select_from(AllocationLine)) == 0
    assert session.scalar(select(func.sum(Installment.principal_paid))) == Decimal("0.00")
    recovery = session.scalars(select(Recovery)).one()
    assert (recovery.principal_amount, recovery.interest_amount, recovery.excess_amount) == (
        Decimal("500.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert audit.verify(session).ok


def test_recoveries_pay_principal_then_interest_and_the_excess_is_kept_apart(
    session: Session, make_loan: LoanFactory
) -> None:
    # 1,200 over three months at 18 %: interest 18.00 + 12.09 + 6.09 written off with it.
    loan = _charged_off_loan(session, make_loan)
    _pay(session, "REC-1", loan, "1000.00", dt.date(2026, 5, 1))
    _pay(session, "REC-2", loan, "300.00", dt.date(2026, 6, 1))
    lines, totals = recoveries_report(session)
    second = lines[1]
    assert (second.principal_amount, second.interest_amount, second.excess_amount) == (
        Decimal("200.00"),
        Decimal("36.18"),
        Decimal("63.82"),
    )
    assert totals == {
        "count": "2",
        "amount": "1300.00",
        "principal": "1200.00",
        "interest": "36.18",
        "fee": "0.00",
        "penalty": "0.00",
        "excess": "63.82",
    }


def test_a_reversed_recovery_leaves_the_report_and_the_loan_charged_off(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = _charged_off_loan(session, make_loan)
    _pay(session, "REC-1", loan, "500.00", dt.date(2026, 5, 1))
    with tx(session):
        reverse_payment(
            session,
            external_id="REC-1",
            reversed_on=dt.date(2026, 5, 3),
            reason="bounced",
            actor=ACTOR,
            at=AT,
        )
    lines, totals = recoveries_report(session)
    assert (lines, totals["amount"]) == ([], "0.00")
    assert session.get(Loan, loan.id).status == LoanStatus.CHARGED_OFF  # type: ignore[union-attr]
    again = _pay(session, "REC-2", loan, "500.00", dt.date(2026, 5, 4))
    assert again.recovered_amount == Decimal("500.00")
    assert recoveries_report(session)[0][0].principal_amount == Decimal("500.00")


def test_the_recoveries_command_sums_them_on_its_last_line(
    engine: Engine, session: Session, make_loan: LoanFactory
) -> None:
    loan = _charged_off_loan(session, make_loan)
    _pay(session, "REC-1", loan, "250.50", dt.date(2026, 5, 1))
    session.commit()
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        app, ["ledger", "recoveries", "--database", url, "--from", "2026-05-01"]
    )
    assert result.exit_code == 0, result.stderr
    totals = json.loads(result.stdout.splitlines()[-1])
    assert (totals["count"], totals["amount"], totals["principal"]) == ("1", "250.50", "250.50")
