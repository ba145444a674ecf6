"""Payments: posting through the product's waterfall, idempotent on the lender's id, and reversal.

:func:`allocate` is the pure waterfall. Dues are paid oldest first; within a due, components in
the product's order (default penalty, fee, interest, principal). The *current* dues are those
already due on the payment date plus the next one to fall due (borrowers pay a few days early);
money beyond them is an overpayment: with ``prepay`` it pays the later dues ahead, in due order
(no interest is recalculated: an early payoff with interest relief is an explicit waive or
restructure), and only what exceeds the whole loan becomes a credit; with ``credit`` it is held
as a credit on the loan. So allocated + prepaid + credit is always exactly the amount paid.

:func:`post_payments` is the bulk path (hundreds of thousands of payments): one query for the
loans, one for known external ids, one for the open installments, the waterfall in Python with
Decimal, and one executemany per table. Posting the same external id again posts nothing and
says so (``was_duplicate``, audit ``payment.duplicate_ignored``); the same id with a different
loan, amount or date is a :class:`~fairdebt.errors.ConflictError`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import insert_keyed, insert_rows, select_by_keys
from fairdebt.errors import ConflictError, RuleViolation, UnknownRecord
from fairdebt.installments import (
    InstallmentState,
    load_states,
    settle_loans,
    write_states,
)
from fairdebt.models import (
    AllocationLine,
    Installment,
    Loan,
    Overpayment,
    Payment,
    PaymentStatus,
)
from fairdebt.money import CENT, ZERO, parse_amount

__all__ = [
    "Allocation",
    "PaymentIn",
    "PostResult",
    "allocate",
    "post_payment",
    "post_payments",
    "reverse_payment",
]

_LOANS = cast(Table, Loan.__table__)
_PAYMENTS = cast(Table, Payment.__table__)
_CREDIT = Overpayment.CREDIT.value
_POSTED = PaymentStatus.POSTED.value
PAYMENT_COLUMNS = (
    "external_id",
    "loan_id",
    "amount",
    "paid_on",
    "channel",
    "status",
    "prepaid_amount",
    "credit_amount",
)
LINE_COLUMNS = ("payment_id", "installment_id", "loan_id", "component", "amount", "effective_on")


@dataclass(frozen=True, slots=True)
class PaymentIn:
    external_id: str
    loan_external_id: str
    amount: Decimal
    paid_on: dt.date
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class PostResult:
    external_id: str
    payment_id: int
    was_duplicate: bool
    allocated_amount: Decimal
    prepaid_amount: Decimal
    credit_amount: Decimal


@dataclass(frozen=True, slots=True)
class Allocation:
    """The waterfall's answer: (installment id, component, amount) lines and the three totals."""

    lines: tuple[tuple[int, str, Decimal], ...]
    allocated_amount: Decimal
    prepaid_amount: Decimal
    credit_amount: Decimal


def _due_order(state: InstallmentState) -> tuple[dt.date, int]:
    return state.due_on, state.seq


def allocate(
    *,
    amount: Decimal,
    paid_on: dt.date,
    installments: Sequence[InstallmentState],
    order: Sequence[str] = ("penalty", "fee", "interest", "principal"),
    overpayment: str = Overpayment.PREPAY,
) -> Allocation:
    """Split ``amount`` over the open installments (oldest due first); changes nothing.

    >>> due = {"interest": Decimal("10.00"), "principal": Decimal("90.00")}
    >>> first = InstallmentState(id=1, loan_id=1, seq=1, due_on=dt.date(2026, 2, 1), due=due)
    >>> second = InstallmentState(id=2, loan_id=1, seq=2, due_on=dt.date(2026, 3, 1), due=due)
    >>> a = allocate(amount=Decimal("250.00"), paid_on=dt.date(2026, 2, 5),
    ...              installments=[first, second], overpayment="credit")
    >>> a.lines[0], a.allocated_amount, a.credit_amount
    ((1, 'interest', Decimal('10.00')), Decimal('200.00'), Decimal('50.00'))
    """
    ordered = sorted(installments, key=_due_order)
    return _waterfall(amount, paid_on, ordered, order, overpayment)


