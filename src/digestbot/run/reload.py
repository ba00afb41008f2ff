"""What to schedule: the database's subscriptions and feeds, followed without a restart.

What is scheduled comes from the management store, which the configuration file seeded on the
first start. Every `DIGESTBOT_RELOAD_SECONDS` (default 30) the subscriptions and feeds are read
again; a new destination gets its cron job, a removed one loses it, a changed cron or time zone
replaces it (`DigestScheduler.set_schedules`), and the feed poller's feed set is replaced.

A subscription for a platform that is not running (no credentials) stops `run` at start; one
that appears later is skipped with a warning, as is one whose schedule cannot be used.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from datetime import timedelta

from ..config import DestinationConfig
from ..domain.records import Subscription
from ..service.destinations import Destination, Destinations, destinations_from, destinations_from_subscriptions
from ..settings import Settings
from ..startup_errors import describe_startup_error
from .polling import FeedPoller, parse_interval
from ..domain.models import ScheduleError
from .scheduling import DigestScheduler, Schedule

log = logging.getLogger("digestbot.run")


def schedule_of(destination: Destination) -> Schedule:
    return Schedule(destination.id, destination.cron, destination.timezone, not_before=destination.not_before)


def feed_intervals(feeds) -> dict[str, timedelta]:
    intervals = {}
    for feed in feeds:
        try:
            intervals[feed.url] = parse_interval(feed.every)
        except ValueError:
            log.warning("feed with an unusable interval: skipped", extra={"feed_id": feed.id})
    return intervals


def feed_topics(feeds) -> dict[str, str | None]:
    return {f.url: f.topic for f in feeds}


class SubscriptionReader:
    """Reads the store and turns its subscriptions into the destinations that can run here."""

    def __init__(self, store, configured: list[DestinationConfig], platforms: Collection[str]):
        self._store = store
        # Discord webhooks stay those of the configuration file: the store cannot give their URL back.
        self._webhooks = [d for d in configured if d.platform == "discord-webhook"]
        self._platforms = frozenset(platforms)
        self._warned: set[tuple[str, str]] = set()  # (destination, warning) logged once

    def read(self, *, startup: bool = False) -> tuple[list[Destination], list]:
        """The usable destinations and the feeds; at startup a platform not running is an error."""
        subscriptions, feeds = self._store.subscriptions(), self._store.feeds()
        return self._usable(subscriptions, startup=startup), feeds

    def _usable(self, subscriptions: list[Subscription], *, startup: bool) -> list[Destination]:
        destinations = destinations_from_subscriptions(subscriptions) + (
            destinations_from(self._webhooks) if self._webhooks else [])
        if not destinations:
            return destinations_from([])  # the embedded default: the console
        missing = sorted({d.platform for d in destinations} - self._platforms)
        if missing and startup:
            raise RuntimeError(f"destinations use {', '.join(missing)} but it is not configured")
        usable = []
        for destination in destinations:
            if destination.platform not in self._platforms:
                self._warn_once(destination.id, "subscription for a platform that is not running: skipped",
                                platform=destination.platform)
                continue
            try:
                schedule_of(destination).trigger()
            except ScheduleError as error:
                self._warn_once(destination.id, "subscription with an unusable schedule: skipped", error=str(error))
                continue
            usable.append(destination)
        return usable

    def _warn_once(self, destination_id: str, message: str, **extra: str) -> None:
        if (destination_id, message) not in self._warned:
            self._warned.add((destination_id, message))
            log.warning(message, extra={"destination": destination_id, **extra})


class Reloader:
    """Schedules what the store says now: destinations, their cron jobs, the feeds polled."""

    def __init__(self, reader: SubscriptionReader, destinations: Destinations, scheduler: DigestScheduler,
                 poller: FeedPoller, settings: Settings):
        self._reader = reader
        self._destinations = destinations
        self._scheduler = scheduler
        self._poller = poller
        self._settings = settings

    async def reload(self) -> None:
        """Read subscriptions and feeds again and schedule what they say (no restart needed)."""
        destinations, feeds = await asyncio.to_thread(self._reader.read)
        # No await between these two: a job never sees a schedule without its destination.
        self._scheduler.set_schedules([schedule_of(d) for d in destinations])
        self._destinations.replace(destinations, feed_topics(feeds))
        self._poller.set_feeds(feed_intervals(feeds))

    async def job(self) -> None:
        """The scheduler's reload job: a database hiccup keeps the current schedule, and the
        next reload tries again."""
        try:
            await self.reload()
        except Exception as error:
            known = describe_startup_error(error, self._settings)
            if known is None:
                log.exception("could not reload subscriptions and feeds")
            else:  # an outage is one line every reload, not a traceback
                log.warning("could not reload subscriptions and feeds: %s", known)
