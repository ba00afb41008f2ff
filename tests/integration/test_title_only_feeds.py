"""Feeds whose entries carry only a title and a link (Hacker News, search alerts, a journal's
table of contents): the linked pages are fetched through the safe fetcher on 127.0.0.1, a
bounded number per poll, and markup in titles is stripped."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fakes import FakeClock, InMemoryFeedStates
from digestbot.ingest import InputError, RawArticle, SafeFetcher, load_sources
from digestbot.ingest.feeds import TitleOnlyEntry
from digestbot.run.polling import FeedPoller

LOOP = frozenset({"127.0.0.1"})

BRIDGE_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Harbour bridge closes for repairs | Port Gazette</title>
<meta property="og:title" content="Harbour bridge closes for repairs">
<meta property="article:published_time" content="2026-02-03T07:00:00+00:00">
</head><body><nav><a href="/">Home</a></nav><article>
<h1>Harbour bridge closes for repairs</h1>
<p>The old harbour bridge in Port Vell closed on Tuesday after inspectors found deep cracks
in two of its steel supports, the city's transport office said.</p>
<p>Buses that crossed the bridge will run along the coast road until the repairs are done,
which engineers expect to take at least six weeks.</p>
<p>Shop owners near the bridge said they feared losing customers during the closure and asked
the council for help with their rents.</p>
</article></body></html>"""

CHAT_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Team chat service restored after outage</title></head><body><article>
<h1>Team chat service restored after outage</h1>
<p>The team chat service Slack was restored on Wednesday evening after an outage of nearly
four hours left millions of office workers unable to send messages.</p>
<p>The company said a faulty configuration change had caused the failure and that no data
had been lost, and it promised a full report within a week.</p>
</article></body></html>"""


def comments_feed(links: list[str]) -> bytes:
    """An RSS feed as Hacker News writes it: a title, a link, and a "Comments" link."""
    items = "".join(
        f"<item><title>Story {n}</title><link>{link}</link>"
        f"<pubDate>Tue, 03 Feb 2026 0{n}:00:00 GMT</pubDate>"
        f"<description><![CDATA[<a href=\"https://news.example/item?id={n}\">Comments</a>]]></description></item>"
        for n, link in enumerate(links, 1))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Link News</title>'
            f"<link>https://news.example/</link>{items}</channel></rss>").encode()


def alert_feed(link: str) -> bytes:
    """An Atom feed as search alerts write it: hits marked up in the title, a cut snippet."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Alert - chat</title><id>tag:alerts</id>
<updated>2026-02-04T20:00:00Z</updated>
<entry><id>tag:alerts:1</id><title type="html">&lt;b&gt;Slack&lt;/b&gt; restored after outage</title>
<link href="{link}"/><updated>2026-02-04T20:00:00Z</updated>
<content type="html">The team chat service &lt;b&gt;Slack&lt;/b&gt; was restored on Wednesday evening after an outage of nearly ...</content>
</entry></feed>""".encode()


def test_entries_with_only_a_title_and_a_link_get_their_pages(http_server):
    http_server.serve("/bridge", BRIDGE_PAGE.encode())
    http_server.serve("/rss", comments_feed([http_server.url("/bridge")]), content_type="application/rss+xml")
    [article] = list(load_sources([http_server.url("/rss")], SafeFetcher(allow_hosts=LOOP)))
    assert isinstance(article, RawArticle)
    assert "deep cracks" in article.text and "Comments" not in article.text
    assert article.title == "Story 1" and article.url == http_server.url("/bridge")


def test_a_search_alert_title_loses_its_markup_and_its_snippet_is_replaced_by_the_page(http_server):
    http_server.serve("/chat", CHAT_PAGE.encode())
    http_server.serve("/alerts", alert_feed(http_server.url("/chat")), content_type="application/atom+xml")
    [article] = list(load_sources([http_server.url("/alerts")], SafeFetcher(allow_hosts=LOOP)))
    assert article.title == "Slack restored after outage"
    assert "full report within a week" in article.text


def test_a_poll_fetches_a_bounded_number_of_pages(http_server):
    pages = [f"/page{n}" for n in range(1, 5)]
    for path in pages:
        http_server.serve(path, BRIDGE_PAGE.replace("Port Vell", f"Port {path}").encode())
    http_server.serve("/feed.xml", comments_feed([http_server.url(p) for p in pages]),
                      content_type="application/rss+xml")
    states = InMemoryFeedStates()
    ingested: list[RawArticle] = []
    url = http_server.url("/feed.xml")
    poller = FeedPoller({url: timedelta(minutes=15)}, SafeFetcher(allow_hosts=LOOP), states,
                        ingested.extend, clock=FakeClock(datetime(2026, 2, 3, 9, tzinfo=timezone.utc)),
                        page_fetches=2)
    report = poller.poll(url)
    assert len(report.articles) == 2 and len(ingested) == 2
    fetched = [p for p, _ in http_server.requests if p.startswith("/page")]
    assert fetched == ["/page1", "/page2"]
    assert len(report.errors) == 2 and all("DIGESTBOT_FEED_PAGE_FETCHES" in e for e in report.errors)
    assert states.load(url).failures == 0  # a feed of links is a working feed


def test_a_page_that_fails_costs_its_entry_only(http_server):
    http_server.serve("/bridge", BRIDGE_PAGE.encode())
    feed = comments_feed([http_server.url("/gone"), http_server.url("/bridge")])
    http_server.serve("/rss", feed, content_type="application/rss+xml")
    items = list(load_sources([http_server.url("/rss")], SafeFetcher(allow_hosts=LOOP)))
    assert isinstance(items[0], InputError) and "HTTP 404" in str(items[0])
    assert isinstance(items[1], RawArticle) and "deep cracks" in items[1].text


def test_a_local_feed_file_of_links_says_what_it_lacks(tmp_path):
    path = tmp_path / "links.xml"
    path.write_bytes(comments_feed(["https://news.example/a"]))
    [error] = list(load_sources([str(path)]))
    assert isinstance(error, TitleOnlyEntry)
    assert "only a title and a link" in str(error) and "fetch_entries" not in str(error)


def test_with_every_page_fetched_an_entry_whose_page_fails_keeps_its_own_text(http_server, caplog):
    """`fetch_entries`: a full-text entry whose page fails keeps its feed text (with a warning);
    one whose page works takes the page's text, and the page's date when the entry has none."""
    http_server.serve("/bridge", BRIDGE_PAGE.encode())
    items = "".join(
        f"<item><title>Story {n}</title><link>{http_server.url(path)}</link>{date}"
        f"<description>The ferry to the islands runs twice a day this week.</description></item>"
        for n, (path, date) in enumerate([("/gone", "<pubDate>Tue, 03 Feb 2026 05:00:00 GMT</pubDate>"),
                                          ("/bridge", "")], 1))
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Full News</title>{items}</channel></rss>'
    http_server.serve("/rss", feed.encode(), content_type="application/rss+xml")
    kept, fetched = list(load_sources([http_server.url("/rss")], SafeFetcher(allow_hosts=LOOP), fetch_entries=True))
    assert kept.text == "The ferry to the islands runs twice a day this week."
    assert kept.published == datetime(2026, 2, 3, 5, tzinfo=timezone.utc)
    assert "kept the feed summary, page not usable" in caplog.text and "HTTP 404" in caplog.text
    assert "deep cracks" in fetched.text and fetched.title == "Story 2"
    assert fetched.published == datetime(2026, 2, 3, 7, tzinfo=timezone.utc) and not fetched.published_is_fallback
