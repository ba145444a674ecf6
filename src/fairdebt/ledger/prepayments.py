"""Prepayment: a full payoff charges interest only to the payoff date; a partial one reschedules.

Paying a loan off on date D costs everything already due on or before D, the principal not
yet due, the *current* period's interest and fee pro rata by days (from the period's start,
the previous due or the day the schedule began, to D; rounded down, never up), and the
product's prepayment fee on the principal repaid early if it has one, but never more of that
fee than the loan's room under its legal cost cap on D (:mod:`fairdebt.ledger.costs`): the fee
is a cost of credit. Interest and fees of later periods are never charged (issue 10: ¥10,000
paid off five days after disbursement was charged all twelve months' interest).

:func:`prepay` is the verb. It supersedes the dues falling after D (the rows are kept, as a
plan keeps them), writes one due on D holding what the prepayment settles, and, for a partial
prepayment, a new schedule of the principal left over the same due dates, as the product says
(``partial_prepayment``): ``lower_instalment`` keeps the number of dues and lowers each,
``shorten_term`` keeps the instalment and drops the last dues. Then it posts the payment
through :func:`~fairdebt.ledger.payments.post_payments`, which pays the due on D exactly (and
closes the loan on a full payoff); one ``loan.prepaid`` audit entry says what was done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import get_or_raise
from fairdebt.errors import ConflictError, RuleViolation
from fairdebt.ledger.costs import penalty_room_cents
from fairdebt.ledger.installments import COMPONENTS, InstallmentState, load_states
from fairdebt.ledger.journal import post_schedule_change
from fairdebt.ledger.payments import PaymentIn, PostResult, post_payments
from fairdebt.ledger.schedules import level_payment
from fairdebt.models import (
    Installment,
    Loan,
    LoanStatus,
    PartialPrepayment,
    Payment,
    Product,
    RepaymentMethod,
    RepaymentPlan,
)
from fairdebt.money import CENT, ZERO, parse_amount

__all__ = ["PayoffQuote", "PrepaymentResult", "payoff_quote", "prepay", "reschedule"]

_FULL, _PARTIAL = "full", "partial"


@dataclass(frozen=True, slots=True)
class PayoffQuote:
    """What paying a loan off on ``on`` costs, by part; ``total_amount`` is their sum."""

    loan: str
    on: dt.date
    overdue_amount: Decimal  # every component of the dues on or before ``on``
    principal_amount: Decimal  # principal not yet due
    interest_amount: Decimal  # the current period's interest to ``on``, pro rata by days
    fee_amount: Decimal  # the current period's fee, likewise
    prepayment_fee_amount: Decimal  # the product's fee, within the cost cap's room
    total_amount: Decimal

    def as_json(self) -> dict[str, str]:
        """The quote as the CLI prints it: amounts as decimal strings."""
        return {
            "loan": self.loan,
            "date": self.on.isoformat(),
            "overdue": str(self.overdue_amount),
            "principal": str(self.principal_amount),
            "interest": str(self.interest_amount),
            "fee": str(self.fee_amount),
            "prepayment_fee": str(self.prepayment_fee_amount),
            "total": str(self.total_amount),
        }


@dataclass(frozen=True, slots=True)
class PrepaymentResult:
    """What :func:`prepay` did: ``kind`` full or partial, the principal repaid early, the
    dues left after it, and the posted payment."""

    kind: str
    mode: str | None
    principal_amount: Decimal
    prepayment_fee_amount: Decimal
    dues_left: int
    payment: PostResult


@dataclass(frozen=True, slots=True)
class _Position:
    """A loan on a date: its product, its dues split at the date, the current period."""

    loan: Loan
    product: Product
    due: list[InstallmentState]  # on or before the date
    ahead: list[InstallmentState]  # after it; ahead[0] is the current period's due
    fraction: Decimal  # share of the current period gone by the date
    monthly_rate: Decimal


def _round_down(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_DOWN)


def _position(session: Session, loan: Loan, on: dt.date) -> _Position:
    record = f"loan {loan.external_id}"
    if loan.status != LoanStatus.ACTIVE:
        raise ConflictError(f"{record} is {loan.status}; only an active loan can be prepaid")
    if on < loan.disbursed_on:
        raise RuleViolation(
            f"the date {on} is before disbursement ({loan.disbursed_on})", record=record, field="on"
        )
    product = session.get(Product, loan.product_id)
    assert product is not None
    states = load_states(session, [loan.id], open_only=False)[loan.id]
    due = [s for s in states if s.due_on <= on]
    ahead = [s for s in states if s.due_on > on]
    fraction = Decimal(1)
    if ahead:
        created_on = session.scalar(
            select(Installment.created_on).where(Installment.id == ahead[0].id)
        )
        start = max([loan.disbursed_on, created_on or loan.disbursed_on, *(s.due_on for s in due)])
        length = (ahead[0].due_on - start).days
        fraction = min(Decimal(max((on - start).days, 0)) / Decimal(max(length, 1)), Decimal(1))
    plan_rate = session.scalar(
        select(RepaymentPlan.annual_rate)
        .where(RepaymentPlan.loan_id == loan.id, RepaymentPlan.starts_on <= on)
        .order_by(RepaymentPlan.starts_on.desc(), RepaymentPlan.id.desc())
    )
    rate = Decimal(loan.annual_rate if plan_rate is None else plan_rate)
    return _Position(loan, product, due, ahead, fraction, rate / 12)


@dataclass(frozen=True, slots=True)
class _Accrued:
    """The current period's interest and fee to the date, net of what was settled ahead, and
    the principal still to fall due (less any credit left over from settling ahead)."""

    interest: Decimal
    fee: Decimal
    principal: Decimal


def _accrued(position: _Position) -> _Accrued:
    if not position.ahead:
        return _Accrued(ZERO, ZERO, ZERO)
    current = position.ahead[0]
    interest = _round_down(current.due["interest"] * position.fraction)
    fee = _round_down(current.due["fee"] * position.fraction)
    # Interest, fee or penalty of later dues already paid or waived counts against the charge.
    settled = sum(
        (s.paid[c] + s.waived[c] for s in position.ahead for c in ("interest", "fee", "penalty")),
        ZERO,
    )
    from_interest = min(settled, interest)
    from_fee = min(settled - from_interest, fee)
    principal = sum((s.outstanding("principal") for s in position.ahead), ZERO)
    left_over = settled - from_interest - from_fee
    return _Accrued(interest - from_interest, fee - from_fee, max(principal - left_over, ZERO))


def _fee_within_cap(session: Session, position: _Position, on: dt.date, fee: Decimal) -> Decimal:
    if fee <= 0:
        return ZERO
    room = penalty_room_cents(session, loan_ids=[position.loan.id], business_date=on)
    return min(fee, Decimal(room.get(position.loan.id, 0)) / 100).quantize(CENT)


def _quote(session: Session, position: _Position, on: dt.date) -> PayoffQuote:
    accrued = _accrued(position)
    rate = Decimal(position.product.prepayment_fee_rate or 0)
    fee = (accrued.principal * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    fee = _fee_within_cap(session, position, on, fee)
    overdue = sum((s.total_outstanding() for s in position.due), ZERO)
    total = overdue + accrued.principal + accrued.interest + accrued.fee + fee
    return PayoffQuote(
        position.loan.external_id,
        on,
        overdue,
        accrued.principal,
        accrued.interest,
        accrued.fee,
        fee,
        total,
    )


def payoff_quote(session: Session, *, loan_external_id: str, on: dt.date) -> PayoffQuote:
    """What paying the loan off on ``on`` costs; changes nothing.

    The loan must be active: a charged-off loan's payments are recoveries, a closed loan owes
    nothing.
    """
    loan = get_or_raise(session, Loan, loan_external_id, what="loan", field="loan")
    return _quote(session, _position(session, loan, on), on)


def reschedule(
    *,
    balance: Decimal,
    monthly_rate: Decimal,
    due_dates: Sequence[dt.date],
    fees: Sequence[Decimal],
    first_share: Decimal,
    method: str,
    mode: str,
    instalment: Decimal,
    first_ceiling: Decimal | None = None,
) -> list[tuple[dt.date, Decimal, Decimal, Decimal]]:
    """The dues (date, principal, interest, fee) of ``balance`` over ``due_dates``.

    The first period has ``first_share`` of its length still to run, so its interest is that
    share of a month's. ``mode`` is the product's ``partial_prepayment``; ``instalment`` is
    what ``shorten_term`` keeps (the level payment of 等额本息, the principal part of 等额本金).
    A bullet loan keeps its one principal due at the end either way. ``first_ceiling`` bounds
    the first period's interest as a share of the balance (what the cost cap allows, below).

    >>> rows = reschedule(balance=Decimal("600.00"), monthly_rate=Decimal("0.01"),
    ...     due_dates=[dt.date(2026, 2, 15), dt.date(2026, 3, 15), dt.date(2026, 4, 15)],
    ...     fees=[ZERO] * 3, first_share=Decimal("0.5"), method="equal_installment",
    ...     mode="shorten_term", instalment=Decimal("408.03"))
    >>> [(str(d), str(p), str(i)) for d, p, i, _ in rows]
    [('2026-02-15', '405.03', '3.00'), ('2026-03-15', '194.97', '1.94')]
    """
    count = len(due_dates)
    shorten = mode == PartialPrepayment.SHORTEN_TERM
    if method == RepaymentMethod.EQUAL_INSTALLMENT:
        payment = instalment if shorten else level_payment(balance, monthly_rate, count)
    elif method == RepaymentMethod.EQUAL_PRINCIPAL:
        payment = instalment if shorten else _round_down(balance / count)
    else:
        payment = ZERO
    rows = []
    left = balance
    for index, (due_on, fee) in enumerate(zip(due_dates, fees, strict=True)):
        share = first_share if index == 0 else Decimal(1)
        # Rounded down, never up: half up can charge more than the rate on a small balance
        # (¥0.92 at 2 % a month is 0.0184, and 0.02 is 26.09 % a year), and a loan at its cap
        # would then run above it (issue 10: a ¥0.08 prepayment on the disbursement day).
        interest = (left * monthly_rate * share).quantize(CENT, rounding=ROUND_DOWN)
        if index == 0 and first_ceiling is not None:
            interest = min(interest, (left * first_ceiling).quantize(CENT, rounding=ROUND_DOWN))
        if method == RepaymentMethod.EQUAL_INSTALLMENT:
            part = min(max(payment - interest, ZERO), left)
        else:
            part = min(payment, left)
        if index == count - 1:
            part = left
        rows.append((due_on, part, interest, fee))
        left -= part
        if left <= 0:
            break
    return rows


def _instalment(position: _Position) -> Decimal:
    """What ``shorten_term`` keeps: the current due's level payment or principal part."""
    current = position.ahead[0]
    if position.loan.repayment_method == RepaymentMethod.EQUAL_INSTALLMENT:
        return current.due["principal"] + current.due["interest"]
    return current.due["principal"]


