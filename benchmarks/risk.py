"""Benchmark of fairdebt's risk models against the libraries a credit-risk team would use.

One run: 5-fold stratified cross-validation (seed 42, the same folds for every model) of the
fairdebt scorecard, GBM and ensemble, optbinning's BinningProcess + LogisticRegression, toad's
scorecard, plain LightGBM and LightGBM tuned by Optuna inside the training folds, on German
credit, HMEQ and Give Me Some Credit read from ../shared/data/ (beside the project; HMEQ and
GMSC are not redistributable and are not shipped). Then the scoring speed of the fairdebt
models on about a million rows. Writes benchmarks/results/risk.md from every row run so far
(kept in benchmarks/results/risk-rows.jsonl, so that data sets can be run one at a time).

    .venv/bin/python benchmarks/risk.py [--data ../shared/data] [--only german,hmeq,gmsc]
        [--models 'fairdebt ensemble;LightGBM (tuned)'] [--no-speed]

fairdebt models get the raw file (identifier, text categoricals, missing values and sentinel
codes as they come). The baselines get what they need by hand: the identifier column dropped,
and for toad missing values filled (-999 for numbers, "MISSING" for text) because its binning
fails on NaN. LightGBM runs with n_jobs=1 on both sides so that the comparison does not depend
on thread contention.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from optbinning import BinningProcess
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from fairdebt.risk import EnsembleModel, GBMModel, Scorecard, cross_validate, make_target
from fairdebt.risk.gbm import inner_folds
from fairdebt.risk.tuning import lgb_dataset, tune_lightgbm

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "risk.md"
#: every cross-validation row run so far, one JSON object a line, so data sets can be run apart
ROWS = ROOT / "benchmarks" / "results" / "risk-rows.jsonl"
#: the Optuna budget of LightGBM (tuned) (seconds, trials per fit)
TUNING = {"time_budget": 60.0, "max_trials": 40}
#: the ensemble's budget: seconds of one whole fit (one outer fold), and its trial cap
ENSEMBLE = {"time_budget": 300.0, "max_trials": 40}
#: outer folds fitted at once (processes); the figures do not depend on it, the times do
JOBS: dict[str, Any] = {"n": 1, "per_fold": False}

DATASETS = {
    "german": ("german_credit.csv", "creditability", "bad", []),
    "hmeq": ("hmeq.csv", "BAD", "1", []),
    "gmsc": ("give_me_some_credit_train.csv", "SeriousDlqin2yrs", "1", ["Unnamed: 0"]),
}


#: toad gets numeric columns with more distinct values than this cut at training quantiles.
TOAD_LEVELS = 100


def _text_columns(X: pd.DataFrame) -> list[str]:
    return [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]


class OptbinningLR(ClassifierMixin, BaseEstimator):
    """optbinning's own pipeline: BinningProcess (defaults) then LogisticRegression on WOE."""

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> OptbinningLR:
        X = X.astype({c: object for c in _text_columns(X)})
        self.process_ = BinningProcess(list(X.columns), categorical_variables=_text_columns(X))
        woe = self.process_.fit_transform(X, y)
        self.regression_ = LogisticRegression(max_iter=1000).fit(woe, y)
        self.classes_ = self.regression_.classes_
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        X = X.astype({c: object for c in _text_columns(X)})
        return np.asarray(self.regression_.predict_proba(self.process_.transform(X)))


