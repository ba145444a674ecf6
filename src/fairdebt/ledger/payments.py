"""Payments: posting through the product's waterfall, idempotent on the lender's id, and reversal.

:func:`allocate` is the pure waterfall. Dues are paid oldest first; within a due, components in
the product's order (default penalty, fee, interest, principal). The *current* dues are those
already due on the payment date plus the next one to fall due (borrowers pay a few days early);
money beyond them is an overpayment: with ``prepay`` it pays the later dues ahead, in due order
(no interest is recalculated: an early payoff with interest relief is an explicit waive or
restructure), and only what exceeds the whole loan becomes a credit; with ``credit`` it is held
as a credit on the loan. So allocated + prepaid + credit is always exactly the amount paid.

:func:`post_payments` is the bulk path (hundreds of thousands of payments): one query for the
loans, one for known external ids, one for the open installments (read as integer cents), the
same waterfall in integer cents (exact; Decimal again at the edges), and one driver
executemany per table. Posting the same external id again posts nothing and
says so (``was_duplicate``, audit ``payment.duplicate_ignored``); the same id with a different
loan, amount or date is a :class:`~fairdebt.errors.ConflictError`. :func:`apply_credits` is the
daily step that pays dues falling due from the credit a ``credit`` product held back.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.audit import json_text
from fairdebt.db import execute_many, insert_keyed, insert_rows, select_by_keys
from fairdebt.errors import ConflictError, RuleViolation, UnknownRecord
from fairdebt.ledger.installments import (
    COMPONENTS,
    InstallmentState,
    OpenDue,
    decimal_of,
    load_open_dues,
    load_states,
    settle_loans,
    settle_owed,
    write_paid_cents,
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
    "apply_credits",
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
    order_index: tuple[int, ...]


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
            tuple(COMPONENTS.index(c) for c in order.split(",")),
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
    dues = load_open_dues(session, {checked[i][1].id for i in fresh})
    # The waterfall in integer cents (exact for whole-cent amounts), Decimal again at the edges.
    allocations: dict[int, _CentsAllocation] = {}
    for index in fresh:
        amount, terms = checked[index]
        allocations[index] = _waterfall_cents(
            round(amount * 100),
            payments[index].paid_on.isoformat(),
            dues[terms.id],
            terms.order_index,
            terms.overpayment == _CREDIT,
        )
    ids = _write(session, payments, checked, fresh, allocations)
    write_paid_cents(session, (due for loan_dues in dues.values() for due in loan_dues))
    events = _events(payments, checked, fresh, allocations, ids, actor, at)
    for index in fresh:
        a = allocations[index]
        results[index] = PostResult(
            payments[index].external_id,
            ids[index],
            False,
            decimal_of(a.allocated),
            decimal_of(a.prepaid),
            decimal_of(a.credit),
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
    owed_by = {
        loan_id: decimal_of(sum(sum(due.owed) for due in dues.get(loan_id, ())))
        for loan_id in on_by_loan
    }
    events += settle_owed(session, owed_by=owed_by, on_by_loan=on_by_loan, actor=actor, at=at)
    audit.record_many(session, events)
    session.expire_all()
    return [cast(PostResult, result) for result in results]


class _CentsAllocation(NamedTuple):
    """:class:`Allocation` in cents; lines are (installment id, component index, cents)."""

    lines: list[tuple[int, int, int]]
    allocated: int
    prepaid: int
    credit: int


def _waterfall_cents(
    left: int, paid_key: str, dues: Sequence[OpenDue], order: Sequence[int], credit_only: bool
) -> _CentsAllocation:
    """:func:`allocate` in integer cents over dues in due order, applying each line to them."""
    lines: list[tuple[int, int, int]] = []
    allocated = prepaid = 0
    seen_future = False
    for due in dues:
        owed = due.owed
        if owed[0] + owed[1] + owed[2] + owed[3] <= 0:
            continue
        is_current = due.due_key <= paid_key or not seen_future
        seen_future = seen_future or due.due_key > paid_key
        if not is_current and credit_only:
            break
        paid = due.paid
        for c in order:
            part = owed[c]
            if part <= 0:
                continue
            if part > left:
                part = left
            lines.append((due.id, c, part))
            owed[c] -= part
            paid[c] += part
            due.changed = True
            left -= part
            if is_current:
                allocated += part
            else:
                prepaid += part
            if not left:
                break
        if not left:
            break
    return _CentsAllocation(lines, allocated, prepaid, left)


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
    allocations: dict[int, _CentsAllocation],
) -> dict[int, int]:
    if not fresh:
        return {}
    is_sqlite = session.connection().dialect.name == "sqlite"
    # The driver's own parameter types: what SQLAlchemy would bind (float and ISO text on
    # SQLite), without a Python adapter call per value.
    money: Any = (lambda c: c / 100) if is_sqlite else decimal_of
    day: Any = dt.date.isoformat if is_sqlite else (lambda d: d)
    rows = [
        (
            payments[i].external_id,
            checked[i][1].id,
            money(round(checked[i][0] * 100)),
            day(payments[i].paid_on),
            payments[i].channel,
            _POSTED,
            money(allocations[i].prepaid),
            money(allocations[i].credit),
        )
        for i in fresh
    ]
    new_ids = insert_keyed(session, "payment", PAYMENT_COLUMNS, rows)
    ids = dict(zip(fresh, new_ids, strict=True))
    lines: list[tuple[Any, ...]] = []
    for i in fresh:
        payment_id, loan_id, on = ids[i], checked[i][1].id, day(payments[i].paid_on)
        if is_sqlite:
            lines += [
                (payment_id, installment_id, loan_id, COMPONENTS[c], part / 100, on)
                for installment_id, c, part in allocations[i].lines
            ]
        else:
            lines += [
                (payment_id, installment_id, loan_id, COMPONENTS[c], decimal_of(part), on)
                for installment_id, c, part in allocations[i].lines
            ]
    insert_rows(session, "allocation_line", LINE_COLUMNS, lines)
    credits: dict[int, int] = defaultdict(int)
    for i in fresh:
        if allocations[i].credit:
            credits[checked[i][1].id] += allocations[i].credit
    execute_many(
        session,
        "UPDATE loan SET credit_amount = credit_amount + ? WHERE id = ?",
        [(money(cents), loan_id) for loan_id, cents in credits.items()],
    )
    return ids


def _events(
    payments: Sequence[PaymentIn],
    checked: Sequence[tuple[Decimal, _LoanTerms]],
    fresh: Sequence[int],
    allocations: dict[int, _CentsAllocation],
    ids: dict[int, int],
    actor: str,
    at: dt.datetime,
) -> list[audit.AuditEvent]:
    events = []
    for i in fresh:
        a = allocations[i]
        # The canonical JSON of the entry (sorted keys, no spaces) written directly: this runs
        # once per payment; tests/ledger/test_payments.py checks it against canonical_json.
        text = (
            f'{{"allocated":"{_text(a.allocated)}","amount":"{checked[i][0]}",'
            f'"credit":"{_text(a.credit)}","external_id":{json_text(payments[i].external_id)},'
            f'"loan_id":{checked[i][1].id},"paid_on":"{payments[i].paid_on.isoformat()}",'
            f'"prepaid":"{_text(a.prepaid)}"}}'
        )
        events.append(
            audit.AuditEvent(
                "payment.posted", "payment", str(ids[i]), actor, at, audit.EncodedData(text)
            )
        )
    return events


def _text(cents: int) -> str:
    """Non-negative cents as Decimal would print them with two places, without the Decimal.

    >>> _text(5), _text(0), _text(123456)
    ('0.05', '0.00', '1234.56')
    """
    return f"{cents // 100}.{cents % 100:02d}"


_CREDIT_LOANS_SQL = (
    "SELECT loan.id, CAST(ROUND(loan.credit_amount * 100) AS BIGINT), product.allocation_order "
    "FROM loan JOIN product ON product.id = loan.product_id "
    "WHERE loan.status = 'active' AND loan.credit_amount > 0"
)
# What each posted payment still holds as credit: its credit less the lines that applied it
# (lines effective after the payment date with a positive amount; reversals are negative).
_CREDIT_SOURCES_SQL = (
    "SELECT p.loan_id, p.id, CAST(ROUND(p.credit_amount * 100) AS BIGINT) - COALESCE(("
    "SELECT CAST(ROUND(SUM(a.amount) * 100) AS BIGINT) FROM allocation_line a "
    "WHERE a.payment_id = p.id AND a.effective_on > p.paid_on AND a.amount > 0), 0) "
    "FROM payment p"
)


def apply_credits(session: Session, *, business_date: dt.date, actor: str, at: dt.datetime) -> int:
    """Apply every active loan's credit to its dues that have fallen due by ``business_date``.

    The daily step for products whose overpayment is held as a credit: dues on or before the
    business date are paid oldest first, in the product's allocation order, with allocation
    lines effective that date that belong to the payments which brought the credit (oldest
    credit first), so a payment's story stays in its own lines. One ``credit.applied`` audit
    entry per loan. Returns the number of loans whose credit paid something.
    """
    session.flush()
    connection = session.connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(_CREDIT_LOANS_SQL)
        loans = {int(i): (int(c), order) for i, c, order in cursor.fetchall()}
    finally:
        cursor.close()
    if not loans:
        return 0
    day_key = business_date.isoformat()
    dues = load_open_dues(session, loans)
    sources: dict[int, list[list[int]]] = defaultdict(list)
    rows = select_by_keys(
        session,
        _CREDIT_SOURCES_SQL,
        "p.loan_id",
        sorted(loans),
        where=f"p.status = '{_POSTED}' AND p.credit_amount > 0",
        order_by="p.loan_id, p.paid_on, p.id",
    )
    for loan_id, payment_id, left in rows:
        if left > 0:
            sources[int(loan_id)].append([int(payment_id), int(left)])
    lines: list[tuple[int, int, int, int, int]] = []  # payment, installment, loan, c, cents
    used: dict[int, int] = {}
    for loan_id, (credit, order) in loans.items():
        fallen = [due for due in dues[loan_id] if due.due_key <= day_key]
        if not fallen:
            continue
        order_index = tuple(COMPONENTS.index(c) for c in order.split(","))
        allocation = _waterfall_cents(credit, day_key, fallen, order_index, True)
        if allocation.allocated:
            used[loan_id] = allocation.allocated
            lines += _attribute(loan_id, allocation.lines, sources[loan_id])
    if not used:
        return 0
    is_sqlite = connection.dialect.name == "sqlite"
    money: Any = (lambda c: c / 100) if is_sqlite else decimal_of
    on: Any = day_key if is_sqlite else business_date
    insert_rows(
        session,
        "allocation_line",
        LINE_COLUMNS,
        [(p, i, loan, COMPONENTS[c], money(cents), on) for p, i, loan, c, cents in lines],
    )
    write_paid_cents(session, (due for loan_dues in dues.values() for due in loan_dues))
    execute_many(
        session,
        "UPDATE loan SET credit_amount = credit_amount - ? WHERE id = ?",
        [(money(cents), loan_id) for loan_id, cents in used.items()],
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
                "amount": _text(cents),
                "left": _text(loans[loan_id][0] - cents),
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
) -> list[tuple[int, int, int, int, int]]:
    """Split credit lines over the payments that hold the credit, oldest first."""
    out: list[tuple[int, int, int, int, int]] = []
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
    applied = session.scalar(
        select(AllocationLine.id).where(
            AllocationLine.payment_id == payment.id,
            AllocationLine.effective_on > payment.paid_on,
            AllocationLine.amount > 0,
        )
    )
    # A credit already applied by apply_credits (its lines are dated after the payment) or
    # drawn down below this payment's share cannot be taken back here.
    if loan.credit_amount < payment.credit_amount or applied is not None:
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
