"""Folding a message into the views the screening lexicon is matched on, keeping original spans.

A collector who wants to slip 「坐牢」 past a filter writes 「坐 牢」, 「坐*牢」, 「坐🙂牢」,
traditional characters, 「做劳」 (a homophone), 「zuo lao」 or 「坐lao」; in English "a r r e s t",
"j@il" or "аrrest" with a Cyrillic а. Folding undoes these tricks once per message, with
precomputed tables, into four views:

- the *word* view: NFKC (full-width to half-width), case-folded, look-alike Cyrillic and Greek
  letters made Latin, traditional to simplified (OpenCC ``t2s``), words split at every other
  character (zero-width characters join), leetspeak restored where it touches a letter
  ("j@il" -> "jail"), and words spelled out one character at a time joined ("a r r e s t");
- the *compact* view: the same characters with every separator dropped, for Chinese patterns
  (「坐 * 牢」 -> 「坐牢」);
- the *sound* view: the compact view with each ideograph replaced by one character per
  syllable, so that homophones (坐 and 做) become equal;
- the *pinyin* view: ideographs spelled in toneless pinyin and Latin words split into pinyin
  syllables when they are ("zuolao" -> zuo|lao), so spelled-out pinyin and mixtures
  (「hei名单」) meet the lexicon in one alphabet.

Every view keeps, for each of its characters, the index of the original character it came from,
so a finding's span always points into the text the caller gave. Building the tables costs about
a second, once per process (most of it importing pypinyin's table); the texts of a message are a
few ``str.translate`` calls and regular expressions, and the maps back to the original are built
only for messages where something matched.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CJK",
    "Folded",
    "View",
    "fold",
    "fold_char",
    "fold_chars",
    "pinyin_of",
    "pinyin_syllables",
    "sound_of",
    "split_pinyin",
    "syllable_ids",
]

#: The Chinese ideograph ranges screening reads (CJK Extension A and the Unified block).
CJK = "\u3400-\u4dbf\u4e00-\u9fff"
# Characters that survive folding as part of a word: Latin letters, digits, Chinese ideographs,
# the currency signs money is written with, and the leetspeak letters restored below.
_KEEP = re.compile(f"[0-9a-z{CJK}$£¥€@!]")
# Zero-width and soft-hyphen characters join a word rather than split it ("ar\u200brest").
_JOINER = "\u200b"
_JOINERS = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"
# A word is a run of ideographs or a run of Latin letters, digits and leet symbols ("你个 sb").
_WORD_TOKEN = re.compile(
    f"{_JOINER}*[{CJK}][{CJK}{_JOINER}]*|{_JOINER}*[0-9a-z$£¥€@!][0-9a-z$£¥€@!{_JOINER}]*"
)
_COMPACT_RUN = re.compile(f"[0-9a-z{CJK}$£¥€]+")
_COMPACT_DROP = re.compile(f"[^0-9a-z{CJK}$£¥€]+")
# Two one-character words in a row: the text may be spelled out ("a r r e s t", "d 3 a d").
_LONE_RUN = re.compile(r"(?<!\S)[a-z0-9$@!](?: [a-z0-9$@!](?!\S))+")
_SPELLABLE = frozenset("abcdefghijklmnopqrstuvwxyz0134579$@!")
#: A full-width apostrophe (＇) is one too: "Ｉ＇ｍ" reads "i m", as "I'm" does (round 119).
_APOSTROPHES = frozenset("'’‘`＇")
_LATIN = re.compile("[a-z]")
_IDEOGRAPH = re.compile(f"[{CJK}]")
_LEET = {"@": "a", "4": "a", "$": "s", "5": "s", "0": "o", "1": "i", "!": "i", "3": "e", "7": "t"}
# A leet character is read as a letter only where it touches a letter, so amounts stay numbers.
_LEET_RE = re.compile(r"(?<=[a-z])[@4$5013!7]|[@4$5013!7](?=[a-z])")
_SYLLABLE_MAX = 6
# Cyrillic and Greek letters that look like Latin ones ("аrrest" with a Cyrillic а).
_HOMOGLYPHS = dict(zip("аеорсухіјѕԁοαειкмтνρτυχ", "aeopcyxijsdoaeikmtvptux", strict=True))
# Cantonese written words read as their Mandarin ones, one character for one: 「聽日上門搵你」 is
# 「明日上门找你」's threat. Only characters no Mandarin text uses otherwise (唔 and 冇 stay: they
# are negation cues of their own).
_CANTONESE = {"搵": "找", "咗": "了", "畀": "给", "佢": "他", "嚟": "来", "喺": "在"}
_PINYIN_WORD_MAX = 40  # longer Latin runs are not typed pinyin (and would cost quadratic time)
_LATIN_WORDS = re.compile("[a-z]+")
_PINYIN_MESSAGE_WORDS = 3
_PINYIN_MESSAGE_SHARE = 0.7


@functools.cache
def _fold_table() -> dict[int, str]:
    """Map every BMP code point to one folded character (a space when it is not part of a word)."""
    table: dict[int, str] = {}
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) != 1:
            folded = ch
        for lowered in (folded.casefold(), folded.lower(), folded):
            if len(lowered) == 1:
                break
        table[cp] = _HOMOGLYPHS.get(lowered, lowered)
    _simplify(table)
    table.update((ord(c), m) for c, m in _CANTONESE.items())
    keep = _KEEP.fullmatch
    for cp, folded in table.items():
        if not keep(folded):
            table[cp] = " "
    for ch in _JOINERS:
        table[ord(ch)] = _JOINER
    # Apostrophes become spaces too, so "won't" reads "won t".
    return table


def _simplify(table: dict[int, str]) -> None:
    """Replace traditional characters by simplified ones, one character at a time (OpenCC t2s)."""
    import opencc

    ideographs = [cp for cp, ch in table.items() if _IDEOGRAPH.fullmatch(ch)]
    source = "\n".join(table[cp] for cp in ideographs)
    converted = opencc.OpenCC("t2s").convert(source).split("\n")
    if len(converted) != len(ideographs):  # pragma: no cover - OpenCC kept lines in every version
        return
    for cp, simple in zip(ideographs, converted, strict=True):
        if len(simple) == 1:
            table[cp] = simple


def fold_char(ch: str) -> str:
    """Return the folded form of one character (a space for separators and symbols).

    >>> [fold_char(c) for c in "Ａ監 牢，"]
    ['a', '监', ' ', '牢', ' ']
    """
    return _fold_table().get(ord(ch), " ")


class _CharFolds(dict[int, str]):
    """:func:`fold_char` as a translation table: a code point outside it folds to a space."""

    def __missing__(self, key: int) -> str:
        return " "


@functools.cache
def _char_folds() -> _CharFolds:
    return _CharFolds(_fold_table())


def fold_chars(text: str) -> str:
    """:func:`fold_char` of every character, one for one, as one translation in C.

    >>> fold_chars("Ａ監 牢，🙂")
    'a监 牢  '
    """
    return text.translate(_char_folds())


def pinyin_syllables() -> dict[str, str]:
    """Every ideograph's first toneless pinyin reading (ü written u)."""
    return _pinyin_table()


