"""The portfolio's KPIs, each defined once: ``fairdebt cycle kpis`` and the demo's calibration
both call :func:`kpis` (docs/glossary.md defines each; docs/decisions/kpi-definitions.md says
why these readings).

Stock KPIs read the closed business date's ``loan_day`` rows; flow KPIs read dated ledger rows
and the delinquent ``loan_day`` rows of earlier closed dates. A flow KPI counts the dues (or
loans) whose *measuring day* falls in ``(business_date - window_days, business_date]``, or on
or before ``business_date`` when ``window_days`` is None (all history):

* **delinquency rates** (stock): among active (not charged-off) loans, the share by count and by
  principal outstanding with dpd ≥ 1, ≥ 30, ≥ 90; ``dpd90_balance_rate`` is the 90+ balance
  share of calibration.md row 25;
* **risk classes** (stock): among active loans, the share of each 五级分类 class by count and by
  principal outstanding, and the non-performing (次级 + 可疑 + 损失) balance rate;
* **day-1 delinquency, 入催率** (flow, measured on the due date): of the principal falling due
  on live loans that were current that day (0 dpd in ``loan_day``: the due *enters* collection,
  it does not join a loan already there; a loan paid off early has nothing falling due; one
  closed on the due date by paying it was live that day), the
  share still outstanding at the end of its due date;
* **30-day collection rate, 30天回收率** (flow, measured on due date + 30): of that day-1
  delinquent principal, the share paid (allocation lines, reversals netted) by the end of the
  30th day past due; waivers and restructures are not collection;
* **FPD30** (flow, measured on first due + 30): of loans' first dues (original schedule), the
  share still owing anything on their 30th day past due;
* **M3 recovery, M3回款率** (flow, measured 30 days after entry): money applied to a loan in the
  30 days from the day it first reaches 61 dpd (seen to cross: the day before is closed too),
  over its principal outstanding that day.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import ibis
import ibis.expr.types as ir
from sqlalchemy import Engine, select

from fairdebt.cycle.classification import NON_PERFORMING, RISK_CLASSES
from fairdebt.cycle.delinquency import (
    FAR_DAY,
    Ledger,
    as_cents,
    as_day,
    day_number,
    states_at_offset,
)
from fairdebt.cycle.engines import Compute, computing
from fairdebt.cycle.runs import compute_loan_days
from fairdebt.errors import InputError
from fairdebt.models import CycleRun

__all__ = ["STOCK_KPIS", "kpis", "stock_kpis"]

STOCK_KPIS = ("dpd1", "dpd30", "dpd90")
M3_DPD = 61  # the first day of bucket M3


def _closed_on_or_before(engine: Engine, day: dt.date) -> list[dt.date]:
    with engine.connect() as connection:
        values = connection.execute(
            select(CycleRun.business_date)
            .where(CycleRun.business_date <= day)
            .order_by(CycleRun.business_date)
        ).scalars()
        return [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]


def _ratio(numerator: Any, denominator: Any) -> float:
    num, den = float(numerator or 0), float(denominator or 0)
    return num / den if den else math.nan


def _measured(column: Any, day: int, window_days: int | None) -> Any:
    if window_days is None:
        return column <= day
    return (column > day - window_days) & (column <= day)


def _stock(loan_day: ir.Table) -> ir.Table:
    active = loan_day.filter(loan_day.status == "active")
    balance = as_cents(active.principal_outstanding)
    measures: dict[str, Any] = {"loans": active.count(), "balance": balance.sum()}
    for threshold in (1, 30, 90):
        late = active.dpd >= threshold
        measures[f"n{threshold}"] = active.count(where=late)
        measures[f"b{threshold}"] = balance.sum(where=late)
    for name in RISK_CLASSES:
        measures[f"n_{name}"] = active.count(where=active.risk_class == name)
        measures[f"b_{name}"] = balance.sum(where=active.risk_class == name)
    return active.aggregate(**measures)


def stock_kpis(compute: Compute, loan_day: ir.Table) -> dict[str, float]:
    """The stock KPIs of some ``loan_day`` rows (one date's, stored or freshly computed)."""
    s = compute.execute(_stock(loan_day)).to_pylist()[0]
    result = {
        "loans": float(s["loans"] or 0),
        "principal_outstanding": float(s["balance"] or 0) / 100,
    }
    for threshold in (1, 30, 90):
        result[f"dpd{threshold}_count_rate"] = _ratio(s[f"n{threshold}"], s["loans"])
        result[f"dpd{threshold}_balance_rate"] = _ratio(s[f"b{threshold}"], s["balance"])
    for name in RISK_CLASSES:
        result[f"class_{name}_count_share"] = _ratio(s[f"n_{name}"], s["loans"])
        result[f"class_{name}_balance_share"] = _ratio(s[f"b_{name}"], s["balance"])
    result["npl_balance_rate"] = _ratio(sum(s[f"b_{c}"] or 0 for c in NON_PERFORMING), s["balance"])
    return result


def _entering(
    ledger: Ledger,
    late_days: ir.Table,
    closed: ir.Table,
    *,
    day: int,
    window_days: int | None,
    offset: int,
) -> ir.Table:
    """Dues that fell on a current loan, measured ``offset`` days after their due date: each
    with its scheduled principal and the principal still outstanding at the end of its due
    date (``late``, 0 when paid on time)."""
    inst = ledger.installment
    due = as_day(inst.due_on)
    falls = inst.filter(
        _measured(due + offset, day, window_days),
        as_day(inst.created_on) <= due,
        inst.superseded_on.isnull() | (as_day(inst.superseded_on) > due),
    )
    cohort = falls.select(
        installment_id=falls.id.cast("int64"),
        loan_id=falls.loan_id.cast("int64"),
        due_day=as_day(falls.due_on),
        principal_due=as_cents(falls.principal_due),
    )
    # The due date must be closed, and the loan live and current on it: a loan paid off early
    # has nothing falling due. A loan closed *on* the due date was live that day (its last due
    # paid on time closes it): leaving it out would count only the late dues of last months.
    cohort = cohort.semi_join(closed, cohort.due_day == closed.business_day)
    loan = ledger.loan
    live = loan.select(
        v_loan_id=loan.id.cast("int64"),
        closes=ibis.coalesce(as_day(loan.closed_on), FAR_DAY),
        charged=ibis.coalesce(as_day(loan.charged_off_on), FAR_DAY),
    )
    cohort = cohort.semi_join(
        live,
        [
            cohort.loan_id == live.v_loan_id,
            cohort.due_day <= live.closes,
            cohort.due_day < live.charged,
        ],
    )
    delinquent = late_days.select(
        l_loan_id=late_days.loan_id.cast("int64"), l_day=as_day(late_days.business_date)
    )
    cohort = cohort.anti_join(
        delinquent,
        [cohort.loan_id == delinquent.l_loan_id, cohort.due_day == delinquent.l_day],
    )
    state = states_at_offset(ledger, cohort.select("installment_id", "due_day"), 0)
    state = state.select(s_id="installment_id", late=ibis.ifelse(state.is_open, state.principal, 0))
    joined = cohort.join(state, cohort.installment_id == state.s_id)
    return joined.select("installment_id", "loan_id", "due_day", "principal_due", "late")


def _day1(ledger: Ledger, late_days: ir.Table, closed: ir.Table, **when: Any) -> ir.Table:
    cohort = _entering(ledger, late_days, closed, offset=0, **when)
    return cohort.aggregate(due=cohort.principal_due.sum(), late=cohort.late.sum())


def _collection(ledger: Ledger, late_days: ir.Table, closed: ir.Table, **when: Any) -> ir.Table:
    cohort = _entering(ledger, late_days, closed, offset=30, **when)
    cohort = cohort.filter(cohort.late > 0)
    line = ledger.allocation_line
    paid = line.filter(line.component == "principal").select(
        p_id=line.installment_id.cast("int64"),
        paid_day=as_day(line.effective_on),
        cents=as_cents(line.amount),
    )
    window = cohort.select("installment_id", "due_day").join(
        paid,
        [
            ibis._.installment_id == paid.p_id,
            paid.paid_day > ibis._.due_day,
            paid.paid_day <= ibis._.due_day + 30,
        ],
    )
    collected = window.group_by("installment_id").agg(collected=window.cents.sum())
    joined = cohort.left_join(collected, "installment_id")
    got = ibis.least(ibis.greatest(ibis.coalesce(joined.collected, 0), 0), joined.late)
    return joined.aggregate(late=joined.late.sum(), collected=got.sum())


def _fpd30(ledger: Ledger, *, day: int, window_days: int | None) -> ir.Table:
    inst, loan = ledger.installment, ledger.loan
    original = inst.join(loan, inst.loan_id == loan.id).filter(inst.created_on == loan.disbursed_on)
    firsts = original.group_by(original.loan_id).agg(first_due=as_day(original.due_on).min())
    chosen = original.join(
        firsts,
        [original.loan_id == firsts.loan_id, as_day(original.due_on) == firsts.first_due],
    )
    cohort = chosen.select(installment_id=chosen.id.cast("int64"), due_day=chosen.first_due)
    cohort = cohort.filter(_measured(cohort.due_day + 30, day, window_days))
    state = states_at_offset(ledger, cohort, 30)
    return state.aggregate(loans=state.count(), defaulted=state.count(where=state.is_overdue))


def _m3_recovery(
    ledger: Ledger, late_days: ir.Table, closed: ir.Table, *, day: int, window_days: int | None
) -> ir.Table:
    late = late_days.select(
        loan_id=late_days.loan_id.cast("int64"),
        on_day=as_day(late_days.business_date),
        dpd=late_days.dpd,
        balance=as_cents(late_days.principal_outstanding),
    )
    entries = late.filter(late.dpd >= M3_DPD).group_by("loan_id").agg(entry=ibis._.on_day.min())
    entries = entries.filter(_measured(entries.entry + 30, day, window_days))
    # Seen to cross: the day before was closed too (a book that opens on a loan already past
    # 61 dpd does not know when it got there).
    entries = entries.semi_join(closed, entries.entry - 1 == closed.business_day)
    then = late.select(e_loan_id="loan_id", e_day="on_day", balance="balance")
    entries = entries.join(
        then, [entries.loan_id == then.e_loan_id, entries.entry == then.e_day]
    ).select("loan_id", "entry", "balance")
    inst = ledger.installment.select(i_id=ibis._.id.cast("int64"), i_loan=ibis._.loan_id)
    line = ledger.allocation_line
    lines = line.join(inst, line.installment_id.cast("int64") == inst.i_id).select(
        m_loan_id=inst.i_loan.cast("int64"),
        paid_day=as_day(line.effective_on),
        cents=as_cents(line.amount),
    )
    inside = entries.select("loan_id", "entry").join(
        lines,
        [
            ibis._.loan_id == lines.m_loan_id,
            lines.paid_day >= ibis._.entry,
            lines.paid_day < ibis._.entry + 30,
        ],
    )
    paid = inside.group_by("loan_id").agg(paid=inside.cents.sum())
    joined = entries.left_join(paid, "loan_id")
    return joined.aggregate(balance=joined.balance.sum(), paid=ibis.coalesce(joined.paid, 0).sum())


def _recomputed(compute: Compute, business_date: dt.date) -> ir.Table:
    """The date's loan_day rows computed afresh from the ledger, shaped like stored rows."""
    table = compute.rows(
        "recomputed_day", compute_loan_days(compute, start=business_date, end=business_date)
    )
    return table.mutate(principal_outstanding=table.principal_outstanding / 100)


def kpis(
    engine: Engine,
    *,
    business_date: dt.date,
    window_days: int | None = 30,
    compute: str = "duckdb",
    recompute_stock: bool = False,
) -> dict[str, float]:
    """Every KPI on a closed business date (definitions in the module docstring).

    ``window_days`` is the look-back of the flow KPIs; None takes every measuring day up to
    ``business_date`` (the demo's calibration over its whole simulated year).
    ``recompute_stock`` adds the stock KPIs once more, suffixed ``_recomputed``, on the date's
    rows computed afresh from the ledger rather than read from ``loan_day``: a cross-check that
    the stored day still says what the ledger says.
    """
    if window_days is not None and window_days < 1:
        raise InputError(f"window_days must be at least 1 (got {window_days})", field="window")
    closed_dates = _closed_on_or_before(engine, business_date)
    if business_date not in closed_dates:
        raise InputError(
            f"business date {business_date} has not been closed; run `fairdebt cycle run "
            f"--date {business_date}` first (该业务日期尚未跑批)",
            field="date",
        )
    with computing(
        engine, compute, loan_day_dates=[business_date], late_until=business_date
    ) as engine_in_use:
        loan_day = engine_in_use.table("loan_day")
        today = loan_day.filter(loan_day.business_date == ibis.literal(business_date, "date"))
        result = stock_kpis(engine_in_use, today)
        late_days = engine_in_use.table("loan_day_late")
        closed = engine_in_use.spine([day_number(d) for d in closed_dates])
        ledger = engine_in_use.ledger
        when: dict[str, Any] = {"day": day_number(business_date), "window_days": window_days}
        d1 = engine_in_use.execute(_day1(ledger, late_days, closed, **when)).to_pylist()[0]
        c = engine_in_use.execute(_collection(ledger, late_days, closed, **when)).to_pylist()[0]
        f = engine_in_use.execute(_fpd30(ledger, **when)).to_pylist()[0]
        m3 = engine_in_use.execute(_m3_recovery(ledger, late_days, closed, **when)).to_pylist()
        m3 = m3[0]
        if recompute_stock:
            again = stock_kpis(engine_in_use, _recomputed(engine_in_use, business_date))
            result.update({f"{key}_recomputed": value for key, value in again.items()})
    result["fpd30"] = _ratio(f["defaulted"], f["loans"])
    result["day1_delinquency_rate"] = _ratio(d1["late"], d1["due"])
    result["collection_rate_30d"] = _ratio(c["collected"], c["late"])
    result["m3_recovery"] = _ratio(m3["paid"], m3["balance"])
    return result
