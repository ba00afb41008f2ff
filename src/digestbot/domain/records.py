"""Records the service layer reads and writes through its ports (`ports.py`): what storing an
article did, subscriptions and their options, stored topics and feeds, the audit log, what a
channel was shown. Frozen, no I/O: the SQL implementations live in `digestbot.storage`."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import datetime

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


@dataclass(frozen=True)
class ShownStory:
    """What one channel was shown of one story."""

    shown: frozenset[str] = frozenset()  # its articles the channel saw (digest, reply or breaking post)
    anchor: str | None = None  # the earliest message that showed it: the story's thread
    last_breaking: datetime | None = None  # the breaking lane's last post about it


@dataclass(frozen=True)
class FeedSample:
    """A feed read once (`/digest feeds add` checks it before storing it): its usable entries,
    and the problems of the entries that were not."""

    entries: int
    problems: tuple[InputError, ...] = ()


@dataclass(frozen=True)
class Delivery:
    """One ledger row: what became of one digest period of one destination."""

    destination: str  # "platform:channel", and " [cron zone]" for a channel's second schedule
    period: str
    status: str  # claimed | posted | skipped | missed | interrupted
    at: datetime  # when it was claimed or recorded


@dataclass(frozen=True)
class SubscriptionOptions:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    skip_sources: tuple[str, ...] = ()
    threads: bool = False  # later developments go in the story's thread
    breaking_minutes: int | None = None  # the breaking lane's interval; None: off
    post_when_empty: bool = False  # a digest with nothing new says so, instead of being skipped

    @property
    def filters(self) -> bool:
        return bool(self.include or self.exclude or self.sources or self.skip_sources)

    def as_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict | None) -> SubscriptionOptions:
        if not data:
            return cls()
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in fields}
        return cls(**values)

    def describe(self) -> list[str]:
        """The options in words, for `/digest settings`."""
        parts = []
        for label, words in (("only with", self.include), ("not with", self.exclude),
                             ("only from", self.sources), ("not from", self.skip_sources)):
            if words:
                parts.append(f"{label} {', '.join(words)}")
        if self.threads:
            parts.append("updates in the story's thread")
        if self.breaking_minutes:
            parts.append(f"breaking news at most every {describe_minutes(self.breaking_minutes)} per story")
        if self.post_when_empty:
            parts.append("says so when there is nothing new")
        return parts


def describe_minutes(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        return f"{minutes // (24 * 60)} d"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


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


def seed_key(kind: str, entry: dict | Topic) -> tuple[str, str]:
    """What a seeded configuration entry is remembered by (storage's `config_seeds`): a topic
    by its name, a feed by its URL, a subscription by its platform, channel and topic."""
    if kind == "topic":
        return kind, entry.name if isinstance(entry, Topic) else entry["name"]
    if kind == "feed":
        return kind, entry["url"]
    return kind, f"{entry['platform']} {entry['channel']} {entry['topic']}"
