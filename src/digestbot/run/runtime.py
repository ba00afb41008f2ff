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

`/digest now` reaches the runtime through `Management.post_now` (installed by `start`): the
channel's digest is posted at once as an extra period `now:<UTC minute>` in the ledger.
Feed health: a feed failing `DIGESTBOT_FEED_FAILURES_BEFORE_NOTICE` times in a row is
announced once (publisher `notify`) in the channels using it, and once when it recovers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import hashlib
import logging
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

from ..bootstrap import App
from ..config import DestinationConfig
from .http_server import build_http_app, build_metrics_app, serve
from ..ingest.fetch import FetchCancelled
from .metrics import Metrics, poll_outcome
from ..stories.delivery import in_topics, story_for_subscription, window_start
from ..domain.models import Article, Claim, Digest, Story
from ..startup_errors import describe_startup_error
from ..stories.novelty import filter_unseen, item_fingerprint, revision, whats_new_to_reader
from ..present.render import revision_text, story_update_text
from .scheduling import DigestScheduler, Schedule, ScheduleError, Skip
from ..storage.channel_memory import SqlPostedItems, SqlStoryPosts
from ..storage.ledger import SqlLedger
from ..domain.records import ShownStory, Subscription, UpsertOutcome

log = logging.getLogger("digestbot.run")

SHUTDOWN_DEADLINE = 8.0  # seconds: well inside Docker's 10 s grace
FEED_CHECK_SECONDS = 30.0  # how often due feeds are looked for; each feed has its own interval
POST_NOW_TIMEOUT = 60.0  # seconds a `/digest now` waits for its post before saying it failed
READY_CHECK_SECONDS = 5.0  # a database slower than this to answer /readyz is not ready
NEW_ITEMS_CACHE = 5000  # stories' what's new kept per channel baseline


