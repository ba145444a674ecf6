"""Allocation: the waterfall that splits a payment over a loan's open dues, twice over.

:func:`allocate` is the pure waterfall on Decimal :class:`InstallmentState` objects. Dues are
paid oldest first; within a due, components in the product's order (default penalty, fee,
interest, principal). The *current* dues are those already due on the payment date plus the
next one to fall due (borrowers pay a few days early); money beyond them is an overpayment:
with ``prepay`` it pays the later dues ahead, in due order, and only what exceeds the whole
loan becomes a credit; with ``credit`` it is held as a credit on the loan. So allocated +
prepaid + credit is always exactly the amount paid (docs/decisions/allocation.md).
:func:`waterfall_cents` is the same waterfall in integer cents over :class:`OpenDue` records,
for the bulk paths (posting, credits) where Decimal objects cost more than the database;
tests/ledger/test_allocation.py holds the two equal, line for line, under Hypothesis. A change
to one is a change to both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from fairdebt.ledger.installments import InstallmentState, OpenDue
from fairdebt.models import Overpayment
from fairdebt.money import ZERO

__all__ = [
    "DEFAULT_ORDER",
    "LINE_COLUMNS",
    "Allocation",
    "CentsAllocation",
    "allocate",
    "cents_text",
    "waterfall_cents",
]

DEFAULT_ORDER = ("penalty", "fee", "interest", "principal")
# The columns of an allocation_line row, as the bulk paths write them.
LINE_COLUMNS = ("payment_id", "installment_id", "loan_id", "component", "amount", "effective_on")
_CREDIT = Overpayment.CREDIT.value


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
    order: Sequence[str] = DEFAULT_ORDER,
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
    left = amount
    lines: list[tuple[int, str, Decimal]] = []
    allocated = prepaid = ZERO
    seen_future = False
    credit_only = overpayment == _CREDIT
    for state in ordered:
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


class CentsAllocation(NamedTuple):
    """:class:`Allocation` in cents; lines are (installment id, component index, cents)."""

    lines: list[tuple[int, int, int]]
    allocated: int
    prepaid: int
    credit: int


def waterfall_cents(
    left: int, paid_key: str, dues: Sequence[OpenDue], order: Sequence[int], credit_only: bool
) -> CentsAllocation:
    """:func:`allocate` in integer cents over dues in due order, applying each line to them.

    ``paid_key`` is the payment date as ISO text and ``order`` the component indexes of the
    product's order; the dues' ``owed`` and ``paid`` change in place (``changed`` is set).
    """
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
    return CentsAllocation(lines, allocated, prepaid, left)


def cents_text(cents: int) -> str:
    """Non-negative cents as Decimal would print them with two places, without the Decimal.

    >>> cents_text(5), cents_text(0), cents_text(123456)
    ('0.05', '0.00', '1234.56')
    """
    return f"{cents // 100}.{cents % 100:02d}"
