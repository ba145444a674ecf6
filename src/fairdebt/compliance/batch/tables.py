"""Batch gate tables: the input frames turned into integer-coded numpy columns.

Enumerations become small integer codes once; debtors' attributes become arrays indexed by
debtor code; history is grouped by debtor for pairing; local days use offset arithmetic when a
zone's offset is constant over the data.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

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
    "Table",
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
    """The frame with every missing optional column added as its default (for the scalar
    fallback, which reads whole records)."""
    frame = frame.reset_index(drop=True)
    missing = {c: _constant(v, len(frame)) for c, v in defaults.items() if c not in frame}
    if missing:
        frame = frame.assign(**missing)
    for column in ("debtor_id", "at"):
        if name != "debtors" and column not in frame.columns:
            raise InputError(f"{name} table needs a {column!r} column", field=column)
    return frame


def _arrow_text(dtype: Any) -> bool:
    """Whether a column holds text in a pyarrow array (pandas 3's default for strings)."""
    if isinstance(dtype, pd.StringDtype):
        return bool(dtype.storage == "pyarrow")
    if isinstance(dtype, pd.ArrowDtype):
        return bool(pa.types.is_string(dtype.pyarrow_dtype)) or bool(
            pa.types.is_large_string(dtype.pyarrow_dtype)
        )
    return False


def _factorize(series: pd.Series) -> tuple[I64, npt.NDArray[np.object_]]:
    """Codes (missing is -1) and distinct values of one column.

    pandas 3 keeps text as pyarrow strings; Arrow's own dictionary encoding codes them
    directly, where ``pd.factorize`` spends a fixed ~0.1 ms per call getting there (it
    dominates a small batch). An object column is factorised as its numpy array, skipping the
    Series machinery; anything else (categoricals: their codes; numbers) goes to pandas.
    """
    if _arrow_text(series.dtype):
        chunks = series.array.__arrow_array__()
        whole = chunks.chunk(0) if chunks.num_chunks == 1 else chunks.combine_chunks()
        encoded = whole.dictionary_encode()
        indices = encoded.indices
        codes = (indices.fill_null(-1) if indices.null_count else indices).to_numpy()
        uniques = encoded.dictionary.to_numpy(zero_copy_only=False)
    elif series.dtype == object:
        codes, uniques = pd.factorize(series.to_numpy(), use_na_sentinel=True)
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


class Table:
    """One input table as it arrives: a present column is read from the frame (and coded)
    once; a missing optional column is its default value, never materialised per row, so a
    small batch pays no fixed cost for the columns it leaves out."""

    def __init__(
        self,
        frame: pd.DataFrame,
        defaults: Mapping[str, Any],
        name: str,
        required: tuple[str, ...] = ("debtor_id", "at"),
    ) -> None:
        for column in required:
            if column not in frame.columns:
                raise InputError(f"{name} table needs a {column!r} column", field=column)
        self.frame, self.defaults, self.name = frame, defaults, name
        self.n = len(frame)
        self._present = set(frame.columns)
        self._columns: dict[str, pd.Series] = {}
        self._factors: dict[str, tuple[I64, npt.NDArray[np.object_]]] = {}

    def has(self, column: str) -> bool:
        return column in self._present

    def __getitem__(self, column: str) -> pd.Series:
        found = self._columns.get(column)
        if found is None:  # selecting a column costs tens of microseconds: do it once
            found = self._columns[column] = self.frame[column]
        return found

    def factorized(self, column: str) -> tuple[I64, npt.NDArray[np.object_]]:
        """Integer codes (missing is -1) and the distinct values they stand for."""
        found = self._factors.get(column)
        if found is None:
            if self.has(column):
                found = _factorize(self[column])
            elif self.defaults.get(column) is None:
                found = np.full(self.n, -1, dtype=np.int64), np.empty(0, dtype=object)
            else:
                value = np.array([self.defaults[column]], dtype=object)
                found = np.zeros(self.n, dtype=np.int64), value
            self._factors[column] = found
        return found

    def flags(self, column: str) -> B:
        """A yes/no column; missing values and a missing column are ``False``."""
        if not self.has(column):
            return np.full(self.n, bool(self.defaults[column]), dtype=bool)
        out: B = self[column].fillna(False).astype(bool).to_numpy()
        return out


_NS_PER = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}


