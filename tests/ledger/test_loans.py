"""Disbursement, the legal cost cap, penalties, waivers, plans and charge-off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fairdebt.errors import ConfigurationError, RuleViolation
from fairdebt.ledger.accruals import accrue_penalties
from fairdebt.ledger.loans import LoanIn, charge_off_due, disburse, extend, restructure, waive
from fairdebt.ledger.payments import PaymentIn, post_payment
from fairdebt.ledger.products import set_lpr
from fairdebt.models import Accrual, Installment, Loan, Waiver

from .conftest import ACTOR, AT, START, LoanFactory, add_product, tx


def _current(session: Session, loan_id: int) -> list[Installment]:
    return list(
        session.scalars(
            select(Installment)
            .where(Installment.loan_id == loan_id, Installment.superseded_on.is_(None))
            .order_by(Installment.seq)
        )
    )


def test_disbursement_writes_a_schedule_summing_to_the_principal(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="5000.00", term_months=6)
    rows = _current(session, loan.id)
    assert len(rows) == 6 and sum(r.principal_due for r in rows) == Decimal("5000.00")
    assert loan.cost_cap_rate == Decimal("0.24") and loan.status == "active"


def test_an_apr_product_priced_above_its_cap_is_refused(session: Session) -> None:
    with pytest.raises(ConfigurationError, match="above its cap"), tx(session):
        add_product(session, "BAD", annual_rate=Decimal("0.20"), monthly_fee_rate=Decimal("0.005"))


def test_the_4x_lpr_cap_resolves_from_the_lpr_in_force_at_the_contract_date(
    session: Session, borrower_id: int
) -> None:
    with tx(session):
        set_lpr(
            session,
            effective_on=dt.date(2025, 5, 20),
            one_year_rate=Decimal("0.0300"),
            actor=ACTOR,
            at=AT,
        )
        set_lpr(
            session,
            effective_on=dt.date(2026, 2, 20),
            one_year_rate=Decimal("0.0250"),
            actor=ACTOR,
            at=AT,
        )
        add_product(
            session,
            "LPR",
            annual_rate=Decimal("0.11"),
            cost_cap_kind="lpr_multiple",
            cost_cap_rate=Decimal(4),
        )
        before = disburse(
            session,
            loan=LoanIn("L-A", borrower_id, "LPR", Decimal("1000"), 3, dt.date(2026, 2, 19)),
            actor=ACTOR,
            at=AT,
        )
        assert before.cost_cap_rate == Decimal("0.12")
    with pytest.raises(RuleViolation, match=r"above its cap 0\.1000") as refused, tx(session):
        disburse(
            session,
            loan=LoanIn("L-B", borrower_id, "LPR", Decimal("1000"), 3, dt.date(2026, 2, 20)),
            actor=ACTOR,
            at=AT,
        )
    assert refused.value.record == "loan L-B" and refused.value.field == "annual_rate"


def test_penalties_accrue_daily_on_overdue_principal_once_per_date(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="1200.00", term_months=3)
    first_due = _current(session, loan.id)[0]
    day = first_due.due_on + dt.timedelta(days=1)
    with tx(session):
        assert accrue_penalties(session, business_date=day, actor=ACTOR, at=AT) == 1
    with tx(session):
        assert accrue_penalties(session, business_date=day, actor=ACTOR, at=AT) == 0
    expected = (first_due.principal_due * Decimal("0.0005")).quantize(Decimal("0.01"))
    assert session.scalar(select(func.sum(Accrual.amount))) == expected
    assert _current(session, loan.id)[0].penalty_due == expected


def test_reaching_the_cost_cap_stops_penalty_accrual(
    session: Session, make_loan: LoanFactory
) -> None:
    # 23.9 % interest under a 24 % cap leaves almost no room for a 1 %-a-day penalty.
    loan = make_loan(
        "TIGHT",
        principal="1200.00",
        term_months=3,
        annual_rate=Decimal("0.239"),
        penalty_daily_rate=Decimal("0.01"),
    )
    due_on = _current(session, loan.id)[0].due_on
    with tx(session):
        for offset in range(1, 21):
            accrue_penalties(
                session, business_date=due_on + dt.timedelta(days=offset), actor=ACTOR, at=AT
            )
    days = (due_on + dt.timedelta(days=20) - START).days
    cap = (
        (Decimal("0.24") * Decimal("1200.00")).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        * days
        / 365
    )
    rows = _current(session, loan.id)
    charged = sum(
        r.interest_due + r.fee_due for r in rows if r.due_on <= due_on + dt.timedelta(days=20)
    )
    penalty = session.scalar(select(func.sum(Accrual.amount)))
    assert penalty is not None and Decimal(0) < penalty < Decimal("0.01") * 400 * 20
    assert charged + penalty <= cap


def test_a_waiver_reduces_what_is_owed_and_is_recorded(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="1200.00", term_months=3)
    with tx(session):
        waiver = waive(
            session,
            loan_id=loan.id,
            component="interest",
            amount=Decimal("20.00"),
            waived_on=dt.date(2026, 2, 1),
            reason="goodwill",
            actor=ACTOR,
            at=AT,
        )
    assert waiver.amount == Decimal("18.00")  # the first due's interest, then the next
    assert session.scalar(select(func.sum(Waiver.amount))) == Decimal("20.00")
    assert sum(r.interest_waived for r in _current(session, loan.id)) == Decimal("20.00")
    with pytest.raises(RuleViolation, match="more than"), tx(session):
        waive(
            session,
            loan_id=loan.id,
            component="fee",
            amount=Decimal("1"),
            waived_on=dt.date(2026, 2, 1),
            reason="x",
            actor=ACTOR,
            at=AT,
        )


def test_restructure_supersedes_the_open_dues_with_a_new_schedule(
    session: Session, make_loan: LoanFactory
) -> None:
    loan = make_loan(principal="1200.00", term_months=3)
    old = _current(session, loan.id)
    starts_on = old[0].due_on + dt.timedelta(days=10)
    with tx(session):
        plan = restructure(
            session,
            loan_id=loan.id,
            starts_on=starts_on,
            term_months=6,
            annual_rate=Decimal("0.06"),
            reason="hardship",
            actor=ACTOR,
            at=AT,
        )
    assert plan.restructured_amount == Decimal("1200.00") + old[0].interest_due
    new = _current(session, loan.id)
    assert len(new) == 6 and all(r.repayment_plan_id == plan.id for r in new)
    assert sum(r.principal_due for r in new) == plan.restructured_amount
    superseded = session.scalars(
        select(Installment.superseded_on).where(Installment.repayment_plan_id.is_(None))
    )
    assert set(superseded) == {starts_on}
    with tx(session):
        extended = extend(
            session,
            loan_id=loan.id,
            starts_on=starts_on + dt.timedelta(days=1),
            extra_months=2,
            reason="more time",
            actor=ACTOR,
            at=AT,
        )
    assert extended.term_months == 8 and len(_current(session, loan.id)) == 8


def test_loans_are_charged_off_at_the_products_days_past_due(
    session: Session, make_loan: LoanFactory
) -> None:
    late = make_loan(principal="1200.00", term_months=3)
    paying = make_loan(principal="1200.00", term_months=3)
    first_due = _current(session, late.id)[0].due_on
    with tx(session):
        post_payment(
            session,
            payment=PaymentIn("P", paying.external_id, Decimal("5000"), START),
            actor=ACTOR,
            at=AT,
        )
        assert (
            charge_off_due(
                session, business_date=first_due + dt.timedelta(days=179), actor=ACTOR, at=AT
            )
            == 0
        )
        assert (
            charge_off_due(
                session, business_date=first_due + dt.timedelta(days=180), actor=ACTOR, at=AT
            )
            == 1
        )
    charged = session.get(Loan, late.id)
    assert charged is not None and charged.status == "charged_off"
    assert charged.charged_off_on == first_due + dt.timedelta(days=180)


def test_disbursement_entries_are_canonical_json_and_times_are_stored_as_the_orm_would(
    session: Session, make_loan: LoanFactory
) -> None:
    import json

    from sqlalchemy import text

    from fairdebt.audit import canonical_json
    from fairdebt.models import AuditEntry

    make_loan()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "loan.disbursed")).one()
    assert canonical_json(json.loads(entry.data)) == entry.data
    assert entry.at == AT
    raw = session.execute(text("SELECT at FROM audit_entry WHERE seq = :s"), {"s": entry.seq})
    stored = raw.scalar_one()
    if session.get_bind().dialect.name == "sqlite":  # SQLAlchemy's own SQLite text format
        assert stored == AT.strftime("%Y-%m-%d %H:%M:%S.%f")
