"""Complaints: intake by category, deadlines, an automatic hold, assignment, closure, reopening.

The process follows 《银行业保险业消费投诉处理管理办法》 (银保监会令2020年第3号, in force
2020-03-01; the NFRA carries it on): a decision within 15 days of receipt, 30 when the case is
complex, a further 30 with a senior manager's approval; handled by someone with no interest in
what is complained about (回避); each complaint traced to its cause and put right (溯源整改).
The deadlines are :class:`Deadlines`, a parameter; docs/decisions/complaints.md says what was
verified and what was not.

A complaint about conduct (see :data:`CATEGORIES`) opens a ``complaint`` hold on the
borrower's open loans, scoped to the actor behind it (``lender`` or ``agency:NAME``, the ``by``
of the contact it names), so the gate refuses that actor's contacts until the complaint is
resolved (:func:`fairdebt.contacts.gate_facts`). Every verb writes its audit entry in the
caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.complaints.taxonomy import CATEGORIES, ROOT_CAUSES, category_of
from fairdebt.errors import ConflictError, InputError, RuleViolation, UnknownRecord
from fairdebt.ledger.holds import lift_hold, place_hold
from fairdebt.models import (
    Borrower,
    Collector,
    Complaint,
    ContactEvent,
    Hold,
    HoldKind,
    Loan,
    LoanStatus,
)

__all__ = [
    "DEFAULT_DEADLINES",
    "Deadlines",
    "assign_complaint",
    "complaint_scope",
    "extend_complaint",
    "file_complaint",
    "is_held",
    "reopen_complaint",
    "resolve_complaint",
]


@dataclass(frozen=True, slots=True)
class Deadlines:
    """Complaint deadlines in calendar days from the day of receipt (a parameter).

    ``decide_days``, ``complex_days`` and ``special_days``: 银保监会令2020年第3号, the article
    on handling time (15 days; 30 when complex; a further 30 with senior approval).
    ``acknowledge_days`` is the lender's own policy: the measure sets no acknowledgement time
    for lenders; 3 mirrors the regulator's own 3 working days to forward a complaint.
    ``review_days``: a reopened complaint (核查, a review the complainant asks for) is decided
    within 30 days of the request.
    """

    acknowledge_days: int = 3
    decide_days: int = 15
    complex_days: int = 30
    special_days: int = 60
    review_days: int = 30


DEFAULT_DEADLINES = Deadlines()
_OPEN, _RESOLVED = "open", "resolved"


def _local_day(at: dt.datetime, timezone: str | None) -> dt.date:
    return at.astimezone(ZoneInfo(timezone or "Asia/Shanghai")).date()


def _scope(
    event: ContactEvent | None, agency: str | None, collector: Collector | None
) -> str | None:
    """Whose contact a conduct complaint stops: the actor it names; None when it names no one."""
    if event is not None:
        return event.by
    if agency:
        return f"agency:{agency}"
    if collector is not None:
        return f"agency:{collector.agency}" if collector.agency else "lender"
    return None


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
    collector_id: int | None = None,
    agency: str | None = None,
    template: str | None = None,
    hold: bool | None = None,
    deadlines: Deadlines = DEFAULT_DEADLINES,
) -> Complaint:
    """Record a complaint received at the aware instant ``received_at``, with its deadlines.

    The contact it names supplies the template, collector and agency when not given. A
    complaint about conduct (its category's, unless ``hold`` says otherwise) holds the
    borrower's open loans for the actor behind it.
    """
    record = f"complaint of borrower {borrower_id}"
    if received_at.tzinfo is None:
        raise InputError("must be an aware datetime", record=record, field="received_at")
    if not description.strip():
        raise InputError("must not be empty", record=record, field="description")
    cause = category_of(category)
    if cause is None:
        raise InputError(
            f"must be one of {', '.join(CATEGORIES)} (got {category!r})",
            record=record,
            field="category",
        )
    borrower = session.get(Borrower, borrower_id)
    if borrower is None:
        raise UnknownRecord(f"no borrower has id {borrower_id}", record=record, field="borrower_id")
    if loan_id is not None:
        loan = session.get(Loan, loan_id)
        if loan is None or loan.borrower_id != borrower_id:
            raise UnknownRecord(
                f"borrower {borrower_id} has no loan {loan_id}", record=record, field="loan_id"
            )
    event = None
    if contact_event_id is not None:
        event = session.get(ContactEvent, contact_event_id)
        if event is None or event.borrower_id != borrower_id:
            raise UnknownRecord(
                f"borrower {borrower_id} has no contact event {contact_event_id}",
                record=record,
                field="contact_event_id",
            )
        collector_id = collector_id if collector_id is not None else event.collector_id
        template = template if template is not None else event.template
        if agency is None and event.by.startswith("agency:"):
            agency = event.by.removeprefix("agency:")
    collector = None
    if collector_id is not None:
        collector = session.get(Collector, collector_id)
        if collector is None:
            raise UnknownRecord(
                f"no collector has id {collector_id}", record=record, field="collector_id"
            )
        agency = agency if agency is not None else collector.agency
    category, is_conduct = cause.code, cause.is_conduct if hold is None else hold
    received_on = _local_day(received_at, borrower.timezone)
    complaint = Complaint(
        borrower_id=borrower_id,
        loan_id=loan_id,
        received_at=received_at,
        channel=channel,
        category=category,
        description=description,
        contact_event_id=contact_event_id,
        collector_id=collector_id,
        agency=agency,
        template=template,
        is_conduct=is_conduct,
        acknowledge_by=received_on + dt.timedelta(days=deadlines.acknowledge_days),
        due_on=received_on + dt.timedelta(days=deadlines.decide_days),
        status=_OPEN,
        reopened_count=0,
    )
    session.add(complaint)
    session.flush()
    scope = _scope(event, agency, collector)
    held = _hold(session, complaint, scope, received_on, actor, received_at) if is_conduct else []
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
            "collector_id": collector_id,
            "agency": agency,
            "template": template,
            "is_conduct": is_conduct,
            "due_on": complaint.due_on,
            "hold_scope": scope if is_conduct else None,
            "holds": held,
        },
    )
    return complaint


def _hold(
    session: Session,
    complaint: Complaint,
    scope: str | None,
    day: dt.date,
    actor: str,
    at: dt.datetime,
) -> list[int]:
    """Hold the borrower's open loans for ``scope``; loans already so held stay as they are."""
    loans = session.scalars(
        select(Loan.id).where(
            Loan.borrower_id == complaint.borrower_id, Loan.status != LoanStatus.CLOSED
        )
    ).all()
    placed = []
    for loan_id in loans:
        if _open_hold(session, loan_id, scope) is not None:
            continue
        hold = place_hold(
            session,
            loan_id=loan_id,
            kind=HoldKind.COMPLAINT.value,
            started_on=max(day, session.get(Loan, loan_id).disbursed_on),  # type: ignore[union-attr]
            reason=f"complaint {complaint.id}",
            actor=actor,
            at=at,
            scope=scope,
            complaint_id=complaint.id,
        )
        placed.append(int(hold.id))
    return placed


def _open_hold(session: Session, loan_id: int, scope: str | None) -> Hold | None:
    return session.scalars(
        select(Hold).where(
            Hold.loan_id == loan_id,
            Hold.kind == HoldKind.COMPLAINT.value,
            Hold.ended_on.is_(None),
            Hold.scope.is_(None) if scope is None else Hold.scope == scope,
        )
    ).first()


def complaint_scope(session: Session, complaint: Complaint) -> str | None:
    """Whose contact the complaint's hold stops (``lender``, ``agency:NAME``; None: everyone)."""
    event = (
        session.get(ContactEvent, complaint.contact_event_id)
        if complaint.contact_event_id
        else None
    )
    collector = session.get(Collector, complaint.collector_id) if complaint.collector_id else None
    return _scope(event, complaint.agency, collector)


def is_held(session: Session, complaint: Complaint) -> bool:
    """Whether a complaint hold for this complaint's actor is in force on the borrower."""
    if not complaint.is_conduct or complaint.status != _OPEN:
        return False
    scope = complaint_scope(session, complaint)
    return (
        session.scalar(
            select(Hold.id)
            .join(Loan, Loan.id == Hold.loan_id)
            .where(
                Loan.borrower_id == complaint.borrower_id,
                Hold.kind == HoldKind.COMPLAINT.value,
                Hold.ended_on.is_(None),
                Hold.scope.is_(None) if scope is None else Hold.scope == scope,
            )
            .limit(1)
        )
        is not None
    )


def _get(session: Session, complaint_id: int) -> Complaint:
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        raise UnknownRecord(
            f"no complaint has id {complaint_id}",
            record=f"complaint {complaint_id}",
            field="complaint_id",
        )
    return complaint


def assign_complaint(
    session: Session, *, complaint_id: int, to: str, actor: str, at: dt.datetime
) -> Complaint:
    """Give an open complaint to a handler, acknowledging it on first assignment.

    The handler may not be the collector complained about (回避: someone with no interest in
    the matter handles it).
    """
    complaint = _get(session, complaint_id)
    record = f"complaint {complaint_id}"
    if complaint.status != _OPEN:
        raise ConflictError(f"{record} is {complaint.status}; reopen it first")
    if not to.strip():
        raise InputError("must not be empty", record=record, field="to")
    if complaint.collector_id is not None:
        involved = session.get(Collector, complaint.collector_id)
        if involved is not None and involved.code == to:
            raise RuleViolation(
                f"{to} is the collector complained about and may not handle it (回避)",
                record=record,
                field="to",
            )
    first = complaint.acknowledged_at is None
    complaint.assigned_to = to
    if first:
        complaint.acknowledged_at = at
    session.flush()
    audit.record(
        session,
        action="complaint.assigned",
        entity="complaint",
        entity_id=complaint.id,
        actor=actor,
        at=at,
        data={"to": to, "acknowledged": first},
    )
    return complaint


def extend_complaint(
    session: Session,
    *,
    complaint_id: int,
    special: bool,
    approved_by: str | None,
    reason: str,
    actor: str,
    at: dt.datetime,
    deadlines: Deadlines = DEFAULT_DEADLINES,
) -> Complaint:
    """Move the decision date to the complex-case limit, or (``special``, with the approval of
    a senior manager named in ``approved_by``) to the special-case limit."""
    complaint = _get(session, complaint_id)
    record = f"complaint {complaint_id}"
    if complaint.status != _OPEN:
        raise ConflictError(f"{record} is {complaint.status}")
    if not reason.strip():
        raise InputError("must not be empty", record=record, field="reason")
    if special and not (approved_by or "").strip():
        raise RuleViolation(
            "a special extension needs a senior manager's approval",
            record=record,
            field="approved_by",
        )
    borrower = session.get(Borrower, complaint.borrower_id)
    received_on = _local_day(complaint.received_at, borrower.timezone if borrower else None)
    days = deadlines.special_days if special else deadlines.complex_days
    due_on = received_on + dt.timedelta(days=days)
    if complaint.due_on is not None and due_on <= complaint.due_on:
        raise ConflictError(f"{record} is already due on {complaint.due_on}")
    complaint.due_on = due_on
    session.flush()
    audit.record(
        session,
        action="complaint.extended",
        entity="complaint",
        entity_id=complaint.id,
        actor=actor,
        at=at,
        data={"due_on": due_on, "special": special, "approved_by": approved_by, "reason": reason},
    )
    return complaint


def resolve_complaint(
    session: Session,
    *,
    complaint_id: int,
    root_cause: str,
    resolution: str,
    actor: str,
    at: dt.datetime,
) -> Complaint:
    """Close a complaint with its root cause and resolution; lift the holds it opened.

    A hold still needed by another open conduct complaint of the borrower about the same actor
    passes to that complaint instead of being lifted.
    """
    complaint = _get(session, complaint_id)
    record = f"complaint {complaint_id}"
    if complaint.status != _OPEN:
        raise ConflictError(f"{record} is already {complaint.status}")
    if root_cause not in ROOT_CAUSES:
        raise InputError(
            f"must be one of {', '.join(ROOT_CAUSES)} (got {root_cause!r})",
            record=record,
            field="root_cause",
        )
    if not resolution.strip():
        raise InputError("must not be empty", record=record, field="resolution")
    borrower = session.get(Borrower, complaint.borrower_id)
    day = _local_day(at, borrower.timezone if borrower else None)
    complaint.status = _RESOLVED
    complaint.resolved_at = at
    complaint.root_cause = root_cause
    complaint.resolution = resolution
    if complaint.acknowledged_at is None:
        complaint.acknowledged_at = at
    lifted, passed = [], []
    for hold in session.scalars(
        select(Hold).where(Hold.complaint_id == complaint.id, Hold.ended_on.is_(None))
    ).all():
        heir = _heir(session, complaint, hold.scope)
        if heir is not None:
            hold.complaint_id = heir
            passed.append(int(hold.id))
            continue
        lift_hold(session, hold_id=hold.id, ended_on=max(day, hold.started_on), actor=actor, at=at)
        lifted.append(int(hold.id))
    session.flush()
    audit.record(
        session,
        action="complaint.resolved",
        entity="complaint",
        entity_id=complaint.id,
        actor=actor,
        at=at,
        data={
            "root_cause": root_cause,
            "resolution": resolution,
            "is_late": complaint.due_on is not None and day > complaint.due_on,
            "holds_lifted": lifted,
            "holds_passed_on": passed,
        },
    )
    return complaint


def _heir(session: Session, complaint: Complaint, scope: str | None) -> int | None:
    """Another open conduct complaint of the borrower that would hold the same actor."""
    others = session.scalars(
        select(Complaint).where(
            Complaint.borrower_id == complaint.borrower_id,
            Complaint.id != complaint.id,
            Complaint.status == _OPEN,
            Complaint.is_conduct.is_(True),
        )
    ).all()
    for other in others:
        if complaint_scope(session, other) == scope:
            return int(other.id)
    return None


def reopen_complaint(
    session: Session,
    *,
    complaint_id: int,
    reason: str,
    actor: str,
    at: dt.datetime,
    deadlines: Deadlines = DEFAULT_DEADLINES,
) -> Complaint:
    """Reopen a resolved complaint (the complainant disputes the decision, 核查): a new decision
    date, and the hold again when it is about conduct."""
    complaint = _get(session, complaint_id)
    record = f"complaint {complaint_id}"
    if complaint.status != _RESOLVED:
        raise ConflictError(f"{record} is {complaint.status}, not resolved")
    if not reason.strip():
        raise InputError("must not be empty", record=record, field="reason")
    borrower = session.get(Borrower, complaint.borrower_id)
    day = _local_day(at, borrower.timezone if borrower else None)
    complaint.status = _OPEN
    complaint.resolved_at = None
    complaint.reopened_count = (complaint.reopened_count or 0) + 1
    complaint.due_on = day + dt.timedelta(days=deadlines.review_days)
    session.flush()
    held: list[int] = []
    if complaint.is_conduct:
        held = _hold(session, complaint, complaint_scope(session, complaint), day, actor, at)
    audit.record(
        session,
        action="complaint.reopened",
        entity="complaint",
        entity_id=complaint.id,
        actor=actor,
        at=at,
        data={"reason": reason, "due_on": complaint.due_on, "holds": held},
    )
    return complaint
