"""Write the labelled screening corpus the statistical layer is trained on (deterministic).

Prohibited messages in all twelve categories and an equal number of hard compliant ones
(reminders, plan offers, lawful legal notices, rights notices, negated threats, anti-fraud
warnings), in Chinese and English. Each message is a hand-written core with slots (who, what,
when), put in a frame (「再不还钱，…」, "Pay today or …"), then, for a share of both labels alike
so that no style marks a label, rewritten: traditional characters, pinyin for a word, characters
spaced out, Chinese and English mixed, texting style. Hand-written items follow the templates.

Then **reviewed traffic**: the messages of held-out rounds 4-30 once their first shots were
taken (tests/compliance/screening_heldout.jsonl, written by the lead and eleven outside authors
who never saw the screener), with the labels they were written with. Only messages whose label
does not depend on the facts are taken (to the debtor, no judgment, not time-barred, no legal
action intended): the classifier does not see the facts. Each message is its own group in the
cross-validation. Later rounds are measured first and join the corpus after
(docs/decisions/screening-classifier.md, "The twelfth model").

Run from the project root (writes src/fairdebt/data/screening_corpus.jsonl)::

    .venv/bin/python benchmarks/screening_corpus.py
    .venv/bin/python benchmarks/screening_train.py     # then retrain the classifier
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from pathlib import Path

import yaml

OUT = Path(__file__).parent.parent / "src" / "fairdebt" / "data" / "screening_corpus.jsonl"
SEED = 15
HELDOUT = Path(__file__).parent.parent / "tests" / "compliance" / "screening_heldout.jsonl"
#: Held-out rounds whose messages are reviewed traffic: measured first, learnt from after.
REVIEWED = range(4, 117)
_FACTS = ("has_judgment", "time_barred", "legal_action_intended")

CORES = Path(__file__).with_suffix(".yaml")
_DATA = yaml.safe_load(CORES.read_text(encoding="utf-8"))
_BATCHES = ("batch7", "batch8", "batch9", "batch10", "batch11")
SLOTS: dict[str, list[str]] = _DATA["slots"]
for _batch in _BATCHES:
    SLOTS = SLOTS | _DATA[_batch].get("slots", {})
N_ZH, N_EN = _DATA["names"]["zh"], _DATA["names"]["en"]
AMT, AMT_EN = _DATA["amounts"]["zh"], _DATA["amounts"]["en"]
BAD_ZH: dict[str, list[str]] = _DATA["prohibited"]["zh"]
BAD_EN: dict[str, list[str]] = _DATA["prohibited"]["en"]
FRAME_ZH, FRAME_EN = _DATA["prohibited_frames"]["zh"], _DATA["prohibited_frames"]["en"]
OK_ZH: list[str] = _DATA["compliant"]["zh"]
OK_EN: list[str] = _DATA["compliant"]["en"]
# Batches 7 and 8 are appended to each category's cores, so earlier cores keep their group ids.
for _batch in _BATCHES:
    OK_ZH = OK_ZH + _DATA[_batch]["compliant"]["zh"]
    OK_EN = OK_EN + _DATA[_batch]["compliant"]["en"]
    for _lang, _cores in (("zh", BAD_ZH), ("en", BAD_EN)):
        for _category, _more in _DATA[_batch]["prohibited"][_lang].items():
            _cores[_category] = _cores[_category] + _more
FRAME_OK_ZH, FRAME_OK_EN = _DATA["compliant_frames"]["zh"], _DATA["compliant_frames"]["en"]
NEUTRAL_ZH, NEUTRAL_EN = _DATA["neutral"]["zh"], _DATA["neutral"]["en"]
HAND_BAD: list[tuple[str, str]] = [(c, t) for c, t in _DATA["hand_prohibited"]]
HAND_OK: list[str] = _DATA["hand_compliant"]
_TXT_EN: dict[str, str] = _DATA["texting"]
_MIX: dict[str, str] = _DATA["mixing"]

_TC = None


def _trad(text: str) -> str:
    global _TC
    if _TC is None:
        import opencc

        _TC = opencc.OpenCC("s2t")
    return str(_TC.convert(text))


def _pinyin_word(text: str, rng: random.Random) -> str:
    """Spell a two- or three-character run of the message in pinyin."""
    from pypinyin import lazy_pinyin

    runs = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]
    if len(runs) < 3:
        return text
    i = rng.choice(runs[:-2])
    k = rng.choice((2, 3))
    chunk = text[i : i + k]
    if not all("\u4e00" <= c <= "\u9fff" for c in chunk):
        return text
    sep = rng.choice(("", " "))
    return text[:i] + sep.join(lazy_pinyin(chunk)) + text[i + k :]


def _spaced(text: str, rng: random.Random) -> str:
    sep = rng.choice((" ", "*", ".", "-", " "))
    i = rng.randrange(max(1, len(text) - 4))
    return text[:i] + sep.join(text[i : i + 4]) + text[i + 4 :]


def _texting(text: str) -> str:
    out = text.lower()
    for a, b in _TXT_EN.items():
        out = re.sub(rf"\b{a}\b", b, out)
    return out.rstrip(".!")


def _mix(text: str, rng: random.Random) -> str:
    keys = [k for k in _MIX if k in text]
    if not keys:
        return text
    k = rng.choice(keys)
    return text.replace(k, f" {_MIX[k]} ", 1).strip()


#: Cantonese written forms of Mandarin function words (longest first): a register, not a
#: dictionary; applied to both labels alike, then written in traditional characters.
_CANTONESE = (
    ("没有", "冇"),
    ("不是", "唔係"),
    ("什么", "乜嘢"),
    ("我们", "我哋"),
    ("你们", "你哋"),
    ("他们", "佢哋"),
    ("这个", "呢個"),
    ("那个", "嗰個"),
    ("知道", "知"),
    ("是", "係"),
    ("不", "唔"),
    ("的", "嘅"),
    ("他", "佢"),
    ("她", "佢"),
    ("在", "喺"),
    ("看", "睇"),
    ("说", "講"),
    ("了", "咗"),
    ("吗", "咩"),
)
#: Register frames shared by both labels: a voicemail, an aside, a notice header, a sign-off.
_REGISTER = {
    "zh": (
        "[语音留言] {t}",
        "讲真，{t}",
        "友情提示：{t}",
        "{t}（小声说）",
        "好心提醒一句，{t}",
        "【通知】{t}",
        "{t}，就这样",
        "{t}🙂",
        "哈哈，{t}",
        # Batch 10: formal letters and regional speech (Taiwan), for both labels alike.
        "特此告知：{t}",
        "兹通知如下：{t}。特此函告",
        "根据相关规定，{t}",
        "{t}喔",
        "{t}啦，知道吗",
        "跟您说一下，{t}的说",
    ),
    "en": (
        "[voicemail] {t}",
        "Just so you know, {t}",
        "Not to worry you, but {t}",
        "FYI: {t}",
        "NOTICE: {t}",
        "{t} Cheers.",
        "{t} just saying",
        "{t} 🙂",
        "lol {t}",
        "Between us, {t}",
        # Batch 10: formal letters and regional speech (Singapore, Australia).
        "Dear Sir or Madam, we write to advise that {t}",
        "Please be advised that {t}",
        "We regret to inform you that {t}",
        "Pursuant to our records, {t}",
        "{t} lah",
        "{t} can or not?",
        "{t}, mate.",
        "Reckon {t}",
    ),
}
_UK = (
    ("mom", "mum"),
    ("apartment", "flat"),
    ("call you", "ring you"),
    ("cell", "mobile"),
    ("neighbor", "neighbour"),
    ("attorney", "solicitor"),
    ("lawyers", "solicitors"),
    ("check", "cheque"),
    ("parking lot", "car park"),
    ("$", "£"),
)


def _cantonese(text: str) -> str:
    for mandarin, cantonese in _CANTONESE:
        text = text.replace(mandarin, cantonese)
    return _trad(text)


def _pinyin_all(text: str) -> str:
    """The whole message in toneless pinyin, words spaced, punctuation kept."""
    from pypinyin import lazy_pinyin

    return " ".join(" ".join(lazy_pinyin(text)).split())


def _british(text: str) -> str:
    for us, uk in _UK:
        if us == "$":
            text = text.replace(us, uk)
        else:
            text = re.sub(rf"(?<![a-z]){re.escape(us)}", uk, text)
    return text


def _register(text: str, lang: str, rng: random.Random) -> str:
    """A register frame for one message in five, whatever its label (batches 9 and 10)."""
    if rng.random() >= 1 / 5:
        return text
    frame = rng.choice(_REGISTER[lang])
    return frame.replace("{t}", text)


def _style(text: str, lang: str, rng: random.Random) -> tuple[str, str]:
    """Rewrite a share of messages, whatever their label: the same styles on both sides."""
    text = _register(text, lang, rng)
    roll = rng.random()
    if lang == "zh":
        # 您 or 你 says nothing about a label: lenders write 你, collectors write 您.
        if "您" in text and rng.random() < 0.4:
            text = text.replace("您", "你")
        elif "你" in text and rng.random() < 0.25:
            text = text.replace("你", "您")
        if roll < 0.15:
            return _trad(text), "traditional"
        if roll < 0.27:
            return _pinyin_word(text, rng), "pinyin"
        if roll < 0.35:
            return _spaced(text, rng), "spaced"
        if roll < 0.47:
            return _mix(text, rng), "mixed"
        if roll < 0.55:
            return _cantonese(text), "cantonese"
        if roll < 0.60:
            return _pinyin_all(text), "pinyin-all"
        return text, "plain"
    if roll < 0.2:
        return _texting(text), "texting"
    if roll < 0.3:
        return text.upper(), "caps"
    if roll < 0.45:
        return _british(text), "british"
    return text, "plain"


def _fill(template: str, rng: random.Random) -> str:
    values = {k: rng.choice(v) for k, v in SLOTS.items()}
    values |= {
        "n": rng.choice(N_ZH),
        "amt": rng.choice(AMT),
        "eamt": rng.choice(AMT_EN),
        "d": str(rng.randint(1, 28)),
        "m": str(rng.randint(1, 12)),
    }
    return template.format(**values)


def _en_fill(template: str, rng: random.Random) -> str:
    return _fill(template.replace("{n}", rng.choice(N_EN)), rng)


def _compound(core: str, lawful: str, joint: str, rng: random.Random) -> str:
    """A core and a lawful sentence in either order: a threat hides in boilerplate, and a
    lawful message runs to two sentences."""
    return f"{lawful}{joint}{core}" if rng.random() < 0.5 else f"{core}{joint}{lawful}"


def _frame(own: list[str], other: list[str], rng: random.Random) -> str:
    """A frame of the label's own kind, or three times in ten the other label's: a threat can
    come in a lender's letterhead and a lawful reminder after 「最后通知」: frames say nothing."""
    return rng.choice(other if rng.random() < 0.3 else own)


