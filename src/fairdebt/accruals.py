"""Daily penalty accrual on overdue principal, never past the loan's legal cost cap.

For business date D, every current installment of an active loan that is past due beyond the
product's grace days, with principal still owed, accrues ``round_half_up(overdue principal ×
penalty_daily_rate)`` as one Accrual row (unique per installment, component and date), and its
``penalty_due`` grows by the same amount. Loans on a hold accrue nothing while it lasts.

The cost cap, exactly (all amounts in cents, floors so the cap is never overshot by rounding)::

    cap(D)  = floor(floor(cost_cap_rate × principal_amount) × days(disbursed_on, D) / 365)
    cost(D) = interest + fee of the dues falling on or before D (that were not superseded
              before they fell due) + every penalty accrued on or before D
              − every interest, fee or penalty waived on or before D
    room(D) = max(cap(D) − cost(D), 0)

A loan's penalties for D are granted oldest due first until ``room`` runs out, so a loan at its
cap stops accruing and resumes only as time (or a waiver) makes room. Rerunning a date writes
nothing new: installments that already have that date's accrual are skipped and their amount
counts in ``cost``. The arithmetic is integer cents in numpy, over every loan at once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import execute_many, insert_rows
from fairdebt.installments import chunked
from fairdebt.models import Accrual, Hold, Installment, Loan, LoanStatus, Product, Waiver

__all__ = ["accrue_penalties", "cap_cents", "penalty_cents"]

RATE_UNITS = 10**8  # rates are Numeric(12, 8): exact integers of 1e-8


def _cents(value: Decimal) -> int:
    return int(Decimal(value) * 100)


def _units(rate: Decimal) -> int:
    return int(Decimal(rate) * RATE_UNITS)


def penalty_cents(overdue_cents: np.ndarray, rate_units: np.ndarray) -> np.ndarray:
    """Daily penalty in cents, rounded half up.

    >>> penalty_cents(np.array([100_000, 33]), np.array([50_000, 50_000])).tolist()
    [50, 0]
    """
    result: np.ndarray = (overdue_cents * rate_units + RATE_UNITS // 2) // RATE_UNITS
    return result


def cap_cents(cap_units: np.ndarray, principal_cents: np.ndarray, days: np.ndarray) -> np.ndarray:
    """The most a loan may have cost after ``days``, in cents (two floors, never above the law).

    >>> cap_cents(np.array([24_000_000]), np.array([1_000_000]), np.array([365])).tolist()
    [240000]
    """
    annual = cap_units * principal_cents // RATE_UNITS
    result: np.ndarray = annual * days // 365
    return result


def _candidates(session: Session, business_date: dt.date) -> pd.DataFrame:
    owed = Installment.principal_due - Installment.principal_paid - Installment.principal_waived
    on_hold = exists().where(
        Hold.loan_id == Installment.loan_id,
        Hold.started_on <= business_date,
        or_(Hold.ended_on.is_(None), Hold.ended_on > business_date),
    )
    already = exists().where(
        Accrual.installment_id == Installment.id,
        Accrual.component == "penalty",
        Accrual.accrued_on == business_date,
    )
    query = (
        select(
            Installment.id,
            Installment.loan_id,
            Installment.due_on,
            owed.label("overdue"),
            Product.penalty_daily_rate,
            Product.grace_days,
            Loan.principal_amount,
            Loan.disbursed_on,
            Loan.cost_cap_rate,
        )
        .join(Loan, Loan.id == Installment.loan_id)
        .join(Product, Product.id == Loan.product_id)
        .where(
            Loan.status == LoanStatus.ACTIVE,
            Installment.superseded_on.is_(None),
            Installment.due_on < business_date,
            owed > 0,
            Product.penalty_daily_rate > 0,
            ~on_hold,
            ~already,
        )
    )
    rows = session.execute(query).all()
    frame = pd.DataFrame(
        {
            "installment_id": [r.id for r in rows],
            "loan_id": [r.loan_id for r in rows],
            "due_on": [r.due_on for r in rows],
            "overdue": np.array([_cents(r.overdue) for r in rows], dtype=np.int64),
            "rate": np.array([_units(r.penalty_daily_rate) for r in rows], dtype=np.int64),
            "late_days": np.array([(business_date - r.due_on).days for r in rows], dtype=np.int64),
            "grace": np.array([r.grace_days for r in rows], dtype=np.int64),
            "principal": np.array([_cents(r.principal_amount) for r in rows], dtype=np.int64),
            "days": np.array([(business_date - r.disbursed_on).days for r in rows], dtype=np.int64),
            "cap_rate": np.array([_units(r.cost_cap_rate) for r in rows], dtype=np.int64),
        }
    )
    return frame[frame["late_days"] > frame["grace"]]


def _costs(session: Session, loan_ids: list[int], business_date: dt.date) -> dict[int, int]:
    cost: dict[int, int] = dict.fromkeys(loan_ids, 0)
    for chunk in chunked(loan_ids):
        charged = session.execute(
            select(Installment.loan_id, func.sum(Installment.interest_due + Installment.fee_due))
            .where(
                Installment.loan_id.in_(chunk),
                Installment.due_on <= business_date,
                or_(
                    Installment.superseded_on.is_(None),
                    Installment.superseded_on > Installment.due_on,
                ),
            )
            .group_by(Installment.loan_id)
        )
        penalties = session.execute(
            select(Accrual.loan_id, func.sum(Accrual.amount))
            .where(Accrual.loan_id.in_(chunk), Accrual.accrued_on <= business_date)
            .group_by(Accrual.loan_id)
        )
        waived = session.execute(
            select(Waiver.loan_id, -func.sum(Waiver.amount))
            .where(
                and_(Waiver.loan_id.in_(chunk), Waiver.waived_on <= business_date),
                Waiver.component != "principal",
            )
            .group_by(Waiver.loan_id)
        )
        for result in (charged, penalties, waived):
            for loan_id, amount in result:
                cost[loan_id] += _cents(Decimal(amount or 0))
    return cost


def accrue_penalties(
    session: Session, *, business_date: dt.date, actor: str, at: dt.datetime
) -> int:
    """Accrue the day's penalties for every loan at once; returns the number of rows written."""
    session.flush()
    frame = _candidates(session, business_date)
    if frame.empty:
        return 0
    frame = frame.sort_values(["loan_id", "due_on", "installment_id"])
    cost = _costs(session, sorted(set(frame["loan_id"].tolist())), business_date)
    frame["penalty"] = penalty_cents(frame["overdue"].to_numpy(), frame["rate"].to_numpy())
    cap = cap_cents(
        frame["cap_rate"].to_numpy(), frame["principal"].to_numpy(), frame["days"].to_numpy()
    )
    room = np.maximum(cap - frame["loan_id"].map(cost).to_numpy(dtype=np.int64), 0)
    before = frame.groupby("loan_id")["penalty"].cumsum().to_numpy() - frame["penalty"].to_numpy()
    frame["granted"] = np.clip(room - before, 0, frame["penalty"].to_numpy())
    capped = int((frame["granted"] < frame["penalty"]).sum())
    granted = frame[frame["granted"] > 0]
    amounts = [Decimal(int(c)).scaleb(-2) for c in granted["granted"]]
    ids = [int(i) for i in granted["installment_id"]]
    loans = [int(i) for i in granted["loan_id"]]
    insert_rows(
        session,
        "accrual",
        ("installment_id", "loan_id", "component", "amount", "accrued_on"),
        [
            (i, loan, "penalty", a, business_date)
            for i, loan, a in zip(ids, loans, amounts, strict=True)
        ],
    )
    execute_many(
        session,
        "UPDATE installment SET penalty_due = penalty_due + ? WHERE id = ?",
        list(zip(amounts, ids, strict=True)),
    )
    audit.record(
        session,
        action="penalty.accrued",
        entity="accrual",
        entity_id=business_date.isoformat(),
        actor=actor,
        at=at,
        data={
            "business_date": business_date,
            "rows": len(ids),
            "loans": len(set(loans)),
            "total": sum(amounts, Decimal("0.00")),
            "capped_installments": capped,
        },
    )
    session.expire_all()
    return len(ids)
