"""Compositions: two slot classes close together in one sentence catch a family of wording.

Each family is exercised with wordings that appear in no lexicon phrase, pattern or held-out
line; each has compliant near misses (negated, the lender's own channel, the slots in two
sentences, no third party of the debtor's) that must pass. Spans are of the original text.
"""

from __future__ import annotations

import opencc
import pytest

from fairdebt.compliance.screening import screen, verdict

#: (pack, text, category) - prohibited wordings the phrase lexicon alone did not catch.
FAMILIES = [
    ("cn", "月底前不还，我就去跟你媳妇说说这笔账", "T"),
    ("cn", "不处理的话我们会通知您妻子", "T"),
    ("cn", "不处理的话我们会打电话给你房东", "T"),
    ("cn", "再拖着，你爸妈很快就会收到我们的催款函", "T"),
    ("cn", "信不信我找人把你胳膊打折", "V"),
    ("cn", "你再躲，我们就把你儿子教训一顿", "V"),
    ("cn", "这种情况会被按诈骗处理", "L"),
    ("cn", "我这边是县公安的，找你核实欠款", "I"),
    ("cn", "还款直接付给我，别走APP", "F"),
    ("cn", "用花呗套出来先还上我们这边", "F"),
    ("cn", "你的不良记录会让你孩子以后都受影响", "B"),
    ("cn", "我们会轮番给你打，看你接不接", "H"),
    ("cn", "你的自拍已经做好了，明天就挂到网上", "P"),
    ("cn", "再拖利息就涨到两万", "M"),
    ("cn", "有问题直接联系我私人号码", "C"),
    ("us", "If you don't pay, we'll be speaking to your landlord about this debt.", "T"),
    ("us", "Somebody could smash your kneecaps.", "V"),
    ("us", "You may end up in custody over this.", "L"),
    ("us", "I'm calling from the county courthouse about your balance.", "I"),
    ("us", "Just wire the money to my own account today.", "F"),
    ("us", "Get a cash advance and use it to pay us off.", "F"),
    ("us", "Your credit will be flagged with every lender nationwide.", "B"),
    ("us", "We'll be ringing you all night until you pay.", "H"),
    ("us", "We will print flyers with your photo and hang them everywhere.", "P"),
    ("us", "Reach me on my cell, not the office.", "C"),
    ("us", "People like you are parasites.", "A"),
]

#: Compliant near misses: each holds one slot, or both slots negated, split or lawful.
NEAR_MISSES = [
    ("cn", "我们不会把您的欠款情况告诉您的家人或单位。"),
    ("cn", "请将还款转到我司官方账户，切勿转给任何个人。"),
    ("cn", "公司年会通知：各部门领导请于周五前提交总结。"),
    ("cn", "如您的家人愿意代为还款，请联系官方客服。"),
    ("cn", "温馨提示：每天9:00-21:00均可致电客服热线。"),
    ("cn", "您的照片仅用于实名认证，我们不会公开。"),
    ("cn", "逾期信息将依法报送征信。请保持良好信用记录。"),
    ("cn", "我是XX消费金融客服，工号2301，提醒您按时还款。"),
    ("us", "We will never contact your employer about this debt."),
    ("us", "You can call us every day between 8am and 8pm."),
    ("us", "One missed payment won't ruin your credit forever."),
    ("us", "Do not send payments to any personal account or gift card."),
    ("us", "If you have an attorney, tell us their name and we will contact them instead."),
    ("us", "Please upload a photo of your ID through our secure portal."),
]


@pytest.mark.parametrize(("pack", "text", "category"), FAMILIES)
def test_a_new_wording_of_a_family_is_flagged_with_its_category(
    pack: str, text: str, category: str
) -> None:
    findings = screen(text, pack=pack)
    assert category in {f.category for f in findings}, [(f.category, f.action) for f in findings]
    assert verdict(findings) == "block"


@pytest.mark.parametrize(("pack", "text"), NEAR_MISSES)
def test_a_compliant_near_miss_of_a_family_passes(pack: str, text: str) -> None:
    findings = screen(text, pack=pack)
    assert findings == [], [(f.category, text[f.start : f.end]) for f in findings]


