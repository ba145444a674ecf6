"""The model card: every field a model-risk team asks for, and JSON all the way down."""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fairdebt.errors import InputError
from fairdebt.risk import card as card_module
from fairdebt.risk.card import make_card

REQUIRED = {"card_version", "created_at", "model", "data", "time_window", "features", "metrics"}
LIBRARIES = {"fairdebt", "sklearn", "optbinning", "lightgbm", "numpy", "pandas", "python"}


class StandIn:
    """Enough of a fitted model for a card: input names, parameters and one binning table."""

    def __init__(self) -> None:
        self.feature_names_in_ = np.array(["income", "city"], dtype=object)
        self.binning_tables_ = {
            "income": pd.DataFrame({"bin": ["(-inf, 5)", "[5, inf)"], "iv": [0.125, 0.25]})
        }

    def get_params(self, deep: bool = False) -> dict[str, object]:
        return {"pdo": np.float64(20.0), "drop": ("id",), "special_codes": None}


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "loans.csv"
    path.write_text("income,city,bad\n3,北京,1\n7,上海,0\n9,上海,0\n", encoding="utf-8")
    return path


def card_for(path: Path, **extra: object) -> dict[str, object]:
    X = pd.DataFrame({"income": [3, 7, 9], "city": ["北京", "上海", "上海"]})
    metrics = {"auc": np.float64(0.75), "ks": 0.5, "n": np.int64(3), "bad_rate": 1 / 3}
    return make_card(
        StandIn(),
        X=X,
        y=np.array([1, 0, 0]),
        data_path=path,
        target="bad",
        bad=np.int64(1),
        metrics=metrics,
        **extra,  # type: ignore[arg-type]
    )


def test_the_card_has_every_field_and_survives_json(data_file: Path) -> None:
    made = card_for(
        data_file,
        time_window=(date(2025, 1, 1), date(2025, 6, 30)),
        created_at=datetime(2026, 11, 29, 10, 0, tzinfo=UTC),
    )
    assert REQUIRED | {"libraries"} <= set(made)
    assert json.loads(json.dumps(made, allow_nan=False, ensure_ascii=False)) == made
    assert made["created_at"] == "2026-11-29T10:00:00+00:00"
    assert made["time_window"] == {"start": "2025-01-01", "end": "2025-06-30"}


def test_the_card_names_the_exact_bytes_of_the_data(data_file: Path) -> None:
    data = card_for(data_file)["data"]
    assert isinstance(data, dict)
    assert data["sha256"] == hashlib.sha256(data_file.read_bytes()).hexdigest()
    assert data["path"] == str(data_file)
    assert (data["rows"], data["bads"], data["target"], data["bad"]) == (3, 1, "bad", 1)
    assert data["bad_rate"] == pytest.approx(1 / 3)


def test_the_card_lists_features_with_dtype_and_iv_when_known(data_file: Path) -> None:
    features = card_for(data_file)["features"]
    assert features == [
        {"name": "income", "dtype": "int64", "iv": 0.375, "used": True},
        {"name": "city", "dtype": "str", "iv": None, "used": False},
    ]


def test_the_card_records_library_versions(data_file: Path) -> None:
    libraries = card_for(data_file)["libraries"]
    assert isinstance(libraries, dict)
    assert set(libraries) >= LIBRARIES
    assert libraries["python"] == ".".join(map(str, sys.version_info[:3]))
    assert libraries["numpy"] == np.__version__


def test_the_card_records_the_model_class_and_plain_parameters(data_file: Path) -> None:
    model = card_for(data_file)["model"]
    assert model == {
        "class": f"{StandIn.__module__}.StandIn",
        "params": {"pdo": 20.0, "drop": ["id"], "special_codes": None},
    }


def test_a_missing_data_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the data file") as caught:
        card_for(tmp_path / "absent.csv")
    assert caught.value.field == str(tmp_path / "absent.csv")


def test_a_time_window_of_the_wrong_shape_is_refused(data_file: Path) -> None:
    with pytest.raises(InputError, match="time_window"):
        card_for(data_file, time_window="2025")


def test_card_exports_what_it_names() -> None:
    assert all(hasattr(card_module, name) for name in card_module.__all__)
