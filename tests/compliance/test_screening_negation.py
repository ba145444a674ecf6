"""Negation and its scope (issue 15): a negated threat passes, a real threat around it blocks."""

from __future__ import annotations

import pytest

from fairdebt.compliance.screening import screen, verdict
from fairdebt.compliance.screening.promises import without_promises

#: (pack, text): compliant sentences that negate a prohibited act.
NEGATED = [
    ("cn", "不会联系您的家人"),
    ("cn", "我们不会联系您的家人和单位，请放心"),
    ("cn", "欠款属于民事纠纷，不涉及刑事责任"),
    ("cn", "如有人以坐牢恐吓您，请向我们举报"),
    ("us", "We will not contact you at work if you tell us it is inconvenient."),
    ("us", "We will never threaten you with arrest: debt is a civil matter."),
    ("us", "We will never contact your employer about this debt."),
    ("us", "At no time will we call your boss."),
    ("us", "Nobody will be arrested over a consumer debt."),
    ("us", "Courts don't phone people about unpaid loans."),
    ("cn", "公安机关不会打电话催收，请谨防诈骗"),
]

#: (pack, text, category): a negation sits inside or before a real threat; the threat blocks.
TRAPS = [
    ("cn", "不是吓唬你，明天就去你单位找你领导", "T"),
    ("cn", "别以为我们不会联系你的家人", "T"),
    ("cn", "我们不会起诉你而是直接让你坐牢", "L"),
    ("cn", "我们不会报警，但会把你欠钱的事告诉你全家", "T"),
    ("us", "Don't think we won't tell your boss about your debt.", "T"),
    ("us", "We won't sue you, we'll just tell your boss.", "T"),
    ("us", "We will not hesitate to contact your employer.", "T"),
    ("us", "I'm not kidding, we will have you arrested.", "L"),
    ("us", "We will never threaten you with arrest, but if you don't pay you'll be arrested.", "L"),
    ("us", "If you do not pay we will contact your employer.", "T"),
    ("us", "The police will arrest you, don't ignore this.", "L"),
]


@pytest.mark.parametrize(("pack", "text"), NEGATED)
def test_a_negated_prohibited_act_passes(pack: str, text: str) -> None:
    findings = screen(text, pack=pack)
    assert verdict(findings) == "pass", [(f.category, text[f.start : f.end]) for f in findings]


@pytest.mark.parametrize(("pack", "text", "category"), TRAPS)
def test_a_negation_inside_a_real_threat_does_not_save_it(
    pack: str, text: str, category: str
) -> None:
    findings = screen(text, pack=pack)
    assert verdict(findings) == "block"
    assert category in {f.category for f in findings if f.action == "block"}


@pytest.mark.parametrize(
    "text",
    [
        "We won't visit your home without arranging it with you first.",
        "We will never contact your employer about this account.",
        "我们不会联系您的家人或单位，请放心。",
        "我們不會聯繫您的單位",
        "咱不会上你单位找你领导",
    ],
)
def test_the_classifier_does_not_read_our_own_negated_promise(text: str) -> None:
    kept = without_promises(text)
    assert len(kept) < len(text) / 2


@pytest.mark.parametrize(
    ("text", "threat"),
    [
        ("We won't sue, we'll just tell your boss", "tell your boss"),
        ("You won't be able to borrow anywhere again", "borrow anywhere"),
        ("Don't think we won't tell your boss", "tell your boss"),
        ("We won't hesitate to call your employer", "call your employer"),
        ("我们不会手软的，明天就去你单位", "去你单位"),
        ("不是吓唬你，明天就去你单位", "去你单位"),
        ("我们不会起诉你，如果不还就告诉你领导", "告诉你领导"),
        ("咱不会跟你客气，明天就去你单位", "去你单位"),
    ],
)
def test_a_threat_around_a_negation_stays_for_the_classifier(text: str, threat: str) -> None:
    assert threat in without_promises(text)


@pytest.mark.parametrize(
    "text",
    [
        "Scam alert: we will never ask you to pay by gift card, wire to an individual, or crypto.",
        "No company employee will ever ask you to send money to a personal Venmo or Zelle account.",
    ],
)
def test_an_anti_fraud_note_listing_what_we_never_ask_passes(text: str) -> None:
    assert screen(text, pack="us") == []


