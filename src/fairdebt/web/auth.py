"""Who is asking: sessions for people, bearer tokens for machines, CSRF, the login throttle and
which cases each role may open.

People sign in at ``/login`` and get a signed session cookie (Starlette's SessionMiddleware:
itsdangerous HMAC, HttpOnly, SameSite=Lax, 8 hours); nothing of the session is stored on the
server, so signing out ends it on that browser and changing the secret key ends them all. The
session carries a CSRF token that every form posts back and :func:`check_csrf` compares in
constant time; the session is renewed at sign-in (no fixation). Failed sign-ins are counted per
name and per client address in a sliding window (:class:`LoginThrottle`), kept in memory: one
``fairdebt serve`` process is one window, which is what a single-process server needs.

Machines (and people's scripts) send ``Authorization: Bearer TOKEN`` to ``/v1``; pages never
accept a token and the API never accepts a cookie, so a cookie cannot be replayed against the
API by another site.

Case scope (:func:`may_open_loan`): admins, supervisors and compliance officers open any case;
a collector opens the cases assigned to them (any decision naming their collector row); an
agency user opens the cases placed with their agency (decisions assigned to its collectors);
a borrower only their own loans; strategists, risk managers and machines none.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from collections import defaultdict, deque
from dataclasses import dataclass, field
from threading import Lock

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from starlette.requests import Request

from fairdebt.models import AppUser, Collector, Decision, Loan
from fairdebt.users import Role

__all__ = [
    "CASE_ROLES",
    "LoginThrottle",
    "check_csrf",
    "csrf_token",
    "may_open_loan",
    "queue_condition",
    "start_session",
]

CASE_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.COMPLIANCE, Role.COLLECTOR, Role.AGENCY})
_ALL_CASES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.COMPLIANCE})


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: str | None) -> bool:
    expected = request.session.get("csrf")
    return isinstance(expected, str) and sent is not None and hmac.compare_digest(expected, sent)


def start_session(request: Request, user: AppUser, at: dt.datetime) -> None:
    """A fresh session for a signed-in person (the old one, and its CSRF token, are dropped)."""
    lang = request.session.get("lang")
    request.session.clear()
    request.session.update(
        {"uid": user.id, "csrf": secrets.token_urlsafe(24), "since": int(at.timestamp())}
    )
    if lang:
        request.session["lang"] = lang


@dataclass
class LoginThrottle:
    """At most ``per_name`` failed sign-ins per name and ``per_address`` per client address in
    any ``window``; :meth:`retry_after` says how long until the next try is allowed."""

    per_name: int = 5
    per_address: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    _failures: dict[str, deque[dt.datetime]] = field(default_factory=lambda: defaultdict(deque))
    _lock: Lock = field(default_factory=Lock)

    def _keys(self, name: str, address: str) -> list[tuple[str, int]]:
        return [
            (f"name:{name.strip().lower()}", self.per_name),
            (f"ip:{address}", self.per_address),
        ]

    def retry_after(self, name: str, address: str, at: dt.datetime) -> int:
        """Seconds to wait before another try (0 when one is allowed now)."""
        wait = 0.0
        with self._lock:
            for key, limit in self._keys(name, address):
                times = self._failures[key]
                while times and at - times[0] >= self.window:
                    times.popleft()
                if len(times) >= limit:
                    wait = max(wait, (times[0] + self.window - at).total_seconds())
        return int(wait) + (1 if wait else 0)

    def failed(self, name: str, address: str, at: dt.datetime) -> None:
        with self._lock:
            for key, _ in self._keys(name, address):
                self._failures[key].append(at)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(f"name:{name.strip().lower()}", None)


def queue_condition(user: AppUser) -> ColumnElement[bool] | None:
    """A condition on ``Decision`` rows for the user's work: their own queue when they have a
    collector row, else (agency) their agency's cases; None when they see every case."""
    if user.role in _ALL_CASES:
        return None
    if user.collector_id is not None and user.role in (Role.COLLECTOR, Role.AGENCY):
        return Decision.collector_id == user.collector_id
    if user.role == Role.AGENCY:
        return Decision.collector_id.in_(
            select(Collector.id).where(Collector.agency == (user.agency or ""))
        )
    return Decision.id == -1


def may_open_loan(session: Session, user: AppUser, loan_id: int) -> bool:
    """Whether ``user`` may see loan ``loan_id`` (rules in the module docstring)."""
    if user.role in _ALL_CASES:
        return True
    if user.role == Role.BORROWER:
        owner = session.scalar(select(Loan.borrower_id).where(Loan.id == loan_id))
        return owner is not None and owner == user.borrower_id
    if user.role == Role.COLLECTOR:
        if user.collector_id is None:
            return False
        return bool(
            session.scalar(
                select(
                    exists().where(
                        Decision.loan_id == loan_id, Decision.collector_id == user.collector_id
                    )
                )
            )
        )
    if user.role == Role.AGENCY:
        return bool(
            session.scalar(
                select(
                    exists().where(
                        Decision.loan_id == loan_id,
                        Decision.collector_id == Collector.id,
                        Collector.agency == (user.agency or ""),
                    )
                )
            )
        )
    return False
