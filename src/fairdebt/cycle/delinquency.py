"""The cycle's logic, written once as Ibis expressions: how late every loan is, as of any date.

Functions here take Ibis tables and return Ibis expressions; they never execute. The engine that
runs them (DuckDB in-process, or the database itself) lives in :mod:`fairdebt.cycle.engines`.
Dates become integer *day numbers* (days since 1970-01-01) and money becomes integer *cents* as
soon as they are read, so the arithmetic is exact and identical on every backend (SQLite has no
date arithmetic and no decimal type; day numbers and cents need neither).

Everything is derived from dated rows only (schedule rows by ``created_on``/``superseded_on``,
allocation lines by ``effective_on``, accruals, waivers, holds, repayment plans by
``starts_on``), so any past business date can be recomputed exactly. A restructured loan keeps
the delinquency it had when its plan started until it re-ages, and every row carries its
five-tier class (:mod:`fairdebt.cycle.classification`). Two shapes compute the same rows:

* :func:`loan_days_on` — one business date: one aggregation per installment, one per loan;
* :func:`loan_days_between` — every date of a range in one pass: each installment's outstanding
  amounts become *segments* (constant between two events, by running sums over its events), the
  principal balance becomes per-loan segments, and only the overdue part of the segments (rare)
  is expanded to single days. The output is one row per loan per date either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from fairdebt.cycle.buckets import BucketScheme
from fairdebt.cycle.classification import CN_2023, RISK_CLASSES, ClassificationPack
from fairdebt.models import CONTACT_ONLY_HOLDS

__all__ = [
    "COMPONENTS",
    "FAR_DAY",
    "LOAN_DAY_COLUMNS",
    "Ledger",
    "adjustments",
    "as_cents",
    "as_day",
    "day_number",
    "events",
    "loan_days_between",
    "loan_days_on",
    "states_at_offset",
]

COMPONENTS = ("principal", "interest", "fee", "penalty")
# A day number after any real date: stands in for "never" (no end, not superseded).
FAR_DAY = 1_000_000
EPOCH = dt.date(1970, 1, 1)

LOAN_DAY_COLUMNS = (
    "business_day",
    "loan_id",
    "status",
    "overdue_since_day",
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
)


@dataclass(frozen=True, slots=True)
class Ledger:
    """The ledger tables the cycle reads, as Ibis tables on one backend."""

    loan: ir.Table
    product: ir.Table
    installment: ir.Table
    allocation_line: ir.Table
    accrual: ir.Table
    waiver: ir.Table
    hold: ir.Table
    repayment_plan: ir.Table


def day_number(value: dt.date) -> int:
    """The day number of a date.

    Examples
    --------
    >>> day_number(dt.date(1970, 1, 2)), day_number(dt.date(2024, 1, 1))
    (1, 19723)
    """
    return (value - EPOCH).days


def as_day(column: Any) -> Any:
    """A date column as day numbers."""
    return column.epoch_days().cast("int64")


def as_cents(column: Any) -> Any:
    """A money column as integer cents, whatever its type where the expression runs.

    An integer column already is cents: SQLite stores money so, and the DuckDB engine reads
    every database's money as cents. A decimal (PostgreSQL's NUMERIC, read natively) or a
    float (Arrow tables made by hand) is yuan: times 100, rounded, exact to the cent.
    """
    if column.type().is_integer():
        return column.cast("int64")
    return (column * 100).round().cast("int64")


def _pivot(table: ir.Table, date_column: str, sign: int) -> ir.Table:
    amount = as_cents(table.amount) * sign
    return table.select(
        installment_id=table.installment_id.cast("int64"),
        day=as_day(table[date_column]),
        **{c: ibis.ifelse(table.component == c, amount, 0).cast("int64") for c in COMPONENTS},
    )


def adjustments(ledger: Ledger) -> ir.Table:
    """Every dated change to an installment after its schedule: accruals add, payments and
    waivers subtract (a reversal is a negative allocation line, so it adds back)."""
    return _pivot(ledger.accrual, "accrued_on", 1).union(
        _pivot(ledger.allocation_line, "effective_on", -1),
        _pivot(ledger.waiver, "waived_on", -1),
    )


def _schedule(ledger: Ledger) -> ir.Table:
    inst = ledger.installment
    return inst.select(
        installment_id=inst.id.cast("int64"),
        loan_id=inst.loan_id.cast("int64"),
        due_day=as_day(inst.due_on),
        created_day=as_day(inst.created_on),
        superseded_day=ibis.coalesce(as_day(inst.superseded_on), FAR_DAY),
        principal=as_cents(inst.principal_due),
        interest=as_cents(inst.interest_due),
        fee=as_cents(inst.fee_due),
        # penalty_due is the running total of the accrual rows, which adjustments() adds as
        # of each date; reading it here too would count every penalty twice.
        penalty=ibis.literal(0, "int64"),
    )


def events(ledger: Ledger) -> ir.Table:
    """Schedule rows (their dues, on ``created_on``) and every adjustment, as dated deltas."""
    schedule = _schedule(ledger)
    return schedule.select(
        "installment_id", day=schedule.created_day, **{c: schedule[c] for c in COMPONENTS}
    ).union(adjustments(ledger))


def _any_outstanding(table: ir.Table) -> Any:
    return (table.principal > 0) | (table.interest > 0) | (table.fee > 0) | (table.penalty > 0)


def states_at_offset(ledger: Ledger, installments: ir.Table, offset_days: int) -> ir.Table:
    """Outstanding amounts of each given installment as of its own ``due_day + offset_days``.

    ``installments`` has ``installment_id`` and ``due_day`` (a subset of the schedule); the
    result adds the four outstanding components, ``is_open`` (anything outstanding) and
    ``is_overdue`` (open and past its due date) on that day.
    """
    sched = _schedule(ledger)
    chosen = installments.select("installment_id").join(sched, "installment_id")
    chosen = chosen.mutate(as_of=chosen.due_day + offset_days)
    chosen = chosen.filter(chosen.created_day <= chosen.as_of, chosen.superseded_day > chosen.as_of)
    adj = adjustments(ledger)
    moved = chosen.select("installment_id", "as_of").join(adj, "installment_id")
    moved = (
        moved.filter(moved.day <= moved.as_of)
        .group_by("installment_id")
        .agg(**{f"{c}_moved": moved[c].sum() for c in COMPONENTS})
    )
    joined = chosen.left_join(moved, "installment_id")
    state = joined.select(
        "installment_id",
        "loan_id",
        "due_day",
        "as_of",
        **{c: joined[c] + ibis.coalesce(joined[f"{c}_moved"], 0) for c in COMPONENTS},
    )
    is_open = _any_outstanding(state)
    return state.mutate(is_open=is_open, is_overdue=(state.due_day < state.as_of) & is_open)


def _live_loans(ledger: Ledger) -> ir.Table:
    loan = ledger.loan
    return loan.select(
        loan_id=loan.id.cast("int64"),
        product_id=loan.product_id.cast("int64"),
        disbursed_day=as_day(loan.disbursed_on),
        closed_day=ibis.coalesce(as_day(loan.closed_on), FAR_DAY),
        charged_off_day=ibis.coalesce(as_day(loan.charged_off_on), FAR_DAY),
    )


def _amounts_on(ledger: Ledger, day: int) -> ir.Table:
    """Per loan on ``day``: principal outstanding, oldest overdue due, overdue by component."""
    sched = _schedule(ledger)
    sched = sched.filter(sched.created_day <= day, sched.superseded_day > day)
    adj = adjustments(ledger)
    adj = adj.filter(adj.day <= day)
    moved = adj.group_by("installment_id").agg(**{f"{c}_moved": adj[c].sum() for c in COMPONENTS})
    joined = sched.left_join(moved, "installment_id")
    state = joined.select(
        "loan_id",
        "due_day",
        **{c: joined[c] + ibis.coalesce(joined[f"{c}_moved"], 0) for c in COMPONENTS},
    )
    overdue = (state.due_day < day) & _any_outstanding(state)
    return state.group_by("loan_id").agg(
        principal_outstanding=state.principal.sum(),
        oldest_due_day=state.due_day.min(where=overdue),
        **{f"{c}_overdue": state[c].sum(where=overdue) for c in COMPONENTS},
    )


def loan_days_on(
    ledger: Ledger,
    *,
    business_date: dt.date,
    scheme: BucketScheme,
    classification: ClassificationPack = CN_2023,
) -> ir.Table:
    """One row per live loan on ``business_date`` (see :data:`LOAN_DAY_COLUMNS`)."""
    day = day_number(business_date)
    loans = _live_loans(ledger)
    loans = loans.filter(loans.disbursed_day <= day, loans.closed_day > day).mutate(
        business_day=ibis.literal(day, "int64")
    )
    rows = loans.left_join(_amounts_on(ledger, day), "loan_id")
    return _finish(ledger, rows, scheme, classification)


def _segments(ledger: Ledger, end_day: int) -> ir.Table:
    """Each installment's outstanding amounts as constant pieces ``[seg_from, seg_to)``."""
    ev = events(ledger)
    ev = ev.filter(ev.day <= end_day)
    ev = ev.group_by("installment_id", "day").agg(**{c: ev[c].sum() for c in COMPONENTS})
    running = ibis.cumulative_window(group_by=ev.installment_id, order_by=ev.day)
    following = ibis.window(group_by=ev.installment_id, order_by=ev.day)
    pieces = ev.select(
        "installment_id",
        seg_from=ev.day,
        seg_to=ibis.coalesce(ev.day.lead().over(following), FAR_DAY),
        **{c: ev[c].sum().over(running) for c in COMPONENTS},
    )
    sched = _schedule(ledger).select(
        "installment_id", "loan_id", "due_day", "created_day", "superseded_day"
    )
    joined = pieces.join(sched, "installment_id")
    clipped = joined.select(
        "installment_id",
        "loan_id",
        "due_day",
        *COMPONENTS,
        seg_from=ibis.greatest(joined.seg_from, joined.created_day),
        seg_to=ibis.least(joined.seg_to, joined.superseded_day, end_day + 1),
    )
    return clipped.filter(clipped.seg_from < clipped.seg_to)


