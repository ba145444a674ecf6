"""Screening of every outbound message and call transcript, in Chinese and English.

``screen(text, facts, pack)`` returns the findings of one text: each names one of twelve
categories (V threat of violence; L false legal or criminal consequence; I impersonating an
authority or lawyer; B invented blacklist or credit threat; T contacting or shaming third parties;
P doctored images or spreading private data; A insult or profanity; H harassment pattern; F
inducing new borrowing, fees or private payment; M misstating the debt; C unidentified or
unofficial channel; Q threat on a time-barred debt), the span it covers in the original text, the
rule and citation of the pack in force, and whether it blocks the message or sends it to review.
``verdict(findings)`` folds them into "block", "review" or "pass".

Truthful statements pass: 「逾期信息将按规定报送征信」, "we may report to credit bureaus as
permitted by law", and a notice of a real lawsuit when the facts say one is intended or decided.
How the text is folded (traditional characters, spacing, homophones, pinyin, leetspeak) is in
:mod:`.folding`; what is looked for, in the YAML lexicon files read by :mod:`.lexicon`; which
negation cancels a hit, in :mod:`.negation`; which rule it breaks where, in :mod:`.packs`. A
character n-gram classifier (:mod:`.classifier`) gives every finding a calibrated ``score`` and
sends likely abuse the lexicon missed to review, never to block; call transcripts are screened
turn by turn, the collector's only (:mod:`.transcripts`). See docs/screening.md.

>>> [f.category for f in screen("再不还钱就爆你通讯录，通知你单位领导")]
['P', 'T', 'T']
>>> verdict(screen("逾期信息将按规定报送征信"))
'pass'
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fairdebt.compliance.screening.classifier import classifier
from fairdebt.compliance.screening.clauses import CLAUSE_BREAK
from fairdebt.compliance.screening.findings import RECIPIENTS, Facts, Finding, verdict
from fairdebt.compliance.screening.folding import CJK, fold
from fairdebt.compliance.screening.lexicon import Entry
from fairdebt.compliance.screening.matching import Matcher, applies, matcher
from fairdebt.compliance.screening.packs import CATEGORIES, PACKS, get_pack
from fairdebt.compliance.screening.promises import without_promises
from fairdebt.compliance.screening.quotations import blank_spans, quoted_spans
from fairdebt.compliance.screening.transcripts import (
    Turn,
    TurnFinding,
    call_recipient,
    collector_spans,
    parse_transcript,
    screen_transcript,
)
from fairdebt.errors import InputError

__all__ = [
    "CATEGORIES",
    "PACKS",
    "RECIPIENTS",
    "Facts",
    "Finding",
    "Turn",
    "TurnFinding",
    "parse_transcript",
    "screen",
    "screen_transcript",
    "verdict",
]


_DEFAULT_FACTS = Facts()
#: Below this many letters and ideographs the n-gram evidence is too thin: the lexicon alone.
_MIN_CHARS = 10
_LEGAL = frozenset("LQI")
#: A classifier finding covers the message from its first to its last letter or ideograph.
_CONTENT = re.compile(f"[0-9A-Za-z{CJK}]")


def screen(
    text: str,
    facts: Facts | Mapping[str, Any] | None = None,
    pack: str = "cn",
    *,
    lexicons: Sequence[str] = (),
    statistical: bool = True,
) -> list[Finding]:
    """Screen one message or transcript; return its findings ordered by position.

    ``facts`` may be :class:`Facts`, a mapping with any subset of its fields, or None (the
    debtor, no judgment, not time-barred, no legal action intended). ``lexicons`` names extra
    lexicon files (a lender's own, docs/screening.md) read after the pack's. With
    ``statistical`` (the default) every finding carries the classifier's calibrated ``score``,
    and a message the lexicon passes but the classifier scores at or above its threshold gets
    one finding of the likeliest category, to review (:mod:`.classifier`).
    """
    if not isinstance(text, str):
        raise InputError(f"text must be a string (got {type(text).__name__})", field="text")
    rules = get_pack(pack)
    stated = isinstance(facts, Facts) or (facts is not None and facts.get("recipient") is not None)
    if facts is None:
        facts = _DEFAULT_FACTS
    elif not isinstance(facts, Facts):
        facts = Facts.from_mapping(facts)
    # A call pasted as text with its speakers' labels: only the collector's turns can violate,
    # so the rest is read as blank (positions kept, so spans still point into the text).
    turns = collector_spans(text) if ":" in text or "：" in text else None
    if turns is not None:
        # A call whose only other party is a third party by its label (a location call) was
        # said to them, when the caller did not say to whom.
        party = None if stated else call_recipient(text)
        if party is not None:
            facts = dataclasses.replace(facts, recipient=party)
        text = _kept(text, turns)
    # Words quoted as the customer's, or as an agent's in a note that condemns them, are not
    # the collector's own (a QA finding quoting 「坐牢」 uses no threat).
    compiled = matcher((*rules.lexicons, *lexicons))
    meanings, plan = _plan(compiled, facts, pack)
    quotes = quoted_spans(text)
    # A hit was cancelled: the risky words are negated, a lawful formula, or someone else's
    # words quoted or reported (then what is left is too little for the n-grams to read: 「培训
    # 要点：禁用话术包括“坐牢”“上黑名单”」 leaves 「培训要点：禁用话术包括」).
    explained = bool(quotes) and _quoted_hit(compiled, meanings, plan, text, quotes)
    if quotes:
        text = _blank_quoted(text, quotes)
    folded = fold(text)
    truthful: list[tuple[int, int]] | None = None
    found: dict[tuple[str, int, int], str] = {}
    for hit in compiled.hits(folded, meanings.__contains__, plan):
        meaning = meanings[hit.entry]
        if hit.cancelled:
            explained = True
            continue
        if truthful is None:
            truthful = compiled.truthful(folded)
        if _inside_truthful(hit.start, hit.end, truthful):
            explained = True
            continue
        if hit.entry.negatable and compiled.negation.negated(text, hit.start, hit.end):
            explained = True
            continue
        category, action = meaning
        key = (category, hit.start, hit.end)
        if found.get(key) != "block":
            found[key] = "review" if hit.weak else action
    findings = _findings(found, rules.rules)
    if not statistical:
        return findings
    # The classifier reads the text without our own negated promises (n-grams cannot see
    # negation): the same view it was trained on. To a third party it also reads it without the
    # lawful requests a collector may make of them (confirm where the consumer works, pass on a
    # call-back request), which read like "we will call your employer" to n-grams learnt from
    # messages to the consumer; whatever else the message says is still scored.
    scripts = (
        compiled.third_party_scripts(folded)
        if facts.recipient not in rules.consumer_recipients
        else []
    )
    unpromised = without_promises(_blanked(text, scripts) if scripts else text)
    scored = classifier().score(
        folded.words_text if unpromised is text else fold(unpromised).words_text
    )
    probability = round(scored.probability, 4)
    findings = [dataclasses.replace(f, score=probability) for f in findings]
    if (
        not findings
        and not explained
        and scored.category is not None
        # Legal notices are true when the facts say so: the lexicon's ``no_legal`` reading.
        and not (scored.category in _LEGAL and (facts.legal_action_intended or facts.has_judgment))
        # To a third party a collector must not say whom they collect for (FDCPA §804(1),
        # §805(b); GB/T 45251-2025): not naming the firm is the law there, not a C evasion.
        and not (scored.category == "C" and facts.recipient not in rules.consumer_recipients)
        # To the attorney a letter reads as lawyer to lawyer: I and L are void, as the lexicon's
        # reviewed lawyer mentions are there (a real threat of suit to them is the lexicon's).
        and not (scored.category in ("I", "L") and facts.recipient == "attorney")
        # The consumer's attorney, and in the US the spouse (12 CFR 1006.6(a)(1)), may hear the
        # debt: T (a third party told) is void for them.
        and not (
            scored.category == "T"
            and facts.recipient != "debtor"
            and facts.recipient in rules.consumer_recipients
        )
        and len(folded.compact_text) >= _MIN_CHARS
    ):
        span = _CONTENT.search(text)
        if span is not None:
            rule = rules.rules[scored.category]
            start = span.start()
            end = next(i + 1 for i in range(len(text) - 1, -1, -1) if _CONTENT.match(text[i]))
            findings.append(
                Finding(
                    category=scored.category,
                    start=start,
                    end=end,
                    rule=rule.rule,
                    citation=rule.citation,
                    action="review",
                    message_zh=rule.message_zh,
                    message_en=rule.message_en,
                    grade=rule.grade,
                    score=probability,
                    source="classifier",
                )
            )
    return findings


def _quoted_hit(
    compiled: Matcher,
    meanings: Mapping[Entry, tuple[str, str]],
    plan: Any,
    text: str,
    quotes: Sequence[tuple[int, int]],
) -> bool:
    """True when the lexicon finds a hit inside the quoted or reported spans of ``text``."""
    return any(
        not hit.cancelled and any(s <= hit.start < e for s, e in quotes)
        for hit in compiled.hits(fold(text), meanings.__contains__, plan)
    )


def _blank_quoted(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with these spans blank, but a stop the quotation closes on kept: in American
    style the comma of the outer sentence sits inside the marks ('never say "we know where you
    live," never mention jail'), and it still ends the clause there."""
    blank = list(blank_spans(text, spans))
    for start, end in spans:
        inner = end
        while inner > start and text[inner - 1] in _CLOSING_MARKS:
            inner -= 1
        while inner > start and text[inner - 1] in _STOPS:
            inner -= 1
            blank[inner] = text[inner]
    return "".join(blank)


def _kept(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with everything outside these spans blank but its line breaks."""
    chars = [c if c == "\n" else " " for c in text]
    for start, end in spans:
        chars[start:end] = text[start:end]
    return "".join(chars)


def _blanked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with the clauses holding these spans replaced by spaces (positions kept)."""
    chars = list(text)
    for start, end in spans:
        before = CLAUSE_BREAK.search(text[:start][::-1])
        after = CLAUSE_BREAK.search(text, end)
        start = start - before.start() if before else 0
        end = after.start() if after else len(text)
        chars[start:end] = " " * (end - start)
    return "".join(chars)


#: Marks that close a quotation, and the stops that may sit just inside them.
_CLOSING_MARKS = "”」』\"'＂＇"
_STOPS = ",.;:!?，。；：！？"


@functools.lru_cache(maxsize=256)
def _plan(compiled: Matcher, facts: Facts, pack: str) -> tuple[dict[Entry, tuple[str, str]], Any]:
    """What each entry means under these facts (dead entries left out) and the live patterns."""
    rules = get_pack(pack)
    meanings: dict[Entry, tuple[str, str]] = {}
    for entry in compiled.entries:
        meaning = applies(entry, facts, rules)
        if meaning is not None:
            meanings[entry] = meaning
    return meanings, compiled.plan(meanings.__contains__)


def _findings(found: dict[tuple[str, int, int], str], rules: Mapping[str, Any]) -> list[Finding]:
    """Merge overlapping hits of one category into one finding (block wins over review)."""
    merged: list[list[Any]] = []
    for (category, start, end), action in sorted(found.items()):
        last = merged[-1] if merged else None
        if last is not None and last[0] == category and start <= last[2]:
            last[2] = max(last[2], end)
            last[3] = "block" if "block" in (last[3], action) else "review"
        else:
            merged.append([category, start, end, action])
    findings = [
        Finding(
            category=category,
            start=start,
            end=end,
            rule=rules[category].rule,
            citation=rules[category].citation,
            action=action,
            message_zh=rules[category].message_zh,
            message_en=rules[category].message_en,
            grade=rules[category].grade,
        )
        for category, start, end, action in merged
    ]
    return sorted(findings, key=lambda f: (f.start, f.end, f.category))


def _inside_truthful(start: int, end: int, truthful: list[tuple[int, int]]) -> bool:
    """True when a hit lies inside a lawful formula, or when a pair's two ends lie in two of
    them: a refuted rumour paired with a truthful credit notice is no threat
    (「网传逾期会影响子女考公，这是谣言，逾期只会按规定报送征信」)."""
    if any(s <= start and end <= e for s, e in truthful):
        return True
    return any(s <= start < e for s, e in truthful) and any(s < end <= e for s, e in truthful)
