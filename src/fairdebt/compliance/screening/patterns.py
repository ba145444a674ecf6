"""Reading the lexicon's regular expressions: their top-level alternatives, the literal prefixes
every match starts with, and one trie-shaped expression for a word list.

The matcher runs a pattern only on a message that holds one of its literal prefixes (a set
intersection per message instead of thousands of regex scans), and splits a pattern at its
top-level ``|`` so that each alternative gets its own, tighter prefix set. Correctness never
depends on these readings: a pattern whose prefixes cannot be read always runs. The same
reading gates the large expressions of the quotation and mention readers (:class:`Gated`).
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["Gated", "alternatives", "literal_prefixes", "trie_regex"]


def trie_regex(words: list[str]) -> str:
    """One regular expression matching any of ``words``, shaped as a trie (longest first)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def literal_prefixes(pattern: str, limit: int, stop: str = "") -> frozenset[str] | None:
    """Literal prefixes (up to ``limit`` characters) every match of ``pattern`` starts with.

    A cheap necessary condition: a pattern runs only on a message holding one of its prefixes.
    None means no such set could be found and the pattern always runs. Reads the pattern with
    the standard library's own parser (``re._parser``); speed depends on it, correctness not.

    >>> sorted(literal_prefixes("(?:打|爆)(?:你)?通讯录", 2))
    ['打你', '打通', '爆你', '爆通']
    """
    try:
        c: Any = importlib.import_module("re._constants")
        parser: Any = importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - another interpreter
        return None

    def walk(items: list[Any], prefix: str) -> set[str]:
        if len(prefix) >= limit or not items:
            return {prefix}
        op, av = items[0]
        rest = items[1:]
        if op is c.LITERAL:
            if chr(av) in stop:
                return {prefix}
            return walk(rest, prefix + chr(av))
        if op is c.IN and av and all(o is c.LITERAL for o, _ in av) and len(av) <= 40:
            return set().union(*(walk(rest, prefix + chr(v)) for _, v in av))
        if op is c.BRANCH:
            return set().union(*(walk(list(alt) + rest, prefix) for alt in av[1]))
        if op is c.SUBPATTERN:
            return walk(list(av[3]) + rest, prefix)
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            once = walk(list(av[2]), prefix)
            return once | walk(rest, prefix) if av[0] == 0 else once
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            return walk(rest, prefix)
        return {prefix}

    try:
        found = walk(list(parser.parse(pattern)), "")
    except RecursionError:  # pragma: no cover - no lexicon pattern is that deep
        return None
    return None if "" in found or len(found) > 5000 else frozenset(found)


def alternatives(pattern: str) -> list[str]:
    """Split a pattern at its top-level ``|`` (outside groups, classes and escapes).

    >>> alternatives("a(?:b|c)|[|]d|e")
    ['a(?:b|c)', '[|]d', 'e']
    """
    parts: list[str] = []
    depth = 0
    in_class = False
    start = 0
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


#: The only characters besides ASCII letters that Python's case-insensitive matching reads as
#: an ASCII letter, while ``str.lower`` does not make them one (a test scans every code point).
_CASELESS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


class Gated:
    """A large regular expression run only on a text that holds one of its literal prefixes.

    Python's engine tries every top-level alternative at every position of the text; the
    expressions that read quotations and mentions have dozens of alternatives, most opening with
    a look-behind, so a message that holds none of their words still costs a full scan. The gate
    is one trie-shaped expression of every alternative's literal prefixes (up to ``limit``
    characters, lower-cased), searched in the lower-cased text: a text it does not find cannot
    match. Exact, not a heuristic: an expression with an alternative whose prefixes cannot be
    read, or whose prefixes hold a cased letter other than ASCII, is never gated (nor a verbose
    one); ``search``, ``match`` and ``finditer`` answer as the expression's own do.
    """

    def __init__(self, regex: re.Pattern[str], limit: int = 10) -> None:
        self.regex = regex
        self._limit = limit

    @functools.cached_property
    def gate(self) -> re.Pattern[str] | None:
        """The prefixes' expression, built on first use (None: the expression always runs)."""
        if self.regex.flags & re.VERBOSE:  # its source is not the literal text it matches
            return None
        found: set[str] = set()
        for alternative in alternatives(self.regex.pattern):
            prefixes = literal_prefixes(alternative, self._limit)
            if prefixes is None:
                return None
            found.update(p.lower() for p in prefixes)
        if any(not ch.isascii() and ch.lower() != ch.upper() for p in found for ch in p):
            return None
        return re.compile(trie_regex(sorted(found)))

    def _open(self, text: str) -> bool:
        gate = self.gate
        return gate is None or gate.search(text.translate(_CASELESS).lower()) is not None

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.search(text, pos, endpos) if self._open(text) else None

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.regex.match(text, pos, endpos) if self._open(text) else None

    def finditer(
        self, text: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text, pos, endpos) if self._open(text) else iter(())