@functools.cache
def _pinyin_table() -> dict[str, str]:
    """Map every ideograph to its first toneless pinyin reading (ü written u, as people type it)."""
    from pypinyin.pinyin_dict import pinyin_dict

    table: dict[str, str] = {}
    for cp, readings in pinyin_dict.items():
        first = readings.split(",")[0]
        bare = unicodedata.normalize("NFD", first.replace("ü", "u"))
        table[chr(cp)] = "".join(c for c in bare if c.isascii() and c.isalpha()).lower()
    return table


@functools.cache
def _syllables() -> frozenset[str]:
    return frozenset(s for s in _pinyin_table().values() if s)


def pinyin_of(text: str) -> str:
    """Return the toneless pinyin of every ideograph in ``text``, joined, Latin letters kept.

    >>> pinyin_of("坐牢 hei名单")
    'zuolaoheimingdan'
    """
    table = _pinyin_table()
    return "".join(table.get(c, c if c.isascii() and c.isalpha() else "") for c in text.lower())


@functools.lru_cache(maxsize=65536)
def split_pinyin(word: str) -> tuple[str, ...] | None:
    """Split a Latin word into pinyin syllables, longest first, or None when it is not pinyin.

    >>> split_pinyin("zuolao")
    ('zuo', 'lao')
    >>> split_pinyin("arrest") is None
    True
    """
    if not 2 <= len(word) <= _PINYIN_WORD_MAX:
        return None
    syllables = _syllables()
    # best[i]: the split of word[i:], preferring the longest first syllable (xian, not xi'an).
    best: list[tuple[str, ...] | None] = [None] * len(word) + [()]
    for i in range(len(word) - 1, -1, -1):
        for j in range(min(len(word), i + _SYLLABLE_MAX), i, -1):
            tail = best[j]
            if tail is not None and word[i:j] in syllables:
                best[i] = (word[i:j], *tail)
                break
    return best[0]


