"""Group articles about one event into stories, incrementally. Pure: no I/O.

Similarity between an article and a story combines
- content: TF-IDF cosine over canonical content terms of title, key points and sentences
  (the IDF is kept up to date as articles arrive),
- entities: share of the article's salient names and places that the story also names,
- time: full weight within a few days, fading over weeks (strong agreement still merges).
A story keeps running sums, so adding an article costs one comparison per story.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from ..models import Article, ArticleKind, SourceRef, Story, Topic
from ..text.features import canonical_terms, entity_set

TITLE_WEIGHT = 3.0
KEY_POINT_WEIGHT = 1.5
MAX_POSTING = 60  # a term or name shared by more stories than this does not pick candidates
MAX_CANDIDATES = 25  # stories compared in full per added article


def source_ref(article: Article) -> SourceRef:
    return SourceRef(
        article_key=article.key,
        source=article.source,
        kind=article.kind,
        published=article.published,
        title=article.title,
        url=article.url,
        outlets=article.outlets,
    )


@dataclass
class _ArticleFeatures:
    terms: Counter
    entities: Counter
    norm: float | None = None
    weights2: dict[str, float] | None = None  # tf * idf^2, fixed for one add()


def article_features(article: Article) -> _ArticleFeatures:
    terms: Counter = Counter()
    for t in canonical_terms(article.title):
        terms[t] += TITLE_WEIGHT
    for kp in article.key_points:
        for t in canonical_terms(kp):
            terms[t] += KEY_POINT_WEIGHT
    for s in article.sentences:
        for t in canonical_terms(s):
            terms[t] += 1.0
    ents = entity_set([article.title, *article.sentences])
    return _ArticleFeatures(terms, ents)


@dataclass(eq=False)
class _StoryState:
    key: str
    articles: list[Article] = field(default_factory=list)
    features: list[_ArticleFeatures] = field(default_factory=list)
    terms: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None
    norm: float | None = None  # cached TF-IDF norm of `terms`
    norm_at: int = 0  # corpus size when `norm` was computed
    salient: set[str] | None = None  # cached salient entities
    index: int = 0  # position in the clusterer's list


def _salient(ents: Counter, limit: int = 12) -> set[str]:
    """The names an article (or story) is about: the most mentioned ones, capped."""
    return {e for e, _ in ents.most_common(limit)}


class StoryClusterer:
    """Incremental clustering: `add(article)` returns the story key it joined or started.

    Each addition compares the article with the stories that share one of its salient terms
    or names (an inverted index), using cached story norms, so it stays cheap as stories grow.
    """

    def __init__(self, topics: list[Topic] | tuple[Topic, ...] = (), threshold: float = 0.3,
                 window_days: float = 4.0):
        self.topics = list(topics)
        self.threshold = threshold
        self.window_days = window_days
        self._df: Counter = Counter()
        self._entity_df: Counter = Counter()
        self._n = 0
        self._stories: list[_StoryState] = []
        self._by_key: dict[str, _StoryState] = {}
        self._by_article: dict[str, str] = {}
        self._postings: dict[str, set[int]] = {}

    # -- similarity ---------------------------------------------------------------------
    def _idf(self, term: str) -> float:
        return math.log((1 + self._n) / (1 + self._df[term])) + 1.0

    def _entity_idf(self, name: str) -> float:
        return math.log((1 + self._n) / (1 + self._entity_df[name])) + 1.0

    def _norm(self, counter: Counter) -> float:
        return math.sqrt(sum((v * self._idf(t)) ** 2 for t, v in counter.items()))

    def _story_norm(self, story: _StoryState) -> float:
        if story.norm is None or self._n > story.norm_at * 1.2 + 2:
            story.norm = self._norm(story.terms)
            story.norm_at = self._n
        return story.norm

    def _cosine(self, a: Counter, b: Counter, nb: float | None = None, na: float | None = None) -> float:
        if not a or not b:
            return 0.0
        dot = sum(v * b[t] * self._idf(t) ** 2 for t, v in a.items() if t in b)
        na = na if na is not None else self._norm(a)
        nb = nb if nb is not None else self._norm(b)
        return dot / (na * nb) if na and nb else 0.0

    def _time_factor(self, published: datetime, story: _StoryState) -> float:
        if story.first is None or story.last is None:
            return 1.0
        gap = 0.0
        if published < story.first:
            gap = (story.first - published).total_seconds() / 86400
        elif published > story.last:
            gap = (published - story.last).total_seconds() / 86400
        if gap <= self.window_days:
            return 1.0
        return max(0.4, 1.0 - (gap - self.window_days) / 30.0)

    def _entity_overlap(self, feats: _ArticleFeatures, story: _StoryState) -> float:
        """Share of the article's salient names the story also names, rare names weighing more."""
        mine = _salient(feats.entities)
        if not mine:
            return 0.0
        if story.salient is None:
            story.salient = _salient(story.entities, 12 + 4 * len(story.articles))
        theirs = story.salient
        weights = {e: self._entity_idf(e) for e in mine}
        total = sum(sorted(weights.values(), reverse=True)[:8])
        return min(1.0, sum(w for e, w in weights.items() if e in theirs) / total) if total else 0.0

    def similarity(self, feats: _ArticleFeatures, published: datetime, story: _StoryState) -> float:
        if feats.norm is None:
            feats.norm = self._norm(feats.terms)
        if feats.weights2 is None:
            feats.weights2 = {t: v * self._idf(t) ** 2 for t, v in feats.terms.items()}
        nb = self._story_norm(story)
        dot = sum(w * story.terms[t] for t, w in feats.weights2.items() if t in story.terms)
        content = dot / (feats.norm * nb) if feats.norm and nb else 0.0
        entity = self._entity_overlap(feats, story)
        return (0.6 * content + 0.4 * entity) * self._time_factor(published, story)

    def _keys(self, feats: _ArticleFeatures) -> list[str]:
        """Index keys: the article's most distinctive terms and its salient names."""
        top = sorted(feats.terms, key=lambda t: -feats.terms[t] * self._idf(t))[:30]
        return [*top, *(f"@{e}" for e in _salient(feats.entities))]

    def _candidates(self, feats: _ArticleFeatures) -> list[_StoryState]:
        """The stories sharing the most keys with the article (keys in very many stories skipped)."""
        shared: Counter = Counter()
        for key in self._keys(feats):
            posting = self._postings.get(key, set())
            if len(posting) <= MAX_POSTING:
                shared.update(posting)
        best = sorted(shared, key=lambda i: (-shared[i], i))[:MAX_CANDIDATES]
        return [self._stories[i] for i in sorted(best)]

    def _index(self, feats: _ArticleFeatures, story_index: int) -> None:
        for key in self._keys(feats):
            self._postings.setdefault(key, set()).add(story_index)

    # -- API ----------------------------------------------------------------------------
    def add(self, article: Article) -> str:
        if article.key in self._by_article:
            return self._by_article[article.key]
        feats = article_features(article)
        self._n += 1
        self._df.update(feats.terms.keys())
        self._entity_df.update(feats.entities.keys())
        best, best_score = None, 0.0
        for story in self._candidates(feats):
            score = self.similarity(feats, article.published, story)
            if score > best_score:
                best, best_score = story, score
        if best is None or best_score < self.threshold:
            key = "s-" + hashlib.sha1(article.key.encode("utf-8")).hexdigest()[:10]
            best = _StoryState(key=key, index=len(self._stories))
            self._stories.append(best)
            self._by_key[key] = best
        best.articles.append(article)
        best.features.append(feats)
        best.terms.update(feats.terms)
        best.entities.update(feats.entities)
        best.norm = None
        best.salient = None
        best.first = min(filter(None, [best.first, article.published]))
        best.last = max(filter(None, [best.last, article.published]))
        self._index(feats, best.index)
        self._by_article[article.key] = best.key
        return best.key

    def story_key_of(self, article_key: str) -> str | None:
        return self._by_article.get(article_key)

    def stories(self) -> list[Story]:
        return [self._to_story(s) for s in self._stories]

    def story(self, key: str) -> Story:
        """One story as it stands now (KeyError if unknown): costs the size of that story only."""
        return self._to_story(self._by_key[key])

    def __len__(self) -> int:
        """How many articles were added."""
        return self._n

    # -- output -------------------------------------------------------------------------
    def _central_title(self, state: _StoryState) -> str:
        """The newest news headline among the most central articles (opinion titles last)."""
        if len(state.articles) == 1:
            return state.articles[0].title
        norm = self._norm(state.terms)
        scored = [(self._cosine(f.terms, state.terms, norm), a)
                  for a, f in zip(state.articles, state.features)]
        best = max(c for c, _ in scored)
        central = [a for c, a in scored if c >= 0.85 * best]
        return max(central, key=lambda a: (a.kind != ArticleKind.OPINION, a.published, a.key)).title

    def _to_story(self, state: _StoryState) -> Story:
        articles = sorted(state.articles, key=lambda a: (a.published, a.key))
        topic = assign_topic(articles, self.topics)
        return Story(
            key=state.key,
            title=topic.title if topic else self._central_title(state),
            articles=articles,
            topic=topic.name if topic else None,
        )


def topic_mentions(articles: list[Article], topic: Topic) -> tuple[int, int]:
    """(distinct keywords matched, total mentions) of a topic's keywords, case-insensitive."""
    text = "\n".join(f"{a.title}\n" + "\n".join(a.sentences) for a in articles).lower()
    distinct = total = 0
    for kw in topic.keywords:
        n = text.count(kw.lower())
        if n:
            distinct += 1
            total += n
    return distinct, total


def assign_topic(articles: list[Article], topics: list[Topic]) -> Topic | None:
    """The topic whose keywords the story mentions most (two mentions at least)."""
    best, best_key = None, (0, 0)
    for topic in topics:
        distinct, total = topic_mentions(articles, topic)
        if total >= 2 and (distinct, total) > best_key:
            best, best_key = topic, (distinct, total)
    return best


def cluster_articles(articles: list[Article], topics: list[Topic] | tuple[Topic, ...] = (),
                     threshold: float = 0.3) -> list[Story]:
    """Cluster a batch (oldest first, so results do not depend on input order)."""
    clusterer = StoryClusterer(topics, threshold=threshold)
    for article in sorted(articles, key=lambda a: (a.published, a.key)):
        clusterer.add(article)
    return clusterer.stories()
