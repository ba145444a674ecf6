"""Reading the journal: the trial balance, the ledger's invariant, and the journal as a table.

:func:`trial_balance` sums every line posted on or before a date, by account. :func:`check`
holds the general ledger against the instalments, the sub-ledger it summarises: on a date D,
every loan's receivables (principal, interest, fee, penalty) equal its open instalment
components as of D, a charged-off loan has none, and every entry's debits equal its credits.
Without a date the check reads the instalments' cached columns (the state now); with one it
rebuilds them as of D from the dated rows (allocation lines, waivers, accruals) and the
instalments current on D. Sums are exact integer cents on every backend.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy import Date, Engine, bindparam, text
from sqlalchemy.orm import Session

from fairdebt.db import cents_sql, dialect_sql
from fairdebt.ledger.accounts import ACCOUNTS, RECEIVABLES
from fairdebt.models import LoanStatus
from fairdebt.money import decimal_of

__all__ = ["CheckResult", "Difference", "check", "journal_table", "trial_balance"]

_CENTS = cents_sql("amount")
_DATED = "(CAST(:day AS DATE) IS NULL OR posted_on <= :day)"


def _rows(session: Session, sql: str, on: dt.date | None) -> list[Any]:
    statement = text(dialect_sql(session.get_bind().dialect.name, sql))
    if ":day" in sql:
        statement = statement.bindparams(bindparam("day", type_=Date))
    return list(session.execute(statement, {"day": on}).all())


def trial_balance(session: Session, *, on: dt.date) -> dict[str, Any]:
    """Every account's balance on ``on`` (on its normal side), and the day's total debits and
    credits, amounts as decimal strings."""
    rows = _rows(
        session,
        f"SELECT account, SUM(CASE WHEN amount > 0 THEN {_CENTS} ELSE 0 END), "
        f"SUM(CASE WHEN amount < 0 THEN -{_CENTS} ELSE 0 END) "
        f"FROM journal_line WHERE {_DATED} GROUP BY account",
        on,
    )
    by_account = {account: (int(d or 0), int(c or 0)) for account, d, c in rows}
    debits = sum(d for d, _ in by_account.values())
    credits = sum(c for _, c in by_account.values())
    balances: dict[str, str] = {}
    for account in ACCOUNTS:
        debit, credit = by_account.pop(account.name, (0, 0))
        net = debit - credit if account.is_debit_normal else credit - debit
        balances[account.name] = str(decimal_of(net))
    for name, (debit, credit) in sorted(by_account.items()):  # never expected: shown, not hidden
        balances[name] = str(decimal_of(debit - credit))
    return {
        "date": on.isoformat(),
        "debits": str(decimal_of(debits)),
        "credits": str(decimal_of(credits)),
        "accounts": balances,
    }


@dataclass(frozen=True, slots=True)
class Difference:
    """A loan whose receivable of one component differs from its open instalments."""

    loan: str
    component: str
    journal_amount: Decimal
    open_amount: Decimal

    def as_json(self) -> dict[str, str]:
        return {
            "loan": self.loan,
            "component": self.component,
            "journal": str(self.journal_amount),
            "open": str(self.open_amount),
        }


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What :func:`check` found: totals, entries that do not balance, loans that differ."""

    on: dt.date | None
    debits: Decimal
    credits: Decimal
    loans: int
    unbalanced: list[dict[str, str]] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def is_ok(self) -> bool:
        return self.debits == self.credits and not self.unbalanced and not self.differences

    def as_json(self) -> dict[str, Any]:
        return {
            "date": None if self.on is None else self.on.isoformat(),
            "ok": self.is_ok,
            "debits": str(self.debits),
            "credits": str(self.credits),
            "loans_checked": self.loans,
            "unbalanced_entries": self.unbalanced,
            "differing_loans": sorted({d.loan for d in self.differences}),
            "differences": [d.as_json() for d in self.differences[:50]],
        }


