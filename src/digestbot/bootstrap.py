"""The one composition root: settings, configuration, storage and the service for every
command (`bootstrap`), and everything `digestbot run` runs (`build_runtime`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from .config import AppConfig, load_config
from .service.digests import DigestService
from .settings import Settings
from .storage.articles import SqlStore
from .storage.migrate import open_database

if TYPE_CHECKING:
    from .domain.platforms import Platform, PlatformNeeds
    from .run.metrics import Metrics
    from .run.relay import NowRelay
    from .run.runtime import Runtime

FEED_CHECK_SECONDS = 30.0  # how often due feeds are looked for; each feed has its own interval


@dataclass
class App:
    settings: Settings
    config: AppConfig
    store: SqlStore
    service: DigestService
    # `digestbot run` only: how `/digest now` and a first subscription's catch-up reach the running bot.
    relay: NowRelay | None = None

    def close(self) -> None:
        self.store.close()


def bootstrap(settings: Settings | None = None, *, running: bool = False, **overrides: object) -> App:
    """Build the application from the environment; keyword overrides win over it. `running`:
    for `digestbot run`, whose chat commands can post now (`build_runtime` connects them)."""
    from .run.relay import NowRelay
    from .run.scheduling import check_schedule

    settings = settings or Settings()
    if overrides:
        settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    config = load_config(settings.config, check_schedule)
    store = SqlStore(open_database(settings.database_url))  # the schema migrated once, before any repository
    service = DigestService(
        store,
        config.topic_models(),
        key_points=settings.key_points,
        method=settings.method,
        max_article_chars=settings.max_article_chars,
    )
    relay = NowRelay() if running else None
    service.use_management(_management(store, config, settings, relay))
    return App(settings, config, store, service, relay)


def _management(store: SqlStore, config: AppConfig, settings: Settings, relay: NowRelay | None):
    """Subscriptions, topics and feeds in the database, seeded once from the configuration;
    its pinned entries are applied again at every start and chat cannot change them."""
    from .ingest import SafeFetcher
    from .ingest.feed_check import SafeFeedReader
    from .run.scheduling import next_fire_time
    from .service.management import Management
    from .service.seeding import Pins, apply_pins, seed_from_config
    from .storage.feed_states import SqlFeedStates
    from .storage.ledger import SqlLedger
    from .storage.management import SqlManagementStore

    managed = SqlManagementStore(store.engine)
    seed_from_config(managed, config)
    apply_pins(managed, config)  # the file's pinned entries, at every start
    management = Management(
        managed,
        next_fire=next_fire_time,
        admin_roles=config.permissions.admin_roles,
        pins=Pins.from_config(config),
        feed_reader=SafeFeedReader(SafeFetcher(allow_hosts=settings.fetch_allow_hosts)),
        deliveries=SqlLedger(store.engine).recent,
        post_now=relay.post_now if relay else None,
        catch_up=relay.catch_up if relay else None,
        feed_health=SqlFeedStates(store.engine),
    )
    management.catch_up_hours = settings.catch_up_hours
    return management


def platform_needs(app: App) -> PlatformNeeds:
    """What the platforms' factories are given (`run.platforms.build_platforms`): the service's
    answers and topics, who may manage, the replay guard of signed requests, the webhooks."""
    from .domain.platforms import PlatformNeeds
    from .storage.seen_requests import SqlSeenRequests  # a replayed request is refused, across restarts too

    destinations = app.config.destinations
    return PlatformNeeds(
        answer=app.service.answer,
        topics=app.service.topics,
        admin_roles=tuple(app.config.permissions.admin_roles),
        management=lambda: app.service.management,
        seen_requests=SqlSeenRequests(app.store.engine),
        webhooks=tuple(d.webhook for d in destinations if d.platform == "discord-webhook" and d.webhook),
        destination_platforms=frozenset(d.platform for d in destinations),
    )


def build_runtime(app: App, platforms: dict[str, Platform], *, metrics: Metrics | None = None,
                  clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> Runtime:
    """Everything `digestbot run` runs, on the app's database and these platforms: the
    destinations the store's subscriptions make (a platform they need and that is not running is
    a RuntimeError), posting and the lanes, the scheduler and its jobs, the feed poller."""
    from .ingest import SafeFetcher
    from .run.metrics import Metrics
    from .run.polling import FeedPollJob, FeedPoller, observed_ingest
    from .run.reload import Reloader, SubscriptionReader, feed_intervals, feed_topics, schedule_of
    from .run.runtime import READY_CHECK_SECONDS, Runtime
    from .service.destinations import Destinations
    from .service.lanes import Lanes
    from .storage.probe import DatabaseProbe, count_errors
    from .storage.feed_states import SqlFeedStates

    settings, engine = app.settings, app.store.engine
    metrics = metrics or Metrics()
    reader = SubscriptionReader(app.service.management.store, app.config.destinations, platforms)
    first, feeds = reader.read(startup=True)
    destinations = Destinations(first, feed_topics(feeds))
    posting = _posting(app, platforms, destinations, metrics, clock)
    feed_states = SqlFeedStates(engine)
    lanes = Lanes(posting, feed_states, failures_before_notice=settings.feed_failures_before_notice, clock=clock)
    scheduler = _scheduler(settings, [schedule_of(d) for d in first], posting, metrics, clock)
    poller = FeedPoller(feed_intervals(feeds), SafeFetcher(allow_hosts=settings.fetch_allow_hosts), feed_states,
                        observed_ingest(app.service.ingest, lanes, metrics),
                        page_fetches=settings.feed_page_fetches, max_entries=settings.feed_max_entries)
    reloader = Reloader(reader, destinations, scheduler, poller, settings)
    feed_job = FeedPollJob(poller, lanes, metrics)
    scheduler.every("poll-feeds", FEED_CHECK_SECONDS, feed_job.poll)
    scheduler.every("reload", settings.reload_seconds, reloader.job)
    if app.relay is not None:
        app.relay.connect(posting.post_now, reloader.reload)
    return Runtime(settings, platforms, scheduler=scheduler, feeds=feed_job, metrics=metrics,
                   database=DatabaseProbe(engine, timeout=READY_CHECK_SECONDS),
                   count_database_errors=lambda: count_errors(engine, metrics.database_errors.inc),
                   warm_up=app.service.current_digest, relay=app.relay,
                   posting=posting, lanes=lanes, reloader=reloader)


def _posting(app: App, platforms: dict[str, Platform], destinations, metrics: Metrics, clock):
    from .service.posting import Posting
    from .storage.channel_memory import SqlPostedItems, SqlStoryPosts
    from .storage.ledger import SqlLedger

    engine = app.store.engine
    return Posting(
        destinations, {name: p.publisher for name, p in platforms.items()}, app.service.current_digest,
        ledger=SqlLedger(engine, lease=timedelta(seconds=app.settings.claim_lease_seconds)),
        posted_items=SqlPostedItems(engine), story_posts=SqlStoryPosts(engine),
        metrics=metrics, catch_up_hours=app.settings.catch_up_hours, clock=clock,
    )


def _scheduler(settings: Settings, schedules, posting, metrics: Metrics, clock):
    from .run.scheduling import DigestScheduler

    return DigestScheduler(
        schedules, posting.ledger, posting.post,
        grace=timedelta(minutes=settings.grace_minutes),
        clock=clock,
        on_missed=lambda destination, _period: metrics.digest(destination, "missed"),
        on_failed=lambda destination, _period: metrics.digest(destination, "failed"),
        retry_delay=timedelta(seconds=settings.retry_seconds),
    )
