"""The journal: every money verb posts balanced lines in the transaction of its change.

The verbs call these functions right after they write their own rows. Batch verbs
(disbursement, payment posting, credits, penalty accrual, charge-off) post with set-based
``INSERT ... SELECT`` statements over the rows they have just written (allocation lines,
accruals, installments), joined to the verb's posting rules of :mod:`fairdebt.ledger.accounts`
as a small table: one statement per chunk of 50 000 keys, no Python loop per loan or payment.
Single-loan verbs (a waiver, a restructure, a prepayment, a reversal, a recovery) compute their
few lines in Python. Lines are written only here; :mod:`fairdebt.ledger.balances` reads them.

An entry is the lines of one ``kind`` (the verb's audit action), ``source_id`` and
``posted_on``; amounts are signed (positive debit), so every entry sums to zero. A loan that is
charged off has no receivables: a waiver or a plan on it changes its instalments but posts
nothing, and a payment reversed after charge-off is a further loss (``write_off``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from fairdebt.db import KEYS, driver_types, execute_for_keys, execute_many, insert_rows
from fairdebt.ledger.accounts import (
    ALLOCATION_RULES,
    CHARGE_OFF_RULES,
    CREDIT_RULES,
    DISBURSEMENT_RULES,
    PENALTY_RULES,
    RECEIVABLES,
    REVERSAL_AFTER_CHARGE_OFF_RULES,
    WAIVER_RULES,
    Rule,
)
from fairdebt.money import ZERO

__all__ = [
    "JOURNAL_COLUMNS",
    "JournalRow",
    "last_id",
    "post_allocations",
    "post_charge_offs",
    "post_disbursements",
    "post_lines",
    "post_payments_cash",
    "post_penalties",
    "post_schedule_change",
    "post_waivers",
]

# kind, source id, loan id, posted on, account, signed amount
JournalRow = tuple[str, int, int, dt.date, str, Decimal]
JOURNAL_COLUMNS = ("kind", "source_id", "loan_id", "posted_on", "account", "amount")
_INSERT = f"INSERT INTO journal_line ({', '.join(JOURNAL_COLUMNS)}) "


def _rules_sql(rules: Sequence[Rule]) -> str:
    """The rules as an inline table ``(component, account, sign)`` for a join."""
    rows = " UNION ALL ".join(
        f"SELECT '{component}' AS component, '{account}' AS account, {sign} AS sign"
        for component, account, sign in rules
    )
    return f"({rows})"


def _component_case(template: str) -> str:
    """SQL picking the column of the rule's component, e.g. ``s.{c}``."""
    whens = " ".join(f"WHEN '{c}' THEN {template.format(c=c)}" for c in RECEIVABLES)
    return f"CASE m.component {whens} END"


def _by_loan_sql(kind: str, rules: Sequence[Rule], amount: str, where: str, day: str) -> str:
    """Lines of each loan from the sums of its instalments' ``amount`` (a template over
    ``{c}``), summed once per loan and then spread over the rules: the instalments are read
    once, not once per rule."""
    sums = ", ".join(f"SUM({amount.format(c=c)}) AS {c}" for c in RECEIVABLES)
    value = _component_case("s.{c}")
    return (
        _INSERT + f"SELECT '{kind}', s.loan_id, s.loan_id, s.day, m.account, "
        f"ROUND(m.sign * {value}, 2) "
        f"FROM (SELECT i.loan_id, {day} AS day, {sums} FROM installment i WHERE {where} "
        f"GROUP BY i.loan_id) s CROSS JOIN {_rules_sql(rules)} m "
        f"WHERE ROUND({value}, 2) <> 0"
    )


def last_id(session: Session, table: str) -> int:
    """The highest id in ``table`` (0 when empty): rows a verb writes next come after it."""
    session.flush()
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        row = cursor.fetchone()
    finally:
        cursor.close()
    return int(row[0]) if row and row[0] is not None else 0


