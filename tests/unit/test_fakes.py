"""The in-memory twins in `tests/fakes.py` behave as the ports' SQL implementations do: every case
here runs against both (parametrized), so a test written against a twin says something about
the real thing, and a twin that drifts from its repository fails here."""

import inspect
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import fakes
from builders import a_topic, an_article, corpus_raw
from digestbot.domain import ports
from digestbot.domain.models import Claim, FeedState, Topic
from digestbot.domain.records import AuditEntry, SubscriptionOptions, UpsertOutcome
from digestbot.service.digests import DigestService
from digestbot.storage.articles import SqlStore
from digestbot.storage.channel_memory import SqlPostedItems, SqlStoryPosts
from digestbot.storage.feed_states import SqlFeedStates
from digestbot.storage.ledger import SqlLedger
from digestbot.storage.management import SqlManagementStore
from digestbot.storage.migrate import open_database
from digestbot.storage.seen_requests import SqlSeenRequests
from fakes import (InMemoryArticleStore, InMemoryFeedStates, InMemoryLedger, InMemoryManagementStore,
                   InMemoryPostedItems, InMemorySeenRequests, InMemoryStoryPosts)

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)

# port -> (its SQL implementation, its twin), each built from a migrated engine
IMPLEMENTATIONS = {
    "ArticleStore": (SqlStore, InMemoryArticleStore),
    "Ledger": (SqlLedger, InMemoryLedger),
    "PostedItems": (SqlPostedItems, InMemoryPostedItems),
    "StoryPosts": (SqlStoryPosts, InMemoryStoryPosts),
    "FeedHealth": (SqlFeedStates, InMemoryFeedStates),
    "FeedStateStore": (SqlFeedStates, InMemoryFeedStates),
    "ManagementStore": (SqlManagementStore, InMemoryManagementStore),
    "SeenRequests": (SqlSeenRequests, InMemorySeenRequests),
}


def storage_ports() -> list[type]:
    """The Protocols of ports.py's storage section (the posting section has its own fakes)."""
    source = Path(inspect.getfile(ports)).read_text()
    section = source.split("# --- storage ports")[1].split("# --- posting ports")[0]
    names = [line.split("(")[0].removeprefix("class ") for line in section.splitlines() if line.startswith("class ")]
    return [getattr(ports, name) for name in names if name != "Fetcher"]  # RecordingFetcher: never fetches


def port_methods(port: type) -> set[str]:
    return {name for klass in port.__mro__ if klass.__module__ == ports.__name__
            for name, value in vars(klass).items() if callable(value) and not name.startswith("_")}


@pytest.mark.parametrize("port", storage_ports(), ids=lambda port: port.__name__)
def test_every_storage_port_has_a_sql_implementation_and_a_twin_with_its_methods(port):
    assert port.__name__ in IMPLEMENTATIONS, f"{port.__name__} has no twin in tests/fakes.py"
    for implementation in IMPLEMENTATIONS[port.__name__]:
        missing = {name for name in port_methods(port) if not callable(getattr(implementation, name, None))}
        assert not missing, f"{implementation.__name__} lacks {sorted(missing)}"
    assert IMPLEMENTATIONS[port.__name__][1].__module__ == fakes.__name__


@pytest.fixture(params=["sql", "memory"])
def build(request, tmp_path):
    """`build(port_name, **kwargs)`: the SQL repository on one migrated database, or its twin."""
    if request.param == "memory":
        yield lambda port, **kwargs: IMPLEMENTATIONS[port][1](**kwargs)
        return
    engine = open_database(f"sqlite:///{tmp_path / 'twin.db'}")
    yield lambda port, **kwargs: IMPLEMENTATIONS[port][0](engine, **kwargs)
    engine.dispose()


# --- ArticleStore ------------------------------------------------------------------------------


def test_an_article_is_created_once_and_updated_when_its_text_changes(build):
    articles = build("ArticleStore")
    first = an_article("The Kessel Dam failed on Monday.", key="d1", url="https://example.org/dam", days=1)
    older = an_article("Engineers warned about the dam last year.", key="d0", days=0)
    assert [r.outcome for r in articles.upsert_many([first, older])] == [UpsertOutcome.CREATED] * 2
    assert articles.upsert(first) is UpsertOutcome.UNCHANGED
    revised = an_article("The Kessel Dam failed on Monday; twelve died.", key="d1", url="https://example.org/dam",
                         days=1)
    [done] = articles.upsert_many([revised])
    assert done.outcome is UpsertOutcome.UPDATED and done.previous.sentences == first.sentences
    assert articles.count() == 2
    assert [(a.key, a.sentences) for a in articles.all_articles()] == [("d0", older.sentences),
                                                                        ("d1", revised.sentences)]


