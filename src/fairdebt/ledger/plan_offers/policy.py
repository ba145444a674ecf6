"""The lender's plan policy: which plans may be offered for a loan, per bucket and segment.

The shipped ``data/plan_policy.yaml`` (or a copy) is read and checked whole by
:func:`load_plan_policy`; every problem is a :class:`~fairdebt.errors.ConfigurationError` naming
the file, the rule, the field, what was expected and what came. A rule matches a loan by its
bucket and its segment (the product code, ``*`` for any); the first matching rule applies. Each
rule lists the plan kinds it allows with their limits, and who may approve an exception (the
larger limits of its ``exception`` block). No plan runs longer than
:data:`LEGAL_MAX_TERM_MONTHS`: the longest personalised instalment agreement (个性化分期还款协议)
that art. 70 of 《商业银行信用卡业务监督管理办法》 allows, applied here to every kind
(docs/decisions/plan-offers.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from fairdebt.errors import ConfigurationError
from fairdebt.models import PlanKind

__all__ = [
    "LEGAL_MAX_TERM_MONTHS",
    "Affordability",
    "KindLimits",
    "PlanPolicy",
    "PlanRule",
    "load_plan_policy",
    "read_plan_policy",
]

# 《商业银行信用卡业务监督管理办法》(银监会令2011年第2号) art. 70: a personalised instalment
# agreement runs at most 5 years (secondary sources; docs/decisions/plan-offers.md).
LEGAL_MAX_TERM_MONTHS = 60
_KIND_FIELDS = {
    "instalment": {"terms", "max_term_months", "max_extra_cost_share"},
    "extension": {"extra_months", "max_term_months", "max_extra_cost_share"},
    "interest_freeze": {"terms", "max_term_months"},
    "penalty_waiver": {"max_waiver_share", "pay_within_days"},
    "settlement": {"discounts", "max_discount_share", "months", "pay_within_days"},
}
_EXCEPTION_FIELDS = {"max_term_months", "max_waiver_share", "max_discount_share"}


@dataclass(frozen=True, slots=True)
class KindLimits:
    """What one rule allows for one kind of plan (fields a kind does not use stay empty)."""

    kind: str
    terms: tuple[int, ...] = ()  # months a new schedule may run (instalment, interest freeze)
    extra_months: tuple[int, ...] = ()  # months an extension adds
    months: tuple[int, ...] = ()  # payments a settlement may be split into
    discounts: tuple[Decimal, ...] = ()  # shares of the payoff a settlement may forgive
    max_term_months: int = LEGAL_MAX_TERM_MONTHS
    max_extra_cost_share: Decimal = Decimal(0)  # over the contract's remaining cost, of the owed
    max_waiver_share: Decimal = Decimal(0)  # of the penalties due
    max_discount_share: Decimal = Decimal(0)  # of the payoff
    pay_within_days: int = 15


@dataclass(frozen=True, slots=True)
class PlanRule:
    """The plans allowed for loans in some buckets and segments, and their exception."""

    name: str
    buckets: tuple[str, ...]
    segments: tuple[str, ...]
    approvers: tuple[str, ...]  # roles that may approve an exception
    kinds: Mapping[str, KindLimits]
    exception_max_term_months: int
    exception_max_waiver_share: Decimal
    exception_max_discount_share: Decimal

    def matches(self, bucket: str, segment: str) -> bool:
        return bucket in self.buckets and ("*" in self.segments or segment in self.segments)


@dataclass(frozen=True, slots=True)
class Affordability:
    """How much of the borrower's month a plan payment may take."""

    income_share: Decimal
    living_cost_amount: Decimal
    min_instalment_amount: Decimal


@dataclass(frozen=True, slots=True)
class PlanPolicy:
    grace_days: int
    offer_valid_days: int
    affordability: Affordability
    burden_weight: Decimal
    rules: tuple[PlanRule, ...]
    source: str = "plan_policy.yaml"

    def rule_for(self, bucket: str, segment: str) -> PlanRule | None:
        """The first rule for a loan in ``bucket`` and ``segment``; None when no plan may be."""
        return next((r for r in self.rules if r.matches(bucket, segment)), None)


