"""The screening lexicon: YAML data, one file per language, checked when it is loaded.

A lexicon file (``lexicons/zh.yaml``, ``lexicons/en.yaml``, or a lender's own file) holds:

- ``language``: ``zh`` (patterns and compositions run over the compact Chinese view: simplified,
  lower case, no separators) or ``en`` (the English word view: lower case, one space between
  words, apostrophes as spaces, "won t");
- ``fragments``: named regular expressions, used as ``{NAME}`` in any pattern of any loaded file
  (a name is upper case; ``{0,6}`` stays a quantifier);
- ``phrases`` (zh): entries with a list of literal Chinese phrases, matched on the pinyin view, so
  that traditional characters, spacing, spelled-out pinyin (「zuo lao」), mixtures
  (「hei名单」) and, where ``homophones`` allows, homophone characters (「做劳」) all hit;
- ``patterns``: entries with one regular expression;
- ``initials``: pinyin initials used as insults or shorthand (``nmsl``, ``hmd``), whole Latin words;
- ``compositions``: two slot classes (``first``, ``second``) that count when both occur in one
  sentence, at most ``window`` characters apart, in order when ``ordered``, with ``context``
  somewhere in the sentence when given (``sentences: 2`` lets them fall in adjacent sentences);
- ``truthful``: formulas of lawful notices inside which no hit counts;
- ``third_party_scripts``: the lawful requests a collector may make of a third party (to confirm
  where the consumer lives or works, or to pass on a request to call back); to a third party the
  classifier reads the message without the clauses that hold them;
- ``negation`` and ``negation_break``: words that negate what follows, and words between a
  negation and a hit that show the negation belongs to a condition instead.

Every entry says its ``category`` (one of the twelve), ``action`` (block or review), ``when`` (a
fact condition: ``always``, ``no_legal``, ``no_judgment``, ``third_party``, ``debtor``), ``legal``
(a mention
of legal action: Q on a time-barred debt), ``negatable`` and ``homophones``. A mistake is refused
when the file is loaded, naming the file, the entry and the field:

>>> load_lexicon(("zh", "en")).categories() == set("VLIBTPAHFMCQ")
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fairdebt.errors import InputError

__all__ = [
    "CONDITIONS",
    "SHIPPED",
    "Composition",
    "Entry",
    "Lexicon",
    "LexiconError",
    "load_lexicon",
]

#: Fact conditions an entry can carry: ``always``; ``no_legal`` (silent when a judgment exists or
#: legal action is intended: a true notice); ``no_judgment`` (silent when a judgment exists:
#: enforcement is then lawful); ``third_party`` (only when the recipient is not the consumer);
#: ``debtor`` (only to the debtor: "we will call your husband" threatens the debtor, but to the
#: husband's wife it is the lawful search for him).
CONDITIONS = ("always", "no_legal", "no_judgment", "third_party", "debtor")
_CATEGORIES = frozenset("VLIBTPAHFMCQ")
_ACTIONS = ("block", "review")
_LANGUAGES = ("zh", "en")
_DIRECTORY = Path(__file__).parent / "lexicons"
#: The lexicon files shipped with fairdebt, by name.
SHIPPED: Mapping[str, Path] = {p.stem: p for p in sorted(_DIRECTORY.glob("*.yaml"))}
_FRAGMENT = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_FRAGMENT_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_SECTIONS = frozenset(
    {
        "language",
        "fragments",
        "phrases",
        "patterns",
        "initials",
        "compositions",
        "truthful",
        "third_party_scripts",
        "negation",
        "negation_break",
    }
)
_ENTRY_FIELDS = frozenset({"category", "action", "when", "legal", "negatable", "homophones"})


class LexiconError(InputError):
    """A lexicon file that cannot be used: names the file, the entry and the field."""


@dataclass(frozen=True, eq=False)
class Entry:
    """What a hit of one phrase or pattern means (compared by identity: each entry is one rule)."""

    category: str
    action: str = "block"
    when: str = "always"
    legal: bool = False
    negatable: bool = True
    homophones: bool = True
    #: Initials only: also in a message without Chinese characters (nmsl is no English word).
    anywhere: bool = False
    #: Where the entry was written: ``file:section[index]``.
    source: str = ""


@dataclass(frozen=True, eq=False)
class Composition:
    """Two slot classes that together evidence a category when close in one sentence.

    ``first`` and ``second`` are regular expressions over the compact Chinese view (``view``
    "zh") or the English word view ("en"); a hit needs one match of each, not overlapping, at
    most ``window`` characters apart on that view, with no sentence end between them in the
    original text (。！？; or a full stop), in this order when ``ordered``. ``context`` (over the
    folded sentence) must also occur for the hit to count. The hit covers both slots.
    ``sentences`` (default 1) lets the slots fall that many sentences apart at most: 2 joins a
    sentence to the next ("Heard your kid made the team. Hope nothing happens.").
    """

    entry: Entry
    view: str
    first: str
    second: str
    window: int
    ordered: bool = False
    context: str | None = None
    sentences: int = 1


@dataclass(frozen=True)
class Lexicon:
    """Every loaded file's entries, fragments expanded, in file order."""

    files: tuple[str, ...]
    zh_phrases: tuple[tuple[Entry, tuple[str, ...]], ...] = ()
    zh_patterns: tuple[tuple[Entry, str], ...] = ()
    en_patterns: tuple[tuple[Entry, str], ...] = ()
    initials: tuple[tuple[Entry, str], ...] = ()
    compositions: tuple[Composition, ...] = ()
    truthful_zh: tuple[str, ...] = ()
    truthful_en: tuple[str, ...] = ()
    scripts_zh: tuple[str, ...] = ()
    scripts_en: tuple[str, ...] = ()
    negation: tuple[str, ...] = ()
    negation_break: tuple[str, ...] = ()
    fragments: Mapping[str, str] = field(default_factory=dict)

    def categories(self) -> set[str]:
        """The categories some entry of the lexicon evidences."""
        entries = [e for e, _ in (*self.zh_phrases, *self.zh_patterns, *self.en_patterns)]
        entries += [e for e, _ in self.initials] + [c.entry for c in self.compositions]
        # A mention of legal action is category Q on a time-barred debt.
        return {e.category for e in entries} | ({"Q"} if any(e.legal for e in entries) else set())


