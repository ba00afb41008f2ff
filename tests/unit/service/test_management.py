"""Management from chat: the grammar, permissions, the audit log, one source of truth."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from builders import a_topic, an_article
from digestbot.bootstrap import bootstrap
from digestbot.chat.commands import answer, is_management_command
from digestbot.config import ConfigError, parse_config
from digestbot.run.scheduling import next_fire_time
from digestbot.service.management import Management
from digestbot.service.seeding import seed_from_config
from digestbot.domain.models import CommandContext, Digest, FeedState
from digestbot.ingest.feed_check import SafeFeedReader
from digestbot.service.digests import DigestService
from digestbot.settings import Settings
from digestbot.storage.articles import SqlStore
from digestbot.storage.feed_states import SqlFeedStates
from digestbot.storage.management import SqlManagementStore
from fakes import RecordingFetcher

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=timezone.utc)  # a Monday
ADMIN = CommandContext("slack", "C1", "ada", is_admin=True)
MEMBER = CommandContext("slack", "C1", "bob", is_admin=False)
EDITOR = CommandContext("slack", "C1", "eve", is_admin=False, roles=("editors",))

CONFIG = parse_config("""
[[topics]]
name = "arnvik"
title = "The Kessel Dam failure"
keywords = ["Kessel Dam", "Arnvik"]

[[feeds]]
url = "https://example.org/rss.xml"
topics = ["arnvik"]

[[destinations]]
platform = "slack"
channel = "C9"
cron = "0 7 * * 1-5"
timezone = "Europe/Oslo"
topics = ["arnvik"]

