"""The day's assignment: one action or none per account, best total value, under every cap.

:func:`assign` takes a value matrix (accounts × actions: expected recovery less cost less
λ·harm, ``-inf`` where an action is not allowed) and solves the linear relaxation of

    maximise  Σ v[i,a]·x[i,a]
    s.t.      Σ_a x[i,a] ≤ 1                       (one action or none per account)
              Σ_{i, a in pool p} x[i,a] ≤ room[p]   (capacity by pool)
              Σ harm[a]·x[i,a] ≤ harm_budget        (the day's harm budget, optional)
              0 ≤ x ≤ 1

with HiGHS (``highspy``). Before the solve, a variable with no positive value is fixed at 0,
and in each account an action of a pool whose candidates all fit (a pool that cannot bind) is
dropped when a better such action exists with no more harm: neither can be in an optimum that
the kept ones cannot match. A basic optimum of this LP has at most as many fractional accounts
as coupling constraints; they are rounded down and the room they free is refilled greedily,
so the integer plan's value is reported with its gap to the LP bound.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

__all__ = ["Assignment", "assign"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Assignment:
    """The chosen action index per account (-1: none), its value and the LP bound."""

    choice: NDArray[np.int64]
    objective: float
    bound: float
    variables: int
    status: str

    @property
    def gap(self) -> float:
        """Relative gap of the integer plan to the LP bound (0 when the bound is 0)."""
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)


def _prune(
    values: FloatArray,
    pools: Sequence[str | None],
    room: Mapping[str, float],
    harm: FloatArray,
    harm_matters: bool,
) -> tuple[NDArray[np.bool_], list[str]]:
    """Candidate (account, action) pairs worth a variable, and the pools that may bind."""
    keep = np.isfinite(values) & (values > 0)
    binding = []
    free_action = np.zeros(values.shape[1], dtype=bool)
    for a, pool in enumerate(pools):
        if pool is None or pool not in room:
            free_action[a] = True
    for pool in sorted({p for p in pools if p is not None and p in room}):
        cols = [a for a, p in enumerate(pools) if p == pool]
        if keep[:, cols].sum() > room[pool]:
            binding.append(pool)
        else:
            free_action[cols] = True
    if free_action.any():
        # In each account, the best free action beats any action worth no more that uses no
        # less harm (any harm at all when there is no harm budget).
        free_values = np.where(keep & free_action[None, :], values, -np.inf)
        best = free_values.argmax(axis=1)
        best_value = free_values.max(axis=1)
        best_harm = harm[best]
        worse = values <= best_value[:, None]
        harmful = harm[None, :] >= best_harm[:, None]
        dominated = worse & (harmful | (not harm_matters))
        dominated[np.arange(len(values)), best] = False
        keep &= ~dominated
    return keep, binding


def _solve_lp(
    values: FloatArray,
    pools: Sequence[str | None],
    room: Mapping[str, float],
    harm_arr: FloatArray,
    harm_budget: float | None,
) -> tuple[Assignment, dict[str, float], float]:
    """The LP over every account, rounded; with the pools' and the budget's shadow prices."""
    n, k = values.shape
    keep, binding = _prune(values, pools, room, harm_arr, harm_budget is not None)
    use_harm = harm_budget is not None and float((harm_arr[None, :] * keep).sum()) > harm_budget
    rows, cols = np.nonzero(keep)
    m = len(rows)
    if m == 0:
        return Assignment(np.full(n, -1, dtype=np.int64), 0.0, 0.0, 0, "empty"), {}, 0.0
    # Constraint rows: one per account with 2+ candidates, one per binding pool, the budget.
    per_row = np.bincount(rows, minlength=n)
    multi = np.flatnonzero(per_row >= 2)
    row_of_account = np.full(n, -1, dtype=np.int64)
    row_of_account[multi] = np.arange(len(multi))
    pool_row = {p: len(multi) + j for j, p in enumerate(binding)}
    budget_row = len(multi) + len(binding)
    n_rows = budget_row + (1 if use_harm else 0)
    entries_r: list[NDArray[np.int64]] = []
    entries_c: list[NDArray[np.int64]] = []
    entries_v: list[FloatArray] = []
    var = np.arange(m, dtype=np.int64)
    in_multi = row_of_account[rows] >= 0
    entries_r.append(row_of_account[rows][in_multi])
    entries_c.append(var[in_multi])
    entries_v.append(np.ones(int(in_multi.sum())))
    pool_of_col = np.array([pools[a] if pools[a] is not None else "" for a in range(k)], object)
    for pool, r in pool_row.items():
        sel = pool_of_col[cols] == pool
        entries_r.append(np.full(int(sel.sum()), r, dtype=np.int64))
        entries_c.append(var[sel])
        entries_v.append(np.ones(int(sel.sum())))
    if use_harm:
        entries_r.append(np.full(m, budget_row, dtype=np.int64))
        entries_c.append(var)
        entries_v.append(harm_arr[cols])
    r_all = np.concatenate(entries_r)
    c_all = np.concatenate(entries_c)
    v_all = np.concatenate(entries_v)
    order = np.lexsort((r_all, c_all))
    starts = np.searchsorted(c_all[order], np.arange(m + 1))
    upper = np.ones(n_rows)
    for pool, r in pool_row.items():
        upper[r] = float(room[pool])
    if use_harm:
        assert harm_budget is not None
        upper[budget_row] = float(harm_budget)
    lp = highspy.HighsLp()
    lp.num_col_ = m
    lp.num_row_ = n_rows
    lp.col_cost_ = values[rows, cols]
    lp.col_lower_ = np.zeros(m)
    lp.col_upper_ = np.ones(m)
    lp.row_lower_ = np.full(n_rows, -highspy.kHighsInf)
    lp.row_upper_ = upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = starts.astype(np.int32)
    lp.a_matrix_.index_ = r_all[order].astype(np.int32)
    lp.a_matrix_.value_ = v_all[order]
    lp.sense_ = highspy.ObjSense.kMaximize
    with contextlib.redirect_stdout(io.StringIO()):
        solver = highspy.Highs()  # type: ignore[no-untyped-call]
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("threads", 2)
    solver.setOptionValue("solver", "ipm")
    solver.passModel(lp)
    solver.run()
    status = str(solver.getModelStatus()).rsplit(".", 1)[-1]
    x = np.asarray(solver.getSolution().col_value, dtype=np.float64)
    bound = float(solver.getInfo().objective_function_value)
    dual = np.abs(np.asarray(solver.getSolution().row_dual, dtype=np.float64))
    prices = {p: float(dual[r]) for p, r in pool_row.items()}
    budget_price = float(dual[budget_row]) if use_harm else 0.0
    choice = _round(x, rows, cols, values, n, pool_of_col, room, harm_arr, harm_budget)
    chosen = choice >= 0
    objective = float(values[np.flatnonzero(chosen), choice[chosen]].sum())
    return Assignment(choice, objective, bound, m, status), prices, budget_price


def assign(
    values: FloatArray,
    *,
    pools: Sequence[str | None],
    room: Mapping[str, float],
    harm: Sequence[float] | FloatArray,
    harm_budget: float | None = None,
    sample: int = 40_000,
    seed: int = 0,
) -> Assignment:
    """Solve the day's assignment (see the module); ``pools[a]`` is action ``a``'s pool.

    Up to ``sample`` accounts, HiGHS solves the whole LP. Beyond, it solves the LP of a random
    ``sample`` of accounts with every cap scaled to the sample's share; its shadow prices then
    price every account (each takes its best action net of the prices, if positive), the
    caps are enforced best-first, and the LP bound is the dual bound at those prices (weak
    duality: no plan of the full LP can beat it), so the reported gap is a true upper bound.
    """
    values = np.asarray(values, dtype=np.float64)
    n, k = values.shape
    harm_arr = np.asarray(harm, dtype=np.float64)
    if n <= sample:
        return _solve_lp(values, pools, room, harm_arr, harm_budget)[0]
    pick = np.sort(np.random.default_rng(seed).choice(n, size=sample, replace=False))
    share = sample / n
    _, prices, budget_price = _solve_lp(
        values[pick],
        pools,
        {p: r * share for p, r in room.items()},
        harm_arr,
        None if harm_budget is None else harm_budget * share,
    )
    price = np.array([prices.get(str(p), 0.0) if p is not None else 0.0 for p in pools])
    net = values - price[None, :] - budget_price * harm_arr[None, :]
    net = np.where(np.isfinite(net), net, -np.inf)
    best = net.argmax(axis=1)
    best_net = net[np.arange(n), best]
    bound = float(np.maximum(best_net, 0).sum() + sum(prices[p] * room[p] for p in prices))
    if harm_budget is not None:
        bound += budget_price * harm_budget
    choice = np.where(best_net > 0, best, -1).astype(np.int64)
    pool_of_col = np.array([p if p is not None else "" for p in pools], dtype=object)
    choice = _enforce(choice, net, pool_of_col, room, harm_arr, harm_budget)
    chosen = choice >= 0
    objective = float(values[np.flatnonzero(chosen), choice[chosen]].sum())
    return Assignment(choice, objective, max(bound, objective), n * k, "priced")


def _enforce(
    choice: NDArray[np.int64],
    net: FloatArray,
    pool_of_col: NDArray[np.object_],
    room: Mapping[str, float],
    harm: FloatArray,
    harm_budget: float | None,
) -> NDArray[np.int64]:
    """Keep each pool's best-priced accounts within its room, and the harm budget, best first."""
    choice = choice.copy()
    chosen = np.flatnonzero(choice >= 0)
    for pool, cap in room.items():
        in_pool = chosen[pool_of_col[choice[chosen]] == pool]
        if len(in_pool) > cap:
            order = in_pool[np.argsort(-net[in_pool, choice[in_pool]], kind="stable")]
            choice[order[int(cap) :]] = -1
    if harm_budget is not None:
        chosen = np.flatnonzero(choice >= 0)
        order = chosen[np.argsort(-net[chosen, choice[chosen]], kind="stable")]
        spent = np.cumsum(harm[choice[order]])
        choice[order[spent > harm_budget]] = -1
    return choice


