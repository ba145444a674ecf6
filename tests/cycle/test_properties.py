"""Invariants of the cycle over random ledgers: dpd >= 0, back to 0 exactly when arrears clear.

Random schedules, payments (some reversed) and holds are generated as Arrow tables and run
through the real expressions on DuckDB; every loan-day is checked against a plain-Python reading
of the definitions. The SQL is compiled once and rerun per example (compiling costs more than
running), which is sound because each example re-registers tables of the same names and types.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdebt.cycle import DEFAULT_SCHEME
from fairdebt.cycle.delinquency import EPOCH, day_number, loan_days_between, loan_days_on
from fairdebt.cycle.engines import Compute, open_arrow

BASE = day_number(dt.date(2024, 1, 1))
HORIZON = 150
CHECK_DAYS = (35, 64, 121)


@dataclass
class Story:
    """One random ledger in plain Python: what the expressions must agree with."""

    loans: list[dict[str, Any]] = field(default_factory=list)
    installments: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    holds: list[dict[str, Any]] = field(default_factory=list)


@st.composite
def stories(draw: st.DrawFn) -> Story:
    story = Story()
    for loan_id in range(1, draw(st.integers(1, 4)) + 1):
        disbursed = BASE + draw(st.integers(0, 20))
        grace = draw(st.sampled_from([0, 3]))
        story.loans.append({"id": loan_id, "disbursed": disbursed, "grace": grace})
        first = len(story.installments)
        for seq in range(draw(st.integers(1, 3))):
            story.installments.append(
                {
                    "id": len(story.installments) + 1,
                    "loan_id": loan_id,
                    "due": disbursed + 30 * (seq + 1),
                    "principal": draw(st.integers(1, 50_000)),
                    "interest": draw(st.integers(0, 5_000)),
                }
            )
        mine = story.installments[first:]
        paid: dict[tuple[int, str], int] = {}
        for _ in range(draw(st.integers(0, 6))):
            inst = draw(st.sampled_from(mine))
            component = draw(st.sampled_from(["principal", "interest"]))
            room = inst[component] - paid.get((inst["id"], component), 0)
            if room <= 0:
                continue
            amount = draw(st.integers(1, room))
            paid[(inst["id"], component)] = paid.get((inst["id"], component), 0) + amount
            on = disbursed + draw(st.integers(0, HORIZON))
            story.lines.append(
                {"inst": inst["id"], "component": component, "amount": amount, "on": on}
            )
            if draw(st.booleans()) and draw(st.booleans()):
                back = on + draw(st.integers(1, 20))
                story.lines.append(
                    {"inst": inst["id"], "component": component, "amount": -amount, "on": back}
                )
        if draw(st.booleans()):
            start = disbursed + draw(st.integers(0, HORIZON))
            story.holds.append(
                {"loan_id": loan_id, "start": start, "end": start + draw(st.integers(1, 40))}
            )
    return story


def _date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=day)


def tables(story: Story) -> dict[str, pa.Table]:
    date, money = pa.date32(), pa.float64()
    loans, insts = story.loans, story.installments
    return {
        "loan": pa.table(
            {
                "id": pa.array([x["id"] for x in loans], pa.int64()),
                "product_id": pa.array([x["id"] for x in loans], pa.int64()),
                "disbursed_on": pa.array([_date(x["disbursed"]) for x in loans], date),
                "closed_on": pa.array([None] * len(loans), date),
                "charged_off_on": pa.array([None] * len(loans), date),
                "principal_amount": pa.array([1.0] * len(loans), money),
            }
        ),
        "product": pa.table(
            {
                "id": pa.array([x["id"] for x in loans], pa.int64()),
                "grace_days": pa.array([x["grace"] for x in loans], pa.int64()),
            }
        ),
        "installment": pa.table(
            {
                "id": pa.array([x["id"] for x in insts], pa.int64()),
                "loan_id": pa.array([x["loan_id"] for x in insts], pa.int64()),
                "seq": pa.array([1] * len(insts), pa.int64()),
                "due_on": pa.array([_date(x["due"]) for x in insts], date),
                "principal_due": pa.array([x["principal"] / 100 for x in insts], money),
                "interest_due": pa.array([x["interest"] / 100 for x in insts], money),
                "fee_due": pa.array([0.0] * len(insts), money),
                "penalty_due": pa.array([0.0] * len(insts), money),
                "created_on": pa.array(
                    [_date(loans[x["loan_id"] - 1]["disbursed"]) for x in insts], date
                ),
                "superseded_on": pa.array([None] * len(insts), date),
                "repayment_plan_id": pa.array([None] * len(insts), pa.int64()),
            }
        ),
        "allocation_line": _lines(story.lines, "effective_on"),
        "accrual": _lines([], "accrued_on"),
        "waiver": _lines([], "waived_on"),
        "hold": pa.table(
            {
                "loan_id": pa.array([h["loan_id"] for h in story.holds], pa.int64()),
                "kind": pa.array(["dispute"] * len(story.holds), pa.string()),
                "started_on": pa.array([_date(h["start"]) for h in story.holds], pa.date32()),
                "ended_on": pa.array([_date(h["end"]) for h in story.holds], pa.date32()),
            }
        ),
        "repayment_plan": pa.table(
            {
                "id": pa.array([], pa.int64()),
                "loan_id": pa.array([], pa.int64()),
                "starts_on": pa.array([], pa.date32()),
                "carried_due_on": pa.array([], pa.date32()),
            }
        ),
    }


def _lines(lines: list[dict[str, Any]], date_column: str) -> pa.Table:
    return pa.table(
        {
            "installment_id": pa.array([x["inst"] for x in lines], pa.int64()),
            "component": pa.array([x["component"] for x in lines], pa.string()),
            "amount": pa.array([x["amount"] / 100 for x in lines], pa.float64()),
            date_column: pa.array([_date(x["on"]) for x in lines], pa.date32()),
        }
    )


def expected(story: Story, day: int, loan: dict[str, Any]) -> tuple[int, int, int]:
    """(dpd, delinquent_days, overdue cents) by the definitions, for one loan on one day."""
    overdue_dues, overdue_cents = [], 0
    for inst in (i for i in story.installments if i["loan_id"] == loan["id"]):
        left = {
            c: inst[c]
            - sum(
                x["amount"]
                for x in story.lines
                if x["inst"] == inst["id"] and x["component"] == c and x["on"] <= day
            )
            for c in ("principal", "interest")
        }
        if inst["due"] < day and any(v > 0 for v in left.values()):
            overdue_dues.append(inst["due"])
            overdue_cents += sum(left.values())
    if not overdue_dues:
        return 0, 0, 0
    oldest = min(overdue_dues)
    dpd = day - oldest
    held = sum(
        max(0, min(day + 1, h["end"]) - max(oldest + 1, h["start"]))
        for h in story.holds
        if h["loan_id"] == loan["id"]
    )
    return dpd, max(0, dpd - loan["grace"] - min(held, dpd)), overdue_cents


@cache
def _compiled() -> tuple[Compute, dict[str, str]]:
    seed = Story(
        loans=[{"id": 1, "disbursed": BASE, "grace": 0}],
        installments=[{"id": 1, "loan_id": 1, "due": BASE + 30, "principal": 100, "interest": 0}],
    )
    compute = open_arrow(tables(seed))
    spine = compute.spine(range(BASE, BASE + HORIZON + 60))
    queries = {
        "range": loan_days_between(
            compute.ledger, spine=spine, end_day=BASE + HORIZON + 59, scheme=DEFAULT_SCHEME
        )
    }
    for offset in CHECK_DAYS:
        queries[str(offset)] = loan_days_on(
            compute.ledger, business_date=_date(BASE + offset), scheme=DEFAULT_SCHEME
        )
    return compute, {name: str(compute.backend.compile(q)) for name, q in queries.items()}


def _run(story: Story, name: str) -> list[dict[str, Any]]:
    compute, sql = _compiled()
    for table_name, data in tables(story).items():
        compute.backend.con.register(table_name, data)
    rows: list[dict[str, Any]] = compute.backend.con.sql(sql[name]).to_arrow_table().to_pylist()
    return rows


def _check(story: Story, rows: list[dict[str, Any]]) -> None:
    loans = {loan["id"]: loan for loan in story.loans}
    for row in rows:
        overdue = sum(row[f"{c}_overdue"] for c in ("principal", "interest", "fee", "penalty"))
        assert row["dpd"] >= 0
        assert (row["dpd"] == 0) == (overdue == 0)
        assert (row["dpd"] == 0) == (row["overdue_since_day"] is None)
        assert row["bucket"] == DEFAULT_SCHEME.bucket_of(row["dpd"])
        loan = loans[row["loan_id"]]
        dpd, delinquent, cents = expected(story, row["business_day"], loan)
        assert (row["dpd"], row["delinquent_days"], overdue) == (dpd, delinquent, cents)


@settings(max_examples=15, deadline=None)
@given(stories())
def test_dpd_is_never_negative_and_is_zero_exactly_when_arrears_clear(story: Story) -> None:
    rows = _run(story, "range")
    live = sum(max(0, BASE + HORIZON + 60 - loan["disbursed"]) for loan in story.loans)
    assert len(rows) == live
    _check(story, rows)


@settings(max_examples=6, deadline=None)
@given(stories())
def test_one_date_alone_follows_the_same_definitions(story: Story) -> None:
    for offset in CHECK_DAYS:
        _check(story, _run(story, str(offset)))
