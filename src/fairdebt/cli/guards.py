"""Guards against typos on the command line: dates read strictly, future dates and long ranges.

The domain never reads the clock; this edge does, once, in :func:`today`, and passes the date
on. A business date, a cycle date or a payment date more than :data:`FUTURE_DAYS` day after
today is refused unless the command is given ``--allow-future`` (``ledger end-of-day --date
9999-12-31`` would otherwise charge off every loan, and a cycle closed in the future makes
every later normal run need ``--rerun``). A cycle range longer than :data:`LONG_RANGE_DAYS`
days needs ``--yes``. One day of slack covers a lender whose business date is ahead of UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer

from fairdebt.errors import InputError

__all__ = [
    "FIRST_DATE",
    "FUTURE_DAYS",
    "LAST_DATE",
    "LONG_RANGE_DAYS",
    "AllowFutureOption",
    "YesOption",
    "actor_option",
    "read_date",
    "refuse_future",
    "refuse_long_range",
    "today",
]

FUTURE_DAYS = 1
LONG_RANGE_DAYS = 366
# The dates the ledger keeps, even with --allow-future: a year such as 0226 or 9999 is a typo,
# and schedules and day counts near the ends of the calendar overflow it.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
ACTOR_LENGTH = 80  # audit_entry.actor

AllowFutureOption = typer.Option(
    False,
    "--allow-future",
    help="Accept a date more than a day after today (for tests and replays). 允许未来日期。",
)
YesOption = typer.Option(
    False, "--yes", help="Confirm a range longer than a year. 确认超过一年的日期范围。"
)


def _actor(value: str) -> str:
    text = value.strip()
    if not text or len(text) > ACTOR_LENGTH:
        raise typer.BadParameter(
            f"must be 1 to {ACTOR_LENGTH} characters (got {len(text)})  操作人长度不符"
        )
    return text


def actor_option(default: str, help_text: str) -> Any:
    """The ``--actor`` option of a command that writes to the audit log, checked for length."""
    return typer.Option(default, "--actor", help=help_text, callback=_actor)


def today() -> dt.date:
    """Today's date in UTC: the one place a command asks the clock for a date."""
    return dt.datetime.now(dt.UTC).date()


def read_date(value: str, option: str) -> dt.date:
    """A date written YYYY-MM-DD (and nothing else), or an error naming the option.

    >>> read_date("2026-03-01", "--date")
    datetime.date(2026, 3, 1)
    >>> read_date("2026-02-30", "--date")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fairdebt.errors.InputError: field --date: must be a date YYYY-MM-DD (got '2026-02-30')...
    """
    text = value.strip()
    try:
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"must be a date YYYY-MM-DD (got {value[:40]!r}); 日期格式应为 YYYY-MM-DD",
            field=option,
        ) from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise InputError(
            f"{day} is outside {FIRST_DATE} to {LAST_DATE} (a typo?)  日期超出范围", field=option
        )
    return day


def refuse_future(day: dt.date, option: str, *, today: dt.date, allow_future: bool) -> None:
    """Refuse ``day`` if it is more than :data:`FUTURE_DAYS` after ``today``, unless allowed.

    >>> today = dt.date(2026, 3, 1)
    >>> refuse_future(dt.date(2026, 3, 2), "--date", today=today, allow_future=False)
    >>> refuse_future(dt.date(2026, 3, 3), "--date", today=today, allow_future=False)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fairdebt.errors.InputError: field --date: 2026-03-03 is in the future (today is 2026-03-01)...
    """
    if allow_future or (day - today).days <= FUTURE_DAYS:
        return
    raise InputError(
        f"{day} is in the future (today is {today}); pass --allow-future if that is meant  "
        "日期在未来",
        field=option,
    )


def refuse_long_range(start: dt.date, end: dt.date, *, yes: bool) -> None:
    """Refuse a range of more than :data:`LONG_RANGE_DAYS` dates unless confirmed with --yes.

    >>> refuse_long_range(dt.date(2025, 1, 1), dt.date(2025, 12, 31), yes=False)
    >>> refuse_long_range(dt.date(2020, 1, 1), dt.date(2025, 12, 31), yes=False)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    fairdebt.errors.InputError: field --to: 2020-01-01 to 2025-12-31 is 2192 dates, more than a...
    """
    days = (end - start).days + 1
    if yes or days <= LONG_RANGE_DAYS:
        return
    raise InputError(
        f"{start} to {end} is {days} dates, more than a year; pass --yes if that is meant  "
        "日期范围超过一年",
        field="--to",
    )
