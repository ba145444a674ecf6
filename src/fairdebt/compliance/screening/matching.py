"""The screening matcher: the lexicon compiled once per process, run over a folded message.

Literal Chinese phrases are found on the sound view by hashing their first two syllables (a set
intersection with the message's syllable pairs, then ``startswith``), so one pass finds every
phrase and homophone; spelled-out pinyin and mixtures (「zuo lao」, 「hei名单」) are found by a
trie-shaped expression over the pinyin view, run only when a Latin word of the message is pinyin.
A hit is classified by what the original characters were:

- the phrase itself (after folding: traditional, full-width, separators) - the entry's action;
- pinyin or a mixture of pinyin and characters - the entry's action; a message wholly in Latin
  letters is read as pinyin only when most of its words are pinyin ("made" is 妈的 in pinyin);
- other characters with the same sound (「做劳」) - only when the entry allows homophones, only
  when jieba does not read those characters as an ordinary word of their own (出生 is not 畜生,
  大四 is not 打死) and, for two-character phrases, as review rather than block.

Chinese and English patterns run over the compact and word views, each only when the message
holds one of its literal prefixes; compositions (two slot classes) run the same way and count
when both slots fall in one sentence of the original, close together. Each candidate hit then
meets the facts (legal mentions become Q on a time-barred debt; true notices pass), the truthful
formulas, and a short negation check (「我们不会起诉您」, "we will not sue you").
"""

from __future__ import annotations

import functools
import logging
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fairdebt.compliance.screening.clauses import CLAUSE_BREAK, SENTENCE_END
from fairdebt.compliance.screening.findings import Facts
from fairdebt.compliance.screening.folding import (
    CJK,
    Folded,
    fold_chars,
    pinyin_syllables,
    sound_of,
)
from fairdebt.compliance.screening.lexicon import Composition, Entry, Lexicon, load_lexicon
from fairdebt.compliance.screening.negation import Negation
from fairdebt.compliance.screening.packs import ScreeningPack
from fairdebt.compliance.screening.patterns import alternatives, literal_prefixes, trie_regex

__all__ = ["Hit", "Matcher", "matcher"]

_IDEOGRAPH = re.compile(f"[{CJK}]")
_LATIN_OR_DIGIT = re.compile("[0-9a-z]")
_HOMOPHONE_WORD_FREQ = 20  # jieba frequency above which a homophone is a word of its own
_NOT_COMPACT = re.compile(f"[^0-9a-z{CJK}$£¥€]+")
_WORD_PREFIX = 5  # "pay m" (pay my...) is rarer than "pay": longer prefixes run fewer patterns
_LATIN_START = re.compile(f"(?<![0-9a-z$£¥€@!])(?=([0-9a-z$£¥€@!].{{0,{_WORD_PREFIX - 1}}}))")
_CUTS = [operator.itemgetter(slice(0, k)) for k in range(1, _WORD_PREFIX + 1)]
#: A sentence ends here: a composition never joins slots across it.
_EN_CONTEXT = re.compile("[a-z0-9$£€¥]+")


@dataclass(frozen=True)
class Hit:
    """A lexicon hit located in the original text, before facts and pack are applied."""

    start: int
    end: int
    entry: Entry
    #: A weak hit (a two-character homophone): review at most, whatever the entry says.
    weak: bool = False
    #: A composition whose slots a negation governs: no finding, but the words were seen.
    cancelled: bool = False


def _compact(text: str) -> str:
    return _NOT_COMPACT.sub("", fold_chars(text))


@dataclass(frozen=True)
class _Index:
    """Patterns indexed by their literal prefixes: a message runs only those it could match."""

    patterns: tuple[_Pattern, ...]
    always: tuple[int, ...]
    by_prefix: dict[str, tuple[int, ...]]
    keys: frozenset[str]

    @classmethod
    def of(cls, patterns: list[_Pattern]) -> _Index:
        by_prefix: dict[str, list[int]] = {}
        always = []
        for n, p in enumerate(patterns):
            if p.prefixes is None:
                always.append(n)
            for prefix in p.prefixes or ():
                by_prefix.setdefault(prefix, []).append(n)
        return cls(
            tuple(patterns),
            tuple(always),
            {k: tuple(v) for k, v in by_prefix.items()},
            frozenset(by_prefix),
        )

    def candidates(self, grams: set[str]) -> list[_Pattern]:
        """The patterns whose prefixes occur among ``grams``, in lexicon order."""
        chosen = set(self.always)
        for key in self.keys.intersection(grams):
            chosen.update(self.by_prefix[key])
        return [self.patterns[n] for n in sorted(chosen)]


