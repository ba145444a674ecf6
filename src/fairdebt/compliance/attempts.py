"""What the gate is asked about: a contact attempt, the contact history, the debtor and consents.

Plain frozen dataclasses, so the gate stays pure and an HTTP endpoint is a thin wrapper: each
type has ``from_json`` (a parsed JSON mapping in, an :class:`~fairdebt.errors.InputError` naming
the field out when it is malformed) used by the CLI and, later, the web layer. Missing optional
fields mean "not known" or "none"; unknown fields are ignored. Times carry offsets (aware
datetimes); dates are business dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fairdebt.errors import InputError

__all__ = [
    "CHANNELS",
    "MODES",
    "OUTCOMES",
    "PURPOSES",
    "RECIPIENTS",
    "Attempt",
    "BreathingSpace",
    "Consent",
    "ContactRecord",
    "Debtor",
    "TimeRange",
    "case_from_json",
]

CHANNELS = frozenset({"call", "sms", "email", "app_push", "letter", "visit", "social"})
# Times and dates a case may carry (the gate counts days and weeks either side of them).
FIRST_YEAR, LAST_YEAR = 1900, 2199
MODES = frozenset({"agent", "robot"})
# address_book and third_party extend the list: a bulk message to the borrower's phone
# contacts, and any other person (a neighbour, a relative who is not a designated contact).
RECIPIENTS = frozenset(
    {"debtor", "spouse", "contact", "employer", "attorney", "third_party", "address_book"}
)
OUTCOMES = frozenset(
    {
        "connected",
        "conversation",
        "no_answer",
        "voicemail",
        "busy",
        "failed",
        "delivered",
        "stop_reply",
        "refused_further_contact",
        "offered_to_repay",
    }
)
# ending_collection and remedy_notice are the 12 CFR 1006.6(c)(2) exceptions to a cease request;
# location is a 1006.10 location-information contact; enter_premises asks to enter a home or
# office during a visit; repayment_info answers a contact who offered to repay.
PURPOSES = frozenset(
    {
        "collection",
        "opt_out_confirmation",
        "reply",
        "location",
        "ending_collection",
        "remedy_notice",
        "enter_premises",
        "repayment_info",
    }
)


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A daily local-time range ``[start, end)``; it wraps past midnight when end <= start."""

    start: dt.time
    end: dt.time

    def covers(self, moment: dt.time) -> bool:
        """Whether a local wall-clock time falls inside the range.

        >>> TimeRange(dt.time(22), dt.time(6)).covers(dt.time(23, 30))
        True
        """
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True, slots=True)
class BreathingSpace:
    """A UK Debt Respite Scheme moratorium: ``standard`` or ``mental_health_crisis``."""

    kind: str
    started_on: dt.date
    treatment_ended_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Debtor:
    """What the gate knows about the person owing the debt; None means not known."""

    timezone: str | None = None
    possible_timezones: tuple[str, ...] = ()
    inconvenient_times: tuple[TimeRange, ...] = ()
    cease_requested_on: dt.date | None = None
    attorney_represented: bool = False
    employer_forbids_calls: bool = False
    tcpa_consent: bool | None = None
    tcpa_revoked_on: dt.date | None = None
    breathing_space: BreathingSpace | None = None
    holds: tuple[str, ...] = ()
    # Shown unreachable, dead or without civil capacity by the lender's own process (GB/T
    # 45251-2025 lets designated contacts be reached only then); history can also show it.
    unreachable: bool = False
    incapacitated: bool = False


@dataclass(frozen=True, slots=True)
class Consent:
    """A time-stamped agreement of the debtor: to whom, for which channel, times and debts."""

    given_at: dt.datetime
    to: str = "collector"  # collector | creditor
    channel: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    debt_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """One past contact event with this person, by the lender, an agency or a robot."""

    at: dt.datetime
    direction: str = "outbound"
    channel: str = "call"
    mode: str = "agent"
    recipient: str = "debtor"
    address: str | None = None
    debt_ids: tuple[str, ...] = ()
    by: str = "lender"
    outcome: str = "delivered"


