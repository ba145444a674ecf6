"""The regime policy: per segment, the lightest regime the logs do not confidently call worse.

:class:`RegimeModel` holds what :func:`fairdebt.strategy.regimes.estimate` measured on regime
logs (per segment a lender sees, dpd band × risk band, and per regime: the weighted mean money
paid and contacts over the horizon, their clustered variances and covariance) and saves as
JSON tagged ``fairdebt.regime/1`` (no pickle). :class:`RegimePolicy` values a regime as money
paid less ``cost`` yuan per contact and, per segment, takes the least intrusive regime whose
value is not confidently below the rule's: its difference to the rule plus ``z`` standard
errors is not negative. Where the logs cannot judge (fewer than ``min_borrowers`` borrowers
in the regime's or the rule's cell, or a segment never seen) it keeps the rule. Accounts 91+
dpd follow the champion, holds stop everything, and the loop still gates every proposal.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairdebt.errors import InputError
from fairdebt.strategy.catalogue import Catalogue
from fairdebt.strategy.champion import Champion
from fairdebt.strategy.policies import proposals
from fairdebt.strategy.regimes import (
    DPD_BANDS,
    REGIMES,
    apply_regime,
    segment_codes,
    segment_name,
)

__all__ = ["REGIME_FORMAT", "RegimeModel", "RegimePolicy", "load_regime_model", "model_format"]

REGIME_FORMAT = "fairdebt.regime/1"
_CELL_COLUMNS = ("segment", "regime", "rows", "borrowers", "paid", "contacts")
_MOMENTS = ("var_paid", "var_contacts", "cov")


@dataclass
class RegimeModel:
    """Per segment and regime, what the logs say (``cells``: one row per pair)."""

    horizon: int
    score_cuts: list[list[float]]
    cells: pd.DataFrame
    regimes: tuple[str, ...] = REGIMES
    notes: dict[str, object] = field(default_factory=dict)

    @property
    def segments(self) -> int:
        return len(DPD_BANDS) * self.risk_bands

    @property
    def risk_bands(self) -> int:
        return len(self.score_cuts[0]) + 1

    def table(self, name: str, fill: float = np.nan) -> NDArray[np.float64]:
        """One cell column as a (segments × regimes) matrix, ``fill`` where never seen."""
        out = np.full((self.segments, len(self.regimes)), fill)
        seg = self.cells["segment"].to_numpy(np.int64)
        reg = self.cells["regime"].to_numpy(np.int64)
        ok = (seg >= 0) & (seg < self.segments) & (reg >= 0) & (reg < len(self.regimes))
        out[seg[ok], reg[ok]] = self.cells[name].to_numpy(np.float64)[ok]
        return out

    def value(self, cost: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Mean of paid − cost × contacts per (segment, regime), and its variance."""
        paid, contacts = self.table("paid"), self.table("contacts")
        var = (
            self.table("var_paid")
            + cost**2 * self.table("var_contacts")
            - 2 * cost * self.table("cov")
        )
        return paid - cost * contacts, np.maximum(var, 0.0)

    def to_json(self) -> dict[str, object]:
        cells = self.cells[list(_CELL_COLUMNS + _MOMENTS)]
        return {
            "format": REGIME_FORMAT,
            "horizon": self.horizon,
            "score_cuts": [[float(c) for c in band] for band in self.score_cuts],
            "dpd_bands": list(DPD_BANDS),
            "regimes": list(self.regimes),
            "cells": [
                {k: (int(v) if k in _CELL_COLUMNS[:4] else float(v)) for k, v in row.items()}
                for row in cells.to_dict(orient="records")
            ],
            "notes": self.notes,
        }

    def save(self, path: Path) -> None:
        """Write the model as one JSON file."""
        path.write_text(json.dumps(self.to_json(), indent=1), encoding="utf-8")

    @classmethod
    def from_json(cls, data: object, name: str = "model") -> RegimeModel:
        if not isinstance(data, dict) or data.get("format") != REGIME_FORMAT:
            raise InputError(f"{name} is not a fairdebt regime model", field="model")
        try:
            if list(data["dpd_bands"]) != list(DPD_BANDS) or tuple(data["regimes"]) != REGIMES:
                raise ValueError("its segments or regimes are not this version's")
            if len(data["score_cuts"]) != len(DPD_BANDS):
                raise ValueError("it needs score cuts for every dpd band")
            cells = pd.DataFrame(data["cells"], columns=list(_CELL_COLUMNS + _MOMENTS))
            return cls(
                horizon=int(data["horizon"]),
                score_cuts=[[float(c) for c in band] for band in data["score_cuts"]],
                cells=cells.astype({"segment": np.int64, "regime": np.int64}),
                notes=dict(data.get("notes", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{name} holds a broken regime model: {exc}", field="model") from None


def model_format(path: Path) -> str | None:
    """The format tag of a saved model (regime or uplift), None when it has none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read a model from {path.name}: {exc}", field="model") from None
    if not isinstance(data, dict):
        return None
    tag = data.get("format", data.get("kind"))
    return str(tag) if tag is not None else None


def load_regime_model(path: Path) -> RegimeModel:
    """A :class:`RegimeModel` saved by :meth:`RegimeModel.save`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot read a regime model from {path.name}: {exc}", field="model"
        ) from None
    return RegimeModel.from_json(data, path.name)


@dataclass
class RegimePolicy:
    """Settings: ``cost`` yuan per contact in a regime's value, ``z`` standard errors of
    confidence, ``min_borrowers`` in a cell for the logs to judge it."""

    model: RegimeModel
    name: str = "regime"
    cost: float = 5.0
    z: float = 2.0
    min_borrowers: int = 30
    rule: Champion = field(default_factory=Champion)

    def choices(self) -> NDArray[np.int64]:
        """The regime (index into :data:`REGIMES`) of every segment."""
        value, var = self.model.value(self.cost)
        judged = self.model.table("borrowers", fill=0.0) >= self.min_borrowers
        choice = np.zeros(self.model.segments, dtype=np.int64)
        for segment in range(self.model.segments):
            if not judged[segment, 0]:
                continue
            for regime in range(len(REGIMES) - 1, 0, -1):  # least intrusive first
                if not judged[segment, regime]:
                    continue
                gap = value[segment, regime] - value[segment, 0]
                se = float(np.sqrt(var[segment, regime] + var[segment, 0]))
                if gap + self.z * se >= 0:
                    choice[segment] = regime
                    break
        return choice

    def explain(self) -> pd.DataFrame:
        """Per segment: the chosen regime and each regime's value less the rule's (yuan)."""
        value, var = self.model.value(self.cost)
        choice = self.choices()
        rows = []
        for segment in range(self.model.segments):
            row: dict[str, object] = {
                "segment": segment_name(segment, self.model.risk_bands),
                "regime": REGIMES[choice[segment]],
                "rule_value": round(float(value[segment, 0]), 2),
            }
            for r in range(1, len(REGIMES)):
                gap = value[segment, r] - value[segment, 0]
                se = np.sqrt(var[segment, r] + var[segment, 0])
                row[f"{REGIMES[r]}_gap"] = round(float(gap), 2)
                row[f"{REGIMES[r]}_se"] = round(float(se), 2)
            rows.append(row)
        return pd.DataFrame(rows)

    def decide(
        self, state: pd.DataFrame, catalogue: Catalogue, *, business_date: dt.date
    ) -> pd.DataFrame:
        """The champion's actions, each account's as its segment's regime makes it."""
        rules = self.rule.decide(state, catalogue, business_date=business_date)
        if len(state) == 0:
            return rules
        segment = segment_codes(
            state["stage"].to_numpy(dtype=object),
            state["dpd"].to_numpy(np.int64),
            state["score"].to_numpy(np.float64),
            self.model.score_cuts,
        )
        choice = self.choices()
        regime = np.where(segment >= 0, choice[np.clip(segment, 0, len(choice) - 1)], 0)
        stage = state["stage"].to_numpy(dtype=object)
        before = rules["action"].to_numpy(dtype=object)
        action = apply_regime(before, stage, regime)
        # A lighter action must be one the catalogue offers at the stage; else nothing.
        for code in np.unique(action[action != before]):
            spec = catalogue.actions.get(str(code))
            bad = (action == code) & (action != before)
            if spec is None:
                action[bad] = "none"
            else:
                action[bad & ~np.isin(stage, spec.stages)] = "none"
        action[state["is_held"].to_numpy(dtype=bool)] = "none"
        reason = rules["reason"].to_numpy(dtype=object).copy()
        changed = action != before
        names = np.array(REGIMES, dtype=object)[regime]
        reason[changed] = np.char.add("regime_", names[changed].astype(str)).astype(object)
        return proposals(state.index, action, reason, rules["priority"].to_numpy(np.float64))
