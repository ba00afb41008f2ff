"""What every kind of fact shares: the atom a sentence yields, cheap tests, clean text. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ...domain.models import Article
from ...text.datelines import dateline_day
from ...text.lexicons import NUMBER_WORDS
from ...text.meaning import clause_around, is_negated
from . import fact_words
_FIRST = re.compile(
    r"\b(?:(?:the|his|her|their|its|[A-Z]\w+'s)\s+)?first\b[^,.;:\-\u2014]*?\b(?:since|in more than|"
    r"in over|in nearly|in almost|in \w+ (?:years|decades))\b[^,.;:\u2014]*?(?=\s+-\s|[,.;:\u2014]|$)", re.I)


_HONORIFICS = frozenset("mr mrs ms miss dr sir dame lord lady".split())
_VAGUE_UNITS = frozenset("time way thing point step side part reason case example percent".split())


@dataclass
class _Atom:
    category: str
    slot: str  # what must match for two atoms to be about the same thing
    value: str  # what must match for them to agree
    text: str  # as shown
    article: Article
    order: int  # position, for stable output
    weight: float = 1.0
    context: frozenset[str] = frozenset()  # content terms of the sentence, for conflicts
    evidence: str = ""  # the sentence that states it
    superseded: bool = False  # a figure the same sentence corrects ("earlier reports said ...")
    corroborating: list[Article] = field(default_factory=list)  # articles whose leads say the same
    central: bool = False  # an event between the story's main actors: one outlet may state it


def report_day(a: Article) -> date:
    """The day an article's "today" is: its dateline's (a wire dates its copy the next day,
    Xinhua in about half its articles), else its publication date."""
    return dateline_day(a.dateline, a.published.date()) or a.published.date()


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:-")


def _window_before(sentence: str, start: int, words: int = 6) -> str:
    head = sentence[:start].split()[-words:]
    # start the window after the last clause break
    for i in range(len(head) - 1, -1, -1):
        if head[i].endswith((",", ";", ":")):
            head = head[i + 1 :]
            break
    return " ".join(head)


_CALENDAR_TITLES = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March "
                             "April May June July August September October November December".split())


def _asserted(s: str, start: int, end: int) -> bool:
    left, right = clause_around(s, start, end)
    return not is_negated(s[left:right])


_CALENDAR_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday january february "
                            "march april june july august september october november december".split())


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


_DIGIT = re.compile(r"\d")
_ANY_NUMBER_WORD = "|".join(sorted(NUMBER_WORDS))  # a regular-expression alternation of the number words
_NUMBER_WORD = re.compile(r"\b(?:" + _ANY_NUMBER_WORD + r")\b")  # searched lower-cased: faster than re.I
_NUMBER_WORD_PART = re.compile(_ANY_NUMBER_WORD)  # also inside a token ("N.C._Nine days")


def _standalone(sentence: str) -> bool:
    words = sentence.split()
    return (8 <= len(words) <= 45 and words[0].lower().strip(",") not in fact_words.DANGLING_OPENERS
            and '"' not in sentence and not sentence.endswith(("?", ":")) and not _PRONOUN_MAIN_CLAUSE.match(sentence))


def points_elsewhere(text: str) -> bool:
    """ "An agreement to this effect was signed": which effect is in another sentence."""
    return " to this effect" in text or " to that effect" in text


# "As his first visit since June, it represents ...": an opening phrase, then a pronoun for a subject;
# "Later they struck an alliance ...": one opening word, then the pronoun
_PRONOUN_MAIN_CLAUSE = re.compile(
    r"^(?:(?i:" + "|".join(sorted(fact_words.SUBORDINATE_OPENERS)) + r")\b[^,]*,\s+(?i:it|he|she|they|this|that|these)"
    r"|[A-Z][a-z]+,?\s+(?:it|he|she|they))\b")
