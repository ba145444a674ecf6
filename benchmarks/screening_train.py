"""Train the screening classifier on the shipped corpus and write its artifact (deterministic).

TF-IDF over character n-grams (1-4, inside word boundaries: the ``char_ngrams`` of
``fairdebt.compliance.screening.classifier``) of the folded word view, a logistic regression
for "prohibited or not", Platt scaling fitted on five-fold cross-validated decision values, and
a multinomial logistic regression over the prohibited messages for the category. The threshold
is the calibrated probability at which a message with no lexicon finding goes to review.

Run from the project root::

    .venv/bin/python benchmarks/screening_corpus.py    # the corpus (if it changed)
    .venv/bin/python benchmarks/screening_train.py     # writes fairdebt/data/screening_classifier.json.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict

from fairdebt.compliance.screening.classifier import ARTIFACT, CORPUS, DATA, char_ngrams, corpus_digest
from fairdebt.compliance.screening.folding import fold

#: Calibrated probability from which a message with no lexicon finding goes to review.
THRESHOLD = 0.7
C_BINARY = 4.0
C_CATEGORY = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args()
    started = time.perf_counter()
    raw = (DATA / CORPUS).read_bytes()
    rows = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
    texts = [fold(r["text"]).words_text for r in rows]
    labels = np.array([int(r["label"]) for r in rows])
    vectorizer = TfidfVectorizer(analyzer=char_ngrams, min_df=2, dtype=np.float64)
    x = vectorizer.fit_transform(texts)
    binary = LogisticRegression(C=C_BINARY, solver="liblinear", random_state=0)
    # Folds by core template: calibration sees wording it was not trained on, as in use.
    groups = [r["group"] for r in rows]
    folds = GroupKFold(5)
    decision = cross_val_predict(
        binary, x, labels, cv=folds, groups=groups, method="decision_function"
    )
    platt = LogisticRegression(C=1e6, solver="lbfgs").fit(decision.reshape(-1, 1), labels)
    binary.fit(x, labels)
    bad = labels == 1
    categories = sorted({r["category"] for r in rows if r["label"] == 1})
    y_cat = np.array([categories.index(r["category"]) for r in rows if r["label"] == 1])
    head = LogisticRegression(C=C_CATEGORY, max_iter=2000, random_state=0).fit(x[bad], y_cat)
    cv_p = 1 / (1 + np.exp(-(platt.coef_[0, 0] * decision + platt.intercept_[0])))
    flagged = cv_p >= args.threshold
    artifact = {
        "version": 1,
        "corpus_sha256": corpus_digest([raw]),
        "categories": categories,
        "intercept": float(binary.intercept_[0]),
        # p = 1 / (1 + exp(a * f + b)), f the decision value
        "calibration": [float(-platt.coef_[0, 0]), float(-platt.intercept_[0])],
        "threshold": args.threshold,
        "category_intercepts": [round(float(v), 5) for v in head.intercept_],
        "grams": [str(g) for g in vectorizer.get_feature_names_out()],
        "idf": [round(float(v), 5) for v in vectorizer.idf_],
        "weights": [round(float(v), 5) for v in binary.coef_[0]],
        "category_weights": [[round(float(v), 4) for v in col] for col in head.coef_.T],
    }
    body = json.dumps(artifact, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    (DATA / ARTIFACT).write_bytes(gzip.compress(body, mtime=0))
    print(
        f"{len(rows)} messages, {x.shape[1]} n-grams; five-fold CV by template at {args.threshold}: "
        f"recall {flagged[bad].mean():.3f}, false positives {flagged[~bad].mean():.3f}; "
        f"{(DATA / ARTIFACT).stat().st_size / 1e6:.2f} MB; {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
