"""Contact preferences: when and how a borrower asked to be contacted, or to stop.

The borrower sets them in the portal (or a collector records what the borrower said). A
preference is a ``contact_preference`` row: ``inconvenient_time`` (a local daily range the
borrower cannot take calls), ``no_channel`` and ``preferred_channel`` (a channel), ``cease``
(stop collection contact). The gate's facts read the rows in force for every actor, agencies
included; a change ends the old row (``ended_at``) instead of editing it, so the audit log and
the table both show what was in force at any instant.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.compliance.attempts import CHANNELS
from fairdebt.errors import ConflictError, InputError, UnknownRecord
from fairdebt.models import Borrower, ContactPreference

__all__ = ["KINDS", "end_contact_preference", "preferences_in_force", "set_contact_preference"]

KINDS = ("inconvenient_time", "no_channel", "preferred_channel", "cease")


def set_contact_preference(
    session: Session,
    *,
    borrower_id: int,
    kind: str,
    channel: str | None = None,
    from_time: dt.time | None = None,
    to_time: dt.time | None = None,
    actor: str,
    at: dt.datetime,
) -> ContactPreference:
    """Record a preference in force from ``at``; the same preference twice is refused."""
    record = f"contact preference of borrower {borrower_id}"
    if kind not in KINDS:
        raise InputError(
            f"expected one of {', '.join(KINDS)} (got {kind!r})", record=record, field="kind"
        )
    if session.get(Borrower, borrower_id) is None:
        raise UnknownRecord(f"no borrower has id {borrower_id}", record=record, field="borrower_id")
    if kind in ("no_channel", "preferred_channel"):
        if channel not in CHANNELS:
            raise InputError(
                f"expected one of {', '.join(sorted(CHANNELS))} (got {channel!r})",
                record=record,
                field="channel",
            )
    elif channel is not None:
        raise InputError(f"a {kind} preference names no channel", record=record, field="channel")
    if kind == "inconvenient_time":
        if from_time is None or to_time is None:
            raise InputError("needs both from and to times", record=record, field="from_time")
        if from_time == to_time:
            raise InputError("from and to must differ", record=record, field="to_time")
    elif from_time is not None or to_time is not None:
        raise InputError(f"a {kind} preference has no times", record=record, field="from_time")
    same = [
        p
        for p in preferences_in_force(session, borrower_id=borrower_id)
        if (p.kind, p.channel, p.from_time, p.to_time) == (kind, channel, from_time, to_time)
    ]
    if same:
        raise ConflictError(f"{record}: the same {kind} preference is already in force")
    row = ContactPreference(
        borrower_id=borrower_id,
        kind=kind,
        channel=channel,
        from_time=from_time,
        to_time=to_time,
        set_at=at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="preference.set",
        entity="contact_preference",
        entity_id=row.id,
        actor=actor,
        at=at,
        data={
            "borrower_id": borrower_id,
            "kind": kind,
            "channel": channel,
            "from_time": None if from_time is None else from_time.isoformat(),
            "to_time": None if to_time is None else to_time.isoformat(),
        },
    )
    return row


def end_contact_preference(
    session: Session, *, preference_id: int, borrower_id: int, actor: str, at: dt.datetime
) -> ContactPreference:
    """End a preference of this borrower from ``at``."""
    row = session.get(ContactPreference, preference_id)
    record = f"contact preference {preference_id}"
    if row is None or row.borrower_id != borrower_id:
        raise UnknownRecord(
            f"borrower {borrower_id} has no {record}", record=record, field="preference_id"
        )
    if row.ended_at is not None:
        raise ConflictError(f"{record} already ended at {row.ended_at.isoformat()}")
    row.ended_at = at
    session.flush()
    audit.record(
        session,
        action="preference.ended",
        entity="contact_preference",
        entity_id=row.id,
        actor=actor,
        at=at,
        data={"borrower_id": borrower_id, "kind": row.kind},
    )
    return row


def preferences_in_force(session: Session, *, borrower_id: int) -> list[ContactPreference]:
    """The borrower's preferences not ended, oldest first."""
    return list(
        session.scalars(
            select(ContactPreference)
            .where(
                ContactPreference.borrower_id == borrower_id, ContactPreference.ended_at.is_(None)
            )
            .order_by(ContactPreference.id)
        )
    )
