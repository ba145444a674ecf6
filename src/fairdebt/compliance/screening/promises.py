"""Our own negated promises cut out of a message, for the classifier.

n-grams cannot see negation: "won't visit your home" and "will visit your home" share most of
them. So the statistical layer (:mod:`.classifier`) reads a message without the scope of a promise
about our own conduct: a first-person or the lender's subject and a negated modal, or an
instruction not to pay into the wrong hands. The lexicon's own reading of negation, which decides
which hits a cue cancels, is :mod:`.negation`; this module shares its hedges, double negations and
clause breaks, and training reads the same view (benchmarks/screening_train.py).
"""

from __future__ import annotations

import re

from fairdebt.compliance.screening.clauses import HAS_CJK, clause_before
from fairdebt.compliance.screening.negation import _DOUBLE, _HEDGE

__all__ = ["without_promises"]

#: A promise about our own conduct: a first-person (or the lender's) subject, then a negated
#: modal. "You won't be able to borrow again" and 「你这辈子都不能坐飞机」 are threats made of
#: negations, so the debtor as subject, bare "no"/"nobody", 不能 and 不是 are not promises.
_PROMISE = re.compile(
    r"(?:(?<![a-z])(?:we|i|our (?:company|team|staff|agents|collectors|officers|representatives)"
    r"|the company|the lender|our firm|they)"
    r"(?: (?:will|would|shall|do|does|did|are|am|have|has|ll|d|re|m|can|could|may|must))?"
    r" (?:never|not|won t|wont|will not|don t|dont|do not|does not|doesn t|didn t|did not|"
    r"wouldn t|would not|shall not|cannot|can t|haven t|have not|no longer|are not|re not|"
    r"am not|m not|aren t|ain t|aint)(?:\s+(?:ever|under any circumstances|at any time))?"
    r"|(?<![a-z])(?:at no time|under no circumstances|in no case|never) (?:will|would|shall|do|"
    r"does|did|can) (?:we|i|our [a-z]+|they)"
    r"|(?<![a-z])(?:please )?(?:never|do not|don t) (?:pay|send|transfer|wire|give|share|"
    r"deposit|hand)(?![a-z])"
    r"|(?:我们|咱们|咱|我司|本公司|我行|本行|平台|我方|本机构|工作人员|催收人员|本人|阿拉|俺们|俺|我哋|阮|我)"
    r"[\u4e00-\u9fff]{0,3}?(?:绝对不会|永远不会|都不会|也不会|不会|绝不|决不|从不|从未|不得|并不|"
    r"不将|不再|无权|不可能|勿会|唔会|袂)|請勿|请勿|切勿|严禁|嚴禁|禁止|谨防|謹防)"
)
#: Where a promise's scope ends: a clause break, a condition, a contrast or a new subject.
_SCOPE_END = re.compile(
    r"[，。,.;；!！?？:：\n—–]|--|"
    r"(?<![a-z])(?:if|unless|otherwise|until|then|but|instead|rather|however|though|only|just|"
    r"we will|we ll|i will|i ll|we are going|we re going|they will|they ll|or else)(?![a-z])|"
    r"如果|要是|否则|不然|的话|就(?!此)|但|而是|却|只会|直接|反而|再不"
)
#: Apostrophes read as spaces ("won't" is "won t"), and the traditional forms of the promise
#: words read as simplified: one character for one, so positions hold.
_PROMISE_FOLD = str.maketrans(
    "'’們會絕決從並將無權請嚴謹對聯繫", "  们会绝决从并将无权请严谨对联系"
)
_SCOPE_ZH = 16
#: Where the cut starts inside a promise: at the negation, so the subject stays.
_NEGATION_WORD = re.compile(
    r"(?:never|not|won t|wont|don t|dont|doesn t|didn t|wouldn t|cannot|can t|haven t|aren t|"
    r"ain t|aint|no longer|at no time|under no circumstances|in no case|please|[\u4e00-\u9fff])"
)
_HEAD_ZH = re.compile("我们|咱们|咱|我司|本公司|我行|本行|阿拉|俺们|我哋")
_SCOPE_EN = 64
_PROMISE_HINT = re.compile(
    r"(?:not|never|n[’']t|aint|no time|no circumstances|no case|no longer)(?![a-z])|"
    r"勿会|勿會|唔会|唔會|袂|不会|不會|绝不|絕不|决不|決不|从不|從不|从未|從未|不得|并不|並不|不将|不將|不再|无权|無權|"
    r"不可能|请勿|請勿|切勿|严禁|嚴禁|禁止|谨防|謹防"
)


def without_promises(text: str) -> str:
    """``text`` with our own negated promises cut out, for the classifier: "We won't visit your
    home without arranging it first" reads "We .", 「我们不会联系您的家人」 reads 「我们」.

    n-grams cannot see negation ("won't visit your home" and "will visit your home" share most
    of them), so the statistical layer reads the text without the scope of a promise about our
    own conduct (a first-person or the lender's subject and a negated modal, or an instruction
    not to pay into the wrong hands). The scope runs to a clause break, a condition or a
    contrast, so a threat after it stays ("We won't sue, we'll just tell your boss"); a negated
    hedge ("we won't hesitate", 「我们不会手软」) and a negation of a negation are kept whole.
    Training reads the same view (benchmarks/screening_train.py).

    >>> without_promises("We won't visit your home without arranging it with you first.")
    'We .'
    >>> without_promises("We won't sue, we'll just tell your boss")
    "We , we'll just tell your boss"
    >>> without_promises("You won't be able to borrow anywhere again")
    "You won't be able to borrow anywhere again"
    """
    lowered = text.lower()
    if not _PROMISE_HINT.search(lowered):
        return text
    view = lowered.translate(_PROMISE_FOLD)
    cuts: list[tuple[int, int]] = []
    at = 0
    while (cue := _PROMISE.search(view, at)) is not None:
        at = cue.end()
        if _HEDGE.match(view, cue.end()) or _DOUBLE.search(clause_before(view, cue.start())):
            continue
        # The subject stays: the cut starts at the negation itself.
        negation = _NEGATION_WORD.search(view, cue.start(), cue.end())
        start = negation.start() if negation else cue.start()
        if _HEAD_ZH.match(view, cue.start()):
            head = _HEAD_ZH.match(view, cue.start())
            start = head.end() if head else cue.start()
        limit = _SCOPE_ZH if HAS_CJK.search(view[cue.end() : cue.end() + 2]) else _SCOPE_EN
        end_match = _SCOPE_END.search(view, cue.end(), cue.end() + limit)
        end = end_match.start() if end_match else min(len(view), cue.end() + limit)
        if end_match is None and end < len(view):
            # Without a break in reach, the scope ends at the last word boundary in it.
            space = view.rfind(" ", cue.end(), end)
            if space > cue.end() and not HAS_CJK.search(view[end - 1 : end + 1]):
                end = space
        cuts.append((start, end))
        at = max(at, end)
    if not cuts:
        return text
    out, last = [], 0
    for start, end in cuts:
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return " ".join(part.strip() for part in out if part.strip())
