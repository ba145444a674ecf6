"""The conduct report's figures on every backend: plans by kind and outcome from the plan's own
instalments, refusals by source with nothing counted twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from fairdebt.conduct import read_figures
from fairdebt.ledger.plans import restructure
from fairdebt.models import Loan

from .conftest import ACTOR, AT, TODAY, tx


def test_plans_are_counted_by_kind_and_outcome_and_an_empty_period_has_none(
    session: Session, loans: list[Loan]
) -> None:
    empty = read_figures(session, since=TODAY, until=TODAY)
    assert empty.plans.empty and empty.headline()["plans"] == 0
    with tx(session):
        restructure(
            session,
            loan_id=loans[0].id,
            starts_on=TODAY,
            term_months=6,
            annual_rate=Decimal("0.12"),
            reason="hardship 困难客户",
            actor=ACTOR,
            at=AT,
        )
    during = read_figures(session, since=TODAY, until=TODAY + dt.timedelta(days=10))
    assert during.plans[["kind", "outcome", "plans"]].values.tolist() == [
        ["restructure", "performing", 1]
    ]
    # two months on, nothing paid: the plan's first due is late
    later = read_figures(session, since=TODAY, until=TODAY + dt.timedelta(days=60))
    assert later.plans["outcome"].tolist() == ["in_arrears"]