[permissions]
admin_roles = ["editors"]
""", "test.toml")


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'manage.db'}"


@pytest.fixture
def store(url):
    articles = SqlStore.from_url(url)
    store = SqlManagementStore(articles.engine)
    seed_from_config(store, CONFIG, NOW)
    yield store
    articles.close()


@pytest.fixture
def fetcher():
    return RecordingFetcher()


@pytest.fixture
def manage(store, fetcher):
    return Management(store, next_fire=next_fire_time, admin_roles=CONFIG.permissions.admin_roles,
                      feed_reader=SafeFeedReader(fetcher), clock=lambda: NOW,
                      feed_health=SqlFeedStates(store.engine))


def lines(reply) -> list[str]:
    return [line for section in reply.sections for line in section.lines]


def text(reply) -> str:
    return reply.title + "\n" + "\n".join(lines(reply))


# --- subscriptions ----------------------------------------------------------------------


def test_subscribe_defaults_to_all_stories_daily_at_eight_utc(manage, store):
    reply = manage.handle("/digest subscribe", ADMIN)
    assert reply.ok, text(reply)
    assert "all stories daily at 08:00 (UTC)" in text(reply)
    assert "Next digest: Mon 02 Mar 08:00 UTC (in 2 h)" in text(reply)
    [sub] = store.subscriptions("slack", "C1")
    assert (sub.topic, sub.cron, sub.timezone) == ("*", "0 8 * * *", "UTC")


def test_subscribe_a_topic_on_weekdays_in_a_zone_and_settings_show_when_next(manage):
    assert manage.handle("/digest subscribe arnvik weekdays 07:30 tz Asia/Seoul", ADMIN).ok
    settings = manage.handle("/digest settings", MEMBER)  # anyone can read
    assert settings.ok
    body = text(settings)
    # 06:00 UTC Monday is 15:00 in Seoul: the next weekday 07:30 there is Tuesday.
    assert "/arnvik: weekdays at 07:30 (Asia/Seoul); next digest Tue 03 Mar 07:30 KST (in 16 h 30 min)" in body
    assert "ada: subscribed to /arnvik, weekdays at 07:30 (Asia/Seoul)" in body


def test_cron_schedule_and_changing_it_keeps_the_zone_and_records_before_and_after(manage, store):
    manage.handle("/digest subscribe arnvik daily 09:00 tz Europe/Berlin", ADMIN)
    reply = manage.handle('/digest subscribe arnvik cron "15 6 * * 1,3"', ADMIN)
    assert reply.title == "Subscription changed"
    assert 'cron "15 6 * * 1,3" (Europe/Berlin)' in text(reply)
    assert "Before: daily at 09:00 (Europe/Berlin)." in text(reply)
    latest = store.audit("slack", "C1", limit=1)[0]
    assert latest.user == "ada" and latest.action == "subscribe"
    assert latest.before == {"topic": "arnvik", "cron": "0 9 * * *", "timezone": "Europe/Berlin"}
    assert latest.after == {"topic": "arnvik", "cron": "15 6 * * 1,3", "timezone": "Europe/Berlin"}


def test_subscription_options_are_kept_until_changed_and_settings_show_them(manage, store):
    reply = manage.handle('/digest subscribe arnvik include "Kessel Dam, Arnvik" exclude sport '
                          'sources "Northern Wire" skip-sources example.com threads on breaking 2h', ADMIN)
    assert reply.ok, text(reply)
    assert "Only with Kessel Dam, Arnvik." in lines(reply)
    assert "Breaking news at most every 2 h per story." in lines(reply)
    [sub] = store.subscriptions("slack", "C1")
    assert (sub.options.include, sub.options.exclude) == (("Kessel Dam", "Arnvik"), ("sport",))
    assert (sub.options.sources, sub.options.skip_sources) == (("Northern Wire",), ("example.com",))
    assert sub.options.threads and sub.options.breaking_minutes == 120

    reply = manage.handle("/digest subscribe arnvik daily 09:00 include none breaking off", ADMIN)
    assert reply.title == "Subscription changed"
    [sub] = store.subscriptions("slack", "C1")
    assert sub.options.include == () and sub.options.breaking_minutes is None
    assert sub.options.exclude == ("sport",) and sub.options.threads  # not given: unchanged
    assert store.audit("slack", "C1", limit=1)[0].after["options"]["exclude"] == ["sport"]
    body = text(manage.handle("/digest settings", MEMBER))
    assert ("/arnvik: daily at 09:00 (UTC); not with sport; only from Northern Wire; not from example.com; "
            "updates in the story's thread; next digest") in body


def test_a_quoted_public_is_a_word_and_curly_quotes_group_words(manage, store):
    reply = manage.handle('/digest subscribe include "public health" exclude \u201cstate visit\u201d public', ADMIN)
    assert reply.ok and not reply.ephemeral  # the bare `public` shares the reply
    [sub] = store.subscriptions("slack", "C1")
    assert (sub.options.include, sub.options.exclude) == (("public health",), ("state visit",))
    assert manage.handle('/digest topics add pub "public"', ADMIN).ephemeral
    assert [t.topic.keywords for t in store.topics() if t.topic.name == "pub"] == [("public",)]


def test_a_first_subscription_says_how_far_back_its_first_digest_reaches(manage):
    first = manage.handle("/digest subscribe arnvik", ADMIN)
    assert "The first digest covers at most the last 24 hours." in lines(first)
    second = manage.handle("/digest subscribe all", ADMIN)  # the channel has a memory already
    assert not any("first digest" in line for line in lines(second))


def test_unsubscribe_one_topic_or_everything(manage, store):
    manage.handle("/digest subscribe arnvik", ADMIN)
    manage.handle("/digest subscribe all daily 18:00", ADMIN)
    assert manage.handle("/digest unsubscribe arnvik", ADMIN).ok
    assert [s.topic for s in store.subscriptions("slack", "C1")] == ["*"]
    assert manage.handle("/digest unsubscribe", ADMIN).ok
    assert store.subscriptions("slack", "C1") == []
    again = manage.handle("/digest unsubscribe", ADMIN)
    assert not again.ok and again.title == "Not subscribed to everything"


def test_settings_of_a_channel_with_nothing_say_how_to_start(manage):
    body = text(manage.handle("/digest settings", MEMBER))
    assert "This channel gets no digest yet." in body and "/digest subscribe" in body


# --- permissions --------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    "/digest subscribe", "/digest unsubscribe", "/digest topics add dam Kessel",
    "/digest topics remove arnvik", "/digest feeds add https://example.org/feed", "/digest feeds remove 1",
])
def test_changes_need_an_administrator_and_the_refusal_says_who_may(manage, store, fetcher, command):
    reply = manage.handle(command, MEMBER)
    assert not reply.ok
    assert "Only workspace or server administrators and members of editors can do that." in lines(reply)
    assert fetcher.asked == []  # refused before anything happens
    assert store.subscriptions("slack", "C1") == [] and len(store.topics()) == 1 and len(store.feeds()) == 1


def test_a_configured_role_may_change_settings(manage, store):
    assert manage.handle("/digest subscribe arnvik", EDITOR).ok
    assert store.audit("slack", "C1", limit=1)[0].user == "eve"


def test_without_a_context_reads_work_and_changes_are_refused(manage):
    assert manage.handle("/digest topics list").ok
    assert manage.handle("/digest feeds list").ok
    assert not manage.handle("/digest subscribe").ok
    assert manage.handle("/digest settings").title == "Settings are per channel"


def test_admin_roles_in_the_configuration_are_validated():
    assert parse_config("", "x.toml").permissions.admin_roles == []
    with pytest.raises(ConfigError, match="permissions.admin_roles"):
        parse_config('[permissions]\nadmin_roles = [""]\n', "x.toml")
    with pytest.raises(ConfigError, match="permissions"):
        parse_config('[permissions]\nadmins = ["x"]\n', "x.toml")


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("command, title", [
    ("/digest subscribe tz Mars/Olympus", "Unknown time zone 'Mars/Olympus'"),
    ('/digest subscribe cron "0 8 31 2 *"', 'Cron "0 8 31 2 *" never fires'),
    ('/digest subscribe cron "61 8 * * *"', "Bad cron '61 8 * * *'"),
    ("/digest subscribe cron 0 8 * * *", "Unexpected word: 8"),
    ("/digest subscribe daily 25:00", "Not a time of day: 25:00"),
    ("/digest subscribe nosuch", "Unknown topic: nosuch"),
    ("/digest subscribe daily 08:00 weekdays 09:00", "Give one schedule: daily, weekdays or cron"),
    ('/digest subscribe cron "0 8 * * *', "Unbalanced quotes"),
    ("/digest topics add digest dam", "/digest is already a command"),
    ("/digest topics add facts dam", "/facts is already a command"),
    ("/digest topics add arnvik dam", "/arnvik exists already"),
    ("/digest topics add 9lives cat", "Not a topic name: 9lives"),
    ("/digest topics add dam", "A topic needs a name and at least one keyword"),
    ("/digest topics add dam " + " ".join(f"k{n}" for n in range(21)), "Too many keywords: 21"),
    ("/digest topics add dam " + "x" * 81, "Keyword too long"),
    ("/digest topics add dam " + "keyword " * 1250, "Command too long: at most 2000 characters"),
    ("/digest topics rename a b", "Unknown /digest topics command: rename"),
    ("/digest feeds remove first", "Name the feed by its number"),
    ("/digest feeds remove 99", "No feed #99"),
    ("/digest feeds add ftp://example.org/feed", "Not a feed URL"),
    ("/digest settings now", "/digest settings takes no arguments"),
    ("/digest subscribe threads maybe", "threads: on or off, not maybe"),
    ("/digest subscribe breaking soon", "breaking: not on, off or an interval: soon"),
    ("/digest subscribe breaking 1m", "breaking: 1m is out of range"),
    ("/digest subscribe include", "include needs a value"),
    ('/digest subscribe include ","', "include needs words"),
    ("/digest subscribe exclude a exclude b", "Give exclude once"),
    ("/digest subscribe include " + ",".join(f"k{n}" for n in range(21)), "Too many include words: 21"),
    ("/digest subscribe sources " + "x" * 81, "sources: a word is too long"),
    ("/digest subscribe include " + "k," * 5000, "Command too long: at most 2000 characters"),
])
def test_bad_input_gets_a_one_line_clear_reply_and_changes_nothing(manage, store, command, title):
    before = (store.subscriptions(), store.topics(), store.feeds(), store.audit(limit=100))
    reply = manage.handle(command, ADMIN)
    assert not reply.ok
    assert reply.title.startswith(title), reply.title
    assert "\n" not in reply.title and len(reply.title) <= 120
    assert (store.subscriptions(), store.topics(), store.feeds(), store.audit(limit=100)) == before


def test_a_10000_character_keyword_list_is_refused_by_the_service_too(manage, store, url):
    service = DigestService(SqlStore.from_url(url), [], management=manage)
    reply = service.answer("/digest topics add dam " + "k" * 10_000, ADMIN)
    assert not reply.ok and "at most 20 keywords of at most 80 characters" in text(reply)
    assert [t.name for t in service.topics] == ["arnvik"]


# --- topics ---------------------------------------------------------------------------------


def test_topics_add_list_remove_and_removing_drops_its_subscriptions(manage, store):
    reply = manage.handle('/digest topics add dam "Kessel Dam" Arnvik "Kessel Dam"', ADMIN)
    assert reply.ok and reply.title == "Added topic /dam"
    listed = text(manage.handle("/digest topics list", MEMBER))
    assert "/arnvik: The Kessel Dam failure; keywords: Kessel Dam, Arnvik (configuration file)" in listed
    assert "/dam: Kessel Dam, Arnvik; keywords: Kessel Dam, Arnvik (added by ada)" in listed
    manage.handle("/digest subscribe dam", ADMIN)
    removed = manage.handle("/digest topics remove /dam", ADMIN)
    assert removed.ok and "1 subscription(s) to it were removed too." in lines(removed)
    assert [s.topic for s in store.subscriptions()] == ["arnvik"]  # the seeded C9 one stays
    assert not manage.handle("/digest topics remove dam", ADMIN).ok


def test_a_topic_added_from_chat_answers_its_own_commands(url, store, manage):
    articles = SqlStore.from_url(url)
    service = DigestService(articles, [], management=manage)
    service.ingest([])  # nothing yet
    for n in range(2):
        articles.upsert(an_article(f"The Ostmark bridge closed after cracks were found on day {n}.",
                                   "Engineers inspected the Ostmark bridge on Tuesday.", days=n))
    assert service.answer("/bridge facts").title == "Unknown topic: /bridge"
    assert service.answer('/digest topics add bridge "Ostmark bridge"', ADMIN).ok
    reply = service.answer("/bridge facts")
    assert reply.ok and reply.title.startswith("The Ostmark bridge closed")  # the story's own headline
    assert "bridge" in [t.name for t in service.topics]


def test_without_a_management_store_the_command_layer_says_so():
    reply = answer("/digest subscribe", Digest([], NOW), [a_topic()], MEMBER)
    assert not reply.ok and reply.title == "Management is not available here"
    assert is_management_command("/DIGEST Feeds list") and not is_management_command("/digest help")


# --- feeds (fetching itself is tested against a loopback server in tests/integration) -------


def test_a_feed_url_with_credentials_is_refused_never_fetched_echoed_stored_or_logged(manage, store, fetcher,
                                                                                       caplog, url):
    caplog.set_level(logging.DEBUG)
    service = DigestService(SqlStore.from_url(url), [], management=manage)
    reply = service.answer("/digest feeds add https://ann:hunter2@example.org/rss.xml", ADMIN)
    assert not reply.ok and reply.title == "Feed URLs with credentials are refused"
    assert "hunter2" not in text(reply) and "ann:" not in text(reply)
    assert fetcher.asked == []
    assert [f.url for f in store.feeds()] == ["https://example.org/rss.xml"]
    assert all("hunter2" not in (e.summary + str(e.after)) for e in store.audit(limit=100))
    assert "hunter2" not in caplog.text


def test_a_refused_fetch_stores_nothing(manage, store, fetcher):
    reply = manage.handle("/digest feeds add https://example.org/other.xml", ADMIN)
    assert not reply.ok
    assert lines(reply) == ["blocked: the server refused access (HTTP 403)", "Nothing was stored."]
    assert fetcher.asked == ["https://example.org/other.xml"]
    assert len(store.feeds()) == 1


def test_feeds_list_shows_health_in_plain_words(manage, store):
    states = SqlFeedStates(store.engine)
    states.save(FeedState("https://example.org/rss.xml", failures=3, items_seen=12,
                          last_success=datetime(2026, 3, 1, 8, tzinfo=timezone.utc),
                          last_error="blocked: the server refused access (HTTP 403)"))  # as polling stores it
    [line] = lines(manage.handle("/digest feeds list", MEMBER))
    assert line == ("#1 https://example.org/rss.xml (every 15m, /arnvik): last success 2026-03-01 08:00 UTC; "
                    "12 items seen; last error: blocked: the server refused access (HTTP 403) (3 failures in a row)")


def test_the_bootstrapped_app_reads_feed_health_from_the_database(tmp_path):
    config = tmp_path / "digestbot.toml"
    config.write_text('[[feeds]]\nurl = "https://example.org/rss.xml"\n')
    app = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", config=config))
    try:
        SqlFeedStates(app.store.engine).save(FeedState("https://example.org/rss.xml", items_seen=4,
                                                       last_success=datetime(2026, 3, 1, 8, tzinfo=timezone.utc)))
        assert "last success 2026-03-01 08:00 UTC; 4 items seen" in text(app.service.answer("/digest feeds list"))
    finally:
        app.close()


def test_without_a_pollers_state_every_feed_reads_as_not_fetched_yet(store):
    [line] = lines(Management(store, next_fire=next_fire_time).handle("/digest feeds list", MEMBER))
    assert line.endswith(": not fetched yet")


# --- one source of truth -----------------------------------------------------------------


def test_the_configuration_seeds_once_and_then_the_database_wins(url, store, manage):
    assert [s.channel for s in store.subscriptions()] == ["C9"]
    [seeded] = store.subscriptions()
    assert (seeded.platform, seeded.topic, seeded.cron, seeded.timezone) == ("slack", "arnvik", "0 7 * * 1-5",
                                                                             "Europe/Oslo")
    manage.handle("/digest topics remove arnvik", ADMIN)  # the seeded topic and its subscription go
    assert seed_from_config(SqlManagementStore(store.engine), CONFIG) is False  # seen: not brought back
    assert store.topics() == [] and store.subscriptions() == []
    # An entry the database has never seen is seeded, whenever it appears (issue 14, item 6).
    other = parse_config('[[topics]]\nname = "other"\ntitle = "Other"\nkeywords = ["x"]\n', "later.toml")
    assert seed_from_config(SqlManagementStore(store.engine), other) is True
    assert [t.topic.name for t in store.topics()] == ["other"] and store.subscriptions() == []


def test_changes_survive_a_restart(url, manage):
    manage.handle("/digest subscribe arnvik weekdays 07:00 tz Europe/Oslo", ADMIN)
    manage.handle("/digest topics add dam Kessel", ADMIN)
    reopened = SqlStore.from_url(url)
    try:
        fresh = Management(SqlManagementStore(reopened.engine), next_fire=next_fire_time, clock=lambda: NOW)
        assert seed_from_config(fresh.store, CONFIG) is False
        assert [t.name for t in fresh.topics()] == ["arnvik", "dam"]
        body = text(fresh.handle("/digest settings", MEMBER))
        assert "/arnvik: weekdays at 07:00 (Europe/Oslo)" in body and "ada: added topic /dam (Kessel)" in body
    finally:
        reopened.close()


def test_webhook_destinations_are_seeded_without_their_secret(url):
    articles = SqlStore.from_url(url)
    try:
        config = parse_config('[[destinations]]\nplatform = "discord-webhook"\n'
                              'webhook = "https://discord.com/api/webhooks/1/SECRET"\n', "w.toml")
        store = SqlManagementStore(articles.engine)
        assert seed_from_config(store, config)
        [sub] = store.subscriptions()
        assert sub.channel.startswith("webhook:") and "SECRET" not in sub.channel
    finally:
        articles.close()


def test_public_shares_the_reply_with_the_channel(manage):
    assert manage.handle("/digest settings public", MEMBER).ephemeral is False
    assert manage.handle("/digest settings", MEMBER).ephemeral is True
