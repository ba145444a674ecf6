"""Allocation of accounts among agencies, weighing conduct together with recovery.

The policy (:class:`AllocationPolicy`, read from ``fairdebt/data/agency_allocation.yaml`` or a
file the lender gives) sets the weights: each agency's score is its recovery rate times the
recovery weight, less its complaints, screening findings and gate refusals per 1,000 accounts
times theirs (:func:`score`). Shares are a softmax of the scores with a floor for every
eligible agency (:func:`shares`); whole accounts are apportioned by largest remainder
(:func:`apportion`) and dealt largest balance first to the agency furthest below its share, so
each gets a like mix. Only agencies that may receive placements on the date, and whose
commission schedule covers every bucket in the batch, take part; the placements are made by
:func:`fairdebt.agencies.placements.place_loans`, each with its audit entry.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from fairdebt.agencies.placements import place_loans, position_on
from fairdebt.agencies.registry import commission_schedule, standing
from fairdebt.agencies.scorecards import Scorecard, scorecards
from fairdebt.errors import ConfigurationError, RuleViolation, UnknownRecord
from fairdebt.models import Agency, Loan

__all__ = [
    "Allocation",
    "AllocationPolicy",
    "allocate_loans",
    "apportion",
    "load_policy",
    "score",
    "shares",
]

_WEIGHTS = ("recovery", "complaints", "screening_findings", "gate_refusals")


@dataclass(frozen=True, slots=True)
class AllocationPolicy:
    """Weights of recovery and conduct, the look-back window and the share floor."""

    weights: Mapping[str, float] = field(
        default_factory=lambda: {
            "recovery": 100.0,
            "complaints": 0.5,
            "screening_findings": 0.2,
            "gate_refusals": 0.1,
        }
    )
    window_days: int = 180
    min_accounts: int = 30
    floor_share: float = 0.05
    temperature: float = 5.0


def load_policy(path: Path | None = None) -> AllocationPolicy:
    """The shipped policy, or the YAML file at ``path``; ConfigurationError names what is off."""
    source = "agency_allocation.yaml" if path is None else str(path)
    if path is None:
        text = (resources.files("fairdebt") / "data" / "agency_allocation.yaml").read_text("utf-8")
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ConfigurationError(f"{source}: not UTF-8 text") from None
    try:
        raw = yaml.safe_load(text)
        return _policy(raw, source)
    except yaml.YAMLError as error:
        raise ConfigurationError(f"{source}: not YAML ({error})") from None
    except (TypeError, ValueError, OverflowError) as error:
        raise ConfigurationError(f"{source}: {error}") from None


def _policy(raw: Any, source: str) -> AllocationPolicy:
    if not isinstance(raw, dict) or not isinstance(raw.get("weights"), dict):
        raise ConfigurationError(f"{source}: expected a mapping with 'weights'")
    weights = raw["weights"]
    missing = [k for k in _WEIGHTS if not isinstance(weights.get(k), int | float)]
    if missing or any(not 0 <= float(weights[k]) < math.inf for k in _WEIGHTS):
        raise ConfigurationError(
            f"{source}: weights needs non-negative numbers for {', '.join(_WEIGHTS)} "
            f"(got {weights})"
        )
    floor = float(raw.get("floor_share", 0.05))
    if not 0 <= floor < 1:  # NaN fails too
        raise ConfigurationError(f"{source}: floor_share must be 0 to below 1 (got {floor})")
    temperature = float(raw.get("temperature", 5.0))
    if not 0 < temperature < math.inf:
        raise ConfigurationError(f"{source}: temperature must be positive (got {temperature})")
    return AllocationPolicy(
        temperature=temperature,
        weights={k: float(weights[k]) for k in _WEIGHTS},
        window_days=int(raw.get("window_days", 180)),
        min_accounts=int(raw.get("min_accounts", 30)),
        floor_share=floor,
    )


def _number(value: Decimal | None) -> float:
    return 0.0 if value is None else float(value)


def score(card: Scorecard, policy: AllocationPolicy) -> float:
    """Recovery less conduct, by the policy's weights.

    >>> from fairdebt.agencies.scorecards import per_1000
    >>> card = Scorecard("A", 1000, Decimal(1), Decimal(0), Decimal(0), Decimal("0.12"), 0, 2,
    ...     0, 10, per_1000(2, 1000), per_1000(0, 1000), per_1000(10, 1000), True, None)
    >>> round(score(card, AllocationPolicy()), 2)  # 12 - 0.5 x 2 - 0.1 x 10
    10.0
    """
    w = policy.weights
    return (
        w["recovery"] * _number(card.recovery_rate)
        - w["complaints"] * _number(card.complaints_per_1000)
        - w["screening_findings"] * _number(card.findings_per_1000)
        - w["gate_refusals"] * _number(card.refusals_per_1000)
    )


def shares(scores: Mapping[str, float], floor_share: float, temperature: float) -> dict[str, float]:
    """Shares by a softmax of the scores: a lead of ``temperature`` points multiplies an
    agency's share by e (about 2.7); equal scores share equally; each keeps ``floor_share``.

    >>> {k: round(v, 3) for k, v in shares({"A": 5.0, "B": 0.0}, 0.0, 5.0).items()}
    {'A': 0.731, 'B': 0.269}
    >>> shares({"A": 1.0, "B": 1.0}, 0.1, 5.0)
    {'A': 0.5, 'B': 0.5}
    """
    if not scores:
        return {}
    n = len(scores)
    floor = min(floor_share, 1 / n)
    top = max(scores.values())
    raw = {k: math.exp((v - top) / temperature) for k, v in scores.items()}
    total = sum(raw.values())
    return {k: floor + (1 - n * floor) * v / total for k, v in raw.items()}


def apportion(count: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Whole counts in proportion to ``weights`` by largest remainder (ties by name).

    >>> apportion(10, {"A": 0.55, "B": 0.45})
    {'A': 6, 'B': 4}
    >>> apportion(3, {"A": 1, "B": 1, "C": 1})
    {'A': 1, 'B': 1, 'C': 1}
    """
    total = sum(weights.values()) or 1.0
    exact = {k: count * v / total for k, v in weights.items()}
    whole = {k: int(v) for k, v in exact.items()}
    left = count - sum(whole.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - whole[k]), k))[:left]:
        whole[k] += 1
    return whole


