"""A vote's tally as a fact: "Supreme Court: ruled 6-3", "6-3 decision". Pure."""

from __future__ import annotations

import re

from ...domain.models import Article
from ...text.meaning import clause_around, in_quote, is_modal, is_negated
from ...text.tokens import canonical_terms
from . import fact_words
from .core import _Atom, _CALENDAR_TITLES, _DIGIT
from .figures import _percent_holder


def _tally_atoms(s: str, a: Article, order: int) -> list[_Atom]:
    """A vote's tally with who voted, when the clause names them: "Supreme Court: ruled 6-3"."""
    if not _DIGIT.search(s):
        return []
    atoms = []
    for m in fact_words.TALLY.finditer(s):
        ayes, noes = next((m.group(f"a{i}"), m.group(f"b{i}")) for i in "123" if m.group(f"a{i}"))
        if int(ayes) < int(noes):
            continue  # a score or a range, not a tally (the winning side is written first)
        left, right = clause_around(s, m.start(), m.end())
        if is_negated(s[left:right]) or is_modal(" ".join(s[left:m.start()].split()[-5:])) or in_quote(s, m.start()):
            continue
        shown = _tally_text(m, f"{ayes}-{noes}", s[left:m.start()])
        if shown:
            atoms.append(_Atom("how_many", f"tally:{ayes}-{noes}", f"{ayes}-{noes}", shown, a, order, 1.0,
                               frozenset(canonical_terms(s[left:right])), s))
    return atoms


def _tally_text(m: re.Match, tally: str, before: str) -> str | None:
    """ "Supreme Court: ruled 6-3", "6-3 decision"; None for "voted 7-2" with nobody named (who
    voted is the fact)."""
    what = (m.group("verb") or "").lower() or f"{(m.group('noun') or m.group('noun3')).lower()}"
    whose = _percent_holder(re.sub(r"^\s*(?:The|A|An)\s+", " ", before))
    shown = f"{what} {tally}" if m.group("verb") else f"{tally} {what}"
    if whose and whose.removesuffix("'s") not in _CALENDAR_TITLES:
        return f"{whose}: {shown}"
    return None if m.group("verb") else shown