class _Reader:
    """Reads fields of one mapping, failing with the file and the path to the field."""

    def __init__(self, source: str, where: str, raw: Any, allowed: set[str]) -> None:
        if not isinstance(raw, Mapping):
            raise self._error(source, where, "expected a mapping", raw)
        unknown = sorted(set(map(str, raw)) - allowed)
        if unknown:
            raise self._error(source, where, f"unknown keys {unknown}; allowed {sorted(allowed)}")
        self.source, self.where, self.raw = source, where, raw

    @staticmethod
    def _error(source: str, where: str, message: str, got: Any = ...) -> ConfigurationError:
        tail = "" if got is ... else f" (got {got!r})"
        return ConfigurationError(f"plan policy {source}, {where}: {message}{tail}")

    def fail(self, key: str, message: str) -> ConfigurationError:
        return self._error(self.source, f"{self.where}.{key}", message, self.raw.get(key))

    def count(self, key: str, *, low: int, high: int, default: int | None = None) -> int:
        value = self.raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"expected a whole number from {low} to {high}")
        return value

    def share(self, key: str, *, default: str | None = None, high: str = "1") -> Decimal:
        value = self.raw.get(key, default)
        try:
            share = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise self.fail(key, f"expected a decimal from 0 to {high}") from None
        if isinstance(value, bool) or not share.is_finite() or not 0 <= share <= Decimal(high):
            raise self.fail(key, f"expected a decimal from 0 to {high}")
        return share

    def amount(self, key: str) -> Decimal:
        return self.share(key, high="1000000")

    def counts(self, key: str, *, high: int) -> tuple[int, ...]:
        values = self.raw.get(key)
        if not isinstance(values, list) or not values:
            raise self.fail(key, f"expected a rising list of whole numbers from 1 to {high}")
        numbers = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        if not numbers or not all(1 <= v <= high for v in values) or values != sorted(set(values)):
            raise self.fail(key, f"expected a rising list of whole numbers from 1 to {high}")
        return tuple(int(v) for v in values)

    def names(self, key: str, *, default: Sequence[str] | None = None) -> tuple[str, ...]:
        values = self.raw.get(key, default)
        if not isinstance(values, list) or not values:
            raise self.fail(key, "expected a non-empty list of names")
        return tuple(str(v) for v in values)


def _kind(source: str, rule: str, kind: str, raw: Any) -> KindLimits:
    where = f"rule {rule}, kind {kind}"
    if kind not in _KIND_FIELDS:
        raise ConfigurationError(
            f"plan policy {source}, rule {rule}: unknown plan kind {kind!r}; "
            f"expected one of {sorted(_KIND_FIELDS)}"
        )
    r = _Reader(source, where, raw, _KIND_FIELDS[kind])
    legal = LEGAL_MAX_TERM_MONTHS
    values: dict[str, Any] = {"kind": kind}
    if "max_term_months" in _KIND_FIELDS[kind]:
        values["max_term_months"] = r.count("max_term_months", low=1, high=legal)
    if kind in ("instalment", "interest_freeze"):
        values["terms"] = r.counts("terms", high=values["max_term_months"])
    if kind == "extension":
        values["extra_months"] = r.counts("extra_months", high=values["max_term_months"])
    if "max_extra_cost_share" in _KIND_FIELDS[kind]:
        values["max_extra_cost_share"] = r.share("max_extra_cost_share", high="10")
    if kind == "penalty_waiver":
        values["max_waiver_share"] = r.share("max_waiver_share")
    if kind in ("penalty_waiver", "settlement"):
        values["pay_within_days"] = r.count("pay_within_days", low=1, high=90, default=15)
    if kind == "settlement":
        values["max_discount_share"] = r.share("max_discount_share")
        values["months"] = r.counts("months", high=12)
        raw_discounts = r.raw.get("discounts")
        if not isinstance(raw_discounts, list) or not raw_discounts:
            raise r.fail("discounts", "expected a non-empty list of shares")
        discounts = tuple(
            _Reader(source, where, {"discounts": d}, {"discounts"}).share("discounts")
            for d in raw_discounts
        )
        if any(d > values["max_discount_share"] for d in discounts):
            raise r.fail("discounts", "every discount must be within max_discount_share")
        values["discounts"] = discounts
    return KindLimits(**values)


