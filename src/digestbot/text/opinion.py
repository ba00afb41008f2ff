"""Whether a text signs off or is titled as opinion (a column, an editorial, an analysis). Pure."""

from __future__ import annotations

import re

# "Hines is a Houston Chronicle columnist.", "(Veronica Flores is a columnist for the San Antonio
# Express-News, ...)", "(Bill Maxwell ... is an editorial writer and columnist for ...)"
_COLUMN_SIGNATURE = re.compile(r"^\(?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3},?\s+(?:[^.()]{0,80}?\s)?(?:is|was)\s+"
                               r"(?:an?\s+|the\s+)?[^.()]{0,60}?\b(?:columnist|commentator|editorial writer)\b")
SIGNATURE_REACH = 600  # characters from the end a column's sign-off sits within
# "EDITORIAL: A BUDGET FOR TARN", "ANALYSIS: QUEBEC'S WOUNDED SEPARATISTS", "COMMENTARY: ..."
_OPINION_TITLE = re.compile(r"^(?:news\s+)?(?:analysis|commentary|opinion|column|editorial|op-ed)\s*:", re.I)


def signed_as_opinion(text: str, title: str | None) -> bool:
    """A column signs off as one in its last lines, which cleaning may drop as a bio; an editorial
    or an analysis says so in its title."""
    if title and _OPINION_TITLE.match(title):
        return True
    last_lines = text[-SIGNATURE_REACH:].splitlines()[-3:]
    return any(_COLUMN_SIGNATURE.match(line.strip()) for line in last_lines)
