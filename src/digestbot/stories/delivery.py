"""What one subscription gets out of the digest: filters, the catch-up window, threads, and
the breaking lane's interval. Pure: no I/O.

A subscription's options (`domain.records.SubscriptionOptions`) narrow the stories of its topic:
- `include`: keep a story only if one of the words is in an article's title or text;
- `exclude`: drop a story if one of the words is in an article's title or key points
  (not anywhere in the text: one passing mention should not hide a story);
- `sources`: keep only articles (and what's-new items) from these outlets;
- `skip_sources`: leave out articles (and items) from these outlets.
Words match whole words, case-insensitively; outlets match the source name or the URL's host.

`since` (the catch-up window): items and articles published before it are left out, so a
new subscription starts with at most the window's news rather than everything stored.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from ..domain.models import Article, SourceRef, Story
from ..domain.records import SubscriptionOptions

DEFAULT_BREAKING_MINUTES = 60
MIN_BREAKING_MINUTES = 5
MAX_BREAKING_MINUTES = 7 * 24 * 60
_INTERVAL = re.compile(r"^(\d{1,4})\s*([mhd])$")


def parse_breaking(value: str) -> int | None:
    """The breaking lane's interval in minutes: `on` (hourly), `off` (None), or `30m`, `2h`,
    `1d`; ValueError naming the problem."""
    word = value.strip().lower()
    if word == "off":
        return None
    if word == "on":
        return DEFAULT_BREAKING_MINUTES
    match = _INTERVAL.match(word)
    if not match:
        raise ValueError(f"not on, off or an interval: {value[:40]}")
    minutes = int(match.group(1)) * {"m": 1, "h": 60, "d": 24 * 60}[match.group(2)]
    if not MIN_BREAKING_MINUTES <= minutes <= MAX_BREAKING_MINUTES:
        raise ValueError(f"{value[:40]} is out of range: between {MIN_BREAKING_MINUTES} minutes and 7 days")
    return minutes


def _word_pattern(words: Iterable[str]) -> re.Pattern | None:
    words = [w for w in words if w]
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _host(url: str | None) -> str:
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


def _outlet_matches(source: str, url: str | None, names: tuple[str, ...]) -> bool:
    host = _host(url)
    for name in names:
        wanted = name.lower().strip()
        if source.lower() == wanted or (host and (host == wanted or host.endswith("." + wanted))):
            return True
    return False


def _source_allowed(source: str, url: str | None, options: SubscriptionOptions) -> bool:
    if options.sources and not _outlet_matches(source, url, options.sources):
        return False
    return not (options.skip_sources and _outlet_matches(source, url, options.skip_sources))


def _ref_allowed(ref: SourceRef, options: SubscriptionOptions, since: datetime | None) -> bool:
    return _source_allowed(ref.source, ref.url, options) and (since is None or ref.published >= since)


def _article_allowed(article: Article, options: SubscriptionOptions, since: datetime | None) -> bool:
    return _source_allowed(article.source, article.url, options) and (since is None or article.published >= since)


def _mentions(pattern: re.Pattern, articles: list[Article], *, full_text: bool) -> bool:
    for article in articles:
        texts = [article.title, *article.key_points] + (article.sentences if full_text else [])
        if any(pattern.search(text) for text in texts):
            return True
    return False


def in_topics(story: Story, topics: Iterable[str]) -> bool:
    """Whether a subscription to these topics (`*`: all) brings this story: a story belongs
    to every topic it is about, not only to its main one."""
    wanted = set(topics)
    return "*" in wanted or any(topic in wanted for topic in story.topics)


def story_for_subscription(story: Story, options: SubscriptionOptions, since: datetime | None = None) -> Story | None:
    """The story as this subscription sees it, or None when nothing of it is for them.

    Its articles and what's-new items are narrowed to the allowed sources and the window;
    a story left with no articles, or with what's new before and none left, is dropped.
    """
    if not options.filters and since is None:
        return story
    articles = [a for a in story.articles if _article_allowed(a, options, since)]
    if not articles:
        return None
    include, exclude = _word_pattern(options.include), _word_pattern(options.exclude)
    if include is not None and not _mentions(include, articles, full_text=True):
        return None
    if exclude is not None and _mentions(exclude, articles, full_text=False):
        return None
    items = [i for i in story.whats_new if any(_ref_allowed(r, options, since) for r in i.sources)]
    if story.whats_new and not items:
        return None
    return dataclasses.replace(story, articles=articles, whats_new=items)


def window_start(subscribed_at: datetime | None, catch_up: float) -> datetime | None:
    """Where a subscription's memory starts: `catch_up` hours before it was made."""
    return None if subscribed_at is None else subscribed_at - timedelta(hours=catch_up)
