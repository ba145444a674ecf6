"""Per-action response models: what each action adds to the money an account pays.

:class:`UpliftModel` is a T-learner: one gradient-boosted regression (LightGBM) per action of
the money a loan pays over the horizon after a decision, fitted on the decision rows where
that action was carried out, each weighted by the inverse of its logged propensity (clipped),
so the randomised hold-out and exploration cells count for the actions a rule rarely takes.
The uplift of an action for an account is its expected payment less that of doing nothing
(:meth:`UpliftModel.uplift`). It reads the state columns of :data:`fairdebt.strategy.logs.FEATURES`
and nothing of the world. The fitted models save to and load from JSON (LightGBM's text form).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairdebt.errors import InputError
from fairdebt.strategy.logs import FEATURES, feature_matrix

__all__ = ["UpliftModel", "load_uplift"]

FloatArray = NDArray[np.float64]


@dataclass
class UpliftModel:
    """Expected payment over ``horizon`` days per action; parameters as scikit-learn keeps them."""

    horizon: int = 14
    n_estimators: int = 150
    learning_rate: float = 0.05
    num_leaves: int = 31
    min_child_samples: int = 200
    max_weight: float = 50.0
    min_rows: int = 300
    seed: int = 0
    boosters_: dict[str, lgb.Booster] = field(default_factory=dict)
    rows_: dict[str, int] = field(default_factory=dict)
    noise_: dict[str, list[float]] = field(default_factory=dict)

    def fit(self, rows: pd.DataFrame) -> UpliftModel:
        """Fit one model per treatment seen at least ``min_rows`` times ("none" is required)."""
        for column in ("treatment", "outcome", "propensity"):
            if column not in rows:
                raise InputError(f"training rows need the column {column!r}", field=column)
        x = feature_matrix(rows)
        y = rows["outcome"].to_numpy(dtype=np.float64)
        p = rows["propensity"].to_numpy(dtype=np.float64)
        weight = np.minimum(1.0 / np.maximum(p, 1e-9), self.max_weight)
        treatment = rows["treatment"].to_numpy(dtype=object)
        cells = cell_of(x)
        self.boosters_, self.rows_, self.noise_ = {}, {}, {}
        for action in sorted(set(treatment.tolist())):
            sel = treatment == action
            if sel.sum() < self.min_rows:
                continue
            data = lgb.Dataset(
                x[sel], y[sel], weight=weight[sel], feature_name=list(FEATURES), free_raw_data=True
            )
            params = {
                "objective": "regression",
                "learning_rate": self.learning_rate,
                "num_leaves": self.num_leaves,
                "min_data_in_leaf": self.min_child_samples,
                "feature_fraction": 0.9,
                "bagging_fraction": 0.8,
                "bagging_freq": 1,
                "lambda_l2": 1.0,
                "num_threads": 1,
                "seed": self.seed,
                "verbosity": -1,
            }
            self.boosters_[str(action)] = lgb.train(params, data, num_boost_round=self.n_estimators)
            self.rows_[str(action)] = int(sel.sum())
            self.noise_[str(action)] = _cell_noise(cells[sel], y[sel], weight[sel])
        if "none" not in self.boosters_:
            raise InputError(
                f"need at least {self.min_rows} rows where nothing was done (the hold-out)",
                field="treatment",
            )
        return self

    @property
    def actions_(self) -> tuple[str, ...]:
        return tuple(self.boosters_)

    def predict(
        self, state: pd.DataFrame, where: Mapping[str, NDArray[np.bool_]] | None = None
    ) -> pd.DataFrame:
        """Expected payment over the horizon for every action modelled (one column each).

        With ``where`` (action → rows), an action is predicted only on its rows (NaN
        elsewhere; an action not named is not predicted at all): a day's plan asks only
        about the actions each account may take, which is most of its cost on a big book.
        """
        if not self.boosters_:
            raise InputError("the uplift model is not fitted", field="model")
        x = feature_matrix(state)
        n = len(x)
        out: dict[str, FloatArray] = {}
        for action, booster in self.boosters_.items():
            rows = None if where is None else where.get(action)
            if where is not None and rows is None:
                out[action] = np.full(n, np.nan)
                continue
            if rows is None or bool(rows.all()):
                out[action] = _predict(booster, x)
                continue
            column = np.full(n, np.nan)
            if rows.any():
                column[rows] = _predict(booster, x[rows])
            out[action] = column
        return pd.DataFrame(out, index=state.index)

    def uplift(
        self, state: pd.DataFrame, where: Mapping[str, NDArray[np.bool_]] | None = None
    ) -> pd.DataFrame:
        """Each action's expected payment less doing nothing ("none" is 0 by construction).

        ``where`` as in :meth:`predict`; "none" is then predicted wherever any action is.
        """
        if where is not None:
            wanted = [m for a, m in where.items() if a != "none" and a in self.boosters_]
            anywhere = np.logical_or.reduce(wanted) if wanted else np.zeros(len(state), bool)
            where = {**where, "none": np.asarray(anywhere, dtype=bool)}
        expected = self.predict(state, where)
        return expected.sub(expected["none"], axis=0)

    def uplift_se(self, state: pd.DataFrame, action: str) -> FloatArray:
        """Standard error of ``action``'s uplift in each row's cell (stage and dpd band).

        The inverse-propensity-weighted mean payment of an action in a cell has the variance
        of the weighted outcomes over their effective count; the uplift's variance is the
        action's plus doing nothing's. It says how well the logs know what the action adds
        there: large where few randomised rows fell (0 for a model saved without it).
        """
        if action not in self.noise_ or "none" not in self.noise_:
            return np.zeros(len(state))
        cells = cell_of(feature_matrix(state))
        a = np.asarray(self.noise_[action])[cells]
        b = np.asarray(self.noise_["none"])[cells]
        return np.asarray(np.sqrt(a + b), dtype=np.float64)

    def save(self, path: Path) -> None:
        """Write the parameters and the fitted models as one JSON file."""
        path.write_text(
            json.dumps(
                {
                    "kind": "fairdebt.uplift/1",
                    "horizon": self.horizon,
                    "rows": self.rows_,
                    "noise": self.noise_,
                    "models": {a: b.model_to_string() for a, b in self.boosters_.items()},
                }
            ),
            encoding="utf-8",
        )


# Bands of dpd (right-open) within which the noise of an uplift is measured.
DPD_BANDS = (-1, 0, 1, 2, 4, 8, 15, 31, 46, 61, 91)
MAX_NOISE = 1e12  # a cell with fewer than two effective rows: nothing is known there


def cell_of(x: FloatArray) -> NDArray[np.int64]:
    """Each feature row's dpd band (the stage follows from the dpd)."""
    dpd = x[:, FEATURES.index("dpd")]
    return np.asarray(np.digitize(dpd, DPD_BANDS), dtype=np.int64)


