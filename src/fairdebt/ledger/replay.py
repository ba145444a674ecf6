"""Value dates: a payment dated behind what the ledger has already done replays its loan.

A payment has a value date (``paid_on``: when the borrower paid) and a booking date
(``booked_on``: when the lender learned of it). A payment that settles through a channel a day
or two late is posted with its real value date, after the end of day has already accrued
penalties on the arrears it paid. Allocating it as of today would pay those penalties and leave
the loan delinquent; instead :func:`replay_loans` rebuilds the loan from the value date, as
Fineract reprocesses back-dated transactions:

1. every allocation line and penalty accrual of the loan dated on or after the value date is
   taken off its instalment and deleted, and their journal lines are reversed on their own
   dates (so the books as of any earlier date are unchanged);
2. day by day from the value date, the loan's payments of that day are allocated again in
   posting order, the loan's held credit pays what fell due (a ``credit`` product), and the
   day's penalty is accrued again (within the cost cap), each posting its journal as usual;
3. the loan is closed or reopened as its balance says, and one ``loan.replayed`` audit entry
   records what moved.

The replay does not cross a change that rewrote or forgave the loan after the value date (a
plan, a prepayment, a waiver, a reversal, a credit applied, a charge-off): it refuses, naming
the change, rather than guess how that change would have been made on the replayed balances.
The daily cycle's ``loan_day`` rows from the value date are the caller's to rerun (the CLI
does); :func:`needs_replay` says which loans a batch of payments replays, and from when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Date, bindparam, text
from sqlalchemy.orm import Session

from fairdebt.audit import AuditEvent
from fairdebt.db import driver_types, execute_many, insert_rows, select_by_keys
from fairdebt.errors import ConflictError
from fairdebt.ledger.accruals import accrue_penalties
from fairdebt.ledger.allocation import LINE_COLUMNS, waterfall_cents
from fairdebt.ledger.credits import apply_credits
from fairdebt.ledger.installments import (
    COMPONENTS,
    load_open_dues,
    load_states,
    settle_loans,
    write_paid_cents,
    write_states,
)
from fairdebt.ledger.journal import last_id, post_allocations, post_payments_cash
from fairdebt.models import Overpayment, PaymentStatus
from fairdebt.money import ZERO

__all__ = ["ReplayResult", "needs_replay", "replay_loans"]


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """What a replay did to one loan: from and through which dates, and the penalties before
    and after (the back-dated money paid arrears, not penalties charged after it)."""

    loan_id: int
    from_on: dt.date
    through_on: dt.date
    payments: int
    penalty_before: str
    penalty_after: str


def _as_date(value: object) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def needs_replay(session: Session, value_dates: Mapping[int, dt.date]) -> dict[int, dt.date]:
    """Of these loans (loan id: earliest value date posted now), those whose ledger already
    holds a penalty accrued on or after that date or money applied after it."""
    ids = sorted(value_dates)
    latest: dict[int, tuple[dt.date | None, dt.date | None]] = {}
    for loan_id, accrued in select_by_keys(
        session, "SELECT loan_id, MAX(accrued_on) FROM accrual", "loan_id", ids, group_by="loan_id"
    ):
        latest[int(loan_id)] = (_as_date(accrued), None)
    for loan_id, applied in select_by_keys(
        session,
        "SELECT loan_id, MAX(effective_on) FROM allocation_line",
        "loan_id",
        ids,
        group_by="loan_id",
    ):
        latest[int(loan_id)] = (latest.get(int(loan_id), (None, None))[0], _as_date(applied))
    found = {}
    for loan_id, on in value_dates.items():
        accrued, applied = latest.get(loan_id, (None, None))
        if (accrued is not None and accrued >= on) or (applied is not None and applied > on):
            found[loan_id] = on
    return found


# What the replay would have to cross: (description, SQL returning the earliest such date).
_BLOCKERS = (
    ("a waiver", "SELECT MIN(waived_on) FROM waiver WHERE loan_id = :loan AND waived_on >= :on"),
    (
        "a plan or prepayment",
        "SELECT MIN(superseded_on) FROM installment WHERE loan_id = :loan AND superseded_on >= :on",
    ),
    (
        "a reversal or a credit applied",
        "SELECT MIN(a.effective_on) FROM allocation_line a JOIN payment p ON p.id = a.payment_id "
        "WHERE a.loan_id = :loan AND a.effective_on >= :on "
        "AND (a.amount < 0 OR a.effective_on > p.paid_on)",
    ),
    (
        "its charge-off",
        "SELECT charged_off_on FROM loan WHERE id = :loan AND charged_off_on IS NOT NULL",
    ),
)


def _scalar(session: Session, sql: str, params: dict[str, object]) -> object:
    statement = text(sql)
    if ":on" in sql:
        statement = statement.bindparams(bindparam("on", type_=Date))
    return session.execute(statement, params).scalar()


def _refuse_crossing(session: Session, loan_id: int, on: dt.date, record: str) -> None:
    for what, sql in _BLOCKERS:
        found = _as_date(_scalar(session, sql, {"loan": loan_id, "on": on}))
        if found is not None:
            raise ConflictError(
                f"{record} is dated {on}, before {what} on {found}: the loan cannot be replayed "
                f"across it; post the payment with a value date on or after {found}"
            )


_REVERSE_SQL = (
    "INSERT INTO journal_line (kind, source_id, loan_id, posted_on, account, amount) "
    "SELECT 'loan.replayed', loan_id, loan_id, posted_on, account, ROUND(-SUM(amount), 2) "
    "FROM journal_line WHERE loan_id = ? AND posted_on >= ? "
    "AND kind IN ('payment.posted', 'penalty.accrued', 'loan.replayed') "
    "GROUP BY loan_id, posted_on, account HAVING ROUND(SUM(amount), 2) <> 0"
)


def _undo(session: Session, loan_id: int, on: dt.date) -> list[int]:
    """Take every payment line and accrual dated on or after ``on`` off the loan; returns the
    payments to allocate again, in value-date and posting order."""
    driver = driver_types(session)
    day = driver.day(on)
    params = {"loan": loan_id, "on": on}
    statement = text(
        "SELECT installment_id, component, amount FROM allocation_line "
        "WHERE loan_id = :loan AND effective_on >= :on"
    ).bindparams(bindparam("on", type_=Date))
    lines = session.execute(statement, params).all()
    accruals = session.execute(
        text(
            "SELECT installment_id, component, amount FROM accrual "
            "WHERE loan_id = :loan AND accrued_on >= :on"
        ).bindparams(bindparam("on", type_=Date)),
        params,
    ).all()
    states = {s.id: s for s in load_states(session, [loan_id], open_only=False)[loan_id]}
    for installment_id, component, amount in lines:
        state = states[installment_id]
        state.paid[component] = (state.paid[component] - driver.amount(amount)).quantize(ZERO)
        state.changed = True
    for installment_id, _, amount in accruals:
        state = states[installment_id]
        state.due["penalty"] -= driver.amount(amount)
        state.changed = True
    write_states(session, states.values())
    execute_many(session, _REVERSE_SQL, [(loan_id, day)])
    execute_many(
        session,
        "DELETE FROM allocation_line WHERE loan_id = ? AND effective_on >= ?",
        [(loan_id, day)],
    )
    execute_many(
        session, "DELETE FROM accrual WHERE loan_id = ? AND accrued_on >= ?", [(loan_id, day)]
    )
    payments = session.execute(
        text(
            "SELECT id, credit_amount FROM payment WHERE loan_id = :loan AND paid_on >= :on "
            "AND status = :posted ORDER BY paid_on, id"
        ).bindparams(bindparam("on", type_=Date)),
        {**params, "posted": PaymentStatus.POSTED.value},
    ).all()
    credit = sum((driver.amount(c) for _, c in payments), ZERO)
    execute_many(
        session,
        # Exact on both: integer cents on SQLite, NUMERIC on PostgreSQL.
        "UPDATE loan SET credit_amount = credit_amount - ? WHERE id = ?",
        [(driver.bind_amount(credit), loan_id)],
    )
    return [int(payment_id) for payment_id, _ in payments]


def _allocate_day(session: Session, loan_id: int, on: dt.date, payment_ids: list[int]) -> None:
    """Allocate the loan's payments of one value date again, in posting order."""
    if not payment_ids:
        return
    terms = session.execute(
        text(
            "SELECT p.allocation_order, p.overpayment FROM loan l "
            "JOIN product p ON p.id = l.product_id WHERE l.id = :loan"
        ),
        {"loan": loan_id},
    ).one()
    order = tuple(COMPONENTS.index(c) for c in str(terms[0]).split(","))
    credit_only = terms[1] == Overpayment.CREDIT.value
    driver = driver_types(session)
    dues = load_open_dues(session, [loan_id])[loan_id]
    rows, updates, credit = [], [], 0
    for payment_id in payment_ids:
        amount = driver.amount(
            session.execute(
                text("SELECT amount FROM payment WHERE id = :id"), {"id": payment_id}
            ).scalar_one()
        )
        allocation = waterfall_cents(int(amount * 100), on.isoformat(), dues, order, credit_only)
        rows += [
            (payment_id, installment_id, loan_id, COMPONENTS[c], driver.money(part), driver.day(on))
            for installment_id, c, part in allocation.lines
        ]
        updates.append(
            (driver.money(allocation.prepaid), driver.money(allocation.credit), payment_id)
        )
        credit += allocation.credit
    after_line_id = last_id(session, "allocation_line")
    insert_rows(session, "allocation_line", LINE_COLUMNS, rows)
    write_paid_cents(session, dues)
    execute_many(
        session, "UPDATE payment SET prepaid_amount = ?, credit_amount = ? WHERE id = ?", updates
    )
    if credit:
        execute_many(
            session,
            "UPDATE loan SET credit_amount = credit_amount + ? WHERE id = ?",
            [(driver.money(credit), loan_id)],
        )
    post_allocations(
        session, kind="payment.posted", payment_ids=payment_ids, after_line_id=after_line_id
    )
    post_payments_cash(session, payment_ids=payment_ids)