def _new_dues(
    position: _Position, accrued: _Accrued, prepaid: Decimal
) -> list[tuple[dt.date, Decimal, Decimal, Decimal]]:
    """The schedule of the principal left after ``prepaid``, over the same due dates."""
    balance = accrued.principal - prepaid
    if balance <= 0:
        return []
    current = position.ahead[0]
    fees = [s.due["fee"] for s in position.ahead]
    fees[0] = max(fees[0] - _round_down(current.due["fee"] * position.fraction), ZERO)
    # The cost cap's clock (ledger/costs.py) grows a month simply and compounds at the due: a
    # balance repaid a fraction f into the month may grow by (1 + c)/(1 + c·f) to the due at
    # the cap's monthly rate c, less than simple interest's 1 + c·(1 − f). A loan priced at its
    # cap would otherwise run above it until the next due (24.02 % on ¥1,340.37 prepaid in part
    # 25 days into a 31-day month).
    cap = Decimal(position.loan.cost_cap_rate) / 12
    ceiling = (1 + cap) / (1 + cap * position.fraction) - 1
    return reschedule(
        balance=balance,
        monthly_rate=position.monthly_rate,
        due_dates=[s.due_on for s in position.ahead],
        fees=fees,
        first_share=1 - position.fraction,
        method=position.loan.repayment_method,
        mode=position.product.partial_prepayment,
        instalment=_instalment(position),
        first_ceiling=ceiling,
    )


