"""Call transcripts: speaker-labelled turns, of which only the collector's can break a rule.

A debtor who says 「你们是不是要让我坐牢」 or "are you going to call my boss?" has broken no rule;
the collector who answers "we will call your boss" has. ``screen_transcript`` screens each
collector turn on its own (negation and composition never reach across turns) and returns the
findings with the index of their turn; spans are positions inside that turn's text.

Input shape (the CLI and ``POST /v1/screen`` take the same in a ``turns`` field)::

    [{"speaker": "collector", "text": "您好，我是XX金融的客服"},
     {"speaker": "debtor", "text": "你们会不会告诉我家人？"},
     {"speaker": "collector", "text": "不会，我们不会联系您的家人"}]

Speakers: ``collector`` (also ``agent``) is screened; ``debtor``, ``third_party`` and ``other``
are not. A plain-text transcript with one turn per line, ``Speaker: text`` (「坐席：」「客户：」,
"Agent:", "Customer:"), is read by :func:`parse_transcript`.

>>> turns = parse_transcript("客户：你们要让我坐牢吗？\\n坐席：不会，欠款是民事纠纷")
>>> [t.speaker for t in turns], screen_transcript(turns)
(['debtor', 'collector'], [])
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fairdebt.compliance.screening.findings import Facts, Finding
from fairdebt.compliance.screening.negation import SENTENCE_END
from fairdebt.errors import InputError

__all__ = [
    "SPEAKERS",
    "Turn",
    "TurnFinding",
    "blank_spans",
    "collector_spans",
    "parse_transcript",
    "quoted_spans",
    "read_turns",
    "screen_transcript",
]

#: Speaker labels and whom they stand for; only collectors are screened.
SPEAKERS: Mapping[str, str] = {
    "collector": "collector",
    "agent": "collector",
    "debtor": "debtor",
    "customer": "debtor",
    "borrower": "debtor",
    "third_party": "third_party",
    "other": "other",
}
#: Who else picks up a collector's call (round 55's "Flatmate:"): never the collector. These are
#: read as labels only at the start of a line: inside a sentence 「告诉你老婆：…」 or "tell your
#: boss: …" they are the collector's own words.
_PEOPLE_WORDS = (
    "flatmate roommate housemate neighbour neighbor landlord tenant wife husband partner "
    "spouse mother mum mom father dad son daughter brother sister friend colleague "
    "coworker receptionist manager boss employer guarantor carer caregiver "
    "室友 舍友 邻居 鄰居 房东 房東 租客 妻子 丈夫 老婆 老公 母亲 母親 父亲 父親 妈妈 媽媽 "
    "爸爸 儿子 兒子 女儿 女兒 哥哥 姐姐 弟弟 妹妹 朋友 同事 前台 领导 領導 担保人 擔保人 "
    "保证人 保證人"
)
_PEOPLE = dict.fromkeys(_PEOPLE_WORDS.split(), "third_party")
_LABELS = {
    "坐席": "collector",
    "催收员": "collector",
    "客服": "collector",
    "业务员": "collector",
    "调解员": "collector",
    "collector": "collector",
    "agent": "collector",
    "rep": "collector",
    "live agent": "collector",
    "agent reply": "collector",
    "agent note": "collector",
    "reply": "collector",
    "our reply": "collector",
    "外访员": "collector",
    "外访专员": "collector",
    "外访人员": "collector",
    "催收专员": "collector",
    "advisor": "collector",
    "adviser": "collector",
    # The lender's bots speak for the collector: what a voice bot or chatbot says can violate.
    "机器人": "collector",
    "智能客服": "collector",
    "语音机器人": "collector",
    "智能语音助手": "collector",
    "ai客服": "collector",
    "bot": "collector",
    "voice bot": "collector",
    "chatbot": "collector",
    "chat bot": "collector",
    "virtual assistant": "collector",
    "ivr": "collector",
    "客户": "debtor",
    "债务人": "debtor",
    "借款人": "debtor",
    "用户": "debtor",
    "debtor": "debtor",
    "customer": "debtor",
    "borrower": "debtor",
    "consumer": "debtor",
    "customer email": "debtor",
    "customer message": "debtor",
    "customer text": "debtor",
    "customer reply": "debtor",
    "第三方": "third_party",
    "联系人": "third_party",
    "家属": "third_party",
    "亲属": "third_party",
    "对方": "other",
    "接听人": "other",
    "被叫": "other",
    "對方": "other",
    "接聽人": "other",
    "caller": "other",
    "relative": "third_party",
    # Traditional characters (Hong Kong, Taiwan transcripts).
    "催收員": "collector",
    "業務員": "collector",
    "調解員": "collector",
    "客戶": "debtor",
    "債務人": "debtor",
    "用戶": "debtor",
    "聯繫人": "third_party",
    "家屬": "third_party",
    "親屬": "third_party",
    "機器人": "collector",
    "語音機器人": "collector",
    "智能語音助手": "collector",
    "外訪員": "collector",
    "外訪專員": "collector",
    "外訪人員": "collector",
    "催收專員": "collector",
    "聯絡人": "third_party",
    "third party": "third_party",
    **_PEOPLE,
    # A supervisor or team lead on the line speaks for the lender.
    **dict.fromkeys(
        ("supervisor", "team lead", "team leader", "主管", "组长", "組長"), "collector"
    ),
}
#: Full-width ASCII (U+FF01-U+FF5E) to plain ASCII: NFKC for these, one character for one.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH_CHAR = re.compile("[\uff01-\uff5e]")
_LINE = re.compile(r"^\s*([^:：]{1,20}?)\s*[:：]\s*(.*)$")
#: A known speaker's label at the start of a line or right after a sentence ends.
#: Speech-recognised calls have no punctuation, so a label after a space counts too; a Chinese
#: label with its colon counts anywhere.
_INLINE_LABEL = re.compile(
    r"(?:(?:^|(?<=[\s.!?。！？…]))(?P<label>"
    + "|".join(
        sorted(
            (re.escape(k) for k in _LABELS if k.isascii() and k not in _PEOPLE),
            key=len,
            reverse=True,
        )
    )
    + r")|(?P<zh>"
    + "|".join(
        sorted(
            (re.escape(k) for k in _LABELS if not k.isascii() and k not in _PEOPLE),
            key=len,
            reverse=True,
        )
    )
    + r")|(?:^|(?<=\n))[ \t]*(?P<person>"
    + "|".join(sorted(map(re.escape, _PEOPLE), key=len, reverse=True))
    + r"))[ \t]*[:：][ \t]*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    """One turn of a call: who spoke and what they said."""

    speaker: str
    text: str


@dataclass(frozen=True)
class TurnFinding:
    """A finding in one collector turn (its span is inside that turn's text)."""

    turn: int
    finding: Finding


def read_turns(data: Any, *, record: str | None = None) -> list[Turn]:
    """Turns from a JSON list of ``{"speaker", "text"}``; a bad one is named by index and field."""
    if not isinstance(data, list) or not data:
        raise InputError("expected a non-empty list of turns", record=record, field="turns")
    turns = []
    for n, item in enumerate(data):
        if not isinstance(item, dict):
            raise InputError("expected an object", record=record, field=f"turns[{n}]")
        speaker = item.get("speaker")
        if not isinstance(speaker, str) or speaker not in SPEAKERS:
            raise InputError(
                f"speaker must be one of {sorted(SPEAKERS)} (got {speaker!r})",
                record=record,
                field=f"turns[{n}].speaker",
            )
        text = item.get("text")
        if not isinstance(text, str):
            raise InputError(
                f"expected a string (got {text!r})", record=record, field=f"turns[{n}].text"
            )
        turns.append(Turn(SPEAKERS[speaker], text))
    return turns


def parse_transcript(text: str) -> list[Turn]:
    """Turns of a plain-text transcript, one ``Speaker: text`` per line.

    A line without a known label continues the previous turn; an unknown label before any
    turn is refused, naming the line.
    """
    turns: list[Turn] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        label = match.group(1).strip().lower() if match else None
        if match and label in _LABELS:
            turns.append(Turn(_LABELS[label], match.group(2)))
        elif turns:
            turns[-1] = Turn(turns[-1].speaker, f"{turns[-1].text}\n{line}")
        else:
            raise InputError(
                f"line {number}: expected 'Speaker: text' with a known speaker "
                f"(e.g. {', '.join(sorted(_LABELS)[:6])})",
                field="transcript",
            )
    return turns


def collector_spans(text: str) -> list[tuple[int, int]] | None:
    """Where the collector speaks, when ``text`` is itself a labelled transcript; else None.

    A call pasted as 「坐席：…\n联系人：…」 or "Agent: … Customer: … Agent: …" (one turn a line,
    or the turns run together, as speech recognition writes them) is a call: the text starts
    with a known label, another follows, and someone other than the collector speaks. A turn
    runs from after its label to the next label; spans are in the original text.
    """
    # Full-width labels (「Ａｇｅｎｔ：」) are read as their plain letters, one character for one.
    marks = list(_INLINE_LABEL.finditer(text.translate(_FULL_WIDTH)))
    if len(marks) < 2 or text[: marks[0].start()].strip():
        return None
    turns = [
        (
            _LABELS[(m.group("label") or m.group("zh") or m.group("person")).lower()],
            m.end(),
            nxt.start() if nxt else len(text),
        )
        for m, nxt in zip(marks, [*marks[1:], None], strict=True)
    ]
    speakers = {speaker for speaker, _, _ in turns}
    if "collector" not in speakers or speakers == {"collector"}:
        return None
    return [(start, end) for speaker, start, end in turns if speaker == "collector"]


#: A quotation on one line: “…”, 「…」, 『…』 or "…" (at most 160 characters).
_QUOTE = re.compile(
    r"“[^”\n]{1,160}”|「[^」\n]{1,160}」|『[^』\n]{1,160}』|\"[^\"\n]{1,160}\"|"
    # Single quotes open after a space or a colon and close before one; an apostrophe inside a
    # word ("They're") does not close them.
    r"(?<=[\s:(])'(?:[^'\n]|(?<=[A-Za-z])'(?=[A-Za-z])){1,160}'(?=[\s.,!?;:)]|$)"
)
#: A line of a reply quoting earlier mail: it starts with ">" (after spaces).
_EMAIL_QUOTE_LINE = re.compile(r"(?m)^[ \t]*>.*$")
#: A cheap test for a message with no quotation mark at all (most of them).
_QUOTE_MARK = re.compile("[“「『\"'＂＇]")
#: Who speaks the quoted words: the first role named in the sentence before the quotation.
_ROLE = re.compile(
    r"(?P<debtor>客户|客戶|借款人|债务人|債務人|用户|用戶|联系人|聯繫人|家属|家屬|"
    r"网友|群友|(?<![a-z])(?:customer|cust|consumer|debtor|borrower|caller|member|user|"
    r"commenter)s?(?![a-z]))"
    r"|(?P<staff>坐席|催员|催收员|催收員|员工|員工|工号|工號|业务员|業務員|人员|人員|同事|"
    r"(?<![a-z])(?:agent|rep|representative|collector|staff|employee|advisor|adviser|operator|"
    r"colleague|team member)s?(?![a-z]))",
    re.IGNORECASE,
)
#: A quality or training note's verdict on what an agent said. "FAIL" only in capitals: "failed
#: to pay" is the debt, not a verdict.
_CONDEMNED = re.compile(
    r"违规|違規|违反|違反|红线|紅線|禁用|严禁|嚴禁|不得使用|停岗|停崗|处分|處分|整改|扣分"
    r"|(?<![A-Za-z])(?i:violat\w*|banned|prohibited|not permitted|zero[- ]tolerance|"
    r"disciplin\w*|re-?briefed|coaching|warning issued)(?![A-Za-z])|(?<![A-Za-z])FAIL(?![A-Za-z])"
)
#: Right before a quotation: a message the customer forwarded to us (「您转来的那条“再不还就弄死你”
#: 的短信不是我司发送的」, "the text you forwarded saying '…'"): its sender's words, not ours.
_FORWARDED = re.compile(
    # 「您说的这种“P图发朋友圈”的做法」: the customer's own words for what happened.
    r"(?:您|你)(?:刚才|剛才)?(?:说|說|提到|反映)的(?:这种|這種|那种|那種|这个|這個|那个|那個|这些|這些)?$|"
    r"(?:转来|轉來|发来|發來|转发|轉發|截图|截圖)(?:给我们)?的?(?:那|这|這)?(?:条|條|则|則|张|張|封)?"
    r"(?:短信|消息|信息|微信|邮件|郵件)?[\s:：]*$|"
    r"(?i:you (?:forwarded|sent us|sent me|screenshotted)"
    r"(?: (?:the|a|this|that))?(?: (?:text|message|sms|email|screenshot))?(?: (?:saying|that said|"
    r"which said|reading))?[\s:]*)$"
)
#: A writer correcting their own slip quotes the words to correct them ("my dictation turned
#: 'mail' into 'jail'", 「上条短信打错了，“起诉”应为“起算”」): in that sentence they are mentioned.
_CORRECTION = re.compile(
    r"打错|打錯|笔误|筆誤|应为|應為|更正|(?:询问|詢問|问|問)(?:我们|我們|我司)?是否|"
    # A question put to us about the words ("Your MP's office asked whether we threatened you
    # with 'jail'") mentions them too.
    r"(?<![A-Za-z])(?i:(?:asked|asks|asking|wondered|wondering|enquired|inquired|queried) "
    r"(?:us |me )?(?:whether|if))(?![A-Za-z])|"
    r"(?<![A-Za-z])(?i:typo|autocorrect\w*|dictation|"
    r"voice[- ]to[- ]text|speech[- ]to[- ]text|should have read|should read|i meant|"
    r"meant to (?:say|write|type))(?![A-Za-z])"
)
#: A reply's verdict on conduct the customer reported, or on an agent's words it quotes: they
#: were wrong ("This was completely unacceptable", 「深表歉意」).
_WRONG = re.compile(
    r"不应该|不應該|不该|不該|不当|不當|道歉|致歉|歉意|抱歉|不实|不實|不属实|不屬實|虚假|虛假|"
    r"不允许|不允許|严格禁止|嚴格禁止|明令禁止|"
    r"说错|說錯|(?<![A-Za-z])(?i:unacceptable|not acceptable|uph[oe]ld\w*|apolog\w*|"
    r"should(?: not|n't|n’t) have|(?:fell|falls?) (?:well |far )?(?:below|short of) the standards?|"
    r"(?:neither|none)(?: of (?:this|that|it|them|these|those|the))?(?: (?:statements?|claims?|"
    r"comments?|remarks?|threats?))? (?:is|was|were|are) (?:acceptable|appropriate|true|accurate)|"
    r"(?:that|this|those|these|which|it|(?:the|those|these|such|their|his|her) "
    r"(?:statements?|claims?|threats?|comments?|words|remarks?)) (?:was|were|is|are) "
    r"(?:completely |totally |simply )?"
    r"(?:wrong|false|untrue|not true|misleading|incorrect))"
    r"(?![A-Za-z])"
)
#: The customer's account reported back to them (「您刚才说」, "You told us"), to the end of
#: its sentence.
_REPORT = re.compile(
    r"(?:您|你)(?:刚才|剛才|之前|此前|上次)?(?:说|說|反映|投诉|投訴|提到|讲|講|告诉我们|告訴我們|"
    r"跟我们说|跟我們說)|[据據]您反映|(?:您|你)[^，。！？\n]{1,12}?(?:反映|投诉|投訴)|"
    r"(?<![A-Za-z])(?i:you (?:told us|said|mentioned|reported|explained|complained)|"
    r"your complaint (?:says|said|is|was|that)|according to you)(?![A-Za-z])"
)
#: Any verdict, QA's or a reply's (one scan for the common case of none).
_VERDICT = re.compile(f"{_CONDEMNED.pattern}|{_WRONG.pattern}")
#: A colleague's words reported by the one correcting them (「上午同事发消息说…」, "my colleague's
#: message this morning said…"), to the end of the sentence.
_STAFF_SAID = re.compile(
    r"(?:同事|坐席|催收员|催收員|员工|員工|外包(?:人员|公司|机构)?)[^，。！？,.!?]{0,10}?(?:说|說|称|稱|告诉您|告訴您)|"
    r"(?<![A-Za-z])(?i:(?:our|my|the|a|an|another) (?:colleague|agent|representative|rep|collector|"
    r"advis[eo]r|team member|member of staff)[’']s "
    r"(?:remark|comment|words|statement|claim|threat)s?"
    r"(?: that| saying| which said)?)(?![A-Za-z])|"
    r"(?<![A-Za-z])(?i:(?:our|my|the|a|an|another) (?:colleague|agent|representative|rep|collector|"
    r"advis[eo]r|team member|member of staff)(?:[’']s (?:message|text|email|letter|call|note))?"
    r"(?: [a-z]+){0,4}? (?:said|told you|wrote|texted|stated|claimed|mentioned))(?![A-Za-z])"
)
#: Someone else's act inside the account: another speaker, not the one writing now.
_OTHER_SPEAKER = re.compile(
    r"有人|对方|對方|那个人|那個人|那人|他们|他們|之前的人|上一家|催收员|催收員|坐席|员工|員工|"
    r"外访员|外訪員|人员|人員|自称|自稱|"
    r"(?<![A-Za-z])(?i:agents?|collectors?|callers?|advis[eo]rs?|reps?|representatives?|"
    r"staff|someone|somebody|they|the last lot|bailiffs?|vendors?|agency|agencies|contractors?|"
    r"third[- ]part(?:y|ies))(?![A-Za-z])"
)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Quotations that are not the collector's own words: read as blank by ``screen``.

    A note that quotes the customer (「客户扬言“再打电话就去你们公司砍人”」, 'cust said "I'll
    sue you"') reports words no collector said. A quality or training note that quotes an
    agent and condemns it (「个别坐席使用“老赖”“坐牢”等用语，均属严重违规」, 'agent told a
    consumer "you'll go to jail" - zero-tolerance violation') mentions the words, it does not
    use them; an agent's words quoted without such a verdict ('Rep told consumer "we will call
    your boss"') are a record of what was said and stay read. The speaker is the first role
    named in the sentence before the quotation.
    """
    # Full-width letters and marks (ｃｕｓｔｏｍｅｒ, ＂) are read as plain ones, one for one.
    if _FULL_WIDTH_CHAR.search(text):
        text = text.translate(_FULL_WIDTH)
    spans = _reported_spans(text) + _email_quoted(text)
    if not _QUOTE_MARK.search(text):
        return spans
    quotes = [m.span() for m in _QUOTE.finditer(text)]
    if not quotes:
        return spans
    outside = blank_spans(text, quotes)
    condemned = _VERDICT.search(outside) is not None
    for start, end in quotes:
        sentence = max((m.end() for m in SENTENCE_END.finditer(outside, 0, start)), default=0)
        if _FORWARDED.search(outside, sentence, start):
            spans.append((start, end))
            continue
        stop = SENTENCE_END.search(outside, end)
        if _CORRECTION.search(outside, sentence, stop.start() if stop else len(outside)):
            spans.append((start, end))
            continue
        role = _ROLE.search(outside, sentence, start)
        if role is None:
            continue
        if role.group("debtor") or condemned:
            spans.append((start, end))
    return spans


def _email_quoted(text: str) -> list[tuple[int, int]]:
    """Lines quoted from earlier mail in a reply ("> You're a bunch of thieves",
    「> 你们再敢打电话…」): the customer's message, or ours already screened when it was sent; the
    reply above them is read. A message that is all quotation is read whole."""
    if ">" not in text:
        return []
    lines = [m.span() for m in _EMAIL_QUOTE_LINE.finditer(text)]
    quoted = sum(end - start for start, end in lines)
    return lines if lines and len(text.strip()) - quoted > 20 else []


def _reported_spans(text: str) -> list[tuple[int, int]]:
    """Sentences that report, back to the customer, what someone else said or did to them (or
    what a colleague said, in a correction), in a reply that calls it wrong
    (「您刚才说之前有人骂您“老赖”，还说要爆您通讯录，这完全是违规的」, "You told us our agent
    called you 'a scrounger' and said bailiffs would come. That was wrong"): the complaint's
    account, not the writer's words. Without the verdict, or without
    another speaker in the account ("You told us you'd pay, you liar"), the sentence is read."""
    if not (_REPORT.search(text) or _STAFF_SAID.search(text)) or not _VERDICT.search(text):
        return []
    spans = []
    for report in _REPORT.finditer(text):
        end = SENTENCE_END.search(text, report.end())
        stop = end.start() if end else len(text)
        if _OTHER_SPEAKER.search(text, report.end(), stop):
            spans.append((report.end(), stop))
    for said in _STAFF_SAID.finditer(text):
        end = SENTENCE_END.search(text, said.end())
        spans.append((said.end(), end.start() if end else len(text)))
    return spans


def blank_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with these spans blank (positions kept)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def screen_transcript(
    turns: Sequence[Turn],
    facts: Facts | Mapping[str, Any] | None = None,
    pack: str = "cn",
    *,
    lexicons: Sequence[str] = (),
) -> list[TurnFinding]:
    """Screen the collector's turns of a call; the other speakers' turns never violate."""
    from fairdebt.compliance.screening import screen

    found = []
    for n, turn in enumerate(turns):
        if turn.speaker != "collector":
            continue
        for finding in screen(turn.text, facts, pack, lexicons=lexicons):
            found.append(TurnFinding(n, dataclasses.replace(finding)))
    return found
