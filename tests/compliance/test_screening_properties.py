"""Invariants of screening, checked with Hypothesis: it never raises on any text, its spans lie
inside the text, folding's fast texts equal its indexed views, and spacing tricks do not help."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdebt.compliance.screening import screen, verdict
from fairdebt.compliance.screening.folding import fold

_MIXED = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(
            list("坐牢黑名单法院起诉你通讯录傻逼老赖 *·.-_abcdefghijklmnopqrstuvwxyz")
            + list("@$0134\u200b\u00ad")
        ),
    ),
    max_size=80,
)
_FACTS = st.fixed_dictionaries(
    {},
    optional={
        "recipient": st.sampled_from(["debtor", "spouse", "contact", "employer", "attorney"]),
        "has_judgment": st.booleans(),
        "time_barred": st.booleans(),
        "legal_action_intended": st.booleans(),
    },
)
_BLOCKED = [
    "弄死你",
    "坐牢",
    "蹲监狱",
    "黑名单",
    "爆通讯录",
    "老赖",
    "冥币",
    "以贷养贷",
    "私聊",
    "翻倍",
]
_NOISE = st.text(alphabet=st.sampled_from(list(" \u3000*·.-_~/|\u200b🙂，")), max_size=3)


@settings(max_examples=80, deadline=None)
@given(text=_MIXED, facts=_FACTS, pack=st.sampled_from(["cn", "us", "uk"]))
def test_screening_never_raises_and_every_span_lies_inside_the_text(
    text: str, facts: dict[str, object], pack: str
) -> None:
    findings = screen(text, facts, pack)
    assert verdict(findings) in {"block", "review", "pass"}
    for finding in findings:
        assert 0 <= finding.start < finding.end <= len(text)
        assert finding.action in {"block", "review"}


@settings(max_examples=80, deadline=None)
@given(text=_MIXED)
def test_the_fast_texts_of_folding_equal_its_indexed_views(text: str) -> None:
    folded = fold(text)
    assert folded.compact.text == folded.compact_text
    assert folded.words.text == folded.words_text
    assert folded.pinyin.text == folded.pinyin_text
    for view in (folded.compact, folded.words, folded.pinyin):
        assert len(view.index) == len(view.text)
        assert all(0 <= i < len(text) for i in view.index)


@settings(max_examples=60, deadline=None)
@given(
    phrase=st.sampled_from(_BLOCKED),
    gaps=st.lists(_NOISE, min_size=6, max_size=6),
    before=st.sampled_from(["", "你再不还钱，", "听好了："]),
)
def test_noise_inserted_between_the_characters_of_a_blocked_phrase_still_blocks(
    phrase: str, gaps: list[str], before: str
) -> None:
    spaced = "".join(ch + gap for ch, gap in zip(phrase, gaps, strict=False)).rstrip()
    text = before + spaced
    findings = screen(text)
    assert verdict(findings) == "block", (text, findings)
    at = len(before)
    assert any(f.start <= at < f.end for f in findings), (text, findings)


@settings(max_examples=60, deadline=None)
@given(prefix=_MIXED, suffix=_MIXED)
def test_a_blocked_phrase_blocks_whatever_surrounds_it(prefix: str, suffix: str) -> None:
    assert verdict(screen(f"{prefix}。弄死你。{suffix}")) == "block"


@settings(max_examples=15, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz 坐牢你黑名单")),
        min_size=500,
        max_size=3000,
    )
)
def test_long_texts_are_screened_without_error(text: str) -> None:
    for finding in screen(text):
        assert 0 <= finding.start < finding.end <= len(text)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("I'm a cop", "i m a cop"),
        ("I’m with the sheriff", "i m with the sheriff"),
        ("You will be a r r e s t e d", "you will be arrested"),
        ("I'm s t u p i d", "i m stupid"),
        ("Ｉ＇ｍ ｗｉｔｈ ｔｈｅ ｓｈｅｒｉｆｆ", "i m with the sheriff"),
    ],
)
def test_a_contractions_letter_is_a_word_of_its_own_not_spelling(text: str, words: str) -> None:
    assert fold(text).words_text == words