def post_lines(session: Session, lines: Sequence[JournalRow], *, is_entry: bool = True) -> None:
    """Write journal lines computed in Python (single-loan verbs), leaving out zero lines.

    ``is_entry`` says the lines are a whole entry (so they must sum to zero); a reversal's
    cash lines complete the lines :func:`post_allocations` wrote.
    """
    rows = [line for line in lines if line[5] != 0]
    if rows:
        if is_entry and sum((line[5] for line in rows), ZERO) != 0:
            raise AssertionError(f"unbalanced journal entry {rows}")
        driver = driver_types(session)
        insert_rows(
            session,
            "journal_line",
            JOURNAL_COLUMNS,
            [
                (*line[:3], driver.day(line[3]), line[4], driver.bind_amount(line[5]))
                for line in rows
            ],
        )


_DISBURSED_SQL = _by_loan_sql(
    "loan.disbursed", DISBURSEMENT_RULES, "i.{c}_due", "{keys}", "MIN(i.created_on)"
)


def post_disbursements(session: Session, *, loan_ids: Sequence[int]) -> None:
    """Loans just booked: each schedule's principal, interest and fee become receivable."""
    execute_for_keys(session, _DISBURSED_SQL, "i.loan_id", loan_ids, (KEYS,))


def _allocation_sql(kind: str, rules: Sequence[Rule]) -> str:
    return (
        _INSERT + f"SELECT '{kind}', a.payment_id, a.loan_id, a.effective_on, m.account, "
        "ROUND(SUM(m.sign * a.amount), 2) "
        f"FROM allocation_line a JOIN {_rules_sql(rules)} m ON m.component = a.component "
        # "+a.id": never a range scan of the whole table by id; the payments' index finds
        # their lines (a small batch on a large book read every line otherwise).
        "WHERE +a.id > ? AND {keys} "
        "GROUP BY a.payment_id, a.loan_id, a.effective_on, m.account"
    )


_ALLOCATION_SQL = {
    ("payment.posted", "payment"): _allocation_sql("payment.posted", ALLOCATION_RULES),
    ("credit.applied", "credit"): _allocation_sql("credit.applied", CREDIT_RULES),
    ("payment.reversed", "payment"): _allocation_sql("payment.reversed", ALLOCATION_RULES),
    ("payment.reversed", "charged_off"): _allocation_sql(
        "payment.reversed", REVERSAL_AFTER_CHARGE_OFF_RULES
    ),
}


def post_allocations(
    session: Session,
    *,
    kind: str,
    payment_ids: Sequence[int],
    after_line_id: int,
    funded_by: str = "payment",
) -> None:
    """The allocation lines written after ``after_line_id`` for these payments, by component.

    ``funded_by`` says where the money came from: ``payment`` (its cash line is
    :func:`post_payments_cash`'s or the reversal's own), ``credit`` (the loan's unapplied
    credit, debited here) or ``charged_off`` (a reversal after charge-off: a further loss).
    """
    sql = _ALLOCATION_SQL[(kind, funded_by)]
    execute_for_keys(session, sql, "a.payment_id", sorted(set(payment_ids)), (after_line_id, KEYS))


_CASH_SQL = (
    _INSERT + "SELECT 'payment.posted', p.id, p.loan_id, p.paid_on, 'cash', p.amount "
    "FROM payment p WHERE {keys} "
    "UNION ALL SELECT 'payment.posted', p.id, p.loan_id, p.paid_on, 'unapplied_credit', "
    "-p.credit_amount FROM payment p WHERE {keys} AND p.credit_amount > 0"
)


def post_payments_cash(session: Session, *, payment_ids: Sequence[int]) -> None:
    """Each payment's cash received, and the part of it held as the loan's credit."""
    execute_for_keys(session, _CASH_SQL, "p.id", sorted(payment_ids), (KEYS, KEYS))