@dataclass(frozen=True)
class View:
    """One folded view of a message: its text and, per character, the original index."""

    text: str
    index: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of this view back to a half-open span of the original text."""
        return self.index[start], self.index[end - 1] + 1


class Folded:
    """The folded views of one message.

    The texts are built at once, in C (``str.translate`` and a few regular expressions); the
    per-character maps back to the original are built only when a pattern has matched, so a
    clean message never pays for them.
    """

    __slots__ = ("__dict__", "base", "compact_text", "original")

    def __init__(self, text: str) -> None:
        self.original = text
        self.base = text.translate(_fold_table())
        self.compact_text = _COMPACT_DROP.sub("", self.base)

    @functools.cached_property
    def words_text(self) -> str:
        """The word view: folded words, leetspeak restored, spelled-out words joined, one space
        apart. Text with runs of one-character words takes the indexed path, which joins them."""
        words = " ".join(_WORD_TOKEN.findall(_leet(self.base))).replace(_JOINER, "")
        return self.words.text if _LONE_RUN.search(words) else words

    @functools.cached_property
    def pinyin_text(self) -> str:
        """The pinyin view: the word view spelled in toneless pinyin, without separators."""
        return self.words_text.translate(_pinyin_translation())

    @functools.cached_property
    def sound_text(self) -> str:
        """The compact view with every ideograph replaced by one character naming its syllable.

        Same length as the compact view, so a hit maps back through the compact index; two
        characters that sound alike (坐 and 做) become the same character.
        """
        return self.compact_text.translate(_sound_table())

    @functools.cached_property
    def has_latin(self) -> bool:
        """True when the message holds any Latin letter (English patterns need one)."""
        return _LATIN.search(self.compact_text) is not None

    @functools.cached_property
    def has_cjk(self) -> bool:
        """True when the message holds any Chinese ideograph."""
        return _IDEOGRAPH.search(self.compact_text) is not None

    @functools.cached_property
    def has_pinyin_word(self) -> bool:
        """True when some Latin word of two letters or more is pinyin ("lao", "heimingdan")."""
        return any(_is_pinyin(w) for w in _LATIN_WORDS.findall(self.words_text))

    @functools.cached_property
    def looks_pinyin(self) -> bool:
        """True when most Latin words are pinyin syllables: Chinese typed without characters."""
        words = _LATIN_WORDS.findall(self.words_text)
        if len(words) < _PINYIN_MESSAGE_WORDS:
            return False
        misses_allowed = int((1 - _PINYIN_MESSAGE_SHARE) * len(words))
        misses = 0
        for word in words:  # English fails within its first few words
            if not _is_pinyin(word):
                misses += 1
                if misses > misses_allowed:
                    return False
        return True

    @functools.cached_property
    def compact(self) -> View:
        """The compact view with its map back to the original."""
        index: list[int] = []
        for run in _COMPACT_RUN.finditer(self.base):
            index.extend(range(run.start(), run.end()))
        return View(self.compact_text, tuple(index))

    @functools.cached_property
    def _tokens(self) -> list[tuple[str, list[int]]]:
        leet = _leet(self.base)
        words = [
            [i for i in range(m.start(), m.end()) if leet[i] != _JOINER]
            for m in _WORD_TOKEN.finditer(leet)
        ]
        # Folding maps one character to one, so the original shows where an apostrophe was.
        original = self.original if len(self.original) == len(leet) else leet
        return _join_spelled(leet, words, original)

    @functools.cached_property
    def words(self) -> View:
        """The word view with its map back to the original."""
        index: list[int] = []
        for _, positions in self._tokens:
            if index:
                index.append(positions[0])
            index.extend(positions)
        return View(" ".join(text for text, _ in self._tokens), tuple(index))

    @functools.cached_property
    def _pinyin_maps(self) -> tuple[View, frozenset[int], frozenset[int]]:
        view, starts, ends = _pinyin_view(self._tokens)
        return view, frozenset(starts), frozenset(ends)

    @property
    def pinyin(self) -> View:
        """The pinyin view with its map back to the original."""
        return self._pinyin_maps[0]

    @property
    def pinyin_starts(self) -> frozenset[int]:
        """Positions of the pinyin view where a syllable or a Latin word starts."""
        return self._pinyin_maps[1]

    @property
    def pinyin_ends(self) -> frozenset[int]:
        """Positions of the pinyin view where a syllable or a Latin word ends (exclusive)."""
        return self._pinyin_maps[2]


def _is_pinyin(word: str) -> bool:
    return split_pinyin(word.replace("v", "u")) is not None


def fold(text: str) -> Folded:
    """Fold ``text`` into its word, compact and pinyin views.

    >>> folded = fold("坐 * 牢，J@IL")
    >>> folded.compact.text, folded.words.text, folded.pinyin.text
    ('坐牢jil', '坐 牢 jail', 'zuolaojail')
    >>> folded.compact.span(0, 2)
    (0, 5)
    """
    return Folded(text)


def _leet(text: str) -> str:
    """Restore letters written as digits or symbols ("j@il", "f33"); a lone "@" is "a"."""
    for _ in range(2):  # twice, so "f33" becomes "fe3" and then "fee"
        text = _LEET_RE.sub(lambda m: _LEET[m.group()], text)
    return text.replace("@", "a")


@functools.cache
def syllable_ids() -> dict[str, str]:
    """Give every toneless syllable one private-use character (U+E000 on)."""
    return {s: chr(0xE000 + n) for n, s in enumerate(sorted(_syllables()))}


def sound_of(syllables: list[str]) -> str:
    """The sound-view spelling of a syllable sequence (Latin pieces stay as they are)."""
    ids = syllable_ids()
    return "".join(ids.get(s, s) for s in syllables)


@functools.cache
def _sound_table() -> dict[int, str]:
    ids = syllable_ids()
    return {ord(c): ids[s] for c, s in _pinyin_table().items() if s in ids}


@functools.cache
def _pinyin_translation() -> dict[int, str]:
    """Translate a word view to pinyin: ideographs to syllables, separators and digits dropped."""
    syllables = _pinyin_table()
    table: dict[int, str] = {
        cp: syllables.get(chr(cp), "")
        for r in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))
        for cp in range(r[0], r[1] + 1)
    }
    for c in " 0123456789$£¥€@!":
        table[ord(c)] = ""
    table[ord("v")] = "u"
    return table


def _join_spelled(
    leet: str, words: list[list[int]], original: str = ""
) -> list[tuple[str, list[int]]]:
    """Join words spelled out one character at a time; return (text, positions) per token.

    In "p o s t   y o u r   d e b t" the gaps inside a word are the shortest of the run, so a
    longer gap separates words: "post your debt". A run needs two letters to be joined, so
    "5 a day" stays as it is. Digits and symbols in a joined word are read as leetspeak.
    """
    tokens: list[tuple[str, list[int]]] = []
    run: list[int] = []

    def flush() -> None:
        if not run:
            return
        gap = min((b - a for a, b in itertools.pairwise(run)), default=0)
        pieces: list[list[int]] = [[run[0]]]
        for a, b in itertools.pairwise(run):
            if b - a > gap:
                pieces.append([])
            pieces[-1].append(b)
        for piece in pieces:
            text = "".join(leet[i] for i in piece)
            if len(piece) >= 2 and sum(c.isalpha() for c in text) >= 2:
                tokens.append((_leet(text), piece))
            else:
                tokens.extend((leet[i], [i]) for i in piece)
        run.clear()

    for n, positions in enumerate(words):
        # A contraction's letter ("I'm", "I'd", "it's") is a word of its own, not spelling: "I'm a
        # cop" reads "i m a cop", not "ima cop".
        contraction = n > 0 and original[words[n - 1][-1] + 1 : positions[0]] in _APOSTROPHES
        if len(positions) == 1 and leet[positions[0]] in _SPELLABLE and not contraction:
            run.append(positions[0])
            continue
        flush()
        tokens.append(("".join(leet[i] for i in positions), positions))
    flush()
    return tokens


def _pinyin_view(tokens: list[tuple[str, list[int]]]) -> tuple[View, list[int], list[int]]:
    """Spell the tokens in pinyin: one syllable per ideograph, Latin words split into syllables."""
    table = _pinyin_table()
    out: list[str] = []
    index: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0

    def emit(piece: str, origin: list[int]) -> None:
        nonlocal pos
        starts.append(pos)
        out.append(piece)
        index.extend(origin)
        pos += len(piece)
        ends.append(pos)

    for chars, positions in tokens:
        i = 0
        while i < len(chars):
            ch = chars[i]
            if "a" <= ch <= "z":
                j = i
                while j < len(chars) and "a" <= chars[j] <= "z":
                    j += 1
                latin = chars[i:j].replace("v", "u")
                k = i
                for part in split_pinyin(latin) or (latin,):
                    emit(part, [positions[k + n] for n in range(len(part))])
                    k += len(part)
                i = j
                continue
            syllable = table.get(ch)
            if syllable:
                emit(syllable, [positions[i]] * len(syllable))
            i += 1
    return View("".join(out), tuple(index)), starts, ends
