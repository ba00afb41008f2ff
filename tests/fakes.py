"""Every test double in one place: fakes that hold state (cosmicpython's style), one definition
each, with an in-memory twin for each port the core depends on:

- the storage ports of `domain/ports.py`, each run against its SQL twin by
  `tests/unit/test_fakes.py`: `ArticleStore`: `InMemoryArticleStore`; `Ledger`:
  `InMemoryLedger`; `PostedItems`: `InMemoryPostedItems`; `StoryPosts`: `InMemoryStoryPosts`;
  `FeedStateStore`: `InMemoryFeedStates`; `ManagementStore`:
  `InMemoryManagementStore`; `SeenRequests`: `InMemorySeenRequests`
- `Fetcher` (domain/ports.py): `RecordingFetcher`
- `Publisher` (domain/ports.py): `RecordingPublisher`; the scheduler's post callback: `RecordingPoster`
- the adapters' `answer(text, context)`: `RecordingAnswer`
- clocks: `FakeClock` (datetimes), `FakeTime` (monotonic seconds and `sleep`)
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from digestbot.domain.models import Article, Claim, FeedState, HttpStatusError, InputError, Reply, ReplySection, Topic
from digestbot.domain.records import (AuditEntry, Delivery, ShownStory, StoredFeed, StoredTopic, Subscription,
                                      SubscriptionOptions, Upserted, UpsertOutcome, seed_key)


class FakeClock:
    """A clock the test moves by hand: `clock.now += timedelta(...)`."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class RecordingPoster:
    """A scheduler `post` callback that records what it was asked to post."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []

    async def __call__(self, destination: str, period: str, recovering: bool = False) -> str:
        self.sent.append((destination, period))
        return f"msg-{len(self.sent)}"


class RecordingPublisher:
    """A platform publisher that records what `digestbot run` posted: (target, period) per
    digest, the digests themselves, and any notices."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, str]] = []
        self.digests: list = []
        self.notices: list[tuple[str, str]] = []
        self.replies: list[tuple[str, str, str]] = []  # (target, thread, text)

    async def publish(self, target: str, digest, period: str) -> str:
        self.posts.append((target, period))
        self.digests.append(digest)
        return f"{target}:{period}"

    async def notify(self, target: str, text: str) -> None:
        self.notices.append((target, text))

    async def reply(self, target: str, thread: str, text: str) -> str:
        self.replies.append((target, thread, text))
        return f"{thread}/reply-{len(self.replies)}"


