"""Batch gate tables: the input frames turned into integer-coded numpy columns.

Enumerations become small integer codes once; debtors' attributes become arrays indexed by
debtor code; history is grouped by debtor for pairing; local days use offset arithmetic when a
zone's offset is constant over the data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from fairdebt.compliance.attempts import (
    CHANNELS,
    MODES,
    OUTCOMES,
    PURPOSES,
    RECIPIENTS,
    Debtor,
)
from fairdebt.compliance.gate import zones_for
from fairdebt.compliance.packs import Pack
from fairdebt.compliance.rules import clock
from fairdebt.errors import InputError

__all__ = [
    "AK",
    "ATTEMPT_DEFAULTS",
    "CH",
    "DAY_NS",
    "DEBTOR_DEFAULTS",
    "DI",
    "HISTORY_DEFAULTS",
    "I8",
    "I64",
    "MO",
    "NEVER",
    "OC",
    "PU",
    "RE",
    "B",
    "DebtorTable",
    "History",
    "Prepared",
    "Rows",
    "as_list",
    "clock_ns",
    "filled",
    "local_clock",
    "prepare",
    "text_or_none",
    "wall_to_utc",
]

I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
B = npt.NDArray[np.bool_]
NEVER = np.iinfo(np.int64).max
DAY_NS = 86_400_000_000_000
ATTEMPT_DEFAULTS: dict[str, Any] = {
    "mode": "agent",
    "recipient": "debtor",
    "address": None,
    "debt_id": None,
    "by": "lender",
    "purpose": "collection",
    "collectors": None,
    "text": None,
    "address_kind": None,
    "personal_device": False,
    "is_public": False,
    "voicemail": False,
}
HISTORY_DEFAULTS: dict[str, Any] = {
    "direction": "outbound",
    "channel": "call",
    "mode": "agent",
    "recipient": "debtor",
    "address": None,
    "debt_id": None,
    "by": "lender",
    "outcome": "delivered",
}
DEBTOR_DEFAULTS: dict[str, Any] = {
    "timezone": None,
    "possible_timezones": None,
    "inconvenient_times": None,
    "cease_requested_on": None,
    "attorney_represented": False,
    "employer_forbids_calls": False,
    "tcpa_consent": None,
    "tcpa_revoked_on": None,
    "holds": None,
    "unreachable": False,
    "incapacitated": False,
    "breathing_space_kind": None,
    "breathing_space_started_on": None,
    "breathing_space_ended_on": None,
}


def _vocab(values: frozenset[str]) -> dict[str, int]:
    return {value: code for code, value in enumerate(sorted(values))}


# Enumerations become small integer codes once, so rules compare integers, not strings.
CH = _vocab(CHANNELS)
MO = _vocab(MODES)
RE = _vocab(RECIPIENTS)
OC = _vocab(OUTCOMES)
PU = _vocab(PURPOSES)
AK = _vocab(frozenset({"home", "work", "mobile"}))
DI = _vocab(frozenset({"outbound", "inbound"}))
# History outcomes that only the scalar rules read (opt-outs, declines, offers to repay).
_SCALAR_OUTCOMES = ("stop_reply", "refused_further_contact", "offered_to_repay")


def _constant(value: Any, n: int) -> Any:
    """A column of ``n`` copies of a default, built cheaply (no per-row objects)."""
    if isinstance(value, bool):
        return np.full(n, value, dtype=bool)
    if value is None:
        return pd.Categorical.from_codes(np.full(n, -1), categories=pd.Index(["?"]))
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([value]))


def filled(frame: pd.DataFrame, defaults: Mapping[str, Any], name: str) -> pd.DataFrame:
    frame = frame.reset_index(drop=True)
    missing = {c: _constant(v, len(frame)) for c, v in defaults.items() if c not in frame}
    if missing:
        frame = frame.assign(**missing)
    for column in ("debtor_id", "at"):
        if name != "debtors" and column not in frame.columns:
            raise InputError(f"{name} table needs a {column!r} column", field=column)
    return frame


def _utc_ns(values: pd.Series, name: str) -> I64:
    times = pd.to_datetime(values)
    if times.dt.tz is None:
        raise InputError(f"{name} times must be aware (carry a time zone)", field=name)
    return np.asarray(times.dt.tz_convert("UTC").dt.as_unit("ns").astype("int64"), dtype=np.int64)


def _codes(*columns: pd.Series) -> list[I64]:
    """Shared integer codes for columns holding the same kind of value; missing is -1.

    Non-negative integer columns (debtor ids) are their own codes; otherwise each column is
    factorised on its own (cheap for categoricals) and the uniques are aligned.
    """
    if all(pd.api.types.is_integer_dtype(c.dtype) or len(c) == 0 for c in columns):
        arrays = [np.asarray(c, dtype=np.int64) for c in columns]
        if all(len(a) == 0 or a.min() >= 0 for a in arrays):
            return arrays
    parts = [
        (np.full(len(c), -1), np.array([], dtype=object))
        if isinstance(c.dtype, pd.CategoricalDtype) and (c.cat.codes < 0).all()
        else pd.factorize(c, use_na_sentinel=True)
        for c in columns
    ]
    union = pd.Index(np.concatenate([np.asarray(u, dtype=object) for _, u in parts])).unique()
    out = []
    for codes, uniques in parts:
        mapping = np.append(union.get_indexer(np.asarray(uniques, dtype=object)), -1)
        out.append(mapping[np.asarray(codes)].astype(np.int64))
    return out


def _fixed_offset(ns: I64, zone: str) -> int | None:
    """The zone's UTC offset in ns when it is the same over the whole span of ``ns``
    (Beijing time always is), so local days are plain arithmetic; else None."""
    if len(ns) == 0:
        return 0
    first, last = int(ns.min()) // DAY_NS, int(ns.max()) // DAY_NS + 2
    if last - first > 2000:
        return None
    info = clock.zone(zone)
    offsets = {
        dt.datetime.fromtimestamp(day * 86_400, dt.UTC).astimezone(info).utcoffset()
        for day in range(first - 1, last + 1)
    }
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    return None if offset is None else int(offset.total_seconds()) * 1_000_000_000


def local_clock(ns: I64, zone: str) -> tuple[I64, I64]:
    """Local day number and nanoseconds since local midnight, in ``zone``."""
    offset = _fixed_offset(ns, zone)
    if offset is not None:
        wall = ns + offset
    else:
        local = pd.DatetimeIndex(ns.astype("datetime64[ns]")).tz_localize("UTC")
        wall = np.asarray(local.tz_convert(zone).tz_localize(None).asi8, dtype=np.int64)
    day, clock_of_day = np.divmod(wall, DAY_NS)
    return day, clock_of_day


def wall_to_utc(day: I64, clock_ns: int, zone: str) -> I64:
    """The UTC instant when ``zone``'s wall clock reads ``day`` at ``clock_ns`` (fold=0)."""
    if len(day) == 0:
        return np.zeros(0, dtype=np.int64)
    wall_ns = day * DAY_NS + clock_ns
    offset = _fixed_offset(wall_ns, zone)
    if offset is not None:
        return wall_ns - offset
    wall = pd.DatetimeIndex(wall_ns.astype("datetime64[ns]"))
    local = wall.tz_localize(
        zone, ambiguous=np.ones(len(wall), dtype=bool), nonexistent="shift_forward"
    )
    return np.asarray(local.tz_convert("UTC").asi8, dtype=np.int64)


