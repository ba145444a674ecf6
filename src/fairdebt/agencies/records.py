"""Agency contact records flowing back into the ledger, each judged by the one gate.

GB/T 45251-2025 (RULES.md §1(a)(v)): the lender and its agencies record the whole collection
process, and an agency hands the lender complete records. An agency's file of contacts comes in
here, in time order, one contact at a time: the gate is asked about each as an attempt ``by``
``agency:NAME`` against the history of every actor (the lender, robots, every agency) from
:func:`fairdebt.contacts.gate_case`, which already holds the contacts recorded before it, so
person-level caps are shared. Every contact is then recorded, because it happened: through
:func:`fairdebt.contacts.record_contact_event` (``contact.recorded``) with the gate's verdict on
the row (``gate_allowed``, ``gate_rule``), and the verdict with its evidence, screening findings
included, through :func:`fairdebt.compliance.gate.record_decision` (``contact.allowed`` or
``contact.refused``). A contact made by someone who is not the agency's registered staff, or
about a loan the agency did not hold then, is recorded too and counted in the summary.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fairdebt.compliance.attempts import (
    CHANNELS,
    FIRST_YEAR,
    LAST_YEAR,
    OUTCOMES,
    PURPOSES,
    RECIPIENTS,
    Attempt,
)
from fairdebt.compliance.gate import check, record_decision
from fairdebt.compliance.packs import get_pack
from fairdebt.compliance.verdicts import Verdict
from fairdebt.contacts import RESULTS, gate_case, record_contact_event
from fairdebt.errors import InputError, UnknownRecord
from fairdebt.models import Agency, Borrower, Collector, Loan, Placement

__all__ = ["AgencyContact", "ImportSummary", "read_contact", "record_agency_contacts"]

_TRUE, _FALSE = (
    frozenset({"1", "true", "yes", "y", "是"}),
    frozenset({"0", "false", "no", "n", "否"}),
)


@dataclass(frozen=True, slots=True)
class AgencyContact:
    """One contact an agency reports: who, when, how, with what outcome, by which staff."""

    borrower: str  # external id
    at: dt.datetime
    channel: str
    outcome: str
    collector: str  # the staff member's code
    loan: str | None = None  # external id
    direction: str = "outbound"
    mode: str = "agent"
    recipient: str = "debtor"
    address: str | None = None
    purpose: str = "collection"
    text: str | None = None
    right_party: bool | None = None
    result: str | None = None
    template: str | None = None
    personal_device: bool = False
    collectors: int | None = None


@dataclass(slots=True)
class ImportSummary:
    """What an import recorded: event ids, refusals by rule and the records out of line."""

    agency: str
    event_ids: list[int] = field(default_factory=list)
    refused: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    findings: int = 0
    not_placed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "recorded": len(self.event_ids),
            "allowed": len(self.event_ids) - self.refused,
            "refused": self.refused,
            "refused_by_rule": dict(sorted(self.by_rule.items())),
            "screening_findings": self.findings,
            "not_placed": self.not_placed,
        }


def _choice(values: Mapping[str, str], name: str, allowed: Any, default: str, record: str) -> str:
    value = (values.get(name) or "").strip() or default
    if value not in allowed:
        raise InputError(
            f"must be one of {', '.join(sorted(allowed))} (got {value!r})",
            record=record,
            field=name,
        )
    return value


def _flag(values: Mapping[str, str], name: str, record: str) -> bool | None:
    value = (values.get(name) or "").strip().lower()
    if not value:
        return None
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    raise InputError(f"must be true or false (got {value!r})", record=record, field=name)


def _text(values: Mapping[str, str], name: str) -> str | None:
    value = (values.get(name) or "").strip()
    return value or None


def read_contact(values: Mapping[str, str], record: str) -> AgencyContact:
    """One contact from a row of text values (a CSV line), or InputError naming the field."""
    for name in ("borrower", "at", "channel", "outcome", "collector"):
        if not (values.get(name) or "").strip():
            raise InputError("is required", record=record, field=name)
    try:
        at = dt.datetime.fromisoformat(values["at"].strip())
    except ValueError:
        raise InputError(
            f"must be an ISO 8601 time with offset (got {values['at']!r})",
            record=record,
            field="at",
        ) from None
    if at.tzinfo is None:
        raise InputError(
            f"must carry a UTC offset (got {values['at']!r})", record=record, field="at"
        )
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        # the gate counts days and weeks either side: year 1 or 9999 runs off the calendar
        raise InputError(
            f"the year must be {FIRST_YEAR} to {LAST_YEAR} (got {values['at']!r})",
            record=record,
            field="at",
        )
    raw_collectors = _text(values, "collectors")
    if raw_collectors is not None and not raw_collectors.isdigit():
        raise InputError(
            f"must be a whole number (got {raw_collectors!r})", record=record, field="collectors"
        )
    return AgencyContact(
        borrower=values["borrower"].strip(),
        at=at,
        channel=_choice(values, "channel", CHANNELS, "", record),
        outcome=_choice(values, "outcome", OUTCOMES, "", record),
        collector=values["collector"].strip(),
        loan=_text(values, "loan"),
        direction=_choice(values, "direction", ("outbound", "inbound"), "outbound", record),
        mode=_choice(values, "mode", ("agent", "robot"), "agent", record),
        recipient=_choice(values, "recipient", RECIPIENTS, "debtor", record),
        address=_text(values, "address"),
        purpose=_choice(values, "purpose", PURPOSES, "collection", record),
        text=_text(values, "text"),
        right_party=_flag(values, "right_party", record),
        result=None
        if _text(values, "result") is None
        else _choice(values, "result", RESULTS, "", record),
        template=_text(values, "template"),
        personal_device=bool(_flag(values, "personal_device", record)),
        collectors=None if raw_collectors is None else int(raw_collectors),
    )


def _ids(session: Session, model: Any, external_ids: set[str], field_name: str) -> dict[str, int]:
    found: dict[Any, Any] = dict(
        session.execute(
            select(model.external_id, model.id).where(model.external_id.in_(sorted(external_ids)))
        ).all()
    )
    missing = sorted(external_ids - set(found))
    if missing:
        raise UnknownRecord(f"no {field_name} has external id {missing[0]!r}", field=field_name)
    return {str(k): int(v) for k, v in found.items()}


def _staff(session: Session, agency: Agency, codes: set[str]) -> dict[str, int]:
    rows = session.execute(
        select(Collector.code, Collector.id, Collector.agency).where(
            Collector.code.in_(sorted(codes))
        )
    ).all()
    staff = {str(code): int(i) for code, i, owner in rows if owner == agency.name}
    strangers = sorted(codes - set(staff))
    if strangers:
        raise UnknownRecord(
            f"{strangers[0]!r} is not registered staff of agency {agency.name!r} "
            "(`fairdebt agencies staff` registers them)",
            field="collector",
        )
    return staff


def _is_placed(session: Session, agency: Agency, loan_id: int | None, on: dt.date) -> bool:
    if loan_id is None:
        return True
    found = session.scalar(
        select(Placement.id).where(
            Placement.agency_id == agency.id,
            Placement.loan_id == loan_id,
            Placement.placed_on <= on,
            or_(Placement.recalled_on.is_(None), Placement.recalled_on > on),
        )
    )
    return found is not None


def _findings(verdict: Verdict) -> int:
    """Screening findings in a verdict: reasons and notes that point at a span of the text."""
    return sum(1 for r in (*verdict.reasons, *verdict.notes) if "excerpt" in r.evidence)


def record_agency_contacts(
    session: Session,
    *,
    agency: Agency,
    contacts: Sequence[AgencyContact],
    actor: str,
    at: dt.datetime,
    pack: str = "cn",
) -> ImportSummary:
    """Judge and record an agency's contacts in time order; ``at`` is when the gate judged."""
    by = f"agency:{agency.name}"
    rules = get_pack(pack)
    borrowers = _ids(session, Borrower, {c.borrower for c in contacts}, "borrower")
    loans = _ids(session, Loan, {c.loan for c in contacts if c.loan}, "loan")
    staff = _staff(session, agency, {c.collector for c in contacts})
    summary = ImportSummary(agency.name)
    for contact in sorted(contacts, key=lambda c: c.at):
        borrower_id = borrowers[contact.borrower]
        loan_id = None if contact.loan is None else loans[contact.loan]
        attempt = Attempt(
            at=contact.at,
            channel=contact.channel,
            mode=contact.mode,
            recipient=contact.recipient,
            address=contact.address,
            debt_ids=() if contact.loan is None else (contact.loan,),
            by=by,
            purpose=contact.purpose,
            collectors=contact.collectors,
            text=contact.text,
            personal_device=contact.personal_device,
        )
        verdict = None
        if contact.direction == "outbound":
            history, debtor, consents = gate_case(
                session, borrower_id=borrower_id, at=contact.at, by=by
            )
            verdict = check(attempt, history, debtor, rules, consents=consents)
        event = record_contact_event(
            session,
            borrower_id=borrower_id,
            loan_id=loan_id,
            at=contact.at,
            direction=contact.direction,
            channel=contact.channel,
            recipient=contact.recipient,
            outcome=contact.outcome,
            mode=contact.mode,
            by=by,
            address=contact.address,
            purpose=contact.purpose,
            text=contact.text,
            actor=actor,
        )
        event.actor_kind = "robot" if contact.mode == "robot" else "agency"
        event.collector_id = staff[contact.collector]
        event.template = contact.template
        event.right_party = contact.right_party
        event.result = contact.result
        event.gate_allowed = verdict is None or verdict.allowed
        event.gate_rule = None if verdict is None else verdict.first_rule
        session.flush()
        summary.event_ids.append(int(event.id))
        if not _is_placed(session, agency, loan_id, contact.at.astimezone(dt.UTC).date()):
            summary.not_placed += 1
        if verdict is None:
            continue
        record_decision(
            session,
            verdict=verdict,
            attempt=attempt,
            actor=actor,
            at=at,
            pack=rules,
            entity_id=event.id,
        )
        summary.findings += _findings(verdict)
        if not verdict.allowed:
            summary.refused += 1
            summary.by_rule[verdict.first_rule or "?"] += 1
    return summary
