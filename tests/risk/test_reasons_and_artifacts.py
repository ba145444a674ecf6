"""Reason catalogues a lender can edit, and model folders that refuse what they cannot read."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fairdebt.errors import InputError, IntegrityError
from fairdebt.risk import german_credit_reasons, load_card, load_model, reason_codes, save_model
from fairdebt.risk.artifacts import FORMAT_VERSION
from fairdebt.risk.reasons import default_reason


def test_default_reasons_are_built_from_feature_names() -> None:
    assert default_reason("duration_in_month") == {
        "code": "RC_DURATION_IN_MONTH",
        "zh": "「duration_in_month」对评分不利",
        "en": "duration in month is unfavourable",
    }


def test_reason_codes_give_k_reasons_with_code_points_and_both_texts(
    german_scorecard, german
) -> None:
    X, _ = german
    reasons = reason_codes(german_scorecard, X.head(5), k=4)
    assert list(reasons.columns[:4]) == [
        "reason_1",
        "reason_1_points",
        "reason_1_zh",
        "reason_1_en",
    ]
    assert len(reasons.columns) == 16 and list(reasons.index) == list(X.head(5).index)
    assert reasons["reason_1"].str.startswith("RC_").all()


def test_an_edited_catalogue_is_used(german_scorecard, german) -> None:
    X, _ = german
    catalogue = {
        k: v for k, v in german_credit_reasons().items() if k in german_scorecard.features_
    }
    reasons = reason_codes(german_scorecard, X.head(200), catalogue=catalogue)
    assert "RC_DURATION" in set(reasons["reason_1"]) | set(reasons["reason_2"])
    assert "贷款期限较长" in set(reasons["reason_1_zh"]) | set(reasons["reason_2_zh"])


def test_a_catalogue_with_duplicate_codes_is_refused(german_scorecard, german) -> None:
    X, _ = german
    first, second = german_scorecard.features_[:2]
    same = {"code": "RC_X", "zh": "甲", "en": "x"}
    with pytest.raises(InputError, match="unique"):
        reason_codes(german_scorecard, X.head(2), catalogue={first: same, second: same})


def test_a_saved_model_loads_and_scores_the_same(german_scorecard, german, tmp_path: Path) -> None:
    X, _ = german
    save_model(german_scorecard, tmp_path / "m", {"purpose": "test"})
    loaded = load_model(tmp_path / "m")
    assert (loaded.decision_score(X) == german_scorecard.decision_score(X)).all()
    assert load_card(tmp_path / "m") == {"purpose": "test"}
    manifest = json.loads((tmp_path / "m" / "manifest.json").read_text())
    assert manifest["format_version"] == FORMAT_VERSION and manifest["kind"] == "Scorecard"


def test_edited_reasons_json_changes_the_texts_of_a_loaded_model(
    german_gbm, german, tmp_path: Path
) -> None:
    X, _ = german
    folder = save_model(german_gbm, tmp_path / "g")
    catalogue = json.loads((folder / "reasons.json").read_text(encoding="utf-8"))
    catalogue["duration_in_month"] = {
        "code": "RC_DURATION",
        "zh": "贷款期限较长",
        "en": "Loan duration is long",
    }
    (folder / "reasons.json").write_text(json.dumps(catalogue, ensure_ascii=False), "utf-8")
    reasons = reason_codes(load_model(folder), X.head(100))
    texts = set(np.concatenate([reasons[f"reason_{i}_en"].dropna() for i in range(1, 5)]))
    assert "Loan duration is long" in texts


def test_a_model_saved_in_a_newer_format_is_refused_naming_both_versions(
    german_scorecard, tmp_path: Path
) -> None:
    folder = save_model(german_scorecard, tmp_path / "m")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = FORMAT_VERSION + 1
    manifest["versions"]["fairdebt"] = "9.0.0"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(
        InputError,
        match=rf"artifact format {FORMAT_VERSION + 1} by fairdebt 9\.0\.0.*"
        rf"reads artifact format {FORMAT_VERSION}",
    ):
        load_model(folder)


def test_a_model_saved_by_fairdebt_0_1_is_refused_naming_both_versions(
    german_scorecard, tmp_path: Path
) -> None:
    folder = save_model(german_scorecard, tmp_path / "m")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["format_version"] = 1
    manifest["versions"]["fairdebt"] = "0.1.0"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match=r"artifact format 1 by fairdebt 0\.1\.0"):
        load_model(folder)


def test_a_tampered_model_file_is_refused(german_scorecard, tmp_path: Path) -> None:
    folder = save_model(german_scorecard, tmp_path / "m")
    with (folder / "model.joblib").open("ab") as file:
        file.write(b"x")
    with pytest.raises(IntegrityError):
        load_model(folder)


def test_a_folder_without_a_manifest_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="manifest"):
        load_model(tmp_path)
