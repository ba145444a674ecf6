"""The world's answer to a day's planned contacts: who is reached, who promises, who complains.

:func:`make_contacts` carries out the planned rows of a day's decisions in the simulated world:
each attempt reaches the borrower or not (calls by the callee's local hour, with wrong-party
answers; messages by read rates), a call nobody answered is retried later that day when the
action allows and the gate agrees, conversations end in a promise to pay with a chance that
rises with the borrower's own propensity to pay (kept outright at the world's rate), a plan
offer that reaches a borrower in arrears makes them ask for the plans at the world's rate,
and an attempt that reaches someone becomes a complaint with a chance that rises with recent
contact, wrong-party answers and harsh actions.
Reaching the borrower changes their repayment intensity or, before a due, their chance of
forgetting it (:class:`~fairdebt.simulation.response.Response`). Every draw is keyed by (day,
borrower, attempt), so strategy arms see the same luck.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from fairdebt.simulation.behaviour import Book
from fairdebt.strategy.catalogue import Catalogue
from fairdebt.strategy.planning import utc_index

__all__ = ["CONTACT_COLUMNS", "ContactLog", "make_contacts"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Keyed-draw purposes of this module (see fairdebt.keyed).
_ANSWER, _RIGHT, _PROMISE, _PROMISE_DAYS, _COMPLAINT, _READ = 40, 41, 42, 43, 44, 45
_PROMISE_KEEP, _PROMISE_PAY, _PLAN_ASK = 46, 47, 48
# Channels whose effect runs through the borrower's response to voice (the rest: messages).
_VOICE = ("call", "visit")
RETRY_AFTER = pd.Timedelta(hours=3)

CONTACT_COLUMNS = (
    "decision",  # row of the day's decision frame
    "loan",
    "borrower",
    "at",
    "action",
    "channel",
    "mode",
    "by",
    "address",
    "attempt",
    "outcome",  # the gate's vocabulary: connected, conversation, no_answer, delivered
    "right_party",  # True, False (someone else answered), or None (nobody / not a call)
    "result",  # ptp, refused_to_pay, refused_to_talk, callback, wrong_party, no_result
    "reached",  # the borrower heard or read it
    "complaint",
    "promise_due",  # day index of the promised payment (-1: none)
    "promise_amount",
    "plan_ask",  # the borrower asked for the plans a plan offer told them about
    "cost",
)

# gate(attempts) -> allowed, for retries that must pass the gate again.
Gate = Callable[[pd.DataFrame], NDArray[np.bool_]]


@dataclass
class ContactLog:
    """A day's attempts as columns (see :data:`CONTACT_COLUMNS`)."""

    frame: pd.DataFrame

    @property
    def size(self) -> int:
        return len(self.frame)


def _lookup(codes: np.ndarray, mapping: Mapping[str, object]) -> np.ndarray:
    """Each row's value of a per-action attribute (a dictionary lookup per distinct code)."""
    out = np.empty(len(codes), dtype=object)
    for code in np.unique(codes):
        out[codes == code] = mapping[str(code)]
    return out


def _local_hour(ns: IntArray, zones: np.ndarray) -> IntArray:
    hour = np.zeros(len(ns), dtype=np.int64)
    for zone in np.unique(zones):
        sel = zones == zone
        hour[sel] = pd.DatetimeIndex(ns[sel]).tz_localize("UTC").tz_convert(str(zone)).hour
    return hour


Columns = dict[str, np.ndarray]


def _reach(book: Book, day: int, c: Columns) -> tuple[np.ndarray, np.ndarray]:
    """Whether each attempt reached someone, and whether that someone was the borrower."""
    world, traits, keyed = book.response.world, book.response.traits, book.keyed
    borrower, attempt = c["borrower"], c["attempt"]
    u = keyed.uniforms(_ANSWER, day, borrower, attempt)
    is_call = c["channel"] == "call"
    answer = np.asarray(world.call_answer_by_hour)[_local_hour(c["at"], c["timezone"])]
    share = _lookup(
        c["channel"], {k: world.reach.get(k, 1.0) for k in map(str, np.unique(c["channel"]))}
    )
    chance = np.where(is_call, answer * ~traits.unreachable[borrower], share.astype(np.float64))
    reached = u < chance
    right = np.where(
        is_call, keyed.uniforms(_RIGHT, day, borrower, attempt) < world.right_party, True
    )
    return reached, reached & right


