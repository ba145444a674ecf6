"""Champion and challenger in randomised cells, and the sequential verdict on them.

:class:`Challenge` plugs into the loop's policy seam and splits borrowers by a keyed draw of
(salt, borrower): a ``share`` of them follow the challenger for the whole experiment, the rest
the champion, so a borrower never sees both and a regime's run of days is what is compared.
The loop's no-contact hold-out takes its share first, with its own salt. Every decision logs
its cell as its arm (``champion``, the challenger's name, ``holdout``). :func:`verdict` turns
the cells' daily figures into per-borrower daily differences, challenger minus champion, of
recovery, contacts and complaints, and asks :func:`fairdebt.strategy.promotion.decide` after
every day: the first day it says ``promote`` or ``stop`` is when the experiment ends (the
confidence sequences stay valid under daily peeking); until then it says ``continue``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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

__all__ = ["MEASURES", "Challenge", "Verdict", "daily_increments", "verdict"]

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
    """The experiment's decision, the day it was reached, and the evidence day by day
    (``baseline``: the champion cell's mean daily recovery per borrower)."""

    decision: str
    day: int | None
    differences: pd.DataFrame
    sequences: dict[str, Sequence]
    tolerance: float
    baseline: float


def daily_increments(cumulative: pd.DataFrame) -> pd.DataFrame:
    """Per day and arm, what happened that day, from running totals (``day``, ``arm``, …).

    >>> c = pd.DataFrame({"day": [0, 1], "arm": ["a", "a"], "recovered": [5.0, 8.0],
    ...                   "contacts": [1, 3], "complaints": [0, 0]})
    >>> daily_increments(c)["recovered"].tolist()
    [5.0, 3.0]
    """
    wide = cumulative.pivot_table(index="day", columns="arm", values=list(MEASURES)).ffill()
    wide = wide.fillna(0.0).diff().fillna(wide)
    return wide.stack(future_stack=True).reset_index()


def verdict(
    daily: pd.DataFrame,
    borrowers: Mapping[str, int],
    *,
    champion: str,
    challenger: str,
    tolerance_share: float = 0.01,
    alpha: float = 0.05,
    min_days: int = 14,
) -> Verdict:
    """Promote, stop or continue, judged after every day on per-borrower differences.

    ``daily`` holds per day and arm the day's ``recovered`` (yuan), ``contacts`` and
    ``complaints``; ``borrowers`` the size of each cell. The recovery tolerance is
    ``tolerance_share`` of the champion cell's mean daily recovery per borrower so far (1 %:
    the issue's "equal recovery"). No decision is taken on fewer than ``min_days`` days of
    evidence: the running variance of two or three days is no estimate (the bounds' scale is
    fixed by the first ten days, so it is also settled from then on). Days are the test's
    units: the spread that comes from which borrowers fell in which cell is not in the bounds,
    so cells should hold thousands of borrowers each.
    """
    for arm in (champion, challenger):
        if borrowers.get(arm, 0) <= 0:
            raise InputError(f"the {arm!r} cell has no borrowers", field="borrowers")
    per = {
        arm: daily[daily["arm"] == arm].set_index("day")[list(MEASURES)] / borrowers[arm]
        for arm in (champion, challenger)
    }
    days = per[champion].index.union(per[challenger].index)
    # The test starts on the first day the champion's cell recovers money: a simulated book
    # starts empty, and days with nothing to recover would only set the scale of the bounds.
    flowing = per[champion].reindex(days, fill_value=0.0)["recovered"].to_numpy() > 0
    days = days[int(np.argmax(flowing)) :] if flowing.any() else days[:0]
    base = per[champion].reindex(days, fill_value=0.0)
    differences = per[challenger].reindex(days, fill_value=0.0) - base
    running_base = base["recovered"].expanding().mean().to_numpy()
    decision, when = "continue", None
    for t in range(max(1, min_days), len(days) + 1):
        step = decide(
            differences["recovered"].to_numpy()[:t],
            differences["contacts"].to_numpy()[:t],
            differences["complaints"].to_numpy()[:t],
            tolerance=tolerance_share * float(running_base[t - 1]),
            alpha=alpha,
        )
        if step != "continue":
            decision, when = step, int(days[t - 1]) + 1
            break
    sequences = {
        m: confidence_sequence(differences[m].to_numpy(), alpha=alpha / 3) for m in MEASURES
    }
    baseline = float(running_base[-1]) if len(days) else 0.0
    return Verdict(
        decision, when, differences.reset_index(), sequences, tolerance_share * baseline, baseline
    )