def test_the_service_runs_on_the_in_memory_store():
    store = InMemoryArticleStore()
    service = DigestService(store, [a_topic()])
    service.ingest(corpus_raw("arnvik-1", "arnvik-2"))
    assert store.count() == 2
    assert [len(s.articles) for s in service.current_digest().stories] == [2]


# --- Ledger --------------------------------------------------------------------------------------


def test_a_period_is_claimed_once_and_completed(build):
    ledger = build("Ledger")
    assert ledger.claim("slack:C1", "p1", T0) is Claim.FRESH
    assert ledger.claim("slack:C1", "p1", T0) is None
    assert ledger.status("slack:C1", "p1") == "claimed"
    ledger.complete("slack:C1", "p1", "m-1")
    assert ledger.status("slack:C1", "p1") == "posted"
    assert ledger.claim("slack:C1", "p1", T0 + timedelta(days=1)) is None
    assert ledger.mark_missed("slack:C1", "p1", T0) is False
    assert ledger.status("slack:C1", "unknown") is None


def test_an_interrupted_or_stale_claim_is_recovered_and_a_released_one_is_fresh(build):
    ledger = build("Ledger", lease=timedelta(minutes=10))
    ledger.claim("d", "interrupted", T0)
    ledger.interrupt("d", "interrupted")
    assert ledger.status("d", "interrupted") == "interrupted"
    assert ledger.claim("d", "interrupted", T0) is Claim.RECOVER
    ledger.claim("d", "stale", T0)
    assert ledger.claim("d", "stale", T0 + timedelta(minutes=5)) is None
    assert ledger.claim("d", "stale", T0 + timedelta(minutes=11)) is Claim.RECOVER
    ledger.claim("d", "released", T0)
    ledger.release("d", "released")
    assert ledger.status("d", "released") is None
    assert ledger.claim("d", "released", T0) is Claim.FRESH
    ledger.skip("d", "released")
    assert ledger.status("d", "released") == "skipped"
    ledger.release("d", "released")  # only a claim is released
    assert ledger.status("d", "released") == "skipped"


def test_missed_periods_and_the_first_schedule_time_are_kept(build):
    ledger = build("Ledger")
    assert ledger.mark_missed("d", "p", T0) is True
    assert ledger.mark_missed("d", "p", T0) is False
    assert ledger.claim("d", "p", T0) is None
    assert ledger.started("d", T0) == T0
    assert ledger.started("d", T0 + timedelta(days=3)) == T0


def test_recent_lists_a_channels_rows_newest_first_with_its_second_schedule(build):
    ledger = build("Ledger")
    ledger.claim("slack:C1", "p1", T0)
    ledger.claim("slack:C1 [0 18 * * * UTC]", "p2", T0 + timedelta(hours=1))
    ledger.claim("slack:C10", "p3", T0 + timedelta(hours=2))  # another channel sharing the prefix
    ledger.mark_missed("slack:C1", "p0", T0 - timedelta(hours=1))
    recent = ledger.recent("slack", "C1", limit=2)
    assert [(d.destination, d.period, d.status, d.at) for d in recent] == [
        ("slack:C1 [0 18 * * * UTC]", "p2", "claimed", T0 + timedelta(hours=1)),
        ("slack:C1", "p1", "claimed", T0)]
    assert [d.period for d in ledger.recent("slack", "C1")] == ["p2", "p1", "p0"]


# --- channel memory ------------------------------------------------------------------------------


def test_posted_items_are_remembered_per_destination(build):
    posted = build("PostedItems")
    assert posted.seen("slack:C1") == set()
    posted.remember("slack:C1", ["n:aaa", "u:bbb"], T0)
    posted.remember("slack:C1", ["n:aaa", "n:ccc"], T0 + timedelta(hours=1))
    assert posted.seen("slack:C1") == {"n:aaa", "u:bbb", "n:ccc"}
    assert posted.seen("slack:C2") == set()