def make_corpus(per_label: int = 9000, seed: int = SEED) -> list[dict[str, object]]:
    """``per_label`` prohibited and as many compliant messages, zh and en, deterministic."""
    rng = random.Random(seed)
    seen: set[str] = set()
    rows: list[dict[str, object]] = []

    def add(
        text: str, label: int, category: str | None, lang: str, style: str, group: str = "hand"
    ) -> bool:
        text = " ".join(text.split()) if lang == "en" else text.strip()
        if text in seen:
            return False
        seen.add(text)
        rows.append(
            {
                "text": text,
                "label": label,
                "category": category,
                "lang": lang,
                "style": style,
                "group": group,
            }
        )
        return True

    for category, text in HAND_BAD:
        add(text, 1, category, "en" if text.isascii() else "zh", "hand")
    for text in HAND_OK:
        add(text, 0, None, "en" if text.isascii() else "zh", "hand")
    categories = sorted(BAD_ZH)
    tries = 0
    while sum(1 for r in rows if r["label"] == 1) < per_label and tries < 50 * per_label:
        tries += 1
        category = categories[tries % len(categories)]
        if rng.random() < 0.5:
            pick = rng.randrange(len(BAD_ZH[category]))
            core = _fill(BAD_ZH[category][pick], rng)
            if rng.random() < 0.2:
                core = _compound(core, _fill(rng.choice(OK_ZH), rng), "，", rng)
            text = _fill(_frame(FRAME_ZH, FRAME_OK_ZH, rng).replace("{c}", core), rng)
            text, style = _style(text, "zh", rng)
            add(text, 1, category, "zh", style, f"zh-{category}-{pick}")
        else:
            pick = rng.randrange(len(BAD_EN[category]))
            core = _en_fill(BAD_EN[category][pick], rng)
            if rng.random() < 0.2:
                core = _compound(core, _en_fill(rng.choice(OK_EN), rng), ". ", rng)
            frame = _frame(FRAME_EN, FRAME_OK_EN, rng)
            text = _en_fill(frame.replace("{c}", core), rng)
            text, style = _style(text[0].upper() + text[1:], "en", rng)
            add(text, 1, category, "en", style, f"en-{category}-{pick}")
    tries = 0
    while sum(1 for r in rows if r["label"] == 0) < per_label and tries < 50 * per_label:
        tries += 1
        if rng.random() < 0.2:
            zh = rng.random() < 0.5
            pool = NEUTRAL_ZH if zh else NEUTRAL_EN
            pick = rng.randrange(len(pool))
            text = _fill(pool[pick], rng) if zh else _en_fill(pool[pick], rng)
            lang = "zh" if zh else "en"
            text, style = _style(text if zh else text[0].upper() + text[1:], lang, rng)
            add(text, 0, None, lang, style, f"{lang}-neutral-{pick}")
            continue
        if rng.random() < 0.5:
            pick = rng.randrange(len(OK_ZH))
            core = _fill(OK_ZH[pick], rng)
            if rng.random() < 0.2:
                core = _compound(core, _fill(rng.choice(OK_ZH), rng), "，", rng)
            text = _fill(_frame(FRAME_OK_ZH, FRAME_ZH, rng).replace("{c}", core), rng)
            text, style = _style(text, "zh", rng)
            add(text, 0, None, "zh", style, f"zh-ok-{pick}")
        else:
            pick = rng.randrange(len(OK_EN))
            core = _en_fill(OK_EN[pick], rng)
            if rng.random() < 0.2:
                core = _compound(core, _en_fill(rng.choice(OK_EN), rng), ". ", rng)
            text = _en_fill(_frame(FRAME_OK_EN, FRAME_EN, rng).replace("{c}", core), rng)
            text, style = _style(text, "en", rng)
            add(text, 0, None, "en", style, f"en-ok-{pick}")
    return rows


