"""Build a digest: cluster articles into stories, fill what's new and facts, rank. Pure."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timezone

from .facts import extract_facts
from ..domain.models import Article, Digest, Story, Topic, as_utc
from .novelty import whats_new
from .clustering import cluster_articles

TOPIC_BONUS = 3.0
RECENCY_HALF_LIFE_HOURS = 36.0
# a topic's coverage read for one answer: its newest articles, this many (about 0.3 s of facts)
TOPIC_ARTICLES = 200


def score_parts(story: Story, followed: set[str]) -> tuple[float, float, datetime]:
    """(importance, topic bonus, newest publication): the parts of a score that do not
    depend on the reference time, so a live digest can re-rank without reading articles."""
    n_articles = len(story.articles)
    n_sources = len({outlet for a in story.articles for outlet in a.outlets})
    importance = math.log1p(n_articles) + 0.5 * math.log1p(n_sources) + 0.1 * min(5, len(story.whats_new))
    newest = max(a.published for a in story.articles)
    bonus = TOPIC_BONUS if set(story.topics) & followed else 0.0
    return importance, bonus, newest


def score_from_parts(parts: tuple[float, float, datetime], reference: datetime) -> float:
    importance, bonus, newest = parts
    age_hours = max(0.0, (reference - newest).total_seconds() / 3600)
    recency = 2.0 * 0.5 ** (age_hours / RECENCY_HALF_LIFE_HOURS)
    return round(importance + recency + bonus, 4)


def score_story(story: Story, reference: datetime, followed: set[str]) -> float:
    """Importance (articles, distinct outlets, developments) plus recency, followed topics first.

    Recency is measured against `reference` (the digest's `now`, else its newest article), so
    the same input always ranks the same way.
    """
    return score_from_parts(score_parts(story, followed), reference)


def reference_time(articles, wall_clock: datetime | None = None) -> datetime:
    """What recency is measured from without a `now`: the newest article not dated in the
    future (one misdated article must not make every other story look old), else the clock."""
    wall_clock = wall_clock or datetime.now(timezone.utc)
    return max((a.published for a in articles if a.published <= wall_clock), default=wall_clock)


def fill_story(story: Story, since: datetime | None = None) -> Story:
    """The per-story step: what's new and facts, from the story's own articles only."""
    return replace(story, whats_new=whats_new(story.articles, since), facts=extract_facts(story))


def topic_story(stories: list[Story], topic: Topic) -> Story | None:
    """A followed topic's coverage as one story, for the answers that read a topic whole (its
    facts, their sentences, sources, summary and timeline). The clusterer splits a topic's coverage
    into events and side stories, and the largest alone misses what the others report."""
    if len(stories) <= 1:
        return stories[0] if stories else None
    articles = sorted({a.key: a for s in stories for a in s.articles}.values(), key=lambda a: (a.published, a.key))
    whole = Story(key=f"topic:{topic.name}", title=topic.title or topic.name, articles=articles[-TOPIC_ARTICLES:],
                  topics=(topic.name,))
    return replace(whole, facts=extract_facts(whole))


def rank_stories(stories: list[Story], reference: datetime, topics: list[Topic],
                 max_stories: int | None = None) -> list[Story]:
    """Filled stories scored against `reference` (scored copies), best first."""
    followed = {t.name for t in topics}
    scored = [replace(story, score=score_story(story, reference, followed)) for story in stories]
    scored.sort(key=lambda s: (-s.score, -max(a.published for a in s.articles).timestamp(), s.key))
    return scored if max_stories is None else scored[:max(0, max_stories)]


def build_digest(
    articles: list[Article],
    topics: list[Topic],
    since: datetime | None = None,
    now: datetime | None = None,
    max_stories: int | None = None,
) -> Digest:
    if now is not None:
        now = as_utc(now)
    stories = cluster_articles(articles, topics)
    reference = now or reference_time(articles)
    stories = rank_stories([fill_story(story, since) for story in stories], reference, topics, max_stories)
    return Digest(stories=stories, generated_at=now or datetime.now(timezone.utc), since=since)
