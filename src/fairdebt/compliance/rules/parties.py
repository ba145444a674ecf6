"""Who may be contacted: the debtor, and third parties only where the pack's law allows it.

China (GB/T 45251-2025; CBA 2026): designated contacts only when the debtor is shown to be
unreachable, dead or without capacity; never the amount or overdue time; stop when a contact
says no more; never the address book. US (12 CFR 1006.6): the spouse is the consumer; other
third parties only for location information, generally once. UK (CONC 7.9.6R/7.9.7R): no
disclosure to third parties.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from fairdebt.compliance.rules import REACHED, Case, Refusal, person_key

__all__ = [
    "cn_address_book",
    "cn_contact_declined",
    "cn_contact_only_when_unreachable",
    "cn_disclosure_to_contact",
    "cn_unrelated_third_party",
    "debtor_shown_unreachable",
    "offered_to_repay",
    "public_posting",
    "uk_third_party",
    "us_attorney_represented",
    "us_location_once",
    "us_third_party",
]

_CN_CONTACTS = frozenset({"contact", "spouse"})
_FAILED = frozenset({"no_answer", "voicemail", "busy", "failed"})
# An amount or an overdue time in a message: 5,000元 / ¥5000 / $1,200 / 逾期30天 / 30 days overdue.
_DEBT_DETAIL = re.compile(
    r"(\d[\d,，.]*\s*(元|块|万|rmb|cny|人民币))|([¥￥$£]\s*\d)|(逾期\s*\d+\s*(天|日|个月|月))"
    r"|(欠(款|钱|债)?\s*\d)|(\d+\s*days?\s+(overdue|past due|late))|(\bowes?\b)",
    re.IGNORECASE,
)


def debtor_shown_unreachable(case: Case, params: Mapping[str, Any]) -> bool:
    """Dead, without capacity, flagged unreachable, or the history shows it: at least
    ``unreachable_min_attempts`` failed calls to the debtor in the last ``unreachable_days``
    days and no call that reached the debtor nor any contact from the debtor since then."""
    debtor = case.debtor
    if debtor.unreachable or debtor.incapacitated or "deceased" in debtor.holds:
        return True
    since = case.attempt.at - dt.timedelta(days=params["unreachable_days"])
    recent = [e for e in case.history if e.recipient == "debtor" and e.at >= since]
    if any(e.direction == "inbound" or e.outcome in REACHED for e in recent):
        return False
    failed = sum(
        1
        for e in recent
        if e.direction == "outbound" and e.channel == "call" and e.outcome in _FAILED
    )
    return failed >= int(params["unreachable_min_attempts"])


def offered_to_repay(case: Case) -> bool:
    """Whether this contact has clearly offered to repay for the debtor (GB/T: the information
    needed for repayment may then be given)."""
    a = case.attempt
    return any(
        e.outcome == "offered_to_repay"
        and e.recipient == a.recipient
        and (a.address is None or e.address in (None, a.address))
        for e in case.history
    )


def cn_contact_only_when_unreachable(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """A designated contact (or a spouse) may be reached only when the debtor cannot be."""
    a = case.attempt
    if a.recipient not in _CN_CONTACTS or offered_to_repay(case):
        return None
    if debtor_shown_unreachable(case, params):
        return None
    return Refusal({"recipient": a.recipient}, None)


def cn_unrelated_third_party(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """Employers and other third parties are not designated contacts: never collect from them."""
    a = case.attempt
    if a.recipient in ("employer", "third_party"):
        return Refusal({"recipient": a.recipient}, None)
    return None


def cn_address_book(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """Messaging the borrower's address book (爆通讯录) is outside every allowed case."""
    if case.attempt.recipient == "address_book":
        return Refusal({"recipient": "address_book"}, None)
    return None


def cn_contact_declined(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """A third party who refused or asked not to be contacted again is never contacted again."""
    a = case.attempt
    if a.recipient == "debtor":
        return None
    for e in case.history:
        if (
            e.outcome == "refused_further_contact"
            and e.recipient == a.recipient
            and (a.address is None or e.address is None or e.address == a.address)
        ):
            return Refusal({"recipient": a.recipient, "declined_at": e.at.isoformat()}, None)
    return None


def cn_disclosure_to_contact(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """A message to anyone but the debtor must not carry the amount or the overdue time."""
    a = case.attempt
    if a.recipient in ("debtor", "attorney") or not a.text or offered_to_repay(case):
        return None
    match = _DEBT_DETAIL.search(a.text)
    if match is None:
        return None
    return Refusal(
        {
            "recipient": a.recipient,
            "excerpt": match.group(0),
            "start": match.start(),
            "end": match.end(),
        },
        None,
    )


def public_posting(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """Nothing the public or the person's social contacts can see (US 1006.22(f)(4); CBA ban
    on public notices; CONC 7.9.7R public embarrassment)."""
    if case.attempt.is_public:
        return Refusal({"channel": case.attempt.channel}, None)
    return None


def us_third_party(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """Only the consumer (spouse included) or the consumer's attorney, except location calls."""
    a = case.attempt
    if a.recipient in ("debtor", "spouse", "attorney"):
        return None
    if a.purpose == "location" and a.recipient not in ("address_book", "employer"):
        return None
    return Refusal({"recipient": a.recipient}, None)


def us_location_once(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """FDCPA § 804(3): a person is generally asked for location information only once."""
    a = case.attempt
    if a.purpose != "location" or a.recipient in ("debtor", "spouse", "attorney"):
        return None
    me = person_key(a.recipient, a.address)
    for e in case.history:
        if (
            e.direction == "outbound"
            and person_key(e.recipient, e.address) == me
            and e.outcome in REACHED
        ):
            return Refusal({"recipient": a.recipient, "earlier_at": e.at.isoformat()}, None)
    return None


def us_attorney_represented(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """12 CFR 1006.6(b)(2): once the consumer has an attorney for the debt, talk to the
    attorney, not the consumer."""
    a = case.attempt
    if case.debtor.attorney_represented and a.recipient in ("debtor", "spouse"):
        return Refusal({"recipient": a.recipient}, None)
    return None


def uk_third_party(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """CONC 7.9.6R/7.9.7R: no contact that discloses the debt to anyone but the customer (or
    the customer's adviser or solicitor)."""
    a = case.attempt
    if a.recipient in ("debtor", "attorney"):
        return None
    return Refusal({"recipient": a.recipient}, None)
