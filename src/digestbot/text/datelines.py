"""Wire datelines: read off a report's first paragraph and kept beside its text
("HARARE, September 17 (Xinhua) -- The summit ..."), their place and day, and the sentences that
need one: "here", "today", "this city" say where and which day only with it ("HARARE, September
17: The summit here this evening adopted ..."). A wire may date its copy the day after its
dateline, so the dateline's day is the report's "today". Pure."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .calendar import MONTH_WORD, month_number


# A leading dateline: "LONDON, England (Reuters) -- ", "(CNN) -- ", "WASHINGTON (AP) _ ",
# "BEIJING, Jan. 5 (Xinhua) -- ", "NEW YORK -- ", "COEUR d'ALENE, Idaho _ ", "Andrews, N.C. _ "
# (wires write "_" for a dash).
_DASH = r"(?:--|—|–|-|_)"
_PLACE = r"(?:(?!(?:The|A|An|In|On|At)\b)[A-Z][\w.'’-]*(?:[ ,]+\(?[A-Z0-9][\w.'’-]*\)?){0,7},?\s*)?"
_SOURCE = r"\((?:(?i:xinhua)|[A-Z][\w&-]*\.com|[A-Z][\w&.-]{1,15}(?: (?:[A-Z][\w&.-]*|\+|&)){0,3})\)"
_CAPS_WORD = r"(?:[A-Z][A-Z.'’-]+|[a-z]{1,3}['’][A-Z]+)"
_CAPS_PLACE = _CAPS_WORD + r"(?: " + _CAPS_WORD + r"){0,3}(?:, [A-Z][\w.'’-]*(?: [A-Z0-9][\w.'’-]*){0,2})?"
# a newspaper's dateline in title case, "Andrews, N.C. _ ": only with the wires' underscore dash
_TITLE_PLACE = r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}, [A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}"
_DATELINE = re.compile(
    r"^" + _PLACE + _SOURCE + r"\s*" + _DASH + r"\s*"
    r"|^" + _PLACE + r"\((?:CNN|Reuters|AP|AFP|Xinhua|Yonhap)\)\s*"
    r"|^" + _CAPS_PLACE + r"\s(?:--|—|–|_)(?:\s|$)"
    r"|^" + _TITLE_PLACE + r"\s_\s"
    r"|^\(?CNN\)\s*(?:--|—|–)?\s*"
)

_DATELINE_MARKS = ("(", ")", "--", "—", "–", "_")  # every dateline form has one of these
_DATELINE_REACH = 160  # characters from the start a dateline can end within


def strip_dateline(paragraph: str) -> str:
    """The paragraph without a leading wire dateline ("WASHINGTON (AP) _ ", "(CNN) -- ")."""
    return split_dateline(paragraph)[1]


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """(the leading wire dateline without its dash, or None; the paragraph after it):
    "HARARE, September 17 (Xinhua) -- The summit ..." -> ("HARARE, September 17 (Xinhua)", "The summit ...")."""
    undated = _UNDATED.match(paragraph)
    if undated:  # a newspaper's mark for a story filed from no one place: no place to keep
        return None, paragraph[undated.end():].strip()
    # Most sentences have no mark near their start: no dateline pattern to run. Every form of
    # the pattern is anchored at the start, so a match there is the only one.
    marked = any(map(paragraph[:_DATELINE_REACH].__contains__, _DATELINE_MARKS))
    dateline = _DATELINE.match(paragraph) if marked else None
    rest = (paragraph[dateline.end():] if dateline else paragraph).strip()
    rest = rest[0].upper() + rest[1:] if rest[:1].islower() else rest
    said = _TRAILING_DASH.sub("", dateline.group(0)).strip(" ,") if dateline else ""
    return said or None, rest


_TRAILING_DASH = re.compile(rf"\s*{_DASH}?\s*$")
_UNDATED = re.compile(rf"UNDATED\s*(?::|{_DASH})\s+")


def place_and_day(dateline: str | None) -> str:
    """ "HARARE, September 17 (Xinhua)" -> "HARARE, September 17"; "" without a dateline."""
    return _AGENCY.sub("", dateline or "").strip(" ,")


def place_of(dateline: str | None) -> str:
    """ "HARARE, September 17 (Xinhua)" -> "HARARE"; "TRENTON, N.J. (AP)" -> "TRENTON, N.J."."""
    label = place_and_day(dateline)
    day = _DATELINE_DAY.search(label)
    return label[: day.start()].rstrip(" ,") if day else label


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


def needs_place(text: str, place: str) -> bool:
    """A sentence saying "here", "this city", "in Parliament" or "state officials": where, only its
    dateline `place` says. An unnamed state only when the dateline names one ("TRENTON, N.J."): a
    Washington or New York dateline says where the report was filed, not which state it means."""
    return bool(_HERE.search(text) or says_this_place(text) or _UNNAMED_PARLIAMENT.search(text)
                or _UNNAMED_STATE.search(text) and "," in place_of(place))


def needs_dateline(text: str, place: str) -> bool:
    """A sentence saying where (`needs_place`) or which day ("today") only its dateline says."""
    return needs_place(text, place) or _TODAY.search(text) is not None


def dated(day: str, text: str, dateline: str | None) -> str:
    """A line under its date, with its dateline's place when it says "here" ("23 Nov 1999, MACAU:
    a Portuguese court here convicted ..."): its day is resolved already, its place is not."""
    place = place_of(dateline)
    return f"{day}, {place}: {text}" if place and needs_place(text, place) else f"{day}: {text}"


def with_dateline(text: str, place: str) -> str:
    """A sentence that needs its dateline opens with it, which says where and which day
    ("HARARE, September 17: The summit here this evening adopted ..."): cleaning took it off, and
    the report's date can be the day after."""
    return f"{place}: {text}" if place and needs_dateline(text, place) else text


def says_this_place(text: str) -> bool:
    """ "this city's heart", "this mostly white town": which one, only a dateline says."""
    return _THIS_PLACE.search(text) is not None


_AGENCY = re.compile(r"\s*\([^()]*\)\s*$")  # "(Xinhua)", "(AP)"
_HERE = re.compile(r"\bhere\b", re.I)
_TODAY = re.compile(r"\b(?:today|tonight|yesterday|tomorrow|this (?:morning|afternoon|evening))\b", re.I)
# "state officials said", "statewide", "the state's seat belt law": which state, often only the dateline says
_UNNAMED_STATE = re.compile(r"\b(?:state(?:'s|\u2019s)?\s+(?:[a-z]+\s+)?officials|statewide|the state(?:'s|\u2019s)?(?!\s+of\b))\b")
# "cleared a key hurdle in Parliament": which country's, the dateline's capital says
_UNNAMED_PARLIAMENT = re.compile(r"\b(?:in|the|of|to|by)\s+[Pp]arliament\b")
_THIS_PLACE = re.compile(r"\bthis\s+(?:[a-z-]+\s+){0,2}(?:city|town|village|country|capital|island|state|nation|region|province)\b",
                         re.I)
