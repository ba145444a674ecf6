"""Case allocation (分案): the day's human work to collectors, by pool, stage, skill and capacity.

Planned decisions of a human pool (agent calls, field visits, agency calls) go to the
collectors of that pool trained for the account's stage, highest priority first, dealt round
the collectors in turn so that each queue gets a fair share of the best cases, up to each
collector's daily capacity. A collector's work queue is their decisions in
``queue_position`` order; each carries the reason code the policy gave. Work that finds no
collector with room stays unassigned (and the capacity report shows it). Vectorised: the loop
runs over (pool, stage) pairs, never over cases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fairdebt.strategy.catalogue import Catalogue

__all__ = ["allocate", "human_capacity"]


def human_capacity(collectors: pd.DataFrame) -> dict[str, int]:
    """Each human pool's room today: the sum of its collectors' daily capacities."""
    if collectors.empty:
        return {}
    sums = collectors.groupby("pool")["daily_capacity"].sum()
    return {str(k): int(v) for k, v in sums.items()}


def allocate(plan: pd.DataFrame, collectors: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """``plan`` with ``collector_id`` and ``queue_position`` set for human work."""
    out = plan.copy()
    out["collector_id"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    out["queue_position"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    if collectors.empty or out.empty:
        return out
    pool_of = {c: a.pool for c, a in catalogue.actions.items()}
    pools = out["action"].map(pool_of).to_numpy()
    planned = out["status"].to_numpy() == "planned"
    stage = out["stage"].to_numpy()
    priority = out["priority"].to_numpy(dtype=np.float64)
    left = dict(zip(collectors["collector_id"], collectors["daily_capacity"], strict=True))
    used = {int(k): 0 for k in left}
    collector_id = np.full(len(out), -1, dtype=np.int64)
    position = np.full(len(out), -1, dtype=np.int64)
    for pool in collectors["pool"].unique():
        for step in ("late", "mid", "early", "pre_due"):  # later stages first: scarcer skills
            rows = np.flatnonzero(planned & (pools == pool) & (stage == step))
            if len(rows) == 0:
                continue
            staff = collectors[
                (collectors["pool"] == pool) & collectors["skills"].map(lambda s, st=step: st in s)
            ]
            ids = staff["collector_id"].to_numpy(dtype=np.int64)
            room = np.array([left[int(i)] - used[int(i)] for i in ids], dtype=np.int64)
            if room.sum() <= 0:
                continue
            # Slots dealt round the collectors: slot k of every collector before slot k + 1.
            slot_collector = np.concatenate(
                [np.full(r, i) for i, r in zip(ids, room, strict=True) if r > 0]
            )
            slot_rank = np.concatenate([np.arange(r) for r in room if r > 0])
            order_slots = np.lexsort((slot_collector, slot_rank))
            cases = rows[np.argsort(-priority[rows], kind="stable")][: len(order_slots)]
            chosen = slot_collector[order_slots[: len(cases)]]
            collector_id[cases] = chosen
            for person, taken in zip(*np.unique(chosen, return_counts=True), strict=True):
                used[int(person)] += int(taken)
    assigned = collector_id >= 0
    if assigned.any():
        # Queue order within each collector: the planned time, then priority.
        at = (
            pd.to_datetime(out["planned_at"], utc=True)
            .to_numpy(dtype="datetime64[ns]")
            .astype(np.int64)
        )
        idx = np.flatnonzero(assigned)
        order = idx[np.lexsort((-priority[idx], at[idx], collector_id[idx]))]
        first = np.r_[True, collector_id[order][1:] != collector_id[order][:-1]]
        starts = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
        position[order] = np.arange(len(order)) - starts + 1
    out.loc[assigned, "collector_id"] = collector_id[assigned]
    out.loc[assigned, "queue_position"] = position[assigned]
    return out
