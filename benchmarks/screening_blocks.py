"""Reviewed traffic, a block of rounds left out: would a classifier that learns from every other
reviewed round do better than the shipped one on rounds it never saw? (docs/decisions/
screening-classifier.md, "Rounds 43–112 as reviewed traffic").

For each block of held-out rounds asked for, a classifier is trained with the shipped pipeline
(``screening_train.fit``: C, calibration, the false-positive budget) on the written corpus plus the
reviewed messages of the rounds in ``--reviewed`` outside the block, and compared on the block with
the shipped classifier, both behind ``screen()`` with the shipped lexicon. Per arm: compliant
messages flagged through ``screen()``, prohibited messages flagged, and the classifier alone at its
own threshold on the prohibited and on the compliant messages (its recall matters apart from
the lexicon's: the lexicon has read these rounds, so through ``screen()`` it catches nearly all
of them).

Run from the project root (a few minutes a model)::

    nice -n 10 .venv/bin/python benchmarks/screening_blocks.py --reviewed 4-112 \\
        --blocks 75-84,85-94,95-104,105-112
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import yaml

import fairdebt.compliance.screening as screening
import screening_corpus
import screening_loro
import screening_train
from fairdebt.compliance.screening.classifier import CORPUS, DATA, Classifier
from fairdebt.compliance.screening.folding import fold
from fairdebt.compliance.screening.promises import without_promises

Row = dict[str, Any]


def _span(text: str) -> range:
    first, last = (int(v) for v in text.split("-"))
    return range(first, last + 1)


def measure(model: Classifier, cases: Sequence[Row]) -> np.ndarray:
    """[prohibited flagged, prohibited, compliant flagged, compliant, classifier alone on the
    prohibited, classifier alone on the compliant] through ``screen()`` with ``model``."""
    through_screen = screening_loro.score_round(model, cases)

    def alone(verdicts: set[str]) -> int:
        views = (
            fold(without_promises(c["text"])).words_text for c in cases if c["verdict"] in verdicts
        )
        return sum(model.score(v).probability >= model.threshold for v in views)

    return np.array([*through_screen, alone({"block", "review"}), alone({"pass"})])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewed", default="4-112", help="the reviewed rounds (a range)")
    parser.add_argument("--blocks", default="75-84,85-94,95-104,105-112")
    args = parser.parse_args()
    screening_corpus.REVIEWED = _span(args.reviewed)
    lines = (DATA / CORPUS).read_text("utf-8").splitlines()
    written = [json.loads(line) for line in lines if line.strip()]
    written = [r for r in written if r["style"] != "reviewed"]
    reviewed = screening_corpus.reviewed_rows({str(r["text"]) for r in written})
    with screening_corpus.HELDOUT.open(encoding="utf-8") as handle:
        cases = [json.loads(line) for line in handle if line.strip()]
    round_of = {c["text"]: c["round"] for c in cases}
    classes = yaml.safe_load(screening_train.CUES.read_text("utf-8"))["cues"]
    shipped = screening.classifier()
    totals = np.zeros((2, 6), dtype=int)
    print(
        "| block | model | threshold | flagged | compliant flagged | classifier alone: "
        "prohibited, compliant |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for block in (_span(b) for b in args.blocks.split(",")):
        rows = [r for r in reviewed if round_of[r["text"]] not in block]
        artifact, _, _ = screening_train.fit(written + rows, classes, "blocks")
        model = Classifier(artifact)
        held = [c for c in cases if c.get("round") in block]
        name = f"{block.start}-{block.stop - 1}"
        for i, (label, arm) in enumerate((("shipped", shipped), ("block out", model))):
            m = measure(arm, held)
            totals[i] += m
            print(
                f"| {name} | {label} | {arm.threshold:.2f} | {m[0]}/{m[1]} | {m[2]}/{m[3]} | "
                f"{m[4]}/{m[1]}, {m[5]}/{m[3]} |",
                flush=True,
            )
    for label, m in zip(("shipped", "block out"), totals, strict=True):
        print(f"| all | {label} | | {m[0]}/{m[1]} | {m[2]}/{m[3]} | {m[4]}/{m[1]}, {m[5]}/{m[3]} |")


if __name__ == "__main__":
    main()
