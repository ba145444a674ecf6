"""Screening of messages and transcripts: the twelve categories in Chinese and English, truthful
statements that must pass, facts that change the reading, and the RULES.md §6 language vectors."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

import fairdebt.compliance.screening as screening
from fairdebt.compliance.screening import CATEGORIES, PACKS, Facts, Finding, screen, verdict
from fairdebt.errors import InputError

HERE = Path(__file__).parent


def _load(name: str) -> list[dict[str, object]]:
    with (HERE / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


VIOLATIONS = _load("screening_violations.jsonl")
COMPLIANT = _load("screening_compliant.jsonl")


def _show(text: str, findings: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.category, f.action, text[f.start : f.end]) for f in findings]


@pytest.mark.parametrize("case", VIOLATIONS, ids=[str(c["id"]) for c in VIOLATIONS])
def test_prohibited_message_gets_its_verdict_and_category_over_the_offending_words(
    case: dict[str, object],
) -> None:
    text = str(case["text"])
    findings = screen(text, case["facts"], str(case["pack"]))  # type: ignore[arg-type]
    assert verdict(findings) == case["verdict"], _show(text, findings)
    covers = str(case["covers"])
    at = text.index(covers)
    hits = [
        f
        for f in findings
        if f.category == case["category"] and f.start < at + len(covers) and at < f.end
    ]
    assert hits, _show(text, findings)


@pytest.mark.parametrize("case", COMPLIANT, ids=[str(c["id"]) for c in COMPLIANT])
def test_compliant_message_passes(case: dict[str, object]) -> None:
    text = str(case["text"])
    findings = screen(text, case["facts"], str(case["pack"]))  # type: ignore[arg-type]
    assert findings == [], _show(text, findings)


def test_the_data_covers_all_twelve_categories_in_both_languages() -> None:
    seen = {(str(c["id"])[:2], c["category"]) for c in VIOLATIONS}
    for code in CATEGORIES:
        assert ("zh", code) in seen and ("en", code) in seen, code


def test_there_are_at_least_forty_compliant_messages_in_both_languages() -> None:
    assert len(COMPLIANT) >= 40
    assert sum(1 for c in COMPLIANT if c["pack"] == "cn") >= 20
    assert sum(1 for c in COMPLIANT if c["pack"] != "cn") >= 20


def test_span_points_into_the_original_text_across_traditional_characters_and_spacing() -> None:
    text = "您好！再不還錢就讓你坐 * 牢。"
    findings = [f for f in screen(text) if f.category == "L"]
    assert findings and text[findings[0].start : findings[0].end].endswith("坐 * 牢")


def test_span_of_full_width_english_is_in_original_indices() -> None:
    text = "Ｐａｙ ｏｒ ｇｏ ｔｏ ＪＡＩＬ"
    (finding,) = screen(text, pack="us")
    assert text[finding.start : finding.end] == "ＪＡＩＬ"


def test_lookalike_letters_and_zero_width_characters_do_not_hide_a_word() -> None:
    for text in ("You will be \u0430rr\u0435st\u0435d", "You will be ar\u200brest\u00aded"):
        (finding,) = screen(text, pack="us")
        assert (finding.category, finding.end) == ("L", len(text))


def test_pinyin_mixed_with_characters_hits_the_phrase() -> None:
    text = "不还就上hei名单"
    (finding,) = screen(text)
    assert (finding.category, text[finding.start : finding.end]) == ("B", "hei名单")


def test_spelled_out_pinyin_threat_blocks_in_a_chinese_message() -> None:
    findings = screen("你等着 zuo lao 吧")
    assert verdict(findings) == "block" and findings[0].category == "L"


def test_message_typed_wholly_in_pinyin_is_read_as_chinese() -> None:
    assert verdict(screen("ni zai bu huan qian jiu rang ni zuo lao")) == "block"


def test_two_character_homophone_is_sent_to_review_not_blocked() -> None:
    findings = screen("再不还钱就让你做牢")
    assert _show("再不还钱就让你做牢", findings) == [("L", "review", "做牢")]


def test_a_homophone_that_is_an_ordinary_word_is_not_a_hit() -> None:
    # 出生 sounds like 畜生, 大四 like 打死, 船票 like 传票: they are words of their own.
    for text in ("请核对出生日期", "我儿子今年读大四", "船票已经寄出"):
        assert screen(text) == [], text


def test_english_words_that_spell_pinyin_are_not_read_as_chinese() -> None:
    # "made" is the pinyin of 妈的; an English message never goes through the pinyin view.
    assert screen("We made a payment plan for you.", pack="us") == []


def test_lawsuit_notice_is_l_without_facts_and_passes_when_legal_action_is_intended() -> None:
    text = "We will sue you if the balance is not paid."
    assert verdict(screen(text, pack="us")) == "block"
    assert screen(text, {"legal_action_intended": True}, pack="us") == []


def test_enforcement_threat_passes_only_after_a_judgment() -> None:
    text = "法院判决后我们将申请强制执行"
    assert verdict(screen(text, {"legal_action_intended": True})) == "block"
    assert screen(text, {"has_judgment": True}) == []


def test_any_legal_threat_on_a_time_barred_debt_is_q_even_with_legal_action_intended() -> None:
    facts = {"time_barred": True, "legal_action_intended": True}
    findings = screen("我们将依法起诉", facts)
    assert {f.category for f in findings} == {"Q"} and verdict(findings) == "block"


def test_time_barred_disclosure_that_promises_not_to_sue_passes() -> None:
    text = "Because of the age of your debt, we will not sue you for it."
    assert screen(text, {"time_barred": True}, pack="us") == []


def test_criminal_threat_stays_l_on_a_time_barred_debt() -> None:
    findings = screen("不还就让你坐牢", {"time_barred": True})
    assert {f.category for f in findings} == {"L"}


def test_truthful_credit_reporting_passes_but_an_invented_blacklist_blocks() -> None:
    assert screen("逾期信息将按规定报送征信") == []
    assert verdict(screen("逾期信息将报送征信黑名单")) == "block"


def test_debt_named_to_a_contact_is_t_but_the_same_words_to_the_debtor_pass() -> None:
    text = "张三欠款5,000元已逾期30天"
    assert screen(text) == []
    assert {f.category for f in screen(text, {"recipient": "contact"})} == {"T"}


def test_spouse_is_the_consumer_in_the_us_pack_but_a_third_party_in_cn_and_uk() -> None:
    text = "Your husband's account is overdue by $300."
    assert screen(text, {"recipient": "spouse"}, pack="us") == []
    for pack in ("cn", "uk"):
        assert verdict(screen(text, {"recipient": "spouse"}, pack=pack)) == "block"


def test_the_attorney_may_hear_about_the_debt() -> None:
    assert screen("Your client owes $1,200.", {"recipient": "attorney"}, pack="us") == []


def test_negated_threat_passes_but_a_conditional_threat_blocks() -> None:
    assert screen("我们不会联系您的家人和单位") == []
    assert verdict(screen("如果您不能按时还款，我们就联系您的单位")) == "block"
    assert screen("We will not contact your employer.", pack="us") == []
    assert verdict(screen("If you do not pay we will contact your employer.", pack="us")) == (
        "block"
    )


def test_each_pack_cites_its_own_rule_for_the_same_finding() -> None:
    rules = {pack: screen("There is a warrant for your arrest.", pack=pack)[0] for pack in PACKS}
    assert rules["cn"].citation.startswith("CBA 2026")
    assert rules["us"].citation.startswith("FDCPA §807")
    assert rules["uk"].citation.startswith("CONC 7.11")
    assert {f.rule for f in rules.values()} == {
        "cn.screening.false_legal_consequence",
        "us.screening.false_legal_consequence",
        "uk.screening.false_legal_consequence",
    }


def test_finding_carries_a_sentence_in_chinese_and_english() -> None:
    (finding,) = screen("弄死你")
    assert finding.message_zh.startswith("文本含有暴力") and "violence" in finding.message_en


def test_finding_carries_the_grade_of_its_citation() -> None:
    assert screen("We will sue you.", {"time_barred": True}, pack="us")[0].grade == "P"
    assert screen("弄死你")[0].grade == "S"


def test_overlapping_hits_of_one_category_become_one_finding() -> None:
    findings = screen("我们将向人民法院提起诉讼", {"time_barred": True})
    q = [f for f in findings if f.category == "Q"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(q))


def test_verdict_is_block_if_any_finding_blocks_else_review_else_pass() -> None:
    def finding(action: str) -> Finding:
        return Finding("L", 0, 1, "r", "c", action, "zh", "en")

    assert verdict([finding("review"), finding("block")]) == "block"
    assert verdict([finding("review")]) == "review"
    assert verdict([]) == "pass"


def test_facts_from_mapping_defaults_to_the_debtor_and_false_and_ignores_unknown_keys() -> None:
    assert Facts.from_mapping({"colour": "red", "has_judgment": None}) == Facts()
    assert screen("弄死你", {"recipient": None}) == screen("弄死你", Facts())


@pytest.mark.parametrize(
    ("facts", "field"),
    [({"recipient": "neighbour"}, "recipient"), ({"time_barred": "yes"}, "time_barred")],
)
def test_bad_facts_are_refused_naming_the_field(facts: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as error:
        screen("hello", facts)
    assert error.value.field == field


def test_unknown_pack_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(InputError, match="expected one of"):
        screen("hello", pack="fr")


def test_non_text_is_refused() -> None:
    with pytest.raises(InputError):
        screen(42)  # type: ignore[arg-type]


def test_long_runs_and_lone_surrogates_do_not_break_screening() -> None:
    assert screen("a" * 5000 + "坐牢")[0].category == "L"
    assert len(screen("做牢 " * 300)) >= 1
    assert screen("\ud800坐牢\udfff")[0].category == "L"
    assert screen("您好" * 3000) == []


def test_empty_and_symbol_only_texts_pass() -> None:
    for text in ("", "   ", "。，！？", "🙂🙂", "1234567890"):
        assert screen(text) == []


def test_public_names_are_exported() -> None:
    for name in screening.__all__:
        assert hasattr(screening, name)
    assert {"screen", "verdict", "Finding", "Facts"} <= set(screening.__all__)


@pytest.mark.parametrize(
    "text",
    [
        "send the payment to my Apple Cash, company portal is down",
        "Pay it onto my Monzo, I'll mark it settled",
        "Send it via PayPal Friends and Family to collections.dept.mike@gmail.com",
    ],
)
def test_a_wallet_named_by_brand_as_the_collectors_own_blocks_as_a_private_payment(
    text: str,
) -> None:
    assert "F" in {f.category for f in screen(text, pack="us") if f.action == "block"}


@pytest.mark.parametrize(
    "text", ["You can pay with Apple Pay in our official app.", "We accept PayPal on our website."]
)
def test_a_brand_wallet_offered_by_the_lender_passes(text: str) -> None:
    assert screen(text, pack="us") == []
