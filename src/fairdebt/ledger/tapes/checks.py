"""Checking a loan tape row by row: every problem found and named, none dropped, nothing written.

:func:`check_tape` reads every file (:mod:`fairdebt.ledger.tapes.sheets`), checks that each
header has the kind's columns and each row fits its header, then checks every row on its own
(:mod:`fairdebt.ledger.tapes.columns`) and against the rest of the tape and the ledger (unknown
borrower, loan or product; a product, borrower or loan already in the ledger; a payment id
already posted with another loan, amount or date; payment before disbursement; a schedule that
does not sum to the principal; an id twice in a file). Every problem is a :class:`RowProblem`;
only a tape with none is loadable. A row that depends on a refused row (a payment of a refused
loan) is not reported again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import InputError
from fairdebt.ledger.borrowers import BorrowerIn, ContactIn, is_known_zone
from fairdebt.ledger.installments import chunked
from fairdebt.ledger.loans import LoanIn
from fairdebt.ledger.payments import PaymentIn
from fairdebt.ledger.schedules import ScheduleLine
from fairdebt.ledger.tapes.columns import (
    LAST_DATE,
    LENGTHS,
    OPTIONAL,
    REQUIRED,
    TERM,
    allocation_order,
    choice,
    money,
    money_or_zero,
    not_after,
    optional,
    read_date,
    read_rate,
    required,
    whole,
)
from fairdebt.ledger.tapes.sheets import FileProblem, Row, Sheet, read_sheet
from fairdebt.models import (
    Borrower,
    CostCapKind,
    Loan,
    Overpayment,
    PartialPrepayment,
    Payment,
    Product,
    RepaymentMethod,
)
from fairdebt.money import CENT, ZERO

__all__ = ["RowProblem", "Tape", "check_tape", "read_rows"]


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad value: where it is (file, line, field) and what was wrong with it."""

    file: str
    line: int
    field: str
    message: str


@dataclass(slots=True)
class Tape:
    """A checked tape, ready for :func:`load_tape`; ``lines`` locates each record in its file."""

    products: list[dict[str, Any]] = field(default_factory=list)
    borrowers: list[BorrowerIn] = field(default_factory=list)
    loans: list[tuple[LoanIn, str]] = field(default_factory=list)  # borrower external id
    schedules: dict[str, list[ScheduleLine]] = field(default_factory=dict)
    payments: list[PaymentIn] = field(default_factory=list)
    lines: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)

    def without(self, kind: str, key: str) -> Tape:
        """The tape less one record and every record that depends on it (a product's or a
        borrower's loans, a loan's schedule and payments), for a retry after a write error."""
        products = [p for p in self.products if not (kind == "product" and p["code"] == key)]
        borrowers = [b for b in self.borrowers if not (kind == "borrower" and b.external_id == key)]
        codes = {p["code"] for p in self.products} - {p["code"] for p in products}
        people = {b.external_id for b in self.borrowers} - {b.external_id for b in borrowers}
        loans = [
            (loan, owner)
            for loan, owner in self.loans
            if loan.product_code not in codes
            and owner not in people
            and not (kind == "loan" and loan.external_id == key)
        ]
        kept = {loan.external_id for loan, _ in loans}
        gone = {loan.external_id for loan, _ in self.loans} - kept
        payments = [
            p
            for p in self.payments
            if p.loan_external_id not in gone and not (kind == "payment" and p.external_id == key)
        ]
        schedules = {k: v for k, v in self.schedules.items() if k in kept}
        return dataclasses.replace(
            self,
            products=products,
            borrowers=borrowers,
            loans=loans,
            schedules=schedules,
            payments=payments,
        )


