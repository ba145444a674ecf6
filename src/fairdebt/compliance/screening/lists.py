"""A negation's reach through a list: promises and prohibitions whose scope holds several acts.

A bare negation cancels a hit close after it in its clause (negation.py). A promise of our
own ("We will not post your photo, share your address or call your boss",
「我们不会…或联系您的家人」) or a prohibition of a collector's act
(「切勿引导客户向个人账户转账或去其他平台借款」, "never suggest a cash advance or a new loan")
reaches further: through items joined by commas and or/and/、/或, up to a sentence end, a
condition, a contrast or a new subject with its own verb.
"""

from __future__ import annotations

import re

from fairdebt.compliance.screening.clauses import (
    CLAUSE_BREAK,
    CONTRAST,
    HAS_CJK,
    JIU_WORD,
    SENTENCE_END,
    clause_before,
)

__all__ = ["forbids_conduct", "reaches_through_list"]

#: A negation inside a condition ("if we don't hear back, …") governs the condition, not a
#: list after it.
_CONDITION = re.compile(r"(?<![a-z])(?:if|unless|until|once)(?![a-z])|如果|要是|若|一旦|除非")

#: Before a cue: our own subject, so the negation is a promise whose scope may run through a
#: list ("We will not post your photo, share your address or call your boss").
_LIST_SUBJECT = re.compile(
    r"(?:(?<![a-z])(?:we|i|our(?: [a-z]+){1,2}|the company|the lender|nobody(?: [a-z]+)?|"
    # A rights notice's subject: "a debt collector may not threaten violence, … or call you…".
    r"(?:a |any |no )?(?:debt )?collectors?|the law|"
    # The lender by its name: "Fenwick Collections will never call you claiming…".
    r"[a-z]+ (?:collections|recovery|recoveries|finance|financial|credit|lending|loans|bank|"
    r"capital|services|ltd|limited|llc|inc|plc)|"
    r"no one(?: [a-z]+){0,3}|none of us|at no (?:time|point) (?:will|would|shall) we)"
    r"(?: (?:will|would|shall|do|does|did|can|may|must|ll|d|are|re))?(?: ever)? ?|"
    # 「我司未收取、也不会收取任何催收费、上门费或其他额外费用」: one subject, two negations.
    # 「我们不会就此笔欠款向法院起诉，也不会…或联系您的家人」 (round 119): a longer first clause.
    r"(?:我们|咱们|我司|本公司|我行|本行)[^。！？]{1,16}?[、，,]?也$|"
    r"(?:我们|咱们|咱|我司|本公司|我行|本行|平台|工作人员|催收人员|阿拉|俺们|俺|我哋|阮|我|"
    # The lender by its name: 「恒信普惠不会通过…」.
    r"(?:[\u4e00-\u9fff]{1,6}|[a-z]{1,8})(?:金融|普惠|分期|银行|小贷|信贷|贷款|科技|公司|集团))"
    r"[\u4e00-\u9fff]{0,6})$"
)

#: Inside a list the items are joined by commas and or/and/nor/、/或/和; a sentence end, a
#: condition or a contrast still ends the scope.
_LIST_END = re.compile(
    r"[。.!！?？;；:：\n]|(?<![a-z])(?:if|unless|otherwise|until|then|before|when|or else|or we|"
    r"or you|or i|or they|so|because|and will|and we|and i|"
    # A consequence after an imperative: "don't pay late or face court" ("or get another MCA to
    # pay us" is one more item, round 154: get what, not get sued).
    r"or (?:face|risk|be|get(?! (?:a|an|another|the|some|any|more|money|cash|credit|help|advice|"
    r"support|in touch|someone|somebody)(?![a-z]))|end up|lose|expect|suffer|regret|see))(?![a-z])|"
    r"如果|要是|否则|不然|"
    # 就 as "then", not in a word (就业 employment, 就读, 就医: 「不会影响孩子考学、就业和政审」).
    rf"的话|就(?!{JIU_WORD})|再不|"
    r"因为|所以"
)

#: A new subject with its own verb ends a list: "…, and your boss will hear about it".
_NEW_SUBJECT = re.compile(
    r"(?<![a-z])(?:your|the|his|her|their|my|our) [a-z]+(?: [a-z]+)? (?:will|would|is going|gets?|"
    r"hears?|knows?|finds? out|is|are)(?![a-z])|[你您][\u4e00-\u9fff]{1,10}?(?<!不)(?:会|要|将)"
    # "…and it could end up in court": a pronoun with its own modal is a new clause.
    r"|(?<![a-z])(?:and|but|so) (?:it|this|that|you|he|she|they) (?:could|will|would|may|might|ll|"
    r"is going to|are going to)(?![a-z])"
)

