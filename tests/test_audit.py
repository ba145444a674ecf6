"""The audit chain: append-only, and any edit, deletion or reordering is caught."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from fairdebt import audit

AT = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def _write_three(session: Session) -> None:
    with session.begin():
        for n in range(3):
            audit.record(
                session,
                action="payment.posted",
                entity="payment",
                entity_id=n,
                actor="test",
                at=AT,
                data={"amount": Decimal("10.00") + n},
            )


def test_an_untouched_chain_verifies(session: Session) -> None:
    _write_three(session)
    result = audit.verify(session)
    assert result.ok and result.entries == 3


def test_an_edited_entry_is_caught_and_named(session: Session) -> None:
    _write_three(session)
    with session.begin():
        session.execute(text('UPDATE audit_entry SET data = \'{"amount":"99.00"}\' WHERE seq = 2'))
    result = audit.verify(session)
    assert not result.ok
    assert result.first_bad_seq == 2
    assert "edited" in (result.problem or "")


def test_a_deleted_entry_is_caught(session: Session) -> None:
    _write_three(session)
    with session.begin():
        session.execute(text("DELETE FROM audit_entry WHERE seq = 2"))
    result = audit.verify(session)
    assert not result.ok and result.first_bad_seq == 2


def test_a_deleted_last_entry_is_caught_by_the_head(session: Session) -> None:
    _write_three(session)
    with session.begin():
        session.execute(text("DELETE FROM audit_entry WHERE seq = 3"))
    assert not audit.verify(session).ok


def test_reordered_entries_are_caught(session: Session) -> None:
    _write_three(session)
    with session.begin():
        session.execute(text("UPDATE audit_entry SET seq = 100 WHERE seq = 1"))
        session.execute(text("UPDATE audit_entry SET seq = 1 WHERE seq = 3"))
        session.execute(text("UPDATE audit_entry SET seq = 3 WHERE seq = 100"))
    assert not audit.verify(session).ok


def test_an_entry_written_in_a_rolled_back_transaction_leaves_no_trace(session: Session) -> None:
    _write_three(session)
    session.begin()
    audit.record(session, action="x.done", entity="x", entity_id=None, actor="t", at=AT, data={})
    session.rollback()
    result = audit.verify(session)
    assert result.ok and result.entries == 3
