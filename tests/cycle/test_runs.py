"""Closing business dates: rows written once, reruns identical, dates only move forward."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from fairdebt import cycle
from fairdebt.cycle import runs
from fairdebt.errors import ConflictError, InputError
from fairdebt.models import AuditEntry, CycleRun, LoanDay

AT = dt.datetime(2024, 7, 1, 18, 0, tzinfo=dt.UTC)
D = dt.date


def test_a_run_writes_one_row_per_live_loan_its_cycle_run_and_an_audit_entry(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    result = cycle.run(engine, business_date=D(2024, 3, 1), at=AT, actor="ops")
    # The two restructured loans keep the 15 days they carried into their plans (M1).
    assert result.loan_count == 10
    assert result.bucket_counts == {"M0": 3, "M1": 6, "M7+": 1}
    assert result.class_counts == {"loss": 1, "normal": 3, "special_mention": 6}
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(LoanDay)).scalar_one() == 10
        run = connection.execute(select(CycleRun)).one()
        entry = connection.execute(select(AuditEntry).where(AuditEntry.action == "cycle.ran")).one()
    assert (run.engine, run.bucket_scheme, run.loan_count) == ("duckdb", "default", 10)
    assert (entry.actor, entry.entity_id) == ("ops", "2024-03-01")
    assert json.loads(entry.data)["buckets"] == {"M0": 3, "M1": 6, "M7+": 1}
    assert json.loads(entry.data)["classes"] == result.class_counts
    assert cycle.last_run_date(engine) == D(2024, 3, 1)


def test_a_rerun_is_identical_on_either_engine_and_never_duplicates_rows(
    engine: Engine, portfolio: dict[str, int], stored_rows: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "CHUNK_DAYS", 25)
    seen: list[tuple[int, int]] = []
    results = cycle.run_range(
        engine,
        start=D(2024, 1, 25),
        end=D(2024, 3, 5),
        at=AT,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert len(results) == 41 and seen == [(25, 41), (41, 41)]
    first = stored_rows(engine)
    assert len(first) == sum(r.loan_count for r in results)
    cycle.run(engine, business_date=D(2024, 2, 20), rerun=True, compute="native", at=AT)
    assert stored_rows(engine) == first
    cycle.run_range(
        engine, start=D(2024, 2, 15), end=D(2024, 2, 24), rerun=True, compute="native", at=AT
    )
    assert stored_rows(engine) == first
    with engine.connect() as connection:
        runs_written = connection.execute(select(func.count()).select_from(CycleRun))
        assert runs_written.scalar_one() == 41


def test_a_business_date_on_or_before_the_last_run_is_refused_without_rerun(
    engine: Engine, portfolio: dict[str, int]
) -> None:
    cycle.run(engine, business_date=D(2024, 3, 1), at=AT)
    with pytest.raises(ConflictError, match=r"2024-02-01 is earlier than the last run \(2024-03"):
        cycle.run(engine, business_date=D(2024, 2, 1), at=AT)
    with pytest.raises(ConflictError, match="already been closed; pass --rerun"):
        cycle.run(engine, business_date=D(2024, 3, 1), at=AT)
    with pytest.raises(InputError, match="must not end before it starts"):
        cycle.run_range(engine, start=D(2024, 4, 2), end=D(2024, 4, 1), at=AT)
    cycle.run(engine, business_date=D(2024, 2, 1), at=AT, rerun=True)
    assert cycle.last_run_date(engine) == D(2024, 3, 1)
