"""Bucket schemes: the default M-buckets, and clear errors for schemes that cannot work."""

from __future__ import annotations

import pytest

from fairdebt.cycle import DEFAULT_SCHEME, Bucket, BucketScheme
from fairdebt.errors import ConfigurationError


@pytest.mark.parametrize(
    ("dpd", "bucket"),
    [(0, "M0"), (1, "M1"), (30, "M1"), (31, "M2"), (90, "M3"), (180, "M6"), (181, "M7+")],
)
def test_the_default_scheme_puts_dpd_in_m_buckets(dpd: int, bucket: str) -> None:
    assert DEFAULT_SCHEME.bucket_of(dpd) == bucket


def test_a_charged_off_loan_is_in_the_charged_off_bucket_whatever_its_dpd() -> None:
    assert DEFAULT_SCHEME.bucket_of(3, charged_off=True) == "M7+"


def test_a_scheme_can_bucket_by_delinquent_days() -> None:
    assert DEFAULT_SCHEME.with_metric("delinquent_days").metric == "delinquent_days"


@pytest.mark.parametrize(
    ("buckets", "charged_off", "message"),
    [
        (
            (Bucket("M2", 31, None), Bucket("M1", 0, 30)),
            "M2",
            r"ordered by min_dpd \(got \['M2', 'M1'\]\)",
        ),
        ((Bucket("A", 0, 10), Bucket("B", 12, None)), "B", "contiguous"),
        ((Bucket("A", 1, None),), "A", "must start at 0"),
        ((Bucket("A", 0, 5), Bucket("B", 6, 9)), "B", "last bucket must be open-ended"),
        ((Bucket("A", 0, 5), Bucket("A", 6, None)), "A", "unique"),
        ((Bucket("A", 0, None),), "Z", "charged-off bucket 'Z' is not in the scheme"),
        ((), "A", "has no buckets"),
    ],
)
def test_a_scheme_that_cannot_work_is_refused_with_what_came(
    buckets: tuple[Bucket, ...], charged_off: str, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        BucketScheme("test", buckets, charged_off)


def test_an_unknown_metric_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="metric must be"):
        BucketScheme("x", (Bucket("A", 0, None),), "A", metric="weeks")  # type: ignore[arg-type]


def test_the_public_api_names_what_other_engines_code_against() -> None:
    import fairdebt.cycle as cycle

    for name in (
        "run",
        "run_range",
        "roll_rates",
        "kpis",
        "vintage_curves",
        "BucketScheme",
        "DEFAULT_SCHEME",
        "export",
    ):
        assert name in cycle.__all__ and hasattr(cycle, name)
