"""The ``cn`` pack (default): GB/T 45251-2025, the CBA 2026 collection guideline, PIPL.

Grades follow RULES.md: the standard's content and the CBA guideline are known from reports
quoting them (S). Hours are the debtor's local time intersected with Beijing time for a debtor
abroad (RULES.md §1(a)(i), §5.2).
"""

from __future__ import annotations

from types import MappingProxyType

from fairdebt.compliance.packs import Pack, hhmm
from fairdebt.compliance.rules import Rule, channels, frequency, hours, parties, stops

__all__ = ["make_pack"]

GBT = "GB/T 45251-2025"
CBA = "CBA 《金融机构个人消费类贷款催收工作指引（试行）》 2026"

RULES = (
    Rule(
        "cn.hours.quiet",
        f"{GBT} (催收时间); {CBA} (22:00–08:00)",
        "S",
        "当地时间 {local_time}（{zone}）不在允许催收时段 "
        "{window_start:%H:%M}–{window_end:%H:%M} 之内，且无约定时间",
        "{local_time} local time ({zone}) is outside the allowed hours "
        "{window_start:%H:%M}–{window_end:%H:%M} and no time was agreed with the debtor",
        hours.quiet_hours,
    ),
    Rule(
        "cn.hours.debtor_request",
        "Civil Code Art. 1033(1) (私人生活安宁); house rule: the standard names no such time",
        "P",
        "债务人已要求 {from}–{to} 不要联系（当地 {local_time}）",
        "the debtor asked not to be contacted {from}–{to} (local {local_time})",
        hours.known_inconvenient_times,
        basis="house",
    ),
    Rule(
        "cn.voice.connected_per_day",
        f"{GBT} (告知式语音催收，含智能语音)",
        "S",
        "今日已拨通债务人电话 {count} 次（机构与委外机构合计），上限 {cap} 次",
        "{count} calls already connected to the debtor today (lender and agencies together); "
        "the cap is {cap}",
        frequency.cn_connected_calls,
    ),
    Rule(
        "cn.voice.conversations_per_day",
        f"{GBT} (交互式语音催收)",
        "S",
        "今日已与债务人有效通话 {count} 次，上限 {cap} 次",
        "{count} effective conversations with the debtor today; the cap is {cap}",
        frequency.cn_conversations,
    ),
    Rule(
        "cn.voice.attempts_per_method",
        f"{CBA} (同一联系方式每日拨打)",
        "S",
        "今日已拨打同一联系方式 {count} 次，上限 {cap} 次",
        "{count} dialling attempts to this contact method today; the cap is {cap}",
        frequency.cn_same_method_attempts,
    ),
    Rule(
        "cn.texts.per_day",
        "Civil Code Art. 1033(1); house cap (no number in the standard)",
        "P",
        "今日已向该对象发送催收短信 {count} 条，上限 {cap} 条",
        "{count} collection texts already sent to this person today; the house cap is {cap}",
        frequency.daily_texts,
        basis="house",
    ),
    Rule(
        "cn.interval.same_product",
        f"{GBT} (催收间隔周期, reported by one secondary source only; off by default)",
        "S",
        "上次催收为 {last_on}，同一产品催收间隔不少于 {days} 个自然日（{free_on} 起）",
        "last collection contact on {last_on}; the same product waits at least {days} "
        "calendar days (from {free_on})",
        frequency.cn_collection_interval,
    ),
    Rule(
        "cn.parties.contact_only_when_unreachable",
        f"{GBT} (联系人); {CBA} (债务相关第三人)",
        "S",
        "仅在无法联系债务人本人（或其死亡、无民事行为能力）时方可联系联系人",
        "a contact may be reached only when the debtor cannot be (or is dead or without capacity)",
        parties.cn_contact_only_when_unreachable,
    ),
    Rule(
        "cn.parties.unrelated_third_party",
        f"{GBT} (只向债务人催收); {CBA} (债务无关第三人)",
        "S",
        "不得向债务无关第三人（如单位、其他人）催收",
        "no collection from third parties unconnected to the debt (employer, others)",
        parties.cn_unrelated_third_party,
    ),
    Rule(
        "cn.parties.address_book",
        f"{CBA}; PIPL Arts 6, 13, 23",
        "S",
        "不得联系借款人通讯录（爆通讯录）",
        "the borrower's address book must never be contacted",
        parties.cn_address_book,
    ),
    Rule(
        "cn.parties.contact_declined",
        f"{GBT} (联系人明确拒绝)",
        "S",
        "该联系人已明确拒绝或要求不再联系",
        "this contact refused or asked not to be contacted again",
        parties.cn_contact_declined,
    ),
    Rule(
        "cn.parties.no_disclosure",
        f"{GBT} (不应透露欠款信息); {CBA}",
        "S",
        "不得向第三人透露欠款金额、逾期时间等欠款信息（“{excerpt}”）",
        'the amount or overdue time must not be disclosed to a third party ("{excerpt}")',
        parties.cn_disclosure_to_contact,
    ),
    Rule(
        "cn.parties.public_posting",
        f"{CBA} (公众场所张贴催收公告); Civil Code Art. 1033",
        "S",
        "不得公开张贴或发布催收信息",
        "no public posting of collection notices",
        parties.public_posting,
    ),
    Rule(
        "cn.channel.private_device",
        f"{CBA} (委外机构私人手机、社交软件)",
        "S",
        "委外机构未经债务人同意不得使用私人手机或社交软件联系债务人",
        "an outside agency may not use a private phone or social app without the debtor's consent",
        channels.cn_private_channel,
    ),
    Rule(
        "cn.visit.collectors",
        f"{CBA} Art. 22",
        "S",
        "外访催收须至少 {visit_min_collectors} 名催收人员（本次：{collectors}）",
        "a field visit needs at least {visit_min_collectors} collectors (this one: {collectors})",
        channels.cn_visit_collectors,
    ),
    Rule(
        "cn.visit.entry",
        f"{CBA} (未经同意进入住宅、办公场所)",
        "S",
        "未经债务人同意不得进入其住宅、办公场所",
        "no entry to a home or office without the debtor's consent",
        channels.cn_enter_premises,
    ),
    Rule(
        "cn.stops.channel_refused",
        "Civil Code Art. 1033(1) (私人生活安宁); house rule",
        "P",
        "该对象已要求不再通过 {channel} 联系（{opted_out_at}），仅可确认一次退订",
        "this person asked not to be contacted by {channel} ({opted_out_at}); only one "
        "confirmation of the opt-out is allowed",
        stops.medium_opt_out,
        basis="house",
    ),
    Rule(
        "cn.hold",
        "fairdebt ledger hold; GB/T 45251-2025 §5.6 (投诉处理)",
        "S",
        "账户处于暂停催收状态：{holds}",
        "the account is on hold: {holds}",
        stops.ledger_holds,
        basis="house",
    ),
)

PARAMS = {
    "window_start": (hhmm("08:00"), "start"),
    "window_end": (hhmm("22:00"), "end"),
    "consent_parties": (("collector", "creditor"), "parties"),
    "agreed_time_tolerance_minutes": (30, "ceiling"),
    "cn_connected_calls_per_day": (3, "ceiling"),
    "cn_conversations_per_day": (3, "ceiling"),
    "cn_attempts_per_method_per_day": (6, "ceiling"),
    "texts_per_day": (5, "ceiling"),
    "cn_min_days_between_collections": (None, "floor"),
    "unreachable_days": (3, "floor"),
    "unreachable_min_attempts": (3, "floor"),
    "visit_min_collectors": (2, "floor"),
}


def make_pack() -> Pack:
    return Pack(
        id="cn",
        title="China: GB/T 45251-2025, CBA 2026 guideline, PIPL 中国",
        rules=RULES,
        params=MappingProxyType({k: v for k, (v, _) in PARAMS.items()}),
        kinds=MappingProxyType({k: kind for k, (_, kind) in PARAMS.items()}),
        default_zone="Asia/Shanghai",
        zones_also=("Asia/Shanghai",),
    )
