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
import logging
import signal
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

from ..bootstrap import App
from .http_server import build_http_app, build_metrics_app, serve
from ..ingest.fetch import FetchCancelled
from .metrics import Metrics, poll_outcome
from ..domain.ports import Publisher
from ..startup_errors import describe_startup_error
from .scheduling import DigestScheduler, Schedule, ScheduleError
from ..service.destinations import Destination, Destinations, destinations_from, destinations_from_subscriptions
from ..service.lanes import Lanes
from ..service.posting import Posting
from ..storage.sql import SqlLedger, SqlPostedItems, SqlStoryPosts
from ..domain.records import Subscription

log = logging.getLogger("digestbot.run")

SHUTDOWN_DEADLINE = 8.0  # seconds: well inside Docker's 10 s grace
FEED_CHECK_SECONDS = 30.0  # how often due feeds are looked for; each feed has its own interval
POST_NOW_TIMEOUT = 60.0  # seconds a `/digest now` waits for its post before saying it failed
READY_CHECK_SECONDS = 5.0  # a database slower than this to answer /readyz is not ready


@dataclass
class Platform:
    """A connected chat platform (or the console) as `run` sees it."""

    name: str
    publisher: Publisher
    connected: Callable[[], bool] = lambda: True
    start: Callable[[], object] | None = None  # coroutine function
    stop: Callable[[], object] | None = None  # coroutine function
    routes: dict = field(default_factory=dict)  # HTTP routes to mount, e.g. /slack/events


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
        self.destinations = Destinations(self._destinations(subscriptions, startup=True), self._topics_of(feeds))
        self._clock = clock
        self._loop: asyncio.AbstractEventLoop | None = None
        self._now_tasks: set[asyncio.Task] = set()
        self.posting = Posting(
            self.destinations, {name: p.publisher for name, p in platforms.items()}, app.service.current_digest,
            ledger=SqlLedger(app.store.engine, lease=timedelta(seconds=app.settings.claim_lease_seconds)),
            posted_items=SqlPostedItems(app.store.engine), story_posts=SqlStoryPosts(app.store.engine),
            metrics=self.metrics, catch_up_hours=app.settings.catch_up_hours, clock=clock,
        )
        self.scheduler = DigestScheduler(
            [schedule_of(d) for d in self.destinations.values()],
            self.posting.ledger,
            self.posting.post,
            grace=timedelta(minutes=app.settings.grace_minutes),
            clock=clock,
            on_missed=lambda destination, _period: self.metrics.digest(destination, "missed"),
            on_failed=lambda destination, _period: self.metrics.digest(destination, "failed"),
            retry_delay=timedelta(seconds=app.settings.retry_seconds),
        )
        self._runner = None
        self._probe: Engine | None = None  # the readiness check's own engine: a new connection each time
        self._metrics_runner = None  # /metrics on its own port (DIGESTBOT_METRICS_PORT)
        self._poll_task: asyncio.Task | None = None  # the feed poll under way, awaited by `stop`
        self._warm_up = None  # the first load of the stories, started with the server
        self.poller = self._feed_poller(feeds)
        self.lanes = Lanes(self.posting, self.feed_states,
                           failures_before_notice=app.settings.feed_failures_before_notice, clock=clock)
        self.scheduler.every("poll-feeds", FEED_CHECK_SECONDS, self._poll_feeds)
        self.scheduler.every("reload", app.settings.reload_seconds, self._reload_job)

    # --- what to schedule: the database ------------------------------------------------------

    def _management_store(self):
        """The store chat changes: bootstrap's (seeded, pins applied), or for an app wired
        without management one of our own, seeded from the configuration file here."""
        from ..service.seeding import apply_pins, seed_from_config
        from ..storage.sql import SqlManagementStore

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
                schedule_of(destination).trigger()
            except ScheduleError as error:
                self._warn_once(destination.id, "subscription with an unusable schedule: skipped", error=str(error))
                continue
            usable.append(destination)
        return usable

    @staticmethod
    def _topics_of(feeds) -> dict[str, str | None]:
        return {f.url: f.topic for f in feeds}

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
        self.scheduler.set_schedules([schedule_of(d) for d in destinations.values()])
        self.destinations.replace(destinations.values(), self._topics_of(feeds))
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
        from ..storage.sql import SqlFeedStates

        self.fetcher = fetcher = SafeFetcher(allow_hosts=self.app.settings.fetch_allow_hosts)
        self.feed_states = SqlFeedStates(self.app.store.engine)
        return FeedPoller(self._feed_intervals(feeds), fetcher, self.feed_states, self._ingest_polled,
                          page_fetches=self.app.settings.feed_page_fetches,
                          max_entries=self.app.settings.feed_max_entries)

    def _ingest_polled(self, articles):
        report = self.app.service.ingest(articles)
        self.lanes.note(report)
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
                await self.lanes.feed_notice(report.url)
            except Exception:  # a notice must never stop polling
                log.exception("could not send a feed health notice", extra={"feed": report.url})
        await self.lanes.after_ingest()

    async def catch_up(self, platform: str, channel: str) -> str:
        """A channel's first subscription: schedule it now and post one catch-up digest of at
        most the catch-up window (the subscription's memory starts there)."""
        await self.reload()
        return await self.posting.post_now(platform, channel, kind="first")

    def _post_now_blocking(self, platform: str, channel: str) -> str:
        """`Management.post_now`: called from the adapters' worker thread, runs in the loop."""
        return self._in_loop(lambda: self.posting.post_now(platform, channel))

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


def schedule_of(destination: Destination) -> Schedule:
    return Schedule(destination.id, destination.cron, destination.timezone, not_before=destination.not_before)


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
