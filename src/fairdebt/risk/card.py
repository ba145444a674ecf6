"""The model card: a JSON record of what a risk model was trained on and how well it did.

A model-risk team asks the same questions of every model: which file (and exactly which bytes,
by SHA-256), how many rows and what bad rate, which time window, which features with which
information value, which metrics, and which library versions produced it. :func:`make_card`
answers them in one JSON-serialisable dict that is saved beside the model and shown in its
reports. Features the model built itself (history summaries, ratios between amounts) are listed
under ``built_features`` with their meaning in English and Chinese and the columns they come
from, beside the families of monthly columns they summarise. The creation time is passed in
by the caller (domain code never reads the clock).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas
from numpy.typing import ArrayLike

from fairdebt.errors import InputError
from fairdebt.risk.monitoring import model_features
from fairdebt.risk.validation import feature_iv

__all__ = ["CARD_VERSION", "LIBRARIES", "file_sha256", "library_versions", "make_card"]

#: Version of the card's layout; readers refuse a card with a newer one.
CARD_VERSION = 1

#: Distributions whose versions are recorded, by the name the card shows.
LIBRARIES = {
    "fairdebt": "fairdebt",
    "sklearn": "scikit-learn",
    "optbinning": "optbinning",
    "lightgbm": "lightgbm",
    "numpy": "numpy",
    "pandas": "pandas",
    "scipy": "scipy",
}


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as error:
        raise InputError(
            f"cannot read the data file ({error.strerror})", field=str(path)
        ) from error
    return digest.hexdigest()


def library_versions() -> dict[str, str | None]:
    """Installed versions of the libraries a model depends on, and of Python (None if absent)."""
    versions: dict[str, str | None] = {}
    for name, distribution in LIBRARIES.items():
        try:
            versions[name] = importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    versions["python"] = platform.python_version()
    return versions


def _plain(value: Any) -> Any:
    """A JSON-ready copy: numpy scalars to Python, dates to ISO text, mappings and lists walked."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, np.ndarray):
        return [_plain(item) for item in value.tolist()]
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, datetime | date | pandas.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and not np.isfinite(value):
        return None  # JSON has no NaN or infinity
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _time_window(window: Any) -> dict[str, Any] | None:
    if window is None:
        return None
    if isinstance(window, Mapping):
        return {str(key): _plain(value) for key, value in window.items()}
    if isinstance(window, tuple | list) and len(window) == 2:
        return {"start": _plain(window[0]), "end": _plain(window[1])}
    raise InputError(
        f"time_window must be (start, end) or a mapping (got {type(window).__name__})",
        field="time_window",
    )


def _features(model: Any, X: pandas.DataFrame) -> list[dict[str, Any]]:
    """Every input column: dtype, IV (binning table, else the model's ``iv_``), and if used."""
    names = getattr(model, "feature_names_in_", None)
    inputs = [str(name) for name in (X.columns if names is None else names)]
    tables = getattr(model, "binning_tables_", None) or {}
    ivs = dict(getattr(model, "iv_", None) or {})
    used = set(model_features(model, X))
    rows = []
    for name in inputs:
        table = tables.get(name)
        iv = feature_iv(table) if table is not None and "iv" in table.columns else ivs.get(name)
        rows.append(
            {
                "name": name,
                "dtype": str(X[name].dtype) if name in X.columns else None,
                "iv": _plain(iv),
                "used": name in used,
            }
        )
    return rows


def _built_features(model: Any) -> dict[str, Any] | None:
    """Every feature the model built (history summaries, ratios): meaning, sources, IV, use.

    ``None`` when the model builds none.
    """
    built = model.built_features() if callable(getattr(model, "built_features", None)) else {}
    builder = getattr(model, "builder_", None)
    if not built and builder is None:
        return None
    tables = getattr(model, "binning_tables_", None) or {}
    ivs = dict(getattr(model, "iv_", None) or {})
    used = set(getattr(model, "features_", []))
    features = []
    for name, meaning in built.items():
        table = tables.get(name)
        iv = feature_iv(table) if table is not None and "iv" in table.columns else ivs.get(name)
        features.append({**meaning.as_dict(), "iv": _plain(iv), "used": name in used})
    families = [
        {
            "stem": family.stem,
            "kind": family.kind,
            "role": family.role or None,
            "found_by": family.found_by,
            "columns": list(family.columns),
        }
        for family in getattr(builder, "families_", [])
    ]
    return {"families": families, "features": features}


def _model_identity(model: Any) -> dict[str, Any]:
    kind = type(model)
    params = model.get_params(deep=False) if hasattr(model, "get_params") else {}
    return {"class": f"{kind.__module__}.{kind.__qualname__}", "params": _plain(params)}


def make_card(
    model: Any,
    *,
    X: pandas.DataFrame,
    y: ArrayLike,
    data_path: str | Path,
    target: str,
    bad: Any,
    metrics: Mapping[str, Any],
    time_window: Any = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    """The model card of ``model`` fitted on ``X`` and ``y`` (0/1, 1 = bad) read from ``data_path``.

    ``time_window`` is ``(start, end)`` (dates or text) or a mapping; ``created_at`` should be
    an aware datetime from the caller's clock. The result survives ``json.dumps`` unchanged.
    """
    target_values = np.asarray(y, dtype=float)
    if target_values.ndim != 1 or len(target_values) != len(X):
        raise InputError(
            f"target must have one value per row ({len(X)}); got shape {target_values.shape}",
            field=target,
        )
    path = Path(data_path)
    card: dict[str, Any] = {
        "card_version": CARD_VERSION,
        "created_at": _plain(created_at),
        "model": _model_identity(model),
        "data": {
            "path": str(path),
            "sha256": file_sha256(path),
            "rows": len(X),
            "target": target,
            "bad": _plain(bad),
            "bads": int(np.nansum(target_values)),
            "bad_rate": float(np.nanmean(target_values)) if len(target_values) else None,
        },
        "time_window": _time_window(time_window),
        "features": _features(model, X),
        "built_features": _built_features(model),
        "ensemble": (
            {
                "weights": _plain(model.weights_),
                # models fitted before the blend setting had HCES weights only
                "blend": getattr(model, "blend_", "hces"),
                "hces_weights": _plain(getattr(model, "hces_weights_", model.weights_)),
                # models fitted before repeats had one inner split
                "inner_repeats": int(getattr(model, "repeats_", 1)),
                "inner_auc": _plain(model.oof_auc_),
                "learners": _plain(model.settings_),
            }
            if hasattr(model, "weights_")
            else None
        ),
        "segments": [segment.rule for segment in getattr(model, "segments_", [])] or None,
        "metrics": _plain(dict(metrics)),
        "libraries": library_versions(),
    }
    json.dumps(card, allow_nan=False)  # fail here, not when the card is saved
    return card
