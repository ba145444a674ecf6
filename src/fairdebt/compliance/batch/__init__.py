"""The gate over columns: ``check_batch(attempts, history, debtors, pack)`` for planners.

Answers ``allowed``, ``first_rule`` and ``next_allowed_at`` for millions of attempts with numpy
group operations and no Python loop per attempt. Each attempt is paired with its debtor's
history through sorted index arithmetic (no dataframe merge), every rule of the pack becomes a
vector of refusals and a vector of ``until`` instants, and ``next_allowed_at`` uses the same
jump-to-the-latest-``until`` search as :func:`fairdebt.compliance.gate.check`, on the refused
rows only.

The vectorised path covers the planner's everyday attempt: to the debtor, for collection, with
no text. Rows outside it (a text to screen, a consent on file, another recipient or purpose, a
debtor with several possible zones, stated inconvenient times or an opt-out in the history)
go through the scalar :func:`~fairdebt.compliance.gate.check`, so both paths always agree; a
pack rule without a vectorised form sends every row there.

Tables (pandas; missing optional columns take their defaults):

* ``attempts``: ``debtor_id``, ``at`` (aware), ``channel``; optional ``id``, ``mode``,
  ``recipient``, ``address``, ``debt_id``, ``by``, ``purpose``, ``collectors``, ``text``,
  ``address_kind``, ``personal_device``, ``is_public``, ``voicemail``.
* ``history``: ``debtor_id``, ``at``; optional ``direction``, ``channel``, ``mode``,
  ``recipient``, ``address``, ``debt_id``, ``by``, ``outcome`` (one debt per event).
* ``debtors``: ``debtor_id``; optional ``timezone``, ``possible_timezones`` (list),
  ``inconvenient_times`` (list of ``(from, to)`` strings), ``cease_requested_on``,
  ``attorney_represented``, ``employer_forbids_calls``, ``tcpa_consent``, ``tcpa_revoked_on``,
  ``holds`` (list or comma-separated text), ``unreachable``, ``incapacitated``,
  ``breathing_space_kind``, ``breathing_space_started_on``, ``breathing_space_ended_on``
  (treatment end).
* ``consents`` (optional): ``debtor_id``, ``given_at``, ``to``, ``channel``, ``from``,
  ``to_time``, ``debt_id``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from fairdebt.compliance.batch.fallback import scalar_answers
from fairdebt.compliance.batch.tables import (
    ATTEMPT_DEFAULTS,
    DEBTOR_DEFAULTS,
    HISTORY_DEFAULTS,
    I64,
    NEVER,
    B,
    Prepared,
    Rows,
    Table,
    filled,
    local_clock,
    prepare,
)
from fairdebt.compliance.batch.vectors import VECTORS, Context
from fairdebt.compliance.gate import HORIZON, MAX_JUMPS
from fairdebt.compliance.packs import Pack, get_pack

__all__ = ["check_batch"]


_NO_HISTORY = pd.DataFrame(columns=["debtor_id", "at"])
_NO_DEBTORS = pd.DataFrame(columns=["debtor_id"])
_NO_CONSENTS = pd.DataFrame(columns=["debtor_id", "given_at"])


def _evaluate(prep: Prepared, rows: Rows, pack: Pack) -> tuple[B, I64]:
    """Refusals and ``until`` per rule (rules x rows) for the given rows."""
    ctx = Context(rows, prep.history, prep.debtors, prep.zone_sets)
    refused = np.zeros((len(pack.rules), ctx.n), dtype=bool)
    until = np.full((len(pack.rules), ctx.n), NEVER, dtype=np.int64)
    for i, rule in enumerate(pack.rules):
        refused[i], until[i] = VECTORS[rule.check](ctx, pack.params)
    return refused, until


def _moved(prep: Prepared, rows: Rows, at: I64) -> Rows:
    moved = rows.take(np.arange(len(rows.at)))
    moved.at = at
    out = np.zeros(len(at), dtype=np.int64)
    for group in np.flatnonzero(np.bincount(moved.zone_group, minlength=1)):
        sel = moved.zone_group == group
        out[sel] = local_clock(at[sel], prep.zone_sets[group][1])[0]
    moved.day = out
    return moved


def _fast_answers(prep: Prepared, pack: Pack) -> tuple[B, npt.NDArray[np.object_], I64]:
    index = np.flatnonzero(prep.fast)
    rows = prep.rows if len(index) == len(prep.fast) else prep.rows.take(index)
    refused, until = _evaluate(prep, rows, pack)
    blocked = refused.any(axis=0)
    first = np.full(len(index), None, dtype=object)
    if blocked.any():
        ids = np.asarray([rule.id for rule in pack.rules], dtype=object)
        first[blocked] = ids[refused[:, blocked].argmax(axis=0)]
    next_at = np.where(blocked, NEVER, rows.at)
    start = rows.at.copy()
    active = np.flatnonzero(blocked)
    cur_refused, cur_until, cur_rows = refused[:, blocked], until[:, blocked], rows.take(active)
    for _ in range(MAX_JUMPS):
        if len(active) == 0:
            break
        latest = np.where(cur_refused, cur_until, np.iinfo(np.int64).min).max(axis=0)
        ok = (latest != NEVER) & (latest > cur_rows.at)
        ok &= latest - start[active] <= HORIZON // dt.timedelta(microseconds=1) * 1000
        active, latest = active[ok], latest[ok]
        if len(active) == 0:
            break
        cur_rows = _moved(prep, rows.take(active), latest)
        cur_refused, cur_until = _evaluate(prep, cur_rows, pack)
        passed = ~cur_refused.any(axis=0)
        next_at[active[passed]] = latest[passed]
        keep = ~passed
        active = active[keep]
        cur_refused, cur_until = cur_refused[:, keep], cur_until[:, keep]
        cur_rows = cur_rows.take(np.flatnonzero(keep))
    allowed: B = np.asarray(~blocked, dtype=np.bool_)
    return allowed, first, np.asarray(next_at, dtype=np.int64)


def check_batch(
    attempts: Any,
    history: Any = None,
    debtors: Any = None,
    pack: Pack | str = "cn",
    *,
    consents: Any = None,
) -> pd.DataFrame:
    """Gate every row of ``attempts``: a frame with ``allowed``, ``first_rule`` (the first
    refusing rule in pack order, None when allowed) and ``next_allowed_at`` (UTC; NaT when
    waiting never helps), in the order and index of ``attempts``.

    Tables are pandas DataFrames or pyarrow Tables. Every answer equals
    :func:`fairdebt.compliance.gate.check` on the same attempt.
    """
    pack = get_pack(pack) if isinstance(pack, str) else pack
    attempts, history, debtors, consents = (
        table.to_pandas() if hasattr(table, "to_pandas") else table
        for table in (attempts, history, debtors, consents)
    )
    original_index = attempts.index
    # Empty tables are built once: a DataFrame costs a fixed ~0.3 ms, and nothing mutates them.
    history = _NO_HISTORY if history is None else history
    debtors = _NO_DEBTORS if debtors is None else debtors
    consents = _NO_CONSENTS if consents is None else consents
    prep = prepare(
        Table(attempts, ATTEMPT_DEFAULTS, "attempts", required=("debtor_id", "at", "channel")),
        Table(history, HISTORY_DEFAULTS, "history"),
        Table(debtors, DEBTOR_DEFAULTS, "debtors", required=("debtor_id",)),
        Table(consents, {}, "consents", required=("debtor_id",)),
        pack,
    )
    if not all(rule.check in VECTORS for rule in pack.rules):
        prep.fast[:] = False  # a rule with no vector form: every row takes the scalar path
    n = len(attempts)
    allowed = np.zeros(n, dtype=bool)
    first = np.full(n, None, dtype=object)
    next_ns = np.full(n, NEVER, dtype=np.int64)
    fast = np.flatnonzero(prep.fast)
    if len(fast):
        allowed[fast], first[fast], next_ns[fast] = _fast_answers(prep, pack)
    slow = np.flatnonzero(~prep.fast)
    if len(slow):  # whole records with every default filled in, for the scalar gate only
        scalar_answers(
            filled(attempts, ATTEMPT_DEFAULTS, "attempts"),
            filled(history, HISTORY_DEFAULTS, "history"),
            filled(debtors, DEBTOR_DEFAULTS, "debtors"),
            consents.reset_index(drop=True),
            slow,
            pack,
            allowed,
            first,
            next_ns,
        )
    # NEVER becomes NaT (int64 min); a plain view, not pd.to_datetime's parsing machinery.
    never = np.where(next_ns == NEVER, np.iinfo(np.int64).min, next_ns).view("datetime64[ns]")
    out = pd.DataFrame(
        {
            "allowed": allowed,
            "first_rule": pd.Series(first, dtype=object, index=original_index, copy=False),
            "next_allowed_at": pd.array(never).tz_localize("UTC"),
        },
        index=original_index,
    )
    if "id" in attempts.columns:
        out.insert(0, "id", attempts["id"].to_numpy())
    return out