def _rewrite(
    session: Session,
    position: _Position,
    on: dt.date,
    today: tuple[Decimal, Decimal, Decimal],
    later: list[tuple[dt.date, Decimal, Decimal, Decimal]],
) -> None:
    """Supersede the dues after ``on``; write the due on ``on`` and the new later dues."""
    ids = [s.id for s in position.ahead]
    session.execute(update(Installment).where(Installment.id.in_(ids)).values(superseded_on=on))
    last = max(s.seq for s in position.ahead + position.due)
    rows = [(on, *today), *later]
    session.add_all(
        Installment(
            loan_id=position.loan.id,
            seq=last + index,
            due_on=due_on,
            principal_due=principal,
            interest_due=interest,
            fee_due=fee,
            penalty_due=ZERO,
            created_on=on,
            **{
                f"{c}_{p}": ZERO
                for c in ("principal", "interest", "fee", "penalty")
                for p in ("paid", "waived")
            },
        )
        for index, (due_on, principal, interest, fee) in enumerate(rows, start=1)
    )
    session.flush()
    post_schedule_change(
        session,
        kind="loan.prepaid",
        source_id=position.loan.id,
        loan_id=position.loan.id,
        on=on,
        before={c: sum((s.outstanding(c) for s in position.ahead), ZERO) for c in COMPONENTS},
        after={
            "principal": sum((row[1] for row in rows), ZERO),
            "interest": sum((row[2] for row in rows), ZERO),
            "fee": sum((row[3] for row in rows), ZERO),
        },
        capitalised={},
        # Charges paid ahead on the dues replaced and not charged by the payoff (interest of
        # later periods) become principal repaid: income taken back.
        residual_account="interest_income",
    )


