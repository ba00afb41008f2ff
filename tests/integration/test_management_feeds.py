"""`/digest feeds add` against a real HTTP server on loopback: the URL is fetched once through
the SafeFetcher and read as a feed; anything that is not a working public feed is refused with
a clear reply and nothing is stored."""

from __future__ import annotations

import pytest

from digestbot.ingest import SafeFetcher
from digestbot.ingest.feed_check import SafeFeedReader
from digestbot.run.scheduling import next_fire_time
from digestbot.service.management import Management
from digestbot.service.seeding import seed_from_config
from digestbot.config import parse_config
from digestbot.domain.models import CommandContext
from digestbot.storage.articles import SqlStore
from digestbot.storage.management import SqlManagementStore

FEED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://example.org/</link>
<item><title>Storm hits coast</title><link>https://example.org/storm</link>
<pubDate>Mon, 05 Jan 2026 08:00:00 GMT</pubDate>
<description>A storm hit the coast on Monday. Thousands lost power. Shelters opened.</description></item>
<item><title>Shelters open</title><link>https://example.org/shelters</link>
<pubDate>Mon, 05 Jan 2026 09:00:00 GMT</pubDate>
<description>Three towns opened shelters. The storm moved north.</description></item>
</channel></rss>"""
ADMIN = CommandContext("discord", "42", "ada", is_admin=True)


@pytest.fixture
def store(tmp_path):
    articles = SqlStore.from_url(f"sqlite:///{tmp_path / 'feeds.db'}")
    store = SqlManagementStore(articles.engine)
    seed_from_config(store, parse_config('[[topics]]\nname = "storm"\ntitle = "Storm"\nkeywords = ["storm"]\n',
                                         "t.toml"))
    yield store
    articles.close()


def manage(store, *, allow_loopback: bool = True) -> Management:
    fetcher = SafeFetcher(allow_hosts=frozenset({"127.0.0.1"}) if allow_loopback else frozenset(), deadline=5)
    return Management(store, next_fire=next_fire_time, feed_reader=SafeFeedReader(fetcher))


def lines(reply) -> list[str]:
    return [line for section in reply.sections for line in section.lines]


def test_a_working_feed_is_added_once_and_listed(http_server, store):
    http_server.serve("/rss.xml", FEED, content_type="application/rss+xml")
    url = http_server.url("/rss.xml")
    management = manage(store)
    reply = management.handle(f"/digest feeds add {url} storm", ADMIN)
    assert reply.ok and reply.title == "Added feed #1", lines(reply)
    assert lines(reply) == [f"{url}: 2 entries now; checked every 15m.", "Its articles count for /storm first."]
    [feed] = store.feeds()
    assert (feed.url, feed.topic, feed.origin, feed.created_by) == (url, "storm", "chat", "ada")
    assert lines(management.handle("/digest feeds list", ADMIN)) == [f"#1 {url} (every 15m, /storm): not fetched yet"]
    again = management.handle(f"/digest feeds add {url}", ADMIN)
    assert not again.ok and again.title == "Already a feed: #1"
    assert len(http_server.requests) == 1
    entry = store.audit("discord", "42", limit=1)[0]
    assert entry.action == "feeds.add" and entry.after["url"] == url
    assert management.handle("/digest feeds remove #1", ADMIN).ok and store.feeds() == []


def test_a_loopback_url_is_refused_without_a_request(http_server, store):
    http_server.serve("/rss.xml", FEED, content_type="application/rss+xml")
    reply = manage(store, allow_loopback=False).handle(f"/digest feeds add {http_server.url('/rss.xml')}", ADMIN)
    assert not reply.ok
    assert lines(reply) == ["refused: the address is not public (a loopback address)", "Nothing was stored."]
    assert http_server.requests == [] and store.feeds() == []


def test_a_private_address_is_refused(store):
    reply = manage(store).handle("/digest feeds add http://10.1.2.3/rss.xml", ADMIN)
    assert not reply.ok and lines(reply)[0] == "refused: the address is not public (a private address)"
    assert store.feeds() == []


def test_a_page_that_is_not_a_feed_is_refused(http_server, store):
    http_server.serve("/page", b"<html><body><p>Hello there.</p></body></html>")
    reply = manage(store).handle(f"/digest feeds add {http_server.url('/page')}", ADMIN)
    assert not reply.ok
    assert lines(reply) == ["not a feed (no RSS or Atom entries found)", "Nothing was stored."]
    assert store.feeds() == []


def test_a_server_answering_403_is_refused(http_server, store):
    http_server.serve("/rss.xml", b"forbidden", content_type="text/plain", status=403)
    reply = manage(store).handle(f"/digest feeds add {http_server.url('/rss.xml')}", ADMIN)
    assert not reply.ok
    assert lines(reply) == ["blocked: the server refused access (HTTP 403)", "Nothing was stored."]
    assert store.feeds() == [] and len(http_server.requests) == 1


def test_a_url_with_credentials_is_refused_before_any_request(http_server, store):
    http_server.serve("/rss.xml", FEED, content_type="application/rss+xml")
    url = http_server.url("/rss.xml").replace("http://", "http://ann:hunter2@")
    reply = manage(store).handle(f"/digest feeds add {url}", ADMIN)
    assert not reply.ok and reply.title == "Feed URLs with credentials are refused"
    assert "hunter2" not in reply.title + "".join(lines(reply))
    assert http_server.requests == [] and store.feeds() == []
