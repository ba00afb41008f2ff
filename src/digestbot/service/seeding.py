"""The configuration file and the database: one source of truth.

Subscriptions, topics and feeds live in the database. The configuration file seeds each entry
once, at the first start that sees it (`seed_from_config`); after that the database wins
(`config_drift` lists what it ignores), except for the file's `pinned = true` entries:
`apply_pins` applies them again at every start and `Management` refuses to change them from
chat (`Pins`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from ..chat.commands import MAX_TOPICS
from ..domain.models import Topic
from ..domain.ports import ManagementStore
from ..redaction import redact_credentials
from ..domain.records import AuditEntry, seed_key
from .words import describe_schedule, topic_label

log = logging.getLogger("digestbot.service.management")  # as before the split: operators filter on it


def seed_from_config(store: ManagementStore, config, now: datetime | None = None) -> bool:
    """Copy the configuration's topics, feeds and destinations the database has never seen
    into it; what it has seen stays as chat made it (changed or removed). True when it seeded.

    Held back (and reported by `config_drift`): topics past MAX_TOPICS, and destinations of a
    topic the database does not hold. Two destinations for the same (platform, channel, topic)
    are refused when the file is read (`digestbot.config`); should a config built another way
    still hold one, the first wins and the others are logged."""
    seen = store.seeded_entries()
    stored = {s.topic.name for s in store.topics()}
    topics = _topics_to_seed(config, seen, stored)
    known = stored | {t.name for t in topics}
    feeds = [{"url": f.url, "every": f.every, "topic": f.topic if f.topic in known else None}
             for f in config.feeds if ("feed", f.url) not in seen]
    subscriptions = [sub for sub in _file_subscriptions(config)
                     if seed_key("subscription", sub) not in seen and sub["topic"] in known | {"*"}]
    if not (topics or feeds or subscriptions):
        return False
    return store.seed(topics, feeds, subscriptions, now or datetime.now(timezone.utc))


def _topics_to_seed(config, seen: set[tuple[str, str]], stored: set[str]) -> list[Topic]:
    """The file's topics never seen, as many as fit under MAX_TOPICS (one already stored,
    made from chat, is recorded as seen and kept as it is)."""
    room = MAX_TOPICS - len(stored)
    chosen = []
    for topic in config.topic_models():
        if ("topic", topic.name) in seen:
            continue
        if topic.name not in stored:
            if room <= 0:
                continue
            room -= 1
        chosen.append(topic)
    return chosen


def _file_subscriptions(config) -> list[dict]:
    """The file's destinations as one subscription per (platform, channel, topic)."""
    subscriptions, taken = [], set()
    for dest in config.destinations:
        channel = dest.store_channel  # a webhook's URL is a secret: a digest of it names it
        for topic in dict.fromkeys(dest.topics):
            if (dest.platform, channel, topic) in taken:
                log.warning(
                    "configuration: %s gets %s twice; the first entry is kept", dest.describe(), topic_label(topic))
                continue
            taken.add((dest.platform, channel, topic))
            subscriptions.append({"platform": dest.platform, "channel": channel, "topic": topic,
                                  "cron": dest.cron, "timezone": dest.timezone, "options": dest.options(),
                                  "pinned": dest.pinned, "describe": dest.describe()})
    return subscriptions


def config_drift(store: ManagementStore, config) -> list[str]:
    """What the file holds that the database does not apply, one line each: entries chat
    changed or removed since they were seeded, and entries held back (the topic limit, a
    topic the database does not hold). Pinned entries are re-applied, so never listed."""
    seen = store.seeded_entries()
    return _topic_drift(store, config, seen) + _feed_drift(store, config) + _subscription_drift(store, config, seen)


def _topic_drift(store: ManagementStore, config, seen: set[tuple[str, str]]) -> list[str]:
    topics = {s.topic.name: s.topic for s in store.topics()}
    lines = []
    for entry in (t for t in config.topics if not t.pinned):
        current = topics.get(entry.name)
        if ("topic", entry.name) not in seen:
            lines.append(f"topic /{entry.name}: not added, the database holds {len(topics)} topics "
                         f"(the limit is {MAX_TOPICS})")
        elif current is None:
            lines.append(f"topic /{entry.name}: removed from chat")
        elif current != entry.to_topic():
            lines.append(f"topic /{entry.name}: changed from chat")
    return lines


def _feed_drift(store: ManagementStore, config) -> list[str]:
    feeds = {f.url: f for f in store.feeds()}
    lines = []
    for entry in (f for f in config.feeds if not f.pinned):
        current, label = feeds.get(entry.url), f"feed {redact_credentials(entry.url)}"
        if current is None:
            lines.append(f"{label}: removed from chat")
        elif (current.every, current.topic) != (entry.every, entry.topic):
            lines.append(f"{label}: changed from chat (every {current.every}, topic {current.topic or 'none'})")
    return lines


