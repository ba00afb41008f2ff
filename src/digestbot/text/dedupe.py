"""Repeated and near-duplicate sentences of one article, dropped (the first one is kept)."""

from __future__ import annotations

from .cleaning import word_tokens

__all__ = ["dedupe_sentences", "dedupe_tokenised"]

# Frequent function words, ignored when comparing sentences (they make every pair "similar").
_FUNCTION_WORDS = frozenset(
    """the and for that with was were are his her its their they them this these those from
    have has had not but who which what when where will would said says say told also been
    being into than then there here about after before over more most some such only other
    all any can could may might must should one two new our out you your she him just very""".split()
) | frozenset(
    a + b for a in "abcdefghijklmnopqrstuvwxyz0123456789" for b in ["", *"abcdefghijklmnopqrstuvwxyz0123456789"]
)


def dedupe_sentences(sentences: list[str], threshold: float = 0.8) -> list[str]:
    """Drop repeated and near-duplicate sentences, keeping the first occurrence.

    Two sentences are near-duplicates when the content words (3+ letters, function words
    ignored) of the shorter one are at least `threshold` shared with the other: a sentence
    repeated with a few words changed, or contained in one that came before.
    """
    return dedupe_tokenised(sentences, threshold)[0]


def dedupe_tokenised(
    sentences: list[str], threshold: float = 0.8
) -> tuple[list[str], list[list[str]]]:
    """`dedupe_sentences`, also returning each kept sentence's `word_tokens` (for reuse).

    A pair is only compared in full when one sentence contains an *anchor* of the other
    (its alphabetically first or last content word): a near-duplicate pair shares at least
    80% of the shorter sentence's words, so it almost always passes this cheap test, and
    most unrelated pairs fail it with four set look-ups instead of an intersection.
    """
    out: list[str] = []
    out_toks: list[list[str]] = []
    seen: set[str] = set()
    sets: list[tuple[frozenset[str], str, str]] = []
    function_words = _FUNCTION_WORDS
    for s in sentences:
        toks = word_tokens(s)
        key = " ".join(toks)
        if not key or key in seen:
            continue
        seen.add(key)
        ws = frozenset(toks).difference(function_words)
        n = len(ws)
        if n >= 4:
            lo = min(ws)
            hi = max(ws)
            dup = False
            for other, olo, ohi in sets:
                if lo in other or hi in other or olo in ws or ohi in ws:
                    m = len(other)
                    if len(ws & other) >= threshold * (n if n < m else m):
                        dup = True
                        break
            if dup:
                continue
            sets.append((ws, lo, hi))
        out.append(s)
        out_toks.append(toks)
    return out, out_toks