def _principal_pieces(segments: ir.Table) -> ir.Table:
    """Per loan, principal outstanding as constant pieces ``[p_from, p_to)``."""
    starts = segments.select("loan_id", day=segments.seg_from, delta=segments.principal)
    ends = segments.select("loan_id", day=segments.seg_to, delta=-segments.principal)
    deltas = starts.union(ends)
    deltas = deltas.group_by("loan_id", "day").agg(delta=deltas.delta.sum())
    running = ibis.cumulative_window(group_by=deltas.loan_id, order_by=deltas.day)
    following = ibis.window(group_by=deltas.loan_id, order_by=deltas.day)
    return deltas.select(
        p_loan_id="loan_id",
        p_from=deltas.day,
        p_to=ibis.coalesce(deltas.day.lead().over(following), FAR_DAY),
        principal_outstanding=deltas.delta.sum().over(running),
    )


def _overdue_by_day(segments: ir.Table, spine: ir.Table) -> ir.Table:
    """Per loan and day, the oldest overdue due and the overdue amounts (rare rows only)."""
    late = segments.mutate(late_from=ibis.greatest(segments.seg_from, segments.due_day + 1))
    late = late.filter(late.late_from < late.seg_to, _any_outstanding(late))
    days = late.join(
        spine,
        [spine.business_day >= late.late_from, spine.business_day < late.seg_to],
    )
    return days.group_by("loan_id", "business_day").agg(
        oldest_due_day=days.due_day.min(),
        **{f"{c}_overdue": days[c].sum() for c in COMPONENTS},
    )


