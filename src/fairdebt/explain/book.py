"""The book as the explainer reads it: one row per due falling on a current loan.

``read_dues`` reads the ledger and the closed ``loan_day`` rows with two SQL queries (any
backend): every due of the live schedule falling on a closed business date on a loan that was
current at its close (0 dpd and active, or closed that very day by paying its last due: a
closed loan has no ``loan_day`` row, and requiring one dropped every last due paid on time),
with its borrower's province, its product and its vintage; and the principal the allocation
lines paid on each of those dues by the end of its due date
(reversals netted). A due *entered* collection when part of its principal was still open at
the end of its due date: the 入催率 of ``cycle/indicators.py`` read due by due (it weights by
the open principal, this by the due's principal: docs/decisions/explainer.md). Reading "1 dpd
at the next day's close" instead, as the first version did, misses every due paid the day
after it fell: a product with grace days moves exactly those. Channel and score band are
dimensions of the explainer but not of the ledger: a lender's tape that carries them can add
the columns to this frame.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, func, select

from fairdebt.models import (
    AllocationLine,
    Borrower,
    CycleRun,
    Installment,
    Loan,
    LoanDay,
    LoanStatus,
    Product,
)

__all__ = ["DIMENSIONS", "read_dues"]

DIMENSIONS = ("province", "product", "channel", "vintage", "score_band")


def read_dues(
    engine: Engine, *, from_on: dt.date | None = None, to_on: dt.date | None = None
) -> pd.DataFrame:
    """Dues on current loans with ``entered`` (0/1), ``principal`` and the book's dimensions."""
    i, d, a = Installment.__table__, LoanDay.__table__, AllocationLine.__table__
    query = (
        select(
            i.c.id,
            i.c.loan_id,
            i.c.seq,
            i.c.due_on,
            i.c.principal_due,
            Loan.disbursed_on,
            Product.code.label("product"),
            Borrower.province,
        )
        .select_from(i)
        .join(CycleRun, CycleRun.business_date == i.c.due_on)
        .outerjoin(d, (d.c.loan_id == i.c.loan_id) & (d.c.business_date == i.c.due_on))
        .join(Loan, Loan.id == i.c.loan_id)
        .join(Product, Product.id == Loan.product_id)
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .where(
            i.c.superseded_on.is_(None),
            # A loan whose last due is paid on time closes that day and has no ``loan_day``
            # row for it: that due fell on a current loan and did not enter. Requiring the row
            # (an inner join) kept only the last dues left unpaid, which biased the rate up.
            ((d.c.dpd == 0) & (d.c.status == "active"))
            | (
                d.c.loan_id.is_(None)
                & (Loan.status == LoanStatus.CLOSED)
                & (Loan.closed_on == i.c.due_on)
            ),
        )
    )
    # Principal paid on each due by the end of its due date (the lines of reversals netted).
    paid = (
        select(a.c.installment_id, func.sum(a.c.amount).label("paid"))
        .select_from(a)
        .join(i, i.c.id == a.c.installment_id)
        .where(a.c.component == "principal", a.c.effective_on <= i.c.due_on)
        .group_by(a.c.installment_id)
    )
    if from_on is not None:
        query = query.where(i.c.due_on >= from_on)
        paid = paid.where(i.c.due_on >= from_on)
    if to_on is not None:
        query = query.where(i.c.due_on <= to_on)
        paid = paid.where(i.c.due_on <= to_on)
    with engine.connect() as connection:
        dues = pd.DataFrame(
            connection.execute(query).all(), columns=list(query.selected_columns.keys())
        )
        on_time = pd.DataFrame(connection.execute(paid).all(), columns=["id", "paid"])
    if dues.empty:
        return pd.DataFrame(
            columns=[
                "loan_id",
                "seq",
                "due_on",
                "principal",
                "entered",
                "province",
                "product",
                "vintage",
                "disbursed_on",
            ]
        )
    dues["due_on"] = pd.to_datetime(dues["due_on"])
    dues["disbursed_on"] = pd.to_datetime(dues["disbursed_on"])
    dues["principal"] = dues.pop("principal_due").astype(float)
    paid_by_due = dues.pop("id").map(on_time.set_index("id")["paid"].astype(float))
    dues["entered"] = paid_by_due.fillna(0.0).to_numpy() < dues["principal"].to_numpy() - 0.005
    dues["entered"] = dues["entered"].astype(int)
    dues["province"] = dues["province"].fillna("unknown").astype(str)
    dues["vintage"] = dues["disbursed_on"].dt.strftime("%Y-%m")
    return dues.sort_values(["due_on", "loan_id"], kind="stable").reset_index(drop=True)
