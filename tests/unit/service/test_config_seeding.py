"""Issue 14, item 6: the configuration file is seeded per entry. A database first used
without the file (or with an older one) still gets the file's new topics, feeds and
destinations; what chat changed or removed stays so, and what the file holds that the
database ignores is reported (`config_drift`)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import text

from digestbot.chat.commands import MAX_TOPICS
from digestbot.config import load_config, parse_config
from digestbot.run.scheduling import next_fire_time
from digestbot.service.management import Management
from digestbot.service.seeding import config_drift, seed_from_config
from digestbot.storage.migrations import alembic_config
from digestbot.domain.models import CommandContext, Topic
from digestbot.storage.articles import SqlStore
from digestbot.storage.engine import create_store_engine
from digestbot.storage.management import SqlManagementStore
from digestbot.storage.migrate import migrate
from digestbot.domain.records import AuditEntry

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=timezone.utc)
ADMIN = CommandContext("slack", "C1", "ada", is_admin=True)
BOT_TOML = """
[[topics]]
name = "visit"
title = "The state visit"
keywords = ["state visit"]

[[topics]]
name = "dam"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam"]

[[feeds]]
url = "https://ann:hunter2@example.org/rss.xml"
topics = ["dam"]

[[destinations]]
platform = "slack"
channel = "C1"
cron = "0 7 * * *"
timezone = "Europe/Oslo"
topics = ["visit", "dam"]
"""


@pytest.fixture
def store(tmp_path):
    articles = SqlStore.from_url(f"sqlite:///{tmp_path / 'seed.db'}")
    yield SqlManagementStore(articles.engine)
    articles.close()


def subs(store) -> dict:
    return {(s.platform, s.channel, s.topic): (s.cron, s.timezone) for s in store.subscriptions()}


def test_a_database_first_used_without_the_file_still_gets_its_destinations(store):
    """The README's first command (`digestbot digest`) seeds the embedded default topics; a
    later start with bot.toml used to schedule none of the file's destinations."""
    seed_from_config(store, load_config(None), NOW)
    assert seed_from_config(store, parse_config(BOT_TOML, "bot.toml"), NOW) is True
    assert subs(store) == {("slack", "C1", "visit"): ("0 7 * * *", "Europe/Oslo"),
                           ("slack", "C1", "dam"): ("0 7 * * *", "Europe/Oslo")}
    assert {t.topic.name for t in store.topics()} == {"visit", "dam"}
    assert [f.url for f in store.feeds()] == ["https://ann:hunter2@example.org/rss.xml"]
    # the embedded "visit" was seen first: the file's version of it is reported, not forced
    assert config_drift(store, parse_config(BOT_TOML, "bot.toml")) == ["topic /visit: changed from chat"]


def test_what_chat_removed_or_changed_stays_and_is_reported(store):
    config = parse_config(BOT_TOML, "bot.toml")
    seed_from_config(store, config, NOW)
    manage = Management(store, next_fire=next_fire_time, clock=lambda: NOW)
    assert manage.handle("/digest unsubscribe visit", ADMIN).ok
    assert manage.handle("/digest subscribe dam daily 09:00 tz UTC", ADMIN).ok
    assert manage.handle("/digest feeds remove 1", ADMIN).ok
    assert seed_from_config(store, config, NOW) is False  # nothing new: nothing comes back
    assert subs(store) == {("slack", "C1", "dam"): ("0 9 * * *", "UTC")}
    drift = config_drift(store, config)
    assert drift == ["feed https://***@example.org/rss.xml: removed from chat",
                     "slack channel C1, /visit: unsubscribed from chat",
                     "slack channel C1, /dam: changed from chat (daily at 09:00 (UTC))"]


def test_new_topics_stop_at_the_limit_and_are_reported(store):
    for i in range(MAX_TOPICS):
        store.add_topic(Topic(f"t{i}", "T", ("w",)), AuditEntry(NOW, "slack", "C1", "ada", "topics.add", "", None, None))
    config = parse_config(BOT_TOML, "bot.toml")
    seed_from_config(store, config, NOW)
    assert len(store.topics()) == MAX_TOPICS
    assert subs(store) == {}
    drift = config_drift(store, config)
    assert f"topic /visit: not added, the database holds {MAX_TOPICS} topics (the limit is {MAX_TOPICS})" in drift
    assert "slack channel C1, /dam: not subscribed, the database holds no topic /dam" in drift


def test_a_second_process_on_the_same_database_seeds_nothing_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    config = parse_config(BOT_TOML, "bot.toml")
    first, second = SqlStore.from_url(url), SqlStore.from_url(url)
    try:
        results = [seed_from_config(SqlManagementStore(s.engine), config, NOW) for s in (first, second)]
        assert results == [True, False]
        assert len(SqlManagementStore(first.engine).subscriptions()) == 2
    finally:
        first.close()
        second.close()


def test_the_migration_records_what_the_old_whole_file_seed_did(tmp_path):
    """A database seeded before 0008: its config rows and chat's removals count as seen."""
    engine = create_store_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "0007_article_copies")
            for sql in [
                "INSERT INTO topics VALUES ('dam', 'Dam', '[]', 'config', '2026-01-01', 'config file')",
                "INSERT INTO audit_log (at, platform, channel, actor, action, summary, before) VALUES "
                "('2026-01-01', 'config', '*', 'config file', 'seed', 'seeded', NULL)",
                "INSERT INTO audit_log (at, platform, channel, actor, action, summary, before) VALUES "
                "('2026-01-02', 'config', '*', 'ada', 'topics.remove', 'removed', :topic)",
                "INSERT INTO audit_log (at, platform, channel, actor, action, summary, before) VALUES "
                "('2026-01-02', 'slack', 'C1', 'ada', 'unsubscribe', 'x', :subs)",
            ]:
                conn.execute(text(sql), {"topic": json.dumps({"name": "visit"}),
                                         "subs": json.dumps({"subscriptions": [{"topic": "dam"}]})})
        migrate(engine)
        store = SqlManagementStore(engine)
        assert store.seeded_entries() == {("topic", "dam"), ("topic", "visit"), ("subscription", "slack C1 dam")}
        seed_from_config(store, parse_config(BOT_TOML, "bot.toml"), NOW)
        assert [t.topic.name for t in store.topics()] == ["dam"]  # visit was removed from chat: stays removed
        assert subs(store) == {}  # /dam was unsubscribed from chat; /visit has no topic any more
    finally:
        engine.dispose()
