"""Negation and its scope: which hits a negation cancels, in Chinese and English.

A negation cue (「不会」「绝不」, "not", "never", "at no time") cancels a hit that follows it in
the same clause, within a short distance (10 characters of Chinese, 32 of English words), unless
something between the cue and the hit shows the cue does not govern it:

- a clause break (，。,.;: and the like): 「不是吓唬你，明天就去你单位」 blocks;
- a condition or a consequence (如果, 就, 否则, if, unless, pay, then, or): "If you do not pay we
  will contact your employer" blocks;
- a contrast or a new subject with a modal (而是, 但, 只会, 我们会, but, instead, we will, we'll):
  「我们不会起诉你而是直接让你坐牢」 and "We won't sue, we'll just break your legs" block.

Some cues do not negate the threat at all: a negated hedge (「不是开玩笑」「不会手软」,
「别怪我不客气」, "not kidding", "won't hesitate") affirms it, and a negation of a negation
(「别以为我们不会」, "don't think we won't") is an affirmation. Both keep the hit.

>>> NEGATION.negated("我们不会联系您的家人", 4)
True
>>> NEGATION.negated("We will never threaten you with arrest: debt is a civil matter", 32)
True
>>> NEGATION.negated("别以为我们不会联系你的家人", 7)
False
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from fairdebt.compliance.screening.folding import CJK, fold_char

__all__ = ["NEGATION", "Negation"]

_WINDOW = 48
_GAP_ZH = 10
_GAP_EN = 32
_DROPPED = frozenset({"So", "Sk", "Cf", "Mn", "Me"})
_CLAUSE_BREAK = re.compile(r"[，。,.;；!！?？:：\n—–]|--")
_CJK = re.compile(f"[{CJK}]")
#: A cue that does not negate the threat: a negated hedge affirms it.
_HEDGE = re.compile(
    r"\s*(?:(?:be |been |that |just |even )?(?:kidding|joking|bluffing|playing|hesitate|"
    r"hesitating|messing around|think twice|go easy|be nice|be polite|stop at|stop there|ask again|"
    r"warn you again|warn again|asking again)|"
    r"是?(?:开玩笑|吓唬|吓你|说着玩|闹着玩|逗你|唬你)|(?:会|要)?(?:手软|客气|留情|放过|善罢甘休|罢休|"
    r"犹豫|心软|就这么算了|就此罢休))"
)
#: A negation of a negation (「别以为我们不会」, "don't think we won't") affirms.
_DOUBLE = re.compile(
    r"(?:别以为|不要以为|不要觉得|别觉得|别指望|不要指望|别想着|不信|"
    r"(?<![a-z])(?:don t|do not|dont|never) (?:think|believe|assume|imagine|expect)(?![a-z]))"
)
#: Between a cue and a hit: a contrast or a new subject with a modal ends the negation's scope.
_CONTRAST = re.compile(
    r"而是|但是|但|却|只会|只是会|我们会|我会|我就|直接|反而|"
    r"(?<![a-z])(?:but|instead|rather|only|just|however|though|we will|we ll|i will|i ll|"
    r"we are going|we re going|they will|they ll|we can|we could|we would|we d|we might|"
    r"we may)(?![a-z])"
)
#: After a hit: a negated verb whose subject the hit is (a noun, maybe joined to another).
_SUBJECT_NEGATED = re.compile(
    r"(?:\s*(?:and|or|&)\s+[a-z]+|(?:和|或|与|及)[\u4e00-\u9fff]{1,4})?(?:机关|部门|人员)?\s*"
    r"(?:(?:do not|don t|does not|doesn t|never|will never|won t|will not|cannot|can t|"
    r"are not allowed to|may not)(?![a-z])|不会|从不|从来不|绝不|不能|并不|不得|无权)"
)
_DEFAULT_CUES = (
    "不会|不得|不能|无权|绝不|决不|不可能|不再|并未|并不|从未|从不|没有|无需担心|不用担心|不必担心|"
    "不是|不将|切勿|请勿|不要|严禁|禁止|谨防|警惕"
)


class Negation:
    """Negation cues and the words that end their scope, compiled once per lexicon."""

    def __init__(self, cues: Sequence[str], breaks: Sequence[str]) -> None:
        self.cues = re.compile("|".join(f"(?:{c})" for c in cues) or "(?!)")
        self.breaks = re.compile("|".join(f"(?:{b})" for b in breaks) or "(?!)")

    def negated(self, text: str, start: int, end: int | None = None) -> bool:
        """True when a negation in the same clause governs the hit that starts at ``start``;
        with ``end``, also when the hit is the subject of a negated verb right after it
        ("Police and courts don't call to collect debts", 「公安机关不会打电话催收」)."""
        if end is not None and _SUBJECT_NEGATED.match(
            "".join(fold_char(c) for c in _without_symbols(text[end : end + 24]))
        ):
            return True
        # Emoji, joiners and variation selectors are dropped first: 「不🙂会🙂告🙂诉」 is negated.
        before = _without_symbols(text[max(0, start - 3 * _WINDOW) : start])[-_WINDOW:]
        # A cue may run into the hit: in 「不会起诉」 the threat pattern starts at 会.
        after = _without_symbols(text[start : start + 24])
        window = "".join(fold_char(c) for c in before + after)
        folded_before = len(before)
        cues = [m for m in self.cues.finditer(window) if m.start() < folded_before]
        # The cue that governs is the last one before the hit.
        if cues:
            cue = cues[-1]
            between = window[cue.end() : folded_before]
            original_between = before[cue.end() :]
            if _HEDGE.match(window, cue.end()):
                return False
            gap = _GAP_ZH if _CJK.search(between + after[:2]) else _GAP_EN
            if (
                len(between.replace(" ", "")) > gap
                or _CLAUSE_BREAK.search(original_between)
                or self.breaks.search(between)
                or _CONTRAST.search(between)
            ):
                return False
            clause = _clause_before(window, cue.start())
            return not _DOUBLE.search(clause)
        return False

    def pair_negated(self, original: str, view: str, *starts: int) -> bool:
        """True when a negation governs either slot of a pair, in the original or the view.

        The view counts too because emoji and symbols between the words are gone from it ("won't
        😡 ruin your credit forever"). ``starts`` are two original then two view positions.
        """
        a, b, at_a, at_b = starts
        return (
            self.negated(original, a)
            or self.negated(original, b)
            or self.negated(view, at_a)
            or self.negated(view, at_b)
        )


def _clause_before(window: str, at: int) -> str:
    """The text of the clause that ends at ``at`` (from the last clause break)."""
    left = max((m.end() for m in _CLAUSE_BREAK.finditer(window, 0, at)), default=0)
    return window[left:at]


def _without_symbols(text: str) -> str:
    """``text`` without emoji, other symbols (currency signs kept), joiners and combining marks."""
    return "".join(c for c in text if unicodedata.category(c) not in _DROPPED)


#: Negation with the shipped cues (the lexicon files' own are used when screening).
NEGATION = Negation(
    [
        _DEFAULT_CUES,
        r"(?<![a-z])(?:not|never|no longer|cannot|can t|won t|wont|don t|dont|doesn t|didn t|"
        r"isn t|aren t|nor)(?![a-z])",
    ],
    [
        "还|付|缴|就|则|否|如果|要是|若|的话",
        r"(?<![a-z])(?:if|unless|pay|repay|paid|then|otherwise|or|until|before)(?![a-z])",
    ],
)