def loan_days_between(
    ledger: Ledger,
    *,
    spine: ir.Table,
    end_day: int,
    scheme: BucketScheme,
    classification: ClassificationPack = CN_2023,
) -> ir.Table:
    """One row per live loan per day of ``spine`` (a table of ``business_day``), in one pass.

    ``end_day`` is the last day of the spine: events after it are never read.
    """
    # Named, so the principal and the overdue parts read one computation of the segments.
    segments = _segments(ledger, end_day).alias("cycle_segments")
    loans = _live_loans(ledger)
    rows = loans.join(
        spine,
        [spine.business_day >= loans.disbursed_day, spine.business_day < loans.closed_day],
    )
    pieces = _principal_pieces(segments)
    rows = rows.left_join(
        pieces,
        [
            rows.loan_id == pieces.p_loan_id,
            rows.business_day >= pieces.p_from,
            rows.business_day < pieces.p_to,
        ],
    ).drop("p_loan_id", "p_from", "p_to")
    rows = rows.left_join(_overdue_by_day(segments, spine), ["loan_id", "business_day"])
    return _finish(ledger, rows, scheme, classification)


def _held(ledger: Ledger, rows: ir.Table) -> ir.Table:
    """Per loan and day with a hold: whether a hold is in force, and held days while overdue."""
    hold = ledger.hold
    hold = hold.filter(~hold.kind.isin(CONTACT_ONLY_HOLDS))
    holds = hold.select(
        h_loan_id=hold.loan_id.cast("int64"),
        started_day=as_day(hold.started_on),
        ended_day=ibis.coalesce(as_day(hold.ended_on), FAR_DAY),
    )
    keys = rows.select("loan_id", "business_day", "oldest_due_day")
    pairs = keys.join(holds, keys.loan_id == holds.h_loan_id)
    pairs = pairs.filter(pairs.started_day <= pairs.business_day)
    # Days of [overdue_since, business_day] inside [started, ended): dpd counts the same days.
    overlap = ibis.least(pairs.business_day + 1, pairs.ended_day) - ibis.greatest(
        pairs.oldest_due_day + 1, pairs.started_day
    )
    in_force = pairs.ended_day > pairs.business_day
    return pairs.group_by("loan_id", "business_day").agg(
        held_days=ibis.ifelse(pairs.oldest_due_day.isnull(), 0, ibis.greatest(overlap, 0)).sum(),
        held_flag=ibis.ifelse(in_force, 1, 0).max(),
    )


