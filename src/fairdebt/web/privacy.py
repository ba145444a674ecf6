"""Personal data on screen: what each role may see of phones and national ids, and the audit of
every read.

PIPL art. 6 (minimum necessary) and the CBA guideline's information-security section ask that
staff see only what their work needs. National ids are stored masked already (last 4 kept, see
:mod:`fairdebt.ledger.borrowers`); phone numbers are stored whole, because the dialer needs
them, and masked here by role: a collector or an agency sees ``138****0000`` (enough to confirm
the number with the borrower, the system dials), supervisors, compliance and admins see the
number, and the borrower sees their own. Strategists and risk managers work on aggregates and
are never shown a person. Every page or API answer that shows a named person's data writes one
``personal_data.read`` audit entry (who, whose, which fields, masked or not, why), in the
request's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.models import AppUser
from fairdebt.users import Role

__all__ = [
    "FULL_PHONE_ROLES",
    "PERSONAL_ROLES",
    "mask_phone",
    "record_read",
    "sees_full_phone",
    "show_national_id",
    "show_phone",
]

# Roles whose work involves named people at all; others get aggregates only.
PERSONAL_ROLES = frozenset(
    {Role.COLLECTOR, Role.AGENCY, Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN, Role.BORROWER}
)
FULL_PHONE_ROLES = frozenset({Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN, Role.BORROWER})


def mask_phone(value: str) -> str:
    """Keep the first 3 and last 4 digits of a number (the country code stays visible).

    >>> mask_phone("+8613812345678")
    '+86138****5678'
    >>> mask_phone("12345")
    '*2345'
    """
    prefix = ""
    digits = value
    if value.startswith("+86"):
        prefix, digits = "+86", value[3:]
    elif value.startswith("+"):
        prefix, digits = value[:2], value[2:]
    if len(digits) <= 7:
        return prefix + "*" * max(len(digits) - 4, 1) + digits[-4:]
    return prefix + digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def sees_full_phone(user: AppUser) -> bool:
    return user.role in FULL_PHONE_ROLES


def show_phone(user: AppUser, value: str | None) -> str:
    """A phone number (or e-mail, address) as this user may see it."""
    if value is None:
        return ""
    if sees_full_phone(user):
        return value
    if "@" in value:  # an e-mail: first letter and the domain
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return mask_phone(value) if any(c.isdigit() for c in value) else "***"


def show_national_id(user: AppUser, stored: str | None) -> str:
    """The stored (already masked) id for roles that confirm identity; never more.

    >>> show_national_id(AppUser(role="collector"), "**************1234")
    '**************1234'
    """
    if stored is None:
        return ""
    return stored if user.role in PERSONAL_ROLES else "*" * len(stored)


def record_read(
    session: Session,
    *,
    user: AppUser,
    borrower_ids: Iterable[int],
    fields: Iterable[str],
    purpose: str,
    at: dt.datetime,
) -> int | None:
    """One ``personal_data.read`` entry for a page or answer that showed these people."""
    ids = sorted(set(borrower_ids))
    if not ids:
        return None
    return audit.record(
        session,
        action="personal_data.read",
        entity="borrower",
        entity_id=ids[0] if len(ids) == 1 else None,
        actor=f"user:{user.name}",
        at=at,
        data={
            "borrower_ids": ids,
            "fields": sorted(set(fields)),
            "phone_masked": not sees_full_phone(user),
            "role": user.role,
            "purpose": purpose,
        },
    )
