"""Built-in data: the UCI Statlog German credit data (CC BY 4.0) and its reason catalogue.

The file ships in ``fairdebt/data/`` with its licence and provenance (README.md there). Other
public credit data (HMEQ, Give Me Some Credit) may be benchmarked but not redistributed, so
they are not shipped.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "GERMAN_CREDIT_BAD",
    "GERMAN_CREDIT_TARGET",
    "german_credit_path",
    "german_credit_reasons",
    "load_german_credit",
]

GERMAN_CREDIT_TARGET = "creditability"
GERMAN_CREDIT_BAD = "bad"


def german_credit_path() -> Path:
    """Return the path of the shipped ``german_credit.csv``."""
    return Path(str(resources.files("fairdebt") / "data" / "german_credit.csv"))


def load_german_credit() -> pd.DataFrame:
    """Return the German credit data as shipped: 1 000 rows, 20 predictors and the target.

    >>> frame = load_german_credit()
    >>> frame.shape, int((frame["creditability"] == "bad").sum())
    ((1000, 21), 300)
    """
    return pd.read_csv(german_credit_path())


def german_credit_reasons() -> dict[str, Any]:
    """Return fairdebt's zh-CN/English reason catalogue for the German credit columns."""
    path = resources.files("fairdebt") / "data" / "german_credit_reasons.json"
    catalogue: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return catalogue
