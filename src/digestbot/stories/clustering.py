"""Group articles about one event into stories, incrementally. Pure: no I/O.

An article is a bag of words (title words weigh more), tokenised and stop-worded as
scikit-learn's `TfidfVectorizer` does, with sublinear term frequencies. Its TF-IDF vector uses
document frequencies kept as articles arrive (no fitting pass), so the live service and a batch
run see the same thing. Single-pass clustering: an article joins the story whose centroid is most
cosine-similar if that cosine reaches the threshold, else it starts a story. Candidate stories
come from an inverted index of each story's distinctive terms, so adding an article costs a
bounded number of comparisons, not one per stored story. When an article is close to two
stories and those stories are close to each other, the later articles have bridged them: they
merge. A story far away in time needs a stronger match. Threshold and time rule are measured in
`benchmarks/bench_real_stories.py`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache

from ..domain.models import Article, ArticleKind, SourceRef, Story, Topic, WireCopy
from ..text.tfidf import analyse

THRESHOLD = 0.13  # cosine to join a story (chosen by cross-validation in the benchmark)
TITLE_WEIGHT = 2.0  # a title word counts as this many body words
MAX_DF = 0.5  # a term in more than this share of articles carries no story signal
MIN_ARTICLES_FOR_MAX_DF = 20  # below this, document frequencies say too little
VECTOR_TERMS = 100  # an article's heaviest terms: the rest adds cost more than signal
INDEX_TERMS = 20  # an article's most distinctive terms, indexed for candidate lookup
MAX_POSTING = 400  # a term indexed by more stories than this picks no candidates
MAX_CANDIDATES = 10  # stories compared in full per added article
NEAR_DAYS = 3.0  # within this many days of a story's dates a weaker match will do
NEAR_FACTOR = 0.8  # ... this many times the threshold
GAP_DAYS = 90.0  # beyond this gap to a story's dates a stronger match is needed
GAP_FACTOR = 1.3  # ... this many times the threshold
MERGE_FACTOR = 3.0  # two stories merge when their centroids reach this many times the threshold


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


@lru_cache(maxsize=65536)
def _log1p(count: int) -> float:
    """log(1 + a document frequency): the IDF's only varying part (counts repeat a lot)."""
    return math.log1p(count)


def term_counts(article: Article) -> dict[str, float]:
    """Sublinear term frequencies of title and text: computed once per article."""
    counts: Counter = Counter(analyse(" ".join(article.sentences)))
    for term in analyse(article.title or ""):
        counts[term] += TITLE_WEIGHT
    return {t: 1.0 + math.log(c) for t, c in counts.items()}


@dataclass(eq=False)
class _StoryState:
    key: str
    index: int
    articles: list[Article] = field(default_factory=list)
    vectors: list[dict[str, float]] = field(default_factory=list)  # unit TF-IDF at arrival
    centroid: dict[str, float] = field(default_factory=dict)  # sum of the articles' vectors
    sq_norm: float = 0.0
    first: datetime | None = None
    last: datetime | None = None
    merged_into: _StoryState | None = None

    def gap_days(self, published: datetime) -> float:
        if self.first is None or self.last is None:
            return 0.0
        if published < self.first:
            return (self.first - published).total_seconds() / 86400
        if published > self.last:
            return (published - self.last).total_seconds() / 86400
        return 0.0


