"""Credits: the daily step that pays dues falling due from money a ``credit`` product held back.

A product whose overpayment is ``credit`` keeps what a payment brought beyond the current dues
on ``loan.credit_amount``. :func:`apply_credits` pays, on each business date, the dues that have
fallen due by then, oldest first in the product's order, with the cents waterfall of
:mod:`fairdebt.ledger.allocation`. Its allocation lines are dated the business date and belong
to the payments that brought the credit, oldest credit first, so every line still names the
money that paid it; one ``credit.applied`` audit entry per loan.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import (
    cents_sql,
    dialect_sql,
    driver_types,
    execute_many,
    insert_rows,
    select_by_keys,
)
from fairdebt.ledger.allocation import LINE_COLUMNS, cents_text, waterfall_cents
from fairdebt.ledger.installments import (
    COMPONENTS,
    decimal_of,
    load_open_dues,
    settle_owed,
    write_paid_cents,
)
from fairdebt.ledger.journal import last_id, post_allocations
from fairdebt.models import PaymentStatus

__all__ = ["apply_credits"]

_POSTED = PaymentStatus.POSTED.value
_CREDIT_LOANS_SQL = (
    f"SELECT loan.id, {cents_sql('loan.credit_amount')}, product.allocation_order "
    "FROM loan JOIN product ON product.id = loan.product_id "
    "WHERE loan.status = 'active' AND loan.credit_amount > 0"
)
# What each posted payment still holds as credit: its credit less the lines that applied it
# (lines effective after the payment date with a positive amount; reversals are negative).
_CREDIT_SOURCES_SQL = (
    f"SELECT p.loan_id, p.id, {cents_sql('p.credit_amount')} - COALESCE(("
    f"SELECT {cents_sql('SUM(a.amount)')} FROM allocation_line a "
    "WHERE a.payment_id = p.id AND a.effective_on > p.paid_on AND a.amount > 0), 0) "
    "FROM payment p"
)
_Line = tuple[int, int, int, int, int]  # payment, installment, loan, component index, cents


def _credit_loans(session: Session, loan_ids: Sequence[int] | None) -> dict[int, tuple[int, str]]:
    sql = _CREDIT_LOANS_SQL
    if loan_ids is not None:
        sql += f" AND loan.id IN ({', '.join(str(int(i)) for i in loan_ids) or 'NULL'})"
    connection = session.connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(dialect_sql(connection.dialect.name, sql))
        return {int(i): (int(c), order) for i, c, order in cursor.fetchall()}
    finally:
        cursor.close()


def _sources(session: Session, loan_ids: Sequence[int]) -> dict[int, list[list[int]]]:
    """Per loan, [payment id, cents of credit it still holds], oldest payment first."""
    sources: dict[int, list[list[int]]] = defaultdict(list)
    rows = select_by_keys(
        session,
        _CREDIT_SOURCES_SQL,
        "p.loan_id",
        sorted(loan_ids),
        where=f"p.status = '{_POSTED}' AND p.credit_amount > 0",
        order_by="p.loan_id, p.paid_on, p.id",
    )
    for loan_id, payment_id, left in rows:
        if left > 0:
            sources[int(loan_id)].append([int(payment_id), int(left)])
    return sources


def apply_credits(
    session: Session,
    *,
    business_date: dt.date,
    actor: str,
    at: dt.datetime,
    loan_ids: Sequence[int] | None = None,
) -> int:
    """Apply every active loan's credit (or only these loans') to its dues that have fallen due
    by ``business_date``.

    Returns the number of loans whose credit paid something.
    """
    session.flush()
    loans = _credit_loans(session, loan_ids)
    if not loans:
        return 0
    day_key = business_date.isoformat()
    dues = load_open_dues(session, loans)
    sources = _sources(session, list(loans))
    lines: list[_Line] = []
    used: dict[int, int] = {}
    for loan_id, (credit, order) in loans.items():
        fallen = [due for due in dues[loan_id] if due.due_key <= day_key]
        if not fallen:
            continue
        order_index = tuple(COMPONENTS.index(c) for c in order.split(","))
        allocation = waterfall_cents(credit, day_key, fallen, order_index, True)
        if allocation.allocated:
            used[loan_id] = allocation.allocated
            lines += _attribute(loan_id, allocation.lines, sources[loan_id])
    if not used:
        return 0
    driver = driver_types(session)
    on = driver.day(business_date)
    after_line_id = last_id(session, "allocation_line")
    insert_rows(
        session,
        "allocation_line",
        LINE_COLUMNS,
        [(p, i, loan, COMPONENTS[c], driver.money(cents), on) for p, i, loan, c, cents in lines],
    )
    post_allocations(
        session,
        kind="credit.applied",
        payment_ids=[line[0] for line in lines],
        after_line_id=after_line_id,
        funded_by="credit",
    )
    write_paid_cents(session, (due for loan_dues in dues.values() for due in loan_dues))
    execute_many(
        session,
        "UPDATE loan SET credit_amount = credit_amount - ? WHERE id = ?",
        [(driver.money(cents), loan_id) for loan_id, cents in used.items()],
    )
    events = [
        audit.AuditEvent(
            "credit.applied",
            "loan",
            str(loan_id),
            actor,
            at,
            {
                "applied_on": day_key,
                "amount": cents_text(cents),
                "left": cents_text(loans[loan_id][0] - cents),
            },
        )
        for loan_id, cents in used.items()
    ]
    owed_by = {loan_id: decimal_of(sum(sum(due.owed) for due in dues[loan_id])) for loan_id in used}
    on_by_loan = dict.fromkeys(used, business_date)
    events += settle_owed(session, owed_by=owed_by, on_by_loan=on_by_loan, actor=actor, at=at)
    audit.record_many(session, events)
    session.expire_all()
    return len(used)


def _attribute(
    loan_id: int, lines: Sequence[tuple[int, int, int]], sources: list[list[int]]
) -> list[_Line]:
    """Split credit lines over the payments that hold the credit, oldest first."""
    out: list[_Line] = []
    for installment_id, component, cents in lines:
        while cents:
            source = sources[0]
            part = min(cents, source[1])
            out.append((source[0], installment_id, loan_id, component, part))
            source[1] -= part
            cents -= part
            if not source[1]:
                sources.pop(0)
    return out
