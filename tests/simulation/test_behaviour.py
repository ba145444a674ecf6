"""The behaviour model on the paper ledger: deterministic, calibrated in range, shocks bite."""

from __future__ import annotations

import datetime as dt

import hypothesis.strategies as st
import numpy as np
from hypothesis import given, settings

from fairdebt.ledger.schedules import add_months
from fairdebt.simulation.behaviour import MAX_TERM, NO_DUE, annuity_schedule, due_days
from fairdebt.simulation.collections import SimCollections
from fairdebt.simulation.paper import PaperLedger, paper_metrics
from fairdebt.simulation.portfolio import make_portfolio, run_days
from fairdebt.simulation.scenarios import plan_scenario
from fairdebt.strategy.catalogue import load_catalogue
from fairdebt.strategy.champion import Champion

START = dt.date(2025, 1, 1)


def _paper_run(  # type: ignore[no-untyped-def]
    seed: int, n: int = 3000, months: int = 12, scenario: str | None = None, collect: bool = False
):
    """A paper run; ``collect`` has the champion collect (else nobody is ever contacted)."""
    rng = np.random.Generator(np.random.PCG64(seed))
    plan = plan_scenario(scenario, start_on=START, months=months, province="广东", province_index=0)
    portfolio = make_portfolio(
        rng, borrowers=n, months=months, start_on=START, plan=plan, seed=seed
    )
    loop = None
    if collect:
        loop = SimCollections(portfolio, policy=Champion(), catalogue=load_catalogue(screen=False))
    run_days(portfolio, PaperLedger(START), collections=loop)
    return portfolio


@given(
    st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.sampled_from([3, 6, 12]),
)
def test_paper_due_dates_are_the_ledger_schedule_dates(disbursed: dt.date, term: int) -> None:
    days = due_days(np.array([disbursed], dtype="M8[D]"), np.array([term]))[0]
    expected = [add_months(disbursed, k) for k in range(1, term + 1)]
    assert days[:term].astype("M8[D]").astype(object).tolist() == expected


@given(st.floats(500, 50_000), st.sampled_from([0.12, 0.18, 0.24]), st.sampled_from([3, 6, 12]))
def test_annuity_principal_parts_sum_to_the_principal(
    principal: float, apr: float, term: int
) -> None:
    parts = annuity_schedule(np.array([principal]), np.array([apr]), np.array([term]))[0]
    assert abs(parts.sum() - principal) < 1e-6 * principal
    assert np.all(np.diff(parts[:term]) >= 0)  # principal parts grow in an annuity


def test_the_same_seed_gives_the_same_book() -> None:
    a, b = _paper_run(11, n=500, months=4), _paper_run(11, n=500, months=4)
    assert a.book.n == b.book.n
    assert np.array_equal(a.book.paid_on[: a.book.n], b.book.paid_on[: b.book.n])


def test_under_the_champion_default_parameters_land_near_the_chinese_calibration_targets() -> None:
    metrics = paper_metrics(_paper_run(5, n=2500, collect=True).book, 365)
    assert 0.03 < metrics["day1_delinquency"] < 0.065
    assert 0.75 < metrics["collected_30d"] < 0.95
    assert 0.005 < metrics["share_90_plus"] < 0.04
    assert 5000 < metrics["avg_loan"] < 9000
    assert 7.5 < metrics["weighted_tenor"] < 9.5


def test_hidden_distress_makes_long_loans_default_early_in_their_life() -> None:
    book = _paper_run(6).book
    n = book.n
    late = book.max_dpd[:n] > 30
    term = book.term[:n]
    # Without collection everyone's late share is higher; distress still doubles it on 12 months.
    assert late[term == 12].mean() > 1.6 * late[term == 3].mean()
    first_missed = np.argmax(book.paid_on[:n] > book.due[:n], axis=1)[late]
    assert np.mean(first_missed <= 2) > 0.6  # mostly within the first three dues


