"""The statistical layer: a character n-gram classifier that sends likely abuse to review.

The lexicon blocks what it can explain span by span; new wording it has never seen passes it.
This layer reads the folded word view of the message (traditional characters simplified,
full-width and case folded, leetspeak restored, spelled-out letters joined) as character
n-grams of one to four characters inside word boundaries plus Latin words and word pairs,
weights them by TF-IDF (sublinear term frequency), and scores
them with a logistic regression whose output is calibrated (Platt scaling on cross-validated
decision values): ``score`` is an estimate of the probability that the message is prohibited.
A second, multinomial head names the most likely of the twelve categories.

It was trained by ``benchmarks/screening_train.py`` on the corpus shipped in
``fairdebt/data/screening_corpus.jsonl`` (``benchmarks/screening_corpus.py`` writes it) and
is shipped as plain numbers (``screening_classifier.json.gz``: n-grams, weights, calibration,
threshold), never as a pickle, so loading it runs no code. Scoring is a dictionary look-up per
n-gram in pure Python: no scikit-learn at run time, tens of microseconds per message.

The classifier never blocks: at or above its threshold a message with no lexicon finding goes
to review (docs/decisions/screening-classifier.md).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from operator import add
from pathlib import Path
from typing import Any

from fairdebt.errors import ConfigurationError

__all__ = [
    "ARTIFACT",
    "CORPUS",
    "DATA",
    "Classifier",
    "Score",
    "char_ngrams",
    "classifier",
    "corpus_digest",
    "features",
]

ARTIFACT = "screening_classifier.json.gz"
CORPUS = "screening_corpus.jsonl"
#: The n-gram lengths :func:`char_ngrams` builds (one to four, fixed by its code).
NGRAMS = (1, 4)
#: Where the corpus and the artifact are shipped.
DATA = Path(__file__).resolve().parents[2] / "data"


def char_ngrams(text: str) -> list[str]:
    """Character n-grams (one to four) of each word padded with a space, as scikit-learn's
    ``char_wb`` analyzer builds them (in another order); training and scoring both call this.

    >>> sorted(char_ngrams("ab"))
    [' ', ' ', ' a', ' ab', ' ab ', 'a', 'ab', 'ab ', 'b', 'b ']
    """
    grams: list[str] = []
    extend = grams.extend
    for word in text.split():
        p = f" {word} "
        two = list(map(add, p, p[1:]))
        three = list(map(add, two, p[2:]))
        extend(p)
        extend(two)
        extend(three)
        extend(map(add, three, p[3:]))
    return grams


_LATIN_WORD = re.compile("[a-z]+")


def features(text: str) -> list[str]:
    """What the classifier reads: the character n-grams, and Latin words and word pairs
    (``w:`` and ``b:`` prefixed), which carry English meaning past four characters.

    >>> features("pay now")[-3:]
    ['w:pay', 'w:now', 'b:pay now']
    """
    words = _LATIN_WORD.findall(text)
    grams = char_ngrams(text)
    grams.extend(f"w:{w}" for w in words)
    grams.extend(f"b:{a} {b}" for a, b in itertools.pairwise(words))
    return grams


@dataclass(frozen=True)
class Score:
    """The classifier's answer for one text."""

    #: Calibrated probability that the text is prohibited.
    probability: float
    #: The most likely category, when the probability reaches the threshold.
    category: str | None


class Classifier:
    """Weights read from the shipped artifact; ``score(text)`` takes the folded word view."""

    def __init__(self, data: dict[str, Any]) -> None:
        try:
            self.categories: tuple[str, ...] = tuple(data["categories"])
            self.intercept = float(data["intercept"])
            self.calibration = (float(data["calibration"][0]), float(data["calibration"][1]))
            self.threshold = float(data["threshold"])
            self.category_intercepts = tuple(float(x) for x in data["category_intercepts"])
            self.corpus_sha256 = str(data["corpus_sha256"])
            grams: list[str] = data["grams"]
            idf: list[float] = data["idf"]
            weights: list[float] = data["weights"]
            category_weights: list[list[float]] = data["category_weights"]
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ConfigurationError(
                f"screening classifier artifact is malformed ({exc})"
            ) from None
        if not (len(grams) == len(idf) == len(weights) == len(category_weights)):
            raise ConfigurationError("screening classifier artifact: arrays differ in length")
        #: n-gram -> (idf squared, idf times weight, idf, row of the category weights)
        self.table: dict[str, tuple[float, float, float, int]] = {
            g: (i * i, i * w, i, n)
            for n, (g, i, w) in enumerate(zip(grams, idf, weights, strict=True))
        }
        self.category_weights = category_weights

    def _decision(self, counts: Counter[str]) -> tuple[float, float]:
        """The binary head's decision value and the TF-IDF norm (sublinear term frequency, as
        in training); the common case of an n-gram seen once takes no logarithm."""
        total = 0.0
        dot = 0.0
        get = self.table.get
        for gram, count in counts.items():
            row = get(gram)
            if row is None:
                continue
            if count == 1:
                total += row[0]
                dot += row[1]
            else:
                tf = 1.0 + math.log(count)
                total += tf * tf * row[0]
                dot += tf * row[1]
        norm = math.sqrt(total) or 1.0
        return dot / norm + self.intercept, norm

    def _category(self, counts: Counter[str], norm: float) -> str:
        """The likeliest category (the multinomial head), for messages at the threshold."""
        logits = list(self.category_intercepts)
        for gram, count in counts.items():
            row = self.table.get(gram)
            if row is None:
                continue
            value = (1.0 + math.log(count)) * row[2] / norm
            for k, w in enumerate(self.category_weights[row[3]]):
                logits[k] += w * value
        return self.categories[max(range(len(logits)), key=logits.__getitem__)]

    def probability(self, text: str) -> float:
        """Calibrated probability that ``text`` (the folded word view) is prohibited."""
        return self.score(text).probability

    def score(self, text: str) -> Score:
        """Probability and, at or above the threshold, the most likely category."""
        counts = Counter(features(text))
        decision, norm = self._decision(counts)
        a, b = self.calibration
        probability = 1.0 / (1.0 + math.exp(min(50.0, a * decision + b)))
        if probability < self.threshold:
            return Score(probability, None)
        return Score(probability, self._category(counts, norm))


def corpus_digest(lines: Iterable[bytes]) -> str:
    """SHA-256 of the corpus file, so a stale artifact is caught by a test."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line)
    return digest.hexdigest()


@functools.cache
def classifier() -> Classifier:
    """The shipped classifier, read once per process."""
    path = DATA / ARTIFACT
    try:
        raw = gzip.decompress(path.read_bytes())
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(
            f"cannot read the screening classifier {ARTIFACT} ({exc})"
        ) from None
    return Classifier(data)
