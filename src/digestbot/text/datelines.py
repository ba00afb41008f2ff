"""A wire dateline beside the sentence that needs it: "here", "today" and "this city" say where
and which day only with it ("HARARE, September 17: The summit here this evening adopted ...").
Cleaning takes the dateline off the text (`cleaning.split_dateline`); a wire may date its copy the
day after it, so the dateline's day is the report's "today". Pure."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .calendar import MONTH_WORD, month_number


def place_and_day(dateline: str | None) -> str:
    """ "HARARE, September 17 (Xinhua)" -> "HARARE, September 17"; "" without a dateline."""
    return _AGENCY.sub("", dateline or "").strip(" ,")


def place_of(dateline: str | None) -> str:
    """ "HARARE, September 17 (Xinhua)" -> "HARARE"; "TRENTON, N.J. (AP)" -> "TRENTON, N.J."."""
    label = place_and_day(dateline)
    day = _DATELINE_DAY.search(label)
    return label[: day.start()].rstrip(" ,") if day else label


def needs_place(text: str) -> bool:
    """A sentence saying "here", "this city" or "state officials": where, only its dateline says."""
    return bool(_HERE.search(text) or says_this_place(text) or _UNNAMED_POLITY.search(text))


def needs_dateline(text: str) -> bool:
    """A sentence saying where (`needs_place`) or which day ("today") only its dateline says."""
    return needs_place(text) or _TODAY.search(text) is not None


def dated(day: str, text: str, dateline: str | None) -> str:
    """A line under its date, with its dateline's place when it says "here" ("23 Nov 1999, MACAU:
    a Portuguese court here convicted ..."): its day is resolved already, its place is not."""
    place = place_of(dateline) if needs_place(text) else ""
    return f"{day}, {place}: {text}" if place else f"{day}: {text}"


def with_dateline(text: str, place: str) -> str:
    """A sentence that needs its dateline opens with it, which says where and which day
    ("HARARE, September 17: The summit here this evening adopted ..."): cleaning took it off, and
    the report's date can be the day after."""
    return f"{place}: {text}" if place and needs_dateline(text) else text


def says_this_place(text: str) -> bool:
    """ "this city's heart", "this mostly white town": which one, only a dateline says."""
    return _THIS_PLACE.search(text) is not None


_AGENCY = re.compile(r"\s*\([^()]*\)\s*$")  # "(Xinhua)", "(AP)"
_HERE = re.compile(r"\bhere\b", re.I)
_TODAY = re.compile(r"\b(?:today|tonight|yesterday|tomorrow|this (?:morning|afternoon|evening))\b", re.I)
# "state officials said", "statewide", "the state's seat belt law", "cleared a hurdle in Parliament":
# which state or country, often only the dateline says
_UNNAMED_POLITY = re.compile(r"\b(?:state(?:'s|\u2019s)?\s+(?:[a-z]+\s+)?officials|statewide|the state(?:'s|\u2019s)?(?!\s+of\b)"
                             r"|(?:in|the|of|to|by)\s+[Pp]arliament)\b")
_THIS_PLACE = re.compile(r"\bthis\s+(?:[a-z-]+\s+){0,2}(?:city|town|village|country|capital|island|state|nation|region|province)\b",
                         re.I)


_DATELINE_DAY = re.compile(rf"\b({MONTH_WORD})\s+(\d{{1,2}})\b")
# a wire files on its dateline's day and may date its copy the next (Xinhua: 280 of 603 articles);
# a dateline further off is a slip, and the article's date is the better guess
WIRE_LAG = timedelta(days=1)


def dateline_day(dateline: str | None, published: date) -> date | None:
    """The day a wire dateline names ("HARARE, September 17 (Xinhua)" -> 17 Sep) when it is the
    article's date or the day before; None without one, or when it names another day."""
    m = _DATELINE_DAY.search(dateline) if dateline else None
    if m is None:
        return None
    for year in (published.year, published.year - 1):  # a 31 Dec dateline on a 1 Jan article
        try:
            day = date(year, month_number(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
        if timedelta(0) <= published - day <= WIRE_LAG:
            return day
    return None
