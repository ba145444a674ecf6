"""Payment history: families of monthly columns, found by name or by shape, and their summaries.

Behaviour and collection scores live on history: months of repayment status, bill and payment
amounts. A card extract carries them as *families* of repeated columns (``PAY_0, PAY_2 ...
PAY_6``, ``BILL_AMT1 ... BILL_AMT6``, ``status_2024_01 ... status_2024_06``); a servicing system
often keeps them as a *long* table, one row per account and month. A scorecard sees each month
alone and a tree model has to rediscover "how many months late" from six columns; the summaries
here give both models what a collections analyst reads first.

- :func:`find_families` finds the families of a (cleaned) frame: by name, columns that differ
  only in a month number or a date; by shape, a run of adjacent columns with the same small
  integer codes, or whose names are months or dates. A family is kept only when its members
  move together month to month (adjacent Spearman correlation), so ``V1 ... V28``-style
  anonymised components are not taken for a history. Its *kind* comes from the values: small
  integer codes are a **status** (> 0 means that many cycles late, as in days-past-due buckets),
  anything else an **amount**. Its *role* (payment, balance) comes from words in the name.
- Numbered members are read as lags (1, or 0, is the latest month, as in the UCI card data and
  in ``_m1``/``lag1`` names); dated members are ordered by date (the latest date is the latest
  month).
- :func:`history_frame` builds the summaries with their meanings (:class:`Built`), columnar.
- :func:`widen_history` turns a long table (account, month, values) into families of columns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from fairdebt.errors import InputError

__all__ = [
    "Built",
    "Family",
    "find_families",
    "history_frame",
    "status_values",
    "widen_history",
]

#: Fewest members a family needs (three months make a trend).
MIN_MEMBERS = 3
#: A run of adjacent columns found by shape alone needs this many members.
MIN_SHAPE_MEMBERS = 4
#: Median Spearman correlation of neighbouring months below which a "family" is taken to be
#: unrelated columns that merely share a stem (anonymised V1...V28).
MIN_NEIGHBOUR_CORRELATION = 0.3
#: A status family's codes: integers within this range, few of them.
STATUS_RANGE = (-3, 12)
STATUS_MAX_CODES = 16
#: Rows used to judge correlation and codes (the judgement, not the features, is sampled).
SAMPLE_ROWS = 20_000

_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_/.]?(0[1-9]|1[0-2])(?:[-_/.]?(\d{2}))?(?!\d)")
_NUMBER = re.compile(r"(\d+)(?!.*\d)")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "一月", "1月"),
            ("feb", "february", "二月", "2月"),
            ("mar", "march", "三月", "3月"),
            ("apr", "april", "四月", "4月"),
            ("may", "五月", "5月"),
            ("jun", "june", "六月", "6月"),
            ("jul", "july", "七月", "7月"),
            ("aug", "august", "八月", "8月"),
            ("sep", "sept", "september", "九月", "9月"),
            ("oct", "october", "十月", "10月"),
            ("nov", "november", "十一月", "11月"),
            ("dec", "december", "十二月", "12月"),
        ),
        start=1,
    )
    for name in names
}
_PAYMENT_WORDS = ("pay", "paid", "payment", "repay", "repayment", "还款", "付款", "缴款")
_BALANCE_WORDS = (
    "bill",
    "bal",
    "balance",
    "stmt",
    "statement",
    "outstanding",
    "owed",
    "账单",
    "余额",
    "欠款",
)


@dataclass(frozen=True)
class Family:
    """A family of monthly columns: ``columns[0]`` is the latest month.

    ``kind`` is ``"status"`` (integer codes; > 0 means late) or ``"amount"``; ``role`` is
    ``"payment"``, ``"balance"`` or ``""`` (from words in the name); ``found_by`` is
    ``"name"`` or ``"shape"``.
    """

    stem: str
    columns: tuple[str, ...]
    kind: str
    role: str = ""
    found_by: str = "name"

    @property
    def months(self) -> int:
        return len(self.columns)


@dataclass(frozen=True)
class Built:
    """A built feature: its name, what it means (en, zh) and the columns it is made from."""

    name: str
    en: str
    zh: str
    sources: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "en": self.en, "zh": self.zh, "from": list(self.sources)}


# -- finding families --------------------------------------------------------------------
def _words(name: str) -> list[str]:
    """Lower-case words of a column name: split at non-letters and at camelCase humps."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name)
    return [w for w in re.split(r"[^0-9A-Za-z\u4e00-\u9fff]+|\d+", spaced.lower()) if w]


