"""The append-only, hash-chained audit log: every state change and gate decision, in order.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical JSON, so
editing, deleting or reordering any entry breaks the chain from that point on, and
:func:`verify` names the first entry that no longer fits. Writers serialise on the single
``audit_head`` row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has one writer anyway), and
the entry is written in the caller's transaction, so a state change and its entry land together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from fairdebt.db import execute_many
from fairdebt.errors import IntegrityError
from fairdebt.models import AuditEntry, AuditHead

__all__ = [
    "GENESIS_HASH",
    "AuditEvent",
    "EncodedData",
    "VerifyResult",
    "canonical_json",
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
    ok: bool
    entries: int
    first_bad_seq: int | None
    problem: str | None


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


def _lock_head(session: Session) -> AuditHead:
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def record_many(session: Session, events: Sequence[AuditEvent]) -> list[int]:
    """Append events in order within the caller's transaction; returns their sequence numbers."""
    if not events:
        return []
    for event in events:
        if event.at.tzinfo is None:
            raise ValueError(f"audit time for {event.action} must be aware")
    head = _lock_head(session)
    first = seq = head.last_seq
    prev = head.last_hash
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
    head.last_seq, head.last_hash = seq, prev
    session.flush()
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


def verify(session: Session, *, batch_size: int = 50_000) -> VerifyResult:
    """Walk the chain from the start; report the first entry that is edited, missing or moved."""
    result = session.execute(
        select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch_size)
    )
    try:
        return _walk(session, result.scalars())
    finally:
        result.close()  # a server-side cursor on PostgreSQL when we stop early


def _walk(session: Session, entries: Iterable[AuditEntry]) -> VerifyResult:
    prev, expected_seq, count = GENESIS_HASH, 1, 0
    for entry in entries:
        if entry.seq != expected_seq:
            return VerifyResult(
                False, count, expected_seq, f"entry {expected_seq} is missing (next is {entry.seq})"
            )
        if entry.prev_hash != prev:
            return VerifyResult(
                False, count, entry.seq, f"entry {entry.seq} does not follow entry {entry.seq - 1}"
            )
        event = AuditEvent(entry.action, entry.entity, entry.entity_id, entry.actor, entry.at, {})
        if _entry_hash(prev, entry.seq, event, entry.data) != entry.hash:
            return VerifyResult(
                False, count, entry.seq, f"entry {entry.seq} ({entry.action}) was edited"
            )
        prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_seq != count or head.last_hash != prev):
        return VerifyResult(
            False,
            count,
            count + 1,
            f"the chain ends at entry {count} but {head.last_seq} were written",
        )
    return VerifyResult(True, count, None, None)


def require_intact(session: Session) -> int:
    """Raise IntegrityError unless the chain verifies; return the number of entries."""
    result = verify(session)
    if not result.ok:
        raise IntegrityError(f"audit chain broken: {result.problem}")
    return result.entries
