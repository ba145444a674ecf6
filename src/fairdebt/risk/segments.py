"""Segments of a scorecard: parts of the book where one points table does not fit all.

A single WOE scorecard weighs each characteristic the same way for every applicant. Where risk
works differently in part of the book (applicants already 90 days late, for whom utilisation
says less than for clean files), the standard remedy is a segmented scorecard: the same bins,
with WOE, regression and points estimated within each segment. :func:`find_segments` grows that
segmentation as a small tree over the bins of the strongest characteristics.

A split is kept only if it raises the AUC on held-out rows (a seeded third of a sample of the
training rows) by at least ``min_gain`` and by ``min_z`` standard errors of DeLong's test for
correlated AUCs, so that a small book's noise does not pass for a segment (German credit keeps
one); each side must keep ``min_share`` of the rows and ``min_events`` goods and bads. AUC,
not deviance, decides because a scorecard is chosen for how it ranks: a split that only
recalibrates part of the book (utilisation within clean files, say) lowers the deviance but
ranks no better. The quick model behind each candidate is the scorecard's own WOE and logistic
regression, fitted on the sample; it costs a few bin counts and Newton steps per candidate.

Segments are disjoint and cover every row. Each is a conjunction of "characteristic in these
bins" conditions, so it reads as a rule in reports and reason codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import isotonic_regression
from scipy.stats import rankdata

from fairdebt.risk.regression import logistic_fit
from fairdebt.risk.validation import auc

__all__ = ["Segment", "describe_bins", "find_segments", "segment_of", "within_woe"]


@dataclass(frozen=True)
class Segment:
    """One segment: rows whose bin of each condition's characteristic is in its bin set."""

    conditions: tuple[tuple[str, tuple[int, ...]], ...] = ()
    rule: str = "all"

    def mask(self, index: Mapping[str, np.ndarray], n_rows: int) -> np.ndarray:
        """Rows of this segment, from each characteristic's bin index per row."""
        inside = np.ones(n_rows, dtype=bool)
        for feature, bins in self.conditions:
            inside &= np.isin(index[feature], bins)
        return inside


def segment_of(segments: Sequence[Segment], index: Mapping[str, np.ndarray], n: int) -> np.ndarray:
    """The segment number of every row (segments are disjoint and cover every row)."""
    out = np.zeros(n, dtype=np.int64)
    for number, segment in enumerate(segments[1:], start=1):
        out[segment.mask(index, n)] = number
    return out


