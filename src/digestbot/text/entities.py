"""Names in a sentence: capitalised names and places, titles split off ("Chinese President Xi
Jinping" -> person "xi jinping"), aliases folded ("ROK" -> "south korea"). Pure, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .lexicons import ALIASES, MONTHS, PAST_ROLE_WORDS, STOPWORDS, TITLE_WORDS, WEAK_WORDS, WEEKDAYS
from .tokens import Tokens, capitals, strip_possessive, tokenize

@dataclass(frozen=True)
class Entity:
    norm: str  # lower case, aliases folded
    text: str  # as written (title removed)
    start: int
    end: int
    is_person: bool = False
    role: str = ""  # "Chinese President"


_CONNECTORS = {"of", "de", "del", "von", "van", "al", "bin"}
_LEADING_DROP = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "its", "our"}
_NOT_A_NAME_START = frozenset(_LEADING_DROP | STOPWORDS)  # words a name never opens with
_CALENDAR_NAMES = frozenset(MONTHS + WEEKDAYS)


def entities(sentence: str, known: set[str] | frozenset[str] = frozenset()) -> list[Entity]:
    """Capitalised names in one sentence.

    A single capitalised word that opens the sentence counts only if it is in `known`
    (names seen mid-sentence elsewhere), so "Officials said" is not a name but "Lee said" is.
    """
    return [e for e, opener in _entities(sentence) if opener is None or opener in known]


@lru_cache(maxsize=8192)
def _entities(sentence: str) -> tuple[tuple[Entity, str | None], ...]:
    """(entity, the lower-case word if it is a lone sentence opener needing confirmation)."""
    toks = tokenize(sentence)  # the same tokens and offsets as the text with quotes normalised
    out = []
    for first, end in _capitalised_runs(toks, capitals(sentence)):
        entity = _entity_of_run(toks, first, end, sentence)
        if entity is not None:
            out.append(entity)
    return tuple(out)


def _capitalised_runs(toks: Tokens, capitals: tuple[bool, ...]):
    """(first, end) token ranges of capitalised words, joined by "of", "de", ... and ended by a
    possessive: the candidates for names, without a leading article or stop word."""
    caps = [*capitals, False]  # the sentinel ends every run
    lower, text = toks.lower, toks.text
    n = len(toks)
    i = 0
    while True:
        try:
            i = caps.index(True, i)  # the words in between cannot open a name
        except ValueError:
            return
        if lower[i] in _LEADING_DROP and i + 1 < n and not caps[i + 1]:
            i += 1
            continue
        first = i
        while i < n:
            if caps[i]:
                i += 1
                if text[i - 1].endswith(("'s", "’s")):
                    break
            elif lower[i] in _CONNECTORS and caps[i + 1] and i > first:
                i += 1
            else:
                break
        while first < i and lower[first] in _NOT_A_NAME_START:
            first += 1
        if first < i:
            yield first, i


def _role(toks: Tokens, first: int, words: list[str], sentence: str) -> str:
    """The title words before a name, from the last comma among them: a name a comma ends is
    not part of the role ("talks with Weizman, Prime Minister Ehud Barak")."""
    after_comma = [k + 1 for k in range(len(words) - 1) if "," in sentence[toks.end[first + k]: toks.start[first + k + 1]]]
    start = after_comma[-1] if after_comma else 0
    return _past_kept(toks, first + start, " ".join(words[start:]))


def in_the_past(role: str) -> bool:
    """Whether a role opens with a word that puts it in the past ("former President")."""
    return role.split(" ", 1)[0].lower() in PAST_ROLE_WORDS


def _past_kept(toks: Tokens, first: int, role: str) -> str:
    """The role with the word before it that puts it in the past: "former President" is not the role now."""
    if role and first > 0 and toks.text[first - 1].lower() in PAST_ROLE_WORDS:
        return f"{toks.text[first - 1].lower()} {role}"
    if in_the_past(role):
        return role[0].lower() + role[1:]  # "Former President" opening the sentence
    return role


def _entity_of_run(toks: Tokens, first: int, end: int, sentence: str) -> tuple[Entity, str | None] | None:
    """The name in tokens first..end, its title split off as the role ("Chinese President Xi
    Jinping")."""
    words = [strip_possessive(w) for w in toks.text[first:end]]
    titles = [k for k, w in enumerate(words) if w.lower() in TITLE_WORDS]
    last_title = titles[-1] if titles else -1
    if last_title == len(words) - 1:
        return None  # only a title ("President")
    role = _role(toks, first, words[: last_title + 1], sentence)
    is_person = last_title >= 0
    first, words = first + last_title + 1, words[last_title + 1 :]
    opener: str | None = None
    if len(words) == 1:
        w = words[0].lower()
        if w in STOPWORDS or w in WEAK_WORDS or w in _CALENDAR_NAMES:
            return None
        if toks.start[first] == toks.start[0] and not is_person and w not in ALIASES:
            opener = w
    name = " ".join(words)
    norm = ALIASES.get(name.lower(), name.lower())
    return Entity(norm, name, toks.start[first], toks.end[end - 1], is_person, role), opener
