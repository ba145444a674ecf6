"""The ``us`` pack: FDCPA and Regulation F (12 CFR part 1006) as house policy for every US
account, plus the TCPA. Reg F binds third-party collectors; RULES.md §2 recommends applying it
to first-party collection too. State overlays tighten it (:func:`~fairdebt.compliance.packs.
massachusetts`).
"""

from __future__ import annotations

from types import MappingProxyType

from fairdebt.compliance.packs import Pack, hhmm
from fairdebt.compliance.rules import Rule, channels, frequency, hours, parties, stops

__all__ = ["MA_RULE", "make_pack"]

RULES = (
    Rule(
        "us.hours.inconvenient",
        "12 CFR 1006.6(b)(1)(i); FDCPA § 805(a)(1)",
        "P",
        "消费者所在地时间 {local_time}（{zone}）不在 {window_start:%H:%M}–{window_end:%H:%M} "
        "之内（位置不确定时取所有可能时区的交集）",
        "{local_time} at the consumer's location ({zone}) is outside "
        "{window_start:%H:%M}–{window_end:%H:%M} (with unknown or conflicting location, "
        "every possible zone must agree)",
        hours.quiet_hours,
    ),
    Rule(
        "us.hours.known_inconvenient",
        "12 CFR 1006.6(b)(1)(i); comment 6(b)(1)-1",
        "S",
        "消费者已表示 {from}–{to} 不方便（当地 {local_time}）",
        "the consumer said {from}–{to} is inconvenient (local {local_time})",
        hours.known_inconvenient_times,
    ),
    Rule(
        "us.calls.seven_in_seven",
        "12 CFR 1006.14(b)(2)(i)(A)",
        "P",
        "债务 {debt} 在 {window} 内已致电此人 {count} 次，上限 {cap} 次",
        "{count} calls to this person about debt {debt} in {window}; more than {cap} in 7 "
        "days is a presumed violation",
        frequency.us_calls_in_seven_days,
    ),
    Rule(
        "us.calls.after_conversation",
        "12 CFR 1006.14(b)(2)(i)(B)",
        "P",
        "{conversation_on} 已就债务 {debt} 通话，{free_on} 之前不得再致电",
        "a telephone conversation about debt {debt} on {conversation_on}; no call before {free_on}",
        frequency.us_after_conversation,
    ),
    Rule(
        "us.calls.concentrated",
        "12 CFR 1006.14(b)(2)(i); comment 14(b)(2)(i)-2",
        "S",
        "距上次致电（{last_call_at}）不足 {minutes} 分钟，属集中呼叫",
        "the last call to this person about this debt was at {last_call_at}, less than "
        "{minutes} minutes ago (concentrated calls)",
        frequency.us_concentrated_calls,
        basis="house",
    ),
    Rule(
        "us.texts.per_day",
        "12 CFR 1006.14(a), comment 14(a)-1.i; house cap",
        "S",
        "今日已发送 {count} 条催收短信，内部上限 {cap} 条",
        "{count} collection texts to this person today; the house cap is {cap}",
        frequency.daily_texts,
        basis="house",
    ),
    Rule(
        "us.parties.third_party",
        "12 CFR 1006.6(d)(1); FDCPA § 805(b)",
        "P",
        "不得与消费者以外的第三方（{recipient}）沟通债务",
        "no communication about the debt with a third party ({recipient})",
        parties.us_third_party,
    ),
    Rule(
        "us.parties.location_once",
        "FDCPA § 804(3); 12 CFR 1006.10",
        "M",
        "已于 {earlier_at} 向此人询问过位置信息，一般只可询问一次",
        "this person was already asked for location information on {earlier_at}; generally "
        "only once",
        parties.us_location_once,
    ),
    Rule(
        "us.parties.public_social",
        "12 CFR 1006.22(f)(4)",
        "P",
        "不得以公众或其社交联系人可见的方式沟通",
        "no communication viewable by the public or the person's social-media contacts",
        parties.public_posting,
    ),
    Rule(
        "us.stops.cease",
        "12 CFR 1006.6(c); FDCPA § 805(c)",
        "P",
        "消费者已于 {cease_requested_on} 书面要求停止沟通，仅可告知终止催收或具体救济措施",
        "the consumer asked in writing on {cease_requested_on} that communication stop; only "
        "a notice that collection ends or of a specific remedy may be sent",
        stops.us_cease_communication,
    ),
    Rule(
        "us.stops.attorney",
        "12 CFR 1006.6(b)(2)",
        "P",
        "消费者已委托律师处理该债务，应联系律师",
        "the consumer is represented by an attorney for this debt; contact the attorney",
        parties.us_attorney_represented,
    ),
    Rule(
        "us.stops.employer",
        "12 CFR 1006.6(b)(3)",
        "P",
        "雇主禁止在工作场所联系消费者",
        "the employer forbids such communications at work",
        stops.us_employer_forbids,
    ),
    Rule(
        "us.stops.medium_opt_out",
        "12 CFR 1006.14(h)",
        "M",
        "此人已要求不再通过 {channel} 联系（{opted_out_at}），仅可确认一次退订",
        "this person asked not to be contacted by {channel} ({opted_out_at}); only one "
        "confirmation of the opt-out is allowed",
        stops.medium_opt_out,
    ),
    Rule(
        "us.tcpa.consent",
        "47 U.S.C. 227(b); FCC 2024 revocation order",
        "S",
        "预录音/人工智能语音或自动短信须事先明示同意（{consent}）",
        "a prerecorded or AI-voice call or automated text needs prior express consent ({consent})",
        stops.us_tcpa_consent,
    ),
    Rule(
        "us.electronic.opt_out_notice",
        "12 CFR 1006.6(e)",
        "M",
        "电子催收信息须说明简单的退订方式",
        "an electronic collection message must state a simple way to opt out",
        channels.us_opt_out_notice,
    ),
    Rule(
        "us.voicemail.limited_content",
        "12 CFR 1006.2(j); 12 CFR 1006.6(d)",
        "M",
        "语音留言只能是有限内容留言，不得提及债务（“{excerpt}”）",
        "a voicemail may only be a limited-content message; it must not mention the debt "
        '("{excerpt}")',
        channels.us_limited_content_message,
    ),
    Rule(
        "us.hold",
        "fairdebt ledger hold; 12 CFR 1006.38 (disputes)",
        "S",
        "账户处于暂停催收状态：{holds}",
        "the account is on hold: {holds}",
        stops.ledger_holds,
        basis="house",
    ),
)

