"""The action catalogue: what the strategy may do to an account, at what cost, harm and capacity.

A strategist edits ``actions.yaml`` (or a copy given with ``--catalogue``). Loading checks every
field and screens every message template, in zh-CN and en, with the compliance engine: a
template the screening would block refuses the whole catalogue, naming the action, template,
language and finding, so no blocked wording can reach a borrower through the loop. Each action
names what the gate is asked about (channel, mode, recipient), its capacity pool, unit cost,
harm weight, the stages where it may be used and the fallback tried when the gate or the pool
refuses it.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from fairdebt.compliance.attempts import CHANNELS, MODES
from fairdebt.errors import ConfigurationError

__all__ = [
    "LANGUAGES",
    "STAGES",
    "Action",
    "Catalogue",
    "Pool",
    "load_catalogue",
    "sample_values",
]

STAGES = ("pre_due", "early", "mid", "late")
LANGUAGES = ("zh-CN", "en")
# A placement hands the account to an agency: a contact event, but not one the gate judges
# (the agency's own calls are).
PLACEMENT = "placement"
_FIELDS = ("name", "agent", "amount", "due_on", "days", "pay_how", "help", "lender", "tip")
_ACTION_KEYS = frozenset(
    {
        "channel",
        "actor",
        "mode",
        "recipient",
        "pool",
        "cost",
        "commission",
        "harm",
        "stages",
        "fallback",
        "attempts",
        "templates",
        "facts",
    }
)


@dataclass(frozen=True, slots=True)
class Pool:
    """A capacity pool: a gateway or robot fleet (``daily_capacity``) or people (collectors)."""

    name: str
    start: dt.time
    end: dt.time
    daily_capacity: int | None = None
    per_10k_accounts: float | None = None
    cases_per_collector: int | None = None

    @property
    def is_human(self) -> bool:
        return self.daily_capacity is None


@dataclass(frozen=True, slots=True)
class Action:
    """One thing the strategy may do to an account on a day."""

    code: str
    channel: str | None
    pool: str | None
    cost: float
    harm: float
    stages: tuple[str, ...]
    mode: str = "robot"
    recipient: str = "debtor"
    actor: str = "lender"  # lender | agency: who makes the contact (the gate's ``by``)
    commission: float = 0.0
    fallback: str | None = None
    attempts: int = 1
    # template kind -> language -> text with {fields}
    templates: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_contact(self) -> bool:
        """Whether doing it reaches out to a person (every action but ``none``)."""
        return self.channel is not None

    @property
    def is_gated(self) -> bool:
        """Whether the compliance gate judges it (placements are judged per agency contact)."""
        return self.channel is not None and self.channel != PLACEMENT

    def template_for(self, stage: str) -> str | None:
        """The template kind used at ``stage``: reminders before due, the first kind after."""
        if not self.templates:
            return None
        if stage == "pre_due" and "reminder" in self.templates:
            return "reminder"
        kinds = [kind for kind in self.templates if kind != "reminder"]
        return kinds[0] if kinds else next(iter(self.templates))


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Actions by code, pools by name, and the shared wording templates draw on."""

    actions: Mapping[str, Action]
    pools: Mapping[str, Pool]
    lender: Mapping[str, str]
    pay_how: Mapping[str, str]
    help: Mapping[str, str]
    tips: Mapping[str, tuple[str, ...]]
    source: str = "actions.yaml"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.actions)

    def fallbacks(self, code: str) -> tuple[str, ...]:
        """``code`` then its fallback chain, in order.

        >>> load_catalogue(screen=False).fallbacks("agent_call")
        ('agent_call', 'robot_call', 'sms', 'app_push')
        """
        chain = [code]
        while (following := self.actions[chain[-1]].fallback) is not None:
            chain.append(following)
        return tuple(chain)

    def render(
        self, code: str, kind: str, language: str, values: Mapping[str, Any], *, tip: int = 0
    ) -> str:
        """A template filled in: the borrower's values plus the catalogue's shared wording."""
        language = language if language in LANGUAGES else "zh-CN"
        tips = self.tips.get(language, ())
        shared = {
            "lender": self.lender.get(language, ""),
            "pay_how": self.pay_how.get(language, ""),
            "help": self.help.get(language, ""),
            "tip": tips[tip % len(tips)] if tips else "",
        }
        return (
            self.actions[code]
            .templates[kind][language]
            .format_map({"days": "", **shared, **values})
        )


