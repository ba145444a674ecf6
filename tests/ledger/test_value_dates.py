"""Value dates: a payment posted late with its real date replays the loan from that date.

The loan is the ledger tests' usual one: ¥1,200.00 over 3 months at 18 % from 2026-01-15,
first due 394.06 + 18.00 = 412.06 on 2026-02-15, penalty 0.05 % a day on overdue principal.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.errors import ConflictError
from fairdebt.ledger.accruals import accrue_penalties
from fairdebt.ledger.balances import check
from fairdebt.ledger.loans import waive
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.models import Accrual, AuditEntry, Installment, JournalLine, Loan, Payment

from .conftest import ACTOR, AT, LoanFactory, tx

DUE = dt.date(2026, 2, 15)


def _close_days(session: Session, first: dt.date, last: dt.date) -> None:
    with tx(session):
        day = first
        while day <= last:
            accrue_penalties(session, business_date=day, actor=ACTOR, at=AT)
            day += dt.timedelta(days=1)


def _pay(session: Session, external_id: str, loan: Loan, amount: str, paid_on: dt.date) -> None:
    with tx(session):
        post_payment(
            session,
            payment=PaymentIn(
                external_id, loan.external_id, Decimal(amount), paid_on, booked_on=paid_on
            ),
            actor=ACTOR,
            at=AT,
        )


def _first_due(session: Session, loan: Loan) -> Installment:
    row = session.scalars(
        select(Installment).where(Installment.loan_id == loan.id, Installment.seq == 1)
    ).one()
    session.commit()
    return row


def _holds(session: Session, *days: dt.date) -> None:
    for on in (None, *days):
        result = check(session, on=on)
        session.commit()
        assert result.is_ok, result.as_json()


def test_an_on_time_payment_posted_two_days_late_pays_the_due_and_no_penalty(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _close_days(session, DUE, DUE + dt.timedelta(days=2))  # 0.20 accrued on 02-16 and 02-17
    assert session.scalar(select(func.sum(Accrual.amount))) == Decimal("0.40")
    session.commit()
    _pay(session, "LATE-1", loan, "412.06", DUE)
    first = _first_due(session, loan)
    assert (first.principal_paid, first.interest_paid) == (Decimal("394.06"), Decimal("18.00"))
    assert (first.penalty_due, first.penalty_paid) == (Decimal("0.00"), Decimal("0.00"))
    assert session.scalar(select(func.count()).select_from(Accrual)) == 0
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "loan.replayed")).one()
    session.commit()
    data = json.loads(entry.data) if isinstance(entry.data, str) else entry.data
    assert (data["from_on"], data["through_on"]) == ("2026-02-15", "2026-02-17")
    assert (data["penalty_before"], data["penalty_after"]) == ("0.40", "0.00")
    # The penalties' journal lines are reversed on their own dates: the books on 02-16 and
    # 02-17 now show the payment and no penalty.
    penalty = session.scalar(
        select(func.sum(JournalLine.amount)).where(JournalLine.account == "penalty_income")
    )
    session.commit()
    assert Decimal(penalty).quantize(Decimal("0.01")) == Decimal("0.00")
    _holds(session, DUE, DUE + dt.timedelta(days=1), DUE + dt.timedelta(days=2))


def test_a_back_dated_partial_payment_lowers_the_penalties_of_the_days_after_it(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _close_days(session, DUE, DUE + dt.timedelta(days=3))  # 3 × 0.20 on 394.06 overdue
    _pay(session, "PART-1", loan, "218.00", DUE + dt.timedelta(days=1))
    # Paid on 02-16 before the end of day: 18.00 interest, 200.00 principal; 194.06 stays
    # overdue, so 02-16, 02-17 and 02-18 accrue 0.10 each (0.097 rounded) instead of 0.20.
    first = _first_due(session, loan)
    assert (first.principal_paid, first.interest_paid) == (Decimal("200.00"), Decimal("18.00"))
    assert (first.penalty_due, first.penalty_paid) == (Decimal("0.30"), Decimal("0.00"))
    _holds(session, DUE + dt.timedelta(days=2))


def test_later_payments_are_allocated_again_after_a_back_dated_one(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _close_days(session, DUE, DUE + dt.timedelta(days=4))
    _pay(session, "LATER-1", loan, "100.00", DUE + dt.timedelta(days=5))
    # Before the back-dated payment, the later one paid the 0.80 of penalty first.
    assert _first_due(session, loan).penalty_paid == Decimal("0.80")
    _pay(session, "EARLY-1", loan, "412.06", DUE)
    first = _first_due(session, loan)
    assert (first.penalty_due, first.penalty_paid) == (Decimal("0.00"), Decimal("0.00"))
    assert first.principal_paid == Decimal("394.06")
    second = session.scalars(
        select(Installment).where(Installment.loan_id == loan.id, Installment.seq == 2)
    ).one()
    session.commit()
    # The later payment now goes to the next due: its interest 12.09, then 87.91 of principal.
    assert (second.interest_paid, second.principal_paid) == (Decimal("12.09"), Decimal("87.91"))
    _holds(session, DUE, DUE + dt.timedelta(days=4), DUE + dt.timedelta(days=5))


def test_a_replay_does_not_cross_a_waiver_and_says_which(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _close_days(session, DUE, DUE + dt.timedelta(days=3))
    with tx(session):
        waive(
            session,
            loan_id=loan.id,
            component="penalty",
            amount=Decimal("0.20"),
            waived_on=DUE + dt.timedelta(days=3),
            reason="goodwill",
            actor=ACTOR,
            at=AT,
        )
    with pytest.raises(ConflictError, match="before a waiver on 2026-02-18"), tx(session):
        post_payment(
            session,
            payment=PaymentIn("X-1", loan.external_id, Decimal("412.06"), DUE),
            actor=ACTOR,
            at=AT,
        )
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    session.commit()
    _holds(session)


def test_a_payment_posted_on_its_own_date_does_not_replay(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _close_days(session, DUE, DUE + dt.timedelta(days=2))
    _pay(session, "ON-TIME", loan, "100.00", DUE + dt.timedelta(days=3))
    replayed = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "loan.replayed")
    )
    session.commit()
    assert replayed == 0
    assert _first_due(session, loan).penalty_paid == Decimal("0.40")


def test_posting_a_back_dated_payment_reruns_the_cycle_from_its_value_date(
    engine: Engine, session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _close_days(session, DUE, DUE + dt.timedelta(days=2))
    url = str(engine.url.render_as_string(hide_password=False))
    runner = CliRunner()
    ran = runner.invoke(
        app,
        ["cycle", "run", "--date", "2026-02-16", "--to", "2026-02-17", "--database", url],
    )
    assert ran.exit_code == 0, ran.output
    posted = runner.invoke(
        app,
        [
            "ledger",
            "post-payment",
            "LATE-CLI",
            "--loan",
            loan.external_id,
            "--amount",
            "412.06",
            "--paid-on",
            "2026-02-15",
            "--database",
            url,
        ],
    )
    assert posted.exit_code == 0, posted.output
    assert "2026-02-15" in posted.output
    with engine.connect() as connection:
        from sqlalchemy import text

        dpd = connection.execute(
            text("SELECT business_date, dpd FROM loan_day ORDER BY business_date")
        ).all()
    assert [int(row[1]) for row in dpd] == [0, 0]
