"""Feed polling against a real HTTP server on loopback: conditional requests and back-off."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from fakes import FakeClock, InMemoryFeedStates
from digestbot.ingest import SafeFetcher
from digestbot.run.polling import FeedPoller, parse_interval

FEED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://example.org/</link>
<item><title>Storm hits coast</title><link>https://example.org/storm</link>
<pubDate>Mon, 05 Jan 2026 08:00:00 GMT</pubDate>
<description>A storm hit the coast on Monday. Thousands lost power. Shelters opened.</description></item>
</channel></rss>"""


def a_poller(http_server, states, clock, ingested):
    fetcher = SafeFetcher(deadline=5, allow_hosts=frozenset({"127.0.0.1"}))
    url = http_server.url("/feed.xml")
    return url, FeedPoller({url: timedelta(minutes=15)}, fetcher, states, ingested.extend, clock=clock)


def serve_with_etag(http_server):
    def send(h):
        if h.headers.get("If-None-Match") == '"v1"':
            h.send_response(304)
            h.send_header("Content-Length", "0")
        else:
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("ETag", '"v1"')
            h.send_header("Content-Length", str(len(FEED)))
        h.send_header("Connection", "close")
        h.end_headers()
        if h.headers.get("If-None-Match") != '"v1"':
            h.wfile.write(FEED)

    http_server.routes["/feed.xml"] = send


def test_conditional_request_after_the_first_poll(http_server):
    serve_with_etag(http_server)
    states, clock, ingested = InMemoryFeedStates(), FakeClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc)), []
    url, poller = a_poller(http_server, states, clock, ingested)
    first = poller.poll_due()
    assert [a.title for a in first[0].articles] == ["Storm hits coast"]
    assert states.load(url).etag == '"v1"'
    assert poller.due() == []  # not again before its interval
    clock.now += timedelta(minutes=15)
    [second] = poller.poll_due()
    assert second.not_modified and second.articles == []
    assert http_server.requests[-1][1]["if-none-match"] == '"v1"'
    assert len(ingested) == 1 and states.load(url).items_seen == 1


def test_errors_back_off_and_recover(http_server):
    http_server.serve("/feed.xml", b"oops", status=500)
    states, clock, ingested = InMemoryFeedStates(), FakeClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc)), []
    url, poller = a_poller(http_server, states, clock, ingested)
    poller.poll(url)
    poller.poll(url)
    state = states.load(url)
    assert state.failures == 2 and "HTTP 500" in state.last_error
    assert state.next_due == clock.now + timedelta(minutes=60)
    for _ in range(10):
        poller.poll(url)
    assert states.load(url).next_due - clock.now == timedelta(hours=6)  # capped
    serve_with_etag(http_server)
    states.save(replace(states.load(url), next_due=clock.now))
    [report] = poller.poll_due()
    assert report.articles and states.load(url).failures == 0 and states.load(url).last_error is None


def test_not_a_feed_is_an_error_in_plain_words(http_server):
    http_server.serve("/feed.xml", b"<html><body>hello</body></html>", content_type="application/rss+xml")
    states, clock, ingested = InMemoryFeedStates(), FakeClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc)), []
    url, poller = a_poller(http_server, states, clock, ingested)
    report = poller.poll(url)
    assert report.errors and states.load(url).last_error == "not a feed (no RSS or Atom entries found)"
    assert ingested == []


def test_loopback_feed_is_refused_by_default(http_server):
    serve_with_etag(http_server)
    states, clock = InMemoryFeedStates(), FakeClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
    url = http_server.url("/feed.xml")
    poller = FeedPoller({url: timedelta(minutes=15)}, SafeFetcher(deadline=5), states, list, clock=clock)
    poller.poll(url)
    assert "loopback" in states.load(url).last_error


def test_intervals():
    assert parse_interval("15m") == timedelta(minutes=15)
    assert parse_interval("2h") == timedelta(hours=2)


def test_feed_state_survives_in_the_database(http_server, tmp_path):
    from digestbot.storage.feed_states import SqlFeedStates
    from digestbot.storage.migrate import open_database

    serve_with_etag(http_server)
    engine = open_database(f"sqlite:///{tmp_path / 'feeds.db'}")
    clock, ingested = FakeClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc)), []
    url, poller = a_poller(http_server, SqlFeedStates(engine), clock, ingested)
    poller.poll(url)
    reopened = SqlFeedStates(open_database(f"sqlite:///{tmp_path / 'feeds.db'}"))
    state = reopened.load(url)
    assert state.etag == '"v1"' and state.items_seen == 1
    assert state.next_due == clock.now + timedelta(minutes=15)
    engine.dispose()
