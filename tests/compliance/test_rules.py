"""Our own cases for every rule of every pack, beyond the RULES.md vectors: each row is one
attempt with its history, the expected answer and the rule that must decide it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from fairdebt.compliance.attempts import (
    Attempt,
    BreathingSpace,
    Consent,
    ContactRecord,
    Debtor,
    TimeRange,
)
from fairdebt.compliance.gate import check
from fairdebt.compliance.rules.clock import zone

SH, NY, LA, LON = "Asia/Shanghai", "America/New_York", "America/Los_Angeles", "Europe/London"


def t(text: str, where: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone(where))


@dataclass
class Row:
    name: str
    pack: str
    attempt: Attempt
    allowed: bool
    rule: str | None = None
    history: list[ContactRecord] = field(default_factory=list)
    debtor: Debtor = field(default_factory=Debtor)
    consents: list[Consent] = field(default_factory=list)
    next_at: Any = "unchecked"


def call(at: dt.datetime, **kw: Any) -> Attempt:
    return Attempt(at=at, channel="call", **kw)


def ev(at: dt.datetime, outcome: str, **kw: Any) -> ContactRecord:
    return ContactRecord(at=at, outcome=outcome, **kw)


cn_debtor = Debtor(timezone=SH)
ny = Debtor(timezone=NY, tcpa_consent=True)
lon = Debtor(timezone=LON)
noon_sh = t("2025-06-10 12:00", SH)
noon_ny = t("2025-06-10 12:00", NY)
noon_lon = t("2025-06-10 12:00", LON)
three_connected = [
    ev(noon_sh - dt.timedelta(hours=h), "connected", mode="robot") for h in (1, 2, 3)
]
failed_days = [ev(noon_sh - dt.timedelta(days=d), "no_answer") for d in (1, 2, 3)]
A = ("A",)

ROWS = [
    # --- China: hours
    Row(
        "cn a debtor's stated inconvenient time is honoured until it ends",
        "cn",
        call(noon_sh),
        False,
        "cn.hours.debtor_request",
        debtor=replace(cn_debtor, inconvenient_times=(TimeRange(dt.time(11), dt.time(14)),)),
        next_at=t("2025-06-10 14:00", SH),
    ),
    Row(
        "cn a time the debtor agreed to overrides their stated inconvenient time",
        "cn",
        call(noon_sh),
        True,
        debtor=replace(cn_debtor, inconvenient_times=(TimeRange(dt.time(11), dt.time(14)),)),
        consents=[Consent(given_at=noon_sh, to="creditor", start=t("2025-06-10 11:50", SH))],
    ),
    Row(
        "cn a channel the debtor refused stays refused however long ago",
        "cn",
        Attempt(at=noon_sh, channel="sms"),
        False,
        "cn.stops.channel_refused",
        history=[
            ContactRecord(
                at=noon_sh - dt.timedelta(days=90),
                direction="inbound",
                channel="sms",
                outcome="stop_reply",
                by="borrower",
            )
        ],
        debtor=cn_debtor,
    ),
    Row(
        "cn debtor abroad keeps Beijing time too",
        "cn",
        call(t("2025-06-10 10:00", NY)),
        False,
        "cn.hours.quiet",
        debtor=Debtor(timezone=NY),
        next_at=t("2025-06-10 20:00", NY),
    ),
    Row(
        "cn unknown zone means Beijing time",
        "cn",
        call(t("2025-06-10 22:30", SH)),
        False,
        "cn.hours.quiet",
    ),
    Row(
        "cn a letter is not a timed contact",
        "cn",
        Attempt(at=t("2025-06-10 23:00", SH), channel="letter"),
        True,
        debtor=cn_debtor,
    ),
    Row(
        "cn a time agreed with the creditor counts",
        "cn",
        call(t("2025-06-10 22:30", SH)),
        True,
        debtor=cn_debtor,
        consents=[Consent(given_at=noon_sh, to="creditor", start=t("2025-06-10 22:20", SH))],
    ),
    Row(
        "cn an agreed time covers only its tolerance",
        "cn",
        call(t("2025-06-10 23:30", SH)),
        False,
        "cn.hours.quiet",
        debtor=cn_debtor,
        consents=[Consent(given_at=noon_sh, start=t("2025-06-10 22:20", SH))],
    ),
    Row(
        "cn a later agreed time is the next allowed instant",
        "cn",
        call(t("2025-06-10 22:05", SH)),
        False,
        "cn.hours.quiet",
        debtor=cn_debtor,
        consents=[Consent(given_at=noon_sh, start=t("2025-06-10 22:30", SH))],
        next_at=t("2025-06-10 22:30", SH),
    ),
    # --- China: frequency
    Row(
        "cn yesterday's connected calls do not count today",
        "cn",
        call(noon_sh),
        True,
        history=[replace(e, at=e.at - dt.timedelta(days=1)) for e in three_connected],
        debtor=cn_debtor,
    ),
    Row(
        "cn a text is not a voice call",
        "cn",
        Attempt(at=noon_sh, channel="sms"),
        True,
        history=three_connected,
        debtor=cn_debtor,
    ),
    Row(
        "cn a robot call after three connected agent calls is refused",
        "cn",
        call(noon_sh, mode="robot"),
        False,
        "cn.voice.connected_per_day",
        history=[replace(e, mode="agent") for e in three_connected],
        debtor=cn_debtor,
        next_at=t("2025-06-11 08:00", SH),
    ),
    Row(
        "cn an agreed extra call lifts the daily cap",
        "cn",
        call(noon_sh),
        True,
        history=three_connected,
        debtor=cn_debtor,
        consents=[
            Consent(
                given_at=noon_sh - dt.timedelta(hours=5), start=noon_sh - dt.timedelta(minutes=5)
            )
        ],
    ),
    Row(
        "cn six attempts to one number leave the other number open",
        "cn",
        call(noon_sh, address="+2"),
        True,
        debtor=cn_debtor,
        history=[
            ev(noon_sh - dt.timedelta(minutes=10 * i), "no_answer", address="+1")
            for i in range(1, 7)
        ],
    ),
    Row(
        "cn the sixth text of the day is refused by the house cap",
        "cn",
        Attempt(at=noon_sh, channel="sms"),
        False,
        "cn.texts.per_day",
        debtor=cn_debtor,
        history=[
            ContactRecord(at=noon_sh - dt.timedelta(minutes=m), channel="sms") for m in range(1, 6)
        ],
    ),
    # --- China: who
    Row(
        "cn a contact while the debtor is reachable is refused",
        "cn",
        call(noon_sh, recipient="contact"),
        False,
        "cn.parties.contact_only_when_unreachable",
        debtor=cn_debtor,
        next_at=None,
    ),
    Row(
        "cn a contact after three failed days is allowed",
        "cn",
        call(noon_sh, recipient="contact"),
        True,
        history=failed_days,
        debtor=cn_debtor,
    ),
    Row(
        "cn a connected call today shows the debtor reachable",
        "cn",
        call(noon_sh, recipient="contact"),
        False,
        "cn.parties.contact_only_when_unreachable",
        history=[*failed_days, ev(noon_sh - dt.timedelta(hours=1), "connected")],
        debtor=cn_debtor,
    ),
    Row(
        "cn a debtor flagged unreachable opens the contact",
        "cn",
        call(noon_sh, recipient="contact"),
        True,
        debtor=replace(cn_debtor, unreachable=True),
    ),
    Row(
        "cn a spouse is a contact, not the debtor",
        "cn",
        call(noon_sh, recipient="spouse"),
        False,
        "cn.parties.contact_only_when_unreachable",
        debtor=cn_debtor,
    ),
    Row(
        "cn the employer is never collected from",
        "cn",
        call(noon_sh, recipient="employer"),
        False,
        "cn.parties.unrelated_third_party",
        history=failed_days,
        debtor=cn_debtor,
    ),
    Row(
        "cn a contact who said no more is never called again",
        "cn",
        call(noon_sh, recipient="contact", address="+9"),
        False,
        "cn.parties.contact_declined",
        history=[
            *failed_days,
            ev(
                noon_sh - dt.timedelta(days=2),
                "refused_further_contact",
                recipient="contact",
                address="+9",
            ),
        ],
        debtor=cn_debtor,
    ),
    Row(
        "cn a public post is refused",
        "cn",
        Attempt(at=noon_sh, channel="social", is_public=True),
        False,
        "cn.parties.public_posting",
        debtor=cn_debtor,
    ),
    # --- China: channels
    Row(
        "cn an agency on a personal phone is refused",
        "cn",
        call(noon_sh, by="agency:X", personal_device=True),
        False,
        "cn.channel.private_device",
        debtor=cn_debtor,
    ),
    Row(
        "cn the lender's own staff line is not an agency's private phone",
        "cn",
        call(noon_sh, personal_device=True),
        True,
        debtor=cn_debtor,
    ),
    Row(
        "cn a debtor who agreed to WeChat may be reached there by the agency",
        "cn",
        Attempt(at=noon_sh, channel="social", by="agency:X"),
        True,
        debtor=cn_debtor,
        consents=[Consent(given_at=noon_sh - dt.timedelta(days=1), channel="social")],
    ),
    Row(
        "cn a visit with an unknown team size is refused",
        "cn",
        Attempt(at=noon_sh, channel="visit"),
        False,
        "cn.visit.collectors",
        debtor=cn_debtor,
    ),
    Row(
        "cn a visit by two collectors is allowed",
        "cn",
        Attempt(at=noon_sh, channel="visit", collectors=2),
        True,
        debtor=cn_debtor,
    ),
    Row(
        "cn entering with the debtor's consent is allowed",
        "cn",
        Attempt(at=noon_sh, channel="visit", collectors=2, purpose="enter_premises"),
        True,
        debtor=cn_debtor,
        consents=[Consent(given_at=noon_sh, channel="visit")],
    ),
    Row(
        "cn a dispute hold stops collection for good",
        "cn",
        call(noon_sh),
        False,
        "cn.hold",
        debtor=replace(cn_debtor, holds=("dispute",)),
        next_at=None,
    ),
    Row(
        "cn a hold still lets us answer the debtor",
        "cn",
        call(noon_sh, purpose="reply"),
        True,
        debtor=replace(cn_debtor, holds=("complaint",)),
    ),
    # --- US: hours and location
    Row(
        "us conflicting zones allow only the intersection",
        "us",
        call(t("2025-06-10 09:00", NY)),
        False,
        "us.hours.inconvenient",
        debtor=Debtor(timezone=NY, possible_timezones=(LA,)),
        next_at=t("2025-06-10 11:00", NY),
    ),
    Row(
        "us unknown location means every contiguous zone",
        "us",
        call(t("2025-06-10 10:30", NY)),
        False,
        "us.hours.inconvenient",
        next_at=t("2025-06-10 11:00", NY),
    ),
    Row(
        "us unknown location still allows late Eastern afternoon",
        "us",
        call(t("2025-06-10 20:30", NY)),
        True,
    ),
    Row(
        "us unknown location refuses 21:00 Eastern",
        "us",
        call(t("2025-06-10 21:00", NY)),
        False,
        "us.hours.inconvenient",
    ),
    Row(
        "us one reply to the consumer's own late text is allowed",
        "us",
        Attempt(at=t("2025-06-10 22:05", NY), channel="sms", purpose="reply"),
        True,
        debtor=ny,
        history=[ContactRecord(at=t("2025-06-10 22:00", NY), direction="inbound", channel="sms")],
    ),
    Row(
        "us a second reply is not",
        "us",
        Attempt(at=t("2025-06-10 22:10", NY), channel="sms", purpose="reply"),
        False,
        "us.hours.inconvenient",
        debtor=ny,
        history=[
            ContactRecord(at=t("2025-06-10 22:00", NY), direction="inbound", channel="sms"),
            ContactRecord(at=t("2025-06-10 22:05", NY), channel="sms"),
        ],
    ),
    Row(
        "us a consent given to the collector allows an early call",
        "us",
        call(t("2025-06-10 07:30", NY)),
        True,
        debtor=ny,
        consents=[Consent(given_at=t("2025-06-09 10:00", NY), start=t("2025-06-10 07:30", NY))],
    ),
    Row(
        "us stated inconvenient hours end at their 'to' time",
        "us",
        call(t("2025-06-10 23:00", NY)),
        False,
        "us.hours.inconvenient",
        debtor=replace(ny, inconvenient_times=(TimeRange(dt.time(18), dt.time(9)),)),
        next_at=t("2025-06-11 09:00", NY),
    ),
    # --- US: frequency
    Row(
        "us a second call within five minutes is concentrated",
        "us",
        call(noon_ny, debt_ids=A),
        False,
        "us.calls.concentrated",
        debtor=ny,
        history=[ev(noon_ny - dt.timedelta(minutes=3), "no_answer", debt_ids=A)],
        next_at=noon_ny + dt.timedelta(minutes=2),
    ),
    Row(
        "us a busy signal three minutes ago is not a placed call",
        "us",
        call(noon_ny, debt_ids=A),
        True,
        debtor=ny,
        history=[ev(noon_ny - dt.timedelta(minutes=3), "busy", debt_ids=A)],
    ),
    Row(
        "us calls about another debt do not count",
        "us",
        call(noon_ny, debt_ids=("B",)),
        True,
        debtor=ny,
        history=[ev(noon_ny - dt.timedelta(days=d), "no_answer", debt_ids=A) for d in range(7)],
    ),
    Row(
        "us a call about two debts counts for each",
        "us",
        call(noon_ny, debt_ids=("B",)),
        False,
        "us.calls.seven_in_seven",
        debtor=ny,
        history=[
            ev(noon_ny - dt.timedelta(days=d, hours=1), "no_answer", debt_ids=("A", "B"))
            for d in range(7)
        ],
    ),
    Row(
        "us busy signals do not count",
        "us",
        call(noon_ny, debt_ids=A),
        True,
        debtor=ny,
        history=[ev(noon_ny - dt.timedelta(days=d, hours=1), "busy", debt_ids=A) for d in range(7)],
    ),
    Row(
        "us another collector keeps its own count",
        "us",
        call(noon_ny, debt_ids=A, by="agency:B"),
        True,
        debtor=ny,
        history=[
            ev(noon_ny - dt.timedelta(days=d, hours=1), "no_answer", debt_ids=A) for d in range(7)
        ],
    ),
    Row(
        "us the spouse is counted on their own",
        "us",
        call(noon_ny, debt_ids=A, recipient="spouse"),
        True,
        debtor=ny,
        history=[
            ev(noon_ny - dt.timedelta(days=d, hours=1), "no_answer", debt_ids=A) for d in range(7)
        ],
    ),
    Row(
        "us a conversation the consumer started counts",
        "us",
        call(t("2025-06-05 10:00", NY), debt_ids=A),
        False,
        "us.calls.after_conversation",
        debtor=ny,
        history=[
            ContactRecord(
                at=t("2025-06-02 10:00", NY),
                direction="inbound",
                outcome="conversation",
                debt_ids=A,
            )
        ],
        next_at=t("2025-06-09 08:00", NY),
    ),
    Row(
        "us day 8 after a conversation is free",
        "us",
        call(t("2025-06-09 08:00", NY), debt_ids=A),
        True,
        debtor=ny,
        history=[
            ContactRecord(
                at=t("2025-06-02 10:00", NY),
                direction="inbound",
                outcome="conversation",
                debt_ids=A,
            )
        ],
    ),
    Row(
        "us calls to the consumer's attorney are not limited",
        "us",
        call(noon_ny, debt_ids=A, recipient="attorney"),
        True,
        debtor=ny,
        history=[
            ev(
                noon_ny - dt.timedelta(days=d, hours=1),
                "no_answer",
                debt_ids=A,
                recipient="attorney",
            )
            for d in range(7)
        ],
    ),
    Row(
        "us the sixth text of the day is refused",
        "us",
        Attempt(at=noon_ny, channel="sms"),
        False,
        "us.texts.per_day",
        debtor=ny,
        history=[
            ContactRecord(at=noon_ny - dt.timedelta(minutes=m), channel="sms") for m in range(1, 6)
        ],
    ),
    # --- US: who and stops
    Row(
        "us the employer is a third party",
        "us",
        call(noon_ny, recipient="employer"),
        False,
        "us.parties.third_party",
        debtor=ny,
    ),
    Row(
        "us a first location call to a neighbour is allowed",
        "us",
        call(noon_ny, recipient="third_party", address="+5", purpose="location"),
        True,
        debtor=ny,
    ),
    Row(
        "us the attorney may be called when the consumer is represented",
        "us",
        call(noon_ny, recipient="attorney"),
        True,
        debtor=replace(ny, attorney_represented=True),
    ),
    Row(
        "us a remedy notice is allowed after a cease request",
        "us",
        Attempt(at=noon_ny, channel="letter", purpose="remedy_notice"),
        True,
        debtor=replace(ny, cease_requested_on=dt.date(2025, 6, 5)),
    ),
    Row(
        "us a letter saying collection is ending is allowed after a cease request",
        "us",
        Attempt(at=noon_ny, channel="letter", text="We are ending collection on your account."),
        True,
        debtor=replace(ny, cease_requested_on=dt.date(2025, 6, 5)),
    ),
    Row(
        "us a call saying collection is ending is still a call after a cease request",
        "us",
        call(noon_ny, text="We are ending collection on your account."),
        False,
        "us.stops.cease",
        debtor=replace(ny, cease_requested_on=dt.date(2025, 6, 5)),
    ),
    Row(
        "us a call before the cease letter arrived is allowed",
        "us",
        call(noon_ny),
        True,
        debtor=replace(ny, cease_requested_on=dt.date(2025, 6, 11)),
    ),
    Row(
        "us a home number is fine when the employer forbids calls at work",
        "us",
        call(noon_ny, address_kind="home"),
        True,
        debtor=replace(ny, employer_forbids_calls=True),
    ),
    Row(
        "us texts stop after STOP",
        "us",
        Attempt(at=noon_ny, channel="sms"),
        False,
        "us.stops.medium_opt_out",
        debtor=ny,
        history=[
            ContactRecord(
                at=noon_ny - dt.timedelta(hours=1),
                direction="inbound",
                channel="sms",
                outcome="stop_reply",
            )
        ],
        next_at=None,
    ),
    Row(
        "us one confirmation of the opt-out is allowed",
        "us",
        Attempt(at=noon_ny, channel="sms", purpose="opt_out_confirmation", mode="robot"),
        True,
        debtor=ny,
        history=[
            ContactRecord(
                at=noon_ny - dt.timedelta(minutes=1),
                direction="inbound",
                channel="sms",
                outcome="stop_reply",
            )
        ],
    ),
    Row(
        "us a second confirmation is not",
        "us",
        Attempt(at=noon_ny, channel="sms", purpose="opt_out_confirmation"),
        False,
        "us.stops.medium_opt_out",
        debtor=ny,
        history=[
            ContactRecord(
                at=noon_ny - dt.timedelta(minutes=2),
                direction="inbound",
                channel="sms",
                outcome="stop_reply",
            ),
            ContactRecord(at=noon_ny - dt.timedelta(minutes=1), channel="sms"),
        ],
    ),
    Row(
        "us an e-mail is still allowed after a text opt-out",
        "us",
        Attempt(at=noon_ny, channel="email"),
        True,
        debtor=ny,
        history=[
            ContactRecord(
                at=noon_ny - dt.timedelta(hours=1),
                direction="inbound",
                channel="sms",
                outcome="stop_reply",
            )
        ],
    ),
    Row(
        "us 'stop calling' stops calls",
        "us",
        call(noon_ny),
        False,
        "us.stops.medium_opt_out",
        debtor=ny,
        history=[ev(noon_ny - dt.timedelta(days=1), "refused_further_contact")],
    ),
    Row(
        "us an AI voice call with consent is allowed",
        "us",
        call(noon_ny, mode="robot"),
        True,
        debtor=ny,
    ),
    Row(
        "us an AI voice call after revocation is refused",
        "us",
        call(noon_ny, mode="robot"),
        False,
        "us.tcpa.consent",
        debtor=replace(ny, tcpa_revoked_on=dt.date(2025, 6, 9)),
    ),
    Row(
        "us an agent call needs no TCPA consent",
        "us",
        call(noon_ny),
        True,
        debtor=Debtor(timezone=NY),
    ),
    Row(
        "us a bankruptcy hold stops collection",
        "us",
        call(noon_ny),
        False,
        "us.hold",
        debtor=replace(ny, holds=("bankruptcy",)),
    ),
    Row(
        "us-ma a third call in 7 days is refused even to the creditor",
        "us-ma",
        call(noon_ny, debt_ids=A, by="lender"),
        False,
        "us.ma.calls_per_7_days",
        debtor=ny,
        history=[
            ev(noon_ny - dt.timedelta(days=d), "connected", debt_ids=A, by="agency:A")
            for d in (2, 4)
        ],
    ),
    # --- UK
    Row(
        "uk 08:00 is inside the house window",
        "uk",
        call(t("2025-06-10 08:00", LON)),
        True,
        debtor=lon,
    ),
    Row(
        "uk an agreed evening call is allowed",
        "uk",
        call(t("2025-06-10 21:30", LON)),
        True,
        debtor=lon,
        consents=[Consent(given_at=noon_lon, to="creditor", start=t("2025-06-10 21:15", LON))],
    ),
    Row(
        "uk a customer's shift pattern is honoured",
        "uk",
        call(noon_lon),
        False,
        "uk.hours.customer_request",
        debtor=replace(lon, inconvenient_times=(TimeRange(dt.time(9), dt.time(17)),)),
        next_at=t("2025-06-10 17:00", LON),
    ),
    Row(
        "uk a fourth contact today is refused by the house cap",
        "uk",
        Attempt(at=noon_lon, channel="email"),
        False,
        "uk.contacts.per_day",
        debtor=lon,
        history=[ev(noon_lon - dt.timedelta(hours=h), "no_answer") for h in (1, 2, 3)],
        next_at=t("2025-06-11 08:00", LON),
    ),
    Row(
        "uk busy signals are not contacts",
        "uk",
        call(noon_lon),
        True,
        debtor=lon,
        history=[ev(noon_lon - dt.timedelta(hours=h), "busy") for h in (1, 2, 3)],
    ),
    Row(
        "uk ten contacts in a week are enough",
        "uk",
        call(noon_lon),
        False,
        "uk.contacts.per_7_days",
        debtor=lon,
        history=[
            ev(noon_lon - dt.timedelta(days=d, hours=h), "no_answer")
            for d in range(1, 6)
            for h in (1, 2)
        ],
    ),
    Row(
        "uk a fourth text today is refused",
        "uk",
        Attempt(at=noon_lon, channel="sms", purpose="collection"),
        False,
        "uk.texts.per_day",
        debtor=lon,
        history=[
            ContactRecord(at=noon_lon - dt.timedelta(minutes=m), channel="sms") for m in (1, 2, 3)
        ],
    ),
    Row(
        "uk the spouse is a third party",
        "uk",
        call(noon_lon, recipient="spouse"),
        False,
        "uk.parties.third_party",
        debtor=lon,
    ),
    Row(
        "uk nothing public",
        "uk",
        Attempt(at=noon_lon, channel="social", is_public=True),
        False,
        "uk.parties.public",
        debtor=lon,
    ),
    Row(
        "uk a request to stop texting is honoured",
        "uk",
        Attempt(at=noon_lon, channel="sms"),
        False,
        "uk.stops.contact_request",
        debtor=lon,
        history=[
            ContactRecord(
                at=noon_lon - dt.timedelta(days=1),
                direction="inbound",
                channel="sms",
                outcome="stop_reply",
            )
        ],
    ),
    Row(
        "uk a standard breathing space pauses contact for 60 days",
        "uk",
        call(noon_lon),
        False,
        "uk.breathing_space",
        debtor=replace(lon, breathing_space=BreathingSpace("standard", dt.date(2025, 6, 1))),
        next_at=t("2025-07-31 08:00", LON),
    ),
    Row(
        "uk day 61 of a standard breathing space is free",
        "uk",
        call(t("2025-07-31 09:00", LON)),
        True,
        debtor=replace(lon, breathing_space=BreathingSpace("standard", dt.date(2025, 6, 1))),
    ),
    Row(
        "uk a crisis breathing space with treatment ongoing has no end yet",
        "uk",
        call(noon_lon),
        False,
        "uk.breathing_space",
        next_at=None,
        debtor=replace(
            lon, breathing_space=BreathingSpace("mental_health_crisis", dt.date(2025, 5, 1))
        ),
    ),
    Row(
        "uk a crisis breathing space ends 30 days after treatment",
        "uk",
        call(noon_lon),
        False,
        "uk.breathing_space",
        next_at=t("2025-07-06 08:00", LON),
        debtor=replace(
            lon,
            breathing_space=BreathingSpace(
                "mental_health_crisis", dt.date(2025, 5, 1), dt.date(2025, 6, 5)
            ),
        ),
    ),
    Row(
        "uk a hardship hold stops collection",
        "uk",
        call(noon_lon),
        False,
        "uk.hold",
        debtor=replace(lon, holds=("hardship",)),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_rule(row: Row) -> None:
    verdict = check(row.attempt, row.history, row.debtor, row.pack, consents=row.consents)
    rules = [r.rule for r in verdict.reasons]
    assert verdict.allowed is row.allowed, rules
    if row.rule is not None:
        assert row.rule in rules, rules
    if row.next_at != "unchecked":
        assert verdict.next_allowed_at == row.next_at
    for reason in verdict.reasons:
        assert "?" not in reason.message_en, reason


def test_every_rule_of_every_pack_is_exercised_here_or_in_the_vectors() -> None:
    import json
    from pathlib import Path

    from fairdebt.compliance.packs import get_pack

    decided = {row.rule for row in ROWS} | {"cn.interval.same_product"}  # tested above
    for line in (Path(__file__).parent / "vectors.jsonl").read_text("utf-8").splitlines():
        decided.update(json.loads(line)["expect"]["rules"])
    for pack in ("cn", "us", "us-ma", "uk"):
        for rule in get_pack(pack).rules:
            assert rule.id in decided, rule.id


def test_a_review_finding_does_not_refuse_and_comes_back_as_a_note() -> None:
    attempt = Attempt(at=noon_sh, channel="sms", text="请加我微信沟通还款事宜")
    verdict = check(attempt, (), cn_debtor, "cn")
    assert verdict.allowed and verdict.reasons == ()
    assert [n.evidence["category"] for n in verdict.notes] == ["C"]
    assert not verdict.notes[0].blocking


def test_a_blocked_text_refuses_with_the_findings_rule_and_never_passes_by_waiting() -> None:
    attempt = Attempt(at=noon_sh, channel="sms", text="再不还钱就爆你通讯录")
    verdict = check(attempt, (), cn_debtor, "cn")
    assert not verdict.allowed and verdict.next_allowed_at is None
    assert all(r.rule.startswith("cn.screening.") for r in verdict.reasons)
    assert verdict.reasons[0].evidence["excerpt"] in attempt.text


def test_the_unconfirmed_seven_day_interval_is_off_until_a_lender_turns_it_on() -> None:
    from fairdebt.compliance.packs import get_pack

    yesterday = [ev(noon_sh - dt.timedelta(days=1), "connected", debt_ids=A)]
    attempt = call(noon_sh, debt_ids=A)
    assert check(attempt, yesterday, cn_debtor, "cn").allowed
    strict = get_pack("cn").adjust(params={"cn_min_days_between_collections": 7})
    verdict = check(attempt, yesterday, cn_debtor, strict)
    assert verdict.reasons[0].rule == "cn.interval.same_product"
    assert verdict.next_allowed_at == t("2025-06-16 08:00", SH)


def test_the_conversation_cap_also_binds_ai_voice_robots() -> None:
    from fairdebt.compliance.packs import get_pack

    # Loosen the connected-call cap (on the record) so only the conversation cap can refuse.
    pack = get_pack("cn").adjust(params={"cn_connected_calls_per_day": 9}, reason="test")
    talks = [ev(noon_sh - dt.timedelta(hours=h), "conversation") for h in (1, 2, 3)]
    verdict = check(call(noon_sh, mode="robot"), talks, cn_debtor, pack)
    assert [r.rule for r in verdict.reasons] == ["cn.voice.conversations_per_day"]
