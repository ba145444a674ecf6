"""Monitoring: PSI and CSI between an expected and an actual sample, thresholds and alerts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fairdebt.errors import InputError
from fairdebt.risk import monitoring
from fairdebt.risk.monitoring import csi_table, monitor, psi, psi_table, stability_status


def frame(n: int, *, seed: int, income_shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "income": rng.normal(10.0 + income_shift, 2.0, n),
            "age": rng.integers(20, 70, n).astype(float),
            "city": rng.choice(["Beijing", "Shanghai", "Chengdu"], n),
        }
    )


class StandIn:
    """A fitted logistic regression on income and age that scores points like a scorecard."""

    def __init__(self, X: pd.DataFrame) -> None:
        rng = np.random.default_rng(0)
        y = (rng.random(len(X)) < 1 / (1 + np.exp(X["income"] - 9.5))).astype(int)
        self.feature_names_in_ = np.array(["income", "age", "city"], dtype=object)
        self.regression = LogisticRegression().fit(X[["income", "age"]], y)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.regression.predict_proba(X[["income", "age"]]))

    def decision_score(self, X: pd.DataFrame) -> np.ndarray:
        p = self.predict_proba(X)[:, 1]
        return np.rint(600 + 20 / np.log(2) * np.log((1 - p) / p))


class BinnedStandIn(StandIn):
    """The stand-in with binning tables and a WOE transform, like a scorecard's."""

    EDGES = np.array([8.0, 10.0, 12.0])

    def __init__(self, X: pd.DataFrame) -> None:
        super().__init__(X)
        woe = np.array([-1.0, -0.2, 0.3, 1.1])
        bins = ["(-inf, 8)", "[8, 10)", "[10, 12)", "[12, inf)"]
        self.binning_tables_ = {
            "income": pd.DataFrame(
                {"bin": bins, "count": [1, 1, 1, 1], "woe": woe, "iv": [0.1] * 4}
            )
        }
        self.woe = woe

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        index = np.searchsorted(self.EDGES, X["income"].to_numpy(), side="right")
        return pd.DataFrame({"income": self.woe[index]}, index=X.index)


EXPECTED = frame(4000, seed=1)


def test_psi_of_a_sample_against_itself_is_zero() -> None:
    assert psi(EXPECTED["income"], EXPECTED["income"]) == 0.0
    assert psi(EXPECTED["city"], EXPECTED["city"]) == 0.0


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50), st.integers(1, 12))
def test_psi_is_never_negative_and_zero_for_identical_samples(
    values: list[float], bins: int
) -> None:
    assert psi(values, values, bins) == 0.0
    assert psi(values, [v + 1 for v in values], bins) >= 0.0


def test_psi_grows_with_the_shift_of_the_actual_sample() -> None:
    values = [
        psi(EXPECTED["income"], frame(4000, seed=2, income_shift=s)["income"])
        for s in (0, 0.5, 1, 2, 4)
    ]
    assert values == sorted(values)
    assert values[0] < 0.02 and values[-1] > 1.0


def test_psi_takes_explicit_cut_points() -> None:
    table = psi_table([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 4.0], [2.5])
    assert table["bin"].tolist() == ["[-inf, 2.5)", "[2.5, inf)"]
    assert table["psi"].sum() == pytest.approx(0.25 * np.log(1.5) + 0.25 * np.log(2))


def test_missing_values_have_their_own_bin() -> None:
    table = psi_table([1.0, 2.0, np.nan, np.nan], [1.0, 2.0, 3.0, np.nan], 2)
    missing = table.set_index("bin").loc["(missing)"]
    assert (missing["expected_n"], missing["actual_n"]) == (2, 1)


def test_a_nullable_integer_column_puts_its_missing_values_in_their_own_bin() -> None:
    expected = pd.Series([1, 2, None, 4], dtype="Int64")
    table = psi_table(expected, pd.Series([1, None, None, 4], dtype="Int64"), bins=[2.5])
    assert table.set_index("bin").loc["(missing)", ["expected_n", "actual_n"]].tolist() == [1, 2]


def test_categories_unseen_in_the_expected_sample_are_pooled_as_other() -> None:
    table = psi_table(["a", "a", "b", "b"], ["a", "b", "c", "d"])
    assert table["bin"].tolist() == ["a", "b", "(other)"]
    assert table.set_index("bin").loc["(other)", ["expected_n", "actual_n"]].tolist() == [0, 2]
    assert np.isfinite(table["psi"]).all()


def test_stability_status_reads_the_default_thresholds() -> None:
    assert [stability_status(v) for v in (0.0, 0.099, 0.10, 0.25, 0.2501)] == [
        "stable",
        "stable",
        "watch",
        "watch",
        "alert",
    ]