def _action_effects(
    world_effect: Callable[[str], object], codes: np.ndarray
) -> tuple[np.ndarray, ...]:
    jump, reminder = np.zeros(len(codes)), np.zeros(len(codes))
    pressing, hardship, complaint = (
        np.zeros(len(codes), bool),
        np.zeros(len(codes)),
        np.zeros(len(codes)),
    )
    for code in np.unique(codes):
        effect = world_effect(str(code))
        sel = codes == code
        jump[sel], reminder[sel] = effect.jump, effect.reminder  # type: ignore[attr-defined]
        pressing[sel] = effect.pressing  # type: ignore[attr-defined]
        hardship[sel] = effect.hardship_token  # type: ignore[attr-defined]
        complaint[sel] = effect.complaint  # type: ignore[attr-defined]
    return jump, reminder, pressing, hardship, complaint


def _effects(book: Book, day: int, c: Columns, rp: np.ndarray) -> None:
    """Apply the repayment (or reminder) effect of every attempt that reached the borrower."""
    response, world, traits = book.response, book.response.world, book.response.traits
    if not rp.any():
        return
    loan, borrower, dpd = c["loan"][rp], c["borrower"][rp], c["dpd"][rp]
    voice = np.isin(c["channel"][rp], _VOICE)
    responsiveness = np.where(voice, traits.voice[borrower], traits.digital[borrower])
    fatigue = np.exp(-world.fatigue_per_contact * response.recent_contacts(borrower))
    jump, reminder, pressing, hardship, _ = _action_effects(world.effect, c["action"][rp])
    dog = traits.sleeping_dog[borrower] & pressing
    sign = np.where(dog, world.sleeping_dog_effect, 1.0)
    # A borrower whose income has gone is moved only by a plan offer (part payments under a
    # reduced plan, not cures); the intensity scales the rest down (Book.repay_intensity).
    late = dpd >= 1
    # The longer an account has been late, the less a contact moves it.
    floor, span = world.treatment_floor, world.treatment_dpd_days
    age = floor + (1 - floor) * np.exp(-(np.maximum(dpd, 1) - 1) / span)
    np.add.at(response.treat, loan[late], (jump * sign * responsiveness * fatigue * age)[late])
    offered = late & (hardship > 0)
    response.plan_until[loan[offered]] = day + 30
    response.plan_token[loan[offered]] = hardship[offered] * responsiveness[offered]
    before = ~late
    due_day = day - dpd[before]
    strength = (reminder * responsiveness * fatigue * np.maximum(sign, 0.0))[before]
    same = response.reminder_due[loan[before]] == due_day
    old = np.where(same, response.reminder_strength[loan[before]], 0.0)
    response.reminder_due[loan[before]] = due_day
    response.reminder_strength[loan[before]] = np.maximum(old, strength)
    response.pressed_on[loan[pressing & late]] = day
    response.note_reached(borrower, day)


