"""Payments: posting through the product's waterfall, idempotent on the lender's id.

:func:`post_payments` is the bulk path (hundreds of thousands of payments): one query for the
loans, one for known external ids, one for the open installments (read as integer cents), the
waterfall of :mod:`fairdebt.ledger.allocation` in integer cents (exact; Decimal again at the
edges), and one driver executemany per table. Posting the same external id again posts nothing
and says so (``was_duplicate``, audit ``payment.duplicate_ignored``); the same id with a
different loan, amount or date is a :class:`~fairdebt.errors.ConflictError`. The daily credit
step is :mod:`fairdebt.ledger.credits`, undoing a payment :mod:`fairdebt.ledger.reversal`; a
payment on a charged-off loan is a recovery (:mod:`fairdebt.ledger.recoveries`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, NamedTuple, cast

from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.audit import json_text
from fairdebt.db import driver_types, execute_many, insert_keyed, insert_rows, select_by_keys
from fairdebt.errors import ConflictError, RuleViolation, UnknownRecord
from fairdebt.ledger.allocation import LINE_COLUMNS, CentsAllocation, cents_text, waterfall_cents
from fairdebt.ledger.installments import (
    COMPONENTS,
    decimal_of,
    load_open_dues,
    settle_owed,
    write_paid_cents,
)
from fairdebt.ledger.journal import post_allocations, post_payments_cash
from fairdebt.ledger.recoveries import RecoveryIn, record_recoveries
from fairdebt.ledger.replay import needs_replay, replay_loans
from fairdebt.models import LoanStatus, Overpayment, PaymentStatus
from fairdebt.money import CENT, DEFAULT_MAX_AMOUNT, ZERO, parse_amount

__all__ = ["PaymentIn", "PostResult", "post_payment", "post_payments"]

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
    "booked_on",
)


@dataclass(frozen=True, slots=True)
class PaymentIn:
    external_id: str
    loan_external_id: str
    amount: Decimal
    paid_on: dt.date  # the value date: when the borrower paid
    channel: str | None = None
    booked_on: dt.date | None = None  # when the lender learned of it (None: the value date)


@dataclass(frozen=True, slots=True)
class PostResult:
    external_id: str
    payment_id: int
    was_duplicate: bool
    allocated_amount: Decimal
    prepaid_amount: Decimal
    credit_amount: Decimal
    # On a charged-off loan the whole amount is a recovery (ledger/recoveries.py).
    recovered_amount: Decimal = ZERO
    # A payment dated behind what the ledger had already done replayed its loan from here
    # (ledger/replay.py); the allocation above is then the one before the replay.
    replayed_from: dt.date | None = None


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
    is_charged_off: bool


def _load_loans(session: Session, external_ids: Sequence[str]) -> dict[str, _LoanTerms]:
    rows = select_by_keys(
        session,
        "SELECT loan.external_id, loan.id, loan.disbursed_on, product.allocation_order, "
        "product.overpayment, loan.status "
        "FROM loan JOIN product ON product.id = loan.product_id",
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
            status == LoanStatus.CHARGED_OFF,
        )
        for external_id, loan_id, day, order, overpayment, status in rows
    }


def _known_payments(session: Session, external_ids: Sequence[str]) -> dict[str, _Known]:
    rows = select_by_keys(
        session,
        "SELECT external_id, id, loan_id, amount, paid_on, prepaid_amount, credit_amount "
        "FROM payment",
        "external_id",
        sorted(set(external_ids)),
    )
    amount = driver_types(session).amount
    return {
        row[0]: _Known(
            int(row[2]),
            amount(row[3]),
            row[4] if isinstance(row[4], dt.date) else dt.date.fromisoformat(row[4]),
            int(row[1]),
            amount(row[5]),
            amount(row[6]),
        )
        for row in rows
    }


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
        if (
            type(raw) is Decimal
            and raw.is_finite()
            and CENT <= raw <= DEFAULT_MAX_AMOUNT
            and raw == (amount := raw.quantize(CENT))
        ):
            pass  # whole cents within the bound, as nearly every payment is
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
    recovered = [i for i in fresh if checked[i][1].is_charged_off]
    live = [i for i in fresh if not checked[i][1].is_charged_off]
    # Value dates behind what the ledger already did for the loan: replayed after posting.
    earliest: dict[int, dt.date] = {}
    for i in live:
        loan_id, on = checked[i][1].id, payments[i].paid_on
        earliest[loan_id] = min(on, earliest.get(loan_id, on))
    behind = needs_replay(session, earliest) if earliest else {}
    dues = load_open_dues(session, {checked[i][1].id for i in live})
    # The waterfall in integer cents (exact for whole-cent amounts), Decimal again at the edges.
    allocations = dict.fromkeys(recovered, CentsAllocation([], 0, 0, 0))
    for index in live:
        amount, terms = checked[index]
        allocations[index] = waterfall_cents(
            round(amount * 100),
            payments[index].paid_on.isoformat(),
            dues[terms.id],
            terms.order_index,
            terms.overpayment == _CREDIT,
        )
    ids = _write(session, payments, checked, fresh, allocations)
    posted_ids = [ids[i] for i in live]
    # New payments have no earlier lines: every line of theirs is this batch's.
    post_allocations(session, kind="payment.posted", payment_ids=posted_ids, after_line_id=0)
    post_payments_cash(session, payment_ids=posted_ids)
    write_paid_cents(session, (due for loan_dues in dues.values() for due in loan_dues))
    events = _events(payments, checked, fresh, allocations, ids, actor, at)
    events += _recoveries(session, payments, checked, recovered, ids, actor, at)
    for index in fresh:
        a = allocations[index]
        results[index] = PostResult(
            payments[index].external_id,
            ids[index],
            False,
            decimal_of(a.allocated),
            decimal_of(a.prepaid),
            decimal_of(a.credit),
            checked[index][0] if index in recovered else ZERO,
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
    for index in live:
        on_by_loan[checked[index][1].id] = payments[index].paid_on
    owed_by = {
        loan_id: decimal_of(sum(sum(due.owed) for due in dues.get(loan_id, ())))
        for loan_id in on_by_loan
        if loan_id not in behind
    }
    on_by_loan = {loan_id: on for loan_id, on in on_by_loan.items() if loan_id not in behind}
    events += settle_owed(session, owed_by=owed_by, on_by_loan=on_by_loan, actor=actor, at=at)
    if behind:
        audit.record_many(session, events)
        events = _replay(session, payments, checked, live, behind, results, actor, at)
    audit.record_many(session, events)
    session.expire_all()
    return [cast(PostResult, result) for result in results]


def _replay(
    session: Session,
    payments: Sequence[PaymentIn],
    checked: Sequence[tuple[Decimal, _LoanTerms]],
    live: Sequence[int],
    behind: dict[int, dt.date],
    results: list[PostResult | None],
    actor: str,
    at: dt.datetime,
) -> list[audit.AuditEvent]:
    """Replay the loans whose payments were dated behind the ledger; mark their results."""
    records: dict[int, str] = {}
    for index in live:
        loan_id = checked[index][1].id
        if loan_id in behind and payments[index].paid_on == behind[loan_id]:
            records.setdefault(loan_id, f"payment {payments[index].external_id}")
    _, events = replay_loans(session, from_by_loan=behind, records=records, actor=actor, at=at)
    for index in live:
        loan_id = checked[index][1].id
        result = results[index]
        if loan_id in behind and result is not None and not result.was_duplicate:
            results[index] = replace(result, replayed_from=behind[loan_id])
    return events


def _recoveries(
    session: Session,
    payments: Sequence[PaymentIn],
    checked: Sequence[tuple[Decimal, _LoanTerms]],
    recovered: Sequence[int],
    ids: dict[int, int],
    actor: str,
    at: dt.datetime,
) -> list[audit.AuditEvent]:
    """Record the payments on charged-off loans as recoveries (rare: one row each)."""
    items = [
        RecoveryIn(
            ids[i],
            checked[i][1].id,
            round(checked[i][0] * 100),
            payments[i].paid_on,
            payments[i].external_id,
        )
        for i in recovered
    ]
    return record_recoveries(session, recoveries=items, actor=actor, at=at)


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
    allocations: dict[int, CentsAllocation],
) -> dict[int, int]:
    if not fresh:
        return {}
    driver = driver_types(session)
    money, day = driver.money, driver.day
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
            day(payments[i].booked_on or payments[i].paid_on),
        )
        for i in fresh
    ]
    new_ids = insert_keyed(session, "payment", PAYMENT_COLUMNS, rows)
    ids = dict(zip(fresh, new_ids, strict=True))
    lines: list[tuple[Any, ...]] = []
    for i in fresh:
        payment_id, loan_id, on = ids[i], checked[i][1].id, day(payments[i].paid_on)
        lines += [
            (payment_id, installment_id, loan_id, COMPONENTS[c], money(part), on)
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
    allocations: dict[int, CentsAllocation],
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
            f'{{"allocated":"{cents_text(a.allocated)}","amount":"{checked[i][0]}",'
            f'"credit":"{cents_text(a.credit)}","external_id":{json_text(payments[i].external_id)},'
            f'"loan_id":{checked[i][1].id},"paid_on":"{payments[i].paid_on.isoformat()}",'
            f'"prepaid":"{cents_text(a.prepaid)}"}}'
        )
        events.append(
            audit.AuditEvent(
                "payment.posted", "payment", str(ids[i]), actor, at, audit.EncodedData(text)
            )
        )
    return events


def post_payment(
    session: Session, *, payment: PaymentIn, actor: str, at: dt.datetime
) -> PostResult:
    """Post one payment (see :func:`post_payments`)."""
    return post_payments(session, payments=[payment], actor=actor, at=at)[0]
