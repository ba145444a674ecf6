"""Repayment plans: the mechanics of restructuring and extending a loan (the offer comes later).

A plan supersedes every installment that still owes something (``superseded_on`` = the plan's
start, the row itself is kept) and writes a new schedule of the restructured amount from that
date. The restructured amount is all outstanding principal plus the interest, fee and penalty
already due on or before the start (capitalised, as lenders do on a re-age); interest and fee of
dues after the start were never charged and fall away with their rows, to be replaced by the
new schedule's own. A plan's rate may not exceed the loan's legal cost cap.

A plan is the restructure flag: its row records the oldest due that was overdue when it started
(``carried_due_on``), and the daily cycle keeps the loan at that delinquency until it re-ages
after the qualifying payments its classification pack asks for (docs/decisions/classification.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import get_or_raise
from fairdebt.errors import ConflictError, InputError, RuleViolation
from fairdebt.ledger.installments import COMPONENTS, InstallmentState, load_states
from fairdebt.ledger.journal import post_schedule_change
from fairdebt.ledger.schedules import ScheduleLine, build_schedule
from fairdebt.models import Installment, Loan, LoanStatus, RepaymentPlan
from fairdebt.money import ZERO

__all__ = ["carried_due_on", "extend", "restructure", "restructured_amount"]


def restructured_amount(states: list[InstallmentState], starts_on: dt.date) -> Decimal:
    """All principal still owed plus the other components already due by ``starts_on``."""
    total = ZERO
    for state in states:
        total += state.outstanding("principal")
        if state.due_on <= starts_on:
            total += sum((state.outstanding(c) for c in COMPONENTS if c != "principal"), ZERO)
    return total


def carried_due_on(states: list[InstallmentState], starts_on: dt.date) -> dt.date | None:
    """The oldest due still owing something that fell before ``starts_on``, if any.

    >>> from decimal import Decimal as D
    >>> due = {"principal": D("100.00")}
    >>> states = [InstallmentState(id=1, loan_id=1, seq=1, due_on=dt.date(2026, 2, 15), due=due),
    ...           InstallmentState(id=2, loan_id=1, seq=2, due_on=dt.date(2026, 3, 15), due=due)]
    >>> carried_due_on(states, dt.date(2026, 3, 15)), carried_due_on(states, dt.date(2026, 2, 15))
    (datetime.date(2026, 2, 15), None)
    """
    late = [s.due_on for s in states if s.due_on < starts_on and s.total_outstanding() > 0]
    return min(late, default=None)


def _post(
    session: Session,
    plan: RepaymentPlan,
    states: list[InstallmentState],
    lines: list[ScheduleLine],
    starts_on: dt.date,
) -> None:
    """The plan's journal: open components replaced, charges due by the start capitalised."""
    before = {c: sum((s.outstanding(c) for s in states), ZERO) for c in COMPONENTS}
    after = {
        "principal": sum((line.principal_due for line in lines), ZERO),
        "interest": sum((line.interest_due for line in lines), ZERO),
        "fee": sum((line.fee_due for line in lines), ZERO),
    }
    capitalised = {
        c: sum((s.outstanding(c) for s in states if s.due_on <= starts_on), ZERO)
        for c in ("interest", "fee")
    }
    post_schedule_change(
        session,
        kind=f"loan.{'restructured' if plan.kind == 'restructure' else 'extended'}",
        source_id=plan.id,
        loan_id=plan.loan_id,
        on=starts_on,
        before=before,
        after=after,
        capitalised=capitalised,
        residual_account="waivers",  # a penalty on dues after the start is dropped
    )


