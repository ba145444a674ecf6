"""The daily close of business: how late every loan is, its bucket, roll rates and KPIs.

For each business date the cycle writes one ``loan_day`` row per live loan (dpd,
delinquent_days, overdue amounts by component, principal outstanding, hold, status, bucket),
from dated ledger rows only, so any past date reruns exactly. The logic is written once as Ibis
expressions (:mod:`fairdebt.cycle.delinquency`) and runs on DuckDB in-process or inside the
database itself (:mod:`fairdebt.cycle.engines`, the only backend-specific module).
:mod:`fairdebt.cycle.reports` reads ``loan_day`` back into roll rates, KPIs and vintages, and
:mod:`fairdebt.cycle.samples` into the development samples of collection scores.
"""

from __future__ import annotations

from fairdebt.cycle.buckets import DEFAULT_SCHEME, Bucket, BucketScheme
from fairdebt.cycle.reports import export, kpis, roll_rates, vintage_curves
from fairdebt.cycle.runs import CycleResult, last_run_date, run, run_range

__all__ = [
    "DEFAULT_SCHEME",
    "Bucket",
    "BucketScheme",
    "CycleResult",
    "export",
    "kpis",
    "last_run_date",
    "roll_rates",
    "run",
    "run_range",
    "vintage_curves",
]
