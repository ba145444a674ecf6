"""The append-only, hash-chained audit log: every state change and gate decision, in order.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical JSON, so
editing, deleting or reordering any entry breaks the chain from that point on, and
:func:`verify` names the first entry that no longer fits. Writers serialise on the single
``audit_head`` row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has one writer anyway), and
the entry is written in the caller's transaction, so a state change and its entry land together.

Two things the chain alone cannot show, :func:`verify` checks as well. Cutting the tail off
(deleting the last entries and fixing up ``audit_head``) leaves a shorter chain that is intact,
so an operator keeps an :class:`Anchor` elsewhere (``fairdebt audit head`` prints it as
``HASH:COUNT``) and ``verify(expect=anchor)`` fails unless entry COUNT is still there with that
hash. And a ledger row written without its entry (or whose entry was cut away) is found by the
:data:`WITNESSES`: every payment, reversal, waiver and charge-off row must be named by an entry
of its action.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from fairdebt.db import execute_many
from fairdebt.errors import InputError, IntegrityError
from fairdebt.models import AuditEntry, AuditHead

__all__ = [
    "GENESIS_HASH",
    "WITNESSES",
    "Anchor",
    "AuditEvent",
    "EncodedData",
    "VerifyResult",
    "Witness",
    "canonical_json",
    "head",
    "json_text",
    "record",
    "record_many",
    "require_intact",
    "verify",
]

GENESIS_HASH = "0" * 64
AUDIT_TABLE: Table = AuditEntry.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One entry to append: ``action`` reads ``noun.verbed`` (``payment.posted``)."""

    action: str
    entity: str
    entity_id: str | None
    actor: str
    at: dt.datetime
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """What :func:`verify` found: ``ok``, the entries walked, and the first problem if any.

    ``unaudited`` names ledger rows that have no audit entry (see :data:`WITNESSES`).
    """

    ok: bool
    entries: int
    first_bad_seq: int | None
    problem: str | None
    unaudited: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Anchor:
    """The chain's last hash and its entry count, kept by an operator away from the database.

    >>> Anchor.parse("ab" * 32 + ":12").count
    12
    >>> str(Anchor(GENESIS_HASH, 0)) == GENESIS_HASH + ":0"
    True
    """

    hash: str
    count: int

    def __str__(self) -> str:
        return f"{self.hash}:{self.count}"

    @classmethod
    def parse(cls, value: str) -> Anchor:
        """Read ``HASH:COUNT`` as printed by ``fairdebt audit head``."""
        digest, _, count = value.strip().partition(":")
        digest = digest.lower()
        if (
            len(digest) != 64
            or any(c not in "0123456789abcdef" for c in digest)
            or not count.isascii()
            or not count.isdigit()
            or len(count) > 18
        ):
            raise InputError(
                f"expected HASH:COUNT as printed by `fairdebt audit head` (64 hex digits, a "
                f"colon, a whole number); got {value[:100]!r}",
                field="--expect",
            )
        return cls(digest, int(count))


@dataclass(frozen=True, slots=True)
class Witness:
    """Rows of ``table`` matching ``where`` that must each be named by an ``action`` entry.

    The entry names the row by its ``entity_id`` or, when ``data_key`` is given, in the list
    of ids under that key of its data (one ``charge.waived`` entry lists its waiver rows).
    """

    noun: str
    table: str
    where: str
    action: str
    data_key: str | None = None


# Every row of these kinds is a change of what a borrower owes or paid; each must be in the log.
WITNESSES: tuple[Witness, ...] = (
    Witness("payment", "payment", "", "payment.posted"),
    Witness("reversal of payment", "payment", "reversed_on IS NOT NULL", "payment.reversed"),
    Witness("waiver", "waiver", "", "charge.waived", data_key="waiver_ids"),
    Witness("charge-off of loan", "loan", "charged_off_on IS NOT NULL", "loan.charged_off"),
    Witness("recovery", "recovery", "", "recovery.recorded"),
)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} to the audit log")


# One encoder for every entry: json.dumps with options builds a new encoder on each call,
# which cost more than the encoding itself for small entries. Entries are flat records, never
# circular, so the per-call cycle bookkeeping is skipped too.
_ENCODER = json.JSONEncoder(
    sort_keys=True,
    separators=(",", ":"),
    ensure_ascii=False,
    default=_default,
    check_circular=False,
)


def canonical_json(data: Mapping[str, Any]) -> str:
    """Sorted keys, no spaces, Decimal and dates as strings: one text for one meaning.

    >>> canonical_json({"b": Decimal("1.50"), "a": 1})
    '{"a":1,"b":"1.50"}'
    """
    if type(data) is EncodedData:
        return data.text
    return _ENCODER.encode(data)