def _waterfall(
    amount: Decimal,
    paid_on: dt.date,
    installments: Sequence[InstallmentState],
    order: Sequence[str],
    overpayment: str,
) -> Allocation:
    """:func:`allocate` on installments already in due order (the bulk path's own order)."""
    left = amount
    lines: list[tuple[int, str, Decimal]] = []
    allocated = prepaid = ZERO
    seen_future = False
    credit_only = overpayment == _CREDIT
    for state in installments:
        if state.total_outstanding() <= 0:
            continue
        is_current = state.due_on <= paid_on or not seen_future
        seen_future = seen_future or state.due_on > paid_on
        if not is_current and credit_only:
            break
        due, paid, waived = state.due, state.paid, state.waived
        for component in order:
            part = due[component] - paid[component] - waived[component]
            if part <= 0:
                continue
            if part > left:
                part = left
            lines.append((state.id, component, part))
            left -= part
            if is_current:
                allocated += part
            else:
                prepaid += part
            if not left:
                break
        if not left:
            break
    return Allocation(tuple(lines), allocated, prepaid, left)


class _Known(NamedTuple):
    """A payment already posted (or earlier in the batch), to compare a resend with."""

    loan_id: int
    amount: Decimal
    paid_on: dt.date
    id: int = 0
    prepaid_amount: Decimal = ZERO
    credit_amount: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class _LoanTerms:
    id: int
    disbursed_on: dt.date
    order: tuple[str, ...]
    overpayment: str


def _load_loans(session: Session, external_ids: Sequence[str]) -> dict[str, _LoanTerms]:
    rows = select_by_keys(
        session,
        "SELECT loan.external_id, loan.id, loan.disbursed_on, product.allocation_order, "
        "product.overpayment FROM loan JOIN product ON product.id = loan.product_id",
        "loan.external_id",
        sorted(set(external_ids)),
    )
    return {
        external_id: _LoanTerms(
            int(loan_id),
            day if isinstance(day, dt.date) else dt.date.fromisoformat(day),
            tuple(order.split(",")),
            overpayment,
        )
        for external_id, loan_id, day, order, overpayment in rows
    }


def _known_payments(session: Session, external_ids: Sequence[str]) -> dict[str, _Known]:
    rows = select_by_keys(
        session,
        "SELECT external_id, id, loan_id, amount, paid_on, prepaid_amount, credit_amount "
        "FROM payment",
        "external_id",
        sorted(set(external_ids)),
    )
    return {
        row[0]: _Known(
            int(row[2]),
            _money(row[3]),
            row[4] if isinstance(row[4], dt.date) else dt.date.fromisoformat(row[4]),
            int(row[1]),
            _money(row[5]),
            _money(row[6]),
        )
        for row in rows
    }


def _money(value: Any) -> Decimal:
    # SQLite hands back floats for NUMERIC; every stored amount is already whole cents.
    return Decimal(value).quantize(CENT) if isinstance(value, Decimal) else Decimal(f"{value:.2f}")


def _same(payment: PaymentIn, amount: Decimal, loan_id: int, known: _Known) -> None:
    if (known.loan_id, Decimal(known.amount), known.paid_on) != (loan_id, amount, payment.paid_on):
        raise ConflictError(
            f"payment {payment.external_id} was already posted with loan id {known.loan_id}, "
            f"amount {known.amount}, paid_on {known.paid_on}; got loan id {loan_id}, amount "
            f"{amount}, paid_on {payment.paid_on}"
        )


def _validate(
    payments: Sequence[PaymentIn], loans: dict[str, _LoanTerms]
) -> list[tuple[Decimal, _LoanTerms]]:
    checked = []
    for payment in payments:
        record = f"payment {payment.external_id}"
        raw = payment.amount
        # The common case, a positive Decimal, skips parse_amount's text round trip.
        if type(raw) is Decimal and raw.is_finite() and raw >= CENT:
            amount = raw.quantize(CENT, rounding=ROUND_HALF_UP)
        else:
            amount = parse_amount(raw, record=record)
        terms = loans.get(payment.loan_external_id)
        if terms is None:
            raise UnknownRecord(
                f"no loan has external id {payment.loan_external_id!r}",
                record=record,
                field="loan_external_id",
            )
        if payment.paid_on < terms.disbursed_on:
            raise RuleViolation(
                f"paid on {payment.paid_on}, before the loan was disbursed on {terms.disbursed_on}",
                record=record,
                field="paid_on",
            )
        checked.append((amount, terms))
    return checked


