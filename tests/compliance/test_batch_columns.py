"""The batch gate's answers do not depend on how the caller's columns are coded.

The gate codes text columns itself (Arrow dictionary encoding for pyarrow strings, numpy for
object columns, pandas for categoricals) and treats an omitted optional column as its default
without building it; these tests pin that every coding, every time unit and zone of ``at``,
a shuffled index and an omitted-versus-explicit default all give the same frame.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.compliance.test_batch import _frame, _portfolio

from fairdebt.compliance.attempts import Attempt, ContactRecord, Debtor
from fairdebt.compliance.batch import check_batch
from fairdebt.compliance.batch.tables import ATTEMPT_DEFAULTS, HISTORY_DEFAULTS
from fairdebt.compliance.gate import check
from fairdebt.errors import InputError

CODINGS = ["str", "object", "category", "string[pyarrow]", "arrow-table"]
UNITS = ["s", "ms", "us", "ns"]
# Optional columns whose default is a plain value the generated tables can hold explicitly.
ATTEMPT_OPTIONAL = ["mode", "recipient", "address", "debt_id", "by", "purpose", "address_kind"]
HISTORY_OPTIONAL = ["direction", "channel", "mode", "recipient", "address", "debt_id", "by"]


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if c not in ("debtor_id", "at")
        and all(v is None or isinstance(v, str) for v in frame[c].astype(object))
    ]


def _coded(frame: pd.DataFrame, coding: str, unit: str, zone: str, shuffle: bool) -> Any:
    out = frame.copy()
    for column in _text_columns(frame):
        values = frame[column].astype(object)
        if coding == "object":
            out[column] = pd.Series(values.to_numpy(dtype=object), index=out.index, dtype=object)
        elif coding == "category":
            out[column] = values.astype("category")
        elif coding == "string[pyarrow]":
            out[column] = values.astype("string[pyarrow]")
    out["at"] = out["at"].dt.tz_convert(zone).dt.as_unit(unit)
    if shuffle:
        out.index = pd.Index(np.arange(len(out))[::-1] * 7 + 100)
    if coding == "arrow-table":
        return pa.Table.from_pandas(out, preserve_index=False)
    return out


def _answers(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.reset_index(drop=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    pack=st.sampled_from(["cn", "us", "uk"]),
    coding=st.sampled_from(CODINGS),
    unit=st.sampled_from(UNITS),
    zone=st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York"]),
    shuffle=st.booleans(),
    omit_attempt=st.sets(st.sampled_from(ATTEMPT_OPTIONAL)),
    omit_history=st.sets(st.sampled_from(HISTORY_OPTIONAL)),
)
def test_answers_are_the_same_however_the_columns_are_coded(
    seed: int,
    pack: str,
    coding: str,
    unit: str,
    zone: str,
    shuffle: bool,
    omit_attempt: set[str],
    omit_history: set[str],
) -> None:
    attempts, history, debtors = _portfolio(seed=seed, n=30)
    a, h, d = _frame(attempts), _frame(history), pd.DataFrame(debtors)
    # The reference states every omitted column explicitly at its default value.
    for column in omit_attempt:
        a[column] = ATTEMPT_DEFAULTS[column]
    for column in omit_history:
        h[column] = HISTORY_DEFAULTS[column]
    want = check_batch(a, h, d, pack)

    got = check_batch(
        _coded(a.drop(columns=sorted(omit_attempt)), coding, unit, zone, shuffle),
        _coded(h.drop(columns=sorted(omit_history)), coding, unit, zone, False),
        d,
        pack,
    )
    pd.testing.assert_frame_equal(_answers(got), _answers(want))
    if shuffle and coding != "arrow-table":
        assert got.index.tolist() == (np.arange(len(a))[::-1] * 7 + 100).tolist()


def test_missing_text_values_are_unknown_in_every_coding() -> None:
    attempts, history, debtors = _portfolio(seed=11, n=40)
    a, h, d = _frame(attempts), _frame(history), pd.DataFrame(debtors)
    h.loc[h.index[::3], "address"] = None  # unrecorded numbers may be the same number
    want = check_batch(a, h, d, "cn")
    for coding in CODINGS:
        got = check_batch(
            _coded(a, coding, "ns", "UTC", False), _coded(h, coding, "ns", "UTC", False), d, "cn"
        )
        pd.testing.assert_frame_equal(_answers(got), _answers(want), obj=coding)


@pytest.mark.parametrize("dtype", ["str", "object", "string[pyarrow]", "category"])
def test_calls_to_an_unrecorded_number_count_against_every_number_in_every_coding(
    dtype: str,
) -> None:
    at = dt.datetime(2025, 6, 10, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing
    earlier = [at - dt.timedelta(minutes=10 * k) for k in range(1, 7)]
    # Another debtor's recorded number comes first, so it is the first distinct value.
    numbers = ["+2", *[None] * len(earlier)]
    history = pd.DataFrame(
        {
            "debtor_id": [2, *[1] * len(earlier)],
            "at": pd.to_datetime([at, *earlier], utc=True),
            "channel": "call",
            "address": pd.Series(numbers, dtype=object).astype(dtype),
            "outcome": "no_answer",
        }
    )
    attempts = pd.DataFrame(
        {
            "debtor_id": [1],
            "at": pd.to_datetime([at], utc=True),
            "channel": ["call"],
            "address": pd.Series(["+1"], dtype=object).astype(dtype),
        }
    )
    debtors = pd.DataFrame({"debtor_id": [1, 2], "timezone": ["Asia/Shanghai"] * 2})
    verdict = check(
        Attempt(at=at, channel="call", address="+1"),
        [ContactRecord(at=t, channel="call", address=None, outcome="no_answer") for t in earlier],
        Debtor(timezone="Asia/Shanghai"),
        "cn",
    )
    got = check_batch(attempts, history, debtors, "cn")
    assert not verdict.allowed
    assert got["first_rule"].tolist() == [verdict.first_rule]


def _one_attempt(**columns: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {"debtor_id": [1], "at": pd.to_datetime(["2025-06-10T02:00:00Z"], utc=True), **columns}
    )


def test_an_attempts_table_without_a_channel_column_is_an_input_error_naming_it() -> None:
    with pytest.raises(InputError, match="channel"):
        check_batch(_one_attempt())


def test_a_debtors_table_without_debtor_ids_is_an_input_error_naming_the_column() -> None:
    debtors = pd.DataFrame({"timezone": ["Asia/Shanghai"]})
    with pytest.raises(InputError, match="debtor_id"):
        check_batch(_one_attempt(channel=["call"]), None, debtors)


def test_an_unknown_outcome_in_a_pyarrow_string_column_names_the_value() -> None:
    history = pd.DataFrame(
        {
            "debtor_id": [1],
            "at": pd.to_datetime(["2025-06-09T02:00:00Z"], utc=True),
            "outcome": pd.Series(["hung_up_angrily"], dtype="string[pyarrow]"),
        }
    )
    with pytest.raises(InputError, match="hung_up_angrily"):
        check_batch(_one_attempt(channel=["call"]), history)


def test_naive_attempt_times_are_refused() -> None:
    attempts = _one_attempt(channel=["call"])
    attempts["at"] = attempts["at"].dt.tz_localize(None)
    with pytest.raises(InputError, match="aware"):
        check_batch(attempts)
