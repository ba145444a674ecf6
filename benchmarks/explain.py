"""The explainer's benchmarks: root-cause localisation (RS, B0) and the mechanism on scenarios.

    nice -n 10 python benchmarks/explain.py [--only rs,b0,scenarios] [--seeds 20] [--first-seed 101]
        [--borrowers 4000] [--months 8] [--workers 2]

Writes benchmarks/results/explain.md. Localisation: exact-match and relaxed (a parent or a
child of a true element counts) F1 over all cases, from the summed true positives, false
positives and false negatives (RiskLoc's evaluation), with run time per case, for the
published baseline (Adtributor, NSDI 2014, its paper's thresholds) and ripple search. The
scenario benchmark simulates each of the four scenarios for every seed into a fresh SQLite
database and runs ``fairdebt explain``'s engine on it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from fairdebt.explain.adtributor import adtributor
from fairdebt.explain.localize import element_label, localize, make_leaves

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "rca"
RESULTS = ROOT / "benchmarks" / "results" / "explain.md"

Method = Callable[[pd.DataFrame, list[str], dict[str, str]], list[str]]


def _norm(label: str) -> str:
    return "&".join(sorted(label.split("&")))


def _pairs(label: str) -> frozenset[str]:
    return frozenset(label.split("&"))


def score_case(predicted: list[str], truth: list[str]) -> tuple[int, int, int, int, int, int]:
    """(tp, fp, fn) exact and relaxed: relaxed also counts a parent or child of a truth."""
    pred = list(dict.fromkeys(_norm(p) for p in predicted))
    true = list(dict.fromkeys(_norm(t) for t in truth))
    tp = sum(t in pred for t in true)
    exact = (tp, max(len(pred) - tp, 0), len(true) - tp)
    hit = [any(_pairs(p) <= _pairs(t) or _pairs(t) <= _pairs(p) for p in pred) for t in true]
    rtp = sum(hit)
    return (*exact, rtp, max(len(pred) - rtp, 0), len(true) - rtp)


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def rs_cases() -> Iterable[tuple[str, pd.DataFrame, list[str], list[str]]]:
    """RS cases: the anomalous minute against the mean of the 4 minutes before, per leaf."""
    folder = DATA / "RS"
    labels = yaml.safe_load((folder / "anomaly.yaml").read_text(encoding="utf-8"))
    for entry in labels:
        raw = pd.read_csv(folder / f"{entry['data']}.csv")
        dims = [c for c in raw.columns if c not in ("min", "value", "cnt")]
        raw["success"] = raw["cnt"] - raw["value"]
        t = int(entry["timestamp"])
        history = raw[raw["min"].isin([t - 60 * i for i in range(1, 5)])]
        forecast = history.groupby(dims)[["success", "cnt"]].mean()
        now = raw[raw["min"] == t].groupby(dims)[["success", "cnt"]].sum()
        leaves = now.join(forecast, how="left", suffixes=("", "_f")).fillna(0.0).reset_index()
        leaves[dims] = leaves[dims].astype(str)
        cause = entry["cause"]
        causes = cause if isinstance(cause, list) else [cause]
        truth = [element_label([(k, str(v)) for k, v in c.items()]) for c in causes]
        yield entry["data"], leaves, dims, truth


def b0_cases() -> Iterable[tuple[str, pd.DataFrame, list[str], list[str]]]:
    folder = DATA / "B0"
    labels = pd.read_csv(folder / "labels.csv")
    for case, cause in labels.itertuples(index=False):
        frame = pd.read_csv(folder / case)
        dims = [c for c in frame.columns if c not in ("real", "predict")]
        frame[dims] = frame[dims].astype(str)
        yield case, frame, dims, str(cause).split(";")


RATIO = {
    "numerator_actual": "success",
    "numerator_expected": "success_f",
    "denominator_actual": "cnt",
    "denominator_expected": "cnt_f",
}
ADDITIVE = {"actual": "real", "expected": "predict"}


def ripple(frame: pd.DataFrame, dims: list[str], columns: dict[str, str]) -> list[str]:
    return [c.label for c in localize(make_leaves(frame, dims=dims, **columns))]


def baseline(frame: pd.DataFrame, dims: list[str], columns: dict[str, str]) -> list[str]:
    return [c.label for c in adtributor(frame, dims=dims, **columns)]


def run_family(
    name: str,
    cases: Iterable[tuple[str, pd.DataFrame, list[str], list[str]]],
    columns: dict[str, str],
    methods: dict[str, Method],
) -> list[dict[str, object]]:
    totals = {m: [0] * 6 for m in methods}
    seconds = dict.fromkeys(methods, 0.0)
    n = 0
    misses: dict[str, list[str]] = {m: [] for m in methods}
    for case, frame, dims, truth in cases:
        n += 1
        for m, method in methods.items():
            began = time.perf_counter()
            predicted = method(frame, dims, columns)
            seconds[m] += time.perf_counter() - began
            counts = score_case(predicted, truth)
            totals[m] = [x + y for x, y in zip(totals[m], counts, strict=True)]
            if counts[1] or counts[2]:
                misses[m].append(f"{case}: {';'.join(truth)} → {';'.join(predicted) or '∅'}")
    rows = []
    for m in methods:
        t = totals[m]
        rows.append(
            {
                "family": name,
                "method": m,
                "cases": n,
                "exact_f1": f1(*t[:3]),
                "relaxed_f1": f1(*t[3:]),
                "ms_per_case": 1000 * seconds[m] / max(n, 1),
                "misses": misses[m],
            }
        )
    return rows


EXPECTED = {
    "bad_vintage": "vintage",
    "macro_shock": "period",
    "province_shock": "period",
    "policy_change": "policy",
}


def judge(truth: dict[str, Any], answer: dict[str, Any]) -> dict[str, bool]:
    """The issue's three checks on one run: mechanism named, first segment right, date near."""
    kind = truth["kind"]
    segments = answer["segments"]
    first = segments[0] if segments else ""
    where = truth["where"]
    if kind == "macro_shock":
        segment_ok = segments == []
    elif kind == "province_shock":
        segment_ok = first == f"province={where['province']}"
    elif kind == "bad_vintage":
        segment_ok = first in {f"vintage={v}" for v in where["vintages"]}
    else:
        segment_ok = first in {f"product={p}" for p in where["products"]}
    days = abs(
        (
            dt.date.fromisoformat(answer["change_date"]) - dt.date.fromisoformat(truth["from_on"])
        ).days
    )
    mechanism_ok = answer["mechanism"] == EXPECTED[kind]
    return {
        "mechanism": mechanism_ok,
        "segment": segment_ok,
        "date": days <= 31,
        "all": mechanism_ok and segment_ok and days <= 31,
    }


