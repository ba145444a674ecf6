"""Placements (委案) and recalls (撤案): loans handed to an agency by bucket, and its commission.

A placement runs from ``placed_on`` until ``recalled_on`` (exclusive). It records the loan's
bucket, days past due and balance on the day it was placed, and the commission rate the
agency's schedule gives for that bucket, so a later change of schedule never rewrites what was
agreed. Only an agency whose evaluation is current may receive placements
(:func:`fairdebt.agencies.registry.require_placeable`); a loan is with at most one agency at a
time. Commission is earned on recoveries during placement: the allocation lines of the loan's
payments whose effective date falls in the placement (a reversal's negative lines take it
back). Every verb writes its audit entry in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.agencies.registry import commission_schedule, require_placeable
from fairdebt.cycle.buckets import DEFAULT_SCHEME, BucketScheme
from fairdebt.errors import ConflictError, InputError, RuleViolation, UnknownRecord
from fairdebt.models import (
    Agency,
    AllocationLine,
    Installment,
    Loan,
    LoanDay,
    LoanStatus,
    Placement,
)
from fairdebt.money import ZERO, to_money

__all__ = [
    "Position",
    "active_placements",
    "commissions",
    "loans_in_bucket",
    "place_loans",
    "position_on",
    "recall_loans",
]

_COMPONENTS = ("principal", "interest", "fee", "penalty")


@dataclass(frozen=True, slots=True)
class Position:
    """A loan's bucket, days past due and balance (principal outstanding plus overdue
    interest, fees and penalties) on a business date."""

    bucket: str
    dpd: int
    balance_amount: Decimal


def position_on(
    session: Session, loan: Loan, on: dt.date, scheme: BucketScheme = DEFAULT_SCHEME
) -> Position:
    """The loan's position on ``on``: the cycle's row when that date is closed, else the
    ledger's current amounts against its active schedule."""
    day = session.get(LoanDay, (on, loan.id))
    if day is not None:
        balance = (
            day.principal_outstanding + day.interest_overdue + day.fee_overdue + day.penalty_overdue
        )
        return Position(day.bucket, int(day.dpd), to_money(balance))
    rows = session.scalars(
        select(Installment).where(
            Installment.loan_id == loan.id,
            Installment.created_on <= on,
            or_(Installment.superseded_on.is_(None), Installment.superseded_on > on),
        )
    ).all()
    balance, oldest = ZERO, None
    for row in rows:
        left = {c: _left(row, c) for c in _COMPONENTS}
        balance += left["principal"]
        if row.due_on < on and any(v > 0 for v in left.values()):
            balance += left["interest"] + left["fee"] + left["penalty"]
            oldest = row.due_on if oldest is None else min(oldest, row.due_on)
    dpd = 0 if oldest is None else (on - oldest).days
    charged_off = loan.status == LoanStatus.CHARGED_OFF
    return Position(scheme.bucket_of(dpd, charged_off=charged_off), dpd, to_money(balance))


def _left(row: Installment, component: str) -> Decimal:
    due: Decimal = getattr(row, f"{component}_due")
    paid: Decimal = getattr(row, f"{component}_paid")
    waived: Decimal = getattr(row, f"{component}_waived")
    return due - paid - waived


def active_placements(
    session: Session, *, on: dt.date, agency_id: int | None = None
) -> list[Placement]:
    """Placements in force on ``on`` (placed on or before it, not recalled by then)."""
    query = select(Placement).where(
        Placement.placed_on <= on,
        or_(Placement.recalled_on.is_(None), Placement.recalled_on > on),
    )
    if agency_id is not None:
        query = query.where(Placement.agency_id == agency_id)
    return list(session.scalars(query.order_by(Placement.id)).all())


def loans_in_bucket(session: Session, *, bucket: str, on: dt.date) -> list[int]:
    """Open loans in ``bucket`` on ``on`` by the closed cycle, not placed with anyone then."""
    if session.scalar(select(func.count()).where(LoanDay.business_date == on)) == 0:
        raise RuleViolation(
            f"the cycle has not closed {on}: run `fairdebt cycle run --date {on}` first, or "
            "name the loans",
            field="bucket",
        )
    placed = select(Placement.loan_id).where(
        Placement.placed_on <= on,
        or_(Placement.recalled_on.is_(None), Placement.recalled_on > on),
    )
    ids = session.scalars(
        select(LoanDay.loan_id)
        .where(
            LoanDay.business_date == on,
            LoanDay.bucket == bucket,
            LoanDay.status == LoanStatus.ACTIVE,
            LoanDay.loan_id.not_in(placed),
        )
        .order_by(LoanDay.loan_id)
    ).all()
    return [int(i) for i in ids]


