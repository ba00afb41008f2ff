"""Every port the service layer depends on, in one place: the storage, posting and fetching
interfaces that `storage/`, the adapters and `ingest/` implement, each with an in-memory twin
in `tests/fakes.py`; and the management commands' feed reader and cron times, which `ingest/`
and `run/scheduling.py` implement (their tests use the real ones over a recording fetcher)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from .models import Article, Claim, Digest, FeedState, InputError, Topic
from .records import (AuditEntry, Delivery, FeedSample, ShownStory, StoredFeed, StoredTopic, Subscription,
                      SubscriptionOptions, UpsertOutcome, Upserted)

# --- storage ports -------------------------------------------------------------------------
# Implemented in `digestbot.storage` on SQLAlchemy; twins in `tests/fakes.py`. The methods are
# the ones the service and the process call (a repository may have more, for tests and tools).


class ArticleStore(Protocol):
    """The stored articles: the service ingests into it and builds stories from it."""

    def upsert(self, article: Article) -> UpsertOutcome: ...

    def upsert_many(self, articles: list[Article]) -> list[Upserted | InputError]: ...

    def all_articles(self) -> list[Article]: ...

    def count(self) -> int: ...


class Ledger(Protocol):
    """The exactly-once record of digests, shared by every process on one database.

    `claim` succeeds for one caller only. An attempt interrupted by shutdown, or a claim left
    behind by a crash (after its lease), is taken over as RECOVER: the publisher then checks
    the platform for an earlier post of the same period (message metadata) before posting.
    """

    def claim(self, destination: str, period: str, now: datetime) -> Claim | None: ...
    def complete(self, destination: str, period: str, message_id: str | None) -> None: ...
    def release(self, destination: str, period: str) -> None: ...
    def interrupt(self, destination: str, period: str) -> None: ...
    def mark_missed(self, destination: str, period: str, now: datetime) -> bool: ...
    def started(self, destination: str, now: datetime) -> datetime: ...  # first scheduled (now if new)
    def skip(self, destination: str, period: str) -> None: ...
    def recent(self, platform: str, channel: str, limit: int = 3) -> list[Delivery]: ...


class PostedItems(Protocol):
    """Channel memory: the what's-new items (by fingerprint) each destination was shown."""

    def seen(self, destination: str) -> set[str]: ...
    def remember(self, destination: str, fingerprints: Iterable[str], now: datetime) -> None: ...


class StoryPosts(Protocol):
    """Channel memory: per channel and article, the message that first showed its story (the
    thread later developments go to) and the breaking lane's last post about it."""

    def view(self, memory: str, article_keys: Iterable[str]) -> ShownStory: ...
    def anchor(self, memory: str, article_keys: Iterable[str]) -> str | None: ...
    def record(self, memory: str, article_keys: Iterable[str], message: str | None, now: datetime, *,
               breaking: bool = False) -> None: ...


class FeedHealth(Protocol):
    """A feed's polling state, read (`/digest feeds`)."""

    def load(self, url: str) -> FeedState: ...


class FeedStateStore(FeedHealth, Protocol):
    """Feed polling state: the poller loads and saves it; the feed-notice lane keeps whether
    a feed's failure was announced."""

    def save(self, state: FeedState) -> None: ...
    def notified_down(self, url: str) -> bool: ...
    def set_notified_down(self, url: str, value: bool) -> None: ...


class ManagementStore(Protocol):
    """Subscriptions, topics, feeds and the audit log; every change with its audit entry."""

    def seeded_entries(self) -> set[tuple[str, str]]: ...
    def seed(self, topics: list[Topic], feeds: list[dict], subscriptions: list[dict], now: datetime) -> bool: ...
    def topics(self) -> list[StoredTopic]: ...
    def feeds(self) -> list[StoredFeed]: ...
    def subscriptions(self, platform: str | None = None, channel: str | None = None) -> list[Subscription]: ...
    def audit(self, platform: str | None = None, channel: str | None = None, limit: int = 5) -> list[AuditEntry]: ...
    def save_subscription(self, platform: str, channel: str, topic: str, cron: str, timezone_name: str,
                          audit: AuditEntry, options: SubscriptionOptions | None = None,
                          ) -> tuple[Subscription | None, Subscription]: ...
    def remove_subscriptions(self, platform: str, channel: str, topic: str | None,
                             audit: AuditEntry) -> list[Subscription]: ...
    def add_topic(self, topic: Topic, audit: AuditEntry) -> bool: ...
    def remove_topic(self, name: str, audit: AuditEntry) -> tuple[StoredTopic, int] | None: ...
    def add_feed(self, url: str, every: str, topic: str | None, audit: AuditEntry) -> StoredFeed | None: ...
    def update_topic(self, topic: Topic, audit: AuditEntry) -> bool: ...
    def update_feed(self, feed_id: int, every: str, topic: str | None, audit: AuditEntry) -> StoredFeed | None: ...
    def remove_feed(self, feed_id: int, audit: AuditEntry) -> StoredFeed | None: ...


class SeenRequests(Protocol):
    """Signed platform requests already handled, shared by restarts and replicas."""

    def first_time(self, key: str, now: datetime) -> bool: ...


# Fetching (`ingest/`), which the feed poller uses.


class Fetcher(Protocol):
    """Fetches a URL safely (`digestbot.ingest.SafeFetcher`)."""

    def fetch(self, url: str, conditional: dict[str, str] | None = None): ...  # -> ingest's FetchResult


# --- posting ports -------------------------------------------------------------------------


class Publisher(Protocol):
    """A platform's way to post a digest; what else it can do is one of the abilities below."""

    async def publish(self, target: str, digest: Digest, period: str) -> str | None: ...


@runtime_checkable
class FindsPosted(Protocol):
    """A publisher that recognises its own earlier post of a period (used when recovering a claim)."""

    async def find_posted(self, target: str, period: str) -> str | None: ...


@runtime_checkable
class Notifies(Protocol):
    """A publisher that posts a short plain message (feed notices, breaking news without threads)."""

    async def notify(self, target: str, text: str) -> None: ...


@runtime_checkable
class Replies(Protocol):
    """A publisher that answers in a message's thread."""

    async def reply(self, target: str, anchor: str, text: str) -> str | None: ...


@dataclass(frozen=True)
class Skip:
    """What a post answers for a period it decided not to post (nothing new for the channel):
    the ledger records the period as skipped, so it is neither retried nor counted missed."""

    reason: str








class PostingMetrics(Protocol):
    """What posting reports: a digest's outcome, a platform's error, how late a digest was."""

    def digest(self, destination_id: str, outcome: str) -> None: ...
    def platform_error(self, destination_id: str, error: BaseException) -> None: ...
    def lag(self, platform: str, seconds: float) -> None: ...


# --- management ports: a feed read before it is added, a cron's next time ----------------------


class FeedReader(Protocol):
    """Reads a feed once before `/digest feeds add` stores it (`digestbot.ingest.feed_check.SafeFeedReader`)."""

    def check_url(self, url: str) -> None: ...  # a FetchError when the URL may not be fetched
    def sample(self, url: str) -> FeedSample: ...  # an InputError when it cannot be fetched


class NextFireTime(Protocol):
    """When a cron in an IANA zone fires next after `after` (None: never); a ScheduleError
    when the cron or the zone cannot be used (`digestbot.run.scheduling.next_fire_time`, on
    APScheduler, which only that module imports)."""

    def __call__(self, cron: str, timezone: str, after: datetime) -> datetime | None: ...