def one_scenario(job: tuple[str, int, int, int, str, bool]) -> dict[str, Any]:
    """Simulate one scenario into a fresh SQLite file and explain it (a worker process).

    The file is deleted afterwards unless ``keep`` (``--keep DIR``: re-explain it later with
    ``--existing DIR`` without simulating again)."""
    from sqlalchemy import create_engine

    from fairdebt.db import upgrade
    from fairdebt.explain import explain_dues, read_dues
    from fairdebt.simulation import simulate

    scenario, seed, borrowers, months, folder, keep = job
    path = Path(folder) / f"{scenario}-{seed}.db"
    path.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    began = time.perf_counter()
    result = simulate(
        engine, borrowers=borrowers, months=months, seed=seed, scenario=scenario,
        start_on=dt.date(2025, 1, 1), collect=False,
    )  # fmt: skip
    simulated = time.perf_counter() - began
    began = time.perf_counter()
    answer = explain_dues(read_dues(engine)).as_json()
    explained = time.perf_counter() - began
    engine.dispose()
    if not keep:
        path.unlink(missing_ok=True)
    return {
        "scenario": scenario, "seed": seed, "answer": answer, "truth": result.truth,
        "checks": judge(result.truth, answer), "simulate_s": simulated, "explain_s": explained,
    }  # fmt: skip


def simulate_book(job: tuple[str, int, int, int, str]) -> str:
    """Simulate one scenario into ``FOLDER/{scenario}-{seed}.db`` and explain nothing.

    ``--simulate-only --keep DIR``: first-shot books are written before the code is frozen,
    and no answer on them is seen until each explainer runs once with ``--existing DIR``.
    A book already written is kept (the run can be resumed)."""
    from sqlalchemy import create_engine

    from fairdebt.db import upgrade
    from fairdebt.simulation import simulate

    scenario, seed, borrowers, months, folder = job
    path = Path(folder) / f"{scenario}-{seed}.db"
    if path.exists():
        return path.name
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{partial}")
    upgrade(engine)
    simulate(
        engine, borrowers=borrowers, months=months, seed=seed, scenario=scenario,
        start_on=dt.date(2025, 1, 1), collect=False,
    )  # fmt: skip
    engine.dispose()
    partial.rename(path)
    return path.name


def explain_existing(path: Path) -> dict[str, Any]:
    """Explain a database a scenario run already wrote (its truth read from simulation_run)."""
    import json

    from sqlalchemy import create_engine, select

    from fairdebt.explain import explain_dues, read_dues
    from fairdebt.models import SimulationRun

    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        run = connection.execute(select(SimulationRun.seed, SimulationRun.truth)).one()
    truth = json.loads(run.truth)
    began = time.perf_counter()
    answer = explain_dues(read_dues(engine)).as_json()
    explained = time.perf_counter() - began
    engine.dispose()
    return {
        "scenario": truth["kind"], "seed": run.seed, "answer": answer, "truth": truth,
        "checks": judge(truth, answer), "simulate_s": 0.0, "explain_s": explained,
    }  # fmt: skip


