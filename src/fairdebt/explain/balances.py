"""The book for a stock metric: weekly snapshots of the balance, 30+ dpd or not (dpd30_rate).

``read_balances`` reads the closed ``loan_day`` rows once a week (every 7th business date from
the first, one SQL query on any backend) and returns them in the shape of
:func:`fairdebt.explain.book.read_dues`, so that :func:`fairdebt.explain.explain_dues` runs
unchanged: a row is a loan's outstanding principal on a snapshot date (``due_on``),
``entered`` is 1 when the loan is 30+ days past due, and ``seq`` is its months on book (the
age of the age-period-cohort split). The principal-weighted share of ``entered`` is then the
share of the balance 30+ dpd (M1+ 余额占比 from day 30).

The rows are not independent events, as dues are: one loan is seen every week, so the
explainer's Poisson tests are optimistic on this metric (decision record).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from fairdebt.models import Borrower, Loan, LoanDay, Product

__all__ = ["DPD30", "read_balances"]

DPD30 = 30
_COLUMNS = ["loan_id", "seq", "due_on", "principal", "entered", "province", "product",
            "vintage", "disbursed_on"]  # fmt: skip


def read_balances(
    engine: Engine, *, from_on: dt.date | None = None, to_on: dt.date | None = None
) -> pd.DataFrame:
    """Weekly snapshots of active loans' outstanding principal with ``entered`` = 30+ dpd."""
    d = LoanDay.__table__
    with engine.connect() as connection:
        first, last = connection.execute(
            select(func.min(d.c.business_date), func.max(d.c.business_date))
        ).one()
    if first is None:
        return pd.DataFrame(columns=_COLUMNS)
    first, last = max(first, from_on or first), min(last, to_on or last)
    dates = [last - dt.timedelta(days=7 * k) for k in range(((last - first).days // 7) + 1)]
    query = (
        select(
            d.c.loan_id,
            d.c.business_date,
            d.c.dpd,
            d.c.principal_outstanding,
            Loan.disbursed_on,
            Product.code.label("product"),
            Borrower.province,
        )
        .select_from(d)
        .join(Loan, Loan.id == d.c.loan_id)
        .join(Product, Product.id == Loan.product_id)
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .where(d.c.business_date.in_(dates), d.c.status == "active")
    )
    with engine.connect() as connection:
        rows = pd.DataFrame(
            connection.execute(query).all(), columns=list(query.selected_columns.keys())
        )
    if rows.empty:
        return pd.DataFrame(columns=_COLUMNS)
    rows["due_on"] = pd.to_datetime(rows.pop("business_date"))
    rows["disbursed_on"] = pd.to_datetime(rows["disbursed_on"])
    rows["principal"] = rows.pop("principal_outstanding").astype(float)
    rows = rows[rows["principal"] > 0]
    months = (rows["due_on"] - rows["disbursed_on"]).dt.days.to_numpy() // 30
    rows["seq"] = np.maximum(months, 0) + 1
    rows["entered"] = (rows.pop("dpd").to_numpy() >= DPD30).astype(int)
    rows["province"] = rows["province"].fillna("unknown").astype(str)
    rows["vintage"] = rows["disbursed_on"].dt.strftime("%Y-%m")
    ordered = rows[_COLUMNS].sort_values(["due_on", "loan_id"], kind="stable")
    return ordered.reset_index(drop=True)
