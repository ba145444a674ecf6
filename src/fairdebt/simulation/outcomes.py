"""What the collection loop did and achieved, read back from the ledger, by experiment arm.

The demo's collections section and the benchmarks read these figures from the tables a lender
would have (decisions, contact events, promises, complaints, installments, allocation lines,
loan_day), never from the simulator's memory:

* **recovery curves**: of the principal of dues missed on a current loan (day-1 delinquent),
  the share paid within k days, k = 1..30, for the policy's arm and the no-contact hold-out;
* **contact tables**: contacts per delinquent account per week, call answer and right-party
  rates per dial, promises made and kept, complaints per 10,000 accounts a year, contacts and
  complaints per ¥10,000 recovered;
* **the gate**: proposed contacts it refused, by rule (whether the account then got a gentler
  action or none), and the pre-due reminders sent;
* **a sample work queue** and the month-end M1→M2 balance roll from loan_day.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from fairdebt.models import (
    AllocationLine,
    Collector,
    Complaint,
    ContactEvent,
    Decision,
    Installment,
    Loan,
    LoanDay,
    Promise,
)

__all__ = ["Outcomes", "collection_outcomes"]

CURVE_DAYS = 30
NEVER = pd.Timestamp("2262-01-01")


def _frame(engine: Engine, statement: Any) -> pd.DataFrame:
    with engine.connect() as connection:
        result = connection.execute(statement)
        return pd.DataFrame([tuple(r) for r in result.fetchall()], columns=list(result.keys()))


def _installments(engine: Engine) -> pd.DataFrame:
    """Current installments with the day each was fully paid (:data:`NEVER` if still open)."""
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


@dataclass(frozen=True, slots=True)
class Outcomes:
    """The collection loop's figures (see the module docstring); arms as columns or keys."""

    curves: pd.DataFrame  # index: days 1..30; columns: arms; values: share collected
    by_arm: pd.DataFrame  # index: arms; columns: figures
    refusals: pd.Series  # gate rule -> proposed contacts refused
    reminders: pd.Series  # action -> pre-due reminders sent
    queue: pd.DataFrame  # a collector's work queue on the last date
    rolls: list[tuple[dt.date, float]]  # month-end M1→M2 balance roll
    figures: dict[str, float] = field(default_factory=dict)

    @property
    def roll_m1_m2(self) -> float:
        values = [v for _, v in self.rolls if v == v]
        return float(np.mean(values)) if values else float("nan")


def _arms(engine: Engine) -> pd.Series:
    """Each borrower's arm (stable for a run: the cell is a hash of the borrower)."""
    rows = _frame(engine, select(Decision.borrower_id, Decision.arm).distinct())
    return rows.drop_duplicates("borrower_id").set_index("borrower_id")["arm"]


def _curves(engine: Engine, arms: pd.Series, end: pd.Timestamp) -> tuple[pd.DataFrame, pd.Series]:
    inst = _installments(engine)
    earlier = _earlier_settled(inst)
    current = earlier.isna() | (earlier <= inst["due_on"])
    missed = current & (inst["settled_on"] > inst["due_on"])
    seen = missed & (inst["due_on"] + pd.Timedelta(days=CURVE_DAYS) <= end)
    loans = _frame(engine, select(Loan.id, Loan.borrower_id)).set_index("id")["borrower_id"]
    rows = inst[seen].copy()
    rows["arm"] = rows["loan_id"].map(loans).map(arms).fillna("none")
    lines = inst.attrs["principal_lines"].merge(
        rows[["id", "due_on"]], left_on="installment_id", right_on="id"
    )
    lines["days"] = (lines["effective_on"] - lines["due_on"]).dt.days
    lines["arm"] = lines["installment_id"].map(rows.set_index("id")["arm"])
    curves = {}
    for arm, group in rows.groupby("arm"):
        total = group["principal_due"].sum()
        paid = lines[lines["arm"] == arm].groupby("days")["amount"].sum()
        cumulative = paid.reindex(range(0, CURVE_DAYS + 1), fill_value=0.0).cumsum()
        curves[arm] = cumulative.loc[1:] / max(total, 1.0)
    entries = rows.groupby("arm")["principal_due"].sum()
    return pd.DataFrame(curves), entries


