"""Loan tapes: a lender's products, borrowers, loans, schedules and payments from CSV or Parquet.

Loading is all or nothing: :func:`check_tape` reads every file (:mod:`fairdebt.ledger.sheets`:
encodings, quoting, ragged rows, fake Parquet), checks every row on its own (types, amounts,
dates, time zones, required ids, lengths, unknown columns) and against the rest of the tape and
the ledger (unknown borrower, loan or product; a product, borrower or loan already in the
ledger; a payment id already posted with other values; payment before disbursement; a schedule
that does not sum to the principal; an id twice in a file), and returns every problem as a
:class:`RowProblem` naming file, line and field. Only a tape with no problem is written, by
:func:`load_tape`, in the caller's one transaction through the ledger verbs, so nothing is ever
half loaded (docs/decisions/loan-tapes.md). Should a verb still refuse a record at write time,
:func:`locate` names its file, line and field and :meth:`Tape.without` drops it (with what
depends on it), so that the caller can roll back, try again and report every such record, not
just the first. Line numbers are the CSV's own (the header is line 1); for Parquet they are row
numbers from 1.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import FairdebtError, InputError
from fairdebt.ledger.borrowers import BorrowerIn, ContactIn, is_known_zone, register_borrowers
from fairdebt.ledger.installments import chunked
from fairdebt.ledger.loans import LoanIn, disburse_many
from fairdebt.ledger.payments import PaymentIn, PostResult, post_payments
from fairdebt.ledger.products import create_product
from fairdebt.ledger.schedules import ScheduleLine
from fairdebt.ledger.sheets import FileProblem, Row, Sheet, read_sheet
from fairdebt.models import (
    Borrower,
    ContactMethod,
    CostCapKind,
    Loan,
    Overpayment,
    Payment,
    Product,
    RepaymentMethod,
)
from fairdebt.money import CENT, ZERO, parse_amount

__all__ = [
    "KINDS",
    "LoadSummary",
    "RowProblem",
    "Tape",
    "check_tape",
    "load_tape",
    "locate",
    "read_rows",
]

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
# A column a tape may carry beyond the required ones; any other name is refused (a typo such
# as "fee_du" would otherwise load every fee as zero without a word).
OPTIONAL: dict[str, tuple[str, ...]] = {
    "products": (
        "monthly_fee_rate",
        "grace_days",
        "charge_off_days",
        "allocation_order",
        "overpayment",
    ),
    "borrowers": (
        "national_id",
        "language",
        "province",
        "city",
        "birth_year",
        "monthly_income_amount",
        "phone",
        "emergency_name",
        "emergency_phone",
        "emergency_relation",
    ),
    "loans": ("annual_rate",),
    "schedules": ("fee_due",),
    "payments": ("channel",),
}
# Text that lands in a String(n) column: longer is an error here, not a database error later.
LENGTHS: dict[str, dict[str, Any]] = {
    "products": {"code": Product.code, "name": Product.name},
    "borrowers": {
        "external_id": Borrower.external_id,
        "name": Borrower.name,
        "language": Borrower.language,
        "timezone": Borrower.timezone,
        "province": Borrower.province,
        "city": Borrower.city,
        "phone": ContactMethod.value,
        "emergency_name": ContactMethod.owner_name,
        "emergency_phone": ContactMethod.value,
        "emergency_relation": ContactMethod.relation,
    },
    "loans": {
        "external_id": Loan.external_id,
        "borrower_external_id": Borrower.external_id,
        "product_code": Product.code,
    },
    "schedules": {"loan_external_id": Loan.external_id},
    "payments": {
        "external_id": Payment.external_id,
        "loan_external_id": Loan.external_id,
        "channel": Payment.channel,
    },
}
# The dates a tape may carry: a year such as 0226 or 9999 is a typo, and a schedule built from
# it would run off the calendar.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
MAX_RATE = Decimal(10)  # 1000 % a year (or a day): anything above is a typo
RATE_PLACES = 8  # the RATE column keeps 8 decimals; more would be rounded by the database


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


@dataclass(frozen=True, slots=True)
class LoadSummary:
    products: int
    borrowers: int
    loans: int
    payments: int
    duplicate_payments: int


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


def _date(raw: str) -> dt.date:
    """YYYY-MM-DD, or a date and time (as Excel and Parquet write), within the ledger's dates."""
    if not raw:
        raise InputError("is required")
    text = raw.strip()
    try:
        when = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"must be a date YYYY-MM-DD (got {raw[:40]!r})") from None
    day = when.date() if isinstance(when, dt.datetime) else when
    if not FIRST_DATE <= day <= LAST_DATE:
        raise InputError(f"{day} is outside {FIRST_DATE} to {LAST_DATE} (a typo?)")
    return day


def _not_after(latest: dt.date) -> Callable[[str], dt.date]:
    def parse(raw: str) -> dt.date:
        day = _date(raw)
        if day > latest:
            raise InputError(f"{day} is in the future (after {latest}); a typo?")
        return day

    return parse


