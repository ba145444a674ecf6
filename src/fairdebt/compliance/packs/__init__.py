"""Rule packs as data: rules plus parameters, tightened freely, loosened only on the record.

A :class:`Pack` is a tuple of :class:`~fairdebt.compliance.rules.Rule` and a mapping of
parameters (every limit a rule uses: caps, windows, zones). Each parameter declares which way
is stricter, so :meth:`Pack.adjust` can tell a tightening (a house cap on texts, a state
overlay such as Massachusetts) from a loosening. A loosening, including removing a rule, is
refused with :class:`~fairdebt.errors.ConfigurationError` unless it carries a reason; then it
is kept in the pack's ``provenance`` and written to the audit log with every decision.

>>> pack = get_pack("cn").adjust(params={"texts_per_day": 2})
>>> pack.params["texts_per_day"], pack.provenance[-1].loosened
(2, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from fairdebt.compliance.rules import Rule
from fairdebt.errors import ConfigurationError

__all__ = ["PACKS", "Adjustment", "Pack", "available_packs", "get_pack", "hhmm", "massachusetts"]

# Which way is stricter, per kind of parameter.
#   ceiling: a cap, lower is stricter (None = no cap)   floor: a minimum, higher is stricter
#   start:   a window start, later is stricter          end:   a window end, earlier is stricter
#   zones:   zones whose clocks must all agree, more is stricter
#   parties: who may give a consent that lifts a rule, fewer is stricter
#   allowance: a bool exception, False is stricter
_KINDS = frozenset({"ceiling", "floor", "start", "end", "zones", "parties", "allowance"})


def _looser(kind: str, old: Any, new: Any) -> bool:
    if old == new:
        return False
    if kind == "ceiling":
        return new is None or (old is not None and new > old)
    if kind == "floor":
        return old is not None and (new is None or new < old)
    if kind == "start":
        return bool(new < old)
    if kind == "end":
        return bool(new > old)
    if kind == "zones":
        return not set(old) <= set(new)
    if kind == "parties":
        return not set(new) <= set(old)
    return bool(new) and not old  # allowance


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One recorded change to a pack: what changed, from what to what, and why."""

    change: str
    before: str
    after: str
    loosened: bool
    reason: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "before": self.before,
            "after": self.after,
            "loosened": self.loosened,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Pack:
    """A jurisdiction's rules and limits. ``zones_also`` are clocks every attempt must also
    respect (China: Asia/Shanghai for a debtor abroad); ``default_zone`` counts days and times
    when the debtor's location is unknown, unless ``unknown_location_zones`` says otherwise."""

    id: str
    title: str
    rules: tuple[Rule, ...]
    params: Mapping[str, Any]
    kinds: Mapping[str, str]
    default_zone: str
    zones_also: tuple[str, ...] = ()
    provenance: tuple[Adjustment, ...] = field(default=())

    def __post_init__(self) -> None:
        missing = set(self.params) ^ set(self.kinds)
        if missing:
            raise ConfigurationError(
                f"pack {self.id}: parameters without a kind or value {sorted(missing)}"
            )
        bad = {k: v for k, v in self.kinds.items() if v not in _KINDS}
        if bad:
            raise ConfigurationError(f"pack {self.id}: unknown parameter kinds {bad}")
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ConfigurationError(f"pack {self.id}: duplicate rule ids in {ids}")

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise ConfigurationError(f"pack {self.id} has no rule {rule_id!r}")

    @property
    def loosened(self) -> bool:
        return any(a.loosened for a in self.provenance)

    def adjust(
        self,
        *,
        params: Mapping[str, Any] | None = None,
        add_rules: Sequence[Rule] = (),
        add_params: Mapping[str, tuple[str, Any]] | None = None,
        remove_rules: Iterable[str] = (),
        reason: str | None = None,
        id: str | None = None,
    ) -> Pack:
        """A new pack with changed parameters, added rules (always stricter) or removed rules.

        A change that loosens (a higher cap, a wider window, a removed rule) is refused unless
        ``reason`` is given; with a reason it is recorded as a loosening in ``provenance``.
        ``add_params`` declares new parameters as ``{name: (kind, value)}`` for added rules.
        """
        changes: list[Adjustment] = []
        new_params = dict(self.params)
        kinds = dict(self.kinds)
        for name, (kind, value) in (add_params or {}).items():
            if name in kinds:
                raise ConfigurationError(f"pack {self.id}: parameter {name} already exists")
            kinds[name], new_params[name] = kind, value
            changes.append(Adjustment(f"param {name}", "absent", repr(value), False, reason))
        for name, value in (params or {}).items():
            if name not in kinds:
                raise ConfigurationError(
                    f"pack {self.id} has no parameter {name!r} (known: {sorted(kinds)})"
                )
            old = new_params[name]
            looser = _looser(kinds[name], old, value)
            if looser and not reason:
                raise ConfigurationError(
                    f"pack {self.id}: {name} {old!r} -> {value!r} loosens the rule; give a "
                    f"reason to record the loosening"
                )
            new_params[name] = value
            changes.append(Adjustment(f"param {name}", repr(old), repr(value), looser, reason))
        rules = list(self.rules)
        for rule_id in remove_rules:
            self.rule(rule_id)
            if not reason:
                raise ConfigurationError(
                    f"pack {self.id}: removing rule {rule_id} loosens the pack; give a reason"
                )
            rules = [r for r in rules if r.id != rule_id]
            changes.append(Adjustment(f"rule {rule_id}", "present", "removed", True, reason))
        for rule in add_rules:
            rules.append(rule)
            changes.append(Adjustment(f"rule {rule.id}", "absent", "added", False, reason))
        return replace(
            self,
            id=id or self.id,
            rules=tuple(rules),
            params=MappingProxyType(new_params),
            kinds=MappingProxyType(kinds),
            provenance=(*self.provenance, *changes),
        )


