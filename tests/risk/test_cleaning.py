"""Raw lender extracts go into the models without hand preparation; errors name the column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.risk.conftest import lender_extract

from fairdebt.errors import InputError
from fairdebt.risk import FrameCleaner, Scorecard, make_target


def test_percent_strings_are_read_as_fractions() -> None:
    raw = pd.DataFrame({"util": ["83.7%", "10%", None, " 5 %"], "x": [1, 2, 3, 4]})
    clean = FrameCleaner().fit(raw).transform(raw)
    assert clean["util"].round(4).tolist()[:2] == [0.837, 0.1]
    assert np.isnan(clean["util"][2])
    assert clean["util"][3] == pytest.approx(0.05)


def test_sentinel_codes_in_a_past_due_count_become_special_values() -> None:
    frame, _ = lender_extract()
    cleaner = FrameCleaner().fit(frame.drop(columns="status"))
    assert cleaner.special_codes_ == {"past_due_30": [98.0]}
    assert any("past_due_30" in note and "special" in note for note in cleaner.notes_)


def test_an_id_like_column_is_refused_with_a_note_naming_it() -> None:
    frame, _ = lender_extract()
    cleaner = FrameCleaner().fit(frame.drop(columns="status"))
    assert "loan_id" not in cleaner.kinds_
    assert cleaner.id_columns_ == ["loan_id"]
    assert any(note.startswith("loan_id: refused as a feature") for note in cleaner.notes_)


def test_a_constant_column_is_dropped_with_a_note() -> None:
    frame, _ = lender_extract()
    cleaner = FrameCleaner().fit(frame.drop(columns="status"))
    assert "product" not in cleaner.kinds_
    assert any(note.startswith("product: dropped, it is constant") for note in cleaner.notes_)


def test_dropping_an_unknown_column_names_it() -> None:
    frame, _ = lender_extract()
    with pytest.raises(InputError, match="no_such"):
        FrameCleaner(drop=("no_such",)).fit(frame)


def test_text_in_a_numeric_column_at_score_time_names_the_column_and_value() -> None:
    frame, y = lender_extract()
    X = frame.drop(columns="status")
    model = Scorecard().fit(X, y)
    bad = X.head(3).copy()
    bad["income"] = bad["income"].astype(object)
    bad.loc[bad.index[1], "income"] = "n/a"
    with pytest.raises(InputError, match="'n/a'") as caught:
        model.decision_score(bad)
    assert caught.value.field == "income"


def test_the_target_is_given_as_a_label() -> None:
    frame, y = lender_extract()
    assert make_target(frame["status"], "default", column="status").tolist() == y.tolist()


def test_a_bad_value_absent_from_the_target_names_the_column_and_the_values_seen() -> None:
    with pytest.raises(InputError, match="values seen") as caught:
        make_target(pd.Series(["good", "bad"]), "Bad", column="creditability")
    assert caught.value.field == "creditability"


def test_string_categoricals_missing_values_and_an_unseen_category_score_without_error() -> None:
    frame, y = lender_extract()
    X = frame.drop(columns="status")
    model = Scorecard().fit(X, y)
    new = X.head(2).copy()
    new["city"] = ["拉萨", None]
    table = model.binning_tables_["city"]
    missing_points = int(table.loc[table["bin"] == "Missing", "points"].iloc[0])
    assert model.transform(new)[:, model.features_.index("city")].tolist() == [missing_points] * 2
