"""The statistical layer (issue 15): review only, a calibrated score on every finding, a shipped
artifact that matches the shipped corpus, and the misses named in the issue caught."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from fairdebt.compliance.screening import screen, verdict
from fairdebt.compliance.screening.classifier import (
    CORPUS,
    DATA,
    Cues,
    char_ngrams,
    classifier,
    corpus_digest,
)
from fairdebt.compliance.screening.folding import fold


def _corpus() -> list[dict[str, object]]:
    lines = (DATA / CORPUS).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_the_corpus_has_3000_prohibited_messages_in_every_category_and_as_many_compliant() -> None:
    rows = _corpus()
    # The written part is balanced; reviewed traffic keeps the labels it came with.
    written = Counter(row["label"] for row in rows if row["style"] != "reviewed")
    assert written[1] >= 3000 and written[0] >= written[1]
    categories = Counter(row["category"] for row in rows if row["label"] == 1)
    assert set(categories) == set("VLIBTPAHFMCQ") and min(categories.values()) >= 150
    styles = {row["style"] for row in rows}
    assert {"traditional", "pinyin", "mixed", "texting", "hand", "reviewed"} <= styles
    assert {row["lang"] for row in rows} == {"zh", "en"}


def test_reviewed_traffic_holds_only_messages_whose_label_needs_no_facts() -> None:
    heldout = json.loads("[" + ",".join(_heldout_lines()) + "]")
    # Boilerplate recurs across rounds (a Reg F credit-reporting notice, the mini-Miranda of
    # round 1 again in round 47): the first reviewed round's copy is the source.
    by_text: dict[str, dict[str, object]] = {}
    for case in heldout:
        if case.get("round", 1) in _reviewed_rounds():
            by_text.setdefault(case["text"], case)
    reviewed = [row for row in _corpus() if row["style"] == "reviewed"]
    assert len(reviewed) >= 1000
    for row in reviewed:
        assert row["text"] in by_text, f"{row['text']!r} is in no reviewed round"
        case = by_text[str(row["text"])]
        assert not any(case["facts"].get(k) for k in ("has_judgment", "time_barred"))
        assert case["facts"].get("recipient", "debtor") == "debtor"
        assert row["label"] == int(case["verdict"] != "pass")


def _reviewed_rounds() -> range:
    """The reviewed rounds as ``benchmarks/screening_corpus.py`` (which builds the corpus) says."""
    source = (Path(__file__).parents[2] / "benchmarks" / "screening_corpus.py").read_text("utf-8")
    found = re.search(r"^REVIEWED = range\((\d+), (\d+)\)", source, re.MULTILINE)
    assert found is not None, "benchmarks/screening_corpus.py names no REVIEWED range"
    return range(int(found.group(1)), int(found.group(2)))


def _heldout_lines() -> list[str]:
    path = Path(__file__).parent / "screening_heldout.jsonl"
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_shipped_artifact_was_trained_on_the_shipped_corpus() -> None:
    assert classifier().corpus_sha256 == corpus_digest([(DATA / CORPUS).read_bytes()])


def test_char_ngrams_are_those_of_the_char_wb_analyzer() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    text = "pay now 再不还钱 ok"
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4)).build_analyzer()
    assert sorted(char_ngrams(text)) == sorted(analyzer(text))


def test_scores_are_probabilities_and_higher_for_a_threat_than_for_a_reminder() -> None:
    model = classifier()
    threat = model.probability(fold("兄弟们已经在你家楼下等着了，自己看着办").words_text)
    reminder = model.probability(fold("您的账单将于6月5日到期，请按时还款").words_text)
    assert 0.0 <= reminder < model.threshold <= threat <= 1.0


def test_every_finding_carries_the_score_of_its_message() -> None:
    findings = screen("再不还钱就爆你通讯录，通知你单位领导")
    assert findings and len({f.score for f in findings}) == 1
    assert 0.0 <= findings[0].score <= 1.0


def test_a_classifier_finding_goes_to_review_never_to_block() -> None:
    text = "我们知道你女儿每天坐哪路公交"
    findings = screen(text)
    assert verdict(findings) == "review"
    (finding,) = findings
    assert finding.source == "classifier" and finding.action == "review"
    assert finding.score >= classifier().threshold
    assert text[finding.start : finding.end] == text


def test_without_the_statistical_layer_the_lexicon_answers_alone() -> None:
    assert screen("我们知道你女儿每天坐哪路公交", statistical=False) == []


#: The misses named in issue 15, and new wordings of the same families.
MISSES = [
    ("cn", "外访人员明天到你家门口等你，到时候邻居都看得到", "T"),
    ("cn", "我们的人下午就到你家楼下，让街坊邻居都看看", "T"),
    ("us", "Our field agent will be waiting outside your house so your neighbors can see.", "T"),
    ("us", "We'll be knocking on your door where the whole street can see.", "T"),
    ("us", "We have your boss's number.", "T"),
    ("us", "We've got your mother's phone number, so pay up.", "T"),
    ("cn", "我们有你领导的电话，再不还就打过去", "T"),
    ("cn", "垃圾", "A"),
    ("cn", "全家不得好死", "A"),
    ("cn", "像你这种人渣迟早遭报应", "A"),
    ("us", "Losers like you never pay.", "A"),
    ("us", "Deadbeats like you make me sick.", "A"),
    ("cn", "送进去蹲几年你就老实了", "L"),
    ("cn", "再拖下去抓进去关几个月", "L"),
    ("us", "nmsl", "A"),
    ("us", "pay now sb", "A"),
    ("us", "hmd is waiting for you", "B"),
]


@pytest.mark.parametrize(("pack", "text", "category"), MISSES)
def test_the_misses_named_in_the_issue_are_caught(pack: str, text: str, category: str) -> None:
    findings = screen(text, pack=pack)
    assert verdict(findings) != "pass"
    assert category in {f.category for f in findings}


def test_latin_initials_that_are_english_stay_quiet_without_chinese() -> None:
    assert screen("See SB 1234 for the new state rules.", pack="us") == []


def test_cue_classes_give_a_feature_per_class_and_per_pair_whatever_the_words() -> None:
    cues = Cues(
        {
            "KIN": {"en": ["cousin", "son"], "zh": ["表哥"]},
            "OMEN": {"en": ["hope nothing happens"], "zh": ["万一"]},
            "DEBT": {"en": ["#"]},
        }
    )
    expected = ["c:KIN", "c:OMEN", "p:KIN+OMEN"]
    assert cues.features("your cousin is well hope nothing happens") == expected
    assert cues.features("你表哥挺好 万一") == expected
    assert cues.features("your son owes 300") == ["c:DEBT", "c:KIN", "p:DEBT+KIN"]
    # Whole words only: "hope nothing" alone or "season" do not count.
    assert cues.features("hope nothing season") == []


def test_the_shipped_model_reads_the_cue_classes_it_was_trained_with() -> None:
    model = classifier()
    assert {"KIN", "OMEN", "WORK", "NEG"} <= set(model.cues.classes)
    assert "p:KIN+OMEN" in model.index