def place_loans(
    session: Session,
    *,
    agency: Agency,
    loan_ids: Sequence[int],
    placed_on: dt.date,
    actor: str,
    at: dt.datetime,
    scheme: BucketScheme = DEFAULT_SCHEME,
) -> list[Placement]:
    """Place loans with ``agency`` from ``placed_on``; all or nothing.

    Refused (nothing placed): an agency without a current, passed evaluation; a closed or
    unknown loan; a loan already with an agency; a bucket the commission schedule lacks.
    """
    require_placeable(session, agency=agency, on=placed_on)
    if not loan_ids:
        raise InputError("name at least one loan", field="loans")
    rates = commission_schedule(session, agency.id)
    rows = []
    for loan_id in dict.fromkeys(loan_ids):
        loan = _open_loan(session, loan_id, placed_on)
        where = _placed_with(session, loan_id, placed_on)
        if where is not None:
            raise ConflictError(f"loan {loan.external_id} is already placed with {where}")
        position = position_on(session, loan, placed_on, scheme)
        if position.bucket not in rates:
            raise RuleViolation(
                f"agency {agency.name!r} has no commission for bucket {position.bucket} "
                f"(schedule: {', '.join(sorted(rates)) or 'none'})",
                record=f"loan {loan.external_id}",
                field="bucket",
            )
        rows.append(
            Placement(
                agency_id=agency.id,
                loan_id=loan.id,
                placed_on=placed_on,
                bucket=position.bucket,
                dpd=position.dpd,
                balance_amount=position.balance_amount,
                commission_rate=rates[position.bucket],
                actor=actor,
            )
        )
    session.add_all(rows)
    session.flush()
    audit.record_many(
        session,
        [
            audit.AuditEvent(
                "agency.placed",
                "placement",
                str(p.id),
                actor,
                at,
                {
                    "agency": agency.name,
                    "loan_id": p.loan_id,
                    "placed_on": placed_on,
                    "bucket": p.bucket,
                    "dpd": p.dpd,
                    "balance_amount": p.balance_amount,
                    "commission_rate": p.commission_rate,
                },
            )
            for p in rows
        ],
    )
    return rows


def _open_loan(session: Session, loan_id: int, on: dt.date) -> Loan:
    loan = session.get(Loan, loan_id)
    if loan is None:
        raise UnknownRecord(f"no loan has id {loan_id}", field="loans")
    if loan.status == LoanStatus.CLOSED or loan.disbursed_on > on:
        raise RuleViolation(
            f"loan {loan.external_id} is not open on {on} (status {loan.status})", field="loans"
        )
    return loan


def _placed_with(session: Session, loan_id: int, on: dt.date) -> str | None:
    """The agency a loan is placed with on ``on`` or later (a placement not yet recalled)."""
    name = session.scalar(
        select(Agency.name)
        .join(Placement, Placement.agency_id == Agency.id)
        .where(
            Placement.loan_id == loan_id,
            or_(Placement.recalled_on.is_(None), Placement.recalled_on > on),
        )
    )
    return None if name is None else str(name)


def recall_loans(
    session: Session,
    *,
    agency: Agency,
    recalled_on: dt.date,
    reason: str,
    actor: str,
    at: dt.datetime,
    loan_ids: Sequence[int] | None = None,
    bucket: str | None = None,
) -> list[Placement]:
    """End the agency's placements in force on ``recalled_on``: every one, the named loans,
    or those placed in ``bucket``. The agency earns nothing from ``recalled_on`` on."""
    if not reason.strip():
        raise InputError("must say why", field="reason")
    found = active_placements(session, on=recalled_on, agency_id=agency.id)
    if loan_ids is not None:
        wanted = set(loan_ids)
        found = [p for p in found if p.loan_id in wanted]
        missing = wanted - {p.loan_id for p in found}
        if missing:
            raise UnknownRecord(
                f"agency {agency.name!r} holds no placement of loan ids {sorted(missing)} "
                f"on {recalled_on}",
                field="loans",
            )
    if bucket is not None:
        found = [p for p in found if p.bucket == bucket]
    for placement in found:
        placement.recalled_on = recalled_on
        placement.recall_reason = reason.strip()[:200]
    session.flush()
    audit.record_many(
        session,
        [
            audit.AuditEvent(
                "agency.recalled",
                "placement",
                str(p.id),
                actor,
                at,
                {
                    "agency": agency.name,
                    "loan_id": p.loan_id,
                    "recalled_on": recalled_on,
                    "reason": p.recall_reason,
                },
            )
            for p in found
        ],
    )
    return found


def commissions(
    session: Session, *, since: dt.date, until: dt.date, agency_id: int | None = None
) -> list[dict[str, Any]]:
    """Per placement in force at some day of ``since..until``: what was recovered on the loan
    while placed within the period, and the commission on it at the placement's rate."""
    query = select(Placement, Agency.name).join(Agency, Agency.id == Placement.agency_id)
    query = query.where(
        Placement.placed_on <= until,
        or_(Placement.recalled_on.is_(None), Placement.recalled_on > since),
    )
    if agency_id is not None:
        query = query.where(Placement.agency_id == agency_id)
    out = []
    for placement, name in session.execute(query.order_by(Placement.id)).all():
        first = max(placement.placed_on, since)
        last = until
        if placement.recalled_on is not None:
            last = min(until, placement.recalled_on - dt.timedelta(days=1))
        recovered = session.scalar(
            select(func.coalesce(func.sum(AllocationLine.amount), 0)).where(
                AllocationLine.loan_id == placement.loan_id,
                AllocationLine.effective_on >= first,
                AllocationLine.effective_on <= last,
            )
        )
        amount = to_money(Decimal(recovered or 0))
        out.append(
            {
                "placement_id": int(placement.id),
                "agency": str(name),
                "loan_id": int(placement.loan_id),
                "bucket": placement.bucket,
                "placed_on": placement.placed_on,
                "recalled_on": placement.recalled_on,
                "balance_amount": placement.balance_amount,
                "recovered_amount": amount,
                "commission_rate": placement.commission_rate,
                "commission_amount": to_money(amount * placement.commission_rate),
            }
        )
    return out
