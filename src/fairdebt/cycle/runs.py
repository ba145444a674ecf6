"""Running the daily cycle: compute a date (or a range of dates) and write it, in one transaction.

:func:`run` closes one business date; :func:`run_range` closes every date of a range in one
vectorised pass. Both replace any rows already written for those dates (never duplicating them),
write one ``cycle_run`` row per date and one ``cycle.ran`` audit entry per date with its counts,
in the same transaction as the rows: a date is either fully closed or untouched. Dates must move
forward: a date on or before the last closed date is refused unless ``rerun=True``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa
from sqlalchemy import Engine, delete, func, insert, select

from fairdebt import audit
from fairdebt.cycle.buckets import DEFAULT_SCHEME, BucketScheme
from fairdebt.cycle.classification import CN_2023, ClassificationPack
from fairdebt.cycle.delinquency import day_number, loan_days_between, loan_days_on
from fairdebt.cycle.engines import Compute, computing, delete_loan_days, write_loan_days
from fairdebt.db import make_session
from fairdebt.errors import ConflictError, InputError
from fairdebt.models import CycleRun

__all__ = ["CycleResult", "compute_loan_days", "last_run_date", "run", "run_range"]

Progress = Callable[[int, int], None]
# Dates computed per pass of a range: bounds memory (rows held in Arrow) without losing speed.
CHUNK_DAYS = 62


@dataclass(frozen=True, slots=True)
class CycleResult:
    """What one business date's close produced."""

    business_date: dt.date
    engine: str
    loan_count: int
    bucket_counts: dict[str, int]
    rerun: bool
    class_counts: dict[str, int] = field(default_factory=dict)


def last_run_date(engine: Engine) -> dt.date | None:
    """The latest business date the cycle has closed, if any."""
    with engine.connect() as connection:
        value = connection.execute(select(func.max(CycleRun.business_date))).scalar_one()
    if isinstance(value, str):  # SQLite aggregates lose the column type
        return dt.date.fromisoformat(value)
    return value


def _check_dates(engine: Engine, start: dt.date, end: dt.date, rerun: bool) -> None:
    if end < start:
        raise InputError(
            f"the range must not end before it starts (got {start} to {end})", field="end"
        )
    last = last_run_date(engine)
    if last is None or rerun or start > last:
        return
    if start == last:
        raise ConflictError(
            f"business date {start} has already been closed; pass --rerun to recompute it "
            f"(业务日期 {start} 已跑批；如需重跑请加 --rerun)"
        )
    raise ConflictError(
        f"business date {start} is earlier than the last run ({last}); pass --rerun to "
        f"recompute it (业务日期 {start} 早于最近一次跑批 {last}；如需重跑请加 --rerun)"
    )


def compute_loan_days(
    compute: Compute,
    *,
    start: dt.date,
    end: dt.date,
    scheme: BucketScheme = DEFAULT_SCHEME,
    classification: ClassificationPack = CN_2023,
) -> pa.Table:
    """The ``loan_day`` rows of ``start..end`` (day numbers and cents), not yet written."""
    if start == end:
        expr = loan_days_on(
            compute.ledger, business_date=start, scheme=scheme, classification=classification
        )
    else:
        days = range(day_number(start), day_number(end) + 1)
        expr = loan_days_between(
            compute.ledger,
            spine=compute.spine(days),
            end_day=days[-1],
            scheme=scheme,
            classification=classification,
        )
    rows = compute.execute(expr.order_by("business_day", "loan_id"))
    return rows


def _counts(rows: pa.Table, dates: list[dt.date], column: str) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {day_number(d): {} for d in dates}
    grouped = rows.group_by(["business_day", column]).aggregate([("loan_id", "count")])
    for day, label, count in zip(
        grouped.column("business_day").to_pylist(),
        grouped.column(column).to_pylist(),
        grouped.column("loan_id_count").to_pylist(),
        strict=True,
    ):
        counts[day][label] = count
    return counts


