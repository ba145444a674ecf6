"""The collection loop on a real ledger: contacts are facts the gate reads, every day recorded."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from fairdebt import audit
from fairdebt.cli import app
from fairdebt.contacts import gate_facts
from fairdebt.db import make_engine, make_session, upgrade
from fairdebt.models import Borrower, ContactEvent, Decision, Promise
from fairdebt.simulation import simulate
from fairdebt.strategy.reading import read_state

START = dt.date(2025, 1, 1)
POSTGRES_URL = os.environ.get("FAIRDEBT_TEST_POSTGRES_URL")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """A two-month simulated book with the champion collecting, once per backend."""
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('loop')}/book.db"
    else:
        assert POSTGRES_URL
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{POSTGRES_URL}{'&' if '?' in POSTGRES_URL else '?'}options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade(engine)
    result = simulate(engine, borrowers=500, months=2, seed=5, start_on=START)
    yield url, engine, result
    engine.dispose()
    if schema is not None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_every_contact_carries_out_a_recorded_decision_that_the_gate_allowed(book) -> None:
    _, engine, _ = book
    with make_session(engine) as session:
        contacts = session.execute(
            select(
                ContactEvent.decision_id,
                ContactEvent.action,
                ContactEvent.gate_allowed,
                Decision.action,
                Decision.status,
            ).join(Decision, Decision.id == ContactEvent.decision_id)
        ).all()
        loose = session.scalar(
            select(func.count()).select_from(ContactEvent).where(ContactEvent.decision_id.is_(None))
        )
    assert contacts and loose == 0
    for _, contact_action, allowed, decided, status in contacts:
        assert allowed and status == "done" and contact_action == decided


def test_every_eligible_account_has_one_decision_a_day_none_included(book) -> None:
    _, engine, _ = book
    with make_session(engine) as session:
        per_day = session.execute(
            select(
                Decision.business_date, func.count(), func.count(Decision.loan_id.distinct())
            ).group_by(Decision.business_date)
        ).all()
        actions = set(session.scalars(select(Decision.action).distinct()))
    assert len(per_day) >= 25  # from three days before the first dues, a month in
    assert all(total == loans for _, total, loans in per_day)
    assert "none" in actions and "app_push" in actions


def test_promises_and_their_conversations_are_linked_and_settled_by_the_ledger(book) -> None:
    _, engine, _ = book
    with make_session(engine) as session:
        rows = session.execute(select(Promise.status, Promise.contact_event_id)).all()
    assert rows, "two months of agent calls make some promises"
    assert all(contact is not None for _, contact in rows)
    assert {status for status, _ in rows} & {"kept", "broken", "partly_kept"}


def test_the_audit_chain_holds_every_plan_and_contact(book) -> None:
    _, engine, _ = book
    with make_session(engine) as session:
        result = audit.verify(session)
        actions = set(session.scalars(text("SELECT DISTINCT action FROM audit_entry")))
    assert result.ok
    assert {"plan.recorded", "contact.recorded", "plan.done", "collector.added"} <= actions


def test_the_state_read_from_the_database_equals_the_simulators_own(book) -> None:
    _, engine, result = book
    loop = result.collections
    day = (result.end_on - START).days + 1
    mirror = loop.state(day)
    with make_session(engine) as session:
        stored = read_state(session, business_date=result.end_on + dt.timedelta(days=1))
    ledger = loop.sink.ledger  # mirror indices -> database ids
    mirror = mirror.assign(loan_id=ledger.loan_id[mirror["loan_id"].to_numpy()])
    merged = stored.merge(mirror, on="loan_id", suffixes=("_db", "_sim"))
    assert len(merged) == len(stored) == len(mirror)
    for column in (
        "stage",
        "dpd",
        "worst_dpd_90",
        "payments_90",
        "days_since_payment",
        "months_on_book",
        "contacts_7",
        "reached_7",
        "days_since_rpc",
        "is_placed",
    ):
        assert (merged[f"{column}_db"] == merged[f"{column}_sim"]).all(), column
    # Amounts: the mirror estimates every instalment as an annuity's and leaves penalties out
    # (等额本金 loans and late loans differ); the ledger's figure is exact.
    share = (merged["amount_due_db"] - merged["amount_due_sim"]).abs() / merged["amount_due_sim"]
    assert share.median() < 0.01 and (share < 0.25).all()


def test_the_gate_reads_the_ledger_for_every_actor(book) -> None:
    _, engine, result = book
    at = dt.datetime.combine(result.end_on, dt.time(23), tzinfo=dt.UTC)
    with make_session(engine) as session:
        ids = session.scalars(select(ContactEvent.borrower_id).distinct().limit(50)).all()
        tables = gate_facts(session, ids, at=at)
    assert set(tables.history["debtor_id"]) <= set(ids)
    assert set(tables.history["by"]) <= {"lender", "agency:yixin-agency"}
    assert (tables.debtors["timezone"].notna()).all()


def test_a_compliance_check_line_may_name_the_borrower_and_the_gate_fills_in_the_rest(
    book, tmp_path: Path
) -> None:
    url, engine, result = book
    with make_session(engine) as session:
        borrower = session.scalar(
            select(Borrower.external_id)
            .join(ContactEvent, ContactEvent.borrower_id == Borrower.id)
            .where(ContactEvent.channel == "call")
            .limit(1)
        )
    day = result.end_on.isoformat()
    lines = [
        {"id": key, "borrower": who, "attempt": {"at": f"{day}T{hour}+08:00", "channel": "call"}}
        for key, who, hour in (
            ("day", borrower, "12:00:00"),
            ("night", borrower, "23:00:00"),
            ("nobody", "NOBODY", "12:00:00"),
        )
    ]
    path = tmp_path / "lines.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines), "utf-8")
    out = CliRunner().invoke(app, ["compliance", "check", str(path), "--database", url])
    answers = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    by_id = {a["id"]: a for a in answers}
    assert by_id["night"]["allowed"] is False
    assert by_id["night"]["reasons"][0]["rule"] == "cn.hours.quiet"
    assert "no borrower has external id" in by_id["nobody"]["error"]


def test_strategy_plan_records_the_next_day_and_ends_with_one_json_line(
    book, tmp_path: Path
) -> None:
    url, _, result = book
    day = (result.end_on + dt.timedelta(days=1)).isoformat()
    out_file = tmp_path / "plan.csv"
    run = CliRunner().invoke(
        app, ["strategy", "plan", "--date", day, "--database", url, "--out", str(out_file)]
    )
    assert run.exit_code == 0, run.output
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["date"] == day and summary["decisions"] > 0
    assert out_file.read_text("utf-8").startswith("decision_id,")
    again = CliRunner().invoke(app, ["strategy", "plan", "--date", day, "--database", url])
    assert again.exit_code != 0 and "already recorded" in again.output


@pytest.fixture(scope="module")
def uplift_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uplift model learned by ``strategy learn`` from a small simulated log."""
    path = tmp_path_factory.mktemp("model") / "uplift.json"
    run = CliRunner().invoke(
        app,
        [
            "strategy",
            "learn",
            "--out",
            str(path),
            "--borrowers",
            "600",
            "--days",
            "60",
            "--seeds",
            "7",
            "--exploration",
            "0.3",
            "--horizon",
            "7",
        ],
    )
    assert run.exit_code == 0, run.output
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["by_arm"]["explore"] > 0 and "none" in summary["rows_by_action"]
    return path


