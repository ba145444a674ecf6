"""Keyed random numbers: the same draw for the same key (borrower, loan, day, purpose), always.

Two uses. Experiments assign borrowers to cells by a stable hash of their id, so a borrower
stays in the hold-out from one day to the next. And the simulator's strategy arms are compared
on the same borrowers. With one sequential stream, a policy that
closes a loan a day earlier shifts every later draw of every other loan, and the arms then
differ by noise as much as by policy. Here each draw is a hash of its key (seed, purpose,
day, borrower, loan number, ...) through SplitMix64, so a loan's fate on a day depends only on
its own key and state: common random numbers across arms, and paper and database runs of one
seed draw the same numbers. Vectorised over numpy arrays of keys.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtri

__all__ = ["Keyed", "exponentials", "geometrics", "normals", "uniforms"]

FloatArray = NDArray[np.float64]
_U64 = np.uint64
_GOLDEN = _U64(0x9E3779B97F4A7C15)
_M1 = _U64(0xBF58476D1CE4E5B9)
_M2 = _U64(0x94D049BB133111EB)


def _mix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64's finaliser, elementwise (wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> _U64(30))) * _M1
        z = (z ^ (z >> _U64(27))) * _M2
        return z ^ (z >> _U64(31))  # type: ignore[no-any-return]


def uniforms(*keys: ArrayLike) -> FloatArray:
    """Uniforms in (0, 1), one per broadcast key tuple.

    >>> a = uniforms(7, 1, np.arange(3))
    >>> bool(np.all((a > 0) & (a < 1))), bool(np.array_equal(a, uniforms(7, 1, np.arange(3))))
    (True, True)
    >>> bool(uniforms(7, 1, 0)[0] != uniforms(7, 2, 0)[0])
    True
    """
    arrays = np.broadcast_arrays(*(np.asarray(k, dtype=np.int64) for k in keys))
    state = np.zeros(arrays[0].shape, dtype=np.uint64)
    for key in arrays:
        state = _mix(state ^ key.astype(np.uint64))
    # The top 53 bits, shifted off zero: never exactly 0 or 1.
    out = ((state >> _U64(11)).astype(np.float64) + 0.5) / float(1 << 53)
    return np.atleast_1d(out)


def normals(*keys: ArrayLike) -> FloatArray:
    """Standard normals by inversion of :func:`uniforms`."""
    return np.asarray(ndtri(uniforms(*keys)), dtype=np.float64)


def exponentials(mean: ArrayLike, *keys: ArrayLike) -> FloatArray:
    """Exponentials with the given mean."""
    return np.asarray(-np.log(uniforms(*keys)) * np.asarray(mean, dtype=np.float64))


def geometrics(p: float, *keys: ArrayLike) -> NDArray[np.int64]:
    """Geometric counts ≥ 1 with success probability ``p`` (numpy's convention)."""
    u = uniforms(*keys)
    return np.asarray(np.maximum(np.ceil(np.log(u) / np.log1p(-p)), 1), dtype=np.int64)


class Keyed:
    """Draws under one seed: ``keyed.uniforms(purpose, day, ids)``.

    Purposes are small integers named where they are used, so two uses never share draws.
    """

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)

    def uniforms(self, purpose: int, *keys: ArrayLike) -> FloatArray:
        return uniforms(self.seed, purpose, *keys)

    def normals(self, purpose: int, *keys: ArrayLike) -> FloatArray:
        return normals(self.seed, purpose, *keys)

    def exponentials(self, mean: ArrayLike, purpose: int, *keys: ArrayLike) -> FloatArray:
        return exponentials(mean, self.seed, purpose, *keys)

    def geometrics(self, p: float, purpose: int, *keys: ArrayLike) -> NDArray[np.int64]:
        return geometrics(p, self.seed, purpose, *keys)
