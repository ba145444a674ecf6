"""Stops and holds: things the debtor or the ledger said that pause or end contact.

Holds from fairdebt's ledger (complaint, dispute, hardship, deceased, bankruptcy, legal) stop
collection in every pack. The US adds cease requests, attorney representation (in
:mod:`~fairdebt.compliance.rules.parties`), an employer that forbids calls, medium opt-outs
with one confirmation (cn and uk honour those too), and TCPA consent; the UK adds breathing
space. None of these end by waiting, except a breathing space with a known end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from fairdebt.compliance.rules import Case, Refusal
from fairdebt.compliance.rules.clock import at_local

__all__ = [
    "breathing_space",
    "ledger_holds",
    "medium_opt_out",
    "us_cease_communication",
    "us_employer_forbids",
    "us_tcpa_consent",
]

# Answers the person asked for are not collection: the one opt-out confirmation and a reply.
_ANSWERS = frozenset({"opt_out_confirmation", "reply"})
# A notice that collection is ending (12 CFR 1006.6(c)(2)(i)), recognised in the text when the
# caller did not set purpose=ending_collection.
_ENDING = re.compile(
    r"\b(end(ing)?|terminat(e|ing)|ceas(e|ing)|stop(ping)?|discontinu(e|ing))\s+"
    r"(our\s+|all\s+|further\s+)*collection\b|停止(对您的)?催收|终止催收",
    re.IGNORECASE,
)
_STOPS = frozenset({"stop_reply", "refused_further_contact"})


def ledger_holds(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """A hold on the account (complaint, dispute, hardship, deceased, bankruptcy, legal)
    stops collection contact until the ledger lifts it."""
    holds = sorted(set(case.debtor.holds))
    if not holds or case.attempt.purpose in _ANSWERS:
        return None
    return Refusal({"holds": ", ".join(holds)}, None)


def us_cease_communication(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """12 CFR 1006.6(c): after a written cease or refusal to pay, only say that collection is
    ending or name a remedy; nothing else about the debt."""
    ceased = case.debtor.cease_requested_on
    a = case.attempt
    if ceased is None or case.day < ceased:
        return None
    if a.purpose in ("ending_collection", "remedy_notice", "opt_out_confirmation"):
        return None
    if a.text and a.channel in ("letter", "email") and _ENDING.search(a.text):
        return None
    return Refusal({"cease_requested_on": ceased.isoformat()}, None)


def us_employer_forbids(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """12 CFR 1006.6(b)(3): no contact at the place of employment when the employer forbids it."""
    if case.debtor.employer_forbids_calls and case.attempt.address_kind == "work":
        return Refusal({"address_kind": "work"}, None)
    return None


def medium_opt_out(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """No contact through a medium the person asked us not to use (a STOP reply, "stop
    calling", or a channel refused in the borrower portal), except one confirmation of the
    opt-out in that medium: 12 CFR 1006.14(h) in the US, CONC 7.9.4R in the UK, a house rule
    on Civil Code Art. 1033(1) in China."""
    a = case.attempt
    stops = [
        e.at
        for e in case.history
        if e.channel == a.channel and e.outcome in _STOPS and e.recipient == a.recipient
    ]
    if not stops:
        return None
    last = max(stops)
    if a.purpose == "opt_out_confirmation" and a.channel in ("sms", "email", "app_push"):
        confirmed = any(
            e.direction == "outbound"
            and e.channel == a.channel
            and e.recipient == a.recipient
            and e.at > last
            for e in case.history
        )
        if not confirmed:
            return None
    return Refusal({"channel": a.channel, "opted_out_at": last.isoformat()}, None)


def us_tcpa_consent(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """47 U.S.C. 227(b): a prerecorded or artificial (AI) voice call or automated text to a
    mobile needs prior express consent, and a revocation ends it (honoured at once here,
    inside the FCC's 10 business days)."""
    a = case.attempt
    if a.mode != "robot" or a.channel not in ("call", "sms") or a.recipient == "attorney":
        return None
    if a.purpose == "opt_out_confirmation":
        return None
    revoked = case.debtor.tcpa_revoked_on
    if revoked is not None and case.day >= revoked:
        return Refusal({"consent": f"revoked on {revoked.isoformat()}"}, None)
    if case.debtor.tcpa_consent is not True:
        return Refusal({"consent": "none on file"}, None)
    return None


def breathing_space(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """SI 2020/1311: no contact about the debt during a breathing space: standard, up to 60
    days; mental-health crisis, the crisis treatment plus 30 days."""
    space = case.debtor.breathing_space
    if space is None or case.day < space.started_on or case.attempt.purpose in _ANSWERS:
        return None
    if space.kind == "standard":
        ends_on: dt.date | None = space.started_on + dt.timedelta(
            days=params["breathing_space_standard_days"]
        )
    elif space.treatment_ended_on is not None:
        # The crisis moratorium ends on the day 30 days after treatment ended; that day is
        # still inside it (conservative: RULES.md §7 item 7 leaves the counting open).
        ends_on = space.treatment_ended_on + dt.timedelta(
            days=params["breathing_space_crisis_extra_days"] + 1
        )
    else:
        ends_on = None  # the crisis treatment has not ended: no end date is known yet
    if ends_on is not None and case.day >= ends_on:
        return None
    return Refusal(
        {
            "kind": space.kind,
            "started_on": space.started_on.isoformat(),
            "ends_on": "unknown" if ends_on is None else ends_on.isoformat(),
        },
        None if ends_on is None else at_local(ends_on, dt.time(0), case.day_zone),
    )
