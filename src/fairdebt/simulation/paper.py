"""A paper ledger: the simulator's stand-in for the database, for calibration and fast tests.

It builds the same monthly due dates and equal-installment principal parts as the real ledger
(approximately, in floats) and remembers nothing else: amounts paid are read back from the
:class:`~fairdebt.simulation.behaviour.Book`. :func:`paper_metrics` computes the calibration
figures of calibration.md rows 25-31 from the book, so the behaviour model can be tuned in
seconds; the figures reported in benchmarks/results/calibration.md come from the real ledger
and cycle instead.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from numpy.typing import NDArray

from fairdebt.simulation.behaviour import (
    ACTIVE,
    CHARGED_OFF,
    MAX_TERM,
    NO_DUE,
    Book,
    DayPayments,
    annuity_schedule,
    due_days,
)

__all__ = ["PaperLedger", "paper_metrics"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


class PaperLedger:
    """Schedules in numpy; payments and end-of-day work are no-ops on paper."""

    def __init__(self, start_on: dt.date) -> None:
        self.start = np.datetime64(start_on, "D")

    def disburse(
        self, day: int, principal: FloatArray, apr: FloatArray, term: IntArray, **_: object
    ) -> tuple[IntArray, FloatArray]:
        when = np.full(principal.size, self.start + np.timedelta64(day, "D"))
        due = due_days(when, term)
        days = np.where(np.isnat(due), NO_DUE, (due - self.start).astype(np.int64))
        return days.astype(np.int64), annuity_schedule(principal, apr, term)

    def open_day(self, day: int) -> None:
        """Nothing to open on paper."""

    def close_day(self, day: int) -> None:
        """Nothing to commit on paper."""

    def post(self, day: int, payments: DayPayments) -> None:
        """Nothing to post on paper."""

    def end_of_day(self, day: int, *, charging: bool) -> IntArray:
        return np.zeros(0, dtype=np.int64)


def paper_metrics(book: Book, end_day: int) -> dict[str, float]:
    """Calibration figures from the mirror, at ``end_day`` (exclusive)."""
    n = book.n
    due, pdue, paid_on = book.due[:n], book.principal_due[:n], book.paid_on[:n]
    in_window = due < end_day
    missed = in_window & (paid_on > due)
    d1_all = (pdue * missed).sum() / max((pdue * in_window).sum(), 1e-9)
    current = book.fell_current[:n] & in_window
    missed = book.entered[:n] & in_window
    d1 = (pdue * missed).sum() / max((pdue * current).sum(), 1e-9)
    seen30 = missed & (due + 30 < end_day)
    collected30 = (pdue * (seen30 & (paid_on <= due + 30))).sum() / max((pdue * seen30).sum(), 1)

    slot = np.minimum(book.paid[:n], MAX_TERM - 1)
    oldest = np.where(book.paid[:n] < book.term[:n], due[np.arange(n), slot], NO_DUE)
    dpd = np.maximum(end_day - 1 - oldest, 0)
    outstanding = book.principal[:n] - (pdue * (paid_on < end_day)).sum(axis=1)
    active = book.status[:n] == ACTIVE
    share90 = (outstanding * active * (dpd >= 90)).sum() / max((outstanding * active).sum(), 1)

    entry = book.m3_entry[:n]
    m3 = entry + 30 < end_day
    k = np.arange(MAX_TERM)
    paid_before = (paid_on < entry[:, None]) & (k[None, :] < book.term[:n, None])
    bal = book.principal[:n] - (pdue * paid_before).sum(axis=1)
    rec = (pdue * ((paid_on >= entry[:, None]) & (paid_on < entry[:, None] + 30))).sum(axis=1)
    if book.token_log:
        t_loan = np.concatenate([t[0] for t in book.token_log])
        t_day = np.concatenate([t[1] for t in book.token_log])
        t_amount = np.concatenate([t[2] for t in book.token_log])
        inside = (t_day >= entry[t_loan]) & (t_day < entry[t_loan] + 30)
        rec = rec + np.bincount(t_loan[inside], t_amount[inside], minlength=n)
    m3_recovery = (rec * m3).sum() / max((bal * m3).sum(), 1)

    first_due = due[:, 0]
    matured = first_due + 30 < end_day
    fpd30 = ((paid_on[:, 0] > first_due + 30) & matured).sum() / max(matured.sum(), 1)
    amounts = book.principal[:n]
    return {
        "loans": float(n),
        "day1_delinquency": float(d1),
        "day1_delinquency_all_dues": float(d1_all),
        "collected_30d": float(collected30),
        "share_90_plus": float(share90),
        "m3_recovery": float(m3_recovery),
        "fpd30": float(fpd30),
        "avg_loan": float(amounts.mean()) if n else 0.0,
        "weighted_tenor": float((amounts * book.term[:n]).sum() / max(amounts.sum(), 1)),
        "charged_off_share": float((book.status[:n] == CHARGED_OFF).mean()) if n else 0.0,
    }