def test_strategy_evaluate_compares_champion_optimised_and_none_in_issue_9s_shape(
    uplift_model: Path,
) -> None:
    run = CliRunner().invoke(
        app,
        [
            "strategy",
            "evaluate",
            "--borrowers",
            "300",
            "--days",
            "40",
            "--seeds",
            "3",
            "--arms",
            "champion,optimised,none",
            "--model",
            str(uplift_model),
        ],
    )
    assert run.exit_code == 0, run.output
    arms = json.loads(run.stdout.strip().splitlines()[-1])["arms"]
    assert set(arms) == {"champion", "optimised", "none"}
    for figures in arms.values():
        assert {"recovered", "contact_cost", "net_recovery", "contacts", "complaints"} <= set(
            figures
        )
        assert figures["violations"] == 0
    assert arms["none"]["contacts"] == 0


def test_strategy_plan_with_the_optimised_policy_reports_its_gap_to_the_lp_bound(
    book, uplift_model: Path
) -> None:
    url, _, result = book
    day = (result.end_on + dt.timedelta(days=2)).isoformat()
    run = CliRunner().invoke(
        app,
        [
            "strategy",
            "plan",
            "--date",
            day,
            "--database",
            url,
            "--policy",
            "optimised",
            "--model",
            str(uplift_model),
            "--lam",
            "2",
        ],
    )
    assert run.exit_code == 0, run.output
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["policy"] == "optimised" and summary["decisions"] > 0
    assert 0 <= summary["lp"]["gap"] < 0.01 and summary["lp"]["lam"] == 2