def test_a_macro_shock_raises_misses_after_its_date_only() -> None:
    base = _paper_run(8, n=2000, months=6)
    shocked = _paper_run(8, n=2000, months=6, scenario="macro_shock")
    start = shocked.plan.from_day

    def miss_rate(p, after: bool) -> float:  # type: ignore[no-untyped-def]
        book = p.book
        due = book.due[: book.n]
        window = (due >= start) & (due < 181) if after else due < start
        current = book.fell_current[: book.n] & window
        return float((book.entered[: book.n] & window).sum() / max(current.sum(), 1))

    assert miss_rate(shocked, after=False) == miss_rate(base, after=False)
    assert miss_rate(shocked, after=True) > 1.5 * miss_rate(base, after=True)


def _late_share(portfolio, loans: np.ndarray, from_day: int, to_day: int) -> float:  # type: ignore[no-untyped-def]
    """Share of dues falling in [from_day, to_day) on current loans that were missed."""
    book = portfolio.book
    due = book.due[loans]
    window = (due >= from_day) & (due < to_day)
    current = (book.fell_current[loans] & window).sum()
    return float((book.entered[loans] & window).sum() / max(current, 1))


def test_a_province_shock_raises_misses_in_that_province_only() -> None:
    shocked = _paper_run(9, n=4000, months=4, scenario="province_shock")
    book, start = shocked.book, shocked.plan.from_day
    loans = np.arange(book.n)
    inside = shocked.population.province_index[book.borrower[loans]] == 0
    assert _late_share(shocked, loans[inside], start, 120) > 2 * _late_share(
        shocked, loans[~inside], start, 120
    )
    assert _late_share(shocked, loans[inside], 0, start) < 1.5 * _late_share(
        shocked, loans[~inside], 0, start
    )


def test_a_bad_vintage_surges_and_then_misses_more() -> None:
    shocked = _paper_run(10, n=4000, months=6, scenario="bad_vintage")
    book = shocked.book
    loans = np.arange(book.n)
    first = shocked.month_first_day
    surge_months = shocked.plan.surge_months
    month = np.searchsorted(first, book.disbursed[loans], side="right") - 1
    in_surge = np.isin(month, surge_months)
    per_month = np.bincount(month, minlength=6)
    assert per_month[surge_months[0]] > 1.5 * per_month[surge_months[-1] + 1]
    assert _late_share(shocked, loans[in_surge], 0, 182) > 1.3 * _late_share(
        shocked, loans[~in_surge], 0, 182
    )


def test_a_longer_grace_adds_late_payers_who_pay_inside_the_grace() -> None:
    shocked = _paper_run(12, n=4000, months=4, scenario="policy_change")
    book, start = shocked.book, shocked.plan.from_day
    loans = np.arange(book.n)
    graced = book.grace[loans] == 3
    assert graced.any() and np.all(book.disbursed[loans[graced]] >= start)
    assert _late_share(shocked, loans[graced], 0, 120) > _late_share(
        shocked, loans[~graced & (book.disbursed[loans] >= start - 60)], start, 120
    )
    late = book.entered[loans[graced]]
    paid_late_by = (book.paid_on[loans[graced]] - book.due[loans[graced]])[late]
    assert np.mean(paid_late_by <= 3) > 0.5


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([None, "macro_shock", "bad_vintage"]))
def test_the_mirror_pays_dues_in_order_and_never_beyond_the_term(
    seed: int, scenario: str | None
) -> None:
    book = _paper_run(seed, n=150, months=3, scenario=scenario).book
    n = book.n
    paid_on = book.paid_on[:n]
    assert np.all(book.paid[:n] <= book.term[:n])
    # Dues are settled oldest first: settlement days never go down along a schedule.
    assert np.all(np.diff(paid_on, axis=1)[:, : MAX_TERM - 1] >= 0)
    # A due counts as a day-1 delinquency only if it fell on a current loan.
    assert not np.any(book.entered[:n] & ~book.fell_current[:n])
    settled = paid_on < NO_DUE
    assert np.all(paid_on[settled] >= book.disbursed[:n, None].repeat(MAX_TERM, 1)[settled])