@pytest.mark.parametrize(
    "text",
    [
        "We will never ask you to pay into our old account, just send it to my Venmo",
        "Nobody will ever ask you to pay by gift card. Pay to my personal account today.",
    ],
)
def test_a_private_payment_after_an_anti_fraud_phrase_still_blocks(text: str) -> None:
    assert verdict(screen(text, pack="us")) == "block"


#: Our own promise negates every item of a list (issue 15, part 3), and "no X will ever" is a
#: negation; the anti-fraud frame "anyone who asks … is a scam" and fees we do not charge are
#: truthful.
LISTED = [
    ("us", "We will not post your photo, share your address or call your boss."),
    ("us", "We will never call your employer, your neighbours, your landlord or your family."),
    ("us", "At no point will we tell your neighbours, your church or your coworkers."),
    ("us", "No collector will ever contact your boss."),
    ("us", "Our staff will never ask you to take out a payday loan or borrow from family."),
    ("cn", "我们不会联系您的家人、同事，也不会把您的照片发到网上"),
    ("cn", "任何要求您向私人账户还款的都是诈骗，请立即挂断"),
    ("us", "Anyone who asks you to pay into a personal account is a scammer."),
    ("cn", "您可以申请分期，不收取任何额外费用"),
    ("us", "There are no extra fees for setting up a plan."),
    ("cn", "您的孩子考公、参军不受您个人征信影响"),
    ("cn", "qing zhu yi, wo men bu hui yao qiu nin zhuan zhang dao ge ren zhang hu"),
    ("cn", "有骗子冒充我司催收人员，让您转账到个人账户，请勿相信"),
    ("us", "Scammers are posing as bailiffs and asking for payment by bank transfer."),
    ("cn", "本期还款日顺延，无需额外费用"),
    # "Including" names members of what was negated (round 19's diagnosis).
    ("cn", "我们不会把您的逾期情况告诉任何第三方，包括您的通讯录联系人。"),
    ("us", "We will not tell anyone, including your employer, about this debt."),
    # Round 49 and 50's diagnosis: a scam told by its people, a payment's destination, pinyin
    # written solid, the deputy's court.
    ("us", "People pretending to be sheriff's deputies are demanding gift cards to avoid arrest."),
    ("cn", "近期有人冒充法院、公安向老年客户催收，请注意核实"),
    ("uk", "We never ask for payment to a personal account."),
    ("cn", "Qiewu xiang geren zhanghu zhuanzhang."),
    ("uk", "Thank you for the order from the Court of Protection appointing you as deputy."),
]

#: A list that is not one: a new clause, a new subject or a contrast after the promise.
NOT_LISTED = [
    ("us", "We won't be ignored, and your boss will hear about it.", "T"),
    ("us", "We won't call again, we'll visit your work and tell your manager.", "T"),
    ("cn", "我们不会再打电话了，直接去你单位找你领导和同事", "T"),
    ("us", "No bank will ever lend to you again.", "B"),
    ("us", "Pay now or you will face extra fees of $500.", "M"),
    ("us", "Scammers pretending to be us will call your boss tomorrow unless you pay.", "T"),
    ("cn", "骗子冒充我们？我们明天就去你单位找你领导", "T"),
    # Patience running out is a hedge, and a longer new subject still ends the list.
    ("cn", "我们不会再等了，你的领导和同事都会知道你欠钱", "T"),
    ("cn", "我们不会等了，包括你的通讯录联系人都会知道", "T"),
    ("us", "We won't wait any longer, your boss and your family will hear about it.", "T"),
    # A suggestion, a negated hedge, a negation inside a condition (round 22's diagnosis).
    ("us", "Why not take out a payday loan to cover us?", "F"),
    ("us", "I'm not saying we will have you arrested, but it happens.", "L"),
    ("uk", "If we don't hear from you, our next step is to call your landlord and family.", "T"),
    # A scam's frame does not reach the writer's own private channel, nor a payment left unpaid.
    ("cn", "欠980不还是吧？如有人自称警察要求你转账，请立即挂断并报警，打我自己的手机号", "C"),
    ("uk", "If we don't get a payment today you'll be blacklisted with every bank.", "B"),
    ("uk", "We will take you to the Court of Protection if you don't pay.", "L"),
    ("us", "Scammers are posing as our staff or we will tell your boss about the debt.", "T"),
    ("uk", "Fenwick Credit won't wait any longer, your boss and family will hear about it.", "T"),
]


