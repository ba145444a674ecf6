"""The KPI's change point: dated on the rise, not on the fall after a surge."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from fairdebt.explain.changes import detect_change

DAYS = pd.Series(pd.date_range("2025-02-01", periods=140, freq="D"))


def _surge_then_fall() -> pd.Series:
    # 4 % for 6 weeks, 7.5 % for 5 weeks, then 3 % for 9 weeks: the fall is the larger move,
    # and the level after the rise (the surge and what followed) is still above the one before.
    rate = np.r_[np.full(42, 0.04), np.full(35, 0.075), np.full(63, 0.03)]
    return pd.Series(rate * 1000.0)


def test_a_rise_followed_by_a_larger_fall_is_dated_by_the_rise_when_asked_for_upward() -> None:
    change = detect_change(DAYS, _surge_then_fall(), pd.Series(np.full(140, 1000.0)), upward=True)
    assert change is not None
    assert abs((change.on - dt.date(2025, 3, 15)).days) <= 7
    assert change.after > change.before


def test_without_upward_the_same_series_is_dated_by_its_larger_fall() -> None:
    change = detect_change(DAYS, _surge_then_fall(), pd.Series(np.full(140, 1000.0)))
    assert change is not None
    assert abs((change.on - dt.date(2025, 4, 19)).days) <= 7
    assert change.after < change.before


def test_a_series_that_only_fell_keeps_its_fall_when_asked_for_upward() -> None:
    rate = np.r_[np.full(70, 0.05), np.full(70, 0.02)]
    change = detect_change(
        DAYS, pd.Series(rate * 1000.0), pd.Series(np.full(140, 1000.0)), upward=True
    )
    assert change is not None
    assert abs((change.on - dt.date(2025, 4, 12)).days) <= 7
    assert change.after < change.before
