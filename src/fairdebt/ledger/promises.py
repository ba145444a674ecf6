"""Promises to pay (ptp): full, partial or instalment; settled kept, partly kept or broken.

A *full* promise is to pay everything overdue by a date, a *partial* one part of it; an
*instalment* promise is a series of amounts on several dates (:func:`record_instalments`).
A promise counts the loan's posted (not reversed) payments dated from ``promised_on`` to
``due_on``; an instalment counts what is left of them after the series' earlier instalments
(payments fill the instalments in date order, so paying early counts). It is settled *kept* as
soon as they reach the amount; otherwise, once its due date has passed the close of business,
*partly kept* if some money came and *broken* if none did. Settlement is set-based: one query
sums payments for every open promise. Two open promises on one loan with overlapping windows
both count the same payment; agents should cancel the older. While a promise is live, the
contact gate holds collection (:data:`fairdebt.contacts.PROMISE_GRACE_DAYS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import driver_types, execute_many, get_or_raise
from fairdebt.errors import InputError, RuleViolation
from fairdebt.models import Loan, Payment, PaymentStatus, Promise, PromiseKind, PromiseStatus
from fairdebt.money import ZERO, parse_amount

__all__ = [
    "PromiseIn",
    "promise_outcome",
    "record_instalments",
    "record_promise",
    "record_promises",
    "settle_promises",
]


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
    kind: str = PromiseKind.FULL.value,
    contact_event_id: int | None = None,
) -> Promise:
    """Record a borrower's promise, made on ``promised_on``, to pay ``amount`` by ``due_on``.

    ``kind`` is ``full`` or ``partial``; a series of instalments goes through
    :func:`record_instalments`.
    """
    record = f"promise on loan {loan_id}"
    if kind not in (PromiseKind.FULL, PromiseKind.PARTIAL):
        raise InputError(
            f"must be full or partial (got {kind!r}); instalments go through record_instalments",
            record=record,
            field="kind",
        )
    value = parse_amount(amount, record=record)
    get_or_raise(session, Loan, loan_id, what="loan", column="id", record=record, field="loan_id")
    if due_on < promised_on:
        raise RuleViolation(
            f"due {due_on} is before the promise was made ({promised_on})",
            record=record,
            field="due_on",
        )
    promise = Promise(
        loan_id=loan_id,
        amount=value,
        promised_on=promised_on,
        due_on=due_on,
        actor=actor,
        kind=kind,
        contact_event_id=contact_event_id,
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
        data={
            "loan_id": loan_id,
            "amount": value,
            "promised_on": promised_on,
            "due_on": due_on,
            "kind": kind,
            "contact_event_id": contact_event_id,
        },
    )
    return promise


def record_instalments(
    session: Session,
    *,
    loan_id: int,
    instalments: Sequence[tuple[dt.date, Decimal]],
    promised_on: dt.date,
    actor: str,
    at: dt.datetime,
    contact_event_id: int | None = None,
) -> list[Promise]:
    """Record an instalment promise: ``(due_on, amount)`` pairs in date order, one series."""
    record = f"instalment promise on loan {loan_id}"
    if len(instalments) < 2:
        raise InputError("needs at least two instalments", record=record, field="instalments")
    get_or_raise(session, Loan, loan_id, what="loan", column="id", record=record, field="loan_id")
    dates = [d for d, _ in instalments]
    if dates != sorted(set(dates)) or dates[0] < promised_on:
        raise RuleViolation(
            f"due dates must rise, on or after {promised_on} (got {[str(d) for d in dates]})",
            record=record,
            field="instalments",
        )
    rows = [
        Promise(
            loan_id=loan_id,
            amount=parse_amount(amount, record=f"{record}, instalment {k}"),
            promised_on=promised_on,
            due_on=due_on,
            actor=actor,
            kind=PromiseKind.INSTALMENT.value,
            sequence=k,
            contact_event_id=contact_event_id,
        )
        for k, (due_on, amount) in enumerate(instalments, start=1)
    ]
    session.add_all(rows)
    session.flush()
    for row in rows:
        row.series_id = rows[0].id
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
                    "loan_id": loan_id,
                    "amount": r.amount,
                    "promised_on": promised_on,
                    "due_on": r.due_on,
                    "kind": r.kind,
                    "series_id": r.series_id,
                    "sequence": r.sequence,
                    "contact_event_id": contact_event_id,
                },
            )
            for r in rows
        ],
    )
    return rows


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
            Promise.series_id,
            Promise.sequence,
        )
        .outerjoin(Payment, window)
        .where(Promise.status == PromiseStatus.OPEN, Promise.promised_on <= business_date)
        .group_by(
            Promise.id,
            Promise.loan_id,
            Promise.amount,
            Promise.due_on,
            Promise.series_id,
            Promise.sequence,
        )
    ).all()
    before = _earlier_instalments(session, {int(r.series_id) for r in rows if r.series_id})
    updates: list[tuple[str, Decimal, dt.date, int]] = []
    events: list[audit.AuditEvent] = []
    for promise_id, loan_id, amount, due_on, paid, series_id, sequence in rows:
        paid_amount = Decimal(paid).quantize(Decimal("0.01")) if paid else ZERO
        if series_id is not None:
            # Payments fill the series' instalments in order: this one gets what is left.
            earlier = before.get((int(series_id), int(sequence or 0)), ZERO)
            paid_amount = max(ZERO, paid_amount - earlier)
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
    bind = driver_types(session).bind_amount
    execute_many(
        session,
        "UPDATE promise SET status = ?, kept_amount = ?, settled_on = ? WHERE id = ?",
        [(status, bind(kept), on, i) for status, kept, on, i in updates],
    )
    audit.record_many(session, events)
    session.expire_all()
    return len(updates)


def _earlier_instalments(session: Session, series: set[int]) -> dict[tuple[int, int], Decimal]:
    """For each instalment of these series, the total amount of the instalments before it."""
    if not series:
        return {}
    rows = session.execute(
        select(Promise.series_id, Promise.sequence, Promise.amount)
        .where(Promise.series_id.in_(sorted(series)))
        .order_by(Promise.series_id, Promise.sequence)
    ).all()
    out: dict[tuple[int, int], Decimal] = {}
    running: dict[int, Decimal] = {}
    for series_id, sequence, amount in rows:
        key = int(series_id or 0)
        out[(key, int(sequence or 0))] = running.get(key, ZERO)
        running[key] = running.get(key, ZERO) + Decimal(amount)
    return out
