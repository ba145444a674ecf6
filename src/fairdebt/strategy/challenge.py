"""Champion and challenger in randomised cells, and the sequential verdict on them.

:class:`Challenge` plugs into the loop's policy seam and splits borrowers by a keyed draw of
(salt, borrower): a ``share`` of them follow the challenger for the whole experiment, the rest
the champion, so a borrower never sees both and a regime's run of days is what is compared.
The loop's no-contact hold-out takes its share first, with its own salt. Every decision logs
its cell as its arm (``champion``, the challenger's name, ``holdout``). The unit of the test
is the borrower: each one's recovery, contacts and complaints over a fixed window from their
arrival. :func:`verdict` reads the borrowers as their windows close and asks
:func:`fairdebt.strategy.promotion.decide` at the end of every day: the first day it says
``promote`` or ``stop`` is when the experiment ends (the confidence sequences stay valid
under daily peeking); until then it says ``continue``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairdebt.errors import InputError
from fairdebt.keyed import uniforms
from fairdebt.strategy.catalogue import Catalogue
from fairdebt.strategy.cells import salt_key
from fairdebt.strategy.policies import Policy
from fairdebt.strategy.promotion import Sequence, confidence_sequence, decide

__all__ = ["MEASURES", "Challenge", "Verdict", "verdict"]

MEASURES = ("recovered", "contacts", "complaints")


@dataclass
class Challenge:
    """The champion and a challenger, each on its own cell of borrowers."""

    champion: Policy
    challenger: Policy
    share: float = 0.5
    salt: str = "fairdebt-challenge-1"
    name: str = "challenge"

    def __post_init__(self) -> None:
        if not 0 < self.share < 1:
            raise InputError(f"must be between 0 and 1 (got {self.share})", field="share")
        if self.champion.name == self.challenger.name:
            raise InputError(
                f"the challenger needs a name other than the champion's ({self.champion.name!r})",
                field="challenger",
            )

    def cells(self, borrower_id: NDArray[np.int64]) -> NDArray[np.object_]:
        """Each borrower's cell: the challenger's name or the champion's, the same every day.

        >>> from fairdebt.strategy.champion import Champion
        >>> from fairdebt.strategy.policies import NoContact
        >>> cells = Challenge(Champion(), NoContact(), share=0.3).cells(np.arange(100_000))
        >>> round(float((cells == "none").mean()), 2)
        0.3
        """
        draw = uniforms(salt_key(self.salt), np.asarray(borrower_id, dtype=np.int64))
        return np.where(draw < self.share, self.challenger.name, self.champion.name).astype(object)

    def decide(
        self, state: pd.DataFrame, catalogue: Catalogue, *, business_date: dt.date
    ) -> pd.DataFrame:
        """The champion's proposals for its cell and the challenger's for the other."""
        cell = self.cells(state["borrower_id"].to_numpy(np.int64))
        parts = []
        for policy in (self.champion, self.challenger):
            rows = state[cell == policy.name]
            if len(rows):
                parts.append(policy.decide(rows, catalogue, business_date=business_date))
        if not parts:
            return self.champion.decide(state, catalogue, business_date=business_date)
        return pd.concat(parts).reindex(state.index)


@dataclass(frozen=True)
class Verdict:
    """The experiment's decision, the day it was reached, and the evidence unit by unit.

    ``sequences`` run over the matured borrowers in the order they matured (``matured_on``
    gives each one's day); ``baseline`` is the champion cell's mean recovery per borrower."""

    decision: str
    day: int | None
    units: int
    matured_on: NDArray[np.int64]
    sequences: dict[str, Sequence]
    tolerance: float
    baseline: float


def verdict(
    units: pd.DataFrame,
    *,
    share: float,
    champion: str,
    challenger: str,
    tolerance_share: float = 0.01,
    alpha: float = 0.05,
    min_units: int = 500,
) -> Verdict:
    """Promote, stop or continue, judged at the end of every day on the borrowers matured.

    ``units`` holds one row per borrower whose outcome window has closed: ``matured_on``
    (day), ``cell``, and over the window ``recovered`` (yuan), ``contacts``, ``complaints``.
    Each champion or challenger borrower gives ψ = Y·(A/π − (1 − A)/(1 − π)), A = 1 in the
    challenger's cell, π = ``share``: independent across borrowers, with mean the challenger's
    effect, so :func:`~fairdebt.strategy.promotion.decide`'s sequences are valid however
    often they are read. The recovery tolerance is ``tolerance_share`` of the champion cell's
    mean recovery per borrower so far (1 %: the issue's "equal recovery"). No decision on
    fewer than ``min_units`` borrowers.
    """
    if not 0 < share < 1:
        raise InputError(f"must be between 0 and 1 (got {share})", field="share")
    rows = units[units["cell"].isin([champion, challenger])].sort_values(
        "matured_on", kind="stable"
    )
    a = (rows["cell"].to_numpy() == challenger).astype(np.float64)
    weight = a / share - (1 - a) / (1 - share)
    psi = {m: rows[m].to_numpy(np.float64) * weight for m in MEASURES}
    n = len(rows)
    steps = np.arange(1, n + 1, dtype=np.float64)
    base = np.cumsum(rows["recovered"].to_numpy(np.float64) * (1 - a) / (1 - share)) / steps
    day = rows["matured_on"].to_numpy(np.int64)
    ends = np.flatnonzero(np.r_[day[1:] != day[:-1], True]) if n else np.zeros(0, np.int64)
    decision, when = "continue", None
    for end in ends:
        t = int(end) + 1
        if t < min_units:
            continue
        step = decide(
            psi["recovered"][:t],
            psi["contacts"][:t],
            psi["complaints"][:t],
            tolerance=tolerance_share * float(base[t - 1]),
            alpha=alpha,
        )
        if step != "continue":
            decision, when = step, int(day[end])
            break
    sequences = {m: confidence_sequence(psi[m], alpha=alpha / 3) for m in MEASURES}
    baseline = float(base[-1]) if n else 0.0
    return Verdict(decision, when, n, day, sequences, tolerance_share * baseline, baseline)