def _rule(source: str, index: int, raw: Any) -> PlanRule:
    fields = {"name", "buckets", "segments", "approvers", "kinds", "exception"}
    r = _Reader(source, f"rules[{index}]", raw, fields)
    name = str(raw.get("name") or f"#{index + 1}")
    kinds_raw = raw.get("kinds")
    if not isinstance(kinds_raw, Mapping) or not kinds_raw:
        raise r.fail("kinds", f"expected a mapping of plan kinds ({', '.join(PlanKind)})")
    kinds = {str(k): _kind(source, name, str(k), v) for k, v in kinds_raw.items()}
    e = _Reader(source, f"rule {name}, exception", raw.get("exception", {}), _EXCEPTION_FIELDS)
    longest = max(k.max_term_months for k in kinds.values())
    return PlanRule(
        name=name,
        buckets=r.names("buckets"),
        segments=r.names("segments", default=["*"]),
        approvers=r.names("approvers", default=["supervisor"]),
        kinds=kinds,
        exception_max_term_months=e.count(
            "max_term_months", low=1, high=LEGAL_MAX_TERM_MONTHS, default=longest
        ),
        exception_max_waiver_share=e.share("max_waiver_share", default="0"),
        exception_max_discount_share=e.share("max_discount_share", default="0"),
    )


def read_plan_policy(text: str, source: str) -> PlanPolicy:
    """Check a policy given as YAML text; ``source`` names it in errors."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigurationError(f"plan policy {source}: not valid YAML ({error})") from None
    fields = {"version", "grace_days", "offer_valid_days", "affordability", "recovery", "rules"}
    r = _Reader(source, "top", raw, fields)
    if raw.get("version") != 1:
        raise r.fail("version", "expected version: 1")
    a = _Reader(
        source,
        "affordability",
        raw.get("affordability"),
        {"income_share", "living_cost_amount", "min_instalment_amount"},
    )
    rec = _Reader(source, "recovery", raw.get("recovery", {}), {"burden_weight"})
    rules = raw.get("rules")
    if not isinstance(rules, list) or not rules:
        raise r.fail("rules", "expected a non-empty list of rules")
    return PlanPolicy(
        grace_days=r.count("grace_days", low=0, high=90),
        offer_valid_days=r.count("offer_valid_days", low=0, high=90, default=7),
        affordability=Affordability(
            income_share=a.share("income_share"),
            living_cost_amount=a.amount("living_cost_amount"),
            min_instalment_amount=a.amount("min_instalment_amount"),
        ),
        burden_weight=rec.share("burden_weight", default="1", high="100"),
        rules=tuple(_rule(source, i, rule) for i, rule in enumerate(rules)),
        source=source,
    )


def load_plan_policy(path: str | Path | None = None) -> PlanPolicy:
    """Read and check a plan policy file (the shipped ``plan_policy.yaml`` by default).

    >>> policy = load_plan_policy()
    >>> policy.grace_days, policy.rule_for("M2", "P12").name, policy.rule_for("X", "P12")
    (5, 'mid', None)
    """
    if path is None:
        text = (resources.files("fairdebt") / "data" / "plan_policy.yaml").read_text("utf-8")
        return read_plan_policy(text, "plan_policy.yaml")
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"plan policy {path}: cannot read ({error})") from None
    return read_plan_policy(text, str(path))
