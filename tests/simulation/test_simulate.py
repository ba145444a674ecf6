"""``simulate`` writes a seeded portfolio through the ledger verbs; scenarios record their truth."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select, text

from fairdebt.db import make_engine, make_session, upgrade
from fairdebt.errors import InputError
from fairdebt.models import (
    AllocationLine,
    Borrower,
    ContactMethod,
    Installment,
    Loan,
    Payment,
    Product,
    SimulationRun,
)
from fairdebt.simulation import SCENARIOS, SimulationResult, simulate
from fairdebt.simulation.behaviour import due_days

START = dt.date(2025, 1, 1)


def _engine(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def _dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    tables = inspect(engine).get_table_names()
    with engine.connect() as connection:
        return {
            name: connection.execute(text(f'SELECT * FROM "{name}" ORDER BY 1, 2')).all()
            for name in tables
            if name != "alembic_version"
        }


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, SimulationResult]]:
    engine = _engine(tmp_path_factory.mktemp("small") / "sim.db")
    result = simulate(engine, borrowers=150, months=3, seed=7, start_on=START, run_cycle=False)
    yield engine, result
    engine.dispose()


@pytest.fixture(scope="module", params=SCENARIOS)
def shocked(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, SimulationResult]]:
    engine = _engine(tmp_path_factory.mktemp(request.param) / "sim.db")
    result = simulate(
        engine,
        borrowers=120,
        months=3,
        seed=3,
        start_on=START,
        scenario=request.param,
        run_cycle=False,
    )
    yield engine, result
    engine.dispose()


def test_the_same_seed_writes_identical_ledger_tables(tmp_path: Path) -> None:
    dumps = []
    for name in ("a", "b"):
        engine = _engine(tmp_path / f"{name}.db")
        simulate(engine, borrowers=80, months=2, seed=42, start_on=START)
        dumps.append(_dump(engine))
        engine.dispose()
    assert dumps[0]["payment"], "the run posted no payments"
    assert dumps[0]["loan_day"], "the run closed no business dates"
    assert dumps[0] == dumps[1]


def test_payments_posted_equal_allocations_plus_prepaid_plus_credit(
    small: tuple[Engine, SimulationResult],
) -> None:
    engine, result = small
    with make_session(engine) as session:
        paid = session.scalar(select(func.sum(Payment.amount)))
        allocated = session.scalar(select(func.sum(AllocationLine.amount)))
        extra = session.scalar(select(func.sum(Payment.prepaid_amount + Payment.credit_amount)))
        count = session.scalar(select(func.count(Payment.id)))
    assert count == result.payments > 0
    assert Decimal(paid) == Decimal(allocated) + Decimal(extra)


def test_no_installment_is_paid_beyond_what_it_owes(small: tuple[Engine, SimulationResult]) -> None:
    engine, _ = small
    with make_session(engine) as session:
        worst = session.scalar(
            select(
                func.min(
                    Installment.principal_due
                    + Installment.interest_due
                    + Installment.fee_due
                    + Installment.penalty_due
                    - Installment.principal_paid
                    - Installment.interest_paid
                    - Installment.fee_paid
                    - Installment.penalty_paid
                )
            )
        )
    assert Decimal(worst) >= 0


def test_the_ledger_schedule_falls_on_the_simulators_due_dates(
    small: tuple[Engine, SimulationResult],
) -> None:
    engine, _ = small
    with make_session(engine) as session:
        rows = session.execute(
            select(Loan.disbursed_on, Loan.term_months, Installment.seq, Installment.due_on)
            .join(Installment, Installment.loan_id == Loan.id)
            .limit(400)
        ).all()
    for disbursed_on, term, seq, due_on in rows:
        import numpy as np

        mirror = due_days(np.array([disbursed_on], dtype="M8[D]"), np.array([term]))[0]
        assert mirror[seq - 1].astype("M8[D]").astype(object) == due_on


def test_borrowers_have_contacts_and_loans_stay_within_product_limits(
    small: tuple[Engine, SimulationResult],
) -> None:
    engine, result = small
    with make_session(engine) as session:
        assert session.scalar(select(func.count(Borrower.id))) == result.borrowers
        emergency = session.scalars(
            select(ContactMethod.relation).where(ContactMethod.owner == "emergency_contact")
        ).all()
        assert set(emergency) <= {"配偶", "父母", "兄弟姐妹", "朋友", "同事"}
        per_borrower = (
            session.execute(
                select(func.count(ContactMethod.id))
                .where(ContactMethod.owner == "emergency_contact")
                .group_by(ContactMethod.borrower_id)
            )
            .scalars()
            .all()
        )
        assert set(per_borrower) <= {1, 2}
        low, high = session.execute(
            select(func.min(Loan.principal_amount), func.max(Loan.principal_amount))
        ).one()
        rates = session.execute(
            select(func.min(Loan.annual_rate), func.max(Loan.annual_rate))
        ).one()
        terms = set(session.scalars(select(Loan.term_months).distinct()))
    assert Decimal(500) <= low and high <= Decimal(50_000)
    assert Decimal("0.12") <= rates[0] and rates[1] <= Decimal("0.24")
    assert terms <= {3, 6, 12}


def test_every_scenario_records_its_truth_and_shows_where_the_truth_says(
    shocked: tuple[Engine, SimulationResult],
) -> None:
    engine, result = shocked
    truth = result.truth
    assert truth["kind"] == result.scenario
    assert {"what", "where", "from_on", "magnitude"} <= set(truth)
    with make_session(engine) as session:
        stored = session.scalar(
            select(SimulationRun.truth).where(SimulationRun.id == result.run_id)
        )
    assert json.loads(stored) == json.loads(json.dumps(truth))
    start = dt.date.fromisoformat(truth["from_on"])
    month = func.substr(Loan.disbursed_on, 1, 7)
    with make_session(engine) as session:
        by_month = dict(session.execute(select(month, func.count(Loan.id)).group_by(month)).all())
        by_code = dict(
            session.execute(
                select(Product.code, func.min(Loan.disbursed_on))
                .join(Loan, Loan.product_id == Product.id)
                .group_by(Product.code)
            ).all()
        )
    if result.scenario == "bad_vintage":
        (surge,) = truth["where"]["vintages"]
        # Twice February's usual volume (a Spring Festival dip): more than March's.
        assert by_month[surge] > by_month["2025-03"]
        rate = truth["magnitude"]["expected_day1_miss_rate"]
        assert rate["surge_policy"] > 1.5 * rate["ordinary_policy"]
    elif result.scenario == "policy_change":
        graced = [code for code in truth["where"]["products"] if code in by_code]
        assert graced and min(by_code[code] for code in graced) >= start
        assert max(by_code[code] for code in truth["where"]["replacing"] if code in by_code) < start
    else:
        rate = truth["magnitude"]["expected_day1_miss_rate"]
        assert rate["with"] > 1.5 * rate["without"]
        if result.scenario == "province_shock":
            assert truth["where"] == {"scope": "province", "province": "广东"}


def test_an_unknown_scenario_is_refused_with_the_choices(tmp_path: Path) -> None:
    engine = _engine(tmp_path / "x.db")
    with pytest.raises(InputError, match="bad_vintage"):
        simulate(engine, borrowers=10, months=2, seed=1, start_on=START, scenario="meteor")


@pytest.mark.postgres
def test_a_small_run_balances_on_postgresql_too(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    upgrade(engine)
    result = simulate(engine, borrowers=60, months=2, seed=5, start_on=START)
    with make_session(engine) as session:
        paid = session.scalar(select(func.sum(Payment.amount)))
        allocated = session.scalar(select(func.sum(AllocationLine.amount)))
    assert result.payments > 0 and paid == allocated
    engine.dispose()