def sample_values(language: str) -> dict[str, str]:
    """Typical values a template is screened with when the catalogue loads (12 days late).

    >>> sample_values("en")["amount"]
    '1,234.56'
    """
    if language == "en":
        return {
            "name": "Ms Wang",
            "agent": "Li Ming",
            "amount": "1,234.56",
            "due_on": "5 March",
        } | {"days": "12"}
    return {
        "name": "王女士",
        "agent": "李明",
        "amount": "1,234.56",
        "due_on": "3月5日",
        "days": "12",
    }


def _fail(source: str, where: str, message: str) -> ConfigurationError:
    return ConfigurationError(f"action catalogue {source}, {where}: {message}")


def _time(source: str, where: str, text: Any) -> dt.time:
    try:
        return dt.time.fromisoformat(str(text))
    except ValueError:
        raise _fail(source, where, f"expected a time HH:MM (got {text!r})") from None


def _pools(source: str, raw: Any) -> dict[str, Pool]:
    if not isinstance(raw, Mapping) or not raw:
        raise _fail(source, "pools", "expected a mapping of pool names")
    pools = {}
    for name, spec in raw.items():
        where = f"pool {name}"
        if not isinstance(spec, Mapping):
            raise _fail(source, where, "expected a mapping")
        hours = spec.get("hours")
        if not (isinstance(hours, list) and len(hours) == 2):
            raise _fail(source, f"{where}, field hours", f"expected [start, end] (got {hours!r})")
        capacity = spec.get("daily_capacity")
        per_10k, cases = spec.get("per_10k_accounts"), spec.get("cases_per_collector")
        if capacity is None and (per_10k is None or cases is None):
            raise _fail(
                source,
                where,
                "needs daily_capacity, or per_10k_accounts and cases_per_collector (people)",
            )
        if capacity is not None and (not isinstance(capacity, int) or capacity < 0):
            raise _fail(source, f"{where}, field daily_capacity", f"got {capacity!r}")
        pools[str(name)] = Pool(
            str(name),
            _time(source, f"{where}, field hours", hours[0]),
            _time(source, f"{where}, field hours", hours[1]),
            capacity,
            None if per_10k is None else float(per_10k),
            None if cases is None else int(cases),
        )
    return pools