MA_RULE = Rule(
    "us.ma.calls_per_7_days",
    "940 CMR 7.04(1)(f)",
    "S",
    "债务 {debt} 在 {window} 内已有 {count} 次电话沟通，马萨诸塞州上限 {cap} 次",
    "{count} telephone communications about debt {debt} in {window}; Massachusetts allows "
    "{cap} per 7 days",
    frequency.overlay_calls_in_seven_days,
)

CONTIGUOUS = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
)

PARAMS = {
    "window_start": (hhmm("08:00"), "start"),
    "window_end": (hhmm("21:00"), "end"),
    "unknown_location_zones": (CONTIGUOUS, "zones"),
    "consent_parties": (("collector",), "parties"),
    "agreed_time_tolerance_minutes": (30, "ceiling"),
    "reply_once_at_inconvenient_time": (True, "allowance"),
    "us_calls_per_7_days": (7, "ceiling"),
    "us_days_after_conversation": (7, "floor"),
    "us_consent_days": (7, "ceiling"),
    "us_min_minutes_between_calls": (5, "floor"),
    "texts_per_day": (5, "ceiling"),
}


def make_pack() -> Pack:
    return Pack(
        id="us",
        title="United States: FDCPA, Regulation F, TCPA",
        rules=RULES,
        params=MappingProxyType({k: v for k, (v, _) in PARAMS.items()}),
        kinds=MappingProxyType({k: kind for k, (_, kind) in PARAMS.items()}),
        default_zone="America/New_York",
    )
