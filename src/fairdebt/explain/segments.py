"""Where a rate stepped: a per-segment Poisson likelihood-ratio step search with a max-T bound.

For every segment (one value of one dimension: a province, a product, a channel, a score band)
the weekly count of dues entering collection is set against its *exposure*: the dues' expected
entries under the reference regime (age, province, product) times the week's observed over
expected on the *rest* of the book along that dimension, so a move the whole portfolio makes
(a macro shock) is no step of any segment, and a segment that moved on its own (a regional
shock) is. For each segment and each split week the one-sided likelihood-ratio statistic of a
step up in the rate (two Poisson rates, before and after, against one) is computed from
cumulative sums; the segment's statistic is its maximum over the split weeks, and the split is
its change date. A value's thin history is read with the evidence of the values like it: an
empirical-Bayes gamma prior from the other values of its dimension (their rate, and their spread
beyond Poisson noise at its upper bound) weighs the rate before the step at the split the
value's own evidence chose, unless the value's history lies above it (a value unlike the others).

Searching over many segments and dates makes a large maximum likely by chance. The bound is the
distribution of the *maximum statistic over every value and every split of the segment's dimension*
under no change (max-T, Westfall and Young, one per dimension): a parametric bootstrap draws every
segment's weekly counts from Poisson with a constant rate times its exposure (its own rate, or one
drawn from its prior), from generators keyed by ``seed`` and the dimension's name; a segment's p is
the share of draws whose maximum in its dimension reaches its statistic (counting itself), times the
number of dimensions searched (Bonferroni), and it is named only when that adjusted p-value is at
most ``alpha``. That controls the chance of naming any segment on a book where nothing moved at
``alpha``, whatever the number of provinces or weeks, and gives each dimension its share of the
level whatever the tails of the others' null maxima. Named segments are ordered by their excess
entries after the step over the rate before it (explanatory power). Vintages are not searched: a
cohort starts mid-book by construction (the cohort test of :mod:`.mechanism` judges them).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import xlogy

from fairdebt.explain.localize import Cause, localize, make_leaves

__all__ = [
    "ALPHA",
    "SEARCHED",
    "SEGMENT_SHARE",
    "SegmentStep",
    "common_factor",
    "did_z",
    "element_mask",
    "find_steps",
    "log_ratio",
    "ripple_causes",
    "share_of_change",
    "step_causes",
]

# A segment named by ripple search must carry at least this share of the excess over
# expectation.
SEGMENT_SHARE = 0.2
# One-sided level of the tests that decide the mechanism and the segments (Bonferroni over the
# candidate segments for ripple search): the conventional 1 %, nothing fitted to a scenario.
ALPHA = 0.01
# The dimensions searched for a step in time; vintage is a cohort, not a place (see above).
SEARCHED = ("province", "product", "channel", "score_band")
MIN_WEEKS = 3  # each side of a split holds at least this many weeks with exposure
# ... and at least this many expected entries: a split leaving a handful of expected entries
# on one side (a small province's first or last weeks) cannot establish a rate there, and
# such splits give the largest statistics under no change, so they set the max-T bound for
# every segment. The same 10 expected entries' worth of evidence as PRIOR. Counted at the
# segment's own rate under no change (its entries over its exposure, the rate the bootstrap
# draws at), not in units of the exposure: the likelihood ratio does not depend on the
# exposure's scale, which the segment's reference factor sets (on a regional shock that factor
# already carries the shock), so the splits it may take should not either.
MIN_EXPECTED = 10.0
REPLICATES = 400  # bootstrap draws of the maximum statistic under no change
AGE = "seq"  # the due's age: segment and rest are compared at the same age in the same week
PRIOR = 10.0  # expected entries' worth of the rest's whole week in each (week, age) factor
# A dimension's spread between its values is estimated from the other values (below): with
# fewer than this many in all, it cannot be (two products say nothing about a third), and the
# dimension's segments are tested on their own evidence alone, as before the prior.
MIN_VALUES = 6
CONFLICT_Z = float(stats.norm.isf(0.05))  # a history above the prior's, one-sided at 5 %


@dataclass(frozen=True, slots=True)
class SegmentStep:
    """One segment's best step up: its date, likelihood ratio, size and excess entries."""

    dimension: str
    value: str
    on: dt.date
    statistic: float
    ratio: float
    excess: float
    p_value: float

    @property
    def label(self) -> str:
        return f"{self.dimension}={self.value}"

    @property
    def significant(self) -> bool:
        """Beyond the max-T bound at ALPHA, whatever level the search was asked at."""
        return self.p_value <= ALPHA