class EncodedData(Mapping[str, Any]):
    """Audit data given as its canonical JSON text, for batch writers of flat records.

    A verb that writes 300 k entries of one shape can format the text itself (a few times
    cheaper than building a dict and encoding it); the mapping view parses the text only if
    someone reads it. The writer owns the promise that ``text`` is canonical: the tests of
    each such writer compare it with :func:`canonical_json` of the parsed mapping.

    >>> data = EncodedData('{"a":1,"b":"1.50"}')
    >>> data["b"], canonical_json(dict(data)) == data.text
    ('1.50', True)
    """

    __slots__ = ("_parsed", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._parsed: dict[str, Any] | None = None

    def _values(self) -> dict[str, Any]:
        if self._parsed is None:
            self._parsed = json.loads(self.text)
        return self._parsed

    def __getitem__(self, key: str) -> Any:
        return self._values()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __len__(self) -> int:
        return len(self._values())


def json_text(value: str) -> str:
    """A string as canonical JSON text (quoted and escaped, non-ASCII kept as is).

    >>> json_text("P-1 甲")
    '"P-1 甲"'
    """
    return _ENCODER.encode(value)


def _entry_hash(prev_hash: str, seq: int, event: AuditEvent, data_json: str) -> str:
    return _hash_body(prev_hash, seq, event.at.astimezone(dt.UTC).isoformat(), event, data_json)


def _hash_body(prev_hash: str, seq: int, at_utc: str, event: AuditEvent, data_json: str) -> str:
    body = "\x1f".join(
        [
            prev_hash,
            str(seq),
            at_utc,
            event.actor,
            event.action,
            event.entity,
            event.entity_id or "",
            data_json,
        ]
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _lock_head(session: Session) -> tuple[int, str]:
    """The chain's last sequence number and hash, with the head row locked (PostgreSQL) until
    the caller's transaction ends. Straight through the driver: through the ORM, reading and
    then flushing the head was half the cost of one gate answer over HTTP (issue 13)."""
    connection = session.connection()
    lock = "" if connection.dialect.name == "sqlite" else " FOR UPDATE"
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"SELECT last_seq, last_hash FROM audit_head WHERE id = 1{lock}")
        row = cursor.fetchone()
    finally:
        cursor.close()
    if row is None:
        execute_many(
            session,
            "INSERT INTO audit_head (id, last_seq, last_hash) VALUES (?, ?, ?)",
            [(1, 0, GENESIS_HASH)],
        )
        return 0, GENESIS_HASH
    return int(row[0]), str(row[1])


def _move_head(session: Session, seq: int, digest: str) -> None:
    execute_many(
        session, "UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1", [(seq, digest)]
    )
    # a head this session read through the ORM (verify, the compliance page) is now stale
    held = session.identity_map.get(session.identity_key(AuditHead, 1))  # type: ignore[arg-type]
    if held is not None:
        session.expire(held)


def record_many(session: Session, events: Sequence[AuditEvent]) -> list[int]:
    """Append events in order within the caller's transaction; returns their sequence numbers."""
    if not events:
        return []
    for event in events:
        if event.at.tzinfo is None:
            raise ValueError(f"audit time for {event.action} must be aware")
    session.flush()  # the caller's pending rows first, as an ORM read of the head would do
    seq, prev = _lock_head(session)
    first = seq
    connection = session.connection()
    dialect = connection.dialect
    processor = AUDIT_TABLE.c.at.type.dialect_impl(dialect).bind_processor(dialect)
    bind_at: Callable[[Any], Any] = processor if processor is not None else _unchanged
    # A batch shares one or a few times: convert each distinct one to UTC once. Equal aware
    # datetimes are the same instant, so they share the UTC text and the bound value.
    times: dict[dt.datetime, tuple[str, Any]] = {}
    rows: list[tuple[Any, ...]] = []
    encode = _ENCODER.encode
    for event in events:
        seq += 1
        at = times.get(event.at)
        if at is None:
            at = times[event.at] = (event.at.astimezone(dt.UTC).isoformat(), bind_at(event.at))
        data = event.data
        data_json = data.text if type(data) is EncodedData else encode(data)
        digest = _hash_body(prev, seq, at[0], event, data_json)
        rows.append(
            (
                seq,
                at[1],
                event.actor,
                event.action,
                event.entity,
                event.entity_id,
                data_json,
                prev,
                digest,
            )
        )
        prev = digest
    # Straight through the driver: SQLAlchemy's per-row parameter processing cost about as
    # much as hashing the chain (see docs/decisions/audit-chain.md).
    execute_many(session, _INSERT_SQL, rows)
    _move_head(session, seq, prev)
    return list(range(first + 1, seq + 1))


def _unchanged(value: Any) -> Any:
    return value


_INSERT_SQL = (
    "INSERT INTO audit_entry (seq, at, actor, action, entity, entity_id, data, prev_hash, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def record(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_id: str | int | None,
    actor: str,
    at: dt.datetime,
    data: Mapping[str, Any],
) -> int:
    """Append one entry in the caller's transaction and return its sequence number."""
    event = AuditEvent(
        action, entity, None if entity_id is None else str(entity_id), actor, at, data
    )
    return record_many(session, [event])[0]


def head(session: Session) -> Anchor:
    """The anchor of the chain as stored: its last entry's hash and sequence number."""
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    return Anchor(GENESIS_HASH, 0) if last is None else Anchor(str(last.hash), int(last.seq))


def verify(
    session: Session,
    *,
    expect: Anchor | None = None,
    witnesses: Sequence[Witness] = WITNESSES,
    batch_size: int = 50_000,
) -> VerifyResult:
    """Walk the chain from the start; report the first entry that is edited, missing or moved.

    With ``expect``, entry ``expect.count`` must be in the chain with hash ``expect.hash`` (the
    chain may have grown since): a chain cut short, or rewritten up to that entry, fails. Then
    every row named by ``witnesses`` must have its entry.
    """
    result = session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch_size)
    )
    try:
        walked, named = _walk(session, result.scalars(), expect, witnesses)
    finally:
        result.close()  # a server-side cursor on PostgreSQL when we stop early
    if not walked.ok:
        return walked
    missing = _unaudited(session, witnesses, named)
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        return VerifyResult(
            False,
            walked.entries,
            None,
            f"{len(missing)} ledger row(s) have no audit entry: {shown}",
            tuple(missing),
        )
    return walked