def _round(
    x: FloatArray,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    values: FloatArray,
    n: int,
    pool_of_col: NDArray[np.object_],
    room: Mapping[str, float],
    harm: FloatArray,
    harm_budget: float | None,
) -> NDArray[np.int64]:
    """Integral accounts as solved; then the rest, best value first, while every cap holds."""
    choice = np.full(n, -1, dtype=np.int64)
    whole = x > 1 - 1e-6
    choice[rows[whole]] = cols[whole]
    left = {p: float(v) for p, v in room.items()}
    for pool in left:
        used = pool_of_col[cols[whole]] == pool
        left[pool] -= float(used.sum())
    budget = None if harm_budget is None else harm_budget - float(harm[cols[whole]].sum())
    # Fractional and zero variables of accounts still without an action, best first: a greedy
    # fill of what the rounding left (a handful of accounts at a basic optimum).
    rest = np.flatnonzero(~whole & (choice[rows] < 0) & (x > 1e-6))
    for j in rest[np.argsort(-values[rows[rest], cols[rest]], kind="stable")]:
        i, a = rows[j], cols[j]
        pool = str(pool_of_col[a])
        if choice[i] >= 0 or (pool in left and left[pool] < 1):
            continue
        if budget is not None and harm[a] > budget:
            continue
        choice[i] = a
        if pool in left:
            left[pool] -= 1
        if budget is not None:
            budget -= harm[a]
    return choice
