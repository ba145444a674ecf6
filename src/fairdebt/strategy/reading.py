"""The accounts of a business date read from the database: the state a policy plans on.

:func:`read_state` builds the frame of :mod:`fairdebt.strategy.state` for the morning of
``business_date`` from the ledger as it stands after the previous close: installments (what is
owed and since when), the cycle's ``loan_day`` (worst dpd over 90 days), payments, promises,
contact events (every actor), agency placements and holds. Each part is one set-based query
grouped in the database; pandas only joins the per-loan results. The simulator builds the same
frame from its mirror, and a test holds the two equal on one simulated book.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from fairdebt.ledger.installments import owed_expression
from fairdebt.models import (
    Borrower,
    ContactEvent,
    ContactMethod,
    Decision,
    Hold,
    Installment,
    Loan,
    LoanDay,
    LoanStatus,
    Payment,
    PaymentStatus,
    Placement,
    Promise,
    PromiseStatus,
)
from fairdebt.strategy.scores import behaviour_score
from fairdebt.strategy.state import COLUMNS, REMINDER_DAYS, stage_of

__all__ = ["read_state"]


def _frame(session: Session, statement: Any, columns: list[str]) -> pd.DataFrame:
    rows = session.execute(statement).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _dues(session: Session, business_date: dt.date) -> pd.DataFrame:
    """Per active loan: its oldest unpaid due, what is overdue, the next due and its amount."""
    t = Installment
    owed = owed_expression()
    open_ = and_(t.superseded_on.is_(None), owed > 0)
    statement = (
        select(
            t.loan_id,
            func.min(t.due_on),
            func.sum(case((t.due_on < business_date, owed), else_=literal(0))),
            func.min(case((t.due_on >= business_date, t.due_on), else_=None)),
        )
        .join(Loan, Loan.id == t.loan_id)
        .where(open_, Loan.status == LoanStatus.ACTIVE, Loan.disbursed_on < business_date)
        .group_by(t.loan_id)
    )
    dues = _frame(session, statement, ["loan_id", "oldest_due", "overdue", "next_due"])
    nxt = select(t.loan_id, t.due_on, func.sum(owed)).where(open_).group_by(t.loan_id, t.due_on)
    amounts = _frame(session, nxt, ["loan_id", "next_due", "next_amount"])
    for frame in (dues, amounts):
        for column in ("oldest_due", "next_due"):
            if column in frame:
                # object dtype on both sides, even when every value is missing (a book whose
                # loans all matured has no next due; pandas then keeps datetime64)
                frame[column] = pd.to_datetime(frame[column]).dt.date.astype(object)
    dues = dues.merge(amounts, on=["loan_id", "next_due"], how="left")
    return dues


def _per_loan(session: Session, statement: Any, name: str) -> pd.DataFrame:
    return _frame(session, statement, ["loan_id", name])


def read_state(session: Session, *, business_date: dt.date) -> pd.DataFrame:
    """The eligible accounts on the morning of ``business_date`` (see fairdebt.strategy.state)."""
    dues = _dues(session, business_date)
    day = pd.Timestamp(business_date)
    oldest = pd.to_datetime(dues["oldest_due"])
    dpd = ((day - oldest).dt.days).to_numpy(dtype=np.int64) if len(dues) else np.zeros(0, np.int64)
    keep = (dpd >= 1) | ((dpd <= 0) & (dpd >= -REMINDER_DAYS))
    dues = dues[keep].reset_index(drop=True)
    dpd = dpd[keep]
    loans = dues["loan_id"].to_numpy(dtype=np.int64)
    ids = loans.tolist()
    d90, d180, d7 = (business_date - dt.timedelta(days=n) for n in (90, 180, 7))

    info = _frame(
        session,
        select(
            Loan.id,
            Loan.borrower_id,
            Loan.disbursed_on,
            Loan.principal_amount,
            Borrower.timezone,
        )
        .join(Borrower, Borrower.id == Loan.borrower_id)
        .where(Loan.id.in_(ids)),
        ["loan_id", "borrower_id", "disbursed_on", "principal", "timezone"],
    )
    repaid = _per_loan(
        session,
        select(
            Installment.loan_id,
            func.sum(Installment.principal_paid + Installment.principal_waived),
        )
        .where(Installment.superseded_on.is_(None), Installment.loan_id.in_(ids))
        .group_by(Installment.loan_id),
        "repaid",
    )
    worst = _per_loan(
        session,
        select(LoanDay.loan_id, func.max(LoanDay.dpd))
        .where(
            LoanDay.business_date >= d90,
            LoanDay.business_date < business_date,
            LoanDay.loan_id.in_(ids),
        )
        .group_by(LoanDay.loan_id),
        "worst_dpd_90",
    )
    posted = and_(Payment.status == PaymentStatus.POSTED, Payment.loan_id.in_(ids))
    paid = _frame(
        session,
        select(
            Payment.loan_id,
            func.sum(case((Payment.paid_on >= d90, 1), else_=0)),
            func.max(Payment.paid_on),
        )
        .where(posted, Payment.paid_on < business_date)
        .group_by(Payment.loan_id),
        ["loan_id", "payments_90", "last_paid_on"],
    )
    promises = _frame(
        session,
        select(
            Promise.loan_id,
            func.sum(
                case(
                    (
                        and_(Promise.status == PromiseStatus.OPEN, Promise.due_on >= business_date),
                        1,
                    ),
                    else_=0,
                )
            ),
            func.sum(
                case(
                    (
                        and_(
                            Promise.status.in_([PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT]),
                            Promise.settled_on >= d180,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
        )
        .where(Promise.loan_id.in_(ids), Promise.promised_on < business_date)
        .group_by(Promise.loan_id),
        ["loan_id", "promises_open", "promises_broken"],
    )
    borrowers = sorted(set(info["borrower_id"].tolist()))
    # A contact belongs to the business date of the decision it carried out (a borrower abroad
    # is called on that date in their own time); one without a decision, to its Beijing date.
    day_of = func.coalesce(Decision.business_date, _beijing_date(session, ContactEvent.at))
    recent = and_(day_of >= d7, day_of < business_date)
    spoke = ContactEvent.right_party.is_(True)
    contacts = _frame(
        session,
        select(
            ContactEvent.borrower_id,
            func.sum(case((recent, 1), else_=0)),
            func.sum(case((and_(recent, spoke), 1), else_=0)),
            func.max(case((and_(spoke, day_of < business_date), day_of), else_=None)),
        )
        .outerjoin(Decision, Decision.id == ContactEvent.decision_id)
        .where(ContactEvent.borrower_id.in_(borrowers), ContactEvent.channel != "placement")
        .group_by(ContactEvent.borrower_id),
        ["borrower_id", "contacts_7", "reached_7", "last_rpc_on"],
    )
    placed = _per_loan(
        session,
        select(ContactEvent.loan_id, func.count())
        .where(ContactEvent.action == "agency_placement", ContactEvent.loan_id.in_(ids))
        .group_by(ContactEvent.loan_id),
        "placements",
    )
    # A placement made with `fairdebt agencies place` and not recalled by the morning.
    placed_now = _per_loan(
        session,
        select(Placement.loan_id, func.count())
        .where(
            Placement.loan_id.in_(ids),
            Placement.placed_on <= business_date,
            (Placement.recalled_on.is_(None)) | (Placement.recalled_on > business_date),
        )
        .group_by(Placement.loan_id),
        "placed_now",
    )
    held = _per_loan(
        session,
        select(Hold.loan_id, func.count())
        .where(
            Hold.loan_id.in_(ids),
            Hold.started_on <= business_date,
            (Hold.ended_on.is_(None)) | (Hold.ended_on > business_date),
        )
        .group_by(Hold.loan_id),
        "holds",
    )
    phones = _frame(
        session,
        select(ContactMethod.borrower_id, func.min(ContactMethod.value))
        .where(
            ContactMethod.borrower_id.in_(borrowers),
            ContactMethod.owner == "borrower",
            ContactMethod.kind == "phone",
        )
        .group_by(ContactMethod.borrower_id),
        ["borrower_id", "address"],
    )
    frame = dues.assign(dpd=dpd).merge(info, on="loan_id", how="left")
    for part in (repaid, worst, paid, promises, placed, placed_now, held):
        frame = frame.merge(part, on="loan_id", how="left")
    frame = frame.merge(contacts, on="borrower_id", how="left").merge(
        phones, on="borrower_id", how="left"
    )
    return _finish(frame, business_date)


def _beijing_date(session: Session, instant: Any) -> Any:
    """SQL for the Beijing calendar date of a stored UTC instant, in the session's dialect."""
    if session.connection().dialect.name == "sqlite":
        return func.date(instant, "+8 hours")
    return func.date(func.timezone("Asia/Shanghai", instant))


