"""Collection-score samples from the closed days: the late book on a date and what came next.

A collection score ranks the loans already past due: who will roll to the next bucket, who will
cure by themselves, who will pay anything soon. Its development sample is one row per loan
that is past due (dpd >= 1, not charged off) on an observation date ``as_of``, with what was
known on that date, and one target read ``horizon_days`` later:

* ``roll``: ``rolled`` is 1 when the loan is in a later bucket of the scheme on
  ``as_of + horizon_days`` (charged off counts as later), 0 when it stayed, improved or closed;
* ``cure``: ``cured`` is 1 when it is current (dpd 0) or paid off by then;
* ``pay``: ``paid`` is 1 when any payment (net of reversals) took effect in
  ``(as_of, as_of + horizon_days]``.

Only one target is written per sample, so a model cannot learn one outcome from another. The
features are the loan's ``loan_day`` row on ``as_of`` (dpd, bucket, overdue and outstanding
amounts, hold), its terms (principal, product, installments, days on book) and its payments
up to ``as_of`` (last 30 and 90 days, share of principal repaid, days since the last one).
Nothing after ``as_of`` enters a feature. Both dates must be closed. Several observation
dates stack into one sample (``as_of`` is a column), as a behaviour score is developed; the
same loan can then appear on several dates, so split by date or by loan when validating.

The sample is built with the cycle's Ibis expressions on the same engines (DuckDB in-process
or the database's own SQL), one query per observation date, never a loop over loans.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from fairdebt.cycle.buckets import DEFAULT_SCHEME, BucketScheme
from fairdebt.cycle.delinquency import COMPONENTS, EPOCH, Ledger, as_cents, as_day, day_number
from fairdebt.cycle.engines import computing
from fairdebt.cycle.reports import on_date, require_closed
from fairdebt.errors import InputError

__all__ = ["KINDS", "TARGETS", "collection_sample"]

Kind = Literal["roll", "cure", "pay"]
KINDS: tuple[Kind, ...] = ("roll", "cure", "pay")
#: The target column each kind of sample carries.
TARGETS: dict[str, str] = {"roll": "rolled", "cure": "cured", "pay": "paid"}


def collection_sample(
    engine: Any,
    *,
    as_of: Sequence[dt.date],
    kind: Kind,
    horizon_days: int = 30,
    scheme: BucketScheme = DEFAULT_SCHEME,
    compute: str = "duckdb",
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """The development sample of a ``kind`` collection score (see the module docstring).

    One row per loan past due on each date of ``as_of``, ordered by date and loan; the target
    column is :data:`TARGETS` ``[kind]``. ``progress(done, dates)`` is called after each
    observation date. Raises :class:`~fairdebt.errors.InputError` naming the field when the
    kind is unknown, the horizon is not positive or a date is not closed.
    """
    if kind not in KINDS:
        raise InputError(f"kind must be one of {list(KINDS)} (got {kind!r})", field="kind")
    if horizon_days < 1:
        raise InputError(f"horizon must be at least 1 day (got {horizon_days})", field="horizon")
    dates = sorted(set(as_of))
    if not dates:
        raise InputError("at least one observation date is needed", field="as_of")
    ends = [day + dt.timedelta(days=horizon_days) for day in dates]
    require_closed(engine, *dates, *ends)
    frames = []
    with computing(engine, compute, loan_day_dates=sorted({*dates, *ends})) as engine_in_use:
        loan_day = engine_in_use.table("loan_day")
        for day, end in zip(dates, ends, strict=True):
            expr = _sample_on(engine_in_use.ledger, loan_day, day, end, kind, scheme)
            frames.append(engine_in_use.execute(expr).to_pandas())
            if progress is not None:
                progress(len(frames), len(dates))
    sample = pd.concat(frames, ignore_index=True)
    return _finish(sample, kind)


def _sample_on(
    ledger: Ledger,
    loan_day: ir.Table,
    day: dt.date,
    end: dt.date,
    kind: Kind,
    scheme: BucketScheme,
) -> ir.Table:
    today = on_date(loan_day, day)
    late = today.filter((today.dpd >= 1) & (today.status == "active"))
    rows = late.select(
        loan_id=late.loan_id.cast("int64"),
        bucket=late.bucket,
        bucket_rank=_rank(late, scheme),
        dpd=late.dpd.cast("int64"),
        delinquent_days=late.delinquent_days.cast("int64"),
        **{f"{c}_overdue_cents": as_cents(late[f"{c}_overdue"]) for c in COMPONENTS},
        outstanding_cents=as_cents(late.principal_outstanding),
        # PostgreSQL casts no boolean to an integer: a branch does it on every backend
        is_held=ibis.ifelse(late.is_held, 1, 0).cast("int64"),
    )
    rows = rows.join(_terms(ledger, day_number(day)), "loan_id")
    rows = rows.left_join(_payments(ledger, day_number(day)), "loan_id")
    if kind == "pay":
        after = _allocations(ledger)
        after = after.filter((after.pay_day > day_number(day)) & (after.pay_day <= day_number(end)))
        after = after.group_by(outcome_loan_id=after.pay_loan_id).agg(after_cents=after.cents.sum())
        rows = rows.left_join(after, rows.loan_id == after.outcome_loan_id)
        target = ibis.coalesce(rows.after_cents, 0) > 0
    else:
        later = on_date(loan_day, end)
        later = later.select(
            outcome_loan_id=later.loan_id.cast("int64"),
            end_dpd=later.dpd.cast("int64"),
            end_rank=_rank(later, scheme),
        )
        rows = rows.left_join(later, rows.loan_id == later.outcome_loan_id)
        # no row on the end date: the loan closed (paid off) in between
        if kind == "roll":
            target = rows.end_rank.notnull() & (rows.end_rank > rows.bucket_rank)
        else:
            target = rows.end_rank.isnull() | (rows.end_dpd == 0)
    return rows.mutate(
        as_of_day=ibis.literal(day_number(day), "int64"),
        target=ibis.ifelse(target, 1, 0).cast("int64"),
    )


def _rank(rows: ir.Table, scheme: BucketScheme) -> Any:
    """A bucket's place in the scheme; charged off ranks after every bucket."""
    rank = ibis.cases(
        *[(rows.bucket == name, index) for index, name in enumerate(scheme.names)],
        else_=len(scheme.names),
    )
    return ibis.ifelse(rows.status == "charged_off", len(scheme.names) + 1, rank).cast("int64")


