"""The daily close of business: how late every loan is, its bucket, roll rates and KPIs.

For each business date the cycle writes one ``loan_day`` row per live loan (dpd,
delinquent_days, overdue amounts by component, principal outstanding, hold, status, bucket),
from dated ledger rows only, so any past date reruns exactly. The logic is written once as Ibis
expressions (:mod:`fairdebt.cycle.delinquency`) and runs on DuckDB in-process or inside the
database itself (:mod:`fairdebt.cycle.engines`, the only backend-specific module).
:mod:`fairdebt.cycle.reports` reads ``loan_day`` back into roll rates and vintages,
:mod:`fairdebt.cycle.indicators` into the portfolio KPIs (each defined once), and
:mod:`fairdebt.cycle.samples` into the development samples of collection scores; every row
carries its five-tier class (:mod:`fairdebt.cycle.classification`).
"""

from __future__ import annotations

from fairdebt.cycle.buckets import DEFAULT_SCHEME, Bucket, BucketScheme
from fairdebt.cycle.classification import CN_2023, RISK_CLASSES, ClassificationPack
from fairdebt.cycle.indicators import kpis
from fairdebt.cycle.reports import export, roll_rates, vintage_curves
from fairdebt.cycle.runs import CycleResult, last_run_date, run, run_range

__all__ = [
    "CN_2023",
    "DEFAULT_SCHEME",
    "RISK_CLASSES",
    "Bucket",
    "BucketScheme",
    "ClassificationPack",
    "CycleResult",
    "export",
    "kpis",
    "last_run_date",
    "roll_rates",
    "run",
    "run_range",
    "vintage_curves",
]
