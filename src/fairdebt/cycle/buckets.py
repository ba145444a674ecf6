"""Bucket schemes: named, ordered, contiguous ranges of days late, plus the charged-off bucket.

A scheme maps a loan's days late on a business date to a bucket label (M0, M1, ...). Which count
is used is part of the scheme: ``dpd`` (the default, the industry's M-buckets) or
``delinquent_days`` (dpd less grace and held days). A charged-off loan always sits in the
scheme's ``charged_off`` bucket whatever its days late. Schemes are validated when built, so a
gap, an overlap or a misordering is a :class:`~fairdebt.errors.ConfigurationError` naming what
came, never a silently wrong bucket.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from fairdebt.errors import ConfigurationError

__all__ = ["DEFAULT_SCHEME", "Bucket", "BucketScheme"]

Metric = Literal["dpd", "delinquent_days"]


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bucket: loans whose days late lie in ``[min_dpd, max_dpd]`` (``max_dpd`` None: open)."""

    name: str
    min_dpd: int
    max_dpd: int | None


@dataclass(frozen=True, slots=True)
class BucketScheme:
    """An ordered, contiguous cover of 0.. days late, and the bucket of charged-off loans.

    Examples
    --------
    >>> scheme = BucketScheme("simple", (Bucket("C", 0, 0), Bucket("X", 1, None)), "X")
    >>> scheme.bucket_of(0), scheme.bucket_of(45), scheme.bucket_of(3, charged_off=True)
    ('C', 'X', 'X')
    >>> BucketScheme("bad", (Bucket("M2", 31, None), Bucket("M1", 0, 30)), "M2")
    Traceback (most recent call last):
    ...
    fairdebt.errors.ConfigurationError: bucket scheme must be ordered by min_dpd (got ['M2', 'M1'])
    """

    name: str
    buckets: tuple[Bucket, ...]
    charged_off: str
    metric: Metric = "dpd"
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "buckets", tuple(self.buckets))
        _validate(self)
        names = tuple(b.name for b in self.buckets)
        object.__setattr__(self, "names", names)

    def bucket_of(self, days_late: int, *, charged_off: bool = False) -> str:
        """The bucket of one loan; the cycle computes the same thing as a column expression."""
        if charged_off:
            return self.charged_off
        for bucket in self.buckets:
            if bucket.max_dpd is None or days_late <= bucket.max_dpd:
                return bucket.name
        raise AssertionError("a validated scheme covers every count")  # pragma: no cover

    def with_metric(self, metric: Metric) -> BucketScheme:
        """The same ranges applied to another count of days late."""
        return BucketScheme(self.name, self.buckets, self.charged_off, metric)


def _validate(scheme: BucketScheme) -> None:
    buckets: Sequence[Bucket] = scheme.buckets
    names = [b.name for b in buckets]
    where = f"bucket scheme {scheme.name!r}"
    if not buckets:
        raise ConfigurationError(f"{where} has no buckets")
    if scheme.metric not in ("dpd", "delinquent_days"):
        raise ConfigurationError(
            f"bucket scheme metric must be 'dpd' or 'delinquent_days' (got {scheme.metric!r})"
        )
    if len(set(names)) != len(names):
        raise ConfigurationError(f"bucket names must be unique (got {names})")
    if any(not name or len(name) > 8 for name in names):
        raise ConfigurationError(f"bucket names must be 1 to 8 characters (got {names})")
    starts = [b.min_dpd for b in buckets]
    if starts != sorted(starts):
        raise ConfigurationError(f"bucket scheme must be ordered by min_dpd (got {names})")
    if starts[0] != 0:
        raise ConfigurationError(
            f"bucket scheme must start at 0 days (got {names[0]} from {starts[0]})"
        )
    for before, after in itertools.pairwise(buckets):
        if before.max_dpd is None or before.max_dpd + 1 != after.min_dpd:
            raise ConfigurationError(
                "bucket scheme must be contiguous "
                f"(got {before.name} up to {before.max_dpd} then {after.name} from {after.min_dpd})"
            )
    for bucket in buckets:
        if bucket.max_dpd is not None and bucket.max_dpd < bucket.min_dpd:
            raise ConfigurationError(
                f"bucket {bucket.name} ends before it starts "
                f"(got {bucket.min_dpd} to {bucket.max_dpd})"
            )
    if buckets[-1].max_dpd is not None:
        raise ConfigurationError(
            f"the last bucket must be open-ended (got {names[-1]} up to {buckets[-1].max_dpd})"
        )
    if scheme.charged_off not in names:
        raise ConfigurationError(
            f"charged-off bucket {scheme.charged_off!r} is not in the scheme (got {names})"
        )


# M7+ holds charged-off loans and, until the charge-off verb has run, any loan past 180 dpd.
DEFAULT_SCHEME = BucketScheme(
    "default",
    (
        Bucket("M0", 0, 0),
        Bucket("M1", 1, 30),
        Bucket("M2", 31, 60),
        Bucket("M3", 61, 90),
        Bucket("M4", 91, 120),
        Bucket("M5", 121, 150),
        Bucket("M6", 151, 180),
        Bucket("M7+", 181, None),
    ),
    charged_off="M7+",
)