def reviewed_rows(seen: set[str]) -> list[dict[str, object]]:
    """Held-out messages of the reviewed rounds whose label does not depend on the facts."""
    rows: list[dict[str, object]] = []
    with HELDOUT.open(encoding="utf-8") as lines:
        cases = [json.loads(line) for line in lines if line.strip()]
    for case in cases:
        facts = case.get("facts") or {}
        if case.get("round", 1) not in REVIEWED or case["text"] in seen:
            continue
        if facts.get("recipient", "debtor") != "debtor" or any(facts.get(k) for k in _FACTS):
            continue
        seen.add(case["text"])
        prohibited = case["verdict"] != "pass"
        rows.append(
            {
                "text": case["text"],
                "label": int(prohibited),
                "category": case["categories"][0] if prohibited else None,
                "lang": "en" if case["pack"] != "cn" else "zh",
                "style": "reviewed",
                "group": f"reviewed-{case['id']}",
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-label", type=int, default=9000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = make_corpus(args.per_label)
    rows += reviewed_rows({str(r["text"]) for r in rows})
    with args.out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    labels = Counter(int(str(r["label"])) for r in rows)
    cats = Counter(str(r["category"]) for r in rows if r["label"] == 1)
    styles = Counter(str(r["style"]) for r in rows)
    print(f"{len(rows)} messages: {dict(labels)}; categories {dict(sorted(cats.items()))}")
    print(f"styles {dict(styles)} -> {args.out}")


if __name__ == "__main__":
    main()
