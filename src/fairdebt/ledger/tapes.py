"""Loan tapes: a lender's products, borrowers, loans, schedules and payments from CSV or Parquet.

Loading is all or nothing: :func:`check_tape` reads every file, checks every row on its own
(types, amounts, dates, time zones) and against the rest of the tape and the ledger (unknown
borrower, loan or product; payment before disbursement; a schedule that does not sum to the
principal; an id twice in a file), and returns every problem as a :class:`RowProblem` naming
file, line and field. Only a tape with no problem is written, by :func:`load_tape`, in the
caller's one transaction through the ledger verbs, so nothing is ever half loaded
(docs/decisions/loan-tapes.md). Line numbers are the CSV's own (the header is line 1); for
Parquet they are row numbers from 1.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import InputError
from fairdebt.ledger.borrowers import BorrowerIn, ContactIn, is_known_zone, register_borrowers
from fairdebt.ledger.installments import chunked
from fairdebt.ledger.loans import LoanIn, disburse_many
from fairdebt.ledger.payments import PaymentIn, PostResult, post_payments
from fairdebt.ledger.products import create_product
from fairdebt.ledger.schedules import ScheduleLine
from fairdebt.models import Borrower, Loan, Product
from fairdebt.money import ZERO, parse_amount

__all__ = ["KINDS", "LoadSummary", "RowProblem", "Tape", "check_tape", "load_tape", "read_rows"]

KINDS = ("products", "borrowers", "loans", "schedules", "payments")
REQUIRED: dict[str, tuple[str, ...]] = {
    "products": (
        "code",
        "name",
        "repayment_method",
        "annual_rate",
        "penalty_daily_rate",
        "cost_cap_kind",
        "cost_cap_rate",
    ),
    "borrowers": ("external_id", "name", "timezone"),
    "loans": (
        "external_id",
        "borrower_external_id",
        "product_code",
        "principal_amount",
        "term_months",
        "disbursed_on",
    ),
    "schedules": ("loan_external_id", "seq", "due_on", "principal_due", "interest_due"),
    "payments": ("external_id", "loan_external_id", "amount", "paid_on"),
}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad value: where it is (file, line, field) and what was wrong with it."""

    file: str
    line: int
    field: str
    message: str


@dataclass(slots=True)
class Row:
    file: str
    line: int
    values: dict[str, str]


@dataclass(slots=True)
class Tape:
    """A checked tape, ready for :func:`load_tape`."""

    products: list[dict[str, Any]] = field(default_factory=list)
    borrowers: list[BorrowerIn] = field(default_factory=list)
    loans: list[tuple[LoanIn, str]] = field(default_factory=list)  # borrower external id
    schedules: dict[str, list[ScheduleLine]] = field(default_factory=dict)
    payments: list[PaymentIn] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LoadSummary:
    products: int
    borrowers: int
    loans: int
    payments: int
    duplicate_payments: int


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_rows(path: Path) -> list[Row]:
    """Every row of a CSV or Parquet file as text, with the number a person sees in the file."""
    if path.suffix.lower() in {".parquet", ".pq"}:
        frame = pd.read_parquet(path)
        first = 1
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        first = 2
    columns = [str(c).strip() for c in frame.columns]
    return [
        Row(path.name, first + index, {c: _text(v) for c, v in zip(columns, values, strict=True)})
        for index, values in enumerate(frame.itertuples(index=False, name=None))
    ]


