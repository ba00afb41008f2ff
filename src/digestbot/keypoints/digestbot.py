"""digestbot's own key-point scorer: a position prior plus centrality, read-alone checks.

Every sentence gets a handful of cheap features (all roughly in [0, 1]):

========== ==============================================================================
lead       1 for the first sentence
position   1 / sqrt(1 + index): the lead bias of news writing
centrality cosine between the sentence's content words and the rest of the document's
topic      overlap with the title's content words (without a title: with the first sentence)
short      how far below 10 words the sentence is (fragments, datelines, leftovers)
long       how far above 40 words it is
quote      starts with a quotation mark (quotes rarely summarise a story)
dangling   opens with a pronoun or connective ("He", "But", "This") and so reads badly alone
========== ==============================================================================

The score is a fixed linear combination (`WEIGHTS`), fitted by coordinate ascent on
summary-level ROUGE against CNN highlights with 5-fold cross-validation, every held-out fold
also scored on BBC; the weights are the mean of the five fold fits (benchmarks/fit_weights.py).
Sentences are then picked greedily by score, skipping
any whose content words are mostly covered by an earlier pick (MMR-style redundancy
control), and returned in article order.
"""

from __future__ import annotations

import math

from digestbot.keypoints._text import DROP, words

__all__ = ["FEATURES", "REDUNDANCY", "WEIGHTS", "score_sentences", "select", "sentence_features", "summarise"]

FEATURES = ("lead", "position", "centrality", "topic", "short", "long", "quote", "dangling")
WEIGHTS = (-0.12, 0.84, 0.68, 0.56, -0.96, -0.32, -0.28, -0.14)
REDUNDANCY = 0.5  # a candidate is redundant when more than this share of its words was picked

_QUOTES = frozenset("\"'“‘«")
_DANGLING = frozenset(
    """he she it they him her them his its their this that these those there but and or so
    yet also however meanwhile still then thus therefore instead besides moreover such
    both another others""".split()
)


def _analyse(
    sentences: list[str], title: str | None, tokens: list[list[str]] | None
) -> tuple[list[list[str]], list[frozenset[str]], frozenset[str], dict[str, int]]:
    toks = tokens if tokens is not None else [words(s) for s in sentences]
    drop = DROP
    sets = [frozenset(t).difference(drop) for t in toks]
    doc: dict[str, int] = {}
    get = doc.get
    for st in sets:
        for w in st:
            doc[w] = get(w, 0) + 1
    if title:
        head = frozenset(words(title)).difference(drop)
    else:
        head = frozenset()
    return toks, sets, head, doc


def _row(i: int, s: str, nw: int, st: frozenset[str], head: frozenset[str], has_title: bool, doc) -> tuple:
    n = len(st)
    cent = topic = 0.0
    if n:
        dot = sq = 0
        for w in st:
            c = doc[w] - 1
            dot += c
            sq += c * c
        if sq:
            cent = dot / math.sqrt(n * sq)
        if head and (has_title or i):
            topic = len(st & head) / math.sqrt(n * len(head))
    w0 = s.lstrip("\"'“‘(").split(" ", 1)[0].lower().strip(",")
    return (
        1.0 if i == 0 else 0.0,
        1.0 / math.sqrt(1.0 + i),
        cent,
        topic,
        (10 - nw) / 10.0 if nw < 10 else 0.0,
        (nw - 40) / 40.0 if nw > 40 else 0.0,
        1.0 if s[:1] in _QUOTES else 0.0,
        1.0 if w0 in _DANGLING else 0.0,
    )


def sentence_features(
    sentences: list[str], title: str | None = None, tokens: list[list[str]] | None = None
) -> tuple[list[tuple[float, ...]], list[frozenset[str]]]:
    """Feature rows (in FEATURES order) and content-word sets for each sentence."""
    toks, sets, head, doc = _analyse(sentences, title, tokens)
    if not title and sets:
        head = sets[0]
    has_title = bool(title)
    rows = [_row(i, s, len(toks[i]), sets[i], head, has_title, doc) for i, s in enumerate(sentences)]
    return rows, sets


def score_sentences(
    sentences: list[str],
    title: str | None = None,
    tokens: list[list[str]] | None = None,
    weights: tuple[float, ...] = WEIGHTS,
) -> tuple[list[float], list[frozenset[str]]]:
    """Each sentence's score (features . weights) and its content-word set.

    The same arithmetic as `sentence_features` followed by a dot product, inlined: this is
    the hot path.
    """
    toks, sets, head, doc = _analyse(sentences, title, tokens)
    has_title = bool(title)
    if not has_title and sets:
        head = sets[0]
    head_n = len(head)
    w_lead, w_pos, w_cent, w_topic, w_short, w_long, w_quote, w_dang = weights
    sqrt = math.sqrt
    quotes = _QUOTES
    dangling = _DANGLING
    scores: list[float] = []
    for i, s in enumerate(sentences):
        st = sets[i]
        n = len(st)
        score = w_pos / sqrt(1.0 + i)
        if i == 0:
            score += w_lead
        if n:
            dot = sq = 0
            for w in st:
                c = doc[w] - 1
                dot += c
                sq += c * c
            if sq:
                score += w_cent * (dot / sqrt(n * sq))
            if head_n and (has_title or i):
                score += w_topic * (len(st & head) / sqrt(n * head_n))
        nw = len(toks[i])
        if nw < 10:
            score += w_short * ((10 - nw) / 10.0)
        elif nw > 40:
            score += w_long * ((nw - 40) / 40.0)
        if s[:1] in quotes:
            score += w_quote
        if s.lstrip("\"'“‘(").split(" ", 1)[0].lower().strip(",") in dangling:
            score += w_dang
        scores.append(score)
    return scores, sets


def select(
    scores: list[float], sets: list[frozenset[str]], n: int, redundancy: float = REDUNDANCY
) -> list[int]:
    """Indices of the best `n` sentences by score, skipping redundant ones, in article order."""
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    picked: list[int] = []
    for i in order:
        st = sets[i]
        if st and any(len(st & sets[j]) > redundancy * len(st) for j in picked):
            continue
        picked.append(i)
        if len(picked) == n:
            return sorted(picked)
    # The rest overlapped a pick: fill by score, still without near-repeats.
    for i in order:
        st = sets[i]
        if i in picked or any(
            len(st & sets[j]) >= 0.8 * min(len(st), len(sets[j])) for j in picked
        ):
            continue
        picked.append(i)
        if len(picked) == n:
            break
    return sorted(picked)


def summarise(
    sentences: list[str],
    n: int = 3,
    title: str | None = None,
    *,
    tokens: list[list[str]] | None = None,
    weights: tuple[float, ...] = WEIGHTS,
    redundancy: float = REDUNDANCY,
) -> list[str]:
    """The top `n` sentences by score, without near-repeats, in article order.

    `tokens` optionally gives each sentence's lower-case word tokens (as
    `digestbot.text.cleaning.word_tokens` makes them) so they are not computed twice.
    """
    if n <= 0 or not sentences:
        return []
    scores, sets = score_sentences(sentences, title, tokens, weights)
    return [sentences[i] for i in select(scores, sets, n, redundancy)]
