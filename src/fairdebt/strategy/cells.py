"""Experiment cells: a stable, randomised assignment of borrowers to arms.

Each borrower's cell is a keyed hash of their id and the experiment's salt, so it is random
across borrowers yet the same every day of the experiment (a hold-out borrower is never
contacted, not just on some days), the same on every engine, and reproducible from the log.
The routine no-contact hold-out (default 5 %) measures what the policy adds over self-cure.
"""

from __future__ import annotations

import hashlib

import numpy as np
from numpy.typing import NDArray

from fairdebt.keyed import uniforms

__all__ = ["HOLDOUT", "assign_arms", "salt_key"]

HOLDOUT = "holdout"


def salt_key(salt: str) -> int:
    """An integer key from an experiment's salt (the first 8 bytes of its SHA-256).

    >>> salt_key("a") == salt_key("a") != salt_key("b")
    True
    """
    return int.from_bytes(hashlib.sha256(salt.encode()).digest()[:7], "little")


def assign_arms(
    borrower_id: NDArray[np.int64], holdout_share: float, salt: str, policy: str
) -> NDArray[np.object_]:
    """``holdout`` for a ``holdout_share`` of borrowers, the policy's name for the rest.

    >>> arms = assign_arms(np.arange(100_000), 0.05, "x", "champion")
    >>> round(float((arms == "holdout").mean()), 2)
    0.05
    """
    draw = uniforms(salt_key(salt), np.asarray(borrower_id, dtype=np.int64))
    return np.where(draw < holdout_share, HOLDOUT, policy).astype(object)
