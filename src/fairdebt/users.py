"""Users: the people and machines that sign in or call the API, their roles and API tokens.

A user is a person in one role (collector, supervisor, strategist, risk, compliance, agency,
borrower, admin) or a machine (``dialer``: may only ask the gate, screen messages and report
contacts). Passwords are hashed with argon2 (argon2-cffi, the Password Hashing Competition's
winner) and never stored or audited in clear; API tokens are 256-bit random strings shown once
and kept only as their SHA-256, which is enough for a secret of that entropy and lets a request
find its user with one indexed lookup. Every verb writes its audit entry in the caller's
transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.errors import ConflictError, InputError, UnknownRecord
from fairdebt.models import ApiToken, AppUser, Borrower, Collector

__all__ = [
    "MACHINE_ROLES",
    "PERSON_ROLES",
    "Role",
    "add_user",
    "check_password",
    "issue_token",
    "revoke_tokens",
    "set_password",
    "token_digest",
    "user_for_token",
]


class Role(StrEnum):
    COLLECTOR = "collector"
    SUPERVISOR = "supervisor"
    STRATEGIST = "strategist"
    RISK = "risk"
    COMPLIANCE = "compliance"
    AGENCY = "agency"
    BORROWER = "borrower"
    ADMIN = "admin"
    DIALER = "dialer"


MACHINE_ROLES = frozenset({Role.DIALER})
PERSON_ROLES = frozenset(Role) - MACHINE_ROLES
MIN_PASSWORD = 8

# argon2id at the OWASP Password Storage Cheat Sheet's first recommended setting (19 MiB,
# 2 passes, 1 lane): the library's RFC 9106 default (64 MiB, 3 passes, 4 lanes) took 0.6 s a
# hash on the 2-core machines here, which makes every sign-in slow and a burst of them a
# denial of service. A stored hash names its own parameters, so raising them later still
# verifies old hashes.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password
# and the answer's timing does not tell which names exist.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def token_digest(token: str) -> str:
    """The stored form of an API token.

    >>> len(token_digest("abc"))
    64
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > 80 or any(c.isspace() for c in clean):
        raise InputError(
            f"expected 1 to 80 characters without spaces (got {name!r})",
            record="user",
            field="name",
        )
    return clean


def _check_password(password: str, record: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"must be at least {MIN_PASSWORD} characters (got {len(password)})",
            record=record,
            field="password",
        )


def add_user(
    session: Session,
    *,
    name: str,
    role: str,
    password: str | None = None,
    agency: str | None = None,
    team: str | None = None,
    collector_code: str | None = None,
    borrower_external_id: str | None = None,
    actor: str,
    at: dt.datetime,
) -> AppUser:
    """Create a user. An agency user names its agency; a borrower names their borrower record;
    a collector may name the collector row whose work queue they work (an agency's collector
    takes that collector's agency). Machines have no password."""
    name = _check_name(name)
    record = f"user {name}"
    roles = [r.value for r in Role]
    if role not in roles:
        raise InputError(
            f"expected one of {', '.join(roles)} (got {role!r})", record=record, field="role"
        )
    if session.scalar(select(AppUser.id).where(AppUser.name == name)) is not None:
        raise ConflictError(f"{record} already exists")
    if password is not None:
        if role in MACHINE_ROLES:
            raise InputError(
                "a machine signs in with its token, not a password", record=record, field="password"
            )
        _check_password(password, record)
    collector_id = None
    if collector_code is not None:
        collector = session.scalar(select(Collector).where(Collector.code == collector_code))
        if collector is None:
            raise UnknownRecord(
                f"no collector has code {collector_code!r}", record=record, field="collector"
            )
        collector_id = collector.id
        agency = agency or collector.agency
        team = team or collector.team
    borrower_id = None
    if borrower_external_id is not None:
        borrower_id = session.scalar(
            select(Borrower.id).where(Borrower.external_id == borrower_external_id)
        )
        if borrower_id is None:
            raise UnknownRecord(
                f"no borrower has id {borrower_external_id!r}", record=record, field="borrower"
            )
    if role == Role.AGENCY and not agency:
        raise InputError("an agency user must name its agency", record=record, field="agency")
    if role == Role.BORROWER and borrower_id is None:
        raise InputError("a borrower user must name the borrower", record=record, field="borrower")
    if role != Role.BORROWER and borrower_id is not None:
        raise InputError("only a borrower user names a borrower", record=record, field="borrower")
    user = AppUser(
        name=name,
        role=role,
        password_hash=None if password is None else _HASHER.hash(password),
        agency=agency,
        team=team,
        collector_id=collector_id,
        borrower_id=borrower_id,
        is_active=True,
        created_at=at,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="user.added",
        entity="app_user",
        entity_id=user.id,
        actor=actor,
        at=at,
        data={
            "name": name,
            "role": role,
            "agency": agency,
            "team": team,
            "collector_id": collector_id,
            "borrower_id": borrower_id,
            "has_password": password is not None,
        },
    )
    return user


def set_password(
    session: Session, *, user_id: int, password: str, actor: str, at: dt.datetime
) -> AppUser:
    """Replace a person's password (the hash only is stored and nothing of it is audited)."""
    user = session.get(AppUser, user_id)
    if user is None:
        raise UnknownRecord(f"no user has id {user_id}", record=f"user {user_id}", field="user_id")
    if user.role in MACHINE_ROLES:
        raise InputError(
            "a machine signs in with its token", record=f"user {user.name}", field="password"
        )
    _check_password(password, f"user {user.name}")
    user.password_hash = _HASHER.hash(password)
    session.flush()
    audit.record(
        session,
        action="user.password_set",
        entity="app_user",
        entity_id=user.id,
        actor=actor,
        at=at,
        data={"name": user.name},
    )
    return user


def issue_token(session: Session, *, user_id: int, actor: str, at: dt.datetime) -> str:
    """A new API token for the user; only its digest is kept, so this is the one time it shows."""
    user = session.get(AppUser, user_id)
    if user is None:
        raise UnknownRecord(f"no user has id {user_id}", record=f"user {user_id}", field="user_id")
    token = "fd_" + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_sha256=token_digest(token), created_at=at)
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="token.issued",
        entity="api_token",
        entity_id=row.id,
        actor=actor,
        at=at,
        data={"user": user.name},
    )
    return token


def revoke_tokens(session: Session, *, user_id: int, actor: str, at: dt.datetime) -> int:
    """Revoke every live token of the user; returns how many."""
    rows = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    ).all()
    for row in rows:
        row.revoked_at = at
    session.flush()
    audit.record(
        session,
        action="token.revoked",
        entity="app_user",
        entity_id=user_id,
        actor=actor,
        at=at,
        data={"tokens": len(rows)},
    )
    return len(rows)


def user_for_token(session: Session, token: str) -> AppUser | None:
    """The active user holding this live token, or None."""
    return session.scalar(
        select(AppUser)
        .join(ApiToken, ApiToken.user_id == AppUser.id)
        .where(
            ApiToken.token_sha256 == token_digest(token),
            ApiToken.revoked_at.is_(None),
            AppUser.is_active.is_(True),
        )
    )


def check_password(session: Session, *, name: str, password: str) -> AppUser | None:
    """The active person with this name and password, or None (same cost either way)."""
    user = session.scalar(select(AppUser).where(AppUser.name == name.strip()))
    stored = user.password_hash if user is not None and user.is_active else None
    try:
        _HASHER.verify(stored or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return user if stored is not None else None