def run_scenarios(
    seeds: int,
    first_seed: int,
    borrowers: int,
    months: int,
    folder: Path,
    workers: int,
    existing: Path | None = None,
    keep: bool = False,
) -> list[str]:
    if existing is not None:
        runs = [explain_existing(path) for path in sorted(existing.glob("*.db"))]
        what = (
            f"the {len(runs)} scenario databases in `{existing.name}/` (written earlier by "
            "`fairdebt simulate --scenario … --no-collect`)"
        )
    else:
        jobs = [
            (s, seed, borrowers, months, str(folder), keep)
            for seed in range(first_seed, first_seed + seeds)
            for s in EXPECTED
        ]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            runs = list(pool.map(one_scenario, jobs))
        what = (
            f"{seeds} seeds ({first_seed}–{first_seed + seeds - 1}) × 4 scenarios, "
            f"{borrowers:,} borrowers over {months} "
            "months from 2025-01-01, simulated without the collection loop (`collect=False`) "
            "into a fresh SQLite database each"
        )
    lines = [
        "",
        "## The mechanism on the simulator's scenarios",
        "",
        f"On {what}; `explain_dues(read_dues(engine))` is what `fairdebt explain` runs.",
        "",
        "| scenario | runs | mechanism named | first segment right | date within 31 days "
        "| all three | explain s per run |",
        "|---|---|---|---|---|---|---|",
    ]
    total = {"mechanism": 0, "segment": 0, "date": 0, "all": 0}
    for scenario in EXPECTED:
        mine = [r for r in runs if r["scenario"] == scenario]
        c = {k: sum(r["checks"][k] for r in mine) for k in total}
        for k in total:
            total[k] += c[k]
        seconds = sum(r["explain_s"] for r in mine) / max(len(mine), 1)
        lines.append(
            f"| {scenario} | {len(mine)} | {c['mechanism']} | {c['segment']} | {c['date']} | "
            f"{c['all']} ({100 * c['all'] / max(len(mine), 1):.0f} %) | {seconds:.1f} |"
        )
    n = len(runs)
    lines.append(
        f"| **all** | {n} | {total['mechanism']} | {total['segment']} | {total['date']} | "
        f"**{total['all']} ({100 * total['all'] / max(n, 1):.0f} %)** | |"
    )
    lines += ["", "Runs that missed:", ""]
    for r in runs:
        if not r["checks"]["all"]:
            a = r["answer"]
            lines.append(
                f"- {r['scenario']} seed {r['seed']}: {a['mechanism']} {a['segments'][:3]} "
                f"{a['change_date']} (truth from {r['truth']['from_on']})"
            )
    print("\n".join(lines), flush=True)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="rs,b0,scenarios")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument(
        "--first-seed", type=int, default=101, help="seeds run from here (1–5 are for development)"
    )
    parser.add_argument("--borrowers", type=int, default=4000)
    parser.add_argument("--months", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--existing", type=Path, default=None, help="explain the scenario databases in this folder"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep the simulated databases in this folder"
    )
    parser.add_argument(
        "--simulate-only",
        action="store_true",
        help="with --keep: write the scenario databases and explain none of them",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.simulate_only:
        if args.keep is None:
            parser.error("--simulate-only needs --keep DIR")
        args.keep.mkdir(parents=True, exist_ok=True)
        jobs = [
            (s, seed, args.borrowers, args.months, str(args.keep))
            for seed in range(args.first_seed, args.first_seed + args.seeds)
            for s in EXPECTED
        ]
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            for name in pool.map(simulate_book, jobs):
                print(name, flush=True)
        return 0
    only = set(args.only.split(","))
    methods: dict[str, Method] = {"Adtributor (baseline)": baseline, "ripple search": ripple}
    rows: list[dict[str, object]] = []
    if "rs" in only:
        rows += run_family("RS (ratio)", rs_cases(), RATIO, methods)
    if "b0" in only:
        rows += run_family("B0 (additive)", b0_cases(), ADDITIVE, methods)
    lines = [
        "# The explainer's benchmarks",
        "",
        f"Run {dt.date.today().isoformat()} with `nice -n 10 python benchmarks/explain.py "
        f"--only {args.only} "
        + (
            f"--existing {args.existing.name}`."
            if args.existing
            else f"--seeds {args.seeds} --first-seed {args.first_seed} "
            f"--borrowers {args.borrowers} --months {args.months}`."
            if "scenarios" in only
            else "`."
        ),
        "",
    ]
    if rows:
        lines += [
            "## Root-cause localisation",
            "",
            "| family | method | cases | exact F1 | relaxed F1 | ms per case |",
            "|---|---|---|---|---|---|",
        ]
        for r in rows:
            lines.append(
                f"| {r['family']} | {r['method']} | {r['cases']} | {r['exact_f1']:.3f} | "
                f"{r['relaxed_f1']:.3f} | {r['ms_per_case']:.0f} |"
            )
            print(lines[-1], flush=True)
    if "scenarios" in only:
        lines += run_scenarios(
            args.seeds,
            args.first_seed,
            args.borrowers,
            args.months,
            args.keep or Path(tempfile.mkdtemp()),
            args.workers,
            args.existing,
            keep=args.keep is not None,
        )
    if rows:
        lines += ["", "### Cases missed (first 15 per method and family)", ""]
        for r in rows:
            lines.append(f"- {r['family']}, {r['method']}:")
            lines += [f"  - {m}" for m in list(r["misses"])[:15]]  # type: ignore[call-overload]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