def test_a_third_party_named_without_debt_or_threat_goes_to_review() -> None:
    findings = screen("明天我们会拜访你的邻居")
    assert [(f.category, f.action) for f in findings] == [("T", "review")]


def test_slots_in_two_sentences_do_not_compose() -> None:
    assert screen("相关事项已告知。您的家人如有疑问可来电。") == []


def test_a_composed_span_covers_both_slots_in_the_original_text() -> None:
    text = "不還就告訴🙂你爸媽"
    (finding,) = [f for f in screen(text) if f.category == "T"]
    assert text[finding.start : finding.end] == "告訴🙂你爸媽"


def test_a_composition_on_a_time_barred_debt_is_q() -> None:
    findings = screen("We'll haul you into court over it.", {"time_barred": True}, pack="us")
    assert {f.category for f in findings} == {"Q"}


_S2T = opencc.OpenCC("s2t")


def _rewrite(text: str, how: str) -> str:
    """Traditional characters, an emoji between ideographs, or an emoji at every space."""
    if how == "traditional":
        return str(_S2T.convert(text))
    if how == "emoji" and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "🙂".join(text)
    return text.replace(" ", " 😡 ")


@pytest.mark.parametrize("how", ["traditional", "emoji"])
def test_families_keep_their_category_and_exact_spans_when_rewritten(how: str) -> None:
    lost = []
    for pack, original, category in FAMILIES:
        text = _rewrite(original, how)
        findings = screen(text, pack=pack)
        for f in findings:
            assert 0 <= f.start < f.end <= len(text)
            assert not text[f.start].isspace() and not text[f.end - 1].isspace()
        if category not in {f.category for f in findings}:
            lost.append(text)
    assert lost == []


@pytest.mark.parametrize("how", ["traditional", "emoji"])
def test_near_misses_still_pass_when_rewritten(how: str) -> None:
    flagged = [
        text for pack, original in NEAR_MISSES if screen(text := _rewrite(original, how), pack=pack)
    ]
    assert flagged == []


#: Veiled threats and polite disclosures (corpus batch 6 families), read by the lexicon alone.
VEILED = [
    ("us", "Your house is lovely. It would be a shame if anything happened to it.", "V"),
    ("us", "Your twins are growing up fast. Hope nothing happens to them at school.", "V"),
    ("cn", "你闺女挺可爱的。万一出点什么事，你后悔都来不及", "V"),
    ("us", "Your cousin seemed quite shocked to learn how much you owe.", "T"),
    ("us", "We explained your situation to your supervisor this morning.", "T"),
    ("cn", "你表哥听说你欠了三万，挺惊讶的", "T"),
    ("cn", "我们的人下午就到你家楼下，让街坊邻居都看看", "T"),
]

#: Their lawful look-alikes: a wish without a threat, a disclosure refused.
VEILED_LOOKALIKES = [
    ("us", "We hope you and your family are well. Your payment is due on the 5th."),
    ("us", "It would be a shame to miss your discount: the offer ends on Friday."),
    ("us", "We will not explain your situation to your employer or anyone else."),
    ("cn", "祝您和家人身体健康，本月账单已出，请按时还款"),
    ("cn", "万一遇到意外导致暂时无法还款，请及时联系官方客服"),
    # A disclosure verb whose object is the consumer tells no one named after it (round 153).
    ("cn", "您看是把这期的金额用短信发给您，还是等您女儿在家时我再打过来？"),
    ("cn", "我们会先通知您，不会联系您的家人"),
    ("cn", "调查期间暂停外呼，也会核实是否联系过您母亲"),
]


@pytest.mark.parametrize(("pack", "text", "category"), VEILED)
def test_a_veiled_threat_or_polite_disclosure_goes_at_least_to_review(
    pack: str, text: str, category: str
) -> None:
    findings = screen(text, pack=pack, statistical=False)
    assert category in {f.category for f in findings}


@pytest.mark.parametrize(("pack", "text"), VEILED_LOOKALIKES)
def test_a_lawful_wish_or_a_refused_disclosure_passes_the_lexicon(pack: str, text: str) -> None:
    assert screen(text, pack=pack, statistical=False) == []
