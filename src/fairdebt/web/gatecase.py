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

from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.compliance.attempts import Attempt, Consent, ContactRecord, Debtor
from fairdebt.compliance.batch.fallback import consent_object, debtor_object, record_object
from fairdebt.compliance.batch.tables import DEBTOR_DEFAULTS, HISTORY_DEFAULTS, filled
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
    history = filled(tables.history, HISTORY_DEFAULTS, "history")
    debtors = filled(tables.debtors, DEBTOR_DEFAULTS, "debtors").to_dict("records")
    consents = tables.consents
    return (
        tuple(record_object(row) for row in history.to_dict("records")),
        debtor_object(debtors[0]) if debtors else Debtor(timezone=borrower.timezone),
        tuple(consent_object(row) for row in consents.to_dict("records")),
    )


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
    history, debtor, consents = case_for(session, borrower=borrower, at=at, by=by)
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