def _subscription_drift(store: ManagementStore, config, seen: set[tuple[str, str]]) -> list[str]:
    subs = {(s.platform, s.channel, s.topic): s for s in store.subscriptions()}
    lines = []
    for entry in (e for e in _file_subscriptions(config) if not e["pinned"]):
        current = subs.get((entry["platform"], entry["channel"], entry["topic"]))
        label = f"{entry['describe']}, {topic_label(entry['topic'])}"
        if seed_key("subscription", entry) not in seen:
            lines.append(f"{label}: not subscribed, the database holds no topic /{entry['topic']}")
        elif current is None:
            lines.append(f"{label}: unsubscribed from chat")
        elif (current.cron, current.timezone, current.options) != (entry["cron"], entry["timezone"], entry["options"]):
            lines.append(f"{label}: changed from chat ({describe_schedule(current.cron, current.timezone)})")
    return lines


#: Who the audit log names for what the configuration file's pinned entries change.
PINS_USER = "configuration file"


@dataclass(frozen=True)
class Pins:
    """What the operators pinned in the configuration file (`pinned = true`): chat cannot
    change or remove it, and every start applies it again (`apply_pins`).

    Subscriptions are (platform, channel, topic), with a webhook destination's channel the
    digest of its URL (as stored), never the URL."""

    subscriptions: frozenset[tuple[str, str, str]] = frozenset()
    topics: frozenset[str] = frozenset()
    feeds: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, config) -> Pins:
        return cls(
            subscriptions=frozenset((d.platform, d.store_channel, topic) for d in config.destinations if d.pinned
                                    for topic in d.topics),
            topics=frozenset(t.name for t in config.topics if t.pinned),
            feeds=frozenset(f.url for f in config.feeds if f.pinned),
        )

    def __bool__(self) -> bool:
        return bool(self.subscriptions or self.topics or self.feeds)


def apply_pins(store: ManagementStore, config, now: datetime | None = None) -> list[str]:
    """Make the database hold the configuration's pinned entries as the file says: create
    what is missing, restore what chat (or an older file) changed. Unpinned entries are left
    alone. Runs at every start, after `seed_from_config`; a start that changes nothing writes
    nothing. Each change has its audit entry by "configuration file". Returns the summaries."""
    now = now or datetime.now(timezone.utc)
    done: list[str] = []

    def audit(action: str, summary: str, platform: str = "config", channel: str = "*") -> AuditEntry:
        done.append(summary)
        return AuditEntry(now, platform, channel, PINS_USER, action, summary, None, None)

    # Topics first: pinned feeds and destinations name only pinned topics (config.py checks).
    _apply_pinned_topics(store, config, audit)
    _apply_pinned_feeds(store, config, audit)
    _apply_pinned_subscriptions(store, config, audit)
    if done:
        log.info(
            "configuration: %d pinned entr%s applied", len(done), "y" if len(done) == 1 else "ies")
    return done


def _apply_pinned_topics(store: ManagementStore, config, audit: Callable[..., AuditEntry]) -> None:
    stored_topics = {s.topic.name: s.topic for s in store.topics()}
    for pinned in (t for t in config.topics if t.pinned):
        wanted = pinned.to_topic()
        current = stored_topics.get(wanted.name)
        if current == wanted:
            continue
        if current is None:
            store.add_topic(wanted, audit("pins.topics.add", f"pinned topic /{wanted.name} added"))
        else:
            store.update_topic(wanted, audit("pins.topics.update",
                                             f"pinned topic /{wanted.name} restored ({', '.join(wanted.keywords)})"))


def _apply_pinned_feeds(store: ManagementStore, config, audit: Callable[..., AuditEntry]) -> None:
    stored_feeds = {f.url: f for f in store.feeds()}
    for pinned in (f for f in config.feeds if f.pinned):
        current = stored_feeds.get(pinned.url)
        if current is not None and (current.every, current.topic) == (pinned.every, pinned.topic):
            continue
        label = f" for /{pinned.topic}" if pinned.topic else ""
        if current is None:
            store.add_feed(pinned.url, pinned.every, pinned.topic, audit(
                "pins.feeds.add", f"pinned feed {redact_credentials(pinned.url)}{label} added, every {pinned.every}"))
        else:
            store.update_feed(current.id, pinned.every, pinned.topic, audit(
                "pins.feeds.update", f"pinned feed #{current.id}{label} restored, every {pinned.every}"))


def _apply_pinned_subscriptions(store: ManagementStore, config, audit: Callable[..., AuditEntry]) -> None:
    stored_subs = {(s.platform, s.channel, s.topic): s for s in store.subscriptions()}
    for dest in (d for d in config.destinations if d.pinned):
        channel = dest.store_channel
        for topic in dict.fromkeys(dest.topics):
            current = stored_subs.get((dest.platform, channel, topic))
            wanted = (dest.cron, dest.timezone, dest.options())
            if current is not None and (current.cron, current.timezone, current.options) == wanted:
                continue
            verb = "restored" if current is not None else "subscribed"
            summary = f"pinned subscription to {topic_label(topic)} {verb}, {describe_schedule(dest.cron, dest.timezone)}"
            store.save_subscription(dest.platform, channel, topic, dest.cron, dest.timezone,
                                    audit("pins.subscribe", summary, dest.platform, channel),
                                    options=dest.options())
