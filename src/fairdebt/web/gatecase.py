"""The gate's case for a borrower, read from the database: history, debtor facts, consents.

The account view asks the gate, before any contact, whether a call or a message may go now and
when next. The facts are the collection loop's own, from :func:`fairdebt.contacts.gate_facts`:
contact events of every actor (the lender's, the agencies', the robots'), holds on the
borrower's loans (a live promise and a hold scoped to the asking actor included), consents,
and the borrower's own contact preferences (inconvenient times, cease, and each refused channel
as the borrower's own stop reply on it, which every pack's opt-out rule honours).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.compliance.attempts import Attempt, Consent, ContactRecord, Debtor, TimeRange
from fairdebt.compliance.batch.tables import as_list, text_or_none
from fairdebt.compliance.gate import check
from fairdebt.compliance.verdicts import Verdict
from fairdebt.contacts import gate_facts
from fairdebt.models import Borrower, ContactMethod, Loan

__all__ = ["HISTORY_DAYS", "ask_gate", "case_for"]

# Every frequency rule looks back at most a week (US: 7 days; CN: a day and a week).
HISTORY_DAYS = 35


def case_for(
    session: Session, *, borrower: Borrower, at: dt.datetime, by: str | None = None
) -> tuple[tuple[ContactRecord, ...], Debtor, tuple[Consent, ...]]:
    """History, debtor and consents of ``borrower`` at ``at``, for a contact ``by`` that actor:
    the collection loop's own facts (:func:`fairdebt.contacts.gate_facts`), so the account
    view and the daily plan can never disagree."""
    tables = gate_facts(session, [borrower.id], at=at, days=HISTORY_DAYS, by=by)
    # one borrower's few rows, read column by column: a page asks on every view, and the
    # batch fallback's whole-record conversion cost more than the reading
    h = tables.history
    history = tuple(
        ContactRecord(
            at=moment.to_pydatetime(),
            direction=str(direction),
            channel=str(channel),
            mode=str(mode),
            recipient=str(recipient),
            address=text_or_none(address),
            debt_ids=() if text_or_none(debt) is None else (str(debt),),
            by=str(actor),
            outcome=str(outcome),
        )
        for moment, direction, channel, mode, recipient, address, debt, actor, outcome in zip(
            h["at"],
            h["direction"],
            h["channel"],
            h["mode"],
            h["recipient"],
            h["address"],
            h["debt_id"],
            h["by"],
            h["outcome"],
            strict=True,
        )
    )
    d = tables.debtors
    debtor = (
        Debtor(timezone=borrower.timezone)
        if d.empty
        else Debtor(
            timezone=text_or_none(d["timezone"].iloc[0]),
            inconvenient_times=tuple(
                TimeRange(dt.time.fromisoformat(a), dt.time.fromisoformat(b))
                for a, b in as_list(d["inconvenient_times"].iloc[0])
            ),
            cease_requested_on=_day(d["cease_requested_on"].iloc[0]),
            holds=tuple(as_list(d["holds"].iloc[0])),
        )
    )
    c = tables.consents
    consents = tuple(
        Consent(
            given_at=given.to_pydatetime(),
            to=str(party or "collector"),
            channel=text_or_none(channel),
            start=None if pd.isna(start) else start.to_pydatetime(),
            end=None if pd.isna(end) else end.to_pydatetime(),
            debt_ids=() if text_or_none(debt) is None else (str(debt),),
        )
        for given, party, channel, start, end, debt in zip(
            c["given_at"],
            c["to"],
            c["channel"],
            c["from"],
            c["to_time"],
            c["debt_id"],
            strict=True,
        )
    )
    return history, debtor, consents


def _day(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    return value if isinstance(value, dt.date) else pd.Timestamp(value).date()


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
    case: tuple[tuple[ContactRecord, ...], Debtor, tuple[Consent, ...]] | None = None,
) -> Verdict:
    """The gate's verdict on contacting the borrower now by ``channel`` about ``loan``;
    ``case`` is :func:`case_for`'s answer when the caller asks about several channels."""
    history, debtor, consents = (
        case if case is not None else case_for(session, borrower=borrower, at=at, by=by)
    )
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
