"""Word tokens and content terms, shared by stories, novelty and facts. Pure functions, no I/O.

- `tokenize`: word tokens with their character offsets, as parallel tuples.
- `content_terms`: canonical content words (stemmed, synonyms folded: "business leaders" and
  "executives" both give "executive") for similarity.
- `stem`: a light suffix stripper.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate, chain
from operator import itemgetter

from .lexicons import ALIASES, IRREGULAR, STOPWORDS, SYNONYMS, WEAK_WORDS

_MAX_PHRASE = max(len(p.split()) for p in SYNONYMS)
_PHRASE_FIRST = frozenset(p.split()[0] for p in SYNONYMS)
_TOKEN_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\$|%|[A-Za-z0-9\u00C0-\u024F](?:[A-Za-z0-9\u00C0-\u024F'’.\-]*[A-Za-z0-9\u00C0-\u024F%])?")
_GAP_AND_TOKEN = re.compile(r"(?s)(.*?)(" + _TOKEN_RE.pattern + ")")


def normalise_quotes(text: str) -> str:
    return (text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
            .replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", "-"))


class Tokens:
    """A sentence's word tokens as parallel tuples (as written, lower case, character offsets):
    no object a token, which made tokenizing the dearest step of the text core."""

    __slots__ = ("text", "lower", "start", "end")

    def __init__(self, text: tuple[str, ...], lower: tuple[str, ...], start: tuple[int, ...], end: tuple[int, ...]):
        self.text, self.lower, self.start, self.end = text, lower, start, end

    def __len__(self) -> int:
        return len(self.text)


_word_of = itemgetter(1)


@lru_cache(maxsize=8192)
def tokenize(text: str) -> Tokens:
    """Word tokens with character offsets; possessive 's is kept on the word ("Lee's")."""
    # One findall gives (gap, word) pairs: the running total of their lengths gives every
    # offset, with no match object a token. The pattern ends a token on a letter, a digit or %.
    pairs = _GAP_AND_TOKEN.findall(normalise_quotes(text))
    bounds = tuple(accumulate(map(len, chain.from_iterable(pairs))))
    words = tuple(map(_word_of, pairs))
    return Tokens(words, tuple(map(str.lower, words)), bounds[0::2], bounds[1::2])


def strip_possessive(word: str) -> str:
    """"Lee's" -> "Lee", "leaders'" -> "leaders"."""
    if len(word) > 3 and word[-1] in "sS'":
        ending = word[-2:].lower()
        if ending == "'s" or ending == "’s":
            return word[:-2]
        if ending == "s'":
            return word[:-1]
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, deterministic suffix stripper (good enough for overlap, not linguistics)."""
    w = strip_possessive(word.lower()).strip("'-")
    if w in IRREGULAR:
        return IRREGULAR[w]
    if len(w) <= 3 or not w.isalpha():
        return w
    return _tidy_ending(_strip_suffix(_strip_plural(w)))


def _strip_plural(w: str) -> str:
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("sses"):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


_SUFFIXES = ("ations", "ation", "ingly", "ings", "ing", "edly", "ed")  # the first that fits goes


def _strip_suffix(w: str) -> str:
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)] + ("at" if suffix.startswith("ation") else "")
    return w


def _tidy_ending(w: str) -> str:
    """-ly and a final -e dropped, -is as -iz, a doubled final consonant single."""
    if w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    if w.endswith("is") and len(w) > 5:
        w = w[:-2] + "iz"
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    return w


def canonical_terms(text: str, *, keep_weak: bool = False) -> list[str]:
    """Content terms in order: synonym phrases folded, stopwords dropped, the rest stemmed."""
    return list(_canonical_terms(text, keep_weak))


@lru_cache(maxsize=8192)
def _canonical_terms(text: str, keep_weak: bool) -> tuple[str, ...]:
    words = tokenize(text).text
    toks = [strip_possessive(word).lower() for word in words]
    out: list[str] = []
    i = 0
    while i < len(toks):
        synonym = _synonym_at(toks, i) if toks[i] in _PHRASE_FIRST else None
        if synonym is not None:
            out.append(synonym[0])
            i += synonym[1]
            continue
        term = _term(toks[i], i > 0 and is_capitalised(words[i]), text, keep_weak)
        if term is not None:
            out.append(term)
        i += 1
    return tuple(out)


def _synonym_at(toks: list[str], i: int) -> tuple[str, int] | None:
    """The canonical noun of the longest synonym phrase at i and its length in words."""
    for n in range(min(_MAX_PHRASE, len(toks) - i), 0, -1):
        phrase = " ".join(toks[i : i + n])
        if phrase in SYNONYMS:
            return SYNONYMS[phrase], n
    return None


def _term(t: str, is_proper: bool, text: str, keep_weak: bool) -> str | None:
    """One lower-case word as a content term: None for a stop word, an alias folded, a name or
    a capitalised -ing word as written, anything else stemmed."""
    if t in STOPWORDS or (not keep_weak and t in WEAK_WORDS):
        return None
    if t in ALIASES:
        return ALIASES[t].replace(" ", "_")
    if len(t) < 2 and not t.isdigit():
        return None
    if is_proper or (t.isalpha() and t.endswith("ing") and t.capitalize() in text):
        return t
    return stem(t) if t.isalpha() else t.replace(",", "")


def content_terms(text: str) -> set[str]:
    return set(canonical_terms(text))


def is_capitalised(word: str) -> bool:
    return bool(word) and (word[0].isupper() or (word[0].isdigit() is False and word.isupper()))


@lru_cache(maxsize=8192)
def capitals(text: str) -> tuple[bool, ...]:
    """`is_capitalised` of each token of `text` (tokens are never empty), once a sentence."""
    return tuple([w[0].isupper() or (not w[0].isdigit() and w.isupper()) for w in tokenize(text).text])