@dataclass(frozen=True, slots=True)
class Attempt:
    """The contact the caller wants to make."""

    at: dt.datetime
    channel: str
    mode: str = "agent"
    recipient: str = "debtor"
    address: str | None = None
    debt_ids: tuple[str, ...] = ()
    by: str = "lender"
    purpose: str = "collection"
    collectors: int | None = None
    text: str | None = None
    address_kind: str | None = None  # home | work | mobile
    personal_device: bool = False
    is_public: bool = False
    voicemail: bool = False  # the text is a message left on a voicemail or answering machine
    facts: Mapping[str, Any] = field(default_factory=dict)


# --- JSON ------------------------------------------------------------------------------------


class _Reader:
    """Typed access to one JSON object, raising InputError that names the dotted field."""

    def __init__(self, data: Any, where: str, record: str | None) -> None:
        if not isinstance(data, Mapping):
            raise InputError(
                f"expected an object (got {type(data).__name__})",
                record=record,
                field=where or None,
            )
        self.data, self.where, self.record = data, where, record

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _fail(self, key: str, message: str) -> InputError:
        return InputError(message, record=self.record, field=self._name(key))

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def text(
        self,
        key: str,
        default: str | None = None,
        *,
        choices: frozenset[str] | None = None,
        required: bool = False,
    ) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self._fail(key, "is required")
            return default
        if not isinstance(value, str):
            raise self._fail(key, f"expected a string (got {value!r})")
        if choices is not None and value not in choices:
            raise self._fail(key, f"expected one of {sorted(choices)} (got {value!r})")
        return value

    def flag(self, key: str, default: bool | None = False) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self._fail(key, f"expected true or false (got {value!r})")
        return value

    def instant(self, key: str, *, required: bool = False) -> dt.datetime | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self._fail(key, "is required")
            return None
        try:
            moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None:
            raise self._fail(key, f"expected an ISO-8601 date-time with offset (got {value!r})")
        if moment.tzinfo is None:
            raise self._fail(key, f"time must carry an offset (got {value!r})")
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            # the gate counts days and weeks either side: year 1 or 9999 runs off the calendar
            raise self._fail(key, f"the year must be {FIRST_YEAR} to {LAST_YEAR} (got {value!r})")
        return moment

    def moment(self, key: str) -> dt.datetime:
        """A required aware instant."""
        value = self.instant(key, required=True)
        assert value is not None  # instant(required=True) raises instead of returning None
        return value

    def day(self, key: str) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            return None
        try:
            day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) else _bad()
        except ValueError:
            raise self._fail(key, f"expected an ISO-8601 date (got {value!r})") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise self._fail(key, f"the year must be {FIRST_YEAR} to {LAST_YEAR} (got {value!r})")
        return day

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(key, f"expected a list of strings (got {value!r})")
        return tuple(value)

    def objects(self, key: str) -> list[_Reader]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, f"expected a list (got {type(value).__name__})")
        return [
            _Reader(item, f"{self._name(key)}[{i}]", self.record) for i, item in enumerate(value)
        ]

    def child(self, key: str) -> _Reader | None:
        value = self.data.get(key)
        return None if value is None else _Reader(value, self._name(key), self.record)

    def clock(self, key: str) -> dt.time:
        value = self.data.get(key)
        try:
            return dt.time.fromisoformat(value) if isinstance(value, str) else _bad()
        except ValueError:
            raise self._fail(key, f"expected a local time HH:MM (got {value!r})") from None

    def count(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self._fail(key, f"expected a whole number >= 0 (got {value!r})")
        return value


def _bad() -> Any:
    raise ValueError("wrong type")


def _zone(reader: _Reader, key: str, value: str) -> str:
    from fairdebt.compliance.rules.clock import zone

    try:
        zone(value)
    except Exception:
        raise reader._fail(key, f"unknown time zone {value!r}") from None
    return value


def _debtor(reader: _Reader | None) -> Debtor:
    if reader is None:
        return Debtor()
    timezone = reader.text("timezone")
    possible = reader.strings("possible_timezones")
    space = reader.child("breathing_space")
    holds: list[str] = []
    raw_holds = reader.raw("holds")
    if raw_holds is not None and not isinstance(raw_holds, list):
        raise reader._fail("holds", f"expected a list of hold kinds (got {raw_holds!r})")
    for i, item in enumerate(raw_holds or []):
        if isinstance(item, str):
            holds.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("kind"), str):
            holds.append(item["kind"])
        else:
            raise reader._fail(f"holds[{i}]", f"expected a hold kind (got {item!r})")
    return Debtor(
        timezone=None if timezone is None else _zone(reader, "timezone", timezone),
        possible_timezones=tuple(
            _zone(reader, f"possible_timezones[{i}]", z) for i, z in enumerate(possible)
        ),
        inconvenient_times=tuple(
            TimeRange(item.clock("from"), item.clock("to"))
            for item in reader.objects("inconvenient_times")
        ),
        cease_requested_on=reader.day("cease_requested_on"),
        attorney_represented=bool(reader.flag("attorney_represented")),
        employer_forbids_calls=bool(reader.flag("employer_forbids_calls")),
        tcpa_consent=reader.flag("tcpa_consent", None),
        tcpa_revoked_on=reader.day("tcpa_revoked_on"),
        breathing_space=None
        if space is None
        else BreathingSpace(
            kind=str(
                space.text(
                    "kind", required=True, choices=frozenset({"standard", "mental_health_crisis"})
                )
            ),
            started_on=_required_day(space, "started_on"),
            treatment_ended_on=space.day("treatment_ended_on"),
        ),
        holds=tuple(holds),
        unreachable=bool(reader.flag("unreachable")),
        incapacitated=bool(reader.flag("incapacitated")),
    )


