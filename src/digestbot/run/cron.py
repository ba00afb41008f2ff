"""Cron arithmetic without APScheduler: standard weekday numbers in APScheduler's terms, the
latest fire time of a trigger, and the name of a digest period. Pure functions; the triggers
themselves are made in `run/scheduling.py`, the only module that imports APScheduler."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol


class Trigger(Protocol):
    """What these functions need of a trigger (APScheduler's CronTrigger has it)."""

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None: ...


_WEEKDAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def standard_weekdays(field: str) -> str:
    """Standard cron numbers weekdays from Sunday = 0 (or 7); APScheduler 3 from Monday = 0.

    Numbers are translated to names so `1-5` means Monday to Friday, as everywhere else.
    """
    if field == "*" or not any(ch.isdigit() for ch in field):
        return field
    days: set[int] = set()
    for item in field.split(","):
        span, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first_text, last_text = span.split("-", 1)
            first, last = _weekday_number(first_text), _weekday_number(last_text)
        else:
            first = last = _weekday_number(span)
            if step_text:
                last = 6
        if last < first:
            last += 7
        days.update(d % 7 for d in range(first, last + 1, step))
    return ",".join(_WEEKDAY_NAMES[d] for d in sorted(days))


def _weekday_number(text: str) -> int:
    text = text.strip().lower()
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text) % 7 if int(text) != 7 else 7
    if text[:3] in _WEEKDAY_NAMES:
        return _WEEKDAY_NAMES.index(text[:3])
    raise ValueError(f"unknown weekday {text!r}")


def latest_fire_time(trigger: Trigger, now: datetime, lookback: timedelta) -> datetime | None:
    """The last time the trigger fired at or before `now`, looking back at most `lookback`.

    Trigger arithmetic walks forward from the start of the window: it handles DST because
    CronTrigger computes wall-clock times in the trigger's zone.
    """
    # Compare in UTC: Python compares datetimes sharing a tzinfo by wall time, ignoring DST folds.
    now = now.astimezone(timezone.utc)
    fire = trigger.get_next_fire_time(None, now - lookback)
    latest = None
    while fire is not None and fire.astimezone(timezone.utc) <= now:
        latest = fire
        fire = _next_fire_after(trigger, fire)
    return latest


def _next_fire_after(trigger: Trigger, fire: datetime) -> datetime | None:
    # On the autumn DST change APScheduler 3 can answer the same folded wall time again;
    # step further past it in UTC until time moves on.
    after = fire.astimezone(timezone.utc)
    for minutes in (1, 61, 121):
        following = trigger.get_next_fire_time(None, after + timedelta(minutes=minutes))
        if following is None or following.astimezone(timezone.utc) > after:
            return following
    return None


def period_key(fire_time: datetime) -> str:
    """A digest period is named by its scheduled wall-clock time in the destination's zone.

    Local time, not UTC: on the autumn DST change 01:30 happens twice, and both are one period.
    """
    return fire_time.strftime("%Y-%m-%dT%H:%M")