def test_strategy_ope_prints_ips_and_dr_estimates_with_intervals(book, uplift_model: Path) -> None:
    url, _, result = book
    first = (START + dt.timedelta(days=20)).isoformat()
    last = (result.end_on - dt.timedelta(days=10)).isoformat()
    run = CliRunner().invoke(
        app,
        [
            "strategy",
            "ope",
            "--policy",
            "champion",
            "--from",
            first,
            "--to",
            last,
            "--database",
            url,
            "--model",
            str(uplift_model),
            "--horizon",
            "7",
        ],
    )
    assert run.exit_code == 0, run.output
    estimates = json.loads(run.stdout.strip().splitlines()[-1])["estimates"]
    for method in ("ips", "dr"):
        low, high = estimates[method]["ci95"]
        assert low <= estimates[method]["value"] <= high
        assert estimates[method]["matched"] > 0
    missing = CliRunner().invoke(
        app,
        [
            "strategy",
            "ope",
            "--policy",
            "optimised",
            "--from",
            first,
            "--to",
            last,
            "--database",
            url,
        ],
    )
    assert missing.exit_code == 2 and "--model" in missing.output


@pytest.fixture(scope="module")
def regime_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A regime model learned by ``strategy learn --regime-share 1`` from a small log."""
    path = tmp_path_factory.mktemp("model") / "regime.json"
    run = CliRunner().invoke(
        app,
        [
            *("strategy", "learn", "--out", str(path), "--borrowers", "600", "--days", "60"),
            *("--seeds", "7", "--regime-share", "1"),
        ],
    )
    assert run.exit_code == 0, run.output
    return path


def test_strategy_plan_and_ope_run_the_regime_policy_when_the_model_is_a_regime_model(
    book, regime_model: Path
) -> None:
    url, _, result = book
    day = (result.end_on + dt.timedelta(days=3)).isoformat()
    plan = ["strategy", "plan", "--date", day, "--database", url, "--policy", "optimised"]
    run = CliRunner().invoke(app, [*plan, "--model", str(regime_model)])
    assert run.exit_code == 0, run.output
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    assert summary["policy"] == "optimised" and summary["decisions"] > 0 and "lp" not in summary
    first = (START + dt.timedelta(days=20)).isoformat()
    last = (result.end_on - dt.timedelta(days=10)).isoformat()
    run = CliRunner().invoke(
        app,
        [
            *("strategy", "ope", "--policy", "optimised", "--from", first, "--to", last),
            *("--database", url, "--model", str(regime_model), "--horizon", "7"),
        ],
    )
    assert run.exit_code == 0, run.output
    estimates = json.loads(run.stdout.strip().splitlines()[-1])["estimates"]
    assert set(estimates) == {"ips"} and estimates["ips"]["matched"] > 0