def _promises(book: Book, day: int, c: Columns, conversation: np.ndarray) -> None:
    """Conversations that end in a promise: more likely from borrowers likely to pay anyway."""
    world, keyed = book.response.world, book.keyed
    rows = np.flatnonzero(conversation & (c["dpd"] >= 1))
    if len(rows) == 0:
        return
    loan, borrower, attempt = c["loan"][rows], c["borrower"][rows], c["attempt"][rows]
    lam = book.repay_intensity(day, loan, c["dpd"][rows])
    propensity = 1 - np.exp(-7 * lam)
    rate = np.where(
        c["channel"][rows] == "visit",
        world.promise_visit,
        np.where(c["mode"][rows] == "robot", world.promise_robot, world.promise_agent),
    )
    # A borrower whose income has gone mostly says they cannot pay rather than promise.
    rate = rate * np.where(book.shocked(borrower, day), 0.25, 1.0)
    promised = keyed.uniforms(_PROMISE, day, borrower, attempt) < rate * np.sqrt(propensity)
    span = world.promise_days_max - world.promise_days_min + 1
    wait = world.promise_days_min + np.floor(
        keyed.uniforms(_PROMISE_DAYS, day, borrower, attempt) * span
    ).astype(np.int64)
    chosen = rows[promised]
    due = day + wait[promised]
    c["promise_due"][chosen] = due
    c["result"][chosen] = "ptp"
    book.response.promise_until[loan[promised]] = due
    book.response.promise_boost[loan[promised]] = world.promise_boost
    # Who keeps it outright (promises.keep) pays on a day from today to the promised date.
    keeps = keyed.uniforms(_PROMISE_KEEP, day, borrower, attempt)[promised] < world.promise_keep
    ahead = np.floor(
        keyed.uniforms(_PROMISE_PAY, day, borrower, attempt)[promised] * (wait[promised] + 1)
    ).astype(np.int64)
    book.response.promise_pay_day[loan[promised]] = np.where(keeps, day + ahead, -1)


def _plan_asks(book: Book, day: int, c: Columns, rp: np.ndarray) -> None:
    """Borrowers in arrears reached by a plan offer who ask for the plans (``plans.ask``)."""
    rows = np.flatnonzero(rp & (c["action"] == "plan_offer") & (c["dpd"] >= 1))
    if len(rows) == 0:
        return
    world, keyed = book.response.world, book.keyed
    u = keyed.uniforms(_PLAN_ASK, day, c["borrower"][rows], c["attempt"][rows])
    c["plan_ask"][rows[u < world.plan_ask]] = True


def _complaints(book: Book, day: int, c: Columns, reached: np.ndarray, wrong: np.ndarray) -> None:
    world, keyed = book.response.world, book.keyed
    rows = np.flatnonzero(reached)
    if len(rows) == 0:
        return
    borrower = c["borrower"][rows]
    base = _action_effects(world.effect, c["action"][rows])[4]
    extra = np.maximum(book.response.recent_contacts(borrower) - world.complaint_free_contacts, 0)
    chance = (
        base
        * (1 + world.complaint_frequency_factor * extra)
        * np.where(wrong[rows], world.complaint_wrong_party_factor, 1.0)
    )
    hit = keyed.uniforms(_COMPLAINT, day, borrower, c["attempt"][rows]) < chance
    c["complaint"][rows[hit]] = True


def _carry_out(book: Book, day: int, c: Columns) -> Columns:
    """Draw outcomes for one round of attempts and apply their effects."""
    n = len(c["loan"])
    reached, rp = _reach(book, day, c)
    channel, mode = c["channel"], c["mode"]
    voice = (channel == "call") | (channel == "visit")
    talk = ((channel == "call") & (mode == "agent")) | (channel == "visit")
    c["outcome"] = np.where(
        voice,
        np.where(reached, np.where(talk & rp, "conversation", "connected"), "no_answer"),
        "delivered",
    ).astype(object)
    right = np.full(n, None, dtype=object)
    right[voice & reached] = rp[voice & reached]
    c["right_party"] = right
    c["reached"] = rp
    c["complaint"] = np.zeros(n, dtype=bool)
    c["promise_due"] = np.full(n, -1, dtype=np.int64)
    c["plan_ask"] = np.zeros(n, dtype=bool)
    wrong = voice & reached & ~rp
    result = np.full(n, "no_result", dtype=object)
    result[voice & rp] = "callback"
    result[wrong] = "wrong_party"
    c["result"] = result
    _complaints(book, day, c, reached, wrong)
    _effects(book, day, c, rp)
    _promises(book, day, c, rp & voice)
    _plan_asks(book, day, c, rp)
    unpromised = (result == "callback") & voice
    dog = book.response.traits.sleeping_dog[c["borrower"]]
    willing = book.population.willingness[c["borrower"]]
    result[unpromised & dog] = "refused_to_talk"
    result[unpromised & ~dog & (willing < -0.8)] = "refused_to_pay"
    return c


