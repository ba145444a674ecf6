"""Webhooks: signed events out to the lender's systems when a plan, promise or complaint changes.

Delivery is an outbox. :func:`enqueue` writes one ``webhook_delivery`` row per subscribed
webhook in the caller's transaction, beside the state change it reports, so an event is never
sent for a change that rolled back and never lost for one that committed. :func:`deliver_due`
sends what is due (after the request, and on a timer in ``fairdebt serve``), retrying with a
doubling back-off up to :data:`MAX_ATTEMPTS`. Receivers may see an event twice and should
de-duplicate on ``X-Fairdebt-Delivery``.

The signature follows the common ``t=TIMESTAMP,v1=HEX`` scheme: HMAC-SHA256 with the webhook's
secret over ``"{timestamp}.{body}"``; :func:`verify_signature` is the receiver's side, shipped
so that a lender's code and the tests check it the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.errors import InputError
from fairdebt.models import Webhook, WebhookDelivery

__all__ = [
    "EVENTS",
    "MAX_ATTEMPTS",
    "deliver_due",
    "enqueue",
    "register_webhook",
    "sign",
    "verify_signature",
]

EVENTS = (
    "plan.offered",
    "plan.accepted",
    "promise.recorded",
    "complaint.filed",
    "dispute.filed",
)
MAX_ATTEMPTS = 8
_BACKOFF = dt.timedelta(seconds=30)


def _subscribed(webhook: Webhook, event: str) -> bool:
    wanted = [e.strip() for e in webhook.events.split(",") if e.strip()]
    return any(w == "*" or w == event or event.startswith(w.rstrip("*")) for w in wanted if w)


def register_webhook(
    session: Session,
    *,
    url: str,
    events: list[str],
    secret: str | None = None,
    actor: str,
    at: dt.datetime,
) -> Webhook:
    """Register an endpoint for ``events`` (names, ``plan.*`` or ``*``); a secret is made if
    none is given. The secret is not written to the audit log."""
    record = "webhook"
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise InputError(f"expected an http(s) URL (got {url!r})", record=record, field="url")
    if not events:
        raise InputError("name at least one event", record=record, field="events")
    for event in events:
        known = (
            event == "*"
            or event in EVENTS
            or any(e.startswith(event.rstrip("*")) for e in EVENTS if event.endswith("*"))
        )
        if not known:
            raise InputError(
                f"unknown event {event!r} (known: {', '.join(EVENTS)}, or a prefix ending in *)",
                record=record,
                field="events",
            )
    if secret is not None and not 16 <= len(secret) <= 100:
        raise InputError("must be 16 to 100 characters", record=record, field="secret")
    webhook = Webhook(
        url=url,
        secret=secret or secrets.token_urlsafe(32),
        events=",".join(events),
        is_active=True,
        created_at=at,
        created_by=actor,
    )
    session.add(webhook)
    session.flush()
    audit.record(
        session,
        action="webhook.registered",
        entity="webhook",
        entity_id=webhook.id,
        actor=actor,
        at=at,
        data={"url": url, "events": events},
    )
    return webhook


def enqueue(
    session: Session, *, event: str, data: Mapping[str, Any], at: dt.datetime
) -> list[WebhookDelivery]:
    """Queue ``event`` for every active webhook that wants it, in the caller's transaction."""
    if event not in EVENTS:
        raise InputError(f"unknown event {event!r}", record="webhook event", field="event")
    hooks = session.scalars(select(Webhook).where(Webhook.is_active.is_(True))).all()
    rows = []
    for hook in hooks:
        if not _subscribed(hook, event):
            continue
        body = audit.canonical_json(
            {"event": event, "created_at": at.astimezone(dt.UTC).isoformat(), "data": dict(data)}
        )
        row = WebhookDelivery(
            webhook_id=hook.id,
            event=event,
            payload=body,
            created_at=at,
            attempts=0,
            next_attempt_at=at,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def sign(secret: str, timestamp: int, body: str) -> str:
    """The ``X-Fairdebt-Signature`` header value.

    >>> sign("k" * 16, 1700000000, '{"a":1}')[:13]
    't=1700000000,'
    """
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}.{body}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str, header: str, body: str, *, now: dt.datetime, tolerance_seconds: int = 300
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` and is recent (replays are refused).

    >>> at = dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    >>> verify_signature("k" * 16, sign("k" * 16, 1700000000, "{}"), "{}", now=at)
    True
    """
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now.timestamp() - timestamp) > tolerance_seconds:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def deliver_due(
    session: Session, *, client: httpx.Client, at: dt.datetime, limit: int = 100
) -> int:
    """Send the deliveries due at ``at`` (oldest first); returns how many were accepted (2xx).

    The caller owns the transaction; each outcome (delivered, or the next attempt's time and
    the error) is written to the delivery row.
    """
    due = session.execute(
        select(WebhookDelivery, Webhook)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.attempts < MAX_ATTEMPTS,
            WebhookDelivery.next_attempt_at <= at,
        )
        .order_by(WebhookDelivery.id)
        .limit(limit)
    ).all()
    sent = 0
    for delivery, hook in due:
        timestamp = int(at.timestamp())
        headers = {
            "Content-Type": "application/json",
            "X-Fairdebt-Event": delivery.event,
            "X-Fairdebt-Delivery": str(delivery.id),
            "X-Fairdebt-Signature": sign(hook.secret, timestamp, delivery.payload),
        }
        delivery.attempts += 1
        try:
            response = client.post(
                hook.url, content=delivery.payload.encode("utf-8"), headers=headers
            )
        except httpx.HTTPError as error:
            delivery.last_status, delivery.last_error = (
                None,
                str(error)[:300] or type(error).__name__,
            )
        else:
            delivery.last_status = response.status_code
            if 200 <= response.status_code < 300:
                delivery.delivered_at, delivery.last_error = at, None
                sent += 1
                continue
            delivery.last_error = f"HTTP {response.status_code}"
        delivery.next_attempt_at = at + _BACKOFF * (2 ** (delivery.attempts - 1))
    session.flush()
    return sent


def payload_of(delivery: WebhookDelivery) -> dict[str, Any]:
    """The parsed body of a delivery."""
    parsed: dict[str, Any] = json.loads(delivery.payload)
    return parsed