_COMPONENTS = tuple(RECEIVABLES)
_OPEN_NOW = (
    "SELECT i.loan_id, "
    + ", ".join(f"SUM({cents_sql(f'i.{c}_due - i.{c}_paid - i.{c}_waived')})" for c in _COMPONENTS)
    + " FROM installment i WHERE i.superseded_on IS NULL GROUP BY i.loan_id"
)
# Installments that were part of the schedule on :day.
_CURRENT_ON = "i.created_on <= :day AND (i.superseded_on IS NULL OR i.superseded_on > :day)"
_OPEN_ON = (
    "SELECT i.loan_id, "
    + ", ".join(f"SUM({cents_sql(f'i.{c}_due - i.{c}_paid - i.{c}_waived')})" for c in _COMPONENTS)
    + f" FROM installment i WHERE {_CURRENT_ON} GROUP BY i.loan_id"
)
# Rows dated after :day on those installments: added back (paid, waived) or taken off (accrued).
_LATER = {
    1: "SELECT i.loan_id, a.component, SUM({cents}) FROM allocation_line a "
    "JOIN installment i ON i.id = a.installment_id "
    "WHERE a.effective_on > :day AND " + _CURRENT_ON + " GROUP BY i.loan_id, a.component",
    2: "SELECT i.loan_id, a.component, SUM({cents}) FROM waiver a "
    "JOIN installment i ON i.id = a.installment_id "
    "WHERE a.waived_on > :day AND " + _CURRENT_ON + " GROUP BY i.loan_id, a.component",
    -1: "SELECT i.loan_id, a.component, SUM({cents}) FROM accrual a "
    "JOIN installment i ON i.id = a.installment_id "
    "WHERE a.accrued_on > :day AND " + _CURRENT_ON + " GROUP BY i.loan_id, a.component",
}


def _open_components(session: Session, on: dt.date | None) -> pd.DataFrame:
    """Open cents by loan and component, now or as of ``on``; zero for loans charged off."""
    rows = _rows(session, _OPEN_NOW if on is None else _OPEN_ON, on)
    frame = pd.DataFrame(rows, columns=["loan_id", *_COMPONENTS]).set_index("loan_id")
    frame = frame.fillna(0).astype("int64")
    if on is not None:
        for sign, sql in _LATER.items():
            later = pd.DataFrame(
                _rows(session, sql.format(cents=cents_sql("a.amount")), on),
                columns=["loan_id", "component", "cents"],
            )
            change = later.pivot_table(
                index="loan_id", columns="component", values="cents", aggfunc="sum", fill_value=0
            ).reindex(index=frame.index, columns=list(_COMPONENTS), fill_value=0)
            frame = frame + (1 if sign > 0 else -1) * change.fillna(0).astype("int64")
    off = _rows(
        session,
        "SELECT id FROM loan WHERE status = :status AND (CAST(:day AS DATE) IS NULL "
        "OR charged_off_on <= :day)".replace(":status", f"'{LoanStatus.CHARGED_OFF.value}'"),
        on,
    )
    written_off = frame.index.intersection([row[0] for row in off])
    frame.loc[written_off, :] = 0
    return frame


def _receivables(session: Session, on: dt.date | None) -> pd.DataFrame:
    accounts = ", ".join(f"'{a}'" for a in RECEIVABLES.values())
    rows = _rows(
        session,
        f"SELECT loan_id, account, SUM({_CENTS}) FROM journal_line "
        f"WHERE account IN ({accounts}) AND {_DATED} GROUP BY loan_id, account",
        on,
    )
    frame = pd.DataFrame(rows, columns=["loan_id", "account", "cents"])
    component_of = {account: component for component, account in RECEIVABLES.items()}
    frame["component"] = frame["account"].map(component_of)
    table = frame.pivot_table(
        index="loan_id", columns="component", values="cents", aggfunc="sum", fill_value=0
    )
    return table.reindex(columns=list(_COMPONENTS), fill_value=0).astype("int64")