def role_of(name: str) -> str:
    """``"payment"``, ``"balance"`` or ``""`` from the words of a family's stem.

    >>> [role_of(s) for s in ("PAY_AMT#", "BILL_AMT#", "PAY_#", "spend_#")]
    ['payment', 'balance', 'payment', '']
    """
    words = _words(name)
    if any(w in _BALANCE_WORDS or w.startswith("bal") for w in words):
        return "balance"
    if any(w in _PAYMENT_WORDS for w in words) or any(
        any(p in w for p in ("还款", "付款")) for w in words
    ):
        return "payment"
    return ""


def _period_key(name: str) -> tuple[str, float, bool] | None:
    """``(stem, position, is_date)`` of a column name that carries a month, else None.

    A date (``2024-01``, ``202401``, ``2024_01_31``) gives its month count, ordered oldest
    first; a trailing number (``PAY_AMT3``, ``status_m3``) a lag, ordered latest first.
    """
    date = _DATE.search(name)
    if date:
        stem = name[: date.start()] + "#" + name[date.end() :]
        return stem, float(int(date.group(1)) * 12 + int(date.group(2))), True
    number = _NUMBER.search(name)
    if number and len(number.group(1)) <= 3:
        stem = name[: number.start()] + "#" + name[number.end() :]
        if re.search(r"[A-Za-z\u4e00-\u9fff]", stem):
            return stem, float(int(number.group(1))), False
    return None


def _month_name(name: str) -> float | None:
    """The month number of a column named like a month (``Jan``, ``sep_status``, ``三月``)."""
    for word in [*_words(name), name.strip().lower()]:
        if word in _MONTHS:
            return float(_MONTHS[word])
    return None


