"""Held-out screening messages: prohibited and compliant texts written the way collectors and
lenders write them, independently of the lexicon (docs/screening.md, "Held-out evaluation").

Round 1 was written before the lexicon was read; rounds 2 and 3 each after the previous round's
fixes, to measure whether they generalised; rounds 4, 5 and 6 are only measured, never
asserted. Each prohibited message must be flagged with its category and verdict; each compliant
one must pass.
Known gaps are strict xfails that say why.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fairdebt.compliance.screening import CATEGORIES, Finding, screen, verdict

HERE = Path(__file__).parent


def _load() -> list[dict[str, Any]]:
    with (HERE / "screening_heldout.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


#: Rounds 4-214 are measurement only: kept untuned so the next lexicon change can be scored on text
#: it was not fitted to (benchmarks/screening.py --heldout --round 6).
MEASURE_ONLY = set(range(4, 215))
CASES = [c for c in _load() if c.get("round", 1) not in MEASURE_ONLY]
PROHIBITED = [c for c in CASES if c["verdict"] != "pass"]
COMPLIANT = [c for c in CASES if c["verdict"] == "pass"]

#: Declared gaps (see docs/screening.md, "Held-out evaluation").
GAPS = {
    "bad-en-A-04": "spelled-out word after a one-letter word reads 'adeadbeat'",
    "bad2-en-M-11": "an inflated amount needs the ledger balance, which screening has no fact for",
    "ok-zh-26": "法务部 goes to review by design: a fake legal department is a common tactic",
    "ok2-en-34": "an English company name holding a trigger word (Prison Fellowship) blocks",
    "ok3-zh-02": "征信黑户 is a scare word: review by design, even in a lender's own reminder",
}


def _param(case: dict[str, Any]) -> object:
    gap = GAPS.get(str(case["id"]))
    marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
    return pytest.param(case, id=str(case["id"]), marks=marks)


def _show(text: str, findings: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.category, f.action, text[f.start : f.end]) for f in findings]


@pytest.mark.parametrize("case", [_param(c) for c in PROHIBITED])
def test_held_out_prohibited_message_is_flagged_with_its_category(
    case: dict[str, Any],
) -> None:
    text = str(case["text"])
    findings = screen(text, case["facts"], str(case["pack"]))
    found = {f.category for f in findings}
    assert set(case["categories"]) <= found, _show(text, findings)
    assert verdict(findings) == case["verdict"], _show(text, findings)


@pytest.mark.parametrize("case", [_param(c) for c in COMPLIANT])
def test_held_out_compliant_message_passes(case: dict[str, Any]) -> None:
    text = str(case["text"])
    findings = screen(text, case["facts"], str(case["pack"]))
    assert findings == [], _show(text, findings)


def test_held_out_findings_stay_within_the_expected_categories() -> None:
    stray = []
    for case in PROHIBITED:
        if case["id"] in GAPS:
            continue
        allowed = set(case["categories"]) | set(case["also"])
        text = str(case["text"])
        findings = screen(text, case["facts"], str(case["pack"]))
        stray += [(case["id"], f) for f in findings if f.category not in allowed]
    assert stray == []


def test_held_out_set_covers_every_category_in_both_languages_and_sixty_of_each_kind() -> None:
    assert len(PROHIBITED) >= 60 and len(COMPLIANT) >= 60
    seen = {(str(c["id"]).split("-")[1], code) for c in PROHIBITED for code in c["categories"]}
    for code in CATEGORIES:
        assert ("zh", code) in seen and ("en", code) in seen, code


@pytest.mark.parametrize(
    ("pack", "text", "category"),
    [
        ("us", "Don't pay the company, pay into my personal account.", "F"),
        ("us", "Do not pay late, or we tell your employer.", "T"),
        ("cn", "如遇自称公安的人员，那就是我们，不还就让你坐牢，别报警。", "L"),
        ("cn", "您可以通过法院维护您的权益，但我们会先通知你单位领导。", "T"),
    ],
)
def test_a_threat_next_to_a_truthful_formula_is_still_found(
    pack: str, text: str, category: str
) -> None:
    assert category in {f.category for f in screen(text, pack=pack)}
