"""A feed entry is one unit of failure (issue 14, items 12 and 16): a poisoned feed beside a
healthy one, on SQLite and on the real PostgreSQL server; caps and unchanged bodies.

Feeds are served by a loopback HTTP server (allowed through the fetcher's allow-list); the
store, the feed states and the ingestion service are the real ones."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from fakes import FakeClock
from digestbot.ingest import SafeFetcher
from digestbot.run.polling import FeedPoller
from digestbot.service.digests import DigestService
from digestbot.storage.articles import SqlStore
from digestbot.storage.feed_states import SqlFeedStates
from digestbot.storage.migrate import open_database
from test_postgres import pg_url, postgres  # noqa: F401 - the fixtures, shared with that module

START = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
BRIDGE = "The harbour bridge reopened on Tuesday after repairs. Traffic returned to normal by evening."
CORRECTED = "The harbour bridge reopened on Wednesday after repairs. Crews finished a day late."
FERRY = "The island ferry resumed service on Monday. The port said crossings would run hourly."
TRAMS = "The city trams ran again on Thursday. Drivers had been on strike for a week."


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feeds.db'}"
    return request.getfixturevalue("pg_url")


def item(link: str, title: str, text: str = "", day: int = 2) -> str:
    when = format_datetime(START - timedelta(days=30) + timedelta(days=day))
    description = f"<description>{text}</description>" if text else ""
    return f"<item><title>{title}</title><link>{link}</link><pubDate>{when}</pubDate>{description}</item>"


def rss(*items: str, title: str = "Harbour News") -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f'<link>https://example.org/</link>{"".join(items)}</channel></rss>').encode()


def a_poller(feeds: list[str], db_url: str, clock: FakeClock, **options):
    store = SqlStore.from_url(db_url)
    service = DigestService(store, [])
    fetcher = SafeFetcher(deadline=5, allow_hosts=frozenset({"127.0.0.1"}))
    states = SqlFeedStates(open_database(db_url))
    poller = FeedPoller({url: timedelta(minutes=15) for url in feeds}, fetcher, states, service.ingest,
                        clock=clock, **options)
    return poller, states, store


def test_a_poisoned_feed_does_not_stop_a_healthy_one(http_server, db_url):
    page = ('<html><head><title>Bridge works</title>'
            '<meta property="article:published_time" content="0001-01-01T00:00:00+14:00"></head>'
            f'<body><article><p>{CORRECTED}</p><p>{BRIDGE}</p></article></body></html>').encode()
    http_server.serve("/bridge-works.html", page)
    poisoned = rss(
        item("https://example.org/1", "Bridge reopens", BRIDGE),
        item("https://example.org/2", "Bridge reopens at last", BRIDGE),
        item("https://example.org/1", "Bridge date corrected", CORRECTED),
        item("https://example.org/" + "long/" * 150, "A link of 750 characters", FERRY),
        item(http_server.url("/bridge-works.html"), "Bridge works (title only, a page dated before year 1)"),
        item("", "No text and no link"),
        title="Harbour News " * 30,  # a source of 390 characters
    )
    http_server.serve("/poisoned.xml", poisoned, content_type="application/rss+xml",
                      headers={"ETag": '"' + "v" * 700 + '"'})
    http_server.serve("/healthy.xml", rss(item("https://example.org/trams", "Trams run again", TRAMS)),
                      content_type="application/rss+xml")
    feeds = [http_server.url("/poisoned.xml"), http_server.url("/healthy.xml")]
    clock = FakeClock(START)
    poller, states, store = a_poller(feeds, db_url, clock)

    reports = poller.poll_due()

    assert [r.url for r in reports] == feeds
    healthy, bad = states.load(feeds[1]), states.load(feeds[0])
    assert healthy.last_success == START and healthy.failures == 0 and healthy.last_error is None
    assert bad.last_success == START and bad.failures == 0 and bad.next_due == START + timedelta(minutes=15)
    assert "entry 6" in bad.last_error and "no text and no link" in bad.last_error
    titles = {a.title for a in store.all_articles()}
    assert {"Trams run again", "Bridge date corrected", "A link of 750 characters"} <= titles
    assert any(title.startswith("Bridge works") for title in titles)
    clock.now += timedelta(minutes=15)
    assert [r.not_modified for r in poller.poll_due()] == [True, True]  # and the next poll works


def test_an_unexpected_error_is_that_feeds_failure_and_the_others_go_on(http_server, tmp_path):
    """Whatever breaks while one feed is polled (here the ingestion of its articles) is that
    feed's failure: counted, backed off, in its state for the notice; later feeds are polled."""
    http_server.serve("/first.xml", rss(item("https://example.org/bridge", "Bridge", BRIDGE)),
                      content_type="application/rss+xml")
    http_server.serve("/second.xml", rss(item("https://example.org/ferry", "Ferry", FERRY)),
                      content_type="application/rss+xml")
    feeds = [http_server.url("/first.xml"), http_server.url("/second.xml")]
    stored = []

    def ingest(articles):
        if any(a.title == "Bridge" for a in articles):
            raise RuntimeError("disk I/O error\nand a second line")
        stored.extend(articles)

    states = SqlFeedStates(open_database(f"sqlite:///{tmp_path / 'states.db'}"))
    clock = FakeClock(START)
    poller = FeedPoller({url: timedelta(minutes=15) for url in feeds},
                        SafeFetcher(deadline=5, allow_hosts=frozenset({"127.0.0.1"})), states, ingest, clock=clock)

    first, second = poller.poll_due()

    failed = states.load(feeds[0])
    assert failed.failures == 1 and failed.next_due == START + timedelta(minutes=30)
    assert failed.last_error == f"{feeds[0]}: could not be polled (RuntimeError: disk I/O error)"
    assert first.errors == [failed.last_error]
    assert [a.title for a in stored] == ["Ferry"] and states.load(feeds[1]).failures == 0
    clock.now += timedelta(minutes=30)
    assert feeds[0] in [r.url for r in poller.poll_due()]  # retried after its back-off, read again
    assert states.load(feeds[0]).failures == 2


