"""Screening's fast paths answer exactly as the slow forms they replace: gated expressions as
the expressions, translation tables as character-by-character folding, and the classifier's
remembered word rows as the features read afresh (BENCHMARKS.md, screening throughput)."""

from __future__ import annotations

import importlib
import json
import re
import string
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairdebt.compliance.screening import mentions, negation, quotations
from fairdebt.compliance.screening.folding import fold, fold_char, fold_chars
from fairdebt.compliance.screening.patterns import Gated

classifier_module = importlib.import_module("fairdebt.compliance.screening.classifier")

HELDOUT = Path(__file__).parent / "screening_heldout.jsonl"
_GATED = {
    "BANNED": mentions.BANNED,
    "_BANNED_LIST": mentions._BANNED_LIST,
    "_SCAMMERS": mentions._SCAMMERS,
    "_STAFF_SAID": quotations._STAFF_SAID,
}
# Pieces of the gated expressions' own words, so random texts come near to matching them.
_PIECES = [
    "Never say",
    "never SAY ",
    "禁用话术：",
    "以下均为严禁行为：",
    "Scammers are calling",
    "ſcammers are calling",
    "fraudsters",
    "our agent told you",
    "同事说",
    "Prohibited: ",
    "the phrase ",
    "don't:",
    "AGENTS MUST NOT ",
    "İ",
    "ı",
    "“坐牢”",
    '"jail"',
    ". ",
    "\n- ",
    "；",
]
_TEXTS = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=6)), max_size=12).map(
    "".join
)


def _spans(found: object) -> list[tuple[int, int]]:
    return [m.span() for m in found]  # type: ignore[attr-defined]


def _span(found: re.Match[str] | None) -> tuple[int, int] | None:
    return None if found is None else found.span()


def _heldout_texts() -> list[str]:
    with HELDOUT.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


@pytest.mark.parametrize("name", sorted(_GATED))
def test_the_large_reading_expressions_are_gated(name: str) -> None:
    assert _GATED[name].gate is not None


@settings(max_examples=150, deadline=None)
@given(text=_TEXTS)
def test_a_gated_expression_finds_what_the_expression_finds(text: str) -> None:
    for gated in _GATED.values():
        assert _spans(gated.finditer(text)) == _spans(gated.regex.finditer(text))
        assert _span(gated.search(text, 2)) == _span(gated.regex.search(text, 2))
        assert _span(gated.match(text)) == _span(gated.regex.match(text))


@pytest.mark.parametrize("name", sorted(_GATED))
def test_a_gated_expression_finds_what_the_expression_finds_in_every_heldout_message(
    name: str,
) -> None:
    gated = _GATED[name]
    for text in _heldout_texts():
        assert _spans(gated.finditer(text)) == _spans(gated.regex.finditer(text)), text


def test_letters_that_match_ascii_only_without_case_still_open_the_gate() -> None:
    # Python's case-insensitive matching reads ſ as s and ı, İ as i; str.lower does not.
    gated = Gated(re.compile(r"(?i:scammers|claiming)"))
    for text in ("ſcammers", "claımıng", "CLAİMİNG"):
        assert gated.regex.search(text) is not None
        assert gated.search(text) is not None


def test_only_three_letters_outside_ascii_match_an_ascii_letter_that_lower_does_not_give() -> None:
    odd = {
        chr(cp)
        for cp in range(0x80, 0x110000)
        if re.fullmatch("[a-z]", chr(cp), re.IGNORECASE)
        and not (len(chr(cp).lower()) == 1 and chr(cp).lower() in string.ascii_lowercase)
    }
    assert odd == {"\u0130", "\u0131", "\u017f"}


def test_an_expression_whose_alternative_has_no_literal_prefix_is_never_gated() -> None:
    assert Gated(re.compile(r"warrant|[a-z]+ court")).gate is None
    assert Gated(re.compile(r"war rant", re.VERBOSE)).gate is None
    assert Gated(re.compile(r"warrant|court")).gate is not None


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_folding_a_string_at_once_equals_folding_each_character(text: str) -> None:
    assert fold_chars(text) == "".join(fold_char(c) for c in text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_dropping_symbols_by_table_drops_what_their_category_says(text: str) -> None:
    expected = "".join(c for c in text if unicodedata.category(c) not in negation._DROPPED)
    assert negation._without_symbols(text) == expected


def test_the_classifier_reads_the_same_rows_from_remembered_words_as_afresh() -> None:
    model = classifier_module.classifier()
    zero = len(model.idf) - 1
    for text in _heldout_texts()[:600] * 2:  # the second pass reads remembered words
        view = fold(text).words_text
        fresh = {model.index.get(f, zero) for f in classifier_module.features(view, model.cues)}
        assert np.array_equal(model._rows(view), np.array(sorted(fresh))), text