#: Right before a new subject: a speech verb (and its object) whose content that subject opens,
#: "that" left out ("never … or tell you the police will arrest you", round 153).
_SPOKEN = re.compile(
    r"(?<![a-z])(?:tell|tells|say|says|warn|warns|claim|claims|suggest|suggests|imply|implies|"
    r"threaten|threatens)(?: (?:you|u|them|him|her|anyone|customers?|consumers?))?(?: that)? $"
)
#: After a forbidding cue: a speech verb and its "that", whose clause is the content forbidden.
_SPEECH_THAT = re.compile(
    r"\s*(?:ever\s+)?(?:tell|say|suggest|imply|claim|mention|state|hint|promise|warn)s?(?![a-z])"
    r"[^.!?]{0,60}?(?<![a-z])that(?![a-z])"
)
#: A list has a joint (or, and, nor, 、, 或, 和, 也不; "including" and 包括 name members of what
#: was negated) somewhere: "We won't wait any longer, your boss gets a call" is two clauses.
_LIST_JOINT = re.compile(
    r"(?<![a-z])(?:or|and|nor|including|such as)(?![a-z])"
    r"|、|或|和|及|也不|也不会|包括|包含|例如|比如"
)

#: Chinese cues that forbid an act (a rule, an instruction) rather than promise one.
_PROHIBITION_ZH = frozenset({"切勿", "请勿", "严禁", "禁止", "不得", "谨防"})

#: English cues that can forbid (an imperative): "Can't pay? Get a payday loan" forbids nothing.
_PROHIBITION_EN = frozenset({"never", "don t", "dont", "do not"})

#: Before an English imperative prohibition, in its clause: nothing, or a bullet or "and".
_IMPERATIVE_HEAD = re.compile(
    r"[\s\-*•·\d.)(]*(?:(?:and|also|please|so|and also)\s+)?"
    # A rule for staff or a bot: "the agent must never say warrant, jail, arrest".
    r"(?:(?:the |our |all |every )?(?:agents?|bots?|voice bots?|collectors?|staff|advis[eo]rs?|"
    r"reps?|representatives?|assistants?|callers?|teams?)(?: must| should| will| may| can)?\s+)?"
)

#: After it: an act a collector does (say, call, threaten, post…), not the debtor's (ignore).
_CONDUCT_VERB = re.compile(
    r"\s*(?:ever\s+)?(?:say|tell|suggest|mention|imply|claim|threaten|use|promise|recommend|"
    r"offer|ask|call|contact|text|email|message|visit|post|share|discuss|publish|send|refer|"
    r"describe|encourage|push|pressure|advise|"
    # ("never bring up ICE, deportation, or a consumer's visa on a collection call", round 179.)
    r"bring up|raise|reference|cite|invoke|talk about|"
    # What a customer is told not to do for our sake: "Please don't take out a payday loan or
    # borrow from friends to pay us".
    r"take out|borrow|turn to|apply for|transfer|wire|give|pay)(?![a-z])"
)

#: Between a prohibition and a hit: words and commas only.
_COMMA_LIST = re.compile(
    r"\s*[a-z]+(?:\s+[a-z]+){0,3}?\s*,(?:\s*(?!(?:we|you|they|he|she|i|it)\b)[a-z]+(?:\s+"
    r"(?!(?:we|you|they|he|she|i|it)\b)[a-z]+){0,3}\s*,)*\s*(?:or\s+|and\s+)?"
)

#: After a cue: a request to the customer, whose list of acts the cue negates.
_NEGATED_REQUEST = re.compile(
    r"\s*(?:ever\s+)?(?:ask|asks|require|requires|request|tell|instruct|want|expect|force|"
    r"pressure|make)\s+(?:you|u)\s+to\s"
    # What we will never tell them, or threaten them with, is a list too: "… will ever tell you
    # that you'll be arrested, jailed or charged with fraud".
    r"|\s*(?:ever\s+)?(?:tell|warn)\s+(?:you|u)\s+(?:that\s)?|\s*(?:ever\s+)?threaten\s+(?:you|u)\s+with\s"
    # 「我司任何员工都不会要求您向个人账户、个人微信或支付宝转账」
    r"|\s*(?:以任何(?:名义|理由|形式|方式|借口))?(?:要求|让|叫|逼|强迫|逼迫)(?:您|你)"
)

_LIST_GAP_ZH = 32

_LIST_GAP_EN = 96

_PROHIBITION_GAP_EN = 160


