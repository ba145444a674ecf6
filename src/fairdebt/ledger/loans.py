"""Loans: disbursement with its schedule, waivers, charge-off, and (from plans) restructuring.

:func:`disburse_many` is the bulk path used by the simulator and loan tapes: it checks every
loan, resolves its legal cost cap at the contract date, builds (or takes) its schedule, and
writes loans, installments and ``loan.disbursed`` entries with one executemany each.
:func:`restructure` and :func:`extend` live in :mod:`fairdebt.ledger.plans` and
:func:`charge_off_due` in :mod:`fairdebt.ledger.chargeoffs`; they are re-exported here because
they are verbs on a loan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import driver_types, get_or_raise, insert_keyed, insert_rows
from fairdebt.errors import ConflictError, InputError, RuleViolation, UnknownRecord
from fairdebt.ledger.chargeoffs import charge_off_due
from fairdebt.ledger.installments import (
    COMPONENTS,
    chunked,
    load_states,
    settle_loans,
    write_states,
)
from fairdebt.ledger.journal import post_disbursements, post_waivers
from fairdebt.ledger.plans import extend, restructure
from fairdebt.ledger.products import (
    contract_cost_problem,
    load_lpr_table,
    products_by_code,
    resolve_cost_cap,
)
from fairdebt.ledger.schedules import ScheduleLine, schedule_rows
from fairdebt.models import Borrower, Loan, LoanStatus, Product, Waiver
from fairdebt.money import ZERO, to_money

__all__ = [
    "LoanIn",
    "charge_off_due",
    "disburse",
    "disburse_many",
    "extend",
    "restructure",
    "waive",
]


INSTALLMENT_COLUMNS = (
    "loan_id",
    "seq",
    "due_on",
    "principal_due",
    "interest_due",
    "fee_due",
    "penalty_due",
    "created_on",
    *(f"{c}_{part}" for part in ("paid", "waived") for c in COMPONENTS),
)


@dataclass(frozen=True, slots=True)
class LoanIn:
    external_id: str
    borrower_id: int
    product_code: str
    principal_amount: Decimal
    term_months: int
    disbursed_on: dt.date
    annual_rate: Decimal | None = None  # None: the product's rate


def _check_schedule(loan: LoanIn, lines: Sequence[ScheduleLine]) -> None:
    record = f"loan {loan.external_id}"
    total = sum((line.principal_due for line in lines), ZERO)
    if total != to_money(loan.principal_amount):
        raise InputError(
            f"schedule principal sums to {total}, "
            f"not the principal {to_money(loan.principal_amount)}",
            record=record,
            field="principal_due",
        )
    if len(lines) != loan.term_months:
        raise InputError(
            f"schedule has {len(lines)} installments for a {loan.term_months}-month term",
            record=record,
            field="term_months",
        )
    for line in lines:
        if line.due_on <= loan.disbursed_on:
            raise InputError(
                f"due date {line.due_on} is not after disbursement {loan.disbursed_on}",
                record=f"{record} installment {line.seq}",
                field="due_on",
            )
        if min(line.principal_due, line.interest_due, line.fee_due) < 0:
            raise InputError(
                "amounts due must not be negative", record=f"{record} installment {line.seq}"
            )


def _check_loans(session: Session, loans: Sequence[LoanIn]) -> Mapping[str, Product]:
    seen: set[str] = set()
    for loan in loans:
        record = f"loan {loan.external_id}"
        if loan.external_id in seen:
            raise ConflictError(f"{record} appears twice in one disbursement")
        seen.add(loan.external_id)
        if to_money(loan.principal_amount) <= 0:
            raise InputError(
                f"must be a positive amount (got {loan.principal_amount})",
                record=record,
                field="principal_amount",
            )
        if loan.term_months < 1:
            raise InputError(
                f"must be at least 1 (got {loan.term_months})", record=record, field="term_months"
            )
        if loan.annual_rate is not None and loan.annual_rate < 0:
            raise InputError(
                f"must not be negative (got {loan.annual_rate})", record=record, field="annual_rate"
            )
    products = products_by_code(session, [loan.product_code for loan in loans])
    borrower_ids = sorted({loan.borrower_id for loan in loans})
    known_borrowers: set[int] = set()
    known_loans: set[str] = set()
    for chunk in chunked(borrower_ids):
        known_borrowers.update(session.scalars(select(Borrower.id).where(Borrower.id.in_(chunk))))
    for chunk in chunked(sorted(seen)):
        known_loans.update(
            session.scalars(select(Loan.external_id).where(Loan.external_id.in_(chunk)))
        )
    for loan in loans:
        record = f"loan {loan.external_id}"
        if loan.product_code not in products:
            raise UnknownRecord(
                f"no product has code {loan.product_code!r}", record=record, field="product_code"
            )
        if loan.borrower_id not in known_borrowers:
            raise UnknownRecord(
                f"no borrower has id {loan.borrower_id}", record=record, field="borrower_id"
            )
        if loan.external_id in known_loans:
            raise ConflictError(f"{record} is already disbursed")
    return products


_LOAN_MONEY = ("principal_amount", "credit_amount")
_LOAN_RATES = ("annual_rate", "cost_cap_rate")


def _loan_row(
    loan: LoanIn, product: Product, lpr_table: Sequence[tuple[dt.date, Decimal]]
) -> dict[str, Any]:
    record = f"loan {loan.external_id}"
    rate = Decimal(product.annual_rate if loan.annual_rate is None else loan.annual_rate)
    cap = resolve_cost_cap(
        kind=product.cost_cap_kind,
        rate=product.cost_cap_rate,
        contract_on=loan.disbursed_on,
        lpr_table=lpr_table,
        record=record,
    )
    problem = contract_cost_problem(
        annual_rate=rate,
        monthly_fee_rate=product.monthly_fee_rate,
        term_months=loan.term_months,
        method=product.repayment_method,
        cap=cap,
    )
    if problem is not None:
        raise RuleViolation(
            f"{problem} (the legal cap: {product.cost_cap_kind} of product {product.code})",
            record=record,
            field="annual_rate",
        )
    return {
        "external_id": loan.external_id,
        "borrower_id": loan.borrower_id,
        "product_id": product.id,
        "principal_amount": to_money(loan.principal_amount),
        "annual_rate": rate,
        "term_months": loan.term_months,
        "repayment_method": product.repayment_method,
        "disbursed_on": loan.disbursed_on,
        "cost_cap_rate": cap,
        "status": LoanStatus.ACTIVE.value,
        "credit_amount": ZERO,
    }


def disburse_many(
    session: Session,
    *,
    loans: Sequence[LoanIn],
    actor: str,
    at: dt.datetime,
    schedules: Mapping[str, Sequence[ScheduleLine]] | None = None,
) -> list[int]:
    """Disburse loans in bulk; returns their ids in the order given.

    ``schedules`` (by loan external id) supplies a lender's own schedule instead of building
    one, as from a loan tape; it must sum to the principal and have ``term_months`` lines.
    """
    if not loans:
        return []
    session.flush()
    products = _check_loans(session, loans)
    lpr_table = load_lpr_table(session)
    loan_rows = [_loan_row(loan, products[loan.product_code], lpr_table) for loan in loans]
    given = schedules or {}
    plans: list[Sequence[tuple[int, dt.date, Decimal, Decimal, Decimal]]] = []
    for loan, row in zip(loans, loan_rows, strict=True):
        lines = given.get(loan.external_id)
        if lines is None:
            plans.append(
                schedule_rows(
                    principal_amount=row["principal_amount"],
                    annual_rate=row["annual_rate"],
                    term_months=loan.term_months,
                    method=row["repayment_method"],
                    disbursed_on=loan.disbursed_on,
                    monthly_fee_rate=products[loan.product_code].monthly_fee_rate,
                    cap_rate=row["cost_cap_rate"],
                )
            )
        else:
            _check_schedule(loan, lines)
            plans.append(
                [(x.seq, x.due_on, x.principal_due, x.interest_due, x.fee_due) for x in lines]
            )
    columns = list(loan_rows[0])
    driver = driver_types(session)
    bind = {c: driver.bind_amount for c in _LOAN_MONEY} | {c: driver.rate for c in _LOAN_RATES}
    ids = insert_keyed(
        session,
        "loan",
        columns,
        [tuple(bind[c](row[c]) if c in bind else row[c] for c in columns) for row in loan_rows],
    )
    # Zero as an int: stored the same as Decimal 0 (zero cents, NUMERIC 0) on both databases.
    zeros = (0,) * 8
    money = driver.bind_amount
    installment_rows = [
        (
            loan_id,
            seq,
            due_on,
            money(principal),
            money(interest),
            money(fee),
            0,
            loan.disbursed_on,
            *zeros,
        )
        for loan_id, loan, lines in zip(ids, loans, plans, strict=True)
        for seq, due_on, principal, interest, fee in lines
    ]
    insert_rows(session, "installment", INSTALLMENT_COLUMNS, installment_rows)
    post_disbursements(session, loan_ids=ids)
    events = [
        audit.AuditEvent(
            "loan.disbursed",
            "loan",
            str(loan_id),
            actor,
            at,
            # Canonical JSON written directly (sorted keys, no spaces): once per loan, and
            # checked against audit.canonical_json in tests/ledger/test_loans.py.
            audit.EncodedData(
                f'{{"annual_rate":"{row["annual_rate"]}",'
                f'"cost_cap_rate":"{row["cost_cap_rate"]}",'
                f'"disbursed_on":"{loan.disbursed_on.isoformat()}",'
                f'"external_id":{audit.json_text(loan.external_id)},'
                f'"installments":{len(lines)},'
                f'"principal_amount":"{row["principal_amount"]}",'
                f'"term_months":{loan.term_months}}}'
            ),
        )
        for loan_id, loan, row, lines in zip(ids, loans, loan_rows, plans, strict=True)
    ]
    audit.record_many(session, events)
    return ids


def disburse(session: Session, *, loan: LoanIn, actor: str, at: dt.datetime) -> Loan:
    """Disburse one loan (see :func:`disburse_many`)."""
    (loan_id,) = disburse_many(session, loans=[loan], actor=actor, at=at)
    found = session.get(Loan, loan_id)
    assert found is not None
    return found


def waive(
    session: Session,
    *,
    loan_id: int,
    component: str,
    amount: Decimal,
    waived_on: dt.date,
    reason: str,
    actor: str,
    at: dt.datetime,
) -> Waiver:
    """Forgive part of one component, oldest due first; returns the first Waiver row written.

    A waiver larger than what is outstanding on that component is refused rather than cut.
    """
    record = f"loan {loan_id}"
    if component not in COMPONENTS:
        raise InputError(
            f"must be one of {', '.join(COMPONENTS)} (got {component!r})",
            record=record,
            field="component",
        )
    amount = to_money(amount)
    if amount <= 0:
        raise InputError(f"must be a positive amount (got {amount})", record=record, field="amount")
    session.flush()
    loan = get_or_raise(session, Loan, loan_id, what="loan", column="id", field="loan_id")
    is_charged_off = loan.status == LoanStatus.CHARGED_OFF
    states = load_states(session, [loan_id])[loan_id]
    available = sum((s.outstanding(component) for s in states), ZERO)
    if amount > available:
        raise RuleViolation(
            f"waiver {amount} is more than the {available} of {component} outstanding",
            record=record,
            field="amount",
        )
    waivers: list[Waiver] = []
    left = amount
    for state in states:
        part = min(left, state.outstanding(component))
        if part <= 0:
            continue
        state.waived[component] += part
        state.changed = True
        left -= part
        waivers.append(
            Waiver(
                loan_id=loan_id,
                installment_id=state.id,
                component=component,
                amount=part,
                waived_on=waived_on,
                reason=reason,
                actor=actor,
            )
        )
        if left == 0:
            break
    session.add_all(waivers)
    session.flush()
    write_states(session, states)
    if not is_charged_off:  # a charged-off loan has no receivables left to forgive
        post_waivers(session, waiver_ids=[w.id for w in waivers])
    events = [
        audit.AuditEvent(
            "charge.waived",
            "loan",
            str(loan_id),
            actor,
            at,
            {
                "component": component,
                "amount": amount,
                "waived_on": waived_on,
                "reason": reason,
                "waiver_ids": [w.id for w in waivers],
            },
        )
    ]
    events += settle_loans(session, on_by_loan={loan_id: waived_on}, actor=actor, at=at)
    audit.record_many(session, events)
    session.expire_all()
    return waivers[0]
