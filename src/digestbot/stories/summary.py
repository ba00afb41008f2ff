"""Extractive summaries of several articles: the few sentences that best say what they report.

One method serves a story's summary and its "what's new" (an update summary, which is the
summary of the new articles minus what the prior coverage already said). Pure: no I/O.

- Candidates are the articles' own sentences made to stand alone: a wire dateline
  ("BEIJING, Jan. 5 (Xinhua) --") and a leading connective ("But", "However,") are removed; a
  sentence that opens with a pronoun ("He", "It", "They") needs the sentence before it and is
  not a candidate; fragments and run-ons (outside MIN_WORDS..MAX_WORDS) are not either.
- Score: TF-IDF cosine (scikit-learn's default weighting: smooth IDF over the sentences of both
  the summarised and the prior articles, l2-normed rows; scipy sparse matrices) to the centroid
  of the summarised articles, plus a bonus for an early position in its article (the lead says
  what happened).
- With prior coverage, a sentence whose cosine to some prior sentence reaches PRIOR_REPEAT is
  a repeat and dropped: a mild test, so on-topic sentences that merely share the story's
  vocabulary stay (the naive "minus the highest prior cosine" penalty loses them).
- Greedy selection by score skips a sentence too close to one already chosen (REDUNDANT) until
  the word budget is met; a sentence that would overrun the budget by more than a quarter is passed
  over for a shorter one.

The tokenised terms of an article's sentences are computed once per article (cached by key
and content hash), so re-filling a story after each new article costs little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..keypoints._text import STOP_WORDS
from ..domain.models import Article
from ..text.tokens import stem
from ..text.sentences import standalone

MIN_WORDS = 8
MAX_WORDS = 55
LEAD_SENTENCES = 10  # the position bonus falls linearly to 0 over an article's first sentences
# Bonus of an article's first sentence, on top of a cosine of 0..1. Fitted on the dev data:
# the newest articles' leads say what happened that day (update_dev: 0.3, chosen
# leave-one-event-out); a story's summary over months wants its central facts (mds_dev: 0.05).
UPDATE_POSITION_WEIGHT = 0.3
SUMMARY_POSITION_WEIGHT = 0.05
PRIOR_REPEAT = 0.7  # cosine to one prior sentence at which a new sentence says nothing new
REDUNDANT = 0.35  # cosine to a chosen sentence at which a candidate repeats it
OVERRUN = 0.25  # share of the budget one last sentence may overrun it by (about 100 words, not 150)

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Sentence:
    """One candidate sentence: the text as shown, where it comes from, its content terms."""

    text: str
    article: Article
    index: int  # position in its article
    terms: tuple[str, ...]

    @property
    def words(self) -> int:
        return len(self.text.split())


_TERMS: dict[str, str] = {}  # word -> its stem, "" for a stop word


def terms_of(text: str) -> tuple[str, ...]:
    """Stemmed content words, in order."""
    out = []
    for word in _WORD.findall(text.lower()):
        term = _TERMS.get(word)
        if term is None:
            term = _TERMS[word] = "" if word in STOP_WORDS or len(word) < 2 else stem(word)
        if term:
            out.append(term)
    return tuple(out)


# Each article's sentences are tokenised and counted once, as rows over one growing vocabulary;
# a story's matrix is its articles' rows stacked and narrowed to the terms they use.
_VOCABULARY: dict[str, int] = {}
_COLUMNS = 2 ** 31 - 1
_CACHE: dict[tuple[str, str], tuple[tuple[Sentence, ...], sparse.csr_matrix]] = {}
_CACHE_SIZE = 50_000
_VOCABULARY_SIZE = 2_000_000
_GENERATION = [0]  # bumped when the vocabulary starts again
_SHORTLIST = 150  # candidates the greedy selection looks at, best first


def _analysed(article: Article) -> tuple[tuple[Sentence, ...], sparse.csr_matrix]:
    """The article's candidate sentences and their term counts, once per article version."""
    key = (article.key, article.content_hash)
    cached = _CACHE.get(key)
    if cached is None:
        if len(_CACHE) >= _CACHE_SIZE or len(_VOCABULARY) >= _VOCABULARY_SIZE:
            _CACHE.clear()  # rows refer to the vocabulary: both start again
            _VOCABULARY.clear()
            _TERMS.clear()
            _GENERATION[0] += 1
        out = []
        for i, raw in enumerate(article.sentences):
            text = standalone(raw)
            if text is not None and MIN_WORDS <= len(text.split()) <= MAX_WORDS:
                terms = terms_of(text)
                if terms:
                    out.append(Sentence(text, article, i, terms))
        cached = _CACHE[key] = (tuple(out), _counts(out))
    return cached


def _counts(sentences: list[Sentence]) -> sparse.csr_matrix:
    ids = [_VOCABULARY.setdefault(t, len(_VOCABULARY)) for s in sentences for t in s.terms]
    indptr = np.cumsum([0] + [len(s.terms) for s in sentences])
    counts = sparse.csr_matrix((np.ones(len(ids)), np.array(ids, dtype=np.int64), indptr),
                               shape=(len(sentences), _COLUMNS))
    counts.sum_duplicates()
    return counts