def post_payments(
    session: Session, *, payments: Sequence[PaymentIn], actor: str, at: dt.datetime
) -> list[PostResult]:
    """Post payments in bulk, in paid_on order; results come back in the order given."""
    if not payments:
        return []
    session.flush()
    loans = _load_loans(session, [p.loan_external_id for p in payments])
    checked = _validate(payments, loans)
    known = _known_payments(session, [p.external_id for p in payments])
    results: list[PostResult | None] = [None] * len(payments)
    fresh: list[int] = []
    first_in_batch: dict[str, int] = {}
    for index, (payment, (amount, terms)) in enumerate(zip(payments, checked, strict=True)):
        if payment.external_id in known:
            _same(payment, amount, terms.id, known[payment.external_id])
        elif payment.external_id in first_in_batch:
            earlier = first_in_batch[payment.external_id]
            _same(payment, amount, terms.id, _as_known(payments[earlier], checked[earlier]))
        else:
            first_in_batch[payment.external_id] = index
            fresh.append(index)
    fresh.sort(key=lambda i: (payments[i].paid_on, i))
    states = load_states(session, {checked[i][1].id for i in fresh})
    by_id = {s.id: s for loan_states in states.values() for s in loan_states}
    allocations: dict[int, Allocation] = {}
    for index in fresh:
        amount, terms = checked[index]
        # load_states returns each loan's installments in due order already.
        allocation = _waterfall(
            amount, payments[index].paid_on, states[terms.id], terms.order, terms.overpayment
        )
        for installment_id, component, part in allocation.lines:
            by_id[installment_id].paid[component] += part
            by_id[installment_id].changed = True
        allocations[index] = allocation
    ids = _write(session, payments, checked, fresh, allocations)
    write_states(session, by_id.values())
    events = _events(payments, checked, fresh, allocations, ids, actor, at)
    for index, payment in enumerate(payments):
        if index in allocations:
            a = allocations[index]
            results[index] = PostResult(
                payment.external_id,
                ids[index],
                False,
                a.allocated_amount,
                a.prepaid_amount,
                a.credit_amount,
            )
    for index, payment in enumerate(payments):
        if results[index] is None:
            results[index] = _duplicate_result(payment, known, first_in_batch, results, ids)
            events.append(
                audit.AuditEvent(
                    "payment.duplicate_ignored",
                    "payment",
                    str(cast(PostResult, results[index]).payment_id),
                    actor,
                    at,
                    {"external_id": payment.external_id, "amount": checked[index][0]},
                )
            )
    on_by_loan: dict[int, dt.date] = {}
    for index in fresh:
        on_by_loan[checked[index][1].id] = payments[index].paid_on
    events += settle_loans(session, on_by_loan=on_by_loan, actor=actor, at=at, states=states)
    audit.record_many(session, events)
    session.expire_all()
    return [cast(PostResult, result) for result in results]


def _as_known(payment: PaymentIn, checked: tuple[Decimal, _LoanTerms]) -> _Known:
    return _Known(checked[1].id, checked[0], payment.paid_on)


def _duplicate_result(
    payment: PaymentIn,
    known: dict[str, _Known],
    first_in_batch: dict[str, int],
    results: list[PostResult | None],
    ids: dict[int, int],
) -> PostResult:
    if payment.external_id in known:
        row = known[payment.external_id]
        prepaid, credit = Decimal(row.prepaid_amount), Decimal(row.credit_amount)
        allocated = Decimal(row.amount) - prepaid - credit
        return PostResult(payment.external_id, row.id, True, allocated, prepaid, credit)
    first = cast(PostResult, results[first_in_batch[payment.external_id]])
    return PostResult(
        payment.external_id,
        first.payment_id,
        True,
        first.allocated_amount,
        first.prepaid_amount,
        first.credit_amount,
    )


def _write(
    session: Session,
    payments: Sequence[PaymentIn],
    checked: Sequence[tuple[Decimal, _LoanTerms]],
    fresh: Sequence[int],
    allocations: dict[int, Allocation],
) -> dict[int, int]:
    if not fresh:
        return {}
    rows = [
        (
            payments[i].external_id,
            checked[i][1].id,
            checked[i][0],
            payments[i].paid_on,
            payments[i].channel,
            _POSTED,
            allocations[i].prepaid_amount,
            allocations[i].credit_amount,
        )
        for i in fresh
    ]
    new_ids = insert_keyed(session, "payment", PAYMENT_COLUMNS, rows)
    ids = dict(zip(fresh, new_ids, strict=True))
    lines = [
        (ids[i], installment_id, checked[i][1].id, component, part, payments[i].paid_on)
        for i in fresh
        for installment_id, component, part in allocations[i].lines
    ]
    insert_rows(session, "allocation_line", LINE_COLUMNS, lines)
    credits: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for i in fresh:
        if allocations[i].credit_amount:
            credits[checked[i][1].id] += allocations[i].credit_amount
    if credits:
        session.connection().execute(
            update(_LOANS)
            .where(_LOANS.c.id == bindparam("b_id"))
            .values(credit_amount=_LOANS.c.credit_amount + bindparam("b_credit")),
            [{"b_id": loan_id, "b_credit": amount} for loan_id, amount in credits.items()],
        )
    return ids