def test_the_first_message_anchors_a_story_and_breaking_posts_are_stamped(build):
    posts = build("StoryPosts")
    assert posts.view("slack:C1", ["a1"]) == posts.view("slack:C1", []) and posts.anchor("slack:C1", ["a1"]) is None
    posts.record("slack:C1", ["a1", "a2"], None, T0)  # shown without a message (a digest post that failed)
    posts.record("slack:C1", ["a1"], "m-1", T0 + timedelta(minutes=1))
    posts.record("slack:C1", ["a1", "a3"], "m-2", T0 + timedelta(minutes=2), breaking=True)
    view = posts.view("slack:C1", ["a1", "a2", "a3", "a9"])
    assert view.shown == frozenset({"a1", "a2", "a3"})
    assert view.anchor == "m-1" and posts.anchor("slack:C1", ["a3"]) == "m-2"
    assert view.last_breaking == T0 + timedelta(minutes=2)
    assert posts.view("slack:C2", ["a1"]).shown == frozenset()


# --- feed states ---------------------------------------------------------------------------------


def test_feed_state_is_saved_and_loaded(build):
    feed_states = build("FeedStateStore")
    url = "https://example.org/rss.xml"
    assert feed_states.load(url) == FeedState(url)
    feed_states.save(FeedState(url, etag='"v1"', failures=2, next_due=T0))
    assert feed_states.load(url) == FeedState(url, etag='"v1"', failures=2, next_due=T0)


def test_whether_a_feeds_failure_was_announced_is_kept_apart_from_its_state(build):
    feed_states = build("FeedStateStore")
    url = "https://example.org/rss.xml"
    assert feed_states.notified_down(url) is False
    feed_states.set_notified_down(url, True)
    assert feed_states.notified_down(url) is True and feed_states.load(url) == FeedState(url)
    feed_states.save(FeedState(url, failures=3))
    assert feed_states.notified_down(url) is True
    feed_states.set_notified_down(url, False)
    assert feed_states.notified_down(url) is False and feed_states.load(url).failures == 3


# --- ManagementStore -----------------------------------------------------------------------------

DAM = Topic("dam", "The Kessel Dam", ("Kessel Dam",))


def by(user: str, action: str, at: datetime = T0, channel: str = "C1") -> AuditEntry:
    return AuditEntry(at, "slack", channel, user, action, f"{user}: {action}", None, None)


def seeded(build):
    store = build("ManagementStore")
    feeds = [{"url": "https://example.org/rss.xml", "every": "30m", "topic": "dam"}]
    subs = [{"platform": "slack", "channel": "C1", "topic": "dam", "cron": "0 8 * * *", "timezone": "UTC"}]
    assert store.seed([DAM], feeds, subs, T0) is True
    return store


def test_the_configuration_is_seeded_once(build):
    store = seeded(build)
    assert store.seeded_entries() == {("topic", "dam"), ("feed", "https://example.org/rss.xml"),
                                      ("subscription", "slack C1 dam")}
    assert store.seed([DAM], [], [], T0 + timedelta(days=1)) is False
    assert [(t.topic, t.origin, t.created_by) for t in store.topics()] == [(DAM, "config", "config file")]
    assert [(f.id, f.url, f.every, f.topic, f.origin) for f in store.feeds()] == [
        (1, "https://example.org/rss.xml", "30m", "dam", "config")]
    [sub] = store.subscriptions()
    assert (sub.id, sub.topic, sub.cron, sub.created_by, sub.created_at, sub.from_chat) == (
        1, "dam", "0 8 * * *", "config file", T0, False)
    [entry] = store.audit()
    assert (entry.platform, entry.user, entry.action, entry.summary) == (
        "config", "config file", "seed", "seeded from the configuration file: 1 topics, 1 feeds, 1 subscriptions")