@dataclass(frozen=True)
class _Composed:
    """A composition compiled: both slots, each with the literal prefixes it needs."""

    rule: Composition
    first: _Pattern
    second: _Pattern
    context: re.Pattern[str] | None


@dataclass(frozen=True)
class _Compositions:
    """Compositions of one view indexed by their slots' prefixes: one set intersection per message
    says which compositions have both slots' prefixes present."""

    composed: tuple[_Composed, ...]
    by_prefix: dict[str, frozenset[int]]
    keys: frozenset[str]
    #: Slot numbers (2 * composition + slot) without a prefix set: always present.
    always: frozenset[int]

    @classmethod
    def of(cls, composed: list[_Composed]) -> _Compositions:
        by_prefix: dict[str, set[int]] = {}
        always = set()
        for n, c in enumerate(composed):
            for k, slot in enumerate((c.first, c.second)):
                if slot.prefixes is None:
                    always.add(2 * n + k)
                for prefix in slot.prefixes or ():
                    by_prefix.setdefault(prefix, set()).add(2 * n + k)
        frozen = {k: frozenset(v) for k, v in by_prefix.items()}
        return cls(tuple(composed), frozen, frozenset(frozen), frozenset(always))

    def candidates(self, grams: set[str]) -> Iterator[_Composed]:
        """The compositions both of whose slots may occur among ``grams``."""
        present = set(self.always)
        for key in self.keys.intersection(grams):
            present.update(self.by_prefix[key])
        for n, c in enumerate(self.composed):
            if 2 * n in present and 2 * n + 1 in present:
                yield c


@dataclass(frozen=True)
class _Plan:
    zh: _Index
    en: _Index
    initials: _Index


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    entry: Entry
    prefixes: frozenset[str] | None


