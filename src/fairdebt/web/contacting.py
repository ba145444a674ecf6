"""Recording a contact from the web: the event, what it completed, and the promise made in it.

The dialer's report (``POST /v1/contacts``) and the collector's "log a contact" form both land
here. The event is written by :func:`fairdebt.contacts.record_contact_event` (with its audit
entry); the collection-loop columns (actor kind, collector, decision, action, template, the
gate's verdict, right party, result) are passed to the verb when it takes them and otherwise
set on the row it returns, in the same transaction. A decision the contact carried out is
marked done (:func:`fairdebt.workqueues.complete`); a promise made in it is recorded through
the ledger with the event named, and a ``promise.recorded`` webhook is queued.
"""

from __future__ import annotations

import datetime as dt
import inspect
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fairdebt import webhooks
from fairdebt.contacts import record_contact_event
from fairdebt.errors import InputError
from fairdebt.ledger.promises import record_promise
from fairdebt.models import AppUser, Borrower, ContactEvent, Decision, Loan, Promise
from fairdebt.users import Role
from fairdebt.workqueues import complete

__all__ = ["LOOP_FIELDS", "RESULTS", "report_contact"]

RESULTS = (
    "ptp",
    "refused_to_pay",
    "refused_to_talk",
    "dispute",
    "callback",
    "wrong_party",
    "no_result",
)
LOOP_FIELDS = (
    "actor_kind",
    "collector_id",
    "decision_id",
    "action",
    "template",
    "gate_allowed",
    "gate_rule",
    "right_party",
    "result",
)
_VERB_TAKES = frozenset(inspect.signature(record_contact_event).parameters)


def _actor_kind(user: AppUser, mode: str) -> str:
    if mode == "robot":
        return "robot"
    if user.role == Role.AGENCY:
        return "agency"
    return "collector"


def report_contact(
    session: Session,
    *,
    user: AppUser,
    borrower: Borrower,
    loan: Loan | None,
    fields: dict[str, Any],
    collector_id: int | None,
    promise: dict[str, Any] | None,
    at: dt.datetime,
) -> tuple[ContactEvent, Promise | None, int]:
    """Write the event (and promise); returns them and the number of webhooks queued."""
    decision_id = fields.get("decision_id")
    if decision_id is not None:
        decision = session.get(Decision, decision_id)
        if decision is None or decision.borrower_id != borrower.id:
            raise InputError(
                f"borrower {borrower.external_id} has no decision {decision_id}",
                field="decision_id",
            )
    by = f"agency:{user.agency}" if user.role == Role.AGENCY else "lender"
    loop = {
        "actor_kind": _actor_kind(user, fields.get("mode", "agent")),
        "collector_id": collector_id,
        "decision_id": decision_id,
        "action": fields.get("action"),
        "template": fields.get("template"),
        "gate_allowed": fields.get("gate_allowed", True),
        "gate_rule": fields.get("gate_rule"),
        "right_party": fields.get("right_party"),
        "result": fields.get("result"),
    }
    passed = {k: v for k, v in loop.items() if k in _VERB_TAKES}
    event = record_contact_event(
        session,
        borrower_id=borrower.id,
        loan_id=None if loan is None else loan.id,
        at=fields["at"],
        direction=fields.get("direction", "outbound"),
        channel=fields["channel"],
        recipient=fields.get("recipient", "debtor"),
        outcome=fields["outcome"],
        mode=fields.get("mode", "agent"),
        by=by,
        address=fields.get("address"),
        purpose=fields.get("purpose"),
        text=fields.get("text"),
        actor=f"user:{user.name}",
        **passed,
    )
    for name, value in loop.items():
        if name not in passed:
            setattr(event, name, value)
    session.flush()
    if decision_id is not None:
        complete(
            session,
            decision_id=decision_id,
            contact_event_id=event.id,
            actor=f"user:{user.name}",
            at=at,
        )
    made = None
    queued = 0
    if promise is not None:
        if loan is None:
            raise InputError("a promise needs the loan it is on", field="loan")
        made = record_promise(
            session,
            loan_id=loan.id,
            amount=Decimal(promise["amount"]),
            due_on=promise["due_on"],
            promised_on=fields["at"].astimezone(dt.UTC).date(),
            actor=f"user:{user.name}",
            at=at,
        )
        made.contact_event_id = event.id
        session.flush()
        queued = len(
            webhooks.enqueue(
                session,
                event="promise.recorded",
                data={
                    "promise_id": made.id,
                    "loan": loan.external_id,
                    "amount": str(made.amount),
                    "due_on": made.due_on.isoformat(),
                    "contact_event_id": event.id,
                },
                at=at,
            )
        )
    return event, made, queued
