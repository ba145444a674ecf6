"""Known shocks injected into a simulated portfolio, and the ground truth each one records.

The explanation engine is later scored against this truth, so it is machine-readable and exact:
``kind``, ``what`` (a sentence in English and Chinese), ``where`` (the slice: every loan, one
province, some vintages, some products), ``from_on`` (the first business date it acts), and
``magnitude`` (the parameters changed and the expected effect on day-1 delinquency that the
behaviour model implies, computed from the simulated borrowers themselves).

========================  ==================================================================
``bad_vintage``           origination surge through a weaker approval policy in two months
``macro_shock``           every cohort misses more and cures less from a date
``province_shock``        the same, in one province only
``policy_change``         new product versions with 3 grace days (was 0) from a date
========================  ==================================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fairdebt.errors import InputError
from fairdebt.simulation.behaviour import ScenarioEffects
from fairdebt.simulation.population import APPLICANT_POOL_SHIFT, APPROVAL_CUTOFFS, FRAUD_RATES

__all__ = ["SCENARIOS", "ScenarioPlan", "plan_scenario"]

SCENARIOS = ("bad_vintage", "macro_shock", "province_shock", "policy_change")


@dataclass(slots=True)
class ScenarioPlan:
    """What the simulator must do for a scenario, and the truth to record."""

    kind: str | None
    from_day: int = 10**9
    effects: list[ScenarioEffects] = field(default_factory=list)
    # bad_vintage: months (0-based from the start) whose volume is multiplied, and by how much.
    surge_months: tuple[int, ...] = ()
    surge_multiplier: float = 0.0
    # policy_change: grace days of the product versions used from ``from_day``.
    new_grace_days: int | None = None
    truth: dict[str, Any] = field(default_factory=dict)


def _month_start(start_on: dt.date, k: int) -> dt.date:
    month = start_on.month - 1 + k
    return dt.date(start_on.year + month // 12, month % 12 + 1, 1)


def plan_scenario(
    kind: str | None, *, start_on: dt.date, months: int, province: str, province_index: int
) -> ScenarioPlan:
    """The plan for ``kind`` in a run of ``months`` from ``start_on``; shocks start mid-run."""
    if kind is None:
        return ScenarioPlan(kind=None, truth={"kind": None})
    if kind not in SCENARIOS:
        raise InputError(f"must be one of {', '.join(SCENARIOS)} (got {kind!r})", field="scenario")
    if months < 2:
        raise InputError(f"a scenario needs at least 2 months (got {months})", field="months")
    k = max(1, months // 2)  # the shock starts at the first day of the middle month
    from_on = _month_start(start_on, k) if k > 0 else start_on
    from_day = (from_on - start_on).days
    if kind == "macro_shock":
        effect = ScenarioEffects(from_day=from_day, miss_shift=0.9, cure_shift=-0.6)
        return ScenarioPlan(
            kind,
            from_day,
            [effect],
            truth={
                "kind": kind,
                "what": "macro shock: every borrower misses more dues and repays arrears "
                "more slowly / 宏观冲击：所有借款人逾期增加、回款变慢",
                "where": {"scope": "all"},
                "from_on": from_on.isoformat(),
                "magnitude": {"miss_logit_shift": 0.9, "repay_log_intensity_shift": -0.6},
            },
        )
    if kind == "province_shock":
        effect = ScenarioEffects(
            from_day=from_day, miss_shift=1.4, cure_shift=-0.7, province_index=province_index
        )
        return ScenarioPlan(
            kind,
            from_day,
            [effect],
            truth={
                "kind": kind,
                "what": f"regional shock in {province}: its borrowers miss more dues and "
                f"repay arrears more slowly / 区域冲击：{province}借款人逾期增加、回款变慢",
                "where": {"scope": "province", "province": province},
                "from_on": from_on.isoformat(),
                "magnitude": {"miss_logit_shift": 1.4, "repay_log_intensity_shift": -0.7},
            },
        )
    if kind == "bad_vintage":
        surge = (k - 1, k) if k >= 2 else (k,)
        first = _month_start(start_on, surge[0])
        return ScenarioPlan(
            kind,
            (first - start_on).days,
            [],
            surge_months=surge,
            surge_multiplier=1.0,
            truth={
                "kind": kind,
                "what": "origination surge through a weaker approval policy (a bad vintage) / "
                "放宽审批导致放款激增（劣质批次）",
                "where": {
                    "scope": "vintage",
                    "vintages": [_month_start(start_on, m).strftime("%Y-%m") for m in surge],
                },
                "from_on": first.isoformat(),
                "until_on": (
                    _month_start(start_on, surge[-1] + 1) - dt.timedelta(days=1)
                ).isoformat(),
                "magnitude": {
                    "volume_multiplier": 2.0,
                    "approval_cutoff": dict(
                        zip(("before", "surge"), APPROVAL_CUTOFFS, strict=True)
                    ),
                    "applicant_pool_trait_shift_sd": dict(
                        zip(("before", "surge"), APPLICANT_POOL_SHIFT, strict=True)
                    ),
                    "first_party_fraud_rate": dict(
                        zip(("before", "surge"), FRAUD_RATES, strict=True)
                    ),
                },
            },
        )
    grace = 3
    effect = ScenarioEffects(from_day=from_day, grace_miss_shift=0.8)
    return ScenarioPlan(
        kind,
        from_day,
        [effect],
        new_grace_days=grace,
        truth={
            "kind": kind,
            "what": "policy change: new loans get 3 grace days (was 0); more borrowers pay a "
            "few days late, inside the grace / 政策变更：新放款宽限期由0天改为3天",
            "where": {"scope": "product", "products": "*-G3 (loans disbursed from from_on)"},
            "from_on": from_on.isoformat(),
            "magnitude": {
                "grace_days": {"before": 0, "after": grace},
                "miss_logit_shift_on_new_loans": 0.8,
                "repay_intensity_added_inside_grace": 0.6,
            },
        },
    )