def test_only_the_newest_entries_of_a_long_feed_are_read(http_server, tmp_path):
    entries = [item(f"https://example.org/{n}", f"Report {n}", f"{FERRY} Report {n} adds a detail.", day=n % 28)
               for n in range(250)]
    http_server.serve("/long.xml", rss(*entries), content_type="application/rss+xml")
    url = http_server.url("/long.xml")
    poller, _states, _store = a_poller([url], f"sqlite:///{tmp_path / 'long.db'}", FakeClock(START),
                                       max_entries=30)
    [report] = poller.poll_due()
    assert len(report.articles) == 30
    newest = sorted(range(250), key=lambda n: (n % 28, -n), reverse=True)[:30]
    assert {a.title for a in report.articles} == {f"Report {n}" for n in newest}


def test_the_default_cap_is_a_setting():
    from digestbot.settings import Settings

    assert Settings().feed_max_entries == 200
    assert Settings(feed_max_entries=50).feed_max_entries == 50


def test_an_unchanged_feed_body_is_not_read_again(http_server, tmp_path):
    """No ETag, no Last-Modified: the same bytes again cost a hash, not a parse and a store."""
    http_server.serve("/plain.xml", rss(item("https://example.org/bridge", "Bridge", BRIDGE)),
                      content_type="application/rss+xml")
    url = http_server.url("/plain.xml")
    clock = FakeClock(START)
    poller, states, _store = a_poller([url], f"sqlite:///{tmp_path / 'plain.db'}", clock)
    assert len(poller.poll_due()[0].articles) == 1
    clock.now += timedelta(minutes=15)
    [again] = poller.poll_due()
    assert again.not_modified and again.articles == [] and states.load(url).last_success == clock.now
    http_server.serve("/plain.xml", rss(item("https://example.org/bridge", "Bridge", BRIDGE),
                                        item("https://example.org/ferry", "Ferry", FERRY)),
                      content_type="application/rss+xml")
    clock.now += timedelta(minutes=15)
    [changed] = poller.poll_due()
    assert not changed.not_modified and len(changed.articles) == 2
    assert states.load(url).items_seen == 3


def test_a_fetch_cancelled_by_shutdown_is_no_feeds_failure(tmp_path):
    """`SafeFetcher.cancel()` at shutdown stops the poll: the feed is not charged a failure and
    no later feed starts (the runtime returns and polls them after the restart)."""
    from digestbot.ingest.fetch import FetchCancelled

    class CancelledFetcher:
        def fetch(self, url, conditional=None):
            raise FetchCancelled(url)

    feeds = ["https://example.org/first.xml", "https://example.org/second.xml"]
    states = SqlFeedStates(open_database(f"sqlite:///{tmp_path / 'states.db'}"))
    poller = FeedPoller({url: timedelta(minutes=15) for url in feeds}, CancelledFetcher(), states,
                        lambda articles: None, clock=FakeClock(START))
    with pytest.raises(FetchCancelled):
        poller.poll_due()
    assert all(states.load(url).failures == 0 for url in feeds)
