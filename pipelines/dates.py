"""Parse the date strings that pages, feeds and sitemaps carry into aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime


def parse_datetime(value: str | None) -> datetime | None:
    """An aware datetime from ISO 8601 or RFC 822 text, or None when it cannot be read.

    A value without an offset is taken as UTC (what sitemaps and most CMSs mean by it).
    """
    value = (value or "").strip()
    if not value:
        return None
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def offset_of(value: datetime) -> str:
    """The UTC offset of an aware datetime as ``+HH:MM``."""
    delta = value.utcoffset() or timedelta(0)
    sign = "-" if delta < timedelta(0) else "+"
    minutes = abs(int(delta.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def is_future(value: datetime, now: datetime | None = None, slack: timedelta = timedelta(hours=1)) -> bool:
    """True for a date after now (plus slack for clock skew): such dates are rejected."""
    return value > (now or datetime.now(UTC)) + slack


_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d|\b(GMT|UTC|UT|[ECMP][SD]T))\s*$", re.IGNORECASE)


def declares_offset(value: str | None) -> bool:
    """True when a date string carries its own UTC offset or zone name."""
    return bool(_OFFSET.search((value or "").strip()))


_TIME = re.compile(r"\d[T ]?\d{1,2}:\d\d|T\d{2}")


def has_time_of_day(value: str | None) -> bool:
    """True when a date string gives a time of day, not only the calendar day."""
    return bool(_TIME.search(value or ""))


def same_wall_clock(naive: datetime, aware: datetime, within: timedelta = timedelta(seconds=60)) -> bool:
    """True when an offset-less reading and an aware one show the same local date and time."""
    return abs(naive.replace(tzinfo=None) - aware.replace(tzinfo=None)) <= within