def test_a_subscription_is_saved_changed_and_removed_with_its_audit_entries(build):
    store = seeded(build)
    quiet = SubscriptionOptions(exclude=("rumour",), threads=True)
    before, after = store.save_subscription("slack", "C1", "*", "0 9 * * 1", "Asia/Seoul", by("ada", "subscribe"),
                                            options=quiet)
    assert before is None and (after.id, after.topic, after.options, after.from_chat) == (2, "*", quiet, True)
    before, after = store.save_subscription("slack", "C1", "*", "0 7 * * *", "UTC",
                                            by("bo", "subscribe", T0 + timedelta(hours=1)))
    assert before.cron == "0 9 * * 1" and (after.id, after.cron, after.options, after.created_by) == (2, "0 7 * * *",
                                                                                                    quiet, "ada")
    assert [s.topic for s in store.subscriptions("slack", "C1")] == ["dam", "*"]
    assert store.subscriptions("slack", "C2") == []
    removed = store.remove_subscriptions("slack", "C1", None, by("cy", "unsubscribe", T0 + timedelta(hours=2)))
    assert [s.topic for s in removed] == ["dam", "*"] and store.subscriptions() == []
    assert store.remove_subscriptions("slack", "C1", "dam", by("cy", "unsubscribe")) == []
    latest, changed = store.audit("slack", "C1", limit=2)
    assert (latest.user, latest.before["subscriptions"][1]["options"]["exclude"], latest.after) == ("cy", ["rumour"],
                                                                                                    None)
    assert (changed.user, changed.before["cron"], changed.after["cron"]) == ("bo", "0 9 * * 1", "0 7 * * *")
    assert [e.user for e in store.audit()] == ["cy", "bo", "ada", "config file"]


def test_topics_are_added_changed_and_removed_with_their_subscriptions(build):
    store = seeded(build)
    assert store.add_topic(DAM, by("ada", "topics.add")) is False
    flood = Topic("flood", "River floods", ("flood",))
    assert store.add_topic(flood, by("ada", "topics.add", T0 + timedelta(minutes=1))) is True
    assert store.update_topic(Topic("flood", "Floods", ("flood", "levee")), by("bo", "topics.add")) is True
    assert store.update_topic(Topic("storm", "Storms", ()), by("bo", "topics.add")) is False
    assert [(t.topic.name, t.topic.title, t.origin, t.created_by) for t in store.topics()] == [
        ("dam", "The Kessel Dam", "config", "config file"), ("flood", "Floods", "chat", "ada")]
    assert store.audit(limit=1)[0].before == {"name": "flood", "title": "River floods", "keywords": ["flood"]}
    stored, subscriptions = store.remove_topic("dam", by("cy", "topics.remove"))
    assert (stored.topic, subscriptions) == (DAM, 1)
    assert store.subscriptions() == [] and [f.topic for f in store.feeds()] == [None]
    assert store.audit(limit=1)[0].before == {"name": "dam", "title": "The Kessel Dam", "keywords": ["Kessel Dam"],
                                              "subscriptions": 1}
    assert store.remove_topic("dam", by("cy", "topics.remove")) is None


def test_feeds_are_added_changed_and_removed(build):
    store = seeded(build)
    assert store.add_feed("https://example.org/rss.xml", "15m", None, by("ada", "feeds.add")) is None
    feed = store.add_feed("https://example.org/atom.xml", "1h", "dam", by("ada", "feeds.add"))
    assert (feed.id, feed.origin, feed.created_by) == (2, "chat", "ada")
    changed = store.update_feed(2, "2h", None, by("bo", "feeds.add"))
    assert (changed.id, changed.every, changed.topic) == (2, "2h", None)
    assert store.update_feed(9, "2h", None, by("bo", "feeds.add")) is None
    assert store.audit(limit=1)[0].after == {"id": 2, "url": "https://example.org/atom.xml", "every": "2h",
                                             "topic": None}
    assert store.remove_feed(1, by("cy", "feeds.remove")).url == "https://example.org/rss.xml"
    assert store.remove_feed(1, by("cy", "feeds.remove")) is None
    assert [f.id for f in store.feeds()] == [2]


# --- SeenRequests --------------------------------------------------------------------------------


def test_a_request_is_new_once_within_the_window(build):
    seen = build("SeenRequests", window=timedelta(minutes=5))
    assert seen.first_time("sig-1", T0) is True
    assert seen.first_time("sig-1", T0 + timedelta(minutes=4)) is False
    assert seen.first_time("sig-2", T0 + timedelta(minutes=4)) is True
    assert seen.first_time("sig-1", T0 + timedelta(minutes=6)) is True  # its record expired with the window
