"""The agency register: agencies, their staff, commission schedules and yearly evaluations.

GB/T 45251-2025 (RULES.md §1(a)(vi), as reported) makes the lender answerable for its agencies:
evaluate each one at least once a year and once before its contract expires, covering the
compliance of its collection conduct, task quality and information security, and use the result
to adjust, end or renew the mandate. The CBA 2026 guideline adds list (white-list) management
with entry and exit criteria and an annual inspection. :func:`standing` reads whether an agency
may receive placements on a business date and :func:`require_placeable` refuses it otherwise.
Staff are :class:`~fairdebt.models.Collector` rows naming the agency, so complaints, queues and
contact records link to the person. Every verb writes its audit entry in the caller's
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.collectors import CollectorIn, add_collectors
from fairdebt.cycle.buckets import DEFAULT_SCHEME
from fairdebt.errors import ConflictError, InputError, RuleViolation, UnknownRecord
from fairdebt.models import Agency, AgencyCommission, AgencyEvaluation

__all__ = [
    "AREAS",
    "EVALUATION_KINDS",
    "Standing",
    "add_agency",
    "add_staff",
    "commission_schedule",
    "evaluate_agency",
    "find_agency",
    "require_placeable",
    "set_commission",
    "standing",
    "valid_until",
]

EVALUATION_KINDS = ("annual", "pre_expiry", "ad_hoc")
# What an evaluation covers (GB/T 45251-2025, as reported): conduct, task quality, security.
AREAS = ("conduct", "quality", "security")
# ``agency:NAME`` must fit contact_event.by and hold.scope (80 characters).
MAX_NAME = 80 - len("agency:")


def find_agency(session: Session, name: str) -> Agency:
    """The agency registered under ``name``, or UnknownRecord."""
    agency = session.scalar(select(Agency).where(Agency.name == name))
    if agency is None:
        raise UnknownRecord(f"no agency is registered as {name!r}", field="agency")
    return agency


def _check_schedule(commission: Mapping[str, Decimal], record: str) -> None:
    for bucket, rate in commission.items():
        if bucket not in DEFAULT_SCHEME.names:
            raise InputError(
                f"bucket must be one of {', '.join(DEFAULT_SCHEME.names)} (got {bucket!r})",
                record=record,
                field="commission",
            )
        if not rate.is_finite() or not Decimal(0) <= rate < Decimal(1):
            raise InputError(
                f"a commission rate is a share of recoveries, 0 to below 1 (got {rate} for "
                f"{bucket})",
                record=record,
                field="commission",
            )


def add_agency(
    session: Session,
    *,
    name: str,
    legal_name: str,
    commission: Mapping[str, Decimal],
    actor: str,
    at: dt.datetime,
    staff: Sequence[CollectorIn] = (),
    contract_ends_on: dt.date | None = None,
) -> Agency:
    """Register an agency with its commission schedule (rate by bucket) and its staff."""
    record = f"agency {name!r}"
    if not name.strip() or len(name) > MAX_NAME or ":" in name:
        raise InputError(
            f"must be 1 to {MAX_NAME} characters without ':' (got {name!r})",
            record=record,
            field="name",
        )
    _check_schedule(commission, record)
    if session.scalar(select(Agency.id).where(Agency.name == name)) is not None:
        raise ConflictError(f"{record} is already registered")
    agency = Agency(
        name=name,
        legal_name=legal_name.strip() or name,
        contract_ends_on=contract_ends_on,
        is_active=True,
        created_at=at,
    )
    session.add(agency)
    session.flush()
    session.add_all(
        AgencyCommission(agency_id=agency.id, bucket=b, rate=r) for b, r in commission.items()
    )
    session.flush()
    audit.record(
        session,
        action="agency.added",
        entity="agency",
        entity_id=agency.id,
        actor=actor,
        at=at,
        data={
            "name": name,
            "legal_name": agency.legal_name,
            "contract_ends_on": contract_ends_on,
            "commission": dict(commission),
        },
    )
    if staff:
        add_staff(session, agency=agency, staff=staff, actor=actor, at=at)
    return agency


def add_staff(
    session: Session,
    *,
    agency: Agency,
    staff: Sequence[CollectorIn],
    actor: str,
    at: dt.datetime,
) -> list[int]:
    """Register the agency's staff identities as collectors of that agency."""
    people = [replace(p, agency=agency.name) for p in staff]
    return add_collectors(session, collectors=people, actor=actor, at=at)


def set_commission(
    session: Session,
    *,
    agency: Agency,
    commission: Mapping[str, Decimal],
    actor: str,
    at: dt.datetime,
) -> None:
    """Replace the schedule; placements keep the rate they were made at."""
    _check_schedule(commission, f"agency {agency.name!r}")
    session.execute(delete(AgencyCommission).where(AgencyCommission.agency_id == agency.id))
    session.add_all(
        AgencyCommission(agency_id=agency.id, bucket=b, rate=r) for b, r in commission.items()
    )
    session.flush()
    audit.record(
        session,
        action="agency.commission_set",
        entity="agency",
        entity_id=agency.id,
        actor=actor,
        at=at,
        data={"name": agency.name, "commission": dict(commission)},
    )