class Matcher:
    """The lexicon compiled for matching (built once per process by :func:`matcher`)."""

    def __init__(self, lexicon: Lexicon) -> None:
        from pypinyin import lazy_pinyin

        self.negation = Negation(lexicon.negation, lexicon.negation_break)

        # Sound view: phrase spellings keyed by their first two sound characters.
        self.by_anchor: dict[str, list[tuple[str, str, Entry]]] = {}
        # Pinyin (letter) view, for spelled-out pinyin and mixtures.
        self.by_pinyin: dict[str, list[tuple[str, Entry]]] = {}
        table = pinyin_syllables()
        for entry, phrases in lexicon.zh_phrases:
            for phrase in phrases:
                surface = _compact(phrase)
                readings = {
                    tuple(table.get(ch, ch) for ch in surface),
                    tuple(p.replace("v", "u").replace("ü", "u") for p in lazy_pinyin(surface)),
                }
                for reading in readings:
                    sound = sound_of(list(reading))
                    self.by_anchor.setdefault(sound[:2], []).append((sound, surface, entry))
                    spelling = "".join(reading)
                    self.by_pinyin.setdefault(spelling, []).append((surface, entry))
        self.anchors = frozenset(self.by_anchor)
        self.lengths = sorted({len(p) for p in self.by_pinyin}, reverse=True)
        self.spelled = re.compile(f"(?=({trie_regex(list(self.by_pinyin))}))")
        # Each top-level alternative is its own expression, so a message runs only the
        # alternatives whose prefixes it holds.
        self.zh = [
            _Pattern(re.compile(alt), e, literal_prefixes(alt, 2))
            for e, p in lexicon.zh_patterns
            for alt in alternatives(p)
        ]
        self.en = [self._english(alt, e) for e, p in lexicon.en_patterns for alt in alternatives(p)]
        self.initials = [self._english(p, e) for e, p in lexicon.initials]
        composed = [self._compose(c) for c in lexicon.compositions]
        self.composed_zh = _Compositions.of([c for c in composed if c.rule.view == "zh"])
        self.composed_en = _Compositions.of([c for c in composed if c.rule.view == "en"])
        self.truthful_zh = _Pattern(re.compile("|".join(lexicon.truthful_zh)), _TRUTH, None)
        self.truthful_en = self._english("|".join(lexicon.truthful_en), _TRUTH)
        self.scripts_zh = _Pattern(re.compile("|".join(lexicon.scripts_zh)), _TRUTH, None)
        self.scripts_en = self._english("|".join(lexicon.scripts_en), _TRUTH)
        #: Every entry of the lexicon, once.
        self.entries = tuple(
            {
                id(e): e
                for e, _ in [
                    *lexicon.zh_phrases,
                    *lexicon.zh_patterns,
                    *lexicon.en_patterns,
                    *lexicon.initials,
                ]
            }.values()
        ) + tuple(c.entry for c in lexicon.compositions)

    def _compose(self, rule: Composition) -> _Composed:
        if rule.view == "zh":
            first = _Pattern(re.compile(rule.first), rule.entry, literal_prefixes(rule.first, 2))
            second = _Pattern(re.compile(rule.second), rule.entry, literal_prefixes(rule.second, 2))
        else:
            first = self._english(rule.first, rule.entry)
            second = self._english(rule.second, rule.entry)
        context = None if rule.context is None else re.compile(rule.context)
        return _Composed(rule, first, second, context)

    @staticmethod
    def _english(pattern: str, entry: Entry) -> _Pattern:
        regex = re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])")
        return _Pattern(regex, entry, literal_prefixes(pattern, _WORD_PREFIX))

    def plan(self, live: Callable[[Entry], bool]) -> _Plan:
        """The patterns that can matter when ``live`` says which entries do."""
        return _Plan(
            zh=_Index.of([p for p in self.zh if live(p.entry)]),
            en=_Index.of([p for p in self.en if live(p.entry)]),
            initials=_Index.of([p for p in self.initials if live(p.entry)]),
        )

    def hits(self, folded: Folded, live: Callable[[Entry], bool], plan: _Plan) -> Iterator[Hit]:
        """Every hit of a live entry in the message, in no particular order.

        ``live`` says which entries can matter under the facts (a third-party disclosure
        pattern cannot when the debtor is the recipient); ``plan`` holds only live patterns.
        """
        if folded.has_cjk:
            yield from (h for h in self._sound_hits(folded) if live(h.entry))
            text = folded.compact_text
            grams = _grams(text)
            for p in plan.zh.candidates(grams):
                for m in p.regex.finditer(text):
                    if m.end() > m.start():
                        yield Hit(*folded.compact.span(m.start(), m.end()), p.entry)
            for c in self.composed_zh.candidates(grams):
                if live(c.rule.entry):
                    yield from _composed_hits(c, folded, text, folded.compact.span, self.negation)
        if not folded.has_latin:
            return
        if folded.has_pinyin_word if folded.has_cjk else folded.looks_pinyin:
            yield from (h for h in self._spelled_hits(folded) if live(h.entry))
        words = folded.words_text
        starts = _word_starts(words)
        patterns = plan.en.candidates(starts)
        patterns += [
            p for p in plan.initials.candidates(starts) if folded.has_cjk or p.entry.anywhere
        ]
        for p in patterns:
            for m in p.regex.finditer(words):
                if m.end() > m.start():
                    yield Hit(*folded.words.span(m.start(), m.end()), p.entry)
        for c in self.composed_en.candidates(starts):
            if live(c.rule.entry):
                yield from _composed_hits(c, folded, words, folded.words.span, self.negation)

    def truthful(self, folded: Folded) -> list[tuple[int, int]]:
        """Original spans of lawful formulas (「按规定报送征信」) inside which no hit counts."""
        return _formula_spans(folded, self.truthful_zh.regex, self.truthful_en.regex)

    def third_party_scripts(self, folded: Folded) -> list[tuple[int, int]]:
        """Original spans of lawful requests of a third party (「请转告他回电」)."""
        return _formula_spans(folded, self.scripts_zh.regex, self.scripts_en.regex)

    def _sound_hits(self, folded: Folded) -> Iterator[Hit]:
        sound = folded.sound_text
        for anchor in self.anchors.intersection(map(operator.add, sound, sound[1:])):
            at = sound.find(anchor)
            while at >= 0:
                for spelling, phrase, entry in self.by_anchor[anchor]:
                    if sound.startswith(spelling, at):
                        end = at + len(spelling)
                        yield from self._classify_sound(folded, at, end, phrase, entry)
                at = sound.find(anchor, at + 1)

    def _classify_sound(
        self, folded: Folded, start: int, end: int, phrase: str, entry: Entry
    ) -> Iterator[Hit]:
        surface = folded.compact_text[start:end]
        a, b = folded.compact.span(start, end)
        if surface == phrase:
            yield Hit(a, b, entry)
        elif (
            entry.homophones
            # A homophone is one word, never across a stop: 「留个言。赵某某」 is
            # no 艳照 (round 148).
            and not CLAUSE_BREAK.search(folded.original, a, b)
            and not _is_other_word(folded.original, a, b, surface)
            # A two-character sound ending on a conjunction is a name and its 与 (「请转告您爱人
            # 王建与我们联系」, round 194: jian yu), the allowed script's own words, not 监狱.
            and not (len(phrase) <= 2 and surface[-1] in _CONJUNCTIONS)
        ):
            yield Hit(a, b, entry, weak=len(phrase) <= 2)

    def _spelled_hits(self, folded: Folded) -> Iterator[Hit]:
        text = folded.pinyin_text
        for m in self.spelled.finditer(text):
            longest = m.group(1)
            start = m.start(1)
            for length in self.lengths:
                if length <= len(longest) and longest[:length] in self.by_pinyin:
                    end = start + length
                    if start in folded.pinyin_starts and end in folded.pinyin_ends:
                        a, b = folded.pinyin.span(start, end)
                        # Hits without a Latin letter were found on the sound view already.
                        if _LATIN_OR_DIGIT.search(_compact(folded.original[a:b])):
                            # A phrase read without homophones (纸钱, 寿衣) is not read from a
                            # spelling either: "shouyi" is 收益 as often; 「受$6,000一」 reads so.
                            for _, entry in self.by_pinyin[longest[:length]]:
                                if entry.homophones:
                                    yield Hit(a, b, entry)


