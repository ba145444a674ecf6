"""Restructured loans re-age only after qualifying payments; every loan-day carries its class.

Issue 10 found that a restructure put a 37-dpd loan in M0 the same day, with no flag. Here a
plan keeps the delinquency the loan carried into it until three dues of the plan in a row are
paid in full by their due dates, and the five-tier class (正常 … 损失) follows the dpd thresholds
and the restructured-asset observation period of the 2023 measures, on every backend and both
compute engines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from fairdebt.cycle.classification import CN_2023, RISK_CLASSES, ClassificationPack
from fairdebt.cycle.delinquency import EPOCH
from fairdebt.cycle.engines import computing
from fairdebt.cycle.runs import compute_loan_days
from fairdebt.db import make_engine, upgrade
from fairdebt.errors import ConfigurationError

D = dt.date
START = D(2024, 1, 10)  # first due 2024-02-10


def _plan_paid_on_due_dates(f: Any, loan_id: int, starts_on: dt.date, dues: int, late: Any) -> None:
    new = f.plan(loan_id, starts_on=starts_on, carried_due_on=D(2024, 2, 10), dues=dues)
    for seq, installment_id in enumerate(new, start=1):
        due_on = f.connection.execute(
            text("SELECT due_on FROM installment WHERE id = :id"), {"id": installment_id}
        ).scalar_one()
        due_on = due_on if isinstance(due_on, dt.date) else D.fromisoformat(due_on)
        f.pay_in_full(installment_id, on=due_on + dt.timedelta(days=late.get(seq, 0)))


def _stories(connection: Any, factories: ModuleType) -> dict[str, int]:
    f = factories.LedgerFactory(connection)
    product = f.product()
    loans: dict[str, int] = {}
    # 37 dpd on 2024-03-18 (2024-02-10 unpaid), restructured that day, every plan due on time.
    loans["at_37"] = f.loan(product_id=product, disbursed_on=START)
    _plan_paid_on_due_dates(f, loans["at_37"], D(2024, 3, 18), 3, {})
    # The same, but the plan's second due is paid ten days late.
    loans["slipped"] = f.loan(product_id=product, disbursed_on=START)
    _plan_paid_on_due_dates(f, loans["slipped"], D(2024, 3, 18), 5, {2: 10})
    # 100 dpd (substandard) when restructured on 2024-05-20, then every due on time.
    loans["at_100"] = f.loan(product_id=product, disbursed_on=START)
    _plan_paid_on_due_dates(f, loans["at_100"], D(2024, 5, 20), 3, {})
    # Never pays, never charged off: walks through every threshold.
    loans["never"] = f.loan(product_id=product, disbursed_on=D(2023, 1, 10))
    loans["charged_off"] = f.loan(product_id=product, disbursed_on=D(2023, 1, 10))
    f.charge_off(loans["charged_off"], on=D(2023, 4, 1))
    return loans


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def plans_db(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    factories: ModuleType,
) -> Iterator[tuple[Engine, dict[str, int]]]:
    from .conftest import _postgres_schema

    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('plans')}/plans.db", None
    else:
        url, drop = _postgres_schema()
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        loans = _stories(connection, factories)
    yield engine, loans
    engine.dispose()
    if drop is not None:
        drop()


def _rows(
    engine: Engine,
    start: dt.date,
    end: dt.date,
    *,
    compute: str = "duckdb",
    pack: ClassificationPack = CN_2023,
) -> dict[tuple[int, dt.date], dict[str, Any]]:
    with computing(engine, compute) as engine_in_use:
        rows = compute_loan_days(
            engine_in_use, start=start, end=end, classification=pack
        ).to_pylist()
    return {(r["loan_id"], EPOCH + dt.timedelta(days=r["business_day"])): r for r in rows}


@pytest.fixture(scope="module")
def spring(plans_db: tuple[Engine, dict[str, int]]) -> dict[tuple[int, dt.date], dict[str, Any]]:
    """Every row from 2024-03-17 to 2024-08-20, computed in one pass by DuckDB."""
    return _rows(plans_db[0], D(2024, 3, 17), D(2024, 8, 20))


def _seen(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["dpd"], row["bucket"], row["risk_class"], row["is_restructured"])


def test_a_37_dpd_loan_restructured_stays_in_m2_until_three_dues_are_paid_on_time(
    plans_db: tuple[Engine, dict[str, int]], spring: Any
) -> None:
    loan = plans_db[1]["at_37"]
    assert _seen(spring[(loan, D(2024, 3, 17))]) == (36, "M2", "special_mention", 0)
    assert _seen(spring[(loan, D(2024, 3, 18))]) == (37, "M2", "special_mention", 1)
    assert _seen(spring[(loan, D(2024, 5, 18))]) == (37, "M2", "special_mention", 1)
    assert _seen(spring[(loan, D(2024, 6, 17))]) == (37, "M2", "special_mention", 1)
    # Re-aged on the third due paid in full on its date; still under observation (关注).
    assert _seen(spring[(loan, D(2024, 6, 18))]) == (0, "M0", "special_mention", 1)
    assert spring[(loan, D(2024, 6, 18))]["overdue_since_day"] is None


def test_a_plan_due_paid_late_adds_its_days_and_restarts_the_run_and_the_observation(
    plans_db: tuple[Engine, dict[str, int]], spring: Any
) -> None:
    loan = plans_db[1]["slipped"]
    assert _seen(spring[(loan, D(2024, 5, 20))]) == (39, "M2", "special_mention", 1)
    assert _seen(spring[(loan, D(2024, 5, 28))]) == (37, "M2", "special_mention", 1)
    # The run of three starts after the late due: 06-18, 07-18, 08-18.
    assert spring[(loan, D(2024, 7, 18))]["dpd"] == 37
    assert _seen(spring[(loan, D(2024, 8, 18))]) == (0, "M0", "special_mention", 1)
    # Observation starts again from the late due (2024-05-18) and lasts 365 days.
    late = _rows(plans_db[0], D(2025, 5, 17), D(2025, 5, 17)) | _rows(
        plans_db[0], D(2025, 5, 18), D(2025, 5, 18)
    )
    assert _seen(late[(loan, D(2025, 5, 17))])[2:] == ("special_mention", 1)
    at_37 = plans_db[1]["at_37"]
    assert _seen(late[(at_37, D(2025, 5, 17))])[2:] == ("normal", 0)


def test_a_loan_restructured_while_substandard_is_not_upgraded_during_observation(
    plans_db: tuple[Engine, dict[str, int]], spring: Any
) -> None:
    loan = plans_db[1]["at_100"]
    assert _seen(spring[(loan, D(2024, 5, 19))]) == (99, "M4", "substandard", 0)
    assert _seen(spring[(loan, D(2024, 5, 20))]) == (100, "M4", "substandard", 1)
    assert _seen(spring[(loan, D(2024, 8, 20))]) == (0, "M0", "substandard", 1)
    # The first due of the plan was 2024-06-20: observation ends 365 days later.
    after = _rows(plans_db[0], D(2025, 6, 19), D(2025, 6, 20))
    assert after[(loan, D(2025, 6, 19))]["risk_class"] == "substandard"
    assert _seen(after[(loan, D(2025, 6, 20))]) == (0, "M0", "normal", 0)


@pytest.mark.parametrize(
    ("on", "dpd", "risk_class"),
    [
        (D(2023, 2, 10), 0, "normal"),
        (D(2023, 2, 11), 1, "special_mention"),
        (D(2023, 5, 11), 90, "special_mention"),
        (D(2023, 5, 12), 91, "substandard"),
        (D(2023, 11, 7), 270, "substandard"),
        (D(2023, 11, 8), 271, "doubtful"),
        (D(2024, 2, 5), 360, "doubtful"),
        (D(2024, 2, 6), 361, "loss"),
    ],
)
def test_classes_follow_the_dpd_thresholds_of_the_2023_measures(
    plans_db: tuple[Engine, dict[str, int]], on: dt.date, dpd: int, risk_class: str
) -> None:
    engine, loans = plans_db
    row = _rows(engine, on, on)[(loans["never"], on)]
    assert (row["dpd"], row["risk_class"]) == (dpd, risk_class)


def test_a_charged_off_loan_is_classed_loss(plans_db: tuple[Engine, dict[str, int]]) -> None:
    engine, loans = plans_db
    on = D(2023, 4, 1)
    row = _rows(engine, on, on)[(loans["charged_off"], on)]
    assert (row["status"], row["dpd"], row["risk_class"]) == ("charged_off", 50, "loss")


def test_the_number_of_qualifying_dues_before_re_ageing_is_a_pack_parameter(
    plans_db: tuple[Engine, dict[str, int]],
) -> None:
    engine, loans = plans_db
    pack = ClassificationPack("two", reage_after_dues=2)
    rows = _rows(engine, D(2024, 5, 18), D(2024, 5, 18), pack=pack)
    assert rows[(loans["at_37"], D(2024, 5, 18))]["dpd"] == 0


def test_both_engines_and_both_shapes_give_the_same_classes(
    plans_db: tuple[Engine, dict[str, int]], spring: Any
) -> None:
    engine, _ = plans_db
    native = _rows(engine, D(2024, 3, 17), D(2024, 8, 20), compute="native")
    assert native == spring
    for on in (D(2024, 5, 20), D(2024, 8, 18)):
        alone = _rows(engine, on, on)
        assert alone == {key: row for key, row in spring.items() if key[1] == on}


def test_a_pack_with_thresholds_out_of_order_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="must rise from special mention to loss"):
        ClassificationPack("bad", substandard_dpd=400)
    with pytest.raises(ConfigurationError, match="restructured_floor must be one of"):
        ClassificationPack("bad", restructured_floor="fine")


def test_every_row_s_class_is_the_pack_s_rule_applied_to_that_row(
    plans_db: tuple[Engine, dict[str, int]], spring: Any
) -> None:
    loans = plans_db[1]
    carried = {loans["at_37"]: 37, loans["slipped"]: 37, loans["at_100"]: 100}
    for (loan_id, _), row in spring.items():
        since = carried.get(loan_id) if row["is_restructured"] else None
        expected = CN_2023.class_of(
            row["dpd"], charged_off=row["status"] == "charged_off", restructured_since=since
        )
        assert row["risk_class"] == expected, row


@given(
    dpd=st.integers(min_value=0, max_value=2000),
    more=st.integers(min_value=0, max_value=400),
    since=st.none() | st.integers(min_value=0, max_value=2000),
)
def test_a_class_never_improves_as_days_past_due_grow_or_a_plan_is_observed(
    dpd: int, more: int, since: int | None
) -> None:
    rank = RISK_CLASSES.index
    plain = CN_2023.class_of(dpd)
    assert rank(CN_2023.class_of(dpd + more)) >= rank(plain)
    planned = CN_2023.class_of(dpd, restructured_since=since)
    assert rank(planned) >= rank(plain)
    if since is not None:
        assert rank(planned) >= rank("special_mention")
    assert CN_2023.class_of(dpd, charged_off=True, restructured_since=since) == "loss"
