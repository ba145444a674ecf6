"""Prepayment: interest to the payoff date only, the product's fee within the cap, rescheduling."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.errors import RuleViolation
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.prepayments import payoff_quote, prepay
from fairdebt.models import AuditEntry, Installment, Loan, LoanStatus

from .conftest import ACTOR, AT, START, LoanFactory, tx

FIVE_DAYS_ON = START + dt.timedelta(days=5)  # 2026-01-20; the first period runs 31 days


def _prepay(session: Session, loan: Loan, amount: str, on: dt.date = FIVE_DAYS_ON) -> object:
    with tx(session):
        return prepay(
            session,
            payment=PaymentIn("PRE-1", loan.external_id, Decimal(amount), on),
            actor=ACTOR,
            at=AT,
        )


def _dues(session: Session, loan_id: int) -> list[tuple[str, str, str, str]]:
    rows = session.scalars(
        select(Installment)
        .where(Installment.loan_id == loan_id, Installment.superseded_on.is_(None))
        .order_by(Installment.due_on, Installment.seq)
    )
    return [
        (str(r.due_on), str(r.principal_due), str(r.interest_due), str(r.fee_due)) for r in rows
    ]


def test_paying_off_10000_five_days_after_disbursement_charges_five_days_interest(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="10000.00", term_months=12)
    with tx(session):
        quote = payoff_quote(session, loan_external_id=loan.external_id, on=FIVE_DAYS_ON)
    # 18 % a year: the first month's interest is 150.00, and 5 of its 31 days are gone.
    assert quote.as_json() == {
        "loan": loan.external_id,
        "date": "2026-01-20",
        "overdue": "0.00",
        "principal": "10000.00",
        "interest": "24.19",
        "fee": "0.00",
        "prepayment_fee": "0.00",
        "total": "10024.19",
    }
    result = _prepay(session, loan, "10024.19")
    assert result.kind == "full"  # type: ignore[attr-defined]
    closed = session.get(Loan, loan.id)
    assert closed is not None and closed.status == LoanStatus.CLOSED
    assert closed.closed_on == FIVE_DAYS_ON
    # Not the 1,001.61 of all twelve months' interest.
    assert _dues(session, loan.id) == [("2026-01-20", "10000.00", "24.19", "0.00")]


def test_a_prepayment_fee_is_charged_only_within_the_cost_cap(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(
        "FEE1",
        principal="10000.00",
        term_months=12,
        prepayment_fee_rate=Decimal("0.01"),
    )
    with tx(session):
        quote = payoff_quote(session, loan_external_id=loan.external_id, on=FIVE_DAYS_ON)
    # 1 % of 10,000 would be 100.00; five days at the 24 % cap leave 32.25 - 24.19 = 8.06.
    assert (quote.prepayment_fee_amount, quote.total_amount) == (
        Decimal("8.06"),
        Decimal("10032.25"),
    )
    with tx(session):
        later = payoff_quote(session, loan_external_id=loan.external_id, on=dt.date(2026, 7, 15))
    # Six months on, nothing paid: 1 % of the principal still to fall due, well within the cap.
    assert later.prepayment_fee_amount == (later.principal_amount / 100).quantize(Decimal("0.01"))
    assert later.prepayment_fee_amount == Decimal("52.23")


def test_a_partial_prepayment_lowers_the_instalment_by_default(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="10000.00", term_months=12)
    result = _prepay(session, loan, "3024.19")
    assert (result.kind, result.mode, result.dues_left) == ("partial", "lower_instalment", 12)  # type: ignore[attr-defined]
    dues = _dues(session, loan.id)
    assert dues[0] == ("2026-01-20", "3000.00", "24.19", "0.00")
    # 7,000 left: its first period runs 26 of 31 days (88.06), then 641.76 a month; interest
    # rounded down, never up (a loan at its cap must not run above it).
    assert dues[1] == ("2026-02-15", "553.70", "88.06", "0.00")
    assert dues[2] == ("2026-03-15", "545.07", "96.69", "0.00")
    assert dues[-1] == ("2027-01-15", "612.55", "9.18", "0.00")
    assert sum(Decimal(d[1]) for d in dues) == Decimal("10000.00")


def test_a_partial_prepayment_shortens_the_term_when_the_product_says_so(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(
        "SHORT", principal="10000.00", term_months=12, partial_prepayment="shorten_term"
    )
    result = _prepay(session, loan, "3024.19")
    assert (result.mode, result.dues_left) == ("shorten_term", 9)  # type: ignore[attr-defined]
    dues = _dues(session, loan.id)
    assert dues[2] == ("2026-03-15", "824.24", "92.56", "0.00")  # 916.80 kept
    assert dues[-1] == ("2026-10-15", "135.37", "2.03", "0.00")
    assert sum(Decimal(d[1]) for d in dues) == Decimal("10000.00")


def test_a_prepayment_pays_what_is_overdue_first_and_says_so_in_the_audit_log(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="1200.00", term_months=3)
    with tx(session):
        quote = payoff_quote(session, loan_external_id=loan.external_id, on=dt.date(2026, 2, 25))
    # The first due (394.06 + 18.00) is overdue; 10 of the second period's 28 days are gone,
    # of its interest 12.09 on the 805.94 left: 4.31.
    assert (quote.overdue_amount, quote.principal_amount, quote.interest_amount) == (
        Decimal("412.06"),
        Decimal("805.94"),
        Decimal("4.31"),
    )
    _prepay(session, loan, str(quote.total_amount), dt.date(2026, 2, 25))
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "loan.prepaid")).one()
    assert json.loads(entry.data)["interest"] == "4.31"
    assert session.get(Loan, loan.id).status == LoanStatus.CLOSED  # type: ignore[union-attr]


def test_a_prepayment_that_does_not_reach_past_the_dues_is_refused(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="1200.00", term_months=3)
    with pytest.raises(RuleViolation, match="post it as a payment"):
        _prepay(session, loan, "2.90")  # five days of interest, nothing beyond


def test_posting_the_same_prepayment_again_changes_nothing(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="10000.00", term_months=12)
    _prepay(session, loan, "3024.19")
    before = _dues(session, loan.id)
    again = _prepay(session, loan, "3024.19")
    assert again.payment.was_duplicate  # type: ignore[attr-defined]
    assert _dues(session, loan.id) == before


def test_the_payoff_quote_command_prints_one_json_object_last(
    engine: Engine, session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="10000.00", term_months=12)
    session.commit()
    url = engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    quote = runner.invoke(
        app,
        [
            "ledger",
            "payoff-quote",
            "--database",
            url,
            "--loan",
            loan.external_id,
            "--date",
            "2026-01-20",
        ],
    )
    assert quote.exit_code == 0, quote.stderr
    assert json.loads(quote.stdout.splitlines()[-1])["total"] == "10024.19"
    paid = runner.invoke(
        app,
        [
            "ledger",
            "prepay",
            "PRE-9",
            "--database",
            url,
            "--loan",
            loan.external_id,
            "--amount",
            "10024.19",
            "--paid-on",
            "2026-01-20",
        ],
    )
    assert paid.exit_code == 0, paid.stderr
    assert json.loads(paid.stdout.splitlines()[-1])["kind"] == "full"


def test_a_payment_posted_as_usual_still_pays_the_scheduled_dues(
    session: Session, make_loan: LoanFactory
) -> None:
    # Only the explicit prepayment verb recomputes interest; an ordinary overpayment pays ahead.
    loan = make_loan(principal="10000.00", term_months=12)
    with tx(session):
        result = post_payment(
            session,
            payment=PaymentIn("P-1", loan.external_id, Decimal("11001.61"), FIVE_DAYS_ON),
            actor=ACTOR,
            at=AT,
        )
    assert result.credit_amount == Decimal("0.00")
    assert session.get(Loan, loan.id).status == LoanStatus.CLOSED  # type: ignore[union-attr]
