"""Work queues: a supervisor moves planned work between collectors; a contact completes it.

A collector's work queue is the day's planned ``decision`` rows assigned to them, in
``queue_position`` order (docs/decisions/collection-loop.md). :func:`reassign` moves planned
rows to another collector's queue (at its end, in their old order), refusing a collector who is
inactive, of another agency's staff, or without the stage's skill; :func:`complete` marks the
decision a contact carried out. Each writes one audit entry in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.errors import ConflictError, InputError, UnknownRecord
from fairdebt.models import Collector, Decision, DecisionStatus

__all__ = ["complete", "reassign"]


def reassign(
    session: Session,
    *,
    decision_ids: Sequence[int],
    collector_id: int,
    actor: str,
    at: dt.datetime,
) -> int:
    """Move planned decisions to ``collector_id``'s queue; returns how many moved."""
    record = f"reassignment to collector {collector_id}"
    if not decision_ids:
        raise InputError("choose at least one case", record=record, field="decision_ids")
    target = session.get(Collector, collector_id)
    if target is None or not target.is_active:
        raise UnknownRecord(
            f"no active collector has id {collector_id}", record=record, field="collector_id"
        )
    rows = list(
        session.scalars(
            select(Decision)
            .where(Decision.id.in_(decision_ids))
            .order_by(Decision.queue_position, Decision.id)
        )
    )
    missing = sorted(set(decision_ids) - {r.id for r in rows})
    if missing:
        raise UnknownRecord(f"no decision has id {missing[0]}", record=record, field="decision_ids")
    skills = {s.strip() for s in target.skills.split(",")}
    for row in rows:
        if row.status != DecisionStatus.PLANNED:
            raise ConflictError(f"decision {row.id} is {row.status}, not planned; it cannot move")
        if row.stage not in skills:
            raise InputError(
                f"collector {target.code} is not skilled for stage {row.stage} (decision {row.id})",
                record=record,
                field="collector_id",
            )
    last = session.scalar(
        select(func.max(Decision.queue_position)).where(
            Decision.collector_id == collector_id,
            Decision.business_date.in_({r.business_date for r in rows}),
        )
    )
    position = int(last or 0)
    moves = []
    for row in rows:
        position += 1
        moves.append({"decision_id": row.id, "from": row.collector_id})
        row.collector_id, row.queue_position = collector_id, position
    session.flush()
    audit.record(
        session,
        action="decision.reassigned",
        entity="collector",
        entity_id=collector_id,
        actor=actor,
        at=at,
        data={"moves": moves},
    )
    return len(rows)


def complete(
    session: Session, *, decision_id: int, contact_event_id: int, actor: str, at: dt.datetime
) -> Decision:
    """Mark a planned decision done by the contact event that carried it out."""
    row = session.get(Decision, decision_id)
    if row is None:
        raise UnknownRecord(
            f"no decision has id {decision_id}", record="contact", field="decision_id"
        )
    if row.status not in (DecisionStatus.PLANNED, DecisionStatus.DONE):
        raise ConflictError(
            f"decision {decision_id} is {row.status}; only planned work can be done"
        )
    if row.status == DecisionStatus.PLANNED:
        row.status = DecisionStatus.DONE
        session.flush()
        audit.record(
            session,
            action="decision.done",
            entity="decision",
            entity_id=decision_id,
            actor=actor,
            at=at,
            data={"contact_event_id": contact_event_id},
        )
    return row
