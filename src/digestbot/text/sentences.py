"""Offline, regex-based sentence splitting.

`split_sentences` never looks across a newline: every line is a paragraph and sentences
are found inside it. Candidate boundaries are sentence punctuation (``.``, ``!``, ``?``, an
ellipsis) plus any closing quotes or brackets, followed by whitespace and something that can
start a sentence (an upper-case letter, a digit or an opening quote). A candidate after a
period is then vetoed when the token before it is an abbreviation or an initial:

* titles and name prefixes (``Mr.``, ``Gen.``, ``Sen.``) and initials (``J.``) never end a
  sentence;
* month abbreviations and ``No.``/``Nos.``/``pp.`` never end one when a number follows
  (``Jan. 5, 2026``, ``No. 10``);
* other known abbreviations (``U.S.``, ``Inc.``, ``a.m.``, ``etc.``) and dotted acronyms end a
  sentence only when the next word is a typical sentence opener (``The``, ``He``, ``But``...).

Everything is precompiled; the per-boundary work is a couple of dict/set lookups.
"""

from __future__ import annotations

import re

from .datelines import strip_dateline
from .lexicons import LEADING_CONNECTIVES, LEADING_PRONOUNS

__all__ = ["NAME_INSIDE", "pronoun_for_no_one", "split_sentences", "split_paragraph", "standalone"]

# Punctuation run, optional closing quotes/brackets, whitespace, then a sentence start.
_BOUNDARY = re.compile(
    r"""(?:\.{2,}|…|[.!?])[.!?…]*["'”’»)\]]*(?=\s+["'“‘«(\[]*[A-Z0-9])"""
)
_WS = re.compile(r"\s+")
_NEXT_WORD = re.compile(r"""\s+["'“‘«(\[]*([A-Za-z0-9][\w'’-]*)""")

# Never sentence-final: titles and name prefixes.
_TITLES = frozenset(
    """mr mrs ms dr prof gen sen rep gov lt col maj capt cpt sgt cmdr adm brig cpl pvt
    rev fr sr st mt ft hon pres supt insp det atty messrs mme mlle
    """.split()
)
# Never sentence-final before a number.
_BEFORE_NUMBER = frozenset(
    """jan feb mar apr jun jul aug sep sept oct nov dec no nos pp p vol fig figs art ch
    sec op ed rev tel ext approx est v vs""".split()
)
# Usually not sentence-final, but may be: split only before a typical sentence opener.
_AMBIGUOUS = frozenset(
    """inc corp co ltd llc plc bros jr etc al cf vs v approx dept univ assn ave blvd rd
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
    ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo
    mont neb nev okla ore pa penn tenn tex va vt wash wis wisc wyo e g i""".split()
)
# Words that typically open a sentence: after an ambiguous abbreviation they signal a split.
_OPENERS = frozenset(
    """a an the he she it its they we i you his her their our my this that these those there
    here but and or so yet if when while as at in on for from by with after before since
    during despite although though however meanwhile still also then now last next some
    many most all both each no not one two three four five six seven eight nine ten what
    who why how where which according earlier later instead other others officials police
    authorities""".split()
)


def _is_boundary(text: str, punct_start: int, punct: str, end: int) -> bool:
    """Decide whether the candidate boundary whose punctuation starts at punct_start holds."""
    if punct[0] != ".":
        return True  # ! ? … and ellipses followed by a capital end the sentence
    if len(punct) > 1 and punct[1] == ".":
        return True  # "..." before a capital: a new sentence
    # The token before the period.
    start = text.rfind(" ", 0, punct_start) + 1
    token = text[start:punct_start].lstrip("\"'“‘«([")
    if not token:
        return True
    if start == 0 and token.isdigit() and len(token) <= 3:
        return False  # a list number: "1. First item"
    if len(token) == 1:
        # A lone letter is an initial (J. R. R. Tolkien); a lone digit ends a sentence.
        return not token.isalpha()
    if token.lower() in _TITLES:
        return False
    return _ends_after_word(token, text, end)


def _ends_after_word(token: str, text: str, end: int) -> bool:
    """A period after `token` (two or more characters, not a title) ends the sentence unless the
    token is an abbreviation that the next word shows to continue it."""
    low = token.lower()
    m = _NEXT_WORD.match(text, end)
    nxt = m.group(1) if m else ""
    if low in _BEFORE_NUMBER and nxt[:1].isdigit():
        return False
    dotted = "." in token and token.replace(".", "").isalpha()
    if low in _AMBIGUOUS or dotted:
        # U.S., a.m., Inc., e.g.: a boundary only when a typical sentence opener follows.
        return nxt.lower() in _OPENERS
    return True


def split_paragraph(paragraph: str) -> list[str]:
    """Split one paragraph (no newlines) into sentences."""
    text = paragraph.strip()
    if not text:
        return []
    out: list[str] = []
    begin = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        punct = m.group()
        if _is_boundary(text, m.start(), punct, end):
            sent = text[begin:end].strip()
            if sent:
                out.append(sent)
            begin = end
    tail = text[begin:].strip()
    if tail:
        out.append(tail)
    return out


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; a newline always ends a sentence (paragraph boundary)."""
    out: list[str] = []
    for line in text.splitlines():
        if line and not line.isspace():
            if "  " in line or "\t" in line or not line.isascii():
                line = _WS.sub(" ", line)
            out.extend(split_paragraph(line))
    return out


_CONNECTIVE = re.compile(r"^(?:" + "|".join(map(re.escape, LEADING_CONNECTIVES)) + r")\b,?\s+", re.I)


def standalone(text: str) -> str | None:
    """The sentence as it can be read alone, or None when it leans on the one before: wire
    dateline and a joining connective dropped; a fragment or a pronoun subject gives None."""
    text = strip_dateline(text.strip())
    joined = _CONNECTIVE.match(text)  # anchored: a match at the start is the only one
    unjoined = text[joined.end():] if joined else text
    if unjoined != text and unjoined:
        text = unjoined[0].upper() + unjoined[1:]
    if not text or not (text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘("):
        return None  # a fragment
    first = text.lstrip("\"'“‘(").split(" ", 1)[0].lower().strip(",;:")
    return None if first in LEADING_PRONOUNS or pronoun_for_no_one(text) else text


# "In celebration of the film's anniversary, they want ...", "If they venture out, they dart ...":
# the main clause's subject is a pronoun whose antecedent is in another sentence
_OPENING_THEN_PRONOUN = re.compile(r"^([^,]{1,150}),\s+(?:they|he|she|it)\s")
NAME_INSIDE = re.compile(r"\s[A-Z][a-z]")  # a capitalised word after the first: a name
_QUOTED = re.compile(r'"[^"]*"')


def pronoun_for_no_one(text: str) -> bool:
    """An opening phrase naming no one, then "they"/"he"/"she"/"it" as the main clause's subject
    (not inside an opening quote, whose speaker may be named after it)."""
    m = None if text[:1] in "\"“" else _OPENING_THEN_PRONOUN.match(text)
    return m is not None and not NAME_INSIDE.search(_QUOTED.sub("", m.group(1)))