def _utc_ns(values: pd.Series, name: str) -> I64:
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) and dtype.unit in _NS_PER:
        # The usual case: aware instants are stored as UTC ticks; scale them, no parsing.
        ticks = np.asarray(values.array.asi8, dtype=np.int64)
        if dtype.unit == "ns" or len(ticks) == 0:
            return ticks
        bound = np.iinfo(np.int64).max // _NS_PER[dtype.unit]
        if -bound <= ticks.min() and ticks.max() <= bound:
            scaled: I64 = ticks * _NS_PER[dtype.unit]
            return scaled
    times = pd.to_datetime(values)
    if times.dt.tz is None:
        raise InputError(f"{name} times must be aware (carry a time zone)", field=name)
    return np.asarray(times.dt.tz_convert("UTC").dt.as_unit("ns").astype("int64"), dtype=np.int64)


def _aligned(*factors: tuple[I64, npt.NDArray[np.object_]]) -> list[I64]:
    """Shared integer codes for columns holding the same kind of value; missing stays -1.

    Each column was factorised on its own; their distinct values are numbered together once
    (a dict when there are few, as for channels or agencies; pandas' hash table otherwise),
    and each column's codes are mapped onto that shared numbering.
    """
    values = np.concatenate([uniques for _, uniques in factors])
    if len(values) <= 64:
        numbering: dict[Any, int] = {}
        union_codes = np.array(
            [numbering.setdefault(v, len(numbering)) for v in values], dtype=np.int64
        )
    else:
        union_codes = np.asarray(pd.factorize(values, use_na_sentinel=True)[0], dtype=np.int64)
    out, start = [], 0
    for codes, uniques in factors:
        mapping = np.append(union_codes[start : start + len(uniques)], -1)
        start += len(uniques)
        out.append(mapping[codes])
    return out


def _debtor_codes(*tables: Table) -> list[I64]:
    """Debtor codes shared by every table: non-negative integer ids are their own codes."""
    columns = [t["debtor_id"] if t.n else None for t in tables]  # an empty table adds nothing
    if all(c is None or pd.api.types.is_integer_dtype(c.dtype) for c in columns):
        arrays = [np.zeros(0, np.int64) if c is None else np.asarray(c, np.int64) for c in columns]
        if all(len(a) == 0 or a.min() >= 0 for a in arrays):
            return arrays
    return _aligned(*(t.factorized("debtor_id") for t in tables))


def _fixed_offset(ns: I64, zone: str) -> int | None:
    """The zone's UTC offset in ns when it is the same over the whole span of ``ns``
    (Beijing time always is), so local days are plain arithmetic; else None."""
    if len(ns) == 0:
        return 0
    first, last = int(ns.min()) // DAY_NS, int(ns.max()) // DAY_NS + 2
    if last - first > 2000:
        return None
    return _offset_over(first, last, zone)


@functools.lru_cache(maxsize=1024)
def _offset_over(first: int, last: int, zone: str) -> int | None:
    """The offset of ``zone`` when constant over days ``first - 1 .. last`` (cached: a
    planner asks about the same few days and zones on every call)."""
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


def _enum(table: Table, column: str, vocab: Mapping[str, int]) -> I8:
    """Integer codes of an enumerated column; a value outside the vocabulary is an error."""
    codes, uniques = table.factorized(column)
    lookup = np.full(len(uniques) + 1, -1, dtype=np.int8)
    for i, value in enumerate(uniques):
        if value not in vocab:
            raise InputError(
                f"expected one of {sorted(vocab)} (got {value!r})", record=table.name, field=column
            )
        lookup[i] = vocab[value]
    out: I8 = lookup[codes]  # -1 (missing) picks the last slot, also -1
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


def _agency(codes: I64, uniques: npt.NDArray[np.object_]) -> B:
    """Whether each attempt is made by an outside agency (``agency:NAME``)."""
    lookup = np.append([str(u).startswith("agency") for u in uniques], False)
    out: B = lookup[codes]
    return out


