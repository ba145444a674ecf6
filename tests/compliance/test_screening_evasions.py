"""Evasions generated from the screening data: every prohibited message keeps its verdict and
category when rewritten in traditional characters, full-width letters, capitals, leetspeak, or
with its offending words spelled out with spaces or asterisks; no compliant message is flagged
when rewritten the same way."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import opencc
import pytest

from fairdebt.compliance.screening import screen, verdict

HERE = Path(__file__).parent
_S2T = opencc.OpenCC("s2t")


def _load(name: str) -> list[dict[str, object]]:
    with (HERE / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) <= 0x7E else c for c in text)


def _around(text: str, covers: str, rewrite: Callable[[str], str]) -> str:
    at = text.index(covers)
    return text[:at] + rewrite(covers) + text[at + len(covers) :]


def _leet(word: str) -> str:
    return word.replace("a", "@").replace("o", "0").replace("e", "3").replace("i", "1")


_CHINESE: dict[str, Callable[[str, str], str]] = {
    "traditional": lambda text, _: _S2T.convert(text),
    "full-width": lambda text, _: _full_width(text),
    "spaced": lambda text, covers: _around(text, covers, " ".join),
    "starred": lambda text, covers: _around(text, covers, "*".join),
}
_ENGLISH: dict[str, Callable[[str, str], str]] = {
    "capitals": lambda text, _: text.upper(),
    "full-width": lambda text, _: _full_width(text),
    "leetspeak": lambda text, covers: _around(text, covers, _leet),
    "spaced": lambda text, covers: _around(text, covers, " ".join),
}
#: Declared gaps: a one-letter word (a, I) before a spelled-out word is joined to it ("a c o u r t"
#: reads "acourt"; a contraction's letter, the t of haven't, no longer is); a word spaced from its
#: middle is read as two words.
KNOWN_GAPS = {
    ("spaced", "en-I-3"),
    ("spaced", "en-F-3"),
    ("spaced", "en-C-2"),
    ("spaced", "en-Q-3"),
    ("spaced", "en-L-12"),
    ("spaced", "en-F-r21-1"),  # the "@" before "y a h o o" is read as the one-letter word "a"
}


def _is_chinese(case: dict[str, object]) -> bool:
    return str(case["id"]).startswith(("zh", "CN"))


@pytest.mark.parametrize("kind", sorted(set(_CHINESE) | set(_ENGLISH)))
def test_rewritten_prohibited_messages_keep_their_verdict_and_category(kind: str) -> None:
    missed = set()
    for case in _load("screening_violations.jsonl"):
        rewrites = _CHINESE if _is_chinese(case) else _ENGLISH
        if case["verdict"] != "block" or kind not in rewrites:
            continue
        text = rewrites[kind](str(case["text"]), str(case["covers"]))
        findings = screen(text, case["facts"], str(case["pack"]))  # type: ignore[arg-type]
        if verdict(findings) != "block" or case["category"] not in {f.category for f in findings}:
            missed.add((kind, str(case["id"])))
    assert missed == {gap for gap in KNOWN_GAPS if gap[0] == kind}


@pytest.mark.parametrize("kind", ["traditional", "full-width", "capitals"])
def test_rewritten_compliant_messages_still_pass(kind: str) -> None:
    rewrite = {
        "traditional": _S2T.convert,
        "full-width": _full_width,
        "capitals": str.upper,
    }[kind]
    flagged = [
        case["id"]
        for case in _load("screening_compliant.jsonl")
        if screen(rewrite(str(case["text"])), case["facts"], str(case["pack"]))  # type: ignore[arg-type]
    ]
    assert flagged == []