def _recovered(engine: Engine, arms: pd.Series) -> pd.Series:
    """Money paid on dues after they fell due (collections), by arm."""
    lines = _frame(
        engine,
        select(Loan.borrower_id, func.sum(AllocationLine.amount).label("amount"))
        .join(Installment, Installment.id == AllocationLine.installment_id)
        .join(Loan, Loan.id == AllocationLine.loan_id)
        .where(AllocationLine.effective_on > Installment.due_on)
        .group_by(Loan.borrower_id),
    )
    lines["arm"] = lines["borrower_id"].map(arms).fillna("none")
    return lines.groupby("arm")["amount"].sum().astype(float)


def _by_arm(engine: Engine, arms: pd.Series, days: int) -> pd.DataFrame:
    decisions = _frame(
        engine,
        select(Decision.arm, Decision.stage, func.count().label("n")).group_by(
            Decision.arm, Decision.stage
        ),
    )
    late_days = decisions[decisions["stage"] != "pre_due"].groupby("arm")["n"].sum()
    contacts = _frame(
        engine,
        select(
            Decision.arm,
            Decision.stage,
            ContactEvent.channel,
            ContactEvent.outcome,
            ContactEvent.right_party,
            func.count().label("n"),
        )
        .join(Decision, Decision.id == ContactEvent.decision_id)
        .group_by(
            Decision.arm,
            Decision.stage,
            ContactEvent.channel,
            ContactEvent.outcome,
            ContactEvent.right_party,
        ),
    )
    late = contacts[(contacts["stage"] != "pre_due") & (contacts["channel"] != "placement")]
    calls = contacts[contacts["channel"] == "call"]
    answered = calls[calls["outcome"] != "no_answer"]
    spoke = calls[calls["right_party"] == True]  # noqa: E712
    complaints = _frame(
        engine,
        select(Complaint.borrower_id, func.count().label("n")).group_by(Complaint.borrower_id),
    )
    complaints["arm"] = complaints["borrower_id"].map(arms).fillna("none")
    accounts = arms.value_counts()
    recovered = _recovered(engine, arms)
    out = pd.DataFrame(index=sorted(set(arms)))
    out["accounts"] = accounts
    out["recovered"] = recovered
    out["contacts"] = contacts[contacts["channel"] != "placement"].groupby("arm")["n"].sum()
    out["late_contacts"] = late.groupby("arm")["n"].sum()
    out["late_account_weeks"] = late_days / 7.0
    out["calls"] = calls.groupby("arm")["n"].sum()
    out["answered"] = answered.groupby("arm")["n"].sum()
    out["right_party"] = spoke.groupby("arm")["n"].sum()
    out["complaints"] = complaints.groupby("arm")["n"].sum()
    out = out.fillna(0.0)
    out["contacts_per_late_account_week"] = out["late_contacts"] / out["late_account_weeks"].where(
        out["late_account_weeks"] > 0
    )
    out["answer_rate"] = out["answered"] / out["calls"].where(out["calls"] > 0)
    out["right_party_rate"] = out["right_party"] / out["calls"].where(out["calls"] > 0)
    out["complaints_per_10k_accounts_year"] = (
        out["complaints"] / out["accounts"].where(out["accounts"] > 0) * 10_000 * 365 / days
    )
    per_10k = out["recovered"].where(out["recovered"] > 0) / 10_000
    out["contacts_per_10k_recovered"] = out["contacts"] / per_10k
    out["complaints_per_10k_recovered"] = out["complaints"] / per_10k
    return out


