"""Complaints per 10,000 accounts by cause, root cause, collector and agency, over a period.

The denominators (docs/decisions/complaints.md): by cause and root cause, the loans on book
(disbursed on or before the period's last day); by collector and by agency, the accounts they
contacted in the period (distinct loans on their contact events; a contact naming no loan
counts its borrower once). Complaints are counted by the day they were received (UTC).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fairdebt.complaints.taxonomy import CATEGORIES, ROOT_CAUSES
from fairdebt.models import Collector, Complaint, ContactEvent, Loan

__all__ = ["complaint_rates", "per_10k"]

LENDER = "lender"


def per_10k(count: int, accounts: int) -> str | None:
    """Complaints per 10,000 accounts, two decimals; None without accounts.

    >>> per_10k(3, 12_000)
    '2.50'
    >>> per_10k(1, 0) is None
    True
    """
    if accounts <= 0:
        return None
    rate = Decimal(count) * 10_000 / Decimal(accounts)
    return str(rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    low = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
    return low, dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def complaint_rates(session: Session, *, since: dt.date, until: dt.date) -> dict[str, Any]:
    """The period's complaints, overall and per 10,000 accounts by cause, root cause, collector
    and agency; JSON-ready (rates as decimal strings)."""
    low, high = _bounds(since, until)
    window = (Complaint.received_at >= low, Complaint.received_at < high)
    accounts = int(
        session.scalar(select(func.count(Loan.id)).where(Loan.disbursed_on <= until)) or 0
    )
    rows = session.execute(
        select(
            Complaint.category, Complaint.root_cause, Complaint.collector_id, Complaint.agency
        ).where(*window)
    ).all()
    by_cause: dict[str, int] = {}
    by_root: dict[str, int] = {}
    by_collector: dict[int, int] = {}
    by_agency: dict[str, int] = {}
    for category, root, collector_id, agency in rows:
        by_cause[category] = by_cause.get(category, 0) + 1
        if root is not None:
            by_root[root] = by_root.get(root, 0) + 1
        if collector_id is not None:
            by_collector[int(collector_id)] = by_collector.get(int(collector_id), 0) + 1
        key = f"agency:{agency}" if agency else LENDER
        by_agency[key] = by_agency.get(key, 0) + 1
    account = case(
        (ContactEvent.loan_id.is_not(None), ContactEvent.loan_id), else_=-ContactEvent.borrower_id
    )
    contacted = (
        ContactEvent.at >= low,
        ContactEvent.at < high,
        ContactEvent.channel != "placement",
    )
    worked = dict(
        session.execute(
            select(ContactEvent.collector_id, func.count(func.distinct(account)))
            .where(*contacted, ContactEvent.collector_id.is_not(None))
            .group_by(ContactEvent.collector_id)
        ).all()
    )
    reached = dict(
        session.execute(
            select(ContactEvent.by, func.count(func.distinct(account)))
            .where(*contacted)
            .group_by(ContactEvent.by)
        ).all()
    )
    codes = dict(
        session.execute(
            select(Collector.id, Collector.code).where(Collector.id.in_(list(by_collector)))
        ).all()
    )
    causes = [
        {
            "cause": code,
            "zh": c.zh,
            "en": c.en,
            "complaints": by_cause.get(code, 0),
            "per_10k": per_10k(by_cause.get(code, 0), accounts),
        }
        for code, c in CATEGORIES.items()
    ]
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "accounts": accounts,
        "complaints": len(rows),
        "per_10k": per_10k(len(rows), accounts),
        "by_cause": causes,
        "by_root_cause": [
            {
                "root_cause": code,
                "zh": ROOT_CAUSES[code][0],
                "en": ROOT_CAUSES[code][1],
                "complaints": n,
                "per_10k": per_10k(n, accounts),
            }
            for code, n in sorted(by_root.items())
            if code in ROOT_CAUSES
        ],
        "by_collector": [
            {
                "collector": codes.get(cid, str(cid)),
                "complaints": n,
                "accounts": int(worked.get(cid, 0)),
                "per_10k": per_10k(n, int(worked.get(cid, 0))),
            }
            for cid, n in sorted(by_collector.items())
        ],
        "by_agency": [
            {
                "agency": key,
                "complaints": n,
                "accounts": int(reached.get(key, 0)),
                "per_10k": per_10k(n, int(reached.get(key, 0))),
            }
            for key, n in sorted(by_agency.items())
        ],
    }
