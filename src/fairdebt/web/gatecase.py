"""The gate's case for a borrower, read from the database: history, debtor facts, consents.

The account view asks the gate, before any contact, whether a call or a message may go now and
when next. The facts come from the tables every actor shares: contact events (the lender's,
the agencies', the robots'), holds on the borrower's loans, consents, and the borrower's own
contact preferences (inconvenient times, channels refused, cease). This reader is the web
layer's until :func:`fairdebt.contacts.gate_facts` lands with the collection loop; then
:func:`case_for` should call it, and this module shrinks to the attempt it builds.

A refused channel has no field on the gate's Debtor yet; it is given to the gate as the
borrower's own "stop" reply on that channel (an inbound ``stop_reply``), which the packs that
honour a medium opt-out (US 1006.14(h)) read.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.compliance.attempts import (
    CHANNELS as GATE_CHANNELS,
)
from fairdebt.compliance.attempts import OUTCOMES as GATE_OUTCOMES
from fairdebt.compliance.attempts import RECIPIENTS as GATE_RECIPIENTS
from fairdebt.compliance.attempts import (
    Attempt,
    Consent,
    ContactRecord,
    Debtor,
    TimeRange,
)
from fairdebt.compliance.gate import check
from fairdebt.compliance.verdicts import Verdict
from fairdebt.models import (
    Borrower,
    ContactEvent,
    ContactMethod,
    ContactPreference,
    Hold,
    Loan,
)
from fairdebt.models import Consent as ConsentRow

__all__ = ["HISTORY_DAYS", "ask_gate", "case_for"]

# Every frequency rule looks back at most a week (US: 7 days; CN: a day and a week).
HISTORY_DAYS = 35


def _local_day(at: dt.datetime, zone: str) -> dt.date:
    from zoneinfo import ZoneInfo

    return at.astimezone(ZoneInfo(zone)).date()


def case_for(
    session: Session, *, borrower: Borrower, at: dt.datetime
) -> tuple[tuple[ContactRecord, ...], Debtor, tuple[Consent, ...]]:
    """History, debtor and consents of ``borrower`` as they stand at ``at``."""
    loans = {
        loan_id: external
        for loan_id, external in session.execute(
            select(Loan.id, Loan.external_id).where(Loan.borrower_id == borrower.id)
        )
    }
    since = at - dt.timedelta(days=HISTORY_DAYS)
    events = session.scalars(
        select(ContactEvent)
        .where(
            ContactEvent.borrower_id == borrower.id,
            ContactEvent.at >= since,
            ContactEvent.at <= at,
        )
        .order_by(ContactEvent.at)
    ).all()
    history = [
        ContactRecord(
            at=e.at,
            direction=e.direction,
            channel=e.channel if e.channel in GATE_CHANNELS else "call",
            mode=e.mode if e.mode in ("agent", "robot") else "agent",
            recipient=e.recipient if e.recipient in GATE_RECIPIENTS else "third_party",
            address=e.address,
            debt_ids=(loans[e.loan_id],) if e.loan_id in loans else (),
            by=e.by,
            outcome=e.outcome if e.outcome in GATE_OUTCOMES else "failed",
        )
        for e in events
    ]
    preferences = session.scalars(
        select(ContactPreference).where(
            ContactPreference.borrower_id == borrower.id,
            ContactPreference.set_at <= at,
            (ContactPreference.ended_at.is_(None)) | (ContactPreference.ended_at > at),
        )
    ).all()
    inconvenient = tuple(
        TimeRange(p.from_time, p.to_time)
        for p in preferences
        if p.kind == "inconvenient_time" and p.from_time is not None and p.to_time is not None
    )
    ceased = [p.set_at for p in preferences if p.kind == "cease"]
    for p in preferences:
        if p.kind == "no_channel" and p.channel in GATE_CHANNELS:
            history.append(
                ContactRecord(
                    at=p.set_at, direction="inbound", channel=p.channel, outcome="stop_reply"
                )
            )
    day = _local_day(at, borrower.timezone)
    holds = session.scalars(
        select(Hold.kind).where(
            Hold.loan_id.in_(list(loans) or [-1]),
            Hold.started_on <= day,
            (Hold.ended_on.is_(None)) | (Hold.ended_on > day),
        )
    ).all()
    debtor = Debtor(
        timezone=borrower.timezone,
        inconvenient_times=inconvenient,
        cease_requested_on=_local_day(min(ceased), borrower.timezone) if ceased else None,
        holds=tuple(sorted(set(holds))),
    )
    consents = tuple(
        Consent(
            given_at=c.given_at,
            to=c.party,
            channel=c.channel,
            start=c.starts_at,
            end=c.ends_at,
            debt_ids=(loans[c.loan_id],) if c.loan_id in loans else (),
        )
        for c in session.scalars(
            select(ConsentRow).where(
                ConsentRow.borrower_id == borrower.id,
                ConsentRow.given_at <= at,
                (ConsentRow.withdrawn_at.is_(None)) | (ConsentRow.withdrawn_at > at),
            )
        )
    )
    history.sort(key=lambda r: r.at)
    return tuple(history), debtor, consents


def ask_gate(
    session: Session,
    *,
    borrower: Borrower,
    loan: Loan,
    channel: str,
    at: dt.datetime,
    by: str,
    pack: str,
    mode: str = "agent",
    recipient: str = "debtor",
    text: str | None = None,
) -> Verdict:
    """The gate's verdict on contacting the borrower now by ``channel`` about ``loan``."""
    history, debtor, consents = case_for(session, borrower=borrower, at=at)
    address = session.scalar(
        select(ContactMethod.value).where(
            ContactMethod.borrower_id == borrower.id,
            ContactMethod.owner == "borrower",
            ContactMethod.is_active.is_(True),
        )
    )
    attempt = Attempt(
        at=at,
        channel=channel,
        mode=mode,
        recipient=recipient,
        address=address,
        debt_ids=(loan.external_id,),
        by=by,
        text=text,
    )
    return check(attempt, history, debtor, pack, consents=consents)
