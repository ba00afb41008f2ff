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
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ations", "ation", "ingly", "ings", "ing", "edly", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if suffix.startswith("ation"):
                w += "at"
            break
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
    proper = [k > 0 and is_capitalised(word) for k, word in enumerate(words)]
    out: list[str] = []
    i = 0
    while i < len(toks):
        if toks[i] in _PHRASE_FIRST:
            matched = False
            for n in range(min(_MAX_PHRASE, len(toks) - i), 0, -1):
                phrase = " ".join(toks[i : i + n])
                if phrase in SYNONYMS:
                    out.append(SYNONYMS[phrase])
                    i += n
                    matched = True
                    break
            if matched:
                continue
        t = toks[i]
        is_proper = proper[i]
        i += 1
        if t in STOPWORDS or (not keep_weak and t in WEAK_WORDS):
            continue
        if t in ALIASES:
            out.append(ALIASES[t].replace(" ", "_"))
            continue
        if len(t) < 2 and not t.isdigit():
            continue
        if is_proper or (t.isalpha() and t.endswith("ing") and t.capitalize() in text):
            out.append(t)
        else:
            out.append(stem(t) if t.isalpha() else t.replace(",", ""))
    return tuple(out)


def content_terms(text: str) -> set[str]:
    return set(canonical_terms(text))


def is_capitalised(word: str) -> bool:
    return bool(word) and (word[0].isupper() or (word[0].isdigit() is False and word.isupper()))


@lru_cache(maxsize=8192)
def capitals(text: str) -> tuple[bool, ...]:
    """`is_capitalised` of each token of `text` (tokens are never empty), once a sentence."""
    return tuple([w[0].isupper() or (not w[0].isdigit() and w.isupper()) for w in tokenize(text).text])