def status_values(values: pd.Series) -> pd.Series:
    """A status column as numbers: digit codes as they are, letter codes as -1.

    Text statuses such as ``"0"..."5"`` with ``"C"`` (closed) and ``"X"`` (no loan) become
    numbers; a letter code says nothing is late, so it reads as -1 (like "paid duly").

    >>> status_values(pd.Series(["0", "2", "C", "X", None])).tolist()
    [0.0, 2.0, -1.0, -1.0, nan]
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    numbers = pd.to_numeric(values, errors="coerce")
    letters = values.notna() & numbers.isna()
    return numbers.astype(float).where(~letters, -1.0)


def _is_status(block: pd.DataFrame) -> bool:
    values = block.to_numpy(dtype=float).ravel()
    values = values[~np.isnan(values)]
    if values.size == 0 or not np.all(values == np.round(values)):
        return False
    low, high = STATUS_RANGE
    return bool(
        values.min() >= low and values.max() <= high and len(np.unique(values)) <= STATUS_MAX_CODES
    )


def _moves_together(block: pd.DataFrame) -> bool:
    """Neighbouring months correlate (median Spearman) at least ``MIN_NEIGHBOUR_CORRELATION``."""
    sample = block if len(block) <= SAMPLE_ROWS else block.sample(SAMPLE_ROWS, random_state=0)
    values = sample.to_numpy(dtype=float)
    correlations = []
    for left, right in zip(values.T[:-1], values.T[1:], strict=True):
        both = ~np.isnan(left) & ~np.isnan(right)
        if both.sum() < 10 or np.ptp(left[both]) == 0 or np.ptp(right[both]) == 0:
            continue
        correlations.append(float(spearmanr(left[both], right[both]).statistic))
    return bool(correlations) and float(np.median(correlations)) >= MIN_NEIGHBOUR_CORRELATION


def _numeric_block(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame | None:
    """The columns as numbers, or None if one is text that is not a status code column."""
    out = {}
    for column in columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            out[column] = values.astype(float)
            continue
        given = int(values.notna().sum())
        digits = int(pd.to_numeric(values, errors="coerce").notna().sum())
        if given == 0 or digits < 0.5 * given:
            return None
        out[column] = status_values(values)
    return pd.DataFrame(out, index=frame.index)


def _family(
    frame: pd.DataFrame, stem: str, columns: Sequence[str], found_by: str, min_members: int
) -> Family | None:
    if len(columns) < min_members:
        return None
    block = _numeric_block(frame, columns)
    if block is None or not _moves_together(block):
        return None
    kind = "status" if _is_status(block) else "amount"
    return Family(_clean_stem(stem), tuple(columns), kind, role_of(stem), found_by)


def _clean_stem(stem: str) -> str:
    """``"BILL_AMT#"`` -> ``"BILL_AMT"``, ``"status_#_m"`` -> ``"status_m"``."""
    cleaned = re.sub(r"[_\s.-]*#[_\s.-]*", "_", stem).strip("_ ")
    return cleaned or "history"


def find_families(frame: pd.DataFrame, *, exclude: Sequence[str] = ()) -> list[Family]:
    """Families of monthly columns in ``frame``, latest month first (see the module docstring).

    By name: columns whose names differ only in a month number or a date, at least
    ``MIN_MEMBERS`` of them. By shape: a run of at least ``MIN_SHAPE_MEMBERS`` adjacent
    columns named as months, or holding the same kind of small integer codes. Either way the
    members must move together month to month.
    """
    columns = [c for c in frame.columns if c not in set(exclude)]
    groups: dict[str, list[tuple[float, bool, str]]] = {}
    for column in columns:
        key = _period_key(str(column))
        if key is not None:
            groups.setdefault(key[0], []).append((key[1], key[2], column))
    families: list[Family] = []
    taken: set[str] = set()
    for stem, members in groups.items():
        positions = [m[0] for m in members]
        if len(set(positions)) != len(positions):
            continue
        dated = all(m[1] for m in members)
        # dates: the latest is the latest month; numbers: lag 0 or 1 is the latest month
        ordered = [m[2] for m in sorted(members, reverse=dated)]
        found = _family(frame, stem, ordered, "name", MIN_MEMBERS)
        if found is not None:
            families.append(found)
            taken.update(found.columns)
    families += _families_by_shape(frame, [c for c in columns if c not in taken])
    return families


def _families_by_shape(frame: pd.DataFrame, columns: list[str]) -> list[Family]:
    """Runs of adjacent columns named as months, or of the same small integer codes."""
    found: list[Family] = []
    start = 0
    while start < len(columns):
        end = start + 1
        month = _month_name(columns[start])
        if month is not None:
            while end < len(columns) and _month_name(columns[end]) is not None:
                end += 1
            run = columns[start:end]
            months = [_month_name(c) for c in run]
            # named as months: the column order is the calendar order; the last is the latest
            if len(set(months)) == len(months):
                family = _family(frame, "month", run[::-1], "shape", MIN_SHAPE_MEMBERS)
                if family is not None:
                    found.append(family)
                    start = end
                    continue
        codes = _codes(frame[columns[start]])
        if codes is not None:
            while end < len(columns) and _same_codes(codes, _codes(frame[columns[end]])):
                end += 1
            run = columns[start:end]
            if len(run) >= MIN_SHAPE_MEMBERS:
                family = _family(frame, _common_stem(run), run, "shape", MIN_SHAPE_MEMBERS)
                if family is not None and family.kind == "status":
                    found.append(family)
                    start = end
                    continue
        start += 1
    return found


def _codes(values: pd.Series) -> set[float] | None:
    if not pd.api.types.is_numeric_dtype(values):
        return None
    present = values.dropna().to_numpy(dtype=float)
    if present.size == 0 or not np.all(present == np.round(present)):
        return None
    codes = set(np.unique(present).tolist())
    low, high = STATUS_RANGE
    if len(codes) > STATUS_MAX_CODES or min(codes) < low or max(codes) > high:
        return None
    return codes


def _same_codes(first: set[float], other: set[float] | None) -> bool:
    """Two status columns share most of their codes (a rare code may be absent in a month)."""
    if other is None:
        return False
    return len(first & other) >= 0.6 * len(first | other)


def _common_stem(columns: Sequence[str]) -> str:
    prefix = str(columns[0])
    for column in columns[1:]:
        while not str(column).startswith(prefix):
            prefix = prefix[:-1]
    return prefix.strip("_ -") or "status"


# -- the summaries -----------------------------------------------------------------------
def _slope(values: np.ndarray) -> np.ndarray:
    """Least-squares slope per row over months in time order (oldest first), NaN-aware."""
    time = np.arange(values.shape[1], dtype=float)[None, :]
    present = ~np.isnan(values)
    count = present.sum(axis=1)
    t = np.where(present, time, 0.0)
    v = np.where(present, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t_mean = t.sum(axis=1) / count
        v_mean = v.sum(axis=1) / count
        cov = (np.where(present, (time - t_mean[:, None]) * (values - v_mean[:, None]), 0.0)).sum(
            axis=1
        )
        var = (np.where(present, (time - t_mean[:, None]) ** 2, 0.0)).sum(axis=1)
        return np.where(count >= 2, cov / var, np.nan)


def _nan_reduce(values: np.ndarray, how: str) -> np.ndarray:
    empty = np.isnan(values).all(axis=1)
    filled = np.where(empty[:, None], 0.0, values)
    with np.errstate(invalid="ignore", divide="ignore"):
        reduced = getattr(np, f"nan{how}")(filled, axis=1)
    return np.where(empty, np.nan, reduced)


def _status_features(family: Family, values: np.ndarray) -> list[tuple[Built, np.ndarray]]:
    """values: rows x months, latest month first."""
    s, k, cols = family.stem, family.months, family.columns
    present = ~np.isnan(values)
    late = np.where(present, values > 0, False)
    serious = np.where(present, values >= 2, False)
    any_month = present.any(axis=1)
    first_late = np.where(late.any(axis=1), np.argmax(late, axis=1), k).astype(float)
    streak = np.where(late.all(axis=1), k, np.argmin(late, axis=1)).astype(float)
    in_time = values[:, ::-1]  # oldest first
    steps = np.diff(in_time, axis=1)
    was_late = in_time[:, :-1] > 0
    is_current = in_time[:, 1:] <= 0
    rolls = np.nansum(np.where(np.isnan(steps), 0.0, steps > 0), axis=1)
    cures = np.sum(was_late & is_current, axis=1).astype(float)

    def keep(x: np.ndarray) -> np.ndarray:
        return np.where(any_month, x, np.nan)

    return [
        (
            Built(
                f"{s}_worst", f"worst {s} status over {k} months", f"近{k}个月「{s}」最差状态", cols
            ),
            _nan_reduce(values, "max"),
        ),
        (
            Built(
                f"{s}_mean",
                f"average {s} status over {k} months",
                f"近{k}个月「{s}」平均状态",
                cols,
            ),
            _nan_reduce(values, "mean"),
        ),
        (
            Built(
                f"{s}_months_late",
                f"months late (status > 0) in the last {k}",
                f"近{k}个月「{s}」逾期月数",
                cols,
            ),
            keep(late.sum(axis=1).astype(float)),
        ),
        (
            Built(
                f"{s}_months_late_2plus",
                f"months 2 or more cycles late in the last {k}",
                f"近{k}个月「{s}」逾期2期及以上的月数",
                cols,
            ),
            keep(serious.sum(axis=1).astype(float)),
        ),
        (
            Built(
                f"{s}_months_since_late",
                f"months since the latest late month ({k} if none in the window)",
                f"距最近一次「{s}」逾期的月数（窗口内无逾期记为{k}）",
                cols,
            ),
            keep(first_late),
        ),
        (
            Built(
                f"{s}_late_streak",
                "consecutive late months up to the latest",
                f"截至最近一个月「{s}」连续逾期月数",
                cols,
            ),
            keep(streak),
        ),
        (
            Built(
                f"{s}_trend",
                f"{s} status trend per month (> 0: worsening)",
                f"「{s}」状态的月度趋势（大于0为恶化）",
                cols,
            ),
            _slope(in_time),
        ),
        (
            Built(
                f"{s}_rolls",
                f"months the {s} status got worse than the month before",
                f"「{s}」状态较上月恶化的次数",
                cols,
            ),
            keep(rolls),
        ),
        (
            Built(
                f"{s}_cures",
                f"months a late {s} status came back to current",
                f"「{s}」由逾期转为正常的次数",
                cols,
            ),
            keep(cures),
        ),
    ]


def _amount_features(family: Family, values: np.ndarray) -> list[tuple[Built, np.ndarray]]:
    s, k, cols = family.stem, family.months, family.columns
    mean = _nan_reduce(values, "mean")
    scale = _nan_reduce(np.abs(values), "mean")
    in_time = values[:, ::-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        relative_trend = np.where(scale > 0, _slope(in_time) / scale, 0.0)
        recent_to_mean = np.where(scale > 0, values[:, 0] / scale, np.nan)
        volatility = np.where(scale > 0, _nan_reduce(values, "std") / scale, 0.0)
    zero = np.where(np.isnan(values), 0.0, values == 0).sum(axis=1).astype(float)
    any_month = ~np.isnan(values).all(axis=1)
    relative_trend = np.where(np.isnan(_slope(in_time)), np.nan, relative_trend)
    return [
        (Built(f"{s}_mean", f"average {s} over {k} months", f"近{k}个月「{s}」平均值", cols), mean),
        (
            Built(f"{s}_max", f"largest {s} in {k} months", f"近{k}个月「{s}」最大值", cols),
            _nan_reduce(values, "max"),
        ),
        (
            Built(
                f"{s}_trend",
                f"{s} trend per month, as a share of its average (> 0: rising)",
                f"「{s}」月度趋势（占均值比例，大于0为上升）",
                cols,
            ),
            relative_trend,
        ),
        (
            Built(
                f"{s}_latest_to_mean",
                f"latest {s} against its {k}-month average",
                f"最近一个月「{s}」与{k}个月均值之比",
                cols,
            ),
            recent_to_mean,
        ),
        (
            Built(
                f"{s}_volatility",
                f"month-to-month spread of {s} (std / average)",
                f"「{s}」波动率（标准差/均值）",
                cols,
            ),
            volatility,
        ),
        (
            Built(f"{s}_zero_months", f"months with {s} of zero", f"「{s}」为零的月数", cols),
            np.where(any_month, zero, np.nan),
        ),
    ]


def _payment_features(
    payment: Family, balance: Family, pays: np.ndarray, bills: np.ndarray
) -> list[tuple[Built, np.ndarray]]:
    """A payment family against a balance family of the same months.

    A payment of month t settles the statement of month t - 1 (a card's cycle), so each
    payment is set against the balance one month older; the latest balance has no payment yet.
    """
    p, b = payment.stem, balance.stem
    cols = payment.columns + balance.columns
    n = min(payment.months, balance.months) - 1
    if n < 2:
        return []
    paid, owed = pays[:, :n], bills[:, 1 : n + 1]
    due = owed > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(due, np.clip(paid / np.where(due, owed, 1.0), 0.0, 1.0), np.nan)
        total = np.nansum(np.where(due, owed, 0.0), axis=1)
        ratio_total = np.where(
            total > 0, np.nansum(np.where(due, np.clip(paid, 0, None), 0.0), axis=1) / total, np.nan
        )
    full = np.sum(due & (paid >= owed), axis=1).astype(float)
    none = np.sum(due & (paid <= 0), axis=1).astype(float)
    any_due = due.any(axis=1)
    return [
        (
            Built(
                f"{p}_to_{b}",
                f"share of the balance due that was paid, over {n} months (total {p} / total {b})",
                f"近{n}个月还款总额占应还余额的比例",
                cols,
            ),
            ratio_total,
        ),
        (
            Built(
                f"{p}_to_{b}_mean",
                f"average monthly share of the balance paid (capped at 1), {n} months",
                f"近{n}个月月均还款比例（上限为1）",
                cols,
            ),
            _nan_reduce(share, "mean"),
        ),
        (
            Built(
                f"{p}_to_{b}_latest",
                "share of the previous balance paid in the latest month",
                "最近一个月还款占上期账单的比例",
                cols,
            ),
            share[:, 0],
        ),
        (
            Built(
                f"{p}_full_months",
                f"months the balance due was paid in full, of {n}",
                f"近{n}个月全额还款的月数",
                cols,
            ),
            np.where(any_due, full, np.nan),
        ),
        (
            Built(
                f"{p}_missed_months",
                f"months a balance was due and nothing was paid, of {n}",
                f"近{n}个月有欠款却未还款的月数",
                cols,
            ),
            np.where(any_due, none, np.nan),
        ),
    ]


def history_frame(
    frame: pd.DataFrame,
    families: Sequence[Family],
    *,
    limit: str | None = None,
    special_codes: Mapping[str, Sequence[float]] | None = None,
) -> tuple[pd.DataFrame, list[Built]]:
    """The summaries of every family (and of payments against balances, and balances against
    ``limit``) with their meanings. Special codes of a member column read as missing.
    """
    codes = special_codes or {}
    columns: dict[str, np.ndarray] = {}
    meanings: list[Built] = []

    def add(pairs: list[tuple[Built, np.ndarray]]) -> None:
        for built, values in pairs:
            if built.name in frame.columns or built.name in columns:
                continue  # never shadow an input column or an earlier summary
            columns[built.name] = np.asarray(values, dtype=float)
            meanings.append(built)

    matrices: dict[str, np.ndarray] = {}
    for family in families:
        block = pd.DataFrame(
            {c: status_values(frame[c]) for c in family.columns}, index=frame.index
        )
        values = block.to_numpy(dtype=float)
        for i, column in enumerate(family.columns):
            if codes.get(column):
                values[np.isin(values[:, i], np.asarray(codes[column], dtype=float)), i] = np.nan
        matrices[family.stem] = values
        add(_status_features(family, values) if family.kind == "status" else [])
        add(_amount_features(family, values) if family.kind == "amount" else [])
    amounts = [f for f in families if f.kind == "amount"]
    for payment in [f for f in amounts if f.role == "payment"]:
        for balance in [f for f in amounts if f.role == "balance"]:
            add(_payment_features(payment, balance, matrices[payment.stem], matrices[balance.stem]))
    if limit is not None:
        cap = frame[limit].to_numpy(dtype=float)
        cap = np.where(cap > 0, cap, np.nan)
        for balance in [f for f in amounts if f.role == "balance"]:
            bills = matrices[balance.stem]
            b, k, cols = balance.stem, balance.months, (*balance.columns, limit)
            with np.errstate(invalid="ignore", divide="ignore"):
                add(
                    [
                        (
                            Built(
                                f"{b}_utilisation",
                                f"latest {b} as a share of {limit}",
                                f"最近一个月「{b}」占「{limit}」的比例（额度使用率）",
                                cols,
                            ),
                            bills[:, 0] / cap,
                        ),
                        (
                            Built(
                                f"{b}_utilisation_mean",
                                f"average {b} over {k} months as a share of {limit}",
                                f"近{k}个月「{b}」均值占「{limit}」的比例",
                                cols,
                            ),
                            _nan_reduce(bills, "mean") / cap,
                        ),
                        (
                            Built(
                                f"{b}_utilisation_max",
                                f"largest {b} in {k} months as a share of {limit}",
                                f"近{k}个月「{b}」最大值占「{limit}」的比例",
                                cols,
                            ),
                            _nan_reduce(bills, "max") / cap,
                        ),
                    ]
                )
    return pd.DataFrame(columns, index=frame.index), meanings


# -- long tables -------------------------------------------------------------------------
def widen_history(
    long: pd.DataFrame,
    *,
    key: str | None = None,
    period: str | None = None,
    months: int | None = None,
) -> pd.DataFrame:
    """A long table (one row per account and month) as one row per account, a family per value.

    ``key`` is the account column and ``period`` the month column; left as None they are
    found by shape: the key is the column whose values repeat most evenly (a few rows per
    account), the period the column that takes a different value on each row of an account.
    Periods may be dates, month numbers or text such as ``2024-03``. Each other column becomes
    ``{column}_1 ... {column}_k``, 1 being the account's latest month (``months`` caps k; the
    default keeps every month the table has). Missing months stay missing.

    >>> long = pd.DataFrame({"acct": [1, 1, 1, 2, 2, 2], "month": [1, 2, 3, 1, 2, 3],
    ...                      "status": [0, 1, 2, 0, 0, 0]})
    >>> widen_history(long, key="acct").reset_index().to_dict("list")
    {'acct': [1, 2], 'status_1': [2, 0], 'status_2': [1, 0], 'status_3': [0, 0]}
    """
    if long.empty:
        raise InputError("the history table has no rows", field="history")
    key = key or _find_key(long)
    if key not in long.columns:
        raise InputError("no such column in the history table", field=key)
    period = period or _find_period(long, key)
    if period not in long.columns:
        raise InputError("no such column in the history table", field=period)
    order = _period_order(long[period])
    values = [c for c in long.columns if c not in (key, period)]
    if not values:
        raise InputError("the history table has no value column beside key and period", field=key)
    frame = long.assign(_order=order)
    if frame.duplicated([key, "_order"]).any():
        example = frame.loc[frame.duplicated([key, "_order"]), key].iloc[0]
        raise InputError(
            f"account {example!r} has two rows for the same period", field=period, record=key
        )
    # lag 1 = the account's latest period: months are counted back from the table's last one
    latest = frame["_order"].max()
    frame["_lag"] = (latest - frame["_order"]).astype(int) + 1
    k = int(frame["_lag"].max()) if months is None else int(months)
    frame = frame[frame["_lag"] <= k]
    wide = frame.pivot(index=key, columns="_lag", values=values)
    wide = wide.reindex(
        columns=pd.MultiIndex.from_product([values, range(1, k + 1)]), fill_value=np.nan
    )
    wide.columns = [f"{value}_{lag}" for value, lag in wide.columns]
    return wide


def _find_key(long: pd.DataFrame) -> str:
    """The account column: repeated values, each account a few rows (not a category)."""
    best, best_score = None, 0.0
    for column in long.columns:
        counts = long[column].value_counts()
        if len(counts) < 2 or counts.max() == 1:
            continue
        # an account column has many values, each repeated a similar, small number of times
        score = len(counts) / len(long) * (counts.min() / counts.max())
        if score > best_score:
            best, best_score = column, score
    if best is None:
        raise InputError(
            "cannot tell the account column of the history table; name it (key=...)",
            field="history",
        )
    return str(best)


def _find_period(long: pd.DataFrame, key: str) -> str:
    """The month column: distinct within every account, and readable as a date or a number."""
    for column in long.columns:
        if column == key:
            continue
        if long.duplicated([key, column]).any():
            continue
        try:
            _period_order(long[column])
        except InputError:
            continue
        return str(column)
    raise InputError(
        "cannot tell the month column of the history table; name it (period=...)", field="history"
    )


def _period_order(values: pd.Series) -> pd.Series:
    """Months as consecutive integers: dates and ``2024-03`` text by calendar, numbers as is."""
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype(float)
        if numbers.isna().any() or not np.all(numbers == np.round(numbers)):
            raise InputError("periods must be whole numbers or dates", field=str(values.name))
        as_int = numbers.astype(np.int64)
        # yyyymm numbers: count months, not hundreds
        if as_int.min() > 190000 and as_int.max() < 210000:
            return (as_int // 100) * 12 + as_int % 100
        return as_int
    dates = pd.to_datetime(values, errors="coerce", format="mixed")
    if dates.isna().any():
        raise InputError("periods must be whole numbers or dates", field=str(values.name))
    return pd.Series(dates.dt.year * 12 + dates.dt.month, index=values.index)
