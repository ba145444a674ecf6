"""Portfolio figures read back from the ledger and the cycle's loan_day: the calibration KPIs,
the bucket mix by month, a roll-rate matrix and vintage curves, as pandas frames.

Floats are fine here (analytics). The calibration definitions follow calibration.md rows 25-31:

* **day-1 delinquency (入催率)**: principal of dues that fell on a current loan (every earlier
  due settled before it) and were not settled by the end of the due date, over the principal of
  all dues that fell on current loans;
* **30-day collection rate**: of that day-1 delinquent principal, the share paid within 30 days;
* **90+ balance share**: principal outstanding of loans 91-180 dpd (buckets M4-M6, before
  charge-off) over the principal outstanding of all active loans, on the last business date,
  from the cycle's loan_day (``share_90_plus``) and recomputed from the ledger's installments
  and allocation lines (``share_90_plus_ledger``) as a cross-check;
* **M3 recovery**: money paid in the 30 days after a loan first reaches 61 dpd, over its
  principal outstanding on that day;
* **FPD30**: share of loans whose first due was still unsettled 30 days after it fell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from fairdebt.models import AllocationLine, Installment, Loan, LoanDay, Payment, PaymentStatus

__all__ = [
    "BUCKETS",
    "Measures",
    "bucket_mix",
    "calibration_kpis",
    "measure",
    "roll_matrix",
    "vintage_table",
]

BUCKETS = ("M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7+")
NEVER = pd.Timestamp("2262-01-01")


def _frame(engine: Engine, statement: Any) -> pd.DataFrame:
    with engine.connect() as connection:
        result = connection.execute(statement)
        columns = list(result.keys())
        # Plain tuples: pandas probes each SQLAlchemy Row for namedtuple fields, which costs an
        # exception per row (most of this module's time on a demo-sized book).
        return pd.DataFrame([tuple(row) for row in result.fetchall()], columns=columns)


def _installments(engine: Engine) -> pd.DataFrame:
    """Current installments with the day each was settled (NaT if still open)."""
    inst = _frame(
        engine,
        select(
            Installment.id,
            Installment.loan_id,
            Installment.seq,
            Installment.due_on,
            Installment.principal_due,
            (
                Installment.principal_due
                + Installment.interest_due
                + Installment.fee_due
                + Installment.penalty_due
                - Installment.principal_waived
                - Installment.interest_waived
                - Installment.fee_waived
                - Installment.penalty_waived
            ).label("total_due"),
        ).where(Installment.superseded_on.is_(None)),
    )
    lines = _frame(
        engine,
        select(
            AllocationLine.installment_id,
            AllocationLine.effective_on,
            AllocationLine.component,
            func.sum(AllocationLine.amount).label("amount"),
        ).group_by(
            AllocationLine.installment_id, AllocationLine.effective_on, AllocationLine.component
        ),
    )
    for frame, columns in ((inst, ("principal_due", "total_due")), (lines, ("amount",))):
        for column in columns:
            frame[column] = frame[column].astype(float)
    inst["due_on"] = pd.to_datetime(inst["due_on"])
    lines["effective_on"] = pd.to_datetime(lines["effective_on"])
    lines = lines.sort_values(["installment_id", "effective_on"])
    daily = lines.groupby(["installment_id", "effective_on"], as_index=False)["amount"].sum()
    daily["paid"] = daily.groupby("installment_id")["amount"].cumsum()
    daily = daily.merge(inst[["id", "total_due"]], left_on="installment_id", right_on="id")
    settled = daily[daily["paid"] >= daily["total_due"] - 0.005]
    settled_on = settled.groupby("installment_id")["effective_on"].min()
    inst["settled_on"] = inst["id"].map(settled_on).fillna(NEVER)
    principal = lines[lines["component"] == "principal"]
    inst.attrs["principal_lines"] = principal
    return inst.sort_values(["loan_id", "seq"]).reset_index(drop=True)


def _earlier_settled(inst: pd.DataFrame) -> pd.Series:
    """For each due, when the last of the loan's earlier dues was settled (NaT for the first)."""
    previous = inst.groupby("loan_id")["settled_on"].shift(1)
    return previous.groupby(inst["loan_id"]).cummax()


def _paid_principal_within(inst: pd.DataFrame, rows: pd.Series, days: int) -> pd.Series:
    lines = inst.attrs["principal_lines"]
    due = inst.loc[rows, ["id", "due_on"]]
    merged = lines.merge(due, left_on="installment_id", right_on="id")
    inside = merged[merged["effective_on"] <= merged["due_on"] + pd.Timedelta(days=days)]
    return inside.groupby("installment_id")["amount"].sum()


def calibration_kpis(engine: Engine, *, end_on: dt.date) -> dict[str, float]:
    """The calibration figures of the portfolio in ``engine`` as of ``end_on``."""
    end = pd.Timestamp(end_on)
    inst = _installments(engine)
    # Every earlier due of the loan was settled before this one fell: the loan was current.
    earlier_settled = _earlier_settled(inst)
    current = (earlier_settled.isna() | (earlier_settled <= inst["due_on"])) & (
        inst["due_on"] <= end
    )
    # Settled after the due date: paid late (a payment on the due date counts as on time).
    missed = current & (inst["settled_on"] > inst["due_on"])
    d1 = inst.loc[missed, "principal_due"].sum() / max(inst.loc[current, "principal_due"].sum(), 1)
    seen = missed & (inst["due_on"] + pd.Timedelta(days=30) <= end)
    paid30 = _paid_principal_within(inst, seen, 30)
    collected = inst.loc[seen, "id"].map(paid30).fillna(0.0).sum()
    collected30 = collected / max(inst.loc[seen, "principal_due"].sum(), 1)

    first = inst[inst["seq"] == 1]
    matured = first["due_on"] + pd.Timedelta(days=30) <= end
    fpd = first.loc[matured, "settled_on"] > first.loc[matured, "due_on"] + pd.Timedelta(days=30)
    loans = _frame(engine, select(Loan.id, Loan.principal_amount, Loan.term_months))
    amount = loans["principal_amount"].astype(float)
    return {
        "day1_delinquency": float(d1),
        "collected_30d": float(collected30),
        "share_90_plus": _share_90_plus(engine, end_on),
        "share_90_plus_ledger": _share_90_plus_ledger(engine, inst, end),
        "m3_recovery": _m3_recovery(engine, inst, end),
        "fpd30": float(fpd.mean()) if len(fpd) else 0.0,
        "avg_loan": float(amount.mean()) if len(amount) else 0.0,
        "weighted_tenor": float((amount * loans["term_months"]).sum() / max(amount.sum(), 1)),
    }


