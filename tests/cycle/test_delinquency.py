"""How late each loan is: dpd, delinquent days, overdue amounts and buckets, on every backend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

D = dt.date


def _day(rows: dict[Any, Any], loan: int, on: dt.date) -> dict[str, Any]:
    return rows[(loan, on)]


def test_a_loan_that_never_pays_is_days_past_due_since_its_first_due(
    portfolio_db: tuple[Engine, dict[str, int]], compute: str, story_days: Any
) -> None:
    portfolio, rows = portfolio_db[1], story_days[compute]
    loan = portfolio["never_pays"]
    assert _day(rows, loan, D(2024, 2, 10))["dpd"] == 0
    first_late = _day(rows, loan, D(2024, 2, 11))
    assert (first_late["dpd"], first_late["bucket"]) == (1, "M1")
    assert first_late["overdue_since_day"] == (D(2024, 2, 11) - D(1970, 1, 1)).days
    on = _day(rows, loan, D(2024, 3, 1))
    assert (on["dpd"], on["delinquent_days"], on["bucket"]) == (20, 20, "M1")
    assert (on["principal_overdue"], on["interest_overdue"], on["penalty_overdue"]) == (
        40000,
        1000,
        600,
    )
    assert on["principal_outstanding"] == 120000


def test_grace_days_reduce_delinquent_days_but_not_dpd_and_payment_cures(
    portfolio_db: tuple[Engine, dict[str, int]], compute: str, story_days: Any
) -> None:
    portfolio, rows = portfolio_db[1], story_days[compute]
    loan = portfolio["late_then_cures"]
    day = _day(rows, loan, D(2024, 2, 14))
    assert (day["dpd"], day["delinquent_days"]) == (4, 1)
    assert _day(rows, loan, D(2024, 2, 12))["delinquent_days"] == 0
    assert _day(rows, loan, D(2024, 2, 29))["dpd"] == 19
    cured = _day(rows, loan, D(2024, 3, 1))
    assert (cured["dpd"], cured["overdue_since_day"], cured["bucket"]) == (0, None, "M0")


def test_held_days_do_not_count_as_delinquent_days(
    portfolio_db: tuple[Engine, dict[str, int]], compute: str, story_days: Any
) -> None:
    portfolio, rows = portfolio_db[1], story_days[compute]
    loan = portfolio["held"]
    assert _day(rows, loan, D(2024, 2, 19))["is_held"] == 0
    on = _day(rows, loan, D(2024, 3, 1))
    assert (on["dpd"], on["delinquent_days"], on["is_held"]) == (20, 9, 1)
    after = _day(rows, loan, D(2024, 3, 10))  # hold ended 03-06 after 15 held days
    assert (after["dpd"], after["delinquent_days"], after["is_held"]) == (29, 14, 0)


def test_a_reversed_payment_makes_the_due_overdue_from_the_reversal(
    portfolio_db: tuple[Engine, dict[str, int]], compute: str, story_days: Any
) -> None:
    portfolio, rows = portfolio_db[1], story_days[compute]
    loan = portfolio["reversed"]
    assert _day(rows, loan, D(2024, 2, 21))["dpd"] == 0
    assert _day(rows, loan, D(2024, 2, 22))["dpd"] == 12


def test_a_waiver_clears_arrears_on_its_date_and_a_fee_alone_keeps_a_loan_late(
    portfolio_db: tuple[Engine, dict[str, int]], compute: str, story_days: Any
) -> None:
    portfolio, rows = portfolio_db[1], story_days[compute]
    waived = portfolio["waived"]
    assert _day(rows, waived, D(2024, 2, 18))["interest_overdue"] == 1000
    assert _day(rows, waived, D(2024, 2, 18))["dpd"] == 8
    assert _day(rows, waived, D(2024, 2, 19))["dpd"] == 0
    partial = _day(rows, portfolio["partial"], D(2024, 3, 1))
    assert (partial["dpd"], partial["fee_overdue"], partial["principal_overdue"]) == (20, 500, 0)


def test_charged_off_closed_restructured_and_undisbursed_loans(
    portfolio_db: tuple[Engine, dict[str, int]], compute: str, story_days: Any
) -> None:
    portfolio, rows = portfolio_db[1], story_days[compute]
    off = portfolio["charged_off"]
    before = _day(rows, off, D(2024, 1, 27))
    assert (before["status"], before["bucket"], before["dpd"]) == ("active", "M7+", 210)
    assert _day(rows, off, D(2024, 1, 28))["status"] == "charged_off"
    closed = portfolio["closed_early"]
    assert (closed, D(2024, 1, 29)) in rows
    assert (closed, D(2024, 1, 30)) not in rows
    moved = portfolio["restructured"]
    assert _day(rows, moved, D(2024, 2, 24))["dpd"] == 14
    # The plan does not cure the loan: it keeps its 15 days until it re-ages.
    planned = _day(rows, moved, D(2024, 2, 25))
    assert (planned["dpd"], planned["bucket"], planned["principal_outstanding"]) == (
        15,
        "M1",
        120000,
    )
    assert (planned["risk_class"], planned["is_restructured"]) == ("special_mention", 1)
    late = portfolio["late_disbursed"]
    assert (late, D(2024, 3, 9)) not in rows
    assert _day(rows, late, D(2024, 3, 10))["principal_outstanding"] == 120000


def test_a_range_in_one_pass_equals_each_date_alone(
    portfolio_db: tuple[Engine, dict[str, int]], compute: str, story_days: Any, days_of: Any
) -> None:
    whole = story_days[compute]
    for on in (D(2024, 2, 11), D(2024, 2, 25)):
        alone = days_of(portfolio_db[0], compute, on, on)
        assert alone == {key: row for key, row in whole.items() if key[1] == on}


def test_duckdb_and_the_database_itself_compute_identical_days(story_days: Any) -> None:
    assert len(story_days["duckdb"]) > 300
    assert story_days["duckdb"] == story_days["native"]