def _series(
    dues: pd.DataFrame,
    dims: tuple[str, ...],
    expected: str,
    factors: Mapping[str, pd.Series] | None = None,
) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray, pd.Timestamp]:
    """Weekly observed entries and exposure per segment: arrays (segments, weeks).

    The exposure is each (week, age) cell's expected entries times the rest's observed over
    expected in the same cell, shrunk toward the rest's whole week by PRIOR expected entries:
    comparing at the same age in the same week keeps a misfit of the age curve (older ages
    first seen after a shock carry it in their expectation) out of the segment's step. A
    segment's own factor in ``factors`` (its relative risk in the reference regime) is taken
    out of its exposure, so the values of a dimension are on one scale and can be compared
    with each other (the prior below); on a shocked province that factor carries the shock.
    """
    start = dues["due_on"].min()
    week = ((dues["due_on"] - start).dt.days // 7).to_numpy()
    weeks = int(week.max()) + 1
    age_codes = pd.factorize(dues[AGE])[0] if AGE in dues.columns else np.zeros(len(dues), int)
    ages = int(age_codes.max()) + 1
    wa = week * ages + age_codes
    entered, e_due = dues["entered"].to_numpy(float), dues[expected].to_numpy(float)
    o_all = np.bincount(wa, weights=entered, minlength=weeks * ages).reshape(weeks, ages)
    e_all = np.bincount(wa, weights=e_due, minlength=weeks * ages).reshape(weeks, ages)
    keys: list[tuple[str, str]] = []
    observed, exposure = [], []
    for dim in dims:
        codes, values = pd.factorize(dues[dim].astype(str))
        if len(values) < 2:
            continue
        shape = (len(values), weeks, ages)
        cell = codes * weeks * ages + wa
        o = np.bincount(cell, weights=entered, minlength=int(np.prod(shape))).reshape(shape)
        e = np.bincount(cell, weights=e_due, minlength=int(np.prod(shape))).reshape(shape)
        o_rest, e_rest = o_all - o, e_all - e
        o_week, e_week = o_rest.sum(axis=2, keepdims=True), e_rest.sum(axis=2, keepdims=True)
        overall = o_week.sum(axis=1, keepdims=True) / np.maximum(
            e_week.sum(axis=1, keepdims=True), 1e-12
        )
        # A week the rest never saw keeps the rest's overall factor.
        week_factor = np.where(e_week > 0, o_week / np.maximum(e_week, 1e-12), overall)
        common = (o_rest + PRIOR * week_factor) / (e_rest + PRIOR)
        own = np.ones(len(values))
        if factors is not None and dim in factors:
            own = (
                pd.Series(values.astype(str))
                .map(factors[dim].rename(index=str))
                .fillna(1.0)
                .to_numpy(float)
            )
        keys += [(dim, str(v)) for v in values]
        observed.append(o.sum(axis=2))
        exposure.append((e * common).sum(axis=2) / np.maximum(own, 1e-9)[:, None])
    if not keys:
        return [], np.zeros((0, weeks)), np.zeros((0, weeks)), start
    return keys, np.vstack(observed), np.vstack(exposure), start


def _step_statistics(
    o: np.ndarray, x: np.ndarray, prior: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The best one-sided step-up LR per row of ``o`` (..., rows, weeks) and its split index.

    The split ``k`` puts weeks ``0..k`` before and ``k+1..`` after; both sides need
    MIN_WEEKS weeks with exposure and MIN_EXPECTED expected entries at the row's own rate
    under no change (its entries over its exposure), and the split is the one whose LR on the
    row's own evidence is largest, so rescaling a row's exposure changes neither. ``prior``
    gives each row's gamma prior on its rate before the step and under no change, as
    pseudo-entries and pseudo-exposure (:func:`_prior`); the statistic at that split is then
    the penalised likelihood ratio, the rate after the step left free. The prior weighs the
    evidence for the segment's own date and does not choose it: a split chosen where the prior
    helps most would find a step in any value a little unlike the others. Returns
    (statistic, k) over the last axis.
    """
    co, cx = np.cumsum(o, axis=-1), np.cumsum(x, axis=-1)
    total_o, total_x = co[..., -1:], cx[..., -1:]
    o1, x1 = co[..., :-1], cx[..., :-1]
    o2, x2 = total_o - o1, total_x - x1
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(total_x > 0, total_o / total_x, 0.0)
    weeks_seen = np.cumsum(x > 0, axis=-1)
    before_ok = weeks_seen[..., :-1] >= MIN_WEEKS
    after_ok = (weeks_seen[..., -1:] - weeks_seen[..., :-1]) >= MIN_WEEKS
    enough = (x1 * own >= MIN_EXPECTED) & (x2 * own >= MIN_EXPECTED)
    allowed = before_ok & after_ok & enough & (x1 > 0)
    plain = _penalised(o1, x1, o2, x2, total_o, total_x, 0.0, 0.0, allowed)
    k = plain.argmax(axis=-1)
    if prior is None:
        return plain.max(axis=-1), k
    pick = k[..., None]
    o1k, x1k, o2k, x2k = (
        np.take_along_axis(np.broadcast_to(v, o1.shape), pick, axis=-1) for v in (o1, x1, o2, x2)
    )
    a, b = _consistent(o1k, x1k, prior)
    valid = np.take_along_axis(plain, pick, axis=-1) > 0
    lr = _penalised(o1k, x1k, o2k, x2k, total_o, total_x, a, b, valid)
    return lr[..., 0], k


def _penalised(
    o1: np.ndarray,
    x1: np.ndarray,
    o2: np.ndarray,
    x2: np.ndarray,
    total_o: np.ndarray,
    total_x: np.ndarray,
    a: np.ndarray | float,
    b: np.ndarray | float,
    valid: np.ndarray,
) -> np.ndarray:
    """The one-sided step-up LR, the rate before and under no change with ``a`` pseudo-entries
    in ``b`` pseudo-exposure (0 where ``valid`` is false or the rate did not rise)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r1 = np.where(x1 + b > 0, (o1 + a) / (x1 + b), 0.0)
        r2 = np.where(x2 > 0, o2 / x2, 0.0)
        r0 = np.where(total_x + b > 0, (total_o + a) / (total_x + b), 0.0)
        lr = 2 * (
            xlogy(o1 + a, np.where(r1 > 0, r1, 1.0))
            + xlogy(o2, np.where(r2 > 0, r2, 1.0))
            - xlogy(total_o + a, np.where(r0 > 0, r0, 1.0))
        )
    return np.where(valid & (r2 > r1), np.maximum(lr, 0.0), 0.0)


def _consistent(
    o1: np.ndarray, x1: np.ndarray, prior: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The prior of each row for each split, dropped where the history before it contradicts it.

    A prior from the other values is evidence about a value like them; a value whose own
    entries before the split lie beyond CONFLICT_Z of the prior's predictive (negative
    binomial: the count's Poisson variance plus the prior's) is not like them, and reading its
    history at their rate would call its constant difference a step (prior-data conflict,
    Evans and Moshonov 2006). For such a split the row's own evidence alone decides.
    """
    a, b = prior[0][:, None], prior[1][:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(b > 0, a / np.where(b > 0, b, 1.0), 0.0) * x1
        spread = mean + np.where(a > 0, mean**2 / np.where(a > 0, a, 1.0), 0.0)
    conflict = o1 - mean > CONFLICT_Z * np.sqrt(np.maximum(spread, 1e-12))
    return np.where(conflict, 0.0, a), np.where(conflict, 0.0, b)


def find_steps(
    dues: pd.DataFrame,
    *,
    dims: tuple[str, ...] | None = None,
    expected: str = "expected_count",
    alpha: float = 0.01,
    replicates: int = REPLICATES,
    seed: int = 14,
    factors: Mapping[str, pd.Series] | None = None,
) -> list[SegmentStep]:
    """Segments whose rate stepped up beyond the max-T bound, most excess first.

    At ``alpha`` 1 the search ranks: every segment with a step up comes back with its adjusted
    p-value, and only those at ALPHA or below are :attr:`SegmentStep.significant`.
    ``dues`` has ``due_on``, ``entered`` (0/1), the ``expected`` entries of each due under the
    reference regime, and the dimension columns; ``dims`` defaults to the searched dimensions
    present; ``factors`` the reference regime's relative risk of each value (value → factor)
    for the dimensions whose expectation holds one. Nothing is returned when fewer than
    2 × MIN_WEEKS weeks are seen.
    """
    dims = tuple(d for d in (dims or SEARCHED) if d in dues.columns and d != "vintage")
    if dues.empty or not dims:
        return []
    keys, o, x, start = _series(dues, dims, expected, factors)
    if not keys or o.shape[1] < 2 * MIN_WEEKS:
        return []
    dimension = [d for d, _ in keys]
    prior = _prior(o.sum(axis=1), x.sum(axis=1), dimension)
    statistic, split = _step_statistics(o, x, prior)
    p_values = _adjusted_p(o, x, statistic, dimension, prior, replicates, seed)
    named = []
    for i in np.flatnonzero((p_values <= alpha) & (statistic > 0)):
        k = int(split[i])
        o_after, x_after = o[i, k + 1 :].sum(), x[i, k + 1 :].sum()
        # The rate before, with the other values' evidence (the statistic's own).
        r_before = (o[i, : k + 1].sum() + prior[0][i]) / max(
            x[i, : k + 1].sum() + prior[1][i], 1e-12
        )
        r_after = o_after / max(x_after, 1e-12)
        named.append(
            SegmentStep(
                dimension=keys[i][0],
                value=keys[i][1],
                on=(start + pd.Timedelta(days=7 * (k + 1))).date(),
                statistic=float(statistic[i]),
                ratio=float(r_after / r_before) if r_before > 0 else float("inf"),
                excess=float(o_after - r_before * x_after),
                p_value=float(p_values[i]),
            )
        )
    return sorted(named, key=lambda s: -s.excess)


def _prior(
    entries: np.ndarray, exposure: np.ndarray, dimension: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Each segment's gamma prior on its rate, from the *other* values of its dimension.

    Empirical Bayes (Poisson-gamma, moments as DerSimonian and Laird): the others' mean rate
    ``m`` and the variance ``tau2`` of their rates beyond Poisson noise give the prior's
    pseudo-entries ``m² / tau2`` and pseudo-exposure ``m / tau2``. Values as alike as the
    simulator's provinces give a strong prior (a thin before side is read near the others'
    rate); values as different as products or score bands a weak one, and a dimension of
    fewer than MIN_VALUES values none. Leaving the segment out keeps its own step from
    widening its own prior; a segment whose own history is unlike the others' is read without
    it (:func:`_consistent`). Returns (pseudo-entries, pseudo-exposure) per segment.
    """
    a, b = np.zeros(len(dimension)), np.zeros(len(dimension))
    codes, names = pd.factorize(pd.Series(dimension))
    for d in range(len(names)):
        rows = np.flatnonzero((codes == d) & (exposure > 0))
        if len(rows) < MIN_VALUES or entries[rows].sum() <= 0:
            continue
        o, x = entries[rows], exposure[rows]
        o_rest, x_rest = o.sum() - o, x.sum() - x
        m = np.maximum(o_rest / x_rest, 1e-12)
        q = ((o**2 / x).sum() - o**2 / x) / m - 2 * o_rest + m * x_rest
        # The spread at its upper confidence bound: Q's excess over its degrees of freedom
        # plus ``z`` of its standard deviation under no spread (chi-squared), so values that
        # look alike weigh only as much as their counts can show it, never without end.
        df = len(rows) - 2
        excess = np.maximum(q - df + float(stats.norm.isf(ALPHA)) * np.sqrt(2 * df), 1.0)
        tau2 = m * excess / (x_rest - ((x**2).sum() - x**2) / x_rest)
        a[rows] = m**2 / tau2
        b[rows] = m / tau2
    return a, b


def _adjusted_p(
    o: np.ndarray,
    x: np.ndarray,
    statistic: np.ndarray,
    dimension: list[str],
    prior: tuple[np.ndarray, np.ndarray],
    replicates: int,
    seed: int,
) -> np.ndarray:
    """Each segment's p against its own dimension's max-T bound, times the dimensions searched.

    Under no change each segment's counts are drawn at its own constant rate times its exposure,
    each dimension from its own generators (:func:`_null_maxima`); in each draw the maximum
    statistic over every value and split is taken *per dimension*. A pooled maximum would give the
    level to the dimension whose null maximum has the heaviest tail (three large products with many
    allowed splits) and almost none to a dimension of many thin values (provinces); a dimension is
    one question (a region, a product's terms), so each gets its own bound and Bonferroni over the
    dimensions keeps the chance of naming any segment on a book where nothing moved at the level
    asked. A segment with a prior (:func:`_prior`) is drawn at a rate from that prior, the same in
    every week (its value is like the others and did not step: a prior predictive null); one
    without, at its own constant rate.
    """
    codes, names = pd.factorize(pd.Series(dimension))
    a, b = prior
    rate = o.sum(axis=1) / np.maximum(x.sum(axis=1), 1e-12)
    maxima = np.empty((replicates, len(names)))
    for d, name in enumerate(names):
        rows = codes == d
        maxima[:, d] = _null_maxima(
            o[rows], x[rows], rate[rows], (a[rows], b[rows]), replicates, [seed, _key(name)]
        )
    reached = (maxima[:, codes] >= statistic[None, :]).sum(axis=0)
    p_values: np.ndarray = np.minimum(1.0, len(names) * (1 + reached) / (1 + replicates))
    return p_values


def _key(name: str) -> int:
    """A dimension's stable key for its generators (the same in every process and run)."""
    return zlib.crc32(name.encode("utf-8"))


def _null_maxima(
    o: np.ndarray,
    x: np.ndarray,
    rate: np.ndarray,
    prior: tuple[np.ndarray, np.ndarray],
    replicates: int,
    key: list[int],
) -> np.ndarray:
    """One dimension's maximum statistic in each draw under no change (see :func:`_adjusted_p`).

    The dimension draws from its own generators, keyed by ``seed`` and its name, so its bound
    depends on its own values only: another dimension's values, or their priors, never move it
    by a draw.
    """
    rng = np.random.default_rng(key)
    spread = np.random.default_rng([*key, 1])  # the priors' draws leave the counts' stream be
    a, b = prior
    with_prior = a > 0
    maxima = np.empty(replicates)
    chunk = max(1, 20_000_000 // max(o.size, 1))
    for begin in range(0, replicates, chunk):
        n = min(chunk, replicates - begin)
        rates = np.broadcast_to(rate, (n, len(rate))).copy()
        if with_prior.any():
            shape = a[with_prior]
            rates[:, with_prior] = spread.gamma(shape, 1.0 / b[with_prior], (n, len(shape)))
        drawn = rng.poisson(rates[:, :, None] * x[None, :, :]).astype(float)
        maxima[begin : begin + n] = _step_statistics(drawn, x, prior)[0].max(axis=1)
    return maxima


def share_of_change(
    dues: pd.DataFrame, step: SegmentStep, expected: str = "expected_count"
) -> float:
    """The segment's excess after its step over the whole book's excess after the same date.

    The book's excess is its entries from ``step.on`` less its expectation at the ratio of
    entries to expectation before that date. A segment is *where* a change happened when it
    carries a real share of it; a segment that stepped a little more than the rest while the
    whole book moved (a macro shock) carries a small one. 1 when the book did not move.
    """
    after = (dues["due_on"] >= pd.Timestamp(step.on)).to_numpy()
    o, x = dues["entered"].to_numpy(float), dues[expected].to_numpy(float)
    x_before = x[~after].sum()
    if x_before <= 0:
        return 1.0
    excess = o[after].sum() - o[~after].sum() / x_before * x[after].sum()
    return float(step.excess / excess) if excess > 0 else 1.0


def step_causes(steps: list[SegmentStep]) -> list[Cause]:
    """The stepped segments as causes: power is each one's share of the named excess."""
    total = sum(max(s.excess, 0.0) for s in steps)
    return [
        Cause(((s.dimension, s.value),), max(s.excess, 0.0) / total if total else 0.0,
              s.statistic, s.statistic)
        for s in steps
    ]  # fmt: skip


def element_mask(frame: pd.DataFrame, element: tuple[tuple[str, str], ...]) -> np.ndarray:
    inside: np.ndarray = np.logical_and.reduce(
        [frame[d].astype(str).to_numpy() == v for d, v in element]
    )
    return inside


def log_ratio(observed: float, expected: float) -> float:
    return float(np.log(max(observed, 0.5) / max(expected, 1e-9)))


def common_factor(dues: pd.DataFrame, rest: np.ndarray) -> np.ndarray:
    """Each due's week's observed over expected on the ``rest`` of the book (1 where empty)."""
    week = ((dues["due_on"] - dues["due_on"].min()).dt.days // 7).to_numpy()
    g = (
        pd.DataFrame(
            {
                "w": week[rest],
                "o": dues["num"].to_numpy()[rest],
                "e": dues["expected"].to_numpy()[rest],
            }
        )
        .groupby("w")[["o", "e"]]
        .sum()
    )
    factor = (g["o"] / g["e"]).where(g["e"] > 0)
    mapped: np.ndarray = pd.Series(week).map(factor).fillna(1.0).clip(lower=0.05).to_numpy(float)
    return mapped


def did_z(after: pd.DataFrame, before: pd.DataFrame, element: tuple[tuple[str, str], ...]) -> float:
    """One-sided z of the difference in differences of ``ln(O/E)``: inside ``element`` against
    outside it, after against before (Poisson variances; 0 when a cell has no entry)."""
    now, was = element_mask(after, element), element_mask(before, element)
    cells = [(after["entered"][m].sum(), after["expected_count"][m].sum()) for m in (now, ~now)]
    cells += [(before["entered"][m].sum(), before["expected_count"][m].sum()) for m in (was, ~was)]
    if min(o for o, _ in cells) <= 0:
        return 0.0
    (o_ia, e_ia), (o_oa, e_oa), (o_ib, e_ib), (o_ob, e_ob) = cells
    did = (log_ratio(o_ia, e_ia) - log_ratio(o_ib, e_ib)) - (
        log_ratio(o_oa, e_oa) - log_ratio(o_ob, e_ob)
    )
    return float(did / np.sqrt(sum(1 / o for o, _ in cells)))


def ripple_causes(
    after: pd.DataFrame,
    dims: tuple[str, ...],
    before: pd.DataFrame,
    *,
    existing_before: pd.Timestamp | None = None,
) -> list[Cause]:
    """Segments that moved beyond the portfolio's common factor and carry their share.

    Ripple search proposes the segments; each is kept only when (1) it carries SEGMENT_SHARE
    of the excess over expectation, and (2) a difference-in-differences test says it moved
    more than the rest of the book: ``ln(O/E)`` after less before the change, inside the
    segment against outside it, one-sided z with Poisson variances at ALPHA divided by the
    number of candidate segments (Bonferroni). A big product moving with everyone else has
    no difference in differences; a shocked province has. With ``existing_before``, the test
    must also hold on the cohorts disbursed before it alone (a move in time shows in them;
    new cohorts that are worse do not), and segments of the vintage dimension are left to the
    cohort test.
    """
    frame = after.assign(count=1.0, count_f=1.0)
    total_a, total_e = frame["entered"].sum(), frame["expected_count"].sum()
    theta = total_a / total_e if total_e else 1.0
    frame["absorbed"] = frame["expected_count"] * theta
    leaves = make_leaves(
        frame,
        dims=list(dims),
        numerator_actual="entered",
        numerator_expected="absorbed",
        denominator_actual="count",
        denominator_expected="count_f",
        model="poisson",
        kappa=0.0,  # dues are independent events: no dispersion beyond Poisson
    )
    raw_excess = total_a - total_e
    base = (before["expected"] / before["principal"].where(before["principal"] > 0)).fillna(0.0)
    before = before.assign(expected_count=base.to_numpy(float))
    tested, everything = frame, before
    if existing_before is not None:
        tested = frame[(frame["disbursed_on"] < existing_before).to_numpy()]
        before = before[(before["disbursed_on"] < existing_before).to_numpy()]
    values = [frame[d].nunique() for d in dims]
    candidates = sum(values) + sum(
        values[i] * values[j] for i in range(len(values)) for j in range(i + 1, len(values))
    )
    critical = stats.norm.isf(ALPHA / max(candidates, 1))
    kept = []
    for cause in localize(leaves, max_layer=2, max_causes=5, direction=1, rank="power"):
        inside = element_mask(frame, cause.element)
        power = (
            (frame["entered"][inside].sum() - frame["expected_count"][inside].sum()) / raw_excess
            if raw_excess
            else 0.0
        )
        if power < SEGMENT_SHARE or before.empty or tested.empty:
            continue
        if existing_before is not None and any(d == "vintage" for d, _ in cause.element):
            continue
        pairs = [(frame, everything)] + ([(tested, before)] if tested is not frame else [])
        if all(did_z(x, y, cause.element) > critical for x, y in pairs):
            kept.append(Cause(cause.element, float(power), cause.surprise, cause.score))
    return sorted(kept, key=lambda c: -c.explanatory_power)