def _make_plan(
    session: Session,
    *,
    loan_id: int,
    kind: str,
    starts_on: dt.date,
    term_months: int | None,
    extra_months: int,
    annual_rate: Decimal | None,
    reason: str,
    actor: str,
    at: dt.datetime,
    method: str | None = None,
) -> RepaymentPlan:
    record = f"loan {loan_id}"
    session.flush()
    loan = get_or_raise(session, Loan, loan_id, what="loan", column="id", field="loan_id")
    if loan.status == LoanStatus.CLOSED:
        raise ConflictError(f"{record} is closed; there is nothing to {kind}")
    if starts_on < loan.disbursed_on:
        raise RuleViolation(
            f"a plan cannot start ({starts_on}) before disbursement ({loan.disbursed_on})",
            record=record,
            field="starts_on",
        )
    rate = Decimal(loan.annual_rate if annual_rate is None else annual_rate)
    if rate < 0 or rate > loan.cost_cap_rate:
        raise RuleViolation(
            f"plan rate {rate} must be between 0 and the loan's cost cap {loan.cost_cap_rate}",
            record=record,
            field="annual_rate",
        )
    states = load_states(session, [loan_id])[loan_id]
    if term_months is None:
        term_months = max(sum(1 for s in states if s.due_on > starts_on), 1) + extra_months
    if term_months < 1:
        raise InputError(
            f"must be at least 1 (got {term_months})", record=record, field="term_months"
        )
    amount = restructured_amount(states, starts_on)
    if amount <= 0:
        raise ConflictError(f"{record} owes nothing to {kind}")
    plan = RepaymentPlan(
        loan_id=loan_id,
        kind=kind,
        starts_on=starts_on,
        term_months=term_months,
        annual_rate=rate,
        restructured_amount=amount,
        reason=reason,
        actor=actor,
        carried_due_on=carried_due_on(states, starts_on),
    )
    session.add(plan)
    session.flush()
    lines = build_schedule(
        principal_amount=amount,
        annual_rate=rate,
        term_months=term_months,
        method=method or loan.repayment_method,
        disbursed_on=starts_on,
    )
    last_seq = session.scalar(
        select(func.max(Installment.seq)).where(Installment.loan_id == loan_id)
    )
    table = cast(Table, Installment.__table__)
    superseded = [state.id for state in states]
    session.connection().execute(
        update(table).where(table.c.id.in_(superseded)).values(superseded_on=starts_on)
    )
    if loan.status != LoanStatus.CHARGED_OFF:  # written off: no receivables to change
        _post(session, plan, states, lines, starts_on)
    zero = {f"{c}_{part}": ZERO for c in COMPONENTS for part in ("paid", "waived")}
    session.connection().execute(
        insert(table),
        [
            {
                "loan_id": loan_id,
                "seq": (last_seq or 0) + line.seq,
                "due_on": line.due_on,
                "principal_due": line.principal_due,
                "interest_due": line.interest_due,
                "fee_due": line.fee_due,
                "penalty_due": ZERO,
                "created_on": starts_on,
                "repayment_plan_id": plan.id,
                **zero,
            }
            for line in lines
        ],
    )
    audit.record(
        session,
        action=f"loan.{'restructured' if kind == 'restructure' else 'extended'}",
        entity="loan",
        entity_id=loan_id,
        actor=actor,
        at=at,
        data={
            "plan_id": plan.id,
            "starts_on": starts_on,
            "term_months": term_months,
            "annual_rate": rate,
            "restructured_amount": amount,
            "carried_due_on": plan.carried_due_on,
            "superseded_installment_ids": superseded,
            "reason": reason,
        },
    )
    session.expire_all()
    return plan


def restructure(
    session: Session,
    *,
    loan_id: int,
    starts_on: dt.date,
    term_months: int,
    annual_rate: Decimal,
    reason: str,
    actor: str,
    at: dt.datetime,
    method: str | None = None,
) -> RepaymentPlan:
    """Replace the loan's open installments by a new schedule at a new term and rate (in the
    loan's own repayment method unless ``method`` names another)."""
    return _make_plan(
        session,
        loan_id=loan_id,
        kind="restructure",
        starts_on=starts_on,
        term_months=term_months,
        extra_months=0,
        annual_rate=annual_rate,
        reason=reason,
        actor=actor,
        at=at,
        method=method,
    )


def extend(
    session: Session,
    *,
    loan_id: int,
    starts_on: dt.date,
    extra_months: int,
    reason: str,
    actor: str,
    at: dt.datetime,
) -> RepaymentPlan:
    """Spread what is owed over the remaining dues plus ``extra_months``, at the loan's rate."""
    if extra_months < 1:
        raise InputError(
            f"must be at least 1 (got {extra_months})",
            record=f"loan {loan_id}",
            field="extra_months",
        )
    return _make_plan(
        session,
        loan_id=loan_id,
        kind="extend",
        starts_on=starts_on,
        term_months=None,
        extra_months=extra_months,
        annual_rate=None,
        reason=reason,
        actor=actor,
        at=at,
    )
