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
from fairdebt.compliance.screening.quotations import FULL_WIDTH
from fairdebt.errors import InputError

__all__ = [
    "SPEAKERS",
    "Turn",
    "TurnFinding",
    "call_recipient",
    "collector_spans",
    "parse_transcript",
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
    "coworker receptionist manager boss employer employee secretary guarantor carer caregiver "
    # "Contact:" (round 130), a line's label only: "For help, contact: 0800…" is no speaker;
    # "Teammate:" (round 146).
    "contact teammate coach trainer "
    "室友 舍友 邻居 鄰居 房东 房東 租客 妻子 丈夫 老婆 老公 母亲 母親 父亲 父親 妈妈 媽媽 "
    "爸爸 儿子 兒子 女儿 女兒 哥哥 姐姐 弟弟 妹妹 朋友 同事 前台 领导 領導 担保人 擔保人 "
    "保证人 保證人"
)
_PEOPLE = dict.fromkeys(_PEOPLE_WORDS.split(), "third_party")
#: Third parties who stand for the spouse, the workplace, or who are liable themselves (a
#: guarantor is no third party to the debt): what :func:`call_recipient` reads from a label.
_SPOUSES = frozenset(["spouse", "wife", "husband", "partner", "妻子", "丈夫", "老婆", "老公"])
_WORKPLACE_WORDS = (
    "colleague coworker receptionist manager boss employer employee secretary 同事 前台 领导 領導"
)
_WORKPLACE = frozenset(_WORKPLACE_WORDS.split())
_LIABLE = frozenset(["guarantor", "担保人", "擔保人", "保证人", "保證人"])
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
    # A parent on the phone (round 120: 「客户家长：」).
    "客户家长": "third_party",
    "家长": "third_party",
    "客戶家長": "third_party",
    "家長": "third_party",
    "联系人": "third_party",
    "家属": "third_party",
    "亲属": "third_party",
    "对方": "other",
    "接听人": "other",
    "被叫": "other",
    "對方": "other",
    "接聽人": "other",
    "caller": "other",
    # Whoever picked up a call to a number on file (round 195: "Recipient: This is his neighbor").
    "recipient": "other",
    "call recipient": "other",
    "called party": "other",
    # An interpreter on the line (round 143) relays both sides ("She says you are all liars"): not
    # screened; the collector's own turn is, in the collector's language.
    "interpreter": "other",
    "翻译": "other",
    # Whoever rang in (round 127: 「来电人：我是王浩他妈」): not the collector.
    "来电人": "other",
    "來電人": "other",
    "来电者": "other",
    "來電者": "other",
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
    # "Agent (Lena):", 「坐席（小王）：」: a name or an id after the role.
    # ("Customer (through Mandarin interpreter):", round 143; 「在线客服-小周：」, round 195.)
    + r"))(?:[ \t]*[(（][^)）\n:：]{1,40}[)）]|[ \t]*[-－—·・][ \t]*[^\s:：()（）]{1,12})?"
    + r"[ \t]*[:：][ \t]*",
    re.IGNORECASE,
)
_NAME_AFTER_ROLE = re.compile(r"\s*(?:[(（][^)）]*[)）]|[-－—·・]\s*\S{1,12})$")
#: A turn's time stamp before its label ("[00:01:12] Agent:", 「2025-06-02 10:21 客户：」, round
#: 195): when the call was, not who spoke, and no reason to read the call as plain text.
_STAMP = re.compile(
    r"\s*[\[(（【]?\s*(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[ T]*)?\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
    r"(?:[.,]\d+)?\s*[\])）】]?\s*"
)
#: A title line above a call ("Chat transcript", 「通话记录」): not a turn, and no reason to read
#: the call as plain text.
_TITLE = re.compile(
    # A clock time's colon is no label's ("[Call recording — 12/03/2026 2:31 PM]").
    r"\s*(?:[^\n:：]|(?<=\d)[:：](?=\d)){0,40}?(?:transcript|chat|call|conversation|recording|log|"
    # 「家属来电记录：」 (round 127): the title's own colon ends it.
    r"记录|記錄|录音|錄音|对话|對話|通话|通話|转写|轉寫)(?:[^\n:：]|(?<=\d)[:：](?=\d)){0,48}[:：]?\s*",
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
        stamp = _STAMP.match(line)
        match = _LINE.match(line[stamp.end() :] if stamp else line)
        label = match.group(1).strip().lower() if match else None
        if label is not None:
            label = _NAME_AFTER_ROLE.sub("", label)
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
    turns = _call_turns(text)
    if turns is None:
        return None
    return [(start, end) for _, speaker, start, end in turns if speaker == "collector"]


def call_recipient(text: str) -> str | None:
    """Whom a pasted call was with, by its labels: the recipient (as in :class:`Facts`) when
    every speaker but the collector is a third party of one kind ("Third party:", 「联系人：」,
    "Flatmate:" a contact; "Wife:" the spouse; "Receptionist:", 「领导：」 the employer); else None
    (the debtor or an unknown caller speaks, a guarantor, or third parties of several kinds)."""
    turns = _call_turns(text)
    if turns is None:
        return None
    others = {label for label, speaker, _, _ in turns if speaker != "collector"}
    if any(_LABELS[label] != "third_party" or label in _LIABLE for label in others):
        return None
    kinds = {
        "spouse" if label in _SPOUSES else "employer" if label in _WORKPLACE else "contact"
        for label in others
    }
    return kinds.pop() if len(kinds) == 1 else None


def _call_turns(text: str) -> list[tuple[str, str, int, int]] | None:
    """A labelled call's turns (label, speaker, start, end), when ``text`` is one; else None."""
    # Full-width labels (「Ａｇｅｎｔ：」) are read as their plain letters, one character for one.
    plain = text.translate(FULL_WIDTH)
    marks = list(_INLINE_LABEL.finditer(plain))
    head = plain[: marks[0].start()] if marks else ""
    if len(marks) < 2 or (head.strip() and not (_TITLE.fullmatch(head) or _STAMP.fullmatch(head))):
        return None
    turns = []
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        label = (m.group("label") or m.group("zh") or m.group("person")).lower()
        turns.append((label, _LABELS[label], m.end(), nxt.start() if nxt else len(text)))
    speakers = {speaker for _, speaker, _, _ in turns}
    if "collector" not in speakers or speakers == {"collector"}:
        return None
    return turns


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
