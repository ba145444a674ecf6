"""Promise-kept rates by collector, channel, segment and kind, from the ledger's settlements.

A promise is counted once settled (kept, partly kept or broken; cancelled and open ones are
left out), by the day it was made. An instalment series counts as one promise: kept when every
instalment was kept, broken when none brought money, partly kept otherwise; it counts once all
its instalments are settled. The collector and channel are those of the conversation in which
it was made (``unknown`` when it came from no recorded contact); the segment is the loan's
bucket on the day it was made (from the cycle's ``loan_day``), or its product.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.errors import InputError
from fairdebt.models import (
    Collector,
    ContactEvent,
    Loan,
    LoanDay,
    Product,
    Promise,
    PromiseStatus,
)
from fairdebt.money import ZERO

__all__ = ["SEGMENTS", "promise_rates", "series_outcome"]

SEGMENTS = ("bucket", "product")
UNKNOWN = "unknown"
_SETTLED = (PromiseStatus.KEPT, PromiseStatus.PARTLY_KEPT, PromiseStatus.BROKEN)


def series_outcome(statuses: list[str]) -> str | None:
    """One outcome for a promise or an instalment series; None while any part is open.

    >>> series_outcome(["kept", "kept"])
    'kept'
    >>> series_outcome(["kept", "broken"])
    'partly_kept'
    >>> series_outcome(["broken", "broken"])
    'broken'
    """
    if any(s not in _SETTLED for s in statuses):
        return None
    if all(s == PromiseStatus.KEPT for s in statuses):
        return PromiseStatus.KEPT.value
    if all(s == PromiseStatus.BROKEN for s in statuses):
        return PromiseStatus.BROKEN.value
    return PromiseStatus.PARTLY_KEPT.value


def _rate(part: int, whole: int) -> str | None:
    if whole == 0:
        return None
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def promise_rates(
    session: Session, *, since: dt.date, until: dt.date, segment: str = "bucket"
) -> dict[str, Any]:
    """Kept, partly kept and broken counts and the kept rate (kept / settled) overall and by
    collector, channel, segment and kind, for promises made from ``since`` to ``until``."""
    if segment not in SEGMENTS:
        raise InputError(f"must be one of {', '.join(SEGMENTS)} (got {segment!r})", field="segment")
    segment_column = LoanDay.bucket if segment == "bucket" else Product.code
    query = (
        select(
            Promise.id,
            Promise.series_id,
            Promise.kind,
            Promise.status,
            Promise.amount,
            Promise.kept_amount,
            Collector.code,
            ContactEvent.channel,
            segment_column,
        )
        .join(Loan, Loan.id == Promise.loan_id)
        .outerjoin(ContactEvent, ContactEvent.id == Promise.contact_event_id)
        .outerjoin(Collector, Collector.id == ContactEvent.collector_id)
        .where(
            Promise.promised_on >= since,
            Promise.promised_on <= until,
            Promise.status != PromiseStatus.CANCELLED,
        )
    )
    if segment == "bucket":
        query = query.outerjoin(
            LoanDay,
            (LoanDay.loan_id == Promise.loan_id) & (LoanDay.business_date == Promise.promised_on),
        )
    else:
        query = query.join(Product, Product.id == Loan.product_id)
    groups: dict[int, dict[str, Any]] = {}
    for pid, series, kind, status, amount, kept, collector, channel, seg in session.execute(
        query
    ).all():
        key = int(series) if series is not None else int(pid)
        group = groups.setdefault(
            key,
            {
                "kind": kind,
                "statuses": [],
                "amount": ZERO,
                "kept": ZERO,
                "collector": collector or UNKNOWN,
                "channel": channel or UNKNOWN,
                "segment": seg or UNKNOWN,
            },
        )
        group["statuses"].append(str(status))
        group["amount"] += Decimal(amount)
        group["kept"] += Decimal(kept or 0)
    settled = []
    for group in groups.values():
        outcome = series_outcome(group["statuses"])
        if outcome is not None:
            settled.append({**group, "outcome": outcome})

    def tally(items: list[dict[str, Any]]) -> dict[str, Any]:
        counts = {s.value: 0 for s in _SETTLED}
        for item in items:
            counts[item["outcome"]] += 1
        amount = sum((i["amount"] for i in items), ZERO)
        kept = sum((i["kept"] for i in items), ZERO)
        return {
            "promises": len(items),
            **counts,
            "kept_rate": _rate(counts["kept"], len(items)),
            "promised_amount": str(amount),
            "kept_amount": str(kept),
        }

    def by(field: str) -> list[dict[str, Any]]:
        values = sorted({str(i[field]) for i in settled})
        return [{field: v, **tally([i for i in settled if str(i[field]) == v])} for v in values]

    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "segment": segment,
        "open": sum(1 for g in groups.values() if series_outcome(g["statuses"]) is None),
        **tally(settled),
        "by_collector": by("collector"),
        "by_channel": by("channel"),
        "by_segment": by("segment"),
        "by_kind": by("kind"),
    }
