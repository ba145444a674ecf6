"""Families of monthly columns, found by name and by shape, their summaries and amount ratios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from fairdebt.errors import InputError
from fairdebt.risk import FeatureBuilder, Scorecard, find_families, widen_history
from fairdebt.risk.card import make_card
from fairdebt.risk.features import amount_roles
from fairdebt.risk.history import Family, history_frame

from .conftest import card_book_module


def _by_stem(families: list[Family]) -> dict[str, Family]:
    return {f.stem: f for f in families}


def test_a_card_books_status_bill_and_payment_families_are_found_by_name(card_book) -> None:
    X, _ = card_book
    families = _by_stem(find_families(X))
    assert set(families) == {"PAY", "BILL_AMT", "PAY_AMT"}
    status = families["PAY"]
    assert status.columns == ("PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6")
    assert status.kind == "status" and status.found_by == "name"
    assert families["BILL_AMT"].columns[0] == "BILL_AMT1"
    assert (families["BILL_AMT"].kind, families["BILL_AMT"].role) == ("amount", "balance")
    assert (families["PAY_AMT"].kind, families["PAY_AMT"].role) == ("amount", "payment")


def test_dated_columns_are_ordered_latest_first() -> None:
    rng = np.random.default_rng(0)
    base = rng.integers(0, 3, 500)
    frame = pd.DataFrame(
        {
            f"dpd_bucket_2024_{m:02d}": np.clip(base + rng.integers(-1, 2, 500), 0, 5)
            for m in (3, 1, 2, 4)
        }
    )
    (family,) = find_families(frame)
    assert family.columns == (
        "dpd_bucket_2024_04",
        "dpd_bucket_2024_03",
        "dpd_bucket_2024_02",
        "dpd_bucket_2024_01",
    )
    assert family.stem == "dpd_bucket" and family.kind == "status"


def test_month_named_columns_and_unnamed_status_runs_are_found_by_shape() -> None:
    rng = np.random.default_rng(1)
    base = rng.integers(-1, 3, 800)
    months = {
        m: np.clip(base + rng.integers(-1, 2, 800), -2, 6) for m in ("Jan", "Feb", "Mar", "Apr")
    }
    frame = pd.DataFrame({"income": rng.lognormal(8, 1, 800), **months})
    (family,) = find_families(frame)
    assert family.found_by == "shape" and family.kind == "status"
    assert family.columns == ("Apr", "Mar", "Feb", "Jan")  # calendar order, latest first
    plain = pd.DataFrame({name: months[m] for name, m in zip("abcd", months, strict=True)})
    (runs,) = find_families(plain)
    assert runs.found_by == "shape" and runs.columns == ("a", "b", "c", "d")


def test_unrelated_columns_sharing_a_stem_are_not_a_family() -> None:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({f"V{i}": rng.normal(size=1_000) for i in range(1, 11)})
    assert find_families(frame) == []


def test_a_long_monthly_table_is_widened_with_key_and_month_found_by_shape() -> None:
    module = card_book_module()
    book = module.card_book(600, seed=5)
    application, long = module.long_history(book)
    wide = widen_history(long)
    assert wide.index.name == "ID" and len(wide) == len(application)
    joined = application.join(wide, on="ID")
    # status_1 is the latest month (2005-09), the book's PAY_0
    np.testing.assert_array_equal(joined["status_1"], book["PAY_0"])
    np.testing.assert_array_equal(joined["paid_6"], book["PAY_AMT6"])
    families = _by_stem(find_families(joined))
    assert families["status"].kind == "status"
    assert (families["bill"].role, families["paid"].role) == ("balance", "payment")


def test_a_long_table_with_two_rows_for_one_month_is_refused_naming_the_account() -> None:
    long = pd.DataFrame(
        {"acct": ["a", "a", "b"], "month": ["2024-01", "2024-01", "2024-01"], "status": [0, 1, 0]}
    )
    with pytest.raises(InputError, match="'a'"):
        widen_history(long, key="acct", period="month")


def test_status_summaries_read_a_history_as_an_analyst_would() -> None:
    # latest month first: 2 then 1 cycles late, current, paid twice, current
    frame = pd.DataFrame({f"st_{i}": [v] for i, v in enumerate([2, 1, 0, -1, -1, 0], start=1)})
    family = Family("st", tuple(frame.columns), "status")
    built, meanings = history_frame(frame, [family])
    row = built.iloc[0]
    assert row["st_worst"] == 2 and row["st_months_late"] == 2
    assert row["st_months_late_2plus"] == 1 and row["st_months_since_late"] == 0
    assert row["st_late_streak"] == 2 and row["st_cures"] == 0
    assert row["st_trend"] > 0  # getting worse
    assert {b.name for b in meanings} == set(built.columns)
    assert all(b.en and b.zh and b.sources == family.columns for b in meanings)


def test_payments_are_set_against_the_balance_a_month_older() -> None:
    bills = {"bill_1": [900.0], "bill_2": [1000.0], "bill_3": [500.0], "bill_4": [400.0]}
    pays = {"pay_amt_1": [1000.0], "pay_amt_2": [0.0], "pay_amt_3": [200.0], "pay_amt_4": [50.0]}
    frame = pd.DataFrame({**bills, **pays, "credit_limit": [2000.0]})
    families = [
        Family("bill", tuple(bills), "amount", "balance"),
        Family("pay_amt", tuple(pays), "amount", "payment"),
    ]
    built, _ = history_frame(frame, families, limit="credit_limit")
    row = built.iloc[0]
    # paid 1000 of 1000, 0 of 500, 200 of 400
    assert row["pay_amt_to_bill"] == pytest.approx(1200 / 1900)
    assert row["pay_amt_full_months"] == 1 and row["pay_amt_missed_months"] == 1
    assert row["pay_amt_to_bill_latest"] == 1.0
    assert row["bill_utilisation"] == pytest.approx(900 / 2000)
    assert row["bill_utilisation_max"] == pytest.approx(1000 / 2000)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(-2, 8)), min_size=6, max_size=6),
        min_size=1,
        max_size=30,
    )
)
def test_status_summaries_stay_in_their_range_and_do_not_depend_on_other_rows(rows) -> None:
    frame = pd.DataFrame(rows, columns=[f"s{i}" for i in range(1, 7)], dtype=float)
    family = Family("s", tuple(frame.columns), "status")
    built, _ = history_frame(frame, [family])
    known = frame.notna().any(axis=1)
    late = built.loc[known, "s_months_late"]
    assert ((late >= 0) & (late <= 6)).all()
    assert (built.loc[known, "s_months_late_2plus"] <= late).all()
    assert (
        (built.loc[known, "s_months_since_late"] >= 0)
        & (built.loc[known, "s_months_since_late"] <= 6)
    ).all()
    assert (built.loc[known, "s_worst"] >= built.loc[known, "s_mean"] - 1e-9).all()
    reversed_rows, _ = history_frame(frame.iloc[::-1], [family])
    pd.testing.assert_frame_equal(reversed_rows.iloc[::-1], built)


def test_amount_roles_come_from_names_and_leave_counts_and_ratios_alone() -> None:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame(
        {
            "LOAN": rng.uniform(1e3, 9e4, 200),
            "MORTDUE": rng.uniform(1e3, 9e4, 200),
            "VALUE": rng.uniform(1e4, 9e5, 200),
            "MonthlyIncome": rng.uniform(1e3, 2e4, 200),
            "DebtRatio": rng.uniform(0, 2, 200),
            "NumberOfTimes90DaysLate": rng.integers(0, 5, 200).astype(float),
            "duration_in_month": rng.integers(6, 60, 200).astype(float),
        }
    )
    roles = amount_roles(frame, {c: "numeric" for c in frame})
    assert roles == {
        "loan": ["LOAN"],
        "debt": ["MORTDUE"],
        "value": ["VALUE"],
        "income": ["MonthlyIncome"],
        "term": ["duration_in_month"],
    }
    built = FeatureBuilder().fit(frame)
    assert {"loan_to_value", "combined_loan_to_value", "loan_to_income", "amount_per_month"} <= set(
        built.built_names_
    )
    out = built.transform(frame)
    np.testing.assert_allclose(out["loan_to_value"], frame["LOAN"] / frame["VALUE"])


def test_the_card_lists_every_built_feature_with_its_meaning(card_book, tmp_path) -> None:
    X, y = card_book
    card = Scorecard(segments="none").fit(X, y)
    built = card.built_features()
    assert "PAY_months_late" in built and "PAY_AMT_to_BILL_AMT" in built
    assert "BILL_AMT_utilisation" in built  # against LIMIT_BAL, the limit by name
    data = tmp_path / "book.csv"
    X.assign(target=y).to_csv(data, index=False)
    record = make_card(card, X=X, y=y, data_path=data, target="target", bad=1, metrics={})
    listed = {f["name"]: f for f in record["built_features"]["features"]}
    assert set(listed) == set(built)
    assert all(f["en"] and f["zh"] and f["from"] for f in listed.values())
    assert {f["stem"] for f in record["built_features"]["families"]} == {
        "PAY",
        "BILL_AMT",
        "PAY_AMT",
    }
    assert card.reasons_["PAY_months_late"]["en"].startswith("Months late")


def test_history_summaries_raise_a_scorecards_auc_on_a_held_out_card_book(card_book) -> None:
    X, y = card_book
    test = card_book_module().card_book(4_000, seed=4)
    y_test = test.pop(card_book_module().TARGET).to_numpy()
    plain = Scorecard(features="none", segments="none").fit(X, y)
    built = Scorecard(segments="none").fit(X, y)
    auc_plain = roc_auc_score(y_test, plain.predict_proba(test)[:, 1])
    auc_built = roc_auc_score(y_test, built.predict_proba(test)[:, 1])
    assert auc_built > auc_plain
