"""Benchmark: the cycle on a 1 M-loan / 6 M-installment portfolio against a hand-written query.

The portfolio is generated directly in DuckDB (vectorised SQL, no ORM): 1 M loans disbursed over
2024, 6 monthly installments each, principal and interest payment lines for most dues (on time,
late, partial or never), penalty accruals, waivers, holds, and one loan in 101 restructured (a
repayment plan carrying its first due, 4 new dues). For one business date it times

* the cycle: building the Ibis expressions, compiling and running them on DuckDB, rows to Arrow;
* the floor: one hand-written DuckDB SQL query computing the same columns (dpd with the days a
  restructure carries until it re-ages, delinquent days, bucket, overdue amounts, principal
  outstanding, hold, five-tier class, restructure flag), rows to Arrow;

checks that both give identical rows, and reports the ratio (target: cycle <= 2 x floor). It also
measures the cost of writing ``loan_day`` rows into SQLite, the path that dominates the daily
demo, comparing one-row and multi-row parameterised inserts. Results go to
benchmarks/results/cycle.md.

Run:  .venv/bin/python benchmarks/cycle.py [--loans 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
from rich.console import Console
from rich.progress import Progress

from fairdebt.cycle import DEFAULT_SCHEME
from fairdebt.cycle.classification import CN_2023, RISK_CLASSES, ClassificationPack
from fairdebt.cycle.delinquency import EPOCH
from fairdebt.cycle.engines import _insert_many, open_arrow
from fairdebt.cycle.runs import compute_loan_days
from fairdebt.db import make_engine, upgrade

BUSINESS_DATE = dt.date(2024, 12, 31)
RESULTS = Path(__file__).parent / "results" / "cycle.md"


def generate(loans: int) -> dict[str, pa.Table]:
    """The portfolio as Arrow tables with the column types the cycle reads."""
    con = duckdb.connect()
    con.execute(f"""
        CREATE TABLE loan AS
        SELECT i::BIGINT AS id, (i % 3 + 1)::BIGINT AS product_id,
               DATE '2024-01-01' + ((i * 7919) % 366)::INTEGER AS disbursed_on,
               NULL::DATE AS closed_on,
               CASE WHEN i % 211 = 0 THEN DATE '2024-12-20' END AS charged_off_on,
               (500 + (i * 104729) % 49500)::DOUBLE AS principal_amount
        FROM range(1, {loans} + 1) t(i);
        CREATE TABLE product AS
        SELECT * FROM (VALUES (1::BIGINT, 0::BIGINT), (2, 3), (3, 0)) t(id, grace_days);
        -- one loan in 101 restructured 75 days after disbursement, carrying its first due
        CREATE TABLE repayment_plan AS
        SELECT (row_number() OVER (ORDER BY id))::BIGINT AS id, id AS loan_id,
               disbursed_on + 75 AS starts_on, disbursed_on + 30 AS carried_due_on
        FROM loan WHERE id % 101 = 0;
        CREATE TABLE installment AS
        SELECT ((l.id - 1) * 6 + s)::BIGINT AS id, l.id AS loan_id, s::BIGINT AS seq,
               l.disbursed_on + (30 * s)::INTEGER AS due_on,
               round(l.principal_amount / 6, 2) AS principal_due,
               round(l.principal_amount * 0.015, 2) AS interest_due,
               0.0::DOUBLE AS fee_due, 0.0::DOUBLE AS penalty_due,
               l.disbursed_on AS created_on,
               CASE WHEN p.id IS NOT NULL AND l.disbursed_on + (30 * s)::INTEGER > p.starts_on
                    THEN p.starts_on END AS superseded_on,
               NULL::BIGINT AS repayment_plan_id
        FROM loan l CROSS JOIN range(1, 7) t(s) LEFT JOIN repayment_plan p ON p.loan_id = l.id
        UNION ALL
        SELECT ({loans} * 6 + (p.id - 1) * 4 + s)::BIGINT, p.loan_id, (10 + s)::BIGINT,
               p.starts_on + (30 * s)::INTEGER, round(l.principal_amount / 4, 2),
               round(l.principal_amount * 0.005, 2), 0.0, 0.0, p.starts_on, NULL, p.id
        FROM repayment_plan p JOIN loan l ON l.id = p.loan_id, range(1, 5) t(s);
        -- behaviour by a hash of the installment: 90 % on time, 4 % late, 3 % partial, 3 % never
        CREATE TABLE fate AS
        SELECT id, due_on, principal_due, interest_due, hash(id) % 100 AS h FROM installment
        WHERE due_on <= DATE '{BUSINESS_DATE}';
        CREATE TABLE allocation_line AS
        SELECT id AS installment_id, c.component,
               CASE WHEN c.component = 'principal' THEN
                    CASE WHEN h >= 94 THEN round(principal_due / 2, 2) ELSE principal_due END
                    ELSE interest_due END AS amount,
               CASE WHEN h >= 90 AND h < 94 THEN due_on + (1 + h % 40)::INTEGER ELSE due_on END
                    AS effective_on
        FROM fate, (VALUES ('principal'), ('interest')) c(component)
        WHERE h < 97;
        CREATE TABLE accrual AS
        SELECT id AS installment_id, 'penalty' AS component, 1.25::DOUBLE AS amount,
               due_on + 1 AS accrued_on
        FROM fate WHERE h >= 94;
        CREATE TABLE waiver AS
        SELECT id AS installment_id, 'penalty' AS component, 1.25::DOUBLE AS amount,
               due_on + 5 AS waived_on
        FROM fate WHERE h = 95;
        CREATE TABLE hold AS
        SELECT id AS loan_id, 'dispute' AS kind, DATE '2024-12-01' AS started_on,
               CASE WHEN id % 2 = 0 THEN DATE '2024-12-25' END AS ended_on
        FROM loan WHERE id % 197 = 0;
    """)
    names = [
        "loan",
        "product",
        "installment",
        "allocation_line",
        "accrual",
        "waiver",
        "hold",
        "repayment_plan",
    ]
    tables = {name: con.sql(f"SELECT * FROM {name}").to_arrow_table() for name in names}
    con.close()
    return tables


def floor_sql(day: dt.date, pack: ClassificationPack = CN_2023) -> str:
    """The hand-written query: the same rows as the cycle, in one DuckDB statement."""
    d = f"DATE '{day}'"
    steps = pack.dpd_steps
    rank = " + ".join(f"CASE WHEN dpd >= {step} THEN 1 ELSE 0 END" for step in steps)
    rank_before = "(" + " + ".join(f"CASE WHEN r.carried >= {x} THEN 1 ELSE 0 END" for x in steps)
    rank_before += ")"
    rank_floor = RISK_CLASSES.index(pack.restructured_floor)
    classes = "\n".join(
        f"WHEN greatest({rank}, floor_rank) <= {index} THEN '{name}'"
        for index, name in enumerate(RISK_CLASSES[:-1])
    )
    classes += f" ELSE '{RISK_CLASSES[-1]}'"
    buckets = "\n".join(
        f"WHEN {days} <= {b.max_dpd} THEN '{b.name}'"
        for b in DEFAULT_SCHEME.buckets[:-1]
        for days in ["dpd"]
    )
    return f"""
    WITH moves AS (
        SELECT installment_id, component, -round(amount * 100)::BIGINT AS cents, effective_on AS d
        FROM allocation_line
        UNION ALL SELECT installment_id, component, round(amount * 100)::BIGINT, accrued_on
        FROM accrual
        UNION ALL SELECT installment_id, component, -round(amount * 100)::BIGINT, waived_on
        FROM waiver
    ), moved AS (
        SELECT installment_id,
               sum(cents) FILTER (WHERE component = 'principal') AS p,
               sum(cents) FILTER (WHERE component = 'interest') AS i,
               sum(cents) FILTER (WHERE component = 'fee') AS f,
               sum(cents) FILTER (WHERE component = 'penalty') AS n
        FROM moves WHERE d <= {d} GROUP BY installment_id
    ), state AS (
        SELECT s.loan_id, s.due_on,
               round(s.principal_due * 100)::BIGINT + coalesce(m.p, 0) AS p,
               round(s.interest_due * 100)::BIGINT + coalesce(m.i, 0) AS i,
               round(s.fee_due * 100)::BIGINT + coalesce(m.f, 0) AS f,
               round(s.penalty_due * 100)::BIGINT + coalesce(m.n, 0) AS n
        FROM installment s LEFT JOIN moved m ON m.installment_id = s.id
        WHERE s.created_on <= {d} AND (s.superseded_on IS NULL OR s.superseded_on > {d})
    ), per_loan AS (
        SELECT loan_id, sum(p) AS principal_outstanding,
               min(due_on) FILTER (WHERE late) AS oldest,
               sum(p) FILTER (WHERE late) AS po, sum(i) FILTER (WHERE late) AS io,
               sum(f) FILTER (WHERE late) AS fo, sum(n) FILTER (WHERE late) AS no
        FROM (SELECT *, due_on < {d} AND (p > 0 OR i > 0 OR f > 0 OR n > 0) AS late FROM state)
        GROUP BY loan_id
    ), live AS (
        SELECT l.id AS loan_id, l.charged_off_on, pr.grace_days, p.*
        FROM loan l JOIN product pr ON pr.id = l.product_id
        LEFT JOIN per_loan p ON p.loan_id = l.id
        WHERE l.disbursed_on <= {d} AND (l.closed_on IS NULL OR l.closed_on > {d})
    ), held AS (
        SELECT h.loan_id,
               sum(CASE WHEN v.oldest IS NULL THEN 0 ELSE greatest(0,
                   least({d} + 1, coalesce(h.ended_on, DATE '4000-01-01'))
                   - greatest(v.oldest + 1, h.started_on)) END) AS held_days,
               max(CASE WHEN h.ended_on IS NULL OR h.ended_on > {d} THEN 1 ELSE 0 END) AS held
        FROM hold h JOIN live v ON v.loan_id = h.loan_id
        WHERE h.started_on <= {d} GROUP BY h.loan_id
    ), plan AS (
        SELECT id AS plan_id, loan_id, starts_on,
               coalesce(starts_on - carried_due_on, 0) AS carried,
               coalesce(lead(starts_on) OVER (PARTITION BY loan_id ORDER BY starts_on, id),
                        DATE '4000-01-01') AS next_start
        FROM repayment_plan
    ), pdue AS (
        -- each due of a plan that fell, and whether it was paid in full by its due date
        SELECT s.id, s.repayment_plan_id AS plan_id, s.due_on,
               CASE WHEN round(s.principal_due * 100) + coalesce(sum(m.cents) FILTER
                        (WHERE m.component = 'principal'), 0) <= 0
                     AND round(s.interest_due * 100) + coalesce(sum(m.cents) FILTER
                        (WHERE m.component = 'interest'), 0) <= 0
                     AND round(s.fee_due * 100) + coalesce(sum(m.cents) FILTER
                        (WHERE m.component = 'fee'), 0) <= 0
                     AND coalesce(sum(m.cents) FILTER (WHERE m.component = 'penalty'), 0) <= 0
                    THEN 1 ELSE 0 END AS kept
        FROM installment s LEFT JOIN moves m ON m.installment_id = s.id AND m.d <= s.due_on
        WHERE s.repayment_plan_id IS NOT NULL AND s.created_on <= s.due_on
          AND (s.superseded_on IS NULL OR s.superseded_on > s.due_on)
        GROUP BY s.id, s.repayment_plan_id, s.due_on, s.principal_due, s.interest_due, s.fee_due
    ), pstat AS (
        SELECT plan_id, min(due_on) AS first_due,
               min(due_on) FILTER (WHERE run >= {pack.reage_after_dues}) AS reage_on
        FROM (SELECT *, sum(kept) OVER (PARTITION BY plan_id ORDER BY due_on, id
                  ROWS BETWEEN {pack.reage_after_dues - 1} PRECEDING AND CURRENT ROW) AS run
              FROM pdue)
        GROUP BY plan_id
    ), inplan AS (
        SELECT p.loan_id, p.carried,
               CASE WHEN {d} < coalesce(t.reage_on, DATE '4000-01-01') THEN p.carried ELSE 0
                    END AS carry,
               {d} < greatest(coalesce(t.first_due, p.starts_on),
                              coalesce(m.last_missed, t.first_due, p.starts_on))
                     + {pack.observation_days} AS observed
        FROM plan p LEFT JOIN pstat t ON t.plan_id = p.plan_id
        LEFT JOIN (SELECT plan_id, max(due_on) AS last_missed FROM pdue
                   WHERE kept = 0 AND due_on <= {d} GROUP BY plan_id) m ON m.plan_id = p.plan_id
        WHERE p.starts_on <= {d} AND p.next_start > {d}
    ), days AS (
        SELECT v.*, coalesce({d} - v.oldest, 0) AS own,
               coalesce({d} - v.oldest, 0) + coalesce(r.carry, 0) AS dpd,
               coalesce(h.held_days, 0) AS held_days, coalesce(h.held, 0) AS is_held,
               coalesce(r.observed, false) AS observed,
               CASE WHEN coalesce(r.observed, false) THEN greatest(
                   {rank_floor}, CASE WHEN {rank_before} >= 2 THEN {rank_before} ELSE 0 END)
                   ELSE 0 END AS floor_rank,
               v.charged_off_on IS NOT NULL AND v.charged_off_on <= {d} AS off
        FROM live v LEFT JOIN held h ON h.loan_id = v.loan_id
        LEFT JOIN inplan r ON r.loan_id = v.loan_id
    )
    SELECT loan_id, CASE WHEN off THEN 'charged_off' ELSE 'active' END AS status,
           CASE WHEN dpd > 0 THEN {d} - (dpd - 1)::INTEGER END AS overdue_since, dpd,
           greatest(dpd - grace_days - least(held_days, own), 0) AS delinquent_days,
           CASE WHEN off THEN '{DEFAULT_SCHEME.charged_off}' {buckets}
                ELSE '{DEFAULT_SCHEME.buckets[-1].name}' END AS bucket,
           coalesce(po, 0) AS principal_overdue, coalesce(io, 0) AS interest_overdue,
           coalesce(fo, 0) AS fee_overdue, coalesce(no, 0) AS penalty_overdue,
           coalesce(principal_outstanding, 0) AS principal_outstanding, is_held,
           CASE WHEN off THEN '{pack.charged_off_class}' {classes} END AS risk_class,
           CASE WHEN observed THEN 1 ELSE 0 END AS is_restructured
    FROM days ORDER BY loan_id
    """


def best_of(repeat: int, work: Callable[[], pa.Table]) -> tuple[float, float, pa.Table]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    assert result is not None
    return min(times), statistics.median(times), result


def agree(cycle_rows: pa.Table, floor_rows: pa.Table) -> int:
    """Compare every column; returns the number of rows compared."""
    ours = cycle_rows.sort_by("loan_id")
    theirs = floor_rows.sort_by("loan_id")
    assert ours.num_rows == theirs.num_rows, (ours.num_rows, theirs.num_rows)
    since = [
        None if v is None else EPOCH + dt.timedelta(days=v)
        for v in ours.column("overdue_since_day").to_pylist()
    ]
    assert since == theirs.column("overdue_since").to_pylist()
    for name in (
        "loan_id",
        "status",
        "dpd",
        "delinquent_days",
        "bucket",
        "principal_overdue",
        "interest_overdue",
        "fee_overdue",
        "penalty_overdue",
        "principal_outstanding",
        "is_held",
        "risk_class",
        "is_restructured",
    ):
        left = ours.column(name).to_pylist()
        right = theirs.column(name).to_pylist()
        assert left == right, f"column {name} differs"
    return ours.num_rows


def write_cost(rows: pa.Table, sample: int) -> dict[str, float]:
    """Rows per second writing loan_day into SQLite, one-row vs multi-row statements."""
    from fairdebt.cycle import engines

    part = rows.slice(0, sample)
    rates: dict[str, float] = {}
    for label, per_statement in (("one row per INSERT", 1), ("100 rows per INSERT", 100)):
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{folder}/bench.db")
            upgrade(engine)
            engines._ROWS_PER_STATEMENT = per_statement
            start = time.perf_counter()
            with engine.begin() as connection:
                _insert_many(connection, part)
            rates[label] = sample / (time.perf_counter() - start)
            engine.dispose()
    engines._ROWS_PER_STATEMENT = 100
    return rates


def _fill_sqlite(path: str, tables: dict[str, pa.Table]) -> None:
    """Write the generated ledger into a migrated SQLite file (raw inserts, not the verbs)."""
    import sqlite3

    components = ("principal", "interest", "fee", "penalty")
    fixed: dict[str, dict[str, Callable[[int], object] | object]] = {
        "product": {
            "code": lambda i: f"P{i}",
            "name": "p",
            "repayment_method": "equal_principal",
            "annual_rate": 0.18,
            "monthly_fee_rate": 0,
            "penalty_daily_rate": 0.0005,
            "cost_cap_kind": "apr",
            "cost_cap_rate": 0.24,
            "charge_off_days": 180,
            "allocation_order": "penalty,fee,interest,principal",
            "overpayment": "prepay",
        },
        "loan": {
            "external_id": lambda i: f"L{i}",
            "borrower_id": 1,
            "annual_rate": 0.18,
            "term_months": 6,
            "repayment_method": "equal_principal",
            "cost_cap_rate": 0.24,
            "status": "active",
            "credit_amount": 0,
        },
        "installment": {f"{c}_{k}": 0 for c in components for k in ("paid", "waived")},
        "allocation_line": {"payment_id": 1, "loan_id": 1},
        "accrual": {"loan_id": 1},
        "waiver": {"loan_id": 1, "reason": "bench", "actor": "bench"},
        "hold": {"kind": "dispute"},
        "repayment_plan": {
            "kind": "restructure",
            "term_months": 4,
            "annual_rate": 0.06,
            "restructured_amount": 0,
            "reason": "bench",
            "actor": "bench",
        },
    }
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=OFF")  # borrowers and payments are not generated
    for name, extra in fixed.items():
        table = tables[name]
        columns = [*table.column_names, *extra]
        data = zip(*(c.to_pylist() for c in table.columns), strict=True)
        rows = [
            tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row)
            + tuple(x(row[0]) if callable(x) else x for x in extra.values())
            for row in data
        ]
        marks = ",".join("?" * len(columns))
        con.executemany(f"INSERT INTO {name} ({','.join(columns)}) VALUES ({marks})", rows)
    con.commit()
    con.close()


def year_of_days(loans: int) -> tuple[int, float]:
    """Close every date of 2024 for a demo-sized portfolio held in SQLite, in one call."""
    from fairdebt.cycle import run_range

    tables = generate(loans)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/year.db")
        upgrade(engine)
        _fill_sqlite(f"{folder}/year.db", tables)
        start = time.perf_counter()
        results = run_range(
            engine,
            start=dt.date(2024, 1, 1),
            end=dt.date(2024, 12, 31),
            at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        )
        seconds = time.perf_counter() - start
        engine.dispose()
    return sum(r.loan_count for r in results), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-sample", type=int, default=300_000)
    parser.add_argument(
        "--year-loans",
        type=int,
        default=30_000,
        help="loans for the year of daily closes (0: skip)",
    )
    args = parser.parse_args()
    console = Console()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("generating the portfolio", total=4)
        start = time.perf_counter()
        tables = generate(args.loans)
        generated = time.perf_counter() - start
        sizes = {name: t.num_rows for name, t in tables.items()}
        progress.update(task, advance=1, description="timing the cycle and the floor")
        compute = open_arrow(tables)
        sql = floor_sql(BUSINESS_DATE)
        connection = compute.backend.con
        # Interleaved (cycle, floor, cycle, floor, ...) so that load from other work on the
        # machine falls on both alike.
        cycle_times, floor_times = [], []
        for _ in range(args.repeat):
            t, _m, cycle_rows = best_of(
                1, lambda: compute_loan_days(compute, start=BUSINESS_DATE, end=BUSINESS_DATE)
            )
            cycle_times.append(t)
            t, _m, floor_rows = best_of(1, lambda: connection.sql(sql).to_arrow_table())
            floor_times.append(t)
        cycle_best, cycle_median = min(cycle_times), statistics.median(cycle_times)
        floor_best, floor_median = min(floor_times), statistics.median(floor_times)
        progress.update(task, advance=1)
        progress.update(task, advance=1, description="checking they agree; timing writes")
        compared = agree(cycle_rows, floor_rows)
        rates = write_cost(cycle_rows, min(args.write_sample, cycle_rows.num_rows))
        progress.update(task, advance=1, description="closing a year of dates on SQLite")
        year = year_of_days(args.year_loans) if args.year_loans else None
    ratio = cycle_best / floor_best
    command = "PYTHONPATH=src .venv/bin/python benchmarks/cycle.py " + " ".join(
        f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items()
    )
    lines = [
        "# Cycle benchmark",
        "",
        f"Portfolio: {sizes['loan']:,} loans, {sizes['installment']:,} installments, "
        f"{sizes['allocation_line']:,} allocation lines, {sizes['accrual']:,} accruals, "
        f"{sizes['waiver']:,} waivers, {sizes['hold']:,} holds, {sizes['repayment_plan']:,} "
        f"restructures (4 new dues each; re-ageing and 五级分类 computed by both) "
        f"(generated in {generated:.1f} s).",
        f"One business date ({BUSINESS_DATE}); {compared:,} loan_day rows, identical in every "
        "column between the two.",
        "",
        f"| what | best of {args.repeat} (s) | median (s) |",
        "|---|---:|---:|",
        f"| cycle (Ibis expressions → DuckDB, incl. build and compile) | {cycle_best:.2f} | "
        f"{cycle_median:.2f} |",
        f"| floor: hand-written single DuckDB SQL query | {floor_best:.2f} | {floor_median:.2f} |",
        f"| **ratio cycle / floor** (target ≤ 2.0) | **{ratio:.2f}** | "
        f"{cycle_median / floor_median:.2f} |",
        "",
        f"Writing loan_day into SQLite (WAL, one transaction, {min(args.write_sample, compared):,}"
        " rows):",
        "",
        "| statement shape | rows/s |",
        "|---|---:|",
        *(f"| {label} | {rate:,.0f} |" for label, rate in rates.items()),
        "",
        *(
            [
                f"A year of daily closes on SQLite: {args.year_loans:,} loans (6 installments "
                "each, no loan closes, so every disbursed loan has a row every day), "
                "`run_range` 2024-01-01..2024-12-31 in one call (read, compute in 62-day "
                f"passes, write): **{year[0]:,} loan_day rows in {year[1]:.0f} s** "
                f"({year[0] / year[1]:,.0f} rows/s end to end).",
                "",
            ]
            if year
            else []
        ),
        f"Command: `{command}`",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}; "
        f"load average at the end {os.getloadavg()[0]:.1f} (other work shared the machine).",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    console.print("\n".join(lines))


if __name__ == "__main__":
    main()
