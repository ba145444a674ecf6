"""Recoveries: money received on a charged-off loan, allocated over what was written off.

A payment posted on a loan that is charged off (:mod:`fairdebt.ledger.chargeoffs`) is a
recovery. It keeps its payment row (so posting stays idempotent on the lender's id and the
audit log names it), but it writes no allocation lines and touches no installment: the loan
stays charged off, and its days past due and balances as of charge-off stay what the write-off
was measured on. Its own allocation goes to a :class:`~fairdebt.models.Recovery` row, over the
balance written off less what earlier recoveries took, in :data:`RECOVERY_ORDER` (principal
first: a recovery reduces the loss before it is counted as income); money beyond the whole
balance is ``excess`` (owed back to the borrower). :func:`recoveries_report` lists and sums
them for ``fairdebt ledger recoveries``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.audit import AuditEvent
from fairdebt.db import cents_sql, select_by_keys
from fairdebt.ledger.journal import JournalRow, post_lines
from fairdebt.models import Loan, Recovery
from fairdebt.money import ZERO, decimal_of

__all__ = [
    "RECOVERY_ORDER",
    "RecoveryIn",
    "RecoveryLine",
    "record_recoveries",
    "recoveries_report",
    "recovery_lines",
]

RECOVERY_ORDER = ("principal", "interest", "fee", "penalty")

_OUTSTANDING_SQL = (
    "SELECT loan_id, "
    + ", ".join(cents_sql(f"SUM({c}_due - {c}_paid - {c}_waived)") for c in RECOVERY_ORDER)
    + " FROM installment"
)
_RECOVERED_SQL = (
    "SELECT loan_id, "
    + ", ".join(cents_sql(f"SUM({c}_amount)") for c in RECOVERY_ORDER)
    + " FROM recovery"
)


@dataclass(frozen=True, slots=True)
class RecoveryIn:
    """A posted payment to record as a recovery (amount in cents)."""

    payment_id: int
    loan_id: int
    cents: int
    recovered_on: dt.date
    external_id: str


def _balances(session: Session, loan_ids: Sequence[int]) -> dict[int, list[int]]:
    """Per loan, cents still written off by component (in RECOVERY_ORDER)."""
    ids = sorted(set(loan_ids))
    left = {loan_id: [0, 0, 0, 0] for loan_id in ids}
    rows = select_by_keys(
        session, _OUTSTANDING_SQL, "loan_id", ids, where="superseded_on IS NULL", group_by="loan_id"
    )
    for loan_id, *cents in rows:
        left[int(loan_id)] = [max(int(c or 0), 0) for c in cents]
    taken = select_by_keys(
        session, _RECOVERED_SQL, "loan_id", ids, where="reversed_on IS NULL", group_by="loan_id"
    )
    for loan_id, *cents in taken:
        left[int(loan_id)] = [
            max(a - int(b or 0), 0) for a, b in zip(left[int(loan_id)], cents, strict=True)
        ]
    return left


def _split(cents: int, left: list[int]) -> tuple[list[int], int]:
    """Cents per component of RECOVERY_ORDER, and the excess; ``left`` shrinks in place."""
    parts = []
    for index, owed in enumerate(left):
        part = min(owed, cents)
        parts.append(part)
        left[index] -= part
        cents -= part
    return parts, cents


def recovery_lines(row: Recovery, kind: str) -> list[JournalRow]:
    """The journal lines of a recovery (``recovery.recorded``) or of taking it back
    (``recovery.reversed``): cash in, recoveries income, the excess held for the borrower."""
    sign = 1 if kind == "recovery.recorded" else -1
    on = row.recovered_on if sign == 1 else row.reversed_on
    assert on is not None
    amount, excess = Decimal(row.amount), Decimal(row.excess_amount)
    return [
        (kind, row.id, row.loan_id, on, "cash", sign * amount),
        (kind, row.id, row.loan_id, on, "recoveries", -sign * (amount - excess)),
        (kind, row.id, row.loan_id, on, "unapplied_credit", -sign * excess),
    ]


def record_recoveries(
    session: Session, *, recoveries: Sequence[RecoveryIn], actor: str, at: dt.datetime
) -> list[AuditEvent]:
    """Write a Recovery row for each payment, oldest first per loan; returns the
    ``recovery.recorded`` events for the caller to append with its own entries."""
    if not recoveries:
        return []
    left = _balances(session, [r.loan_id for r in recoveries])
    ordered = sorted(recoveries, key=lambda r: (r.recovered_on, r.payment_id))
    rows = []
    for item in ordered:
        parts, excess = _split(item.cents, left[item.loan_id])
        rows.append(
            Recovery(
                payment_id=item.payment_id,
                loan_id=item.loan_id,
                recovered_on=item.recovered_on,
                amount=decimal_of(item.cents),
                **{
                    f"{c}_amount": decimal_of(p) for c, p in zip(RECOVERY_ORDER, parts, strict=True)
                },
                excess_amount=decimal_of(excess),
            )
        )
    session.add_all(rows)
    session.flush()
    post_lines(session, [line for row in rows for line in recovery_lines(row, "recovery.recorded")])
    return [
        AuditEvent(
            "recovery.recorded",
            "recovery",
            str(row.id),
            actor,
            at,
            {
                "payment_id": row.payment_id,
                "external_id": item.external_id,
                "loan_id": row.loan_id,
                "recovered_on": row.recovered_on,
                "amount": row.amount,
                "principal": row.principal_amount,
                "interest": row.interest_amount,
                "fee": row.fee_amount,
                "penalty": row.penalty_amount,
                "excess": row.excess_amount,
            },
        )
        for row, item in zip(rows, ordered, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class RecoveryLine:
    """One recovery as ``fairdebt ledger recoveries`` lists it."""

    loan: str
    recovered_on: dt.date
    amount: Decimal
    principal_amount: Decimal
    interest_amount: Decimal
    fee_amount: Decimal
    penalty_amount: Decimal
    excess_amount: Decimal


def recoveries_report(
    session: Session,
    *,
    from_on: dt.date | None = None,
    to_on: dt.date | None = None,
    loan_external_id: str | None = None,
) -> tuple[list[RecoveryLine], dict[str, str]]:
    """Recoveries not reversed, in date order, and their totals as decimal strings."""
    query = (
        select(Loan.external_id, Recovery)
        .join(Loan, Loan.id == Recovery.loan_id)
        .where(Recovery.reversed_on.is_(None))
        .order_by(Recovery.recovered_on, Recovery.id)
    )
    if from_on is not None:
        query = query.where(Recovery.recovered_on >= from_on)
    if to_on is not None:
        query = query.where(Recovery.recovered_on <= to_on)
    if loan_external_id is not None:
        query = query.where(Loan.external_id == loan_external_id)
    lines = [
        RecoveryLine(
            loan,
            r.recovered_on,
            r.amount,
            r.principal_amount,
            r.interest_amount,
            r.fee_amount,
            r.penalty_amount,
            r.excess_amount,
        )
        for loan, r in session.execute(query)
    ]
    fields = ("amount", "principal", "interest", "fee", "penalty", "excess")
    totals = {"count": str(len(lines))}
    for name in fields:
        attribute = "amount" if name == "amount" else f"{name}_amount"
        totals[name] = str(sum((Decimal(getattr(x, attribute)) for x in lines), ZERO))
    return lines, totals
