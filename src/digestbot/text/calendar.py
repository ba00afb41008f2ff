"""Dates written relative to an article ("Friday", "Aug. 7") resolved to absolute days. Pure.

Hand arithmetic rather than `dateparser`: the forms news uses are few, and dateparser cost about
24 ms a call here (a story of 25 articles has dozens of date mentions; the budget is 50 ms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12}
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
MONTH_WORD = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
              r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
DATE_MENTION = re.compile(
    rf"\b(?P<md>{MONTH_WORD}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d))?)\b"
    rf"|\b(?P<dm>(?P<day2>\d{{1,2}})\s+(?P<month2>{MONTH_WORD})(?:\s+(?P<year2>(?:19|20)\d\d))?)\b"
    r"|\b(?P<wd>(?:last |next |this )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b"
    r"|\b(?P<rel>yesterday|today)\b")


@dataclass(frozen=True)
class ResolvedDate:
    day: date
    text: str
    start: int
    end: int


def month_number(word: str) -> int:
    w = word.lower().rstrip(".")
    return _MONTHS.get(w) or _MONTH_ABBR[w]


def _weekday(word: str, base: date, future: bool) -> date:
    parts = word.lower().split()
    target = _WEEKDAYS.index(parts[-1])
    if future or parts[0] == "next":
        ahead = (target - base.weekday()) % 7 or 7
        return base + timedelta(days=ahead)
    back = (base.weekday() - target) % 7  # news says "Friday" for the latest Friday, today included
    return base - timedelta(days=back or (7 if parts[0] == "last" else 0))


def _with_year(month: int, day: int, year: str | None, base: date, future: bool) -> date | None:
    try:
        if year:
            return date(int(year), month, day)
        when = date(base.year, month, day)
    except ValueError:
        return None
    # no year written: the nearest such day before the article (after it for plans)
    if not future and when > base + timedelta(days=7):
        return when.replace(year=base.year - 1)
    if future and when < base - timedelta(days=7):
        return when.replace(year=base.year + 1)
    return when


# Every date mention holds one of these (months start so): a substring test before the pattern,
# which tries its alternatives at every position of a sentence.
_DATE_HINTS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "yesterday", "today",
               "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def resolve_dates(sentence: str, base: date, future: bool = False) -> list[ResolvedDate]:
    """Absolute days of the dates a sentence mentions, read against the article's date `base`."""
    out: list[ResolvedDate] = []
    if not any(hint in sentence for hint in _DATE_HINTS):
        return out
    for m in DATE_MENTION.finditer(sentence):
        if m.group("md"):
            day = _with_year(month_number(m.group(0).split()[0]), int(m.group("day")), m.group("year"), base, future)
        elif m.group("dm"):
            day = _with_year(month_number(m.group("month2")), int(m.group("day2")), m.group("year2"), base, future)
        elif m.group("wd"):
            day = _weekday(m.group("wd"), base, future)
        else:
            day = base - timedelta(days=1) if m.group("rel").lower() == "yesterday" else base
        if day:
            out.append(ResolvedDate(day, m.group(0), m.start(), m.end()))
    return out


def show_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