class FakeTime:
    """A monotonic clock that only moves when `sleep` is awaited: pacing tests never wait."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


STATE_VISIT_REPLY = Reply(title="Facts: state visit", sections=[ReplySection("Who", ["Lee Jae Myung (2 sources agree)"])])


class RecordingAnswer:
    """The command layer's port as the adapters call it, `answer(text, context) -> Reply`: records
    what was asked and by whom, and answers `reply`. `gate` holds the answer until the test sets
    it; `error` is raised instead of answering."""

    def __init__(self, reply: Reply | None = None, *, gate: threading.Event | None = None,
                 error: Exception | None = None):
        self.asked: list[str] = []
        self.contexts: list = []
        self.reply = reply or STATE_VISIT_REPLY
        self.gate = gate
        self.error = error

    def __call__(self, text: str, context=None) -> Reply:
        self.asked.append(text)
        self.contexts.append(context)
        if self.gate is not None and not self.gate.wait(timeout=10):
            raise TimeoutError("the test never released the answer")
        if self.error is not None:
            raise self.error
        return self.reply


class RecordingFetcher:
    """A fetcher that records what it was asked and fails: unit tests never fetch."""

    def __init__(self):
        self.asked: list[str] = []

    def fetch(self, url, conditional=None):
        self.asked.append(url)
        raise HttpStatusError(url, "HTTP 403", 403)


class InMemoryFeedStates:
    """The feed-state port (`FeedStateStore`, and `FeedHealth`, the part management reads) holding state as the database would."""

    def __init__(self):
        self.states: dict[str, FeedState] = {}
        self.announced_down: set[str] = set()

    def load(self, url: str) -> FeedState:
        return self.states.get(url, FeedState(url))

    def save(self, state: FeedState) -> None:
        self.states[state.url] = state

    def notified_down(self, url: str) -> bool:
        return url in self.announced_down

    def set_notified_down(self, url: str, value: bool) -> None:
        (self.announced_down.add if value else self.announced_down.discard)(url)


class InMemoryArticleStore:
    """The `ArticleStore` port in memory. An article is the same one when its URL (else its key)
    is: new text updates it, the same text leaves it unchanged. (Wire copies, which the SQL store
    records from the same text under another input, are not modelled.)"""

    def __init__(self, articles: list[Article] = ()):
        self._articles: dict[str, Article] = {}
        for article in articles:
            self.upsert(article)

    def _stored_key(self, article: Article) -> str | None:
        if article.url:
            found = next((key for key, a in self._articles.items() if a.url == article.url), None)
            if found is not None:
                return found
        return article.key if article.key in self._articles else None

    def _store(self, article: Article) -> Upserted:
        key = self._stored_key(article)
        if key is None:
            self._articles[article.key] = article
            return Upserted(UpsertOutcome.CREATED, article)
        previous = self._articles[key]
        if previous.content_hash == article.content_hash and previous.title == article.title:
            return Upserted(UpsertOutcome.UNCHANGED, previous)
        stored = self._articles[key] = replace(article, key=key)  # the stored article keeps its key
        return Upserted(UpsertOutcome.UPDATED, stored, previous)

    def upsert(self, article: Article) -> UpsertOutcome:
        return self._store(article).outcome

    def upsert_many(self, articles: list[Article]) -> list[Upserted | InputError]:
        return [self._store(article) for article in articles]

    def all_articles(self) -> list[Article]:
        return sorted(self._articles.values(), key=lambda a: (a.published, a.key))

    def count(self) -> int:
        return len(self._articles)


@dataclass
class _LedgerRow:
    status: str
    claimed_at: datetime
    completed_at: datetime | None = None
    message_id: str | None = None


class InMemoryLedger:
    """The `Ledger` port in memory: one row per (destination, period), taken over as the
    database's would be (interrupted, or claimed and older than the lease)."""

    def __init__(self, lease: timedelta = timedelta(minutes=10)):
        self.rows: dict[tuple[str, str], _LedgerRow] = {}
        self.starts: dict[str, datetime] = {}
        self._lease = lease

    def claim(self, destination: str, period: str, now: datetime) -> Claim | None:
        row = self.rows.get((destination, period))
        if row is None:
            self.rows[destination, period] = _LedgerRow("claimed", now)
            return Claim.FRESH
        if row.status == "interrupted" or (row.status == "claimed" and row.claimed_at < now - self._lease):
            row.status, row.claimed_at = "claimed", now
            return Claim.RECOVER
        return None

    def interrupt(self, destination: str, period: str) -> None:
        row = self.rows.get((destination, period))
        if row is not None and row.status == "claimed":
            row.status = "interrupted"

    def complete(self, destination: str, period: str, message_id: str | None) -> None:
        self._finish(destination, period, "posted", message_id)

    def skip(self, destination: str, period: str) -> None:
        self._finish(destination, period, "skipped", None)

    def _finish(self, destination: str, period: str, status: str, message_id: str | None) -> None:
        row = self.rows.get((destination, period))
        if row is not None:
            row.status, row.completed_at = status, datetime.now(timezone.utc)
            if status == "posted":
                row.message_id = message_id

    def release(self, destination: str, period: str) -> None:
        if self.status(destination, period) == "claimed":
            del self.rows[destination, period]

    def mark_missed(self, destination: str, period: str, now: datetime) -> bool:
        if (destination, period) in self.rows:
            return False
        self.rows[destination, period] = _LedgerRow("missed", now)
        return True

    def started(self, destination: str, now: datetime) -> datetime:
        return self.starts.setdefault(destination, now)

    def recent(self, platform: str, channel: str, limit: int = 3) -> list[Delivery]:
        base = f"{platform}:{channel}"
        mine = [(key, row) for key, row in self.rows.items() if key[0] == base or key[0].startswith(base + " [")]
        mine.sort(key=lambda item: item[1].claimed_at, reverse=True)
        return [Delivery(destination, period, row.status, row.completed_at or row.claimed_at)
                for (destination, period), row in mine[:limit]]

    def status(self, destination: str, period: str) -> str | None:
        row = self.rows.get((destination, period))
        return row.status if row else None


class InMemoryPostedItems:
    """The `PostedItems` port in memory: fingerprints per destination, each with its first time."""

    def __init__(self):
        self.posted: dict[str, dict[str, datetime]] = {}

    def seen(self, destination: str) -> set[str]:
        return set(self.posted.get(destination, {}))

    def remember(self, destination: str, fingerprints, now: datetime) -> None:
        items = self.posted.setdefault(destination, {})
        for fingerprint in fingerprints:
            items.setdefault(fingerprint, now)


