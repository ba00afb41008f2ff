"""Key points: the sentences of an article that best summarise it.

`extract_key_points(sentences, n, method, title)` picks at most `n` whole sentences, returned
in article order, with no near-duplicates. `METHODS` maps each method name to a callable
``(sentences, n, title) -> list[str]``: ``digestbot`` (the default, ours), ``lead`` (the first
sentences) and every sumy summariser by name.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

from digestbot.keypoints import digestbot as _digestbot
from digestbot.keypoints import lead as _lead
from digestbot.keypoints._text import content_terms

__all__ = ["DEFAULT_METHOD", "METHODS", "extract_key_points"]

Summariser = Callable[..., list[str]]

# The names of keypoints.sumy_methods.SUMY_METHODS: sumy (and with it NLTK and SciPy, a
# second of CPU at every start) is imported only when one of them is used.
SUMY_NAMES = ("lexrank", "lsa", "textrank", "luhn", "kl", "sumbasic", "reduction", "edmundson")


def _with_sumy(name: str, sentences: list[str], n: int = 3, title: str | None = None) -> list[str]:
    from digestbot.keypoints.sumy_methods import summarise_with

    return summarise_with(name, sentences, n, title)


DEFAULT_METHOD = "digestbot"
METHODS: dict[str, Summariser] = {
    "digestbot": _digestbot.summarise,
    "lead": _lead.summarise,
    **{name: partial(_with_sumy, name) for name in SUMY_NAMES},
}
_NEAR_DUPLICATE = 0.8


def _drop_near_duplicates(picked: list[str]) -> list[str]:
    out: list[str] = []
    sets: list[frozenset[str]] = []
    for s in picked:
        st = frozenset(content_terms(s))
        if any(st and o and len(st & o) >= _NEAR_DUPLICATE * min(len(st), len(o)) for o in sets):
            continue
        out.append(s)
        sets.append(st)
    return out


def extract_key_points(
    sentences: list[str],
    n: int = 3,
    method: str = DEFAULT_METHOD,
    title: str | None = None,
    *,
    tokens: list[list[str]] | None = None,
) -> list[str]:
    """At most `n` whole sentences from `sentences`, in article order, without near-repeats.

    `tokens`, optional, are the sentences' `digestbot.text.cleaning.word_tokens` when the caller
    has them already (the default method reuses them; others ignore them).
    """
    summarise = _summariser(method)
    tokens = _usable_tokens(sentences, tokens)
    if tokens is None:
        sentences = [s for s in sentences if s and s.strip()]
    if n <= 0 or not sentences:
        return []
    if tokens is not None and method == DEFAULT_METHOD:
        picked = _digestbot.summarise(sentences, n, title, tokens=tokens)
    else:
        picked = summarise(sentences, n, title)
    if len(picked) > 1:
        picked = _drop_near_duplicates(picked)
    return picked[:n]


def _summariser(method: str) -> Summariser:
    try:
        return METHODS[method]
    except KeyError:
        raise ValueError(
            f"unknown key-point method {method!r}; valid methods: {', '.join(METHODS)}"
        ) from None


def _usable_tokens(sentences: list[str], tokens: list[list[str]] | None) -> list[list[str]] | None:
    """The given tokens when they match the sentences one for one and no sentence is blank
    (blank sentences are dropped, and the tokens would no longer line up)."""
    if tokens is not None and (len(tokens) != len(sentences) or not all(s and s.strip() for s in sentences)):
        return None
    return tokens
