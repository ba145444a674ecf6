"""Benchmark: one day's penalty accrual (with its cost-cap room) on a demo book, rolled back.

Run ``fairdebt demo`` first (it leaves ``fairdebt-demo.db``), then::

    .venv/bin/python benchmarks/cost_cap.py --database sqlite:///fairdebt-demo.db

Each repeat accrues the dates after the book's last simulated day (2026-01-01 onwards: every
delinquent loan is a candidate, none is accrued yet) in a transaction that is rolled back, and
reports this process's CPU seconds per call, best and median. To compare two versions of the
code, run it once per version (``PYTHONPATH=<other src>``) on copies of the same database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import fairdebt
from fairdebt.db import make_engine, make_session
from fairdebt.ledger.accruals import accrue_penalties

AT = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite:///fairdebt-demo.db")
    parser.add_argument("--first", type=dt.date.fromisoformat, default=dt.date(2026, 1, 1))
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    engine = make_engine(args.database)
    seconds, rows = [], 0
    for offset in range(args.days):
        day = args.first + dt.timedelta(days=offset)
        for _ in range(args.repeat):
            with make_session(engine) as session:
                session.begin()
                start = time.process_time()
                rows = accrue_penalties(session, business_date=day, actor="bench", at=AT)
                seconds.append(time.process_time() - start)
                session.rollback()
    engine.dispose()
    print(
        f"{fairdebt.__file__}: {rows:,} accruals on the last day; CPU s per call "
        f"best {min(seconds):.3f}, median {statistics.median(seconds):.3f} "
        f"({len(seconds)} calls)"
    )


if __name__ == "__main__":
    main()