def load_lexicon(files: Sequence[str | Path]) -> Lexicon:
    """Load and check lexicon files: a shipped name (``zh``, ``en``) or a path to a YAML file.

    Fragments of every file are shared (a lender's file may use ``{THIRD_ZH}``); a fragment
    defined twice is refused. Loaded once per distinct list of files.
    """
    return _load(tuple(str(f) for f in files))


@functools.cache
def _load(files: tuple[str, ...]) -> Lexicon:
    if not files:
        raise LexiconError("a screening pack needs at least one lexicon file", field="lexicons")
    documents = [(name, _read(name)) for name in files]
    fragments: dict[str, tuple[str, str]] = {}
    for name, doc in documents:
        raw = doc.get("fragments") or {}
        if not isinstance(raw, dict):
            raise LexiconError(f"{name}: fragments must be a mapping", field="fragments")
        for key, value in raw.items():
            where = f"{name}: fragments.{key}"
            if not isinstance(key, str) or not _FRAGMENT_NAME.fullmatch(key):
                raise LexiconError(f"{where}: a fragment name is upper case", field="fragments")
            if not isinstance(value, str):
                raise LexiconError(f"{where}: expected a string", field=f"fragments.{key}")
            if key in fragments:
                raise LexiconError(
                    f"{where}: already defined in {fragments[key][0]}", field=f"fragments.{key}"
                )
            fragments[key] = (name, value)
    expanded = _expand_all({k: v for k, (_, v) in fragments.items()})
    parts: dict[str, list[Any]] = {
        k: []
        for k in (
            "zh_phrases",
            "zh_patterns",
            "en_patterns",
            "initials",
            "compositions",
            "truthful_zh",
            "truthful_en",
            "scripts_zh",
            "scripts_en",
            "negation",
            "negation_break",
        )
    }
    for name, doc in documents:
        _read_document(name, doc, expanded, parts)
    return Lexicon(
        files=files,
        fragments=expanded,
        **{k: tuple(v) for k, v in parts.items()},
    )


def _read(name: str) -> dict[str, Any]:
    path = SHIPPED.get(name, Path(name))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        known = ", ".join(sorted(SHIPPED))
        raise LexiconError(
            f"{name}: cannot read lexicon file ({exc.strerror}); shipped lexicons: {known}",
            field="lexicons",
        ) from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LexiconError(f"{name}: not valid YAML ({exc})", field="lexicons") from None
    if not isinstance(doc, dict):
        raise LexiconError(f"{name}: expected a mapping at the top", field="lexicons")
    unknown = set(doc) - _SECTIONS
    if unknown:
        raise LexiconError(
            f"{name}: unknown section {sorted(unknown)[0]!r} (expected {sorted(_SECTIONS)})",
            field=str(sorted(unknown)[0]),
        )
    if doc.get("language") not in _LANGUAGES:
        raise LexiconError(
            f"{name}: language must be one of {list(_LANGUAGES)} (got {doc.get('language')!r})",
            field="language",
        )
    return doc


def _expand_all(raw: dict[str, str]) -> dict[str, str]:
    done: dict[str, str] = {}

    def expand(key: str, trail: tuple[str, ...]) -> str:
        if key in done:
            return done[key]
        if key in trail:
            raise LexiconError(
                f"fragment {key} refers to itself ({' -> '.join((*trail, key))})",
                field=f"fragments.{key}",
            )

        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in raw:
                raise LexiconError(
                    f"fragment {key} uses unknown fragment {{{m.group(1)}}}",
                    field=f"fragments.{key}",
                )
            return expand(m.group(1), (*trail, key))

        done[key] = _FRAGMENT.sub(sub, raw[key])
        return done[key]

    for key in raw:
        expand(key, ())
    return done


