"""Roll rates, KPIs, vintages and exports read back from closed dates."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from fairdebt import cycle
from fairdebt.cycle import reports
from fairdebt.errors import InputError

AT = dt.datetime(2024, 7, 1, 18, 0, tzinfo=dt.UTC)
D = dt.date


@pytest.fixture(scope="module")
def closed(portfolio_db: tuple[Engine, dict[str, int]]) -> tuple[Engine, dict[str, int]]:
    """The story portfolio with 2024-01-25 .. 2024-03-31 closed."""
    engine, loans = portfolio_db
    cycle.run_range(engine, start=D(2024, 1, 25), end=D(2024, 3, 31), at=AT)
    return engine, loans


@pytest.mark.parametrize("by", ["count", "balance"])
def test_roll_rate_rows_sum_to_one_and_closed_loans_roll_to_closed(
    closed: tuple[Engine, dict[str, int]], by: Any
) -> None:
    matrix = cycle.roll_rates(closed[0], from_date=D(2024, 1, 25), to_date=D(2024, 2, 25), by=by)
    assert list(matrix.columns) == [*cycle.DEFAULT_SCHEME.names, "closed"]
    assert list(matrix.index) == ["M0", "M7+"]
    assert matrix.sum(axis=1).round(12).tolist() == [1.0, 1.0]
    assert matrix.loc["M0", "closed"] > 0  # the loan paid off on 2024-01-30
    assert matrix.loc["M7+", "M7+"] == 1.0


def test_roll_rates_need_closed_dates_in_order(closed: tuple[Engine, dict[str, int]]) -> None:
    with pytest.raises(InputError, match="2024-01-01 has not been closed"):
        cycle.roll_rates(closed[0], from_date=D(2024, 1, 1), to_date=D(2024, 2, 1))
    with pytest.raises(InputError, match="to_date must be after from_date"):
        cycle.roll_rates(closed[0], from_date=D(2024, 2, 1), to_date=D(2024, 2, 1))


def test_kpis_follow_their_definitions_on_the_story_portfolio(
    closed: tuple[Engine, dict[str, int]],
) -> None:
    k = cycle.kpis(closed[0], business_date=D(2024, 3, 15))
    assert k["loans"] == 10 and k["principal_outstanding"] == 10000.0
    assert k["dpd1_count_rate"] == pytest.approx(8 / 10)
    assert k["dpd30_count_rate"] == pytest.approx(4 / 10)
    assert k["dpd90_count_rate"] == 0.0
    assert k["class_normal_count_share"] == pytest.approx(2 / 10)
    assert k["class_special_mention_balance_share"] == pytest.approx(8400 / 10000)
    assert k["npl_balance_rate"] == 0.0
    assert k["fpd30"] == pytest.approx(4 / 8)
    # Dues of 2024-03-10 on current loans: on time 400, late 400 + 400 (closed_early paid off
    # in January: nothing falls due on it; loans already late do not enter collection again).
    assert k["day1_delinquency_rate"] == pytest.approx(800 / 1200)
    # The 2024-02-10 dues late at the end of that day (6 × 400): 400 paid 2024-02-12 and 400
    # on 2024-03-01, within 30 days; a restructure is not collection.
    assert k["collection_rate_30d"] == pytest.approx(800 / 2400)
    assert math.isnan(k["m3_recovery"])  # no loan seen to reach 61 dpd by then


def test_a_last_due_paid_on_its_due_date_counts_as_on_time_in_day1_delinquency(
    engine: Engine, factories: Any
) -> None:
    # The loan that pays its last due on the due date closes that day; the due still fell on
    # a live loan and was paid on time, so it belongs to the denominator of 入催率.
    with engine.begin() as connection:
        f = factories.LedgerFactory(connection)
        plain = f.product()
        paid = f.loan(product_id=plain, disbursed_on=D(2024, 1, 10), term=1)
        f.pay_in_full(f.installments[paid][0], on=D(2024, 2, 10))
        f.close(paid, on=D(2024, 2, 10))
        f.loan(product_id=plain, disbursed_on=D(2024, 1, 10), term=1)
    cycle.run_range(engine, start=D(2024, 2, 8), end=D(2024, 2, 12), at=AT)
    k = cycle.kpis(engine, business_date=D(2024, 2, 12), window_days=5)
    assert k["day1_delinquency_rate"] == pytest.approx(1200 / 2400)


def test_vintage_curves_are_shares_by_months_on_book(
    closed: tuple[Engine, dict[str, int]],
) -> None:
    curves = cycle.vintage_curves(closed[0])
    assert list(curves.index) == ["2023-06", "2024-01", "2024-03"]
    assert curves.loc["2023-06", 7] == 1.0  # the charged-off loan, whole principal late
    assert curves.loc["2024-01", 0] == 0.0
    assert 0 < curves.loc["2024-01", 2] < 1
    assert math.isnan(curves.loc["2024-03", 1])  # not yet on book
    counts = cycle.vintage_curves(closed[0], metric="dpd30_count_share")
    assert counts.loc["2023-06", 7] == 1.0
    with pytest.raises(InputError, match="vintage metric must be one of"):
        cycle.vintage_curves(closed[0], metric="fpd")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_export_writes_loan_days_and_roll_rates(
    closed: tuple[Engine, dict[str, int]], tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"days{suffix}"
    written = cycle.export(
        closed[0], what="loan_day", out=out, start=D(2024, 3, 1), end=D(2024, 3, 2)
    )
    table = pacsv.read_csv(out) if suffix == ".csv" else pq.read_table(out)
    assert written == table.num_rows == 20
    if suffix == ".parquet":
        assert table.schema.field("principal_outstanding").type == pa.decimal128(18, 2)
    rolls = tmp_path / f"rolls{suffix}"
    cycle.export(closed[0], what="roll_rates", out=rolls, start=D(2024, 2, 1), end=D(2024, 3, 1))
    assert rolls.exists()
    with pytest.raises(InputError, match=r"must end in .csv or .parquet \(got days.xlsx\)"):
        cycle.export(closed[0], what="loan_day", out=tmp_path / "days.xlsx")


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["M0", "M1", "M2", "M7+"]),
            st.sampled_from(["M0", "M1", "M2", "M7+", "closed"]),
            st.integers(min_value=0, max_value=10**9),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_roll_rate_rows_always_sum_to_one(flows: list[tuple[str, str, int]]) -> None:
    frame = pd.DataFrame(flows, columns=["from_bucket", "to_bucket", "weight"])
    matrix = reports._matrix(frame, cycle.DEFAULT_SCHEME)
    assert ((matrix.sum(axis=1) - 1).abs() < 1e-9).all()
    assert (matrix >= 0).all().all()
