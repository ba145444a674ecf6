"""Channel rules: private phones and social apps, field visits, and electronic opt-out notices.

China (CBA 2026): agency staff may not reach debtors from private phones or social apps without
the debtor's consent; a field visit needs at least two collectors and consent to enter a home
or office. US (12 CFR 1006.6(e)): every collection e-mail or text states how to opt out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fairdebt.compliance.rules import Case, Refusal

__all__ = [
    "cn_enter_premises",
    "cn_private_channel",
    "cn_visit_collectors",
    "us_limited_content_message",
    "us_opt_out_notice",
]

# Anything that turns a limited-content message into a communication about the debt.
_DEBT_WORDS = re.compile(
    r"\b(debts?|owe[sd]?|overdue|past[- ]due|balance|collect(ion|or|ing)?|arrears|payment|"
    r"delinquen\w*|default\w*)\b|[$£]\s*\d",
    re.IGNORECASE,
)
_OPT_OUT = re.compile(r"\b(stop|unsubscribe|opt[- ]?out)\b|退订|回复\s*T", re.IGNORECASE)


def _consented(case: Case, channel: str) -> bool:
    return any(c.channel == channel and c.given_at <= case.attempt.at for c in case.consents)


def cn_private_channel(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """An outside agency may not use personal phones or social apps without consent."""
    a = case.attempt
    if not a.by.startswith("agency"):
        return None
    if (a.channel == "social" or a.personal_device) and not _consented(case, a.channel):
        return Refusal({"by": a.by, "channel": a.channel}, None)
    return None


def cn_visit_collectors(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """A field visit needs at least N collectors (CBA 2026 Art. 22); an unknown count fails."""
    a = case.attempt
    least = params["visit_min_collectors"]
    if a.channel != "visit" or (a.collectors is not None and a.collectors >= least):
        return None
    return Refusal({"collectors": "unknown" if a.collectors is None else a.collectors}, None)


def cn_enter_premises(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """No entry to a home, other private place or office without the debtor's consent."""
    a = case.attempt
    if a.purpose != "enter_premises" or _consented(case, "visit"):
        return None
    return Refusal({"purpose": a.purpose}, None)


def us_opt_out_notice(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """An electronic collection message must say how to opt out (STOP, unsubscribe)."""
    a = case.attempt
    if a.channel not in ("email", "sms", "app_push") or not a.text:
        return None
    if a.purpose != "collection" or _OPT_OUT.search(a.text):
        return None
    return Refusal({"channel": a.channel}, None)


def us_limited_content_message(case: Case, params: Mapping[str, Any]) -> Refusal | None:
    """12 CFR 1006.2(j): a voicemail may hold only a limited-content message (business name,
    a person to call, a number, a request to reply); the debt, an amount or a creditor's name
    make it a communication that a third party may hear (1006.6(d))."""
    a = case.attempt
    if not a.voicemail or not a.text:
        return None
    match = _DEBT_WORDS.search(a.text)
    if match is None:
        return None
    return Refusal({"excerpt": match.group(0)}, None)