def commission_schedule(session: Session, agency_id: int) -> dict[str, Decimal]:
    """The agency's commission rate by bucket."""
    rows = session.execute(
        select(AgencyCommission.bucket, AgencyCommission.rate).where(
            AgencyCommission.agency_id == agency_id
        )
    ).all()
    return {str(b): Decimal(r) for b, r in rows}


def evaluate_agency(
    session: Session,
    *,
    agency: Agency,
    evaluated_on: dt.date,
    failed: Sequence[str],
    evaluator: str,
    actor: str,
    at: dt.datetime,
    kind: str = "annual",
    notes: str | None = None,
) -> AgencyEvaluation:
    """Record an evaluation on ``evaluated_on``; it passes when no area in ``failed``."""
    record = f"evaluation of agency {agency.name!r}"
    if kind not in EVALUATION_KINDS:
        raise InputError(
            f"must be one of {', '.join(EVALUATION_KINDS)} (got {kind!r})",
            record=record,
            field="kind",
        )
    unknown = sorted(set(failed) - set(AREAS))
    if unknown:
        raise InputError(
            f"areas are {', '.join(AREAS)} (got {unknown})", record=record, field="failed"
        )
    if not evaluator.strip():
        raise InputError("must name who evaluated", record=record, field="evaluator")
    row = AgencyEvaluation(
        agency_id=agency.id,
        evaluated_on=evaluated_on,
        kind=kind,
        conduct_passed="conduct" not in failed,
        quality_passed="quality" not in failed,
        security_passed="security" not in failed,
        passed=not failed,
        evaluator=evaluator.strip(),
        notes=notes,
        recorded_at=at,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="agency.evaluated",
        entity="agency_evaluation",
        entity_id=row.id,
        actor=actor,
        at=at,
        data={
            "agency": agency.name,
            "evaluated_on": evaluated_on,
            "kind": kind,
            "passed": row.passed,
            "failed": sorted(failed),
            "evaluator": row.evaluator,
        },
    )
    return row


def valid_until(evaluated_on: dt.date) -> dt.date:
    """The last day an evaluation counts: its first anniversary ("at least once a year").

    >>> valid_until(dt.date(2025, 3, 1))
    datetime.date(2026, 3, 1)
    >>> valid_until(dt.date(2024, 2, 29))
    datetime.date(2025, 2, 28)
    """
    try:
        return evaluated_on.replace(year=evaluated_on.year + 1)
    except ValueError:  # 29 February
        return evaluated_on.replace(year=evaluated_on.year + 1, day=28)


@dataclass(frozen=True, slots=True)
class Standing:
    """Whether an agency may receive placements on a date, and why not."""

    agency: str
    on: dt.date
    may_place: bool
    reason: str | None
    evaluated_on: dt.date | None = None
    passed: bool | None = None
    due_on: dt.date | None = None  # the next evaluation: anniversary or contract end


def standing(session: Session, *, agency: Agency, on: dt.date) -> Standing:
    """The agency's standing on business date ``on`` from its latest evaluation up to then."""
    last = session.scalars(
        select(AgencyEvaluation)
        .where(AgencyEvaluation.agency_id == agency.id, AgencyEvaluation.evaluated_on <= on)
        .order_by(AgencyEvaluation.evaluated_on.desc(), AgencyEvaluation.id.desc())
        .limit(1)
    ).first()
    ends = agency.contract_ends_on
    if last is None:
        return Standing(agency.name, on, False, "has no evaluation", due_on=ends)
    until = valid_until(last.evaluated_on)
    due = min(until, ends) if ends is not None else until
    base = Standing(agency.name, on, True, None, last.evaluated_on, last.passed, due)
    if not agency.is_active:
        return replace(base, may_place=False, reason="is not active")
    if ends is not None and on > ends:
        return replace(base, may_place=False, reason=f"has a contract that ended on {ends}")
    if not last.passed:
        return replace(
            base, may_place=False, reason=f"failed its evaluation of {last.evaluated_on}"
        )
    if on > until:
        return replace(
            base,
            may_place=False,
            reason=f"was last evaluated on {last.evaluated_on}, more than a year before {on}",
        )
    return base


def require_placeable(session: Session, *, agency: Agency, on: dt.date) -> Standing:
    """The standing, or RuleViolation when the agency may not receive placements on ``on``."""
    found = standing(session, agency=agency, on=on)
    if not found.may_place:
        raise RuleViolation(
            f"agency {agency.name!r} {found.reason}: no placement until it passes an evaluation "
            "(yearly, GB/T 45251-2025; `fairdebt agencies evaluate`)  "
            "机构未通过有效年度评估，不得委案",
            record=f"placement on {on}",
            field="agency",
        )
    return found
