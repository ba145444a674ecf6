"""The columnar gate agrees with the scalar gate, row for row, on random portfolios."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pandas as pd
import pytest

from fairdebt.compliance.attempts import Attempt, BreathingSpace, ContactRecord, Debtor
from fairdebt.compliance.batch import check_batch
from fairdebt.compliance.gate import check
from fairdebt.compliance.packs import get_pack

ZONES = [
    "Asia/Shanghai",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    None,
]
BASE = dt.datetime(2025, 6, 10, 0, 0, tzinfo=dt.UTC)


def _debtor(rng: random.Random) -> dict[str, Any]:
    def maybe(p: float) -> bool:
        return rng.random() < p

    return {
        "timezone": rng.choice(ZONES),
        "holds": ["complaint"] if maybe(0.05) else [],
        "cease_requested_on": "2025-06-08" if maybe(0.05) else None,
        "attorney_represented": maybe(0.03),
        "employer_forbids_calls": maybe(0.1),
        "tcpa_consent": rng.choice([True, True, None, False]),
        "tcpa_revoked_on": "2025-06-09" if maybe(0.05) else None,
        "breathing_space_kind": rng.choice([None] * 8 + ["standard", "mental_health_crisis"]),
        "breathing_space_started_on": "2025-05-01",
        "breathing_space_ended_on": rng.choice([None, "2025-05-20"]),
        "possible_timezones": ["America/Denver"] if maybe(0.05) else [],
    }


def _event(rng: random.Random, at: dt.datetime) -> dict[str, Any]:
    return {
        "at": at - dt.timedelta(minutes=rng.randrange(0, 8 * 24 * 60)),
        "direction": rng.choice(["outbound"] * 5 + ["inbound"]),
        "channel": rng.choice(["call"] * 5 + ["sms", "email"]),
        "mode": rng.choice(["agent", "robot"]),
        "recipient": rng.choice(["debtor"] * 8 + ["spouse"]),
        "address": rng.choice(["+1", "+2"]),
        "debt_id": rng.choice(["A", "B", None]),
        "by": rng.choice(["lender", "agency:A"]),
        "outcome": rng.choice(
            ["connected", "conversation", "no_answer", "voicemail", "busy", "failed"] * 3
            + ["delivered", "stop_reply"]
        ),
    }


def _attempt(rng: random.Random) -> dict[str, Any]:
    return {
        "at": BASE + dt.timedelta(minutes=rng.randrange(0, 3 * 24 * 60)),
        "channel": rng.choice(["call"] * 6 + ["sms", "sms", "email", "visit", "letter"]),
        "mode": rng.choice(["agent", "robot"]),
        "recipient": rng.choice(["debtor"] * 12 + ["spouse", "contact"]),
        "address": rng.choice(["+1", "+2"]),
        "debt_id": rng.choice(["A", "B", None]),
        "by": rng.choice(["lender", "agency:A"]),
        "purpose": rng.choice(["collection"] * 12 + ["reply"]),
        "collectors": rng.choice([None, 1, 2]),
        "address_kind": rng.choice([None, "work", "home"]),
        "is_public": rng.random() < 0.02,
    }


Portfolio = tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]


def _portfolio(seed: int, n: int) -> Portfolio:
    rng = random.Random(seed)
    debtors, history, attempts = [], [], []
    for i in range(n):
        debtors.append({"debtor_id": i, **_debtor(rng)})
        attempt = {"debtor_id": i, **_attempt(rng)}
        attempts.append(attempt)
        burst = rng.random() < 0.3
        for _ in range(rng.randrange(0, 25 if burst else 8)):
            event = {"debtor_id": i, **_event(rng, attempt["at"] + dt.timedelta(hours=6))}
            if burst:
                event["at"] = attempt["at"] - dt.timedelta(minutes=rng.randrange(0, 600))
            history.append(event)
    return attempts, history, debtors


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(records)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame


def _scalar(row: dict[str, Any], events: list[dict[str, Any]], debtor: dict[str, Any]) -> Any:
    def date(value: Any) -> dt.date | None:
        return None if value is None else dt.date.fromisoformat(value)

    space = None
    if debtor["breathing_space_kind"]:
        space = BreathingSpace(
            debtor["breathing_space_kind"],
            dt.date.fromisoformat(debtor["breathing_space_started_on"]),
            date(debtor["breathing_space_ended_on"]),
        )
    person = Debtor(
        timezone=debtor["timezone"],
        possible_timezones=tuple(debtor["possible_timezones"]),
        holds=tuple(debtor["holds"]),
        cease_requested_on=date(debtor["cease_requested_on"]),
        attorney_represented=debtor["attorney_represented"],
        employer_forbids_calls=debtor["employer_forbids_calls"],
        tcpa_consent=debtor["tcpa_consent"],
        tcpa_revoked_on=date(debtor["tcpa_revoked_on"]),
        breathing_space=space,
    )
    attempt = Attempt(
        at=row["at"],
        channel=row["channel"],
        mode=row["mode"],
        recipient=row["recipient"],
        address=row["address"],
        debt_ids=() if row["debt_id"] is None else (row["debt_id"],),
        by=row["by"],
        purpose=row["purpose"],
        collectors=row["collectors"],
        address_kind=row["address_kind"],
        is_public=bool(row["is_public"]),
    )
    history = [
        ContactRecord(
            at=e["at"],
            direction=e["direction"],
            channel=e["channel"],
            mode=e["mode"],
            recipient=e["recipient"],
            address=e["address"],
            debt_ids=() if e["debt_id"] is None else (e["debt_id"],),
            by=e["by"],
            outcome=e["outcome"],
        )
        for e in events
    ]
    return attempt, history, person


SEEDS = {"cn": 1, "us": 2, "us-ma": 3, "uk": 4, "cn-strict": 5}


@pytest.mark.parametrize("pack_id", ["cn", "us", "us-ma", "uk", "cn-strict"])
def test_batch_answers_equal_the_scalar_gate_row_for_row(pack_id: str) -> None:
    pack = (
        get_pack("cn").adjust(params={"cn_min_days_between_collections": 2, "texts_per_day": 2})
        if pack_id == "cn-strict"
        else get_pack(pack_id)
    )
    attempts, history, debtors = _portfolio(seed=SEEDS[pack_id], n=250)
    answers = check_batch(_frame(attempts), _frame(history), pd.DataFrame(debtors), pack)
    events: dict[int, list[dict[str, Any]]] = {}
    for event in history:
        events.setdefault(event["debtor_id"], []).append(event)
    mismatches = []
    for i, row in enumerate(attempts):
        attempt, past, person = _scalar(row, events.get(i, []), debtors[i])
        verdict = check(attempt, past, person, pack)
        got = {name: answers[name].iloc[i] for name in answers.columns}
        want_next = (
            pd.NaT
            if verdict.next_allowed_at is None
            else pd.Timestamp(verdict.next_allowed_at).tz_convert("UTC")
        )
        same_next = (pd.isna(got["next_allowed_at"]) and pd.isna(want_next)) or (
            got["next_allowed_at"] == want_next
        )
        if (
            got["allowed"] != verdict.allowed
            or got["first_rule"] != verdict.first_rule
            or not same_next
        ):
            mismatches.append((i, dict(got), verdict.allowed, verdict.first_rule, want_next))
    assert not mismatches, mismatches[:5]
    assert (~answers["allowed"]).sum() > 20 and answers["allowed"].sum() > 20


def test_pyarrow_tables_are_accepted_and_answers_keep_the_attempt_ids() -> None:
    import pyarrow as pa

    attempts = pd.DataFrame(
        {
            "id": ["late", "fine"],
            "debtor_id": [1, 2],
            "at": pd.to_datetime(["2025-06-10T14:30:00Z", "2025-06-10T02:00:00Z"], utc=True),
            "channel": ["call", "call"],
        }
    )
    debtors = pd.DataFrame({"debtor_id": [1, 2], "timezone": ["Asia/Shanghai"] * 2})
    answers = check_batch(pa.Table.from_pandas(attempts), None, pa.Table.from_pandas(debtors))
    assert answers["id"].tolist() == ["late", "fine"]
    assert answers["allowed"].tolist() == [False, True]
    assert answers["first_rule"].iloc[0] == "cn.hours.quiet"
    assert answers["next_allowed_at"].iloc[0] == pd.Timestamp("2025-06-11T00:00:00Z")


def test_an_unknown_channel_in_a_table_is_an_input_error_naming_the_column() -> None:
    from fairdebt.errors import InputError

    attempts = pd.DataFrame(
        {"debtor_id": [1], "at": pd.to_datetime(["2025-06-10T02:00:00Z"]), "channel": ["fax"]}
    )
    with pytest.raises(InputError, match="channel"):
        check_batch(attempts)
