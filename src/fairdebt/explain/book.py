"""The book as the explainer reads it: one row per due falling on a current loan.

``read_dues`` reads the ledger and the closed ``loan_day`` rows with two SQL queries (any
backend): every due of the live schedule falling on a loan that was current (0 dpd, active) at
the close of its due date, with its borrower's province, its product and its vintage; and the
loans that *entered* collection (1 dpd) the day after. A due entered collection when its loan
was at 1 dpd the next day: the 入催率 of ``cycle/indicators.py`` read due by due (docs/decisions/
explainer.md says where the two differ). Channel and score band are dimensions of the explainer
but not of the ledger: a lender's tape that carries them can add the columns to this frame.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, select

from fairdebt.models import Borrower, Installment, Loan, LoanDay, Product

__all__ = ["DIMENSIONS", "read_dues"]

DIMENSIONS = ("province", "product", "channel", "vintage", "score_band")


def read_dues(
    engine: Engine, *, from_on: dt.date | None = None, to_on: dt.date | None = None
) -> pd.DataFrame:
    """Dues on current loans with ``entered`` (0/1), ``principal`` and the book's dimensions."""
    i, d = Installment.__table__, LoanDay.__table__
    query = (
        select(
            i.c.loan_id,
            i.c.seq,
            i.c.due_on,
            i.c.principal_due,
            Loan.disbursed_on,
            Product.code.label("product"),
            Borrower.province,
        )
        .select_from(i)
        .join(d, (d.c.loan_id == i.c.loan_id) & (d.c.business_date == i.c.due_on))
        .join(Loan, Loan.id == i.c.loan_id)
        .join(Product, Product.id == Loan.product_id)
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .where(i.c.superseded_on.is_(None), d.c.dpd == 0, d.c.status == "active")
    )
    entries = select(d.c.loan_id, d.c.business_date).where(d.c.dpd == 1)
    if from_on is not None:
        query = query.where(i.c.due_on >= from_on)
        entries = entries.where(d.c.business_date > from_on)
    if to_on is not None:
        query = query.where(i.c.due_on <= to_on)
        entries = entries.where(d.c.business_date <= to_on + dt.timedelta(days=1))
    with engine.connect() as connection:
        dues = pd.DataFrame(
            connection.execute(query).all(), columns=list(query.selected_columns.keys())
        )
        entered = pd.DataFrame(
            connection.execute(entries).all(), columns=["loan_id", "business_date"]
        )
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
    entered["due_on"] = pd.to_datetime(entered.pop("business_date")) - pd.Timedelta(days=1)
    entered["entered"] = 1
    dues = dues.merge(
        entered.drop_duplicates(["loan_id", "due_on"]), on=["loan_id", "due_on"], how="left"
    )
    dues["entered"] = dues["entered"].fillna(0).astype(int)
    dues["province"] = dues["province"].fillna("unknown").astype(str)
    dues["vintage"] = dues["disbursed_on"].dt.strftime("%Y-%m")
    return dues.sort_values(["due_on", "loan_id"], kind="stable").reset_index(drop=True)
