"""``read_dues``: which dues the explainer reads, and which of them entered collection."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from fairdebt.explain import read_dues
from fairdebt.simulation import simulate


def test_the_last_due_of_a_loan_paid_on_time_is_read_as_a_due_that_did_not_enter(
    engine: Engine,
) -> None:
    simulate(
        engine, borrowers=200, months=5, seed=3, scenario="macro_shock",
        start_on=dt.date(2025, 1, 1), collect=False,
    )  # fmt: skip
    with engine.connect() as connection:
        # Loans that closed on the due date of their last live due: paid on time to the end.
        closed = pd.DataFrame(
            connection.exec_driver_sql(
                "SELECT l.id, i.seq FROM loan l JOIN installment i ON i.loan_id = l.id "
                "WHERE l.status = 'closed' AND i.superseded_on IS NULL "
                "AND i.due_on = l.closed_on AND i.seq = (SELECT max(j.seq) FROM installment j "
                "WHERE j.loan_id = l.id AND j.superseded_on IS NULL)"
            ).all(),
            columns=["loan_id", "seq"],
        )
    assert len(closed) >= 5, "the book must hold loans paid off on their last due date"
    dues = read_dues(engine)
    last = closed.merge(dues, on=["loan_id", "seq"], how="left")
    assert last["entered"].notna().all(), "every on-time last due is read"
    assert (last["entered"] == 0).all(), "and none of them entered collection"
    # No due is read twice, and every due read fell on a closed business date.
    assert not dues.duplicated(["loan_id", "seq"]).any()