def _results(rows: pa.Table, dates: list[dt.date], name: str, rerun: bool) -> list[CycleResult]:
    buckets, classes = _counts(rows, dates, "bucket"), _counts(rows, dates, "risk_class")
    return [
        CycleResult(
            d,
            name,
            sum(buckets[day_number(d)].values()),
            dict(sorted(buckets[day_number(d)].items())),
            rerun,
            dict(sorted(classes[day_number(d)].items())),
        )
        for d in dates
    ]


def _write(
    engine: Engine,
    rows: pa.Table,
    results: list[CycleResult],
    *,
    scheme: BucketScheme,
    actor: str,
    at: dt.datetime,
) -> None:
    start, end = results[0].business_date, results[-1].business_date
    with make_session(engine) as session, session.begin():
        connection = session.connection()
        delete_loan_days(connection, start, end)
        write_loan_days(connection, rows)
        connection.execute(
            delete(CycleRun).where(CycleRun.business_date >= start, CycleRun.business_date <= end)
        )
        connection.execute(
            insert(CycleRun),
            [
                {
                    "business_date": r.business_date,
                    "engine": r.engine,
                    "bucket_scheme": scheme.name,
                    "loan_count": r.loan_count,
                    "ran_at": at,
                }
                for r in results
            ],
        )
        audit.record_many(
            session,
            [
                audit.AuditEvent(
                    "cycle.ran",
                    "cycle_run",
                    r.business_date.isoformat(),
                    actor,
                    at,
                    {
                        "business_date": r.business_date,
                        "engine": r.engine,
                        "scheme": scheme.name,
                        "metric": scheme.metric,
                        "loans": r.loan_count,
                        "buckets": r.bucket_counts,
                        "classes": r.class_counts,
                        "rerun": r.rerun,
                    },
                )
                for r in results
            ],
        )


def run_range(
    engine: Engine,
    *,
    start: dt.date,
    end: dt.date,
    compute: str = "duckdb",
    rerun: bool = False,
    scheme: BucketScheme = DEFAULT_SCHEME,
    classification: ClassificationPack = CN_2023,
    actor: str = "cycle",
    at: dt.datetime,
    progress: Progress | None = None,
) -> list[CycleResult]:
    """Close every business date of ``start..end`` (inclusive).

    The dates are computed in passes of :data:`CHUNK_DAYS` (each one vectorised pass over the
    whole ledger), and each pass is written in its own transaction, so memory stays bounded and
    every date is either fully closed or untouched. ``progress(done, total)`` is called after
    each pass with the dates done so far.
    """
    _check_dates(engine, start, end, rerun)
    dates = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    chunks = [dates[i : i + CHUNK_DAYS] for i in range(0, len(dates), CHUNK_DAYS)]
    results: list[CycleResult] = []
    with computing(engine, compute) as engine_in_use:
        for chunk in chunks:
            rows = compute_loan_days(
                engine_in_use,
                start=chunk[0],
                end=chunk[-1],
                scheme=scheme,
                classification=classification,
            )
            done = _results(rows, chunk, compute, rerun)
            _write(engine, rows, done, scheme=scheme, actor=actor, at=at)
            results.extend(done)
            if progress is not None:
                progress(len(results), len(dates))
    return results


def run(
    engine: Engine,
    *,
    business_date: dt.date,
    compute: str = "duckdb",
    rerun: bool = False,
    scheme: BucketScheme = DEFAULT_SCHEME,
    classification: ClassificationPack = CN_2023,
    actor: str = "cycle",
    at: dt.datetime,
) -> CycleResult:
    """Close one business date: write its ``loan_day`` rows, ``cycle_run`` row and audit entry."""
    return run_range(
        engine,
        start=business_date,
        end=business_date,
        compute=compute,
        rerun=rerun,
        scheme=scheme,
        classification=classification,
        actor=actor,
        at=at,
    )[0]
