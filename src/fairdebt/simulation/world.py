"""The world file: how simulated borrowers respond to collection, and the traits it draws.

The world is what the strategy must never read: the effect of each action on repayment
(a jump of the Hawkes repayment intensity, Chehrazi & Weber 2015), who answers the phone at
which hour, who promises and keeps it, who asks for a repayment plan, takes it and keeps it,
who complains and how long the lender takes to resolve it, who pays *less* when pressed (sleeping
dogs), and how fast contact wears out (fatigue). The shipped ``world.yaml`` is the calibrated
default; ``--world FILE`` overlays any subset of its keys. docs/world.md documents the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from numpy.typing import NDArray

from fairdebt.errors import ConfigurationError
from fairdebt.keyed import Keyed
from fairdebt.simulation.behaviour import BehaviourParams

__all__ = ["ActionEffect", "Traits", "World", "load_world", "make_traits"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class ActionEffect:
    """What one catalogue action does when it reaches a borrower."""

    jump: float
    reminder: float
    pressing: bool
    complaint: float
    hardship_token: float = 0.0  # daily chance of a part payment for 30 days, in hardship


@dataclass(frozen=True, slots=True)
class World:
    """Every response parameter of the simulated borrowers (see world.yaml for meanings)."""

    behaviour: BehaviourParams
    responsiveness_sd: float
    digital_voice_correlation: float
    sleeping_dog_share: float
    sleeping_dog_effect: float
    unreachable_share: float
    fatigue_per_contact: float
    fatigue_window_days: int
    treatment_decay: float
    treatment_dpd_days: float
    treatment_floor: float
    shock_treatment: float
    reminder_window_days: int
    forgetful_share: float
    actions: Mapping[str, ActionEffect]
    reach: Mapping[str, float]
    call_answer_by_hour: tuple[float, ...]
    right_party: float
    promise_agent: float
    promise_robot: float
    promise_visit: float
    promise_boost: float
    promise_days_min: int
    promise_days_max: int
    promise_keep: float
    complaint_frequency_factor: float
    complaint_free_contacts: int
    complaint_wrong_party_factor: float
    complaint_resolve_days: int
    token_on_contact: float
    token_autonomous: float
    plan_ask: float = 0.0
    plan_accept: float = 0.0
    plan_income_share: float = 0.0
    plan_shock_capacity: float = 0.0
    plan_keep: float = 0.0
    plan_stretch: float = 0.0
    source: str = "world.yaml"

    def effect(self, action: str) -> ActionEffect:
        """The effect of ``action``; an action the world does not know does nothing."""
        return self.actions.get(action, ActionEffect(0.0, 0.0, False, 0.0))


@dataclass(frozen=True, slots=True)
class Traits:
    """Per-borrower response traits, drawn once per run from keyed draws (arm-independent)."""

    digital: FloatArray  # responsiveness to messages (mean 1)
    voice: FloatArray  # responsiveness to calls and visits (mean 1)
    sleeping_dog: BoolArray
    unreachable: BoolArray


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read(path: str | Path, source: str) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"world file {source}: cannot read ({error})") from None
    except yaml.YAMLError as error:
        raise ConfigurationError(f"world file {source}: not valid YAML ({error})") from None
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"world file {source}: expected a mapping of sections")
    return dict(raw)


def _default() -> dict[str, Any]:
    text = (resources.files("fairdebt.simulation") / "world.yaml").read_text("utf-8")
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


class _Section:
    """Typed access to one section, with errors naming the file, key and what came."""

    def __init__(self, source: str, name: str, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise ConfigurationError(f"world file {source}, {name}: expected a mapping")
        self.source, self.name, self.data = source, name, data

    def number(self, key: str, low: float = 0.0, high: float = float("inf")) -> float:
        value = self.data.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            raise ConfigurationError(
                f"world file {self.source}, {self.name}.{key}: expected a number in "
                f"[{low:g}, {high:g}] (got {value!r})"
            )
        return float(value)

    def whole(self, key: str, low: int = 0, high: int = 10**6) -> int:
        value = self.number(key, low, high)
        if value != int(value):
            raise ConfigurationError(
                f"world file {self.source}, {self.name}.{key}: expected a whole number"
            )
        return int(value)

    def check_keys(self, known: set[str]) -> None:
        unknown = sorted(set(self.data) - known)
        if unknown:
            raise ConfigurationError(
                f"world file {self.source}, {self.name}: unknown keys {unknown}"
            )


def _behaviour(source: str, raw: Any) -> BehaviourParams:
    section = _Section(source, "behaviour", raw or {})
    names = {f.name for f in fields(BehaviourParams)}
    section.check_keys(names)
    values = {key: section.number(key, -1e6, 1e6) for key in raw or {}}
    ints = {f.name for f in fields(BehaviourParams) if f.type in ("int", int)}
    chosen: dict[str, Any] = {k: int(v) if k in ints else v for k, v in values.items()}
    return BehaviourParams(**chosen)


def _actions(source: str, raw: Any) -> dict[str, ActionEffect]:
    section = _Section(source, "actions", raw)
    out = {}
    for code, spec in section.data.items():
        entry = _Section(source, f"actions.{code}", spec)
        entry.check_keys({"jump", "reminder", "pressing", "complaint", "hardship_token"})
        pressing = entry.data.get("pressing", False)
        if not isinstance(pressing, bool):
            raise ConfigurationError(
                f"world file {source}, actions.{code}.pressing: expected true or false"
            )
        out[str(code)] = ActionEffect(
            jump=entry.number("jump", -5, 5),
            reminder=entry.number("reminder", 0, 1) if "reminder" in entry.data else 0.0,
            pressing=pressing,
            complaint=entry.number("complaint", 0, 1),
            hardship_token=(
                entry.number("hardship_token", 0, 1) if "hardship_token" in entry.data else 0.0
            ),
        )
    return out


def _build(source: str, raw: Mapping[str, Any]) -> World:
    top = _Section(source, "world", raw)
    top.check_keys(
        {
            "version",
            "behaviour",
            "traits",
            "fatigue",
            "treatment_decay",
            "treatment_dpd_days",
            "treatment_floor",
            "shock_treatment",
            "reminder_window_days",
            "forgetful_share",
            "actions",
            "reach",
            "promises",
            "complaints",
            "tokens",
            "plans",
        }
    )
    if raw.get("version") != 1:
        raise ConfigurationError(f"world file {source}, version: expected 1")
    traits = _Section(source, "traits", raw["traits"])
    fatigue = _Section(source, "fatigue", raw["fatigue"])
    reach = _Section(source, "reach", raw["reach"])
    promises = _Section(source, "promises", raw["promises"])
    complaints = _Section(source, "complaints", raw["complaints"])
    tokens = _Section(source, "tokens", raw["tokens"])
    plans = _Section(source, "plans", raw["plans"])
    traits.check_keys(
        {
            "responsiveness_sd",
            "digital_voice_correlation",
            "sleeping_dog_share",
            "sleeping_dog_effect",
            "unreachable_share",
        }
    )
    fatigue.check_keys({"per_contact", "window_days"})
    reach.check_keys(
        {"app_push", "sms", "email", "letter", "visit", "placement", "social"}
        | {"call_answer_by_hour", "right_party"}
    )
    promises.check_keys({"agent", "robot", "visit", "boost", "days_min", "days_max", "keep"})
    complaints.check_keys(
        {"frequency_factor", "free_contacts", "wrong_party_factor", "resolve_days"}
    )
    tokens.check_keys({"on_contact", "autonomous"})
    plans.check_keys({"ask", "accept", "income_share", "shock_capacity", "keep", "stretch"})
    hours = reach.data.get("call_answer_by_hour")
    if not (isinstance(hours, list) and len(hours) == 24):
        raise ConfigurationError(
            f"world file {source}, reach.call_answer_by_hour: expected 24 shares (hours 0-23)"
        )
    answer = tuple(
        _Section(source, "reach", {"call_answer_by_hour": h}).number("call_answer_by_hour", 0, 1)
        for h in hours
    )
    shares = {
        str(k): reach.number(str(k), 0, 1)
        for k in reach.data
        if k not in ("call_answer_by_hour", "right_party")
    }
    low, high = promises.whole("days_min", 0, 60), promises.whole("days_max", 0, 60)
    if low > high:
        raise ConfigurationError(f"world file {source}, promises: days_min > days_max")
    return World(
        behaviour=_behaviour(source, raw.get("behaviour")),
        responsiveness_sd=traits.number("responsiveness_sd", 0, 5),
        digital_voice_correlation=traits.number("digital_voice_correlation", -1, 1),
        sleeping_dog_share=traits.number("sleeping_dog_share", 0, 1),
        sleeping_dog_effect=traits.number("sleeping_dog_effect", -10, 10),
        unreachable_share=traits.number("unreachable_share", 0, 1),
        fatigue_per_contact=fatigue.number("per_contact", 0, 10),
        fatigue_window_days=fatigue.whole("window_days", 1, 60),
        treatment_decay=top.number("treatment_decay", 0, 10),
        treatment_dpd_days=top.number("treatment_dpd_days", 1, 10_000),
        treatment_floor=top.number("treatment_floor", 0, 1),
        shock_treatment=top.number("shock_treatment", 0, 1),
        reminder_window_days=top.whole("reminder_window_days", 0, 30),
        forgetful_share=top.number("forgetful_share", 0, 1),
        actions=_actions(source, raw["actions"]),
        reach=shares,
        call_answer_by_hour=answer,
        right_party=reach.number("right_party", 0, 1),
        promise_agent=promises.number("agent", 0, 1),
        promise_robot=promises.number("robot", 0, 1),
        promise_visit=promises.number("visit", 0, 1),
        promise_boost=promises.number("boost", 0, 10),
        promise_days_min=low,
        promise_days_max=high,
        promise_keep=promises.number("keep", 0, 1),
        complaint_frequency_factor=complaints.number("frequency_factor", 0, 100),
        complaint_free_contacts=complaints.whole("free_contacts", 0, 100),
        complaint_wrong_party_factor=complaints.number("wrong_party_factor", 0, 1000),
        complaint_resolve_days=complaints.whole("resolve_days", 1, 60),
        token_on_contact=tokens.number("on_contact", 0, 1),
        token_autonomous=tokens.number("autonomous", 0, 1),
        plan_ask=plans.number("ask", 0, 1),
        plan_accept=plans.number("accept", 0, 1),
        plan_income_share=plans.number("income_share", 0, 1),
        plan_shock_capacity=plans.number("shock_capacity", 0, 1),
        plan_keep=plans.number("keep", 0, 1),
        plan_stretch=plans.number("stretch", 0, 20),
        source=source,
    )


def load_world(path: str | Path | None = None) -> World:
    """The shipped world, with the keys of the YAML file at ``path`` laid over it."""
    raw = _default()
    source = "world.yaml"
    if path is not None:
        source = str(path)
        raw = _merge(raw, _read(path, source))
    return _build(source, raw)


def make_traits(world: World, seed: int, borrowers: int) -> Traits:
    """Draw every borrower's response traits from keyed draws of ``seed``."""
    keyed, ids = Keyed(seed), np.arange(borrowers)
    sd, rho = world.responsiveness_sd, world.digital_voice_correlation
    z1, z2 = keyed.normals(901, ids), keyed.normals(902, ids)
    zv = rho * z1 + np.sqrt(max(1 - rho * rho, 0.0)) * z2
    # Lognormal with mean 1: exp(sd·z − sd²/2).
    return Traits(
        digital=np.exp(sd * z1 - sd * sd / 2),
        voice=np.exp(sd * zv - sd * sd / 2),
        sleeping_dog=keyed.uniforms(903, ids) < world.sleeping_dog_share,
        unreachable=keyed.uniforms(904, ids) < world.unreachable_share,
    )