_TRUTH = Entry("")
_CONJUNCTIONS = frozenset("与和跟同及或")


def _formula_spans(
    folded: Folded, zh: re.Pattern[str], en: re.Pattern[str]
) -> list[tuple[int, int]]:
    """Original spans of a formula list, Chinese on the compact view, English on the words."""
    spans = [
        folded.compact.span(m.start(), m.end())
        for m in zh.finditer(folded.compact_text)
        if m.end() > m.start()
    ]
    if folded.has_latin:
        spans += [
            folded.words.span(m.start(), m.end())
            for m in en.finditer(folded.words_text)
            if m.end() > m.start()
        ]
    return spans


def _composed_hits(
    c: _Composed,
    folded: Folded,
    text: str,
    span: Callable[[int, int], tuple[int, int]],
    negation: Negation,
) -> Iterator[Hit]:
    """Hits of a composition: its two slots close together in one sentence of the original."""
    firsts = [(m, span(m.start(), m.end())) for m in c.first.regex.finditer(text)]
    if not firsts:
        return
    seconds = [(m, span(m.start(), m.end())) for m in c.second.regex.finditer(text)]
    original = folded.original
    for ma, a in firsts:
        for mb, b in seconds:
            # The window is counted on the view (no emoji or separators), the sentence end on
            # the original (the compact view has no punctuation).
            if ma.end() <= mb.start():
                width, gap = mb.start() - ma.end(), (a[1], b[0])
            elif not c.rule.ordered and mb.end() <= ma.start():
                width, gap = ma.start() - mb.end(), (b[1], a[0])
            else:
                continue
            if width > c.rule.window or _sentence_ends(original, *gap) >= c.rule.sentences:
                continue
            start, end = min(a[0], b[0]), max(a[1], b[1])
            if c.context is not None and not c.context.search(
                _sentence(original, start, end, c.rule.view)
            ):
                continue
            # A negation before either slot cancels the pair; read on the view as well, where
            # emoji and symbols between the words are gone ("won't 😡 ruin your credit").
            cancelled = c.rule.entry.negatable and negation.pair_negated(
                original, text, a[0], b[0], ma.start(), mb.start(), end=end
            )
            yield Hit(start, end, c.rule.entry, cancelled=cancelled)