def _whole(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if not raw:
            raise InputError("is required")
        value = Decimal(raw)
        if not value.is_finite() or value != value.to_integral_value():
            raise InputError(f"must be a whole number (got {raw[:40]!r})")
        if not low <= value <= high:
            raise InputError(f"must be from {low} to {high} (got {raw[:40]!r})")
        return int(value)

    return parse


TERM = _whole(1, 600)  # months, and installment numbers


def _rate(raw: str) -> Decimal:
    if not raw:
        raise InputError("is required")
    value = Decimal(raw)
    if not value.is_finite() or value < 0 or value > MAX_RATE:
        raise InputError(f"must be a rate from 0 to {MAX_RATE} (got {raw[:40]!r})")
    if value != value.quantize(Decimal(1).scaleb(-RATE_PLACES)):
        raise InputError(f"must have at most {RATE_PLACES} decimal places (got {raw[:40]!r})")
    return value


def _choice(values: type[StrEnum], default: str | None = None) -> Callable[[str], str]:
    names = [member.value for member in values]

    def parse(raw: str) -> str:
        value = raw or default or ""
        if value not in names:
            raise InputError(f"must be one of {', '.join(names)} (got {raw[:40]!r})")
        return value

    return parse


def _order(raw: str) -> str:
    parts = [part.strip() for part in (raw or "penalty,fee,interest,principal").split(",")]
    if sorted(parts) != ["fee", "interest", "penalty", "principal"]:
        raise InputError(
            f"must name penalty, fee, interest and principal once each (got {raw[:80]!r})"
        )
    return ",".join(parts)


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


def _known(session: Session, column: Any, values: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunked(sorted({v for v in values if v})):
        found.update(session.scalars(select(column).where(column.in_(chunk))))
    return found


def _check_products(check: _Checker, session: Session, rows: Sequence[Row], tape: Tape) -> None:
    check.unique(rows, "code")
    in_db = _known(session, Product.code, [r.values.get("code", "") for r in rows])
    for row in rows:
        parsed = {
            "code": check.guard(row, "code", _required),
            "name": check.guard(row, "name", _required),
            "repayment_method": check.guard(row, "repayment_method", _choice(RepaymentMethod)),
            "annual_rate": check.guard(row, "annual_rate", _rate),
            "monthly_fee_rate": check.guard(row, "monthly_fee_rate", lambda r: _rate(r or "0")),
            "penalty_daily_rate": check.guard(row, "penalty_daily_rate", _rate),
            "cost_cap_kind": check.guard(row, "cost_cap_kind", _choice(CostCapKind)),
            "cost_cap_rate": check.guard(row, "cost_cap_rate", _rate),
            "grace_days": check.guard(row, "grace_days", lambda r: _whole(0, 3650)(r or "0")),
            "charge_off_days": check.guard(
                row, "charge_off_days", lambda r: _whole(1, 3650)(r or "180")
            ),
            "allocation_order": check.guard(row, "allocation_order", _order),
            "overpayment": check.guard(row, "overpayment", _choice(Overpayment, "prepay")),
        }
        code = parsed["code"]
        if code in in_db:
            check.fail(row, "code", f"product {code} is already in the ledger")
        elif all(value is not None for value in parsed.values()):
            tape.products.append(parsed)
            tape.lines["product", code] = (row.file, row.line)


def _check_borrowers(check: _Checker, session: Session, rows: Sequence[Row], tape: Tape) -> None:
    check.unique(rows, "external_id")
    in_db = _known(session, Borrower.external_id, [r.values.get("external_id", "") for r in rows])
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
        birth_year = check.guard(row, "birth_year", _optional(_whole(1900, 2100)))
        income = check.guard(row, "monthly_income_amount", _optional(_money_or_zero))
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
        external_id = check.guard(row, "external_id", _required)
        principal = check.guard(row, "principal_amount", _money)
        term = check.guard(row, "term_months", TERM)
        day = check.guard(row, "disbursed_on", _not_after(latest))
        rate = check.guard(row, "annual_rate", _optional(_rate))
        owner = check.guard(row, "borrower_external_id", _required)
        code = check.guard(row, "product_code", _required)
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
        loan_id = check.guard(row, "loan_external_id", _required)
        seq = check.guard(row, "seq", TERM)
        due_on = check.guard(row, "due_on", _date)
        principal = check.guard(row, "principal_due", _money_or_zero)
        interest = check.guard(row, "interest_due", _money_or_zero)
        fee = check.guard(row, "fee_due", _money_or_zero)
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
        external_id = check.guard(row, "external_id", _required)
        amount = check.guard(row, "amount", _money)
        paid_on = check.guard(row, "paid_on", _not_after(latest))
        loan_id = check.guard(row, "loan_external_id", _required)
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


_RECORD = re.compile(r"^(product|borrower|loan|payment) (\S+?)(?=[,:]|\s|$)")
_KEY_FIELD = {
    "product": "code",
    "borrower": "external_id",
    "loan": "external_id",
    "payment": "external_id",
}


def locate(tape: Tape, error: FairdebtError) -> tuple[RowProblem, tuple[str, str] | None]:
    """The file, line and field of a record a verb refused at write time, and its key.

    The verbs name the record first (``loan L-1, field principal_due: ...``, ``product P:
    ...``, ``borrower B-1 is already registered``). When the error names no record of the tape,
    the key is None and the problem is placed on the tape as a whole (file ``(tape)``).
    """
    record = getattr(error, "record", None)
    message = getattr(error, "message", None) or str(error)
    field_name = getattr(error, "field", None)
    for text in (record, str(error)):
        found = _RECORD.match(text or "")
        if found is None:
            continue
        kind, key = found.group(1), found.group(2)
        where = tape.lines.get((kind, key))
        if where is not None:
            problem = RowProblem(where[0], where[1], field_name or _KEY_FIELD[kind], message)
            return problem, (kind, key)
    return RowProblem("(tape)", 0, field_name or "-", str(error)), None


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
        create_product(session, **product, actor=actor, at=at)
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