def clock_ns(moment: dt.time) -> int:
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000_000


@dataclass
class Rows:
    """The vectorised attempts (one entry per row) and their debtors' attributes."""

    at: I64
    debtor: I64
    channel: I8
    mode: I8
    recipient: I8
    address: I64
    debt: I64
    by: I64
    agency: B
    purpose: I8
    collectors: npt.NDArray[np.float64]
    address_kind: I8
    personal_device: B
    is_public: B
    zone_group: I64  # index into _Tables.zone_sets
    day: I64  # local day in the counting zone (filled per evaluation)

    def take(self, index: I64) -> Rows:
        return Rows(**{k: getattr(self, k)[index] for k in self.__dataclass_fields__})


@dataclass
class History:
    at: I64
    debtor: I64
    day: I64
    outbound: B
    channel: I8
    mode: I8
    recipient: I8
    address: I64
    debt: I64
    by: I64
    outcome: I8


@dataclass
class DebtorTable:
    holds: npt.NDArray[np.object_]
    cease_day: I64
    attorney: B
    employer_forbids: B
    tcpa_consent: B
    tcpa_revoked_day: I64
    bs_kind: npt.NDArray[np.object_]
    bs_start_day: I64
    bs_end_day: I64  # -2**40 when unknown


def text_or_none(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    return str(value)


def as_list(value: Any) -> list[Any]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


@dataclass
class Prepared:
    rows: Rows
    history: History
    debtors: DebtorTable
    zone_sets: list[tuple[tuple[str, ...], str]]
    fast: B


def _enum(frame: pd.DataFrame, column: str, vocab: Mapping[str, int], name: str) -> I8:
    """Integer codes of an enumerated column; a value outside the vocabulary is an error."""
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    lookup = np.full(len(uniques) + 1, -1, dtype=np.int8)
    for i, value in enumerate(uniques):
        if value not in vocab:
            raise InputError(
                f"expected one of {sorted(vocab)} (got {value!r})", record=name, field=column
            )
        lookup[i] = vocab[value]
    out: I8 = lookup[np.asarray(codes)]  # -1 (missing) picks the last slot, also -1
    return out


def _day_numbers(series: pd.Series) -> I64:
    """Calendar dates as day numbers since 1970-01-01; missing is a far-past sentinel."""
    if not series.notna().any():
        return np.full(len(series), -(2**40), dtype=np.int64)
    values = pd.to_datetime(series.astype(object).where(series.notna(), None), errors="coerce")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)
    days = values.dt.normalize().to_numpy(dtype="datetime64[D]").astype(np.int64)
    return np.where(values.isna().to_numpy(), -(2**40), days)


