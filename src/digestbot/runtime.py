"""`digestbot run`: one process, one asyncio loop: platforms, the scheduler, the HTTP server.

Platforms plug in as `Platform` objects (console by default; Slack and Discord when their
credentials are set). SIGTERM stops taking work, releases what is in flight, exits 0.

What is scheduled comes from the database (the management store), which the configuration
file seeded on the first start, and follows changes made from chat without a restart: every
`DIGESTBOT_RELOAD_SECONDS` (default 30) the subscriptions and feeds are read again; a new
destination gets its cron job, a removed one loses it, a changed cron or time zone replaces
it (`DigestScheduler.set_schedules`), and the feed poller's feed set is replaced.

Destinations: one per (platform, channel, cron, time zone), carrying the topics of the
channel's subscriptions with that schedule. Its id is `platform:channel` (as the ids of the
configuration's destinations always were, so the ledger and each channel's memory carry on);
a channel subscribed on two schedules gets `platform:channel` for the schedule of its oldest
subscription and `platform:channel [CRON ZONE]` for the other. What a channel was shown is
remembered per channel (`platform:channel`), across its schedules.

Exceptions:
- Discord webhook destinations stay those of the configuration file: the store keeps them
  under a digest of the URL (the URL is a secret), so it cannot give the URL back, and no chat
  channel can change them anyway. The store's copies of them are ignored.
- The embedded default (the console, daily at 08:00 UTC) applies while there is no
  destination at all: no subscription in the database and no webhook in the file.
- A subscription for a platform that is not running (no credentials) stops `run` at start,
  as before; one that appears later is skipped with a warning.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Protocol

from sqlalchemy import text

from .bootstrap import App
from .config import DestinationConfig
from .http_server import build_http_app, serve
from .metrics import Metrics
from .models import Digest
from .novelty import filter_unseen, item_fingerprint
from .scheduling import DigestScheduler, Schedule, ScheduleError
from .storage import SqlLedger, SqlPostedItems, Subscription

log = logging.getLogger("digestbot.run")

SHUTDOWN_DEADLINE = 8.0  # seconds: well inside Docker's 10 s grace
FEED_CHECK_SECONDS = 30.0  # how often due feeds are looked for; each feed has its own interval


class Publisher(Protocol):
    async def publish(self, target: str, digest: Digest, period: str) -> str | None: ...

    # Optional: publishers that can recognise their own earlier post of a period define
    # `async find_posted(target, period) -> str | None`, used when recovering a claim.


@dataclass
class Platform:
    """A connected chat platform (or the console) as `run` sees it."""

    name: str
    publisher: Publisher
    connected: Callable[[], bool] = lambda: True
    start: Callable[[], object] | None = None  # coroutine function
    stop: Callable[[], object] | None = None  # coroutine function
    routes: dict = field(default_factory=dict)  # HTTP routes to mount, e.g. /slack/events


@dataclass(frozen=True)
class Destination:
    id: str
    platform: str
    target: str
    topics: tuple[str, ...]
    schedule: Schedule
    memory: str = ""  # whose memory of what was shown: the channel (`platform:channel`); id when empty

    @property
    def memory_key(self) -> str:
        return self.memory or self.id


def destinations_from_subscriptions(subscriptions: list[Subscription]) -> list[Destination]:
    """One destination per (platform, channel, cron, time zone), in subscription order.

    Webhook subscriptions are left out (see the module docstring): their URL is not stored.
    """
    channels: dict[tuple[str, str], dict[tuple[str, str], list[str]]] = {}
    for sub in subscriptions:
        if sub.platform == "discord-webhook":
            continue
        schedules = channels.setdefault((sub.platform, sub.channel), {})
        schedules.setdefault((sub.cron, sub.timezone), []).append(sub.topic)
    destinations = []
    for (platform, channel), schedules in channels.items():
        base = f"{platform}:{channel}"
        # The configuration's console destination without a channel was seeded as "stdout":
        # it prints as before ("digest for console").
        target = "" if platform == "console" and channel == "stdout" else channel
        for i, ((cron, zone), topics) in enumerate(schedules.items()):
            dest_id = base if i == 0 else f"{base} [{cron} {zone}]"
            destinations.append(Destination(dest_id, platform, target, tuple(dict.fromkeys(topics)),
                                            Schedule(dest_id, cron, zone), memory=base))
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
        destinations.append(
            Destination(dest_id, config.platform, target, tuple(config.topics), Schedule(dest_id, config.cron, config.timezone))
        )
    return destinations


def digest_for(digest: Digest, topics: tuple[str, ...]) -> Digest:
    if "*" in topics:
        return digest
    return Digest([s for s in digest.stories if s.topic in topics], digest.generated_at, digest.since)


class Runtime:
    def __init__(
        self,
        app: App,
        platforms: dict[str, Platform],
        *,
        metrics: Metrics | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        self.app = app
        self.platforms = platforms
        self.metrics = metrics or Metrics()
        self._warned: set[tuple[str, str]] = set()  # (destination, warning) logged once
        self.management = self._management_store()
        subscriptions, feeds = self._read_store()
        self.destinations = {d.id: d for d in self._destinations(subscriptions, startup=True)}
        self.scheduler = DigestScheduler(
            [d.schedule for d in self.destinations.values()],
            SqlLedger(app.store.engine, lease=timedelta(seconds=app.settings.claim_lease_seconds)),
            self._post,
            grace=timedelta(minutes=app.settings.grace_minutes),
            clock=clock,
            on_missed=lambda destination, _period: self.metrics.digests_missed.labels(destination).inc(),
        )
        self.posted_items = SqlPostedItems(app.store.engine)
        self._runner = None
        self._warm_up = None  # the first load of the stories, started with the server
        self.poller = self._feed_poller(feeds)
        self.scheduler.every("poll-feeds", FEED_CHECK_SECONDS, self._poll_feeds)
        self.scheduler.every("reload", app.settings.reload_seconds, self._reload_job)

    # --- what to schedule: the database ------------------------------------------------------

    def _management_store(self):
        """The store chat changes; seeded from the configuration file if nobody did yet."""
        from .management import seed_from_config
        from .storage import SqlManagementStore

        management = getattr(self.app.service, "management", None)
        store = getattr(management, "store", None)
        if store is None:
            store = SqlManagementStore(self.app.store.engine)
        seed_from_config(store, self.app.config)
        return store

    def _read_store(self) -> tuple[list[Subscription], list]:
        return self.management.subscriptions(), self.management.feeds()

    def _destinations(self, subscriptions: list[Subscription], *, startup: bool = False) -> list[Destination]:
        webhook_configs = [d for d in self.app.config.destinations if d.platform == "discord-webhook"]
        webhooks = destinations_from(webhook_configs) if webhook_configs else []
        destinations = destinations_from_subscriptions(subscriptions) + webhooks
        if not destinations:
            return destinations_from([])  # the embedded default: the console
        missing = sorted({d.platform for d in destinations} - set(self.platforms))
        if missing and startup:
            raise RuntimeError(f"destinations use {', '.join(missing)} but it is not configured")
        usable = []
        for destination in destinations:
            if destination.platform not in self.platforms:
                self._warn_once(destination.id, "subscription for a platform that is not running: skipped",
                                platform=destination.platform)
                continue
            try:
                destination.schedule.trigger()
            except ScheduleError as error:
                self._warn_once(destination.id, "subscription with an unusable schedule: skipped", error=str(error))
                continue
            usable.append(destination)
        return usable

    def _warn_once(self, destination_id: str, message: str, **extra: str) -> None:
        if (destination_id, message) not in self._warned:
            self._warned.add((destination_id, message))
            log.warning(message, extra={"destination": destination_id, **extra})

    @staticmethod
    def _feed_intervals(feeds) -> dict[str, timedelta]:
        from .polling import parse_interval

        intervals = {}
        for feed in feeds:
            try:
                intervals[feed.url] = parse_interval(feed.every)
            except ValueError:
                log.warning("feed with an unusable interval: skipped", extra={"feed_id": feed.id})
        return intervals

    async def reload(self) -> None:
        """Read subscriptions and feeds again and schedule what they say (no restart needed)."""
        subscriptions, feeds = await asyncio.to_thread(self._read_store)
        destinations = {d.id: d for d in self._destinations(subscriptions)}
        # No await between these two: a job never sees a schedule without its destination.
        self.scheduler.set_schedules([d.schedule for d in destinations.values()])
        self.destinations = destinations
        self.poller.set_feeds(self._feed_intervals(feeds))

    async def _reload_job(self) -> None:
        try:
            await self.reload()
        except Exception:  # a database hiccup: the current schedule stays, the next reload tries again
            log.exception("could not reload subscriptions and feeds")

    def _feed_poller(self, feeds):
        from .ingest import SafeFetcher
        from .polling import FeedPoller
        from .storage import SqlFeedStates

        fetcher = SafeFetcher(allow_hosts=self.app.settings.fetch_allow_hosts)
        return FeedPoller(self._feed_intervals(feeds), fetcher, SqlFeedStates(self.app.store.engine),
                          self._ingest_polled)

    def _ingest_polled(self, articles) -> None:
        report = self.app.service.ingest(articles)
        for outcome, count in report.outcomes.items():
            self.metrics.articles_ingested.labels(outcome.value).inc(count)
        if report.errors:
            self.metrics.ingestion_errors.inc(len(report.errors))

    async def _poll_feeds(self) -> None:
        if not self.poller.feeds:
            return
        reports = await asyncio.to_thread(self.poller.poll_due)
        failed = sum(1 for r in reports if r.errors and not r.articles)
        if failed:
            self.metrics.ingestion_errors.inc(failed)

    async def _post(self, destination_id: str, period: str, recovering: bool = False) -> str | None:
        destination = self.destinations[destination_id]
        publisher = self.platforms[destination.platform].publisher
        find_posted = getattr(publisher, "find_posted", None)
        if recovering and find_posted is not None:
            earlier = await find_posted(destination.target, period)
            if earlier is not None:
                log.info("digest found already posted", extra={"destination": destination_id, "period": period})
                return earlier
        digest = await asyncio.to_thread(self._digest_for, destination)
        try:
            message_id = await publisher.publish(destination.target, digest, period)
        except Exception:
            self.metrics.digests_failed.labels(destination_id).inc()
            raise
        self.metrics.digests_posted.labels(destination_id).inc()
        try:
            posted = [item_fingerprint(i) for story in digest.stories for i in story.whats_new]
            await asyncio.to_thread(self.posted_items.remember, destination.memory_key, posted,
                                    datetime.now(timezone.utc))
        except Exception:  # the post is done: a lost memory must not make it count as failed
            log.exception("could not record what was posted", extra={"destination": destination_id})
        return message_id

    def _digest_for(self, destination: Destination) -> Digest:
        """The destination's digest without what it was already told.

        Items the destination has been shown (by fingerprint) are dropped from each story's
        what's new; a story left with nothing new is left out.
        """
        digest = digest_for(self.app.service.current_digest(), destination.topics)
        seen = self.posted_items.seen(destination.memory_key)
        stories = []
        for story in digest.stories:
            unseen = filter_unseen(story.whats_new, seen)
            if unseen:  # the cached stories are shared: copy, do not modify
                stories.append(dataclasses.replace(story, whats_new=unseen))
        return Digest(stories, digest.generated_at, digest.since)

    def _database_reachable(self) -> bool:
        with self.app.store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True

    def readiness_checks(self) -> dict:
        checks = {"database": self._database_reachable, "scheduler": lambda: self.scheduler.running}
        for name, platform in self.platforms.items():
            checks[name] = platform.connected
        return checks

    async def start(self) -> int:
        """Start everything; returns the HTTP port actually bound."""
        from .http_server import bound_port

        routes = {path: handler for p in self.platforms.values() for path, handler in p.routes.items()}
        http_app = build_http_app(self.metrics, self.readiness_checks(), routes)
        settings = self.app.settings
        self._runner = await serve(http_app, settings.http_host, settings.http_port)
        # Load the stories now, off the loop, so the first chat command does not wait for it.
        self._warm_up = asyncio.get_running_loop().run_in_executor(None, self.app.service.current_digest)
        for platform in self.platforms.values():
            if platform.start is not None:
                await platform.start()
        self.scheduler.start()
        port = bound_port(self._runner)
        log.info("digestbot running", extra={"http": f"{settings.http_host}:{port}"})
        return port

    async def stop(self) -> None:
        cut_off = await self.scheduler.drain(timeout=SHUTDOWN_DEADLINE / 2)
        if cut_off:
            log.warning("posts cut off by shutdown", extra={"count": cut_off})
        for platform in self.platforms.values():
            if platform.stop is not None:
                await platform.stop()
        if self._runner is not None:
            await self._runner.cleanup()


async def run_until_stopped(runtime: Runtime, ready: Callable[[int], None] = lambda port: None) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    port = await runtime.start()
    ready(port)
    await stop.wait()
    log.info("stopping")
    try:
        await asyncio.wait_for(runtime.stop(), SHUTDOWN_DEADLINE)
    except asyncio.TimeoutError:
        log.warning("shutdown took longer than %.0f s; exiting anyway", SHUTDOWN_DEADLINE)
    return 0
