"""The statistical layer: a character n-gram classifier that sends likely abuse to review.

The lexicon blocks what it can explain span by span; new wording it has never seen passes it.
This layer reads the folded word view of the message (traditional characters simplified,
full-width and case folded, leetspeak restored, spelled-out letters joined) as character
n-grams of one to four characters inside word boundaries plus Latin words and word pairs,
plus **cue classes** and their pairs (a relative, the debtor's employer, the home or school, an
ominous wish, a soft disclosure, the debt...: ``benchmarks/screening_cues.yaml``, embedded in
the artifact), which carry implicature past the exact words ("your cousin" and 「你表哥」 are
both a relative next to "hope nothing happens"), weights them by TF-IDF (binary term
frequency: a feature is present or not), and scores
them with a logistic regression whose output is calibrated (Platt scaling on cross-validated
decision values): ``score`` is an estimate of the probability that the message is prohibited.
A second, multinomial head names the most likely of the twelve categories.

It was trained by ``benchmarks/screening_train.py`` on the corpus shipped in
``fairdebt/data/screening_corpus.jsonl`` (``benchmarks/screening_corpus.py`` writes it) and
is shipped as plain numbers (``screening_classifier.json.gz``: n-grams, weights, calibration,
threshold), never as a pickle, so loading it runs no code. Scoring is a dictionary look-up per
n-gram and a few numpy dot products: no scikit-learn at run time, tens of microseconds per
message.

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
from collections.abc import Iterable
from dataclasses import dataclass
from operator import add
from pathlib import Path
from typing import Any

import numpy as np

from fairdebt.errors import ConfigurationError

__all__ = [
    "ARTIFACT",
    "CORPUS",
    "DATA",
    "Classifier",
    "Cues",
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
#: How many words' n-gram rows a classifier remembers before it starts again (about 20 MB).
_WORDS_REMEMBERED = 50_000


class Cues:
    """Named classes of words (a relative, an ominous wish...) found in a text by look-up.

    ``classes`` maps a class name to ``{"en": [...], "zh": [...]}``: English words or phrases,
    matched as whole words on the Latin words of the folded word view (``#`` stands for any
    number), and Chinese terms, matched anywhere in its runs of ideographs. A text yields
    ``c:NAME`` for every class it holds and ``p:A+B`` for every pair of them (names in order):
    a relative and an ominous wish anywhere in one message is one feature, whatever the words,
    so the model can learn the shape of a veiled threat rather than its wording.

    >>> Cues({"KIN": {"en": ["son"], "zh": ["儿子"]}, "OMEN": {"en": ["hope nothing"]}}).features(
    ...     "your son hope nothing 你儿子")
    ['c:KIN', 'c:OMEN', 'p:KIN+OMEN']
    """

    def __init__(self, classes: dict[str, dict[str, list[str]]]) -> None:
        self.classes = classes
        #: English phrase (words joined by one space) -> classes; the longest phrase in words.
        self.words: dict[str, set[str]] = {}
        #: Chinese term -> classes, and for each first character the term lengths it starts.
        self.terms: dict[str, set[str]] = {}
        self.lengths: dict[str, set[int]] = {}
        try:
            for name, lists in classes.items():
                for phrase in lists.get("en", ()):
                    self.words.setdefault(" ".join(phrase.split()), set()).add(name)
                for term in lists.get("zh", ()):
                    self.terms.setdefault(term, set()).add(name)
                    self.lengths.setdefault(term[0], set()).add(len(term))
        except (AttributeError, TypeError, IndexError) as exc:
            raise ConfigurationError(f"screening cue classes are malformed ({exc})") from None
        self.longest = max((p.count(" ") + 1 for p in self.words), default=0)
        #: Words that begin a phrase of two words or more: the only places to look further.
        self.starts = {p.split()[0] for p in self.words if " " in p}

    def features(self, text: str) -> list[str]:
        if not self.classes:
            return []
        found: set[str] = set()
        words = ["#" if w.isdigit() else w for w in _TOKEN.findall(text)]
        get = self.words.get
        for i, word in enumerate(words):
            hit = get(word)
            if hit:
                found.update(hit)
            if word in self.starts:
                for k in range(2, self.longest + 1):
                    hit = get(" ".join(words[i : i + k]))
                    if hit:
                        found.update(hit)
        terms, lengths = self.terms, self.lengths
        for run in _IDEOGRAPHS.findall(text):
            for i, char in enumerate(run):
                for n in lengths.get(char, ()):
                    hit = terms.get(run[i : i + n])
                    if hit:
                        found.update(hit)
        names = sorted(found)
        out = [f"c:{n}" for n in names]
        out.extend(f"p:{a}+{b}" for a, b in itertools.combinations(names, 2))
        return out


_TOKEN = re.compile("[a-z]+|[0-9]+")
_IDEOGRAPHS = re.compile("[\u3400-\u9fff]+")


_NO_CUES = Cues({})


def features(text: str, cues: Cues = _NO_CUES) -> list[str]:
    """What the classifier reads: the character n-grams, Latin words and word pairs (``w:`` and
    ``b:`` prefixed), which carry English meaning past four characters, and the cue classes.

    >>> features("pay now")[-3:]
    ['w:pay', 'w:now', 'b:pay now']
    """
    grams = char_ngrams(text)
    grams.extend(_text_features(text, cues))
    return grams


def _text_features(text: str, cues: Cues) -> list[str]:
    """The features beyond each word's own character n-grams: Latin words, word pairs and cue
    classes (:meth:`Classifier._rows` reads the n-grams word by word, these whole)."""
    words = _LATIN_WORD.findall(text)
    found = [f"w:{w}" for w in words]
    found.extend(f"b:{a} {b}" for a, b in itertools.pairwise(words))
    found.extend(cues.features(text))
    return found


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
            self.cues = Cues(data.get("cues", {}))
            term_frequency = data.get("term_frequency")
            grams: list[str] = data["grams"]
            idf: list[float] = data["idf"]
            weights: list[float] = data["weights"]
            category_weights: list[list[float]] = data["category_weights"]
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ConfigurationError(
                f"screening classifier artifact is malformed ({exc})"
            ) from None
        if term_frequency != "binary":
            raise ConfigurationError(
                "screening classifier artifact: term_frequency must be 'binary' (retrain it with"
                " benchmarks/screening_train.py)"
            )
        if not (len(grams) == len(idf) == len(weights) == len(category_weights)):
            raise ConfigurationError("screening classifier artifact: arrays differ in length")
        #: n-gram -> its row in the arrays below; an unknown n-gram reads the last row, zeros.
        self.index: dict[str, int] = {g: n for n, g in enumerate(grams)}
        if len(self.index) != len(grams):
            raise ConfigurationError("screening classifier artifact: an n-gram is repeated")
        idf_array = np.append(np.asarray(idf, dtype=np.float64), 0.0)
        self.idf = idf_array
        self.idf_squared = idf_array * idf_array
        self.idf_weight = idf_array * np.append(np.asarray(weights, dtype=np.float64), 0.0)
        rows = np.asarray(category_weights, dtype=np.float64).reshape(len(grams), -1)
        self.category_matrix = np.vstack([rows, np.zeros((1, rows.shape[1]))])
        self.category_weights = category_weights
        #: A word's n-gram rows, as :meth:`_rows` last read them.
        self._words: dict[str, np.ndarray] = {}

    def _rows(self, text: str) -> np.ndarray:
        """The row of each feature of ``text`` (:func:`features`) once, sorted, as binary term
        frequency counts it; an unknown feature reads the zero row. The character n-grams are
        those of each word, so a word's rows are remembered: messages repeat their words, and a
        dictionary look-up per n-gram was most of the cost."""
        parts = [self._word_rows(word) for word in text.split()]
        parts.append(self._lookup(_text_features(text, self.cues)))
        # Each row once: sorted, then every row unlike the one before it (np.unique costs
        # three times as much on arrays this small).
        rows = np.concatenate(parts)
        rows.sort()
        first = np.empty(len(rows), dtype=bool)
        first[:1] = True
        np.not_equal(rows[1:], rows[:-1], out=first[1:])
        return rows[first]

    def _word_rows(self, word: str) -> np.ndarray:
        rows = self._words.get(word)
        if rows is None:
            if len(self._words) >= _WORDS_REMEMBERED:
                self._words.clear()
            rows = np.unique(self._lookup(char_ngrams(word)))
            self._words[word] = rows
        return rows

    def _lookup(self, grams: list[str]) -> np.ndarray:
        return np.fromiter(
            map(self.index.get, grams, itertools.repeat(len(self.idf) - 1)),
            dtype=np.intp,
            count=len(grams),
        )

    def _decision(self, rows: np.ndarray) -> tuple[float, float]:
        """The binary head's decision value and the TF-IDF norm (a feature present or not, as
        in training: binary term frequency)."""
        norm = math.sqrt(float(self.idf_squared[rows].sum())) or 1.0
        return float(self.idf_weight[rows].sum()) / norm + self.intercept, norm

    def _category(self, rows: np.ndarray, norm: float) -> str:
        """The likeliest category (the multinomial head), for messages at the threshold."""
        logits = (self.idf[rows] / norm) @ self.category_matrix[rows]
        logits += np.asarray(self.category_intercepts)
        return self.categories[int(np.argmax(logits))]

    def probability(self, text: str) -> float:
        """Calibrated probability that ``text`` (the folded word view) is prohibited."""
        return self.score(text).probability

    def score(self, text: str) -> Score:
        """Probability and, at or above the threshold, the most likely category."""
        rows = self._rows(text)
        decision, norm = self._decision(rows)
        a, b = self.calibration
        probability = 1.0 / (1.0 + math.exp(min(50.0, a * decision + b)))
        if probability < self.threshold:
            return Score(probability, None)
        return Score(probability, self._category(rows, norm))


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
