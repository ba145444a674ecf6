"""What the closed days say: roll rates, vintage curves and exports (KPIs: ``indicators``).

Everything here reads dates the cycle has already closed (``loan_day``) through the same Ibis
expressions on the same engines as the cycle. Definitions (also in
docs/decisions/delinquency-definitions.md):

* roll rates: for the loans of each bucket on one date, the share in each bucket (or closed) on
  a later date, by count or weighted by principal outstanding; rows sum to 1;
* vintage curves: per disbursement month and months on book (month-end snapshots), a balance or
  count share of the vintage's original principal or loans.

The portfolio KPIs (delinquency rates, classes, FPD30, 入催率, 30-day collection, M3 recovery)
are :mod:`fairdebt.cycle.indicators`, the one place each is defined.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Literal

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa
import pyarrow.compute
import pyarrow.csv
import pyarrow.parquet as pq
from sqlalchemy import Engine, select

from fairdebt.cycle.buckets import DEFAULT_SCHEME, BucketScheme
from fairdebt.cycle.delinquency import as_cents, as_day, day_number
from fairdebt.cycle.engines import (
    LOAN_DAY_COLUMNS_STORED,
    computing,
    read_table,
)
from fairdebt.errors import InputError
from fairdebt.ledger.balances import journal_table
from fairdebt.models import CycleRun

__all__ = [
    "CLOSED",
    "VINTAGE_METRICS",
    "export",
    "on_date",
    "require_closed",
    "roll_rates",
    "vintage_curves",
]

CLOSED = "closed"  # the roll-rate column of loans that closed (paid off) between the two dates
VINTAGE_METRICS = ("dpd30_balance_share", "dpd90_balance_share", "dpd30_count_share")


def _closed_dates(engine: Engine) -> list[dt.date]:
    with engine.connect() as connection:
        values = connection.execute(
            select(CycleRun.business_date).order_by(CycleRun.business_date)
        ).scalars()
        return [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]


def require_closed(engine: Engine, *dates: dt.date) -> None:
    """Refuse (InputError naming ``date``) the first of ``dates`` the cycle has not closed."""
    closed = set(_closed_dates(engine))
    for day in dates:
        if day not in closed:
            raise InputError(
                f"business date {day} has not been closed; run `fairdebt cycle run --date "
                f"{day}` first (该业务日期尚未跑批)",
                field="date",
            )


def on_date(loan_day: ir.Table, day: dt.date) -> ir.Table:
    """The ``loan_day`` rows of one business date."""
    # the column against a date literal, not its day number: the database then seeks the
    # primary key (business_date, loan_id) instead of computing a number for every row
    return loan_day.filter(loan_day.business_date == ibis.literal(day, "date"))


def roll_rates(
    engine: Engine,
    *,
    from_date: dt.date,
    to_date: dt.date,
    by: Literal["count", "balance"] = "count",
    scheme: BucketScheme = DEFAULT_SCHEME,
    compute: str = "duckdb",
) -> pd.DataFrame:
    """Where the loans of each bucket on ``from_date`` were on ``to_date``; rows sum to 1.

    Rows are from-buckets holding any loan (or any balance, ``by="balance"``, weighting each loan
    by its principal outstanding on ``from_date``); columns are the scheme's buckets and
    ``closed`` (no row on ``to_date``: the loan closed in between).
    """
    if by not in ("count", "balance"):
        raise InputError(f"roll rates are by 'count' or 'balance' (got {by!r})", field="by")
    if to_date <= from_date:
        raise InputError(
            f"to_date must be after from_date (got {from_date} to {to_date})", field="to_date"
        )
    require_closed(engine, from_date, to_date)
    with computing(engine, compute, loan_day_dates=[from_date, to_date]) as engine_in_use:
        loan_day = engine_in_use.table("loan_day")
        start = on_date(loan_day, from_date)
        weight = as_cents(start.principal_outstanding) if by == "balance" else ibis.literal(1)
        start = start.select("loan_id", from_bucket=start.bucket, weight=weight.cast("int64"))
        end = on_date(loan_day, to_date)
        end = end.select(to_loan_id=end.loan_id, to_bucket=end.bucket)
        pairs = start.left_join(end, start.loan_id == end.to_loan_id)
        pairs = pairs.mutate(to_bucket=ibis.coalesce(pairs.to_bucket, CLOSED))
        flows = pairs.group_by("from_bucket", "to_bucket").agg(weight=pairs.weight.sum())
        table = engine_in_use.execute(flows).to_pandas()
    return _matrix(table, scheme)


def _matrix(flows: pd.DataFrame, scheme: BucketScheme) -> pd.DataFrame:
    known = list(scheme.names)
    seen = sorted((set(flows["from_bucket"]) | set(flows["to_bucket"])) - {CLOSED, *known})
    order = known + seen
    matrix = flows.pivot_table(
        index="from_bucket", columns="to_bucket", values="weight", aggfunc="sum", fill_value=0
    ).reindex(columns=[*order, CLOSED], fill_value=0)
    matrix = matrix.reindex([b for b in order if b in matrix.index])
    totals = matrix.sum(axis=1)
    matrix = matrix[totals > 0].div(totals[totals > 0], axis=0).astype(float)
    matrix.index.name, matrix.columns.name = "from_bucket", "to_bucket"
    return matrix


def _month_ends(dates: list[dt.date]) -> list[dt.date]:
    last: dict[tuple[int, int], dt.date] = {}
    for day in dates:
        last[(day.year, day.month)] = max(day, last.get((day.year, day.month), day))
    return sorted(last.values())


def vintage_curves(
    engine: Engine, *, metric: str = "dpd30_balance_share", compute: str = "duckdb"
) -> pd.DataFrame:
    """Rows: disbursement month ('2024-01'); columns: months on book; values: ``metric``.

    Observed at the last closed date of each calendar month. ``dpd30_balance_share`` is the
    principal outstanding of the vintage's loans at dpd >= 30 (charged-off included) over the
    vintage's disbursed principal; ``dpd90_balance_share`` the same at dpd >= 90;
    ``dpd30_count_share`` counts loans instead of yuan.
    """
    if metric not in VINTAGE_METRICS:
        raise InputError(
            f"vintage metric must be one of {list(VINTAGE_METRICS)} (got {metric!r})",
            field="metric",
        )
    ends = _month_ends(_closed_dates(engine))
    if not ends:
        return pd.DataFrame()
    with computing(engine, compute, loan_day_dates=ends) as engine_in_use:
        expr = _vintage_expr(
            engine_in_use.ledger.loan, engine_in_use.table("loan_day"), ends, metric
        )
        table = engine_in_use.execute(expr).to_pandas()
    curves = table.pivot_table(index="vintage", columns="mob", values="share")
    # A month observed with no live loan of the vintage left is a share of 0, not a gap.
    for vintage in curves.index:
        year, month = (int(part) for part in vintage.split("-"))
        for end in ends:
            mob = (end.year - year) * 12 + end.month - month
            if mob in curves.columns and math.isnan(curves.at[vintage, mob]):
                curves.at[vintage, mob] = 0.0
    curves.columns.name, curves.index.name = "months_on_book", "vintage"
    return curves.astype(float)


def _vintage_expr(loan: ir.Table, loan_day: ir.Table, ends: list[dt.date], metric: str) -> ir.Table:
    end_days = [day_number(d) for d in ends]
    loans = loan.select(
        v_loan_id=loan.id.cast("int64"),
        vintage_month=loan.disbursed_on.year() * 12 + loan.disbursed_on.month() - 1,
        principal=as_cents(loan.principal_amount),
    )
    sizes = loans.group_by("vintage_month").agg(
        vintage_loans=loans.count(), vintage_principal=loans.principal.sum()
    )
    snaps = loan_day.filter(as_day(loan_day.business_date).isin(end_days))
    snaps = snaps.join(loans, snaps.loan_id == loans.v_loan_id)
    obs_month = snaps.business_date.year() * 12 + snaps.business_date.month() - 1
    snaps = snaps.mutate(
        mob=obs_month - snaps.vintage_month, balance=as_cents(snaps.principal_outstanding)
    )
    late = snaps.dpd >= (90 if metric.startswith("dpd90") else 30)
    balance = snaps.balance
    per = snaps.group_by("vintage_month", "mob").agg(
        late_loans=snaps.count(where=late), late_balance=balance.sum(where=late)
    )
    per = per.join(sizes, "vintage_month")
    if metric.endswith("count_share"):
        share = per.late_loans.cast("float64") / per.vintage_loans
    else:
        share = ibis.coalesce(per.late_balance, 0).cast("float64") / per.vintage_principal
    year = (per.vintage_month // 12).cast("string")
    month = (per.vintage_month % 12 + 1).cast("string").lpad(2, "0")
    return per.select(vintage=year.concat("-", month), mob=per.mob, share=share)


def export(
    engine: Engine,
    *,
    what: Literal["loan_day", "roll_rates", "journal"],
    out: Path,
    start: dt.date | None = None,
    end: dt.date | None = None,
    by: Literal["count", "balance"] = "count",
) -> int:
    """Write ``loan_day`` rows of ``start..end`` (default: every closed date), the roll-rate
    matrix from ``start`` to ``end``, or the general ledger's journal lines posted from
    ``start`` to ``end`` (default: all) to ``out``, as CSV or Parquet by its extension.

    Returns the number of rows written.
    """
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise InputError(f"export file must end in .csv or .parquet (got {out.name})", field="out")
    if what == "roll_rates":
        if start is None or end is None:
            raise InputError("roll-rate export needs --from and --to dates", field="from")
        matrix = roll_rates(engine, from_date=start, to_date=end, by=by).reset_index()
        table = pa.Table.from_pandas(matrix, preserve_index=False)
    elif what == "loan_day":
        table = _loan_day_table(engine, start, end)
    elif what == "journal":
        table = journal_table(engine, start, end)
    else:
        raise InputError(
            f"export what must be loan_day, roll_rates or journal (got {what!r})", field="what"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        pa.csv.write_csv(table, out)
    else:
        pq.write_table(table, out)
    return int(table.num_rows)


def _loan_day_table(engine: Engine, start: dt.date | None, end: dt.date | None) -> pa.Table:
    dates = [
        d
        for d in _closed_dates(engine)
        if (start is None or d >= start) and (end is None or d <= end)
    ]
    with engine.connect() as connection:
        table = read_table(connection, "loan_day", LOAN_DAY_COLUMNS_STORED, dates=dates)
    money = [name for name, kind in LOAN_DAY_COLUMNS_STORED.items() if kind == "money"]
    cent = pa.scalar(Decimal("0.01"), pa.decimal128(3, 2))
    for name in money:
        # Integer cents (as read_table gives money) become exact 2-place decimals.
        cents = pa.compute.cast(table[name], pa.decimal128(19, 0))
        exact = pa.compute.cast(pa.compute.multiply(cents, cent), pa.decimal128(18, 2))
        table = table.set_column(table.schema.get_field_index(name), name, exact)
    return table.sort_by([("business_date", "ascending"), ("loan_id", "ascending")])
