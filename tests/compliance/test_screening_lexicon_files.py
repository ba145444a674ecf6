"""The lexicon is data: YAML files checked at load, extended by a lender's own file (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairdebt.compliance.screening import screen, verdict
from fairdebt.compliance.screening.lexicon import SHIPPED, LexiconError, load_lexicon
from fairdebt.compliance.screening.packs import PACKS


def _write(tmp_path: Path, text: str, name: str = "lender.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_one_lexicon_file_per_language_is_shipped_and_every_pack_names_its_files() -> None:
    assert set(SHIPPED) == {"zh", "en"}
    for pack in PACKS.values():
        assert pack.lexicons == ("zh", "en")
    assert load_lexicon(("zh", "en")).categories() == set("VLIBTPAHFMCQ")


def test_a_lender_file_adds_a_phrase_and_uses_a_shipped_fragment(tmp_path: Path) -> None:
    text = "你不还的话，周末约你干爹喝茶"
    extra = _write(
        tmp_path,
        'language: zh\npatterns:\n- category: T\n  pattern: "约{YOURS}(?:干爹|干妈)"\n',
    )
    before = screen(text)
    after = screen(text, lexicons=[extra])
    assert "T" in {f.category for f in after if f.source == "lexicon" and f.action == "block"}
    assert not any(f.category == "T" and f.action == "block" for f in before)


def test_a_lender_english_composition_is_read(tmp_path: Path) -> None:
    extra = _write(
        tmp_path,
        "language: en\n"
        "compositions:\n"
        "- category: H\n"
        '  first: "(?:tow truck|repo man)"\n'
        '  second: "(?:every night|all week)"\n'
        "  window: 40\n",
    )
    text = "The repo man will be circling your street every night."
    assert verdict(screen(text, pack="us", lexicons=[extra])) == "block"


def test_a_composition_may_join_a_sentence_to_the_next_when_it_says_so(tmp_path: Path) -> None:
    body = (
        "language: en\n"
        "compositions:\n"
        "- category: H\n"
        '  first: "repo man"\n'
        '  second: "every night"\n'
        "  window: 40\n"
    )
    one = _write(tmp_path, body, name="one.yaml")
    two = _write(tmp_path, body + "  sentences: 2\n", name="two.yaml")
    text = "The repo man is near. He will be there every night."
    assert screen(text, pack="us", lexicons=[one], statistical=False) == []
    assert verdict(screen(text, pack="us", lexicons=[two], statistical=False)) == "block"
    three = "The repo man is near. Truly. He will be there every night."
    assert screen(three, pack="us", lexicons=[two], statistical=False) == []


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("language: fr\n", "language"),
        ("language: zh\nphrases:\n- category: X\n  phrases: [坏]\n", "phrases[0]: category"),
        ("language: zh\npatterns:\n- category: V\n  pattern: '(?:'\n", "patterns[0]: pattern"),
        ("language: zh\npatterns:\n- category: V\n  pattern: '{NOPE}打'\n", "{NOPE}"),
        ("language: zh\npatterns:\n- category: V\n  action: stop\n  pattern: a\n", "action"),
        ("language: zh\npatterns:\n- category: V\n  colour: red\n  pattern: a\n", "colour"),
        ("language: en\nphrases:\n- category: V\n  phrases: [x]\n", "Chinese"),
        ("language: zh\nfragments:\n  YOU: 你\n", "already defined"),
        ("language: zh\ncompositions:\n- category: V\n  first: a\n  second: b\n", "window"),
        (
            "language: zh\ncompositions:\n- category: V\n  first: a\n  second: b\n"
            "  window: 3\n  sentences: 0\n",
            "sentences",
        ),
        ("language: zh\nfragments:\n  LOOP: '{LOOP}'\n", "refers to itself"),
        ("language: zh\nwords: []\n", "unknown section"),
        ("language: en\nthird_party_scripts: '(?:'\n", "third_party_scripts must be a list"),
        ("language: en\nthird_party_scripts:\n- '(?:'\n", "third_party_scripts[0]"),
        ("- just a list\n", "mapping"),
    ],
)
def test_a_bad_lexicon_file_is_refused_naming_file_entry_and_field(
    tmp_path: Path, body: str, named: str
) -> None:
    extra = _write(tmp_path, body, name=f"bad-{abs(hash(body))}.yaml")
    with pytest.raises(LexiconError) as raised:
        load_lexicon(("zh", "en", extra))
    assert extra in str(raised.value) or "fragment" in str(raised.value)
    assert named in str(raised.value)


def test_a_missing_lexicon_file_names_the_shipped_ones() -> None:
    with pytest.raises(LexiconError, match="shipped lexicons: en, zh"):
        load_lexicon(("zh", "no-such-file.yaml"))


def test_a_phrase_read_without_homophones_is_not_read_from_a_spelling_across_digits() -> None:
    # 「接受$6,000一次性」 spells "shou … yi" around the amount, the pinyin of 寿衣 (read without
    # homophones: it sounds as 收益 too).
    text = "我们愿意接受$6,000一次性结清，请告知您当事人的意见。"
    assert screen(text, {"recipient": "attorney"}, "us", statistical=False) == []
    parcel = screen("给你寄了寿衣，签收一下", {}, "cn", statistical=False)
    assert [f.category for f in parcel] == ["H"]
