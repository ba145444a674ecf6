"""The ``uk`` pack: FCA CONC 7 and the Debt Respite Scheme (England and Wales).

CONC gives no hours and no counts; the 08:00–21:00 window is house policy borrowed from MCOB
13.5.4G, and the daily and weekly contact caps are house numbers (RULES.md §3.3).
"""

from __future__ import annotations

from types import MappingProxyType

from fairdebt.compliance.packs import Pack, hhmm
from fairdebt.compliance.rules import Rule, frequency, hours, parties, stops

__all__ = ["make_pack"]

RULES = (
    Rule(
        "uk.hours.house_window",
        "CONC 7.9.4R; house window from MCOB 13.5.4G",
        "P",
        "当地时间 {local_time}（{zone}）不在内部规定的 "
        "{window_start:%H:%M}–{window_end:%H:%M} 之内",
        "{local_time} local time ({zone}) is outside the house window "
        "{window_start:%H:%M}–{window_end:%H:%M}",
        hours.quiet_hours,
        basis="house",
    ),
    Rule(
        "uk.hours.customer_request",
        "CONC 7.9.4R",
        "P",
        "客户已要求 {from}–{to} 不要联系（当地 {local_time}）",
        "the customer asked not to be contacted {from}–{to} (local {local_time})",
        hours.known_inconvenient_times,
    ),
    Rule(
        "uk.contacts.per_day",
        "CONC 7.9.4R; MCOB 13.5.3R by analogy; house cap",
        "P",
        "今日已联系客户 {count} 次，内部上限 {cap} 次",
        "{count} contacts with the customer today; the house cap is {cap}",
        frequency.daily_contacts,
        basis="house",
    ),
    Rule(
        "uk.contacts.per_7_days",
        "CONC 7.9.4R; MCOB 13.5.3R by analogy; house cap",
        "P",
        "{window} 内已联系客户 {count} 次，内部上限 {cap} 次",
        "{count} contacts with the customer in {window}; the house cap is {cap}",
        frequency.weekly_contacts,
        basis="house",
    ),
    Rule(
        "uk.texts.per_day",
        "CONC 7.9.4R; house cap",
        "P",
        "今日已发送 {count} 条短信，内部上限 {cap} 条",
        "{count} texts to this person today; the house cap is {cap}",
        frequency.daily_texts,
        basis="house",
    ),
    Rule(
        "uk.parties.third_party",
        "CONC 7.9.6R; CONC 7.9.7R",
        "P",
        "不得向第三方（{recipient}）披露债务",
        "no disclosure of the debt to a third party ({recipient})",
        parties.uk_third_party,
    ),
    Rule(
        "uk.parties.public",
        "CONC 7.9.7R",
        "P",
        "不得以可能令客户公开难堪的方式联系",
        "no contact likely to be publicly embarrassing",
        parties.public_posting,
    ),
    Rule(
        "uk.stops.contact_request",
        "CONC 7.9.4R",
        "P",
        "客户已要求不再通过 {channel} 联系（{opted_out_at}）",
        "the customer asked not to be contacted by {channel} ({opted_out_at})",
        stops.medium_opt_out,
    ),
    Rule(
        "uk.breathing_space",
        "SI 2020/1311 (Debt Respite Scheme) moratorium",
        "S",
        "客户处于喘息期（{kind}，自 {started_on} 起，至 {ends_on}），须暂停联系",
        "the customer is in a breathing space ({kind}, from {started_on} to {ends_on}); "
        "contact about the debt is paused",
        stops.breathing_space,
    ),
    Rule(
        "uk.hold",
        "fairdebt ledger hold; CONC 7.3.4R (forbearance)",
        "P",
        "账户处于暂停催收状态：{holds}",
        "the account is on hold: {holds}",
        stops.ledger_holds,
        basis="house",
    ),
)

PARAMS = {
    "window_start": (hhmm("08:00"), "start"),
    "window_end": (hhmm("21:00"), "end"),
    "consent_parties": (("collector", "creditor"), "parties"),
    "agreed_time_tolerance_minutes": (30, "ceiling"),
    "contacts_per_day": (3, "ceiling"),
    "contacts_per_7_days": (10, "ceiling"),
    "texts_per_day": (3, "ceiling"),
    "breathing_space_standard_days": (60, "floor"),
    "breathing_space_crisis_extra_days": (30, "floor"),
}


def make_pack() -> Pack:
    return Pack(
        id="uk",
        title="United Kingdom: FCA CONC 7, Debt Respite Scheme",
        rules=RULES,
        params=MappingProxyType({k: v for k, (v, _) in PARAMS.items()}),
        kinds=MappingProxyType({k: kind for k, (_, kind) in PARAMS.items()}),
        default_zone="Europe/London",
    )