def check(session: Session, *, on: dt.date | None = None) -> CheckResult:
    """The ledger's invariant now (``on`` None) or on the date ``on``."""
    totals = _rows(
        session,
        f"SELECT SUM(CASE WHEN amount > 0 THEN {_CENTS} ELSE 0 END), "
        f"SUM(CASE WHEN amount < 0 THEN -{_CENTS} ELSE 0 END) FROM journal_line WHERE {_DATED}",
        on,
    )[0]
    unbalanced = [
        {"kind": kind, "source_id": str(source), "posted_on": str(day), "net": str(decimal_of(c))}
        for kind, source, day, c in _rows(
            session,
            f"SELECT kind, source_id, posted_on, SUM({_CENTS}) FROM journal_line "
            f"WHERE {_DATED} GROUP BY kind, source_id, posted_on HAVING SUM({_CENTS}) <> 0",
            on,
        )[:50]
    ]
    expected = _open_components(session, on)
    found = _receivables(session, on)
    index = expected.index.union(found.index)
    expected = expected.reindex(index, fill_value=0)
    found = found.reindex(index, fill_value=0)
    differing = (expected != found).stack()
    pairs = [(int(loan_id), str(c)) for (loan_id, c), bad in differing.items() if bad]
    names = _loan_names(session, sorted({loan_id for loan_id, _ in pairs}))
    differences = [
        Difference(
            names.get(loan_id, str(loan_id)),
            component,
            decimal_of(int(found.loc[loan_id, component])),
            decimal_of(int(expected.loc[loan_id, component])),
        )
        for loan_id, component in pairs
    ]
    return CheckResult(
        on,
        decimal_of(int(totals[0] or 0)),
        decimal_of(int(totals[1] or 0)),
        len(index),
        unbalanced,
        differences,
    )


def _loan_names(session: Session, loan_ids: list[int]) -> dict[int, str]:
    if not loan_ids:
        return {}
    statement = text("SELECT id, external_id FROM loan WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    return {int(i): str(name) for i, name in session.execute(statement, {"ids": loan_ids[:1000]})}


def journal_table(engine: Engine, start: dt.date | None, end: dt.date | None) -> pa.Table:
    """The journal lines posted from ``start`` to ``end`` (default: all), in posting order,
    with debit and credit columns as exact 2-place decimals and the loan's external id."""
    sql = (
        "SELECT j.id, j.posted_on, j.kind, j.source_id, l.external_id, j.account, "
        f"{cents_sql('j.amount')} FROM journal_line j JOIN loan l ON l.id = j.loan_id "
        "WHERE (CAST(:start AS DATE) IS NULL OR j.posted_on >= :start) "
        "AND (CAST(:end AS DATE) IS NULL OR j.posted_on <= :end) ORDER BY j.id"
    )
    statement = text(dialect_sql(engine.dialect.name, sql)).bindparams(
        bindparam("start", type_=Date), bindparam("end", type_=Date)
    )
    with engine.connect() as connection:
        rows = connection.execute(statement, {"start": start, "end": end}).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    cents = [int(c) for c in columns[6]]
    money = pa.decimal128(18, 2)
    days = [d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in columns[1]]
    return pa.table(
        {
            "id": pa.array([int(i) for i in columns[0]], pa.int64()),
            "posted_on": pa.array(days, pa.date32()),
            "kind": pa.array(list(columns[2]), pa.string()),
            "source_id": pa.array([int(i) for i in columns[3]], pa.int64()),
            "loan": pa.array(list(columns[4]), pa.string()),
            "account": pa.array(list(columns[5]), pa.string()),
            "debit": pa.array([decimal_of(max(c, 0)) for c in cents], money),
            "credit": pa.array([decimal_of(max(-c, 0)) for c in cents], money),
        }
    )