def _sentence_ends(original: str, start: int, end: int) -> int:
    """How many sentence ends lie in ``original[start:end]`` (most gaps have none)."""
    return sum(1 for _ in SENTENCE_END.finditer(original, start, end))


def _sentence(original: str, start: int, end: int, view: str) -> str:
    """The folded sentence around ``start:end`` of the original, where a context is looked for."""
    left = max((m.end() for m in SENTENCE_END.finditer(original, 0, start)), default=0)
    stop = SENTENCE_END.search(original, end)
    sentence = original[left : stop.start() if stop else len(original)]
    if view == "zh":
        return _compact(sentence)
    # Full-width letters (ｄｅｂｔ) are read as their plain forms, as the folded view reads them.
    plain = unicodedata.normalize("NFKC", sentence) if not sentence.isascii() else sentence
    return " ".join(_EN_CONTEXT.findall(plain.lower().replace("'", " ")))


def _grams(text: str) -> set[str]:
    """Every substring of ``text`` of one or two characters."""
    grams = set(text)
    grams.update(map(operator.add, text, text[1:]))
    return grams


def _word_starts(words: str) -> set[str]:
    """The text of the word view from each word start, one to five characters long."""
    windows = _LATIN_START.findall(words)
    starts: set[str] = set()
    for cut in _CUTS:
        starts.update(map(cut, windows))
    return starts


@functools.cache
def matcher(files: tuple[str, ...] = ("zh", "en")) -> Matcher:
    """The compiled lexicon of ``files``, built on first use and shared by every call in the
    process."""
    return Matcher(load_lexicon(files))


@functools.cache
def _jieba() -> tuple[object, dict[str, int]]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.check_initialized()
    return jieba, jieba.dt.FREQ


def _is_other_word(original: str, a: int, b: int, surface: str) -> bool:
    """True when the homophone characters are an ordinary word, or straddle one (jieba)."""
    jieba, freq = _jieba()
    if freq.get(surface, 0) >= _HOMOPHONE_WORD_FREQ:
        return True
    left = _compact(original[max(0, a - 6) : a])
    right = _compact(original[b : b + 6])
    cuts = {0}
    for word in jieba.lcut(left + surface + right, HMM=False):  # type: ignore[attr-defined]
        cuts.add(max(cuts) + len(word))
    return len(left) not in cuts or len(left) + len(surface) not in cuts


def applies(entry: Entry, facts: Facts, pack: ScreeningPack) -> tuple[str, str] | None:
    """The (category, action) a hit stands for under these facts, or None when it is true."""
    if entry.legal and facts.time_barred:
        return "Q", "block"
    if entry.when == "no_legal" and (facts.has_judgment or facts.legal_action_intended):
        return None
    if entry.when == "no_judgment" and facts.has_judgment:
        return None
    if entry.when == "third_party" and facts.recipient in pack.consumer_recipients:
        return None
    if entry.when == "debtor" and facts.recipient != "debtor":
        return None
    # To the consumer's attorney a law firm named is the addressee's, not a lawyer claimed: the
    # reviewed mentions (律师事务所, "law firm") are void there; a claimed court or police is not.
    if entry.category == "I" and entry.action == "review" and facts.recipient == "attorney":
        return None
    return entry.category, entry.action
