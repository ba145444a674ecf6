"""Case allocation (分案): human work to collectors by pool, skill and capacity, in queues."""

from __future__ import annotations

import pandas as pd

from fairdebt.strategy.allocation import allocate, human_capacity
from fairdebt.strategy.catalogue import load_catalogue

CATALOGUE = load_catalogue(screen=False)


def _roster() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "collector_id": [1, 2, 3],
            "pool": ["agent_call", "agent_call", "field_visit"],
            "skills": [("early",), ("early", "mid"), ("mid", "late")],
            "daily_capacity": [2, 3, 1],
        }
    )


def _plan(stages: list[str], actions: list[str], priority: list[float]) -> pd.DataFrame:
    n = len(stages)
    at = pd.Timestamp("2025-03-03 02:00", tz="UTC")
    return pd.DataFrame(
        {
            "stage": stages,
            "action": actions,
            "status": ["planned"] * n,
            "priority": priority,
            "planned_at": [at + pd.Timedelta(minutes=k) for k in range(n)],
        }
    )


def test_each_collector_gets_at_most_their_capacity_and_only_stages_they_are_trained_for() -> None:
    plan = _plan(["early"] * 6 + ["mid"] * 2, ["agent_call"] * 8, list(range(8)))
    out = allocate(plan, _roster(), CATALOGUE)
    counts = out["collector_id"].value_counts()
    assert counts.get(1, 0) <= 2 and counts.get(2, 0) <= 3
    mid = out[out["stage"] == "mid"]
    assert set(mid["collector_id"].dropna()) <= {2}
    assert out["collector_id"].notna().sum() == 5  # five slots for agent calls in all


def test_the_best_cases_are_dealt_round_the_collectors_and_queues_count_from_one() -> None:
    plan = _plan(["early"] * 4, ["agent_call"] * 4, [10.0, 40.0, 30.0, 20.0])
    out = allocate(plan, _roster(), CATALOGUE)
    first = out.sort_values("priority", ascending=False).head(2)
    assert set(first["collector_id"]) == {1, 2}
    for _, queue in out.dropna(subset=["collector_id"]).groupby("collector_id"):
        assert sorted(queue["queue_position"]) == list(range(1, len(queue) + 1))


def test_messages_and_robot_calls_go_to_no_collector() -> None:
    plan = _plan(["early", "early"], ["sms", "robot_call"], [1.0, 2.0])
    out = allocate(plan, _roster(), CATALOGUE)
    assert out["collector_id"].isna().all()


def test_a_pools_capacity_is_the_sum_of_its_collectors() -> None:
    assert human_capacity(_roster()) == {"agent_call": 5, "field_visit": 1}
