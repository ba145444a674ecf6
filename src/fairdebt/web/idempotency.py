"""Idempotency keys on writes: a retried request gets the first answer, not a second write.

A client (a dialer reporting a contact, a form submitted twice) sends ``Idempotency-Key``. The
first request with a key runs and its answer (status and JSON body) is stored with the key,
the caller, the method, the path and the SHA-256 of the body, in the same transaction as the
write itself, so a stored answer always matches a committed write. A later request with the
same key and the same body gets the stored answer (``Idempotent-Replayed: true``); the same key
with another body or path is refused (422), as the IETF Idempotency-Key draft advises. Two
concurrent first requests race on the unique (user, key) index: the loser's transaction fails
and it answers 409 to be retried. Keys are kept; pruning old keys is a later concern.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import ConflictError, InputError
from fairdebt.models import IdempotencyKey

__all__ = ["MAX_KEY", "Answer", "once"]

MAX_KEY = 200
Answer = tuple[int, Any]


def once(
    session: Session,
    *,
    user_id: int,
    key: str | None,
    method: str,
    path: str,
    body: bytes,
    at: dt.datetime,
    run: Callable[[], Answer],
) -> tuple[Answer, bool]:
    """Run ``run`` once per key; returns the answer and whether it was replayed."""
    if key is None:
        return run(), False
    if not key.strip() or len(key) > MAX_KEY:
        raise InputError(
            f"must be 1 to {MAX_KEY} characters (got {len(key)})", field="Idempotency-Key"
        )
    digest = hashlib.sha256(body).hexdigest()
    stored = session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    if stored is not None:
        if (stored.method, stored.path, stored.request_sha256) != (method, path, digest):
            raise InputError(
                f"this key was used for another request ({stored.method} {stored.path}); "
                "use a new key for a new request",
                field="Idempotency-Key",
            )
        return (stored.status_code, json.loads(stored.response_body)), True
    status, payload = run()
    session.add(
        IdempotencyKey(
            user_id=user_id,
            key=key,
            method=method,
            path=path,
            request_sha256=digest,
            status_code=status,
            response_body=json.dumps(payload, ensure_ascii=False, default=str),
            created_at=at,
        )
    )
    try:
        session.flush()
    except Exception as error:  # the unique index: another request with this key won
        from sqlalchemy.exc import IntegrityError

        if isinstance(error, IntegrityError):
            raise ConflictError(
                f"a request with Idempotency-Key {key!r} is being processed; retry it"
            ) from None
        raise
    return (status, payload), False