@dataclass(frozen=True, slots=True)
class Allocation:
    """Which loans went to which agency, with each agency's score and share."""

    loans: dict[str, list[int]]
    scores: dict[str, float]
    shares: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return {
            "agencies": [
                {
                    "agency": name,
                    "score": round(self.scores[name], 4),
                    "share": round(self.shares[name], 4),
                    "loans": len(self.loans.get(name, [])),
                }
                for name in sorted(self.shares)
            ],
            "placed": sum(len(v) for v in self.loans.values()),
        }


def _scores(cards: Sequence[Scorecard], policy: AllocationPolicy) -> dict[str, float]:
    judged = {c.agency: score(c, policy) for c in cards if c.accounts >= policy.min_accounts}
    mean = sum(judged.values()) / len(judged) if judged else 0.0
    return {c.agency: judged.get(c.agency, mean) for c in cards}


def _deal(loans: Sequence[tuple[int, Decimal]], counts: Mapping[str, int]) -> dict[str, list[int]]:
    """Largest balance first, each to the agency furthest below its count."""
    dealt: dict[str, list[int]] = {name: [] for name in counts}
    for loan_id, _ in sorted(loans, key=lambda x: (-x[1], x[0])):
        name = max(
            (n for n in counts if len(dealt[n]) < counts[n]),
            key=lambda n: ((counts[n] - len(dealt[n])) / counts[n], counts[n], n),
        )
        dealt[name].append(loan_id)
    return dealt


def allocate_loans(
    session: Session,
    *,
    loan_ids: Sequence[int],
    on: dt.date,
    policy: AllocationPolicy,
    actor: str,
    at: dt.datetime,
) -> Allocation:
    """Share and place ``loan_ids`` among the eligible agencies on business date ``on``."""
    loans = []
    for loan_id in dict.fromkeys(loan_ids):
        loan = session.get(Loan, loan_id)
        if loan is None:
            raise UnknownRecord(f"no loan has id {loan_id}", field="loans")
        loans.append((loan, position_on(session, loan, on)))
    buckets = {p.bucket for _, p in loans}
    eligible = [
        a
        for a in session.scalars(select(Agency).where(Agency.is_active).order_by(Agency.name))
        if standing(session, agency=a, on=on).may_place
        and buckets <= set(commission_schedule(session, a.id))
    ]
    if not eligible:
        raise RuleViolation(
            f"no agency may receive placements in {', '.join(sorted(buckets))} on {on} "
            "(each needs a current, passed evaluation and a commission for the bucket)",
            field="agency",
        )
    since = on - dt.timedelta(days=policy.window_days)
    names = {a.name for a in eligible}
    cards = [
        c
        for c in scorecards(session, since=since, until=on - dt.timedelta(days=1))
        if c.agency in names
    ]
    scored = _scores(cards, policy)
    share = shares(scored, policy.floor_share, policy.temperature)
    counts = apportion(len(loans), share)
    dealt = _deal([(loan.id, p.balance_amount) for loan, p in loans], counts)
    for agency in eligible:
        if dealt[agency.name]:
            place_loans(
                session,
                agency=agency,
                loan_ids=dealt[agency.name],
                placed_on=on,
                actor=actor,
                at=at,
            )
    return Allocation(dealt, scored, share)
