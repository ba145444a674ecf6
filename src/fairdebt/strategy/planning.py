"""The day's plan: cells, the policy's proposals, timing, the gate, capacity and fallbacks.

:func:`plan_day` turns the accounts of a business date into one decision per account, every
step a column operation: the randomised hold-out cell (:mod:`fairdebt.strategy.cells`); the
policy's proposal; one contact per borrower; a planned instant inside the pool's hours in the
borrower's local time; the batch gate (:func:`fairdebt.compliance.batch.check_batch`) with
facts from a :class:`GateFacts` source; then the pools' capacities in priority order. A refused
or unfitted contact moves to the gate's ``next_allowed_at`` when that falls inside the day's
hours, otherwise along the action's fallback chain; what fits nowhere is logged with its
refusing rule. The plan never holds a contact the gate refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from fairdebt.compliance.batch import check_batch
from fairdebt.keyed import uniforms
from fairdebt.models import DecisionStatus
from fairdebt.strategy.catalogue import Catalogue
from fairdebt.strategy.cells import HOLDOUT, assign_arms, salt_key
from fairdebt.strategy.policies import Policy

__all__ = [
    "EXPLORATION_ACTIONS",
    "EXPLORE",
    "GateFacts",
    "PlanSettings",
    "explore",
    "plan_day",
    "utc_index",
]


class GateFacts(Protocol):
    """Where the gate's facts come from: the simulator's memory or the database."""

    def history(self, borrower_ids: np.ndarray) -> pd.DataFrame:
        """Past contact events of these borrowers (check_batch's history table)."""
        ...

    def debtors(self, borrower_ids: np.ndarray) -> pd.DataFrame:
        """What the gate knows of these borrowers (check_batch's debtors table)."""
        ...


# Actions an exploration cell may draw (those a stage allows); agency work and legal referral
# follow placement rules and are left to the policy.
EXPLORATION_ACTIONS = (
    "none",
    "app_push",
    "sms",
    "robot_call",
    "agent_call",
    "letter",
    "plan_offer",
)
EXPLORE = "explore"


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """Policy settings of the loop (not of the policy): the experiment and the pack.

    ``exploration_share`` of account-days (outside the hold-out) take an action drawn
    uniformly from the :data:`EXPLORATION_ACTIONS` their stage allows, in place of the
    policy's: the randomised cells that let a learned policy see what each action adds.
    """

    holdout_share: float = 0.05
    salt: str = "fairdebt-holdout-1"
    pack: str = "cn"
    lender_name: str = "lender"
    exploration_share: float = 0.0
    exploration_actions: tuple[str, ...] = EXPLORATION_ACTIONS


def utc_index(values: object) -> pd.DatetimeIndex:
    """Instants as a UTC index, whether they come naive (taken as UTC), aware or as objects.

    >>> utc_index(pd.Series([pd.Timestamp("2025-01-01 08:00", tz="Asia/Shanghai")]))[0].hour
    0
    """
    return pd.DatetimeIndex(pd.to_datetime(values, utc=True))  # type: ignore[arg-type]


def _one_per_borrower(
    borrower: np.ndarray, contact: np.ndarray, priority: np.ndarray
) -> np.ndarray:
    """Rows that lose to another loan of the same borrower (a person gets one action a day)."""
    if len(borrower) == 0:
        return contact
    order = np.lexsort((-priority, ~contact, borrower))
    first = np.r_[True, borrower[order][1:] != borrower[order][:-1]]
    loses = np.zeros(len(borrower), dtype=bool)
    loses[order[~first]] = True
    return np.asarray(loses & contact, dtype=bool)


@dataclass(frozen=True, slots=True)
class _Actions:
    """The catalogue as arrays indexed by action number, for column lookups."""

    codes: np.ndarray
    index: dict[str, int]
    chain: np.ndarray  # (actions, depth): the fallback chain, -1 padded
    gated: np.ndarray
    pool: np.ndarray
    start: np.ndarray  # pool hours in minutes of the local day
    end: np.ndarray
    channel: np.ndarray
    mode: np.ndarray
    recipient: np.ndarray
    agency: np.ndarray

    @classmethod
    def of(cls, catalogue: Catalogue) -> _Actions:
        codes = list(catalogue.actions)
        index = {c: i for i, c in enumerate(codes)}
        chains = [[index[c] for c in catalogue.fallbacks(code)] for code in codes]
        depth = max(len(c) for c in chains)
        chain = np.full((len(codes), depth), -1, dtype=np.int64)
        for i, c in enumerate(chains):
            chain[i, : len(c)] = c
        spec = [catalogue.actions[c] for c in codes]
        pools = [catalogue.pools[a.pool] if a.pool else None for a in spec]
        minutes = [
            (p.start.hour * 60 + p.start.minute, p.end.hour * 60 + p.end.minute) if p else (0, 0)
            for p in pools
        ]
        return cls(
            codes=np.array(codes, dtype=object),
            index=index,
            chain=chain,
            gated=np.array([a.is_gated for a in spec]),
            pool=np.array([a.pool or "" for a in spec], dtype=object),
            start=np.array([m[0] for m in minutes]),
            end=np.array([m[1] for m in minutes]),
            channel=np.array([a.channel for a in spec], dtype=object),
            mode=np.array([a.mode for a in spec], dtype=object),
            recipient=np.array([a.recipient for a in spec], dtype=object),
            agency=np.array([a.actor == "agency" for a in spec]),
        )


def _instants(
    business_date: dt.date,
    zone: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    spread: np.ndarray,
) -> np.ndarray:
    """UTC nanoseconds at ``start + spread × (end − start − 15 min)`` local minutes."""
    minutes = start + np.floor(spread * np.maximum(end - start - 15, 1)).astype(np.int64)
    naive = np.datetime64(business_date, "ns") + minutes.astype("timedelta64[m]")
    out = np.zeros(len(zone), dtype=np.int64)
    for name in np.unique(zone):
        sel = zone == name
        local = pd.DatetimeIndex(naive[sel]).tz_localize(
            str(name), ambiguous="NaT", nonexistent="shift_forward"
        )
        out[sel] = local.tz_convert("UTC").as_unit("ns").asi8
    return out


def _inside_hours(
    business_date: dt.date,
    zone: np.ndarray,
    ns: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
) -> np.ndarray:
    """Whether each instant is on the business date, inside [start, end − 15 min) locally."""
    ok = np.zeros(len(ns), dtype=bool)
    for name in np.unique(zone):
        sel = zone == name
        local = pd.DatetimeIndex(ns[sel]).tz_localize("UTC").tz_convert(str(name))
        minute = np.asarray(local.hour * 60 + local.minute)
        same = np.asarray(local.date == business_date)
        ok[sel] = same & (minute >= start[sel]) & (minute < end[sel] - 15)
    return ok


def _gate_all(
    table: _Actions,
    rows: np.ndarray,
    level_code: np.ndarray,
    planned: np.ndarray,
    columns: dict[str, np.ndarray],
    facts: GateFacts,
    business_date: dt.date,
    settings: PlanSettings,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One batch gate call for every (row, fallback level) candidate.

    Returns allowed, the (possibly moved) planned instant, the first refusing rule and
    ``next_allowed_at`` (ns, or NEVER) per candidate.
    """
    n = len(rows)
    allowed = ~table.gated[level_code]
    rule = np.full(n, None, dtype=object)
    later = np.full(n, _NEVER, dtype=np.int64)
    check = np.flatnonzero(table.gated[level_code])
    if len(check) == 0:
        return allowed, planned, rule, later
    borrower = columns["borrower_id"][rows[check]]
    code = level_code[check]
    by = np.where(table.agency[code], f"agency:{settings.lender_name}-agency", "lender")
    attempts = pd.DataFrame(
        {
            "debtor_id": borrower,
            "at": pd.DatetimeIndex(planned[check]).tz_localize("UTC"),
            "channel": table.channel[code],
            "mode": table.mode[code],
            "recipient": table.recipient[code],
            "by": by,
            "address": columns["address"][rows[check]],
        }
    )
    people = np.unique(borrower)
    answer = check_batch(attempts, facts.history(people), facts.debtors(people), settings.pack)
    ok = answer["allowed"].to_numpy(dtype=bool).copy()
    next_at = answer["next_allowed_at"]
    next_ns = np.where(next_at.isna().to_numpy(), _NEVER, utc_index(next_at).asi8)
    waits = np.flatnonzero(~ok & (next_ns != _NEVER))
    if len(waits):
        zone = columns["timezone"][rows[check[waits]]]
        fits = _inside_hours(
            business_date, zone, next_ns[waits], table.start[code[waits]], table.end[code[waits]]
        )
        planned = planned.copy()
        planned[check[waits[fits]]] = next_ns[waits[fits]]
        ok[waits[fits]] = True
    allowed[check] = ok
    rule[check] = np.where(ok, None, answer["first_rule"].to_numpy())
    later[check] = np.where(ok, _NEVER, next_ns)
    return allowed, planned, rule, later


_NEVER = np.iinfo(np.int64).max


def explore(
    state: pd.DataFrame,
    policy_action: np.ndarray,
    catalogue: Catalogue,
    *,
    business_date: dt.date,
    settings: PlanSettings,
    held_out: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The exploration cell's draw for every row: (action logged, in the cell, cell chance).

    Each account-day outside the hold-out is in the cell with chance ``exploration_share`` (a
    keyed draw of the salt, the date and the borrower) and draws uniformly among the
    exploration actions its stage allows. The logged action is the draw in the cell, "none"
    in the hold-out and the policy's elsewhere; the cell chance is the chance that a uniform
    draw gives that action (0 when the stage does not offer it).
    """
    n = len(state)
    stage = state["stage"].to_numpy(dtype=object)
    borrower = state["borrower_id"].to_numpy(dtype=np.int64)
    action = np.full(n, "none", dtype=object)
    chance = np.zeros(n)
    key = salt_key(settings.salt) + 2
    in_cell = uniforms(key, business_date.toordinal(), borrower) < settings.exploration_share
    pick = uniforms(key + 1, business_date.toordinal(), borrower)
    codes = [c for c in settings.exploration_actions if c in catalogue.actions]
    for name in np.unique(stage):
        rows = stage == name
        offered = np.array(
            [c for c in codes if c == "none" or name in catalogue.actions[c].stages], dtype=object
        )
        choice = offered[np.minimum((pick[rows] * len(offered)).astype(np.int64), len(offered) - 1)]
        action[rows] = choice
        chance[rows] = 1.0 / len(offered)
    in_cell &= ~held_out
    drawn = np.where(in_cell, action, np.where(held_out, "none", policy_action))
    offered_logged = np.zeros(n, dtype=bool)
    for name in np.unique(stage):
        rows = stage == name
        names = [c for c in codes if c == "none" or name in catalogue.actions[c].stages]
        offered_logged[rows] = np.isin(drawn[rows], names)
    return drawn, in_cell, np.where(offered_logged, chance, 0.0)


def plan_day(
    state: pd.DataFrame,
    *,
    policy: Policy,
    catalogue: Catalogue,
    business_date: dt.date,
    facts: GateFacts,
    capacity: Mapping[str, int],
    settings: PlanSettings | None = None,
) -> pd.DataFrame:
    """One decision per row of ``state`` (same order), ready to log and carry out.

    ``state`` needs the columns of :mod:`fairdebt.strategy.state` plus ``address`` (the
    borrower's phone, for the gate's per-number caps). ``capacity`` is each pool's room today;
    it is not changed.
    """
    settings = settings or PlanSettings()
    state = state.reset_index(drop=True)
    n = len(state)
    table = _Actions.of(catalogue)
    columns = {c: state[c].to_numpy() for c in ("borrower_id", "address", "timezone")}
    arm = assign_arms(columns["borrower_id"], settings.holdout_share, settings.salt, policy.name)
    cells = getattr(policy, "cells", None)
    if cells is not None:  # champion and challenger: each decision logs its cell as its arm
        arm = np.where(arm == HOLDOUT, arm, cells(columns["borrower_id"])).astype(object)
    proposed = policy.decide(state, catalogue, business_date=business_date)
    policy_action = proposed["action"].to_numpy(dtype=object)
    held_out = arm == HOLDOUT
    logged, explored, explore_p = explore(
        state,
        policy_action,
        catalogue,
        business_date=business_date,
        settings=settings,
        held_out=held_out,
    )
    proposed_action = np.where(explored, logged, policy_action)
    arm = np.where(explored, EXPLORE, arm).astype(object)
    reason = proposed["reason"].to_numpy(dtype=object).copy()
    reason[explored] = "exploration"
    priority = proposed["priority"].to_numpy(dtype=np.float64)
    h, e = settings.holdout_share, settings.exploration_share
    # The logging policy's probability of the logged action (the hold-out's "none" for its
    # rows), over the randomised cells: hold-out, exploration, and the policy's own draw.
    own = proposed["propensity"].to_numpy(dtype=np.float64) * (logged == policy_action)
    propensity = h * (logged == "none") + (1 - h) * ((1 - e) * own + e * explore_p)
    reason[held_out & (policy_action != "none")] = "holdout"
    acts = proposed_action != "none"
    code = pd.Series(proposed_action).map(table.index).to_numpy(dtype=np.int64)
    wants = acts & ~held_out
    loses = _one_per_borrower(columns["borrower_id"], wants, priority)
    reason[loses] = "other_loan_contacted_today"
    wants &= ~loses

    status = np.where(held_out, DecisionStatus.HELD_OUT.value, DecisionStatus.NO_ACTION.value)
    status = status.astype(object)
    final = np.full(n, table.index["none"], dtype=np.int64)
    planned_at = np.full(n, _NEVER, dtype=np.int64)
    gate_rule = np.full(n, None, dtype=object)
    next_allowed = np.full(n, _NEVER, dtype=np.int64)

    rows_w = np.flatnonzero(wants)
    depth = table.chain.shape[1]
    cand_row = np.repeat(rows_w, depth)
    cand_level = np.tile(np.arange(depth), len(rows_w))
    cand_code = table.chain[code[cand_row], cand_level]
    keep = cand_code >= 0
    cand_row, cand_level, cand_code = cand_row[keep], cand_level[keep], cand_code[keep]
    spread = uniforms(
        salt_key(settings.salt) + 1, business_date.toordinal(), columns["borrower_id"][cand_row]
    )
    cand_at = _instants(
        business_date,
        columns["timezone"][cand_row],
        table.start[cand_code],
        table.end[cand_code],
        spread,
    )
    ok, cand_at, cand_rule, cand_next = _gate_all(
        table, cand_row, cand_code, cand_at, columns, facts, business_date, settings
    )
    # The proposed action's own refusal is what a collector needs to see.
    first = cand_level == 0
    gate_rule[cand_row[first]] = cand_rule[first]
    next_allowed[cand_row[first]] = cand_next[first]
    remaining = {k: int(v) for k, v in capacity.items()}
    done = np.zeros(n, dtype=bool)
    failure = np.full(n, DecisionStatus.REFUSED.value, dtype=object)
    for level in range(depth):
        at_level = np.flatnonzero((cand_level == level) & ~done[cand_row])
        if len(at_level) == 0:
            continue
        refused = at_level[~ok[at_level]]
        failure[cand_row[refused]] = DecisionStatus.REFUSED.value
        trying = at_level[ok[at_level]]
        pools = table.pool[cand_code[trying]]
        for pool in np.unique(pools):
            sel = trying[pools == pool]
            order = sel[np.argsort(-priority[cand_row[sel]], kind="stable")]
            room = max(remaining.get(str(pool), 0), 0)
            won, lost = order[:room], order[room:]
            remaining[str(pool)] = room - len(won)
            rows = cand_row[won]
            done[rows] = True
            final[rows] = cand_code[won]
            planned_at[rows] = cand_at[won]
            status[rows] = DecisionStatus.PLANNED.value
            failure[cand_row[lost]] = DecisionStatus.NO_CAPACITY.value
    unplanned = wants & ~done
    status[unplanned] = failure[unplanned]
    # The proposed action's refusal stays on record when a gentler action went out instead.
    as_proposed = done & (final == code)
    gate_rule[as_proposed] = None
    next_allowed[as_proposed] = _NEVER
    action = table.codes[final]
    out = state.assign(
        business_date=business_date,
        policy=policy.name,
        arm=arm,
        proposed_action=proposed_action,
        action=action,
        propensity=propensity,
        reason=reason,
        priority=priority,
        status=status,
        planned_at=_times(planned_at),
        gate_rule=gate_rule,
        next_allowed_at=_times(next_allowed),
        by=np.where(table.agency[final], f"agency:{settings.lender_name}-agency", "lender"),
    )
    out["template"] = _templates(out, catalogue)
    return out


def _times(ns: np.ndarray) -> pd.Series:
    """UTC instants from nanoseconds, NaT where :data:`_NEVER`."""
    values = pd.DatetimeIndex(np.where(ns == _NEVER, np.iinfo(np.int64).min, ns)).tz_localize("UTC")
    return pd.Series(values)


def _templates(frame: pd.DataFrame, catalogue: Catalogue) -> np.ndarray:
    """The template kind each planned contact uses (by action and stage)."""
    out = np.full(len(frame), None, dtype=object)
    planned = frame["status"].to_numpy() == DecisionStatus.PLANNED.value
    codes, stages = frame["action"].to_numpy(), frame["stage"].to_numpy()
    for code in np.unique(codes[planned]):
        for stage in np.unique(stages[planned & (codes == code)]):
            sel = planned & (codes == code) & (stages == stage)
            out[sel] = catalogue.actions[code].template_for(stage)
    return out
