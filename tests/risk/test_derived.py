"""Derived features: a delinquency ladder's summaries and the amounts behind ratios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fairdebt.risk import Scorecard
from fairdebt.risk.card import make_card
from fairdebt.risk.derived import find_ladder, find_ratio_amounts, ladder_bucket
from fairdebt.risk.features import FeatureBuilder


def _book(n: int = 400, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    """A book with a late-count ladder under unfamiliar names, a debt ratio and an income."""
    rng = np.random.default_rng(seed)
    risk = rng.normal(0, 1, n)
    late30 = rng.poisson(np.exp(risk - 1))
    late60 = rng.poisson(np.exp(risk - 2))
    late90 = rng.poisson(np.exp(risk - 2.5))
    unknown = rng.random(n) < 0.03
    income = rng.lognormal(8.5, 0.5, n)
    frame = pd.DataFrame(
        {
            "dpd_30_59_cnt": np.where(unknown, 98, late30),
            "dpd_60_89_cnt": np.where(unknown, 98, late60),
            "dpd_90_plus_cnt": np.where(unknown, 98, late90),
            "debt_ratio": rng.uniform(0.05, 0.9, n),
            "monthly_income": income,
            "age": rng.integers(21, 70, n),
        }
    )
    y = (risk + rng.normal(0, 1, n) > 1.0).astype(int)
    return frame, y


def _built(frame: pd.DataFrame, codes: dict[str, list[float]] | None = None) -> pd.DataFrame:
    builder = FeatureBuilder(special_codes=codes or {}).fit(frame)
    return builder.transform(frame)


CODES = {c: [98.0] for c in ("dpd_30_59_cnt", "dpd_60_89_cnt", "dpd_90_plus_cnt")}


@pytest.mark.parametrize(
    ("name", "days"),
    [
        ("NumberOfTime30-59DaysPastDueNotWorse", 30),
        ("NumberOfTime60-89DaysPastDueNotWorse", 60),
        ("NumberOfTimes90DaysLate", 90),
        ("dpd_90_plus_cnt", 90),
        ("times_m2_overdue", 60),
        ("逾期30天次数", 30),
        ("delinquent_120_count", 120),
    ],
)
def test_a_late_count_columns_bucket_is_read_from_its_name(name: str, days: int) -> None:
    assert ladder_bucket(name) == days


@pytest.mark.parametrize("name", ["age", "DELINQ", "NumberOfDependents", "balance_30d_avg"])
def test_columns_that_do_not_name_a_late_bucket_are_no_rung(name: str) -> None:
    assert ladder_bucket(name) is None


def test_the_ladder_summaries_count_rank_and_weigh_the_buckets() -> None:
    frame = pd.DataFrame(
        {
            "late_30_59": [0, 2, 1, 98, 0],
            "late_60_89": [0, 0, 1, 98, 1],
            "late_90": [0, 1, 0, 98, 0],
        }
    ).astype(float)
    codes = {c: [98.0] for c in frame}
    out = _built(frame, codes)
    np.testing.assert_array_equal(out["late_count_total"], [0, 3, 2, np.nan, 1])
    np.testing.assert_array_equal(out["late_worst_days"], [0, 90, 60, np.nan, 60])
    np.testing.assert_array_equal(out["late_count_weighted"], [0, 5, 3, np.nan, 2])
    np.testing.assert_array_equal(out["late_count_unknown"], [0, 0, 0, 1, 0])


def test_one_late_count_alone_makes_no_ladder() -> None:
    frame = pd.DataFrame({"DELINQ": [0.0, 1, 2], "times_90_days_late": [0.0, 1, 0]})
    assert find_ladder(frame, {}, {}) is None
    assert "late_count_total" not in _built(frame).columns


def test_a_column_named_late_that_is_not_a_count_is_no_rung() -> None:
    frame = pd.DataFrame(
        {"late_30_share": [0.1, 0.25, 0.5], "late_60_cnt": [0.0, 1, 2], "late_90_cnt": [0.0, 0, 1]}
    )
    ladder = find_ladder(frame, {}, {})
    assert ladder is not None and ladder.columns == ("late_60_cnt", "late_90_cnt")


def test_a_debt_ratio_times_the_income_gives_the_debt_and_the_income_left() -> None:
    frame, _ = _book()
    out = _built(frame, CODES)
    debt = frame["debt_ratio"] * frame["monthly_income"]
    np.testing.assert_allclose(out["debt_amount"], debt)
    np.testing.assert_allclose(out["income_after_debt"], frame["monthly_income"] - debt)


def test_a_ratio_in_percent_is_read_as_a_share() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {"DTI": rng.uniform(5, 60, 50), "annual_income": rng.lognormal(10, 0.3, 50)}
    )
    out = _built(frame)
    np.testing.assert_allclose(out["debt_amount"], frame["DTI"] / 100 * frame["annual_income"])


def test_a_ratio_without_its_denominator_in_the_book_derives_nothing() -> None:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"DEBTINC": rng.uniform(5, 60, 50), "LOAN": rng.uniform(1e3, 9e4, 50)})
    assert find_ratio_amounts(frame, {}, {"loan": ["LOAN"]}) == []
    assert "debt_amount" not in _built(frame).columns


def test_the_card_lists_every_derived_feature_with_its_meaning(tmp_path) -> None:
    frame, y = _book()
    model = Scorecard(segments="none").fit(frame, y)
    built = model.built_features()
    derived = {
        "late_count_total",
        "late_worst_days",
        "late_count_weighted",
        "late_count_unknown",
        "debt_amount",
        "income_after_debt",
    }
    assert derived <= set(built)
    data = tmp_path / "book.csv"
    frame.assign(target=y).to_csv(data, index=False)
    record = make_card(model, X=frame, y=y, data_path=data, target="target", bad=1, metrics={})
    listed = {f["name"]: f for f in record["built_features"]["features"]}
    assert derived <= set(listed)
    assert all(listed[n]["en"] and listed[n]["zh"] and listed[n]["from"] for n in derived)
    assert listed["debt_amount"]["from"] == ["debt_ratio", "monthly_income"]


def test_a_builder_saved_before_derived_features_still_transforms() -> None:
    frame, _ = _book()
    builder = FeatureBuilder(special_codes=CODES).fit(frame)
    old = FeatureBuilder(special_codes=CODES).fit(frame)
    del old.ladder_, old.ratio_amounts_
    old.built_names_ = [
        n for n in builder.built_names_ if not n.startswith(("late", "debt", "income"))
    ]
    assert list(old.transform(frame).columns) == [*frame.columns, *old.built_names_]


def test_derived_features_do_not_depend_on_other_rows() -> None:
    frame, _ = _book()
    builder = FeatureBuilder(special_codes=CODES).fit(frame)
    whole = builder.transform(frame)
    part = builder.transform(frame.iloc[10:20])
    pd.testing.assert_frame_equal(whole.iloc[10:20], part)
