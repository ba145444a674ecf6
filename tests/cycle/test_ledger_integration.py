"""The cycle over rows written by the ledger's own verbs (disburse, post and reverse payments)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from fairdebt import cycle
from fairdebt.db import make_session
from fairdebt.ledger.borrowers import BorrowerIn, register_borrowers
from fairdebt.ledger.loans import LoanIn, disburse, restructure
from fairdebt.ledger.payments import PaymentIn, post_payments
from fairdebt.ledger.products import create_product
from fairdebt.ledger.reversal import reverse_payment
from fairdebt.models import Installment, LoanDay

AT = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def test_dpd_follows_payments_and_reversals_posted_through_the_ledger(
    engine: Engine, days_of: Any
) -> None:
    with make_session(engine) as session, session.begin():
        create_product(
            session,
            code="P3",
            name="3-month",
            repayment_method="equal_installment",
            annual_rate=Decimal("0.18"),
            monthly_fee_rate=Decimal("0"),
            penalty_daily_rate=Decimal("0.0005"),
            cost_cap_kind="apr",
            cost_cap_rate=Decimal("0.24"),
            actor="t",
            at=AT,
        )
        borrower = register_borrowers(
            session,
            borrowers=[
                BorrowerIn(
                    external_id="B-1",
                    name="李娜",
                    national_id=None,
                    language="zh-CN",
                    timezone="Asia/Shanghai",
                    province=None,
                    city=None,
                    birth_year=None,
                    monthly_income_amount=None,
                    contacts=(),
                )
            ],
            actor="t",
            at=AT,
        )[0]
        loan = disburse(
            session,
            loan=LoanIn("L-1", borrower, "P3", Decimal("3000.00"), 3, dt.date(2026, 1, 15)),
            actor="t",
            at=AT,
        )
        loan_id = loan.id
        first = session.scalars(
            select(Installment).where(Installment.loan_id == loan.id).order_by(Installment.seq)
        ).first()
        assert first is not None
        due, owed = first.due_on, first.principal_due + first.interest_due + first.fee_due
        post_payments(
            session,
            payments=[PaymentIn("X-1", "L-1", owed, due + dt.timedelta(days=10))],
            actor="t",
            at=AT,
        )
        reverse_payment(
            session,
            external_id="X-1",
            reversed_on=due + dt.timedelta(days=12),
            reason="bounced",
            actor="t",
            at=AT,
        )
    rows = days_of(engine, "duckdb", due, due + dt.timedelta(days=12))
    dpd = {on: row["dpd"] for (key, on), row in rows.items() if key == loan_id}
    day = dt.timedelta(days=1)
    assert dpd[due] == 0 and dpd[due + day] == 1 and dpd[due + 9 * day] == 9
    assert dpd[due + 10 * day] == 0 and dpd[due + 11 * day] == 0
    assert dpd[due + 12 * day] == 12
    result = cycle.run(engine, business_date=due + 12 * day, at=AT)
    assert result.bucket_counts == {"M1": 1}


def test_a_37_dpd_loan_restructured_through_the_ledger_is_flagged_and_stays_in_m2(
    engine: Engine,
) -> None:
    # Issue 10: restructure put a 37-dpd loan in M0 the same day, with no flag.
    with make_session(engine) as session, session.begin():
        create_product(
            session,
            code="P6",
            name="6-month",
            repayment_method="equal_installment",
            annual_rate=Decimal("0.18"),
            monthly_fee_rate=Decimal("0"),
            penalty_daily_rate=Decimal("0.0005"),
            cost_cap_kind="apr",
            cost_cap_rate=Decimal("0.24"),
            actor="t",
            at=AT,
        )
        borrower = register_borrowers(
            session,
            borrowers=[
                BorrowerIn("B-2", "王芳", None, "zh-CN", "Asia/Shanghai", None, None, None, None)
            ],
            actor="t",
            at=AT,
        )[0]
        loan = disburse(
            session,
            loan=LoanIn("L-2", borrower, "P6", Decimal("6000.00"), 6, dt.date(2026, 1, 15)),
            actor="t",
            at=AT,
        )
        loan_id = loan.id
        starts_on = dt.date(2026, 3, 24)  # 2026-02-15 unpaid: 37 days past due
        plan = restructure(
            session,
            loan_id=loan_id,
            starts_on=starts_on,
            term_months=6,
            annual_rate=Decimal("0.06"),
            reason="hardship",
            actor="t",
            at=AT,
        )
        assert plan.carried_due_on == dt.date(2026, 2, 15)
        dues = session.scalars(
            select(Installment)
            .where(Installment.repayment_plan_id == plan.id)
            .order_by(Installment.due_on)
        ).all()
        post_payments(
            session,
            payments=[
                PaymentIn(f"R-{due.seq}", "L-2", due.principal_due + due.interest_due, due.due_on)
                for due in dues[:3]
            ],
            actor="t",
            at=AT,
        )
        third = dues[2].due_on
    cycle.run_range(engine, start=starts_on, end=third, at=AT)
    with engine.connect() as connection:
        rows = {
            row.business_date: row
            for row in connection.execute(select(LoanDay).where(LoanDay.loan_id == loan_id))
        }

    def seen(on: dt.date) -> tuple[Any, ...]:
        row = rows[on]
        return (row.dpd, row.bucket, row.risk_class, bool(row.is_restructured))

    assert seen(starts_on) == (37, "M2", "special_mention", True)
    assert seen(third - dt.timedelta(days=1)) == (37, "M2", "special_mention", True)
    assert seen(third) == (0, "M0", "special_mention", True)