def _events(
    payments: Sequence[PaymentIn],
    checked: Sequence[tuple[Decimal, _LoanTerms]],
    fresh: Sequence[int],
    allocations: dict[int, Allocation],
    ids: dict[int, int],
    actor: str,
    at: dt.datetime,
) -> list[audit.AuditEvent]:
    return [
        audit.AuditEvent(
            "payment.posted",
            "payment",
            str(ids[i]),
            actor,
            at,
            # Already text: the same canonical JSON, without json's per-value default hook.
            {
                "external_id": payments[i].external_id,
                "loan_id": checked[i][1].id,
                "amount": str(checked[i][0]),
                "paid_on": payments[i].paid_on.isoformat(),
                "allocated": str(allocations[i].allocated_amount),
                "prepaid": str(allocations[i].prepaid_amount),
                "credit": str(allocations[i].credit_amount),
            },
        )
        for i in fresh
    ]


def post_payment(
    session: Session, *, payment: PaymentIn, actor: str, at: dt.datetime
) -> PostResult:
    """Post one payment (see :func:`post_payments`)."""
    return post_payments(session, payments=[payment], actor=actor, at=at)[0]


def reverse_payment(
    session: Session,
    *,
    external_id: str,
    reversed_on: dt.date,
    reason: str,
    actor: str,
    at: dt.datetime,
) -> Payment:
    """Undo a posted payment with negative allocation lines effective ``reversed_on``.

    A payment whose installments were since superseded by a repayment plan cannot be reversed
    here: the plan was sized on it, so the plan must be revisited first.
    """
    record = f"payment {external_id}"
    session.flush()
    payment = session.scalars(select(Payment).where(Payment.external_id == external_id)).first()
    if payment is None:
        raise UnknownRecord(
            f"no payment has external id {external_id!r}", record=record, field="external_id"
        )
    if payment.status == PaymentStatus.REVERSED:
        raise ConflictError(f"{record} was already reversed on {payment.reversed_on}")
    if reversed_on < payment.paid_on:
        raise RuleViolation(
            f"reversed on {reversed_on}, before it was paid on {payment.paid_on}",
            record=record,
            field="reversed_on",
        )
    lines = session.execute(
        select(AllocationLine.installment_id, AllocationLine.component, AllocationLine.amount)
        .where(AllocationLine.payment_id == payment.id)
        .order_by(AllocationLine.id)
    ).all()
    superseded = session.scalar(
        select(Installment.id).where(
            Installment.id.in_({line.installment_id for line in lines}),
            Installment.superseded_on.is_not(None),
        )
    )
    if superseded is not None:
        raise ConflictError(f"{record} paid installment {superseded}, since superseded by a plan")
    loan = session.get(Loan, payment.loan_id)
    assert loan is not None
    if loan.credit_amount < payment.credit_amount:
        raise ConflictError(f"{record}: its credit of {payment.credit_amount} was already used")
    states = load_states(session, [payment.loan_id], open_only=False)[payment.loan_id]
    by_id = {s.id: s for s in states}
    for installment_id, component, amount in lines:
        by_id[installment_id].paid[component] -= Decimal(amount)
        by_id[installment_id].changed = True
    negative = [
        (
            payment.id,
            line.installment_id,
            payment.loan_id,
            line.component,
            -line.amount,
            reversed_on,
        )
        for line in lines
    ]
    insert_rows(session, "allocation_line", LINE_COLUMNS, negative)
    write_states(session, by_id.values())
    loan.credit_amount -= payment.credit_amount
    payment.status = PaymentStatus.REVERSED
    payment.reversed_on = reversed_on
    payment.reversal_reason = reason
    session.flush()
    events = [
        audit.AuditEvent(
            "payment.reversed",
            "payment",
            str(payment.id),
            actor,
            at,
            {
                "external_id": external_id,
                "amount": payment.amount,
                "reversed_on": reversed_on,
                "reason": reason,
            },
        )
    ]
    events += settle_loans(session, on_by_loan={payment.loan_id: reversed_on}, actor=actor, at=at)
    audit.record_many(session, events)
    session.expire_all()
    return payment
