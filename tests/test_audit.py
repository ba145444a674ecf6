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


def _cut_tail_and_fix_up_the_head(session: Session, keep: int) -> None:
    """What an insider would do to hide the last entries: delete them, rewind audit_head."""
    with session.begin():
        last = session.execute(
            text("SELECT hash FROM audit_entry WHERE seq = :seq"), {"seq": keep}
        ).scalar_one()
        session.execute(text("DELETE FROM audit_entry WHERE seq > :seq"), {"seq": keep})
        session.execute(
            text("UPDATE audit_head SET last_seq = :seq, last_hash = :hash"),
            {"seq": keep, "hash": last},
        )


def test_a_tail_cut_with_audit_head_fixed_up_fails_verify_against_the_kept_anchor(
    session: Session,
) -> None:
    _write_three(session)
    anchor = audit.head(session)
    assert anchor.count == 3 and str(anchor).endswith(":3")
    session.rollback()
    _cut_tail_and_fix_up_the_head(session, keep=1)
    assert audit.verify(session).ok  # the chain alone cannot see it: hence the anchor
    result = audit.verify(session, expect=anchor)
    assert not result.ok and result.first_bad_seq == 2
    assert "the chain ends at entry 1 but 3 were recorded" in (result.problem or "")


def test_a_chain_rewritten_from_scratch_fails_verify_against_the_kept_anchor(
    session: Session,
) -> None:
    _write_three(session)
    anchor = audit.head(session)
    session.rollback()
    with session.begin():
        session.execute(text("DELETE FROM audit_entry"))
        session.execute(text("DELETE FROM audit_head"))
    with session.begin():
        for n in range(4):  # a forged history, longer than the real one, hashes all correct
            audit.record(
                session,
                action="payment.posted",
                entity="payment",
                entity_id=n,
                actor="forger",
                at=AT,
                data={"amount": Decimal("1.00")},
            )
    assert audit.verify(session).ok
    result = audit.verify(session, expect=anchor)
    assert not result.ok and result.first_bad_seq == 3
    assert "rewritten" in (result.problem or "")


def test_a_chain_that_grew_since_the_anchor_still_verifies_against_it(session: Session) -> None:
    _write_three(session)
    anchor = audit.head(session)
    session.rollback()
    _write_three(session)
    assert audit.verify(session, expect=anchor).ok


def test_a_deleted_audit_head_row_is_caught(session: Session) -> None:
    _write_three(session)
    with session.begin():
        session.execute(text("DELETE FROM audit_head"))
    result = audit.verify(session)
    assert not result.ok and "audit_head" in (result.problem or "")


def test_audit_head_prints_hash_count_last_and_verify_expect_catches_the_cut(
    session: Session, database_url: str
) -> None:
    from typer.testing import CliRunner

    from fairdebt.cli import app

    _write_three(session)
    session.rollback()
    runner = CliRunner()
    shown = runner.invoke(app, ["audit", "head", "--database", database_url])
    assert shown.exit_code == 0, shown.output
    anchor = shown.stdout.strip().splitlines()[-1]
    assert audit.Anchor.parse(anchor) == audit.head(session)
    session.rollback()
    good = runner.invoke(app, ["audit", "verify", "--database", database_url, "--expect", anchor])
    assert good.exit_code == 0 and good.stdout.strip().splitlines()[-1] == anchor
    _cut_tail_and_fix_up_the_head(session, keep=2)
    cut = runner.invoke(
        app, ["audit", "verify", "--database", database_url, "--expect", anchor], terminal_width=200
    )
    assert cut.exit_code == 1
    assert "cut off" in cut.stdout
    bad = runner.invoke(app, ["audit", "verify", "--database", database_url, "--expect", "abc:1"])
    assert bad.exit_code == 2 and "field --expect: expected HASH:COUNT" in bad.stderr