def prepare(
    attempts: Table,
    history: Table,
    debtors: Table,
    consents: Table,
    pack: Pack,
) -> Prepared:
    a_deb, h_deb, d_deb, c_deb = _debtor_codes(attempts, history, debtors, consents)
    size = int(max([0, *(int(c.max()) + 1 for c in (a_deb, h_deb, d_deb, c_deb) if len(c))]))
    tz_codes, tz_names = debtors.factorized("timezone")
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

    # A debtor column the caller left out is its default for everybody: no per-row work.
    def flags(column: str) -> B:
        out = np.zeros(size, dtype=bool)
        if debtors.has(column):
            out[d_deb] = debtors.flags(column)
        return out

    def day_numbers(column: str) -> I64:
        out = np.full(size, -(2**40), dtype=np.int64)
        if debtors.has(column):
            out[d_deb] = _day_numbers(debtors[column])
        return out

    def texts(column: str) -> npt.NDArray[np.object_]:
        out = np.full(size, "", dtype=object)
        if debtors.has(column):
            out[d_deb] = _texts(debtors[column]).to_numpy(dtype=object)
        return out

    tcpa = np.zeros(size, dtype=bool)
    if debtors.has("tcpa_consent"):
        tcpa[d_deb] = (debtors["tcpa_consent"].astype(object) == True).to_numpy(dtype=bool)  # noqa: E712
    table = DebtorTable(
        holds=texts("holds"),
        cease_day=day_numbers("cease_requested_on"),
        attorney=flags("attorney_represented"),
        employer_forbids=flags("employer_forbids_calls"),
        tcpa_consent=tcpa,
        tcpa_revoked_day=day_numbers("tcpa_revoked_on"),
        bs_kind=texts("breathing_space_kind"),
        bs_start_day=day_numbers("breathing_space_started_on"),
        bs_end_day=day_numbers("breathing_space_ended_on"),
    )

    h_at = _utc_ns(history["at"], "history.at") if history.n else np.zeros(0, np.int64)
    # Pairing needs the history grouped by debtor; skip the sort when it already is.
    if len(h_deb) < 2 or bool((np.diff(h_deb) >= 0).all()):
        order = np.arange(len(h_deb))
    else:
        order = np.argsort(h_deb, kind="stable")
    a_addr, h_addr = _aligned(attempts.factorized("address"), history.factorized("address"))
    a_debt, h_debt = _aligned(attempts.factorized("debt_id"), history.factorized("debt_id"))
    a_by, h_by = _aligned(attempts.factorized("by"), history.factorized("by"))
    h_outcome = _enum(history, "outcome", OC)
    h_events = History(
        at=h_at[order],
        debtor=h_deb[order],
        day=days(h_at[order], h_deb[order]),
        outbound=(_enum(history, "direction", DI) == DI["outbound"])[order],
        channel=_enum(history, "channel", CH)[order],
        mode=_enum(history, "mode", MO)[order],
        recipient=_enum(history, "recipient", RE)[order],
        address=h_addr[order],
        debt=h_debt[order],
        by=h_by[order],
        outcome=h_outcome[order],
    )
    a_at = _utc_ns(attempts["at"], "attempts.at")
    collectors = (
        pd.to_numeric(attempts["collectors"], errors="coerce").to_numpy(dtype=float)
        if attempts.has("collectors")
        else np.full(attempts.n, np.nan)
    )
    rows = Rows(
        at=a_at,
        debtor=a_deb,
        channel=_enum(attempts, "channel", CH),
        mode=_enum(attempts, "mode", MO),
        recipient=_enum(attempts, "recipient", RE),
        address=a_addr,
        debt=a_debt,
        by=a_by,
        agency=_agency(*attempts.factorized("by")),
        purpose=_enum(attempts, "purpose", PU),
        collectors=collectors,
        address_kind=_enum(attempts, "address_kind", AK),
        personal_device=attempts.flags("personal_device"),
        is_public=attempts.flags("is_public"),
        zone_group=group_of[a_deb],
        day=days(a_at, a_deb),
    )

    # Debtors whose situation only the scalar rules read.
    scalar_debtor = (texts("possible_timezones") != "") | (texts("inconvenient_times") != "")
    scalar_debtor[c_deb] = True
    special = np.isin(h_outcome, [OC[o] for o in _SCALAR_OUTCOMES])
    scalar_debtor[h_deb[special]] = True
    if attempts.has("text"):
        text = attempts["text"]
        no_text = (text.isna() | (text.astype(object).fillna("") == "")).to_numpy(dtype=bool)
    else:
        no_text = np.ones(attempts.n, dtype=bool)
    fast = (
        no_text
        & (rows.recipient == RE["debtor"])
        & (rows.purpose == PU["collection"])
        & ~scalar_debtor[a_deb]
    )
    return Prepared(rows, h_events, table, zone_sets, fast)
