"""Shared fitted models for the risk tests: fitted once per session on small data.

Every risk test runs with one BLAS and one OpenMP thread. The suite runs as two pytest processes
on two cores; a model whose LightGBM or OpenBLAS calls each started a thread per core then had
four threads on two cores, and on small frames they spent most of their time waiting on each
other (the spline logit on German's 1 000 rows: 2 s with two threads, 0.5 s with one).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import ThreadpoolController

from fairdebt.risk import GBMModel, Scorecard, load_german_credit, make_target

_THREADS = ThreadpoolController()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    """One thread per pool for each risk test, its fixtures' setup and teardown included."""
    with _THREADS.limit(limits=1):
        return (yield)


@pytest.fixture(scope="session")
def german() -> tuple[pd.DataFrame, np.ndarray]:
    frame = load_german_credit()
    y = make_target(frame.pop("creditability"), "bad", column="creditability")
    return frame, y


@pytest.fixture(scope="session")
def german_scorecard(german: tuple[pd.DataFrame, np.ndarray]) -> Scorecard:
    X, y = german
    return Scorecard().fit(X, y)


@pytest.fixture(scope="session")
def german_plain_scorecard(german: tuple[pd.DataFrame, np.ndarray]) -> Scorecard:
    """The German card without built features: one feature per input column."""
    X, y = german
    return Scorecard(features="none").fit(X, y)


@pytest.fixture(scope="session")
def german_gbm(german: tuple[pd.DataFrame, np.ndarray]) -> GBMModel:
    X, y = german
    return GBMModel(n_estimators=60, n_jobs=1).fit(X, y)


def lender_extract(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A raw extract as lenders send it: id, percentages, sentinels, text, gaps, a constant."""
    rng = np.random.default_rng(seed)
    past_due = rng.poisson(0.4, n).astype(float)
    past_due[rng.random(n) < 0.03] = 98
    utilisation = rng.uniform(0, 1.2, n)
    income = rng.lognormal(8, 0.5, n)
    income[rng.random(n) < 0.15] = np.nan
    city = rng.choice(np.array(["北京", "上海", "成都", "other"], dtype=object), n)
    risk = 1.2 * past_due.clip(0, 3) + 2 * utilisation - 0.0002 * np.nan_to_num(income, nan=2000)
    risk += np.where(city == "成都", 0.5, 0.0) + np.where(past_due == 98, 1.5, 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-(risk - 1.5)))).astype(int)
    frame = pd.DataFrame(
        {
            "loan_id": [f"L{i:06d}" for i in range(n)],
            "past_due_30": past_due,
            "utilisation": [f"{u * 100:.1f}%" for u in utilisation],
            "income": income,
            "city": city,
            "product": "cash loan",
            "status": np.where(y == 1, "default", "paid"),
        }
    )
    return frame, y


def card_book_module() -> Any:
    """benchmarks/risk_card_book.py, the seeded generator of a UCI-layout card book."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "risk_card_book.py"
    spec = importlib.util.spec_from_file_location("risk_card_book", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("risk_card_book", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def card_book() -> tuple[pd.DataFrame, np.ndarray]:
    """A synthetic card book in the UCI 'default of credit card clients' layout, 4 000 rows."""
    module = card_book_module()
    frame = module.card_book(4_000, seed=3)
    y = frame.pop(module.TARGET).to_numpy()
    return frame, y