class _Checker:
    """Collects problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[RowProblem] = []

    def fail(self, row: Row, field_name: str, message: str) -> None:
        self.problems.append(RowProblem(row.file, row.line, field_name, message))

    def guard(self, row: Row, field_name: str, parse: Callable[[str], Any]) -> Any:
        raw = row.values.get(field_name, "")
        try:
            return parse(raw)
        except InputError as error:
            self.fail(row, field_name, error.message)
        except (ValueError, InvalidOperation):
            self.fail(row, field_name, f"cannot read {raw!r}")
        return None

    def columns(self, rows: Sequence[Row], kind: str, file: str) -> bool:
        if not rows:
            return True
        missing = [c for c in REQUIRED[kind] if c not in rows[0].values]
        if missing:
            self.problems.append(RowProblem(file, 1, ", ".join(missing), "missing column(s)"))
        return not missing

    def unique(self, rows: Sequence[Row], key: str) -> None:
        seen: dict[str, int] = {}
        for row in rows:
            value = row.values.get(key, "")
            if value in seen:
                self.fail(row, key, f"{value!r} already appears on line {seen[value]}")
            else:
                seen[value] = row.line


def _date(raw: str) -> dt.date:
    if not raw:
        raise InputError("is required")
    return dt.date.fromisoformat(raw[:10])


def _int(raw: str) -> int:
    if not raw:
        raise InputError("is required")
    value = Decimal(raw)
    if not value.is_finite() or value != value.to_integral_value():
        raise InputError(f"must be a whole number (got {raw!r})")
    return int(value)


def _rate(raw: str) -> Decimal:
    value = Decimal(raw)
    if not value.is_finite() or value < 0:
        raise InputError(f"must be a non-negative rate (got {raw!r})")
    return value


def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda raw: parse(raw) if raw else None


def _required(raw: str) -> str:
    if not raw:
        raise InputError("is required")
    return raw


def _money(raw: str) -> Decimal:
    return parse_amount(raw, record="", field="")


def _money_or_zero(raw: str) -> Decimal:
    return parse_amount(raw or "0", record="", field="", allow_zero=True)


def _check_products(check: _Checker, rows: Sequence[Row], tape: Tape) -> None:
    check.unique(rows, "code")
    for row in rows:
        v = row.values
        parsed = {
            "code": check.guard(row, "code", _required),
            "name": check.guard(row, "name", _required),
            "repayment_method": check.guard(row, "repayment_method", _required),
            "annual_rate": check.guard(row, "annual_rate", _rate),
            "monthly_fee_rate": check.guard(row, "monthly_fee_rate", lambda r: _rate(r or "0")),
            "penalty_daily_rate": check.guard(row, "penalty_daily_rate", _rate),
            "cost_cap_kind": check.guard(row, "cost_cap_kind", _required),
            "cost_cap_rate": check.guard(row, "cost_cap_rate", _rate),
            "grace_days": check.guard(row, "grace_days", lambda r: _int(r or "0")),
            "charge_off_days": check.guard(row, "charge_off_days", lambda r: _int(r or "180")),
            "allocation_order": v.get("allocation_order") or "penalty,fee,interest,principal",
            "overpayment": v.get("overpayment") or "prepay",
        }
        if all(value is not None for value in parsed.values()):
            tape.products.append(parsed | {"_row": row})


def _check_borrowers(check: _Checker, rows: Sequence[Row], tape: Tape) -> None:
    check.unique(rows, "external_id")
    for row in rows:
        v = row.values
        zone = check.guard(row, "timezone", _required)
        if zone is not None and not is_known_zone(zone):
            check.fail(
                row, "timezone", f"must be an IANA time zone such as Asia/Shanghai (got {zone!r})"
            )
            zone = None
        external_id = check.guard(row, "external_id", _required)
        name = check.guard(row, "name", _required)
        birth_year = check.guard(row, "birth_year", _optional(_int))
        income = check.guard(row, "monthly_income_amount", _optional(_money_or_zero))
        if None in (zone, external_id, name):
            continue
        contacts: list[ContactIn] = []
        if v.get("phone"):
            contacts.append(ContactIn("phone", v["phone"], "borrower"))
        if v.get("emergency_phone"):
            relation = v.get("emergency_relation") or ""
            if not relation:
                check.fail(row, "emergency_relation", "an emergency contact needs its relation")
                continue
            contacts.append(
                ContactIn(
                    "phone",
                    v["emergency_phone"],
                    "emergency_contact",
                    v.get("emergency_name"),
                    relation,
                )
            )
        tape.borrowers.append(
            BorrowerIn(
                external_id=external_id,
                name=name,
                national_id=v.get("national_id") or None,
                language=v.get("language") or "zh-CN",
                timezone=zone,
                province=v.get("province") or None,
                city=v.get("city") or None,
                birth_year=birth_year,
                monthly_income_amount=income,
                contacts=tuple(contacts),
            )
        )


def _known(session: Session, column: Any, values: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunked(sorted(set(values))):
        found.update(session.scalars(select(column).where(column.in_(chunk))))
    return found


def _check_loans(
    check: _Checker, session: Session, rows: Sequence[Row], tape: Tape
) -> dict[str, dt.date]:
    check.unique(rows, "external_id")
    borrowers = {b.external_id for b in tape.borrowers}
    db_borrowers = _known(
        session, Borrower.external_id, [r.values.get("borrower_external_id", "") for r in rows]
    )
    products = {p["code"] for p in tape.products}
    products |= _known(session, Product.code, [r.values.get("product_code", "") for r in rows])
    in_db = _known(session, Loan.external_id, [r.values.get("external_id", "") for r in rows])
    disbursed: dict[str, dt.date] = {}
    for row in rows:
        v = row.values
        principal = check.guard(row, "principal_amount", _money)
        term = check.guard(row, "term_months", _int)
        day = check.guard(row, "disbursed_on", _date)
        rate = check.guard(row, "annual_rate", _optional(_rate))
        ok = None not in (principal, term, day) and bool(v.get("external_id"))
        if v.get("external_id") in in_db:
            check.fail(row, "external_id", f"loan {v['external_id']} is already in the ledger")
            ok = False
        if term is not None and term < 1:
            check.fail(row, "term_months", f"must be at least 1 (got {term})")
            ok = False
        if v.get("borrower_external_id") not in borrowers | db_borrowers:
            check.fail(
                row,
                "borrower_external_id",
                f"no borrower {v.get('borrower_external_id')!r} in the tape or ledger",
            )
            ok = False
        if v.get("product_code") not in products:
            check.fail(
                row, "product_code", f"no product {v.get('product_code')!r} in the tape or ledger"
            )
            ok = False
        if ok:
            loan = LoanIn(v["external_id"], 0, v["product_code"], principal, term, day, rate)
            tape.loans.append((loan, v["borrower_external_id"]))
            disbursed[loan.external_id] = day
    return disbursed


def _check_schedules(check: _Checker, rows: Sequence[Row], tape: Tape) -> None:
    loans = {loan.external_id: loan for loan, _ in tape.loans}
    by_loan: dict[str, list[tuple[Row, ScheduleLine]]] = defaultdict(list)
    for row in rows:
        loan_id = row.values.get("loan_external_id", "")
        seq = check.guard(row, "seq", _int)
        due_on = check.guard(row, "due_on", _date)
        principal = check.guard(row, "principal_due", _money_or_zero)
        interest = check.guard(row, "interest_due", _money_or_zero)
        fee = check.guard(row, "fee_due", _money_or_zero)
        if loan_id not in loans:
            check.fail(row, "loan_external_id", f"no loan {loan_id!r} in the loans file")
        elif None not in (seq, due_on, principal, interest, fee):
            by_loan[loan_id].append((row, ScheduleLine(seq, due_on, principal, interest, fee)))
    for loan_id, lines in by_loan.items():
        loan = loans[loan_id]
        total = sum((line.principal_due for _, line in lines), ZERO)
        last_row = lines[-1][0]
        if total != loan.principal_amount:
            check.fail(
                last_row,
                "principal_due",
                f"loan {loan_id}: schedule sums to {total}, "
                f"not the principal {loan.principal_amount}",
            )
        elif len(lines) != loan.term_months:
            check.fail(
                last_row,
                "seq",
                f"loan {loan_id}: {len(lines)} installments for a {loan.term_months}-month term",
            )
        else:
            for row, line in lines:
                if line.due_on <= loan.disbursed_on:
                    check.fail(
                        row,
                        "due_on",
                        f"due {line.due_on} is not after disbursement {loan.disbursed_on}",
                    )
            tape.schedules[loan_id] = sorted((line for _, line in lines), key=lambda x: x.seq)


def _check_payments(
    check: _Checker,
    session: Session,
    rows: Sequence[Row],
    tape: Tape,
    disbursed: Mapping[str, dt.date],
) -> None:
    check.unique(rows, "external_id")
    wanted = [
        r.values.get("loan_external_id", "")
        for r in rows
        if r.values.get("loan_external_id") not in disbursed
    ]
    known = dict(disbursed)
    for chunk in chunked(sorted(set(wanted))):
        known.update(
            (ext, day)
            for ext, day in session.execute(
                select(Loan.external_id, Loan.disbursed_on).where(Loan.external_id.in_(chunk))
            )
        )
    for row in rows:
        v = row.values
        amount = check.guard(row, "amount", _money)
        paid_on = check.guard(row, "paid_on", _date)
        loan_id = v.get("loan_external_id", "")
        ok = None not in (amount, paid_on) and bool(v.get("external_id"))
        if loan_id not in known:
            check.fail(row, "loan_external_id", f"no loan {loan_id!r} in the tape or ledger")
            ok = False
        elif paid_on is not None and paid_on < known[loan_id]:
            check.fail(
                row,
                "paid_on",
                f"paid on {paid_on}, before the loan was disbursed on {known[loan_id]}",
            )
            ok = False
        if ok:
            tape.payments.append(
                PaymentIn(v["external_id"], loan_id, amount, paid_on, v.get("channel") or None)
            )


def check_tape(session: Session, files: Mapping[str, Path]) -> tuple[Tape, list[RowProblem]]:
    """Read and check every file of a tape; the tape is loadable only if no problem is returned."""
    check, tape = _Checker(), Tape()
    rows = {kind: read_rows(path) for kind, path in files.items()}
    ok = {kind: check.columns(rows[kind], kind, files[kind].name) for kind in rows}
    if not all(ok.values()):
        return tape, check.problems
    _check_products(check, rows.get("products", []), tape)
    _check_borrowers(check, rows.get("borrowers", []), tape)
    disbursed = _check_loans(check, session, rows.get("loans", []), tape)
    _check_schedules(check, rows.get("schedules", []), tape)
    _check_payments(check, session, rows.get("payments", []), tape, disbursed)
    return tape, check.problems


def load_tape(
    session: Session,
    *,
    tape: Tape,
    actor: str,
    at: dt.datetime,
    step: Callable[[str], None] = lambda _: None,
) -> LoadSummary:
    """Write a checked tape through the ledger verbs, in the caller's transaction."""
    step("products")
    for product in tape.products:
        create_product(
            session, **{k: v for k, v in product.items() if k != "_row"}, actor=actor, at=at
        )
    step("borrowers")
    ids = register_borrowers(session, borrowers=tape.borrowers, actor=actor, at=at)
    borrower_ids = {b.external_id: i for b, i in zip(tape.borrowers, ids, strict=True)}
    missing = {ext for _, ext in tape.loans if ext not in borrower_ids}
    for chunk in chunked(sorted(missing)):
        borrower_ids.update(
            (ext, borrower_id)
            for ext, borrower_id in session.execute(
                select(Borrower.external_id, Borrower.id).where(Borrower.external_id.in_(chunk))
            )
        )
    step("loans")
    loans = [
        LoanIn(
            loan.external_id,
            borrower_ids[ext],
            loan.product_code,
            loan.principal_amount,
            loan.term_months,
            loan.disbursed_on,
            loan.annual_rate,
        )
        for loan, ext in tape.loans
    ]
    disburse_many(session, loans=loans, schedules=tape.schedules, actor=actor, at=at)
    step("payments")
    results: list[PostResult] = post_payments(session, payments=tape.payments, actor=actor, at=at)
    duplicates = sum(1 for r in results if r.was_duplicate)
    return LoadSummary(
        len(tape.products), len(tape.borrowers), len(loans), len(results) - duplicates, duplicates
    )