@pytest.mark.parametrize(("pack", "text"), LISTED)
def test_a_promise_reaches_every_item_of_its_list(pack: str, text: str) -> None:
    findings = screen(text, pack=pack)
    assert verdict(findings) == "pass", [(f.category, f.action, f.source) for f in findings]


@pytest.mark.parametrize(("pack", "text", "category"), NOT_LISTED)
def test_a_new_clause_after_a_promise_is_still_screened(
    pack: str, text: str, category: str
) -> None:
    assert category in {f.category for f in screen(text, pack=pack)}


#: Dialect and colloquial negation (round 17's diagnosis): Shanghainese 勿会, Cantonese 唔会,
#: Hokkien 袂, Southern US "ain't", with the dialects' own first person (阿拉, 我哋, 俺们).
DIALECT_NEGATED = [
    ("us", "We ain't ever gonna call your boss or your kin about this."),
    ("cn", "阿拉勿会打电话到侬单位，侬放心。"),
    ("cn", "我哋唔会打去你公司搵你老细"),
]

#: The same negators inside real threats: a negated hedge or a new clause still blocks.
DIALECT_TRAPS = [
    ("us", "We ain't playing, we will call your boss tomorrow.", "T"),
    ("us", "We ain't gonna sue, we'll just tell your boss.", "T"),
    ("cn", "阿拉勿会再打电话了，直接去侬单位找侬领导", "T"),
]


@pytest.mark.parametrize(("pack", "text"), DIALECT_NEGATED)
def test_a_promise_negated_in_dialect_or_slang_passes(pack: str, text: str) -> None:
    findings = screen(text, pack=pack)
    assert verdict(findings) == "pass", [(f.category, text[f.start : f.end]) for f in findings]


@pytest.mark.parametrize(("pack", "text", "category"), DIALECT_TRAPS)
def test_a_dialect_negation_before_a_real_threat_does_not_save_it(
    pack: str, text: str, category: str
) -> None:
    findings = screen(text, pack=pack)
    assert verdict(findings) in {"block", "review"}
    assert category in {f.category for f in findings}


@pytest.mark.parametrize(
    "text", ["We ain't ever gonna call your boss", "阿拉勿会打电话到侬单位", "俺们不会去恁单位"]
)
def test_the_classifier_does_not_read_a_promise_in_dialect(text: str) -> None:
    kept = without_promises(text)
    assert len(kept) < len(text) / 2


#: A truthful time-barred notice (rounds 17 and 18): the limitation period named as passed, our
#: own negation after the act with its verb left out, 就此 ("about this") read as no condition.
TIME_BARRED_TRUTHFUL = [
    ("us", "This debt is too old for us to sue you over, and we won't. You may still pay it."),
    ("cn", "您的欠款诉讼时效已过，我们不会就此起诉您，如您自愿还款我们同样欢迎"),
    ("cn", "您的欠款诉讼时效已过"),
]

#: A threat on a time-barred debt still blocks, whatever negation sits around it.
TIME_BARRED_THREATS = [
    ("us", "We could sue you, but we won't if you pay today."),
    ("us", "It's old, we can still sue you. And we will."),
    ("cn", "诉讼时效已过，但我们照样起诉你"),
    ("cn", "过了时效我们照样起诉你，我们不会放过你。"),
]


@pytest.mark.parametrize(("pack", "text"), TIME_BARRED_TRUTHFUL)
def test_a_truthful_time_barred_notice_passes(pack: str, text: str) -> None:
    findings = screen(text, {"time_barred": True}, pack)
    assert verdict(findings) == "pass", [(f.category, text[f.start : f.end]) for f in findings]


@pytest.mark.parametrize(("pack", "text"), TIME_BARRED_THREATS)
def test_a_threat_to_sue_on_a_time_barred_debt_still_blocks(pack: str, text: str) -> None:
    findings = screen(text, {"time_barred": True}, pack)
    assert verdict(findings) == "block"
    assert "Q" in {f.category for f in findings}


@pytest.mark.parametrize(
    ("text", "pack"), [("弄死你。不会有人知道", "cn"), ("。弄死你。NEVER", "cn")]
)
def test_a_negation_in_the_next_sentence_does_not_reach_back_to_a_threat(
    text: str, pack: str
) -> None:
    assert verdict(screen(text, pack=pack, statistical=False)) == "block"
