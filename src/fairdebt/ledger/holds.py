"""Holds: a pause on collection for a complaint, dispute, hardship, bankruptcy, death or legal case.

While a hold is in force (``started_on`` ≤ day < ``ended_on``) the loan's delinquent days stop
counting, contact stops and penalties do not accrue. One loan may carry holds of different
kinds at once, but not two open holds of the same kind and scope. A hold's ``scope`` names
whose contact it stops (the ``by`` of contact events: ``lender`` or ``agency:NAME``); None,
the default, stops everyone's. A conduct complaint holds only the actors it names.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import get_or_raise
from fairdebt.errors import ConflictError, InputError, RuleViolation
from fairdebt.models import Hold, HoldKind, Loan

__all__ = ["lift_hold", "place_hold"]


def place_hold(
    session: Session,
    *,
    loan_id: int,
    kind: str,
    started_on: dt.date,
    reason: str | None,
    actor: str,
    at: dt.datetime,
    scope: str | None = None,
    complaint_id: int | None = None,
) -> Hold:
    """Pause collection on a loan from ``started_on`` until the hold is lifted."""
    record = f"loan {loan_id}"
    kinds = [k.value for k in HoldKind]
    if kind not in kinds:
        raise InputError(
            f"must be one of {', '.join(kinds)} (got {kind!r})", record=record, field="kind"
        )
    loan = get_or_raise(session, Loan, loan_id, what="loan", column="id", field="loan_id")
    if started_on < loan.disbursed_on:
        raise RuleViolation(
            f"a hold cannot start ({started_on}) before disbursement ({loan.disbursed_on})",
            record=record,
            field="started_on",
        )
    open_hold = session.scalar(
        select(Hold.id).where(
            Hold.loan_id == loan_id,
            Hold.kind == kind,
            Hold.ended_on.is_(None),
            Hold.scope.is_(None) if scope is None else Hold.scope == scope,
        )
    )
    if open_hold is not None:
        whose = "" if scope is None else f" for {scope}"
        raise ConflictError(f"{record} already has an open {kind} hold{whose} (hold {open_hold})")
    hold = Hold(
        loan_id=loan_id,
        kind=kind,
        started_on=started_on,
        reason=reason,
        scope=scope,
        complaint_id=complaint_id,
    )
    session.add(hold)
    session.flush()
    audit.record(
        session,
        action="hold.placed",
        entity="hold",
        entity_id=hold.id,
        actor=actor,
        at=at,
        data={
            "loan_id": loan_id,
            "kind": kind,
            "started_on": started_on,
            "reason": reason,
            "scope": scope,
            "complaint_id": complaint_id,
        },
    )
    return hold


def lift_hold(
    session: Session, *, hold_id: int, ended_on: dt.date, actor: str, at: dt.datetime
) -> Hold:
    """End a hold; ``ended_on`` is the first day collection may resume."""
    record = f"hold {hold_id}"
    hold = get_or_raise(session, Hold, hold_id, what="hold", column="id", field="hold_id")
    if hold.ended_on is not None:
        raise ConflictError(f"{record} was already lifted on {hold.ended_on}")
    if ended_on < hold.started_on:
        raise RuleViolation(
            f"cannot end ({ended_on}) before it started ({hold.started_on})",
            record=record,
            field="ended_on",
        )
    hold.ended_on = ended_on
    session.flush()
    audit.record(
        session,
        action="hold.lifted",
        entity="hold",
        entity_id=hold.id,
        actor=actor,
        at=at,
        data={"loan_id": hold.loan_id, "kind": hold.kind, "ended_on": ended_on},
    )
    return hold