def _cn() -> Pack:
    from fairdebt.compliance.packs.cn import make_pack

    return make_pack()


def _us() -> Pack:
    from fairdebt.compliance.packs.us import make_pack

    return make_pack()


def _uk() -> Pack:
    from fairdebt.compliance.packs.uk import make_pack

    return make_pack()


def massachusetts(pack: Pack) -> Pack:
    """The Massachusetts overlay on the US pack: at most two telephone communications per
    debt in 7 days, creditors included (940 CMR 7.04(1)(f), grade S)."""
    from fairdebt.compliance.packs.us import MA_RULE

    return pack.adjust(
        add_rules=[MA_RULE],
        add_params={"overlay_calls_per_7_days": ("ceiling", 2)},
        reason="Massachusetts overlay 940 CMR 7.04(1)(f)",
        id=f"{pack.id}-ma",
    )


PACKS: Mapping[str, Callable[[], Pack]] = MappingProxyType(
    {"cn": _cn, "us": _us, "uk": _uk, "us-ma": lambda: massachusetts(_us())}
)
_BUILT: dict[str, Pack] = {}


def available_packs() -> tuple[str, ...]:
    return tuple(PACKS)


def get_pack(pack_id: str = "cn") -> Pack:
    """The named pack (``cn`` is the default; ``us-ma`` is the US pack with the Massachusetts
    overlay). Packs are immutable, so one instance per id is shared."""
    if pack_id not in PACKS:
        raise ConfigurationError(f"unknown rule pack {pack_id!r} (known: {sorted(PACKS)})")
    if pack_id not in _BUILT:
        _BUILT[pack_id] = PACKS[pack_id]()
    return _BUILT[pack_id]


def hhmm(text: str) -> dt.time:
    """A ``HH:MM`` wall-clock time (pack definitions read better with strings)."""
    return dt.time.fromisoformat(text)
