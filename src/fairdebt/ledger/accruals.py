"""Daily penalty accrual on overdue principal, never past the loan's legal cost cap.

For business date D, every current installment of an active loan that is past due beyond the
product's grace days, with principal still owed, accrues ``round_half_up(overdue principal ×
penalty_daily_rate)`` as one Accrual row (unique per installment, component and date), and its
``penalty_due`` grows by the same amount. Loans on a hold accrue nothing while it lasts.

The cost cap is the loan's annualised comprehensive cost by the IRR method on the principal it
actually holds (:mod:`fairdebt.ledger.costs`): ``room(D)`` is the most, in whole cents, that may
still be charged on D with that cost at or under the cap. A loan's penalties for D are granted
oldest due first until its room runs out, so a loan at its cap stops accruing and resumes only as
time (a payment, a waiver) makes room. Rerunning a date writes nothing new: installments that
already have that date's accrual are skipped and their amount counts as charged. The arithmetic
is integer cents in numpy, over every loan at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Date, bindparam, text
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import cents_sql, dialect_sql, driver_types, execute_many, insert_rows
from fairdebt.ledger.costs import penalty_room_cents
from fairdebt.ledger.installments import decimal_of
from fairdebt.ledger.journal import last_id, post_penalties
from fairdebt.models import CONTACT_ONLY_HOLDS, LoanStatus

__all__ = ["accrue_penalties", "penalty_cents"]

RATE_UNITS = 10**8  # rates are Numeric(12, 8): exact integers of 1e-8


def penalty_cents(overdue_cents: np.ndarray, rate_units: np.ndarray) -> np.ndarray:
    """Daily penalty in cents, rounded half up.

    >>> penalty_cents(np.array([100_000, 33]), np.array([50_000, 50_000])).tolist()
    [50, 0]
    """
    result: np.ndarray = (overdue_cents * rate_units + RATE_UNITS // 2) // RATE_UNITS
    return result


_OVERDUE = "i.principal_due - i.principal_paid - i.principal_waived"
_CONTACT_ONLY = ", ".join(f"'{kind}'" for kind in CONTACT_ONLY_HOLDS)
_CANDIDATES_SQL = f"""
SELECT i.id, i.loan_id, i.due_on, {cents_sql(_OVERDUE)},
       CAST(ROUND(p.penalty_daily_rate * {RATE_UNITS}) AS BIGINT), p.grace_days,
       {cents_sql("l.principal_amount")}, l.disbursed_on,
       CAST(ROUND(l.cost_cap_rate * {RATE_UNITS}) AS BIGINT)
FROM installment i
JOIN loan l ON l.id = i.loan_id
JOIN product p ON p.id = l.product_id
WHERE l.status = :active AND i.superseded_on IS NULL AND i.due_on < :day
  AND ({_OVERDUE}) > 0 AND p.penalty_daily_rate > 0
  AND NOT EXISTS (
    SELECT 1 FROM hold h WHERE h.loan_id = i.loan_id AND h.started_on <= :day
      AND (h.ended_on IS NULL OR h.ended_on > :day) AND h.kind NOT IN ({_CONTACT_ONLY}))
  AND NOT EXISTS (
    SELECT 1 FROM accrual a WHERE a.installment_id = i.id AND a.component = 'penalty'
      AND a.accrued_on = :day)
"""


def _candidates(
    session: Session, business_date: dt.date, loan_ids: Sequence[int] | None
) -> pd.DataFrame:
    sql = _CANDIDATES_SQL
    if loan_ids is not None:
        sql += f" AND l.id IN ({', '.join(str(int(i)) for i in loan_ids) or 'NULL'})"
    rows = session.execute(
        text(dialect_sql(session.get_bind().dialect.name, sql)).bindparams(
            bindparam("day", type_=Date)
        ),
        {"active": LoanStatus.ACTIVE.value, "day": business_date},
    ).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 9
    today = np.datetime64(business_date, "D")
    due_on = np.array(columns[2], dtype="datetime64[D]")
    frame = pd.DataFrame(
        {
            "installment_id": np.array(columns[0], dtype=np.int64),
            "loan_id": np.array(columns[1], dtype=np.int64),
            "due_on": due_on,
            "overdue": np.array(columns[3], dtype=np.int64),
            "rate": np.array(columns[4], dtype=np.int64),
            "late_days": (today - due_on).astype(np.int64),
            "grace": np.array(columns[5], dtype=np.int64),
            "principal": np.array(columns[6], dtype=np.int64),
            "days": (today - np.array(columns[7], dtype="datetime64[D]")).astype(np.int64),
            "cap_rate": np.array(columns[8], dtype=np.int64),
        }
    )
    return frame[frame["late_days"] > frame["grace"]]


def accrue_penalties(
    session: Session,
    *,
    business_date: dt.date,
    actor: str,
    at: dt.datetime,
    loan_ids: Sequence[int] | None = None,
) -> int:
    """Accrue the day's penalties for every loan at once (or only these loans', as a replay
    does); returns the number of rows written."""
    session.flush()
    frame = _candidates(session, business_date, loan_ids)
    if frame.empty:
        return 0
    frame = frame.sort_values(["loan_id", "due_on", "installment_id"])
    frame["penalty"] = penalty_cents(frame["overdue"].to_numpy(), frame["rate"].to_numpy())
    # The legal cost cap, by IRR on the principal actually held (ledger/costs.py).
    room_by_loan = penalty_room_cents(
        session, loan_ids=sorted(set(frame["loan_id"].tolist())), business_date=business_date
    )
    room = frame["loan_id"].map(room_by_loan).to_numpy(dtype=np.int64)
    before = frame.groupby("loan_id")["penalty"].cumsum().to_numpy() - frame["penalty"].to_numpy()
    frame["granted"] = np.clip(room - before, 0, frame["penalty"].to_numpy())
    capped = int((frame["granted"] < frame["penalty"]).sum())
    granted = frame[frame["granted"] > 0]
    cents = granted["granted"].tolist()
    ids = granted["installment_id"].tolist()
    loans = granted["loan_id"].tolist()
    driver = driver_types(session)
    amounts = [driver.money(c) for c in cents]
    day = driver.day(business_date)
    after_accrual_id = last_id(session, "accrual")
    insert_rows(
        session,
        "accrual",
        ("installment_id", "loan_id", "component", "amount", "accrued_on"),
        [(i, loan, "penalty", a, day) for i, loan, a in zip(ids, loans, amounts, strict=True)],
    )
    post_penalties(session, business_date=business_date, after_accrual_id=after_accrual_id)
    execute_many(
        session,
        # Exact on both: integer cents on SQLite, NUMERIC on PostgreSQL.
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
            "total": decimal_of(sum(cents)),
            "capped_installments": capped,
        },
    )
    session.expire_all()
    return len(ids)