class Publisher(Protocol):
    async def publish(self, target: str, digest: Digest, period: str) -> str | None: ...

    # Optional: publishers that can recognise their own earlier post of a period define
    # `async find_posted(target, period) -> str | None`, used when recovering a claim.
    # Optional: `async notify(target, text) -> None` posts a short plain message (feed health
    # notices); destinations whose publisher has none get no notices.


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
            schedule = Schedule(dest_id, cron, zone, not_before=min(created) if created else None)
            destinations.append(Destination(dest_id, platform, target, tuple(dict.fromkeys(s.topic for s in subs)),
                                            schedule, memory=base, subscriptions=tuple(subs)))
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
    return Digest([s for s in digest.stories if in_topics(s, topics)], digest.generated_at, digest.since)


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
        self._feed_topics = {f.url: f.topic for f in feeds}
        self.destinations = {d.id: d for d in self._destinations(subscriptions, startup=True)}
        self._clock = clock
        self._loop: asyncio.AbstractEventLoop | None = None
        self._now_tasks: set[asyncio.Task] = set()
        self.ledger = SqlLedger(app.store.engine, lease=timedelta(seconds=app.settings.claim_lease_seconds))
        self.scheduler = DigestScheduler(
            [d.schedule for d in self.destinations.values()],
            self.ledger,
            self._post,
            grace=timedelta(minutes=app.settings.grace_minutes),
            clock=clock,
            on_missed=lambda destination, _period: self.metrics.digest(destination, "missed"),
            on_failed=lambda destination, _period: self.metrics.digest(destination, "failed"),
            retry_delay=timedelta(seconds=app.settings.retry_seconds),
        )
        self.posted_items = SqlPostedItems(app.store.engine)
        self.story_posts = SqlStoryPosts(app.store.engine)
        self._channel_locks: dict[str, asyncio.Lock] = {}
        self._revisions: list[tuple[Article, Article]] = []  # edited articles from the last polls
        self._new_articles = False  # whether the last polls stored any new article
        self._new_items: dict[tuple, list] = {}  # what's new per (what a channel was shown, story)
        self._runner = None
        self._probe: Engine | None = None  # the readiness check's own engine: a new connection each time
        self._metrics_runner = None  # /metrics on its own port (DIGESTBOT_METRICS_PORT)
        self._poll_task: asyncio.Task | None = None  # the feed poll under way, awaited by `stop`
        self._warm_up = None  # the first load of the stories, started with the server
        self.poller = self._feed_poller(feeds)
        self.scheduler.every("poll-feeds", FEED_CHECK_SECONDS, self._poll_feeds)
        self.scheduler.every("reload", app.settings.reload_seconds, self._reload_job)

    # --- what to schedule: the database ------------------------------------------------------

    def _management_store(self):
        """The store chat changes: bootstrap's (seeded, pins applied), or for an app wired
        without management one of our own, seeded from the configuration file here."""
        from ..service.seeding import apply_pins, seed_from_config
        from ..storage.management import SqlManagementStore

        store = getattr(getattr(self.app.service, "management", None), "store", None)
        if store is not None:
            return store
        store = SqlManagementStore(self.app.store.engine)
        seed_from_config(store, self.app.config)
        apply_pins(store, self.app.config)
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
        self._feed_topics = {f.url: f.topic for f in feeds}
        self.poller.set_feeds(self._feed_intervals(feeds))

    async def _reload_job(self) -> None:
        try:
            await self.reload()
        except Exception as error:  # a database hiccup: the current schedule stays, the next reload tries again
            known = describe_startup_error(error, self.app.settings)
            if known is None:
                log.exception("could not reload subscriptions and feeds")
            else:  # an outage is one line every reload, not a traceback
                log.warning("could not reload subscriptions and feeds: %s", known)

    def _feed_poller(self, feeds):
        from ..ingest import SafeFetcher
        from .polling import FeedPoller
        from ..storage.feed_states import SqlFeedStates

        self.fetcher = fetcher = SafeFetcher(allow_hosts=self.app.settings.fetch_allow_hosts)
        self.feed_states = SqlFeedStates(self.app.store.engine)
        return FeedPoller(self._feed_intervals(feeds), fetcher, self.feed_states, self._ingest_polled,
                          page_fetches=self.app.settings.feed_page_fetches,
                          max_entries=self.app.settings.feed_max_entries)

    def _ingest_polled(self, articles):
        report = self.app.service.ingest(articles)
        self._revisions.extend(report.revisions)
        self._new_articles = self._new_articles or bool(report.outcomes.get(UpsertOutcome.CREATED))
        for outcome, count in report.outcomes.items():
            self.metrics.articles_ingested.labels(outcome.value).inc(count)
        if report.errors:
            self.metrics.ingestion_errors.inc(len(report.errors))
        return report  # the poller records the entries that could not be used

    async def _poll_feeds(self) -> None:
        if not self.poller.feeds:
            return
        self._poll_task = asyncio.current_task()
        try:
            reports = await asyncio.to_thread(self.poller.poll_due)
        except FetchCancelled:  # shutting down: the feed is polled again after the restart
            return
        for report in reports:
            self.metrics.feed_poll(poll_outcome(report), len(report.articles))
        failed = sum(1 for r in reports if r.errors and not r.articles)
        if failed:
            self.metrics.ingestion_errors.inc(failed)
        for report in reports:
            try:
                await self._feed_notice(report.url)
            except Exception:  # a notice must never stop polling
                log.exception("could not send a feed health notice", extra={"feed": report.url})
        await self._after_ingest()

    async def _after_ingest(self) -> None:
        """What new and edited articles set off between digests: "what changed" replies and
        the breaking lane."""
        revisions, self._revisions = self._revisions, []
        new_articles, self._new_articles = self._new_articles, False
        if revisions:
            await self._announce_revisions(revisions)
        if new_articles:
            await self._breaking()

    # --- feed health notices -----------------------------------------------------------------

    async def _feed_notice(self, url: str) -> None:
        """Tell the channels using a feed, once, that it keeps failing; and once that it is back.

        Whether the failure was announced is kept in the database (`feed_states.notified_down`),
        so a restart neither repeats nor forgets it. It is marked before posting: a notice that
        cannot be delivered is not retried (at most once), the feed itself still is.
        """
        from .polling import health_notice
        from ..redaction import redact_credentials

        state = await asyncio.to_thread(self.feed_states.load, url)
        notified = await asyncio.to_thread(self.feed_states.notified_down, url)
        change = health_notice(state, notified, self.app.settings.feed_failures_before_notice)
        if change is None:
            return
        await asyncio.to_thread(self.feed_states.set_notified_down, url, change == "down")
        shown = redact_credentials(url)  # the channel may not see a configuration file's password
        if change == "down":
            text = (f"Feed {shown} is failing: {redact_credentials(state.last_error or 'unknown error')} "
                    f"({state.failures} failures in a row). It is retried less often from now on; "
                    "this channel is told when it works again.")
        else:
            text = f"Feed {shown} works again."
        log.info("feed health notice", extra={"feed": url, "change": change})
        for destination in self._feed_channels(url):
            publisher = self.platforms[destination.platform].publisher
            try:
                await publisher.notify(destination.target, text)
            except Exception:
                log.exception("feed health notice failed", extra={"destination": destination.id, "feed": url})

    def _feed_channels(self, url: str) -> list[Destination]:
        """One destination per channel whose subscriptions use the feed (its topic, or all
        stories; a feed without a topic: the channels subscribed to all) and can be notified."""
        topic = self._feed_topics.get(url)
        channels: dict[tuple[str, str], Destination] = {}
        for destination in self.destinations.values():
            if not ("*" in destination.topics or (topic is not None and topic in destination.topics)):
                continue
            platform = self.platforms.get(destination.platform)
            if platform is None or getattr(platform.publisher, "notify", None) is None:
                continue
            channels.setdefault((destination.platform, destination.target), destination)
        return list(channels.values())

    async def _post(self, destination_id: str, period: str, recovering: bool = False) -> str | Skip | None:
        destination = self.destinations[destination_id]
        outcome = await self._publish(destination, period, recovering, scheduled=True)
        if not isinstance(outcome, Skip):
            self._observe_lag(destination, period)
        return outcome

    def _observe_lag(self, destination: Destination, period: str) -> None:
        """Scheduler lag: seconds from the period's due time (its local wall-clock time in
        the destination's zone) to now, when its post is done. A period named otherwise has no
        due time: nothing to observe (a metric never fails a post)."""
        try:
            due = datetime.strptime(period, "%Y-%m-%dT%H:%M").replace(tzinfo=ZoneInfo(destination.schedule.timezone))
        except ValueError:
            return
        lag = (self._clock() - due).total_seconds()
        self.metrics.scheduler_lag.labels(destination.platform).observe(max(0.0, lag))

    def _channel_lock(self, memory_key: str) -> asyncio.Lock:
        """One post at a time per channel, so a digest and a breaking post never both show an item."""
        return self._channel_locks.setdefault(memory_key, asyncio.Lock())

    async def _publish(self, destination: Destination, period: str, recovering: bool = False,
                       *, scheduled: bool = False) -> str | Skip | None:
        """Post the destination's digest; with threads on, stories the channel was already
        shown get their new developments as replies in their thread instead.

        A scheduled digest with nothing new for the channel is skipped (Skip), unless one of
        its subscriptions asks to post "nothing new" (`post_when_empty`); `/digest now` always
        answers."""
        destination_id = destination.id
        publisher = self.platforms[destination.platform].publisher
        find_posted = getattr(publisher, "find_posted", None)
        if recovering and find_posted is not None:
            earlier = await find_posted(destination.target, period)
            if earlier is not None:
                log.info("digest found already posted", extra={"destination": destination_id, "period": period})
                return earlier
        async with self._channel_lock(destination.memory_key):
            plan, shown = await asyncio.to_thread(self._plan, destination)
            if scheduled and not plan.stories and not destination.uses("post_when_empty"):
                return Skip("nothing new")
            threaded = self._threaded(destination, plan.stories, shown)
            fresh = [story for story in plan.stories if story.key not in threaded]
            message_id = None
            if fresh or not threaded:
                try:
                    message_id = await publisher.publish(
                        destination.target, dataclasses.replace(plan, stories=fresh), period)
                except Exception as error:  # counted failed by the scheduler, which retries it
                    self.metrics.platform_error(destination_id, error)
                    raise
                self.metrics.digest(destination_id, "posted")
                await self._remember(destination, fresh, message_id)
            for story in plan.stories:
                if story.key in threaded:
                    reply_id = await self._reply(destination, story, threaded[story.key], story_update_text(story))
                    message_id = message_id or reply_id
        return message_id

    async def _reply(self, destination: Destination, story: Story, anchor: str, text: str,
                     *, breaking: bool = False) -> str | None:
        """Post `text` in the story's thread and remember it; a failed reply is logged and its
        developments stay unseen (the digest already went out: it must not count as failed)."""
        publisher = self.platforms[destination.platform].publisher
        try:
            reply_id = await publisher.reply(destination.target, anchor, text)
        except Exception:
            log.exception("thread reply failed", extra={"destination": destination.id, "story": story.key})
            return None
        await self._remember(destination, [story], anchor, breaking=breaking)
        return reply_id

    async def _remember(self, destination: Destination, stories: list[Story], message_id: str | None,
                        *, breaking: bool = False) -> None:
        """What the channel was shown (its items) and where (the message: a story's thread)."""
        now = self._clock()
        try:
            posted = [item_fingerprint(i) for story in stories for i in story.whats_new]
            await asyncio.to_thread(self.posted_items.remember, destination.memory_key, posted, now)
            for story in stories:
                await asyncio.to_thread(self.story_posts.record, destination.memory_key,
                                        [a.key for a in story.articles], message_id, now, breaking=breaking)
        except Exception:  # the post is done: a lost memory must not make it count as failed
            log.exception("could not record what was posted", extra={"destination": destination.id})

    def _threaded(self, destination: Destination, stories: list[Story],
                  shown: dict[str, ShownStory]) -> dict[str, str]:
        """story key -> the thread its developments go to: stories the channel was shown
        before, under a subscription with threads on, on a platform that can reply."""
        if not destination.uses("threads") or not self._can_reply(destination):
            return {}
        threads = {}
        for story in stories:
            subscription = destination.subscription_for(story)
            if subscription is None or not subscription.options.threads:
                continue
            anchor = shown[story.key].anchor
            if anchor is not None:
                threads[story.key] = anchor
        return threads

    def _can_reply(self, destination: Destination) -> bool:
        return getattr(self.platforms[destination.platform].publisher, "reply", None) is not None

    # --- the breaking lane and edited articles -----------------------------------------------

    async def _breaking(self) -> None:
        """Post followed stories' new developments now, for subscriptions with the breaking
        lane on: at most once per story per interval; the next digest does not repeat them."""
        for destination in list(self.destinations.values()):
            if not destination.uses("breaking_minutes"):
                continue
            try:
                await self._post_breaking(destination)
            except Exception:
                log.exception("breaking post failed", extra={"destination": destination.id})

    async def _post_breaking(self, destination: Destination) -> None:
        publisher = self.platforms[destination.platform].publisher
        async with self._channel_lock(destination.memory_key):
            plan, shown = await asyncio.to_thread(self._plan, destination)
            now = self._clock()
            for story in plan.stories:
                subscription = destination.subscription_for(story)
                minutes = subscription.options.breaking_minutes if subscription else None
                if not minutes:
                    continue
                anchor, last = shown[story.key].anchor, shown[story.key].last_breaking
                if anchor is None:  # not followed: the channel was never shown this story
                    continue
                if last is not None and now - last < timedelta(minutes=minutes):
                    continue
                text = story_update_text(story, heading="Breaking")
                if subscription.options.threads and self._can_reply(destination):
                    await self._reply(destination, story, anchor, text, breaking=True)
                    continue
                try:
                    await publisher.notify(destination.target, text)
                except Exception:
                    log.exception("breaking post failed", extra={"destination": destination.id, "story": story.key})
                    continue
                await self._remember(destination, [story], None, breaking=True)
                log.info("breaking news posted", extra={"destination": destination.id, "story": story.key})

    async def _announce_revisions(self, revisions: list[tuple[Article, Article]]) -> None:
        """An edited article: a "what changed" reply in the thread of each channel (threads on)
        that was shown it, never a repost: its developments now count as shown there."""
        channels = {d.memory_key: d for d in self.destinations.values()
                    if d.uses("threads") and self._can_reply(d)}
        for old, new in revisions:
            change = revision(old, new)
            if not change:
                continue
            for destination in channels.values():
                anchor = await asyncio.to_thread(self.story_posts.anchor, destination.memory_key, [old.key])
                if anchor is None:
                    continue
                async with self._channel_lock(destination.memory_key):
                    plan, _shown = await asyncio.to_thread(self._plan, destination)
                    stories = [s for s in plan.stories if any(a.key == old.key for a in s.articles)]
                    edited = [dataclasses.replace(s, whats_new=[i for i in s.whats_new
                                                                if any(r.article_key == old.key for r in i.sources)])
                              for s in stories]
                    await self._reply(destination, edited[0] if edited else Story(old.key, new.title, [new]),
                                      anchor, revision_text(new, change))

    # --- /digest now ----------------------------------------------------------------------------

    async def post_now(self, platform: str, channel: str, kind: str = "now") -> str:
        """Post a channel's digest at once, as an extra in the exactly-once ledger.

        The period is `<kind>:<UTC minute>` under the channel's destination id: it never
        collides with a scheduled period (those are plain local times), and a repeat within the
        same minute (a double click) posts nothing more. The digest holds the topics of all the
        channel's subscriptions; what it shows is remembered like a scheduled digest's.
        Returns "posted", "already", "none" (the channel gets no digest) or "failed".
        """
        channel_key = f"{platform}:{channel}"
        mine = [d for d in self.destinations.values() if d.platform == platform and d.memory_key == channel_key]
        if not mine:
            return "none"
        topics = tuple(dict.fromkeys(t for d in mine for t in d.topics))
        destination = dataclasses.replace(mine[0], topics=("*",) if "*" in topics else topics,
                                          subscriptions=tuple(s for d in mine for s in d.subscriptions))
        now = self._clock().astimezone(timezone.utc)
        period = f"{kind}:{now:%Y-%m-%dT%H:%M}"
        claim = await asyncio.to_thread(self.ledger.claim, destination.id, period, now)
        if claim is None:
            return "already"
        try:
            message_id = await self._publish(destination, period, claim is Claim.RECOVER)
        except Exception:
            self.metrics.digest(destination.id, "failed")
            # A failed recovery stays one: the next try looks for the earlier post first.
            undo = self.ledger.interrupt if claim is Claim.RECOVER else self.ledger.release
            await asyncio.to_thread(undo, destination.id, period)
            log.exception("digest now failed", extra={"destination": destination.id, "period": period})
            return "failed"
        await asyncio.to_thread(self.ledger.complete, destination.id, period, message_id)
        log.info("digest posted now", extra={"destination": destination.id, "period": period})
        return "posted"

    async def catch_up(self, platform: str, channel: str) -> str:
        """A channel's first subscription: schedule it now and post one catch-up digest of at
        most the catch-up window (the subscription's memory starts there)."""
        await self.reload()
        return await self.post_now(platform, channel, kind="first")

    def _post_now_blocking(self, platform: str, channel: str) -> str:
        """`Management.post_now`: called from the adapters' worker thread, runs in the loop."""
        return self._in_loop(lambda: self.post_now(platform, channel))

    def _catch_up_blocking(self, platform: str, channel: str) -> str:
        """`Management.catch_up`, like `_post_now_blocking`."""
        return self._in_loop(lambda: self.catch_up(platform, channel))

    def _in_loop(self, make_coroutine: Callable[[], Coroutine[object, object, str]]) -> str:
        """Run a post in the runtime's loop from a worker thread and wait for its status."""
        loop = self._loop
        if loop is None:
            return "failed"
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:  # called on the loop itself: it cannot wait for the post
            task = loop.create_task(make_coroutine())
            self._now_tasks.add(task)
            task.add_done_callback(self._now_tasks.discard)
            return "started"
        future = asyncio.run_coroutine_threadsafe(make_coroutine(), loop)
        try:
            return future.result(POST_NOW_TIMEOUT)
        except concurrent.futures.TimeoutError:  # still under way: it finishes on its own
            return "started"

    def install_post_now(self) -> None:
        """Let `/digest now` and a first subscription's catch-up reach this runtime (called
        from `start`, inside the loop)."""
        self._loop = asyncio.get_running_loop()
        management = getattr(self.app.service, "management", None)
        if management is not None:
            management.post_now = self._post_now_blocking
            management.catch_up = self._catch_up_blocking

    def _plan(self, destination: Destination) -> tuple[Digest, dict[str, ShownStory]]:
        """The destination's digest: its subscriptions' stories, through their filters and
        catch-up window, without what the channel was already shown; and, per story key, what
        the channel was shown of it (read once, for threads and the breaking lane too).

        Items the channel has been shown (by fingerprint) are dropped from each story's
        what's new; a story left with nothing new is left out.
        """
        everything = self.app.service.current_digest()
        digest = digest_for(everything, destination.topics)
        seen = self.posted_items.seen(destination.memory_key)
        stories, shown = [], {}
        for story in digest.stories:
            shown_story = self.story_posts.view(destination.memory_key, [a.key for a in story.articles])
            story = self._new_to_channel(story, shown_story.shown)
            subscription = destination.subscription_for(story)
            if subscription is not None:
                since = window_start(subscription.created_at, self.app.settings.catch_up_hours) \
                    if subscription.from_chat else None
                story = story_for_subscription(story, subscription.options, since)
                if story is None:
                    continue
            unseen = filter_unseen(story.whats_new, seen)
            if unseen:  # the cached stories are shared: copy, do not modify
                stories.append(dataclasses.replace(story, whats_new=unseen))
                shown[story.key] = shown_story
        # Empty although stories were ingested: a quiet day, which reads "nothing new".
        return Digest(stories, digest.generated_at, digest.since, nothing_new=bool(everything.stories)), shown

    def _new_to_channel(self, story: Story, shown: frozenset[str]) -> Story:
        """The story with what's new measured against what this channel was shown of it, not
        against the story's previous day: a channel that skipped days gets those days'
        developments, and "17 (was 12)" names the figure it saw. A story the channel was never
        shown keeps the shared what's new. Computed once per (story, what was shown)."""
        if not shown:
            return story
        cache_key = (tuple(sorted(shown)), tuple((a.key, a.content_hash) for a in story.articles))
        items = self._new_items.get(cache_key)
        if items is None:
            if len(self._new_items) >= NEW_ITEMS_CACHE:
                self._new_items.clear()
            items = self._new_items[cache_key] = whats_new_to_reader(story.articles, shown)
        return dataclasses.replace(story, whats_new=items)

    def _database_answers(self) -> bool:
        """A cheap read of one table page (the ledger's) on a new connection: SQLite answers
        `SELECT 1` without reading the file, and a pooled connection serves its cached pages,
        so either would call a database overwritten with junk ready."""
        url = self.app.store.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            _check_sqlite_header(Path(url.database).expanduser())
        with self._probe_engine().connect() as connection:
            connection.execute(text("SELECT 1 FROM deliveries LIMIT 1")).all()
        return True

    def _probe_engine(self) -> Engine:
        if self._probe is None:
            url = self.app.store.engine.url
            if url.get_backend_name() == "sqlite":
                if url.database in (None, "", ":memory:"):  # a private database: only its own engine sees it
                    return self.app.store.engine
                args = {"timeout": READY_CHECK_SECONDS}
            else:
                args = {"connect_timeout": int(READY_CHECK_SECONDS)}
            self._probe = create_engine(url, poolclass=NullPool, connect_args=args)
        return self._probe

    async def _database_ready(self) -> bool:
        """In a thread, with a deadline: a locked or unreachable database makes `/readyz` say
        not ready in seconds, and never stalls the loop."""
        return await asyncio.wait_for(asyncio.to_thread(self._database_answers), READY_CHECK_SECONDS)

    def readiness_checks(self) -> dict:
        checks = {"database": self._database_ready, "scheduler": lambda: self.scheduler.running}
        for name, platform in self.platforms.items():
            checks[name] = platform.connected
        return checks

    async def start(self) -> int:
        """Start everything; returns the HTTP port actually bound."""
        from .http_server import bound_port

        routes = {path: handler for p in self.platforms.values() for path, handler in p.routes.items()}
        settings = self.app.settings
        metrics_apart = settings.metrics_port is not None  # keeps /metrics off Slack's public port
        http_app = build_http_app(self.metrics, self.readiness_checks(), routes, serve_metrics=not metrics_apart)
        self._runner = await self._serve(http_app, settings.http_port)
        if metrics_apart:
            self._metrics_runner = await self._serve(build_metrics_app(self.metrics), settings.metrics_port)
            log.info("metrics served apart", extra={"http": f"{settings.http_host}:{bound_port(self._metrics_runner)}"})
        event.listen(self.app.store.engine, "handle_error", self._count_database_error)
        # Load the stories now, off the loop, so the first chat command does not wait for it.
        self._warm_up = asyncio.get_running_loop().run_in_executor(None, self.app.service.current_digest)
        for platform in self.platforms.values():
            if platform.start is not None:
                await platform.start()
        self.scheduler.start()
        self.install_post_now()
        port = bound_port(self._runner)
        log.info("digestbot running", extra={"http": f"{settings.http_host}:{port}"})
        return port

    async def _serve(self, http_app, port: int):
        settings = self.app.settings
        return await serve(http_app, settings.http_host, port, request_timeout=settings.http_request_timeout,
                           max_connections=settings.http_max_connections)

    def _count_database_error(self, _context) -> None:
        """SQLAlchemy's `handle_error` hook: every failed statement on the engine counts."""
        self.metrics.database_errors.inc()

    async def stop(self) -> None:
        # A feed fetch blocks a worker thread that the process waits for at exit, for as long
        # as the fetcher's deadline (20 s) with a slow server: shut its socket now.
        self.fetcher.cancel()
        if self._poll_task is not None and not self._poll_task.done():  # it ends at once now
            await asyncio.wait({self._poll_task}, timeout=SHUTDOWN_DEADLINE / 4)
        cut_off = await self.scheduler.drain(timeout=SHUTDOWN_DEADLINE / 2)
        if cut_off:
            log.warning("posts cut off by shutdown", extra={"count": cut_off})
        for platform in self.platforms.values():
            if platform.stop is not None:
                await platform.stop()
        for runner in (self._runner, self._metrics_runner):
            if runner is not None:
                await runner.cleanup()
        if event.contains(self.app.store.engine, "handle_error", self._count_database_error):
            event.remove(self.app.store.engine, "handle_error", self._count_database_error)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)  # SIGHUP: the terminal or a supervisor going away


SQLITE_HEADER = b"SQLite format 3\x00"


def _check_sqlite_header(path: Path) -> None:
    """16 bytes, read each probe: in WAL mode SQLite serves recent pages from the -wal file, so
    a main file overwritten with junk still answers queries until the next checkpoint."""
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise ValueError(f"{path.name} is not a SQLite database (its header is wrong): corrupt or overwritten")


async def run_until_stopped(runtime: Runtime, ready: Callable[[int], None] = lambda port: None) -> int:
    """Run until one of `STOP_SIGNALS`, then stop gracefully within `SHUTDOWN_DEADLINE`."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
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
