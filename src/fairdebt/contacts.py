"""Contact events: every attempt to reach a borrower and every contact they make, as it happened.

The contact gate reads these rows to count attempts per day and week, so an event is recorded
for refused and failed attempts too. An event names its channel, the recipient (the debtor, a
spouse, an emergency contact...), the address used and who made it (the lender or an agency).
When the address is one of the borrower's contact methods the event is linked to it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.errors import InputError, UnknownRecord
from fairdebt.models import Borrower, ContactEvent, ContactMethod, Loan

__all__ = ["DIRECTIONS", "mark_refused", "record_contact_event"]

DIRECTIONS = ("outbound", "inbound")


def record_contact_event(
    session: Session,
    *,
    borrower_id: int,
    at: dt.datetime,
    direction: str,
    channel: str,
    recipient: str,
    outcome: str,
    mode: str = "agent",
    by: str = "lender",
    loan_id: int | None = None,
    address: str | None = None,
    purpose: str | None = None,
    text: str | None = None,
    actor: str,
) -> ContactEvent:
    """Record one contact event at the aware instant ``at`` (also the audit time)."""
    record = f"contact event for borrower {borrower_id}"
    if at.tzinfo is None:
        raise InputError("must be an aware datetime", record=record, field="at")
    if direction not in DIRECTIONS:
        raise InputError(
            f"must be outbound or inbound (got {direction!r})", record=record, field="direction"
        )
    if session.get(Borrower, borrower_id) is None:
        raise UnknownRecord(f"no borrower has id {borrower_id}", record=record, field="borrower_id")
    if loan_id is not None:
        loan = session.get(Loan, loan_id)
        if loan is None or loan.borrower_id != borrower_id:
            raise UnknownRecord(
                f"borrower {borrower_id} has no loan {loan_id}", record=record, field="loan_id"
            )
    method_id = None
    if address is not None:
        method_id = session.scalar(
            select(ContactMethod.id).where(
                ContactMethod.borrower_id == borrower_id, ContactMethod.value == address
            )
        )
    event = ContactEvent(
        borrower_id=borrower_id,
        loan_id=loan_id,
        contact_method_id=method_id,
        at=at,
        direction=direction,
        channel=channel,
        mode=mode,
        recipient=recipient,
        address=address,
        outcome=outcome,
        by=by,
        purpose=purpose,
        text=text,
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        action="contact.recorded",
        entity="contact_event",
        entity_id=event.id,
        actor=actor,
        at=at,
        data={
            "borrower_id": borrower_id,
            "loan_id": loan_id,
            "direction": direction,
            "channel": channel,
            "recipient": recipient,
            "outcome": outcome,
            "by": by,
        },
    )
    return event


def mark_refused(
    session: Session, *, contact_method_id: int, at: dt.datetime, actor: str
) -> ContactMethod:
    """The person at this address asked for no more contact; the gate stops using it."""
    method = session.get(ContactMethod, contact_method_id)
    if method is None:
        raise UnknownRecord(
            f"no contact method has id {contact_method_id}",
            record=f"contact method {contact_method_id}",
            field="contact_method_id",
        )
    method.refused_contact_at = at
    session.flush()
    audit.record(
        session,
        action="contact.refused",
        entity="contact_method",
        entity_id=method.id,
        actor=actor,
        at=at,
        data={"borrower_id": method.borrower_id, "owner": method.owner, "kind": method.kind},
    )
    return method
