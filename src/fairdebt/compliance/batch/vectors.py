"""Batch gate rules as vectors: each pack rule's refusals and ``until`` instants over all rows.

A context pairs every attempt with its debtor's past history by sorted index arithmetic; each
function here mirrors one scalar rule of :mod:`fairdebt.compliance.rules` on the fast path (to
the debtor, for collection, no text, no consent); rules that cannot refuse such a row map to a
vector that never refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from fairdebt.compliance.batch.tables import (
    AK,
    CH,
    I8,
    I64,
    MO,
    NEVER,
    OC,
    RE,
    B,
    DebtorTable,
    History,
    Rows,
    clock_ns,
    local_clock,
    wall_to_utc,
)
from fairdebt.compliance.rules import channels, frequency, hours, parties, stops

__all__ = ["VECTORS", "Context", "Vector"]


class Context:
    """What a vectorised rule sees: the rows, their past history pairs and helpers."""

    def __init__(
        self, rows: Rows, history: History, debtors: DebtorTable, zone_sets: list[Any]
    ) -> None:
        self.rows, self.h, self.d, self.zone_sets = rows, history, debtors, zone_sets
        self.n = len(rows.at)
        order_keys = history.debtor
        start = np.searchsorted(order_keys, rows.debtor, side="left")
        end = np.searchsorted(order_keys, rows.debtor, side="right")
        counts = end - start
        total = int(counts.sum())
        ai = np.repeat(np.arange(self.n), counts)
        offsets = np.repeat(start - np.cumsum(counts) + counts, counts)
        hi = np.arange(total) + offsets
        past = history.at[hi] <= rows.at[ai]
        self.ai, self.hi = ai[past], hi[past]
        self.same_day = history.day[self.hi] == rows.day[self.ai]
        self._tomorrow: I64 | None = None

    def count(self, mask: B) -> I64:
        return np.bincount(self.ai[mask], minlength=self.n).astype(np.int64)

    def tomorrow(self) -> I64:
        """The next local midnight of every row (computed once per evaluation)."""
        if self._tomorrow is None:
            self._tomorrow = self.midnight(self.rows.day + 1)
        return self._tomorrow

    def midnight(self, day: I64, index: I64 | None = None) -> I64:
        """UTC instants of local midnight starting ``day`` in each row's counting zone."""
        groups = self.rows.zone_group if index is None else self.rows.zone_group[index]
        out = np.empty(len(day), dtype=np.int64)
        for group in np.flatnonzero(np.bincount(groups, minlength=1)):
            sel = groups == group
            out[sel] = wall_to_utc(day[sel], 0, self.zone_sets[group][1])
        return out


Vector = Callable[[Context, Mapping[str, Any]], tuple[B, I64]]