def _terms(ledger: Ledger, day: int) -> ir.Table:
    """Per loan: principal, product, days on book, installments scheduled and fallen due."""
    loan = ledger.loan
    terms = loan.select(
        loan_id=loan.id.cast("int64"),
        product_id=loan.product_id.cast("int64"),
        principal_cents=as_cents(loan.principal_amount),
        days_on_book=ibis.literal(day, "int64") - as_day(loan.disbursed_on),
    )
    inst = ledger.installment
    live = inst.filter(
        (as_day(inst.created_on) <= day)
        & (inst.superseded_on.isnull() | (as_day(inst.superseded_on) > day))
    )
    counts = live.group_by(inst_loan_id=live.loan_id.cast("int64")).agg(
        installments=live.count(),
        installments_due=live.count(where=as_day(live.due_on) <= day),
    )
    return terms.join(counts, terms.loan_id == counts.inst_loan_id).drop("inst_loan_id")


def _allocations(ledger: Ledger) -> ir.Table:
    """Every allocation line with its loan, day and cents (a reversal is negative)."""
    line, inst = ledger.allocation_line, ledger.installment
    joined = line.join(inst, line.installment_id == inst.id)
    return joined.select(
        pay_loan_id=joined.loan_id.cast("int64"),
        pay_day=as_day(joined.effective_on),
        cents=as_cents(joined.amount),
    )


def _payments(ledger: Ledger, day: int) -> ir.Table:
    """Per loan: what was paid up to ``day`` (all, last 30 and 90 days) and the last day paid."""
    paid = _allocations(ledger)
    paid = paid.filter(paid.pay_day <= day)
    per_day = paid.group_by("pay_loan_id", "pay_day").agg(cents=paid.cents.sum())
    return per_day.group_by(loan_id=per_day.pay_loan_id).agg(
        paid_cents=per_day.cents.sum(),
        paid_30d_cents=per_day.cents.sum(where=per_day.pay_day > day - 30),
        paid_90d_cents=per_day.cents.sum(where=per_day.pay_day > day - 90),
        last_paid_day=per_day.pay_day.max(where=per_day.cents > 0),
    )


def _finish(sample: pd.DataFrame, kind: Kind) -> pd.DataFrame:
    """Cents to yuan, day numbers to dates, derived ratios, and the columns in reading order."""
    yuan = {c: sample[f"{c}_overdue_cents"] / 100.0 for c in COMPONENTS}
    overdue = sum(yuan.values())
    principal = sample["principal_cents"] / 100.0
    paid = sample["paid_cents"].fillna(0) / 100.0
    out = pd.DataFrame(
        {
            "as_of": np.datetime64(EPOCH, "D") + sample["as_of_day"].to_numpy(dtype="int64"),
            "loan_id": sample["loan_id"].astype("int64"),
            "bucket": sample["bucket"].astype(str),
            "dpd": sample["dpd"].astype("int64"),
            "delinquent_days": sample["delinquent_days"].astype("int64"),
            "overdue": overdue,
            **{f"{c}_overdue": yuan[c] for c in COMPONENTS},
            "outstanding": sample["outstanding_cents"] / 100.0,
            "overdue_share": overdue / principal.where(principal > 0),
            "is_held": sample["is_held"].astype("int64"),
            "principal": principal,
            "product": "P" + sample["product_id"].astype("int64").astype(str),
            "installments": sample["installments"].astype("int64"),
            "installments_due": sample["installments_due"].astype("int64"),
            "days_on_book": sample["days_on_book"].astype("int64"),
            "paid_30d": sample["paid_30d_cents"].fillna(0) / 100.0,
            "paid_90d": sample["paid_90d_cents"].fillna(0) / 100.0,
            "repaid_share": paid / principal.where(principal > 0),
            # never paid stays missing: its own bin, not a number of days
            "days_since_payment": sample["as_of_day"] - sample["last_paid_day"],
            TARGETS[kind]: sample["target"].astype("int64"),
        }
    )
    return out.sort_values(["as_of", "loan_id"], ignore_index=True)