class StoryClusterer:
    """Incremental clustering: `add(article)` returns the story key it joined or started."""

    def __init__(self, topics: list[Topic] | tuple[Topic, ...] = (), threshold: float = THRESHOLD,
                 gap_days: float = GAP_DAYS, gap_factor: float = GAP_FACTOR,
                 merge_factor: float = MERGE_FACTOR, near_days: float = NEAR_DAYS,
                 near_factor: float = NEAR_FACTOR):
        self.topics = list(topics)
        self.threshold = threshold
        self.gap_days = gap_days
        self.gap_factor = gap_factor
        self.merge_factor = merge_factor
        self.near_days = near_days
        self.near_factor = near_factor
        self._df: Counter = Counter()
        self._n = 0
        self._stories: list[_StoryState] = []
        self._by_key: dict[str, _StoryState] = {}
        self._by_article: dict[str, _StoryState] = {}
        self._postings: dict[str, set[int]] = {}
        self.retired: set[str] = set()  # keys of stories merged into another (for live views)

    # -- vectors ------------------------------------------------------------------------
    def _vector(self, counts: dict[str, float]) -> dict[str, float]:
        """Unit TF-IDF vector of the heaviest terms, with the document frequencies known now."""
        limit = self._n * MAX_DF if self._n >= MIN_ARTICLES_FOR_MAX_DF else math.inf
        log_n, df = math.log(1 + self._n) + 1.0, self._df
        weights = [(c * (log_n - _log1p(df[t])), t) for t, c in counts.items() if df[t] <= limit]
        heaviest = sorted(weights, reverse=True)[:VECTOR_TERMS]  # heaviest first: the index uses the order
        norm = math.sqrt(sum(w * w for w, _ in heaviest))
        return {t: w / norm for w, t in heaviest} if norm else {}

    @staticmethod
    def _dot(vec: dict[str, float], story: _StoryState) -> float:
        centroid = story.centroid
        return sum(v * centroid[t] for t, v in vec.items() if t in centroid)

    def _cosine(self, vec: dict[str, float], story: _StoryState) -> float:
        return self._dot(vec, story) / math.sqrt(story.sq_norm) if story.sq_norm > 0 else 0.0

    def _required(self, story: _StoryState, published: datetime) -> float:
        """The cosine an article needs to join: less within days of the story, more when far."""
        gap = story.gap_days(published)
        if gap <= self.near_days:
            return self.threshold * self.near_factor
        return self.threshold * (self.gap_factor if gap > self.gap_days else 1.0)

    # -- candidates ---------------------------------------------------------------------
    def _live(self, story: _StoryState) -> _StoryState:
        while story.merged_into is not None:
            story = story.merged_into
        return story

    def _candidates(self, vec: dict[str, float]) -> list[_StoryState]:
        """The stories sharing most of the article's distinctive terms (very common ones skipped)."""
        shared: Counter = Counter()
        for term in list(vec)[:INDEX_TERMS]:
            posting = self._postings.get(term)
            if posting and len(posting) <= MAX_POSTING:
                shared.update(posting)
        live: Counter = Counter()
        for index, count in shared.items():
            live[self._live(self._stories[index]).index] += count
        best = sorted(live, key=lambda i: (-live[i], i))[:MAX_CANDIDATES]
        return [self._stories[i] for i in sorted(best)]

    def _index(self, vec: dict[str, float], story: _StoryState) -> None:
        for term in list(vec)[:INDEX_TERMS]:
            self._postings.setdefault(term, set()).add(story.index)

    # -- API ----------------------------------------------------------------------------
    def add(self, article: Article) -> str:
        known = self._by_article.get(article.key)
        if known is not None:
            return self._live(known).key
        counts = term_counts(article)
        self._n += 1
        self._df.update(counts.keys())
        vec = self._vector(counts)
        matches = []
        for story in self._candidates(vec):
            score = self._cosine(vec, story)
            if score >= self._required(story, article.published):
                matches.append((score, story))
        matches.sort(key=lambda m: (-m[0], m[1].index))
        if matches:
            story = matches[0][1]
        else:
            key = "s-" + hashlib.sha1(article.key.encode("utf-8")).hexdigest()[:10]
            story = _StoryState(key=key, index=len(self._stories))
            self._stories.append(story)
            self._by_key[key] = story
        self._join(story, article, vec)
        for _, other in matches[1:]:
            if self._bridged(story, other):
                self._merge(story, other)
        return story.key

    def _join(self, story: _StoryState, article: Article, vec: dict[str, float]) -> None:
        story.sq_norm += 2 * self._dot(vec, story) + 1.0
        centroid = story.centroid
        for t, v in vec.items():
            centroid[t] = centroid.get(t, 0.0) + v
        story.articles.append(article)
        story.vectors.append(vec)
        story.first = min(filter(None, [story.first, article.published]))
        story.last = max(filter(None, [story.last, article.published]))
        self._index(vec, story)
        self._by_article[article.key] = story

    def _bridged(self, story: _StoryState, other: _StoryState) -> bool:
        """Two stories one article matched are one when their centroids are close too."""
        if story.sq_norm <= 0 or other.sq_norm <= 0:
            return False
        small, large = sorted((story, other), key=lambda s: len(s.centroid))
        cosine = self._dot(small.centroid, large) / math.sqrt(story.sq_norm * other.sq_norm)
        return cosine >= self.threshold * self.merge_factor

    def _merge(self, story: _StoryState, other: _StoryState) -> None:
        """Fold `other` into `story`; the older key stays (so does the older index entry)."""
        small, large = sorted((story, other), key=lambda s: len(s.centroid))
        story.sq_norm += other.sq_norm + 2 * self._dot(small.centroid, large)
        for t, v in other.centroid.items():
            story.centroid[t] = story.centroid.get(t, 0.0) + v
        story.articles.extend(other.articles)
        story.vectors.extend(other.vectors)
        story.first = min(filter(None, [story.first, other.first]))
        story.last = max(filter(None, [story.last, other.last]))
        other.merged_into = story
        other.articles, other.vectors, other.centroid = [], [], {}
        del self._by_key[other.key]
        if other.index < story.index:  # the story that came first keeps its key
            del self._by_key[story.key]
            story.key, other.key = other.key, story.key
            self._by_key[story.key] = story
        self.retired.add(other.key)

    def set_copies(self, article_key: str, copies: list[WireCopy]) -> str:
        """An added article was carried by more inputs: its story holds a copy of it that lists
        them (articles are frozen). Returns the story key."""
        story = self._live(self._by_article[article_key])
        story.articles = [replace(a, copies=list(copies)) if a.key == article_key else a
                          for a in story.articles]
        return story.key

    def story_key_of(self, article_key: str) -> str | None:
        story = self._by_article.get(article_key)
        return self._live(story).key if story is not None else None

    def stories(self) -> list[Story]:
        return [self._to_story(s) for s in self._stories if s.merged_into is None]

    def story(self, key: str) -> Story:
        """One story as it stands now (KeyError if unknown): costs the size of that story only."""
        return self._to_story(self._by_key[key])

    def __len__(self) -> int:
        """How many articles were added."""
        return self._n

    # -- output -------------------------------------------------------------------------
    def _central_articles(self, state: _StoryState) -> list[Article]:
        """The articles nearest the story's centroid, most central first."""
        scored = sorted(((self._cosine(v, state), a) for a, v in zip(state.articles, state.vectors)),
                        key=lambda s: (-s[0], s[1].published, s[1].key))
        best = scored[0][0]
        return [a for c, a in scored if c >= 0.85 * best]

    def _to_story(self, state: _StoryState) -> Story:
        articles = sorted(state.articles, key=lambda a: (a.published, a.key))
        return Story(
            key=state.key,
            title=story_headline(self._central_articles(state)),
            articles=articles,
            topics=assign_topics(articles, self.topics),
        )