def _rolls(engine: Engine, month_ends: list[dt.date]) -> list[tuple[dt.date, float]]:
    """Month-end M1→M2 roll weighted by principal outstanding at the first month end."""
    out = []
    for first, second in itertools.pairwise(month_ends):
        days = _frame(
            engine,
            select(
                LoanDay.business_date,
                LoanDay.loan_id,
                LoanDay.bucket,
                LoanDay.principal_outstanding,
            ).where(LoanDay.business_date.in_([first, second]), LoanDay.bucket.in_(["M1", "M2"])),
        )
        days["principal_outstanding"] = days["principal_outstanding"].astype(float)
        start = days[(days["business_date"] == first) & (days["bucket"] == "M1")]
        rolled = days[(days["business_date"] == second) & (days["bucket"] == "M2")]
        weight = start["principal_outstanding"].sum()
        moved = start[start["loan_id"].isin(rolled["loan_id"])]["principal_outstanding"].sum()
        out.append((second, float(moved / weight) if weight > 0 else float("nan")))
    return out


def _queue(engine: Engine, last: dt.date) -> pd.DataFrame:
    rows = _frame(
        engine,
        select(
            Collector.code,
            Collector.name,
            Decision.queue_position,
            Loan.external_id,
            Decision.stage,
            Decision.dpd,
            Decision.action,
            Decision.reason,
            Decision.score,
            Decision.planned_at,
        )
        .join(Collector, Collector.id == Decision.collector_id)
        .join(Loan, Loan.id == Decision.loan_id)
        .where(Decision.business_date == last, Decision.collector_id.is_not(None))
        .order_by(Collector.code, Decision.queue_position),
    )
    if rows.empty:
        return rows
    busiest = rows["code"].value_counts().index[0]
    return rows[rows["code"] == busiest].head(12).reset_index(drop=True)


def collection_outcomes(engine: Engine, *, end_on: dt.date, month_ends: list[dt.date]) -> Outcomes:
    """Every figure of the collections section, for the book in ``engine`` up to ``end_on``."""
    arms = _arms(engine)
    if arms.empty:
        empty = pd.DataFrame()
        return Outcomes(empty, empty, pd.Series(dtype=float), pd.Series(dtype=float), empty, [])
    first = _frame(engine, select(func.min(Decision.business_date)))
    start = pd.Timestamp(first.iloc[0, 0])
    days = max((pd.Timestamp(end_on) - start).days + 1, 1)
    curves, entries = _curves(engine, arms, pd.Timestamp(end_on))
    by_arm = _by_arm(engine, arms, days)
    by_arm["d1_principal"] = entries
    refusals = _frame(
        engine,
        select(Decision.gate_rule, func.count().label("n"))
        .where(Decision.gate_rule.is_not(None))
        .group_by(Decision.gate_rule),
    )
    reminders = _frame(
        engine,
        select(ContactEvent.action, func.count().label("n"))
        .join(Decision, Decision.id == ContactEvent.decision_id)
        .where(Decision.stage == "pre_due")
        .group_by(ContactEvent.action),
    )
    promises = _frame(
        engine, select(Promise.status, func.count().label("n")).group_by(Promise.status)
    )
    settled = promises[promises["status"].isin(["kept", "partly_kept", "broken"])]["n"].sum()
    kept = promises[promises["status"] == "kept"]["n"].sum()
    figures = {
        "days": float(days),
        "promises": float(promises["n"].sum()),
        "promise_kept_rate": float(kept / settled) if settled else float("nan"),
        "holdout_share": float((arms == "holdout").mean()),
    }
    return Outcomes(
        curves=curves,
        by_arm=by_arm,
        refusals=refusals.set_index("gate_rule")["n"].sort_values(ascending=False),
        reminders=reminders.set_index("action")["n"].sort_values(ascending=False),
        queue=_queue(engine, end_on),
        rolls=_rolls(engine, month_ends),
        figures=figures,
    )