def _share_90_plus(engine: Engine, on: dt.date) -> float:
    day = _frame(
        engine,
        select(LoanDay.bucket, LoanDay.principal_outstanding).where(LoanDay.business_date == on),
    )
    if day.empty:
        return float("nan")
    day["principal_outstanding"] = day["principal_outstanding"].astype(float)
    live = day[day["bucket"] != "M7+"]
    late = live[live["bucket"].isin(["M4", "M5", "M6"])]
    return float(late["principal_outstanding"].sum() / max(live["principal_outstanding"].sum(), 1))


def _share_90_plus_ledger(engine: Engine, inst: pd.DataFrame, end: pd.Timestamp) -> float:
    """The 90+ balance share recomputed from installments and allocation lines alone."""
    loans = _frame(
        engine, select(Loan.id, Loan.principal_amount, Loan.charged_off_on, Loan.disbursed_on)
    ).set_index("id")
    loans = loans[pd.to_datetime(loans["disbursed_on"]) <= end]
    charged = pd.to_datetime(loans["charged_off_on"])
    live = loans[charged.isna() | (charged > end)]
    lines = inst.attrs["principal_lines"]
    lines = lines[lines["effective_on"] <= end].merge(
        inst[["id", "loan_id"]], left_on="installment_id", right_on="id"
    )
    balance = live["principal_amount"].astype(float) - lines.groupby("loan_id")[
        "amount"
    ].sum().reindex(live.index).fillna(0.0)
    open_due = inst[(inst["due_on"] <= end) & (inst["settled_on"] > end)]
    oldest = open_due.groupby("loan_id")["due_on"].min().reindex(live.index)
    dpd = (end - oldest).dt.days
    late = (dpd > 90) & (dpd <= 180)
    return float(balance[late].sum() / max(balance[balance > 0].sum(), 1))


def _m3_recovery(engine: Engine, inst: pd.DataFrame, end: pd.Timestamp) -> float:
    """Money paid in the 30 days after a loan first reaches 61 dpd, over its balance then."""
    # The loan reaches 61 dpd on due_on + 61 of a due still open then, if all earlier dues
    # were settled by then (else an earlier due got there first).
    reach = inst["due_on"] + pd.Timedelta(days=61)
    earlier = _earlier_settled(inst)
    enters = (inst["settled_on"] > reach) & (earlier.isna() | (earlier <= reach))
    entry = (
        pd.DataFrame({"loan_id": inst["loan_id"], "on": reach})[enters]
        .groupby("loan_id")["on"]
        .min()
    )
    entry = entry[entry + pd.Timedelta(days=30) <= end]
    if entry.empty:
        return float("nan")
    loans = _frame(engine, select(Loan.id, Loan.principal_amount)).set_index("id")
    principal = inst.attrs["principal_lines"].merge(
        inst[["id", "loan_id"]], left_on="installment_id", right_on="id"
    )
    principal["entry"] = principal["loan_id"].map(entry)
    before = principal[principal["effective_on"] < principal["entry"]]
    balance = loans.loc[entry.index, "principal_amount"].astype(float) - before.groupby("loan_id")[
        "amount"
    ].sum().reindex(entry.index).fillna(0.0)
    pay = _frame(
        engine,
        select(Payment.loan_id, Payment.paid_on, Payment.amount).where(
            Payment.status == PaymentStatus.POSTED
        ),
    )
    pay["paid_on"] = pd.to_datetime(pay["paid_on"])
    pay["entry"] = pay["loan_id"].map(entry)
    window = pay[
        (pay["paid_on"] >= pay["entry"]) & (pay["paid_on"] < pay["entry"] + pd.Timedelta(days=30))
    ]
    return float(window["amount"].astype(float).sum() / max(balance.sum(), 1))


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


def roll_matrix(engine: Engine, *, from_on: dt.date, to_on: dt.date) -> pd.DataFrame:
    """Count-based roll rates from the buckets on ``from_on`` to those on ``to_on``."""

    def day(on: dt.date) -> pd.DataFrame:
        return _frame(
            engine, select(LoanDay.loan_id, LoanDay.bucket).where(LoanDay.business_date == on)
        )

    pair = day(from_on).merge(day(to_on), on="loan_id", suffixes=("_from", "_to"))
    table = pd.crosstab(pair["bucket_from"], pair["bucket_to"], normalize="index")
    order = [b for b in BUCKETS if b in set(table.index) | set(table.columns)]
    return table.reindex(index=[b for b in order if b in table.index], columns=order).fillna(0.0)


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
        rolls=roll_matrix(engine, from_on=before, to_on=end_on),
        vintages=vintage_table(engine, month_ends),
        month_ends=month_ends,
    )
