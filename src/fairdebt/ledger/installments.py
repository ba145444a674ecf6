"""Installments as working state: load a loan's open dues, change them in memory, write back.

The installment row's paid, waived and penalty columns are a cache of the dated rows beside it
(AllocationLine, Waiver, Accrual); the verbs that change them (payments, waivers, accruals,
plans) load :class:`InstallmentState` objects in one query, work on them with Decimal, and write
every changed row back with one executemany. :func:`settle_loans` then closes loans with nothing
left to pay and reopens closed loans that owe again (after a reversal).

The bulk payment path reads the same rows as :class:`OpenDue` records in integer cents
(:func:`load_open_dues`): exact for Numeric(18, 2), and several times cheaper than Decimal
objects when hundreds of thousands of dues are walked; amounts become Decimal again at the
edges (results, audit data, the driver's parameters on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, or_, select, update
from sqlalchemy.orm import Session

from fairdebt.audit import AuditEvent
from fairdebt.db import cents_sql, driver_types, execute_many, select_by_keys, update_rows
from fairdebt.models import Component, Installment, Loan, LoanStatus
from fairdebt.money import ZERO, decimal_of

__all__ = [
    "COMPONENTS",
    "InstallmentState",
    "OpenDue",
    "chunked",
    "decimal_of",
    "load_open_dues",
    "load_states",
    "owed_expression",
    "settle_loans",
    "settle_owed",
    "write_paid_cents",
    "write_states",
]

COMPONENTS: tuple[str, ...] = tuple(c.value for c in Component)
CHUNK = 5000  # keeps IN (...) lists under every backend's bound-parameter limit
_T = cast(Table, Installment.__table__)
_LOANS = cast(Table, Loan.__table__)


class InstallmentState:
    """One due of a loan, with per-component amounts due, paid and waived."""

    __slots__ = ("changed", "due", "due_on", "id", "loan_id", "paid", "seq", "waived")

    def __init__(
        self,
        *,
        id: int,
        loan_id: int,
        seq: int,
        due_on: dt.date,
        due: dict[str, Decimal],
        paid: dict[str, Decimal] | None = None,
        waived: dict[str, Decimal] | None = None,
    ) -> None:
        self.id, self.loan_id, self.seq, self.due_on = id, loan_id, seq, due_on
        self.due = {c: due.get(c, ZERO) for c in COMPONENTS}
        self.paid = {c: (paid or {}).get(c, ZERO) for c in COMPONENTS}
        self.waived = {c: (waived or {}).get(c, ZERO) for c in COMPONENTS}
        self.changed = False

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> InstallmentState:
        """Build from a row of :func:`_columns`: ids, then due, paid, waived per component."""
        state = cls.__new__(cls)
        state.id, state.loan_id, state.seq, state.due_on = row[0], row[1], row[2], row[3]
        state.due = dict(zip(COMPONENTS, row[4:8], strict=True))
        state.paid = dict(zip(COMPONENTS, row[8:12], strict=True))
        state.waived = dict(zip(COMPONENTS, row[12:16], strict=True))
        state.changed = False
        return state

    def snapshot(self) -> tuple[Decimal, ...]:
        """Every amount of the row, to compare states before and after (tests, reversals)."""
        return tuple(d[c] for d in (self.due, self.paid, self.waived) for c in COMPONENTS)

    def outstanding(self, component: str) -> Decimal:
        return self.due[component] - self.paid[component] - self.waived[component]

    def total_outstanding(self) -> Decimal:
        # Spelled out: this runs once per installment per payment in the bulk paths.
        due, paid, waived = self.due, self.paid, self.waived
        return (
            due["penalty"]
            + due["fee"]
            + due["interest"]
            + due["principal"]
            - paid["penalty"]
            - paid["fee"]
            - paid["interest"]
            - paid["principal"]
            - waived["penalty"]
            - waived["fee"]
            - waived["interest"]
            - waived["principal"]
        )


class OpenDue:
    """An open installment in integer cents: what each component still owes and has been paid.

    ``owed`` and ``paid`` are indexed like :data:`COMPONENTS`; ``due_key`` is the due date as
    ISO text, which orders like the date itself and costs nothing to read from SQLite.
    """

    __slots__ = ("changed", "due_key", "id", "owed", "paid")

    def __init__(self, id: int, due_key: str, owed: list[int], paid: list[int]) -> None:
        self.id, self.due_key, self.owed, self.paid = id, due_key, owed, paid
        self.changed = False


_OPEN_DUE_SQL = (
    "SELECT loan_id, id, due_on, "
    + ", ".join(cents_sql(f"{c}_due - {c}_paid - {c}_waived") for c in COMPONENTS)
    + ", "
    + ", ".join(cents_sql(f"{c}_paid") for c in COMPONENTS)
    + " FROM installment"
)
_OWED_SQL = " + ".join(f"{c}_due - {c}_paid - {c}_waived" for c in COMPONENTS)


def load_open_dues(session: Session, loan_ids: Iterable[int]) -> dict[int, list[OpenDue]]:
    """The open, current installments of each loan in cents, oldest due first (one query)."""
    ids = sorted(set(loan_ids))
    dues: dict[int, list[OpenDue]] = {loan_id: [] for loan_id in ids}
    rows = select_by_keys(
        session,
        _OPEN_DUE_SQL,
        "loan_id",
        ids,
        where=f"superseded_on IS NULL AND ({_OWED_SQL}) > 0",
        order_by="loan_id, due_on, seq",
    )
    for row in rows:
        day = row[2]
        key = day if type(day) is str else day.isoformat()
        dues[row[0]].append(OpenDue(row[1], key, [*row[3:7]], [*row[7:11]]))
    return dues


def write_paid_cents(session: Session, dues: Iterable[OpenDue]) -> int:
    """Write back the paid columns of every changed due (driver executemany)."""
    money = driver_types(session).money
    rows = [(*(money(p) for p in due.paid), due.id) for due in dues if due.changed]
    columns = ", ".join(f"{c}_paid = ?" for c in COMPONENTS)
    execute_many(session, f"UPDATE installment SET {columns} WHERE id = ?", rows)
    return len(rows)


def owed_expression() -> ColumnElement[Decimal]:
    """SQL for everything an installment row still owes (due − paid − waived, all components)."""
    total: ColumnElement[Decimal] = _T.c.principal_due - _T.c.principal_paid - _T.c.principal_waived
    for c in COMPONENTS[:-1]:
        total = total + _T.c[f"{c}_due"] - _T.c[f"{c}_paid"] - _T.c[f"{c}_waived"]
    return total


def chunked(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """Consecutive slices of at most ``size`` values."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _columns() -> list[Any]:
    names = ["id", "loan_id", "seq", "due_on"]
    names += [f"{c}_{part}" for part in ("due", "paid", "waived") for c in COMPONENTS]
    return [_T.c[name] for name in names]