def make_contacts(
    book: Book,
    day: int,
    plan: pd.DataFrame,
    catalogue: Catalogue,
    *,
    gate: Gate,
    on_round: Callable[[pd.DataFrame], None] | None = None,
) -> ContactLog:
    """Carry out the plan's planned rows on ``day``; retries pass ``gate`` first.

    ``on_round`` sees each round of attempts as soon as it is made (the database run records
    them there), so the gate's answer for a retry counts the first attempt.
    """
    rows = np.flatnonzero(plan["status"].to_numpy() == "planned")
    codes = plan["action"].to_numpy()[rows]
    spec = catalogue.actions
    first: Columns = {
        "decision": rows,
        "loan": plan["loan_id"].to_numpy()[rows].astype(np.int64),
        "borrower": plan["borrower_id"].to_numpy()[rows].astype(np.int64),
        "at": utc_index(plan["planned_at"].iloc[rows]).asi8,
        "action": codes,
        "channel": _lookup(codes, {c: a.channel for c, a in spec.items()}),
        "mode": _lookup(codes, {c: a.mode for c, a in spec.items()}),
        "by": plan["by"].to_numpy()[rows],
        "address": plan["address"].to_numpy()[rows],
        "attempt": np.ones(len(rows), dtype=np.int64),
        "dpd": plan["dpd"].to_numpy()[rows].astype(np.int64),
        "amount_due": plan["amount_due"].to_numpy()[rows].astype(np.float64),
        "timezone": plan["timezone"].to_numpy()[rows],
    }
    rounds = [_carry_out(book, day, first)]
    if on_round is not None:
        on_round(_frame(rounds[-1], catalogue))
    tries = _lookup(codes, {c: a.attempts for c, a in spec.items()}).astype(np.int64)
    retry = (first["outcome"] == "no_answer") & (tries >= 2)
    if retry.any():
        again = {k: v[retry] for k, v in first.items() if k in _INPUTS}
        again["at"] = again["at"] + RETRY_AFTER.value
        again["attempt"] = np.full(int(retry.sum()), 2, dtype=np.int64)
        allowed = gate(
            pd.DataFrame(
                {k: again[k] for k in ("borrower", "at", "channel", "mode", "by", "address")}
            )
        )
        if allowed.any():
            rounds.append(_carry_out(book, day, {k: v[allowed] for k, v in again.items()}))
            if on_round is not None:
                on_round(_frame(rounds[-1], catalogue))
    every = {k: np.concatenate([r[k] for r in rounds]) for k in rounds[0]}
    return ContactLog(_frame(every, catalogue))


def _frame(columns: Columns, catalogue: Catalogue) -> pd.DataFrame:
    """A round (or a day) of attempts as a frame with UTC times, costs and promised amounts."""
    frame = pd.DataFrame(columns)
    frame["at"] = pd.DatetimeIndex(frame["at"].to_numpy(np.int64)).tz_localize("UTC")
    costs = {c: a.cost for c, a in catalogue.actions.items()}
    frame["cost"] = _lookup(frame["action"].to_numpy(), costs).astype(np.float64)
    frame["promise_amount"] = np.where(frame["promise_due"] >= 0, frame["amount_due"], 0.0)
    return frame


_INPUTS = (
    "decision",
    "loan",
    "borrower",
    "at",
    "action",
    "channel",
    "mode",
    "by",
    "address",
    "attempt",
    "dpd",
    "amount_due",
    "timezone",
)
