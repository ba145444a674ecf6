"""The compliance officer's desk: gate refusals by rule, screening findings, complaints and their
response deadlines, agency scorecards, and the audit chain's status.

Everything is read from the tables and the audit log over the last :data:`WINDOW_DAYS` days up
to the latest closed business date: refusals from the plan (``decision`` rows the gate
refused), from HTTP gate calls (``contact.refused`` entries) and contacts made against the gate
(``contact_event.gate_allowed`` false); findings from ``message.screened`` entries. The
complaint deadline is the lender's response policy (``complaint_response_days``, 15 by
default): GB/T 45251-2025 §5.6 sets complaint handling, but its deadline was not retrieved
(../shared/regulations/RULES.md, item viii), so no legal number is claimed here.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fairdebt import audit
from fairdebt.models import (
    AuditEntry,
    AuditHead,
    Collector,
    Complaint,
    ContactEvent,
    Decision,
    DecisionStatus,
)
from fairdebt.users import Role
from fairdebt.web.charts import bars
from fairdebt.web.pages.forms import web_of
from fairdebt.web.rendering import person, render

__all__ = ["agency_scorecards", "router"]

router = APIRouter(include_in_schema=False)
ROLES = (Role.COMPLIANCE, Role.ADMIN)
WINDOW_DAYS = 30
MAX_ENTRIES = 20_000
RECHECK = dt.timedelta(minutes=5)


def _entries(session: Session, action: str, since: dt.datetime) -> list[dict[str, Any]]:
    texts = session.scalars(
        select(AuditEntry.data)
        .where(AuditEntry.action == action, AuditEntry.at >= since)
        .order_by(AuditEntry.seq.desc())
        .limit(MAX_ENTRIES)
    ).all()
    return [json.loads(t) for t in texts]


def agency_scorecards(session: Session, *, since: dt.datetime) -> list[dict[str, Any]]:
    """Per agency: staff, cases, contacts, right-party and promise rates, contacts against the
    gate and complaints about its contacts, since ``since``."""
    agencies = [
        str(a)
        for a in session.scalars(
            select(Collector.agency).where(Collector.agency.is_not(None)).distinct()
        )
    ]
    cards = []
    for agency in sorted(agencies):
        staff = session.scalar(select(func.count()).where(Collector.agency == agency)) or 0
        cases = (
            session.scalar(
                select(func.count(func.distinct(Decision.loan_id)))
                .join(Collector, Collector.id == Decision.collector_id)
                .where(Collector.agency == agency, Decision.business_date >= since.date())
            )
            or 0
        )
        by = f"agency:{agency}"
        contacts, rpc, ptp, bypass = session.execute(
            select(
                func.count(),
                func.sum(case((ContactEvent.right_party.is_(True), 1), else_=0)),
                func.sum(case((ContactEvent.result == "ptp", 1), else_=0)),
                func.sum(case((ContactEvent.gate_allowed.is_(False), 1), else_=0)),
            ).where(ContactEvent.by == by, ContactEvent.at >= since)
        ).one()
        complaints = (
            session.scalar(
                select(func.count())
                .select_from(Complaint)
                .join(ContactEvent, ContactEvent.id == Complaint.contact_event_id)
                .where(ContactEvent.by == by, Complaint.received_at >= since)
            )
            or 0
        )
        contacts = int(contacts or 0)
        cards.append(
            {
                "agency": agency,
                "staff": int(staff),
                "cases": int(cases),
                "contacts": contacts,
                "rpc_rate": (int(rpc or 0) / contacts) if contacts else None,
                "ptp_rate": (int(ptp or 0) / int(rpc)) if rpc else None,
                "against_gate": int(bypass or 0),
                "complaints": int(complaints),
            }
        )
    return cards


@router.get("/compliance")
def desk(request: Request) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        person(request, session, *ROLES)
        now = web.now()
        day = web.business_date(session)
        since_day = day - dt.timedelta(days=WINDOW_DAYS)
        # the window follows the business date (a replayed or simulated book has its own
        # calendar); anything recorded after its start counts, live HTTP calls included
        since = dt.datetime.combine(since_day, dt.time(), tzinfo=dt.UTC)
        refusals: Counter[str] = Counter()
        for rule, count in session.execute(
            select(Decision.gate_rule, func.count())
            .where(Decision.status == DecisionStatus.REFUSED, Decision.business_date > since_day)
            .group_by(Decision.gate_rule)
        ):
            refusals[rule or "?"] += int(count)
        for data in _entries(session, "contact.refused", since):
            reasons = data.get("reasons") or [{}]
            refusals[str(reasons[0].get("rule", "?"))] += 1
        against = list(
            session.execute(
                select(ContactEvent.gate_rule, ContactEvent.by, func.count())
                .where(ContactEvent.gate_allowed.is_(False), ContactEvent.at >= since)
                .group_by(ContactEvent.gate_rule, ContactEvent.by)
                .order_by(func.count().desc())
            )
        )
        findings: Counter[tuple[str, str]] = Counter()
        phrases: dict[tuple[str, str], str] = {}
        verdicts: Counter[str] = Counter()
        for data in _entries(session, "message.screened", since):
            for message in data.get("messages", []):
                verdicts[message.get("verdict", "?")] += 1
                for f in message.get("findings", []):
                    key = (f.get("rule", "?"), f.get("category", "?"))
                    findings[key] += 1
                    phrases.setdefault(key, f.get("phrase", ""))
        complaints = session.scalars(
            select(Complaint).order_by(Complaint.status, Complaint.received_at).limit(200)
        ).all()
        scorecards = agency_scorecards(session, since=since)
    days = web.config.complaint_response_days
    listed = [
        {
            "c": c,
            "deadline": c.received_at + dt.timedelta(days=days),
            "overdue": c.status == "open" and c.received_at + dt.timedelta(days=days) < now,
        }
        for c in complaints
    ]
    ranked = refusals.most_common(12)
    return render(
        request,
        "compliance.html",
        {
            "refusals": ranked,
            "refusal_chart": bars(
                [r for r, _ in ranked], [n for _, n in ranked], label="refusals by rule"
            ),
            "against": against,
            "findings": [
                (rule, cat, n, phrases[(rule, cat)]) for (rule, cat), n in findings.most_common(20)
            ],
            "verdicts": dict(verdicts),
            "complaints": listed,
            "overdue": sum(1 for c in listed if c["overdue"]),
            "response_days": days,
            "scorecards": scorecards,
            "window_days": WINDOW_DAYS,
        },
    )


@router.get("/compliance/audit")
def audit_chain(request: Request) -> Response:
    web = web_of(request)
    with web.transaction() as session:
        person(request, session, *ROLES)
        head = session.get(AuditHead, 1)
        last = (head.last_seq, head.last_hash) if head is not None else (0, "")
        cached = web.cache.get(("audit", last))
        # an edit in the middle of the chain leaves the head alone: check again every few
        # minutes even when nothing was appended
        if cached is None or web.now() - cached[2] > RECHECK:
            began = time.perf_counter()
            result = audit.verify(session)
            cached = (result, time.perf_counter() - began, web.now())
            web.cache[("audit", last)] = cached
        counts = list(
            session.execute(
                select(AuditEntry.action, func.count())
                .where(AuditEntry.seq > max(last[0] - 5000, 0))
                .group_by(AuditEntry.action)
                .order_by(func.count().desc())
            )
        )
    result, seconds, checked_at = cached
    return render(
        request,
        "audit.html",
        {
            "result": result,
            "seconds": seconds,
            "checked_at": checked_at,
            "last": last,
            "counts": counts,
        },
    )
