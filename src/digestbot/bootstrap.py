"""The one place that wires settings, configuration, storage and the service together."""

from __future__ import annotations

from dataclasses import dataclass

from .config import AppConfig, load_config
from .service.digests import DigestService
from .settings import Settings
from .storage.articles import SqlStore
from .storage.migrate import open_database


@dataclass
class App:
    settings: Settings
    config: AppConfig
    store: SqlStore
    service: DigestService

    def close(self) -> None:
        self.store.close()


def bootstrap(settings: Settings | None = None, **overrides: object) -> App:
    """Build the application from the environment; keyword overrides win over it."""
    settings = settings or Settings()
    if overrides:
        settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    config = load_config(settings.config)
    store = SqlStore(open_database(settings.database_url))  # the schema migrated once, before any repository
    service = DigestService(
        store,
        config.topic_models(),
        key_points=settings.key_points,
        method=settings.method,
        max_article_chars=settings.max_article_chars,
    )
    service.use_management(_management(store, config, settings))
    return App(settings, config, store, service)


def _management(store: SqlStore, config: AppConfig, settings: Settings):
    """Subscriptions, topics and feeds in the database, seeded once from the configuration;
    its pinned entries are applied again at every start and chat cannot change them."""
    from .ingest import SafeFetcher
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
        admin_roles=config.permissions.admin_roles,
        pins=Pins.from_config(config),
        fetcher=SafeFetcher(allow_hosts=settings.fetch_allow_hosts),
        deliveries=SqlLedger(store.engine).recent,
        feed_health=SqlFeedStates(store.engine),
    )
    management.catch_up_hours = settings.catch_up_hours
    return management
