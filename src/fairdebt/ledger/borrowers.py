"""Borrowers and their contact methods: who owes, where they live, and how they may be reached.

National ids are stored masked except their last 4 characters (PIPL data minimisation: the
last 4 are enough to confirm identity on a call), and never written to the audit log. The time
zone is an IANA name checked against the zone database, because the contact gate reads the
borrower's local hour from it. Registration is bulk first: :func:`register_borrowers` writes
rows with one executemany per table and one audit entry per borrower.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.db import insert_rows, read_ids
from fairdebt.errors import ConflictError, InputError
from fairdebt.models import Borrower, ContactOwner

__all__ = [
    "BorrowerIn",
    "ContactIn",
    "is_known_zone",
    "mask_national_id",
    "register_borrower",
    "register_borrowers",
]

CONTACT_KINDS = ("phone", "email", "address")
CONTACT_COLUMNS = ("borrower_id", "kind", "value", "owner", "owner_name", "relation", "is_active")


@dataclass(frozen=True, slots=True)
class ContactIn:
    kind: str  # phone | email | address
    value: str
    owner: str  # ContactOwner
    owner_name: str | None = None
    relation: str | None = None  # for emergency contacts: spouse, parent, friend...


@dataclass(frozen=True, slots=True)
class BorrowerIn:
    external_id: str
    name: str
    national_id: str | None
    language: str
    timezone: str
    province: str | None
    city: str | None
    birth_year: int | None
    monthly_income_amount: Decimal | None
    contacts: tuple[ContactIn, ...] = ()


def mask_national_id(national_id: str | None) -> str | None:
    """Keep only the last 4 characters.

    >>> mask_national_id("11010519491231002X")
    '**************002X'
    """
    if national_id is None or not national_id.strip():
        return None
    text = national_id.strip()
    return "*" * max(len(text) - 4, 0) + text[-4:]


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_zone(name: str) -> bool:
    """Whether ``name`` is in the IANA zone database.

    >>> is_known_zone("Asia/Shanghai"), is_known_zone("Asia/Beijing")
    (True, False)
    """
    return name in _zones()


def _check(borrower: BorrowerIn) -> None:
    record = f"borrower {borrower.external_id}"
    if not borrower.external_id.strip():
        raise InputError("must not be empty", record="borrower", field="external_id")
    if not borrower.name.strip():
        raise InputError("must not be empty", record=record, field="name")
    if not is_known_zone(borrower.timezone):
        raise InputError(
            f"must be an IANA time zone such as Asia/Shanghai (got {borrower.timezone!r})",
            record=record,
            field="timezone",
        )
    income = borrower.monthly_income_amount
    if income is not None and income < 0:
        raise InputError(f"must not be negative (got {income})", record=record, field="income")
    for contact in borrower.contacts:
        if contact.kind not in CONTACT_KINDS:
            raise InputError(
                f"must be one of {', '.join(CONTACT_KINDS)} (got {contact.kind!r})",
                record=record,
                field="contact.kind",
            )
        if contact.owner not in {owner.value for owner in ContactOwner}:
            raise InputError(
                f"must be borrower, emergency_contact or employer (got {contact.owner!r})",
                record=record,
                field="contact.owner",
            )
        if contact.owner == ContactOwner.EMERGENCY_CONTACT and not contact.relation:
            raise InputError(
                "an emergency contact needs its relation", record=record, field="contact.relation"
            )


def _refuse_known(session: Session, external_ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for external_id in external_ids:
        if external_id in seen:
            raise ConflictError(f"borrower {external_id} appears twice in one registration")
        seen.add(external_id)
    for start in range(0, len(external_ids), 5000):
        chunk = list(external_ids[start : start + 5000])
        known = session.scalars(select(Borrower.external_id).where(Borrower.external_id.in_(chunk)))
        for external_id in known:
            raise ConflictError(f"borrower {external_id} is already registered")


def register_borrowers(
    session: Session, *, borrowers: Sequence[BorrowerIn], actor: str, at: dt.datetime
) -> list[int]:
    """Add borrowers and their contact methods; returns their ids in the order given."""
    for borrower in borrowers:
        _check(borrower)
    _refuse_known(session, [b.external_id for b in borrowers])
    if not borrowers:
        return []
    session.flush()
    rows = [
        {
            "external_id": b.external_id,
            "name": b.name,
            "national_id_masked": mask_national_id(b.national_id),
            "language": b.language,
            "timezone": b.timezone,
            "province": b.province,
            "city": b.city,
            "birth_year": b.birth_year,
            "monthly_income_amount": b.monthly_income_amount,
            "created_at": at,
        }
        for b in borrowers
    ]
    # Core executemany (it binds the aware created_at), ids read back by external id.
    session.connection().execute(insert(cast(Table, Borrower.__table__)), rows)
    ids = read_ids(session, "borrower", "external_id", [b.external_id for b in borrowers])
    contacts = [
        (borrower_id, c.kind, c.value, c.owner, c.owner_name, c.relation, True)
        for borrower_id, b in zip(ids, borrowers, strict=True)
        for c in b.contacts
    ]
    insert_rows(session, "contact_method", CONTACT_COLUMNS, contacts)
    events = [
        audit.AuditEvent(
            "borrower.registered",
            "borrower",
            str(borrower_id),
            actor,
            at,
            {"external_id": b.external_id, "contacts": len(b.contacts)},
        )
        for borrower_id, b in zip(ids, borrowers, strict=True)
    ]
    audit.record_many(session, events)
    return ids


def register_borrower(
    session: Session, *, borrower: BorrowerIn, actor: str, at: dt.datetime
) -> Borrower:
    """Add one borrower (see :func:`register_borrowers`)."""
    (borrower_id,) = register_borrowers(session, borrowers=[borrower], actor=actor, at=at)
    found = session.get(Borrower, borrower_id)
    assert found is not None
    return found