def _narrowed(rows: list[sparse.csr_matrix]) -> sparse.csr_matrix:
    """The stacked rows over only the columns they use."""
    stacked = sparse.vstack(rows, format="csr")
    columns, indices = np.unique(stacked.indices, return_inverse=True)
    return sparse.csr_matrix((stacked.data, indices, stacked.indptr), shape=(stacked.shape[0], len(columns)))


def sentences_of(article: Article) -> tuple[Sentence, ...]:
    """The article's candidate sentences (cached with their term counts)."""
    return _analysed(article)[0]


def _tfidf(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Rows weighted as scikit-learn's TfidfTransformer does by default (smooth idf, l2 norm),
    written out: its input checks took 40% of the time on stories of one or two articles."""
    n = counts.shape[0]
    idf = np.log((1 + n) / (1 + np.bincount(counts.indices, minlength=counts.shape[1]))) + 1
    weighted = counts.copy()
    weighted.data = weighted.data * idf[weighted.indices]
    norms = np.sqrt(np.add.reduceat(weighted.data ** 2, weighted.indptr[:-1])) if weighted.nnz else np.ones(n)
    lengths = np.diff(weighted.indptr)
    weighted.data /= np.repeat(np.where(lengths > 0, norms, 1.0), lengths)
    return weighted


def summarise(articles: list[Article], words: int, prior: list[Article] = (),
              position_weight: float = SUMMARY_POSITION_WEIGHT) -> list[Sentence]:
    """The sentences that best say what `articles` report and `prior` did not, best first,
    about `words` words in all."""
    candidates, vectors, scores = _scored(articles, prior, position_weight)
    return [candidates[i] for i in _select(candidates, vectors, scores, words)] if candidates else []


def central_sentences(articles: list[Article], words: int, near: float,
                      leads_only: bool = False) -> list[tuple[Sentence, list[tuple[Sentence, float]]]]:
    """The story summary's sentences (about `words` words, best first; with `leads_only`, only the
    articles' first sentences), each with every sentence at a TF-IDF cosine of at least `near` to
    it (itself included, any sentence of the story) and that cosine."""
    candidates, vectors, scores = _scored(articles, (), SUMMARY_POSITION_WEIGHT)
    if not candidates:
        return []
    if leads_only:
        scores = np.where([s.index == 0 for s in candidates], scores, -np.inf)
    chosen = _select(candidates, vectors, scores, words)
    cosines = (vectors[chosen] @ vectors.T).toarray()
    return [(candidates[i], [(candidates[j], float(cosines[k, j])) for j in np.flatnonzero(cosines[k] >= near)])
            for k, i in enumerate(chosen)]


def _scored(articles: list[Article], prior: list[Article], position_weight: float):
    """Every candidate sentence of `articles`, its TF-IDF row and its score (-inf: `prior` said it)."""
    generation = _GENERATION[0]
    current, old = [_analysed(a) for a in articles], [_analysed(a) for a in prior]
    if _GENERATION[0] != generation:  # the vocabulary started again half-way: count again
        current, old = [_analysed(a) for a in articles], [_analysed(a) for a in prior]
    candidates = [s for sents, _ in current for s in sents]
    if not candidates:
        return [], None, None
    vectors = _tfidf(_narrowed([m for _, m in current + old]))
    new, earlier = vectors[: len(candidates)], vectors[len(candidates):]
    centroid = np.asarray(new.sum(axis=0)).ravel()
    centroid /= np.linalg.norm(centroid) or 1.0
    scores = new @ centroid
    scores += position_weight * np.array([max(0.0, 1 - s.index / LEAD_SENTENCES) for s in candidates])
    if earlier.shape[0]:
        repeats = (new @ earlier.T).max(axis=1).toarray().ravel() >= PRIOR_REPEAT
        scores[repeats] = -np.inf
    return candidates, new, scores


def _select(candidates: list[Sentence], vectors, scores: np.ndarray, words: int) -> list[int]:
    """Positions of the chosen candidates, best first."""
    order = [i for i in np.argsort(-scores, kind="stable")[:_SHORTLIST] if np.isfinite(scores[i])]
    if not order:
        return []
    similar = (vectors[order] @ vectors[order].T).toarray() >= REDUNDANT
    chosen: list[int] = []  # positions in `order`
    total = 0
    for k, i in enumerate(order):
        if total >= words:
            break
        size = candidates[i].words
        if chosen and (total + size > words * (1 + OVERRUN) or similar[k, chosen].any()):
            continue
        chosen.append(k)
        total += size
    return [order[k] for k in chosen]


SUMMARY_WORDS = 250


def story_summary(articles: list[Article], words: int = SUMMARY_WORDS) -> list[Sentence]:
    """What a story is about: the summary of all its articles, best sentence first."""
    return summarise(articles, words)
