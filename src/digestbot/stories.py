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

from .models import Article, SourceRef, Story, Topic
from .textfeatures import canonical_terms, entity_set

TITLE_WEIGHT = 3.0
KEY_POINT_WEIGHT = 1.5


def source_ref(article: Article) -> SourceRef:
    return SourceRef(
        article_key=article.key,
        source=article.source,
        kind=article.kind,
        published=article.published,
        title=article.title,
        url=article.url,
    )


@dataclass
class _ArticleFeatures:
    terms: Counter
    entities: Counter


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


@dataclass
class _StoryState:
    key: str
    articles: list[Article] = field(default_factory=list)
    features: list[_ArticleFeatures] = field(default_factory=list)
    terms: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None


def _salient(ents: Counter, limit: int = 12) -> set[str]:
    """The names an article is about: repeated ones first, then the rest, capped."""
    ranked = [e for e, _ in ents.most_common()]
    return set(ranked[:limit])


class StoryClusterer:
    """Incremental clustering: `add(article)` returns the story key it joined or started."""

    def __init__(self, topics: list[Topic] | tuple[Topic, ...] = (), threshold: float = 0.3,
                 window_days: float = 4.0):
        self.topics = list(topics)
        self.threshold = threshold
        self.window_days = window_days
        self._df: Counter = Counter()
        self._n = 0
        self._stories: list[_StoryState] = []
        self._by_article: dict[str, str] = {}

    # -- similarity ---------------------------------------------------------------------
    def _idf(self, term: str) -> float:
        return math.log((1 + self._n) / (1 + self._df[term])) + 1.0

    def _cosine(self, a: Counter, b: Counter) -> float:
        if not a or not b:
            return 0.0
        wa = {t: v * self._idf(t) for t, v in a.items()}
        wb = {t: v * self._idf(t) for t, v in b.items()}
        dot = sum(v * wb[t] for t, v in wa.items() if t in wb)
        na = math.sqrt(sum(v * v for v in wa.values()))
        nb = math.sqrt(sum(v * v for v in wb.values()))
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

    def similarity(self, feats: _ArticleFeatures, published: datetime, story: _StoryState) -> float:
        content = self._cosine(feats.terms, story.terms)
        mine = _salient(feats.entities)
        theirs = set(story.entities)
        entity = len(mine & theirs) / max(1, min(len(mine), 8)) if mine else 0.0
        entity = min(1.0, entity)
        return (0.6 * content + 0.4 * entity) * self._time_factor(published, story)

    # -- API ----------------------------------------------------------------------------
    def add(self, article: Article) -> str:
        if article.key in self._by_article:
            return self._by_article[article.key]
        feats = article_features(article)
        self._n += 1
        for t in feats.terms:
            self._df[t] += 1
        best, best_score = None, 0.0
        for story in self._stories:
            score = self.similarity(feats, article.published, story)
            if score > best_score:
                best, best_score = story, score
        if best is None or best_score < self.threshold:
            key = "s-" + hashlib.sha1(article.key.encode("utf-8")).hexdigest()[:10]
            best = _StoryState(key=key)
            self._stories.append(best)
        best.articles.append(article)
        best.features.append(feats)
        best.terms.update(feats.terms)
        best.entities.update(feats.entities)
        best.first = min(filter(None, [best.first, article.published]))
        best.last = max(filter(None, [best.last, article.published]))
        self._by_article[article.key] = best.key
        return best.key

    def story_key_of(self, article_key: str) -> str | None:
        return self._by_article.get(article_key)

    def stories(self) -> list[Story]:
        return [self._to_story(s) for s in self._stories]

    # -- output -------------------------------------------------------------------------
    def _central_title(self, state: _StoryState) -> str:
        if len(state.articles) == 1:
            return state.articles[0].title
        scored = [
            (self._cosine(f.terms, state.terms), -i, a.title)
            for i, (a, f) in enumerate(zip(state.articles, state.features))
        ]
        return max(scored)[2]

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
