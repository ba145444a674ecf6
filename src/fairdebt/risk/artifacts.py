"""Model artifacts: a fitted model, its card and its reason catalogue in a versioned folder.

::

    model-dir/
      manifest.json   format name and version, fairdebt and library versions, file hashes
      model.joblib    the fitted estimator (joblib pickle: load only folders you trust)
      card.json       the model card (data, window, features, metrics, versions)
      reasons.json    the reason catalogue, editable: code, zh and en text per feature

``load_model`` refuses a folder written in an artifact format it cannot read, naming both
versions, and a ``model.joblib`` whose hash differs from the manifest. An edited
``reasons.json`` is checked and becomes ``model.reasons_``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import joblib

import fairdebt
from fairdebt.errors import InputError, IntegrityError
from fairdebt.risk.reasons import validate_catalogue

__all__ = ["FORMAT", "FORMAT_VERSION", "load_card", "load_model", "save_model"]

FORMAT = "fairdebt.risk.model"
#: Bump when a saved folder stops being readable by other code; load_model refuses any other.
#: 1: fairdebt 0.1 (one-table scorecards). 2: fairdebt 0.2 (segmented scorecards, GBM settings).
#: 3: built features (history summaries, amount ratios) and the ensemble.
FORMAT_VERSION = 3


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _library_versions() -> dict[str, str]:
    import lightgbm
    import numpy
    import optbinning
    import pandas
    import sklearn

    return {
        "fairdebt": fairdebt.__version__,
        "scikit-learn": sklearn.__version__,
        "lightgbm": lightgbm.__version__,
        "optbinning": optbinning.__version__,
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
    }


def save_model(model: Any, directory: str | Path, card: Mapping[str, Any] | None = None) -> Path:
    """Write ``model`` (fitted), its card and reason catalogue to ``directory``; return it."""
    if not hasattr(model, "features_"):
        raise InputError("only a fitted fairdebt risk model can be saved", field="model")
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()) and not (folder / "manifest.json").exists():
        raise InputError(
            "the folder is not empty and holds no model; choose another", record=str(folder)
        )
    reasons = validate_catalogue(getattr(model, "reasons_", {}), model.features_)
    joblib.dump(model, folder / "model.joblib")
    files = {
        "card.json": dict(card or {}),
        "reasons.json": reasons,
    }
    for name, content in files.items():
        (folder / name).write_text(
            json.dumps(content, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": type(model).__name__,
        "versions": _library_versions(),
        "sha256": {"model.joblib": _sha256(folder / "model.joblib")},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    if not path.exists():
        raise InputError("no manifest.json here: not a fairdebt model folder", record=str(folder))
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise InputError(
            f"manifest format is {manifest.get('format')!r}, expected {FORMAT!r}",
            record=str(folder),
            field="format",
        )
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        saved_by = manifest.get("versions", {}).get("fairdebt", "an unknown version")
        raise InputError(
            f"this model was saved in artifact format {version} by fairdebt {saved_by}; "
            f"fairdebt {fairdebt.__version__} reads artifact format {FORMAT_VERSION} only. "
            f"模型文件格式版本 {version} 与本版本支持的 {FORMAT_VERSION} 不符，请重新训练或升级。",
            record=str(folder),
            field="format_version",
        )
    return manifest


def load_model(directory: str | Path) -> Any:
    """Load a model saved by :func:`save_model`, with its (possibly edited) reason catalogue."""
    folder = Path(directory)
    manifest = _manifest(folder)
    expected = manifest.get("sha256", {}).get("model.joblib")
    if expected != _sha256(folder / "model.joblib"):
        raise IntegrityError(f"{folder}/model.joblib differs from the hash in its manifest")
    model = joblib.load(folder / "model.joblib")
    reasons_path = folder / "reasons.json"
    if reasons_path.exists():
        edited = json.loads(reasons_path.read_text(encoding="utf-8"))
        model.reasons_ = validate_catalogue(edited, model.features_)
    return model


def load_card(directory: str | Path) -> dict[str, Any]:
    """Return the model card saved beside a model (empty if none was given)."""
    folder = Path(directory)
    _manifest(folder)
    path = folder / "card.json"
    card: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return card