def reaches_through_list(
    window: str,
    cue_start: int,
    cue_end: int,
    hit_at: int,
    contrast: re.Pattern[str] = CONTRAST,
    prohibition: bool = False,
    original: str = "",
) -> bool:
    """True when a promise's negation reaches the hit through a list: our own subject right
    before the cue (or a prohibition, which needs none), only list joints between (no sentence
    end, condition or contrast), within a longer reach than a bare negation's."""
    between = window[cue_end:hit_at]
    gap = _LIST_GAP_ZH if HAS_CJK.search(between) else _LIST_GAP_EN
    # What we will never ask of the customer is a list whoever the subject: "PocketPay Later
    # will never ask you to pay with gift cards, Zelle to an individual, or a rep's Venmo".
    prohibition = (
        prohibition
        or _NEGATED_REQUEST.match(between) is not None
        # A scam warning's condition holds all its acts: "If anyone asks you for a processing
        # fee or tells you to pay through an app like Venmo, … it isn't us".
        or window[cue_start:cue_end] in ("if anyone", "if someone", "anyone who")
        # A cue that holds its own subject: "nobody is going to arrest you or send police".
        # (bare too: "no one tells a customer to borrow from family or take a payday loan").
        or window[cue_start:cue_end].startswith(("nobody", "no one", "none of "))
        # What a note says was never mentioned is a list: "No mention of bailiffs or court".
        or any(w in window[cue_start:cue_end] for w in ("mention", "reference"))
    )
    if prohibition and gap == _LIST_GAP_EN:
        # What nobody will ask of the customer may be a long list: "Nobody from Lakeside Home
        # Loans will ask you for an upfront fee …, tell you to sign over your deed, or ask you to
        # send your payment to a personal Venmo" (round 115).
        gap = _PROHIBITION_GAP_EN
    sentence = _LIST_END.split(window[hit_at:], maxsplit=1)[0]
    return (
        # Folding blanks 、, so the hit's own clause is read in the original for it too
        # (「请勿借新还旧、以贷养贷」; in 「从不以坐牢、拘留等方式威胁客户，以后…政审」 the 、 joins
        # another clause's list).
        bool(
            _LIST_JOINT.search(between + sentence)
            or _LIST_JOINT.search(CLAUSE_BREAK.split(original)[-1])
            # A rule's list may be commas alone: "the agent must never say warrant, jail, arrest"
            # (English, items of a few words with no subject of their own).
            or (prohibition and _COMMA_LIST.fullmatch(original.lower()))
        )
        and (
            prohibition
            or _LIST_SUBJECT.search(window[max(0, cue_start - 32) : cue_start]) is not None
        )
        and len(between.replace(" ", "")) <= gap
        and not _LIST_END.search(between)
        # The folded window has no stops: a list never runs past a sentence of the original.
        and not SENTENCE_END.search(original)
        and not contrast.search(between)
        # A new subject counts in the hit's own sentence only: "…or anyone in your contacts
        # (通讯录). Your information is used only for this account" is a list, then a new sentence.
        # What a forbidden speech verb's "that" introduces is its content: "Never tell a consumer
        # that immigration, ICE or the police will be notified" (round 143).
        and (_SPEECH_THAT.match(between) is not None or not _new_subject(between + sentence[:40]))
        and not _CONDITION.search(clause_before(window, cue_start))
    )


def _new_subject(text: str) -> bool:
    """Whether a new clause's subject opens in ``text``, other than the content of a speech verb
    right before it."""
    return any(_SPOKEN.search(text, 0, m.start()) is None for m in _NEW_SUBJECT.finditer(text))


def forbids_conduct(window: str, before: str, cue_start: int, cue_end: int) -> bool:
    """True when the cue forbids an act of conduct, as a rule or an instruction does
    (「切勿引导客户向个人账户转账或去其他平台借款」, "never suggest a merchant cash advance or a new
    loan"): its scope runs through a list of acts without a subject of ours. In English only an
    imperative that starts its clause and names a collector's act: "Don't ignore this or face
    court" forbids nothing of ours, its "or" is the consequence."""
    cue = window[cue_start:cue_end]
    if HAS_CJK.search(cue):
        polite = window[cue_start - 1 : cue_start] == "请"
        # 「严禁任何人…」: the last cue, 任何人, is the prohibition's object.
        forbidden = window[max(0, cue_start - 2) : cue_start] in _PROHIBITION_ZH
        return cue in _PROHIBITION_ZH or (cue in ("不要", "唔好") and polite) or forbidden
    # The cues hold "not", not "do not": "Do not mention court action or enforcement agents".
    if cue.strip() == "not" and window[max(0, cue_start - 3) : cue_start] == "do ":
        cue, cue_start = "do not", cue_start - 3
    if cue.strip() not in _PROHIBITION_EN:
        return False
    # The clause is found in the original, its words read folded (full-width letters, capitals).
    left = max((m.end() for m in CLAUSE_BREAK.finditer(before, 0, cue_start)), default=0)
    return bool(
        _IMPERATIVE_HEAD.fullmatch(window[left:cue_start]) and _CONDUCT_VERB.match(window, cue_end)
    )
