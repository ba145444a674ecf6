"""Where clauses and sentences end, shared by negation, list scope, quotations and mentions.

A negation governs its own clause; a list runs to its sentence's end; a quotation or a mention
is read to the end of its sentence. These boundaries, and the few words that end a clause's
meaning (a contrast, 就 as "then"), are one definition here so that every reader of scope cuts
text at the same places.

>>> clause_before("先生您好，我们不会联系您的家人", 11)
'我们不会联系'
"""

from __future__ import annotations

import re

from fairdebt.compliance.screening.folding import CJK

__all__ = [
    "CLAUSE_BREAK",
    "CONTRAST",
    "HAS_CJK",
    "JIU_WORD",
    "SENTENCE_END",
    "clause_before",
    "reported_end",
]

#: Where a clause ends (also where a lawful request to a third party is cut from the
#: classifier's view).
CLAUSE_BREAK = re.compile(r"[，。,.．;；!！?？:：\n—–]|--")

#: Where a sentence ends (a full stop only before a space or the end: "$1.50" goes on; nor after
#: a title or a clock's a.m.: "Dear Mr. Kim", "called at 3:12 a.m. on 3/2", round 140).
SENTENCE_END = re.compile(
    r"[。!?！？;；\n]|(?<!a\.m)(?<!p\.m)(?<!A\.M)(?<!P\.M)(?<!\bMrs)(?<!\bMr)(?<!\bMs)(?<!\bDr)"
    # Nor at U.S. or U.K. before a word ("claiming to be U.S. Marshals", round 162).
    r"(?<!\bU\.S)(?<!\bU\.K)(?<!\bU)"
    r"[.．](?=\s|$)"
)

#: Whether a text holds Chinese.
HAS_CJK = re.compile(f"[{CJK}]")

#: Between a cue and a hit: a contrast or a new subject with a modal ends the negation's scope.
CONTRAST = re.compile(
    r"而是|但是|但|却|只会|只是会|我们会|我会|我就|直接|反而|"
    r"(?<![a-z])(?:but|instead|rather|only|just|however|though|we will|we ll|i will|i ll|"
    r"we are going|we re going|they will|they ll|we can|we could|we would|we d|we might|"
    r"we may|(?:when|once|after|as soon as|while) (?:we|i)(?: ll| will| have| ve| d)?)(?![a-z])"
)

#: 就 beginning a word, not "then": 就此, 就业 (employment), 就读, 就医, 就诊, 就餐, 就近; or 就
#: as "regarding" (「我司不会就该笔欠款提起诉讼或申请仲裁」, round 132), as in zh.yaml.
JIU_WORD = "此|该|該|本|上述|业|業|职|職|读|讀|医|醫|诊|診|餐|近"


def clause_before(window: str, at: int) -> str:
    """The text of the clause that ends at ``at`` (from the last clause break)."""
    left = max((m.end() for m in CLAUSE_BREAK.finditer(window, 0, at)), default=0)
    return window[left:at]


def reported_end(text: str, start: int, voice: re.Pattern[str], read: str | None = None) -> int:
    """Where someone else's account that starts at ``start`` ends: at its sentence's end, or
    earlier where ``voice`` (the writer or one of ours) speaks again, looked for in ``read`` (the
    text with its quotations blank) when given."""
    end = SENTENCE_END.search(text, start)
    stop = end.start() if end else len(text)
    ours = voice.search(text if read is None else read, start, stop)
    return ours.start() if ours else stop