@dataclass
class _StoryPost:
    message: str | None
    shown_at: datetime
    breaking_at: datetime | None = None


class InMemoryStoryPosts:
    """The `StoryPosts` port in memory: per channel and article, the first message that showed
    its story (the anchor) and the breaking lane's last post."""

    def __init__(self):
        self.posts: dict[tuple[str, str], _StoryPost] = {}

    def view(self, memory: str, article_keys) -> ShownStory:
        rows = {key: self.posts[memory, key] for key in article_keys if (memory, key) in self.posts}
        anchored = [row for row in rows.values() if row.message]
        return ShownStory(
            shown=frozenset(rows),
            anchor=min(anchored, key=lambda r: (r.shown_at, r.message)).message if anchored else None,
            last_breaking=max((r.breaking_at for r in rows.values() if r.breaking_at), default=None),
        )

    def anchor(self, memory: str, article_keys) -> str | None:
        return self.view(memory, article_keys).anchor

    def record(self, memory: str, article_keys, message: str | None, now: datetime, *, breaking: bool = False) -> None:
        for key in dict.fromkeys(article_keys):
            row = self.posts.setdefault((memory, key), _StoryPost(message, now))
            if row.message is None:  # shown before without a message: this one anchors it
                row.message, row.shown_at = message, now
            if breaking:
                row.breaking_at = now


class InMemorySeenRequests:
    """The `SeenRequests` port in memory: a key is new once within `window`."""

    def __init__(self, window: timedelta = timedelta(minutes=5)):
        self.seen: dict[str, datetime] = {}
        self.window = window

    def first_time(self, key: str, now: datetime) -> bool:
        self.seen = {k: at for k, at in self.seen.items() if at >= now - self.window}
        if key in self.seen:
            return False
        self.seen[key] = now
        return True


def _as_stored(data: dict | None) -> dict | None:
    """An audit entry's before/after as the database gives it back (JSON: tuples are lists)."""
    return json.loads(json.dumps(data)) if data is not None else None