def _plans(ledger: Ledger, dues: ir.Table, pack: ClassificationPack) -> ir.Table:
    """Per repayment plan: its start, the dpd it carries, its first due and when it re-aged."""
    plan = ledger.repayment_plan
    plans = plan.select(
        plan_id=plan.id.cast("int64"),
        p_loan_id=plan.loan_id.cast("int64"),
        plan_start=as_day(plan.starts_on),
        carried_dpd=ibis.coalesce(as_day(plan.starts_on) - as_day(plan.carried_due_on), 0),
    )
    following = ibis.window(group_by=plans.p_loan_id, order_by=[plans.plan_start, plans.plan_id])
    plans = plans.mutate(next_start=ibis.coalesce(plans.plan_start.lead().over(following), FAR_DAY))
    # A run of ``reage_after_dues`` consecutive dues paid in full by their due dates.
    run = ibis.window(
        group_by=dues.d_plan_id,
        order_by=[dues.due_day, dues.installment_id],
        preceding=pack.reage_after_dues - 1,
        following=0,
    )
    dues = dues.mutate(run=dues.kept.sum().over(run))
    stats = dues.group_by("d_plan_id").agg(
        first_due=dues.due_day.min(),
        reage_day=dues.due_day.min(where=dues.run >= pack.reage_after_dues),
    )
    plans = plans.left_join(stats, plans.plan_id == stats.d_plan_id).drop("d_plan_id")
    return plans.mutate(reage_day=ibis.coalesce(plans.reage_day, FAR_DAY))


def _plan_dues(ledger: Ledger) -> ir.Table:
    """Every due of a plan that fell (not superseded first), and whether it was paid in full
    by the end of its due date (``kept``: 1 or 0)."""
    inst = ledger.installment
    planned = inst.filter(inst.repayment_plan_id.notnull())
    planned = planned.select(
        installment_id=planned.id.cast("int64"),
        due_day=as_day(planned.due_on),
        d_plan_id=planned.repayment_plan_id.cast("int64"),
    )
    state = states_at_offset(ledger, planned.select("installment_id", "due_day"), 0)
    state = state.select("installment_id", kept=ibis.ifelse(state.is_open, 0, 1))
    return planned.join(state, "installment_id")


def _restructured(ledger: Ledger, rows: ir.Table, pack: ClassificationPack) -> ir.Table:
    """Per loan and day under a plan: days it carries, whether it is under observation, and the
    class it may not be better than (rank), for the few rows with a plan in force."""
    # Named, so that the plans and the missed dues read one computation of the plan dues.
    dues = _plan_dues(ledger).alias("cycle_plan_dues")
    plans = _plans(ledger, dues, pack)
    keys = rows.select("loan_id", "business_day")
    # Only loans with a plan take part: a semi-join first keeps the joins below small.
    planned = ledger.repayment_plan.select(s_loan_id=ledger.repayment_plan.loan_id.cast("int64"))
    keys = keys.semi_join(planned, keys.loan_id == planned.s_loan_id)
    days = keys.join(
        plans,
        [
            keys.loan_id == plans.p_loan_id,
            keys.business_day >= plans.plan_start,
            keys.business_day < plans.next_start,
        ],
    )
    missed = dues.filter(dues.kept == 0).select(m_plan_id="d_plan_id", missed_day="due_day")
    late = days.select("loan_id", "business_day", "plan_id").join(
        missed,
        [
            ibis._.plan_id == missed.m_plan_id,
            ibis._.business_day >= missed.missed_day,
        ],
    )
    late = late.group_by("loan_id", "business_day").agg(last_missed=late.missed_day.max())
    days = days.left_join(late, ["loan_id", "business_day"])
    first = ibis.coalesce(days.first_due, days.plan_start)
    observed_from = ibis.greatest(first, ibis.coalesce(days.last_missed, first))
    observed = days.business_day < observed_from + pack.observation_days
    before = _rank(pack, days.carried_dpd)
    floor = ibis.greatest(
        RISK_CLASSES.index(pack.restructured_floor),
        ibis.ifelse(before >= RISK_CLASSES.index("substandard"), before, 0),
    )
    return days.select(
        "loan_id",
        "business_day",
        carry_days=ibis.ifelse(days.business_day < days.reage_day, days.carried_dpd, 0),
        under_plan=ibis.ifelse(observed, 1, 0),
        floor_rank=ibis.ifelse(observed, floor, 0),
    )