def _cell_noise(cells: NDArray[np.int64], y: FloatArray, w: FloatArray) -> list[float]:
    """Per band: the variance of the weighted mean outcome (Σw²·(y−ȳ)² / (Σw)²)."""
    size = len(DPD_BANDS) + 1
    sw = np.bincount(cells, weights=w, minlength=size)
    mean = np.bincount(cells, weights=w * y, minlength=size) / np.maximum(sw, 1e-12)
    resid = y - mean[cells]
    num = np.bincount(cells, weights=(w * resid) ** 2, minlength=size)
    ess = sw**2 / np.maximum(np.bincount(cells, weights=w**2, minlength=size), 1e-12)
    var = np.where(ess >= 2, num / np.maximum(sw, 1e-12) ** 2, MAX_NOISE)
    return [float(v) for v in var]


def _predict(booster: lgb.Booster, x: FloatArray) -> FloatArray:
    """One booster's predictions. A day's plan for a whole book is the slow part of the
    optimised policy: let LightGBM use every core there (0 = its default), and one thread on
    the simulator's small days, where starting threads costs more than it saves. Predictions
    are the same either way."""
    threads = 0 if len(x) >= 50_000 else 1
    return np.asarray(booster.predict(x, num_threads=threads), dtype=np.float64)


def load_uplift(path: Path) -> UpliftModel:
    """An :class:`UpliftModel` saved by :meth:`UpliftModel.save`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot read an uplift model from {path.name}: {exc}", field="model"
        ) from None
    if not isinstance(data, dict) or data.get("kind") != "fairdebt.uplift/1":
        raise InputError(f"{path.name} is not a fairdebt uplift model", field="model")
    try:
        model = UpliftModel(horizon=int(data["horizon"]))
        model.boosters_ = {str(a): lgb.Booster(model_str=s) for a, s in data["models"].items()}
        model.rows_ = {str(a): int(n) for a, n in data.get("rows", {}).items()}
        model.noise_ = {str(a): [float(v) for v in n] for a, n in data.get("noise", {}).items()}
    except (KeyError, TypeError, ValueError, AttributeError, lgb.basic.LightGBMError) as exc:
        raise InputError(f"{path.name} holds a broken uplift model: {exc}", field="model") from None
    if "none" not in model.boosters_:
        raise InputError(f"{path.name} has no model of doing nothing", field="model")
    return model
