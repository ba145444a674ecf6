"""Collectors: the people who work the queues, the lender's own agents and agencies' staff.

A collector belongs to a team, works in one capacity pool of the action catalogue
(``agent_call``, ``field_visit``, ``agency_call``...), is trained for some stages, works a
shift in local hours and takes a number of cases a day. :func:`add_collectors` registers them
(each with its ``collector.added`` audit entry); :func:`read_collectors` gives the roster as
columns for case allocation (:mod:`fairdebt.strategy.allocation`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.errors import ConflictError, InputError
from fairdebt.models import Collector
from fairdebt.strategy.catalogue import STAGES

__all__ = ["CollectorIn", "add_collectors", "read_collectors"]


@dataclass(frozen=True, slots=True)
class CollectorIn:
    code: str
    name: str
    team: str
    pool: str
    skills: tuple[str, ...]
    shift_start: dt.time
    shift_end: dt.time
    daily_capacity: int
    agency: str | None = None


def _check(person: CollectorIn, row: int) -> None:
    record = f"collector {person.code or row}"
    if not person.code.strip():
        raise InputError("must not be empty", record=record, field="code")
    bad = [s for s in person.skills if s not in STAGES]
    if bad or not person.skills:
        raise InputError(
            f"expected stages among {list(STAGES)} (got {bad or []})", record=record, field="skills"
        )
    if person.daily_capacity < 0:
        raise InputError(
            f"must be ≥ 0 (got {person.daily_capacity})", record=record, field="daily_capacity"
        )


def add_collectors(
    session: Session, *, collectors: Sequence[CollectorIn], actor: str, at: dt.datetime
) -> list[int]:
    """Register collectors; a code already on record is a conflict."""
    for row, person in enumerate(collectors, start=1):
        _check(person, row)
    codes = [p.code for p in collectors]
    taken = session.scalars(select(Collector.code).where(Collector.code.in_(codes))).all()
    if taken:
        raise ConflictError(f"collectors already on record: {', '.join(sorted(taken))}")
    rows = [
        Collector(
            code=p.code,
            name=p.name,
            team=p.team,
            pool=p.pool,
            skills=",".join(p.skills),
            shift_start=p.shift_start,
            shift_end=p.shift_end,
            daily_capacity=p.daily_capacity,
            agency=p.agency,
            is_active=True,
            created_at=at,
        )
        for p in collectors
    ]
    session.add_all(rows)
    session.flush()
    audit.record_many(
        session,
        [
            audit.AuditEvent(
                "collector.added",
                "collector",
                str(r.id),
                actor,
                at,
                {"code": r.code, "team": r.team, "pool": r.pool, "agency": r.agency},
            )
            for r in rows
        ],
    )
    return [int(r.id) for r in rows]


def read_collectors(session: Session) -> pd.DataFrame:
    """The active roster: id, code, name, team, pool, skills (tuple), shift, capacity, agency."""
    people = session.scalars(select(Collector).where(Collector.is_active).order_by(Collector.id))
    return pd.DataFrame(
        [
            {
                "collector_id": p.id,
                "code": p.code,
                "name": p.name,
                "team": p.team,
                "pool": p.pool,
                "skills": tuple(p.skills.split(",")),
                "shift_start": p.shift_start,
                "shift_end": p.shift_end,
                "daily_capacity": p.daily_capacity,
                "agency": p.agency,
            }
            for p in people
        ],
        columns=[
            "collector_id",
            "code",
            "name",
            "team",
            "pool",
            "skills",
            "shift_start",
            "shift_end",
            "daily_capacity",
            "agency",
        ],
    )
