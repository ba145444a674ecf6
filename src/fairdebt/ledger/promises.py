"""Promises to pay (ptp): an amount by a date, settled kept, partly kept or broken.

A promise counts the loan's posted (not reversed) payments dated from ``promised_on`` to
``due_on``. It is settled *kept* as soon as they reach the amount; otherwise, once its due date
has passed the close of business, *partly kept* if some money came and *broken* if none did.
Settlement is set-based: one query sums payments for every open promise. Two open promises on
one loan with overlapping windows both count the same payment; agents should cancel the older.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import execute_many
from fairdebt.errors import RuleViolation, UnknownRecord
from fairdebt.models import Loan, Payment, PaymentStatus, Promise, PromiseStatus
from fairdebt.money import ZERO, parse_amount

__all__ = ["PromiseIn", "promise_outcome", "record_promise", "record_promises", "settle_promises"]


@dataclass(frozen=True, slots=True)
class PromiseIn:
    """A promise made in a conversation: the loan, amount, dates and the contact behind it."""

    loan_id: int
    amount: Decimal
    promised_on: dt.date
    due_on: dt.date
    contact_event_id: int | None = None


def record_promise(
    session: Session,
    *,
    loan_id: int,
    amount: Decimal,
    due_on: dt.date,
    promised_on: dt.date,
    actor: str,
    at: dt.datetime,
) -> Promise:
    """Record a borrower's promise, made on ``promised_on``, to pay ``amount`` by ``due_on``."""
    record = f"promise on loan {loan_id}"
    value = parse_amount(amount, record=record)
    if session.get(Loan, loan_id) is None:
        raise UnknownRecord(f"no loan has id {loan_id}", record=record, field="loan_id")
    if due_on < promised_on:
        raise RuleViolation(
            f"due {due_on} is before the promise was made ({promised_on})",
            record=record,
            field="due_on",
        )
    promise = Promise(
        loan_id=loan_id, amount=value, promised_on=promised_on, due_on=due_on, actor=actor
    )
    session.add(promise)
    session.flush()
    audit.record(
        session,
        action="promise.recorded",
        entity="promise",
        entity_id=promise.id,
        actor=actor,
        at=at,
        data={"loan_id": loan_id, "amount": value, "promised_on": promised_on, "due_on": due_on},
    )
    return promise


def record_promises(
    session: Session, *, promises: Sequence[PromiseIn], actor: str, at: dt.datetime
) -> list[int]:
    """Record many promises at once (a dialer's or the simulator's day); their ids in order."""
    rows = []
    for k, promise in enumerate(promises, start=1):
        record = f"promise {k} on loan {promise.loan_id}"
        value = parse_amount(promise.amount, record=record)
        if promise.due_on < promise.promised_on:
            raise RuleViolation(
                f"due {promise.due_on} is before the promise was made ({promise.promised_on})",
                record=record,
                field="due_on",
            )
        rows.append(
            Promise(
                loan_id=promise.loan_id,
                amount=value,
                promised_on=promise.promised_on,
                due_on=promise.due_on,
                actor=actor,
                contact_event_id=promise.contact_event_id,
            )
        )
    session.add_all(rows)
    session.flush()
    audit.record_many(
        session,
        [
            audit.AuditEvent(
                "promise.recorded",
                "promise",
                str(r.id),
                actor,
                at,
                {
                    "loan_id": r.loan_id,
                    "amount": r.amount,
                    "promised_on": r.promised_on,
                    "due_on": r.due_on,
                    "contact_event_id": r.contact_event_id,
                },
            )
            for r in rows
        ],
    )
    return [int(r.id) for r in rows]


def promise_outcome(
    amount: Decimal, paid: Decimal, due_on: dt.date, business_date: dt.date
) -> str | None:
    """The settled status, or None while the promise is still open.

    >>> promise_outcome(Decimal(100), Decimal(40), dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    'partly_kept'
    >>> promise_outcome(Decimal(100), Decimal(40), dt.date(2026, 3, 2), dt.date(2026, 3, 1)) is None
    True
    """
    if paid >= amount:
        return PromiseStatus.KEPT.value
    if due_on > business_date:
        return None
    return (PromiseStatus.PARTLY_KEPT if paid > 0 else PromiseStatus.BROKEN).value


def settle_promises(
    session: Session, *, business_date: dt.date, actor: str, at: dt.datetime
) -> int:
    """Settle every open promise that is kept or whose due date has passed; returns how many."""
    session.flush()
    window = and_(
        Payment.loan_id == Promise.loan_id,
        Payment.status == PaymentStatus.POSTED,
        Payment.paid_on >= Promise.promised_on,
        Payment.paid_on <= Promise.due_on,
        Payment.paid_on <= business_date,
    )
    rows = session.execute(
        select(
            Promise.id,
            Promise.loan_id,
            Promise.amount,
            Promise.due_on,
            func.coalesce(func.sum(Payment.amount), 0).label("paid"),
        )
        .outerjoin(Payment, window)
        .where(Promise.status == PromiseStatus.OPEN, Promise.promised_on <= business_date)
        .group_by(Promise.id, Promise.loan_id, Promise.amount, Promise.due_on)
    ).all()
    updates: list[tuple[str, Decimal, dt.date, int]] = []
    events: list[audit.AuditEvent] = []
    for promise_id, loan_id, amount, due_on, paid in rows:
        paid_amount = Decimal(paid).quantize(Decimal("0.01")) if paid else ZERO
        status = promise_outcome(Decimal(amount), paid_amount, due_on, business_date)
        if status is None:
            continue
        kept = min(paid_amount, Decimal(amount))
        updates.append((status, kept, business_date, promise_id))
        events.append(
            audit.AuditEvent(
                f"promise.{status}",
                "promise",
                str(promise_id),
                actor,
                at,
                {"loan_id": loan_id, "amount": amount, "paid": paid_amount, "on": business_date},
            )
        )
    execute_many(
        session,
        "UPDATE promise SET status = ?, kept_amount = ?, settled_on = ? WHERE id = ?",
        updates,
    )
    audit.record_many(session, events)
    session.expire_all()
    return len(updates)
