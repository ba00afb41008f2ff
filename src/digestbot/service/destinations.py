"""Where digests go: one destination per (platform, channel, cron, time zone).

A destination carries the topics of the channel's subscriptions with that schedule. Its id is
`platform:channel` (as the ids of the configuration's destinations always were, so the ledger
and each channel's memory carry on); a channel subscribed on two schedules gets
`platform:channel` for the schedule of its oldest subscription and `platform:channel [CRON
ZONE]` for the other. What a channel was shown is remembered per channel (`platform:channel`),
across its schedules.

Discord webhook destinations stay those of the configuration file: the store keeps them under a
digest of the URL (the URL is a secret), so it cannot give the URL back, and no chat channel
can change them anyway. The embedded default (the console, daily at 08:00 UTC) applies while
there is no destination at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ..config import DestinationConfig
from ..domain.models import Story
from ..domain.records import Subscription


@dataclass(frozen=True)
class Destination:
    id: str
    platform: str
    target: str
    topics: tuple[str, ...]
    cron: str
    timezone: str
    # No period fires before this (a chat subscription's creation): a restart within the grace
    # does not post a period that ended before anyone subscribed.
    not_before: datetime | None = None
    memory: str = ""  # whose memory of what was shown: the channel (`platform:channel`); id when empty
    subscriptions: tuple[Subscription, ...] = ()  # with their options; none for the file's webhooks

    @property
    def memory_key(self) -> str:
        return self.memory or self.id

    def subscription_for(self, story: Story) -> Subscription | None:
        """The subscription that brings this story here: its topic's, else the one to all."""
        by_topic = {s.topic: s for s in self.subscriptions}
        return next((by_topic[t] for t in story.topics if t in by_topic), None) or by_topic.get("*")

    def uses(self, option: str) -> bool:
        return any(getattr(s.options, option) for s in self.subscriptions)


class Destinations:
    """The destinations in use now, replaced whole at each reload, and the topic of each feed:
    what posting and the lanes look up."""

    def __init__(self, destinations: Iterable[Destination] = (), feed_topics: dict[str, str | None] | None = None):
        self.by_id: dict[str, Destination] = {}
        self.feed_topics: dict[str, str | None] = {}
        self.replace(destinations, feed_topics or {})

    def replace(self, destinations: Iterable[Destination], feed_topics: dict[str, str | None]) -> None:
        self.by_id = {d.id: d for d in destinations}
        self.feed_topics = dict(feed_topics)

    def __getitem__(self, destination_id: str) -> Destination:
        return self.by_id[destination_id]

    def __iter__(self):
        return iter(self.by_id)

    def values(self) -> list[Destination]:
        return list(self.by_id.values())

    def of_channel(self, platform: str, channel: str) -> list[Destination]:
        """The destinations of one channel: one per schedule it is subscribed on."""
        key = f"{platform}:{channel}"
        return [d for d in self.by_id.values() if d.platform == platform and d.memory_key == key]


def destinations_from_subscriptions(subscriptions: list[Subscription]) -> list[Destination]:
    """One destination per (platform, channel, cron, time zone), in subscription order.

    Webhook subscriptions are left out (see the module docstring): their URL is not stored.
    """
    channels: dict[tuple[str, str], dict[tuple[str, str], list[Subscription]]] = {}
    for sub in subscriptions:
        if sub.platform == "discord-webhook":
            continue
        schedules = channels.setdefault((sub.platform, sub.channel), {})
        schedules.setdefault((sub.cron, sub.timezone), []).append(sub)
    destinations = []
    for (platform, channel), schedules in channels.items():
        base = f"{platform}:{channel}"
        # The configuration's console destination without a channel was seeded as "stdout":
        # it prints as before ("digest for console").
        target = "" if platform == "console" and channel == "stdout" else channel
        for i, ((cron, zone), subs) in enumerate(schedules.items()):
            dest_id = base if i == 0 else f"{base} [{cron} {zone}]"
            # A restart within the grace must not post a period from before a chat subscription
            # existed; the configuration's own subscriptions post as they always did.
            created = [s.created_at for s in subs if s.created_at is not None and s.from_chat]
            destinations.append(Destination(
                dest_id, platform, target, tuple(dict.fromkeys(s.topic for s in subs)), cron, zone,
                not_before=min(created) if created else None, memory=base, subscriptions=tuple(subs)))
    return destinations


def destinations_from(configs: list[DestinationConfig]) -> list[Destination]:
    """Configured destinations, or the embedded default: the console at 08:00 UTC daily."""
    if not configs:
        configs = [DestinationConfig(platform="console")]
    destinations = []
    for config in configs:
        target = config.channel or config.webhook or ""
        # Webhook URLs carry a secret: the id uses a digest of it, never the URL itself.
        label = hashlib.sha256(target.encode()).hexdigest()[:12] if config.webhook else target or "stdout"
        dest_id = f"{config.platform}:{label}"
        destinations.append(Destination(dest_id, config.platform, target, tuple(config.topics),
                                        config.cron, config.timezone))
    return destinations