def load_states(
    session: Session, loan_ids: Iterable[int], *, open_only: bool = True
) -> dict[int, list[InstallmentState]]:
    """The current (not superseded) installments of each loan, oldest due first.

    With ``open_only`` only installments with something left to pay are loaded: the others
    cannot take money, and skipping them halves the rows read for a typical book.
    """
    ids = sorted(set(loan_ids))
    states: dict[int, list[InstallmentState]] = {loan_id: [] for loan_id in ids}
    query = select(*_columns()).where(
        _T.c.loan_id.in_(bindparam("ids", expanding=True)), _T.c.superseded_on.is_(None)
    )
    if open_only:
        query = query.where(owed_expression() > 0)
    query = query.order_by(_T.c.loan_id, _T.c.due_on, _T.c.seq)
    for chunk in chunked(ids):
        for row in session.execute(query, {"ids": list(chunk)}):
            states[row[1]].append(InstallmentState.from_row(row))
    return states


def write_states(session: Session, states: Iterable[InstallmentState]) -> int:
    """Write back the paid, waived and penalty columns of every changed installment."""
    columns = [f"{c}_{part}" for part in ("paid", "waived") for c in COMPONENTS]
    bind = driver_types(session).bind_amount
    rows = [
        (
            *(bind(state.paid[c]) for c in COMPONENTS),
            *(bind(state.waived[c]) for c in COMPONENTS),
            bind(state.due["penalty"]),
            state.id,
        )
        for state in states
        if state.changed
    ]
    update_rows(session, "installment", [*columns, "penalty_due"], rows)
    return len(rows)


def settle_loans(
    session: Session,
    *,
    on_by_loan: Mapping[int, dt.date],
    actor: str,
    at: dt.datetime,
    states: Mapping[int, Sequence[InstallmentState]] | None = None,
) -> list[AuditEvent]:
    """Close active loans that owe nothing and reopen closed loans that owe again.

    Returns the ``loan.closed`` / ``loan.reopened`` audit events for the caller to record with
    its own entries, so that one verb appends its whole story in one batch. ``states``, when
    the caller already holds every open installment of these loans, saves reading them again.
    """
    ids = sorted(on_by_loan)
    if not ids:
        return []
    owed_by: dict[int, Decimal] = defaultdict(lambda: ZERO)
    held = load_states(session, ids) if states is None else states
    for loan_id in ids:
        owed_by[loan_id] = sum((s.total_outstanding() for s in held.get(loan_id, ())), ZERO)
    return settle_owed(session, owed_by=owed_by, on_by_loan=on_by_loan, actor=actor, at=at)


def settle_owed(
    session: Session,
    *,
    owed_by: Mapping[int, Decimal],
    on_by_loan: Mapping[int, dt.date],
    actor: str,
    at: dt.datetime,
) -> list[AuditEvent]:
    """:func:`settle_loans` for a caller that already knows what each loan still owes."""
    ids = sorted(on_by_loan)
    status_by: dict[int, str] = {}
    for chunk in chunked(ids):
        for loan_id, status in session.execute(
            select(Loan.id, Loan.status).where(
                Loan.id.in_(chunk),
                or_(Loan.status == LoanStatus.ACTIVE, Loan.status == LoanStatus.CLOSED),
            )
        ):
            status_by[loan_id] = status
    closing = [i for i, s in status_by.items() if s == LoanStatus.ACTIVE and owed_by[i] <= 0]
    reopening = [i for i, s in status_by.items() if s == LoanStatus.CLOSED and owed_by[i] > 0]
    loans = _LOANS
    execute_many(
        session,
        "UPDATE loan SET status = ?, closed_on = ? WHERE id = ?",
        [(LoanStatus.CLOSED.value, on_by_loan[i], i) for i in closing],
    )
    for chunk in chunked(reopening):
        session.connection().execute(
            update(loans)
            .where(loans.c.id.in_(chunk))
            .values(status=LoanStatus.ACTIVE, closed_on=None)
        )
    events = [
        AuditEvent("loan.closed", "loan", str(i), actor, at, {"closed_on": on_by_loan[i]})
        for i in closing
    ]
    events += [
        AuditEvent(
            "loan.reopened",
            "loan",
            str(i),
            actor,
            at,
            {"reopened_on": on_by_loan[i], "owed": owed_by[i]},
        )
        for i in reopening
    ]
    return events
