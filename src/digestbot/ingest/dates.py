"""Dates as found in inputs, to timezone-aware datetimes (naive means UTC)."""

from __future__ import annotations

import calendar
import time
from datetime import date, datetime, timezone


def aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def parse_datetime(value: object) -> datetime | None:
    """ISO-8601 text (a trailing Z and a bare date accepted), a datetime or a date, to an
    aware datetime; None when it cannot be read or has no UTC equivalent."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _in_utc_range(aware(value))
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return _in_utc_range(aware(datetime.fromisoformat(text)))
    except ValueError:
        return None


def _in_utc_range(value: datetime) -> datetime | None:
    # "0001-01-01T00:00:00+14:00" parses but lies before year 1 in UTC: every later
    # conversion (storage, sorting) would raise OverflowError.
    try:
        value.astimezone(timezone.utc)
    except OverflowError:
        return None
    return value


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's *_parsed fields are UTC struct_times."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None