def _number(source: str, where: str, value: Any, *, low: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < low:
        raise _fail(source, where, f"expected a number ≥ {low:g} (got {value!r})")
    return float(value)


def _templates(source: str, code: str, raw: Any) -> dict[str, dict[str, str]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _fail(source, f"action {code}, field templates", "expected a mapping of kinds")
    out: dict[str, dict[str, str]] = {}
    for kind, texts in raw.items():
        where = f"action {code}, template {kind}"
        if not isinstance(texts, Mapping) or set(texts) != set(LANGUAGES):
            got = sorted(texts) if isinstance(texts, Mapping) else texts
            raise _fail(source, where, f"expected exactly {list(LANGUAGES)} (got {got!r})")
        for language, text in texts.items():
            try:
                names = {n for _, n, _, _ in string.Formatter().parse(str(text))}
            except ValueError as error:
                raise _fail(source, f"{where}, {language}", str(error)) from None
            unknown = sorted(n for n in names if n and n not in _FIELDS)
            if unknown:
                raise _fail(source, f"{where}, {language}", f"unknown fields {unknown}")
        out[str(kind)] = {str(k): str(v) for k, v in texts.items()}
    return out


def _action(source: str, code: str, spec: Any, pools: Mapping[str, Pool]) -> Action:
    where = f"action {code}"
    if not isinstance(spec, Mapping):
        raise _fail(source, where, "expected a mapping")
    unknown = sorted(set(spec) - _ACTION_KEYS)
    if unknown:
        raise _fail(source, where, f"unknown fields {unknown}")
    channel = spec.get("channel")
    if channel is not None and channel not in CHANNELS | {PLACEMENT}:
        raise _fail(source, f"{where}, field channel", f"unknown channel {channel!r}")
    mode = spec.get("mode", "robot")
    if mode not in MODES:
        raise _fail(source, f"{where}, field mode", f"expected one of {sorted(MODES)}")
    pool = spec.get("pool")
    if (pool is None) != (channel is None) or (pool is not None and pool not in pools):
        raise _fail(source, f"{where}, field pool", f"unknown or missing pool {pool!r}")
    stages = tuple(spec.get("stages") or ())
    bad = [s for s in stages if s not in STAGES]
    if bad or not stages:
        raise _fail(source, f"{where}, field stages", f"expected some of {list(STAGES)}")
    attempts = spec.get("attempts", 1)
    if not isinstance(attempts, int) or not 1 <= attempts <= 6:
        raise _fail(source, f"{where}, field attempts", f"expected 1..6 (got {attempts!r})")
    actor = spec.get("actor", "lender")
    if actor not in ("lender", "agency"):
        raise _fail(source, f"{where}, field actor", f"expected lender or agency (got {actor!r})")
    templates = _templates(source, code, spec.get("templates"))
    if channel is not None and not templates:
        raise _fail(source, f"{where}, field templates", "a contact needs its templates")
    return Action(
        code=code,
        channel=channel,
        pool=pool,
        cost=_number(source, f"{where}, field cost", spec.get("cost", 0)),
        harm=_number(source, f"{where}, field harm", spec.get("harm", 0)),
        stages=stages,
        mode=mode,
        recipient=str(spec.get("recipient", "debtor")),
        actor=actor,
        commission=_number(source, f"{where}, field commission", spec.get("commission", 0)),
        fallback=spec.get("fallback"),
        attempts=attempts,
        templates=templates,
        facts=dict(spec.get("facts") or {}),
    )


def _check_fallbacks(source: str, actions: Mapping[str, Action]) -> None:
    for code, action in actions.items():
        seen = {code}
        following = action.fallback
        while following is not None:
            if following not in actions:
                raise _fail(source, f"action {code}, field fallback", f"unknown {following!r}")
            if following in seen:
                raise _fail(source, f"action {code}, field fallback", "the chain loops")
            seen.add(following)
            following = actions[following].fallback


def _screen_templates(catalogue: Catalogue, pack: str) -> None:
    """Refuse the catalogue if screening would block any template in any language."""
    from fairdebt.compliance.screening import screen

    for code, action in catalogue.actions.items():
        for kind in action.templates:
            for language in LANGUAGES:
                text = catalogue.render(code, kind, language, sample_values(language))
                facts = {"recipient": action.recipient, **action.facts}
                blocking = [f for f in screen(text, facts, pack=pack) if f.action == "block"]
                if blocking:
                    first = blocking[0]
                    raise _fail(
                        catalogue.source,
                        f"action {code}, template {kind}, {language}",
                        f"blocked by screening rule {first.rule} ({first.category}): "
                        f"{text[first.start : first.end]!r}",
                    )


def _wording(source: str, raw: Mapping[str, Any], key: str) -> dict[str, str]:
    value = raw.get(key)
    if not isinstance(value, Mapping) or set(value) != set(LANGUAGES):
        raise _fail(source, key, f"expected exactly {list(LANGUAGES)}")
    return {str(k): str(v) for k, v in value.items()}


def load_catalogue(
    path: str | Path | None = None, *, pack: str = "cn", screen: bool = True
) -> Catalogue:
    """Read and check a catalogue (the shipped ``actions.yaml`` by default).

    Every template is screened with ``pack`` unless ``screen`` is False (only for tools that
    never send a message, such as documentation).
    """
    if path is None:
        source = "actions.yaml"
        text = (resources.files("fairdebt.strategy") / "actions.yaml").read_text("utf-8")
    else:
        source = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(f"action catalogue {source}: cannot read ({error})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigurationError(f"action catalogue {source}: not valid YAML ({error})") from None
    if not isinstance(raw, Mapping) or raw.get("version") != 1:
        raise _fail(source, "version", "expected a mapping with version: 1")
    pools = _pools(source, raw.get("pools"))
    specs = raw.get("actions")
    if not isinstance(specs, Mapping) or "none" not in specs:
        raise _fail(source, "actions", "expected a mapping of actions including none")
    actions = {str(code): _action(source, str(code), spec, pools) for code, spec in specs.items()}
    _check_fallbacks(source, actions)
    tips = raw.get("tips") or {}
    catalogue = Catalogue(
        actions=actions,
        pools=pools,
        lender=_wording(source, raw, "lender"),
        pay_how=_wording(source, raw, "pay_how"),
        help=_wording(source, raw, "help"),
        tips={str(k): tuple(str(t) for t in v) for k, v in tips.items()},
        source=source,
    )
    if screen:
        _screen_templates(catalogue, pack)
    return catalogue
