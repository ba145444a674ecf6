"""Every gate decision goes to the audit log with its evidence, in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.compliance.attempts import Attempt, Debtor
from fairdebt.compliance.gate import check, record_decision
from fairdebt.compliance.packs import get_pack, hhmm
from fairdebt.compliance.rules.clock import zone
from fairdebt.models import AuditEntry

SH = zone("Asia/Shanghai")
NOW = dt.datetime(2025, 6, 10, 14, 0, tzinfo=dt.UTC)


def test_a_refusal_is_recorded_with_rule_citation_evidence_and_next_time(
    session: Session,
) -> None:
    attempt = Attempt(at=dt.datetime(2025, 6, 10, 22, 15, tzinfo=SH), channel="call")
    verdict = check(attempt, (), Debtor(timezone="Asia/Shanghai"), "cn")
    with session.begin():
        seq = record_decision(
            session,
            verdict=verdict,
            attempt=attempt,
            actor="robot:7",
            at=NOW,
            entity_id="attempt-1",
        )
    entry = session.execute(select(AuditEntry).where(AuditEntry.seq == seq)).scalar_one()
    data = json.loads(entry.data)
    assert (entry.action, entry.entity, entry.entity_id) == (
        "contact.refused",
        "contact_attempt",
        "attempt-1",
    )
    reason = data["reasons"][0]
    assert reason["rule"] == "cn.hours.quiet" and reason["grade"] == "S"
    assert reason["evidence"]["local_time"] == "2025-06-10 22:15"
    assert reason["message_zh"] and reason["message_en"]
    assert data["next_allowed_at"] == "2025-06-11T08:00:00+08:00"
    assert data["attempt"]["channel"] == "call"
    assert audit.verify(session).ok


def test_a_loosened_pack_travels_with_each_decision(session: Session) -> None:
    pack = get_pack("cn").adjust(params={"window_end": hhmm("22:30")}, reason="court order 7")
    attempt = Attempt(at=dt.datetime(2025, 6, 10, 22, 15, tzinfo=SH), channel="call")
    verdict = check(attempt, (), Debtor(), pack)
    with session.begin():
        record_decision(session, verdict=verdict, attempt=attempt, actor="cli", at=NOW, pack=pack)
    entry = session.execute(select(AuditEntry)).scalar_one()
    data = json.loads(entry.data)
    assert entry.action == "contact.allowed" and data["pack_loosened"] is True
    assert data["pack_provenance"][-1]["reason"] == "court order 7"


def test_nothing_is_written_when_the_callers_transaction_rolls_back(session: Session) -> None:
    attempt = Attempt(at=dt.datetime(2025, 6, 10, 10, tzinfo=SH), channel="call")
    verdict = check(attempt)
    try:
        with session.begin():
            record_decision(session, verdict=verdict, attempt=attempt, actor="cli", at=NOW)
            raise RuntimeError("the send failed")
    except RuntimeError:
        pass
    assert session.execute(select(AuditEntry)).first() is None