def _walk(
    session: Session,
    entries: Iterable[AuditEntry],
    expect: Anchor | None,
    witnesses: Sequence[Witness],
) -> tuple[VerifyResult, dict[str, set[str]]]:
    keys = {w.action: w.data_key for w in witnesses}
    named: dict[str, set[str]] = {action: set() for action in keys}
    prev, expected_seq, count = GENESIS_HASH, 1, 0
    for entry in entries:
        if entry.seq != expected_seq:
            problem = f"entry {expected_seq} is missing (next is {entry.seq})"
            return VerifyResult(False, count, expected_seq, problem), named
        if entry.prev_hash != prev:
            problem = f"entry {entry.seq} does not follow entry {entry.seq - 1}"
            return VerifyResult(False, count, entry.seq, problem), named
        event = AuditEvent(entry.action, entry.entity, entry.entity_id, entry.actor, entry.at, {})
        if _entry_hash(prev, entry.seq, event, entry.data) != entry.hash:
            problem = f"entry {entry.seq} ({entry.action}) was edited"
            return VerifyResult(False, count, entry.seq, problem), named
        if expect is not None and entry.seq == expect.count and entry.hash != expect.hash:
            problem = (
                f"entry {entry.seq} has hash {entry.hash[:12]}…, not the {expect.hash[:12]}… "
                "that was recorded: the log was rewritten up to this entry"
            )
            return VerifyResult(False, count, entry.seq, problem), named
        if entry.action in keys:
            _collect(named[entry.action], entry, keys[entry.action])
        prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    head_row = session.get(AuditHead, 1)
    if head_row is None and count:
        problem = f"the chain has {count} entries but its head row (audit_head) is gone"
        return VerifyResult(False, count, count + 1, problem), named
    if head_row is not None and (head_row.last_seq != count or head_row.last_hash != prev):
        problem = f"the chain ends at entry {count} but {head_row.last_seq} were written"
        return VerifyResult(False, count, count + 1, problem), named
    if expect is not None and count < expect.count:
        problem = (
            f"the chain ends at entry {count} but {expect.count} were recorded (--expect): "
            f"{expect.count - count} entries at the end were cut off"
        )
        return VerifyResult(False, count, count + 1, problem), named
    return VerifyResult(True, count, None, None), named


def _collect(into: set[str], entry: AuditEntry, data_key: str | None) -> None:
    if data_key is None:
        if entry.entity_id is not None:
            into.add(entry.entity_id)
        return
    try:
        ids = json.loads(entry.data).get(data_key) or []
    except (ValueError, AttributeError):
        return  # not an object: the row it should name stays unnamed and is reported
    into.update(str(i) for i in ids if isinstance(i, int | str))


def _unaudited(
    session: Session, witnesses: Sequence[Witness], named: Mapping[str, set[str]]
) -> list[str]:
    missing: list[str] = []
    for witness in witnesses:
        where = f" WHERE {witness.where}" if witness.where else ""
        ids = session.execute(text(f"SELECT id FROM {witness.table}{where} ORDER BY id")).scalars()
        seen = named.get(witness.action, set())
        missing += [f"{witness.noun} {i} (no {witness.action})" for i in ids if str(i) not in seen]
    return missing


def require_intact(session: Session) -> int:
    """Raise IntegrityError unless the chain verifies; return the number of entries."""
    result = verify(session)
    if not result.ok:
        raise IntegrityError(f"audit chain broken: {result.problem}")
    return result.entries
