"""Reason codes: the top reasons that lowered a score, one API for scorecards and GBMs.

A model reports, per row and feature, the points that feature took off the score
(``feature_impacts``): for a scorecard the points below the feature's best bin, for a GBM the
TreeSHAP contribution on the (calibrated) log-odds scale converted to points.
:func:`reason_codes` ranks them and attaches each feature's entry of the *reason catalogue*: a
code and a zh-CN and an English text that a lender may edit (``model.reasons_``, saved as
``reasons.json`` beside the model). Default entries are built from feature names::

    RC_DURATION_IN_MONTH: 「duration_in_month」对评分不利 / duration in month is unfavourable
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from fairdebt.errors import InputError

__all__ = ["default_catalogue", "default_reason", "reason_codes", "validate_catalogue"]

ZH_TEMPLATE = "「{feature}」对评分不利"
EN_TEMPLATE = "{words} is unfavourable"


def default_reason(feature: str) -> dict[str, str]:
    """Return the default catalogue entry of a feature.

    >>> default_reason("duration_in_month")["code"]
    'RC_DURATION_IN_MONTH'
    >>> default_reason("duration_in_month")["zh"]
    '「duration_in_month」对评分不利'
    """
    stem = re.sub(r"[^0-9A-Za-z]+", "_", feature).strip("_").upper() or "FEATURE"
    words = re.sub(r"[_\s]+", " ", feature).strip()
    return {
        "code": f"RC_{stem}",
        "zh": ZH_TEMPLATE.format(feature=feature),
        "en": EN_TEMPLATE.format(words=words),
    }


def default_catalogue(features: Iterable[str]) -> dict[str, dict[str, str]]:
    """Return a catalogue with a default entry per feature; codes are made unique.

    >>> sorted(e["code"] for e in default_catalogue(["a b", "a_b"]).values())
    ['RC_A_B', 'RC_A_B_2']
    """
    catalogue: dict[str, dict[str, str]] = {}
    seen: set[str] = set()
    for feature in features:
        entry = default_reason(feature)
        code, n = entry["code"], 1
        while code in seen:
            n += 1
            code = f"{entry['code']}_{n}"
        seen.add(code)
        catalogue[feature] = {**entry, "code": code}
    return catalogue


def validate_catalogue(
    catalogue: Mapping[str, Any], features: Iterable[str]
) -> dict[str, dict[str, str]]:
    """Check an edited catalogue; features it omits get their default entry.

    Entries for features the model does not use are ignored, so one catalogue can serve every
    model trained on the same columns.
    """
    full = default_catalogue(features)
    for feature, entry in catalogue.items():
        if feature not in full:
            continue  # a lender's catalogue may cover columns this model left out
        if not isinstance(entry, Mapping) or not all(
            isinstance(entry.get(key), str) and entry.get(key) for key in ("code", "zh", "en")
        ):
            raise InputError("a reason needs non-empty text for code, zh and en", field=feature)
        full[feature] = {key: str(entry[key]) for key in ("code", "zh", "en")}
    codes = [entry["code"] for entry in full.values()]
    if len(set(codes)) != len(codes):
        raise InputError(f"reason codes must be unique (got {sorted(codes)})", field="code")
    return full


def reason_codes(
    model: Any, X: Any, k: int = 4, *, catalogue: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Return the top ``k`` reasons that lowered each row's score.

    Columns ``reason_i`` (code), ``reason_i_points`` (points lost), ``reason_i_zh`` and
    ``reason_i_en`` for i = 1..k, most important first; a row with fewer than ``k`` features
    below their best has empty (None) reasons and 0 points after them.
    """
    if k < 1:
        raise InputError(f"k must be at least 1 (got {k})", field="k")
    impacts = model.feature_impacts(X)
    features = list(impacts.columns)
    entries = validate_catalogue(
        catalogue if catalogue is not None else getattr(model, "reasons_", {}), features
    )
    values = impacts.to_numpy(dtype=float)
    take = min(k, len(features))
    # A stable sort keeps ties in feature order, so equal penalties always list the same way.
    order = np.argsort(-values, axis=1, kind="stable")[:, :take]
    lost = np.take_along_axis(values, order, axis=1)
    out: dict[str, Any] = {}
    for key, suffix in (("code", ""), ("zh", "_zh"), ("en", "_en")):
        texts = np.array([entries[f][key] for f in features] + [None], dtype=object)
        picked = np.where(lost > 0, order, len(features))
        for i in range(k):
            column = texts[picked[:, i]] if i < take else np.full(len(values), None, dtype=object)
            out[f"reason_{i + 1}{suffix}"] = column
    for i in range(k):
        out[f"reason_{i + 1}_points"] = np.round(lost[:, i], 2) if i < take else 0.0
    columns = [f"reason_{i}{s}" for i in range(1, k + 1) for s in ("", "_points", "_zh", "_en")]
    return pd.DataFrame(out, index=impacts.index)[columns]