class ToadScorecard(ClassifierMixin, BaseEstimator):
    """toad's scorecard: chi-merge Combiner, WOETransformer, ScoreCard.

    Prepared by hand as toad needs: missing values filled (its binning fails on NaN), and
    numeric columns with more than ``TOAD_LEVELS`` distinct values cut at their training
    quantiles first (toad's chi-merge starts from every distinct value: on GMSC's 150 000
    rows one fold had not finished after 15 minutes).
    """

    def _filled(self, X: pd.DataFrame) -> pd.DataFrame:
        text = _text_columns(X)
        numbers = [c for c in X.columns if c not in text]
        out = X.copy()
        for column, edges in self.edges_.items():
            values = out[column].to_numpy(dtype=float)
            cut = edges[np.clip(np.searchsorted(edges, values, "right") - 1, 0, None)]
            out[column] = np.where(np.isnan(values), np.nan, cut)
        out[numbers] = out[numbers].fillna(-999)
        for column in text:
            out[column] = out[column].astype(object).fillna("MISSING")
        return out

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> ToadScorecard:
        from toad.scorecard import ScoreCard
        from toad.transform import Combiner, WOETransformer

        numbers = [c for c in X.columns if c not in _text_columns(X)]
        self.edges_ = {
            c: np.unique(np.nanquantile(X[c].to_numpy(dtype=float), np.linspace(0, 1, TOAD_LEVELS)))
            for c in numbers
            if X[c].nunique() > TOAD_LEVELS
        }
        frame = self._filled(X).assign(_y=y)
        self.combiner_ = Combiner().fit(frame, y="_y", method="chi", min_samples=0.05)
        binned = self.combiner_.transform(frame)
        self.woe_ = WOETransformer()
        woe = self.woe_.fit_transform(binned, binned["_y"], exclude=["_y"])
        self.card_ = ScoreCard(combiner=self.combiner_, transer=self.woe_)
        self.card_.fit(woe.drop(columns=["_y"]), y)
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.card_.predict_proba(self._filled(X)))


class PlainLightGBM(ClassifierMixin, BaseEstimator):
    """LightGBM with its defaults; text columns as pandas categoricals."""

    def _frame(self, X: pd.DataFrame) -> pd.DataFrame:
        out = X.copy()
        for column, categories in self.categories_.items():
            out[column] = pd.Categorical(out[column], categories=categories)
        return out

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> PlainLightGBM:
        self.categories_ = {c: sorted(X[c].dropna().unique()) for c in _text_columns(X)}
        self.model_ = lgb.LGBMClassifier(verbose=-1, n_jobs=1, random_state=0)
        self.model_.fit(self._frame(X), y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.model_.predict_proba(self._frame(X)))


class TunedLightGBM(PlainLightGBM):
    """LightGBM tuned by Optuna on 3 inner folds of the training rows, then refitted on them.

    The same tuning (search space, budget, trial cap) as the ensemble's LightGBM learner
    (``fairdebt.risk.tuning``), on the same prepared frame as plain LightGBM.
    """

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> TunedLightGBM:
        self.categories_ = {c: sorted(X[c].dropna().unique()) for c in _text_columns(X)}
        frame = self._frame(X)
        tuned = tune_lightgbm(frame, y, inner_folds(y, 3, 0), threads=1, **TUNING)
        self.settings_ = tuned.params
        self.booster_ = lgb.train(tuned.params, lgb_dataset(frame, y), tuned.trees)
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        p = self.booster_.predict(self._frame(X))
        return np.column_stack([1 - p, p])


def _models() -> dict[str, tuple[Any, bool]]:
    """Model name -> (estimator, gets the raw frame)."""
    return {
        "fairdebt scorecard": (Scorecard(), True),
        "fairdebt scorecard, one table": (Scorecard(segments="none"), True),
        "fairdebt scorecard, no built features": (Scorecard(features="none"), True),
        "fairdebt GBM": (GBMModel(n_jobs=1), True),
        "fairdebt ensemble": (EnsembleModel(n_jobs=1, **ENSEMBLE), True),
        "optbinning BinningProcess + LR": (OptbinningLR(), False),
        "toad scorecard": (ToadScorecard(), False),
        "LightGBM (plain)": (PlainLightGBM(), False),
        "LightGBM (tuned)": (TunedLightGBM(), False),
    }