def within_woe(
    count: np.ndarray, bad: np.ndarray, shape: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """WOE and IV of each bin of one segment, following the whole book's trend.

    ``count`` and ``bad`` are the segment's rows and bads per bin (regular bins, then Special
    and Missing); ``shape`` is the whole book's bad rate per regular bin. Each filled bin's
    bad rate is taken as ``(bads + 0.5) / (rows + 1)`` (finite for a bin with no bads, common
    in a small segment). Where the segment's rates cross the book's trend (rising, falling,
    or rising then falling), neighbouring bins are pooled (isotonic regression weighted by
    rows), so that a bin never earns more points than a bin the book found safer: a reason
    code then always points the right way. An empty bin has WOE 0 (neutral points).
    """
    count = np.asarray(count, dtype=float)
    filled = count > 0
    rate = np.where(filled, (np.asarray(bad, dtype=float) + 0.5) / (count + 1.0), 0.5)
    regular = len(shape)
    rate[:regular] = _follow(count[:regular], rate[:regular], np.asarray(shape, dtype=float))
    bads = float((rate * count)[filled].sum())
    goods = float(((1.0 - rate) * count)[filled].sum())
    woe = np.where(
        filled, np.log((1.0 - rate) / rate) - np.log(max(goods, 1e-9) / max(bads, 1e-9)), 0.0
    )
    bad_share = np.where(filled, rate * count, 0.0) / max(bads, 1e-9)
    good_share = np.where(filled, (1.0 - rate) * count, 0.0) / max(goods, 1e-9)
    return woe, (good_share - bad_share) * woe


def _follow(count: np.ndarray, rate: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """Bad rates per bin pooled so that they follow the trend of ``shape``."""
    rate = rate.copy()
    filled = np.flatnonzero(count > 0)
    if len(filled) < 2:
        return rate
    reference = shape[filled]
    steps = np.diff(reference)
    if np.all(steps >= 0) or np.all(steps <= 0):
        pieces = [(filled, bool(reference[-1] >= reference[0]))]
    else:  # a peak or a valley: each side of the turn follows its own direction
        turn = int(np.argmax(reference) if steps[0] > 0 else np.argmin(reference))
        pieces = [(filled[: turn + 1], bool(steps[0] > 0)), (filled[turn:], bool(steps[0] < 0))]
    for bins, rising in pieces:
        if len(bins) < 2:
            continue
        rate[bins] = isotonic_regression(rate[bins], weights=count[bins], increasing=rising).x
    return rate


@dataclass
class _Book:
    """The bins of the candidate characteristics per row, offset into one flat WOE vector."""

    features: list[str]
    flat: np.ndarray  # rows x features: bin index + the feature's offset
    offsets: np.ndarray
    n_flat: int
    y: np.ndarray  # 0/1
    held: np.ndarray  # True for the held-out third
    start: np.ndarray | None = None  # the whole sample's quick model, where the others start

    def woe(self, rows: np.ndarray) -> np.ndarray:
        """The WOE of every flat bin on ``rows`` (half a good and half a bad added)."""
        bins = self.flat[rows]
        count = np.bincount(bins.ravel(), minlength=self.n_flat)
        bad = np.bincount(bins[self.y[rows] == 1].ravel(), minlength=self.n_flat)
        good = count - bad
        n_features = len(self.features)
        woe = np.log((good + 0.5) / (good.sum() / n_features + 1.0)) - np.log(
            (bad + 0.5) / (bad.sum() / n_features + 1.0)
        )
        return np.asarray(woe, dtype=float)

    def predict(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Held-out rows of ``rows`` and their log-odds from a model fitted on the others."""
        fit = np.flatnonzero(rows & ~self.held)
        held = np.flatnonzero(rows & self.held)
        woe = self.woe(fit)
        coef, intercept = logistic_fit(
            woe[self.flat[fit]], self.y[fit].astype(float), max_steps=4, start=self.start
        )
        if self.start is None:
            self.start = np.append(coef, intercept)
        return held, woe[self.flat[held]] @ coef + intercept


def find_segments(
    index: Mapping[str, np.ndarray],
    y: np.ndarray,
    *,
    n_regular: Mapping[str, int],
    labels: Mapping[str, Sequence[str]],
    iv: Mapping[str, float],
    max_depth: int = 3,
    top_k: int = 3,
    min_share: float = 0.05,
    min_events: int = 100,
    min_gain: float = 0.0005,
    min_z: float = 1.0,
    max_rows: int = 40_000,
    seed: int = 0,
) -> list[Segment]:
    """Grow the segmentation tree; return its leaves (one segment when no split pays).

    ``index`` gives each characteristic's bin per row: regular bins ``0..n_regular-1`` in
    order, then Special, then Missing (``labels`` names them). Splits are tried on the
    ``top_k`` characteristics by information value, at up to six boundaries between regular
    bins; Special and Missing go to the side whose bad rate is closer to theirs.
    """
    features = list(index)
    n = len(y)
    if max_depth < 1 or not features or n < 3:
        return [Segment()]
    sizes = [n_regular[f] + 2 for f in features]
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    rng = np.random.default_rng(seed)
    # the search runs on at most max_rows rows: enough to measure AUC gains of min_gain,
    # few enough that a candidate costs milliseconds
    sample = np.sort(rng.choice(n, max_rows, replace=False)) if n > max_rows else np.arange(n)
    book = _Book(
        features=features,
        flat=np.column_stack([index[f][sample] for f in features]) + offsets,
        offsets=offsets,
        n_flat=int(sum(sizes)),
        y=(y[sample] == 1).astype(np.int64),
        held=rng.random(len(sample)) < 1.0 / 3.0,
    )
    everyone = np.ones(len(sample), dtype=bool)
    held, z = book.predict(everyone)
    truth = book.y[held]
    if len(np.unique(truth)) < 2:
        return [Segment()]
    where = np.full(len(sample), -1)
    where[held] = np.arange(len(held))  # position of each held-out row in z
    current = auc(truth, z)
    search = _Search(
        book=book,
        truth=truth,
        where=where,
        candidates=sorted(features, key=lambda f: -iv.get(f, 0.0))[:top_k],
        n_regular=n_regular,
        labels=labels,
        big_enough=lambda side: _big_enough(side, book.y, len(sample), min_share, min_events),
    )
    leaves = [(Segment(), everyone)]
    for _ in range(max_depth):
        grown = []
        for segment, rows in leaves:
            best = search.best(segment, rows, z)
            if (
                best is not None
                and best[0] - current >= min_gain
                and _delong_z(truth, z, best[2]) >= min_z
            ):
                current, z = best[0], best[2]
                grown.extend(best[1])
            else:
                grown.append((segment, rows))
        if len(grown) == len(leaves):
            break
        leaves = grown
    return [segment for segment, _ in leaves]


_Children = list[tuple[Segment, np.ndarray]]


@dataclass
class _Search:
    """What every candidate split is judged with: the sample and its held-out truth."""

    book: _Book
    truth: np.ndarray  # 0/1 of the held-out rows
    where: np.ndarray  # position of each sample row among the held-out rows (-1 if fitted)
    candidates: list[str]
    n_regular: Mapping[str, int]
    labels: Mapping[str, Sequence[str]]
    big_enough: Callable[[np.ndarray], bool]

    def best(
        self, segment: Segment, rows: np.ndarray, z: np.ndarray
    ) -> tuple[float, _Children, np.ndarray] | None:
        """The split of ``rows`` with the highest held-out AUC of the whole sample.

        ``z`` holds the current log-odds of every held-out row; a candidate replaces those
        of ``rows`` with its two sides' models, so AUC is measured across segments.
        """
        best = None
        for children, scores in _splits(self, segment, rows):
            trial = z.copy()
            for rows_held, values in scores:
                trial[self.where[rows_held]] = values
            area = auc(self.truth, trial)
            if best is None or area > best[0]:
                best = (area, children, trial)
        return best


def _delong_z(truth: np.ndarray, before: np.ndarray, after: np.ndarray) -> float:
    """DeLong's z for the AUC gain of ``after`` over ``before`` on the same rows.

    The two AUCs are correlated (same rows, mostly the same scores); DeLong's variance of
    their difference is the standard test for comparing credit scores on one sample.
    """
    bad = truth == 1
    n_bad, n_good = int(bad.sum()), int((~bad).sum())
    if n_bad < 2 or n_good < 2:
        return 0.0
    components_bad, components_good, aucs = [], [], []
    for score in (before, after):
        every = rankdata(score)
        among_bad = rankdata(score[bad])
        among_good = rankdata(score[~bad])
        aucs.append((every[bad].sum() / n_bad - (n_bad + 1) / 2) / n_good)
        components_bad.append((every[bad] - among_bad) / n_good)
        components_good.append(1.0 - (every[~bad] - among_good) / n_bad)
    covariance = np.cov(components_bad) / n_bad + np.cov(components_good) / n_good
    variance = covariance[0, 0] + covariance[1, 1] - 2 * covariance[0, 1]
    if variance <= 0:
        return 0.0
    return float((aucs[1] - aucs[0]) / np.sqrt(variance))


def _splits(
    search: _Search, segment: Segment, rows: np.ndarray
) -> Iterator[tuple[_Children, list[tuple[np.ndarray, np.ndarray]]]]:
    """Every candidate split of ``rows`` whose sides are big enough: its two children and
    their held-out log-odds."""
    book = search.book
    for feature in search.candidates:
        column = book.features.index(feature)
        bins = book.flat[:, column] - book.offsets[column]
        regular = search.n_regular[feature]
        for cut in _cuts(bins[rows], regular, 6):
            sides, members = _sides(bins, rows, book.y, cut, regular)
            # sizes first: the quick models are the expensive part
            if not all(search.big_enough(side) and (side & ~book.held).any() for side in sides):
                continue
            children = []
            for side, held in zip(sides, members, strict=True):
                names = describe_bins(search.labels[feature], held, regular)
                rule = f"{feature} in {names}"
                rule = rule if segment.rule == "all" else f"{segment.rule}; {rule}"
                children.append((Segment((*segment.conditions, (feature, held)), rule), side))
            yield children, [book.predict(side) for side in sides]


_INTERVAL = re.compile(r"^[\[(](-inf|[-+0-9.e]+), (inf|[-+0-9.e]+)\)$")


def describe_bins(labels: Sequence[str], bins: Sequence[int], regular: int) -> str:
    """A set of bins as a reader wants it: neighbouring intervals merged into one.

    ``[0.50, 1.50) | [1.50, inf) | Special`` reads ``[0.50, inf) | Special``. Regular bins
    (``0..regular-1``) are merged only where they are neighbours and their labels are
    numeric intervals; category groups and the Special and Missing bins are listed as they are.
    """
    runs: list[list[int]] = []
    for b in sorted(b for b in bins if b < regular):
        if runs and b == runs[-1][-1] + 1:
            runs[-1].append(b)
        else:
            runs.append([b])
    names = []
    for run in runs:
        first, last = _INTERVAL.match(labels[run[0]]), _INTERVAL.match(labels[run[-1]])
        if len(run) > 1 and first and last and all(_INTERVAL.match(labels[b]) for b in run):
            names.append(f"{labels[run[0]][0]}{first.group(1)}, {last.group(2)})")
        else:
            names.extend(labels[b] for b in run)
    names.extend(labels[b] for b in bins if b >= regular)
    return " | ".join(names)


def _cuts(bins: np.ndarray, regular: int, most: int) -> list[int]:
    """Up to ``most`` cut points between regular bins, at evenly spaced shares of the rows."""
    counts = np.bincount(bins[bins < regular], minlength=regular)
    if regular < 2 or counts.sum() == 0:
        return []
    if regular - 1 <= most:
        return list(range(1, regular))
    below = np.cumsum(counts)[:-1] / counts.sum()  # share of rows below cut 1..regular-1
    wanted = np.linspace(0.0, 1.0, most + 2)[1:-1]
    return sorted({int(np.argmin(np.abs(below - share))) + 1 for share in wanted})


def _sides(
    bins: np.ndarray, rows: np.ndarray, y: np.ndarray, cut: int, regular: int
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[tuple[int, ...], tuple[int, ...]]]:
    """Rows below and at-or-above ``cut``, and the bins of each side.

    Special and Missing join the side whose bad rate is closer to theirs (the low side when
    they have no rows here), so every bin of the characteristic belongs to exactly one side.
    """
    low, high = rows & (bins < cut), rows & (bins >= cut) & (bins < regular)
    low_bins, high_bins = list(range(cut)), list(range(cut, regular))
    for extra in (regular, regular + 1):  # Special, then Missing
        members = rows & (bins == extra)
        rate = y[members].mean() if members.any() else np.nan
        low_rate = y[low].mean() if low.any() else 0.0
        high_rate = y[high].mean() if high.any() else 0.0
        if members.any() and abs(rate - high_rate) < abs(rate - low_rate):
            high, high_bins = high | members, [*high_bins, extra]
        else:
            low, low_bins = low | members, [*low_bins, extra]
    return (low, high), (tuple(low_bins), tuple(high_bins))


def _big_enough(side: np.ndarray, y: np.ndarray, n: int, min_share: float, min_events: int) -> bool:
    rows = int(side.sum())
    bads = int(y[side].sum())
    return rows >= min_share * n and bads >= min_events and rows - bads >= min_events
