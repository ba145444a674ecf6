"""Reviewed traffic, left one round out: does a classifier that learns from other authors'
labelled rounds do better on a round it never saw? (docs/decisions/screening-classifier.md,
"The twelfth model").

For each round asked for, two classifiers are trained with the shipped pipeline
(``screening_train.fit``: C, calibration, the false-positive budget): one on the written corpus
alone, one on the written corpus plus the reviewed messages of every other round of
``screening_corpus.REVIEWED``. Each is put behind ``screen()`` with the shipped lexicon and scored
on the round it left out. The lexicon is the same in both arms, so the difference is the
classifier's; the lexicon itself has read these rounds, so the absolute figures are not first
shots.

Run from the project root (about 40 s a model; the written-only model is trained once)::

    nice -n 10 .venv/bin/python benchmarks/screening_loro.py --rounds 13-24
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import yaml

import fairdebt.compliance.screening as screening
import screening_corpus
import screening_train
from fairdebt.compliance.screening import screen, verdict
from fairdebt.compliance.screening.classifier import CORPUS, DATA, Classifier

Row = dict[str, Any]


def train(rows: Sequence[Row], classes: dict[str, Any]) -> Classifier:
    """A classifier trained on ``rows`` exactly as ``screening_train`` trains the shipped one."""
    artifact, _, _ = screening_train.fit(list(rows), classes, "leave-one-round-out")
    return Classifier(artifact)


def score_round(model: Classifier, cases: Sequence[Row]) -> tuple[int, int, int, int]:
    """(prohibited flagged, prohibited, compliant flagged, compliant) through ``screen()``."""
    shipped: Callable[[], Classifier] = screening.classifier
    screening.classifier = lambda: model  # type: ignore[assignment]
    try:
        bad = [c for c in cases if c["verdict"] != "pass"]
        good = [c for c in cases if c["verdict"] == "pass"]
        hits = sum(verdict(screen(c["text"], c["facts"], c["pack"])) != "pass" for c in bad)
        flagged = sum(bool(screen(c["text"], c["facts"], c["pack"])) for c in good)
    finally:
        screening.classifier = shipped  # type: ignore[assignment]
    return hits, len(bad), flagged, len(good)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", default="13-24", help="a range (13-24) or a list (20,21)")
    args = parser.parse_args()
    if "-" in args.rounds:
        first, last = (int(v) for v in args.rounds.split("-"))
        rounds = list(range(first, last + 1))
    else:
        rounds = [int(v) for v in args.rounds.split(",")]
    lines = (DATA / CORPUS).read_text("utf-8").splitlines()
    written = [json.loads(line) for line in lines if line.strip()]
    written = [r for r in written if r["style"] != "reviewed"]
    reviewed = screening_corpus.reviewed_rows({str(r["text"]) for r in written})
    with screening_corpus.HELDOUT.open(encoding="utf-8") as handle:
        cases = [json.loads(line) for line in handle if line.strip()]
    round_of = {c["text"]: c["round"] for c in cases}
    classes = yaml.safe_load(screening_train.CUES.read_text("utf-8"))["cues"]
    alone = train(written, classes)
    totals = np.zeros((2, 4), dtype=int)
    print("| round | written only: flagged, FP | with the other rounds: flagged, FP |")
    print("|---|---|---|")
    for r in rounds:
        others = [row for row in reviewed if round_of[row["text"]] != r]
        model = train(written + others, classes)
        held = [c for c in cases if c.get("round") == r]
        a, b = score_round(alone, held), score_round(model, held)
        totals += np.array([a, b])
        print(f"| {r} | {a[0]}/{a[1]}, {a[2]}/{a[3]} | {b[0]}/{b[1]}, {b[2]}/{b[3]} |", flush=True)
    (a0, a1, a2, a3), (b0, b1, b2, b3) = totals
    print(f"| all | {a0}/{a1}, {a2}/{a3} | {b0}/{b1}, {b2}/{b3} |")


if __name__ == "__main__":
    main()