def test_stability_thresholds_are_parameters() -> None:
    assert stability_status(0.06, watch=0.05, alert=0.08) == "watch"
    assert stability_status(0.09, watch=0.05, alert=0.08) == "alert"


def test_thresholds_in_the_wrong_order_are_refused() -> None:
    with pytest.raises(InputError, match="watch <= alert"):
        stability_status(0.1, watch=0.3, alert=0.2)


def test_csi_alerts_on_the_shifted_feature_only() -> None:
    model = StandIn(EXPECTED)
    table = csi_table(model, EXPECTED, frame(4000, seed=2, income_shift=2.0))
    by_feature = table.set_index("feature")
    assert by_feature.loc["income", "status"] == "alert"
    assert by_feature.loc["age", "status"] == "stable"
    assert by_feature.loc["city", "status"] == "stable"
    assert by_feature["binning"].to_dict() == {
        "income": "quantile",
        "age": "quantile",
        "city": "category",
    }
    assert table["feature"].iloc[0] == "income"  # highest first


def test_csi_status_follows_the_thresholds_given() -> None:
    model = StandIn(EXPECTED)
    actual = frame(4000, seed=2, income_shift=0.5)
    default = csi_table(model, EXPECTED, actual).set_index("feature")
    strict = csi_table(model, EXPECTED, actual, watch=0.01, alert=0.02).set_index("feature")
    assert default.loc["income", "status"] in {"stable", "watch"}
    assert strict.loc["income", "status"] == "alert"


def test_csi_uses_the_models_own_bins_when_it_has_them() -> None:
    model = BinnedStandIn(EXPECTED)
    table = csi_table(model, EXPECTED, frame(4000, seed=2, income_shift=2.0)).set_index("feature")
    assert table.loc["income", "binning"] == "model"
    assert table.loc["income", "n_bins"] == 4
    assert table.loc["income", "status"] == "alert"
    bins = monitor(model, EXPECTED, EXPECTED)["feature_tables"]["income"]["bin"].tolist()
    assert bins == ["(-inf, 8)", "[8, 10)", "[10, 12)", "[12, inf)"]


def test_bins_sharing_a_value_are_pooled_into_one() -> None:
    model = BinnedStandIn(EXPECTED)
    model.woe = np.array([-1.0, -1.0, 0.3, 1.1])
    model.binning_tables_["income"]["woe"] = model.woe
    bins = monitor(model, EXPECTED, EXPECTED)["feature_tables"]["income"]["bin"].tolist()
    assert bins == ["(-inf, 8) | [8, 10)", "[10, 12)", "[12, inf)"]


def test_a_sample_missing_a_model_feature_is_refused_naming_the_column() -> None:
    model = StandIn(EXPECTED)
    with pytest.raises(InputError, match=r"actual sample lacks.*'city'") as caught:
        csi_table(model, EXPECTED, EXPECTED.drop(columns=["city"]))
    assert caught.value.field == "city"


def test_monitor_reports_score_psi_csi_and_alerts() -> None:
    model = StandIn(EXPECTED)
    result = monitor(model, EXPECTED, frame(3000, seed=2, income_shift=2.0))
    assert result["score_status"] == "alert" and result["score_psi"] > 0.25
    assert [(a["kind"], a["name"]) for a in result["alerts"]] == [
        ("score", "score"),
        ("feature", "income"),
    ]
    assert (result["n_expected"], result["n_actual"]) == (4000, 3000)
    plain = {
        k: v
        for k, v in result.items()
        if not isinstance(v, pd.DataFrame | dict) or k == "thresholds"
    }
    assert json.loads(json.dumps(plain))["thresholds"] == {"watch": 0.10, "alert": 0.25}


def test_a_stable_population_raises_no_alert() -> None:
    result = monitor(StandIn(EXPECTED), EXPECTED, frame(4000, seed=9))
    assert result["alerts"] == [] and result["score_status"] == "stable"


def test_csi_covers_only_the_features_the_model_says_it_uses() -> None:
    model = StandIn(EXPECTED)
    model.get_feature_names_out = lambda: np.array(["income", "age"], dtype=object)  # type: ignore[attr-defined]
    assert set(csi_table(model, EXPECTED, EXPECTED)["feature"]) == {"income", "age"}


def test_a_plain_scikit_learn_pipeline_is_monitored_on_its_input_columns() -> None:
    columns = ["income", "age"]
    y = (EXPECTED["income"] < 10).astype(int)
    pipeline = make_pipeline(StandardScaler(), LogisticRegression()).fit(EXPECTED[columns], y)
    actual = frame(4000, seed=2, income_shift=0.5)[columns]
    result = monitor(pipeline, EXPECTED[columns], actual)
    assert result["csi"]["feature"].tolist() == ["income", "age"]
    assert result["score_psi"] > 0.0


def test_monitoring_exports_what_it_names() -> None:
    assert all(hasattr(monitoring, name) for name in monitoring.__all__)
