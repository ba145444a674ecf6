"""Portfolio figures read back from the ledger and the cycle's loan_day: the calibration KPIs,
the bucket mix by month, a roll-rate matrix and vintage curves, as pandas frames.

Floats are fine here (analytics). The calibration KPIs are the cycle's own
(:func:`fairdebt.cycle.indicators.kpis`, every measuring day of the simulated year), shown under
the names of calibration.md's rows 25-31 (:data:`CALIBRATION`), so that the demo and
``fairdebt cycle kpis`` can never disagree on what a KPI means: day-1 delinquency (入催率),
30-day collection rate, 90+ balance share (from the stored loan_day, and again on the last
date's rows computed afresh from the ledger, as a cross-check), M3 recovery and FPD30. The
roll-rate matrix is the cycle's too (:func:`fairdebt.cycle.roll_rates`, by count).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from fairdebt.cycle import kpis, roll_rates
from fairdebt.models import Loan, LoanDay

__all__ = [
    "BUCKETS",
    "CALIBRATION",
    "Measures",
    "bucket_mix",
    "calibration_kpis",
    "measure",
    "vintage_table",
]

BUCKETS = ("M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7+")


def _frame(engine: Engine, statement: Any) -> pd.DataFrame:
    with engine.connect() as connection:
        result = connection.execute(statement)
        columns = list(result.keys())
        # Plain tuples: pandas probes each SQLAlchemy Row for namedtuple fields, which costs an
        # exception per row (most of this module's time on a demo-sized book).
        return pd.DataFrame([tuple(row) for row in result.fetchall()], columns=columns)


# Calibration row -> the cycle KPI it is (docs/glossary.md defines each once).
CALIBRATION = {
    "day1_delinquency": "day1_delinquency_rate",
    "collected_30d": "collection_rate_30d",
    "share_90_plus": "dpd90_balance_rate",
    "share_90_plus_ledger": "dpd90_balance_rate_recomputed",
    "m3_recovery": "m3_recovery",
    "fpd30": "fpd30",
}


def calibration_kpis(engine: Engine, *, end_on: dt.date) -> dict[str, float]:
    """The calibration figures of the portfolio in ``engine`` as of ``end_on``."""
    figures = kpis(engine, business_date=end_on, window_days=None, recompute_stock=True)
    result = {row: figures[key] for row, key in CALIBRATION.items()}
    loans = _frame(
        engine,
        select(Loan.principal_amount, Loan.term_months).where(Loan.disbursed_on <= end_on),
    )
    amount = loans["principal_amount"].astype(float)
    result["avg_loan"] = float(amount.mean()) if len(amount) else 0.0
    result["weighted_tenor"] = float((amount * loans["term_months"]).sum() / max(amount.sum(), 1))
    return result


def bucket_mix(engine: Engine, dates: list[dt.date]) -> pd.DataFrame:
    """Loans and principal outstanding by bucket on each of ``dates`` (rows: date, bucket)."""
    rows = _frame(
        engine,
        select(
            LoanDay.business_date,
            LoanDay.bucket,
            func.count().label("loans"),
            func.sum(LoanDay.principal_outstanding).label("balance"),
        )
        .where(LoanDay.business_date.in_(dates))
        .group_by(LoanDay.business_date, LoanDay.bucket),
    )
    rows["balance"] = rows["balance"].astype(float)
    return rows


def vintage_table(engine: Engine, month_ends: list[dt.date]) -> pd.DataFrame:
    """Share of each disbursement month's loans ever 30+ dpd at month ends, by months on book."""
    snap = _frame(
        engine,
        select(LoanDay.business_date, LoanDay.loan_id, LoanDay.dpd, Loan.disbursed_on)
        .join(Loan, Loan.id == LoanDay.loan_id)
        .where(LoanDay.business_date.in_(month_ends)),
    )
    loans = _frame(engine, select(Loan.id, Loan.disbursed_on))
    if loans.empty:
        return pd.DataFrame()
    sizes = pd.to_datetime(loans["disbursed_on"]).dt.to_period("M").value_counts().sort_index()
    ends = [pd.Period(m, "M") for m in month_ends]
    table = pd.DataFrame(0.0, index=sizes.index, columns=range(len(month_ends)))
    if not snap.empty:
        snap["vintage"] = pd.to_datetime(snap["disbursed_on"]).dt.to_period("M")
        end_period = pd.to_datetime(snap["business_date"]).dt.to_period("M")
        snap["mob"] = (end_period.dt.year - snap["vintage"].dt.year) * 12 + (
            end_period.dt.month - snap["vintage"].dt.month
        )
        snap = snap.sort_values(["loan_id", "business_date"])
        snap["ever30"] = snap.groupby("loan_id")["dpd"].cummax() >= 30
        hits = snap[snap["ever30"]].groupby(["vintage", "mob"])["loan_id"].nunique()
        if not hits.empty:
            table = table.add(hits.unstack("mob").reindex_like(table).fillna(0.0), fill_value=0.0)
    # Once ever 30+, always ever 30+ (a loan may close and leave loan_day): carry forward.
    table = table.cummax(axis=1).div(sizes, axis=0)
    for vintage in table.index:
        observed = len([e for e in ends if e >= vintage])
        table.loc[vintage, [c for c in table.columns if c >= observed]] = np.nan
    table.index = pd.Index(table.index.astype(str), name="vintage")
    return table


@dataclass(frozen=True, slots=True)
class Measures:
    kpis: dict[str, float]
    mix: pd.DataFrame
    rolls: pd.DataFrame
    vintages: pd.DataFrame
    month_ends: list[dt.date]


def measure(engine: Engine, *, month_ends: list[dt.date]) -> Measures:
    """Everything the demo shows, for a run whose month ends are ``month_ends``."""
    end_on = month_ends[-1]
    before = month_ends[-2] if len(month_ends) > 1 else month_ends[-1]
    return Measures(
        kpis=calibration_kpis(engine, end_on=end_on),
        mix=bucket_mix(engine, month_ends),
        rolls=roll_rates(engine, from_date=before, to_date=end_on, by="count")
        if before < end_on
        else pd.DataFrame(),
        vintages=vintage_table(engine, month_ends),
        month_ends=month_ends,
    )
