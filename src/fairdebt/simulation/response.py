"""How contact changes repayment: the treatment part of the simulated borrowers' intensity.

Following Chehrazi & Weber (2015), a delinquent account repays with a self-exciting intensity
that jumps after each repayment and, here, after each contact that reaches the borrower: the
jump is the action's effect in the world file times the borrower's responsiveness (lognormal,
separately for messages and calls), shrunk by fatigue (contacts that reached them in the past
week) and negative for "sleeping dogs" under a pressing action. The treatment part fades at
``treatment_decay`` a day. A promise to pay adds a commitment boost until its date, and a
borrower who will keep the promise (``promises.keep``) pays on a day up to it. Before a
due, a reminder that is read prevents a share of the misses that are forgetfulness rather than
inability. :class:`Response` holds this state as numpy columns (per loan and per borrower);
:mod:`fairdebt.simulation.contacting` changes it when contacts are made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from fairdebt.simulation.world import Traits, World

__all__ = ["Response"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
G = TypeVar("G", bound=np.generic)


def _grow(array: NDArray[G], size: int, fill: float = 0) -> NDArray[G]:
    out: NDArray[G] = np.full((size, *array.shape[1:]), fill, dtype=array.dtype)
    out[: array.shape[0]] = array
    return out


@dataclass
class Response:
    """Treatment state of every loan and contact memory of every borrower."""

    world: World
    traits: Traits
    n: int = 0
    treat: FloatArray = field(default_factory=lambda: np.zeros(0))  # contact-driven intensity
    promise_until: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    promise_boost: FloatArray = field(default_factory=lambda: np.zeros(0))
    # The day a borrower who will keep their promise pays what was promised (-1: none).
    promise_pay_day: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    # The due day a read reminder covers and how much of a forgetful miss it prevents.
    reminder_due: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    reminder_strength: FloatArray = field(default_factory=lambda: np.zeros(0))
    pressed_on: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    # Until when a plan offer lets a borrower in hardship make part payments, and how often.
    plan_until: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    plan_token: FloatArray = field(default_factory=lambda: np.zeros(0))
    # Contacts that reached each borrower, by day, over the fatigue window (a ring).
    reached: NDArray[np.int16] = field(default_factory=lambda: np.zeros((0, 0), np.int16))

    def __post_init__(self) -> None:
        borrowers = self.traits.digital.size
        self.reached = np.zeros((self.world.fatigue_window_days, borrowers), dtype=np.int16)

    def grow(self, size: int) -> None:
        """Make room for loans up to index ``size``."""
        if size <= self.treat.shape[0]:
            return
        self.treat = _grow(self.treat, size)
        self.promise_until = _grow(self.promise_until, size, -1)
        self.promise_boost = _grow(self.promise_boost, size)
        self.promise_pay_day = _grow(self.promise_pay_day, size, -1)
        self.reminder_due = _grow(self.reminder_due, size, -1)
        self.reminder_strength = _grow(self.reminder_strength, size)
        self.pressed_on = _grow(self.pressed_on, size, -1)
        self.plan_until = _grow(self.plan_until, size, -1)
        self.plan_token = _grow(self.plan_token, size)

    def start_day(self, day: int) -> None:
        """Fade yesterday's treatment and forget the oldest day of the fatigue window."""
        self.treat *= np.exp(-self.world.treatment_decay)
        self.reached[day % self.reached.shape[0]] = 0

    def recent_contacts(self, borrower: IntArray) -> IntArray:
        """Contacts that reached each borrower over the fatigue window, today included."""
        return np.asarray(self.reached[:, borrower].sum(axis=0), dtype=np.int64)

    def note_reached(self, borrower: IntArray, day: int) -> None:
        np.add.at(self.reached[day % self.reached.shape[0]], borrower, 1)

    def intensity(self, day: int, loans: IntArray) -> FloatArray:
        """The treatment part of the repayment intensity of ``loans`` on ``day``."""
        promised = self.promise_until[loans] >= day
        return np.asarray(
            self.treat[loans] + np.where(promised, self.promise_boost[loans], 0.0),
            dtype=np.float64,
        )

    def miss_factor(self, day: int, loans: IntArray) -> FloatArray:
        """Multiplier of the chance of missing the due falling on ``day`` (reminders)."""
        covered = self.reminder_due[loans] == day
        prevented = self.world.forgetful_share * np.minimum(self.reminder_strength[loans], 1.0)
        return np.where(covered, 1.0 - prevented, 1.0)

    def pays_promise(self, day: int, loans: IntArray) -> BoolArray:
        """Loans whose borrower keeps a promise by paying on ``day``."""
        return np.asarray(self.promise_pay_day[loans] == day, dtype=np.bool_)

    def pressed_today(self, day: int, loans: IntArray) -> BoolArray:
        return np.asarray(self.pressed_on[loans] == day, dtype=np.bool_)

    def plan_tokens(self, day: int, loans: IntArray) -> FloatArray:
        """Daily chance of a part payment that a plan offer gives a borrower in hardship."""
        return np.where(self.plan_until[loans] >= day, self.plan_token[loans], 0.0)
