"""Where: places visited or travelled to, or where a lead's event happened; never planned or negated. Pure."""

from __future__ import annotations

import re

from ...domain.models import Article
from ...text.lexicons import STOPWORDS, TITLE_WORDS
from ...text.meaning import clause_around, is_modal, is_negated
from . import fact_words
from .core import _Atom, _asserted, _clean
_MOVE = re.compile(
    r"\b(arrive[sd]?|arriving|travel(?:s|led|ed|ling)?|fly|flew|flies|head(?:s|ed)? to|land(?:s|ed)?|"
    r"visit(?:s|ed|ing)?|visit|trip|tour|go on|move on)\s+(?:in|to|at|on to)?\s*"
    r"(?:the\s+)?([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)*)")
_ITINERARY = re.compile(
    r"\b(?:arrive[sd]?|land(?:s|ed)?|begin|began|start(?:s|ed)?)\s+(?:in|at)\s+([A-Z][\w\-]+(?:\s[A-Z][\w\-]+)*)"
    r"[^.]*?\b(?:then|subsequently|later|before|after that)\s+(?:travel|go|head|fly|move|continue)\w*\s+"
    r"(?:on\s+)?to\s+([A-Z][\w\-]+(?:\s[A-Z][\w\-]+)*)")


def _where_atoms(s: str, a: Article, order: int, people: dict[str, tuple[str, str]], is_lead: bool) -> list[_Atom]:
    hedged = is_modal(s) or is_negated(s)  # checked once: most sentences have neither, so no clause needs it

    def named_place(m: re.Match, place: str) -> bool:
        """Asserted ("has not visited Serbia" is not), and not a title or a person's name ("visiting
        Mongolian Prime Minister Puntsagiyn Jasray")."""
        clause = s[slice(*clause_around(s, m.start(), m.end()))]
        asserted = not hedged or not (is_negated(clause) or is_modal(clause))
        return asserted and not (place.lower() in people or any(place in p or p in place for p, _ in people.values())
                                 or any(w in TITLE_WORDS for w in place.lower().split()))

    atoms = _itinerary_atoms(s, a, order, hedged) + _move_atoms(s, a, order, named_place)
    if not (is_lead and fact_words.EVENT_VERB_LOWER.search(s.lower())):
        return atoms
    for m in fact_words.PLACE_PREPOSITIONS.finditer(s):
        place = m.group(1)
        if place.split()[0].lower() in fact_words.NOT_PLACES or not named_place(m, place):
            continue
        if _modifier_not_place(s, m.end()) or place.endswith(("'s", "\u2019s")) or _inside_a_name(s, m.start()):
            continue  # "in the Atlanta area", "into California's race", "Movement in China": not the place
        atoms.append(_Atom("where", f"place:{place.lower()}", "", _clean(m.group(0)), a, order, 1.0))
    return atoms


def _move_atoms(s: str, a: Article, order: int, named_place) -> list[_Atom]:
    """Places visited or travelled to ("arrived in Beijing", "visiting Shanghai")."""
    atoms = []
    for m in _MOVE.finditer(s):
        place = m.group(2)
        if named_place(m, place) and not _visitors_own(s, m):
            weight = 1.0 if m.group(1).lower().startswith(("visit", "trip", "tour")) else 1.2
            atoms.append(_Atom("where", f"place:{place.lower()}", "", f"{place} ({_clean(m.group(0))})", a, order, weight))
    return atoms


def _visitors_own(s: str, m: re.Match) -> bool:
    """ "the visiting WHO official": the visitor's country or body, not a place visited."""
    return m.group(1).lower() == "visiting" and _modifier_not_place(s, m.end())


def _itinerary_atoms(s: str, a: Article, order: int, hedged: bool) -> list[_Atom]:
    """ "arrived in Beijing, then travelled to Shanghai", marked when only planned."""
    atoms = []
    for m in _ITINERARY.finditer(s):
        if not hedged or _asserted(s, m.start(), m.end()):
            planned = " (planned)" if hedged and is_modal(s[slice(*clause_around(s, m.start(), m.end()))]) else ""
            atoms.append(_Atom("where", "itinerary", f"{m.group(1)}>{m.group(2)}".lower(),
                               f"{m.group(1)}, then {m.group(2)}{planned}", a, order, 3.0))
    return atoms


_WORD_BEFORE = re.compile(r"([A-Z][a-z]+)\s+$")
_BODY_WORDS = frozenset("center centre movement institute committee association council office agency party front "
                        "organization organisation federation foundation society commission league union bureau "
                        "authority".split())


def _inside_a_name(s: str, start: int) -> bool:
    """ "the Information Center of Human Rights and Democratic Movement in China said": the
    preposition joins a name's words, it does not say where something happened."""
    m = _WORD_BEFORE.search(s, max(0, start - 30), start)
    return m is not None and m.group(1).lower() in _BODY_WORDS


_NEXT_WORD = re.compile(r"(?:'s|’s)|\s+([a-z][\w-]*)")


def _modifier_not_place(s: str, end: int) -> bool:
    """Whether the capitalised words just read modify a noun that follows (a possessive or a
    common noun: "area", "murder case"), so they are not themselves where something happened."""
    m = _NEXT_WORD.match(s, end)
    if not m:
        return False
    word = m.group(1)
    return word is None or (word not in STOPWORDS and not word.endswith(("ed", "ing")))