def _rank(pack: ClassificationPack, dpd: Any) -> Any:
    rank = ibis.literal(0, "int64")
    for step in pack.dpd_steps:
        rank = rank + ibis.ifelse(dpd >= step, 1, 0)
    return rank


def _risk_class(pack: ClassificationPack, rank: Any, is_charged_off: Any) -> Any:
    branches: list[tuple[Any, Any]] = [(is_charged_off, pack.charged_off_class)]
    for index, name in enumerate(RISK_CLASSES[:-1]):
        branches.append((rank <= index, name))
    return ibis.cases(*branches, else_=RISK_CLASSES[-1])


def _bucket(scheme: BucketScheme, days_late: Any, is_charged_off: Any) -> Any:
    branches: list[tuple[Any, Any]] = [(is_charged_off, scheme.charged_off)]
    for bucket in scheme.buckets[:-1]:
        branches.append((days_late <= bucket.max_dpd, bucket.name))
    return ibis.cases(*branches, else_=scheme.buckets[-1].name)


def _finish(
    ledger: Ledger, rows: ir.Table, scheme: BucketScheme, pack: ClassificationPack
) -> ir.Table:
    product = ledger.product.select(
        g_product_id=ledger.product.id.cast("int64"),
        grace_days=ledger.product.grace_days.cast("int64"),
    )
    # A projection (not a join chain) is compiled as one CTE, so the amounts are computed once
    # although the hold arithmetic, the plans and the final rows all read them.
    joined = rows.join(product, rows.product_id == product.g_product_id)
    rows = joined.alias("cycle_rows")
    held = _held(ledger, rows)
    planned = _restructured(ledger, rows, pack)
    rows = rows.left_join(held, ["loan_id", "business_day"])
    rows = rows.left_join(planned, ["loan_id", "business_day"])
    own = ibis.ifelse(rows.oldest_due_day.isnull(), 0, rows.business_day - rows.oldest_due_day)
    # A restructured loan keeps the days it carried into the plan until it re-ages.
    dpd = own + ibis.coalesce(rows.carry_days, 0)
    held_days = ibis.least(ibis.coalesce(rows.held_days, 0), own)
    delinquent = ibis.greatest(dpd - rows.grace_days - held_days, 0)
    is_charged_off = rows.charged_off_day <= rows.business_day
    days_late = dpd if scheme.metric == "dpd" else delinquent
    rank = ibis.greatest(_rank(pack, dpd), ibis.coalesce(rows.floor_rank, 0))
    return rows.select(
        business_day=rows.business_day,
        loan_id=rows.loan_id,
        status=ibis.ifelse(is_charged_off, "charged_off", "active"),
        overdue_since_day=ibis.ifelse(dpd > 0, rows.business_day - dpd + 1, ibis.null("int64")),
        dpd=dpd.cast("int64"),
        delinquent_days=delinquent.cast("int64"),
        bucket=_bucket(scheme, days_late, is_charged_off),
        **{
            f"{c}_overdue": ibis.coalesce(rows[f"{c}_overdue"], 0).cast("int64") for c in COMPONENTS
        },
        principal_outstanding=ibis.coalesce(rows.principal_outstanding, 0).cast("int64"),
        is_held=ibis.coalesce(rows.held_flag, 0).cast("int64"),
        risk_class=_risk_class(pack, rank, is_charged_off),
        is_restructured=ibis.coalesce(rows.under_plan, 0).cast("int64"),
    )