def _required_day(reader: _Reader, key: str) -> dt.date:
    value = reader.day(key)
    if value is None:
        raise reader._fail(key, "is required")
    return value


def _consent(reader: _Reader) -> Consent:
    return Consent(
        given_at=reader.moment("given_at"),
        to=str(reader.text("to", "collector", choices=frozenset({"collector", "creditor"}))),
        channel=reader.text("channel", choices=CHANNELS),
        start=reader.instant("from"),
        end=reader.instant("to_time"),
        debt_ids=reader.strings("debt_ids"),
    )


def _record(reader: _Reader) -> ContactRecord:
    return ContactRecord(
        at=reader.moment("at"),
        direction=str(
            reader.text("direction", "outbound", choices=frozenset({"outbound", "inbound"}))
        ),
        channel=str(reader.text("channel", "call", choices=CHANNELS)),
        mode=str(reader.text("mode", "agent", choices=MODES)),
        recipient=str(reader.text("recipient", "debtor", choices=RECIPIENTS)),
        address=reader.text("address"),
        debt_ids=reader.strings("debt_ids"),
        by=str(reader.text("by", "lender")),
        outcome=str(reader.text("outcome", "delivered", choices=OUTCOMES)),
    )


def _attempt(reader: _Reader) -> Attempt:
    facts = reader.raw("facts")
    if facts is not None and not isinstance(facts, Mapping):
        raise reader._fail("facts", "expected an object")
    text = reader.text("text")
    return Attempt(
        at=reader.moment("at"),
        channel=str(reader.text("channel", required=True, choices=CHANNELS)),
        mode=str(reader.text("mode", "agent", choices=MODES)),
        recipient=str(reader.text("recipient", "debtor", choices=RECIPIENTS)),
        address=reader.text("address"),
        debt_ids=reader.strings("debt_ids"),
        by=str(reader.text("by", "lender")),
        purpose=str(reader.text("purpose", "collection", choices=PURPOSES)),
        collectors=reader.count("collectors"),
        text=text,
        address_kind=reader.text("address_kind", choices=frozenset({"home", "work", "mobile"})),
        personal_device=bool(reader.flag("personal_device")),
        is_public=bool(reader.flag("is_public")),
        voicemail=bool(reader.flag("voicemail")),
        facts=dict(facts or {}),
    )


def case_from_json(
    data: Any, *, record: str | None = None
) -> tuple[Attempt, tuple[ContactRecord, ...], Debtor, tuple[Consent, ...]]:
    """Parse one CLI/HTTP input object into ``(attempt, history, debtor, consents)``.

    Raises InputError naming the dotted field (``history[2].at``) when a value is malformed.
    """
    reader = _Reader(data, "", record)
    attempt_reader = reader.child("attempt")
    if attempt_reader is None:
        raise InputError("is required", record=record, field="attempt")
    return (
        _attempt(attempt_reader),
        tuple(_record(item) for item in reader.objects("history")),
        _debtor(reader.child("debtor")),
        tuple(_consent(item) for item in reader.objects("consents")),
    )