def _texts(series: pd.Series) -> pd.Series:
    """Comma-joined text of a column holding lists or comma-separated strings."""
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # lists are not hashable: join them one by one
        return series.map(lambda v: ",".join(str(x) for x in as_list(v)))
    joined = np.array([",".join(str(x) for x in as_list(u)) for u in uniques] + [""], dtype=object)
    return pd.Series(joined[np.asarray(codes)], index=series.index, dtype=object)


def _agency(by: pd.Series) -> B:
    """Whether each attempt is made by an outside agency (``agency:NAME``)."""
    codes, uniques = pd.factorize(by, use_na_sentinel=True)
    lookup = np.append([str(u).startswith("agency") for u in uniques], False)
    out: B = lookup[np.asarray(codes)]
    return out


def prepare(
    attempts: pd.DataFrame,
    history: pd.DataFrame,
    debtors: pd.DataFrame,
    consents: pd.DataFrame,
    pack: Pack,
) -> Prepared:
    a_deb, h_deb, d_deb, c_deb = _codes(
        attempts["debtor_id"], history["debtor_id"], debtors["debtor_id"], consents["debtor_id"]
    )
    size = int(max([0, *(int(c.max()) + 1 for c in (a_deb, h_deb, d_deb, c_deb) if len(c))]))
    tz_codes, tz_names = pd.factorize(debtors["timezone"], use_na_sentinel=True)
    names = [None, *(str(t) for t in tz_names)]
    zone_sets = [zones_for(Debtor(timezone=name), pack) for name in names]
    group_of = np.zeros(size, dtype=np.int64)
    group_of[d_deb] = tz_codes + 1  # group 0: no known zone

    def days(ns: I64, debtor_codes: I64) -> I64:
        out = np.zeros(len(ns), dtype=np.int64)
        g = group_of[debtor_codes]
        present = np.flatnonzero(np.bincount(g, minlength=1))
        if len(present) == 1:  # one zone for everybody: no masks
            return local_clock(ns, zone_sets[present[0]][1])[0]
        for group in present:
            sel = g == group
            out[sel] = local_clock(ns[sel], zone_sets[group][1])[0]
        return out

    def flags(column: str) -> B:
        out = np.zeros(size, dtype=bool)
        out[d_deb] = debtors[column].fillna(False).astype(bool).to_numpy()
        return out

    def day_numbers(column: str) -> I64:
        out = np.full(size, -(2**40), dtype=np.int64)
        out[d_deb] = _day_numbers(debtors[column])
        return out

    holds = np.full(size, "", dtype=object)
    holds[d_deb] = _texts(debtors["holds"]).to_numpy(dtype=object)
    kinds = np.full(size, "", dtype=object)
    kinds[d_deb] = _texts(debtors["breathing_space_kind"]).to_numpy(dtype=object)
    tcpa = np.zeros(size, dtype=bool)
    tcpa[d_deb] = (debtors["tcpa_consent"].astype(object) == True).to_numpy(dtype=bool)  # noqa: E712
    table = DebtorTable(
        holds=holds,
        cease_day=day_numbers("cease_requested_on"),
        attorney=flags("attorney_represented"),
        employer_forbids=flags("employer_forbids_calls"),
        tcpa_consent=tcpa,
        tcpa_revoked_day=day_numbers("tcpa_revoked_on"),
        bs_kind=kinds,
        bs_start_day=day_numbers("breathing_space_started_on"),
        bs_end_day=day_numbers("breathing_space_ended_on"),
    )

    h_at = _utc_ns(history["at"], "history.at") if len(history) else np.zeros(0, np.int64)
    # Pairing needs the history grouped by debtor; skip the sort when it already is.
    if len(h_deb) < 2 or bool((np.diff(h_deb) >= 0).all()):
        order = np.arange(len(h_deb))
    else:
        order = np.argsort(h_deb, kind="stable")
    a_addr, h_addr = _codes(attempts["address"], history["address"])
    a_debt, h_debt = _codes(attempts["debt_id"], history["debt_id"])
    a_by, h_by = _codes(attempts["by"], history["by"])
    h_outcome = _enum(history, "outcome", OC, "history")
    h_events = History(
        at=h_at[order],
        debtor=h_deb[order],
        day=days(h_at[order], h_deb[order]),
        outbound=(_enum(history, "direction", DI, "history") == DI["outbound"])[order],
        channel=_enum(history, "channel", CH, "history")[order],
        mode=_enum(history, "mode", MO, "history")[order],
        recipient=_enum(history, "recipient", RE, "history")[order],
        address=h_addr[order],
        debt=h_debt[order],
        by=h_by[order],
        outcome=h_outcome[order],
    )
    a_at = _utc_ns(attempts["at"], "attempts.at")
    collectors = pd.to_numeric(attempts["collectors"], errors="coerce").to_numpy(dtype=float)
    rows = Rows(
        at=a_at,
        debtor=a_deb,
        channel=_enum(attempts, "channel", CH, "attempts"),
        mode=_enum(attempts, "mode", MO, "attempts"),
        recipient=_enum(attempts, "recipient", RE, "attempts"),
        address=a_addr,
        debt=a_debt,
        by=a_by,
        agency=_agency(attempts["by"]),
        purpose=_enum(attempts, "purpose", PU, "attempts"),
        collectors=collectors,
        address_kind=_enum(attempts, "address_kind", AK, "attempts"),
        personal_device=attempts["personal_device"].fillna(False).astype(bool).to_numpy(),
        is_public=attempts["is_public"].fillna(False).astype(bool).to_numpy(),
        zone_group=group_of[a_deb],
        day=days(a_at, a_deb),
    )

    # Debtors whose situation only the scalar rules read.
    scalar_debtor = np.zeros(size, dtype=bool)
    scalar_debtor[d_deb] = (_texts(debtors["possible_timezones"]) != "").to_numpy() | (
        (_texts(debtors["inconvenient_times"]) != "").to_numpy()
    )
    scalar_debtor[c_deb] = True
    special = np.isin(h_outcome, [OC[o] for o in _SCALAR_OUTCOMES])
    scalar_debtor[h_deb[special]] = True
    text = attempts["text"]
    no_text = (text.isna() | (text.astype(object).fillna("") == "")).to_numpy(dtype=bool)
    fast = (
        no_text
        & (rows.recipient == RE["debtor"])
        & (rows.purpose == PU["collection"])
        & ~scalar_debtor[a_deb]
    )
    return Prepared(rows, h_events, table, zone_sets, fast)
