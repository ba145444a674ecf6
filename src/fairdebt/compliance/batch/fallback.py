"""Batch gate fallback: rows outside the vectorised path go through the scalar gate.

Table rows become attempts, contact records, debtors and consents for those rows only, so the
answers are exactly :func:`fairdebt.compliance.gate.check`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from fairdebt.compliance.attempts import (
    Attempt,
    BreathingSpace,
    Consent,
    ContactRecord,
    Debtor,
    TimeRange,
)
from fairdebt.compliance.batch.tables import I64, B, as_list, text_or_none
from fairdebt.compliance.gate import check
from fairdebt.compliance.packs import Pack
from fairdebt.errors import InputError

__all__ = ["consent_object", "debtor_object", "record_object", "scalar_answers"]


def _date(value: Any) -> dt.date | None:
    if text_or_none(value) is None:
        return None
    day: dt.date = pd.Timestamp(value).date()
    return day


def debtor_object(row: Mapping[str, Any]) -> Debtor:
    kind = text_or_none(row["breathing_space_kind"])
    space = None
    if kind is not None:
        started = _date(row["breathing_space_started_on"])
        if started is None:
            raise InputError("breathing space needs a start", field="breathing_space_started_on")
        space = BreathingSpace(kind, started, _date(row["breathing_space_ended_on"]))
    tcpa = row["tcpa_consent"]
    return Debtor(
        timezone=text_or_none(row["timezone"]),
        possible_timezones=tuple(as_list(row["possible_timezones"])),
        inconvenient_times=tuple(
            TimeRange(dt.time.fromisoformat(a), dt.time.fromisoformat(b))
            for a, b in as_list(row["inconvenient_times"])
        ),
        cease_requested_on=_date(row["cease_requested_on"]),
        attorney_represented=bool(row["attorney_represented"]),
        employer_forbids_calls=bool(row["employer_forbids_calls"]),
        tcpa_consent=None if text_or_none(tcpa) is None else bool(tcpa),
        tcpa_revoked_on=_date(row["tcpa_revoked_on"]),
        breathing_space=space,
        holds=tuple(as_list(row["holds"])),
        unreachable=bool(row["unreachable"]),
        incapacitated=bool(row["incapacitated"]),
    )


def _debts(value: Any) -> tuple[str, ...]:
    text = text_or_none(value)
    return () if text is None else (text,)


def record_object(row: Mapping[str, Any]) -> ContactRecord:
    return ContactRecord(
        at=pd.Timestamp(row["at"]).to_pydatetime(),
        direction=str(row["direction"]),
        channel=str(row["channel"]),
        mode=str(row["mode"]),
        recipient=str(row["recipient"]),
        address=text_or_none(row["address"]),
        debt_ids=_debts(row["debt_id"]),
        by=str(row["by"]),
        outcome=str(row["outcome"]),
    )


def _attempt_object(row: Mapping[str, Any]) -> Attempt:
    collectors = row["collectors"]
    return Attempt(
        at=pd.Timestamp(row["at"]).to_pydatetime(),
        channel=str(row["channel"]),
        mode=str(row["mode"]),
        recipient=str(row["recipient"]),
        address=text_or_none(row["address"]),
        debt_ids=_debts(row["debt_id"]),
        by=str(row["by"]),
        purpose=str(row["purpose"]),
        collectors=None if text_or_none(collectors) is None else int(collectors),
        text=text_or_none(row["text"]),
        address_kind=text_or_none(row["address_kind"]),
        personal_device=bool(row["personal_device"]),
        is_public=bool(row["is_public"]),
        voicemail=bool(row["voicemail"]),
    )


def consent_object(row: Mapping[str, Any]) -> Consent:
    def instant(value: Any) -> dt.datetime | None:
        return None if text_or_none(value) is None else pd.Timestamp(value).to_pydatetime()

    given = instant(row["given_at"])
    if given is None:
        raise InputError("a consent needs given_at", field="given_at")
    return Consent(
        given_at=given,
        to=str(row.get("to") or "collector"),
        channel=text_or_none(row.get("channel")),
        start=instant(row.get("from")),
        end=instant(row.get("to_time")),
        debt_ids=_debts(row.get("debt_id")),
    )


def scalar_answers(
    a: pd.DataFrame,
    h: pd.DataFrame,
    d: pd.DataFrame,
    c: pd.DataFrame,
    slow: I64,
    pack: Pack,
    allowed: B,
    first: npt.NDArray[np.object_],
    next_ns: I64,
) -> None:
    """The rows outside the vectorised path, through the scalar gate (the same answers)."""
    wanted = set(a["debtor_id"].iloc[slow])
    debtors = {
        row["debtor_id"]: debtor_object(row)
        for row in d[d["debtor_id"].isin(wanted)].to_dict("records")
    }
    histories: dict[Any, list[ContactRecord]] = {}
    for row in h[h["debtor_id"].isin(wanted)].to_dict("records"):
        histories.setdefault(row["debtor_id"], []).append(record_object(row))
    consent_map: dict[Any, list[Consent]] = {}
    for row in c[c["debtor_id"].isin(wanted)].to_dict("records"):
        consent_map.setdefault(row["debtor_id"], []).append(consent_object(row))
    records = a.iloc[slow].to_dict("records")
    for position, row in zip(slow, records, strict=True):
        key = row["debtor_id"]
        verdict = check(
            _attempt_object(row),
            histories.get(key, ()),
            debtors.get(key, Debtor()),
            pack,
            consents=consent_map.get(key, ()),
        )
        allowed[position] = verdict.allowed
        first[position] = verdict.first_rule
        if verdict.next_allowed_at is not None:
            next_ns[position] = pd.Timestamp(verdict.next_allowed_at).tz_convert("UTC").value