def _finish(frame: pd.DataFrame, business_date: dt.date) -> pd.DataFrame:
    """Derive every state column from the joined per-loan facts."""
    day = pd.Timestamp(business_date)
    dpd = frame["dpd"].to_numpy(dtype=np.int64)

    def number(name: str) -> np.ndarray:
        return np.asarray(pd.to_numeric(frame[name], errors="coerce").fillna(0).to_numpy())

    overdue, upcoming = number("overdue"), number("next_amount")
    last_paid = pd.to_datetime(frame["last_paid_on"]).fillna(pd.to_datetime(frame["disbursed_on"]))
    rpc_days = (day - pd.to_datetime(frame["last_rpc_on"])).dt.days
    state = pd.DataFrame(
        {
            "loan_id": frame["loan_id"].to_numpy(np.int64),
            "borrower_id": frame["borrower_id"].to_numpy(np.int64),
            "stage": stage_of(dpd),
            "dpd": dpd,
            "amount_due": np.round(np.where(dpd >= 1, overdue, upcoming), 2),
            "balance": np.round(number("principal") - number("repaid"), 2),
            "worst_dpd_90": number("worst_dpd_90").astype(np.int64),
            "payments_90": number("payments_90").astype(np.int64),
            "days_since_payment": (day - last_paid).dt.days.to_numpy(np.int64),
            "months_on_book": (
                (day - pd.to_datetime(frame["disbursed_on"])).dt.days // 30
            ).to_numpy(np.int64),
            "promise_open": number("promises_open") > 0,
            "promises_broken": number("promises_broken").astype(np.int64),
            "contacts_7": number("contacts_7").astype(np.int64),
            "reached_7": number("reached_7").astype(np.int64),
            "days_since_rpc": np.minimum(rpc_days.fillna(999).to_numpy(), 999).astype(np.int64),
            "is_placed": number("placements") + number("placed_now") > 0,
            "is_held": number("holds") > 0,
            "timezone": frame["timezone"].fillna("Asia/Shanghai").to_numpy(dtype=object),
        }
    )
    state["score"] = behaviour_score(state)
    state["address"] = frame["address"].to_numpy(dtype=object)
    assert set(COLUMNS) <= set(state.columns)
    return state