def _holds_credit(session: Session, loan_id: int) -> bool:
    """Whether the loan's product holds overpayments as credit (applied as dues fall due)."""
    overpayment = session.execute(
        text(
            "SELECT p.overpayment FROM loan l JOIN product p ON p.id = l.product_id "
            "WHERE l.id = :loan"
        ),
        {"loan": loan_id},
    ).scalar_one()
    return bool(overpayment == Overpayment.CREDIT.value)


def _penalty_total(session: Session, loan_id: int) -> str:
    value = session.execute(
        text("SELECT SUM(penalty_due) FROM installment WHERE loan_id = :loan"), {"loan": loan_id}
    ).scalar()
    return str(driver_types(session).amount(value or 0))


def _through(session: Session, loan_id: int, on: dt.date) -> dt.date:
    """The last date the ledger has acted on for the loan (accrual or money applied)."""
    found = [on]
    for sql in (
        "SELECT MAX(accrued_on) FROM accrual WHERE loan_id = :loan",
        "SELECT MAX(effective_on) FROM allocation_line WHERE loan_id = :loan",
    ):
        day = _as_date(session.execute(text(sql), {"loan": loan_id}).scalar())
        if day is not None:
            found.append(day)
    return max(found)


def replay_loans(
    session: Session,
    *,
    from_by_loan: Mapping[int, dt.date],
    records: Mapping[int, str],
    actor: str,
    at: dt.datetime,
) -> tuple[list[ReplayResult], list[AuditEvent]]:
    """Replay each loan from its value date (see the module); returns what was done and the
    ``loan.replayed`` entries (and the accruals' and settlements') for the caller to record.

    ``records`` names, per loan, the back-dated payment for a refusal's message.
    """
    results: list[ReplayResult] = []
    events: list[AuditEvent] = []
    for loan_id, on in sorted(from_by_loan.items()):
        record = records.get(loan_id, f"loan {loan_id}")
        _refuse_crossing(session, loan_id, on, record)
        through = _through(session, loan_id, on)
        before = _penalty_total(session, loan_id)
        payment_ids = _undo(session, loan_id, on)
        by_day: dict[dt.date, list[int]] = {}
        for payment_id in payment_ids:
            paid_on = _as_date(
                session.execute(
                    text("SELECT paid_on FROM payment WHERE id = :id"), {"id": payment_id}
                ).scalar_one()
            )
            assert paid_on is not None
            by_day.setdefault(paid_on, []).append(payment_id)
        holds_credit = _holds_credit(session, loan_id)
        day = on
        while day <= through:
            _allocate_day(session, loan_id, day, by_day.get(day, []))
            if holds_credit:
                apply_credits(session, business_date=day, actor=actor, at=at, loan_ids=[loan_id])
            accrue_penalties(session, business_date=day, actor=actor, at=at, loan_ids=[loan_id])
            day += dt.timedelta(days=1)
        events += settle_loans(session, on_by_loan={loan_id: through}, actor=actor, at=at)
        result = ReplayResult(
            loan_id, on, through, len(payment_ids), before, _penalty_total(session, loan_id)
        )
        results.append(result)
        events.append(
            AuditEvent(
                "loan.replayed",
                "loan",
                str(loan_id),
                actor,
                at,
                {
                    "from_on": on,
                    "through_on": through,
                    "payments": payment_ids,
                    "penalty_before": result.penalty_before,
                    "penalty_after": result.penalty_after,
                    "cause": record,
                },
            )
        )
    session.expire_all()
    return results, events