def _split(
    session: Session, position: _Position, quote: PayoffQuote, amount: Decimal
) -> tuple[str, Decimal, Decimal]:
    """Full or partial, the principal repaid early, and the prepayment fee charged."""
    if amount >= quote.total_amount:
        return _FULL, quote.principal_amount, quote.prepayment_fee_amount
    beyond = amount - quote.overdue_amount - quote.interest_amount - quote.fee_amount
    if beyond <= 0:
        raise RuleViolation(
            f"{amount} does not reach beyond what is due by {quote.on} "
            f"({quote.total_amount - quote.principal_amount - quote.prepayment_fee_amount}); "
            "post it as a payment",
            record=f"loan {quote.loan}",
            field="amount",
        )
    rate = Decimal(position.product.prepayment_fee_rate or 0)
    fee = (beyond * rate / (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    fee = _fee_within_cap(session, position, quote.on, fee)
    return _PARTIAL, beyond - fee, fee


def prepay(
    session: Session, *, payment: PaymentIn, actor: str, at: dt.datetime
) -> PrepaymentResult:
    """Post ``payment`` as a prepayment: a full payoff if it covers :func:`payoff_quote`, else
    a partial prepayment that reschedules what is left as the product says.

    Posting the same payment id again posts nothing (``payment.was_duplicate``), as
    :func:`~fairdebt.ledger.payments.post_payments` does.
    """
    record = f"payment {payment.external_id}"
    amount = parse_amount(payment.amount, record=record)
    session.flush()
    if session.scalar(select(Payment.id).where(Payment.external_id == payment.external_id)):
        (posted,) = post_payments(session, payments=[payment], actor=actor, at=at)
        return PrepaymentResult("duplicate", None, ZERO, ZERO, 0, posted)
    loan = get_or_raise(
        session, Loan, payment.loan_external_id, what="loan", record=record, field="loan"
    )
    on = payment.paid_on
    position = _position(session, loan, on)
    if not position.ahead:
        raise RuleViolation(
            f"nothing falls due after {on}; post it as a payment", record=record, field="paid_on"
        )
    quote = _quote(session, position, on)
    kind, principal, fee = _split(session, position, quote, amount)
    accrued = _accrued(position)
    later = [] if kind == _FULL else _new_dues(position, accrued, principal)
    _rewrite(session, position, on, (principal, accrued.interest, accrued.fee + fee), later)
    mode = None if kind == _FULL else position.product.partial_prepayment
    audit.record(
        session,
        action="loan.prepaid",
        entity="loan",
        entity_id=loan.id,
        actor=actor,
        at=at,
        data={
            "kind": kind,
            "mode": mode,
            "on": on,
            "payment": payment.external_id,
            "amount": amount,
            "principal": principal,
            "interest": accrued.interest,
            "fee": accrued.fee,
            "prepayment_fee": fee,
            "dues_left": len(later),
        },
    )
    (posted,) = post_payments(session, payments=[payment], actor=actor, at=at)
    return PrepaymentResult(kind, mode, principal, fee, len(later), posted)
