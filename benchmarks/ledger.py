"""Ledger speed on SQLite: bulk disbursement and bulk payment posting, with the floor beside them.

Run from the project root::

    .venv/bin/python benchmarks/ledger.py                       # 50 k loans, 300 k payments
    .venv/bin/python benchmarks/ledger.py --loans 5000 --payments-per-loan 6

Writes benchmarks/results/ledger.md. Targets (brief): 50 k loans disbursed in a few seconds,
300 k payments posted in well under 30 s. The baseline in the same process is the floor: the
same rows (loans + installments; payments + allocation lines + installment updates) written
with plain sqlite3 executemany, no checks, no waterfall, no audit. The ratio is what the ledger
costs over that floor.

The ledger verbs also run a second time in the same process with the general ledger's posting
functions replaced by no-ops (here only: the code has no switch to turn the journal off); the
ratio of the two runs is the journal's cost (docs/decisions/general-ledger.md). The run without
the journal goes second, after a small warm-up run, so what warming up is left is charged to the
journal's run, not to its baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from pathlib import Path
from unittest import mock

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fairdebt.db import make_engine, make_session, upgrade
from fairdebt.ledger.accruals import accrue_penalties
from fairdebt.ledger.borrowers import BorrowerIn, register_borrowers
from fairdebt.ledger.loans import LoanIn, disburse_many
from fairdebt.ledger.payments import PaymentIn, post_payments
from fairdebt.ledger.products import create_product
from fairdebt.models import Accrual, AllocationLine, Loan

AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
START = dt.date(2026, 1, 1)
ACCRUAL_FROM = dt.date(2026, 5, 1)  # months into the book: many underpaid dues are overdue
ACCRUAL_DAYS = 3


def _setup(url: str, n_borrowers: int) -> list[int]:
    engine = make_engine(url)
    upgrade(engine)
    with make_session(engine) as session, session.begin():
        create_product(
            session,
            code="P6",
            name="six months",
            repayment_method="equal_installment",
            annual_rate=Decimal("0.18"),
            monthly_fee_rate=Decimal(0),
            penalty_daily_rate=Decimal("0.0005"),
            cost_cap_kind="apr",
            cost_cap_rate=Decimal("0.24"),
            actor="bench",
            at=AT,
        )
        borrowers = [
            BorrowerIn(f"B-{i}", "张三", None, "zh-CN", "Asia/Shanghai", None, None, None, None)
            for i in range(n_borrowers)
        ]
        return register_borrowers(session, borrowers=borrowers, actor="bench", at=AT)


# Where the batch verbs call the journal: replaced by no-ops to measure the ledger without it.
JOURNAL_CALLS = (
    "fairdebt.ledger.loans.post_disbursements",
    "fairdebt.ledger.payments.post_allocations",
    "fairdebt.ledger.payments.post_payments_cash",
    "fairdebt.ledger.accruals.post_penalties",
    "fairdebt.ledger.accruals.last_id",
)
# The check for value dates behind the ledger (one grouped query per batch of payments).
VALUE_DATE_CALLS = ("fairdebt.ledger.payments.needs_replay",)


@contextmanager
def without(targets: tuple[str, ...]) -> Iterator[None]:
    with ExitStack() as stack:
        for target in targets:
            value: object = {} if target in VALUE_DATE_CALLS else 0
            stack.enter_context(mock.patch(target, return_value=value))
        yield


def time_ledger(
    folder: Path, n_loans: int, per_loan: int, name: str = "ledger"
) -> dict[str, float]:
    url = f"sqlite:///{folder}/{name}.db"
    borrower_ids = _setup(url, min(n_loans, 20_000))
    loans = [
        LoanIn(
            f"L-{i}",
            borrower_ids[i % len(borrower_ids)],
            "P6",
            Decimal(1000 + (i * 37) % 20_000),
            6,
            START + dt.timedelta(days=i % 28),
        )
        for i in range(n_loans)
    ]
    payments = [
        PaymentIn(
            f"P-{i}-{k}",
            f"L-{i}",
            Decimal(180 + (i * 13) % 400),
            START + dt.timedelta(days=31 * (k + 1)),
        )
        for k in range(per_loan)
        for i in range(n_loans)
    ]
    engine = make_engine(url)
    with make_session(engine) as session:
        started, cpu = time.perf_counter(), time.process_time()
        with session.begin():
            disburse_many(session, loans=loans, actor="bench", at=AT)
        disbursed, disbursed_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        with session.begin():
            post_payments(session, payments=payments, actor="bench", at=AT)
        posted, posted_cpu = time.perf_counter() - started, time.process_time() - cpu
        lines = session.scalar(select(func.count()).select_from(AllocationLine)) or 0
        session.commit()  # ends the read's transaction
        # Daily penalty accrual, as the demo runs it once per business date.
        accrued_cpu, accrued_rows = [], 0
        for day in range(ACCRUAL_DAYS):
            cpu = time.process_time()
            with session.begin():
                accrued_rows += accrue_penalties(
                    session,
                    business_date=ACCRUAL_FROM + dt.timedelta(days=day),
                    actor="bench",
                    at=AT,
                )
            accrued_cpu.append(time.process_time() - cpu)
        replay_cpu, on_date_cpu = _time_value_dates(session)
    return {
        "replay_cpu": replay_cpu,
        "on_date_cpu": on_date_cpu,
        "accrue_cpu": sum(accrued_cpu) / len(accrued_cpu),
        "accrue_rows": accrued_rows / ACCRUAL_DAYS,
        "disburse": disbursed,
        "post": posted,
        "disburse_cpu": disbursed_cpu,
        "post_cpu": posted_cpu,
        "lines": float(lines),
        "payments": len(payments),
    }


REPLAYED = 200  # back-dated payments, one loan each


def _time_value_dates(session: Session) -> tuple[float, float]:
    """CPU of posting REPLAYED payments dated on the first accrual date (each replays its loan
    over the accrued days), and of as many on the day after the last accrual (no replay)."""
    rows = session.execute(
        select(Loan.external_id)
        .join(Accrual, Accrual.loan_id == Loan.id)
        .where(Accrual.accrued_on == ACCRUAL_FROM)
        .group_by(Loan.external_id)
        .order_by(Loan.external_id)
        .limit(2 * REPLAYED)
    ).all()
    session.commit()
    names = [row[0] for row in rows]
    timed = []
    for label, chosen, on in (
        ("B", names[:REPLAYED], ACCRUAL_FROM),
        ("N", names[REPLAYED:], ACCRUAL_FROM + dt.timedelta(days=ACCRUAL_DAYS)),
    ):
        batch = [PaymentIn(f"{label}-{n}", n, Decimal("100.00"), on) for n in chosen]
        cpu = time.process_time()
        with session.begin():
            post_payments(session, payments=batch, actor="bench", at=AT)
        timed.append(time.process_time() - cpu)
    return timed[0], timed[1]


def time_floor(folder: Path, n_loans: int, per_loan: int, lines: int) -> dict[str, float]:
    """The same number of rows written with plain sqlite3 executemany: the floor."""
    url = f"sqlite:///{folder}/floor.db"
    upgrade(make_engine(url))
    connection = sqlite3.connect(f"{folder}/floor.db")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "INSERT INTO borrower (id, external_id, name, language, timezone, "
        "created_at) VALUES (1, 'B', 'x', 'zh-CN', 'Asia/Shanghai', '2026-01-01')"
    )
    connection.execute(
        "INSERT INTO product (id, code, name, repayment_method, annual_rate, "
        "monthly_fee_rate, penalty_daily_rate, cost_cap_kind, cost_cap_rate, grace_days, "
        "charge_off_days, allocation_order, overpayment) VALUES (1, 'P', 'x', "
        "'equal_installment', 0.18, 0, 0.0005, 'apr', 0.24, 0, 180, 'x', 'prepay')"
    )
    started, cpu = time.perf_counter(), time.process_time()
    connection.executemany(
        (
            "INSERT INTO loan (id, external_id, borrower_id, product_id, principal_amount, "
            "annual_rate, term_months, repayment_method, disbursed_on, cost_cap_rate, "
            "status, credit_amount) VALUES (?, ?, 1, 1, 1000.0, 0.18, 6, "
            "'equal_installment', '2026-01-01', 0.24, 'active', 0)"
        ),
        [(i + 1, f"L-{i}") for i in range(n_loans)],
    )
    connection.executemany(
        (
            "INSERT INTO installment (loan_id, seq, due_on, principal_due, interest_due, "
            "fee_due, penalty_due, principal_paid, interest_paid, fee_paid, penalty_paid, "
            "principal_waived, interest_waived, fee_waived, penalty_waived, "
            "created_on) VALUES (?, ?, '2026-02-01', 160.0, 15.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
            "0, '2026-01-01')"
        ),
        [(i + 1, k + 1) for i in range(n_loans) for k in range(6)],
    )
    connection.commit()
    disbursed, disbursed_cpu = time.perf_counter() - started, time.process_time() - cpu
    n_payments = n_loans * per_loan
    started, cpu = time.perf_counter(), time.process_time()
    connection.executemany(
        (
            "INSERT INTO payment (id, external_id, loan_id, amount, paid_on, status, "
            "prepaid_amount, credit_amount) VALUES (?, ?, ?, 200.0, '2026-02-01', 'posted', "
            "0, 0)"
        ),
        [(j + 1, f"P-{j}", j % n_loans + 1) for j in range(n_payments)],
    )
    connection.executemany(
        (
            "INSERT INTO allocation_line (payment_id, installment_id, loan_id, component, "
            "amount, effective_on) VALUES (?, ?, ?, 'interest', 10.0, '2026-02-01')"
        ),
        [(j % n_payments + 1, j % (n_loans * 6) + 1, j % n_loans + 1) for j in range(lines)],
    )
    connection.executemany(
        "UPDATE installment SET interest_paid = interest_paid + 10.0 WHERE id = ?",
        [(j % (n_loans * 6) + 1,) for j in range(n_payments)],
    )
    connection.commit()
    posted, posted_cpu = time.perf_counter() - started, time.process_time() - cpu
    connection.close()
    return {
        "disburse": disbursed,
        "post": posted,
        "disburse_cpu": disbursed_cpu,
        "post_cpu": posted_cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=50_000)
    parser.add_argument("--payments-per-loan", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        time_ledger(Path(folder), 500, 1, "warm-up")  # imports and first-call caches
        ledger = time_ledger(Path(folder), args.loans, args.payments_per_loan)
        with without(JOURNAL_CALLS):
            bare = time_ledger(Path(folder), args.loans, args.payments_per_loan, "bare")
        with without(VALUE_DATE_CALLS):
            unchecked = time_ledger(Path(folder), args.loans, args.payments_per_loan, "unchecked")
        floor = time_floor(Path(folder), args.loans, args.payments_per_loan, int(ledger["lines"]))
    load = os.getloadavg()[0]
    rows = [
        ("disburse_many", f"{args.loans:,} loans", "disburse"),
        ("post_payments", f"{int(ledger['payments']):,} payments", "post"),
    ]
    lines = [
        "# Ledger benchmark (SQLite)",
        "",
        "| verb | size | ledger CPU s | floor CPU s (raw executemany) | CPU ratio "
        "| ledger wall s | floor wall s |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {verb} | {size} | {ledger[key + '_cpu']:.1f} | {floor[key + '_cpu']:.1f} "
            f"| {ledger[key + '_cpu'] / floor[key + '_cpu']:.1f}× | {ledger[key]:.1f} "
            f"| {floor[key]:.1f} |"
            for verb, size, key in rows
        ),
        f"| accrue_penalties | one business date, {ledger['accrue_rows']:,.0f} rows "
        f"(mean of {ACCRUAL_DAYS}) | {ledger['accrue_cpu']:.2f} | | | | |",
        "",
        "The general ledger's journal and the value-date check: the same verbs as shipped, "
        "without the journal's postings, and without the check for payments dated behind "
        "the ledger (same run).",
        "",
        "| verb | shipped CPU s | without journal CPU s | journal ratio "
        "| without value-date check CPU s | value-date check ratio |",
        "|---|---|---|---|---|---|",
        *(
            f"| {verb} | {ledger[key + '_cpu']:.2f} | {bare[key + '_cpu']:.2f} "
            f"| {ledger[key + '_cpu'] / bare[key + '_cpu']:.2f}× "
            f"| {unchecked[key + '_cpu']:.2f} "
            f"| {ledger[key + '_cpu'] / unchecked[key + '_cpu']:.2f}× |"
            for verb, _, key in [*rows, ("accrue_penalties (one date)", "", "accrue")]
        ),
        "",
        f"Value-date replay: {REPLAYED} payments dated on the first of {ACCRUAL_DAYS} accrued "
        f"days, each replaying its loan: {ledger['replay_cpu']:.2f} CPU s "
        f"({1000 * ledger['replay_cpu'] / REPLAYED:.1f} ms a loan); the same number dated "
        f"after the last accrual (no replay): {ledger['on_date_cpu']:.2f} CPU s; ratio "
        f"{ledger['replay_cpu'] / ledger['on_date_cpu']:.1f}×.",
        "",
        f"Command: `.venv/bin/python benchmarks/ledger.py --loans {args.loans} "
        f"--payments-per-loan {args.payments_per_loan}`",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()}; 1-minute load average at the end "
        f"{load:.1f} (other jobs share the machine: the CPU columns are this process's own time, "
        "the best guess of the wall time on an idle machine; compare the ratio, not the seconds).",
        "",
    ]
    out = Path(__file__).parent / "results" / "ledger.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
