"""Promises to pay on every backend: kinds, instalment series settled from the ledger, the
gate's hold while a promise is live, and kept rates by collector, channel and segment."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.compliance.attempts import Attempt
from fairdebt.compliance.gate import check
from fairdebt.contacts import PROMISE_GRACE_DAYS, gate_case, record_contact_event
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.promise_rates import promise_rates
from fairdebt.ledger.promises import record_instalments, record_promise, settle_promises
from fairdebt.models import Promise

from .conftest import ACTOR, AT, LoanFactory, tx

DAY = dt.date(2026, 3, 2)
BEIJING = dt.timezone(dt.timedelta(hours=8))


def _pay(session: Session, ref: str, loan_external_id: str, amount: str, day: dt.date) -> None:
    payment = PaymentIn(ref, loan_external_id, Decimal(amount), day)
    post_payment(session, payment=payment, actor=ACTOR, at=AT)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=BEIJING)


def test_a_live_promise_suppresses_contact_until_its_date_plus_the_grace_period(
    session: Session, borrower_id: int, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    due = DAY + dt.timedelta(days=3)
    with tx(session):
        record_promise(
            session,
            loan_id=loan.id,
            amount=Decimal("100"),
            due_on=due,
            promised_on=DAY,
            actor=ACTOR,
            at=AT,
            kind="partial",
        )
        for day, live in (
            (DAY, True),
            (due + dt.timedelta(days=PROMISE_GRACE_DAYS), True),
            (due + dt.timedelta(days=PROMISE_GRACE_DAYS + 1), False),
        ):
            history, debtor, consents = gate_case(session, borrower_id=borrower_id, at=_at(day))
            verdict = check(
                Attempt(at=_at(day), channel="call"), history, debtor, "cn", consents=consents
            )
            assert ("promise" in debtor.holds) is live
            assert verdict.allowed is not live


def test_a_kept_promise_no_longer_suppresses_contact(
    session: Session, borrower_id: int, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    with tx(session):
        record_promise(
            session,
            loan_id=loan.id,
            amount=Decimal("50"),
            due_on=DAY + dt.timedelta(days=5),
            promised_on=DAY,
            actor=ACTOR,
            at=AT,
        )
        _pay(session, "P1", loan.external_id, "50.00", DAY)
        settle_promises(session, business_date=DAY, actor=ACTOR, at=AT)
        _, debtor, _ = gate_case(
            session, borrower_id=borrower_id, at=_at(DAY + dt.timedelta(days=1))
        )
        assert "promise" not in debtor.holds


def test_payments_fill_an_instalment_series_in_order(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    dates = [DAY + dt.timedelta(days=7 * k) for k in (1, 2, 3)]
    with tx(session):
        rows = record_instalments(
            session,
            loan_id=loan.id,
            instalments=[(d, Decimal("100")) for d in dates],
            promised_on=DAY,
            actor=ACTOR,
            at=AT,
        )
        assert [r.series_id for r in rows] == [rows[0].id] * 3
        _pay(session, "P1", loan.external_id, "150.00", DAY + dt.timedelta(days=1))
        settle_promises(session, business_date=dates[2], actor=ACTOR, at=AT)
    settled = session.execute(
        select(Promise.sequence, Promise.status, Promise.kept_amount).order_by(Promise.sequence)
    ).all()
    assert [(s, k) for _, s, k in settled] == [
        ("kept", Decimal("100.00")),
        ("partly_kept", Decimal("50.00")),
        ("broken", Decimal("0.00")),
    ]


def test_kept_rates_count_a_series_once_by_collector_channel_and_kind(
    session: Session, borrower_id: int, make_loan: LoanFactory, database_url: str
) -> None:
    loan, other = make_loan(), make_loan()
    with tx(session):
        call = record_contact_event(
            session,
            borrower_id=borrower_id,
            loan_id=loan.id,
            at=_at(DAY),
            direction="outbound",
            channel="call",
            recipient="debtor",
            outcome="answered",
            actor=ACTOR,
        )
        record_promise(
            session,
            loan_id=loan.id,
            amount=Decimal("80"),
            due_on=DAY + dt.timedelta(days=2),
            promised_on=DAY,
            actor=ACTOR,
            at=AT,
            contact_event_id=call.id,
        )
        record_instalments(
            session,
            loan_id=other.id,
            instalments=[
                (DAY + dt.timedelta(days=1), Decimal("10")),
                (DAY + dt.timedelta(days=2), Decimal("10")),
            ],
            promised_on=DAY,
            actor=ACTOR,
            at=AT,
        )
        _pay(session, "P1", loan.external_id, "80.00", DAY + dt.timedelta(days=1))
        settle_promises(session, business_date=DAY + dt.timedelta(days=2), actor=ACTOR, at=AT)
        rates = promise_rates(session, since=DAY, until=DAY, segment="product")
    assert (rates["promises"], rates["kept"], rates["broken"], rates["kept_rate"]) == (
        2,
        1,
        1,
        "0.5000",
    )
    assert {r["channel"]: r["kept_rate"] for r in rates["by_channel"]} == {
        "call": "1.0000",
        "unknown": "0.0000",
    }
    assert {r["kind"]: r["promises"] for r in rates["by_kind"]} == {"full": 1, "instalment": 1}
    session.commit()
    shown = CliRunner().invoke(
        app,
        ["promises", "rates", "--from", str(DAY), "--to", str(DAY), "--database", database_url],
    )
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout.strip().splitlines()[-1])["kept"] == 1
