"""Speed of validation, monitoring and the HTML reports on 1 M scored rows.

Run from the project root::

    .venv/bin/python benchmarks/risk_reports.py              # 1 M rows (the reported figure)
    .venv/bin/python benchmarks/risk_reports.py --rows 100000

Writes benchmarks/results/risk-reports.md. The model is a stand-in that reads its PD from a
column, so the figures measure fairdebt's validation and report code, not a model's scoring.
The baseline in the same process is scikit-learn's ``roc_auc_score`` + ``brier_score_loss``
and SciPy's ``ks_2samp`` on the same rows: fairdebt's ``metrics`` computes those and ECE too.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import brier_score_loss, roc_auc_score

from fairdebt.risk.monitoring import monitor, psi
from fairdebt.risk.report import write_monitoring_report, write_validation_report
from fairdebt.risk.validation import calibration_by_grade, gains_table, metrics, score_from_pd


class ColumnModel:
    """Reads the PD of bad from the ``pd`` column; points from the PD."""

    feature_names_in_ = np.array(["income", "age", "utilisation", "city", "channel"], dtype=object)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = X["pd"].to_numpy(dtype=float)
        return np.column_stack([1 - p, p])

    def decision_score(self, X: pd.DataFrame) -> np.ndarray:
        return np.rint(score_from_pd(X["pd"].to_numpy(dtype=float)))


def sample(n: int, seed: int, shift: float = 0.0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    income = rng.lognormal(9.0 + shift, 0.5, n)
    X = pd.DataFrame(
        {
            "income": income,
            "age": rng.integers(18, 70, n).astype(float),
            "utilisation": np.where(rng.random(n) < 0.05, np.nan, rng.random(n)),
            "city": rng.choice(np.array(["北京", "上海", "成都", "深圳", "武汉"], dtype=object), n),
            "channel": rng.choice(np.array(["app", "web", "partner"], dtype=object), n),
        }
    )
    log_odds = -1.5 - 0.8 * (np.log(income) - 9.0) / 0.5 + rng.normal(0, 0.8, n)
    X["pd"] = 1 / (1 + np.exp(-log_odds))
    y = (rng.random(n) < X["pd"].to_numpy()).astype(np.int8)
    return X, y


def timed(function: Callable[[], Any], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/risk-reports.md"))
    args = parser.parse_args()
    n = args.rows
    X, y = sample(n, seed=1)
    X_actual, _ = sample(n, seed=2, shift=0.1)
    p = X["pd"].to_numpy()
    score = score_from_pd(p)
    model = ColumnModel()

    def baseline() -> None:
        roc_auc_score(y, p)
        brier_score_loss(y, p)
        stats.ks_2samp(p[y == 1], p[y == 0])

    folder = Path(tempfile.mkdtemp(prefix="fairdebt-bench-"))
    rows = [
        ("baseline: sklearn AUC + Brier, SciPy KS", timed(baseline)),
        ("metrics (AUC, KS, Gini, Brier, ECE)", timed(lambda: metrics(y, p))),
        (
            "calibration_by_grade (10 grades, binomial tests)",
            timed(lambda: calibration_by_grade(y, p, score)),
        ),
        ("gains_table (10 bands)", timed(lambda: gains_table(y, score))),
        ("psi, numeric feature (deciles)", timed(lambda: psi(X["income"], X_actual["income"]))),
        ("psi, text feature (categories)", timed(lambda: psi(X["city"], X_actual["city"]))),
        ("monitor (score PSI + CSI of 5 features)", timed(lambda: monitor(model, X, X_actual), 1)),
        (
            "write_validation_report (HTML, 6 charts)",
            timed(lambda: write_validation_report(model, X, y, folder / "v.html"), 1),
        ),
        (
            "write_monitoring_report (HTML, 8 charts)",
            timed(lambda: write_monitoring_report(model, X, X_actual, folder / "m.html"), 1),
        ),
    ]
    base = rows[0][1]
    sizes = {name: (folder / name).stat().st_size for name in ("v.html", "m.html")}
    lines = [
        "# Risk validation, monitoring and reports: speed",
        "",
        f"{n:,} rows per sample; best of 3 (1 for monitor and the reports); seconds.",
        "",
        "| step | seconds | × baseline |",
        "|---|---:|---:|",
        *(f"| {name} | {seconds:.3f} | {seconds / base:.2f} |" for name, seconds in rows),
        "",
        f"Report sizes: validation {sizes['v.html'] / 1024:.0f} KiB, "
        f"monitoring {sizes['m.html'] / 1024:.0f} KiB (curves thinned to 400 points).",
        "",
        f"Command: `.venv/bin/python benchmarks/risk_reports.py --rows {n}`",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}; load average at the end "
        f"{os.getloadavg()[0]:.1f} (other work shared the machine).",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
