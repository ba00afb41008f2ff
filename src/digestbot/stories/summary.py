"""Extractive summaries of several articles: the few sentences that best say what they report.

One method serves a story's summary and its "what's new" (an update summary, which is the
summary of the new articles minus what the prior coverage already said). Pure: no I/O.

- Candidates are the articles' own sentences made to stand alone: a wire dateline
  ("BEIJING, Jan. 5 (Xinhua) --") and a leading connective ("But", "However,") are removed; a
  sentence that opens with a pronoun ("He", "It", "They") needs the sentence before it and is
  not a candidate; fragments and run-ons (outside MIN_WORDS..MAX_WORDS) are not either.
- Score: TF-IDF cosine (scikit-learn; IDF over the sentences of both the summarised and the
  prior articles) to the centroid of the summarised articles, plus a bonus for an early
  position in its article (the lead says what happened).
- With prior coverage, a sentence whose cosine to some prior sentence reaches PRIOR_REPEAT is
  a repeat and dropped: a mild test, so on-topic sentences that merely share the story's
  vocabulary stay (the naive "minus the highest prior cosine" penalty loses them).
- Greedy selection by score skips a sentence too close to one already chosen (REDUNDANT) until
  the word budget is met; a sentence that would overrun the budget by more than half is passed
  over for a shorter one.

The tokenised terms of an article's sentences are computed once per article (cached by key
and content hash), so re-filling a story after each new article costs little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..keypoints._text import STOP_WORDS
from ..models import Article
from ..text.features import stem

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
OVERRUN = 0.5  # share of the budget one last sentence may overrun it by

# A wire dateline: "WASHINGTON (AP) --", "BEIJING, Jan. 5 (Xinhua) --", "(CNN) --", "LONDON --".
_DATELINE = re.compile(
    r"^(?:[A-Z][\w.'-]*(?:[ ,]+[A-Z0-9][\w.'-]*){0,6},?\s*)?\((?:[A-Z][\w&. -]{0,20})\)\s*(?:--|—|–|-|:)\s*"
    r"|^[A-Z][A-Z .,'-]{2,40}\s(?:--|—|–)\s"
)
# Words that lean on the sentence before: a pronoun subject cannot be repaired, a connective
# can be dropped ("But the court ruled ..." -> "The court ruled ...").
_PRONOUNS = frozenset("he she it they him her them his its their this these those we i".split())
_CONNECTIVE = re.compile(
    r"^(?:but|and|so|yet|also|however|meanwhile|still|moreover|besides|instead|thus|therefore|"
    r"in addition|in fact|at the same time|on the other hand)\b,?\s+", re.I)
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


def standalone(text: str) -> str | None:
    """The sentence as it can be read alone, or None when it leans on the one before."""
    text = _DATELINE.sub("", text.strip(), count=1)
    unjoined = _CONNECTIVE.sub("", text, count=1)
    if unjoined != text and unjoined:
        text = unjoined[0].upper() + unjoined[1:]
    if not text or not (text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘("):
        return None  # a fragment
    first = text.lstrip("\"'“‘(").split(" ", 1)[0].lower().strip(",;:")
    return None if first in _PRONOUNS else text


def terms_of(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 1)


_CACHE: dict[tuple[str, str], tuple[Sentence, ...]] = {}
_CACHE_SIZE = 50_000


def sentences_of(article: Article) -> tuple[Sentence, ...]:
    """The article's candidate sentences, computed once per article version."""
    key = (article.key, article.content_hash)
    cached = _CACHE.get(key)
    if cached is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        out = []
        for i, raw in enumerate(article.sentences):
            text = standalone(raw)
            if text is not None and MIN_WORDS <= len(text.split()) <= MAX_WORDS:
                out.append(Sentence(text, article, i, terms_of(text)))
        cached = _CACHE[key] = tuple(out)
    return cached


def _identity(terms):
    return terms


def summarise(articles: list[Article], words: int, prior: list[Article] = (),
              position_weight: float = SUMMARY_POSITION_WEIGHT) -> list[Sentence]:
    """The sentences that best say what `articles` report and `prior` did not, best first,
    about `words` words in all."""
    candidates = [s for a in articles for s in sentences_of(a) if s.terms]
    if not candidates:
        return []
    earlier = [s for a in prior for s in sentences_of(a) if s.terms]
    vectors = TfidfVectorizer(analyzer=_identity).fit_transform([s.terms for s in candidates + earlier])
    current, old = vectors[: len(candidates)], vectors[len(candidates):]
    centroid = np.asarray(current.sum(axis=0)).ravel()
    centroid /= np.linalg.norm(centroid) or 1.0
    scores = current @ centroid
    scores += position_weight * np.array([max(0.0, 1 - s.index / LEAD_SENTENCES) for s in candidates])
    if old.shape[0]:
        repeats = (current @ old.T).max(axis=1).toarray().ravel() >= PRIOR_REPEAT
        scores[repeats] = -np.inf
    return _select(candidates, current, scores, words)


def _select(candidates: list[Sentence], vectors, scores: np.ndarray, words: int) -> list[Sentence]:
    chosen: list[int] = []
    total = 0
    for i in np.argsort(-scores, kind="stable"):
        if total >= words or not np.isfinite(scores[i]):
            break
        size = candidates[i].words
        if chosen and total + size > words * (1 + OVERRUN):
            continue
        if chosen and (vectors[chosen] @ vectors[i].T).max() >= REDUNDANT:
            continue
        chosen.append(i)
        total += size
    return [candidates[i] for i in chosen]


SUMMARY_WORDS = 250


def story_summary(articles: list[Article], words: int = SUMMARY_WORDS) -> list[Sentence]:
    """What a story is about: the summary of all its articles, best sentence first."""
    return summarise(articles, words)
