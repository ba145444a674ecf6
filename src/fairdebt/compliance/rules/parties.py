"""Who may be contacted: the debtor, and third parties only where the pack's law allows it.

China (GB/T 45251-2025; CBA 2026): designated contacts only when the debtor is shown to be
unreachable, dead or without capacity; never the amount or overdue time; stop when a contact
says no more; never the address book. US (12 CFR 1006.6): the spouse is the consumer; other
third parties only for location information, generally once. UK (CONC 7.9.6R/7.9.7R): no
disclosure to third parties.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fairdebt.compliance.attempts import ContactRecord
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
# A contact who refused, asked not to be contacted again, or replied STOP to a text.
_DECLINED = frozenset({"refused_further_contact", "stop_reply"})
# Debt information in a message to a third party: an amount (5,000元 / 五千块 / ¥5000 /
# $1,200), an overdue time (逾期30天 / 拖了一个月 / 30 days overdue), or any word that says
# there is a debt or that it is late (欠款, 逾期, 还款, 借款, owes, overdue...). GB/T 45251-2025
# allows only asking for the debtor's whereabouts or asking the contact to pass a message.
_CN_NUMBER = "[0-9０-９零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]"
_DEBT_DETAIL = re.compile(
    rf"({_CN_NUMBER}[\d,，.{_CN_NUMBER[1:-1]}]*\s*(元|块|万|rmb|cny|人民币|美元|dollars?|pounds?))"
    r"|([¥￥$£]\s*\d)"
    rf"|((逾期|拖欠?了?|欠了?|超期)\s*{_CN_NUMBER}+\s*(天|日|个月|月|年|周|星期))"
    r"|(欠款|欠钱|欠债|欠费|欠了|拖欠|逾期|债务|未还|没还|还款|还钱|借款|贷款|催收|罚息|违约金)"
    r"|(\b(owes?|owed|owing|debts?|overdue|past[- ]due|arrears|delinquen\w*|balance|loan)\b)",
    re.IGNORECASE,
)


def _reached_debtor(event: ContactRecord) -> bool:
    """The debtor was reached: a call that connected, or anything the debtor sent us."""
    if event.recipient != "debtor":
        return False
    return event.direction == "inbound" or (event.channel == "call" and event.outcome in REACHED)


def debtor_shown_unreachable(case: Case, params: Mapping[str, Any]) -> bool:
    """Dead, without capacity, flagged unreachable, or the history shows it: since the debtor
    was last reached (a connected call, or any contact from the debtor), calls to the debtor
    failed on at least ``unreachable_days`` different local days, ``unreachable_min_attempts``
    calls in all. Three quick failed calls in one morning do not show a debtor unreachable."""
    debtor = case.debtor
    if debtor.unreachable or debtor.incapacitated or "deceased" in debtor.holds:
        return True
    reached = [e.at for e in case.history if _reached_debtor(e)]
    since = max(reached) if reached else None
    failed = [
        e.at
        for e in case.history
        if e.recipient == "debtor"
        and e.direction == "outbound"
        and e.channel == "call"
        and e.outcome in _FAILED
        and (since is None or e.at > since)
    ]
    days = {case.day_of(at) for at in failed}
    return len(failed) >= int(params["unreachable_min_attempts"]) and len(days) >= int(
        params["unreachable_days"]
    )


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
    """A third party who refused, asked not to be contacted again or replied STOP is never
    contacted again, on any channel."""
    a = case.attempt
    if a.recipient == "debtor":
        return None
    for e in case.history:
        if (
            e.outcome in _DECLINED
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
