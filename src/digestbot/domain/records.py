"""Records the service layer reads and writes through its ports: what storing an article did,
subscriptions, stored topics and feeds, the audit log, what a channel was shown; and the
article store's port. Frozen, no I/O: the SQL implementations live in `digestbot.storage.sql`."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..stories.delivery import SubscriptionOptions
from .models import Article, InputError, Topic


class UpsertOutcome(str, enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    COPIED = "copied"  # the same text from another input: recorded as a copy of the stored one


@dataclass(frozen=True)
class Upserted:
    """What storing one article did. `article` is the article as stored now (for a copy, the
    first article with every copy); `previous` the version an UPDATED article replaced."""

    outcome: UpsertOutcome
    article: Article
    previous: Article | None = None


class ArticleStore(Protocol):
    """The port the service layer depends on."""

    def upsert(self, article: Article) -> UpsertOutcome: ...

    def upsert_many(self, articles: list[Article]) -> list[Upserted | InputError]: ...

    def all_articles(self) -> list[Article]: ...

    def count(self) -> int: ...


@dataclass(frozen=True)
class ShownStory:
    """What one channel was shown of one story."""

    shown: frozenset[str] = frozenset()  # its articles the channel saw (digest, reply or breaking post)
    anchor: str | None = None  # the earliest message that showed it: the story's thread
    last_breaking: datetime | None = None  # the breaking lane's last post about it


@dataclass(frozen=True)
class Delivery:
    """One ledger row: what became of one digest period of one destination."""

    destination: str  # "platform:channel", and " [cron zone]" for a channel's second schedule
    period: str
    status: str  # claimed | posted | skipped | missed | interrupted
    at: datetime  # when it was claimed or recorded


# Who the configuration file's own changes are recorded as.
CONFIG_ACTORS = frozenset({"config file", "configuration file"})


@dataclass(frozen=True)
class Subscription:
    id: int
    platform: str
    channel: str
    topic: str  # "*" for every story
    cron: str
    timezone: str
    created_by: str = ""
    created_at: datetime | None = None
    options: SubscriptionOptions = SubscriptionOptions()

    @property
    def from_chat(self) -> bool:
        """Made from chat (not seeded or pinned by the configuration file)."""
        return self.created_by not in CONFIG_ACTORS

    def as_dict(self) -> dict:
        data = {"topic": self.topic, "cron": self.cron, "timezone": self.timezone}
        if self.options != SubscriptionOptions():
            data["options"] = self.options.as_dict()
        return data


@dataclass(frozen=True)
class StoredTopic:
    topic: Topic
    origin: str
    created_by: str = ""


@dataclass(frozen=True)
class StoredFeed:
    id: int
    url: str
    every: str
    topic: str | None
    origin: str
    created_by: str = ""

    def as_dict(self) -> dict:
        return {"id": self.id, "url": self.url, "every": self.every, "topic": self.topic}


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    platform: str
    channel: str
    user: str
    action: str
    summary: str
    before: dict | None
    after: dict | None