def read_rows(path: Path, *, encoding: str | None = None) -> list[Row]:
    """Every row of a CSV or Parquet file as text, with the number a person sees in the file."""
    return read_sheet(path, encoding=encoding).rows


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
        except (ValueError, ArithmeticError):  # InvalidOperation is an ArithmeticError
            self.fail(row, field_name, f"cannot read {raw[:80]!r}")
        return None

    def columns(self, sheet: Sheet, kind: str) -> bool:
        """The header has every required column and no unknown one; rows fit the header."""
        missing = [c for c in REQUIRED[kind] if c not in sheet.columns]
        if missing:
            self.problems.append(RowProblem(sheet.file, 1, ", ".join(missing), "missing column(s)"))
        known = set(REQUIRED[kind]) | set(OPTIONAL[kind])
        unknown = [c for c in sheet.columns if c not in known]
        if unknown:
            self.problems.append(
                RowProblem(
                    sheet.file,
                    1,
                    ", ".join(unknown),
                    f"unknown column(s) for a {kind} file (a typo?); the columns are "
                    f"{', '.join((*REQUIRED[kind], *OPTIONAL[kind]))}",
                )
            )
        width = len(sheet.columns)
        for line, count in sheet.ragged:
            self.problems.append(
                RowProblem(
                    sheet.file, line, "-", f"has {count} values but the header has {width} columns"
                )
            )
        return not missing and not unknown and not sheet.ragged

    def text(self, rows: Sequence[Row], kind: str) -> None:
        """Every value fits its column; no value holds a NUL (PostgreSQL refuses them)."""
        limits = {name: column.type.length for name, column in LENGTHS[kind].items()}
        for row in rows:
            for name, value in row.values.items():
                if "\x00" in value:
                    self.fail(row, name, "holds a NUL character")
                limit = limits.get(name)
                if limit is not None and len(value) > limit:
                    self.fail(row, name, f"is {len(value)} characters long; at most {limit}")

    def unique(self, rows: Sequence[Row], key: str) -> None:
        seen: dict[str, int] = {}
        for row in rows:
            value = row.values.get(key, "")
            if not value:
                continue  # reported as required by the row's own check
            if value in seen:
                self.fail(row, key, f"{value!r} already appears on line {seen[value]}")
            else:
                seen[value] = row.line


