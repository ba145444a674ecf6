"""Decisions: the day's plan, one row per eligible account, as the strategy's durable log.

:func:`record_plan` writes a plan made by :func:`fairdebt.strategy.planning.plan_day` (and
allocated to collectors) in one statement, with one ``plan.recorded`` audit entry that carries
the counts and a SHA-256 of the rows: the plan is one state change, and the digest lets an
auditor prove the stored rows are the ones recorded. Rows keep the policy, the randomised arm
and the propensity, so a learned policy can be trained and judged off-policy on them.
:func:`mark_done` links each carried-out decision to its outcome.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import driver_values, execute_many, insert_returning_ids, stored_instants
from fairdebt.errors import ConflictError, InputError
from fairdebt.models import Decision, DecisionStatus

__all__ = ["DECISION_COLUMNS", "mark_done", "record_plan"]

DECISION_COLUMNS = (
    "business_date",
    "loan_id",
    "borrower_id",
    "policy",
    "arm",
    "stage",
    "dpd",
    "score",
    "action",
    "proposed_action",
    "propensity",
    "reason",
    "status",
    "planned_at",
    "template",
    "gate_rule",
    "next_allowed_at",
    "collector_id",
    "queue_position",
)
_STATUSES = frozenset(s.value for s in DecisionStatus)


def _rows(plan: pd.DataFrame) -> pd.DataFrame:
    missing = [
        c for c in DECISION_COLUMNS if c not in plan and c not in ("collector_id", "queue_position")
    ]
    if missing:
        raise InputError(f"a plan needs the columns {missing}", field=missing[0])
    rows = plan.reset_index(drop=True)
    for column in ("collector_id", "queue_position"):
        if column not in rows:
            rows = rows.assign(**{column: None})
    bad = ~rows["status"].isin(list(_STATUSES))
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            f"unknown status {rows['status'].iloc[row]!r}",
            record=f"decision {row + 1}",
            field="status",
        )
    return rows[list(DECISION_COLUMNS)]


def _values(session: Session, rows: pd.DataFrame) -> list[tuple[object, ...]]:
    """The rows as driver values, column by column (no per-row type processing)."""
    columns: list[list[object]] = []
    for name in DECISION_COLUMNS:
        if name in ("planned_at", "next_allowed_at"):
            columns.append(stored_instants(session, rows[name]))
        elif name == "business_date":
            columns.append([pd.Timestamp(d).date() for d in rows[name].tolist()])
        else:
            columns.append(driver_values(rows[name]))
    return list(zip(*columns, strict=True))


def _digest(values: list[tuple[object, ...]]) -> str:
    """SHA-256 of the rows as the driver received them (repr of each row, one per line)."""
    return hashlib.sha256("\n".join(map(repr, values)).encode()).hexdigest()


def record_plan(session: Session, *, plan: pd.DataFrame, actor: str, at: dt.datetime) -> list[int]:
    """Record a day's decisions (columns of :data:`DECISION_COLUMNS`); their ids in row order.

    A policy plans a business date once: a second plan for the same date and policy is a
    conflict (the unique key refuses it), so reruns must delete or use another policy name.
    """
    rows = _rows(plan)
    if rows.empty:
        return []
    dates = rows["business_date"].unique()
    policies = rows["policy"].unique()
    known = session.scalar(
        select(func.count()).where(
            Decision.business_date.in_([pd.Timestamp(d).date() for d in dates]),
            Decision.policy.in_([str(p) for p in policies]),
        )
    )
    if known:
        raise ConflictError(
            f"a plan for {', '.join(map(str, dates))} by {', '.join(policies)} is already recorded"
        )
    values = _values(session, rows)
    ids = insert_returning_ids(session, "decision", DECISION_COLUMNS, values)
    counts = rows.groupby(["arm", "status"]).size()
    audit.record(
        session,
        action="plan.recorded",
        entity="decision",
        entity_id=f"{ids[0]}-{ids[-1]}",
        actor=actor,
        at=at,
        data={
            "business_dates": sorted(str(d) for d in dates),
            "policies": sorted(str(p) for p in policies),
            "decisions": len(ids),
            "by_arm_and_status": {f"{a}/{s}": int(n) for (a, s), n in counts.items()},
            "sha256": _digest(values),
        },
    )
    return ids


def mark_done(
    session: Session, *, decision_ids: Sequence[int], status: str, actor: str, at: dt.datetime
) -> None:
    """Close planned decisions as carried out (``done``) or not (``missed``)."""
    if status not in (DecisionStatus.DONE, DecisionStatus.MISSED):
        raise InputError(f"must be done or missed (got {status!r})", field="status")
    unique = sorted({int(i) for i in decision_ids})
    if not unique:
        return
    execute_many(
        session, "UPDATE decision SET status = ? WHERE id = ?", [(status, i) for i in unique]
    )
    audit.record(
        session,
        action=f"plan.{status}",
        entity="decision",
        entity_id=f"{unique[0]}-{unique[-1]}",
        actor=actor,
        at=at,
        data={"decisions": len(unique)},
    )