def _regex(value: Any, fragments: Mapping[str, str], where: str, fld: str) -> str:
    if not isinstance(value, str) or not value:
        raise LexiconError(f"{where}: {fld} must be a non-empty string", field=fld)

    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in fragments:
            raise LexiconError(f"{where}: {fld} uses unknown fragment {{{m.group(1)}}}", field=fld)
        return fragments[m.group(1)]

    pattern = _FRAGMENT.sub(sub, value)
    try:
        re.compile(pattern)
    except re.error as exc:
        raise LexiconError(f"{where}: {fld} is not a valid expression ({exc})", field=fld) from None
    return pattern


def _entry(item: Any, where: str, extra: frozenset[str]) -> Entry:
    if not isinstance(item, dict):
        raise LexiconError(f"{where}: expected a mapping", field="entry")
    unknown = set(item) - _ENTRY_FIELDS - extra
    if unknown:
        key = sorted(unknown)[0]
        raise LexiconError(f"{where}: unknown field {key!r}", field=key)
    category = item.get("category")
    if category not in _CATEGORIES:
        raise LexiconError(
            f"{where}: category must be one of {sorted(_CATEGORIES)} (got {category!r})",
            field="category",
        )
    action = item.get("action", "block")
    if action not in _ACTIONS:
        raise LexiconError(
            f"{where}: action must be block or review (got {action!r})", field="action"
        )
    when = item.get("when", "always")
    if when not in CONDITIONS:
        raise LexiconError(
            f"{where}: when must be one of {list(CONDITIONS)} (got {when!r})", field="when"
        )
    flags = {}
    names = (("legal", False), ("negatable", True), ("homophones", True), ("anywhere", False))
    for name, default in names:
        value = item.get(name, default)
        if not isinstance(value, bool):
            raise LexiconError(f"{where}: {name} must be true or false (got {value!r})", field=name)
        flags[name] = value
    return Entry(category, action, when, source=where, **flags)


def _items(doc: dict[str, Any], key: str, name: str) -> list[Any]:
    value = doc.get(key) or []
    if not isinstance(value, list):
        raise LexiconError(f"{name}: {key} must be a list", field=key)
    return value


def _read_document(
    name: str, doc: dict[str, Any], fragments: Mapping[str, str], parts: dict[str, list[Any]]
) -> None:
    language = doc["language"]
    for n, item in enumerate(_items(doc, "phrases", name)):
        where = f"{name}: phrases[{n}]"
        if language != "zh":
            raise LexiconError(
                f"{where}: literal phrases are Chinese (language zh)", field="phrases"
            )
        entry = _entry(item, where, frozenset({"phrases"}))
        phrases = item.get("phrases")
        if (
            not isinstance(phrases, list)
            or not phrases
            or not all(isinstance(p, str) and p.strip() for p in phrases)
        ):
            raise LexiconError(f"{where}: phrases must be a list of strings", field="phrases")
        parts["zh_phrases"].append((entry, tuple(phrases)))
    for section, target in (("patterns", f"{language}_patterns"), ("initials", "initials")):
        for n, item in enumerate(_items(doc, section, name)):
            where = f"{name}: {section}[{n}]"
            entry = _entry(item, where, frozenset({"pattern", "anywhere"}))
            if entry.anywhere and section != "initials":
                raise LexiconError(f"{where}: anywhere is for initials only", field="anywhere")
            parts[target].append((entry, _regex(item.get("pattern"), fragments, where, "pattern")))
    for n, item in enumerate(_items(doc, "compositions", name)):
        where = f"{name}: compositions[{n}]"
        keys = frozenset({"first", "second", "window", "ordered", "context", "view", "sentences"})
        entry = _entry(item, where, keys)
        window = item.get("window")
        if not isinstance(window, int) or isinstance(window, bool) or window < 0:
            raise LexiconError(f"{where}: window must be a whole number ≥ 0", field="window")
        view = item.get("view", language)
        if view not in _LANGUAGES:
            raise LexiconError(f"{where}: view must be zh or en (got {view!r})", field="view")
        ordered = item.get("ordered", False)
        if not isinstance(ordered, bool):
            raise LexiconError(f"{where}: ordered must be true or false", field="ordered")
        context = item.get("context")
        sentences = item.get("sentences", 1)
        if not isinstance(sentences, int) or isinstance(sentences, bool) or sentences < 1:
            raise LexiconError(f"{where}: sentences must be a whole number ≥ 1", field="sentences")
        parts["compositions"].append(
            Composition(
                entry,
                view,
                _regex(item.get("first"), fragments, where, "first"),
                _regex(item.get("second"), fragments, where, "second"),
                window,
                ordered,
                None if context is None else _regex(context, fragments, where, "context"),
                sentences,
            )
        )
    for n, item in enumerate(_items(doc, "truthful", name)):
        where = f"{name}: truthful[{n}]"
        parts[f"truthful_{language}"].append(_regex(item, fragments, where, "truthful"))
    for n, item in enumerate(_items(doc, "third_party_scripts", name)):
        where = f"{name}: third_party_scripts[{n}]"
        parts[f"scripts_{language}"].append(_regex(item, fragments, where, "third_party_scripts"))
    for key in ("negation", "negation_break"):
        if doc.get(key) is not None:
            parts[key].append(_regex(doc[key], fragments, name, key))