def _none(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    return np.zeros(ctx.n, dtype=bool), np.full(ctx.n, NEVER, dtype=np.int64)


def _static(mask: B) -> tuple[B, I64]:
    return mask, np.full(len(mask), NEVER, dtype=np.int64)


def _v_quiet_hours(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    rows = ctx.rows
    start, end = clock_ns(params["window_start"]), clock_ns(params["window_end"])
    refused = np.zeros(ctx.n, dtype=bool)
    until = np.full(ctx.n, np.iinfo(np.int64).min, dtype=np.int64)
    timed = rows.channel != CH["letter"]
    for group in np.flatnonzero(np.bincount(rows.zone_group, minlength=1)):
        sel = np.flatnonzero((rows.zone_group == group) & timed)
        for zone in ctx.zone_sets[group][0]:
            day, clock = local_clock(rows.at[sel], zone)
            inside = (
                (clock >= start) & (clock < end)
                if start < end
                else ((clock >= start) | (clock < end))
            )
            out = sel[~inside]
            if len(out) == 0:
                continue
            next_day = np.where(clock[~inside] < start, day[~inside], day[~inside] + 1)
            refused[out] = True
            until[out] = np.maximum(until[out], wall_to_utc(next_day, start, zone))
    return refused, until


def _cap(ctx: Context, applies: B, pair_mask: B, cap: int | None) -> tuple[B, I64]:
    if cap is None:
        return _none(ctx, {})
    counts = ctx.count(pair_mask & ctx.same_day)
    refused = applies & (counts >= cap)
    return refused, ctx.tomorrow()


def _pair(ctx: Context, values: I8, wanted: int) -> B:
    found: B = values[ctx.hi] == wanted
    return found


def _pairs_in(ctx: Context, values: I8, wanted: tuple[int, ...]) -> B:
    found: B = values[ctx.hi] == wanted[0]
    for code in wanted[1:]:
        found |= values[ctx.hi] == code
    return found


def _to_debtor_call(ctx: Context) -> B:
    h = ctx.h
    outbound: B = h.outbound[ctx.hi]
    return outbound & _pair(ctx, h.channel, CH["call"]) & _pair(ctx, h.recipient, RE["debtor"])


def _v_cn_connected(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    rows = ctx.rows
    applies = (rows.channel == CH["call"]) & (rows.recipient == RE["debtor"])
    pairs = _to_debtor_call(ctx) & _pairs_in(
        ctx, ctx.h.outcome, (OC["connected"], OC["conversation"])
    )
    return _cap(ctx, applies, pairs, params["cn_connected_calls_per_day"])


def _v_cn_conversations(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    rows = ctx.rows
    applies = (rows.channel == CH["call"]) & (rows.recipient == RE["debtor"])
    pairs = _to_debtor_call(ctx) & _pair(ctx, ctx.h.outcome, OC["conversation"])
    return _cap(ctx, applies, pairs, params["cn_conversations_per_day"])


def _v_cn_same_method(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    rows = ctx.rows
    applies = (rows.channel == CH["call"]) & (rows.recipient == RE["debtor"])
    # An unrecorded number (code -1) on either side may be the same number.
    here, there = ctx.h.address[ctx.hi], rows.address[ctx.ai]
    pairs = _to_debtor_call(ctx) & ((here == there) | (here < 0) | (there < 0))
    return _cap(ctx, applies, pairs, params["cn_attempts_per_method_per_day"])


def _v_daily_texts(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    rows, h = ctx.rows, ctx.h
    applies = rows.channel == CH["sms"]
    # Fast-path rows are to the debtor, so the person key is simply "debtor".
    pairs = (
        h.outbound[ctx.hi]
        & _pair(ctx, h.channel, CH["sms"])
        & _pair(ctx, h.recipient, RE["debtor"])
    )
    return _cap(ctx, applies, pairs, params["texts_per_day"])


def _contact_pairs(ctx: Context) -> B:
    h = ctx.h
    pairs: B = (
        h.outbound[ctx.hi]
        & _pair(ctx, h.recipient, RE["debtor"])
        & ~_pair(ctx, h.channel, CH["letter"])
        & ~_pairs_in(ctx, h.outcome, (OC["busy"], OC["failed"]))
    )
    return pairs


def _v_daily_contacts(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    applies = ctx.rows.channel != CH["letter"]
    return _cap(ctx, applies, _contact_pairs(ctx), params["contacts_per_day"])


def _window(ctx: Context, applies: B, pairs: B, cap: int | None) -> tuple[B, I64]:
    """At least ``cap`` counted events in D-6..D; ``until`` is the local midnight of the
    first later day whose window holds fewer."""
    if cap is None:
        return _none(ctx, {})
    day = ctx.rows.day[ctx.ai]
    h_day = ctx.h.day[ctx.hi]
    in_window = pairs & (h_day >= day - 6) & (h_day <= day)
    counts = ctx.count(in_window)
    refused = applies & (counts >= cap)
    if cap <= 0:
        return _static(refused)
    free_day = ctx.rows.day + 7
    for k in range(6, 0, -1):
        later = ctx.count(in_window & (h_day >= day + k - 6))
        free_day = np.where(later < cap, ctx.rows.day + k, free_day)
    return refused, ctx.midnight(free_day)


def _v_weekly_contacts(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    applies = ctx.rows.channel != CH["letter"]
    return _window(ctx, applies, _contact_pairs(ctx), params["contacts_per_7_days"])


def _us_call_pairs(ctx: Context, *, same_collector: bool) -> B:
    h, rows = ctx.h, ctx.rows
    pairs = (
        h.outbound[ctx.hi]
        & _pair(ctx, h.channel, CH["call"])
        & ~_pairs_in(ctx, h.outcome, (OC["busy"], OC["failed"]))
        & _pair(ctx, h.recipient, RE["debtor"])
    )
    if same_collector:
        pairs &= h.by[ctx.hi] == rows.by[ctx.ai]
    debt = rows.debt[ctx.ai]
    same_debt: B = (debt < 0) | (h.debt[ctx.hi] < 0) | (h.debt[ctx.hi] == debt)
    both: B = pairs & same_debt
    return both


def _v_us_seven(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    applies = ctx.rows.channel == CH["call"]
    pairs = _us_call_pairs(ctx, same_collector=True)
    return _window(ctx, applies, pairs, params["us_calls_per_7_days"])


def _v_overlay(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    applies = ctx.rows.channel == CH["call"]
    pairs = _us_call_pairs(ctx, same_collector=False)
    return _window(ctx, applies, pairs, params.get("overlay_calls_per_7_days"))


def _v_after_conversation(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    h, rows = ctx.h, ctx.rows
    debt = rows.debt[ctx.ai]
    talks = (
        _pair(ctx, h.channel, CH["call"])
        & _pair(ctx, h.outcome, OC["conversation"])
        & (h.by[ctx.hi] == rows.by[ctx.ai])
        & _pair(ctx, h.recipient, RE["debtor"])
        & ((debt < 0) | (h.debt[ctx.hi] < 0) | (h.debt[ctx.hi] == debt))
    )
    last = np.full(ctx.n, -(2**40), dtype=np.int64)
    np.maximum.at(last, ctx.ai[talks], h.day[ctx.hi[talks]])
    free_day = last + params["us_days_after_conversation"]
    refused = (rows.channel == CH["call"]) & (rows.day < free_day)
    until = np.full(ctx.n, NEVER, dtype=np.int64)
    if refused.any():
        until[refused] = ctx.midnight(free_day[refused], np.flatnonzero(refused))
    return refused, until


def _v_concentrated(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    gap = params.get("us_min_minutes_between_calls")
    if not gap:
        return _none(ctx, params)
    gap_ns = int(gap) * 60 * 1_000_000_000
    pairs = _us_call_pairs(ctx, same_collector=True)
    recent = pairs & (ctx.h.at[ctx.hi] > ctx.rows.at[ctx.ai] - gap_ns)
    last = np.full(ctx.n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, ctx.ai[recent], ctx.h.at[ctx.hi[recent]])
    refused = (ctx.rows.channel == CH["call"]) & (last > np.iinfo(np.int64).min)
    until = np.where(refused, last + gap_ns, NEVER)
    return refused, until


def _v_interval(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    days = params.get("cn_min_days_between_collections")
    if not days:
        return _none(ctx, params)
    h, rows = ctx.h, ctx.rows
    debt = rows.debt[ctx.ai]
    contacts = (
        h.outbound[ctx.hi]
        & _pair(ctx, h.recipient, RE["debtor"])
        & ~_pairs_in(ctx, h.outcome, (OC["busy"], OC["failed"]))
        & ((debt < 0) | (h.debt[ctx.hi] < 0) | (h.debt[ctx.hi] == debt))
    )
    last = np.full(ctx.n, -(2**40), dtype=np.int64)
    np.maximum.at(last, ctx.ai[contacts], h.day[ctx.hi[contacts]])
    free_day = last + int(days)
    refused = rows.day < free_day
    until = np.full(ctx.n, NEVER, dtype=np.int64)
    if refused.any():
        until[refused] = ctx.midnight(free_day[refused], np.flatnonzero(refused))
    return refused, until


def _v_holds(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    return _static(ctx.d.holds[ctx.rows.debtor] != "")


def _v_cease(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    cease = ctx.d.cease_day[ctx.rows.debtor]
    return _static((cease > -(2**40)) & (ctx.rows.day >= cease))


def _v_attorney(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    return _static(ctx.d.attorney[ctx.rows.debtor].copy())


def _v_employer(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    forbids = ctx.d.employer_forbids[ctx.rows.debtor]
    return _static(forbids & (ctx.rows.address_kind == AK["work"]))


def _v_tcpa(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    rows, debtor = ctx.rows, ctx.rows.debtor
    robot = (rows.mode == MO["robot"]) & np.isin(rows.channel, (CH["call"], CH["sms"]))
    revoked = ctx.d.tcpa_revoked_day[debtor]
    refused = robot & (((revoked > -(2**40)) & (rows.day >= revoked)) | ~ctx.d.tcpa_consent[debtor])
    return _static(refused)


def _v_breathing_space(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    d, rows = ctx.d, ctx.rows
    kind = d.bs_kind[rows.debtor]
    started = d.bs_start_day[rows.debtor]
    ended = d.bs_end_day[rows.debtor]
    standard = kind == "standard"
    crisis = kind == "mental_health_crisis"
    known_end = crisis & (ended > -(2**40))
    ends = np.where(
        standard,
        started + params["breathing_space_standard_days"],
        ended + params["breathing_space_crisis_extra_days"] + 1,
    )
    active = (standard | crisis) & (rows.day >= started)
    refused = active & ((crisis & ~known_end) | (rows.day < ends))
    until = np.full(ctx.n, NEVER, dtype=np.int64)
    timed = refused & (standard | known_end)
    if timed.any():
        until[timed] = ctx.midnight(ends[timed], np.flatnonzero(timed))
    return refused, until


def _v_public(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    return _static(ctx.rows.is_public.copy())


def _v_private(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    rows = ctx.rows
    return _static(rows.agency & ((rows.channel == CH["social"]) | rows.personal_device))


def _v_visit(ctx: Context, params: Mapping[str, Any]) -> tuple[B, I64]:
    rows = ctx.rows
    few = np.isnan(rows.collectors) | (rows.collectors < params["visit_min_collectors"])
    return _static((rows.channel == CH["visit"]) & few)


# Rules that cannot refuse a fast-path row (to the debtor, for collection, no text, no
# consent, no stated inconvenient times, no opt-out or decline in the history).
_NEVER_ON_FAST_PATH: tuple[Callable[..., Any], ...] = (
    hours.known_inconvenient_times,
    parties.cn_contact_only_when_unreachable,
    parties.cn_unrelated_third_party,
    parties.cn_address_book,
    parties.cn_contact_declined,
    parties.cn_disclosure_to_contact,
    parties.us_third_party,
    parties.us_location_once,
    parties.uk_third_party,
    stops.medium_opt_out,
    channels.cn_enter_premises,
    channels.us_opt_out_notice,
    channels.us_limited_content_message,
)
VECTORS: dict[Callable[..., Any], Vector] = {
    **dict.fromkeys(_NEVER_ON_FAST_PATH, _none),
    hours.quiet_hours: _v_quiet_hours,
    frequency.cn_connected_calls: _v_cn_connected,
    frequency.cn_conversations: _v_cn_conversations,
    frequency.cn_same_method_attempts: _v_cn_same_method,
    frequency.daily_texts: _v_daily_texts,
    frequency.daily_contacts: _v_daily_contacts,
    frequency.weekly_contacts: _v_weekly_contacts,
    frequency.us_calls_in_seven_days: _v_us_seven,
    frequency.overlay_calls_in_seven_days: _v_overlay,
    frequency.us_after_conversation: _v_after_conversation,
    frequency.us_concentrated_calls: _v_concentrated,
    frequency.cn_collection_interval: _v_interval,
    stops.ledger_holds: _v_holds,
    stops.us_cease_communication: _v_cease,
    parties.us_attorney_represented: _v_attorney,
    stops.us_employer_forbids: _v_employer,
    stops.us_tcpa_consent: _v_tcpa,
    stops.breathing_space: _v_breathing_space,
    parties.public_posting: _v_public,
    channels.cn_private_channel: _v_private,
    channels.cn_visit_collectors: _v_visit,
}