class InMemoryManagementStore:
    """The `ManagementStore` port in memory: subscriptions, topics, feeds, the configuration
    entries seeded, and the audit log, each change with its entry."""

    def __init__(self):
        self._topics: dict[str, tuple[datetime, StoredTopic]] = {}  # name -> (created, topic)
        self._feeds: dict[int, StoredFeed] = {}
        self._subscriptions: dict[int, Subscription] = {}
        self._audit: list[AuditEntry] = []
        self._seeded: set[tuple[str, str]] = set()
        self._last_ids = {"feed": 0, "subscription": 0}  # each table numbers its own rows

    def _next_id(self, table: str) -> int:
        self._last_ids[table] += 1
        return self._last_ids[table]

    def _log(self, entry: AuditEntry, before: dict | None, after: dict | None) -> None:
        self._audit.append(replace(entry, before=_as_stored(before), after=_as_stored(after)))

    def seeded_entries(self) -> set[tuple[str, str]]:
        return set(self._seeded)

    def seed(self, topics: list[Topic], feeds: list[dict], subscriptions: list[dict], now: datetime) -> bool:
        entries = [seed_key("topic", t) for t in topics] + [seed_key("feed", f) for f in feeds]
        entries += [seed_key("subscription", s) for s in subscriptions]
        if not set(entries) - self._seeded:
            return False
        added = [0, 0, 0]
        for topic in topics:
            if topic.name not in self._topics:
                self._topics[topic.name] = (now, StoredTopic(topic, "config", "config file"))
                added[0] += 1
        for feed in feeds:
            if feed["url"] not in {f.url for f in self._feeds.values()}:
                feed_id = self._next_id("feed")
                self._feeds[feed_id] = StoredFeed(feed_id, feed["url"], feed.get("every", "15m"), feed.get("topic"),
                                                  "config", "config file")
                added[1] += 1
        known = {(s.platform, s.channel, s.topic) for s in self._subscriptions.values()}
        for sub in subscriptions:
            if (sub["platform"], sub["channel"], sub["topic"]) not in known:
                sub_id = self._next_id("subscription")
                self._subscriptions[sub_id] = Subscription(
                    sub_id, sub["platform"], sub["channel"], sub["topic"], sub["cron"], sub["timezone"],
                    "config file", now, sub.get("options") or SubscriptionOptions())
                added[2] += 1
        self._seeded |= set(entries)
        summary = (f"seeded from the configuration file: {added[0]} topics, {added[1]} feeds, "
                   f"{added[2]} subscriptions")
        self._log(AuditEntry(now, "config", "*", "config file", "seed", summary, None, None), None, None)
        return True

    def topics(self) -> list[StoredTopic]:
        return [topic for _created, topic in sorted(self._topics.values(), key=lambda e: (e[0], e[1].topic.name))]

    def feeds(self) -> list[StoredFeed]:
        return [self._feeds[i] for i in sorted(self._feeds)]

    def subscriptions(self, platform: str | None = None, channel: str | None = None) -> list[Subscription]:
        return [s for _id, s in sorted(self._subscriptions.items())
                if platform in (None, s.platform) and channel in (None, s.channel)]

    def audit(self, platform: str | None = None, channel: str | None = None, limit: int = 5) -> list[AuditEntry]:
        found = [e for e in reversed(self._audit) if platform in (None, e.platform) and channel in (None, e.channel)]
        return found[:limit]

    def save_subscription(self, platform: str, channel: str, topic: str, cron: str, timezone_name: str,
                          audit: AuditEntry, options: SubscriptionOptions | None = None,
                          ) -> tuple[Subscription | None, Subscription]:
        before = next((s for s in self.subscriptions(platform, channel) if s.topic == topic), None)
        if before is None:
            after = Subscription(self._next_id("subscription"), platform, channel, topic, cron, timezone_name,
                                 audit.user, audit.at, SubscriptionOptions() if options is None else options)
        else:
            after = replace(before, cron=cron, timezone=timezone_name,
                            options=before.options if options is None else options)
        self._subscriptions[after.id] = after
        self._log(audit, before.as_dict() if before else None, after.as_dict())
        return before, after

    def remove_subscriptions(self, platform: str, channel: str, topic: str | None,
                             audit: AuditEntry) -> list[Subscription]:
        removed = [s for s in self.subscriptions(platform, channel) if topic in (None, s.topic)]
        for sub in removed:
            del self._subscriptions[sub.id]
        if removed:
            self._log(audit, {"subscriptions": [s.as_dict() for s in removed]}, None)
        return removed

    def add_topic(self, topic: Topic, audit: AuditEntry) -> bool:
        if topic.name in self._topics:
            return False
        self._topics[topic.name] = (audit.at, StoredTopic(topic, "chat", audit.user))
        self._log(audit, None, _topic_dict(topic))
        return True

    def update_topic(self, topic: Topic, audit: AuditEntry) -> bool:
        if topic.name not in self._topics:
            return False
        created, stored = self._topics[topic.name]
        self._topics[topic.name] = (created, replace(stored, topic=topic))
        self._log(audit, _topic_dict(stored.topic), _topic_dict(topic))
        return True

    def remove_topic(self, name: str, audit: AuditEntry) -> tuple[StoredTopic, int] | None:
        if name not in self._topics:
            return None
        _created, stored = self._topics.pop(name)
        subscribed = [i for i, s in self._subscriptions.items() if s.topic == name]
        for sub_id in subscribed:
            del self._subscriptions[sub_id]
        for feed in [f for f in self._feeds.values() if f.topic == name]:
            self._feeds[feed.id] = replace(feed, topic=None)
        self._log(audit, {**_topic_dict(stored.topic), "subscriptions": len(subscribed)}, None)
        return stored, len(subscribed)

    def add_feed(self, url: str, every: str, topic: str | None, audit: AuditEntry) -> StoredFeed | None:
        if url in {f.url for f in self._feeds.values()}:
            return None
        feed_id = self._next_id("feed")
        feed = self._feeds[feed_id] = StoredFeed(feed_id, url, every, topic, "chat", audit.user)
        self._log(audit, None, feed.as_dict())
        return feed

    def update_feed(self, feed_id: int, every: str, topic: str | None, audit: AuditEntry) -> StoredFeed | None:
        before = self._feeds.get(feed_id)
        if before is None:
            return None
        after = self._feeds[feed_id] = replace(before, every=every, topic=topic)
        self._log(audit, before.as_dict(), after.as_dict())
        return after

    def remove_feed(self, feed_id: int, audit: AuditEntry) -> StoredFeed | None:
        feed = self._feeds.pop(feed_id, None)
        if feed is not None:
            self._log(audit, feed.as_dict(), None)
        return feed


def _topic_dict(topic: Topic) -> dict:
    return {"name": topic.name, "title": topic.title, "keywords": list(topic.keywords)}