# -- headline -----------------------------------------------------------------------------

_DATELINE = re.compile(r"^(?:[A-Z][A-Za-z.'-]*[ ,]*){1,5}(?:\([A-Za-z. ]+\))?\s*(?:--|_|—|–|-|:)\s+")
_CLAUSE_END = re.compile(r"[,;:]\s|\s[—–-]+\s")
HEADLINE_WORDS = 14


def _shouts(title: str) -> bool:
    letters = [c for c in title if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def lead_clause(sentence: str) -> str:
    """A headline made from a lead sentence: dateline dropped, its first clause, a few words."""
    text = _DATELINE.sub("", sentence.strip(), count=1)
    match = _CLAUSE_END.search(text)
    if match and len(text[:match.start()].split()) >= 5:
        text = text[:match.start()]
    words = text.split()
    text = " ".join(words[:HEADLINE_WORDS]) + ("..." if len(words) > HEADLINE_WORDS else "")
    return text.rstrip(" .,;:")


def story_headline(central: list[Article]) -> str:
    """The most central article's title; a normally cased news title among the central ones is
    preferred to one in capitals or an opinion piece's; with no title, the lead clause."""
    titled = [a for a in central if (a.title or "").strip()]
    if titled:
        best = min(titled, key=lambda a: (_shouts(a.title), a.kind == ArticleKind.OPINION))
        return best.title.strip()
    lead = next((a for a in central if a.sentences), None)
    return lead_clause(lead.sentences[0]) if lead else ""


# -- topics -------------------------------------------------------------------------------

LEAD_SENTENCES = 2  # a keyword here says what the article is about
MENTIONS_ABOUT = 3  # ... as do this many mentions anywhere in it
TOPIC_SHARE = 1 / 3  # a story is about a topic when this share of its articles are


def _keyword_pattern(topic: Topic) -> re.Pattern | None:
    words = [k for k in topic.keywords if k.strip()]
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def article_is_about(article: Article, pattern: re.Pattern) -> bool:
    """A keyword in the title or lead, or several mentions: not one passing mention."""
    lead = " ".join([article.title or "", *article.sentences[:LEAD_SENTENCES]])
    if pattern.search(lead):
        return True
    mentions = sum(len(pattern.findall(s)) for s in article.sentences[LEAD_SENTENCES:])
    return mentions >= MENTIONS_ABOUT


def assign_topics(articles: list[Article], topics: list[Topic] | tuple[Topic, ...]) -> tuple[str, ...]:
    """The topics a story is about, the one most of its articles are about first."""
    shares = []
    for order, topic in enumerate(topics):
        pattern = _keyword_pattern(topic)
        if pattern is None or not articles:
            continue
        about = sum(article_is_about(a, pattern) for a in articles)
        if about and about >= TOPIC_SHARE * len(articles):
            shares.append((-about, order, topic.name))
    return tuple(name for *_, name in sorted(shares))


def assign_topic(articles: list[Article], topics: list[Topic]) -> Topic | None:
    """The story's main topic (the first of `assign_topics`), or None."""
    names = assign_topics(articles, topics)
    return next((t for t in topics if names and t.name == names[0]), None)


def cluster_articles(articles: list[Article], topics: list[Topic] | tuple[Topic, ...] = (),
                     threshold: float = THRESHOLD) -> list[Story]:
    """Cluster a batch (oldest first, so results do not depend on input order)."""
    clusterer = StoryClusterer(topics, threshold=threshold)
    for article in sorted(articles, key=lambda a: (a.published, a.key)):
        clusterer.add(article)
    return clusterer.stories()