def _run(data_dir: Path, names: list[str], only_models: list[str]) -> list[dict[str, Any]]:
    rows = []
    for name in names:
        file, target, bad, ids = DATASETS[name]
        frame = pd.read_csv(data_dir / file, low_memory=False)
        y = make_target(frame[target], bad, column=target)
        raw = frame.drop(columns=[target])
        prepared = raw.drop(columns=ids)
        for model_name, (model, gets_raw) in _models().items():
            if only_models and model_name not in only_models:
                continue
            X = raw if gets_raw else prepared
            try:
                if JOBS["per_fold"]:
                    result = _per_fold(model, X, y, f"{name}: {model_name}")
                else:
                    result = cross_validate(model, X, y, folds=5, seed=42, n_jobs=JOBS["n"])
                error = None
            except Exception as failure:  # a baseline that fails is reported, not fatal
                result, error = {}, f"{type(failure).__name__}: {failure}"[:160]
            row = {"data": name, "model": model_name, "n": len(y), **result, "error": error}
            rows.append(row)
            print(json.dumps(row), flush=True)
            _remember(row)
    return rows


def _per_fold(model: Any, X: pd.DataFrame, y: np.ndarray, label: str) -> dict[str, Any]:
    """``cross_validate``'s folds and figures, each fold printed as it ends (long runs)."""
    from joblib import Parallel, delayed
    from sklearn.model_selection import StratifiedKFold

    from fairdebt.risk.crossval import _fit_fold

    started = time.perf_counter()
    pairs = list(StratifiedKFold(5, shuffle=True, random_state=42).split(np.zeros(len(y)), y))
    results = []
    jobs = Parallel(n_jobs=JOBS["n"], return_as="generator")(
        delayed(_fit_fold)(model, X, y, train, test) for train, test in pairs
    )
    for fold, (auc, ks, seconds) in enumerate(jobs):
        results.append((auc, ks, seconds))
        print(json.dumps({"fold": fold, "of": label, "auc": auc, "ks": ks, "fit_s": seconds}))
    aucs, kss = [r[0] for r in results], [r[1] for r in results]
    return {
        "auc_mean": float(np.mean(aucs)),
        "auc_std": float(np.std(aucs)),
        "ks_mean": float(np.mean(kss)),
        "ks_std": float(np.std(kss)),
        "folds": 5,
        "seed": 42,
        "n": len(y),
        "fit_seconds": float(np.sum([r[2] for r in results])),
        "seconds": float(time.perf_counter() - started),
    }


