"""The points scale shared by every risk model: PDO, base score and base odds.

A score is a linear function of the log-odds of *good*: at ``base_score`` the good:bad odds are
``base_odds``, and every ``pdo`` points the odds double. Higher scores are better. Scorecards
and GBMs use the same scale so that a lender's cut-offs read the same for both kinds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PointsScale"]


@dataclass(frozen=True)
class PointsScale:
    """Convert between the log-odds of bad and score points.

    >>> scale = PointsScale(pdo=20, base_score=600, base_odds=50)
    >>> round(float(scale.score(np.log(1 / 50))), 6)
    600.0
    >>> round(float(scale.score(np.log(1 / 100))), 6)
    620.0
    >>> round(float(scale.probability_of_bad(600.0)), 6)
    0.019608
    """

    pdo: float = 20.0
    base_score: float = 600.0
    base_odds: float = 50.0

    def __post_init__(self) -> None:
        if not (self.pdo > 0 and self.base_odds > 0):
            raise ValueError(
                f"pdo and base_odds must be positive (got {self.pdo}, {self.base_odds})"
            )

    @property
    def factor(self) -> float:
        """Points per unit of log-odds."""
        return float(self.pdo / np.log(2.0))

    @property
    def offset(self) -> float:
        """The score at even odds (log-odds zero)."""
        return float(self.base_score - self.factor * np.log(self.base_odds))

    def score(self, log_odds_bad: np.ndarray | float) -> np.ndarray:
        """Score points (float) for log-odds of bad."""
        return self.offset - self.factor * np.asarray(log_odds_bad, dtype=float)

    def log_odds_bad(self, score: np.ndarray | float) -> np.ndarray:
        """Log-odds of bad for score points."""
        return (self.offset - np.asarray(score, dtype=float)) / self.factor

    def probability_of_bad(self, score: np.ndarray | float) -> np.ndarray:
        """Probability of bad for score points."""
        return np.asarray(1.0 / (1.0 + np.exp(-self.log_odds_bad(score))), dtype=float)
