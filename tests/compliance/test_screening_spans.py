"""Span correctness: findings point into the original text, and the offending words keep their
category, when held-out messages carry emoji, traditional characters, full-width punctuation
and letters, or mix Chinese and English."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import opencc
import pytest

from fairdebt.compliance.screening import Finding, screen

HERE = Path(__file__).parent
_S2T = opencc.OpenCC("s2t")
_EMOJI = ["🙂", "😡", "👉", "💸", "👨\u200d👩\u200d👧", "🇨🇳", "❤️"]


def _load() -> list[dict[str, Any]]:
    with (HERE / "screening_heldout.jsonl").open(encoding="utf-8") as lines:
        cases = [json.loads(line) for line in lines if line.strip()]
    # Rounds 4-48 are measured, not asserted (test_screening_heldout.MEASURE_ONLY).
    return [c for c in cases if not 4 <= c.get("round", 1) <= 214]


CASES = [
    c for c in _load() if c["verdict"] != "pass" and c["id"] not in {"bad-en-A-04", "bad2-en-M-11"}
]
ZH = [c for c in CASES if "-zh-" in str(c["id"])]
EN = [c for c in CASES if "-en-" in str(c["id"])]


def _traditional(text: str) -> str:
    return str(_S2T.convert(text))


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) <= 0x7E else c for c in text)


def _emoji_between_ideographs(text: str) -> str:
    out = []
    for i, char in enumerate(text):
        out.append(char)
        if "\u4e00" <= char <= "\u9fff" and i % 3 == 1:
            out.append(_EMOJI[i % len(_EMOJI)])
    return "".join(out)


def _emoji_at_spaces(text: str) -> str:
    return "".join(f" {_EMOJI[i % len(_EMOJI)]} " if c == " " else c for i, c in enumerate(text))


def _is_filler(char: str) -> bool:
    """Spaces, punctuation, symbols (not currency) and joiners: never the edge of a finding."""
    kind = unicodedata.category(char)
    return (kind[0] in "ZPS" and kind != "Sc") or kind in ("Cf", "Mn") or char.isspace()


def _check_spans(text: str, findings: list[Finding]) -> None:
    for f in findings:
        assert 0 <= f.start < f.end <= len(text), (text, f)
        piece = text[f.start : f.end]
        assert not _is_filler(piece[0]) and not _is_filler(piece[-1]), (text, piece)


ZH_REWRITES: dict[str, Callable[[str], str]] = {
    "emoji": _emoji_between_ideographs,
    "traditional": _traditional,
    "full-width": _full_width,
    "traditional+emoji": lambda t: _emoji_between_ideographs(_traditional(t)),
    "mixed": lambda t: f"Hi 😀，{t} 回复TD退订 Reply STOP to opt out.",
}
EN_REWRITES: dict[str, Callable[[str], str]] = {
    "emoji": _emoji_at_spaces,
    "full-width": _full_width,
    "mixed": lambda t: f"【Acme】您好😀，{t} 谢谢！",
}


@pytest.mark.parametrize("rewrite", list(ZH_REWRITES), ids=list(ZH_REWRITES))
def test_chinese_findings_keep_their_category_and_exact_spans_when_rewritten(rewrite: str) -> None:
    lost = []
    for case in ZH:
        text = ZH_REWRITES[rewrite](str(case["text"]))
        findings = screen(text, case["facts"], str(case["pack"]))
        _check_spans(text, findings)
        if not set(case["categories"]) <= {f.category for f in findings}:
            lost.append((case["id"], text, [(f.category, text[f.start : f.end]) for f in findings]))
    assert lost == []


@pytest.mark.parametrize("rewrite", list(EN_REWRITES), ids=list(EN_REWRITES))
def test_english_findings_keep_their_category_and_exact_spans_when_rewritten(rewrite: str) -> None:
    lost = []
    for case in EN:
        text = EN_REWRITES[rewrite](str(case["text"]))
        findings = screen(text, case["facts"], str(case["pack"]))
        _check_spans(text, findings)
        if not set(case["categories"]) <= {f.category for f in findings}:
            lost.append((case["id"], text, [(f.category, text[f.start : f.end]) for f in findings]))
    assert lost == []


def test_span_of_a_threat_split_by_a_joined_emoji_covers_the_original_characters() -> None:
    text = "👨\u200d👩\u200d👧让你全👨\u200d👩\u200d👧家知道！"
    (finding,) = screen(text)
    assert finding.category == "T"
    assert text[finding.start : finding.end] == "让你全👨\u200d👩\u200d👧家知道"


def test_span_in_a_mixed_message_points_at_the_english_threat_and_the_chinese_one() -> None:
    text = "Hi 张三😀，you'll go to jail 如果你不还钱，我们会通知你单位领导。"
    shown = [(f.category, text[f.start : f.end]) for f in screen(text)]
    assert ("L", "jail") in shown and ("T", "通知你单位领导") in shown


def test_full_width_punctuation_and_ideographic_spaces_stay_outside_the_span() -> None:
    text = "你的　欠款　已經　翻倍　了！！"
    (finding,) = screen(text)
    assert (finding.category, text[finding.start : finding.end]) == ("M", "欠款　已經　翻倍")


OK_CASES = [
    c
    for c in _load()
    if c["verdict"] == "pass" and c["id"] not in {"ok-zh-26", "ok2-en-34", "ok3-zh-02"}
]


@pytest.mark.parametrize(
    "rewrite", ["emoji", "traditional", "full-width"], ids=["emoji", "traditional", "full-width"]
)
def test_held_out_compliant_messages_still_pass_when_rewritten(rewrite: str) -> None:
    flagged = []
    for case in OK_CASES:
        original = str(case["text"])
        is_zh = "-zh-" in str(case["id"])
        if rewrite == "emoji":
            text = _emoji_between_ideographs(original) if is_zh else _emoji_at_spaces(original)
        else:
            text = ZH_REWRITES[rewrite](original)
        findings = screen(text, case["facts"], str(case["pack"]))
        if findings:
            flagged.append(
                (case["id"], text, [(f.category, text[f.start : f.end]) for f in findings])
            )
    assert flagged == []