def _remember(row: dict[str, Any]) -> None:
    """Keep the row in ROWS, replacing an earlier run of the same data set and model.

    Data sets may run in parallel processes: the read and rewrite happen under a file lock.
    """
    import fcntl

    ROWS.parent.mkdir(parents=True, exist_ok=True)
    with (ROWS.parent / "risk-rows.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        kept = [r for r in _recorded() if (r["data"], r["model"]) != (row["data"], row["model"])]
        ROWS.write_text("".join(json.dumps(r) + "\n" for r in [*kept, row]), encoding="utf-8")


def _recorded() -> list[dict[str, Any]]:
    if not ROWS.exists():
        return []
    return [json.loads(line) for line in ROWS.read_text(encoding="utf-8").splitlines() if line]


def _scoring_speed(data_dir: Path) -> list[dict[str, Any]]:
    file, target, bad, _ = DATASETS["gmsc"]
    frame = pd.read_csv(data_dir / file, low_memory=False)
    y = make_target(frame[target], bad, column=target)
    X = frame.drop(columns=[target])
    big = pd.concat([X] * 7, ignore_index=True)  # 1 050 000 rows
    rows = []
    for name, model in (
        ("fairdebt scorecard", Scorecard()),
        ("fairdebt GBM", GBMModel(n_jobs=1)),
        ("fairdebt ensemble", EnsembleModel(n_jobs=1, **ENSEMBLE)),
    ):
        model.fit(X, y)
        for method in ("decision_score", "predict_proba"):
            tick = time.perf_counter()
            getattr(model, method)(big)
            seconds = time.perf_counter() - tick
            row = {
                "model": name,
                "method": method,
                "rows": len(big),
                "seconds": seconds,
                "rows_per_second": len(big) / seconds,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def _best(rows: list[dict[str, Any]], data: str, models: list[str]) -> dict[str, Any] | None:
    found = [r for r in rows if r["data"] == data and r["model"] in models and not r["error"]]
    return max(found, key=lambda r: r["auc_mean"]) if found else None


#: The ensemble's AUC floors of issue 15 (five-fold CV, seed 42).
ISSUE_FLOORS = {"german": 0.800, "gmsc": 0.868, "hmeq": 0.975}


def _floors(rows: list[dict[str, Any]]) -> list[str]:
    lines = []
    for data in sorted({r["data"] for r in rows}):
        ours = _best(rows, data, ["fairdebt scorecard"])
        library = _best(rows, data, ["optbinning BinningProcess + LR", "toad scorecard"])
        gbm = _best(rows, data, ["fairdebt GBM"])
        plain = _best(rows, data, ["LightGBM (plain)"])
        if ours and library:
            ok = ours["auc_mean"] >= library["auc_mean"]
            lines.append(
                f"- {data}: fairdebt scorecard AUC {ours['auc_mean']:.4f} vs best library "
                f"scorecard ({library['model']}) {library['auc_mean']:.4f}: "
                f"{'met' if ok else 'MISSED'}"
            )
        if gbm and plain:
            ok = gbm["auc_mean"] >= plain["auc_mean"]
            lines.append(
                f"- {data}: fairdebt GBM AUC {gbm['auc_mean']:.4f} vs plain LightGBM "
                f"{plain['auc_mean']:.4f}: {'met' if ok else 'MISSED'}"
            )
        ensemble = _best(rows, data, ["fairdebt ensemble"])
        tuned = _best(rows, data, ["LightGBM (tuned)"])
        if ensemble:
            rivals = [r for r in (ours, gbm, tuned) if r]
            beaten = all(ensemble["auc_mean"] > r["auc_mean"] for r in rivals)
            lines.append(
                f"- {data}: fairdebt ensemble AUC {ensemble['auc_mean']:.4f} vs "
                + ", ".join(f"{r['model']} {r['auc_mean']:.4f}" for r in rivals)
                + f": {'met' if beaten else 'MISSED'}"
            )
            floor = ISSUE_FLOORS.get(data)
            if floor is not None:
                lines.append(
                    f"- {data}: fairdebt ensemble AUC {ensemble['auc_mean']:.4f} >= {floor}: "
                    f"{'met' if ensemble['auc_mean'] >= floor else 'MISSED'}"
                )
        if data == "german" and ours:
            lines.append(
                f"- german: fairdebt scorecard AUC {ours['auc_mean']:.4f} >= 0.790: "
                f"{'met' if ours['auc_mean'] >= 0.790 else 'MISSED'}"
            )
        if data == "gmsc" and ours and gbm:
            lines.append(
                f"- gmsc: scorecard AUC {ours['auc_mean']:.5f} >= 0.862: "
                f"{'met' if ours['auc_mean'] >= 0.862 else 'MISSED'}; GBM AUC "
                f"{gbm['auc_mean']:.5f} >= 0.866: "
                f"{'met' if gbm['auc_mean'] >= 0.866 else 'MISSED'}"
            )
            optb = _best(rows, data, ["optbinning BinningProcess + LR"])
            if optb:
                ratio = ours["fit_seconds"] / optb["fit_seconds"]
                lines.append(
                    f"- gmsc: scorecard fit time {ours['fit_seconds']:.1f} s vs optbinning "
                    f"{optb['fit_seconds']:.1f} s = {ratio:.2f}x (floor 1.2x): "
                    f"{'met' if ratio <= 1.2 else 'MISSED'}"
                )
    return lines


def _write(rows: list[dict[str, Any]], speed: list[dict[str, Any]], command: str) -> None:
    out = [
        "# Risk models: benchmark",
        "",
        "5-fold stratified cross-validation, seed 42, same folds for every model. AUC and KS",
        "are means (± std) over folds on the held-out fold; fit time is the sum over the 5",
        "fits, in seconds.",
        "",
        "| data | model | AUC | KS | fit s (5 folds) |",
        "|---|---|---:|---:|---:|",
    ]
    for r in rows:
        if r["error"]:
            what = r["error"] if r["error"].startswith("not run") else f"failed: {r['error']}"
            out.append(f"| {r['data']} | {r['model']} | {what} | | |")
        else:
            out.append(
                f"| {r['data']} | {r['model']} | {r['auc_mean']:.4f} ± {r['auc_std']:.4f} "
                f"| {r['ks_mean']:.4f} ± {r['ks_std']:.4f} | {r['fit_seconds']:.1f} |"
            )
    out += ["", "## Floors", "", *_floors(rows), ""]
    out += [
        "## Notes",
        "",
        "- fairdebt models get the raw file; the baselines get the identifier column dropped,",
        '  and toad gets missing values filled by hand (-999 / "MISSING"): its binning fails',
        "  on NaN with numpy 2.4 / pandas 3 (toad 0.1.7, the `bench` extra: `make bench`",
        "  installs it);",
        f"  numeric columns with over {TOAD_LEVELS} distinct values are cut at training",
        "  quantiles for toad, whose chi-merge starts from every distinct value.",
        "- LightGBM runs with n_jobs=1 in fairdebt's GBM and ensemble and in plain and tuned",
        "  LightGBM.",
        "- LightGBM (tuned): Optuna inside the training folds, at",
        f"  most {TUNING['max_trials']:.0f} trials or {TUNING['time_budget']:.0f} s per fit, "
        "whichever first (on a loaded",
        "  machine the budget ends the search first, so fewer trials run).",
        f"- The ensemble: {ENSEMBLE['time_budget']:.0f} s per fit (a target for the whole fit; its",
        f"  LightGBM's search gets what is left, at most {ENSEMBLE['max_trials']:.0f} trials).",
        '- fairdebt scorecard, no built features: `features="none"`, the card before issue 15.',
        "- Scoring times are wall-clock for the whole call on raw frames (cleaning included).",
        "- `--jobs N` fits N outer folds at once in separate processes: the folds and figures",
        "  are the same, the fit seconds are each fold's wall clock while it shared the machine",
        "  with the others, summed.",
        "- The ensemble's extra trees run single-threaded (n_jobs=1) like its LightGBM.",
        "",
    ]
    if speed:
        out += [
            "## Scoring speed (models fitted on GMSC, its 150 000 rows repeated 7 times)",
            "",
            "| model | method | rows | seconds | rows/s |",
            "|---|---|---:|---:|---:|",
        ]
        out += [
            f"| {s['model']} | {s['method']} | {s['rows']:,} | {s['seconds']:.2f} | "
            f"{s['rows_per_second']:,.0f} |"
            for s in speed
        ]
        out.append("")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out += [
        "## How to reproduce",
        "",
        "```",
        command,
        "```",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python "
        f"{platform.python_version()}; load average at the end of the run {load:.1f} "
        "(the machine was shared, so times are noisy; the ratios are the figures to read).",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(out), encoding="utf-8")


def _timing(data_dir: Path, repeats: int) -> None:
    """Fit time on GMSC, fairdebt scorecard and optbinning alternated; GBM scoring, all cores."""
    file, target, bad, ids = DATASETS["gmsc"]
    frame = pd.read_csv(data_dir / file, low_memory=False)
    y = make_target(frame[target], bad, column=target)
    raw = frame.drop(columns=[target])
    ratios, lines = [], []
    for _ in range(repeats):
        seconds = []
        for model, X in (
            (Scorecard(), raw),
            (Scorecard(segments="none"), raw),
            (OptbinningLR(), raw.drop(columns=ids)),
        ):
            tick = time.perf_counter()
            model.fit(X, y)
            seconds.append(time.perf_counter() - tick)
        ours, one, theirs = seconds
        ratios.append((ours / theirs, one / theirs))
        lines.append(
            f"| {ours:.2f} | {one:.2f} | {theirs:.2f} | {ours / theirs:.2f} | {one / theirs:.2f} |"
        )
    big_lines = _big_book_fits(raw.drop(columns=ids), y)
    gbm = GBMModel().fit(raw, y)
    big = pd.concat([raw] * 7, ignore_index=True)
    tick = time.perf_counter()
    gbm.decision_score(big)
    scoring = time.perf_counter() - tick
    median = np.median(np.array(ratios), axis=0)
    out = [
        "# Risk models: timing on GMSC (150 000 rows)",
        "",
        "Full-data fits of the fairdebt scorecard (default: segmented), the fairdebt scorecard",
        'with one table (`segments="none"`) and optbinning BinningProcess + LR, alternated in',
        "one process so that all see the same machine load.",
        "",
        "| fairdebt s | fairdebt one table s | optbinning s | ratio | ratio, one table |",
        "|---:|---:|---:|---:|---:|",
        *lines,
        "",
        f"Median ratio {median[0]:.2f}, one table {median[1]:.2f} (floor 1.2).",
        "",
        "The same fits on a book of 1,050,000 rows (GMSC seven times, identifier dropped for",
        "all), once each:",
        "",
        "| model | fit s | ratio to optbinning |",
        "|---|---:|---:|",
        *big_lines,
        "",
        f"fairdebt GBM (default n_jobs, all cores) decision_score on {len(big):,} rows: "
        f"{scoring:.2f} s.",
        "",
        "```",
        f".venv/bin/python benchmarks/risk.py --timing {repeats}",
        "```",
        "",
        f"Machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the end.",
        "",
    ]
    path = RESULTS.with_name("risk-timing.md")
    path.write_text("\n".join(out), encoding="utf-8")
    print(path.read_text(encoding="utf-8"))


def _big_book_fits(X: pd.DataFrame, y: np.ndarray, copies: int = 7) -> list[str]:
    """One fit of each scorecard on the book repeated ``copies`` times: how fit time scales."""
    big, target = pd.concat([X] * copies, ignore_index=True), np.tile(y, copies)
    seconds = {}
    for name, model in (
        ("fairdebt scorecard", Scorecard()),
        ("fairdebt scorecard, one table", Scorecard(segments="none")),
        ("optbinning BinningProcess + LR", OptbinningLR()),
    ):
        tick = time.perf_counter()
        model.fit(big, target)
        seconds[name] = time.perf_counter() - tick
    theirs = seconds["optbinning BinningProcess + LR"]
    return [f"| {name} | {s:.2f} | {s / theirs:.2f} |" for name, s in seconds.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--only", default="german,hmeq,gmsc")
    parser.add_argument("--models", default="", help="only these models, separated by ';'")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--timing", type=int, default=0, help="only the GMSC timing, N repeats")
    parser.add_argument(
        "--time-budget",
        type=float,
        default=ENSEMBLE["time_budget"],
        help="seconds of one whole fit of the ensemble (per outer fold), a target",
    )
    parser.add_argument("--jobs", type=int, default=1, help="outer folds fitted at once")
    parser.add_argument("--per-fold", action="store_true", help="print each fold as it ends")
    args = parser.parse_args()
    JOBS["per_fold"] = args.per_fold
    ENSEMBLE["time_budget"] = args.time_budget
    JOBS["n"] = args.jobs
    if args.timing:
        _timing(args.data, args.timing)
        return
    names = [n for n in args.only.split(",") if n]
    models = [m for m in args.models.split(";") if m]
    _run(args.data, names, models)
    # the report covers every row run so far (data sets may be run one at a time)
    order = {name: i for i, name in enumerate(DATASETS)}
    model_order = {name: i for i, name in enumerate(_models())}
    rows = sorted(
        _recorded(), key=lambda r: (order.get(r["data"], 99), model_order.get(r["model"], 99))
    )
    speed = [] if args.no_speed else _scoring_speed(args.data)
    _write(rows, speed, " ".join([".venv/bin/python", "benchmarks/risk.py", *sys.argv[1:]]))
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