_PENALTY_SQL = (
    _INSERT + "SELECT 'penalty.accrued', a.loan_id, a.loan_id, a.accrued_on, m.account, "
    "ROUND(SUM(m.sign * a.amount), 2) "
    f"FROM accrual a JOIN {_rules_sql(PENALTY_RULES)} m ON m.component = a.component "
    "WHERE a.id > ? AND a.accrued_on = ? GROUP BY a.loan_id, a.accrued_on, m.account"
)


def post_penalties(session: Session, *, business_date: dt.date, after_accrual_id: int) -> None:
    """The day's penalty accruals written after ``after_accrual_id``: receivable and income."""
    execute_many(
        session, _PENALTY_SQL, [(after_accrual_id, driver_types(session).day(business_date))]
    )


_WAIVER_SQL = (
    _INSERT + "SELECT 'charge.waived', w.loan_id, w.loan_id, w.waived_on, m.account, "
    "ROUND(SUM(m.sign * w.amount), 2) "
    f"FROM waiver w JOIN {_rules_sql(WAIVER_RULES)} m ON m.component = w.component "
    "WHERE {keys} GROUP BY w.loan_id, w.waived_on, m.account"
)


def post_waivers(session: Session, *, waiver_ids: Sequence[int]) -> None:
    """Waiver rows just written (of loans not charged off): what each forgave."""
    execute_for_keys(session, _WAIVER_SQL, "w.id", sorted(waiver_ids), (KEYS,))


_CHARGE_OFF_SQL = _by_loan_sql(
    "loan.charged_off",
    CHARGE_OFF_RULES,
    "i.{c}_due - i.{c}_paid - i.{c}_waived",
    "i.superseded_on IS NULL AND {keys}",
    "?",
)


def post_charge_offs(session: Session, *, loan_ids: Sequence[int], business_date: dt.date) -> None:
    """Loans just charged off: every open component leaves the receivables."""
    day = driver_types(session).day(business_date)
    execute_for_keys(session, _CHARGE_OFF_SQL, "i.loan_id", sorted(loan_ids), (day, KEYS))


def post_schedule_change(
    session: Session,
    *,
    kind: str,
    source_id: int,
    loan_id: int,
    on: dt.date,
    before: Mapping[str, Decimal],
    after: Mapping[str, Decimal],
    capitalised: Mapping[str, Decimal],
    residual_account: str,
) -> None:
    """A schedule rewritten (a plan, a prepayment): the change in each open component.

    ``before`` and ``after`` are the open amounts by component of the rows replaced and of the
    rows written. Interest and fee move with their unearned account. What the principal gains
    from capitalised interest and fee (``capitalised``) is income, as if paid by new principal;
    a penalty capitalised moves from one receivable to the other; whatever is left
    (``residual_account``) is what the rewrite forgave (a penalty dropped) or turned into
    principal (charges paid ahead that a payoff does not charge).
    """
    delta = {c: after.get(c, ZERO) - before.get(c, ZERO) for c in RECEIVABLES}
    income = {
        "interest_income": -capitalised.get("interest", ZERO),
        "fee_income": -capitalised.get("fee", ZERO),
    }
    residual = delta["principal"] + delta["penalty"] + sum(income.values(), ZERO)
    amounts = {
        "principal_receivable": delta["principal"],
        "penalty_receivable": delta["penalty"],
        "interest_receivable": delta["interest"],
        "unearned_interest": -delta["interest"],
        "fee_receivable": delta["fee"],
        "unearned_fee": -delta["fee"],
    }
    lines = [(kind, source_id, loan_id, on, account, amount) for account, amount in amounts.items()]
    lines += [(kind, source_id, loan_id, on, account, amount) for account, amount in income.items()]
    lines.append((kind, source_id, loan_id, on, residual_account, -residual))
    merged: dict[str, Decimal] = {}
    for *_, account, amount in lines:
        merged[account] = merged.get(account, ZERO) + amount
    post_lines(
        session,
        [(kind, source_id, loan_id, on, account, amount) for account, amount in merged.items()],
    )
