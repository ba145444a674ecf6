"""The general ledger, verb by verb: each posts balanced lines of exact cents with its change.

The loan of most scenarios is the ledger tests' usual one: ¥1,200.00 over 3 months at 18 %
(等额本息) from 2026-01-15, whose dues are 394.06 + 18.00, 399.97 + 12.09 and 405.97 + 6.09.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.csv as pacsv
from sqlalchemy import Engine, bindparam, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.ledger.accruals import accrue_penalties
from fairdebt.ledger.balances import check, trial_balance
from fairdebt.ledger.chargeoffs import charge_off_due
from fairdebt.ledger.credits import apply_credits
from fairdebt.ledger.loans import restructure, waive
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.prepayments import prepay
from fairdebt.ledger.reversal import reverse_payment
from fairdebt.models import MONEY, JournalLine, Loan

from .conftest import ACTOR, AT, START, LoanFactory, tx

FIRST_DUE = dt.date(2026, 2, 15)


def _entry(session: Session, kind: str, loan: Loan) -> dict[str, Decimal]:
    """The lines of ``kind`` on ``loan``, summed by account (positive debit)."""
    found: dict[str, Decimal] = {}
    for account, amount in session.execute(
        select(JournalLine.account, JournalLine.amount).where(
            JournalLine.kind == kind, JournalLine.loan_id == loan.id
        )
    ):
        found[account] = found.get(account, Decimal(0)) + Decimal(amount).quantize(Decimal("0.01"))
    session.commit()
    return found


def _holds(session: Session) -> None:
    result = check(session)
    session.commit()
    assert result.is_ok, result.as_json()
    assert result.debits == result.credits


def _pay(session: Session, external_id: str, loan: Loan, amount: str, on: dt.date) -> None:
    with tx(session):
        post_payment(
            session,
            payment=PaymentIn(external_id, loan.external_id, Decimal(amount), on),
            actor=ACTOR,
            at=AT,
        )


def _accrue(session: Session, first: dt.date, days: int) -> None:
    with tx(session):
        for day in range(days):
            accrue_penalties(
                session, business_date=first + dt.timedelta(days=day), actor=ACTOR, at=AT
            )


def test_a_disbursement_books_the_schedule_as_receivable_against_cash_and_unearned_income(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    assert _entry(session, "loan.disbursed", loan) == {
        "principal_receivable": Decimal("1200.00"),
        "cash": Decimal("-1200.00"),
        "interest_receivable": Decimal("36.18"),
        "unearned_interest": Decimal("-36.18"),
    }
    _holds(session)


def test_a_monthly_fee_is_receivable_against_unearned_fee_and_earned_when_paid(
    session: Session, make_loan: LoanFactory
) -> None:
    # 10 % a year and 0.3 % of the principal a month: a fee of 3.60 in each of 3 dues.
    loan = make_loan("PFEE", annual_rate=Decimal("0.10"), monthly_fee_rate=Decimal("0.003"))
    assert _entry(session, "loan.disbursed", loan)["fee_receivable"] == Decimal("10.80")
    assert _entry(session, "loan.disbursed", loan)["unearned_fee"] == Decimal("-10.80")
    _pay(session, "F-1", loan, "5.00", FIRST_DUE)
    paid = _entry(session, "payment.posted", loan)
    # The product's order pays penalty, fee, interest, principal: the fee first.
    assert paid["fee_receivable"] == Decimal("-3.60")
    assert (paid["unearned_fee"], paid["fee_income"]) == (Decimal("3.60"), Decimal("-3.60"))
    assert paid["interest_income"] == Decimal("-1.40")
    assert paid["cash"] == Decimal("5.00")
    _holds(session)


def test_a_payment_credits_what_it_paid_and_earns_the_interest_it_collected(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _pay(session, "P-1", loan, "300.00", FIRST_DUE)
    assert _entry(session, "payment.posted", loan) == {
        "cash": Decimal("300.00"),
        "interest_receivable": Decimal("-18.00"),
        "unearned_interest": Decimal("18.00"),
        "interest_income": Decimal("-18.00"),
        "principal_receivable": Decimal("-282.00"),
    }
    _holds(session)


def test_a_credit_products_overpayment_is_unapplied_credit_until_a_due_falls_due(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan("PCREDIT", overpayment="credit")
    # The current dues on 2026-02-15 are the first and the next: 2 × 412.06 = 824.12.
    _pay(session, "C-1", loan, "900.00", FIRST_DUE)
    posted = _entry(session, "payment.posted", loan)
    assert (posted["cash"], posted["unapplied_credit"]) == (Decimal("900.00"), Decimal("-75.88"))
    with tx(session):
        apply_credits(session, business_date=dt.date(2026, 4, 15), actor=ACTOR, at=AT)
    applied = _entry(session, "credit.applied", loan)
    # The third due is 405.97 + 6.09: the credit pays its interest, then 69.79 of principal.
    assert applied == {
        "unapplied_credit": Decimal("75.88"),
        "interest_receivable": Decimal("-6.09"),
        "unearned_interest": Decimal("6.09"),
        "interest_income": Decimal("-6.09"),
        "principal_receivable": Decimal("-69.79"),
    }
    _holds(session)


def test_a_penalty_is_receivable_and_income_on_the_day_it_accrues(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    # 0.05 % a day on the first due's 394.06 overdue principal: 0.197, so 0.20 a day.
    _accrue(session, FIRST_DUE + dt.timedelta(days=1), 3)
    assert _entry(session, "penalty.accrued", loan) == {
        "penalty_receivable": Decimal("0.60"),
        "penalty_income": Decimal("-0.60"),
    }
    _holds(session)


def test_a_waived_penalty_is_an_expense_and_waived_interest_only_leaves_unearned_income(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _accrue(session, FIRST_DUE + dt.timedelta(days=1), 3)
    waived_on = FIRST_DUE + dt.timedelta(days=3)
    with tx(session):
        for component, amount in (("penalty", "0.50"), ("interest", "20.00")):
            waive(
                session,
                loan_id=loan.id,
                component=component,
                amount=Decimal(amount),
                waived_on=waived_on,
                reason="hardship",
                actor=ACTOR,
                at=AT,
            )
    assert _entry(session, "charge.waived", loan) == {
        "penalty_receivable": Decimal("-0.50"),
        "waivers": Decimal("0.50"),
        "interest_receivable": Decimal("-20.00"),
        "unearned_interest": Decimal("20.00"),
    }
    _holds(session)


def test_a_reversal_takes_the_payment_back_on_the_reversal_date(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _pay(session, "R-1", loan, "300.00", FIRST_DUE)
    reversed_on = FIRST_DUE + dt.timedelta(days=2)
    with tx(session):
        reverse_payment(
            session,
            external_id="R-1",
            reversed_on=reversed_on,
            reason="returned by the bank",
            actor=ACTOR,
            at=AT,
        )
    assert _entry(session, "payment.reversed", loan) == {
        "cash": Decimal("-300.00"),
        "interest_receivable": Decimal("18.00"),
        "unearned_interest": Decimal("-18.00"),
        "interest_income": Decimal("18.00"),
        "principal_receivable": Decimal("282.00"),
    }
    days = set(
        session.scalars(select(JournalLine.posted_on).where(JournalLine.kind == "payment.reversed"))
    )
    session.commit()
    assert days == {reversed_on}
    _holds(session)


def test_a_restructure_capitalises_what_was_due_and_replaces_the_schedule(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _pay(session, "S-1", loan, "300.00", FIRST_DUE)
    _accrue(session, dt.date(2026, 3, 16), 2)
    with tx(session):
        restructure(
            session,
            loan_id=loan.id,
            starts_on=dt.date(2026, 3, 17),
            term_months=4,
            annual_rate=Decimal("0.12"),
            reason="hardship",
            actor=ACTOR,
            at=AT,
        )
    # Due by the start: 12.09 of interest (second due) and 0.52 of penalty, capitalised into
    # 930.61 of new principal (918.00 was owed); the new schedule's interest is 23.38, the old
    # open interest 18.18.
    assert _entry(session, "loan.restructured", loan) == {
        "principal_receivable": Decimal("12.61"),
        "penalty_receivable": Decimal("-0.52"),
        "interest_receivable": Decimal("5.20"),
        "unearned_interest": Decimal("-5.20"),
        "interest_income": Decimal("-12.09"),
    }
    _holds(session)


def test_a_payoff_drops_the_interest_not_yet_earned_and_collects_five_days_of_it(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="10000.00", term_months=12)
    on = START + dt.timedelta(days=5)
    with tx(session):
        prepay(
            session,
            payment=PaymentIn("OFF-1", loan.external_id, Decimal("10024.19"), on),
            actor=ACTOR,
            at=AT,
        )
    # 12 months' interest is 1,001.61; five days of the first month's 150.00 is 24.19.
    assert _entry(session, "loan.prepaid", loan) == {
        "interest_receivable": Decimal("-977.42"),
        "unearned_interest": Decimal("977.42"),
    }
    assert _entry(session, "payment.posted", loan) == {
        "cash": Decimal("10024.19"),
        "interest_receivable": Decimal("-24.19"),
        "unearned_interest": Decimal("24.19"),
        "interest_income": Decimal("-24.19"),
        "principal_receivable": Decimal("-10000.00"),
    }
    _holds(session)


def test_a_charge_off_writes_principal_and_penalty_off_and_unearned_interest_back(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan("CO60", charge_off_days=60)
    _accrue(session, FIRST_DUE + dt.timedelta(days=1), 4)
    with tx(session):
        assert charge_off_due(session, business_date=dt.date(2026, 4, 16), actor=ACTOR, at=AT)
    assert _entry(session, "loan.charged_off", loan) == {
        "principal_receivable": Decimal("-1200.00"),
        "penalty_receivable": Decimal("-0.80"),
        "write_off": Decimal("1200.80"),
        "interest_receivable": Decimal("-36.18"),
        "unearned_interest": Decimal("36.18"),
    }
    _holds(session)


def test_a_payment_after_charge_off_is_recovery_income_and_its_reversal_takes_it_back(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan("CO60", charge_off_days=60)
    with tx(session):
        charge_off_due(session, business_date=dt.date(2026, 4, 16), actor=ACTOR, at=AT)
    _pay(session, "REC-1", loan, "1300.00", dt.date(2026, 5, 1))
    # 1,236.18 was written off (principal and interest); 63.82 beyond it is owed back.
    assert _entry(session, "recovery.recorded", loan) == {
        "cash": Decimal("1300.00"),
        "recoveries": Decimal("-1236.18"),
        "unapplied_credit": Decimal("-63.82"),
    }
    assert _entry(session, "payment.posted", loan) == {}
    with tx(session):
        reverse_payment(
            session,
            external_id="REC-1",
            reversed_on=dt.date(2026, 5, 3),
            reason="returned by the bank",
            actor=ACTOR,
            at=AT,
        )
    assert _entry(session, "recovery.reversed", loan) == {
        "cash": Decimal("-1300.00"),
        "recoveries": Decimal("1236.18"),
        "unapplied_credit": Decimal("63.82"),
    }
    _holds(session)


def test_a_payment_reversed_after_charge_off_is_a_further_loss(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan("CO60", charge_off_days=60)
    _pay(session, "PRE-CO", loan, "100.00", FIRST_DUE)
    with tx(session):
        charge_off_due(session, business_date=dt.date(2026, 4, 16), actor=ACTOR, at=AT)
        reverse_payment(
            session,
            external_id="PRE-CO",
            reversed_on=dt.date(2026, 4, 20),
            reason="returned by the bank",
            actor=ACTOR,
            at=AT,
        )
    assert _entry(session, "payment.reversed", loan) == {
        "cash": Decimal("-100.00"),
        "write_off": Decimal("100.00"),
    }
    _holds(session)


def test_the_check_holds_on_every_past_date_and_the_trial_balance_balances(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _pay(session, "D-1", loan, "300.00", FIRST_DUE)
    _accrue(session, dt.date(2026, 3, 16), 3)
    _pay(session, "D-2", loan, "100.00", dt.date(2026, 3, 19))
    for day in (START, FIRST_DUE, dt.date(2026, 3, 17), dt.date(2026, 3, 19)):
        result = check(session, on=day)
        assert result.is_ok, result.as_json()
    # On 2026-03-17 the payment of 03-19 has not happened: principal 918.00 and the penalties of
    # two days are still receivable.
    figures = trial_balance(session, on=dt.date(2026, 3, 17))
    session.commit()
    assert figures["debits"] == figures["credits"]
    accounts = figures["accounts"]
    assert accounts["principal_receivable"] == "918.00"
    assert accounts["interest_receivable"] == "18.18"
    assert accounts["penalty_receivable"] == "0.52"
    assert accounts["interest_income"] == "18.00"
    assert accounts["cash"] == "-900.00"


def test_the_check_names_a_loan_whose_instalments_changed_without_an_entry_and_exits_1(
    engine: Engine, session: Session, make_loan: LoanFactory
) -> None:
    good, bad = make_loan(), make_loan()
    with tx(session):
        # Bound as money, so the edit is stored as each database keeps money (cents on SQLite).
        session.execute(
            text(
                "UPDATE installment SET interest_paid = :paid WHERE loan_id = :id AND seq = 1"
            ).bindparams(bindparam("paid", type_=MONEY)),
            {"id": bad.id, "paid": Decimal("1.23")},
        )
    url = str(engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(app, ["ledger", "check", "--database", url])
    assert result.exit_code == 1, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["ok"] is False
    assert figures["differing_loans"] == [bad.external_id]
    assert figures["differences"] == [
        {"loan": bad.external_id, "component": "interest", "journal": "36.18", "open": "34.95"}
    ]
    assert good.external_id not in result.output


def test_the_trial_balance_command_prints_one_json_object_last(
    engine: Engine, session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    _pay(session, "T-1", loan, "300.00", FIRST_DUE)
    url = str(engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(
        app, ["ledger", "trial-balance", "--date", "2026-02-15", "--database", url]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert set(figures) == {"date", "debits", "credits", "accounts"}
    assert (figures["date"], figures["debits"], figures["credits"]) == (
        "2026-02-15",
        "1554.18",
        "1554.18",
    )
    assert figures["accounts"]["principal_receivable"] == "918.00"
    checked = CliRunner().invoke(
        app, ["ledger", "check", "--date", "2026-02-15", "--database", url]
    )
    assert checked.exit_code == 0, checked.output


def test_the_journal_export_writes_every_line_with_its_debit_or_credit(
    engine: Engine, session: Session, make_loan: LoanFactory, tmp_path: Path
) -> None:
    loan = make_loan()
    _pay(session, "E-1", loan, "300.00", FIRST_DUE)
    out = tmp_path / "journal.csv"
    url = str(engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(
        app, ["export", "--what", "journal", "--out", str(out), "--database", url]
    )
    assert result.exit_code == 0, result.output
    table = pacsv.read_csv(out).to_pylist()
    count = session.query(JournalLine).count()
    session.commit()
    assert len(table) == count == 9
    assert {row["loan"] for row in table} == {loan.external_id}
    debits = sum(Decimal(str(row["debit"])) for row in table)
    credits = sum(Decimal(str(row["credit"])) for row in table)
    assert debits == credits == Decimal("1554.18")
    first = next(row for row in table if row["account"] == "cash")
    assert (first["kind"], str(first["posted_on"]), Decimal(str(first["credit"]))) == (
        "loan.disbursed",
        "2026-01-15",
        Decimal("1.2E+3"),
    )
