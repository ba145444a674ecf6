"""Cases written from the rule text (RULES.md §1–§5), not from the §6 vectors, run through the
CLI contract: one ``fairdebt compliance check --pack P`` run per pack over JSON Lines, each
case asserting ``allowed``, the deciding rule ids and ``next_allowed_at`` to the second.

Boundary minutes (21:59/22:00/07:59/08:00), the debtor's own zone and Beijing time for a
debtor abroad, day boundaries in the debtor's zone, the US 7-in-7 counting units, the day a
conversation starts the 7-day wait, direct prior consent and its 7-day scope, opt-outs with one
confirmation, breathing spaces, and every ledger hold in every pack.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from typer.testing import CliRunner

from fairdebt.cli import app

SH, LA, NY, LON = "Asia/Shanghai", "America/Los_Angeles", "America/New_York", "Europe/London"
NEVER = None
SAME = "same"  # next_allowed_at equals the attempt's own time (an allowed attempt)


def case(
    name: str,
    pack: str,
    attempt: dict[str, Any],
    allowed: bool,
    rules: tuple[str, ...] = (),
    next_at: str | None = SAME,
    **rest: Any,
) -> dict[str, Any]:
    expected = attempt["at"] if next_at == SAME else next_at
    return {
        "id": name,
        "pack": pack,
        "line": {"id": name, "attempt": attempt, **rest},
        "allowed": allowed,
        "rules": rules,
        "next_allowed_at": expected,
    }


def call(at: str, **kw: Any) -> dict[str, Any]:
    return {"at": at, "channel": "call", **kw}


def sms(at: str, **kw: Any) -> dict[str, Any]:
    return {"at": at, "channel": "sms", **kw}


def ev(at: str, outcome: str, **kw: Any) -> dict[str, Any]:
    return {"at": at, "direction": "outbound", "channel": "call", "outcome": outcome, **kw}


sh = {"timezone": SH}
la = {"timezone": LA}
ny = {"timezone": NY, "tcpa_consent": True}
lon = {"timezone": LON}
A = {"debt_ids": ["A"], "by": "agency:acme"}
FAILED_3_DAYS = [ev(f"2025-06-{d:02d}T10:00:00+08:00", "no_answer") for d in (7, 8, 9)]
PASS_ON = "请转告张三与XX消费金融联系"
QUIET = "cn.hours.quiet"

CN = [
    # Quiet hours, debtor in Beijing: [08:00, 22:00) local.
    case("cn-21:59-allowed", "cn", call("2025-06-10T21:59:00+08:00"), True, debtor=sh),
    case(
        "cn-22:00-refused",
        "cn",
        call("2025-06-10T22:00:00+08:00"),
        False,
        (QUIET,),
        "2025-06-11T08:00:00+08:00",
        debtor=sh,
    ),
    case(
        "cn-07:59-refused",
        "cn",
        call("2025-06-10T07:59:00+08:00"),
        False,
        (QUIET,),
        "2025-06-10T08:00:00+08:00",
        debtor=sh,
    ),
    case("cn-08:00-allowed", "cn", call("2025-06-10T08:00:00+08:00"), True, debtor=sh),
    case(
        "cn-sms-07:59:59-refused",
        "cn",
        sms("2025-06-10T07:59:59+08:00"),
        False,
        (QUIET,),
        "2025-06-10T08:00:00+08:00",
        debtor=sh,
    ),
    # Debtor abroad in Los Angeles (PDT, UTC-7): both clocks must allow, i.e. 17:00-22:00 LA
    # (08:00-13:00 Beijing the next day).
    case("cn-la-21:59-allowed", "cn", call("2025-06-10T21:59:00-07:00"), True, debtor=la),
    case(
        "cn-la-22:00-refused-until-both-clocks-open",
        "cn",
        call("2025-06-10T22:00:00-07:00"),
        False,
        (QUIET,),
        "2025-06-11T17:00:00-07:00",
        debtor=la,
    ),
    case(
        "cn-la-16:59-is-07:59-in-beijing",
        "cn",
        call("2025-06-10T16:59:00-07:00"),
        False,
        (QUIET,),
        "2025-06-10T17:00:00-07:00",
        debtor=la,
    ),
    case("cn-la-17:00-allowed", "cn", call("2025-06-10T17:00:00-07:00"), True, debtor=la),
    case(
        "cn-la-07:59-both-closed",
        "cn",
        call("2025-06-10T07:59:00-07:00"),
        False,
        (QUIET,),
        "2025-06-10T17:00:00-07:00",
        debtor=la,
    ),
    case(
        "cn-la-08:00-local-open-beijing-closed",
        "cn",
        call("2025-06-10T08:00:00-07:00"),
        False,
        (QUIET,),
        "2025-06-10T17:00:00-07:00",
        debtor=la,
    ),
    # The debtor's agreed time.
    case(
        "cn-agreed-22:30-allowed",
        "cn",
        call("2025-06-10T22:30:00+08:00"),
        True,
        debtor=sh,
        consents=[
            {
                "given_at": "2025-06-10T15:00:00+08:00",
                "to": "collector",
                "channel": "call",
                "from": "2025-06-10T22:30:00+08:00",
            }
        ],
    ),
    case(
        "cn-agreed-window-ends-at-to_time",
        "cn",
        call("2025-06-10T23:00:00+08:00"),
        False,
        (QUIET,),
        "2025-06-11T08:00:00+08:00",
        debtor=sh,
        consents=[
            {
                "given_at": "2025-06-10T15:00:00+08:00",
                "from": "2025-06-10T22:00:00+08:00",
                "to_time": "2025-06-10T23:00:00+08:00",
            }
        ],
    ),
    case(
        "cn-agreed-later-time-is-next",
        "cn",
        call("2025-06-10T22:15:00+08:00"),
        False,
        (QUIET,),
        "2025-06-10T23:00:00+08:00",
        debtor=sh,
        consents=[
            {
                "given_at": "2025-06-10T15:00:00+08:00",
                "channel": "call",
                "from": "2025-06-10T23:00:00+08:00",
            }
        ],
    ),
    case(
        "cn-agreed-time-given-later-counts-from-when-given",
        "cn",
        call("2025-06-10T22:15:00+08:00"),
        False,
        (QUIET,),
        "2025-06-10T22:40:00+08:00",
        debtor=sh,
        consents=[
            {
                "given_at": "2025-06-10T22:40:00+08:00",
                "from": "2025-06-10T22:00:00+08:00",
                "to_time": "2025-06-10T23:30:00+08:00",
            }
        ],
    ),
    case(
        "cn-la-agreed-time-lifts-both-clocks",
        "cn",
        call("2025-06-10T23:00:00-07:00"),
        True,
        debtor=la,
        consents=[{"given_at": "2025-06-10T12:00:00-07:00", "from": "2025-06-10T23:00:00-07:00"}],
    ),
    # 3 connected calls a day, lender + agencies + robots together.
    case(
        "cn-fourth-connected-call-refused",
        "cn",
        call("2025-06-10T15:00:00+08:00"),
        False,
        ("cn.voice.connected_per_day",),
        "2025-06-11T08:00:00+08:00",
        debtor=sh,
        history=[
            ev("2025-06-10T09:00:00+08:00", "connected", mode="robot"),
            ev("2025-06-10T10:00:00+08:00", "connected", by="agency:a"),
            ev("2025-06-10T11:00:00+08:00", "connected", by="agency:b", mode="robot"),
        ],
    ),
    case(
        "cn-unanswered-calls-are-not-connected",
        "cn",
        call("2025-06-10T15:00:00+08:00"),
        True,
        debtor=sh,
        history=[
            ev("2025-06-10T09:00:00+08:00", "connected", mode="robot"),
            ev("2025-06-10T10:00:00+08:00", "connected", by="agency:a"),
            ev("2025-06-10T11:00:00+08:00", "no_answer", by="agency:b"),
            ev("2025-06-10T11:30:00+08:00", "busy", by="agency:b"),
        ],
    ),
    # New York debtor under the cn pack: 20:00 EDT on 06-10 and 08:30 EDT on 06-11 are the
    # same Beijing day (06-11) but different local days; the count follows the local day.
    case(
        "cn-ny-new-local-day-resets-the-count",
        "cn",
        call("2025-06-11T08:30:00-04:00"),
        True,
        debtor={"timezone": NY},
        history=[
            ev("2025-06-10T20:00:00-04:00", "connected"),
            ev("2025-06-10T20:30:00-04:00", "connected"),
            ev("2025-06-10T21:00:00-04:00", "connected"),
        ],
    ),
    case(
        "cn-ny-same-local-day-counts",
        "cn",
        call("2025-06-11T20:30:00-04:00"),
        False,
        ("cn.voice.connected_per_day",),
        "2025-06-12T08:00:00-04:00",
        debtor={"timezone": NY},
        history=[
            ev("2025-06-11T08:00:00-04:00", "connected"),
            ev("2025-06-11T08:30:00-04:00", "connected"),
            ev("2025-06-11T09:00:00-04:00", "connected"),
        ],
    ),
    case(
        "cn-fourth-effective-conversation-refused",
        "cn",
        call("2025-06-10T15:00:00+08:00"),
        False,
        ("cn.voice.conversations_per_day", "cn.voice.connected_per_day"),
        "2025-06-11T08:00:00+08:00",
        debtor=sh,
        history=[ev(f"2025-06-10T{h:02d}:00:00+08:00", "conversation") for h in (9, 10, 11)],
    ),
    # 6 attempts a day to the same number.
    case(
        "cn-seventh-attempt-to-one-number-refused",
        "cn",
        call("2025-06-10T15:00:00+08:00", address="+8613800000001"),
        False,
        ("cn.voice.attempts_per_method",),
        "2025-06-11T08:00:00+08:00",
        debtor=sh,
        history=[
            ev(
                f"2025-06-10T{9 + i:02d}:00:00+08:00",
                outcome,
                address="+8613800000001",
                mode=mode,
                by=by,
            )
            for i, (outcome, mode, by) in enumerate(
                [
                    ("no_answer", "robot", "lender"),
                    ("busy", "robot", "lender"),
                    ("failed", "agent", "lender"),
                    ("no_answer", "agent", "agency:a"),
                    ("voicemail", "robot", "agency:a"),
                    ("no_answer", "agent", "agency:b"),
                ]
            )
        ],
    ),
    case(
        "cn-sixth-attempt-to-one-number-allowed",
        "cn",
        call("2025-06-10T15:00:00+08:00", address="+8613800000001"),
        True,
        debtor=sh,
        history=[
            ev(f"2025-06-10T{9 + i:02d}:00:00+08:00", "no_answer", address="+8613800000001")
            for i in range(5)
        ],
    ),
    case(
        "cn-another-number-has-its-own-six",
        "cn",
        call("2025-06-10T15:00:00+08:00", address="+8613800000002"),
        True,
        debtor=sh,
        history=[
            ev(f"2025-06-10T{9 + i:02d}:00:00+08:00", "no_answer", address="+8613800000001")
            for i in range(6)
        ],
    ),
    case(
        "cn-attempts-with-unknown-number-may-have-been-this-one",
        "cn",
        call("2025-06-10T15:00:00+08:00", address="+8613800000001"),
        False,
        ("cn.voice.attempts_per_method",),
        "2025-06-11T08:00:00+08:00",
        debtor=sh,
        history=[ev(f"2025-06-10T{9 + i:02d}:00:00+08:00", "no_answer") for i in range(6)],
    ),
    # Emergency contacts: only when the debtor is shown unreachable; never the amount or time.
    case(
        "cn-contact-while-debtor-reachable-refused",
        "cn",
        call("2025-06-10T10:00:00+08:00", recipient="contact", text=PASS_ON),
        False,
        ("cn.parties.contact_only_when_unreachable",),
        NEVER,
        debtor=sh,
    ),
    case(
        "cn-contact-after-three-days-unreachable-allowed",
        "cn",
        call(
            "2025-06-10T10:00:00+08:00", recipient="contact", address="+8613900000002", text=PASS_ON
        ),
        True,
        debtor=sh,
        history=FAILED_3_DAYS,
    ),
    case(
        "cn-three-quick-failed-calls-do-not-show-unreachable",
        "cn",
        call("2025-06-10T10:00:00+08:00", recipient="contact", text=PASS_ON),
        False,
        ("cn.parties.contact_only_when_unreachable",),
        NEVER,
        debtor=sh,
        history=[ev(f"2025-06-10T09:0{m}:00+08:00", "no_answer") for m in (0, 2, 4)],
    ),
    case(
        "cn-debtor-called-back-so-not-unreachable",
        "cn",
        call("2025-06-10T10:00:00+08:00", recipient="contact", text=PASS_ON),
        False,
        ("cn.parties.contact_only_when_unreachable",),
        NEVER,
        debtor=sh,
        history=[
            *FAILED_3_DAYS,
            {"at": "2025-06-09T18:00:00+08:00", "direction": "inbound", "channel": "sms"},
        ],
    ),
    case(
        "cn-contact-told-the-amount-in-chinese-numerals-refused",
        "cn",
        call(
            "2025-06-10T10:00:00+08:00",
            recipient="contact",
            text="张三欠了五千块，已经拖了一个月",
        ),
        False,
        ("cn.parties.no_disclosure",),
        NEVER,
        debtor=sh,
        history=FAILED_3_DAYS,
    ),
    case(
        "cn-contact-told-the-debt-is-overdue-refused",
        "cn",
        sms(
            "2025-06-10T10:00:00+08:00",
            recipient="contact",
            text="您好，张三在我司的借款已逾期，请转告他联系我们",
        ),
        False,
        ("cn.parties.no_disclosure",),
        NEVER,
        debtor=sh,
        history=FAILED_3_DAYS,
    ),
    case(
        "cn-contact-who-texted-stop-is-not-called",
        "cn",
        call("2025-06-10T10:00:00+08:00", recipient="contact", address="+8613900000002"),
        False,
        ("cn.parties.contact_declined",),
        NEVER,
        debtor=sh,
        history=[
            *FAILED_3_DAYS,
            {
                "at": "2025-06-09T12:00:00+08:00",
                "direction": "inbound",
                "channel": "sms",
                "recipient": "contact",
                "address": "+8613900000002",
                "outcome": "stop_reply",
            },
        ],
    ),
    case(
        "cn-contact-who-said-no-more-on-a-call-is-not-texted",
        "cn",
        sms(
            "2025-06-10T10:00:00+08:00", recipient="contact", address="+8613900000002", text=PASS_ON
        ),
        False,
        ("cn.parties.contact_declined",),
        NEVER,
        debtor=sh,
        history=[
            *FAILED_3_DAYS,
            ev(
                "2025-06-09T12:00:00+08:00",
                "refused_further_contact",
                recipient="contact",
                address="+8613900000002",
            ),
        ],
    ),
    case(
        "cn-address-book-refused",
        "cn",
        sms("2025-06-10T10:00:00+08:00", recipient="address_book", text=PASS_ON),
        False,
        ("cn.parties.address_book",),
        NEVER,
        debtor=sh,
        history=FAILED_3_DAYS,
    ),
    case(
        "cn-employer-refused-even-when-debtor-unreachable",
        "cn",
        call("2025-06-10T10:00:00+08:00", recipient="employer"),
        False,
        ("cn.parties.unrelated_third_party",),
        NEVER,
        debtor=sh,
        history=FAILED_3_DAYS,
    ),
    # Channels: agency personal phones and social apps; field visits.
    case(
        "cn-agency-personal-phone-without-consent-refused",
        "cn",
        call("2025-06-10T10:00:00+08:00", by="agency:x", personal_device=True),
        False,
        ("cn.channel.private_device",),
        NEVER,
        debtor=sh,
    ),
    case(
        "cn-agency-wechat-without-consent-refused",
        "cn",
        {"at": "2025-06-10T10:00:00+08:00", "channel": "social", "by": "agency:x"},
        False,
        ("cn.channel.private_device",),
        NEVER,
        debtor=sh,
    ),
    case(
        "cn-visit-with-one-collector-refused",
        "cn",
        {"at": "2025-06-10T10:00:00+08:00", "channel": "visit", "collectors": 1},
        False,
        ("cn.visit.collectors",),
        NEVER,
        debtor=sh,
    ),
    case(
        "cn-visit-with-two-collectors-allowed",
        "cn",
        {"at": "2025-06-10T20:00:00+08:00", "channel": "visit", "collectors": 2},
        True,
        debtor=sh,
    ),
    case(
        "cn-visit-at-22:00-refused",
        "cn",
        {"at": "2025-06-10T22:00:00+08:00", "channel": "visit", "collectors": 2},
        False,
        (QUIET,),
        "2025-06-11T08:00:00+08:00",
        debtor=sh,
    ),
]

US = [
    # 7 calls in 7 days per person per debt, busy not counted, voicemail counted.
    case(
        "us-seventh-call-in-seven-days-allowed",
        "us",
        call("2025-06-08T10:00:00-04:00", **A),
        True,
        debtor=ny,
        history=[ev(f"2025-06-0{d}T10:00:00-04:00", "no_answer", **A) for d in range(2, 8)],
    ),
    case(
        "us-eighth-call-refused-until-the-window-slides",
        "us",
        call("2025-06-08T18:00:00-04:00", **A),
        False,
        ("us.calls.seven_in_seven",),
        "2025-06-09T08:00:00-04:00",
        debtor=ny,
        history=[ev(f"2025-06-0{d}T10:00:00-04:00", "no_answer", **A) for d in range(2, 9)],
    ),
    case(
        "us-busy-signals-do-not-count",
        "us",
        call("2025-06-08T18:00:00-04:00", **A),
        True,
        debtor=ny,
        history=[
            ev(f"2025-06-0{d}T10:00:00-04:00", "busy" if d == 5 else "no_answer", **A)
            for d in range(2, 9)
        ],
    ),
    case(
        "us-voicemails-count",
        "us",
        call("2025-06-08T18:00:00-04:00", **A),
        False,
        ("us.calls.seven_in_seven",),
        "2025-06-09T08:00:00-04:00",
        debtor=ny,
        history=[ev(f"2025-06-0{d}T10:00:00-04:00", "voicemail", **A) for d in range(2, 9)],
    ),
    case(
        "us-a-call-about-two-debts-counts-for-each",
        "us",
        call("2025-06-08T18:00:00-04:00", debt_ids=["B"], by="agency:acme"),
        False,
        ("us.calls.seven_in_seven",),
        "2025-06-09T08:00:00-04:00",
        debtor=ny,
        history=[
            ev(f"2025-06-0{d}T10:00:00-04:00", "no_answer", debt_ids=["A", "B"], by="agency:acme")
            for d in range(2, 9)
        ],
    ),
    case(
        "us-a-third-debt-has-its-own-count",
        "us",
        call("2025-06-08T18:00:00-04:00", debt_ids=["C"], by="agency:acme"),
        True,
        debtor=ny,
        history=[
            ev(f"2025-06-0{d}T10:00:00-04:00", "no_answer", debt_ids=["A", "B"], by="agency:acme")
            for d in range(2, 9)
        ],
    ),
    # A conversation the consumer starts counts; its day is day 1 of 7.
    case(
        "us-consumer-started-conversation-blocks-day-7",
        "us",
        call("2025-06-08T20:59:00-04:00", **A),
        False,
        ("us.calls.after_conversation",),
        "2025-06-09T08:00:00-04:00",
        debtor=ny,
        history=[
            {
                "at": "2025-06-02T10:00:00-04:00",
                "direction": "inbound",
                "channel": "call",
                "outcome": "conversation",
                **A,
            }
        ],
    ),
    case(
        "us-day-8-after-conversation-before-8am-waits-for-8",
        "us",
        call("2025-06-09T07:59:59-04:00", **A),
        False,
        ("us.hours.inconvenient",),
        "2025-06-09T08:00:00-04:00",
        debtor=ny,
        history=[
            {
                "at": "2025-06-02T23:30:00-04:00",
                "direction": "inbound",
                "channel": "call",
                "outcome": "conversation",
                **A,
            }
        ],
    ),
    case(
        "us-day-8-after-conversation-at-8am-allowed",
        "us",
        call("2025-06-09T08:00:00-04:00", **A),
        True,
        debtor=ny,
        history=[
            {
                "at": "2025-06-02T23:30:00-04:00",
                "direction": "inbound",
                "channel": "call",
                "outcome": "conversation",
                **A,
            }
        ],
    ),
    # Direct prior consent: excluded calls within 7 days counting the day of consent as day 1.
    case(
        "us-consent-on-day-7-of-its-scope-allows-the-call",
        "us",
        call("2025-06-09T12:00:00-04:00", **A),
        True,
        debtor=ny,
        history=[ev("2025-06-03T10:00:00-04:00", "conversation", **A)],
        consents=[
            {
                "given_at": "2025-06-03T10:05:00-04:00",
                "to": "collector",
                "channel": "call",
                "debt_ids": ["A"],
            }
        ],
    ),
    case(
        "us-consent-outside-its-scope-does-not",
        "us",
        call("2025-06-08T12:00:00-04:00", **A),
        False,
        ("us.calls.after_conversation",),
        "2025-06-10T08:00:00-04:00",
        debtor=ny,
        history=[ev("2025-06-03T10:00:00-04:00", "conversation", **A)],
        consents=[{"given_at": "2025-06-01T10:00:00-04:00", "to": "collector", "channel": "call"}],
    ),
    case(
        "us-calls-placed-with-consent-do-not-count-later",
        "us",
        call("2025-06-09T12:00:00-04:00", **A),
        True,
        debtor=ny,
        history=[ev(f"2025-06-0{d}T10:00:00-04:00", "no_answer", **A) for d in range(2, 9)],
        consents=[{"given_at": "2025-06-02T09:00:00-04:00", "to": "collector", "channel": "call"}],
    ),
    case(
        "us-consent-given-to-the-creditor-does-not-count",
        "us",
        call("2025-06-09T12:00:00-04:00", **A),
        False,
        ("us.calls.after_conversation",),
        "2025-06-10T08:00:00-04:00",
        debtor=ny,
        history=[ev("2025-06-03T10:00:00-04:00", "conversation", **A)],
        consents=[{"given_at": "2025-06-03T10:05:00-04:00", "to": "creditor", "channel": "call"}],
    ),
    # Unknown or conflicting location: every possible zone must be convenient.
    case(
        "us-possible-zones-10:59-eastern-refused",
        "us",
        call("2025-06-10T10:59:00-04:00"),
        False,
        ("us.hours.inconvenient",),
        "2025-06-10T11:00:00-04:00",
        debtor={"timezone": None, "possible_timezones": [NY, LA]},
    ),
    case(
        "us-possible-zones-20:59-eastern-allowed",
        "us",
        call("2025-06-10T20:59:00-04:00"),
        True,
        debtor={"possible_timezones": [NY, LA]},
    ),
    case(
        "us-possible-zones-21:00-eastern-refused",
        "us",
        call("2025-06-10T21:00:00-04:00"),
        False,
        ("us.hours.inconvenient",),
        "2025-06-11T11:00:00-04:00",
        debtor={"possible_timezones": [NY, LA]},
    ),
    case(
        "us-no-location-at-all-10:59-eastern-refused",
        "us",
        call("2025-06-10T10:59:00-04:00"),
        False,
        ("us.hours.inconvenient",),
        "2025-06-10T11:00:00-04:00",
    ),
    # Times the consumer named, stops and holds.
    case(
        "us-named-inconvenient-morning-refused",
        "us",
        call("2025-06-10T11:59:00-04:00"),
        False,
        ("us.hours.known_inconvenient",),
        "2025-06-10T12:00:00-04:00",
        debtor={**ny, "inconvenient_times": [{"from": "00:00", "to": "12:00"}]},
    ),
    case(
        "us-named-inconvenient-ends-at-noon",
        "us",
        call("2025-06-10T12:00:00-04:00"),
        True,
        debtor={**ny, "inconvenient_times": [{"from": "00:00", "to": "12:00"}]},
    ),
    case(
        "us-cease-refuses-a-call",
        "us",
        call("2025-06-06T12:00:00-04:00", **A),
        False,
        ("us.stops.cease",),
        NEVER,
        debtor={**ny, "cease_requested_on": "2025-06-05"},
    ),
    case(
        "us-cease-allows-the-ending-collection-letter",
        "us",
        {"at": "2025-06-06T12:00:00-04:00", "channel": "letter", "purpose": "ending_collection"},
        True,
        debtor={**ny, "cease_requested_on": "2025-06-05"},
    ),
    case(
        "us-attorney-represented-refuses-the-consumer",
        "us",
        call("2025-06-10T12:00:00-04:00", **A),
        False,
        ("us.stops.attorney",),
        NEVER,
        debtor={**ny, "attorney_represented": True},
    ),
    case(
        "us-employer-forbids-calls-at-work",
        "us",
        call("2025-06-10T14:00:00-04:00", address_kind="work"),
        False,
        ("us.stops.employer",),
        NEVER,
        debtor={**ny, "employer_forbids_calls": True},
    ),
    case(
        "us-stop-text-allows-one-confirmation",
        "us",
        sms(
            "2025-06-10T12:01:00-04:00",
            purpose="opt_out_confirmation",
            text="You are unsubscribed from our texts.",
        ),
        True,
        debtor=ny,
        history=[
            {
                "at": "2025-06-10T12:00:00-04:00",
                "direction": "inbound",
                "channel": "sms",
                "outcome": "stop_reply",
            }
        ],
    ),
    case(
        "us-stop-text-at-night-still-allows-the-one-confirmation",
        "us",
        sms(
            "2025-06-10T22:31:00-04:00",
            purpose="opt_out_confirmation",
            text="You are unsubscribed from our texts.",
        ),
        True,
        debtor=ny,
        history=[
            {
                "at": "2025-06-10T22:30:00-04:00",
                "direction": "inbound",
                "channel": "sms",
                "outcome": "stop_reply",
            }
        ],
    ),
    case(
        "us-stop-text-second-confirmation-refused",
        "us",
        sms(
            "2025-06-10T12:02:00-04:00",
            purpose="opt_out_confirmation",
            text="You are unsubscribed from our texts.",
        ),
        False,
        ("us.stops.medium_opt_out",),
        NEVER,
        debtor=ny,
        history=[
            {
                "at": "2025-06-10T12:00:00-04:00",
                "direction": "inbound",
                "channel": "sms",
                "outcome": "stop_reply",
            },
            {"at": "2025-06-10T12:01:00-04:00", "channel": "sms", "outcome": "delivered"},
        ],
    ),
    case(
        "us-stop-text-refuses-collection-texts",
        "us",
        sms("2025-06-11T12:00:00-04:00", text="Reply STOP to opt out. Please call us."),
        False,
        ("us.stops.medium_opt_out",),
        NEVER,
        debtor=ny,
        history=[
            {
                "at": "2025-06-10T12:00:00-04:00",
                "direction": "inbound",
                "channel": "sms",
                "outcome": "stop_reply",
            }
        ],
    ),
    case(
        "us-tcpa-revoked-refuses-an-ai-voice-call",
        "us",
        call("2025-06-10T12:00:00-04:00", mode="robot", **A),
        False,
        ("us.tcpa.consent",),
        NEVER,
        debtor={**ny, "tcpa_revoked_on": "2025-06-09"},
    ),
    case(
        "us-tcpa-revoked-still-allows-an-agent-call",
        "us",
        call("2025-06-10T12:00:00-04:00", **A),
        True,
        debtor={**ny, "tcpa_revoked_on": "2025-06-09"},
    ),
    case(
        "us-time-barred-threat-to-sue-refused",
        "us",
        {
            "at": "2025-06-10T12:00:00-04:00",
            "channel": "letter",
            "text": "If you do not pay we will sue you.",
            "facts": {"time_barred": True},
        },
        False,
        (),
        NEVER,
        debtor=ny,
    ),
    case(
        "us-spouse-is-the-consumer",
        "us",
        call("2025-06-10T12:00:00-04:00", recipient="spouse", **A),
        True,
        debtor=ny,
    ),
]

UK = [
    case("uk-20:59-allowed", "uk", call("2025-06-10T20:59:00+01:00"), True, debtor=lon),
    case(
        "uk-21:00-refused",
        "uk",
        call("2025-06-10T21:00:00+01:00"),
        False,
        ("uk.hours.house_window",),
        "2025-06-11T08:00:00+01:00",
        debtor=lon,
    ),
    case(
        "uk-07:59-refused",
        "uk",
        call("2025-06-10T07:59:00+01:00"),
        False,
        ("uk.hours.house_window",),
        "2025-06-10T08:00:00+01:00",
        debtor=lon,
    ),
    case(
        "uk-standard-breathing-space-day-60-refused",
        "uk",
        call("2025-07-30T12:00:00+01:00"),
        False,
        ("uk.breathing_space",),
        "2025-07-31T08:00:00+01:00",
        debtor={**lon, "breathing_space": {"kind": "standard", "started_on": "2025-06-01"}},
    ),
    case(
        "uk-standard-breathing-space-day-61-allowed",
        "uk",
        call("2025-07-31T08:00:00+01:00"),
        True,
        debtor={**lon, "breathing_space": {"kind": "standard", "started_on": "2025-06-01"}},
    ),
    case(
        "uk-day-before-breathing-space-allowed",
        "uk",
        call("2025-05-31T12:00:00+01:00"),
        True,
        debtor={**lon, "breathing_space": {"kind": "standard", "started_on": "2025-06-01"}},
    ),
    case(
        "uk-crisis-breathing-space-runs-30-days-after-treatment",
        "uk",
        call("2025-07-05T12:00:00+01:00"),
        False,
        ("uk.breathing_space",),
        "2025-07-06T08:00:00+01:00",
        debtor={
            **lon,
            "breathing_space": {
                "kind": "mental_health_crisis",
                "started_on": "2025-05-01",
                "treatment_ended_on": "2025-06-05",
            },
        },
    ),
    case(
        "uk-crisis-breathing-space-without-treatment-end-never-ends-by-waiting",
        "uk",
        call("2025-09-05T12:00:00+01:00"),
        False,
        ("uk.breathing_space",),
        NEVER,
        debtor={
            **lon,
            "breathing_space": {"kind": "mental_health_crisis", "started_on": "2025-05-01"},
        },
    ),
    case(
        "uk-neighbour-refused",
        "uk",
        call("2025-06-10T12:00:00+01:00", recipient="third_party"),
        False,
        ("uk.parties.third_party",),
        NEVER,
        debtor=lon,
    ),
]

HOLDS = ("complaint", "dispute", "hardship", "deceased", "bankruptcy")
NOON = {
    "cn": "2025-06-10T12:00:00+08:00",
    "us": "2025-06-10T12:00:00-04:00",
    "uk": "2025-06-10T12:00:00+01:00",
}
ZONE = {"cn": sh, "us": ny, "uk": lon}
HOLD_CASES = [
    case(
        f"{pack}-hold-{hold}",
        pack,
        call(NOON[pack], **A),
        False,
        (f"{pack}.hold",),
        NEVER,
        debtor={**ZONE[pack], "holds": [hold]},
    )
    for pack in ("cn", "us", "uk")
    for hold in HOLDS
]

CASES = CN + US + UK + HOLD_CASES


@cache
def _answers(pack: str) -> dict[str, dict[str, Any]]:
    lines = [json.dumps(c["line"], ensure_ascii=False) for c in CASES if c["pack"] == pack]
    result = CliRunner().invoke(
        app, ["compliance", "check", "--pack", pack, "-"], input="\n".join(lines) + "\n"
    )
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    return {answer["id"]: answer for answer in answers}


@pytest.mark.parametrize("expected", CASES, ids=[c["id"] for c in CASES])
def test_case_from_the_rule_text(expected: dict[str, Any]) -> None:
    answer = _answers(expected["pack"])[expected["id"]]
    rules = [reason["rule"] for reason in answer["reasons"]]
    assert answer["allowed"] is expected["allowed"], rules
    for rule in expected["rules"]:
        assert rule in rules, rules
    if not expected["allowed"]:
        assert rules, "a refusal names its rule"
    assert answer["next_allowed_at"] == expected["next_allowed_at"], rules


def test_case_names_are_unique() -> None:
    names = [c["id"] for c in CASES]
    assert len(names) == len(set(names))
