"""The complaints process on every backend: intake, deadlines, the automatic hold the gate
obeys, links, assignment, closure, reopening and rates; and the ``fairdebt complaints`` CLI."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fairdebt.cli import app
from fairdebt.collectors import CollectorIn, add_collectors
from fairdebt.complaints import (
    assign_complaint,
    complaint_rates,
    extend_complaint,
    file_complaint,
    is_held,
    reopen_complaint,
    resolve_complaint,
)
from fairdebt.compliance.attempts import Attempt
from fairdebt.compliance.gate import check
from fairdebt.contacts import gate_case, record_contact_event
from fairdebt.errors import ConflictError, InputError, RuleViolation
from fairdebt.models import AuditEntry, Hold

from .conftest import ACTOR, LoanFactory, tx

BEIJING = dt.timezone(dt.timedelta(hours=8))
RECEIVED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)  # a Monday morning in Beijing
AGENCY = "agency:ACME"
FILE = ["complaints", "file", "--borrower", "B-1", "--category"]


def _agency_call(session: Session, borrower_id: int, loan_id: int) -> int:
    event = record_contact_event(
        session,
        borrower_id=borrower_id,
        loan_id=loan_id,
        at=RECEIVED - dt.timedelta(hours=1),
        direction="outbound",
        channel="call",
        recipient="debtor",
        outcome="answered",
        by=AGENCY,
        actor=ACTOR,
    )
    return int(event.id)


def _verdict(session: Session, borrower_id: int, at: dt.datetime, by: str) -> Any:
    history, debtor, consents = gate_case(session, borrower_id=borrower_id, at=at, by=by)
    attempt = Attempt(at=at, channel="call", by=by)
    return check(attempt, history, debtor, "cn", consents=consents)


def _complain(session: Session, borrower_id: int, **changes: Any) -> Any:
    values: dict[str, Any] = {
        "borrower_id": borrower_id,
        "loan_id": None,
        "received_at": RECEIVED,
        "channel": "call",
        "category": "debt_collection",
        "description": "催收员语气恶劣 / the caller was abusive",
        "actor": ACTOR,
    }
    values.update(changes)
    return file_complaint(session, **values)


def _collector(session: Session, code: str, agency: str | None = None) -> int:
    person = CollectorIn(
        code, code, "team-1", "agent_call", ("early",), dt.time(9), dt.time(18), 40, agency
    )
    return add_collectors(session, collectors=[person], actor=ACTOR, at=RECEIVED)[0]


def test_a_conduct_complaint_opens_a_hold_and_the_gate_then_refuses_that_agency(
    session: Session, borrower_id: int, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    later = RECEIVED + dt.timedelta(hours=2)
    with tx(session):
        event_id = _agency_call(session, borrower_id, loan.id)
        assert _verdict(session, borrower_id, later, AGENCY).allowed
        complaint = _complain(session, borrower_id, contact_event_id=event_id)
        assert is_held(session, complaint)
        assert complaint.agency == "ACME" and complaint.due_on == dt.date(2026, 3, 17)
        refused = _verdict(session, borrower_id, later, AGENCY)
        assert not refused.allowed
        assert any("complaint" in r.message_en for r in refused.reasons)
        # the hold is for the actor involved: the lender's own contact is not held by it
        _, lender_view, _ = gate_case(session, borrower_id=borrower_id, at=later, by="lender")
        assert "complaint" not in lender_view.holds
        _, anyone, _ = gate_case(session, borrower_id=borrower_id, at=later)
        assert "complaint" in anyone.holds
        resolve_complaint(
            session,
            complaint_id=complaint.id,
            root_cause="agency_conduct",
            resolution="agency staff retrained; apology sent 已致歉",
            actor=ACTOR,
            at=later,
        )
        assert not is_held(session, complaint)
        assert _verdict(session, borrower_id, later + dt.timedelta(days=1), AGENCY).allowed


def test_a_complaint_about_fees_opens_no_hold(
    session: Session, borrower_id: int, make_loan: LoanFactory
) -> None:
    make_loan()
    with tx(session):
        complaint = _complain(session, borrower_id, category="pricing_fees")
        assert not is_held(session, complaint)
        assert session.scalar(select(Hold.id)) is None


def test_a_conduct_complaint_naming_no_one_holds_every_actor_on_every_open_loan(
    session: Session, borrower_id: int, make_loan: LoanFactory
) -> None:
    loans = [make_loan(), make_loan()]
    with tx(session):
        complaint = _complain(session, borrower_id, category="information_security")
        holds = session.scalars(select(Hold).order_by(Hold.loan_id)).all()
        assert [h.loan_id for h in holds] == [loan.id for loan in loans]
        assert {h.scope for h in holds} == {None} and {h.complaint_id for h in holds} == {
            complaint.id
        }


def test_a_complaint_links_the_collector_and_agency_behind_a_contact(
    session: Session, borrower_id: int, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    with tx(session):
        collector_id = _collector(session, "A-007", agency="ACME")
        complaint = _complain(session, borrower_id, loan_id=loan.id, collector_id=collector_id)
        assert (complaint.collector_id, complaint.agency) == (collector_id, "ACME")
        hold = session.scalars(select(Hold)).one()
        assert hold.scope == AGENCY


def test_the_collector_complained_about_may_not_handle_the_complaint(
    session: Session, borrower_id: int, make_loan: LoanFactory
) -> None:
    make_loan()
    with tx(session):
        collector_id = _collector(session, "C-1")
        complaint = _complain(session, borrower_id, collector_id=collector_id)
        with pytest.raises(RuleViolation, match="回避"):
            assign_complaint(session, complaint_id=complaint.id, to="C-1", actor=ACTOR, at=RECEIVED)
        assign_complaint(session, complaint_id=complaint.id, to="qa-lead", actor=ACTOR, at=RECEIVED)
        assert complaint.assigned_to == "qa-lead" and complaint.acknowledged_at is not None


def test_a_resolved_complaint_reopens_with_a_new_deadline_and_its_hold(
    session: Session, borrower_id: int, make_loan: LoanFactory
) -> None:
    make_loan()
    at = RECEIVED + dt.timedelta(days=5)
    with tx(session):
        complaint = _complain(session, borrower_id)
        resolve_complaint(
            session,
            complaint_id=complaint.id,
            root_cause="not_upheld",
            resolution="recordings reviewed",
            actor=ACTOR,
            at=at,
        )
        with pytest.raises(ConflictError):
            resolve_complaint(
                session,
                complaint_id=complaint.id,
                root_cause="other",
                resolution="again",
                actor=ACTOR,
                at=at,
            )
        reopen_complaint(
            session, complaint_id=complaint.id, reason="borrower disputes", actor=ACTOR, at=at
        )
        assert complaint.status == "open" and complaint.reopened_count == 1
        assert complaint.due_on == dt.date(2026, 4, 6)
        assert is_held(session, complaint)
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "complaint")
        ).all()
        assert actions == ["complaint.filed", "complaint.resolved", "complaint.reopened"]


def test_a_hold_another_open_complaint_needs_outlives_the_first_resolution(
    session: Session, borrower_id: int, make_loan: LoanFactory
) -> None:
    make_loan()
    with tx(session):
        first = _complain(session, borrower_id)
        second = _complain(session, borrower_id, category="service")
        resolve_complaint(
            session,
            complaint_id=first.id,
            root_cause="other",
            resolution="x",
            actor=ACTOR,
            at=RECEIVED,
        )
        assert is_held(session, second)
        hold = session.scalars(select(Hold)).one()
        assert hold.complaint_id == second.id and hold.ended_on is None


def test_a_complex_complaint_extends_to_30_days_and_a_special_one_needs_approval(
    session: Session, borrower_id: int, make_loan: LoanFactory
) -> None:
    make_loan()
    with tx(session):
        complaint = _complain(session, borrower_id, category="contract_terms")
        extend_complaint(
            session,
            complaint_id=complaint.id,
            special=False,
            approved_by=None,
            reason="needs the contract file",
            actor=ACTOR,
            at=RECEIVED,
        )
        assert complaint.due_on == dt.date(2026, 4, 1)
        with pytest.raises(RuleViolation, match="approval"):
            extend_complaint(
                session,
                complaint_id=complaint.id,
                special=True,
                approved_by=None,
                reason="x",
                actor=ACTOR,
                at=RECEIVED,
            )


def test_an_unknown_category_is_refused_naming_the_field(
    session: Session, borrower_id: int
) -> None:
    with tx(session), pytest.raises(InputError, match="category"):
        _complain(session, borrower_id, category="rude")


def test_complaint_rates_count_per_10000_accounts_by_cause_and_agency(
    session: Session, borrower_id: int, make_loan: LoanFactory
) -> None:
    loan = make_loan()
    make_loan()
    with tx(session):
        event_id = _agency_call(session, borrower_id, loan.id)
        _complain(session, borrower_id, contact_event_id=event_id)
        rates = complaint_rates(session, since=dt.date(2026, 3, 1), until=dt.date(2026, 3, 31))
    assert rates["accounts"] == 2 and rates["complaints"] == 1
    assert rates["per_10k"] == "5000.00"
    cause = next(c for c in rates["by_cause"] if c["cause"] == "debt_collection")
    assert cause["complaints"] == 1 and cause["zh"] == "债务催收方式和手段"
    assert rates["by_agency"] == [
        {"agency": AGENCY, "complaints": 1, "accounts": 1, "per_10k": "10000.00"}
    ]


def test_the_cli_files_a_complaint_and_prints_its_id_hold_and_due_date(
    session: Session, borrower_id: int, make_loan: LoanFactory, database_url: str
) -> None:
    make_loan()
    session.commit()  # nothing of the test's may be open while the command writes
    runner = CliRunner()
    base = ["--database", database_url]
    filed = runner.invoke(
        app,
        [
            *FILE,
            "debt_collection",
            "--channel",
            "call",
            "--text",
            "威胁恐吓",
            "--at",
            RECEIVED.isoformat(),
            *base,
        ],
    )
    assert filed.exit_code == 0, filed.output
    payload = json.loads(filed.stdout.strip().splitlines()[-1])
    assert payload == {"id": payload["id"], "hold": True, "due_on": "2026-03-17"}
    listed = runner.invoke(
        app,
        ["complaints", "list", "--summary", "--from", "2026-03-01", "--to", "2026-03-31", *base],
    )
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout.strip().splitlines()[-1])["complaints"] == 1
    bad = runner.invoke(
        app,
        [*FILE, "rude", "--channel", "call", "--text", "x", *base],
    )
    assert bad.exit_code == 2 and "category" in bad.output