def _known(session: Session, column: Any, values: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunked(sorted({v for v in values if v})):
        found.update(session.scalars(select(column).where(column.in_(chunk))))
    return found


def _fee_rate(raw: str) -> Decimal:
    """A prepayment fee: a share of the principal repaid early, at least 0 and below 1."""
    value = read_rate(raw)
    if value >= 1:
        raise InputError(f"must be at least 0 and below 1 (got {raw[:40]!r})")
    return value


def _check_products(check: _Checker, session: Session, rows: Sequence[Row], tape: Tape) -> None:
    check.unique(rows, "code")
    in_db = _known(session, Product.code, [r.values.get("code", "") for r in rows])
    for row in rows:
        before = len(check.problems)
        parsed = {
            "code": check.guard(row, "code", required),
            "name": check.guard(row, "name", required),
            "repayment_method": check.guard(row, "repayment_method", choice(RepaymentMethod)),
            "annual_rate": check.guard(row, "annual_rate", read_rate),
            "monthly_fee_rate": check.guard(row, "monthly_fee_rate", lambda r: read_rate(r or "0")),
            "penalty_daily_rate": check.guard(row, "penalty_daily_rate", read_rate),
            "cost_cap_kind": check.guard(row, "cost_cap_kind", choice(CostCapKind)),
            "cost_cap_rate": check.guard(row, "cost_cap_rate", read_rate),
            "grace_days": check.guard(row, "grace_days", lambda r: whole(0, 3650)(r or "0")),
            "charge_off_days": check.guard(
                row, "charge_off_days", lambda r: whole(1, 3650)(r or "180")
            ),
            "allocation_order": check.guard(row, "allocation_order", allocation_order),
            "overpayment": check.guard(row, "overpayment", choice(Overpayment, "prepay")),
            # Blank: no prepayment fee (None is a value here, so success is counted by problems).
            "prepayment_fee_rate": check.guard(row, "prepayment_fee_rate", optional(_fee_rate)),
            "partial_prepayment": check.guard(
                row,
                "partial_prepayment",
                choice(PartialPrepayment, PartialPrepayment.LOWER_INSTALMENT.value),
            ),
        }
        code = parsed["code"]
        if code in in_db:
            check.fail(row, "code", f"product {code} is already in the ledger")
        elif len(check.problems) == before:
            tape.products.append(parsed)
            tape.lines["product", code] = (row.file, row.line)


def _check_borrowers(check: _Checker, session: Session, rows: Sequence[Row], tape: Tape) -> None:
    check.unique(rows, "external_id")
    in_db = _known(session, Borrower.external_id, [r.values.get("external_id", "") for r in rows])
    for row in rows:
        v = row.values
        zone = check.guard(row, "timezone", required)
        if zone is not None and not is_known_zone(zone):
            check.fail(
                row, "timezone", f"must be an IANA time zone such as Asia/Shanghai (got {zone!r})"
            )
            zone = None
        external_id = check.guard(row, "external_id", required)
        name = check.guard(row, "name", required)
        birth_year = check.guard(row, "birth_year", optional(whole(1900, 2100)))
        income = check.guard(row, "monthly_income_amount", optional(money_or_zero))
        if external_id in in_db:
            check.fail(row, "external_id", f"borrower {external_id} is already in the ledger")
            continue
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
        tape.lines["borrower", external_id] = (row.file, row.line)


def _check_loans(
    check: _Checker, session: Session, rows: Sequence[Row], tape: Tape, latest: dt.date
) -> dict[str, dt.date]:
    check.unique(rows, "external_id")
    borrowers = {b.external_id for b in tape.borrowers}
    borrowers |= _known(
        session, Borrower.external_id, [r.values.get("borrower_external_id", "") for r in rows]
    )
    products = {p["code"] for p in tape.products}
    products |= _known(session, Product.code, [r.values.get("product_code", "") for r in rows])
    in_db = _known(session, Loan.external_id, [r.values.get("external_id", "") for r in rows])
    disbursed: dict[str, dt.date] = {}
    for row in rows:
        external_id = check.guard(row, "external_id", required)
        principal = check.guard(row, "principal_amount", money)
        term = check.guard(row, "term_months", TERM)
        day = check.guard(row, "disbursed_on", not_after(latest))
        rate = check.guard(row, "annual_rate", optional(read_rate))
        owner = check.guard(row, "borrower_external_id", required)
        code = check.guard(row, "product_code", required)
        ok = None not in (external_id, principal, term, day, owner, code)
        if external_id in in_db:
            check.fail(row, "external_id", f"loan {external_id} is already in the ledger")
            ok = False
        if owner is not None and owner not in borrowers:
            check.fail(row, "borrower_external_id", f"no borrower {owner!r} in the tape or ledger")
            ok = False
        if code is not None and code not in products:
            check.fail(row, "product_code", f"no product {code!r} in the tape or ledger")
            ok = False
        if ok:
            loan = LoanIn(external_id, 0, code, principal, term, day, rate)
            tape.loans.append((loan, owner))
            tape.lines["loan", external_id] = (row.file, row.line)
            disbursed[external_id] = day
    return disbursed


def _check_schedules(
    check: _Checker, rows: Sequence[Row], tape: Tape, refused_loans: set[str]
) -> None:
    loans = {loan.external_id: loan for loan, _ in tape.loans}
    by_loan: dict[str, list[tuple[Row, ScheduleLine]]] = defaultdict(list)
    for row in rows:
        loan_id = check.guard(row, "loan_external_id", required)
        seq = check.guard(row, "seq", TERM)
        due_on = check.guard(row, "due_on", read_date)
        principal = check.guard(row, "principal_due", money_or_zero)
        interest = check.guard(row, "interest_due", money_or_zero)
        fee = check.guard(row, "fee_due", money_or_zero)
        if loan_id is None or loan_id in refused_loans:
            continue  # the loan's own row is already reported
        if loan_id not in loans:
            check.fail(row, "loan_external_id", f"no loan {loan_id!r} in the loans file")
        elif None not in (seq, due_on, principal, interest, fee):
            by_loan[loan_id].append((row, ScheduleLine(seq, due_on, principal, interest, fee)))
    for loan_id, lines in by_loan.items():
        loan = loans[loan_id]
        total = sum((line.principal_due for _, line in lines), ZERO)
        last_row = lines[-1][0]
        numbers = sorted(line.seq for _, line in lines)
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
        elif numbers != list(range(1, len(lines) + 1)):
            check.fail(
                last_row,
                "seq",
                f"loan {loan_id}: installments must be numbered 1 to {len(lines)} once each "
                f"(got {numbers[:12]})",
            )
        else:
            bad = False
            for row, line in lines:
                if line.due_on <= loan.disbursed_on:
                    check.fail(
                        row,
                        "due_on",
                        f"due {line.due_on} is not after disbursement {loan.disbursed_on}",
                    )
                    bad = True
            if not bad:
                tape.schedules[loan_id] = sorted((line for _, line in lines), key=lambda x: x.seq)


def _posted(
    session: Session, external_ids: Iterable[str]
) -> dict[str, tuple[str, Decimal, dt.date]]:
    """Payments already in the ledger under these ids: (loan external id, amount, paid_on)."""
    found: dict[str, tuple[str, Decimal, dt.date]] = {}
    for chunk in chunked(sorted({i for i in external_ids if i})):
        query = (
            select(Payment.external_id, Loan.external_id, Payment.amount, Payment.paid_on)
            .join(Loan, Loan.id == Payment.loan_id)
            .where(Payment.external_id.in_(chunk))
        )
        for payment_id, loan_id, amount, paid_on in session.execute(query):
            found[payment_id] = (loan_id, Decimal(str(amount)).quantize(CENT), paid_on)
    return found


def _check_payments(
    check: _Checker,
    session: Session,
    rows: Sequence[Row],
    tape: Tape,
    disbursed: Mapping[str, dt.date],
    refused_loans: set[str],
    latest: dt.date,
) -> None:
    check.unique(rows, "external_id")
    wanted = [
        r.values.get("loan_external_id", "")
        for r in rows
        if r.values.get("loan_external_id") not in disbursed
    ]
    known = dict(disbursed)
    for chunk in chunked(sorted({w for w in wanted if w})):
        known.update(
            (ext, day)
            for ext, day in session.execute(
                select(Loan.external_id, Loan.disbursed_on).where(Loan.external_id.in_(chunk))
            )
        )
    posted = _posted(session, [r.values.get("external_id", "") for r in rows])
    for row in rows:
        external_id = check.guard(row, "external_id", required)
        amount = check.guard(row, "amount", money)
        paid_on = check.guard(row, "paid_on", not_after(latest))
        loan_id = check.guard(row, "loan_external_id", required)
        ok = None not in (external_id, amount, paid_on, loan_id)
        if loan_id is None:
            pass
        elif loan_id not in known:
            if loan_id not in refused_loans:  # else the loan's own row is already reported
                check.fail(row, "loan_external_id", f"no loan {loan_id!r} in the tape or ledger")
            ok = False
        elif paid_on is not None and paid_on < known[loan_id]:
            check.fail(
                row,
                "paid_on",
                f"paid on {paid_on}, before the loan was disbursed on {known[loan_id]}",
            )
            ok = False
        before = posted.get(external_id or "")
        if ok and before is not None and before != (loan_id, amount, paid_on):
            names = ("loan_external_id", "amount", "paid_on")
            differs = next(
                name
                for name, old, new in zip(names, before, (loan_id, amount, paid_on), strict=True)
                if old != new
            )
            check.fail(
                row,
                differs,
                f"payment {external_id} is already in the ledger with loan {before[0]}, amount "
                f"{before[1]}, paid on {before[2]}; this row differs (a reused id?)",
            )
            ok = False
        if ok:
            channel = row.values.get("channel") or None
            tape.payments.append(PaymentIn(external_id, loan_id, amount, paid_on, channel))
            tape.lines["payment", external_id] = (row.file, row.line)


def check_tape(
    session: Session,
    files: Mapping[str, Path],
    *,
    latest: dt.date = LAST_DATE,
    encoding: str | None = None,
) -> tuple[Tape, list[RowProblem]]:
    """Read and check every file of a tape; the tape is loadable only if no problem is returned.

    ``latest`` is the last date a disbursement or payment may carry (the command line passes
    tomorrow, so that a mistyped year is caught); ``encoding`` overrides detection.
    """
    check, tape = _Checker(), Tape()
    sheets: dict[str, Sheet] = {}
    for kind, path in files.items():
        try:
            sheets[kind] = read_sheet(path, encoding=encoding)
        except FileProblem as problem:
            check.problems.append(RowProblem(problem.file, problem.line, "-", problem.message))
    shaped = [check.columns(sheet, kind) for kind, sheet in sheets.items()]
    if len(sheets) < len(files) or not all(shaped):
        return tape, check.problems
    rows = {kind: sheet.rows for kind, sheet in sheets.items()}
    for kind, kind_rows in rows.items():
        check.text(kind_rows, kind)
    _check_products(check, session, rows.get("products", []), tape)
    _check_borrowers(check, session, rows.get("borrowers", []), tape)
    disbursed = _check_loans(check, session, rows.get("loans", []), tape, latest)
    in_file = {r.values.get("external_id", "") for r in rows.get("loans", [])}
    refused = in_file - set(disbursed)
    _check_schedules(check, rows.get("schedules", []), tape, refused)
    _check_payments(check, session, rows.get("payments", []), tape, disbursed, refused, latest)
    return tape, check.problems
