"""Complaints: what a borrower (or someone on their behalf) complained about, and when.

Filing a complaint records it and its audit entry; whether collection pauses is a separate,
explicit decision (:func:`fairdebt.ledger.holds.place_hold` with kind ``complaint``), taken by the
caller's policy, so that the audit log shows both steps.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.errors import InputError, UnknownRecord
from fairdebt.models import Borrower, Complaint, Loan

__all__ = ["file_complaint"]


def file_complaint(
    session: Session,
    *,
    borrower_id: int,
    loan_id: int | None,
    received_at: dt.datetime,
    channel: str,
    category: str,
    description: str,
    actor: str,
    contact_event_id: int | None = None,
) -> Complaint:
    """Record a complaint received at the aware instant ``received_at``."""
    record = f"complaint of borrower {borrower_id}"
    if received_at.tzinfo is None:
        raise InputError("must be an aware datetime", record=record, field="received_at")
    if not description.strip():
        raise InputError("must not be empty", record=record, field="description")
    if session.get(Borrower, borrower_id) is None:
        raise UnknownRecord(f"no borrower has id {borrower_id}", record=record, field="borrower_id")
    if loan_id is not None:
        loan = session.get(Loan, loan_id)
        if loan is None or loan.borrower_id != borrower_id:
            raise UnknownRecord(
                f"borrower {borrower_id} has no loan {loan_id}", record=record, field="loan_id"
            )
    complaint = Complaint(
        borrower_id=borrower_id,
        loan_id=loan_id,
        received_at=received_at,
        channel=channel,
        category=category,
        description=description,
        contact_event_id=contact_event_id,
    )
    session.add(complaint)
    session.flush()
    audit.record(
        session,
        action="complaint.filed",
        entity="complaint",
        entity_id=complaint.id,
        actor=actor,
        at=received_at,
        data={
            "borrower_id": borrower_id,
            "loan_id": loan_id,
            "channel": channel,
            "category": category,
            "contact_event_id": contact_event_id,
        },
    )
    return complaint
