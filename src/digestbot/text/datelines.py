"""A wire dateline beside the sentence that needs it: "here", "today" and "this city" say where
and which day only with it ("HARARE, September 17: The summit here this evening adopted ...").
Cleaning takes the dateline off the text (`cleaning.split_dateline`); a wire may date its copy the
day after it. Pure."""

from __future__ import annotations

import re


def place_and_day(dateline: str | None) -> str:
    """ "HARARE, September 17 (Xinhua)" -> "HARARE, September 17"; "" without a dateline."""
    return _AGENCY.sub("", dateline or "").strip(" ,")


def with_dateline(text: str, place: str) -> str:
    """A sentence that says "here", "today" or "this city" opens with its dateline, which says where
    and which day ("HARARE, September 17: The summit here this evening adopted ..."): cleaning took
    it off, and the report's date can be the day after."""
    return f"{place}: {text}" if place and (_HERE_OR_TODAY.search(text) or says_this_place(text)) else text


def says_this_place(text: str) -> bool:
    """ "this city's heart", "this mostly white town": which one, only a dateline says."""
    return _THIS_PLACE.search(text) is not None


_AGENCY = re.compile(r"\s*\([^()]*\)\s*$")  # "(Xinhua)", "(AP)"
_HERE_OR_TODAY = re.compile(r"\b(?:here|today|tonight|yesterday|tomorrow|this (?:morning|afternoon|evening))\b", re.I)
_THIS_PLACE = re.compile(r"\bthis\s+(?:[a-z-]+\s+){0,2}(?:city|town|village|country|capital|island|state|nation|region|province)\b",
                         re.I)
