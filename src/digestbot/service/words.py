"""Schedules and topics in the words the management replies, the audit log and `config show` use."""

from __future__ import annotations

import re
from datetime import datetime, timezone

_SIMPLE_CRON = re.compile(r"^(\d{1,2}) (\d{1,2}) \* \* (\*|1-5)$")


def describe_schedule(cron: str, zone: str) -> str:
    match = _SIMPLE_CRON.match(cron)
    if match and int(match.group(1)) < 60 and int(match.group(2)) < 24:
        when = "daily" if match.group(3) == "*" else "weekdays"
        return f"{when} at {int(match.group(2)):02d}:{int(match.group(1)):02d} ({zone})"
    return f'cron "{cron}" ({zone})'


def topic_label(topic: str) -> str:
    return "all stories" if topic == "*" else f"/{topic}"


def utc_time(moment: datetime | None) -> str:
    return f"{moment.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC" if moment else "never"
